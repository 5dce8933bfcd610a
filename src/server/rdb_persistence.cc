#include "server/rdb_persistence.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "persistence/snapshot.h"
#include "server/aof_manager.h"
#include "server/fork_child.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// After a failed BGSAVE, save points wait this long before trying again (Redis's rule).
constexpr int64_t kBgsaveRetryDelayS = 5;
// A child reports its progress at most this often.
constexpr int64_t kChildReportPeriodUs = 100000;

std::string ErrnoText() { return strerror(errno); }

// Syncs the directory holding `path`, so a rename survives a crash.
void FsyncDirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}


// A snapshot consumer that counts keys and sends the count to the parent now and then.
class ReportingConsumer : public SnapshotConsumer {
 public:
  ReportingConsumer(SnapshotConsumer* inner, int report_fd) : inner_(inner), fd_(report_fd) {}
  bool DbSize(int db, uint64_t keys, uint64_t expires) override {
    return inner_->DbSize(db, keys, expires);
  }
  bool Key(int db, const Entry& e) override {
    ++keys_;
    if ((keys_ & 1023) == 0 && fd_ >= 0) {
      int64_t now = MonotonicUs();
      if (now - last_us_ >= kChildReportPeriodUs) {
        last_us_ = now;
        uint64_t msg[3] = {keys_, 0, 0};
        ssize_t ignored = write(fd_, msg, sizeof(msg));
        (void)ignored;
      }
    }
    return inner_->Key(db, e);
  }
  uint64_t keys() const { return keys_; }

 private:
  SnapshotConsumer* inner_;
  int fd_;
  uint64_t keys_ = 0;
  int64_t last_us_ = 0;
};

}  // namespace

// The inline BGSAVE in progress (see StartInlineSave).
struct RdbPersistence::InlineSave {
  std::string temp;
  std::unique_ptr<InlineSnapshotFile> file;
};

RdbPersistence::RdbPersistence(Server* server) : server_(server) {}

RdbPersistence::~RdbPersistence() {
  if (child_pipe_ >= 0) close(child_pipe_);
  if (inline_ != nullptr) {
    // Shutting down: no bookkeeping or listeners, only the snapshot's marks and the temp file.
    inline_->file.reset();
    unlink(inline_->temp.c_str());
  }
}

std::vector<Database*> RdbPersistence::Databases() const {
  std::vector<Database*> dbs;
  for (int i = 0; i < server_->db_count(); ++i) dbs.push_back(&server_->db(i));
  return dbs;
}

rdb::RdbWriterOptions RdbPersistence::WriterOptions() const {
  const Config& c = server_->config();
  rdb::RdbWriterOptions o;
  o.compress = c.rdbcompression;
  o.checksum = c.rdbchecksum;
  EvictionPolicy p = server_->eviction_policy();
  if (server_->lfu_policy()) {
    int64_t decay = c.lfu_decay_time;
    o.lfu_counter = [decay](uint32_t clock) {
      return static_cast<uint8_t>(LfuDecayedCounter(clock, decay));
    };
  } else if (p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kAllkeysLru) {
    uint32_t now = LruClock();
    o.idle_seconds = [now](uint32_t clock) { return LruIdleSeconds(clock, now); };
  }
  return o;
}

rdb::RdbAux RdbPersistence::Aux() const {
  rdb::RdbAux aux;
  aux.ctime_s = NowMs() / 1000;
  aux.used_mem = MemoryTiers::Get().used_total();
  // The history this data belongs to, so that a restart can continue it (PSYNC2): a replica's
  // position in its primary's stream, or a primary's own stream if it keeps one.
  const Replication& repl = server_->replication();
  if (repl.is_replica() || repl.backlog() != nullptr) {
    aux.repl_id = repl.replid();
    aux.repl_offset = repl.offset();
    aux.repl_stream_db = repl.stream_db();
  }
  return aux;
}

// ---------------------------------------------------------------------------------------------
// SAVE

bool RdbPersistence::WriteFile(const std::string& final_path, bool rename_into_place) {
  std::string temp = "temp-" + std::to_string(getpid()) + ".rdb";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    char cwd[4096];
    MKDB_LOG(kWarning) << "Failed opening the temp RDB file " << temp << " (in server root dir "
                       << (getcwd(cwd, sizeof(cwd)) ? cwd : "unknown")
                       << ") for saving: " << ErrnoText();
    return false;
  }
  rdb::RdbFileWriter writer(rdb::RdbFileWriter::FdSink(fd), WriterOptions());
  bool ok = writer.Begin(Aux()) && EmitAllKeys(Databases(), &writer) && writer.Finish();
  if (ok && fsync(fd) != 0) ok = false;
  int saved_errno = errno;
  close(fd);
  if (!ok) {
    errno = saved_errno;
    MKDB_LOG(kWarning) << "Write error saving DB on disk: " << ErrnoText();
    unlink(temp.c_str());
    return false;
  }
  if (!rename_into_place) return true;
  if (rename(temp.c_str(), final_path.c_str()) != 0) {
    MKDB_LOG(kWarning) << "Error moving temp DB file " << temp << " on the final destination "
                       << final_path << " (in server root dir): " << ErrnoText();
    unlink(temp.c_str());
    return false;
  }
  FsyncDirOf(final_path);
  return true;
}

bool RdbPersistence::Save() {
  if (bgsave_in_progress()) {
    MKDB_LOG(kWarning) << "Background save already in progress";
    return false;
  }
  if (!WriteFile(server_->config().dbfilename, true)) return false;
  MKDB_LOG(kNotice) << "DB saved on disk";
  server_->dirty = 0;
  server_->last_save_s = NowMs() / 1000;
  last_bgsave_ok_ = true;
  ++rdb_saves_;
  return true;
}

// ---------------------------------------------------------------------------------------------
// BGSAVE

bool RdbPersistence::WritesDenied() const {
  const Config& c = server_->config();
  return c.stop_writes_on_bgsave_error && !c.save_params.empty() && !last_bgsave_ok_;
}

std::string RdbPersistence::StartBackgroundSave() {
  if (bgsave_in_progress()) return "ERR Background save already in progress";
  std::string err = ForkSave(server_->config().dbfilename, false);
  if (err.empty()) bgsave_scheduled_ = false;
  return err;
}

std::string RdbPersistence::SaveForSync(SaveListener listener, std::vector<int> sockets) {
  if (bgsave_in_progress() && child_for_sync_ && !child_diskless_ && sockets.empty()) {
    sync_waiters_.push_back(std::move(listener));
    return "";
  }
  if (bgsave_in_progress()) return "ERR Background save already in progress";
  std::string err = ForkSave("", true, sockets.empty() ? nullptr : &sockets);
  if (err.empty()) sync_waiters_.push_back(std::move(listener));
  return err;
}

bool RdbPersistence::CanFork() const {
  const std::string& mode = server_->config().snapshot_mode;
  bool fork_safe = MemoryTiers::Get().fork_snapshot_safe();
  return fork_safe && (mode == "fork" || mode == "auto");
}

void RdbPersistence::BeginSaveRecord(const std::string& final_path, bool for_sync) {
  uint64_t total = 0;
  for (Database* db : Databases()) total += db->size();
  child_start_ms_ = NowMs();
  child_final_path_ = final_path;
  child_for_sync_ = for_sync;
  child_dirty_before_ = server_->dirty;
  child_keys_processed_ = 0;
  child_keys_total_ = total;
  child_cow_bytes_ = 0;
}

std::string RdbPersistence::ForkSave(const std::string& final_path, bool for_sync,
                                     const std::vector<int>* sockets) {
  if (server_->aof().rewrite_in_progress()) {
    return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
           "SCHEDULE in order to schedule a BGSAVE whenever possible.";
  }
  const Config& c = server_->config();
  bool fork_safe = MemoryTiers::Get().fork_snapshot_safe();
  bool use_fork = c.snapshot_mode == "fork" || (c.snapshot_mode == "auto" && fork_safe);
  if (!use_fork) {
    if (sockets != nullptr) return "ERR diskless sync needs a forked child";
    return StartInlineSave(final_path, for_sync);
  }
  if (!fork_safe) {
    return "ERR Background save refused: snapshot-mode is fork, but the far-memory backend "
           "'file' maps its memory MAP_SHARED, so a forked child would write a torn file";
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return "ERR Can't create a pipe for the child: " + ErrnoText();
  last_bgsave_try_s_ = NowMs() / 1000;
  int64_t start_us = MonotonicUs();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string temp = for_sync ? "temp-sync-" + std::to_string(getpid()) + ".rdb"
                                : "temp-" + std::to_string(getpid()) + ".rdb";
    ChildMain(temp, fds[1], sockets);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    last_bgsave_ok_ = false;
    MKDB_LOG(kWarning) << "Can't save in background: fork: " << ErrnoText();
    return "ERR Background save failed: fork: " + ErrnoText();
  }
  server_->RecordFork(MonotonicUs() - start_us);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  child_pid_ = pid;
  child_pipe_ = fds[0];
  BeginSaveRecord(final_path, for_sync);
  child_diskless_ = sockets != nullptr;
  MKDB_LOG(kNotice) << "Background saving started by pid " << pid;
  return "";
}

void RdbPersistence::ChildMain(const std::string& temp_path, int report_fd,
                               const std::vector<int>* sockets) {
  // Signals: the parent stops a save with SIGUSR1; SIGTERM and SIGINT end the child at once
  // (the parent's handlers only set a flag its loop would read).
  signal(SIGUSR1, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  // Only the parent can rename the file into place: a child that outlives it is useless.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  SetLogRole('C');
  server_->CloseListeningSockets();
  if (sockets != nullptr) DisklessChildMain(*sockets, report_fd);
  int fd = open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    MKDB_LOG(kWarning) << "Failed opening the temp RDB file " << temp_path
                       << " for saving: " << ErrnoText();
    _exit(1);
  }
  rdb::RdbFileWriter writer(rdb::RdbFileWriter::FdSink(fd), WriterOptions());
  ReportingConsumer consumer(&writer, report_fd);
  bool ok = writer.Begin(Aux()) && EmitAllKeys(Databases(), &consumer) && writer.Finish() &&
            fsync(fd) == 0;
  if (!ok) {
    MKDB_LOG(kWarning) << "Write error saving DB on disk: " << ErrnoText();
    close(fd);
    unlink(temp_path.c_str());
    _exit(1);
  }
  close(fd);
  MKDB_LOG(kNotice) << "DB saved on disk";
  uint64_t cow = PrivateDirtyBytes();
  if (cow > 0) {
    MKDB_LOG(kNotice) << "Fork CoW for RDB: current " << cow / (1024 * 1024) << " MB, peak "
                      << cow / (1024 * 1024) << " MB, average " << cow / (1024 * 1024) << " MB";
  }
  uint64_t msg[3] = {consumer.keys(), cow, 1};
  ssize_t ignored = write(report_fd, msg, sizeof(msg));
  (void)ignored;
  _exit(0);
}

namespace {

// Writes all of `data` to a non-blocking socket, waiting for room (a replica that stops
// reading for repl-timeout fails its transfer). False on error or timeout.
bool WriteAllToSocket(int fd, const char* data, size_t len, int timeout_ms) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n > 0) {
      data += n;
      len -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = {fd, POLLOUT, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

void RdbPersistence::DisklessChildMain(const std::vector<int>& sockets, int report_fd) {
  std::vector<int> live = sockets;
  int timeout_ms = static_cast<int>(std::min<int64_t>(server_->config().repl_timeout, 3600)) * 1000;
  // Every chunk goes to every replica still reading; one that fails is dropped, the others go on.
  auto fan_out = [&live, timeout_ms](const char* data, size_t len) {
    for (size_t i = 0; i < live.size();) {
      if (WriteAllToSocket(live[i], data, len, timeout_ms)) {
        ++i;
      } else {
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    return !live.empty();
  };
  std::string mark = RandomHex(40);
  std::string header = "$EOF:" + mark + "\r\n";
  bool ok = fan_out(header.data(), header.size());
  if (ok) {
    rdb::RdbFileWriter writer(
        [&fan_out](std::string_view d) { return fan_out(d.data(), d.size()); }, WriterOptions());
    ReportingConsumer consumer(&writer, report_fd);
    ok = writer.Begin(Aux()) && EmitAllKeys(Databases(), &consumer) && writer.Finish() &&
         fan_out(mark.data(), mark.size());
    uint64_t cow = PrivateDirtyBytes();
    uint64_t msg[3] = {consumer.keys(), cow, 1};
    ssize_t ignored = write(report_fd, msg, sizeof(msg));
    (void)ignored;
  }
  if (!ok) {
    MKDB_LOG(kWarning) << "Diskless transfer to the replicas failed";
    _exit(1);
  }
  MKDB_LOG(kNotice) << "Streamed the RDB to " << live.size() << " replica(s)";
  _exit(0);
}

void RdbPersistence::ReadChildReports() {
  if (child_pipe_ < 0) return;
  uint64_t msg[3];
  while (read(child_pipe_, msg, sizeof(msg)) == static_cast<ssize_t>(sizeof(msg))) {
    child_keys_processed_ = msg[0];
    if (msg[2] != 0) child_cow_bytes_ = static_cast<int64_t>(msg[1]);
  }
}

void RdbPersistence::KillBackgroundSave() {
  if (inline_ != nullptr) {
    MKDB_LOG(kNotice) << "Stopping the running inline BGSAVE";
    EndInlineSave(false, true);
    return;
  }
  if (!bgsave_in_progress()) return;
  MKDB_LOG(kNotice) << "Killing running BGSAVE child: " << child_pid_;
  kill(child_pid_, SIGUSR1);
  int status;
  while (waitpid(child_pid_, &status, 0) < 0 && errno == EINTR) {
  }
  std::string temp = (child_for_sync_ ? "temp-sync-" : "temp-") + std::to_string(child_pid_) + ".rdb";
  unlink(temp.c_str());
  close(child_pipe_);
  child_pipe_ = -1;
  child_pid_ = -1;
  auto waiters = std::move(sync_waiters_);
  sync_waiters_.clear();
  for (auto& w : waiters) w(false, "");
}

void RdbPersistence::ChildDone(int status) {
  ReadChildReports();
  pid_t pid = child_pid_;
  close(child_pipe_);
  child_pipe_ = -1;
  child_pid_ = -1;
  std::string temp = (child_for_sync_ ? "temp-sync-" : "temp-") + std::to_string(pid) + ".rdb";
  bool by_signal = WIFSIGNALED(status);
  bool ok = CommitBackgroundSave(WIFEXITED(status) && WEXITSTATUS(status) == 0, temp);
  if (ok) {
    last_cow_bytes_ = child_cow_bytes_;
  } else {
    if (by_signal) {
      MKDB_LOG(kWarning) << "Background saving terminated by signal " << WTERMSIG(status);
    } else {
      MKDB_LOG(kWarning) << "Background saving error";
    }
    unlink(temp.c_str());
    // A save stopped on purpose (SIGUSR1) is not a failure of the disk.
    if (!(by_signal && WTERMSIG(status) == SIGUSR1)) last_bgsave_ok_ = false;
  }
  NotifySyncWaiters(ok, temp);
  // The transfers have the file open by now.
  if (child_for_sync_) unlink(temp.c_str());
}

bool RdbPersistence::CommitBackgroundSave(bool ok, const std::string& temp) {
  int64_t now_ms = NowMs();
  last_bgsave_time_s_ = (now_ms - child_start_ms_) / 1000;
  if (ok && !child_for_sync_) {
    if (rename(temp.c_str(), child_final_path_.c_str()) != 0) {
      MKDB_LOG(kWarning) << "Error moving temp DB file " << temp << " on the final destination "
                         << child_final_path_ << ": " << ErrnoText();
      ok = false;
    } else {
      FsyncDirOf(child_final_path_);
    }
  }
  if (!ok) return false;
  MKDB_LOG(kNotice) << "Background saving terminated with success";
  if (!child_for_sync_) {
    server_->dirty -= child_dirty_before_;
    server_->last_save_s = now_ms / 1000;
    ++rdb_saves_;
  }
  last_bgsave_ok_ = true;
  return true;
}

size_t RdbPersistence::NotifySyncWaiters(bool ok, const std::string& temp) {
  auto waiters = std::move(sync_waiters_);
  sync_waiters_.clear();
  for (auto& w : waiters) w(ok, child_for_sync_ && ok ? temp : "");
  return waiters.size();
}

void RdbPersistence::AfterFlushAll() {
  if (bgsave_in_progress() && !child_for_sync_) KillBackgroundSave();
  ++server_->dirty;
  // Saved after counting FLUSHALL itself: rdb_changes_since_last_save is then 0, as in 7.0.15.
  if (!server_->config().save_params.empty()) Save();
}

void RdbPersistence::BeforeFlushAll() {
  if (inline_ != nullptr && !child_for_sync_) KillBackgroundSave();
}

int64_t RdbPersistence::current_bgsave_seconds() const {
  return bgsave_in_progress() ? (NowMs() - child_start_ms_) / 1000 : -1;
}

double RdbPersistence::current_fork_perc() const {
  if (!bgsave_in_progress() || child_keys_total_ == 0) return 0;
  return 100.0 * static_cast<double>(child_keys_processed_) /
         static_cast<double>(child_keys_total_);
}

void RdbPersistence::ApplySavePoints(int64_t now_s) {
  // One child at a time: an AOF rewrite in progress delays save points and scheduled saves.
  if (bgsave_in_progress() || server_->aof().rewrite_in_progress()) return;
  bool may_retry = now_s - last_bgsave_try_s_ > kBgsaveRetryDelayS || last_bgsave_ok_;
  for (const auto& [seconds, changes] : server_->config().save_params) {
    if (server_->dirty >= changes && now_s - server_->last_save_s > seconds && may_retry) {
      MKDB_LOG(kNotice) << changes << " changes in " << seconds << " seconds. Saving...";
      std::string err = StartBackgroundSave();
      if (!err.empty()) MKDB_LOG(kWarning) << err;
      return;
    }
  }
  if (bgsave_scheduled_ && may_retry) {
    std::string err = StartBackgroundSave();
    if (!err.empty()) MKDB_LOG(kWarning) << err;
  }
}

void RdbPersistence::Cron() {
  if (child_pid_ > 0) {
    ReadChildReports();
    int status;
    pid_t r = waitpid(child_pid_, &status, WNOHANG);
    if (r == child_pid_) {
      ChildDone(status);
    } else if (r < 0 && errno == ECHILD) {
      ChildDone(1 << 8);  // reaped elsewhere: count it as failed
    }
  }
  ApplySavePoints(NowMs() / 1000);
}

// ---------------------------------------------------------------------------------------------
// The inline BGSAVE

std::string RdbPersistence::StartInlineSave(const std::string& final_path, bool for_sync) {
  auto save = std::make_unique<InlineSave>();
  // A sync file belongs to its listener once the save ends, so each gets its own name.
  static uint64_t sync_saves = 0;
  save->temp = for_sync ? "temp-sync-" + std::to_string(getpid()) + "-" +
                              std::to_string(++sync_saves) + ".rdb"
                        : "temp-" + std::to_string(getpid()) + ".rdb";
  last_bgsave_try_s_ = NowMs() / 1000;
  int fd = open(save->temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::string why = ErrnoText();
    MKDB_LOG(kWarning) << "Failed opening the temp RDB file " << save->temp
                       << " for saving: " << why;
    last_bgsave_ok_ = false;
    return "ERR Background save failed: " + why;
  }
  BeginSaveRecord(final_path, for_sync);
  // The snapshot moment.
  save->file = std::make_unique<InlineSnapshotFile>(
      Databases(), rdb::MakeRdbSnapshotFile(fd, WriterOptions(), Aux()), fd);
  inline_ = std::move(save);
  if (inline_timer_ == SIZE_MAX) {
    inline_timer_ = server_->loop().AddTimer(0, [this] { return InlineSaveTick(); });
  } else {
    server_->loop().RunTimerBy(inline_timer_, MonotonicUs());
  }
  MKDB_LOG(kNotice) << "Background saving started (inline snapshot)";
  return "";
}

int64_t RdbPersistence::InlineSaveTick() {
  constexpr int64_t kIdleUs = 1000000;  // woken early (RunTimerBy) when a save starts
  if (inline_ == nullptr) return kIdleUs;
  InlineSnapshotFile::State state = inline_->file->Tick(kInlineSliceUs);
  child_keys_processed_ = inline_->file->keys();
  switch (state) {
    case InlineSnapshotFile::State::kWalking:
      return kInlineSlicePeriodUs - kInlineSliceUs;
    case InlineSnapshotFile::State::kSyncing:
      return kInlineSlicePeriodUs;  // the fsync runs on its own thread
    default:
      EndInlineSave(state == InlineSnapshotFile::State::kDone, false);
      return kIdleUs;
  }
}

void RdbPersistence::EndInlineSave(bool ok, bool killed) {
  std::unique_ptr<InlineSave> save = std::move(inline_);
  // An unfinished snapshot finishes its marks here, and the file is closed.
  save->file.reset();
  ok = CommitBackgroundSave(ok, save->temp);
  if (!ok) {
    if (!killed) {
      MKDB_LOG(kWarning) << "Background saving error";
      last_bgsave_ok_ = false;
    }
    unlink(save->temp.c_str());
  }
  size_t waiters = NotifySyncWaiters(ok, save->temp);
  if (child_for_sync_ && ok && waiters == 0) unlink(save->temp.c_str());
}

// ---------------------------------------------------------------------------------------------
// Loading

bool RdbPersistence::LoadFile(const std::string& path, bool fresh, bool merge,
                              std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "Fatal error loading the DB: " + ErrnoText() + ". Exiting.";
    return false;
  }
  struct stat st;
  fstat(fd, &st);
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { close(*f); });
  int64_t start_ms = NowMs();
  loading_ = LoadingInfo{true, start_ms / 1000, static_cast<uint64_t>(st.st_size), 0, 0, start_ms};
  std::vector<std::unique_ptr<Database>> fresh_dbs;
  std::vector<Database*> targets;
  if (fresh) {
    for (int i = 0; i < server_->db_count(); ++i) {
      fresh_dbs.push_back(std::make_unique<Database>(i));
      targets.push_back(fresh_dbs.back().get());
    }
  } else {
    targets = Databases();
  }
  rdb::RdbLoadOptions opts;
  opts.now_ms = start_ms;
  // A replica keeps keys whose TTL has passed: its primary sends their DEL.
  opts.skip_expired = !server_->replication().is_replica() && ConfiguredReplicaOf().empty();
  opts.allow_duplicates = merge;
  Tiering& tiering = server_->tiering();
  opts.on_key = [&tiering] { tiering.OnKeyLoaded(); };
  int64_t last_log_ms = start_ms;
  rdb::RdbLoadResult result;
  opts.on_progress = [this, &last_log_ms, &result](uint64_t offset) {
    loading_.loaded_bytes = offset;
    loading_.rdb_used_mem = result.used_mem;
    int64_t now = NowMs();
    if (now - last_log_ms >= 5000) {
      last_log_ms = now;
      MKDB_LOG(kNotice) << "Loading RDB: " << offset << " of " << loading_.total_bytes
                        << " bytes read ("
                        << (loading_.total_bytes ? offset * 100 / loading_.total_bytes : 100)
                        << "%)";
    }
  };
  if (server_->lfu_policy()) {
    opts.clock_from_freq = [](uint8_t freq) {
      return ((static_cast<uint32_t>(NowMs() / 60000) & 0xffff) << 8) | freq;
    };
  } else if (server_->lru_or_lfu_policy()) {
    uint32_t now = LruClock();
    opts.clock_from_idle = [now](uint64_t idle) {
      if (idle > now) idle = now;  // older than the clock can say: as old as it can say
      return static_cast<uint32_t>(now - idle) & Entry::kClockMask;
    };
  }
  rdb::RdbIn in(fd, static_cast<uint64_t>(st.st_size));
  bool ok = rdb::LoadRdb(in, targets, opts, &result);
  loading_.loaded_bytes = in.offset();
  loading_.loading = false;
  if (!ok) {
    *error = result.error;
    return false;
  }
  if (fresh) {
    for (int i = 0; i < server_->db_count(); ++i) {
      server_->TouchAllWatchedKeysInDb(i, i);
      server_->db(i).SwapContents(fresh_dbs[i].get());
      // The old contents are freed off the main thread.
      fresh_dbs[i]->ClearAsync();
    }
  }
  last_load_loaded_ = result.keys_loaded;
  last_load_expired_ = result.keys_expired;
  last_load_result_ = result;
  MKDB_LOG(kNotice) << "Done loading RDB, keys loaded: " << result.keys_loaded
                    << ", keys expired: " << result.keys_expired
                    << ", empty keys skipped: " << result.empty_keys_skipped << ".";
  return true;
}

bool RdbPersistence::LoadAtStartup() {
  const std::string& path = server_->config().dbfilename;
  if (access(path.c_str(), F_OK) != 0) return true;
  int64_t start_us = MonotonicUs();
  std::string error;
  // Start-up loads straight into the (empty) databases: a failure stops the server anyway.
  if (!LoadFile(path, false, false, &error)) {
    MKDB_LOG(kWarning) << error;
    MKDB_LOG(kWarning) << "Fatal error loading the DB (" << path << "), check server logs. "
                       << "Exiting.";
    return false;
  }
  char secs[32];
  snprintf(secs, sizeof(secs), "%.3f", static_cast<double>(MonotonicUs() - start_us) / 1e6);
  MKDB_LOG(kNotice) << "DB loaded from disk: " << secs << " seconds";
  return true;
}

std::string RdbPersistence::DebugReload(bool save, bool flush, bool merge) {
  const std::string& path = server_->config().dbfilename;
  if (save) {
    if (bgsave_in_progress()) KillBackgroundSave();
    if (!WriteFile(path, true)) return "ERR";
    server_->dirty = 0;
    server_->last_save_s = NowMs() / 1000;
  }
  std::string error;
  if (!LoadFile(path, flush, merge, &error)) {
    MKDB_LOG(kWarning) << error;
    return "ERR Error trying to load the RDB dump, check server logs.";
  }
  MKDB_LOG(kNotice) << "DB reloaded by DEBUG RELOAD";
  return "";
}

}  // namespace memkeydb
