#include "store/rebalancer.h"

#include "common/clock.h"
#include "common/logging.h"

namespace memkeydb {
namespace {
// Keys and buckets visited between clock reads and rule refreshes: a clock read costs ~20 ns,
// a key ~30-150 ns.
constexpr int kCheckEvery = 32;
}  // namespace

void Rebalancer::Restart() {
  db_ = 0;
  cursor_ = 0;
  pass_blocks_ = 0;
  pass_complete_ = false;
  *census_ = TierCensus();
}

bool Rebalancer::TakeCompletedPass(Pass* pass) {
  if (!pass_complete_) return false;
  pass_complete_ = false;
  pass->census = last_census_.get();
  pass->moved = last_pass_moved_;
  return true;
}

void Rebalancer::RunSlice(const std::vector<std::unique_ptr<Database>>& dbs, MoveRule rule,
                          int64_t deadline_us, const std::function<bool(MoveRule*)>& refresh) {
  if (dbs.empty()) return;
  int64_t start = MonotonicUs();
  ++slices_;
  MoveStats slice;
  int visited = 0;
  auto visit = [&](Entry* e) {
    uint64_t before = slice.blocks();
    e->value.Rebalance(rule, &slice, census_.get());
    pass_blocks_ += slice.blocks() - before;
    ++visited;
  };
  for (;;) {
    if (db_ >= dbs.size()) db_ = 0;
    cursor_ = dbs[db_]->table().Scan(cursor_, visit);
    ++visited;  // buckets count too: a sparse table still yields to the clock
    if (cursor_ == 0 && ++db_ == dbs.size()) {  // a whole walk is done
      db_ = 0;
      ++passes_;
      last_pass_moved_ = pass_blocks_;
      pass_blocks_ = 0;
      std::swap(census_, last_census_);
      *census_ = TierCensus();
      pass_complete_ = true;
      break;  // the owner looks at the walk before the next one starts
    }
    if (visited >= kCheckEvery) {
      visited = 0;
      if (MonotonicUs() >= deadline_us || !refresh(&rule)) break;
    }
  }
  total_.Add(slice);
  busy_us_ += MonotonicUs() - start;
  if (slice.blocks() > 0) {
    MKDB_LOG(kDebug) << "Rebalancer moved " << slice.blocks_to_far << " values ("
                     << slice.bytes_to_far << " bytes) to pmem and " << slice.blocks_to_dram
                     << " (" << slice.bytes_to_dram << " bytes) to dram";
  }
}

}  // namespace memkeydb
