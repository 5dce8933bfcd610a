// HashTable: the keyspace index — a chained hash table of intrusive Entry nodes.
//
// Why our own: the table is the product's hottest structure and its memory is per-key overhead.
// Nodes are the entries themselves (no separate node allocation); buckets are one pointer each.
//
// Invariants
//  * Two bucket arrays exist only while rehashing; every entry is in exactly one of them, and
//    in t_[0] only at bucket indexes >= rehash_idx_.
//  * Rehashing is incremental: each lookup or update moves one bucket, and the server's cron
//    spends a bounded time slice on it, so growth to tens of millions of keys never pauses.
//  * Bucket arrays come from MemoryTiers as Placement::kTable (DRAM unless
//    hashtable-on-dram is off) and are zero-filled lazily by the allocator, so a huge resize
//    costs no up-front memset.
//  * Keys are hashed with XXH3 under a per-process random seed (hash-flooding resistance).
//
// Scan() follows the reverse-binary cursor: an entry present for the whole scan is returned at
// least once even if the table grows or shrinks between calls.
//
// REQUIRES: single-threaded use. The table does not own entries' lifetimes: Remove() unlinks
// and returns; Clear() hands each entry to a callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "ds/entry.h"
#include "memory/tier.h"

namespace memkeydb {

class HashTable {
 public:
  HashTable();
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  static uint64_t Hash(std::string_view key);
  // For tests: fixes the process hash seed. REQUIRES: no table holds entries.
  static void SetSeedForTesting(uint64_t seed);

  size_t size() const { return t_[0].used + t_[1].used; }
  size_t bucket_count() const { return t_[0].mask + 1 + (rehashing() ? t_[1].mask + 1 : 0); }
  bool rehashing() const { return rehash_idx_ >= 0; }

  Entry* Find(std::string_view key);
  // REQUIRES: no entry with e's key is present.
  void Insert(Entry* e);
  // Unlinks and returns the entry with `key`, or nullptr.
  Entry* Remove(std::string_view key);
  // Replaces `old_entry` (linked) by `replacement` (same key, unlinked) in place.
  void Relink(Entry* old_entry, Entry* replacement);

  // Visits the entries of one cursor step; returns the next cursor (0 when done).
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& visit) const;
  // Visits every entry. `visit` must not modify the table.
  void ForEach(const std::function<void(Entry*)>& visit) const;
  // A random entry, or nullptr when empty. `rnd` is a source of random 64-bit numbers.
  Entry* Random(uint64_t (*rnd)());
  // Unlinks every entry and passes it to `dispose`; the table becomes empty.
  void Clear(const std::function<void(Entry*)>& dispose);

  // Moves up to `buckets` buckets to the new array; returns true if rehashing continues.
  bool RehashStep(int buckets);
  // Rehashes for about `us` microseconds; returns true if rehashing continues.
  bool RehashFor(int64_t us);
  // Starts a shrink if the table is mostly empty. Called from cron.
  void MaybeShrink();
  // While a fork-based snapshot runs, resizing is held back unless the load gets extreme,
  // to avoid copy-on-write of the whole bucket array.
  void set_resize_allowed(bool allowed) { resize_allowed_ = allowed; }

  // Exchanges contents with `other` (SWAPDB).
  void Swap(HashTable* other) {
    std::swap(t_, other->t_);
    std::swap(rehash_idx_, other->rehash_idx_);
  }

  // Bytes of the bucket arrays.
  size_t TableBytes() const;

 private:
  struct Table {
    Entry** buckets = nullptr;
    uint64_t mask = 0;  // bucket count - 1; buckets == nullptr means no array
    size_t used = 0;
    Tier tier = Tier::kDram;
  };
  static constexpr uint64_t kInitialBuckets = 4;

  void Resize(uint64_t buckets);
  void MaybeGrow();
  void FreeTable(Table* t);
  void StepIfRehashing() {
    if (rehashing()) RehashStep(1);
  }
  Entry** FindSlot(std::string_view key, uint64_t hash);

  Table t_[2];
  int64_t rehash_idx_ = -1;
  bool resize_allowed_ = true;
};

}  // namespace memkeydb
