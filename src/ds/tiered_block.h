// TieredBlock: one user-data blob (a listpack, an intset) owned through MemoryTiers, with the
// tier it landed on and its usable size kept beside the pointer. It holds the allocation policy
// those encodings share: grow when full, give memory back only once a quarter of the block is
// idle, and move to another tier by MemoryTiers::MoveBlock. What the bytes mean is the owner's.
//
// 16 bytes, so an encoding that wraps one stays the size of Redis's robj.
// REQUIRES: main thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

class TieredBlock {
 public:
  TieredBlock() = default;
  ~TieredBlock() { Free(); }
  TieredBlock(TieredBlock&& other) noexcept;
  TieredBlock& operator=(TieredBlock&& other) noexcept;
  TieredBlock(const TieredBlock&) = delete;
  TieredBlock& operator=(const TieredBlock&) = delete;

  uint8_t* data() const { return data_; }  // nullptr until allocated
  Tier tier() const { return tier_; }
  size_t capacity() const { return capacity_; }

  // Replaces the block (freeing any old one) with a fresh one of `size` bytes, uninitialized.
  uint8_t* Allocate(size_t size);
  // Replaces the block with a copy of `size` bytes at `bytes`.
  void AssignCopy(const uint8_t* bytes, size_t size);
  // Frees the block; back to empty on DRAM.
  void Free();

  // REQUIRES: allocated. Makes room for `size` bytes if the block is smaller.
  void Grow(size_t size);
  // REQUIRES: allocated. Grows to `size` if needed, or shrinks to it once a quarter of the block
  // would be idle: allocator size classes are at most a quarter apart, so the block then really
  // shrinks, and a run of removals does not realloc on each one.
  void Fit(size_t size);

  // Adds the usable size to bytes[tier()] if allocated.
  void BytesByTier(size_t bytes[kNumTiers]) const;
  // Moves the first `used` bytes to the tier `rule` names (see MemoryTiers::MoveBlock).
  void Rebalance(size_t used, const MoveRule& rule, MoveStats* stats, TierCensus* census);

 private:
  void Reallocate(size_t size);

  uint8_t* data_ = nullptr;
  Tier tier_ = Tier::kDram;
  uint32_t capacity_ = 0;  // the block's usable size (fits beside tier_ in the padding)
};

}  // namespace memkeydb
