// Entry: one key of the keyspace — the node the main hash table chains, with the key's bytes
// inline and its value slot.
//
// Layout (one allocation, Placement::kMetadata, so always DRAM — a lookup compares keys while
// walking a chain and must not pay a far-memory load per step):
//   Entry* next        8   chain link, owned by HashTable
//   CompactValue value 16  the value (its large parts are user data, routed by size)
//   uint32 key_len     4
//   uint32 meta        4   bits 0-23 access clock (LRU seconds, or LFU time+counter),
//                          bit 24 has-expire, bit 25 snapshot parity (persistence/snapshot.h)
//   [int64 expire_ms, uint32 expire_index, uint32 pad]   16, only if has-expire
//   key bytes          key_len
// A 16-byte key without a TTL costs 48 bytes; with a TTL 64. Adding or removing a TTL
// reallocates the entry (the table relinks it); nothing else keeps Entry pointers across commands.
//
// The snapshot bit belongs to the inline snapshot: an entry whose bit equals its database's
// parity has been emitted by the live snapshot (or is not part of it). Reshape carries it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "ds/compact_value.h"

namespace memkeydb {

struct Entry {
  Entry* next;
  CompactValue value;
  uint32_t key_len;
  uint32_t meta;

  static constexpr uint32_t kExpireBit = 1u << 24;
  static constexpr uint32_t kClockMask = (1u << 24) - 1;
  static constexpr uint32_t kSnapshotBit = 1u << 25;

  struct ExpireSlot {
    int64_t at_ms;
    uint32_t index;  // position in the database's list of expiring entries
    uint32_t pad;
  };

  bool has_expire() const { return (meta & kExpireBit) != 0; }
  uint32_t clock() const { return meta & kClockMask; }
  void set_clock(uint32_t c) { meta = (meta & ~kClockMask) | (c & kClockMask); }
  // kSnapshotBit or 0.
  uint32_t snapshot_bit() const { return meta & kSnapshotBit; }
  void set_snapshot_bit(uint32_t bit) { meta = (meta & ~kSnapshotBit) | (bit & kSnapshotBit); }

  ExpireSlot* expire_slot() { return reinterpret_cast<ExpireSlot*>(this + 1); }
  const ExpireSlot* expire_slot() const { return reinterpret_cast<const ExpireSlot*>(this + 1); }
  int64_t expire_at() const { return has_expire() ? expire_slot()->at_ms : -1; }

  const char* key_data() const {
    return reinterpret_cast<const char*>(this + 1) + (has_expire() ? sizeof(ExpireSlot) : 0);
  }
  std::string_view key() const { return {key_data(), key_len}; }

  // Allocates an entry for `key` with an empty value.
  static Entry* Create(std::string_view key, bool with_expire);
  // Destroys the value and frees the entry. REQUIRES: unlinked from any table.
  static void Destroy(Entry* e);
  // Returns a copy of `e` with or without the expire slot, taking over e's value and every
  // meta bit but has-expire (the access clock, the snapshot bit); `e` keeps its key and chain
  // link so the caller can relink the copy in its place (HashTable::Relink), then Destroy(e).
  static Entry* Reshape(Entry* e, bool with_expire);
  // Bytes of the entry allocation itself.
  size_t AllocatedBytes() const;
};

static_assert(sizeof(Entry) == 32);

}  // namespace memkeydb
