// TierController: turns the tier options into placement, runs the ratio controller, and tells
// the rebalancer what to move.
//
//   Configure()   at start-up and on every CONFIG SET of a tier option: sets the placement
//                 mode, the boundary (static threshold, or the controller's), the far limit.
//   Step()        every memory-ratio-check-period (and while loading): measures
//                 used_memory_dram and used_memory_pmem as INFO reports them, steps the ratio
//                 controller and installs its new boundary. This steers new allocations.
//   WantMoves()   what existing values should move now, if anything.
//   OnPassComplete()  the rebalancer finished a walk of the whole keyspace.
//
// Static modes (only-dram, only-pmem, threshold): values on the wrong side of the boundary
// move, until a walk moves nothing; then nothing until the next Configure().
//
// Ratio mode, when the far share is off target by more than 1 percentage point:
//   1. census: one walk counts the stored user data by tier and size class, moving nothing;
//   2. the boundary is set where that data splits at the target (classes above it far, the
//      boundary class split by the fraction), whatever the size distribution;
//   3. moving: values on the wrong side of the new boundary move, the boundary class in the
//      direction of the error, until the share is within a quarter point (hysteresis, so moves
//      never chase noise). A walk that ends first recomputes the boundary from its own census;
//      one that moved nothing and would not move the boundary means the target cannot be
//      reached with what is stored (metadata alone is over the DRAM share, or the far tier is
//      full); so does a census with nothing on the side that would have to give. Walking
//      then stops until the totals change by 10% and a back-off of control periods has
//      passed (10, doubling to 100 while the verdict stands), or the settings change.
// Steering (Step) pauses while values move, so the boundary they follow holds still.
// REQUIRES: main thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "memory/memory_tiers.h"
#include "memory/move_rule.h"
#include "memory/ratio_controller.h"

namespace memkeydb {

struct TierSettings {
  AllocPolicy policy = AllocPolicy::kOnlyDram;
  size_t static_threshold = 64;
  int64_t dram_part = 1, far_part = 3;
  size_t initial_threshold = 64;
  size_t min_threshold = 24, max_threshold = 10000;
  bool table_on_dram = true;
  int64_t far_limit = 0;
  int64_t dram_limit = 0;
};

class TierController {
 public:
  static constexpr double kStartMoving = 0.01;
  static constexpr double kStopMoving = 0.0025;

  explicit TierController(MemoryTiers* tiers) : tiers_(tiers) {}

  // Applies the settings. The ratio controller keeps its knob across changes of the target or
  // the bounds (it starts from where it is, with a small gain); it starts at
  // initial-dynamic-threshold when ratio mode is entered.
  void Configure(const TierSettings& s);
  const TierSettings& settings() const { return settings_; }

  // One control period. Returns true if the boundary moved.
  bool Step();

  // The rule for the rebalancer now (an inactive rule: count only), or nullopt when nothing
  // should be walked. Called between chunks of work, so it reacts to the bytes just moved.
  std::optional<MoveRule> WantMoves();
  void OnPassComplete(const TierCensus& census, uint64_t moved);
  // Increments whenever the next walk must start from the beginning (a census).
  uint64_t walk_generation() const { return walk_generation_; }

  double current_far_share() const;
  double target_far_share() const;
  const RatioController* ratio() const { return ratio_ ? &*ratio_ : nullptr; }
  // "off", "holding", "steering", "census", "rebalancing" or "unreachable", for INFO tiers.
  const char* state() const;
  uint64_t boundary_changes() const { return boundary_changes_; }
  uint64_t census_placements() const { return census_placements_; }

  // The knob at which `census` splits at the target, given the bytes outside it.
  double KnobFromCensus(const TierCensus& census) const;

 private:
  enum class Phase { kIdle, kCensus, kMoving, kUnreachable };
  void SetKnob(double k);
  // Whether the census holds bytes a moving walk under the current boundary would move.
  bool HasCandidates(const TierCensus& census) const;

  MemoryTiers* tiers_;
  TierSettings settings_;
  std::optional<RatioController> ratio_;
  Phase phase_ = Phase::kIdle;
  bool consistent_ = false;  // static modes: the stored data follows the boundary
  int64_t unreachable_total_ = 0;
  static constexpr int kMinBackoff = 10, kMaxBackoff = 100;  // control periods
  int unreachable_periods_ = 0;
  int unreachable_backoff_ = kMinBackoff / 2;  // doubled on each verdict
  uint64_t walk_generation_ = 0;
  uint64_t boundary_changes_ = 0;
  uint64_t census_placements_ = 0;
};

}  // namespace memkeydb
