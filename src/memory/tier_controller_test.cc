#include "memory/tier_controller.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "memory/size_class.h"

namespace memkeydb {
namespace {

class TierControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FarTierSpec spec;
    spec.backend = FarBackend::kKmemDax;
    spec.kmem_nodes = "0";
    std::string err;
    ASSERT_TRUE(tiers_.OpenFar(spec, &err)) << err;
  }
  void TearDown() override {
    for (auto [p, t] : blocks_) tiers_.Free(p, t);
  }
  void Put(Tier t, size_t size, int n) {
    for (int i = 0; i < n; ++i) {
      Tier got;
      blocks_.emplace_back(tiers_.AllocateOn(size, t, &got), got);
    }
  }
  MemoryTiers tiers_;
  std::vector<std::pair<void*, Tier>> blocks_;
};

TEST_F(TierControllerTest, ThresholdModeMovesTheWrongSideUntilConsistent) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kThreshold;
  s.static_threshold = 200;
  c.Configure(s);
  EXPECT_EQ(tiers_.policy().threshold(), 200u);
  auto rule = c.WantMoves();
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->Destination(Tier::kDram, 200), Tier::kFar);
  EXPECT_EQ(rule->Destination(Tier::kFar, 199), Tier::kDram);
  EXPECT_FALSE(rule->Destination(Tier::kFar, 200).has_value());
  c.OnPassComplete(TierCensus(), /*moved=*/5);  // still moving: walk again
  EXPECT_TRUE(c.WantMoves().has_value());
  c.OnPassComplete(TierCensus(), /*moved=*/0);
  EXPECT_FALSE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "holding");
  c.Configure(s);  // any reconfiguration checks again
  EXPECT_TRUE(c.WantMoves().has_value());
}

TEST_F(TierControllerTest, OnlyDramDrainsTheFarTier) {
  TierController c(&tiers_);
  TierSettings s;
  c.Configure(s);
  EXPECT_FALSE(c.WantMoves().has_value());  // nothing far
  Put(Tier::kFar, 1000, 10);
  auto rule = c.WantMoves();
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->Destination(Tier::kFar, 1 << 30), Tier::kDram);
  EXPECT_FALSE(rule->Destination(Tier::kDram, 1 << 30).has_value());
}

// DRAM blocks of two sizes, all counted in the census as the rebalancer would.
struct TwoSizes {
  TierCensus census;
  void Add(TierControllerTest* t, MemoryTiers& m, size_t size, int n) {
    for (int i = 0; i < n; ++i) {
      Tier got;
      void* p = m.AllocateOn(size, Tier::kDram, &got);
      census.Add(got, size, m.UsableSize(p, got));
      blocks.emplace_back(p, got);
    }
  }
  std::vector<std::pair<void*, Tier>> blocks;
};

TEST_F(TierControllerTest, RatioModeCountsThenPlacesTheBoundaryThenMoves) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  s.dram_part = 1;
  s.far_part = 1;
  c.Configure(s);
  TwoSizes data;
  data.Add(this, tiers_, 100, 600);   // 112-byte blocks, class 26
  data.Add(this, tiers_, 1000, 400);  // 1024-byte blocks, class 39
  blocks_.insert(blocks_.end(), data.blocks.begin(), data.blocks.end());
  // All in DRAM, target 50% far: first a census walk that moves nothing.
  auto rule = c.WantMoves();
  ASSERT_TRUE(rule.has_value());
  EXPECT_FALSE(rule->active());
  EXPECT_STREQ(c.state(), "census");
  c.OnPassComplete(data.census, 0);
  // Half of 476800 bytes must go far: 238400 of the 409600 bytes in class 39.
  EXPECT_NEAR(c.ratio()->knob(), 39 + (1 - 238400.0 / 409600.0), 1e-9);
  EXPECT_EQ(tiers_.policy().boundary().boundary_from, ClassStart(39));
  rule = c.WantMoves();
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->Destination(Tier::kDram, 1000), Tier::kFar);  // the boundary class, toward far
  EXPECT_FALSE(rule->Destination(Tier::kDram, 100).has_value());
  EXPECT_STREQ(c.state(), "rebalancing");
  EXPECT_FALSE(c.Step());  // steering holds still while values move
}

TEST_F(TierControllerTest, RatioModeHysteresis) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  s.dram_part = 1;
  s.far_part = 1;
  c.Configure(s);
  Put(Tier::kDram, 4096, 60);
  Put(Tier::kFar, 4096, 40);
  ASSERT_TRUE(c.WantMoves().has_value());  // census
  TierCensus census;
  for (int i = 0; i < 60; ++i) census.Add(Tier::kDram, 4096, 4096);
  for (int i = 0; i < 40; ++i) census.Add(Tier::kFar, 4096, 4096);
  c.OnPassComplete(census, 0);
  Put(Tier::kFar, 4096, 19);  // 59/119 = 0.4958: inside the start band, outside the stop band
  EXPECT_TRUE(c.WantMoves().has_value());
  Put(Tier::kFar, 4096, 1);  // 60/120 = 0.5: stop
  EXPECT_FALSE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "holding");
  Put(Tier::kDram, 4096, 1);  // 60/121 = 0.4959: not enough to start again
  EXPECT_FALSE(c.WantMoves().has_value());
}

TEST_F(TierControllerTest, UnreachableTargetStopsWalkingUntilTheDataChanges) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  c.Configure(s);
  Put(Tier::kDram, 64, 1000);  // not in any census: like metadata, it cannot move
  ASSERT_TRUE(c.WantMoves().has_value());
  c.OnPassComplete(TierCensus(), 0);  // census: nothing movable, so no moving walk at all
  EXPECT_FALSE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "unreachable");
  Put(Tier::kDram, 64, 50);  // 5%: still nothing
  EXPECT_FALSE(c.WantMoves().has_value());
  Put(Tier::kDram, 64, 60);  // more than 10%, but the back-off (10 periods) has not passed
  EXPECT_FALSE(c.WantMoves().has_value());
  for (int i = 0; i < 10; ++i) c.Step();
  EXPECT_TRUE(c.WantMoves().has_value());  // look again
}

TEST_F(TierControllerTest, AnUnreachableVerdictIsCheckedAgainWithoutWrites) {
  // A verdict reached while writes were landing must not stand for ever once they stop: after
  // the back-off the controller looks again even though nothing changed.
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  c.Configure(s);
  Put(Tier::kDram, 64, 1000);
  ASSERT_TRUE(c.WantMoves().has_value());
  c.OnPassComplete(TierCensus(), 0);
  EXPECT_STREQ(c.state(), "unreachable");
  for (int i = 0; i < 9; ++i) c.Step();
  EXPECT_FALSE(c.WantMoves().has_value());
  c.Step();
  EXPECT_TRUE(c.WantMoves().has_value());  // the first back-off is 10 periods
  c.OnPassComplete(TierCensus(), 0);     // still unreachable: the back-off doubles
  for (int i = 0; i < 19; ++i) c.Step();
  EXPECT_FALSE(c.WantMoves().has_value());
  c.Step();
  EXPECT_TRUE(c.WantMoves().has_value());
}

TEST_F(TierControllerTest, AWalkThatMovesNothingMarksTheTargetUnreachable) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  c.Configure(s);
  TierCensus census;
  census.Add(Tier::kDram, 4000, 4096);  // candidates, say, that the far tier refuses to take
  Put(Tier::kDram, 4000, 1);
  ASSERT_TRUE(c.WantMoves().has_value());
  c.OnPassComplete(census, 0);
  ASSERT_TRUE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "rebalancing");
  c.OnPassComplete(census, 0);  // the moving walk moved nothing, the boundary stays
  EXPECT_FALSE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "unreachable");
}

TEST_F(TierControllerTest, ChangingTheTargetKeepsTheKnob) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  s.initial_threshold = 1000;
  c.Configure(s);
  double k = c.ratio()->knob();
  s.dram_part = 1;
  s.far_part = 1;
  c.Configure(s);
  EXPECT_EQ(c.ratio()->knob(), k);
  EXPECT_DOUBLE_EQ(c.target_far_share(), 0.5);
  EXPECT_EQ(tiers_.policy().threshold(), ClassStart(SizeClass(1000)));
}

}  // namespace
}  // namespace memkeydb
