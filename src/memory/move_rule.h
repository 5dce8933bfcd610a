// MoveRule: which existing user-data blocks the rebalancer should move to the other tier, and
// MoveStats: what it moved. Data structures apply a rule to the blocks they own (a value has
// exactly one owner, which swaps its pointer), so moving never leaves a dangling reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

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

}  // namespace memkeydb
