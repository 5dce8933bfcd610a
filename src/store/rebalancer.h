// Rebalancer: moves existing values between the tiers, a slice at a time, so that what is
// already stored follows the placement boundary (see docs/tiered-memory.md).
//
// Steering new allocations cannot fix what is already placed: deletes, overwrites, values
// whose size changed, or a target changed at run time leave the ratio wrong. The rebalancer
// walks every database with the SCAN cursor (which visits each key present for the whole walk
// at least once, even while the table resizes) and applies a MoveRule to each value; a value
// owns its blocks, so it swaps its own pointers and no reference is left dangling. It runs
// between commands, never inside one.
//
// REQUIRES: main thread; no forked child relies on the pages it frees (persistence must pause
// it while a child runs, to keep copy-on-write small).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "memory/move_rule.h"
#include "store/database.h"

namespace memkeydb {

class Rebalancer {
 public:
  // Walks the keyspace until `deadline_us` (MonotonicUs) passes, applying `rule` (an inactive
  // rule only counts: a census walk). Every few dozen keys it calls `refresh`, which may change
  // the rule and returns false to stop (the target was reached).
  void RunSlice(const std::vector<std::unique_ptr<Database>>& dbs, MoveRule rule,
                int64_t deadline_us, const std::function<bool(MoveRule*)>& refresh);

  // After a whole walk: true once, with the walk's census and how many blocks it moved.
  struct Pass {
    const TierCensus* census;
    uint64_t moved;
  };
  bool TakeCompletedPass(Pass* pass);
  // Starts a new walk from the first database, with a fresh census.
  void Restart();

  const MoveStats& moved() const { return total_; }
  uint64_t passes() const { return passes_; }
  uint64_t slices() const { return slices_; }
  int64_t busy_us() const { return busy_us_; }

 private:
  size_t db_ = 0;
  uint64_t cursor_ = 0;
  uint64_t pass_blocks_ = 0;  // moved during the current walk
  bool pass_complete_ = false;
  uint64_t last_pass_moved_ = 0;
  std::unique_ptr<TierCensus> census_ = std::make_unique<TierCensus>();  // the current walk's
  std::unique_ptr<TierCensus> last_census_ = std::make_unique<TierCensus>();
  MoveStats total_;
  uint64_t passes_ = 0;
  uint64_t slices_ = 0;
  int64_t busy_us_ = 0;
};

}  // namespace memkeydb
