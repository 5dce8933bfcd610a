// Tiering: the server's side of tiered memory. It turns the configuration into a far-tier
// backend and placement settings, runs the ratio controller and the rebalancer from an
// event-loop timer, and answers the questions INFO and the write path ask.
//
// The timer runs every memory-ratio-check-period; while values need to move it runs a slice
// of at most 1 ms every 4 ms instead (at most a quarter of one core, and never more than 1 ms
// added to a command's latency).
// REQUIRES: main thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memory/memory_tiers.h"
#include "memory/tier_controller.h"
#include "server/config.h"
#include "store/database.h"
#include "store/rebalancer.h"

namespace memkeydb {

class Tiering {
 public:
  static constexpr int64_t kSliceUs = 1000;
  static constexpr int64_t kSlicePeriodUs = 4000;

  explicit Tiering(MemoryTiers* tiers) : tiers_(tiers), controller_(tiers) {}

  // Opens the far backend the configuration needs (once; it stays open) and applies every
  // tier option. Returns "" or what is missing and how to provide it.
  std::string Apply(const Config& config);

  // The timer. Returns microseconds until it should run again.
  int64_t Tick(const std::vector<std::unique_ptr<Database>>& dbs, int64_t check_period_ms);
  // While a dataset loads: a controller step every 256 keys (a few arithmetic operations), so
  // even a small dataset lands at the ratio from a far-off starting threshold.
  void OnKeyLoaded() {
    if (++loaded_keys_ % 256 == 0) controller_.Step();
  }

  // Write commands must be refused: the far tier is full and pmem-full-policy is oom.
  bool RefusesWrites(const Config& config) const {
    // Runs before every command: the flag first, the option's text only once the tier is full.
    return tiers_->far_full() && config.pmem_full_policy == "oom";
  }

  // One line for the start-up log.
  std::string Describe() const;
  // "1.2.3" as configured, or where memkind will look ("MEMKIND_DAX_KMEM_NODES=0", "libdaxctl").
  std::string FarNodes() const;

  const TierController& controller() const { return controller_; }
  const Rebalancer& rebalancer() const { return rebalancer_; }
  uint64_t rebalance_episodes() const { return episodes_; }

 private:
  void EndEpisode();

  MemoryTiers* tiers_;
  TierController controller_;
  Rebalancer rebalancer_;
  int64_t next_check_us_ = 0;
  uint64_t walk_generation_ = 0;
  uint64_t loaded_keys_ = 0;
  // The current run of moves, for its log line.
  bool in_episode_ = false;
  int64_t episode_start_us_ = 0;
  MoveStats episode_start_;
  uint64_t episodes_ = 0;
};

}  // namespace memkeydb
