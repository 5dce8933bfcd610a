// maxmemory: eviction by maxmemory-policy, and the LFU access counter.
//
// Like Redis, eviction is approximate: each round samples maxmemory-samples keys per database
// (all keys, or those with a TTL for the volatile-* policies) into a pool of the 16 best
// candidates seen so far, and evicts the best one still present. maxmemory limits used_memory,
// both tiers together (what INFO reports), so a ratio-mode server with maxmemory holds at most
// that many bytes across DRAM and far memory; dram-maxmemory limits the DRAM tier alone (user
// data spills to far memory first, see MemoryTiers::set_dram_limit).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr size_t kPoolSize = 16;
constexpr int kLfuInitValue = 5;
// One call evicts for at most this long; the next command continues (Redis's tenacity 10).
constexpr int64_t kMaxEvictionUs = 500;

std::mt19937_64& EvictionRng() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng;
}

uint32_t NowMinutes() { return static_cast<uint32_t>(NowMs() / 60000) & 0xffff; }

}  // namespace

uint32_t LruClock() { return static_cast<uint32_t>(NowMs() / 1000) & Entry::kClockMask; }

uint32_t LruIdleSeconds(uint32_t clock, uint32_t now_lru) {
  return now_lru >= clock ? now_lru - clock : now_lru + (Entry::kClockMask - clock);
}

uint32_t LfuDecayedCounter(uint32_t clock, int64_t decay_time) {
  uint32_t counter = clock & 0xff;
  uint32_t last = clock >> 8;
  uint32_t now = NowMinutes();
  uint32_t elapsed = now >= last ? now - last : 0xffff - last + now;
  uint32_t periods = decay_time > 0 ? static_cast<uint32_t>(elapsed / decay_time) : 0;
  return periods > counter ? 0 : counter - periods;
}

EvictionPolicy ParseEvictionPolicy(const std::string& name) {
  if (name == "volatile-lru") return EvictionPolicy::kVolatileLru;
  if (name == "volatile-lfu") return EvictionPolicy::kVolatileLfu;
  if (name == "volatile-random") return EvictionPolicy::kVolatileRandom;
  if (name == "volatile-ttl") return EvictionPolicy::kVolatileTtl;
  if (name == "allkeys-lru") return EvictionPolicy::kAllkeysLru;
  if (name == "allkeys-lfu") return EvictionPolicy::kAllkeysLfu;
  if (name == "allkeys-random") return EvictionPolicy::kAllkeysRandom;
  return EvictionPolicy::kNoEviction;
}

void Server::ApplyEvictionPolicy() {
  eviction_policy_ = ParseEvictionPolicy(config_.maxmemory_policy);
  lfu_ = eviction_policy_ == EvictionPolicy::kVolatileLfu ||
         eviction_policy_ == EvictionPolicy::kAllkeysLfu;
  UpdateAccessClock(NowMs());
}

void Server::UpdateAccessClock(int64_t now_ms) {
  // New keys start with this clock: LRU seconds, or (LFU) the minute and the initial counter.
  Database::set_access_clock(
      lfu_ ? ((static_cast<uint32_t>(now_ms / 60000) & 0xffff) << 8) | kLfuInitValue
           : static_cast<uint32_t>(now_ms / 1000));
}

uint32_t Server::AccessClockOf(const Entry* e) const {
  if (!IsSharedInteger(e->value)) return e->clock();
  int64_t n;
  e->value.GetInt(&n);
  return shared_integer_clock_[n];
}

void Server::TouchAccessClock(Entry* e) {
  if (!lfu_) {
    uint32_t now = Database::access_clock();  // LRU: Unix seconds, 24 bits, as Redis keeps it
    e->set_clock(now);
    int64_t n;
    if (e->value.GetInt(&n) && n >= 0 && n < kSharedIntegers) shared_integer_clock_[n] = now;
    return;
  }
  // Redis's logarithmic counter: decay by elapsed time, then increment with probability
  // 1 / ((counter - init) * lfu-log-factor + 1).
  uint32_t counter = LfuDecayedCounter(e->clock(), config_.lfu_decay_time);
  if (counter < 255) {
    double base = counter > kLfuInitValue ? counter - kLfuInitValue : 0;
    double p = 1.0 / (base * static_cast<double>(config_.lfu_log_factor) + 1);
    if (std::uniform_real_distribution<double>(0, 1)(EvictionRng()) < p) ++counter;
  }
  e->set_clock((NowMinutes() << 8) | counter);
}

bool Server::OverMemoryLimit() const {
  const MemoryTiers& tiers = MemoryTiers::Get();
  return (config_.maxmemory > 0 && tiers.used_total() > config_.maxmemory) ||
         (config_.dram_maxmemory > 0 && tiers.used(Tier::kDram) > config_.dram_maxmemory);
}

bool Server::PerformEvictions() {
  if (config_.maxmemory <= 0 && config_.dram_maxmemory <= 0) return true;
  if (!OverMemoryLimit()) return true;
  if (eviction_policy_ == EvictionPolicy::kNoEviction) return false;
  bool volatile_only = eviction_policy_ == EvictionPolicy::kVolatileLru ||
                       eviction_policy_ == EvictionPolicy::kVolatileLfu ||
                       eviction_policy_ == EvictionPolicy::kVolatileRandom ||
                       eviction_policy_ == EvictionPolicy::kVolatileTtl;
  bool random = eviction_policy_ == EvictionPolicy::kVolatileRandom ||
                eviction_policy_ == EvictionPolicy::kAllkeysRandom;
  int64_t start = MonotonicUs();
  uint32_t lru_now = LruClock();
  auto score = [&](Entry* e) -> uint64_t {
    switch (eviction_policy_) {
      case EvictionPolicy::kVolatileTtl:
        return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_at());
      case EvictionPolicy::kVolatileLfu:
      case EvictionPolicy::kAllkeysLfu:
        return 255 - LfuDecayedCounter(e->clock(), config_.lfu_decay_time);
      default:
        return LruIdleSeconds(e->clock(), lru_now);
    }
  };
  while (OverMemoryLimit()) {
    Database* victim_db = nullptr;
    std::string victim;
    if (random) {
      // Databases in turn, one random key from each, so no database is emptied first.
      for (size_t tries = 0; tries < dbs_.size() && victim_db == nullptr; ++tries) {
        Database& db = *dbs_[next_eviction_db_++ % dbs_.size()];
        Entry* e = volatile_only ? db.RandomExpiring() : db.RandomEntry();
        if (e != nullptr) {
          victim_db = &db;
          victim.assign(e->key());
        }
      }
    } else {
      for (auto& db : dbs_) {
        if ((volatile_only ? db->expires() : db->size()) == 0) continue;
        for (int64_t i = 0; i < config_.maxmemory_samples; ++i) {
          Entry* e = volatile_only ? db->RandomExpiring() : db->RandomEntry();
          if (e == nullptr) break;
          EvictionCandidate c{score(e), db->index(), std::string(e->key())};
          auto same = [&](const EvictionCandidate& o) { return o.db == c.db && o.key == c.key; };
          if (std::any_of(eviction_pool_.begin(), eviction_pool_.end(), same)) continue;
          eviction_pool_.push_back(std::move(c));
        }
      }
      std::sort(eviction_pool_.begin(), eviction_pool_.end(),
                [](const EvictionCandidate& a, const EvictionCandidate& b) {
                  return a.score > b.score;
                });
      if (eviction_pool_.size() > kPoolSize) eviction_pool_.resize(kPoolSize);
      // The best candidate that still exists (the pool outlives commands that delete keys).
      while (!eviction_pool_.empty() && victim_db == nullptr) {
        EvictionCandidate c = std::move(eviction_pool_.front());
        eviction_pool_.erase(eviction_pool_.begin());
        Entry* e = dbs_[c.db]->FindRaw(c.key);
        if (e != nullptr && (!volatile_only || e->has_expire())) {
          victim_db = dbs_[c.db].get();
          victim = std::move(c.key);
        }
      }
    }
    if (victim_db == nullptr) return false;  // nothing left that the policy may evict
    NotifyKeyspaceEvent('e', "evicted", victim, victim_db->index());
    TouchWatchedKey(victim_db->index(), victim);
    PropagateDeletion(victim_db->index(), victim, config_.lazyfree_lazy_eviction);
    victim_db->Delete(victim);
    ++stats_.evicted_keys;
    if (MonotonicUs() - start > kMaxEvictionUs) break;
  }
  return !OverMemoryLimit();
}

}  // namespace memkeydb
