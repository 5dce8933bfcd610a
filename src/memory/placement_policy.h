// PlacementPolicy: decides the tier of each allocation from its placement class and size.
//
// Modes (memKeyDB's `memory-alloc-policy` names):
//   only-dram  everything in DRAM (the default).
//   only-pmem  user data and (unless hashtable-on-dram) the main table in far memory.
//   threshold  user data of size >= static-threshold in far memory.
//   ratio      a fractional boundary moved by the ratio controller (ratio_controller.h):
//              sizes at or above `far_from` go far; sizes in [boundary_from, far_from) — one
//              size class — go far in a fraction of cases (a deterministic credit counter);
//              smaller sizes stay in DRAM. Threshold mode is the same with boundary_from ==
//              far_from.
// Metadata is always DRAM. The common case costs two compares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "memory/tier.h"

namespace memkeydb {

enum class AllocPolicy : uint8_t { kOnlyDram, kOnlyPmem, kThreshold, kRatio };

const char* AllocPolicyName(AllocPolicy p);
bool ParseAllocPolicy(std::string_view name, AllocPolicy* out);

// Where user data is split: see the file comment. far_fraction is in 1/65536ths.
struct Boundary {
  size_t boundary_from = 64;
  size_t far_from = 64;
  uint32_t far_fraction = 0;

  static constexpr uint32_t kOne = 1u << 16;
  // The boundary of a plain size threshold.
  static Boundary Threshold(size_t t) { return {t, t, 0}; }
  bool operator==(const Boundary&) const = default;
};

class PlacementPolicy {
 public:
  Tier Place(Placement placement, size_t size) {
    if (placement == Placement::kMetadata || !far_enabled_) return Tier::kDram;
    if (placement == Placement::kTable) return table_on_dram_ ? Tier::kDram : Tier::kFar;
    if (size >= boundary_.far_from) return Tier::kFar;
    if (size < boundary_.boundary_from) return Tier::kDram;
    credit_ += boundary_.far_fraction;
    if (credit_ < Boundary::kOne) return Tier::kDram;
    credit_ -= Boundary::kOne;
    return Tier::kFar;
  }

  AllocPolicy mode() const { return mode_; }
  // `far_available`: whether a far backend is open; without one every mode acts as only-dram.
  void SetMode(AllocPolicy mode, bool far_available);
  bool far_enabled() const { return far_enabled_; }
  const Boundary& boundary() const { return boundary_; }
  void set_boundary(const Boundary& b) { boundary_ = b; }
  // The smallest size that can go far (INFO pmem_threshold).
  size_t threshold() const { return boundary_.boundary_from; }
  void set_threshold(size_t t) { boundary_ = Boundary::Threshold(t); }
  bool table_on_dram() const { return table_on_dram_; }
  void set_table_on_dram(bool v) { table_on_dram_ = v; }

 private:
  AllocPolicy mode_ = AllocPolicy::kOnlyDram;
  bool far_enabled_ = false;
  bool table_on_dram_ = true;
  Boundary boundary_;
  uint32_t credit_ = 0;
};

}  // namespace memkeydb
