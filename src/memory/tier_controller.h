// TierController: turns the tier options into placement, runs the ratio controller, and tells
// the rebalancer what to move.
//
//   Configure()  at start-up and on every CONFIG SET of a tier option: sets the placement
//                mode, the boundary (static threshold, or the controller's), the far limit.
//   Step()       every memory-ratio-check-period (and while loading): measures
//                used_memory_dram and used_memory_pmem as INFO reports them, steps the ratio
//                controller and installs its new boundary.
//   WantMoves()  what existing values should move, if anything:
//                - only-dram / only-pmem / threshold: values on the wrong side of the
//                  deterministic boundary, until a whole walk finds none (then idle until the
//                  next Configure());
//                - ratio: values in the direction of the error, once it exceeds 1 percentage
//                  point, until it is back within a quarter point (hysteresis, so moves never
//                  chase noise): DRAM values at or above the boundary class go far, or far
//                  values below the top of the boundary class come back.
//   OnEmptyPass() the rebalancer walked the whole keyspace and found nothing to move under
//                the current rule: in ratio mode the boundary itself must move (a forced
//                step); if it cannot (saturated at dynamic-threshold-min/-max), moving stops
//                until the data or the settings change.
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

  // One control period. `force`: step even if the totals did not change (the rebalancer
  // finished a walk with nothing left to move). Returns true if the boundary moved.
  bool Step(bool force);

  // The rule for the rebalancer now, or nullopt when nothing should move. Called between
  // chunks of work, so it reacts to the bytes just moved.
  std::optional<MoveRule> WantMoves();
  void OnEmptyPass();

  double current_far_share() const;
  double target_far_share() const;
  const RatioController* ratio() const { return ratio_ ? &*ratio_ : nullptr; }
  // "off", "holding", "steering", "rebalancing" or "saturated", for INFO tiers.
  const char* state() const;
  uint64_t boundary_changes() const { return boundary_changes_; }

 private:
  MemoryTiers* tiers_;
  TierSettings settings_;
  std::optional<RatioController> ratio_;
  bool moving_ = false;       // ratio mode: between kStartMoving and kStopMoving
  bool consistent_ = false;   // other modes: the stored data follows the boundary
  bool stuck_ = false;        // ratio mode: nothing to move and the boundary cannot move
  uint64_t boundary_changes_ = 0;
};

}  // namespace memkeydb
