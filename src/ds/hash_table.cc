#include "ds/hash_table.h"

#include <xxhash.h>

#include <bit>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"

namespace memkeydb {
namespace {
uint64_t g_seed = 0;
bool g_seeded = false;

uint64_t Seed() {
  if (!g_seeded) {
    g_seed = static_cast<uint64_t>(MonotonicUs()) * 0x9E3779B97F4A7C15ull ^
             reinterpret_cast<uintptr_t>(&g_seed);
    g_seeded = true;
  }
  return g_seed;
}

uint64_t Reverse(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

// Once a fork-based snapshot runs, grow only when chains get this long on average.
constexpr size_t kForcedResizeRatio = 5;
}  // namespace

uint64_t HashTable::Hash(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), Seed());
}

void HashTable::SetSeedForTesting(uint64_t seed) {
  g_seed = seed;
  g_seeded = true;
}

HashTable::HashTable() = default;

HashTable::~HashTable() {
  Clear([](Entry* e) { Entry::Destroy(e); });
  FreeTable(&t_[0]);
}

void HashTable::FreeTable(Table* t) {
  if (t->buckets != nullptr) MemoryTiers::Get().Free(t->buckets, t->tier);
  *t = Table{};
}

void HashTable::Resize(uint64_t buckets) {
  DCHECK(!rehashing());
  buckets = std::bit_ceil(buckets < kInitialBuckets ? kInitialBuckets : buckets);
  if (t_[0].buckets != nullptr && buckets == t_[0].mask + 1) return;
  Table fresh;
  fresh.buckets = static_cast<Entry**>(MemoryTiers::Get().AllocateZeroed(
      buckets * sizeof(Entry*), Placement::kTable, &fresh.tier));
  fresh.mask = buckets - 1;
  if (t_[0].buckets == nullptr) {
    t_[0] = fresh;
    return;
  }
  t_[1] = fresh;
  rehash_idx_ = 0;
}

void HashTable::MaybeGrow() {
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

void HashTable::MaybeShrink() {
  if (rehashing() || !resize_allowed_ || t_[0].buckets == nullptr) return;
  size_t buckets = t_[0].mask + 1;
  if (buckets > kInitialBuckets && t_[0].used * 10 < buckets) Resize(t_[0].used);
}

bool HashTable::RehashStep(int n) {
  if (!rehashing()) return false;
  int empty_visits = n * 10;
  while (n-- > 0 && t_[0].used != 0) {
    while (t_[0].buckets[rehash_idx_] == nullptr) {
      ++rehash_idx_;
      if (--empty_visits == 0) return true;
    }
    Entry* e = t_[0].buckets[rehash_idx_];
    while (e != nullptr) {
      Entry* next = e->next;
      uint64_t idx = Hash(e->key()) & t_[1].mask;
      e->next = t_[1].buckets[idx];
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

bool HashTable::RehashFor(int64_t us) {
  int64_t start = MonotonicUs();
  while (RehashStep(100)) {
    if (MonotonicUs() - start > us) return true;
  }
  return false;
}

Entry** HashTable::FindSlot(std::string_view key, uint64_t hash) {
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) break;
    Entry** slot = &t.buckets[hash & t.mask];
    for (; *slot != nullptr; slot = &(*slot)->next) {
      Entry* e = *slot;
      if (e->key_len == key.size() && std::memcmp(e->key_data(), key.data(), key.size()) == 0) {
        return slot;
      }
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

Entry* HashTable::Find(std::string_view key) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  Entry** slot = FindSlot(key, Hash(key));
  return slot ? *slot : nullptr;
}

void HashTable::Insert(Entry* e) {
  StepIfRehashing();
  MaybeGrow();
  Table& t = rehashing() ? t_[1] : t_[0];
  uint64_t idx = Hash(e->key()) & t.mask;
  e->next = t.buckets[idx];
  t.buckets[idx] = e;
  ++t.used;
}

Entry* HashTable::Remove(std::string_view key) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  uint64_t h = Hash(key);
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) break;
    for (Entry** slot = &t.buckets[h & t.mask]; *slot != nullptr; slot = &(*slot)->next) {
      Entry* e = *slot;
      if (e->key_len == key.size() && std::memcmp(e->key_data(), key.data(), key.size()) == 0) {
        *slot = e->next;
        e->next = nullptr;
        --t.used;
        return e;
      }
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

void HashTable::Relink(Entry* old_entry, Entry* replacement) {
  Entry** slot = FindSlot(old_entry->key(), Hash(old_entry->key()));
  CHECK(slot != nullptr && *slot == old_entry);
  replacement->next = old_entry->next;
  *slot = replacement;
}

uint64_t HashTable::Scan(uint64_t v, const std::function<void(Entry*)>& visit) const {
  if (size() == 0) return 0;
  auto visit_bucket = [&](const Table& t, uint64_t idx) {
    for (Entry* e = t.buckets[idx]; e != nullptr;) {
      Entry* next = e->next;
      visit(e);
      e = next;
    }
  };
  if (!rehashing()) {
    uint64_t m0 = t_[0].mask;
    visit_bucket(t_[0], v & m0);
    v |= ~m0;
    v = Reverse(v);
    ++v;
    return Reverse(v);
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
    v = Reverse(v);
    ++v;
    v = Reverse(v);
  } while (v & (m0 ^ m1));
  return v;
}

void HashTable::ForEach(const std::function<void(Entry*)>& visit) const {
  for (int i = 0; i < 2; ++i) {
    const Table& t = t_[i];
    if (t.buckets == nullptr) continue;
    for (uint64_t b = 0; b <= t.mask; ++b) {
      for (Entry* e = t.buckets[b]; e != nullptr;) {
        Entry* next = e->next;
        visit(e);
        e = next;
      }
    }
  }
}

Entry* HashTable::Random(uint64_t (*rnd)()) {
  if (size() == 0) return nullptr;
  StepIfRehashing();
  Entry* head = nullptr;
  while (head == nullptr) {
    if (rehashing()) {
      // Buckets of t_[0] below rehash_idx_ are empty: draw from the rest of both arrays.
      uint64_t span = t_[0].mask + 1 - rehash_idx_ + t_[1].mask + 1;
      uint64_t i = rnd() % span;
      head = i < t_[1].mask + 1 ? t_[1].buckets[i]
                                : t_[0].buckets[rehash_idx_ + (i - (t_[1].mask + 1))];
    } else {
      head = t_[0].buckets[rnd() & t_[0].mask];
    }
  }
  size_t len = 0;
  for (Entry* e = head; e != nullptr; e = e->next) ++len;
  size_t pick = rnd() % len;
  while (pick-- > 0) head = head->next;
  return head;
}

void HashTable::Clear(const std::function<void(Entry*)>& dispose) {
  for (int i = 0; i < 2; ++i) {
    Table& t = t_[i];
    if (t.buckets == nullptr) continue;
    for (uint64_t b = 0; b <= t.mask && t.used > 0; ++b) {
      for (Entry* e = t.buckets[b]; e != nullptr;) {
        Entry* next = e->next;
        e->next = nullptr;
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

size_t HashTable::TableBytes() const {
  size_t n = 0;
  for (const Table& t : t_) {
    if (t.buckets) n += MemoryTiers::Get().UsableSize(t.buckets, t.tier);
  }
  return n;
}

}  // namespace memkeydb
