// MoveRule: which existing user-data blocks the rebalancer should move to the other tier, and
// MoveStats: what it moved. Data structures apply a rule to the blocks they own (a value has
// exactly one owner, which swaps its pointer), so moving never leaves a dangling reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "memory/size_class.h"
#include "memory/tier.h"

namespace memkeydb {

struct MoveRule {
  // DRAM blocks of at least this many bytes go to far memory (SIZE_MAX: none).
  size_t to_far_min = SIZE_MAX;
  // Far blocks of fewer than this many bytes go to DRAM (0: none).
  size_t to_dram_below = 0;

  bool active() const { return to_far_min != SIZE_MAX || to_dram_below != 0; }
  // The tier a block of `size` bytes now on `current` should move to, if any.
  std::optional<Tier> Destination(Tier current, size_t size) const {
    if (current == Tier::kDram && size >= to_far_min) return Tier::kFar;
    if (current == Tier::kFar && size < to_dram_below) return Tier::kDram;
    return std::nullopt;
  }
  bool operator==(const MoveRule&) const = default;
};

struct MoveStats {
  uint64_t blocks_to_far = 0;
  uint64_t blocks_to_dram = 0;
  uint64_t bytes_to_far = 0;
  uint64_t bytes_to_dram = 0;
  uint64_t failed = 0;  // the destination was full: the block stayed where it was

  uint64_t blocks() const { return blocks_to_far + blocks_to_dram; }
  void Add(const MoveStats& o) {
    blocks_to_far += o.blocks_to_far;
    blocks_to_dram += o.blocks_to_dram;
    bytes_to_far += o.bytes_to_far;
    bytes_to_dram += o.bytes_to_dram;
    failed += o.failed;
  }
};

// Bytes of user data by tier and size class, counted while the rebalancer walks the keyspace.
// The ratio controller reads a whole walk's census to place the boundary where the stored data
// splits at the target (tier_controller.h).
struct TierCensus {
  static constexpr int kClasses = SizeClass(SIZE_MAX) + 1;
  uint64_t bytes[kNumTiers][kClasses] = {};

  // `length`: the size the placement policy saw (the block's request); `usable`: its bytes.
  void Add(Tier t, size_t length, size_t usable) {
    bytes[static_cast<int>(t)][SizeClass(length)] += usable;
  }
  uint64_t total(Tier t) const {
    uint64_t sum = 0;
    for (uint64_t b : bytes[static_cast<int>(t)]) sum += b;
    return sum;
  }
};

}  // namespace memkeydb
