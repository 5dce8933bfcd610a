// IntSet: a sorted array of distinct integers in one blob, in Redis's intset byte format exactly
// (uint32 encoding = 2, 4 or 8 bytes per element; uint32 count; elements little endian,
// ascending). Adding a value that needs a wider encoding upgrades every element.
//
// The blob is user data, allocated through MemoryTiers as Placement::kUserData (so a large
// intset goes to far memory by the placement threshold); the object remembers its tier.
//
// REQUIRES: main thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ds/tiered_block.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

class IntSet {
 public:
  // Empty, allocated on first use. Movable, not copyable (copying is Clone()).
  IntSet() = default;

  // Adopts a copy of a blob in Redis's format; false (and *out untouched) if it is malformed:
  // bad encoding, size mismatch, elements not strictly ascending.
  static bool FromBytes(const uint8_t* bytes, size_t size, IntSet* out);
  IntSet Clone() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  size_t bytes() const;         // header plus elements
  const uint8_t* data() const;  // the blob (RDB); valid until the next mutation
  // Bytes per element now: 2, 4 or 8.
  unsigned encoding() const;

  bool Contains(int64_t v) const;
  // True if added (false: already present).
  bool Add(int64_t v);
  // True if removed.
  bool Remove(int64_t v);
  // The element at position i (0 <= i < size()), in ascending order.
  int64_t Get(size_t i) const;
  int64_t Min() const { return Get(0); }
  int64_t Max() const { return Get(size() - 1); }

  // --- tiers ---
  Tier tier() const { return block_.tier(); }
  void BytesByTier(size_t bytes[kNumTiers]) const;
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);

 private:
  // Makes the block hold at least `new_bytes` (allocating an empty set first if needed).
  void Resize(size_t new_bytes);

  uint8_t* blob() const { return block_.data(); }  // nullptr until first use

  TieredBlock block_;
};

}  // namespace memkeydb
