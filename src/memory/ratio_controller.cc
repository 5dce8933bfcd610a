#include "memory/ratio_controller.h"

#include <algorithm>
#include <cmath>

#include "memory/size_class.h"

namespace memkeydb {
namespace {
constexpr double kInitialGain = 2.0;  // classes moved per unit of error, at first
constexpr double kMaxGain = 64.0;
constexpr double kMinGain = 0.25;
constexpr double kMaxStep = kClassesPerOctave;  // at most a factor of 2 per step
// Like memKeyDB: a run is skipped if the totals moved by this much or less since the last.
constexpr int64_t kMinChange = 100;
}  // namespace

RatioController::RatioController(const Options& o)
    : tolerance_(o.tolerance), k_(SizeClass(o.initial_threshold)), gain_(kInitialGain) {
  set_target(o.dram_part, o.far_part);
  set_bounds(o.min_threshold, o.max_threshold);
}

void RatioController::set_target(int64_t dram_part, int64_t far_part) {
  int64_t sum = dram_part + far_part;
  target_ = sum > 0 ? static_cast<double>(far_part) / static_cast<double>(sum) : 0;
  gain_ = kInitialGain;  // a new target starts cautiously again
  prev_error_ = 0;
  saturated_ = false;
}

void RatioController::set_bounds(size_t min_threshold, size_t max_threshold) {
  k_min_ = SizeClass(min_threshold);
  k_max_ = std::max(k_min_, static_cast<double>(SizeClass(max_threshold)));
  k_ = std::clamp(k_, k_min_, k_max_ + 1);
  saturated_ = false;
}

void RatioController::set_knob(double k) {
  k_ = std::clamp(k, k_min_, k_max_ + 1);
  gain_ = kInitialGain;
  prev_error_ = 0;
  saturated_ = false;
}

bool RatioController::Step(int64_t dram_bytes, int64_t far_bytes, bool force) {
  int64_t total = dram_bytes + far_bytes;
  if (total <= 0) return false;
  if (!force && last_total_ >= 0 && std::llabs(total - last_total_) <= kMinChange) return false;
  last_total_ = total;
  double error = target_ - static_cast<double>(far_bytes) / static_cast<double>(total);
  if (std::fabs(error) <= tolerance_) {
    prev_error_ = error;
    saturated_ = false;
    return false;
  }
  if (prev_error_ != 0) {
    if ((error > 0) != (prev_error_ > 0)) {
      gain_ = std::max(kMinGain, gain_ / 2);  // overshot: calm down
    } else if (std::fabs(error) >= std::fabs(prev_error_)) {
      gain_ = std::min(kMaxGain, gain_ * 1.5);  // not improving: push harder
    }
  }
  prev_error_ = error;
  ++steps_;
  double step = std::clamp(gain_ * error, -kMaxStep, kMaxStep);
  double k = std::clamp(k_ - step, k_min_, k_max_ + 1);  // +1: "nothing far" is reachable
  saturated_ = k == k_;
  bool moved = k != k_;
  k_ = k;
  return moved;
}

Boundary RatioController::boundary() const {
  // Classes above floor(k) go far; the class floor(k) goes far in a fraction 1 - (k - floor k).
  double c = std::floor(k_);
  Boundary b;
  b.boundary_from = ClassStart(static_cast<int>(c));
  b.far_from = ClassStart(static_cast<int>(c) + 1);
  b.far_fraction = static_cast<uint32_t>(std::lround((1.0 - (k_ - c)) * Boundary::kOne));
  if (b.far_fraction >= Boundary::kOne) {
    return Boundary::Threshold(b.boundary_from);  // the whole class goes far
  }
  if (b.far_fraction == 0) return Boundary::Threshold(b.far_from);  // none of it does
  return b;
}

}  // namespace memkeydb
