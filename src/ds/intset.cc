#include "ds/intset.h"

#include <bit>
#include <cstring>

#include "common/logging.h"

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
  out->block_.AssignCopy(bytes, size);
  return true;
}

IntSet IntSet::Clone() const {
  IntSet copy;
  if (blob() != nullptr) copy.block_.AssignCopy(blob(), bytes());
  return copy;
}

size_t IntSet::size() const { return blob() == nullptr ? 0 : Load32(blob() + 4); }

size_t IntSet::bytes() const { return kHeader + size() * encoding(); }

const uint8_t* IntSet::data() const { return blob() == nullptr ? kEmptyBlob : blob(); }

unsigned IntSet::encoding() const { return blob() == nullptr ? 2 : Load32(blob()); }

bool IntSet::Contains(int64_t v) const {
  if (blob() == nullptr || EncodingFor(v) > encoding()) return false;
  size_t pos;
  return Search(blob(), v, &pos);
}

int64_t IntSet::Get(size_t i) const { return Load(blob() + kHeader, i, Load32(blob())); }

void IntSet::Resize(size_t new_bytes) {
  CHECK(new_bytes <= kMaxBytes);
  if (blob() == nullptr) {
    std::memcpy(block_.Allocate(new_bytes), kEmptyBlob, kHeader);
    return;
  }
  block_.Fit(new_bytes);
}

bool IntSet::Add(int64_t v) {
  unsigned needed = EncodingFor(v);
  if (blob() == nullptr) Resize(kHeader);
  unsigned enc = Load32(blob());
  size_t count = Load32(blob() + 4);
  if (needed > enc) {
    // `v` is beyond every element, so it goes first (negative) or last (positive). Widen from
    // the back: each element's new slot lies at or past its old one, never over an unread one.
    Resize(kHeader + (count + 1) * needed);
    uint8_t* elements = blob() + kHeader;
    size_t shift = v < 0 ? 1 : 0;
    for (size_t i = count; i-- > 0;) Store(elements, i + shift, needed, Load(elements, i, enc));
    Store(elements, v < 0 ? 0 : count, needed, v);
    Store32(blob(), needed);
  } else {
    size_t pos;
    if (Search(blob(), v, &pos)) return false;
    Resize(kHeader + (count + 1) * enc);
    uint8_t* elements = blob() + kHeader;
    std::memmove(elements + (pos + 1) * enc, elements + pos * enc, (count - pos) * enc);
    Store(elements, pos, enc, v);
  }
  Store32(blob() + 4, static_cast<uint32_t>(count + 1));
  return true;
}

bool IntSet::Remove(int64_t v) {
  if (blob() == nullptr) return false;
  unsigned enc = Load32(blob());
  size_t pos;
  if (EncodingFor(v) > enc || !Search(blob(), v, &pos)) return false;
  size_t count = Load32(blob() + 4);
  uint8_t* elements = blob() + kHeader;
  std::memmove(elements + pos * enc, elements + (pos + 1) * enc, (count - pos - 1) * enc);
  Store32(blob() + 4, static_cast<uint32_t>(count - 1));
  Resize(kHeader + (count - 1) * enc);
  return true;
}

void IntSet::BytesByTier(size_t bytes[kNumTiers]) const { block_.BytesByTier(bytes); }

void IntSet::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  block_.Rebalance(bytes(), rule, stats, census);
}

}  // namespace memkeydb
