// SnapshotFile and InlineSnapshotFile: one snapshot written as one file — an RDB, or an AOF
// base — whichever way the snapshot is taken.
//
// A SnapshotFile is the format: a header, a consumer that takes the keys, a trailer. A forked
// child drives it with EmitAllKeys in one go (WriteSnapshotFile). The inline way
// (InlineSnapshotFile) drives it from the server's own event loop: a time-bounded slice of the
// InlineSnapshot per Tick(), then the trailer, then the fsync on a background thread, so that
// neither walking gigabytes nor flushing them to disk stalls the clients.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "persistence/snapshot.h"

namespace memkeydb {

class SnapshotFile {
 public:
  virtual ~SnapshotFile() = default;
  // Writes what precedes the keys. False on an I/O error.
  virtual bool Begin() = 0;
  // Receives every key.
  virtual SnapshotConsumer* consumer() = 0;
  // Writes what follows the keys and everything still buffered (no fsync). False on an error.
  virtual bool Finish() = 0;
};

// The fork child's way: header, every key, trailer, fsync of `fd`. False on any failure.
bool WriteSnapshotFile(const std::vector<Database*>& dbs, SnapshotFile* file, int fd);

// Counts the keys passing to another consumer (INFO current_save_keys_processed).
class CountingConsumer : public SnapshotConsumer {
 public:
  explicit CountingConsumer(SnapshotConsumer* inner) : inner_(inner) {}
  bool DbSize(int db, uint64_t keys, uint64_t expires) override {
    return inner_->DbSize(db, keys, expires);
  }
  bool Key(int db, const Entry& e) override {
    ++keys_;
    return inner_->Key(db, e);
  }
  uint64_t keys() const { return keys_; }

 private:
  SnapshotConsumer* inner_;
  uint64_t keys_ = 0;
};

class InlineSnapshotFile {
 public:
  enum class State { kWalking, kSyncing, kDone, kFailed };

  // The snapshot moment is now. Writes `file` into `fd`, which it closes when it ends.
  // REQUIRES: no other inline snapshot is live.
  InlineSnapshotFile(std::vector<Database*> dbs, std::unique_ptr<SnapshotFile> file, int fd);
  // Abandons a file not yet done (its marks are finished; the owner removes the file).
  ~InlineSnapshotFile();
  InlineSnapshotFile(const InlineSnapshotFile&) = delete;
  InlineSnapshotFile& operator=(const InlineSnapshotFile&) = delete;

  // Advances by at most about `slice_us` of work: walking, then the trailer and handing the
  // fsync to a thread, then waiting for it. Returns the state after the step.
  State Tick(int64_t slice_us);
  uint64_t keys() const { return counter_.keys(); }

 private:
  std::unique_ptr<SnapshotFile> file_;
  CountingConsumer counter_;
  int fd_;
  bool ok_ = true;
  State state_ = State::kWalking;
  std::atomic<bool> synced_{false};
  std::atomic<bool> sync_ok_{false};
  std::thread sync_thread_;
  // Last: destroyed first, while the file it feeds still exists.
  std::unique_ptr<InlineSnapshot> snapshot_;
};

}  // namespace memkeydb
