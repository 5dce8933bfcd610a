#include "server/tiering.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "common/clock.h"
#include "common/logging.h"

namespace memkeydb {
namespace {

FarBackend BackendFor(const Config& config, AllocPolicy policy) {
  if (config.pmem_backend == "kmem-dax") return FarBackend::kKmemDax;
  if (config.pmem_backend == "file") return FarBackend::kFile;
  if (config.pmem_backend == "none") return FarBackend::kNone;
  // auto: memKeyDB's behaviour — a policy that uses far memory means KMEM DAX.
  return policy == AllocPolicy::kOnlyDram ? FarBackend::kNone : FarBackend::kKmemDax;
}

int KmemKind(const std::string& name) {
  if (name == "all") return 1;
  if (name == "preferred") return 2;
  return 0;
}

std::string Percent(double share) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.2f%%", 100 * share);
  return buf;
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  return buf;
}

}  // namespace

std::string Tiering::Apply(const Config& config) {
  AllocPolicy policy;
  if (!ParseAllocPolicy(config.memory_alloc_policy, &policy)) {
    return "unknown memory-alloc-policy '" + config.memory_alloc_policy + "'";
  }
  if (config.dynamic_threshold_min > config.dynamic_threshold_max) {
    return "dynamic-threshold-min must not be larger than dynamic-threshold-max";
  }
  if (config.dram_pmem_ratio[0] + config.dram_pmem_ratio[1] <= 0) {
    return "dram-pmem-ratio needs a positive DRAM or pmem part";
  }
  FarBackend backend = BackendFor(config, policy);
  if (backend != FarBackend::kNone && !tiers_->far_available()) {
    FarTierSpec spec;
    spec.backend = backend;
    spec.kmem_kind = KmemKind(config.pmem_kmem_kind);
    spec.kmem_nodes = config.pmem_kmem_nodes;
    spec.dir = config.pmem_dir;
    spec.capacity = static_cast<size_t>(config.pmem_capacity);
    std::string error;
    if (!tiers_->OpenFar(spec, &error)) {
      return "memory-alloc-policy " + config.memory_alloc_policy + " with pmem-backend " +
             config.pmem_backend + " needs a far-memory tier, but " + error;
    }
  }
  if (policy != AllocPolicy::kOnlyDram && !tiers_->far_available()) {
    return "memory-alloc-policy " + config.memory_alloc_policy +
           " needs a far-memory tier, but pmem-backend is none";
  }
  TierSettings s;
  s.policy = policy;
  s.static_threshold = static_cast<size_t>(config.static_threshold);
  s.dram_part = config.dram_pmem_ratio[0];
  s.far_part = config.dram_pmem_ratio[1];
  s.initial_threshold = static_cast<size_t>(config.initial_dynamic_threshold);
  s.min_threshold = static_cast<size_t>(config.dynamic_threshold_min);
  s.max_threshold = static_cast<size_t>(config.dynamic_threshold_max);
  s.table_on_dram = config.hashtable_on_dram;
  s.far_limit = config.pmem_maxmemory;
  s.dram_limit = config.dram_maxmemory;
  controller_.Configure(s);
  next_check_us_ = 0;  // step at the next tick
  return "";
}

int64_t Tiering::Tick(const std::vector<std::unique_ptr<Database>>& dbs,
                      int64_t check_period_ms) {
  int64_t now = MonotonicUs();
  int64_t period_us = std::max<int64_t>(1, check_period_ms) * 1000;
  if (now >= next_check_us_) {
    controller_.Step();
    next_check_us_ = now + period_us;
  }
  std::optional<MoveRule> rule = controller_.WantMoves();
  if (!rule) {
    if (in_episode_) EndEpisode();
    return next_check_us_ - now;
  }
  if (!in_episode_) {
    in_episode_ = true;
    episode_start_us_ = now;
    episode_start_ = rebalancer_.moved();
  }
  if (controller_.walk_generation() != walk_generation_) {
    walk_generation_ = controller_.walk_generation();
    rebalancer_.Restart();
  }
  rebalancer_.RunSlice(dbs, *rule, now + kSliceUs, [this](MoveRule* r) {
    std::optional<MoveRule> w = controller_.WantMoves();
    if (!w || controller_.walk_generation() != walk_generation_) return false;
    *r = *w;
    return true;
  });
  Rebalancer::Pass pass;
  if (rebalancer_.TakeCompletedPass(&pass)) controller_.OnPassComplete(*pass.census, pass.moved);
  return std::min(kSlicePeriodUs, next_check_us_ - now);
}

void Tiering::EndEpisode() {
  in_episode_ = false;
  ++episodes_;
  const MoveStats& total = rebalancer_.moved();
  MoveStats d;
  d.blocks_to_far = total.blocks_to_far - episode_start_.blocks_to_far;
  d.bytes_to_far = total.bytes_to_far - episode_start_.bytes_to_far;
  d.blocks_to_dram = total.blocks_to_dram - episode_start_.blocks_to_dram;
  d.bytes_to_dram = total.bytes_to_dram - episode_start_.bytes_to_dram;
  if (d.blocks() == 0) return;
  double far = controller_.current_far_share();
  int64_t ms = (MonotonicUs() - episode_start_us_) / 1000;
  // Small corrections while a workload runs are routine; large moves are worth a notice.
  bool notable = d.bytes_to_far + d.bytes_to_dram >= (1u << 20) || ms >= 1000;
  std::string line = "Tier rebalancing done in " + std::to_string(ms) + " ms: moved " +
                     std::to_string(d.blocks_to_far) + " values (" + Megabytes(d.bytes_to_far) +
                     ") to pmem and " + std::to_string(d.blocks_to_dram) + " values (" +
                     Megabytes(d.bytes_to_dram) + ") to dram; dram:pmem is now " +
                     Percent(1 - far) + ":" + Percent(far);
  if (notable) {
    MKDB_LOG(kNotice) << line;
  } else {
    MKDB_LOG(kVerbose) << line;
  }
}

std::string Tiering::FarNodes() const {
  const FarTierSpec& spec = tiers_->far_spec();
  if (tiers_->far_backend() != FarBackend::kKmemDax) return "";
  if (!spec.kmem_nodes.empty()) return spec.kmem_nodes;
  if (const char* env = getenv("MEMKIND_DAX_KMEM_NODES")) return env;
  return "auto";
}

std::string Tiering::Describe() const {
  const TierSettings& s = controller_.settings();
  std::string out = "Memory tiers: policy " + std::string(AllocPolicyName(s.policy));
  if (s.policy == AllocPolicy::kRatio) {
    out += " (dram:pmem " + std::to_string(s.dram_part) + ":" + std::to_string(s.far_part) + ")";
  }
  out += ", far tier ";
  switch (tiers_->far_backend()) {
    case FarBackend::kNone: out += "none (DRAM only)"; break;
    case FarBackend::kKmemDax:
      out += "kmem-dax (NUMA node(s) " + FarNodes() + ", fork copy-on-write kept)";
      break;
    case FarBackend::kFile:
      out += "file in " + tiers_->far_spec().dir + " (capacity " +
             (tiers_->far_spec().capacity ? std::to_string(tiers_->far_spec().capacity) + " bytes"
                                          : std::string("unlimited")) +
             ", MAP_SHARED: fork snapshots refused)";
      break;
  }
  out += ", threshold " + std::to_string(tiers_->policy().threshold()) + " bytes, hash table on " +
         (s.table_on_dram ? "dram" : "pmem");
  return out;
}

}  // namespace memkeydb
