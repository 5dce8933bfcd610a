#include "memory/placement_policy.h"

namespace memkeydb {

const char* AllocPolicyName(AllocPolicy p) {
  switch (p) {
    case AllocPolicy::kOnlyDram: return "only-dram";
    case AllocPolicy::kOnlyPmem: return "only-pmem";
    case AllocPolicy::kThreshold: return "threshold";
    case AllocPolicy::kRatio: return "ratio";
  }
  return "only-dram";
}

bool ParseAllocPolicy(std::string_view name, AllocPolicy* out) {
  for (AllocPolicy p : {AllocPolicy::kOnlyDram, AllocPolicy::kOnlyPmem, AllocPolicy::kThreshold,
                        AllocPolicy::kRatio}) {
    if (name == AllocPolicyName(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

void PlacementPolicy::SetMode(AllocPolicy mode, bool far_available) {
  mode_ = mode;
  far_enabled_ = far_available && mode != AllocPolicy::kOnlyDram;
  if (mode == AllocPolicy::kOnlyPmem) boundary_ = Boundary::Threshold(0);
}

}  // namespace memkeydb
