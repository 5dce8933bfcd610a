#include "ds/listpack.h"

#include <bit>
#include <cstring>
#include <string>

#include "common/logging.h"
#include "common/strutil.h"

namespace memkeydb {

static_assert(std::endian::native == std::endian::little, "the blob is read with plain loads");

namespace {

// Entry grammar (first byte of an entry):
//   0xxxxxxx                       7-bit unsigned integer, no data bytes
//   10llllll <l bytes>             string of up to 63 bytes
//   110iiiii iiiiiiii              13-bit signed integer (high bits in the first byte)
//   1110llll llllllll <l bytes>    string of up to 4095 bytes (high bits in the first byte)
//   11110000 <uint32 l> <l bytes>  string of any length
//   11110001..11110100 <2,3,4,8>   16, 24, 32, 64-bit signed integer
//   11111111                       end of the listpack (not an entry)
// Each entry is followed by its backlen.
constexpr uint8_t kEnd = 0xFF;
constexpr uint8_t kStr32 = 0xF0;
constexpr uint8_t kInt16 = 0xF1;
constexpr uint8_t kInt24 = 0xF2;
constexpr uint8_t kInt32 = 0xF3;
constexpr uint8_t kInt64 = 0xF4;
constexpr size_t kEmptyBytes = Listpack::kHeaderSize + 1;
constexpr uint16_t kCountUnknown = 65535;
// The longest entry encoding (string header or integer) plus the longest backlen.
constexpr size_t kMaxEntryHead = 9;

// What the empty listpack reads as before it is allocated.
constexpr uint8_t kEmptyBlob[kEmptyBytes] = {kEmptyBytes, 0, 0, 0, 0, 0, kEnd};

inline uint32_t Load16(const uint8_t* p) { return p[0] | (uint32_t{p[1]} << 8); }
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void Store16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

// Bytes of an entry's encoding and data. REQUIRES: `p` is a valid entry (not the end marker).
inline size_t EncodedSize(const uint8_t* p) {
  uint8_t b = p[0];
  if (b < 0x80) return 1;
  if (b < 0xC0) return 1 + (b & 0x3F);
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 2 + (((b & 0x0F) << 8) | p[1]);
  switch (b) {
    case kStr32:
      return 5 + size_t{Load32(p + 1)};
    case kInt16:
      return 3;
    case kInt24:
      return 4;
    case kInt32:
      return 5;
    default:
      return 9;
  }
}

// How many bytes the backlen of an entry whose encoding and data take `n` bytes needs. The
// bounds are Redis's (16383 takes three bytes though fourteen bits would hold it).
inline size_t BacklenSize(size_t n) {
  if (n <= 127) return 1;
  if (n < 16383) return 2;
  if (n < 2097151) return 3;
  if (n < 268435455) return 4;
  return 5;
}

// Writes the backlen of `n` at `out`: the most significant 7-bit group first, with every byte
// but the first flagged 0x80, so a reader starting at the last byte walks left until a byte
// without the flag. Returns its size.
size_t WriteBacklen(uint8_t* out, size_t n) {
  size_t len = BacklenSize(n);
  for (size_t i = 0; i < len; ++i) {
    size_t shift = 7 * (len - 1 - i);
    uint8_t group = static_cast<uint8_t>((n >> shift) & 127);
    out[i] = i == 0 ? group : (group | 128);
  }
  return len;
}

// Reads the backlen that ends just before `end`: the size of the previous entry's encoding and
// data; *len gets the backlen's own size.
inline size_t ReadBacklen(const uint8_t* end, size_t* len) {
  const uint8_t* q = end - 1;
  size_t value = 0;
  unsigned shift = 0;
  for (;;) {
    value |= size_t{static_cast<uint8_t>(*q & 127)} << shift;
    if (!(*q & 128)) break;
    shift += 7;
    --q;
  }
  *len = static_cast<size_t>(end - q);
  return value;
}

inline size_t EntryTotal(const uint8_t* p) {
  size_t n = EncodedSize(p);
  return n + BacklenSize(n);
}

// Redis's string2ll rules (ParseInt64), with a cheap first-byte filter for the common case of
// text that is plainly not a number.
inline bool CanonicalInt(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  char c = s[0];
  if (c != '-' && (c < '0' || c > '9')) return false;
  return ParseInt64(s, v);
}

// Writes the smallest integer encoding of `v` and its backlen; returns the bytes written.
size_t EncodeInt(int64_t v, uint8_t* out) {
  uint64_t u = static_cast<uint64_t>(v);
  size_t n;
  if (v >= 0 && v <= 127) {
    out[0] = static_cast<uint8_t>(v);
    n = 1;
  } else if (v >= -4096 && v <= 4095) {
    u &= 0x1FFF;
    out[0] = static_cast<uint8_t>(0xC0 | (u >> 8));
    out[1] = static_cast<uint8_t>(u);
    n = 2;
  } else {
    size_t width;
    if (v >= -32768 && v <= 32767) {
      out[0] = kInt16;
      width = 2;
    } else if (v >= -8388608 && v <= 8388607) {
      out[0] = kInt24;
      width = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      out[0] = kInt32;
      width = 4;
    } else {
      out[0] = kInt64;
      width = 8;
    }
    for (size_t i = 0; i < width; ++i) out[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    n = 1 + width;
  }
  return n + WriteBacklen(out + n, n);
}

// An entry ready to be written: `head` (encoding, for integers also data and backlen), then
// `data_len` bytes of string data, then `tail` (a string's backlen).
struct EncodedEntry {
  uint8_t head[kMaxEntryHead + 5];
  size_t head_len = 0;
  const char* data = nullptr;
  size_t data_len = 0;
  uint8_t tail[5];
  size_t tail_len = 0;

  size_t total() const { return head_len + data_len + tail_len; }
  void WriteTo(uint8_t* out) const {
    std::memcpy(out, head, head_len);
    if (data_len) std::memcpy(out + head_len, data, data_len);
    std::memcpy(out + head_len + data_len, tail, tail_len);
  }
};

void EncodeString(std::string_view s, EncodedEntry* e) {
  int64_t v;
  if (CanonicalInt(s, &v)) {
    e->head_len = EncodeInt(v, e->head);
    return;
  }
  size_t len = s.size();
  if (len < 64) {
    e->head[0] = static_cast<uint8_t>(0x80 | len);
    e->head_len = 1;
  } else if (len < 4096) {
    e->head[0] = static_cast<uint8_t>(0xE0 | (len >> 8));
    e->head[1] = static_cast<uint8_t>(len);
    e->head_len = 2;
  } else {
    e->head[0] = kStr32;
    Store32(e->head + 1, static_cast<uint32_t>(len));
    e->head_len = 5;
  }
  e->data = s.data();
  e->data_len = len;
  e->tail_len = WriteBacklen(e->tail, e->head_len + len);
}

// Checks the entry at `p` (the blob ends at `end`, the end marker's address) and returns its
// total size, or 0 if it is malformed.
size_t ValidEntrySize(const uint8_t* p, const uint8_t* end) {
  uint8_t b = p[0];
  size_t head;
  if (b < 0x80 || (b >= 0xC0 && b < 0xE0)) {
    head = b < 0x80 ? 1 : 2;
  } else if (b < 0xC0) {
    head = 1;
  } else if (b < 0xF0) {
    head = 2;
  } else if (b <= kInt64) {
    head = b == kStr32 ? 5 : 1;
  } else {
    return 0;  // 0xF5..0xFE are not encodings; 0xFF is the end marker, not an entry
  }
  if (static_cast<size_t>(end - p) < head) return 0;
  size_t n = EncodedSize(p);  // needs only the head bytes, checked above
  size_t room = static_cast<size_t>(end - p);
  if (n > room) return 0;
  size_t back = BacklenSize(n);
  if (back > room - n) return 0;
  uint8_t expected[5];
  WriteBacklen(expected, n);
  if (std::memcmp(expected, p + n, back) != 0) return 0;
  return n + back;
}

}  // namespace

std::string_view LpValue::View(char* scratch) const {
  if (str != nullptr) return {str, len};
  return {scratch, FormatInt64(num, scratch)};
}

bool LpValue::Equals(std::string_view s) const {
  if (str != nullptr) return s.size() == len && (len == 0 || std::memcmp(s.data(), str, len) == 0);
  int64_t v;
  return CanonicalInt(s, &v) && v == num;
}

bool Listpack::FromBytes(const uint8_t* bytes, size_t size, Listpack* out) {
  if (!Validate(bytes, size)) return false;
  out->block_.AssignCopy(bytes, size);
  return true;
}

bool Listpack::Validate(const uint8_t* bytes, size_t size) {
  if (size < kEmptyBytes || size > kMaxSafeBytes) return false;
  if (Load32(bytes) != size || bytes[size - 1] != kEnd) return false;
  const uint8_t* end = bytes + size - 1;
  const uint8_t* p = bytes + kHeaderSize;
  size_t count = 0;
  while (p < end) {
    size_t n = ValidEntrySize(p, end);
    if (n == 0) return false;
    p += n;
    ++count;
  }
  uint32_t recorded = Load16(bytes + 4);
  return recorded == kCountUnknown || recorded == count;
}

Listpack Listpack::Clone() const {
  Listpack copy;
  if (blob() != nullptr) copy.block_.AssignCopy(blob(), bytes());
  return copy;
}

size_t Listpack::size() const {
  if (blob() == nullptr) return 0;
  uint32_t count = Load16(blob() + 4);
  if (count != kCountUnknown) return count;
  size_t walked = 0;
  for (size_t pos = First(); pos != kNone; pos = Next(pos)) ++walked;
  // Like Redis, record the count again once it fits (the blob, not the object, changes).
  if (walked < kCountUnknown) Store16(blob() + 4, static_cast<uint32_t>(walked));
  return walked;
}

size_t Listpack::bytes() const { return blob() == nullptr ? kEmptyBytes : Load32(blob()); }

const uint8_t* Listpack::data() const { return blob() == nullptr ? kEmptyBlob : blob(); }

size_t Listpack::First() const {
  if (blob() == nullptr || blob()[kHeaderSize] == kEnd) return kNone;
  return kHeaderSize;
}

size_t Listpack::Last() const {
  if (blob() == nullptr) return kNone;
  size_t end = Load32(blob()) - 1;
  return end == kHeaderSize ? kNone : Prev(end);
}

size_t Listpack::Next(size_t pos) const {
  pos += EntryTotal(blob() + pos);
  return blob()[pos] == kEnd ? kNone : pos;
}

size_t Listpack::Prev(size_t pos) const {
  if (pos <= kHeaderSize) return kNone;
  size_t back_len;
  size_t n = ReadBacklen(blob() + pos, &back_len);
  return pos - back_len - n;
}

size_t Listpack::Seek(int64_t index) const {
  size_t n = size();
  if (index < 0) index += static_cast<int64_t>(n);
  if (index < 0 || static_cast<uint64_t>(index) >= n) return kNone;
  size_t i = static_cast<size_t>(index);
  if (i <= n / 2) {
    size_t pos = kHeaderSize;
    while (i--) pos += EntryTotal(blob() + pos);
    return pos;
  }
  size_t pos = Last();
  for (size_t steps = n - 1 - i; steps; --steps) pos = Prev(pos);
  return pos;
}

LpValue Listpack::Get(size_t pos) const {
  const uint8_t* p = blob() + pos;
  uint8_t b = p[0];
  LpValue v;
  if (b < 0x80) {
    v.num = b;
  } else if (b < 0xC0) {
    v.str = reinterpret_cast<const char*>(p + 1);
    v.len = b & 0x3F;
  } else if (b < 0xE0) {
    int64_t u = ((b & 0x1F) << 8) | p[1];
    v.num = u >= 4096 ? u - 8192 : u;
  } else if (b < 0xF0) {
    v.str = reinterpret_cast<const char*>(p + 2);
    v.len = ((b & 0x0F) << 8) | p[1];
  } else {
    switch (b) {
      case kStr32:
        v.str = reinterpret_cast<const char*>(p + 5);
        v.len = Load32(p + 1);
        break;
      case kInt16:
        v.num = static_cast<int16_t>(Load16(p + 1));
        break;
      case kInt24: {
        int64_t u = p[1] | (p[2] << 8) | (p[3] << 16);
        v.num = u >= (1 << 23) ? u - (1 << 24) : u;
        break;
      }
      case kInt32:
        v.num = static_cast<int32_t>(Load32(p + 1));
        break;
      default: {
        uint64_t u;
        std::memcpy(&u, p + 1, 8);
        v.num = static_cast<int64_t>(u);
        break;
      }
    }
  }
  return v;
}

size_t Listpack::Find(size_t pos, std::string_view s, unsigned skip) const {
  if (pos == kNone) return kNone;
  int64_t as_int;
  const bool is_int = CanonicalInt(s, &as_int);
  unsigned to_skip = 0;
  for (;;) {
    const uint8_t* p = blob() + pos;
    if (*p == kEnd) return kNone;
    if (to_skip == 0) {
      uint8_t b = *p;
      bool string_entry = (b >= 0x80 && b < 0xC0) || (b >= 0xE0 && b <= kStr32);
      if (string_entry) {
        // Strings that are canonical integers are always stored as integers, so only a
        // non-integer `s` can match a string entry.
        if (!is_int) {
          LpValue v = Get(pos);
          if (v.len == s.size() && (v.len == 0 || std::memcmp(v.str, s.data(), v.len) == 0)) {
            return pos;
          }
        }
      } else if (is_int && Get(pos).num == as_int) {
        return pos;
      }
      to_skip = skip;
    } else {
      --to_skip;
    }
    pos += EntryTotal(p);
  }
}

void Listpack::EnsureAllocated() {
  if (blob() != nullptr) return;
  std::memcpy(block_.Allocate(kEmptyBytes), kEmptyBlob, kEmptyBytes);
}

uint8_t* Listpack::Splice(size_t pos, size_t remove, size_t insert) {
  EnsureAllocated();
  size_t old_total = Load32(blob());
  size_t new_total = old_total - remove + insert;
  CHECK(new_total <= UINT32_MAX / 2);  // callers convert before kMaxSafeBytes
  block_.Grow(new_total);
  if (insert != remove) {
    std::memmove(blob() + pos + insert, blob() + pos + remove, old_total - pos - remove);
  }
  Store32(blob(), static_cast<uint32_t>(new_total));
  if (new_total < old_total) block_.Fit(new_total);  // gives memory back once a quarter is idle
  return blob() + pos;
}

void Listpack::AdjustCount(int64_t delta) {
  uint32_t count = Load16(blob() + 4);
  if (count == kCountUnknown) return;
  int64_t updated = static_cast<int64_t>(count) + delta;
  Store16(blob() + 4, updated >= kCountUnknown ? kCountUnknown : static_cast<uint32_t>(updated));
}

// True if `s` points into the blob (a value read from this listpack), which a resize moves.
bool Listpack::Aliases(std::string_view s) const {
  const char* begin = reinterpret_cast<const char*>(blob());
  return blob() != nullptr && s.data() >= begin && s.data() < begin + block_.capacity();
}

size_t Listpack::InsertAt(size_t at, std::string_view s) {
  if (Aliases(s)) return InsertAt(at, std::string(s));  // rare: copy, then insert the copy
  EncodedEntry e;
  EncodeString(s, &e);
  e.WriteTo(Splice(at, 0, e.total()));
  AdjustCount(1);
  return at;
}

void Listpack::Append(std::string_view s) { InsertAt(bytes() - 1, s); }

void Listpack::AppendInt(int64_t v) {
  uint8_t buf[kMaxEntryHead + 1];
  size_t n = EncodeInt(v, buf);
  std::memcpy(Splice(bytes() - 1, 0, n), buf, n);
  AdjustCount(1);
}

void Listpack::Prepend(std::string_view s) { InsertAt(kHeaderSize, s); }

size_t Listpack::Insert(size_t pos, std::string_view s, bool after) {
  DCHECK(pos != kNone);
  return InsertAt(after ? pos + EntryTotal(blob() + pos) : pos, s);
}

size_t Listpack::Replace(size_t pos, std::string_view s) {
  if (Aliases(s)) return Replace(pos, std::string(s));
  EncodedEntry e;
  EncodeString(s, &e);
  e.WriteTo(Splice(pos, EntryTotal(blob() + pos), e.total()));
  return pos;
}

size_t Listpack::ReplaceInt(size_t pos, int64_t v) {
  uint8_t buf[kMaxEntryHead + 1];
  size_t n = EncodeInt(v, buf);
  std::memcpy(Splice(pos, EntryTotal(blob() + pos), n), buf, n);
  return pos;
}

size_t Listpack::Delete(size_t pos) { return DeleteRange(pos, 1); }

size_t Listpack::DeleteRange(size_t pos, size_t count) {
  if (pos == kNone || count == 0) return pos;
  size_t end = pos;
  size_t deleted = 0;
  while (deleted < count && blob()[end] != kEnd) {
    end += EntryTotal(blob() + end);
    ++deleted;
  }
  Splice(pos, end - pos, 0);
  AdjustCount(-static_cast<int64_t>(deleted));
  return blob()[pos] == kEnd ? kNone : pos;
}

void Listpack::DeleteRangeAt(int64_t index, size_t count) { DeleteRange(Seek(index), count); }

void Listpack::Clear() { block_.Free(); }

void Listpack::AppendAll(const Listpack& other) {
  if (other.blob() == nullptr || other.First() == kNone) return;
  size_t len = other.bytes() - kEmptyBytes;
  size_t added = other.size();
  size_t at = bytes() - 1;
  uint8_t* dst = Splice(at, 0, len);
  // After the splice `other` may be this very listpack, moved: read it through its blob().
  std::memmove(dst, other.blob() + kHeaderSize, len);
  AdjustCount(static_cast<int64_t>(added));
}

size_t Listpack::EntrySize(std::string_view s) {
  EncodedEntry e;
  EncodeString(s, &e);
  return e.total();
}

void Listpack::BytesByTier(size_t bytes[kNumTiers]) const { block_.BytesByTier(bytes); }

void Listpack::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  block_.Rebalance(bytes(), rule, stats, census);
}

}  // namespace memkeydb
