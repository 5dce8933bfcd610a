// RatioController: steers the placement boundary so that far / (dram + far) converges to the
// target set by `dram-pmem-ratio`. Pure logic: it reads byte totals and returns a boundary; it
// allocates nothing. TierController runs it (see docs/tiered-memory.md).
//
// The boundary is one scalar knob k = c + p over size classes (size_class.h):
//   an allocation whose class is above c goes far; one in class c goes far in a fraction
//   (1 - p) of cases; smaller ones stay in DRAM.
// Raising k sends less to far memory. A fractional boundary is what lets a workload whose
// values all have one size be split at any ratio, which a plain size threshold cannot do.
//
// Each Step() moves k against the error e = target - current far share, with a gain that
// starts small (no overshooting first step), grows while the error persists without
// shrinking, and halves when the error changes sign. A step moves k by at most one power of
// two. Because it acts on the error, it moves even when the far tier is empty.
#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/placement_policy.h"

namespace memkeydb {

class RatioController {
 public:
  struct Options {
    int64_t dram_part = 1;  // dram-pmem-ratio
    int64_t far_part = 3;
    size_t min_threshold = 24;  // dynamic-threshold-min / -max, in bytes
    size_t max_threshold = 10000;
    size_t initial_threshold = 64;
    double tolerance = 0.005;  // no step while |error| is at most this
  };

  explicit RatioController(const Options& options);

  // One control period. Returns true if the boundary moved. A period in which the totals
  // changed by 100 bytes or less is skipped (the error cannot have changed) unless `force`.
  bool Step(int64_t dram_bytes, int64_t far_bytes, bool force = false);

  // The placement boundary for the current knob.
  Boundary boundary() const;

  double knob() const { return k_; }
  // Places the knob directly (clamped to the bounds); the next steps start cautiously.
  void set_knob(double k);
  // True if the last step wanted to move the knob past one of its bounds.
  bool saturated() const { return saturated_; }
  double target_far_share() const { return target_; }
  double gain() const { return gain_; }
  uint64_t steps() const { return steps_; }
  void set_target(int64_t dram_part, int64_t far_part);
  // New bounds (dynamic-threshold-min/-max); the knob is clamped into them.
  void set_bounds(size_t min_threshold, size_t max_threshold);

 private:
  double target_;
  double tolerance_;
  double k_;
  double k_min_, k_max_;
  double gain_;
  double prev_error_ = 0;
  int64_t last_total_ = -1;
  bool saturated_ = false;
  uint64_t steps_ = 0;
};

}  // namespace memkeydb
