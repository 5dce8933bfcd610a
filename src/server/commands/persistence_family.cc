// RDB persistence commands: SAVE and BGSAVE. (SYNC, PSYNC and REPLCONF are in
// replication_family.cc; LASTSAVE and SHUTDOWN are in server_family.cc,
// DEBUG RELOAD in debug_family.cc; the machinery is server/rdb_persistence.h.) Replies and
// error texts follow Redis 7.0.15.

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/logging.h"
#include "server/aof_manager.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// SAVE
void SaveCommand(CommandContext& ctx) {
  RdbPersistence& rdb = ctx.server().rdb();
  if (rdb.bgsave_in_progress()) {
    ctx.Error("ERR Background save already in progress");
    return;
  }
  if (rdb.Save()) {
    ctx.reply().Ok();
  } else {
    ctx.Error("ERR");
  }
}

// BGSAVE [SCHEDULE]
void BgsaveCommand(CommandContext& ctx) {
  if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.ArgIs(1, "schedule"))) {
    ctx.SyntaxError();
    return;
  }
  RdbPersistence& rdb = ctx.server().rdb();
  if (rdb.bgsave_in_progress()) {
    ctx.Error("ERR Background save already in progress");
    return;
  }
  bool schedule = ctx.argc() == 2;
  if (ctx.server().aof().rewrite_in_progress() && !schedule &&
      !ctx.client().has(kClientExecuting)) {
    ctx.Error(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    return;
  }
  if (ctx.server().aof().rewrite_in_progress() || ctx.client().has(kClientExecuting)) {
    // Inside EXEC a fork would snapshot half a transaction, and only one child runs at a time:
    // the cron starts it later.
    rdb.ScheduleBackgroundSave();
    ctx.reply().SimpleString("Background saving scheduled");
    return;
  }
  std::string err = rdb.StartBackgroundSave();
  if (!err.empty()) {
    ctx.Error(err);
    return;
  }
  ctx.reply().SimpleString("Background saving started");
}

constexpr uint32_t kPersist = kCmdAdmin | kCmdNoScript;

const CommandSpec kPersistenceCommands[] = {
    {"save", 1, kPersist | kCmdNoMulti, 0, 0, 0, "server", "1.0.0",
     "Synchronously save the dataset to disk", "O(N) where N is the total number of keys in all "
     "databases", "", SaveCommand},
    {"bgsave", -1, kPersist, 0, 0, 0, "server", "1.0.0", "Asynchronously save the dataset to disk",
     "O(1)", "[SCHEDULE]", BgsaveCommand},
    {},
};

}  // namespace

void RegisterPersistenceCommands() { CommandTable::Get().Register(kPersistenceCommands); }

}  // namespace memkeydb
