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
  c.OnEmptyPass();
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

TEST_F(TierControllerTest, RatioModeMovesInTheDirectionOfTheErrorWithHysteresis) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  s.dram_part = 1;
  s.far_part = 1;
  c.Configure(s);
  Put(Tier::kDram, 4096, 60);
  Put(Tier::kFar, 4096, 40);  // far share 0.40 against 0.50: move to far
  auto rule = c.WantMoves();
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->Destination(Tier::kDram, 1 << 20), Tier::kFar);
  EXPECT_FALSE(rule->Destination(Tier::kFar, 1).has_value());
  EXPECT_STREQ(c.state(), "rebalancing");
  Put(Tier::kFar, 4096, 19);  // 59/119 = 0.4958: inside the start band, outside the stop band
  EXPECT_TRUE(c.WantMoves().has_value());
  Put(Tier::kFar, 4096, 1);  // 60/120 = 0.5: stop
  EXPECT_FALSE(c.WantMoves().has_value());
  Put(Tier::kDram, 4096, 1);  // 60/121 = 0.4959: not enough to start again
  EXPECT_FALSE(c.WantMoves().has_value());
}

TEST_F(TierControllerTest, EmptyPassForcesAStepAndStopsWhenSaturated) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  s.initial_threshold = s.min_threshold;  // the boundary cannot come down any further
  c.Configure(s);
  Put(Tier::kDram, 64, 1000);  // all DRAM, target 75% far
  ASSERT_TRUE(c.WantMoves().has_value());
  double k = c.ratio()->knob();
  c.OnEmptyPass();
  EXPECT_EQ(c.ratio()->knob(), k);
  EXPECT_FALSE(c.WantMoves().has_value());
  EXPECT_STREQ(c.state(), "saturated");
}

TEST_F(TierControllerTest, EmptyPassMovesTheBoundary) {
  TierController c(&tiers_);
  TierSettings s;
  s.policy = AllocPolicy::kRatio;
  c.Configure(s);
  Put(Tier::kDram, 64, 1000);
  size_t before = tiers_.policy().threshold();
  c.OnEmptyPass();
  EXPECT_LT(tiers_.policy().threshold(), before);
  EXPECT_TRUE(c.WantMoves().has_value());
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
