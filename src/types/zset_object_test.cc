// ZSetObject against a std::set<(score, member)> reference: random adds, removes, range and rank
// queries, range deletions, conversions, clones and tier moves with exact per-tier accounting.
#include "types/zset_object.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include <cmath>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using Ref = std::set<std::pair<double, std::string>>;

std::vector<std::pair<std::string, double>> Dump(const ZSetObject& z, size_t lo, size_t hi,
                                                 bool rev) {
  std::vector<std::pair<std::string, double>> out;
  z.ForRange(lo, hi, rev, [&](std::string_view m, double s) {
    out.emplace_back(std::string(m), s);
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, double>> RefSlice(const Ref& ref, size_t lo, size_t hi,
                                                     bool rev) {
  std::vector<std::pair<std::string, double>> all;
  for (auto& [s, m] : ref) all.emplace_back(m, s);
  std::vector<std::pair<std::string, double>> out;
  hi = std::min(hi, all.size());
  for (size_t i = lo; i < hi; ++i) out.push_back(all[i]);
  if (rev) std::reverse(out.begin(), out.end());
  return out;
}

void CheckAll(const ZSetObject& z, const Ref& ref) {
  ASSERT_EQ(z.size(), ref.size());
  ASSERT_EQ(Dump(z, 0, z.size(), false), RefSlice(ref, 0, ref.size(), false));
}

ZSetObject* NewZ(bool skiplist) {
  Tier t;
  void* p = MemoryTiers::Get().Allocate(sizeof(ZSetObject), Placement::kMetadata, &t);
  return new (p) ZSetObject(skiplist);
}
void FreeZ(ZSetObject* z) { GetObjectOps(ValueType::kZSet)->destroy(z); }

// Opens a file-backed far tier once for the process, so tier moves really move.
void EnsureFarTier() {
  MemoryTiers& mt = MemoryTiers::Get();
  if (mt.far_available()) return;
  static char dir[] = "/tmp/memkeydb-zset-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  FarTierSpec spec;
  spec.backend = FarBackend::kFile;
  spec.dir = dir;
  spec.capacity = 256 << 20;
  std::string err;
  ASSERT_TRUE(mt.OpenFar(spec, &err)) << err;
}

TEST(ZSetObjectTest, ScoreText) {
  char buf[32];
  auto f = [&](double d) { return std::string(buf, ScoreToString(d, buf, sizeof(buf))); };
  EXPECT_EQ(f(1), "1");
  EXPECT_EQ(f(-0.0), "0");  // Redis 7.0 stores -0 in a listpack as integer 0
  EXPECT_EQ(f(0.1), "0.10000000000000001");
  EXPECT_EQ(f(HUGE_VAL), "inf");
  EXPECT_EQ(f(-HUGE_VAL), "-inf");
  EXPECT_EQ(f(1e20), "1e+20");
  EXPECT_EQ(f(4503599627370495.0), "4503599627370495");
  EXPECT_EQ(f(4503599627370496.0), "4503599627370496");
  EXPECT_EQ(f(-4503599627370495.0), "-4503599627370495");
}

TEST(ZSetObjectTest, ListpackBytesMatchRedis) {
  RegisterZSetObjectOps();
  // redis-server 7.0: ZADD k 1 a 2.5 b -3 c 1e20 d inf e; DUMP k (rdbcompression no) holds this
  // listpack after the type byte and length.
  ZSetObject* z = NewZ(false);
  double out;
  z->Add("a", 1, 0, &out);
  z->Add("b", 2.5, 0, &out);
  z->Add("c", -3, 0, &out);
  z->Add("d", 1e20, 0, &out);
  z->Add("e", HUGE_VAL, 0, &out);
  const Listpack& lp = z->listpack();
  std::string hex;
  for (size_t i = 0; i < lp.bytes(); ++i) {
    char b[3];
    std::snprintf(b, sizeof(b), "%02x", lp.data()[i]);
    hex += b;
  }
  EXPECT_EQ(hex, "2c0000000a00816302dffd02816102010181620283322e35048164028531652b32300681650283696e6604ff");
  FreeZ(z);
}

class ZSetRandomTest : public ::testing::TestWithParam<int> {};

TEST_P(ZSetRandomTest, MatchesReference) {
  RegisterZSetObjectOps();
  CollectionLimits saved = Limits();
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("ZSET_TEST_SEED")) seed = std::strtoull(s, nullptr, 10);
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rnd(seed);
  int mode = GetParam();
  EnsureFarTier();
  Limits().zset_max_listpack_entries = mode == 0 ? 128 : 16;
  Limits().zset_max_listpack_value = 64;
  MemoryTiers& mt = MemoryTiers::Get();
  int64_t start[2] = {mt.used(Tier::kDram), mt.used(Tier::kFar)};
  {
    ZSetObject* z = NewZ(false);
    Ref ref;
    std::map<std::string, double> scores;
    int universe = mode == 0 ? 200 : 3000;
    int ops = mode == 0 ? 20000 : 30000;
    for (int op = 0; op < ops; ++op) {
      int kind = rnd() % 100;
      std::string m = "m" + std::to_string(rnd() % universe);
      if (rnd() % 50 == 0) m += std::string(rnd() % 100, 'x');
      double score = static_cast<double>(static_cast<int64_t>(rnd() % 41) - 20);
      if (rnd() % 4 == 0) score /= 8;
      if (kind < 50) {
        double out;
        auto res = z->Add(m, score, 0, &out);
        auto it = scores.find(m);
        if (it == scores.end()) {
          ASSERT_EQ(res, ZSetObject::AddResult::kAdded);
        } else {
          ASSERT_EQ(res, it->second == score ? ZSetObject::AddResult::kUnchanged
                                             : ZSetObject::AddResult::kUpdated);
          ref.erase({it->second, m});
        }
        ref.insert({score, m});
        scores[m] = score;
      } else if (kind < 70) {
        bool had = scores.count(m) > 0;
        ASSERT_EQ(z->Remove(m), had);
        if (had) {
          ref.erase({scores[m], m});
          scores.erase(m);
        }
      } else if (kind < 80) {
        auto r = z->Rank(m);
        auto it = scores.find(m);
        if (it == scores.end()) {
          ASSERT_FALSE(r.has_value());
        } else {
          ASSERT_TRUE(r.has_value());
          ASSERT_EQ(*r, static_cast<size_t>(std::distance(ref.begin(), ref.find({it->second, m}))));
          ASSERT_EQ(*z->Score(m), it->second);
        }
      } else if (kind < 88) {
        ZScoreRange r;
        r.min = static_cast<double>(static_cast<int64_t>(rnd() % 41) - 20);
        r.max = r.min + rnd() % 10;
        r.min_ex = rnd() % 2;
        r.max_ex = rnd() % 2;
        size_t lo = z->LowerRank(r), hi = z->UpperRank(r);
        size_t rlo = 0, rhi = 0, i = 0;
        for (auto& [s, mm] : ref) {
          if (r.BelowMin(s)) rlo = i + 1;
          if (!r.AboveMax(s)) rhi = i + 1;
          ++i;
        }
        ASSERT_EQ(lo, rlo);
        ASSERT_EQ(hi, rhi);
      } else if (kind < 95) {
        size_t n = ref.size() + 2;
        size_t lo = rnd() % n, hi = lo + rnd() % 20;
        bool rev = rnd() % 2;
        ASSERT_EQ(Dump(*z, lo, hi, rev), RefSlice(ref, lo, hi, rev));
      } else if (kind < 97) {
        size_t n = ref.size() + 1;
        size_t lo = rnd() % n, hi = lo + rnd() % 5;
        z->RemoveRange(lo, hi);
        auto slice = RefSlice(ref, lo, hi, false);
        for (auto& [mm, s] : slice) {
          ref.erase({s, mm});
          scores.erase(mm);
        }
      } else if (kind < 98) {
        ZSetObject* c = static_cast<ZSetObject*>(GetObjectOps(ValueType::kZSet)->clone(z));
        CheckAll(*c, ref);
        FreeZ(c);
      } else {
        // Tier moves: everything to far, then everything back.
        MoveStats stats;
        MoveRule to_far{0, 0};
        size_t before[2] = {0, 0};
        z->BytesByTier(before);
        z->Rebalance(to_far, &stats, nullptr);
        size_t mid[2] = {0, 0};
        z->BytesByTier(mid);
        ASSERT_EQ(static_cast<int64_t>(mid[1]), mt.used(Tier::kFar) - start[1]);
        if (z->size() > 0) {
          ASSERT_GT(stats.blocks_to_far, 0u);
        }
        MoveRule to_dram{SIZE_MAX, SIZE_MAX};
        z->Rebalance(to_dram, &stats, nullptr);
        size_t after[2] = {0, 0};
        z->BytesByTier(after);
        ASSERT_EQ(before[0] + before[1], after[0] + after[1]);
        ASSERT_EQ(mt.used(Tier::kFar), start[1]);
      }
      if (op % 1000 == 0) CheckAll(*z, ref);
    }
    CheckAll(*z, ref);
    FreeZ(z);
  }
  EXPECT_EQ(mt.used(Tier::kDram), start[0]);
  EXPECT_EQ(mt.used(Tier::kFar), start[1]);
  Limits() = saved;
}

INSTANTIATE_TEST_SUITE_P(Modes, ZSetRandomTest, ::testing::Values(0, 1));

TEST(ZSetObjectTest, LexRanks) {
  RegisterZSetObjectOps();
  for (bool sl : {false, true}) {
    ZSetObject* z = NewZ(sl);
    double out;
    for (const char* m : {"a", "b", "c", "d", "e"}) z->Add(m, 0, 0, &out);
    ZLexRange r;
    r.min = "b";
    r.max = "d";
    r.max_ex = true;
    EXPECT_EQ(z->LowerRank(r), 1u);
    EXPECT_EQ(z->UpperRank(r), 3u);
    r.min_is_minus = true;
    r.max_is_plus = true;
    EXPECT_EQ(z->LowerRank(r), 0u);
    EXPECT_EQ(z->UpperRank(r), 5u);
    FreeZ(z);
  }
}

}  // namespace
}  // namespace memkeydb
