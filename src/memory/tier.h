// The vocabulary of tiered memory, shared by every layer above src/memory.
//
// A Tier names where bytes live. A Placement names what the bytes are; the placement policy
// turns (placement, size) into a tier:
//   kMetadata  always DRAM: object headers, key entries, client state, iterators.
//   kUserData  routed by size: at or above the policy's threshold to far memory, else DRAM.
//   kTable     the main hash table's bucket arrays: DRAM unless `hashtable-on-dram no`.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memkeydb {

enum class Tier : uint8_t { kDram = 0, kFar = 1 };
inline constexpr int kNumTiers = 2;

enum class Placement : uint8_t { kMetadata = 0, kUserData = 1, kTable = 2 };

inline const char* TierName(Tier t) { return t == Tier::kDram ? "dram" : "pmem"; }

}  // namespace memkeydb
