#include "memory/tier_controller.h"

#include <algorithm>
#include <cmath>

#include "memory/size_class.h"

namespace memkeydb {

void TierController::Configure(const TierSettings& s) {
  TierSettings old = settings_;
  settings_ = s;
  PlacementPolicy& policy = tiers_->policy();
  policy.SetMode(s.policy, tiers_->far_available());
  policy.set_table_on_dram(s.table_on_dram);
  tiers_->set_far_limit(s.far_limit);
  tiers_->set_dram_limit(s.dram_limit);
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
  phase_ = Phase::kIdle;
  consistent_ = false;
  unreachable_backoff_ = kMinBackoff / 2;
  ++walk_generation_;
}

double TierController::current_far_share() const {
  int64_t dram = tiers_->used(Tier::kDram), far = tiers_->used(Tier::kFar);
  return dram + far > 0 ? static_cast<double>(far) / static_cast<double>(dram + far) : 0;
}

double TierController::target_far_share() const {
  if (ratio_) return ratio_->target_far_share();
  return std::nan("");  // only ratio mode has a target
}

void TierController::SetKnob(double k) {
  ratio_->set_knob(k);
  tiers_->policy().set_boundary(ratio_->boundary());
  ++boundary_changes_;
}

bool TierController::Step() {
  if (!ratio_ || !tiers_->far_available() || phase_ == Phase::kMoving) return false;
  if (phase_ == Phase::kUnreachable) ++unreachable_periods_;
  if (!ratio_->Step(tiers_->used(Tier::kDram), tiers_->used(Tier::kFar))) return false;
  tiers_->policy().set_boundary(ratio_->boundary());
  ++boundary_changes_;
  return true;
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
      rule.to_far_min = tiers_->far_full() ? SIZE_MAX : b.far_from;
      rule.to_dram_below = b.boundary_from;
      return rule;
    case AllocPolicy::kRatio: break;
  }
  double error = ratio_->target_far_share() - current_far_share();
  double size = std::fabs(error);
  switch (phase_) {
    case Phase::kUnreachable: {
      // Look again after a back-off of control periods (10, doubling up to 100 while the
      // verdict stands: each look is a walk of the keyspace, and under a steady write load the
      // verdict rarely changes), or after the shortest back-off once the data changed by a
      // tenth. A verdict reached while writes were landing must not stand once they stop.
      int64_t total = tiers_->used_total();
      bool changed = std::llabs(total - unreachable_total_) * 10 >= unreachable_total_;
      if (unreachable_periods_ < (changed ? kMinBackoff : unreachable_backoff_)) {
        return std::nullopt;
      }
      phase_ = Phase::kIdle;
      [[fallthrough]];
    }
    case Phase::kIdle:
      if (size <= kStartMoving) return std::nullopt;
      phase_ = Phase::kCensus;
      ++walk_generation_;
      return rule;  // inactive: count only
    case Phase::kCensus:
      return rule;
    case Phase::kMoving:
      if (size <= kStopMoving) {
        phase_ = Phase::kIdle;
        unreachable_backoff_ = kMinBackoff / 2;  // reached: the next verdict starts afresh
        return std::nullopt;
      }
      // Everything on the wrong side of the boundary; the boundary class itself only in the
      // direction of the error.
      rule.to_far_min = error > 0 ? b.boundary_from : b.far_from;
      rule.to_dram_below = error > 0 ? b.boundary_from : b.far_from;
      if (tiers_->far_full()) rule.to_far_min = SIZE_MAX;
      return rule;
  }
  return std::nullopt;
}

double TierController::KnobFromCensus(const TierCensus& census) const {
  // Bytes the walk cannot move (metadata, tables, values it did not see) stay where they are.
  int64_t total = tiers_->used_total();
  int64_t movable = static_cast<int64_t>(census.total(Tier::kDram) + census.total(Tier::kFar));
  int64_t fixed_far = std::max<int64_t>(
      0, tiers_->used(Tier::kFar) - static_cast<int64_t>(census.total(Tier::kFar)));
  double want_far = ratio_->target_far_share() * static_cast<double>(total) -
                    static_cast<double>(fixed_far);
  want_far = std::clamp(want_far, 0.0, static_cast<double>(movable));
  // From the largest class down: whole classes go far while they fit; the class where the
  // target falls is split by the fraction.
  double acc = 0;
  for (int c = TierCensus::kClasses - 1; c >= 0; --c) {
    double b = static_cast<double>(census.bytes[0][c] + census.bytes[1][c]);
    if (b == 0) continue;
    if (acc + b >= want_far) {
      double far_fraction = (want_far - acc) / b;
      return c + (1 - far_fraction);  // the knob's fraction is the part kept in DRAM
    }
    acc += b;
  }
  return 0;  // everything far (clamped to dynamic-threshold-min by the controller)
}

void TierController::OnPassComplete(const TierCensus& census, uint64_t moved) {
  if (!ratio_) {
    if (moved == 0) consistent_ = true;
    return;
  }
  if (phase_ != Phase::kCensus && phase_ != Phase::kMoving) return;
  double before = ratio_->knob();
  SetKnob(KnobFromCensus(census));
  ++census_placements_;
  bool stalled = phase_ == Phase::kMoving && moved == 0 && std::fabs(ratio_->knob() - before) < 0.05;
  if (stalled || !HasCandidates(census)) {
    // Nothing moved and nothing new would, or the census shows nothing on the side that would
    // have to give: metadata alone exceeds the DRAM share, or everything movable is already
    // where the error wants it.
    phase_ = Phase::kUnreachable;
    unreachable_total_ = tiers_->used_total();
    unreachable_periods_ = 0;
    unreachable_backoff_ = std::min(kMaxBackoff, unreachable_backoff_ * 2);
    return;
  }
  phase_ = Phase::kMoving;
}

bool TierController::HasCandidates(const TierCensus& census) const {
  double error = ratio_->target_far_share() - current_far_share();
  const Boundary& b = tiers_->policy().boundary();
  // The classes a moving walk would take from: DRAM at or above the boundary class (toward
  // far), or far below the top of the boundary class (toward DRAM).
  int from_class = SizeClass(b.boundary_from);
  int to_class = SizeClass(b.far_from);
  uint64_t bytes = 0;
  for (int c = 0; c < TierCensus::kClasses; ++c) {
    if (error > 0 && c >= from_class) bytes += census.bytes[static_cast<int>(Tier::kDram)][c];
    if (error < 0 && c < to_class) bytes += census.bytes[static_cast<int>(Tier::kFar)][c];
  }
  return bytes > 0;
}

const char* TierController::state() const {
  if (!tiers_->far_available()) return "off";
  if (!ratio_) {
    if (settings_.policy == AllocPolicy::kOnlyDram && tiers_->used(Tier::kFar) == 0) return "off";
    return consistent_ ? "holding" : "rebalancing";
  }
  switch (phase_) {
    case Phase::kCensus: return "census";
    case Phase::kMoving: return "rebalancing";
    case Phase::kUnreachable: return "unreachable";
    case Phase::kIdle: break;
  }
  double e = std::fabs(ratio_->target_far_share() - current_far_share());
  return e <= kStartMoving ? "holding" : "steering";
}

}  // namespace memkeydb
