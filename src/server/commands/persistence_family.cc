// RDB persistence commands: SAVE, BGSAVE, and the minimal SYNC (with REPLCONF) that
// `redis-cli --rdb` uses to fetch a snapshot. (LASTSAVE and SHUTDOWN are in server_family.cc,
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

// ---------------------------------------------------------------------------------------------
// SYNC: a snapshot sent as "$<length>\r\n" + the RDB bytes. Full replication (PSYNC, the
// command stream after the snapshot) builds on this later; for now the connection is closed
// once the file is sent, as Redis does for an rdb-only replica.

// Streams one file to one socket from the event loop, then closes both. Owns itself.
class RdbTransfer : public IoHandler {
 public:
  static void Start(Server* server, int sock, const std::string& path) {
    // The file is removed once every waiting replica has opened it; the descriptor keeps it.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      close(sock);
      return;
    }
    struct stat st;
    fstat(fd, &st);
    auto* t = new RdbTransfer(server, sock, fd, static_cast<uint64_t>(st.st_size));
    if (!server->loop().Watch(sock, false, true, t)) t->Finish();
  }

  void OnIoEvent(uint32_t events) override {
    if (events & (EPOLLERR | EPOLLHUP)) return Finish();
    while (!header_.empty()) {
      ssize_t n = write(sock_, header_.data(), header_.size());
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) return Finish();
      header_.erase(0, static_cast<size_t>(n));
    }
    while (sent_ < size_) {
      off_t off = static_cast<off_t>(sent_);
      ssize_t n = sendfile(sock_, fd_, &off, std::min<uint64_t>(size_ - sent_, 1 << 20));
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) return Finish();
      sent_ += static_cast<uint64_t>(n);
      server_->stats().net_output_bytes += static_cast<uint64_t>(n);
    }
    MKDB_LOG(kNotice) << "Synchronization with replica succeeded (" << size_ << " bytes sent)";
    Finish();
  }

 private:
  RdbTransfer(Server* server, int sock, int fd, uint64_t size)
      : server_(server), sock_(sock), fd_(fd), size_(size) {
    header_ = "$" + std::to_string(size) + "\r\n";
  }
  void Finish() {
    server_->loop().Unwatch(sock_);
    close(sock_);
    close(fd_);
    delete this;
  }

  Server* server_;
  int sock_;
  int fd_;
  uint64_t size_;
  uint64_t sent_ = 0;
  std::string header_;
};

// SYNC
void SyncCommand(CommandContext& ctx) {
  Server* server = &ctx.server();
  uint64_t id = ctx.client().id();
  MKDB_LOG(kNotice) << "Replica " << ctx.client().peer() << " asks for synchronization";
  std::string err = server->rdb().SaveForSync([server, id](bool ok, const std::string& path) {
    Client* c = server->FindClient(id);
    if (c == nullptr || c->has(kClientCloseAsap) || !ok) {
      if (c != nullptr) c->CloseAsync();
      return;
    }
    c->Flush();
    RdbTransfer::Start(server, c->ReleaseSocket(), path);
  });
  if (!err.empty()) ctx.Error(err);
  // Otherwise no reply: the snapshot follows when it is ready.
}

// REPLCONF <option> <value> [<option> <value> ...]
// Accepted so that `redis-cli --rdb` (REPLCONF rdb-only 1) and replicas can talk to us; only
// the syntax is checked until replication exists.
void ReplconfCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.SyntaxError();
    return;
  }
  static const char* kKnown[] = {"listening-port", "ip-address", "capa",    "ack",
                                 "getack",         "rdb-only",   "rdb-filter-only"};
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    bool known = false;
    for (const char* k : kKnown) known = known || ctx.ArgIs(i, k);
    if (!known) {
      ctx.Error("ERR Unrecognized REPLCONF option: " + std::string(ctx.arg(i)));
      return;
    }
  }
  ctx.reply().Ok();
}

constexpr uint32_t kPersist = kCmdAdmin | kCmdNoScript;

const CommandSpec kPersistenceCommands[] = {
    {"save", 1, kPersist | kCmdNoMulti, 0, 0, 0, "server", "1.0.0",
     "Synchronously save the dataset to disk", "O(N) where N is the total number of keys in all "
     "databases", "", SaveCommand},
    {"bgsave", -1, kPersist, 0, 0, 0, "server", "1.0.0", "Asynchronously save the dataset to disk",
     "O(1)", "[SCHEDULE]", BgsaveCommand},
    {"sync", 1, kPersist | kCmdNoMulti, 0, 0, 0, "server", "1.0.0",
     "Internal command used for replication", "", "", SyncCommand},
    {"replconf", -1, kPersist | kCmdLoading | kCmdStale | kCmdAllowBusy, 0, 0, 0, "server",
     "3.0.0", "An internal command for configuring the replication stream", "O(1)", "",
     ReplconfCommand},
    {},
};

}  // namespace

void RegisterPersistenceCommands() { CommandTable::Get().Register(kPersistenceCommands); }

}  // namespace memkeydb
