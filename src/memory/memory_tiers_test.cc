#include "memory/memory_tiers.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
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

FarTierSpec KmemSpec() {
  FarTierSpec spec;
  spec.backend = FarBackend::kKmemDax;
  spec.kmem_nodes = getenv("MEMKIND_DAX_KMEM_NODES") ? getenv("MEMKIND_DAX_KMEM_NODES") : "0";
  return spec;
}

// A scratch directory for the file backend, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/memkeydb-tier-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { rmdir(path.c_str()); }
};

FarTierSpec FileSpec(const TempDir& dir, size_t capacity) {
  FarTierSpec spec;
  spec.backend = FarBackend::kFile;
  spec.dir = dir.path;
  spec.capacity = capacity;
  return spec;
}

// The far tier through memkind's KMEM DAX kind, backed by node 0 when no PMem exists.
TEST(MemoryTiersTest, FarTierWithKmemNodesVariable) {
  if (getenv("MEMKIND_DAX_KMEM_NODES") == nullptr) setenv("MEMKIND_DAX_KMEM_NODES", "0", 1);
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(KmemSpec(), &err)) << err;
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

namespace memkeydb {
namespace {

// A far block written by the parent after fork: what does the child see? `true` if the child
// still saw the bytes from before the fork (a point-in-time copy).
bool ChildSeesSnapshot(MemoryTiers& m) {
  Tier t;
  char* p = static_cast<char*>(m.AllocateOn(4096, Tier::kFar, &t));
  EXPECT_EQ(t, Tier::kFar);
  memset(p, 'A', 4096);
  int to_child[2], from_child[2];
  EXPECT_EQ(pipe(to_child), 0);
  EXPECT_EQ(pipe(from_child), 0);
  pid_t pid = fork();
  if (pid == 0) {
    char go;
    if (read(to_child[0], &go, 1) != 1) _exit(2);
    char seen = p[100];
    _exit(write(from_child[1], &seen, 1) == 1 ? 0 : 3);
  }
  memset(p, 'B', 4096);  // the parent writes after the fork, before the child reads
  EXPECT_EQ(write(to_child[1], "g", 1), 1);
  char seen = 0;
  EXPECT_EQ(read(from_child[0], &seen, 1), 1);
  int status = 0;
  waitpid(pid, &status, 0);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) close(fd);
  m.Free(p, t);
  return seen == 'A';
}

TEST(MemoryTiersTest, KmemBackendKeepsForkCopyOnWrite) {
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(KmemSpec(), &err)) << err;
  EXPECT_TRUE(m.fork_snapshot_safe());
  EXPECT_TRUE(ChildSeesSnapshot(m));
}

TEST(MemoryTiersTest, FileBackendIsSharedAcrossFork) {
  TempDir dir;
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(FileSpec(dir, 64 << 20), &err)) << err;
  EXPECT_EQ(m.far_backend(), FarBackend::kFile);
  EXPECT_FALSE(m.fork_snapshot_safe());
  EXPECT_FALSE(ChildSeesSnapshot(m));  // MAP_SHARED: the child sees the parent's later write
}

TEST(MemoryTiersTest, FileBackendFullFallsBackToDram) {
  TempDir dir;
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(FileSpec(dir, 16 << 20), &err)) << err;
  m.policy().SetMode(AllocPolicy::kOnlyPmem, true);
  std::vector<std::pair<void*, Tier>> blocks;
  for (int i = 0; i < 40; ++i) {  // 40 MiB into a 16 MiB file: never null, the rest in DRAM
    Tier t;
    void* p = m.Allocate(1 << 20, Placement::kUserData, &t);
    ASSERT_NE(p, nullptr);
    memset(p, i, 1 << 20);
    blocks.emplace_back(p, t);
  }
  EXPECT_TRUE(m.far_full());
  EXPECT_GT(m.fallbacks(), 0u);
  EXPECT_GT(m.used(Tier::kFar), 0);
  EXPECT_GT(m.used(Tier::kDram), 0);
  for (auto [p, t] : blocks) m.Free(p, t);
  m.WaitForBackgroundFrees();
  EXPECT_EQ(m.used(Tier::kFar), 0);
  EXPECT_EQ(m.used(Tier::kDram), 0);
}

TEST(MemoryTiersTest, FileBackendNeedsAUsableDirectory) {
  MemoryTiers m;
  FarTierSpec spec;
  spec.backend = FarBackend::kFile;
  std::string err;
  EXPECT_FALSE(m.OpenFar(spec, &err));
  EXPECT_NE(err.find("pmem-dir"), std::string::npos) << err;
  spec.dir = "/nonexistent/memkeydb";
  EXPECT_FALSE(m.OpenFar(spec, &err));
  EXPECT_NE(err.find("/nonexistent/memkeydb"), std::string::npos) << err;
  EXPECT_FALSE(m.far_available());
}

TEST(MemoryTiersTest, FarLimitFallsBackAndRecovers) {
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(KmemSpec(), &err)) << err;
  m.policy().SetMode(AllocPolicy::kOnlyPmem, true);
  m.set_far_limit(10000);
  Tier t1, t2;
  void* a = m.Allocate(8000, Placement::kUserData, &t1);
  void* b = m.Allocate(8000, Placement::kUserData, &t2);
  EXPECT_EQ(t1, Tier::kFar);
  EXPECT_EQ(t2, Tier::kDram);  // would pass the limit
  EXPECT_TRUE(m.far_full());
  EXPECT_EQ(m.fallbacks(), 1u);
  m.Free(a, t1);
  void* c = m.Allocate(8000, Placement::kUserData, &t1);
  EXPECT_EQ(t1, Tier::kFar);
  EXPECT_FALSE(m.far_full());
  m.Free(b, t2);
  m.Free(c, t1);
}

TEST(MemoryTiersTest, AllocatorStatsPerTier) {
  MemoryTiers m;
  std::string err;
  ASSERT_TRUE(m.OpenFar(KmemSpec(), &err)) << err;
  Tier t;
  void* p = m.AllocateOn(1 << 16, Tier::kFar, &t);
  memset(p, 1, 1 << 16);
  TierAllocatorStats far = m.AllocatorStats()[Tier::kFar];
  EXPECT_GE(far.allocated, size_t{1} << 16);
  EXPECT_GE(far.active, far.allocated);
  EXPECT_GE(far.resident, far.active);
  m.Free(p, t);
}

}  // namespace
}  // namespace memkeydb
