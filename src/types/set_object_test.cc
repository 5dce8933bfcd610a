#include "types/set_object.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using Enc = SetObject::Encoding;

std::set<std::string> Members(const SetObject* s) {
  std::set<std::string> out;
  s->ForEach([&out](std::string_view m) { EXPECT_TRUE(out.emplace(m).second) << m; });
  return out;
}

class SetObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = Limits();
    start_[0] = MemoryTiers::Get().used(Tier::kDram);
    start_[1] = MemoryTiers::Get().used(Tier::kFar);
  }
  void TearDown() override {
    Limits() = saved_;
    // Every test frees what it made: per-tier usage returns to where it started.
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kDram), start_[0]);
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kFar), start_[1]);
  }
  CollectionLimits saved_;
  int64_t start_[2];
};

TEST_F(SetObjectTest, NodeLayoutIsTight) {
  SetNode* a = SetNode::Create("abcdefghij");
  EXPECT_EQ(a->member(), "abcdefghij");
  EXPECT_EQ(a->AllocLength(), 8u + 1 + 10);
  EXPECT_EQ(a->tier(), Tier::kDram);
  std::string long_member(300, 'x');
  SetNode* b = SetNode::Create(long_member);
  EXPECT_EQ(b->member(), long_member);
  EXPECT_EQ(b->AllocLength(), 8u + 1 + 4 + 300);
  SetNode* c = SetNode::Create(std::string(63, 'y'));  // the longest short form
  EXPECT_EQ(c->member(), std::string(63, 'y'));
  EXPECT_EQ(c->AllocLength(), 8u + 1 + 63);
  SetNode* d = SetNode::Create("");
  EXPECT_EQ(d->member(), "");
  for (SetNode* n : {a, b, c, d}) SetNode::Destroy(n);
}

TEST_F(SetObjectTest, IntegersStayIntset) {
  SetObject* s = SetObject::Create("5", 1);
  EXPECT_EQ(s->encoding(), Enc::kIntSet);
  EXPECT_TRUE(s->Add("5"));
  EXPECT_FALSE(s->Add("5"));
  EXPECT_TRUE(s->Add("-9223372036854775808"));
  EXPECT_TRUE(s->Add("9223372036854775807"));
  EXPECT_EQ(s->encoding(), Enc::kIntSet);
  EXPECT_TRUE(s->Contains("5"));
  EXPECT_FALSE(s->Contains("05"));  // not canonical: a different member
  EXPECT_FALSE(s->Contains("x"));
  EXPECT_EQ(Members(s), (std::set<std::string>{"5", "-9223372036854775808",
                                               "9223372036854775807"}));
  EXPECT_STREQ(s->EncodingName(), "intset");
  SetObject::Destroy(s);
}

TEST_F(SetObjectTest, NonCanonicalIntegersAreStrings) {
  for (const char* m : {"01", "+1", "-0", " 1", "1 ", "9223372036854775808", "1.0", ""}) {
    SetObject* s = SetObject::Create(m, 1);
    EXPECT_EQ(s->encoding(), Enc::kListpack) << m;
    EXPECT_TRUE(s->Add(m));
    EXPECT_TRUE(s->Contains(m));
    SetObject::Destroy(s);
  }
}

TEST_F(SetObjectTest, IntsetConversions) {
  Limits().set_max_intset_entries = 4;
  SetObject* s = SetObject::CreateIntSet();
  for (int i = 0; i < 4; ++i) s->Add(std::to_string(i));
  EXPECT_EQ(s->encoding(), Enc::kIntSet);
  s->Add("4");  // past set-max-intset-entries: straight to hashtable, as Redis
  EXPECT_EQ(s->encoding(), Enc::kHashtable);
  EXPECT_EQ(s->size(), 5u);
  SetObject::Destroy(s);

  s = SetObject::CreateIntSet();
  s->Add("1");
  s->Add("a");  // a string into a small intset: listpack
  EXPECT_EQ(s->encoding(), Enc::kListpack);
  EXPECT_EQ(Members(s), (std::set<std::string>{"1", "a"}));
  EXPECT_TRUE(s->Remove("a"));
  EXPECT_EQ(s->encoding(), Enc::kListpack);  // one way
  SetObject::Destroy(s);

  s = SetObject::CreateIntSet();
  s->Add("1");
  s->Add(std::string(65, 'x'));  // longer than set-max-listpack-value: hashtable
  EXPECT_EQ(s->encoding(), Enc::kHashtable);
  SetObject::Destroy(s);
}

TEST_F(SetObjectTest, ListpackConversions) {
  Limits().set_max_listpack_entries = 3;
  SetObject* s = SetObject::Create("a", 1);
  EXPECT_EQ(s->encoding(), Enc::kListpack);
  for (const char* m : {"a", "b", "7"}) EXPECT_TRUE(s->Add(m));
  EXPECT_FALSE(s->Add("7"));
  EXPECT_EQ(s->encoding(), Enc::kListpack);
  EXPECT_TRUE(s->Add("d"));
  EXPECT_EQ(s->encoding(), Enc::kHashtable);
  EXPECT_EQ(Members(s), (std::set<std::string>{"a", "b", "7", "d"}));
  SetObject::Destroy(s);
  // A large size hint skips the listpack.
  s = SetObject::Create("a", 4);
  EXPECT_EQ(s->encoding(), Enc::kHashtable);
  SetObject::Destroy(s);
}

TEST_F(SetObjectTest, RandomAndPop) {
  for (const char* first : {"1", "a"}) {
    for (int n : {1, 5, 300}) {
      SetObject* s = SetObject::Create(first, n);
      std::set<std::string> expect;
      for (int i = 0; i < n; ++i) {
        std::string m = first[0] == '1' ? std::to_string(i * 7) : "m" + std::to_string(i);
        s->Add(m);
        expect.insert(m);
      }
      char scratch[SetObject::kScratch];
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(expect.count(std::string(s->Random(scratch))));
      std::string out;
      while (!s->empty()) {
        s->PopRandom(&out);
        EXPECT_EQ(expect.erase(out), 1u) << out;
      }
      EXPECT_TRUE(expect.empty());
      SetObject::Destroy(s);
    }
  }
}

TEST_F(SetObjectTest, TakeRandomRelinksNodes) {
  SetObject* s = SetObject::Create("a", 1000);
  ASSERT_EQ(s->encoding(), Enc::kHashtable);
  for (int i = 0; i < 1000; ++i) s->Add("m" + std::to_string(i));
  std::set<std::string> all = Members(s);
  SetObject* keep = s->TakeRandom(200);
  EXPECT_EQ(keep->encoding(), Enc::kHashtable);  // 200 words: past set-max-listpack-entries
  EXPECT_EQ(keep->size(), 200u);
  EXPECT_EQ(s->size(), 800u);
  std::set<std::string> a = Members(s), b = Members(keep);
  for (const std::string& m : b) EXPECT_FALSE(a.count(m));
  a.insert(b.begin(), b.end());
  EXPECT_EQ(a, all);
  SetObject::Destroy(s);
  SetObject::Destroy(keep);
}

// The taken set's encoding follows from its members, not from the set they came from.
TEST_F(SetObjectTest, TakeRandomEncodingFollowsMembers) {
  // A hashtable holding only integers (a word made it one, then left).
  SetObject* s = SetObject::Create("w", 600);
  for (int i = 0; i < 600; ++i) s->Add(std::to_string(i));
  ASSERT_EQ(s->encoding(), Enc::kHashtable);
  s->Remove("w");
  SetObject* keep = s->TakeRandom(50);
  EXPECT_EQ(keep->encoding(), Enc::kIntSet);
  EXPECT_EQ(keep->size(), 50u);
  EXPECT_EQ(s->size(), 550u);
  SetObject::Destroy(keep);
  keep = s->TakeRandom(540);  // more integers than set-max-intset-entries
  EXPECT_EQ(keep->encoding(), Enc::kHashtable);
  SetObject::Destroy(keep);
  SetObject::Destroy(s);

  // A listpack holding only integers.
  s = SetObject::Create("w", 10);
  for (int i = 0; i < 10; ++i) s->Add(std::to_string(i));
  s->Remove("w");
  ASSERT_EQ(s->encoding(), Enc::kListpack);
  keep = s->TakeRandom(3);
  EXPECT_EQ(keep->encoding(), Enc::kIntSet);
  SetObject::Destroy(keep);
  SetObject::Destroy(s);

  // Words among the members taken: a listpack, whichever member is drawn first (3 words and
  // 7 integers, 8 taken: at least one word).
  s = SetObject::Create("w0", 10);
  for (int i = 0; i < 3; ++i) s->Add("w" + std::to_string(i));
  for (int i = 0; i < 7; ++i) s->Add(std::to_string(i));
  keep = s->TakeRandom(8);
  EXPECT_EQ(keep->encoding(), Enc::kListpack);
  EXPECT_EQ(keep->size(), 8u);
  EXPECT_EQ(s->size(), 2u);
  SetObject::Destroy(keep);
  SetObject::Destroy(s);
}

TEST_F(SetObjectTest, ScanVisitsEveryMember) {
  SetObject* s = SetObject::Create("x", 2000);
  std::set<std::string> expect;
  for (int i = 0; i < 2000; ++i) {
    std::string m = "x" + std::to_string(i);
    s->Add(m);
    expect.insert(m);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = s->Scan(cursor, [&seen](std::string_view m) { seen.emplace(m); });
  } while (cursor != 0);
  EXPECT_EQ(seen, expect);
  SetObject::Destroy(s);
}

TEST_F(SetObjectTest, CloneIsDeepAndKeepsEncoding) {
  for (const char* first : {"1", "a"}) {
    for (int n : {3, 600}) {
      SetObject* s = SetObject::Create(first, 1);
      for (int i = 0; i < n; ++i) s->Add(first[0] == '1' ? std::to_string(i) : "v" + std::to_string(i));
      SetObject* c = s->Clone();
      EXPECT_EQ(c->encoding(), s->encoding());
      EXPECT_EQ(Members(c), Members(s));
      s->Add("only-in-original");
      EXPECT_FALSE(c->Contains("only-in-original"));
      SetObject::Destroy(s);
      SetObject::Destroy(c);
    }
  }
}

TEST_F(SetObjectTest, ObjectOpsThroughCompactValue) {
  SetObject::RegisterOps();
  CompactValue v;
  SetObject* s = SetObject::Create("a", 1);
  s->Add("a");
  v.SetObject(ValueType::kSet, s);
  EXPECT_STREQ(v.EncodingName(), "listpack");
  EXPECT_GT(v.ExternalBytes(), 0u);
  CompactValue copy;
  copy.CopyFrom(v);
  EXPECT_EQ(Members(static_cast<SetObject*>(copy.object())), (std::set<std::string>{"a"}));
  v.Reset();
  copy.Reset();
}

// The set against std::set through random adds and removes, with the thresholds small enough
// that every conversion happens, checking contents and the encoding's invariants as it goes.
TEST_F(SetObjectTest, RandomizedAgainstStdSet) {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 40; ++round) {
    Limits().set_max_intset_entries = 1 + rng() % 40;
    Limits().set_max_listpack_entries = 1 + rng() % 40;
    Limits().set_max_listpack_value = 1 + rng() % 20;
    bool ints_only = rng() % 3 == 0;
    auto member = [&]() -> std::string {
      if (ints_only || rng() % 2 == 0) return std::to_string(static_cast<int>(rng() % 200) - 100);
      if (rng() % 10 == 0) return std::string(rng() % 40, 'a' + rng() % 3);
      return std::string(1 + rng() % 3, 'a' + rng() % 4);
    };
    std::string first = member();
    SetObject* s = SetObject::Create(first, 1 + rng() % 4);
    std::set<std::string> model;
    Enc last = s->encoding();
    for (int op = 0; op < 400; ++op) {
      std::string m = member();
      if (rng() % 3 != 0) {
        ASSERT_EQ(s->Add(m), model.insert(m).second) << m << " seed=" << seed;
      } else {
        ASSERT_EQ(s->Remove(m), model.erase(m) == 1) << m << " seed=" << seed;
      }
      ASSERT_EQ(s->size(), model.size()) << "seed=" << seed;
      ASSERT_GE(static_cast<int>(s->encoding()), static_cast<int>(last)) << "seed=" << seed;
      last = s->encoding();
      if (s->encoding() == Enc::kIntSet) {
        ASSERT_LE(s->size(), Limits().set_max_intset_entries) << "seed=" << seed;
      }
      if (op % 50 == 0) {
        ASSERT_EQ(Members(s), model) << "seed=" << seed;
        for (const std::string& x : model) ASSERT_TRUE(s->Contains(x)) << x << " seed=" << seed;
      }
    }
    ASSERT_EQ(Members(s), model) << "seed=" << seed;
    SetObject::Destroy(s);
  }
}

// Moves between tiers: every node (or blob) follows the rule, the contents stay, and the
// per-tier accounting matches what the set reports, returning to the start once freed.
class SetTierTest : public SetObjectTest {
 protected:
  void SetUp() override {
    EnsureFarTier();
    SetObjectTest::SetUp();
  }
};

TEST_F(SetTierTest, RebalanceMovesEveryBlockExactly) {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  MemoryTiers& m = MemoryTiers::Get();
  for (int kind = 0; kind < 3; ++kind) {
    SetObject* s = kind == 0 ? SetObject::Create("1", 1) : SetObject::Create("a", kind == 1 ? 1 : 1000);
    std::set<std::string> model;
    int n = kind == 2 ? 3000 : 100;
    for (int i = 0; i < n; ++i) {
      std::string x = kind == 0 ? std::to_string(rng() % 100000)
                                : std::string(1 + rng() % (kind == 1 ? 20 : 200), 'a' + i % 26) +
                                      std::to_string(i);
      s->Add(x);
      model.insert(x);
    }
    int64_t before_dram = m.used(Tier::kDram), before_far = m.used(Tier::kFar);
    size_t bytes[kNumTiers] = {0, 0};
    s->BytesByTier(bytes);
    EXPECT_EQ(bytes[1], 0u) << "seed=" << seed;

    // Everything of 1 byte or more goes far, then everything comes back.
    MoveRule to_far;
    to_far.to_far_min = 1;
    MoveStats stats;
    TierCensus census;
    s->Rebalance(to_far, &stats, &census);
    size_t after[kNumTiers] = {0, 0};
    s->BytesByTier(after);
    EXPECT_GT(stats.blocks_to_far, 0u);
    EXPECT_EQ(census.total(Tier::kDram), 0u) << "seed=" << seed;
    EXPECT_EQ(census.total(Tier::kFar), stats.bytes_to_far);
    EXPECT_EQ(static_cast<int64_t>(stats.bytes_to_far), m.used(Tier::kFar) - before_far);
    EXPECT_EQ(m.used(Tier::kDram) + m.used(Tier::kFar), before_dram + before_far);
    EXPECT_EQ(after[0] + after[1], bytes[0] + bytes[1]);
    EXPECT_EQ(static_cast<int64_t>(after[1]), m.used(Tier::kFar) - before_far);
    ASSERT_EQ(Members(s), model) << "seed=" << seed;
    for (const std::string& x : model) ASSERT_TRUE(s->Contains(x));

    // Changes while far: new nodes land by policy (DRAM), removed far nodes free far bytes.
    if (kind == 2) {
      for (int i = 0; i < 100; ++i) {
        auto it = model.begin();
        std::advance(it, rng() % model.size());
        ASSERT_TRUE(s->Remove(*it));
        model.erase(it);
        std::string x = "new" + std::to_string(i);
        s->Add(x);
        model.insert(x);
      }
    }

    MoveRule to_dram;
    to_dram.to_dram_below = SIZE_MAX;
    MoveStats back;
    s->Rebalance(to_dram, &back, nullptr);
    EXPECT_EQ(m.used(Tier::kFar), before_far) << "seed=" << seed;
    ASSERT_EQ(Members(s), model) << "seed=" << seed;
    SetObject::Destroy(s);
  }
}

}  // namespace
}  // namespace memkeydb
