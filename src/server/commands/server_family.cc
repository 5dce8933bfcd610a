// Server lifecycle commands: TIME, LASTSAVE and SHUTDOWN (SAVE and BGSAVE: persistence_family.cc). (INFO, CLIENT, MONITOR, SLOWLOG,
// LATENCY, DEBUG and MEMORY have their own family files.) Replies and error texts follow Redis
// 7.0.15.

#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// ---------------------------------------------------------------------------------------------
// TIME, LASTSAVE, SHUTDOWN

// TIME
void TimeCommand(CommandContext& ctx) {
  int64_t us = NowUs();
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(2);
  w.BulkInteger(us / 1000000);
  w.BulkInteger(us % 1000000);
}

// LASTSAVE
void LastsaveCommand(CommandContext& ctx) { ctx.reply().Integer(ctx.server().last_save_s); }

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
void ShutdownCommand(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false, force = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "nosave")) {
      nosave = true;
    } else if (ctx.ArgIs(i, "save")) {
      save = true;
    } else if (ctx.ArgIs(i, "now")) {
      // No replicas to wait for: nothing to cut short.
    } else if (ctx.ArgIs(i, "force")) {
      force = true;
    } else if (ctx.ArgIs(i, "abort")) {
      abort = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if ((abort && ctx.argc() != 2) || (save && nosave)) {
    ctx.SyntaxError();
    return;
  }
  if (abort) {
    // A shutdown here never waits (no replicas to catch up), so none can be in progress.
    ctx.Error("ERR No shutdown in progress.");
    return;
  }
  MKDB_LOG(kWarning) << "User requested shutdown...";
  if (!ctx.server().PrepareForShutdown(save, nosave, force)) {
    ctx.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  ctx.server().RequestShutdown();
  // Like Redis, no reply: the connection simply closes.
  ctx.client().flags |= kClientCloseAfterReply;
}

// ---------------------------------------------------------------------------------------------
// The table

const CommandSpec kServerCommands[] = {
    {"time", 1, kLS | kCmdFast, 0, 0, 0, "server", "2.6.0", "Return the current server time",
     "O(1)", "", TimeCommand},
    {"lastsave", 1, kLS | kCmdFast, 0, 0, 0, "server", "1.0.0",
     "Get the UNIX time stamp of the last successful save to disk", "O(1)", "", LastsaveCommand},
    {"shutdown", -1, kAdm | kCmdNoMulti | kCmdAllowBusy, 0, 0, 0, "server", "1.0.0",
     "Synchronously save the dataset to disk and then shut down the server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)",
     "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]", ShutdownCommand},
    {},
};

}  // namespace

void RegisterServerCommands() {
  RecordStartupMemory();
  CommandTable::Get().Register(kServerCommands);
}

}  // namespace memkeydb
