#include "ds/intset.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"

namespace memkeydb {
namespace {

std::string Hex(const uint8_t* p, size_t n) {
  std::string out;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", p[i]);
    out += buf;
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Blob(const IntSet& s) { return Hex(s.data(), s.bytes()); }

std::vector<int64_t> Elements(const IntSet& s) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.size(); ++i) out.push_back(s.Get(i));
  return out;
}

bool Accepts(const std::string& blob, IntSet* out) {
  return IntSet::FromBytes(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), out);
}

TEST(IntSetTest, Empty) {
  IntSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.encoding(), 2u);
  EXPECT_EQ(Blob(s), "0200000000000000");
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Remove(0));
}

TEST(IntSetTest, EncodingBoundariesAndUpgrades) {
  IntSet s;
  EXPECT_TRUE(s.Add(32767));
  EXPECT_TRUE(s.Add(-32768));
  EXPECT_FALSE(s.Add(32767));
  EXPECT_EQ(s.encoding(), 2u);
  EXPECT_EQ(Blob(s), "02000000" "02000000" "0080" "ff7f");
  EXPECT_TRUE(s.Add(32768));  // upgrade, appended
  EXPECT_EQ(s.encoding(), 4u);
  EXPECT_EQ(Blob(s), "04000000" "03000000" "0080ffff" "ff7f0000" "00800000");
  EXPECT_TRUE(s.Add(-32769));
  EXPECT_TRUE(s.Add(INT32_MAX));
  EXPECT_TRUE(s.Add(INT32_MIN));
  EXPECT_EQ(s.encoding(), 4u);
  EXPECT_TRUE(s.Add(int64_t{INT32_MIN} - 1));  // upgrade, prepended
  EXPECT_EQ(s.encoding(), 8u);
  EXPECT_TRUE(s.Add(INT64_MAX));
  EXPECT_TRUE(s.Add(INT64_MIN));
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{INT64_MIN, int64_t{INT32_MIN} - 1, INT32_MIN,
                                               -32769, -32768, 32767, 32768, INT32_MAX,
                                               INT64_MAX}));
  EXPECT_EQ(s.Min(), INT64_MIN);
  EXPECT_EQ(s.Max(), INT64_MAX);
  // Removing never narrows the encoding (as in Redis).
  for (int64_t v : Elements(s)) {
    if (v < INT32_MIN || v > INT32_MAX) {
      EXPECT_TRUE(s.Remove(v));
    }
  }
  EXPECT_EQ(s.encoding(), 8u);
  EXPECT_TRUE(s.Contains(-32769));
  EXPECT_FALSE(s.Contains(INT64_MAX));
  EXPECT_EQ(s.bytes(), 8 + 6 * 8u);
  // A value wider than the encoding is absent without searching.
  IntSet narrow;
  narrow.Add(1);
  EXPECT_FALSE(narrow.Contains(int64_t{1} << 40));
  EXPECT_FALSE(narrow.Remove(int64_t{1} << 40));
}

// Blobs redis-server 7.0.15 produced for SADD of integers (src/ds/testdata/
// make_golden_vectors.py: DUMP under rdbcompression no; the intset follows the type byte and
// the string length).
TEST(IntSetTest, ByteExactAgainstRedis) {
  struct Case {
    std::vector<int64_t> added;  // in SADD order
    const char* hex;
  };
  const Case cases[] = {
      {{3, 1, 2, -32768, 32767}, "02000000050000000080010002000300ff7f"},
      {{70000, -5, 1}, "0400000003000000fbffffff0100000070110100"},
      {{int64_t{1} << 40, INT64_MIN, INT64_MAX, 0},
       "0800000004000000000000000000008000000000000000000000000000010000ffffffffffffff7f"},
  };
  for (const Case& c : cases) {
    IntSet s;
    for (int64_t v : c.added) s.Add(v);
    EXPECT_EQ(Blob(s), c.hex);
    IntSet adopted;
    ASSERT_TRUE(Accepts(Unhex(c.hex), &adopted));
    EXPECT_EQ(Elements(adopted), Elements(s));
  }
}

TEST(IntSetTest, FromBytesValidation) {
  IntSet out;
  EXPECT_TRUE(Accepts(Unhex("0200000000000000"), &out));
  EXPECT_TRUE(Accepts(Unhex("020000000200000001000200"), &out));
  EXPECT_EQ(Elements(out), (std::vector<int64_t>{1, 2}));
  EXPECT_FALSE(Accepts(Unhex("030000000200000001000200"), &out));  // encoding 3
  EXPECT_FALSE(Accepts(Unhex("000000000000000000"), &out));        // encoding 0
  EXPECT_FALSE(Accepts(Unhex("0200000003000000010002"), &out));    // short
  EXPECT_FALSE(Accepts(Unhex("02000000020000000100020000"), &out));  // trailing byte
  EXPECT_FALSE(Accepts(Unhex("020000000200000002000100"), &out));  // descending
  EXPECT_FALSE(Accepts(Unhex("020000000200000001000100"), &out));  // duplicate
  EXPECT_FALSE(Accepts(Unhex("02000000ffffffff0100"), &out));      // huge count
  EXPECT_FALSE(Accepts(Unhex("08000000ffffffff"), &out));          // huge count, no elements
  EXPECT_EQ(Elements(out), (std::vector<int64_t>{1, 2}));          // untouched on failure
  // Every truncation of a valid blob is rejected.
  IntSet s;
  for (int64_t v : {-70000, 5, 9, 100000}) s.Add(v);
  std::string blob(reinterpret_cast<const char*>(s.data()), s.bytes());
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    EXPECT_FALSE(Accepts(blob.substr(0, cut), &out)) << cut;
  }
  // Random corruptions: no crash (ASan build), and what is accepted is strictly ascending.
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 5000; ++round) {
    std::string b = blob;
    b[rng() % b.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
    IntSet t;
    if (Accepts(b, &t)) {
      for (size_t i = 1; i < t.size(); ++i) ASSERT_LT(t.Get(i - 1), t.Get(i)) << "seed=" << seed;
      for (size_t i = 0; i < t.size(); ++i) ASSERT_TRUE(t.Contains(t.Get(i))) << "seed=" << seed;
    }
  }
}

int64_t RandomValue(std::mt19937_64& rng, int width) {
  switch (width) {
    case 0:
      return static_cast<int64_t>(rng() % 200) - 100;
    case 1:
      return static_cast<int16_t>(rng());
    case 2:
      return static_cast<int32_t>(rng());
    default:
      return static_cast<int64_t>(rng());
  }
}

TEST(IntSetTest, RandomizedAgainstStdSet) {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("INTSET_SEED")) seed = std::stoull(s);
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  MemoryTiers& m = MemoryTiers::Get();
  int64_t base = m.used_total();
  for (int round = 0; round < 20; ++round) {
    IntSet s;
    std::set<int64_t> model;
    // Each round widens its values at a random moment, so upgrades happen at every size.
    int max_width = static_cast<int>(rng() % 4);
    for (int step = 0; step < 3000; ++step) {
      SCOPED_TRACE("seed=" + std::to_string(seed) + " round=" + std::to_string(round) +
                   " step=" + std::to_string(step));
      int width = static_cast<int>(rng() % (max_width + 1));
      if (step == 1500) max_width = 3;
      int64_t v = RandomValue(rng, width);
      switch (rng() % 5) {
        case 0:
        case 1:
          ASSERT_EQ(s.Add(v), model.insert(v).second);
          break;
        case 2:
          ASSERT_EQ(s.Remove(v), model.erase(v) == 1);
          break;
        case 3:
          if (!model.empty()) {
            int64_t present = s.Get(rng() % s.size());
            ASSERT_TRUE(s.Remove(present));
            model.erase(present);
          }
          break;
        default:
          ASSERT_EQ(s.Contains(v), model.count(v) == 1);
          break;
      }
      ASSERT_EQ(s.size(), model.size());
      if (step % 100 == 0) {
        ASSERT_EQ(Elements(s), std::vector<int64_t>(model.begin(), model.end()));
        IntSet parsed;
        ASSERT_TRUE(IntSet::FromBytes(s.data(), s.bytes(), &parsed));
        IntSet copy = s.Clone();
        ASSERT_EQ(Blob(copy), Blob(s));
        IntSet moved = std::move(copy);
        ASSERT_EQ(Blob(moved), Blob(s));
      }
    }
  }
  EXPECT_EQ(m.used_total(), base) << "seed=" << seed;
}

TEST(IntSetTest, RebalanceMovesTheBlobWithExactAccounting) {
  EnsureFarTier();
  PlaceByThreshold(1000);
  const TierUsage usage;
  {
    IntSet small, big;
    for (int i = 0; i < 100; ++i) small.Add(i);
    for (int i = 0; i < 1000; ++i) big.Add(i * 7);
    EXPECT_EQ(small.tier(), Tier::kDram);  // 208 bytes
    EXPECT_EQ(big.tier(), Tier::kFar);     // 2008 bytes: crossed the threshold while growing
    auto check_accounting = [&] { usage.ExpectGrowthOf(small, big); };
    check_accounting();
    MoveStats stats;
    TierCensus census;
    small.Rebalance(MoveRule{0, 0}, &stats, &census);
    big.Rebalance(MoveRule{0, 0}, &stats, &census);
    EXPECT_EQ(small.tier(), Tier::kFar);
    EXPECT_EQ(stats.blocks_to_far, 1u);
    EXPECT_EQ(census.total(Tier::kDram), 0u);
    check_accounting();
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(small.Contains(i));
    small.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &stats, nullptr);
    big.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &stats, nullptr);
    EXPECT_EQ(stats.blocks_to_dram, 2u);
    EXPECT_EQ(big.tier(), Tier::kDram);
    check_accounting();
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(big.Contains(i * 7));
    big.Rebalance(MoveRule{0, 0}, &stats, nullptr);
    for (int i = 0; i < 900; ++i) ASSERT_TRUE(big.Remove(i * 7));
    EXPECT_TRUE(big.Add(int64_t{1} << 50));
    check_accounting();
  }
  usage.ExpectReturned();
  PlaceAllInDram();
}

}  // namespace
}  // namespace memkeydb
