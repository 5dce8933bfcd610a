#include "ds/hash_table.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "memory/memory_tiers.h"

namespace memkeydb {
namespace {

std::string Key(int i) { return "key:" + std::to_string(i); }

Entry* Make(const std::string& key, int v) {
  Entry* e = Entry::Create(key, false);
  e->value.SetInt(v);
  return e;
}

int64_t IntOf(Entry* e) {
  int64_t v = -1;
  e->value.GetInt(&v);
  return v;
}

TEST(HashTableTest, InsertFindRemove) {
  HashTable t;
  for (int i = 0; i < 1000; ++i) t.Insert(Make(Key(i), i));
  EXPECT_EQ(t.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    Entry* e = t.Find(Key(i));
    ASSERT_NE(e, nullptr) << i;
    EXPECT_EQ(IntOf(e), i);
  }
  EXPECT_EQ(t.Find("missing"), nullptr);
  for (int i = 0; i < 1000; i += 2) {
    Entry* e = t.Remove(Key(i));
    ASSERT_NE(e, nullptr);
    Entry::Destroy(e);
  }
  EXPECT_EQ(t.size(), 500u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(t.Find(Key(i)) != nullptr, i % 2 == 1);
}

TEST(HashTableTest, MemoryReturnsToZeroAfterClear) {
  int64_t before = MemoryTiers::Get().used_total();
  {
    HashTable t;
    for (int i = 0; i < 5000; ++i) t.Insert(Make(Key(i), i));
    EXPECT_GT(MemoryTiers::Get().used_total(), before);
    t.Clear([](Entry* e) { Entry::Destroy(e); });
    EXPECT_EQ(t.size(), 0u);
  }
  EXPECT_EQ(MemoryTiers::Get().used_total(), before);
}

TEST(HashTableTest, RelinkKeepsChain) {
  HashTable t;
  for (int i = 0; i < 64; ++i) t.Insert(Make(Key(i), i));
  for (int i = 0; i < 64; ++i) {
    Entry* e = t.Find(Key(i));
    Entry* old_next = e->next;
    Entry* copy = Make(Key(i), i + 1000);
    t.Relink(e, copy);
    EXPECT_EQ(copy->next, old_next);
    e->next = nullptr;
    Entry::Destroy(e);
  }
  for (int i = 0; i < 64; ++i) EXPECT_EQ(IntOf(t.Find(Key(i))), i + 1000);
  EXPECT_EQ(t.size(), 64u);
}

// A key present for the whole scan is returned at least once while the table grows and
// shrinks between cursor calls.
TEST(HashTableTest, ScanGuaranteeAcrossResizes) {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 20; ++round) {
    HashTable t;
    std::set<std::string> stable;
    int n = 100 + rng() % 2000;
    for (int i = 0; i < n; ++i) {
      t.Insert(Make(Key(i), i));
      stable.insert(Key(i));
    }
    std::set<std::string> seen;
    std::vector<std::string> temps;  // keys added and removed during the scan
    uint64_t cursor = 0;
    int next_temp = 0;
    int steps = 0;
    do {
      cursor = t.Scan(cursor, [&](Entry* e) { seen.insert(std::string(e->key())); });
      // Mutate between calls: grow with temporary keys (bounded), or delete them all to force
      // a shrink.
      int action = rng() % 3;
      if (action == 0 && temps.size() < 4000) {
        for (int k = 0; k < 200; ++k) {
          temps.push_back("tmp:" + std::to_string(next_temp++));
          t.Insert(Make(temps.back(), 0));
        }
      } else if (action == 1) {
        for (const auto& k : temps) Entry::Destroy(t.Remove(k));
        temps.clear();
        t.MaybeShrink();
      }
      t.RehashStep(rng() % 4);
      ASSERT_LT(++steps, 1000000);
    } while (cursor != 0);
    for (const auto& k : stable) ASSERT_TRUE(seen.count(k)) << "missed " << k << " seed=" << seed;
  }
}

TEST(HashTableTest, IncrementalRehashCompletes) {
  HashTable t;
  for (int i = 0; i < 100000; ++i) t.Insert(Make(Key(i), i));
  while (t.RehashStep(100)) {
  }
  EXPECT_FALSE(t.rehashing());
  EXPECT_GE(t.bucket_count(), 100000u);
  for (int i = 0; i < 100000; i += 997) EXPECT_EQ(IntOf(t.Find(Key(i))), i);
}

TEST(HashTableTest, ShrinkAfterMassDelete) {
  HashTable t;
  for (int i = 0; i < 10000; ++i) t.Insert(Make(Key(i), i));
  for (int i = 0; i < 9990; ++i) Entry::Destroy(t.Remove(Key(i)));
  while (t.RehashStep(100)) {
  }
  t.MaybeShrink();
  while (t.RehashStep(100)) {
  }
  EXPECT_LE(t.bucket_count(), 32u);
  for (int i = 9990; i < 10000; ++i) EXPECT_NE(t.Find(Key(i)), nullptr);
}

uint64_t TestRandom() {
  static std::mt19937_64 rng(42);
  return rng();
}

TEST(HashTableTest, RandomReturnsMembers) {
  HashTable t;
  EXPECT_EQ(t.Random(TestRandom), nullptr);
  for (int i = 0; i < 300; ++i) t.Insert(Make(Key(i), i));
  std::set<int64_t> seen;
  for (int i = 0; i < 5000; ++i) {
    Entry* e = t.Random(TestRandom);
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(t.Find(e->key()), e);
    seen.insert(IntOf(e));
  }
  EXPECT_GT(seen.size(), 250u);
}

}  // namespace
}  // namespace memkeydb
