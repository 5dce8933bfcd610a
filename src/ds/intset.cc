#include "ds/intset.h"

#include <bit>
#include <cstring>

#include "common/logging.h"
#include "memory/memory_tiers.h"

namespace memkeydb {

static_assert(std::endian::native == std::endian::little, "the blob is read with plain loads");

namespace {

constexpr size_t kHeader = 8;  // uint32 encoding, uint32 count
// Far beyond any conversion threshold; keeps the usable size within the object's uint32.
constexpr size_t kMaxBytes = size_t{1} << 31;
// What the empty set reads as before it is allocated: 16-bit encoding, no elements.
constexpr uint8_t kEmptyBlob[kHeader] = {2, 0, 0, 0, 0, 0, 0, 0};

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

// The narrowest encoding that holds `v`.
inline unsigned EncodingFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

inline int64_t Load(const uint8_t* elements, size_t i, unsigned enc) {
  if (enc == 2) {
    int16_t v;
    std::memcpy(&v, elements + 2 * i, 2);
    return v;
  }
  if (enc == 4) {
    int32_t v;
    std::memcpy(&v, elements + 4 * i, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, elements + 8 * i, 8);
  return v;
}

inline void Store(uint8_t* elements, size_t i, unsigned enc, int64_t v) {
  if (enc == 2) {
    int16_t n = static_cast<int16_t>(v);
    std::memcpy(elements + 2 * i, &n, 2);
  } else if (enc == 4) {
    int32_t n = static_cast<int32_t>(v);
    std::memcpy(elements + 4 * i, &n, 4);
  } else {
    std::memcpy(elements + 8 * i, &v, 8);
  }
}

// Binary search: true if found; *pos is where `v` is or would be inserted.
bool Search(const uint8_t* blob, int64_t v, size_t* pos) {
  unsigned enc = Load32(blob);
  size_t count = Load32(blob + 4);
  const uint8_t* elements = blob + kHeader;
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = Load(elements, mid, enc);
    if (m == v) {
      *pos = mid;
      return true;
    }
    if (m < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

}  // namespace

IntSet::IntSet() = default;

IntSet::~IntSet() {
  if (data_ != nullptr) MemoryTiers::Get().Free(data_, tier_);
}

IntSet::IntSet(IntSet&& other) noexcept
    : data_(other.data_), tier_(other.tier_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.capacity_ = 0;
}

IntSet& IntSet::operator=(IntSet&& other) noexcept {
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

void IntSet::Adopt(const uint8_t* bytes, size_t size) {
  MemoryTiers& m = MemoryTiers::Get();
  if (data_ != nullptr) m.Free(data_, tier_);
  data_ = static_cast<uint8_t*>(m.Allocate(size, Placement::kUserData, &tier_));
  capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
  std::memcpy(data_, bytes, size);
}

bool IntSet::FromBytes(const uint8_t* bytes, size_t size, IntSet* out) {
  if (size < kHeader || size > kMaxBytes) return false;
  unsigned enc = Load32(bytes);
  if (enc != 2 && enc != 4 && enc != 8) return false;
  uint64_t count = Load32(bytes + 4);
  if (kHeader + count * enc != size) return false;
  const uint8_t* elements = bytes + kHeader;
  for (size_t i = 1; i < count; ++i) {
    if (Load(elements, i - 1, enc) >= Load(elements, i, enc)) return false;
  }
  out->Adopt(bytes, size);
  return true;
}

IntSet IntSet::Clone() const {
  IntSet copy;
  if (data_ != nullptr) copy.Adopt(data_, bytes());
  return copy;
}

size_t IntSet::size() const { return data_ == nullptr ? 0 : Load32(data_ + 4); }

size_t IntSet::bytes() const { return kHeader + size() * encoding(); }

const uint8_t* IntSet::data() const { return data_ == nullptr ? kEmptyBlob : data_; }

unsigned IntSet::encoding() const { return data_ == nullptr ? 2 : Load32(data_); }

bool IntSet::Contains(int64_t v) const {
  if (data_ == nullptr || EncodingFor(v) > encoding()) return false;
  size_t pos;
  return Search(data_, v, &pos);
}

int64_t IntSet::Get(size_t i) const { return Load(data_ + kHeader, i, Load32(data_)); }

void IntSet::Resize(size_t new_bytes) {
  CHECK(new_bytes <= kMaxBytes);
  MemoryTiers& m = MemoryTiers::Get();
  if (data_ == nullptr) {
    data_ = static_cast<uint8_t*>(m.Allocate(new_bytes, Placement::kUserData, &tier_));
    capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
    std::memcpy(data_, kEmptyBlob, kHeader);
    return;
  }
  // Grow when the block is full; shrink only once a quarter of it is idle, which is when a
  // smaller allocator size class is sure to fit (so a run of removals does not realloc each).
  if (new_bytes > capacity_ || capacity_ - new_bytes >= capacity_ / 4) {
    data_ = static_cast<uint8_t*>(m.Reallocate(data_, new_bytes, Placement::kUserData, &tier_));
    capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
  }
}

bool IntSet::Add(int64_t v) {
  unsigned needed = EncodingFor(v);
  if (data_ == nullptr) Resize(kHeader);
  unsigned enc = Load32(data_);
  size_t count = Load32(data_ + 4);
  if (needed > enc) {
    // `v` is beyond every element, so it goes first (negative) or last (positive). Widen from
    // the back: each element's new slot lies at or past its old one, never over an unread one.
    Resize(kHeader + (count + 1) * needed);
    uint8_t* elements = data_ + kHeader;
    size_t shift = v < 0 ? 1 : 0;
    for (size_t i = count; i-- > 0;) Store(elements, i + shift, needed, Load(elements, i, enc));
    Store(elements, v < 0 ? 0 : count, needed, v);
    Store32(data_, needed);
  } else {
    size_t pos;
    if (Search(data_, v, &pos)) return false;
    Resize(kHeader + (count + 1) * enc);
    uint8_t* elements = data_ + kHeader;
    std::memmove(elements + (pos + 1) * enc, elements + pos * enc, (count - pos) * enc);
    Store(elements, pos, enc, v);
  }
  Store32(data_ + 4, static_cast<uint32_t>(count + 1));
  return true;
}

bool IntSet::Remove(int64_t v) {
  if (data_ == nullptr) return false;
  unsigned enc = Load32(data_);
  size_t pos;
  if (EncodingFor(v) > enc || !Search(data_, v, &pos)) return false;
  size_t count = Load32(data_ + 4);
  uint8_t* elements = data_ + kHeader;
  std::memmove(elements + pos * enc, elements + (pos + 1) * enc, (count - pos - 1) * enc);
  Store32(data_ + 4, static_cast<uint32_t>(count - 1));
  Resize(kHeader + (count - 1) * enc);
  return true;
}

void IntSet::BytesByTier(size_t bytes[kNumTiers]) const {
  if (data_ != nullptr) bytes[static_cast<int>(tier_)] += capacity_;
}

void IntSet::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  if (data_ == nullptr) return;
  MemoryTiers& m = MemoryTiers::Get();
  data_ = static_cast<uint8_t*>(m.MoveBlock(data_, bytes(), rule, &tier_, stats, census));
  capacity_ = static_cast<uint32_t>(m.UsableSize(data_, tier_));
}

}  // namespace memkeydb
