#include "types/hash_object.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

class HashObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HashObject::RegisterOps();
    saved_ = Limits();
    start_dram_ = MemoryTiers::Get().used(Tier::kDram);
    start_far_ = MemoryTiers::Get().used(Tier::kFar);
  }
  void TearDown() override {
    Limits() = saved_;
    MemoryTiers::Get().WaitForBackgroundFrees();
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kDram), start_dram_) << "DRAM bytes leaked";
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kFar), start_far_) << "far bytes leaked";
  }

  static std::string Get(HashObject& h, std::string_view field) {
    char scratch[HashObject::kScratchSize];
    std::string_view v;
    if (!h.Get(field, &v, scratch)) return "(nil)";
    return std::string(v);
  }
  static std::map<std::string, std::string> Contents(const HashObject& h) {
    std::map<std::string, std::string> out;
    h.ForEach([&](std::string_view f, std::string_view v) {
      EXPECT_TRUE(out.emplace(std::string(f), std::string(v)).second) << "field twice: " << f;
    });
    return out;
  }

  CollectionLimits saved_;
  int64_t start_dram_ = 0, start_far_ = 0;
};

TEST_F(HashObjectTest, ListpackBasics) {
  CompactValue slot;
  HashObject h = HashObject::CreateIn(&slot);
  EXPECT_EQ(h.size(), 0u);
  EXPECT_STREQ(slot.EncodingName(), "listpack");
  EXPECT_TRUE(h.Set("a", "1"));
  EXPECT_TRUE(h.Set("b", "hello"));
  EXPECT_TRUE(h.Set("", ""));
  EXPECT_TRUE(h.Set("-17", "9223372036854775807"));
  EXPECT_FALSE(h.Set("a", "-5000"));
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(Get(h, "a"), "-5000");
  EXPECT_EQ(Get(h, ""), "");
  EXPECT_EQ(Get(h, "-17"), "9223372036854775807");
  EXPECT_EQ(Get(h, "c"), "(nil)");
  EXPECT_TRUE(h.Contains("b"));
  // A listpack keeps insertion order (HGETALL on a small hash replies in it).
  std::vector<std::string> order;
  h.ForEach([&](std::string_view f, std::string_view) { order.emplace_back(f); });
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "", "-17"}));
  EXPECT_TRUE(h.Delete("b"));
  EXPECT_FALSE(h.Delete("b"));
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.encoding(), HashObject::Encoding::kListpack);
}

TEST_F(HashObjectTest, ConvertsPastEntryLimitAndStays) {
  Limits().hash_max_listpack_entries = 4;
  CompactValue slot;
  HashObject h = HashObject::CreateIn(&slot);
  for (int i = 0; i < 4; ++i) h.Set("f" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(h.encoding(), HashObject::Encoding::kListpack);
  h.Set("f4", "4");
  EXPECT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
  EXPECT_STREQ(slot.EncodingName(), "hashtable");
  EXPECT_EQ(h.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get(h, "f" + std::to_string(i)), std::to_string(i));
  // One way: shrinking keeps the hashtable.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(h.Delete("f" + std::to_string(i)));
  EXPECT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
  EXPECT_EQ(h.size(), 1u);
}

TEST_F(HashObjectTest, ConvertsOnLongFieldOrValue) {
  Limits().hash_max_listpack_value = 8;
  {
    CompactValue slot;
    HashObject h = HashObject::CreateIn(&slot);
    h.Set("a", "12345678");
    EXPECT_EQ(h.encoding(), HashObject::Encoding::kListpack);
    h.Set("a", "123456789");
    EXPECT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
    EXPECT_EQ(Get(h, "a"), "123456789");
  }
  {
    CompactValue slot;
    HashObject h = HashObject::CreateIn(&slot);
    h.Set("123456789", "v");
    EXPECT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
  }
  {
    // HSET checks all its arguments before writing any.
    CompactValue slot;
    HashObject h = HashObject::CreateIn(&slot);
    std::string_view args[] = {"a", "1", "b", "longer than eight"};
    h.ConvertForArgs(args, 4);
    EXPECT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
  }
}

TEST_F(HashObjectTest, HashtableValueRewritesInPlaceAndElsewhere) {
  CompactValue slot;
  HashObject h = HashObject::CreateIn(&slot);
  h.ConvertToTable();
  // Value lengths crossing the varint's one/two byte boundary, growing and shrinking.
  bool first = true;
  for (size_t len : {0, 1, 100, 127, 128, 129, 5000, 3, 200, 0, 70000, 10}) {
    std::string v(len, 'x');
    if (len) v[len - 1] = 'y';
    EXPECT_EQ(h.Set("field", v), first);
    first = false;
    EXPECT_EQ(Get(h, "field"), v) << len;
    EXPECT_TRUE(h.Contains("field"));
  }
}

TEST_F(HashObjectTest, ScanAndRandomCoverTheTable) {
  CompactValue slot;
  HashObject h = HashObject::CreateIn(&slot);
  for (int i = 0; i < 2000; ++i) h.Set("f" + std::to_string(i), "v" + std::to_string(i));
  ASSERT_EQ(h.encoding(), HashObject::Encoding::kHashtable);
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view v) {
      seen[std::string(f)] = std::string(v);
    });
  } while (cursor != 0);
  EXPECT_EQ(seen, Contents(h));
  std::mt19937_64 rng(1);
  static std::mt19937_64* r = &rng;
  char fs[HashObject::kScratchSize], vs[HashObject::kScratchSize];
  for (int i = 0; i < 100; ++i) {
    std::string_view f, v;
    h.RandomPair([]() -> uint64_t { return (*r)(); }, &f, &v, fs, vs);
    EXPECT_EQ(seen.at(std::string(f)), v);
  }
}

TEST_F(HashObjectTest, CloneIsDeep) {
  for (int n : {3, 600}) {
    CompactValue a;
    HashObject h = HashObject::CreateIn(&a);
    for (int i = 0; i < n; ++i) h.Set("f" + std::to_string(i), std::to_string(i * 7));
    CompactValue b;
    b.CopyFrom(a);
    HashObject copy(&b);
    EXPECT_EQ(copy.encoding(), h.encoding());
    EXPECT_EQ(Contents(copy), Contents(h));
    h.Set("f0", "changed");
    EXPECT_EQ(Get(copy, "f0"), "0");
  }
}

// A random sequence of writes against std::map, with the conversion thresholds drawn at random
// so conversions happen at different points.
TEST_F(HashObjectTest, RandomizedAgainstMap) {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 40; ++round) {
    Limits().hash_max_listpack_entries = rng() % 40;
    Limits().hash_max_listpack_value = rng() % 30;
    CompactValue slot;
    HashObject h = HashObject::CreateIn(&slot);
    std::map<std::string, std::string> model;
    bool converted = false;
    auto random_string = [&](size_t max_len) {
      if (rng() % 4 == 0) return std::to_string(static_cast<int64_t>(rng() % 20000) - 10000);
      std::string s(rng() % (max_len + 1), '\0');
      for (char& c : s) c = static_cast<char>('a' + rng() % 4);
      return s;
    };
    for (int step = 0; step < 400; ++step) {
      std::string field = random_string(rng() % 8 == 0 ? 40 : 3);
      switch (rng() % 5) {
        case 0:
        case 1: {
          std::string value = random_string(rng() % 8 == 0 ? 300 : 12);
          bool fresh = model.find(field) == model.end();
          ASSERT_EQ(h.Set(field, value), fresh) << "seed=" << seed;
          model[field] = value;
          break;
        }
        case 2:
          ASSERT_EQ(h.Delete(field), model.erase(field) == 1) << "seed=" << seed;
          break;
        default: {
          auto it = model.find(field);
          ASSERT_EQ(Get(h, field), it == model.end() ? "(nil)" : it->second) << "seed=" << seed;
        }
      }
      ASSERT_EQ(h.size(), model.size()) << "seed=" << seed;
      if (h.encoding() == HashObject::Encoding::kHashtable) {
        converted = true;
      } else {
        ASSERT_FALSE(converted) << "converted back, seed=" << seed;
        // The listpack holds only what the limits allow.
        ASSERT_LE(model.size(), Limits().hash_max_listpack_entries) << "seed=" << seed;
        for (auto& [f, v] : model) {
          ASSERT_LE(f.size(), Limits().hash_max_listpack_value) << "seed=" << seed;
          ASSERT_LE(v.size(), Limits().hash_max_listpack_value) << "seed=" << seed;
        }
      }
    }
    ASSERT_EQ(Contents(h), model) << "seed=" << seed;
  }
}

class HashTierTest : public HashObjectTest {
 protected:
  void SetUp() override {
    EnsureFarTier();
    PlaceByThreshold(100);
    HashObjectTest::SetUp();
  }
  void TearDown() override {
    HashObjectTest::TearDown();
    PlaceAllInDram();
  }
};

// Moves every block of both encodings between tiers and back, checking the contents, that the
// object's own per-tier count follows MemoryTiers' counters exactly, and the census.
TEST_F(HashTierTest, RebalanceMovesEveryBlockWithExactAccounting) {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937_64 rng(seed);
  MemoryTiers& m = MemoryTiers::Get();
  for (int fields : {5, 300, 3000}) {
    Limits().hash_max_listpack_entries = 512;
    Limits().hash_max_listpack_value = 64;
    CompactValue slot;
    HashObject h = HashObject::CreateIn(&slot);
    std::map<std::string, std::string> model;
    for (int i = 0; i < fields; ++i) {
      std::string v(rng() % (i % 3 == 0 ? 400 : 40), 'v');
      if (!v.empty()) v[0] = static_cast<char>('a' + rng() % 26);
      h.Set("field:" + std::to_string(i), v);
      model["field:" + std::to_string(i)] = v;
    }
    auto check = [&](const char* stage) {
      ASSERT_EQ(Contents(h), model) << stage << " seed=" << seed;
      size_t bytes[kNumTiers] = {0, 0};
      slot.ExternalBytesByTier(bytes);
      ASSERT_EQ(static_cast<int64_t>(bytes[0]), m.used(Tier::kDram) - start_dram_)
          << stage << " fields=" << fields << " seed=" << seed;
      ASSERT_EQ(static_cast<int64_t>(bytes[1]), m.used(Tier::kFar) - start_far_)
          << stage << " fields=" << fields << " seed=" << seed;
    };
    check("filled");
    // Blocks of 100 bytes or more were placed far when allocated: bring everything to DRAM.
    MoveStats ignored;
    slot.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &ignored, nullptr);
    check("all DRAM first");
    EXPECT_EQ(m.used(Tier::kFar), start_far_);

    MoveStats to_far;
    TierCensus census;
    slot.Rebalance(MoveRule{0, 0}, &to_far, &census);
    check("all far");
    EXPECT_GT(to_far.blocks_to_far, 0u);
    EXPECT_EQ(to_far.blocks_to_dram, 0u);
    // Every user-data block is counted once, where it ends up: all far now.
    EXPECT_EQ(census.total(Tier::kDram), 0u);
    size_t bytes[kNumTiers] = {0, 0};
    slot.ExternalBytesByTier(bytes);
    EXPECT_EQ(census.total(Tier::kFar), bytes[1]);

    MoveStats back;
    slot.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &back, nullptr);
    check("all DRAM");
    EXPECT_EQ(back.blocks_to_dram, to_far.blocks_to_far);
    EXPECT_EQ(m.used(Tier::kFar), start_far_);

    // Writes after moves: nodes remember their tier, so rewriting and freeing stay exact.
    slot.Rebalance(MoveRule{0, 0}, &ignored, nullptr);
    for (int i = 0; i < fields; i += 2) {
      std::string f = "field:" + std::to_string(i);
      if (rng() % 2) {
        h.Delete(f);
        model.erase(f);
      } else {
        std::string v(rng() % 200, 'w');
        h.Set(f, v);
        model[f] = v;
      }
    }
    check("written after moving");
  }
}

}  // namespace
}  // namespace memkeydb
