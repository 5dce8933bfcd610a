// Test helpers for code that moves user data between tiers: open a far tier, route blocks by
// size, and check per-tier accounting against what a structure reports by BytesByTier.
//
// For gtest binaries only (the helpers assert). The tests run with MEMKIND_DAX_KMEM_NODES=0, so
// the far tier is KMEM DAX on NUMA node 0.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "memory/memory_tiers.h"

namespace memkeydb {

// Opens the process's far tier (KMEM DAX, node 0) unless one is open already. A failure is fatal
// to the calling test (call it from SetUp, or wrap it in ASSERT_NO_FATAL_FAILURE).
inline void EnsureFarTier() {
  MemoryTiers& m = MemoryTiers::Get();
  if (m.far_available()) return;
  FarTierSpec spec;
  spec.backend = FarBackend::kKmemDax;
  spec.kmem_nodes = "0";
  std::string err;
  ASSERT_TRUE(m.OpenFar(spec, &err)) << err;
}

// Routes user data by size: blocks of `threshold` bytes or more go to far memory.
inline void PlaceByThreshold(size_t threshold) {
  MemoryTiers& m = MemoryTiers::Get();
  m.policy().SetMode(AllocPolicy::kThreshold, true);
  m.policy().set_threshold(threshold);
}

// Back to the default placement (everything in DRAM): for TearDown.
inline void PlaceAllInDram() { MemoryTiers::Get().policy().SetMode(AllocPolicy::kOnlyDram, true); }

// Per-tier bytes in use, taken once background frees have finished; the later checks compare the
// growth since then with what the structures under test report.
class TierUsage {
 public:
  TierUsage() {
    MemoryTiers& m = MemoryTiers::Get();
    m.WaitForBackgroundFrees();
    start_[0] = m.used(Tier::kDram);
    start_[1] = m.used(Tier::kFar);
  }

  int64_t start(Tier t) const { return start_[static_cast<int>(t)]; }
  int64_t growth(Tier t) const { return MemoryTiers::Get().used(t) - start(t); }

  // Expects the growth on each tier to be exactly bytes[tier] (a BytesByTier sum).
  void ExpectGrowth(const size_t bytes[kNumTiers]) const {
    EXPECT_EQ(growth(Tier::kDram), static_cast<int64_t>(bytes[0]));
    EXPECT_EQ(growth(Tier::kFar), static_cast<int64_t>(bytes[1]));
  }
  // Expects the growth to be exactly what `structures` report by BytesByTier, summed.
  template <typename... Structures>
  void ExpectGrowthOf(const Structures&... structures) const {
    size_t bytes[kNumTiers] = {0, 0};
    (structures.BytesByTier(bytes), ...);
    ExpectGrowth(bytes);
  }
  // Expects every byte allocated since the snapshot to be freed.
  void ExpectReturned() const {
    MemoryTiers::Get().WaitForBackgroundFrees();
    EXPECT_EQ(growth(Tier::kDram), 0);
    EXPECT_EQ(growth(Tier::kFar), 0);
  }

 private:
  int64_t start_[kNumTiers];
};

}  // namespace memkeydb
