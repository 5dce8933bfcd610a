// MemoryTiers: the single gateway through which every byte of user data (and the metadata that
// holds it) is allocated, placed on a tier, and counted.
//
// Contract
//  * Allocate() returns memory on the tier that the placement policy picks for (placement, size),
//    and reports that tier; the caller stores the tier beside the pointer (one bit is enough) and
//    passes it back to Free/Reallocate/UsableSize. No tier detection on the hot path.
//  * used(tier) is the exact sum of allocator usable sizes of live blocks on that tier: this is
//    what INFO reports as used_memory_dram / used_memory_pmem, and their sum as used_memory.
//  * Allocation never returns nullptr: when the far tier is exhausted the block falls back to
//    DRAM (counted in fallbacks()); when DRAM is exhausted the process logs and aborts, as Redis
//    does on OOM.
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

#include "memory/placement_policy.h"
#include "memory/tier.h"

namespace memkeydb {

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

  // Opens the far tier on memkind's DAX KMEM kinds (kmem_kind: 0 closest node, 1 all nodes,
  // 2 preferred). Returns an explanation on failure.
  bool OpenFarKmem(int kmem_kind, const char** error);

 private:
  void Count(Tier t, void* p, int64_t sign);
  void FreeInBackground(void* p, Tier tier);
  void* RawAlloc(Tier t, size_t size, bool zeroed);
  void* AllocateOn(size_t size, Tier wanted, Tier* tier, bool zeroed);

  void* dram_kind_ = nullptr;  // memkind_t, kept opaque so memkind.h stays in memory_tiers.cc
  void* far_kind_ = nullptr;
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
