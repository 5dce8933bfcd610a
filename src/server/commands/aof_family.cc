// The AOF's command: BGREWRITEAOF. (The AOF itself is server/aof_manager.h.) Replies follow
// Redis 7.0.15.

#include "server/aof_manager.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// BGREWRITEAOF
void BgrewriteaofCommand(CommandContext& ctx) {
  bool scheduled = false;
  std::string err = ctx.server().aof().RequestRewrite(&scheduled);
  if (!err.empty()) {
    ctx.Error(err);
  } else if (scheduled) {
    ctx.reply().SimpleString("Background append only file rewriting scheduled");
  } else {
    ctx.reply().SimpleString("Background append only file rewriting started");
  }
}

const CommandSpec kAofCommands[] = {
    {"bgrewriteaof", 1, kCmdAdmin | kCmdNoScript, 0, 0, 0, "server", "1.0.0",
     "Asynchronously rewrite the append-only file", "O(1)", "", BgrewriteaofCommand},
    {},
};

}  // namespace

void RegisterAofCommands() { CommandTable::Get().Register(kAofCommands); }

}  // namespace memkeydb
