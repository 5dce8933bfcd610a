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
  pass_rule_changed_ = false;
}

bool Rebalancer::TakeEmptyPass() {
  bool e = empty_pass_;
  empty_pass_ = false;
  return e;
}

void Rebalancer::RunSlice(const std::vector<std::unique_ptr<Database>>& dbs, MoveRule rule,
                          int64_t deadline_us, const std::function<bool(MoveRule*)>& refresh) {
  if (dbs.empty() || !rule.active()) return;
  int64_t start = MonotonicUs();
  ++slices_;
  if (!(rule == pass_rule_)) {
    pass_rule_changed_ = true;
    pass_rule_ = rule;
  }
  MoveStats slice;
  int visited = 0;
  auto visit = [&](Entry* e) {
    uint64_t before = slice.blocks();
    e->value.Rebalance(rule, &slice);
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
      bool empty = pass_blocks_ == 0 && !pass_rule_changed_;
      pass_blocks_ = 0;
      pass_rule_changed_ = false;
      if (empty) {
        empty_pass_ = true;
        break;
      }
    }
    if (visited >= kCheckEvery) {
      visited = 0;
      if (MonotonicUs() >= deadline_us || !refresh(&rule)) break;
      if (!(rule == pass_rule_)) {
        pass_rule_changed_ = true;
        pass_rule_ = rule;
      }
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
