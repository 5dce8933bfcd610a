#include "memory/tier_controller.h"

#include <cmath>

namespace memkeydb {

void TierController::Configure(const TierSettings& s) {
  TierSettings old = settings_;
  settings_ = s;
  PlacementPolicy& policy = tiers_->policy();
  policy.SetMode(s.policy, tiers_->far_available());
  policy.set_table_on_dram(s.table_on_dram);
  tiers_->set_far_limit(s.far_limit);
  if (s.policy == AllocPolicy::kRatio) {
    RatioController::Options o;
    o.dram_part = s.dram_part;
    o.far_part = s.far_part;
    o.min_threshold = s.min_threshold;
    o.max_threshold = s.max_threshold;
    o.initial_threshold = s.initial_threshold;
    bool entering = !ratio_ || old.policy != AllocPolicy::kRatio ||
                    old.initial_threshold != s.initial_threshold;
    if (entering) {
      ratio_.emplace(o);
    } else {
      if (old.dram_part != s.dram_part || old.far_part != s.far_part) {
        ratio_->set_target(s.dram_part, s.far_part);
      }
      ratio_->set_bounds(s.min_threshold, s.max_threshold);
    }
    policy.set_boundary(ratio_->boundary());
  } else {
    ratio_.reset();
    if (s.policy == AllocPolicy::kThreshold) policy.set_threshold(s.static_threshold);
  }
  moving_ = false;
  consistent_ = false;
  stuck_ = false;
}

double TierController::current_far_share() const {
  int64_t dram = tiers_->used(Tier::kDram), far = tiers_->used(Tier::kFar);
  return dram + far > 0 ? static_cast<double>(far) / static_cast<double>(dram + far) : 0;
}

double TierController::target_far_share() const {
  if (ratio_) return ratio_->target_far_share();
  return std::nan("");  // only ratio mode has a target
}

bool TierController::Step(bool force) {
  if (!ratio_ || !tiers_->far_available()) return false;
  if (!ratio_->Step(tiers_->used(Tier::kDram), tiers_->used(Tier::kFar), force)) return false;
  tiers_->policy().set_boundary(ratio_->boundary());
  ++boundary_changes_;
  stuck_ = false;
  return true;
}

void TierController::OnEmptyPass() {
  if (!ratio_) {
    consistent_ = true;
    return;
  }
  if (!Step(/*force=*/true)) {
    stuck_ = true;
    moving_ = false;
  }
}

std::optional<MoveRule> TierController::WantMoves() {
  if (!tiers_->far_available()) return std::nullopt;
  const Boundary& b = tiers_->policy().boundary();
  MoveRule rule;
  switch (settings_.policy) {
    case AllocPolicy::kOnlyDram:
      if (consistent_ || tiers_->used(Tier::kFar) == 0) return std::nullopt;
      rule.to_dram_below = SIZE_MAX;
      return rule;
    case AllocPolicy::kOnlyPmem:
    case AllocPolicy::kThreshold:
      if (consistent_) return std::nullopt;
      rule.to_far_min = b.far_from;
      rule.to_dram_below = b.boundary_from;
      if (tiers_->far_full()) rule.to_far_min = SIZE_MAX;
      return rule;
    case AllocPolicy::kRatio: break;
  }
  double error = ratio_->target_far_share() - current_far_share();
  double size = std::fabs(error);
  if (moving_ ? size <= kStopMoving : size <= kStartMoving) {
    moving_ = false;
    return std::nullopt;
  }
  if (stuck_) return std::nullopt;
  moving_ = true;
  if (error > 0) {
    if (tiers_->far_full()) return std::nullopt;
    rule.to_far_min = b.boundary_from;  // the boundary class first holds the candidates
  } else {
    rule.to_dram_below = b.far_from;
  }
  return rule;
}

const char* TierController::state() const {
  if (!tiers_->far_available() || settings_.policy == AllocPolicy::kOnlyDram) {
    return tiers_->far_available() && tiers_->used(Tier::kFar) > 0 && !consistent_ ? "rebalancing"
                                                                                  : "off";
  }
  if (!ratio_) return consistent_ ? "holding" : "rebalancing";
  if (moving_) return "rebalancing";
  if (stuck_ || ratio_->saturated()) return "saturated";
  double e = std::fabs(ratio_->target_far_share() - current_far_share());
  return e <= kStartMoving ? "holding" : "steering";
}

}  // namespace memkeydb
