#include "memory/memory_tiers.h"

#include <memkind.h>

#include <condition_variable>
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

// A thread that returns large blocks to memkind (which is thread-safe). Accounting has already
// been done by the main thread; this thread only calls memkind_free.
class MemoryTiers::Reclaimer {
 public:
  Reclaimer() : thread_([this] { Run(); }) { thread_.detach(); }

  void Push(void* kind, void* p) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.emplace_back(kind, p);
    ++queued_;
    cv_.notify_all();
  }

  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t target = queued_;
    cv_.wait(lock, [&] { return done_ >= target; });
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty(); });
      auto [kind, p] = queue_.front();
      queue_.pop_front();
      lock.unlock();
      memkind_free(Kind(kind), p);
      lock.lock();
      ++done_;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<void*, void*>> queue_;
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
  if (sign > 0 && used_[0] + used_[1] > peak_) peak_ = used_[0] + used_[1];
}

void* MemoryTiers::RawAlloc(Tier t, size_t size, bool zeroed) {
  if (size == 0) size = 1;
  memkind_t kind = Kind(t == Tier::kDram ? dram_kind_ : far_kind_);
  return zeroed ? memkind_calloc(kind, 1, size) : memkind_malloc(kind, size);
}

void* MemoryTiers::AllocateOn(size_t size, Tier wanted, Tier* tier) {
  return AllocateOn(size, wanted, tier, false);
}

void* MemoryTiers::AllocateZeroed(size_t size, Placement placement, Tier* tier) {
  return AllocateOn(size, policy_.Place(placement, size), tier, true);
}

void* MemoryTiers::AllocateOn(size_t size, Tier wanted, Tier* tier, bool zeroed) {
  if (wanted == Tier::kFar && far_kind_ != nullptr) {
    if (void* p = RawAlloc(Tier::kFar, size, zeroed)) {
      *tier = Tier::kFar;
      Count(Tier::kFar, p, +1);
      return p;
    }
    if (fallbacks_++ == 0) {
      MKDB_LOG(kWarning) << "Far memory exhausted: allocations fall back to DRAM";
    }
  }
  void* p = RawAlloc(Tier::kDram, size, zeroed);
  if (p == nullptr) OutOfMemory(size);
  *tier = Tier::kDram;
  Count(Tier::kDram, p, +1);
  return p;
}

void* MemoryTiers::Allocate(size_t size, Placement placement, Tier* tier) {
  return AllocateOn(size, policy_.Place(placement, size), tier);
}

void* MemoryTiers::Reallocate(void* p, size_t new_size, Placement placement, Tier* tier) {
  if (p == nullptr) return Allocate(new_size, placement, tier);
  Tier wanted = policy_.Place(placement, new_size);
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

void MemoryTiers::Free(void* p, Tier tier) {
  if (p == nullptr) return;
  size_t size = UsableSize(p, tier);
  int i = static_cast<int>(tier);
  used_[i] -= static_cast<int64_t>(size);
  --allocations_[i];
  void* kind = tier == Tier::kDram ? dram_kind_ : far_kind_;
  if (size >= kBackgroundFreeMin) {
    if (reclaimer_ == nullptr) reclaimer_ = new Reclaimer();
    ++background_frees_;
    reclaimer_->Push(kind, p);
    return;
  }
  memkind_free(Kind(kind), p);
}

void MemoryTiers::WaitForBackgroundFrees() {
  if (reclaimer_ != nullptr) reclaimer_->Wait();
}

size_t MemoryTiers::UsableSize(const void* p, Tier tier) const {
  return memkind_malloc_usable_size(Kind(tier == Tier::kDram ? dram_kind_ : far_kind_),
                                    const_cast<void*>(p));
}

bool MemoryTiers::OpenFarKmem(int kmem_kind, const char** error) {
  memkind_t kind = kmem_kind == 0   ? MEMKIND_DAX_KMEM
                   : kmem_kind == 1 ? MEMKIND_DAX_KMEM_ALL
                                    : MEMKIND_DAX_KMEM_PREFERRED;
  if (memkind_check_available(kind) != MEMKIND_SUCCESS) {
    *error =
        "no far-memory NUMA node found (KMEM DAX). Expose PMem/CXL memory as a NUMA node, e.g. "
        "`daxctl reconfigure-device --mode=system-ram dax0.0`, or name the node(s) with "
        "MEMKIND_DAX_KMEM_NODES=<nodes>";
    return false;
  }
  far_kind_ = kind;
  return true;
}

}  // namespace memkeydb
