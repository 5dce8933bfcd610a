#include "ds/tiered_block.h"

#include <cstring>

#include "memory/memory_tiers.h"

namespace memkeydb {

TieredBlock::TieredBlock(TieredBlock&& other) noexcept
    : data_(other.data_), tier_(other.tier_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.capacity_ = 0;
}

TieredBlock& TieredBlock::operator=(TieredBlock&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) MemoryTiers::Get().Free(data_, tier_);
    data_ = other.data_;
    tier_ = other.tier_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.capacity_ = 0;
  }
  return *this;
}

uint8_t* TieredBlock::Allocate(size_t size) {
  MemoryTiers& m = MemoryTiers::Get();
  if (data_ != nullptr) m.Free(data_, tier_);
  data_ = static_cast<uint8_t*>(m.Allocate(size, Placement::kUserData, &tier_));
  capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
  return data_;
}

void TieredBlock::AssignCopy(const uint8_t* bytes, size_t size) {
  std::memcpy(Allocate(size), bytes, size);
}

void TieredBlock::Free() {
  if (data_ != nullptr) MemoryTiers::Get().Free(data_, tier_);
  data_ = nullptr;
  capacity_ = 0;
  tier_ = Tier::kDram;
}

void TieredBlock::Grow(size_t size) {
  if (size > capacity_) Reallocate(size);
}

void TieredBlock::Fit(size_t size) {
  if (size > capacity_ || capacity_ - size >= capacity_ / 4) Reallocate(size);
}

void TieredBlock::Reallocate(size_t size) {
  MemoryTiers& m = MemoryTiers::Get();
  data_ = static_cast<uint8_t*>(m.Reallocate(data_, size, Placement::kUserData, &tier_));
  capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
}

void TieredBlock::BytesByTier(size_t bytes[kNumTiers]) const {
  if (data_ != nullptr) bytes[static_cast<int>(tier_)] += capacity_;
}

void TieredBlock::Rebalance(size_t used, const MoveRule& rule, MoveStats* stats,
                            TierCensus* census) {
  if (data_ == nullptr) return;
  MemoryTiers& m = MemoryTiers::Get();
  data_ = static_cast<uint8_t*>(m.MoveBlock(data_, used, rule, &tier_, stats, census));
  capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
}

}  // namespace memkeydb
