#include "memory/ratio_controller.h"

#include "memory/size_class.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

namespace memkeydb {
namespace {

// A workload model: allocations drawn from a size distribution, placed by the controller,
// with a fraction of earlier allocations deleted as it runs. The controller steps every
// `period` allocations, as the server's cron would.
struct Simulation {
  RatioController controller;
  PlacementPolicy policy;
  std::mt19937_64 rng;
  struct Block {
    size_t size;
    bool far;
  };
  std::vector<Block> live;
  int64_t dram = 0, far = 0;

  Simulation(const RatioController::Options& o, uint64_t seed) : controller(o), rng(seed) {
    policy.SetMode(AllocPolicy::kRatio, /*far_available=*/true);
    policy.set_boundary(controller.boundary());
  }

  double far_share() const { return static_cast<double>(far) / static_cast<double>(dram + far); }

  void Run(int allocations, int period, double delete_fraction,
           const std::function<size_t(std::mt19937_64&)>& size_of) {
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < allocations; ++i) {
      size_t size = size_of(rng);
      bool f = policy.Place(Placement::kUserData, size) == Tier::kFar;
      live.push_back({size, f});
      (f ? far : dram) += static_cast<int64_t>(size);
      if (!live.empty() && u(rng) < delete_fraction) {
        size_t j = rng() % live.size();
        (live[j].far ? far : dram) -= static_cast<int64_t>(live[j].size);
        live[j] = live.back();
        live.pop_back();
      }
      if (i % period == 0 && controller.Step(dram, far)) policy.set_boundary(controller.boundary());
    }
  }
};

uint32_t Seed() {
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  return seed;
}

void ExpectConverges(const char* name, const std::function<size_t(std::mt19937_64&)>& size_of) {
  uint32_t seed = Seed();
  for (auto [dram_part, far_part] : {std::pair{1, 3}, std::pair{1, 1}, std::pair{3, 1}}) {
    RatioController::Options o;
    o.dram_part = dram_part;
    o.far_part = far_part;
    Simulation sim(o, seed);
    sim.Run(300000, 100, 0.3, size_of);
    double target = static_cast<double>(far_part) / (dram_part + far_part);
    EXPECT_NEAR(sim.far_share(), target, 0.02)
        << name << " ratio " << dram_part << ":" << far_part << " seed=" << seed
        << " knob=" << sim.controller.knob();
  }
}

TEST(RatioControllerTest, ConvergesWhenAllValuesHaveOneSize) {
  ExpectConverges("one size", [](std::mt19937_64&) { return size_t{100}; });
}

TEST(RatioControllerTest, ConvergesForBimodalSizes) {
  ExpectConverges("bimodal", [](std::mt19937_64& r) { return r() % 10 == 0 ? 4000 : 40; });
}

TEST(RatioControllerTest, MovesWhenFarTierIsEmpty) {
  RatioController::Options o;
  o.initial_threshold = o.max_threshold;  // nothing goes far at first
  RatioController c(o);
  double k0 = c.knob();
  EXPECT_TRUE(c.Step(/*dram=*/1000000, /*far=*/0));
  EXPECT_LT(c.knob(), k0);  // lowered the boundary: more will go far
}

TEST(RatioControllerTest, FirstStepIsSmall) {
  RatioController::Options o;
  RatioController c(o);
  double k0 = c.knob();
  c.Step(/*dram=*/0, /*far=*/1000000);  // everything far, target 75%: too much far
  EXPECT_GT(c.knob(), k0);
  EXPECT_LE(c.knob() - k0, 1.0);  // at most a quarter octave: no aggressive first move
}

TEST(RatioControllerTest, HoldsStillInsideTolerance) {
  RatioController::Options o;
  RatioController c(o);
  double k0 = c.knob();
  EXPECT_FALSE(c.Step(250000, 750000));
  EXPECT_EQ(c.knob(), k0);
}

TEST(RatioControllerTest, BoundaryClassSplitsDeterministically) {
  RatioController::Options o;
  o.initial_threshold = 100;
  RatioController c(o);
  // Knob 40% into 100's class: 60% of 100-byte allocations go far, deterministically.
  c.set_knob(SizeClass(100) + 0.4);
  PlacementPolicy policy;
  policy.SetMode(AllocPolicy::kRatio, true);
  policy.set_boundary(c.boundary());
  EXPECT_EQ(policy.threshold(), ClassStart(SizeClass(100)));
  int far = 0;
  for (int i = 0; i < 1000; ++i) far += policy.Place(Placement::kUserData, 100) == Tier::kFar;
  EXPECT_NEAR(far / 1000.0, 0.6, 0.002);
  EXPECT_EQ(policy.Place(Placement::kUserData, 100000), Tier::kFar);
  EXPECT_EQ(policy.Place(Placement::kUserData, 10), Tier::kDram);
  EXPECT_EQ(policy.Place(Placement::kMetadata, 100000), Tier::kDram);
}

TEST(RatioControllerTest, WholeClassBoundaries) {
  RatioController c{RatioController::Options{}};
  c.set_knob(SizeClass(100));  // p = 0: all of the class goes far
  EXPECT_EQ(c.boundary(), Boundary::Threshold(ClassStart(SizeClass(100))));
  c.set_knob(SizeClass(100) + 0.99999999);  // p ~ 1: none of it
  EXPECT_EQ(c.boundary(), Boundary::Threshold(ClassStart(SizeClass(100) + 1)));
}

TEST(RatioControllerTest, ForcedStepMovesWithoutNewAllocations) {
  RatioController c{RatioController::Options{}};
  c.Step(500000, 500000);
  double k = c.knob();
  EXPECT_FALSE(c.Step(500000, 500000));  // totals unchanged: skipped
  EXPECT_EQ(c.knob(), k);
  EXPECT_TRUE(c.Step(500000, 500000, /*force=*/true));
  EXPECT_LT(c.knob(), k);  // more far wanted: the boundary comes down
}

TEST(RatioControllerTest, ReportsSaturationAtTheBounds) {
  RatioController::Options o;
  o.initial_threshold = o.min_threshold;
  RatioController c(o);
  c.Step(1000000, 0);  // wants more far, but the boundary is already at its minimum
  EXPECT_TRUE(c.saturated());
  c.Step(0, 2000000);  // wants less far: moves, no longer saturated
  EXPECT_FALSE(c.saturated());
}

}  // namespace
}  // namespace memkeydb
