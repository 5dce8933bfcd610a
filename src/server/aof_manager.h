// AofManager: the server's append-only file (Redis 7.0's multi-part AOF; the on-disk format is
// persistence/aof.h).
//
// Life of the AOF:
//   start-up   appendonly yes: the manifest's base and incr files are replayed through a fake
//              client with the server's loading flag set; then the last incr file is opened
//              for appending (a first base and incr are created when there is no AOF yet).
//   writing    the stream of writes (server/propagation.h) arrives through Feed() and is
//              buffered; BeforeSleep() writes the buffer before any reply goes out, and with
//              appendfsync always also fsyncs it, so an acknowledged write is on disk.
//              everysec fsyncs on a background thread at most once a second; no leaves it to
//              the kernel.
//   rewrite    BGREWRITEAOF, the auto-rewrite rule, or CONFIG SET appendonly yes: appends move
//              to a new incr file, a forked child writes a new base from its copy-on-write
//              image of the keyspace, and once it exits the manifest switches to the new base
//              plus the incr files written since; the replaced files are deleted.
//
// REQUIRES: used from the event loop's thread only (the fsync thread is internal).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "persistence/snapshot_file.h"
#include "persistence/aof.h"
#include "server/propagation.h"

namespace memkeydb {

class Server;

class AofManager : public WriteSink {
 public:
  explicit AofManager(Server* server);
  ~AofManager() override;
  AofManager(const AofManager&) = delete;
  AofManager& operator=(const AofManager&) = delete;

  // Loads the AOF (if appendonly is on and one exists) and opens it for appending. False
  // (after logging why) when the server must not start.
  bool LoadAndOpenOnStart();

  // WriteSink: one command that changed the dataset in database `db`.
  void Feed(int db, const ArgList& argv) override;

  // Writes the buffer (and fsyncs it under appendfsync always). Called in before-sleep,
  // before replies are written.
  void BeforeSleep() { Flush(false); }
  // Retries failed writes, reaps the rewrite child, starts scheduled and automatic rewrites.
  void Cron();
  // Final flush and fsync (shutdown).
  void Shutdown();

  // BGREWRITEAOF. Returns "" when started (or scheduled: *scheduled), else the error reply.
  std::string RequestRewrite(bool* scheduled);
  // CONFIG SET appendonly yes / no. Enable returns "" or why it failed.
  std::string Enable();
  void Disable();

  // Stops a rewrite in progress and removes its temporary file.
  void StopRewrite();
  // A replica loaded a new dataset from its primary: the AOF starts again from a rewrite of it.
  void RestartAfterSync();

  // MISCONF: writes are refused while the last write (or background fsync) failed.
  bool WritesDenied(std::string* why) const;

  // INFO persistence.
  bool enabled() const { return state_ != State::kOff; }
  uint64_t last_cow_bytes() const { return last_cow_bytes_; }
  bool rewrite_in_progress() const { return child_pid_ > 0 || inline_rewrite_ != nullptr; }
  bool rewrite_scheduled() const { return rewrite_scheduled_; }
  int64_t last_rewrite_time_sec() const { return last_rewrite_time_sec_; }
  int64_t current_rewrite_time_sec() const;
  bool last_bgrewrite_ok() const { return last_bgrewrite_ok_; }
  uint64_t rewrites() const { return rewrites_; }
  uint64_t rewrites_consecutive_failures() const { return consecutive_failures_; }
  bool last_write_ok() const { return last_write_errno_ == 0; }
  uint64_t current_size() const { return base_size_ + incr_size_; }
  uint64_t base_size() const { return base_size_; }
  size_t buffer_length() const { return buf_.size(); }
  uint64_t pending_bio_fsync() const { return fsync_pending_.load(); }
  uint64_t delayed_fsync() const { return delayed_fsync_; }
  bool loading() const { return loading_; }

 private:
  enum class State { kOff, kOn, kWaitRewrite };

  // Loads the files of manifest_. False on a fatal error.
  bool LoadFiles();
  // Replays one file; `last` allows a torn tail to be cut.
  bool LoadFile(const aof::FileInfo& file, bool last, uint64_t* size);
  // Creates the first base file in-process (start-up with no AOF).
  bool CreateBaseInProcess(const std::string& name);
  bool PersistManifest(const aof::Manifest& m);
  void Flush(bool force);
  void FsyncInBackground(int fd, bool close_after);
  bool StartRewrite();
  // The new base from a point-in-time snapshot: a forked child, or the inline snapshot where
  // fork copy-on-write does not hold (snapshot-mode, as for BGSAVE). False if it cannot start.
  bool StartRewriteChild();
  bool StartInlineRewrite();
  int64_t InlineRewriteTick();
  void RewriteDone(int status);
  void DeleteHistory();
  std::string Path(const std::string& name) const;
  std::string TempRewriteName(pid_t pid) const;

  Server* server_;
  State state_ = State::kOff;
  aof::Manifest manifest_;
  int fd_ = -1;
  std::string buf_;
  int selected_db_ = -1;
  int64_t last_timestamp_s_ = 0;
  uint64_t base_size_ = 0;
  uint64_t incr_size_ = 0;      // bytes of every incr file in the manifest
  uint64_t fsynced_size_ = 0;   // current_size() when the last fsync was requested
  int64_t last_fsync_ms_ = 0;
  int64_t postponed_since_ms_ = 0;
  uint64_t delayed_fsync_ = 0;
  int last_write_errno_ = 0;
  int64_t last_write_error_log_ms_ = 0;
  bool loading_ = false;

  // Rewrite.
  pid_t child_pid_ = -1;
  int child_report_ = -1;        // the child writes its copy-on-write bytes here at the end
  uint64_t last_cow_bytes_ = 0;  // INFO aof_last_cow_size
  std::unique_ptr<InlineSnapshotFile> inline_rewrite_;
  size_t inline_timer_ = SIZE_MAX;
  std::string rewrite_temp_;  // the new base being written, in the AOF directory
  int64_t rewrite_start_ms_ = 0;
  bool rewrite_scheduled_ = false;
  int64_t last_rewrite_time_sec_ = -1;
  bool last_bgrewrite_ok_ = true;
  uint64_t rewrites_ = 0;
  uint64_t consecutive_failures_ = 0;
  uint64_t base_size_at_rewrite_ = 0;  // auto rewrite grows from this

  // The fsync thread: fsyncs (and closes) descriptors handed to it.
  struct FsyncJob {
    int fd;
    bool close_after;
  };
  void FsyncLoop();
  std::thread fsync_thread_;
  std::mutex fsync_mu_;
  std::condition_variable fsync_cv_;
  std::deque<FsyncJob> fsync_jobs_;
  bool fsync_stop_ = false;
  std::atomic<uint64_t> fsync_pending_{0};
  std::atomic<int> fsync_errno_{0};
};

}  // namespace memkeydb
