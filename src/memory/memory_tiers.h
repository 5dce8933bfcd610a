// MemoryTiers: the single gateway through which every byte of user data (and the metadata that
// holds it) is allocated, placed on a tier, and counted.
//
// Contract
//  * Allocate() returns memory on the tier that the placement policy picks for (placement, size),
//    and reports that tier; the caller stores the tier beside the pointer (one bit is enough) and
//    passes it back to Free/Reallocate/UsableSize. No tier detection on the hot path.
//  * used(tier) is the exact sum of allocator usable sizes of live blocks on that tier: this is
//    what INFO reports as used_memory_dram / used_memory_pmem, and their sum as used_memory.
//  * Allocation never returns nullptr: when the far tier is exhausted (memkind returns null, or
//    its limit — pmem-maxmemory — is reached) the block falls back to DRAM (counted in
//    fallbacks(), logged once per episode); when DRAM is exhausted the process logs and aborts,
//    as Redis does on OOM. Refusing writes before a tier fills is the server's job (OOM reply).
//  * REQUIRES: calls come from the main thread (counters are plain integers), except Free()
//    inside a job given to RunInBackground(): there it counts into atomic "freed in the
//    background" totals that used() subtracts. That is how FLUSHALL ASYNC destroys a whole
//    detached keyspace off the main thread.
//  * Free() of a block of kBackgroundFreeMin bytes or more counts it as freed at once and hands
//    it to a background thread: returning a large, fully touched block to the kernel costs
//    milliseconds (about 9 ms for 128 MiB), which would otherwise stall the command that freed
//    it (a hash table finishing its rehash, a huge value deleted).
//
// memkind is used only inside src/memory; nothing above this folder includes memkind.h.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <new>
#include <string>

#include "memory/move_rule.h"
#include "memory/placement_policy.h"
#include "memory/tier.h"

namespace memkeydb {

// Where the far tier's memory comes from.
enum class FarBackend : uint8_t {
  kNone,     // no far tier: DRAM only
  kKmemDax,  // far memory as CPU-less NUMA node(s) (PMem KMEM DAX, CXL): anonymous, private
  kFile,     // a file in a directory (fsdax mount or any file system), mapped MAP_SHARED
};
const char* FarBackendName(FarBackend b);

// How to open the far tier.
struct FarTierSpec {
  FarBackend backend = FarBackend::kNone;
  // KMEM DAX: 0 the closest far node, 1 all far nodes, 2 preferred (may spill to DRAM nodes).
  int kmem_kind = 0;
  // KMEM DAX: far NUMA nodes to use ("1", "2-3"); empty lets memkind find them (libdaxctl, or
  // the MEMKIND_DAX_KMEM_NODES environment variable).
  std::string kmem_nodes;
  // File: the directory for the backing file, and its maximum size (0: the file system's).
  std::string dir;
  size_t capacity = 0;
};

// Allocator statistics of one tier (memkind's per-kind jemalloc counters).
struct TierAllocatorStats {
  size_t resident = 0;
  size_t active = 0;
  size_t allocated = 0;
};

class MemoryTiers {
 public:
  MemoryTiers();
  MemoryTiers(const MemoryTiers&) = delete;
  MemoryTiers& operator=(const MemoryTiers&) = delete;

  // The process-wide instance.
  static MemoryTiers& Get();

  void* Allocate(size_t size, Placement placement, Tier* tier);
  // Like Allocate, zero-filled; large blocks come as fresh zero pages (no memset).
  void* AllocateZeroed(size_t size, Placement placement, Tier* tier);
  // Allocate on a tier chosen by the caller (the rebalancer moving a block). Falls back like
  // Allocate; *tier is the tier actually used.
  void* AllocateOn(size_t size, Tier wanted, Tier* tier);
  // Moves a block of user data to the tier `rule` names for it, if any: copies its first
  // `length` bytes into a block of the same capacity there and frees the old one. Returns the
  // block to keep (the old one if nothing moved, or the destination was full) and updates
  // *tier and *stats, and counts the block where it ends up in *census (if not null). The
  // caller swaps its pointer; nothing else may point into the block.
  void* MoveBlock(void* p, size_t length, const MoveRule& rule, Tier* tier, MoveStats* stats,
                  TierCensus* census);
  // Grows or shrinks a block. The result may be on another tier than `*tier` if the new size
  // crosses the threshold; *tier is updated. Contents up to min(old, new) size are kept.
  void* Reallocate(void* p, size_t new_size, Placement placement, Tier* tier);
  void Free(void* p, Tier tier);
  static constexpr size_t kBackgroundFreeMin = 1 << 20;
  // Blocks until every background free queued so far is done (tests, shutdown).
  void WaitForBackgroundFrees();
  uint64_t background_frees() const { return background_frees_; }
  size_t UsableSize(const void* p, Tier tier) const;

  int64_t used(Tier t) const {
    int i = static_cast<int>(t);
    return used_[i] - freed_in_background_[i].load(std::memory_order_relaxed);
  }
  int64_t used_total() const { return used(Tier::kDram) + used(Tier::kFar); }
  // Runs `job` on the background thread; every Free() it makes is counted there. The job must
  // only touch memory no other thread can reach (a detached table).
  void RunInBackground(std::function<void()> job);
  // Jobs and large frees queued but not finished (INFO lazyfree_pending_objects).
  uint64_t background_pending() const;
  int64_t peak_total() const { return peak_; }
  int64_t allocations(Tier t) const {
    int i = static_cast<int>(t);
    return allocations_[i] - blocks_freed_in_background_[i].load(std::memory_order_relaxed);
  }
  uint64_t fallbacks() const { return fallbacks_; }
  void ResetPeak() { peak_ = used_total(); }

  PlacementPolicy& policy() { return policy_; }
  const PlacementPolicy& policy() const { return policy_; }

  // True once a far backend has been opened; until then everything is DRAM.
  bool far_available() const { return far_kind_ != nullptr; }

  // Opens the far tier. On failure returns false with *error saying what is missing and how to
  // provide it. A far tier stays open for the life of the process.
  bool OpenFar(const FarTierSpec& spec, std::string* error);
  FarBackend far_backend() const { return far_backend_; }
  const FarTierSpec& far_spec() const { return far_spec_; }
  // Whether a forked child sees a point-in-time copy of every tier (fork copy-on-write). False
  // for the file backend: it maps MAP_SHARED, so the parent's later writes show in the child.
  bool fork_snapshot_safe() const { return far_backend_ != FarBackend::kFile; }

  // Upper bound on far-tier bytes (pmem-maxmemory); 0: none. Allocations past it fall back.
  void set_far_limit(int64_t bytes) { far_limit_ = bytes; }
  int64_t far_limit() const { return far_limit_; }
  // True when the far tier refused an allocation since the last successful far allocation.
  bool far_full() const { return far_full_; }
  // Upper bound on DRAM bytes (dram-maxmemory); 0: none. Within a sixteenth of it, user data
  // goes far (counted in spills()); metadata cannot, so the server refuses writes or evicts
  // once DRAM passes the limit itself.
  void set_dram_limit(int64_t bytes) { dram_limit_ = bytes; }
  int64_t dram_limit() const { return dram_limit_; }
  uint64_t spills() const { return spills_; }

  // memkind's allocator statistics, indexed by tier (refreshed once per call; not for the hot
  // path). A tier without a backend reports zeros.
  struct AllocatorReport {
    TierAllocatorStats tier[kNumTiers];
    const TierAllocatorStats& operator[](Tier t) const { return tier[static_cast<int>(t)]; }
  };
  AllocatorReport AllocatorStats() const;

 private:
  void Count(Tier t, void* p, int64_t sign);
  Tier Place(Placement placement, size_t size);
  void FreeInBackground(void* p, Tier tier);
  void* RawAlloc(Tier t, size_t size, bool zeroed);
  void* AllocateOn(size_t size, Tier wanted, Tier* tier, bool zeroed);

  void* dram_kind_ = nullptr;  // memkind_t, kept opaque so memkind.h stays in memory_tiers.cc
  void* far_kind_ = nullptr;
  FarBackend far_backend_ = FarBackend::kNone;
  FarTierSpec far_spec_;
  int64_t far_limit_ = 0;
  int64_t dram_limit_ = 0;
  uint64_t spills_ = 0;
  bool far_full_ = false;
  int64_t used_[kNumTiers] = {0, 0};
  int64_t allocations_[kNumTiers] = {0, 0};
  int64_t peak_ = 0;
  uint64_t fallbacks_ = 0;
  uint64_t background_frees_ = 0;
  std::atomic<int64_t> freed_in_background_[kNumTiers] = {0, 0};
  std::atomic<int64_t> blocks_freed_in_background_[kNumTiers] = {0, 0};
  PlacementPolicy policy_;
  class Reclaimer;
  Reclaimer& reclaimer();
  Reclaimer* reclaimer_ = nullptr;  // started on first use; lives as long as the process
};

// Minimal allocator for standard containers that hold metadata (counted on the DRAM tier).
template <typename T>
struct MetadataAllocator {
  using value_type = T;
  MetadataAllocator() = default;
  template <typename U>
  MetadataAllocator(const MetadataAllocator<U>&) {}  // NOLINT
  T* allocate(size_t n) {
    if (n > std::numeric_limits<size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    Tier tier;
    return static_cast<T*>(MemoryTiers::Get().Allocate(n * sizeof(T), Placement::kMetadata, &tier));
  }
  void deallocate(T* p, size_t) { MemoryTiers::Get().Free(p, Tier::kDram); }
  template <typename U>
  bool operator==(const MetadataAllocator<U>&) const { return true; }
};

}  // namespace memkeydb
