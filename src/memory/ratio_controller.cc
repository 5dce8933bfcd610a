#include "memory/ratio_controller.h"

#include <algorithm>
#include <cmath>

namespace memkeydb {
namespace {
constexpr double kClassesPerOctave = 4;
constexpr double kInitialGain = 2.0;   // classes moved per unit of error, at first
constexpr double kMaxGain = 64.0;
constexpr double kMinGain = 0.25;
constexpr double kMaxStep = kClassesPerOctave;  // at most a factor of 2 per step
// Like memKeyDB: a run is skipped if the totals moved by this much or less since the last.
constexpr int64_t kMinChange = 100;
}  // namespace

double RatioController::SizeClass(size_t size) {
  return std::floor(kClassesPerOctave * std::log2(static_cast<double>(size < 1 ? 1 : size)));
}

RatioController::RatioController(const Options& o)
    : tolerance_(o.tolerance),
      k_(SizeClass(o.initial_threshold)),
      k_min_(SizeClass(o.min_threshold)),
      k_max_(SizeClass(o.max_threshold)),
      gain_(kInitialGain) {
  set_target(o.dram_part, o.far_part);
  k_ = std::clamp(k_, k_min_, k_max_);
}

void RatioController::set_target(int64_t dram_part, int64_t far_part) {
  int64_t sum = dram_part + far_part;
  target_ = sum > 0 ? static_cast<double>(far_part) / static_cast<double>(sum) : 0;
  gain_ = kInitialGain;  // a new target starts cautiously again
  prev_error_ = 0;
}

bool RatioController::Step(int64_t dram_bytes, int64_t far_bytes) {
  int64_t total = dram_bytes + far_bytes;
  if (total <= 0) return false;
  if (last_total_ >= 0 && std::llabs(total - last_total_) <= kMinChange) return false;
  last_total_ = total;
  double error = target_ - static_cast<double>(far_bytes) / static_cast<double>(total);
  if (std::fabs(error) <= tolerance_) {
    prev_error_ = error;
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
  double step = std::clamp(gain_ * error, -kMaxStep, kMaxStep);
  double k = std::clamp(k_ - step, k_min_, k_max_ + 1);  // +1: "nothing far" is reachable
  bool moved = k != k_;
  k_ = k;
  return moved;
}

bool RatioController::PlaceFar(size_t size) {
  double c = SizeClass(size);
  double boundary = std::floor(k_);
  if (c > boundary) return true;
  if (c < boundary) return false;
  boundary_credit_ += 1.0 - (k_ - boundary);
  if (boundary_credit_ >= 1.0) {
    boundary_credit_ -= 1.0;
    return true;
  }
  return false;
}

size_t RatioController::threshold() const {
  return static_cast<size_t>(std::ceil(std::exp2(std::floor(k_) / kClassesPerOctave)));
}

}  // namespace memkeydb
