#include "store/rebalancer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "common/clock.h"
#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"

namespace memkeydb {
namespace {

class RebalancerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnsureFarTier();
    PlaceByThreshold(100);
    seed_ = std::random_device{}();
    std::printf("seed=%u\n", seed_);
    rng_.seed(seed_);
    for (int i = 0; i < 3; ++i) dbs_.push_back(std::make_unique<Database>(i));
  }
  void TearDown() override {
    dbs_.clear();
    PlaceAllInDram();
  }

  void Fill(int n) {
    for (int i = 0; i < n; ++i) {
      std::string key = "key:" + std::to_string(next_key_++);
      std::string value(15 + rng_() % 600, '\0');
      for (char& c : value) c = static_cast<char>(rng_());
      Database& db = *dbs_[rng_() % dbs_.size()];
      db.Add(key)->value.SetString(value, /*allow_int=*/false);
      expected_[{db.index(), key}] = value;
    }
  }

  // Every value still holds its bytes; returns bytes per tier as the values see them.
  void CheckValues(size_t bytes[kNumTiers]) {
    for (auto& [where, value] : expected_) {
      Entry* e = dbs_[where.first]->FindRaw(where.second);
      ASSERT_NE(e, nullptr) << where.second << " seed=" << seed_;
      char scratch[CompactValue::kIntBufSize];
      ASSERT_EQ(e->value.StringView(scratch), value) << where.second << " seed=" << seed_;
      e->value.ExternalBytesByTier(bytes);
    }
  }

  // Runs slices until a walk moves nothing.
  int RunToCompletion(Rebalancer& r, const MoveRule& rule) {
    int slices = 0;
    for (;;) {
      r.RunSlice(dbs_, rule, MonotonicUs() + 500, [](MoveRule*) { return true; });
      Rebalancer::Pass pass;
      if (r.TakeCompletedPass(&pass) && pass.moved == 0) break;
      EXPECT_LT(++slices, 100000);
      if (slices >= 100000) break;
    }
    return slices;
  }

  uint32_t seed_ = 0;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<Database>> dbs_;
  std::map<std::pair<int, std::string>, std::string> expected_;
  int next_key_ = 0;
};

TEST_F(RebalancerTest, MovesValuesToFollowANewThresholdAndKeepsThemIntact) {
  MemoryTiers& m = MemoryTiers::Get();
  int64_t far_before = m.used(Tier::kFar);
  Fill(20000);
  m.policy().set_threshold(300);
  Rebalancer r;
  MoveRule rule{300, 300};
  RunToCompletion(r, rule);
  size_t bytes[kNumTiers] = {0, 0};
  CheckValues(bytes);
  for (auto& [where, value] : expected_) {
    Entry* e = dbs_[where.first]->FindRaw(where.second);
    ASSERT_EQ(e->value.on_far_tier(), value.size() >= 300) << value.size() << " seed=" << seed_;
  }
  // The far counter is exactly what the values hold there (nothing else is far).
  EXPECT_EQ(m.used(Tier::kFar) - far_before, static_cast<int64_t>(bytes[1]));
  EXPECT_GT(r.moved().blocks_to_dram, 0u);
  EXPECT_EQ(r.moved().blocks_to_far, 0u);
  EXPECT_EQ(r.moved().failed, 0u);
}

TEST_F(RebalancerTest, StopsWhenRefreshSaysTheTargetIsReached) {
  Fill(5000);
  Rebalancer r;
  int calls = 0;
  r.RunSlice(dbs_, MoveRule{0, 0}, MonotonicUs() + 1000000, [&](MoveRule*) { return ++calls < 3; });
  EXPECT_EQ(calls, 3);
  EXPECT_LE(r.moved().blocks(), 3u * 64);  // a few dozen keys per refresh at most
  EXPECT_GT(r.moved().blocks_to_far, 0u);
}

TEST_F(RebalancerTest, RespectsTheDeadline) {
  Fill(20000);
  Rebalancer r;
  int64_t start = MonotonicUs();
  r.RunSlice(dbs_, MoveRule{0, 0}, start, [](MoveRule*) { return true; });
  EXPECT_LE(r.moved().blocks(), 64u);  // one check interval at most
  Rebalancer::Pass pass;
  EXPECT_FALSE(r.TakeCompletedPass(&pass));
}

TEST_F(RebalancerTest, VisitsEveryKeyWhileTheTableGrows) {
  Fill(3000);
  Rebalancer r;
  MoveRule all_far{0, 0};
  // Small slices, with inserts between them that make the tables resize mid-walk.
  for (;;) {
    r.RunSlice(dbs_, all_far, MonotonicUs() + 50, [](MoveRule*) { return true; });
    Rebalancer::Pass pass;
    if (r.TakeCompletedPass(&pass) && pass.moved == 0) break;
    if (next_key_ < 40000) Fill(500);
  }
  size_t bytes[kNumTiers] = {0, 0};
  CheckValues(bytes);
  EXPECT_EQ(bytes[0], 0u) << "seed=" << seed_;  // every value reached far memory
}

TEST_F(RebalancerTest, CensusOfAWalkCountsWhereTheValuesAre) {
  Fill(5000);
  Rebalancer r;
  r.RunSlice(dbs_, MoveRule{}, MonotonicUs() + 10000000, [](MoveRule*) { return true; });
  Rebalancer::Pass pass;
  ASSERT_TRUE(r.TakeCompletedPass(&pass));
  EXPECT_EQ(pass.moved, 0u);
  size_t bytes[kNumTiers] = {0, 0};
  CheckValues(bytes);
  EXPECT_EQ(pass.census->total(Tier::kDram), bytes[0]);
  EXPECT_EQ(pass.census->total(Tier::kFar), bytes[1]);
  EXPECT_GT(bytes[1], 0u);
  // A moving walk counts values where they end up.
  r.RunSlice(dbs_, MoveRule{0, 0}, MonotonicUs() + 10000000, [](MoveRule*) { return true; });
  ASSERT_TRUE(r.TakeCompletedPass(&pass));
  EXPECT_GT(pass.moved, 0u);
  EXPECT_EQ(pass.census->total(Tier::kDram), 0u);
  EXPECT_EQ(pass.census->total(Tier::kFar), bytes[0] + bytes[1]);
}

// The per-tier counters equal what the data structures hold, through random inserts, deletes,
// overwrites, appends, in-place growth, copies and moves, under a fractional boundary; and
// return to where they started once everything is gone.
TEST_F(RebalancerTest, ExactAccountingUnderRandomOperations) {
  MemoryTiers& m = MemoryTiers::Get();
  dbs_.clear();  // start from nothing allocated by the fixture
  m.WaitForBackgroundFrees();
  int64_t base[kNumTiers] = {m.used(Tier::kDram), m.used(Tier::kFar)};
  m.policy().SetMode(AllocPolicy::kRatio, true);
  m.policy().set_boundary(Boundary{96, 112, Boundary::kOne / 3});
  auto db = std::make_unique<Database>(0);
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) keys.push_back("k" + std::to_string(i));
  auto check = [&](const char* when) {
    size_t bytes[kNumTiers] = {0, 0};
    db->table().ForEach([&](Entry* e) {
      bytes[0] += e->AllocatedBytes();
      e->value.ExternalBytesByTier(bytes);
    });
    bytes[0] += db->table().TableBytes();
    m.WaitForBackgroundFrees();
    ASSERT_EQ(m.used(Tier::kDram) - base[0], static_cast<int64_t>(bytes[0]))
        << when << " seed=" << seed_;
    ASSERT_EQ(m.used(Tier::kFar) - base[1], static_cast<int64_t>(bytes[1]))
        << when << " seed=" << seed_;
  };
  Rebalancer r;
  for (int step = 0; step < 60000; ++step) {
    const std::string& key = keys[rng_() % keys.size()];
    Entry* e = db->FindRaw(key);
    switch (rng_() % 8) {
      case 0:
      case 1: {  // insert or overwrite
        if (e == nullptr) e = db->Add(key);
        e->value.SetString(std::string(rng_() % 300, 'x'), false);
        break;
      }
      case 2:  // delete
        db->Delete(key);
        break;
      case 3:  // append
        if (e != nullptr && e->value.type() == ValueType::kString) {
          size_t len = e->value.StringLength();
          e->value.MutableString(len + rng_() % 64)[0] = 'a';
        }
        break;
      case 4:  // SETRANGE-like growth far past the end, or truncation
        if (e != nullptr) e->value.MutableString(rng_() % 2 ? rng_() % 4000 : rng_() % 20);
        break;
      case 5:  // COPY
        if (e != nullptr) {
          Entry* dst = db->FindRaw(key + "c");
          if (dst == nullptr) dst = db->Add(key + "c");
          dst->value.CopyStringFrom(e->value);
        }
        break;
      case 6:  // integers own nothing
        if (e != nullptr) e->value.SetInt(static_cast<int64_t>(rng_()));
        break;
      case 7:  // now and then, a little rebalancing with a rule that moves both ways
        if (step % 13 == 0) {
          std::vector<std::unique_ptr<Database>> one;
          one.push_back(std::move(db));
          r.RunSlice(one, MoveRule{200, 150}, MonotonicUs() + 200, [](MoveRule*) { return true; });
          db = std::move(one[0]);
        }
        break;
    }
    if (step % 5000 == 0) check("during");
  }
  check("at the end");
  EXPECT_GT(r.moved().blocks_to_far, 0u);
  EXPECT_GT(r.moved().blocks_to_dram, 0u);
  EXPECT_GT(m.used(Tier::kFar), base[1]);  // the fractional boundary placed some of it far
  db->Clear();
  db.reset();
  m.WaitForBackgroundFrees();
  EXPECT_EQ(m.used(Tier::kFar), base[1]) << "seed=" << seed_;
  EXPECT_EQ(m.used(Tier::kDram), base[0]) << "seed=" << seed_;
}

TEST_F(RebalancerTest, ReportsMovesPerWalk) {
  Fill(2000);
  Rebalancer r;
  MoveRule none{SIZE_MAX, 0};
  EXPECT_FALSE(none.active());
  MoveRule small_to_dram{SIZE_MAX, 300};  // far values of 100..299 bytes come back
  int slices = RunToCompletion(r, small_to_dram);
  EXPECT_GE(slices, 1);
  EXPECT_GE(r.passes(), 2u);  // the first walk moved values; the second found nothing
  EXPECT_GT(r.moved().blocks_to_dram, 0u);
}

}  // namespace
}  // namespace memkeydb
