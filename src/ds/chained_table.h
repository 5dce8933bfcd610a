// ChainedTable: a chained hash table of intrusive nodes, keyed by a byte string the node holds —
// the keyspace index (HashTable, of Entry) and the large encodings of hashes, sets and sorted
// sets (of their element nodes).
//
// Why our own: the table is the product's hottest structure and its memory is per-element
// overhead. Nodes are the elements themselves (no separate node allocation); buckets are one
// pointer each.
//
// Traits supplies, for Node:
//   static Node* Next(const Node*);  static Node*& NextRef(Node*);  static void SetNext(Node*, Node*);
//   static std::string_view Key(const Node*);  static void Destroy(Node*);
//
// Invariants
//  * Two bucket arrays exist only while rehashing; every node is in exactly one of them, and
//    in t_[0] only at bucket indexes >= rehash_idx_.
//  * Rehashing is incremental: each lookup or update moves one bucket (and the keyspace's cron
//    spends a bounded time slice on it), so growth to tens of millions of nodes never pauses.
//  * Bucket arrays come from MemoryTiers as Placement::kTable (DRAM unless
//    hashtable-on-dram is off) and are zero-filled lazily by the allocator, so a huge resize
//    costs no up-front memset.
//  * Keys are hashed with XXH3 under a per-process random seed (hash-flooding resistance).
//
// Scan() follows the reverse-binary cursor: a node present for the whole scan is returned at
// least once even if the table grows or shrinks between calls.
//
// REQUIRES: single-threaded use. The table does not own nodes' lifetimes while they are linked
// elsewhere: Remove() unlinks and returns; Clear() hands each node to a callback; only the
// destructor destroys what is still linked.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "memory/tier.h"

namespace memkeydb {

// The seeded hash every chained table uses.
uint64_t TableHash(std::string_view key);
// For tests: fixes the process hash seed. REQUIRES: no table holds nodes.
void SetTableHashSeedForTesting(uint64_t seed);
// Scan cursors advance in reverse-binary order.
uint64_t ReverseBits(uint64_t v);

template <typename Node, typename Traits>
class ChainedTable {
 public:
  ChainedTable() = default;
  // Destroys every node still linked (Traits::Destroy).
  ~ChainedTable();
  ChainedTable(const ChainedTable&) = delete;
  ChainedTable& operator=(const ChainedTable&) = delete;

  size_t size() const { return t_[0].used + t_[1].used; }
  size_t bucket_count() const { return t_[0].mask + 1 + (rehashing() ? t_[1].mask + 1 : 0); }
  bool rehashing() const { return rehash_idx_ >= 0; }

  Node* Find(std::string_view key);
  // REQUIRES: no entry with e's key is present.
  void Insert(Node* e);
  // Unlinks and returns the entry with `key`, or nullptr.
  Node* Remove(std::string_view key);
  // Replaces `old_entry` (linked) by `replacement` (same key, unlinked) in place.
  void Relink(Node* old_entry, Node* replacement);

  // Visits the entries of one cursor step; returns the next cursor (0 when done).
  uint64_t Scan(uint64_t cursor, const std::function<void(Node*)>& visit) const;
  // Visits every link that holds a node; `visit` may store a replacement for the node (same key,
  // same next link — e.g. a copy on another tier) into the slot. Nothing else may change.
  void ForEachSlot(const std::function<void(Node** slot)>& visit);
  // Visits every entry. `visit` must not modify the table.
  void ForEach(const std::function<void(Node*)>& visit) const;
  // A uniformly random node, or nullptr when empty. `rnd` is a source of random 64-bit numbers.
  Node* Random(uint64_t (*rnd)());
  // Unlinks every entry and passes it to `dispose`; the table becomes empty.
  void Clear(const std::function<void(Node*)>& dispose);

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
  void Swap(ChainedTable* other) {
    std::swap(t_, other->t_);
    std::swap(rehash_idx_, other->rehash_idx_);
    std::swap(random_limit_, other->random_limit_);
  }

  // Bytes of the bucket arrays.
  size_t TableBytes() const;
  // The same, split by the arrays' tiers: adds to bytes[Tier].
  void TableBytesByTier(size_t bytes[kNumTiers]) const;

 private:
  struct Table {
    Node** buckets = nullptr;
    uint64_t mask = 0;  // bucket count - 1; buckets == nullptr means no array
    size_t used = 0;
    Tier tier = Tier::kDram;
  };
  static constexpr uint64_t kInitialBuckets = 4;
  // Once a fork-based snapshot runs, grow only when chains get this long on average.
  static constexpr size_t kForcedResizeRatio = 5;

  void Resize(uint64_t buckets);
  void MaybeGrow();
  void FreeTable(Table* t);
  void StepIfRehashing() {
    if (rehashing()) RehashStep(1);
  }
  Node** FindSlot(std::string_view key, uint64_t hash);

  Table t_[2];
  int64_t rehash_idx_ = -1;
  size_t random_limit_ = 1;  // Random()'s bound: the longest chain it has seen since a resize
  bool resize_allowed_ = true;
};


// ---------------------------------------------------------------------------------------------
// Implementation


template <typename Node, typename Traits>
ChainedTable<Node, Traits>::~ChainedTable() {
  Clear([](Node* n) { Traits::Destroy(n); });
  FreeTable(&t_[0]);
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::FreeTable(Table* t) {
  if (t->buckets != nullptr) MemoryTiers::Get().Free(t->buckets, t->tier);
  *t = Table{};
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::Resize(uint64_t buckets) {
  DCHECK(!rehashing());
  buckets = std::bit_ceil(buckets < kInitialBuckets ? kInitialBuckets : buckets);
  if (t_[0].buckets != nullptr && buckets == t_[0].mask + 1) return;
  Table fresh;
  fresh.buckets = static_cast<Node**>(MemoryTiers::Get().AllocateZeroed(
      buckets * sizeof(Node*), Placement::kTable, &fresh.tier));
  fresh.mask = buckets - 1;
  random_limit_ = 1;
  if (t_[0].buckets == nullptr) {
    t_[0] = fresh;
    return;
  }
  t_[1] = fresh;
  rehash_idx_ = 0;
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::MaybeGrow() {
  if (rehashing()) return;
  if (t_[0].buckets == nullptr) {
    Resize(kInitialBuckets);
    return;
  }
  size_t buckets = t_[0].mask + 1;
  if (t_[0].used >= buckets && (resize_allowed_ || t_[0].used / buckets > kForcedResizeRatio)) {
    Resize(t_[0].used + 1);  // bit_ceil: the next power of two, i.e. double
  }
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::MaybeShrink() {
  if (rehashing() || !resize_allowed_ || t_[0].buckets == nullptr) return;
  size_t buckets = t_[0].mask + 1;
  if (buckets > kInitialBuckets && t_[0].used * 10 < buckets) Resize(t_[0].used);
}

template <typename Node, typename Traits>
bool ChainedTable<Node, Traits>::RehashStep(int n) {
  if (!rehashing()) return false;
  int empty_visits = n * 10;
  while (n-- > 0 && t_[0].used != 0) {
    while (t_[0].buckets[rehash_idx_] == nullptr) {
      ++rehash_idx_;
      if (--empty_visits == 0) return true;
    }
    Node* e = t_[0].buckets[rehash_idx_];
    while (e != nullptr) {
      Node* next = Traits::Next(e);
      uint64_t idx = TableHash(Traits::Key(e)) & t_[1].mask;
      Traits::SetNext(e, t_[1].buckets[idx]);
      t_[1].buckets[idx] = e;
      --t_[0].used;
      ++t_[1].used;
      e = next;
    }
    t_[0].buckets[rehash_idx_++] = nullptr;
  }
  if (t_[0].used == 0) {
    FreeTable(&t_[0]);
    t_[0] = t_[1];
    t_[1] = Table{};
    rehash_idx_ = -1;
    return false;
  }
  return true;
}

template <typename Node, typename Traits>
bool ChainedTable<Node, Traits>::RehashFor(int64_t us) {
  int64_t start = MonotonicUs();
  while (RehashStep(100)) {
    if (MonotonicUs() - start > us) return true;
  }
  return false;
}

template <typename Node, typename Traits>
Node** ChainedTable<Node, Traits>::FindSlot(std::string_view key, uint64_t hash) {
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) break;
    Node** slot = &t.buckets[hash & t.mask];
    for (; *slot != nullptr; slot = &Traits::NextRef(*slot)) {
      Node* e = *slot;
      if (Traits::Key(e) == key) {
        return slot;
      }
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

template <typename Node, typename Traits>
Node* ChainedTable<Node, Traits>::Find(std::string_view key) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  Node** slot = FindSlot(key, TableHash(key));
  return slot ? *slot : nullptr;
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::Insert(Node* e) {
  StepIfRehashing();
  MaybeGrow();
  Table& t = rehashing() ? t_[1] : t_[0];
  uint64_t idx = TableHash(Traits::Key(e)) & t.mask;
  Traits::SetNext(e, t.buckets[idx]);
  t.buckets[idx] = e;
  ++t.used;
}

template <typename Node, typename Traits>
Node* ChainedTable<Node, Traits>::Remove(std::string_view key) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  uint64_t h = TableHash(key);
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) break;
    for (Node** slot = &t.buckets[h & t.mask]; *slot != nullptr; slot = &Traits::NextRef(*slot)) {
      Node* e = *slot;
      if (Traits::Key(e) == key) {
        *slot = Traits::Next(e);
        Traits::SetNext(e, nullptr);
        --t.used;
        return e;
      }
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::Relink(Node* old_entry, Node* replacement) {
  Node** slot = FindSlot(Traits::Key(old_entry), TableHash(Traits::Key(old_entry)));
  CHECK(slot != nullptr && *slot == old_entry);
  Traits::SetNext(replacement, Traits::Next(old_entry));
  *slot = replacement;
}

template <typename Node, typename Traits>
uint64_t ChainedTable<Node, Traits>::Scan(uint64_t v, const std::function<void(Node*)>& visit) const {
  if (size() == 0) return 0;
  auto visit_bucket = [&](const Table& t, uint64_t idx) {
    for (Node* e = t.buckets[idx]; e != nullptr;) {
      Node* next = Traits::Next(e);
      visit(e);
      e = next;
    }
  };
  if (!rehashing()) {
    uint64_t m0 = t_[0].mask;
    visit_bucket(t_[0], v & m0);
    v |= ~m0;
    v = ReverseBits(v);
    ++v;
    return ReverseBits(v);
  }
  const Table* small = &t_[0];
  const Table* large = &t_[1];
  if (small->mask > large->mask) std::swap(small, large);
  uint64_t m0 = small->mask, m1 = large->mask;
  visit_bucket(*small, v & m0);
  // Every bucket of the large table that expands the small bucket just visited.
  do {
    visit_bucket(*large, v & m1);
    v |= ~m1;
    v = ReverseBits(v);
    ++v;
    v = ReverseBits(v);
  } while (v & (m0 ^ m1));
  return v;
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::ForEach(const std::function<void(Node*)>& visit) const {
  for (int i = 0; i < 2; ++i) {
    const Table& t = t_[i];
    if (t.buckets == nullptr) continue;
    for (uint64_t b = 0; b <= t.mask; ++b) {
      for (Node* e = t.buckets[b]; e != nullptr;) {
        Node* next = Traits::Next(e);
        visit(e);
        e = next;
      }
    }
  }
}

template <typename Node, typename Traits>
Node* ChainedTable<Node, Traits>::Random(uint64_t (*rnd)()) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  // Rejection sampling keeps the pick uniform over nodes, whatever the chain lengths: draw a
  // bucket and a chain position below `limit`, and accept only if that position exists. (Picking
  // a non-empty bucket and then a node in its chain would favour nodes in short chains.) A chain
  // longer than `limit` raises it and the draw starts over, so every node keeps the same odds.
  // A draw costs about limit / load-factor bucket probes, so the limit is the longest chain seen
  // since the last resize rather than a fixed 8: a set emptied by SPOP down to 10% fill has
  // chains of 2 or 3, and took 80 probes per pick with the fixed bound.
  size_t& limit = random_limit_;
  for (;;) {
    Node* head;
    if (rehashing()) {
      // Buckets of t_[0] below rehash_idx_ are empty: draw from the rest of both arrays.
      uint64_t span = t_[0].mask + 1 - rehash_idx_ + t_[1].mask + 1;
      uint64_t i = rnd() % span;
      head = i < t_[1].mask + 1 ? t_[1].buckets[i]
                                : t_[0].buckets[rehash_idx_ + (i - (t_[1].mask + 1))];
    } else {
      head = t_[0].buckets[rnd() & t_[0].mask];
    }
    if (head == nullptr) continue;
    size_t len = 0;
    for (Node* e = head; e != nullptr; e = Traits::Next(e)) ++len;
    if (len > limit) {
      limit = len;
      continue;
    }
    size_t pick = rnd() % limit;
    if (pick >= len) continue;
    while (pick-- > 0) head = Traits::Next(head);
    return head;
  }
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::Clear(const std::function<void(Node*)>& dispose) {
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) continue;
    for (uint64_t b = 0; b <= t.mask && t.used > 0; ++b) {
      for (Node* e = t.buckets[b]; e != nullptr;) {
        Node* next = Traits::Next(e);
        Traits::SetNext(e, nullptr);
        --t.used;
        dispose(e);
        e = next;
      }
      t.buckets[b] = nullptr;
    }
  }
  FreeTable(&t_[1]);
  FreeTable(&t_[0]);
  rehash_idx_ = -1;
}

template <typename Node, typename Traits>
size_t ChainedTable<Node, Traits>::TableBytes() const {
  size_t n = 0;
  for (const Table& t : t_) {
    if (t.buckets) n += MemoryTiers::Get().UsableSize(t.buckets, t.tier);
  }
  return n;
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::TableBytesByTier(size_t bytes[kNumTiers]) const {
  for (const Table& t : t_) {
    if (t.buckets) bytes[static_cast<int>(t.tier)] += MemoryTiers::Get().UsableSize(t.buckets, t.tier);
  }
}

template <typename Node, typename Traits>
void ChainedTable<Node, Traits>::ForEachSlot(const std::function<void(Node**)>& visit) {
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) continue;
    for (uint64_t b = 0; b <= t.mask; ++b) {
      for (Node** slot = &t.buckets[b]; *slot != nullptr; slot = &Traits::NextRef(*slot)) {
        visit(slot);
      }
    }
  }
}

}  // namespace memkeydb
