#include "memory/memory_tiers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <utility>
#include <random>
#include <vector>

namespace memkeydb {
namespace {

TEST(PlacementPolicyTest, RoutesBySizeAndClass) {
  PlacementPolicy p;
  p.SetMode(AllocPolicy::kThreshold, /*far_available=*/true);
  p.set_threshold(64);
  EXPECT_EQ(p.Place(Placement::kUserData, 63), Tier::kDram);
  EXPECT_EQ(p.Place(Placement::kUserData, 64), Tier::kFar);
  EXPECT_EQ(p.Place(Placement::kMetadata, 1 << 20), Tier::kDram);
  EXPECT_EQ(p.Place(Placement::kTable, 1 << 20), Tier::kDram);
  p.set_table_on_dram(false);
  EXPECT_EQ(p.Place(Placement::kTable, 8), Tier::kFar);

  p.SetMode(AllocPolicy::kOnlyPmem, true);
  EXPECT_EQ(p.Place(Placement::kUserData, 1), Tier::kFar);
  EXPECT_EQ(p.Place(Placement::kMetadata, 1), Tier::kDram);

  // Without a far backend every mode is only-dram.
  p.SetMode(AllocPolicy::kThreshold, false);
  EXPECT_EQ(p.Place(Placement::kUserData, 1 << 20), Tier::kDram);
  p.SetMode(AllocPolicy::kOnlyDram, true);
  EXPECT_EQ(p.Place(Placement::kUserData, 1 << 20), Tier::kDram);
}

TEST(PlacementPolicyTest, PolicyNames) {
  AllocPolicy p;
  for (const char* n : {"only-dram", "only-pmem", "threshold", "ratio"}) {
    ASSERT_TRUE(ParseAllocPolicy(n, &p));
    EXPECT_STREQ(AllocPolicyName(p), n);
  }
  EXPECT_FALSE(ParseAllocPolicy("dram", &p));
}

// After random allocations, reallocations and frees, the counter equals the sum of usable
// sizes of live blocks, and returns to its starting point when everything is freed.
TEST(MemoryTiersTest, ExactAccounting) {
  MemoryTiers& m = MemoryTiers::Get();
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  int64_t base = m.used(Tier::kDram);
  struct Block {
    void* p;
    Tier t;
  };
  std::vector<Block> live;
  for (int i = 0; i < 20000; ++i) {
    int op = rng() % 3;
    if (op == 0 || live.empty()) {
      Tier t;
      void* p = m.Allocate(rng() % 5000, Placement::kUserData, &t);
      live.push_back({p, t});
    } else if (op == 1) {
      Block& b = live[rng() % live.size()];
      b.p = m.Reallocate(b.p, rng() % 9000, Placement::kUserData, &b.t);
    } else {
      size_t i2 = rng() % live.size();
      m.Free(live[i2].p, live[i2].t);
      live[i2] = live.back();
      live.pop_back();
    }
    if (i % 1000 == 0) {
      int64_t sum = 0;
      for (const Block& b : live) sum += static_cast<int64_t>(m.UsableSize(b.p, b.t));
      ASSERT_EQ(m.used(Tier::kDram) - base, sum) << "seed=" << seed;
    }
  }
  for (const Block& b : live) m.Free(b.p, b.t);
  EXPECT_EQ(m.used(Tier::kDram), base);
}

TEST(MemoryTiersTest, ZeroedAllocationIsZero) {
  MemoryTiers& m = MemoryTiers::Get();
  Tier t;
  auto* p = static_cast<unsigned char*>(m.AllocateZeroed(1 << 20, Placement::kTable, &t));
  for (size_t i = 0; i < (1 << 20); i += 4096) ASSERT_EQ(p[i], 0);
  m.Free(p, t);
}

// Large blocks are counted as freed at once and returned to memkind by a background thread.
TEST(MemoryTiersTest, LargeFreesHappenInBackground) {
  MemoryTiers& m = MemoryTiers::Get();
  int64_t base = m.used(Tier::kDram);
  uint64_t queued = m.background_frees();
  std::vector<std::pair<void*, Tier>> blocks;
  for (size_t size : {size_t{4} << 20, size_t{1} << 20, size_t{100}}) {
    Tier t;
    void* p = m.Allocate(size, Placement::kUserData, &t);
    memset(p, 7, size);
    blocks.emplace_back(p, t);
  }
  for (auto [p, t] : blocks) m.Free(p, t);
  EXPECT_EQ(m.used(Tier::kDram), base);
  EXPECT_EQ(m.background_frees() - queued, 2u);  // the two blocks of 1 MiB and more
  m.WaitForBackgroundFrees();
  EXPECT_EQ(m.used(Tier::kDram), base);
}

// The far tier through memkind's KMEM DAX kind, backed by node 0 when no PMem exists.
TEST(MemoryTiersTest, FarTierWithKmemNodesVariable) {
  if (getenv("MEMKIND_DAX_KMEM_NODES") == nullptr) setenv("MEMKIND_DAX_KMEM_NODES", "0", 1);
  MemoryTiers m;
  const char* err = nullptr;
  ASSERT_TRUE(m.OpenFarKmem(0, &err)) << err;
  m.policy().SetMode(AllocPolicy::kThreshold, m.far_available());
  m.policy().set_threshold(100);
  Tier t1, t2;
  void* small = m.Allocate(50, Placement::kUserData, &t1);
  void* big = m.Allocate(500, Placement::kUserData, &t2);
  EXPECT_EQ(t1, Tier::kDram);
  EXPECT_EQ(t2, Tier::kFar);
  EXPECT_GE(m.used(Tier::kFar), 500);
  // Growing across the threshold moves the block to the far tier, keeping its bytes.
  memset(small, 'x', 50);
  small = m.Reallocate(small, 1000, Placement::kUserData, &t1);
  EXPECT_EQ(t1, Tier::kFar);
  EXPECT_EQ(static_cast<char*>(small)[49], 'x');
  m.Free(small, t1);
  m.Free(big, t2);
  EXPECT_EQ(m.used(Tier::kFar), 0);
  EXPECT_EQ(m.used(Tier::kDram), 0);
}

}  // namespace
}  // namespace memkeydb
