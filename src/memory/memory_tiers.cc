#include "memory/memory_tiers.h"

#include <memkind.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "common/logging.h"

namespace memkeydb {
namespace {
inline memkind_t Kind(void* k) { return static_cast<memkind_t>(k); }

[[noreturn]] void OutOfMemory(size_t size) {
  MKDB_LOG(kWarning) << "Out Of Memory allocating " << size << " bytes on DRAM";
  abort();
}
}  // namespace

namespace {
// Set on the reclaimer thread: Free() there counts into the atomic background totals.
thread_local bool t_on_reclaimer = false;
}  // namespace

// The background thread: returns large blocks to memkind (thread-safe), and runs jobs such as
// destroying a detached keyspace. Blocks freed by the main thread were counted there already.
class MemoryTiers::Reclaimer {
 public:
  Reclaimer() : thread_([this] { Run(); }) { thread_.detach(); }

  void Push(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
    ++queued_;
    cv_.notify_all();
  }

  uint64_t pending() {
    std::lock_guard<std::mutex> lock(mu_);
    return queued_ - done_;
  }

  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t target = queued_;
    cv_.wait(lock, [&] { return done_ >= target; });
  }

 private:
  void Run() {
    t_on_reclaimer = true;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty(); });
      std::function<void()> job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      ++done_;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  uint64_t queued_ = 0;
  uint64_t done_ = 0;
  std::thread thread_;
};

MemoryTiers::MemoryTiers() : dram_kind_(MEMKIND_DEFAULT) {}

MemoryTiers& MemoryTiers::Get() {
  static MemoryTiers* instance = new MemoryTiers();  // never destroyed: freed blocks outlive exit
  return *instance;
}

void MemoryTiers::Count(Tier t, void* p, int64_t sign) {
  int i = static_cast<int>(t);
  used_[i] += sign * static_cast<int64_t>(UsableSize(p, t));
  allocations_[i] += sign;
  if (sign > 0 && used_total() > peak_) peak_ = used_total();
}

void* MemoryTiers::RawAlloc(Tier t, size_t size, bool zeroed) {
  if (size == 0) size = 1;
  memkind_t kind = Kind(t == Tier::kDram ? dram_kind_ : far_kind_);
  return zeroed ? memkind_calloc(kind, 1, size) : memkind_malloc(kind, size);
}

void* MemoryTiers::AllocateOn(size_t size, Tier wanted, Tier* tier) {
  return AllocateOn(size, wanted, tier, false);
}

Tier MemoryTiers::Place(Placement placement, size_t size) {
  Tier t = policy_.Place(placement, size);
  // Near dram-maxmemory, user data that would go to DRAM spills to far memory instead. The
  // last sixteenth of the limit is left to metadata, which cannot spill.
  if (t == Tier::kDram && dram_limit_ != 0 && placement == Placement::kUserData &&
      far_kind_ != nullptr &&
      used(Tier::kDram) + static_cast<int64_t>(size) > dram_limit_ - dram_limit_ / 16) {
    ++spills_;
    return Tier::kFar;
  }
  return t;
}

void* MemoryTiers::AllocateZeroed(size_t size, Placement placement, Tier* tier) {
  return AllocateOn(size, Place(placement, size), tier, true);
}

void* MemoryTiers::AllocateOn(size_t size, Tier wanted, Tier* tier, bool zeroed) {
  if (wanted == Tier::kFar && far_kind_ != nullptr) {
    bool within_limit =
        far_limit_ == 0 || used(Tier::kFar) + static_cast<int64_t>(size) <= far_limit_;
    if (void* p = within_limit ? RawAlloc(Tier::kFar, size, zeroed) : nullptr) {
      *tier = Tier::kFar;
      Count(Tier::kFar, p, +1);
      far_full_ = false;
      return p;
    }
    ++fallbacks_;
    if (!far_full_) {  // once per episode: until a far allocation succeeds again
      far_full_ = true;
      MKDB_LOG(kWarning) << "Far memory is full ("
                         << (within_limit ? "the backend refused " : "pmem-maxmemory reached at ")
                         << size << " bytes, " << used(Tier::kFar)
                         << " bytes in use): allocations fall back to DRAM";
    }
  }
  void* p = RawAlloc(Tier::kDram, size, zeroed);
  if (p == nullptr) OutOfMemory(size);
  *tier = Tier::kDram;
  Count(Tier::kDram, p, +1);
  return p;
}

void* MemoryTiers::Allocate(size_t size, Placement placement, Tier* tier) {
  return AllocateOn(size, Place(placement, size), tier);
}

void* MemoryTiers::Reallocate(void* p, size_t new_size, Placement placement, Tier* tier) {
  if (p == nullptr) return Allocate(new_size, placement, tier);
  Tier wanted = Place(placement, new_size);
  if (wanted == *tier || (wanted == Tier::kFar && far_kind_ == nullptr)) {
    Count(*tier, p, -1);
    void* q = memkind_realloc(Kind(*tier == Tier::kDram ? dram_kind_ : far_kind_), p,
                              new_size ? new_size : 1);
    if (q != nullptr) {
      Count(*tier, q, +1);
      return q;
    }
    Count(*tier, p, +1);  // the old block is intact; move it instead
  }
  size_t old_size = UsableSize(p, *tier);
  Tier new_tier;
  void* q = AllocateOn(new_size, wanted, &new_tier);
  memcpy(q, p, old_size < new_size ? old_size : new_size);
  Free(p, *tier);
  *tier = new_tier;
  return q;
}

void* MemoryTiers::MoveBlock(void* p, size_t length, const MoveRule& rule, Tier* tier,
                             MoveStats* stats, TierCensus* census) {
  std::optional<Tier> to = rule.Destination(*tier, length);
  size_t capacity = UsableSize(p, *tier);  // kept on a move: an appended string stays amortised
  if (!to || (*to == Tier::kFar && far_kind_ == nullptr)) {
    if (census) census->Add(*tier, length, capacity);
    return p;
  }
  Tier got;
  void* q = AllocateOn(capacity, *to, &got);
  if (got != *to) {  // the far tier is full: leave the block where it is
    Free(q, got);
    ++stats->failed;
    if (census) census->Add(*tier, length, capacity);
    return p;
  }
  memcpy(q, p, length);
  Free(p, *tier);
  *tier = got;
  uint64_t moved = UsableSize(q, got);
  if (census) census->Add(got, length, moved);
  if (got == Tier::kFar) {
    ++stats->blocks_to_far;
    stats->bytes_to_far += moved;
  } else {
    ++stats->blocks_to_dram;
    stats->bytes_to_dram += moved;
  }
  return q;
}

MemoryTiers::Reclaimer& MemoryTiers::reclaimer() {
  if (reclaimer_ == nullptr) reclaimer_ = new Reclaimer();
  return *reclaimer_;
}

void MemoryTiers::Free(void* p, Tier tier) {
  if (p == nullptr) return;
  size_t size = UsableSize(p, tier);
  int i = static_cast<int>(tier);
  void* kind = tier == Tier::kDram ? dram_kind_ : far_kind_;
  if (t_on_reclaimer) {
    freed_in_background_[i].fetch_add(static_cast<int64_t>(size), std::memory_order_relaxed);
    blocks_freed_in_background_[i].fetch_add(1, std::memory_order_relaxed);
    memkind_free(Kind(kind), p);
    return;
  }
  used_[i] -= static_cast<int64_t>(size);
  --allocations_[i];
  if (size >= kBackgroundFreeMin) {
    ++background_frees_;
    reclaimer().Push([kind, p] { memkind_free(Kind(kind), p); });
    return;
  }
  memkind_free(Kind(kind), p);
}

void MemoryTiers::RunInBackground(std::function<void()> job) { reclaimer().Push(std::move(job)); }

uint64_t MemoryTiers::background_pending() const {
  return reclaimer_ == nullptr ? 0 : reclaimer_->pending();
}

void MemoryTiers::WaitForBackgroundFrees() {
  if (reclaimer_ != nullptr) reclaimer_->Wait();
}

size_t MemoryTiers::UsableSize(const void* p, Tier tier) const {
  return memkind_malloc_usable_size(Kind(tier == Tier::kDram ? dram_kind_ : far_kind_),
                                    const_cast<void*>(p));
}

const char* FarBackendName(FarBackend b) {
  switch (b) {
    case FarBackend::kNone: return "none";
    case FarBackend::kKmemDax: return "kmem-dax";
    case FarBackend::kFile: return "file";
  }
  return "none";
}

bool MemoryTiers::OpenFar(const FarTierSpec& spec, std::string* error) {
  if (far_kind_ != nullptr) {
    if (spec.backend == far_backend_) return true;
    *error = std::string("the far tier is already open on the ") + FarBackendName(far_backend_) +
             " backend";
    return false;
  }
  memkind_t kind = nullptr;
  switch (spec.backend) {
    case FarBackend::kNone:
      *error = "no far-memory backend is configured (pmem-backend none)";
      return false;
    case FarBackend::kKmemDax: {
      // memkind reads the node list when a DAX KMEM kind is first used, which is below.
      if (!spec.kmem_nodes.empty()) setenv("MEMKIND_DAX_KMEM_NODES", spec.kmem_nodes.c_str(), 1);
      kind = spec.kmem_kind == 0   ? MEMKIND_DAX_KMEM
             : spec.kmem_kind == 1 ? MEMKIND_DAX_KMEM_ALL
                                   : MEMKIND_DAX_KMEM_PREFERRED;
      if (memkind_check_available(kind) != MEMKIND_SUCCESS) {
        *error =
            "no far-memory NUMA node found (KMEM DAX backend). Expose PMem or CXL memory as a "
            "CPU-less NUMA node (for PMem: `daxctl reconfigure-device --mode=system-ram dax0.0`), "
            "or name the node(s) with pmem-kmem-nodes or MEMKIND_DAX_KMEM_NODES=<nodes>. On a "
            "machine without far memory, MEMKIND_DAX_KMEM_NODES=0 runs the far tier on node 0's "
            "DRAM (for testing)";
        return false;
      }
      break;
    }
    case FarBackend::kFile: {
      constexpr size_t kMinCapacity = 16u << 20;  // memkind's floor for a bounded pmem kind
      if (spec.dir.empty()) {
        *error = "the file backend needs a directory: set pmem-dir (an fsdax mount such as "
                 "/mnt/pmem0, or any directory)";
        return false;
      }
      if (spec.capacity != 0 && spec.capacity < kMinCapacity) {
        *error = "pmem-capacity must be 0 (no limit) or at least 16mb for the file backend";
        return false;
      }
      int rc = memkind_create_pmem(spec.dir.c_str(), spec.capacity, &kind);
      if (rc != MEMKIND_SUCCESS) {
        char msg[MEMKIND_ERROR_MESSAGE_SIZE];
        memkind_error_message(rc, msg, sizeof(msg));
        *error = "cannot create the far-memory file in pmem-dir '" + spec.dir + "': " + msg +
                 " (the directory must exist and be writable)";
        return false;
      }
      break;
    }
  }
  far_kind_ = kind;
  far_backend_ = spec.backend;
  far_spec_ = spec;
  return true;
}

MemoryTiers::AllocatorReport MemoryTiers::AllocatorStats() const {
  AllocatorReport r;
  memkind_update_cached_stats();
  for (Tier t : {Tier::kDram, Tier::kFar}) {
    void* kind = t == Tier::kDram ? dram_kind_ : far_kind_;
    if (kind == nullptr) continue;
    TierAllocatorStats& s = r.tier[static_cast<int>(t)];
    memkind_get_stat(Kind(kind), MEMKIND_STAT_TYPE_RESIDENT, &s.resident);
    memkind_get_stat(Kind(kind), MEMKIND_STAT_TYPE_ACTIVE, &s.active);
    memkind_get_stat(Kind(kind), MEMKIND_STAT_TYPE_ALLOCATED, &s.allocated);
  }
  return r;
}

}  // namespace memkeydb
