#include "persistence/snapshot_file.h"

#include <unistd.h>

#include "common/clock.h"

namespace memkeydb {

bool WriteSnapshotFile(const std::vector<Database*>& dbs, SnapshotFile* file, int fd) {
  return file->Begin() && EmitAllKeys(dbs, file->consumer()) && file->Finish() && fsync(fd) == 0;
}

InlineSnapshotFile::InlineSnapshotFile(std::vector<Database*> dbs,
                                       std::unique_ptr<SnapshotFile> file, int fd)
    : file_(std::move(file)), counter_(file_->consumer()), fd_(fd) {
  ok_ = file_->Begin();
  snapshot_ = std::make_unique<InlineSnapshot>(std::move(dbs), &counter_);
}

InlineSnapshotFile::~InlineSnapshotFile() {
  snapshot_.reset();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (fd_ >= 0) close(fd_);
}

InlineSnapshotFile::State InlineSnapshotFile::Tick(int64_t slice_us) {
  switch (state_) {
    case State::kWalking: {
      // After a write error the walk goes on, marking without writing, in the same slices:
      // stopping now would finish the marks in one long pause.
      if (!snapshot_->Step(MonotonicUs() + slice_us)) return state_;
      ok_ = ok_ && !snapshot_->failed() && file_->Finish();
      snapshot_.reset();
      if (!ok_) {
        state_ = State::kFailed;
        return state_;
      }
      state_ = State::kSyncing;
      sync_thread_ = std::thread([this] {
        sync_ok_ = fsync(fd_) == 0;
        synced_ = true;
      });
      return state_;
    }
    case State::kSyncing:
      if (!synced_) return state_;
      sync_thread_.join();
      state_ = sync_ok_ ? State::kDone : State::kFailed;
      return state_;
    default:
      return state_;
  }
}

}  // namespace memkeydb
