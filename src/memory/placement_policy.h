// PlacementPolicy: decides the tier of each allocation from its placement class and size.
//
// Modes (memKeyDB's `memory-alloc-policy` names):
//   only-dram  everything in DRAM (the default).
//   only-pmem  user data and (unless hashtable-on-dram) the main table in far memory.
//   threshold  user data of size >= static-threshold in far memory.
//   ratio      like threshold, with the threshold moved by the ratio controller.
// Metadata is always DRAM. The decision is two compares on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "memory/tier.h"

namespace memkeydb {

enum class AllocPolicy : uint8_t { kOnlyDram, kOnlyPmem, kThreshold, kRatio };

const char* AllocPolicyName(AllocPolicy p);
bool ParseAllocPolicy(std::string_view name, AllocPolicy* out);

class PlacementPolicy {
 public:
  Tier Place(Placement placement, size_t size) const {
    if (placement == Placement::kMetadata || !far_enabled_) return Tier::kDram;
    if (placement == Placement::kTable) return table_on_dram_ ? Tier::kDram : Tier::kFar;
    return size >= threshold_ ? Tier::kFar : Tier::kDram;
  }

  AllocPolicy mode() const { return mode_; }
  // `far_available`: whether a far backend is open; without one every mode acts as only-dram.
  void SetMode(AllocPolicy mode, bool far_available);
  size_t threshold() const { return threshold_; }
  void set_threshold(size_t t) { threshold_ = t; }
  bool table_on_dram() const { return table_on_dram_; }
  void set_table_on_dram(bool v) { table_on_dram_ = v; }

 private:
  AllocPolicy mode_ = AllocPolicy::kOnlyDram;
  bool far_enabled_ = false;
  bool table_on_dram_ = true;
  size_t threshold_ = 64;
};

}  // namespace memkeydb
