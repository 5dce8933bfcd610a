// RdbPersistence: the server's RDB snapshots — SAVE, BGSAVE (a forked child, or the inline
// snapshot on far tiers a fork cannot copy), save points, loading at start-up and DEBUG RELOAD,
// the stop-writes-on-bgsave-error rule, and the INFO persistence/stats fields they feed.
//
// Files are written crash-safely: to temp-<pid>.rdb in `dir`, fsynced, renamed over
// `dbfilename`, then the directory is fsynced. A failed save leaves the old file as it was.
//
// The inline BGSAVE (snapshot-mode inline, or auto with the file-backed far tier) takes an
// InlineSnapshot (persistence/snapshot.h) into the same writer from an event-loop timer: a slice
// of kInlineSliceUs every kInlineSlicePeriodUs, then the same rename and bookkeeping as a child.
//
// A forked child writes the snapshot with ordinary memory only (file buffers from malloc) and
// never frees or allocates through the tier layer; it reports the bytes its copy-on-write cost
// over a pipe and exits with _exit. The parent reaps it from the cron and renames its file.
//
// REQUIRES: main thread (the fork child runs only ChildMain and exits).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/rdb_file.h"

namespace memkeydb {

class Server;

class RdbPersistence {
 public:
  explicit RdbPersistence(Server* server);
  ~RdbPersistence();
  RdbPersistence(const RdbPersistence&) = delete;
  RdbPersistence& operator=(const RdbPersistence&) = delete;

  // --- saving ---
  // SAVE: writes the dataset to `dbfilename` now. False (after logging why) on failure.
  bool Save();
  // BGSAVE. Returns "" when started, or the error reply.
  std::string StartBackgroundSave();
  // Why a BGSAVE cannot start now ("" if it can), and whether it should be scheduled instead.
  bool bgsave_in_progress() const { return child_pid_ > 0 || inline_ != nullptr; }
  void ScheduleBackgroundSave() { bgsave_scheduled_ = true; }
  // Stops a BGSAVE in progress and removes its temporary file (SHUTDOWN, FLUSHALL).
  void KillBackgroundSave();
  // FLUSHALL: a background save of the old data is pointless; with save points the (empty)
  // dataset is saved at once, as Redis does.
  void AfterFlushAll();
  // FLUSHALL, before it empties the databases: stops an inline BGSAVE, which would otherwise
  // write out every key it still owes first.
  void BeforeFlushAll();
  // From the cron: reaps the child, reads its progress, fires save points and scheduled saves.
  void Cron();

  // --- loading ---
  // Start-up: loads `dbfilename` from `dir` if it exists. False if it exists and cannot be
  // loaded (the server must not start); the reason has been logged.
  bool LoadAtStartup();
  // DEBUG RELOAD. Returns "" or the error reply.
  std::string DebugReload(bool save, bool flush, bool merge);
  // Reads `path` into the databases. `fresh`: into new databases swapped in on success (the old
  // data survives a failure), else into the live ones. Logs like Redis.
  bool LoadFile(const std::string& path, bool fresh, bool merge, std::string* error);

  // --- state for commands and INFO ---
  // The MISCONF rule: writes (and PING) are refused after a failed background save while save
  // points exist and stop-writes-on-bgsave-error is on.
  bool WritesDenied() const;
  bool last_bgsave_ok() const { return last_bgsave_ok_; }
  int64_t last_bgsave_time_s() const { return last_bgsave_time_s_; }
  int64_t bgsave_start_s() const { return child_start_ms_ / 1000; }
  int64_t rdb_saves() const { return rdb_saves_; }
  int64_t last_cow_bytes() const { return last_cow_bytes_; }
  uint64_t last_load_keys_loaded() const { return last_load_loaded_; }
  uint64_t last_load_keys_expired() const { return last_load_expired_; }
  uint64_t save_keys_processed() const { return child_keys_processed_; }
  uint64_t save_keys_total() const { return child_keys_total_; }
  int64_t current_bgsave_seconds() const;
  double current_fork_perc() const;

  struct LoadingInfo {
    bool loading = false;
    int64_t start_s = 0;
    uint64_t total_bytes = 0;
    uint64_t loaded_bytes = 0;
    int64_t rdb_used_mem = 0;
    int64_t start_ms = 0;
  };
  const LoadingInfo& loading() const { return loading_; }
  // Replication ids found in the last file loaded (for a later PSYNC).
  const rdb::RdbLoadResult& last_load() const { return last_load_result_; }

  // Called when a background save ends: `ok`, and the file it wrote (SYNC waits on these).
  using SaveListener = std::function<void(bool ok, const std::string& path)>;
  // Starts (or joins) a background save into a private file for a full sync. The listener
  // must open the file during the call (it is removed right after). Returns "" or the error.
  // With `sockets` (diskless replication) a forked child writes "$EOF:<mark>\r\n", the RDB
  // and <mark> to each of them instead, and the listener gets an empty path.
  std::string SaveForSync(SaveListener listener, std::vector<int> sockets = {});
  // A background save can fork (the far tier keeps fork copy-on-write, snapshot-mode allows).
  bool CanFork() const;

 private:
  struct ChildReport {
    uint64_t keys = 0;
    uint64_t cow_bytes = 0;
    uint8_t final = 0;
  };

  rdb::RdbWriterOptions WriterOptions() const;
  rdb::RdbAux Aux() const;
  std::vector<Database*> Databases() const;
  // Writes the snapshot to `path` in-process (SAVE, DEBUG RELOAD, SHUTDOWN). Crash-safe.
  bool WriteFile(const std::string& final_path, bool rename_into_place);
  std::string ForkSave(const std::string& final_path, bool for_sync,
                       const std::vector<int>* sockets = nullptr);
  [[noreturn]] void ChildMain(const std::string& temp_path, int report_fd,
                              const std::vector<int>* sockets);
  [[noreturn]] void DisklessChildMain(const std::vector<int>& sockets, int report_fd);
  void ReadChildReports();
  void ChildDone(int status);
  // The end of a background save (child or inline) that wrote `temp`: renamed into place (not
  // for a SYNC transfer) and the counters moved if `ok`. Returns whether it succeeded.
  bool CommitBackgroundSave(bool ok, const std::string& temp);
  // Hands the result to the SYNC transfers waiting for it. Returns how many there were.
  size_t NotifySyncWaiters(bool ok, const std::string& temp);
  void ApplySavePoints(int64_t now_s);

  // --- the inline BGSAVE ---
  static constexpr int64_t kInlineSliceUs = 2000;
  static constexpr int64_t kInlineSlicePeriodUs = 4000;
  struct InlineSave;
  // What a background save (child or inline) records as it starts, for its end and for INFO.
  void BeginSaveRecord(const std::string& final_path, bool for_sync);
  std::string StartInlineSave(const std::string& final_path, bool for_sync);
  // The timer: one slice. Returns microseconds until the next run.
  int64_t InlineSaveTick();
  // Closes the file, renames it into place if `ok`, and does a child's end-of-save bookkeeping.
  // `killed`: stopped on purpose, not a failure of the disk.
  void EndInlineSave(bool ok, bool killed);

  Server* server_;
  pid_t child_pid_ = -1;
  int child_pipe_ = -1;
  int64_t child_start_ms_ = 0;
  std::string child_final_path_;  // rename target when the child succeeds ("" for a sync)
  bool child_for_sync_ = false;
  bool child_diskless_ = false;  // the child writes to replica sockets, not to a file
  int64_t child_dirty_before_ = 0;
  uint64_t child_keys_processed_ = 0;
  uint64_t child_keys_total_ = 0;
  int64_t child_cow_bytes_ = 0;
  bool bgsave_scheduled_ = false;
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_try_s_ = 0;
  int64_t last_bgsave_time_s_ = -1;
  int64_t rdb_saves_ = 0;
  int64_t last_cow_bytes_ = 0;
  uint64_t last_load_loaded_ = 0;
  uint64_t last_load_expired_ = 0;
  LoadingInfo loading_;
  rdb::RdbLoadResult last_load_result_;
  std::vector<SaveListener> sync_waiters_;
  std::unique_ptr<InlineSave> inline_;
  size_t inline_timer_ = SIZE_MAX;
};

}  // namespace memkeydb
