#include "ds/bitops.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace memkeydb::bitops {
namespace {

// Redis accepts integers only in canonical form: an optional '-', no '+', no spaces, no leading
// zeros and no "-0". Error replies depend on rejecting exactly the same strings.
bool ParseCanonicalInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  bool negative = false;
  size_t i = 0;
  if (s[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  // Accumulate the magnitude as unsigned so that INT64_MIN's magnitude fits.
  uint64_t magnitude = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  if (magnitude > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

uint64_t LoadWord(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

// The shared normalisation. BITPOS skips the "both negative and inverted" shortcut that BITCOUNT
// and GETRANGE take, so the caller chooses.
bool Normalize(int64_t* start, int64_t* end, int64_t len, bool inverted_negatives_are_empty) {
  if (inverted_negatives_are_empty && *start < 0 && *end < 0 && *start > *end) return false;
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= len) *end = len - 1;
  return *start <= *end;
}

// Set bits in the inclusive bit range [first, last].
uint64_t CountBitRange(const uint8_t* p, uint64_t first, uint64_t last) {
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  uint64_t count = PopCount(p + first_byte, last_byte - first_byte + 1);
  // Take back the bits of the edge bytes that lie outside the range.
  const unsigned lead = first & 7;
  if (lead != 0) count -= __builtin_popcount(p[first_byte] & (0xFFu << (8 - lead)) & 0xFFu);
  const unsigned trail = 7 - (last & 7);
  if (trail != 0) count -= __builtin_popcount(p[last_byte] & (0xFFu >> (8 - trail)));
  return count;
}

// Position of the first bit equal to `bit` in the inclusive bit range [first, last], or -1.
int64_t FindBit(const uint8_t* p, uint64_t first, uint64_t last, int bit) {
  // XOR with `flip` turns the search into "find the first 1".
  const uint8_t flip = bit ? 0x00 : 0xFF;
  const uint64_t flip_word = bit ? 0 : ~uint64_t{0};
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  const uint8_t first_mask = static_cast<uint8_t>(0xFFu >> (first & 7));
  const uint8_t last_mask = static_cast<uint8_t>(0xFFu << (7 - (last & 7)));

  auto hit = [&](uint64_t i, uint8_t mask) -> int64_t {
    const unsigned v = static_cast<uint8_t>(p[i] ^ flip) & mask;
    if (v == 0) return -1;
    return static_cast<int64_t>(i * 8) + (__builtin_clz(v) - 24);
  };

  if (first_byte == last_byte) return hit(first_byte, first_mask & last_mask);
  if (int64_t pos = hit(first_byte, first_mask); pos >= 0) return pos;
  uint64_t i = first_byte + 1;
  // Skip whole words that cannot contain the bit; the byte loop below pinpoints it.
  while (i + 8 <= last_byte && LoadWord(p + i) == flip_word) i += 8;
  for (; i < last_byte; ++i) {
    if (int64_t pos = hit(i, 0xFF); pos >= 0) return pos;
  }
  return hit(last_byte, last_mask);
}

// Applies d[i] = f(d[i], s[i]) for i in [0, n), a word at a time where possible.
template <typename F>
void CombineInto(uint8_t* d, const uint8_t* s, size_t n, F f) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = f(LoadWord(d + i), LoadWord(s + i));
    std::memcpy(d + i, &w, sizeof(w));
  }
  for (; i < n; ++i) d[i] = static_cast<uint8_t>(f(d[i], s[i]));
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

int64_t TypeMax(BitfieldType type) {
  if (!type.is_signed) return static_cast<int64_t>((uint64_t{1} << type.bits) - 1);
  if (type.bits == 64) return INT64_MAX;
  return (int64_t{1} << (type.bits - 1)) - 1;
}

int64_t TypeMin(BitfieldType type) { return type.is_signed ? -TypeMax(type) - 1 : 0; }

// Reduces a 64-bit two's complement value modulo 2^bits into the type's range.
int64_t Wrap(uint64_t v, BitfieldType type) {
  if (type.bits == 64) return static_cast<int64_t>(v);
  const uint64_t high = ~uint64_t{0} << type.bits;
  if (!type.is_signed) return static_cast<int64_t>(v & ~high);
  const bool negative = (v >> (type.bits - 1)) & 1;
  return static_cast<int64_t>(negative ? (v | high) : (v & ~high));
}

// Resolves an out-of-range result. direction is +1 above the maximum, -1 below the minimum.
bool ApplyOverflow(uint64_t raw, int direction, BitfieldType type, Overflow overflow,
                   int64_t* result) {
  switch (overflow) {
    case Overflow::kWrap:
      *result = Wrap(raw, type);
      return true;
    case Overflow::kSat:
      *result = direction > 0 ? TypeMax(type) : TypeMin(type);
      return true;
    case Overflow::kFail:
      return false;
  }
  return false;
}

}  // namespace

uint64_t PopCount(const uint8_t* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  // Four independent accumulators let the popcounts overlap in the pipeline.
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (; i + 32 <= n; i += 32) {
    c0 += __builtin_popcountll(LoadWord(p + i));
    c1 += __builtin_popcountll(LoadWord(p + i + 8));
    c2 += __builtin_popcountll(LoadWord(p + i + 16));
    c3 += __builtin_popcountll(LoadWord(p + i + 24));
  }
  count = c0 + c1 + c2 + c3;
  for (; i + 8 <= n; i += 8) count += __builtin_popcountll(LoadWord(p + i));
  for (; i < n; ++i) count += __builtin_popcount(p[i]);
  return count;
}

bool NormalizeRange(int64_t* start, int64_t* end, int64_t len) {
  return Normalize(start, end, len, /*inverted_negatives_are_empty=*/true);
}

uint64_t BitCount(const uint8_t* p, size_t n, int64_t start, int64_t end, RangeUnit unit) {
  const int64_t len = static_cast<int64_t>(unit == RangeUnit::kBit ? n * 8 : n);
  if (!NormalizeRange(&start, &end, len)) return 0;
  if (unit == RangeUnit::kByte) return PopCount(p + start, static_cast<size_t>(end - start + 1));
  return CountBitRange(p, static_cast<uint64_t>(start), static_cast<uint64_t>(end));
}

int64_t BitPos(const uint8_t* p, size_t n, int bit, int64_t start, std::optional<int64_t> end,
               RangeUnit unit) {
  const int64_t len = static_cast<int64_t>(unit == RangeUnit::kBit ? n * 8 : n);
  int64_t last = end.value_or(len - 1);
  if (!Normalize(&start, &last, len, /*inverted_negatives_are_empty=*/false)) return -1;
  uint64_t first_bit = static_cast<uint64_t>(start);
  uint64_t last_bit = static_cast<uint64_t>(last);
  if (unit == RangeUnit::kByte) {
    first_bit *= 8;
    last_bit = last_bit * 8 + 7;
  }
  const int64_t pos = FindBit(p, first_bit, last_bit, bit);
  if (pos >= 0) return pos;
  // Without an explicit end the string counts as padded with zeros, so a 0 exists right after it.
  if (bit == 0 && !end.has_value()) return static_cast<int64_t>(last_bit + 1);
  return -1;
}

bool ParseOp(std::string_view name, Op* op) {
  if (EqualsIgnoreCase(name, "and")) {
    *op = Op::kAnd;
  } else if (EqualsIgnoreCase(name, "or")) {
    *op = Op::kOr;
  } else if (EqualsIgnoreCase(name, "xor")) {
    *op = Op::kXor;
  } else if (EqualsIgnoreCase(name, "not")) {
    *op = Op::kNot;
  } else {
    return false;
  }
  return true;
}

void BitOp(Op op, const std::vector<std::string_view>& srcs, std::string* dst) {
  size_t max_len = 0;
  size_t min_len = SIZE_MAX;
  for (std::string_view s : srcs) {
    max_len = std::max(max_len, s.size());
    min_len = std::min(min_len, s.size());
  }
  // Zero fill doubles as the padding of shorter sources.
  dst->assign(max_len, '\0');
  if (srcs.empty() || max_len == 0) return;
  uint8_t* d = reinterpret_cast<uint8_t*>(dst->data());
  const uint8_t* first = Bytes(srcs[0]);
  switch (op) {
    case Op::kNot:
      for (size_t i = 0; i < max_len; ++i) d[i] = static_cast<uint8_t>(~first[i]);
      break;
    case Op::kAnd:
      // Past the shortest source some input is an implicit zero, so the result stays zero there.
      if (min_len > 0) std::memcpy(d, first, min_len);  // a missing key is a null, empty view
      for (size_t k = 1; k < srcs.size(); ++k) {
        CombineInto(d, Bytes(srcs[k]), min_len, [](auto x, auto y) { return x & y; });
      }
      break;
    case Op::kOr:
      if (!srcs[0].empty()) std::memcpy(d, first, srcs[0].size());
      for (size_t k = 1; k < srcs.size(); ++k) {
        CombineInto(d, Bytes(srcs[k]), srcs[k].size(), [](auto x, auto y) { return x | y; });
      }
      break;
    case Op::kXor:
      if (!srcs[0].empty()) std::memcpy(d, first, srcs[0].size());
      for (size_t k = 1; k < srcs.size(); ++k) {
        CombineInto(d, Bytes(srcs[k]), srcs[k].size(), [](auto x, auto y) { return x ^ y; });
      }
      break;
  }
}

bool ParseBitOffset(std::string_view arg, bool allow_hash, int bits, uint64_t max_bulk_len,
                    uint64_t* offset) {
  const bool by_field = allow_hash && bits > 0 && !arg.empty() && arg[0] == '#';
  if (by_field) arg.remove_prefix(1);
  int64_t value;
  if (!ParseCanonicalInt64(arg, &value)) return false;
  // Redis multiplies in 64 bits without an overflow check; a product that wraps to a small
  // positive number is accepted there, so it is accepted here too.
  if (by_field) value = static_cast<int64_t>(static_cast<uint64_t>(value) * bits);
  if (value < 0 || static_cast<uint64_t>(value >> 3) >= max_bulk_len) return false;
  *offset = static_cast<uint64_t>(value);
  return true;
}

bool ParseBitValue(std::string_view arg, int* bit) {
  if (arg != "0" && arg != "1") return false;
  *bit = arg[0] - '0';
  return true;
}

int GetBit(const uint8_t* p, size_t n, uint64_t offset) {
  const uint64_t byte = offset >> 3;
  if (byte >= n) return 0;
  return (p[byte] >> (7 - (offset & 7))) & 1;
}

void SetBit(uint8_t* p, uint64_t offset, int bit) {
  const uint8_t mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  uint8_t& byte = p[offset >> 3];
  byte = static_cast<uint8_t>(bit ? (byte | mask) : (byte & ~mask));
}

uint64_t BytesForWrite(uint64_t offset, int bits) {
  return (offset + static_cast<uint64_t>(bits) - 1) / 8 + 1;
}

bool ParseBitfieldType(std::string_view arg, BitfieldType* type) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return false;
  const bool is_signed = arg[0] == 'i';
  std::string_view width = arg.substr(1);
  // Redis reads the width as a C string, so anything after an embedded NUL is ignored.
  width = width.substr(0, width.find('\0'));
  int64_t bits;
  if (!ParseCanonicalInt64(width, &bits)) return false;
  if (bits < 1 || bits > (is_signed ? 64 : 63)) return false;
  type->is_signed = is_signed;
  type->bits = static_cast<int>(bits);
  return true;
}

bool ParseOverflow(std::string_view arg, Overflow* overflow) {
  if (EqualsIgnoreCase(arg, "wrap")) {
    *overflow = Overflow::kWrap;
  } else if (EqualsIgnoreCase(arg, "sat")) {
    *overflow = Overflow::kSat;
  } else if (EqualsIgnoreCase(arg, "fail")) {
    *overflow = Overflow::kFail;
  } else {
    return false;
  }
  return true;
}

uint64_t GetUnsigned(const uint8_t* p, size_t n, uint64_t bit_offset, int bits) {
  uint64_t value = 0;
  // Walk byte by byte, taking from each the slice of the field it holds (at most 9 bytes).
  while (bits > 0) {
    const uint64_t byte = bit_offset >> 3;
    const int used = static_cast<int>(bit_offset & 7);
    const int take = std::min(8 - used, bits);
    const unsigned src = byte < n ? p[byte] : 0;
    const unsigned slice = (src >> (8 - used - take)) & ((1u << take) - 1);
    value = (value << take) | slice;
    bits -= take;
    bit_offset += static_cast<uint64_t>(take);
  }
  return value;
}

int64_t GetSigned(const uint8_t* p, size_t n, uint64_t bit_offset, int bits) {
  const uint64_t raw = GetUnsigned(p, n, bit_offset, bits);
  return Wrap(raw, BitfieldType{true, bits});
}

void SetBits(uint8_t* p, uint64_t bit_offset, int bits, uint64_t value) {
  while (bits > 0) {
    const uint64_t byte = bit_offset >> 3;
    const int used = static_cast<int>(bit_offset & 7);
    const int take = std::min(8 - used, bits);
    const int shift = 8 - used - take;
    const unsigned slice_mask = (1u << take) - 1;
    const unsigned slice = static_cast<unsigned>(value >> (bits - take)) & slice_mask;
    p[byte] = static_cast<uint8_t>((p[byte] & ~(slice_mask << shift)) | (slice << shift));
    bits -= take;
    bit_offset += static_cast<uint64_t>(take);
  }
}

int64_t GetField(const uint8_t* p, size_t n, uint64_t bit_offset, BitfieldType type) {
  if (type.is_signed) return GetSigned(p, n, bit_offset, type.bits);
  return static_cast<int64_t>(GetUnsigned(p, n, bit_offset, type.bits));
}

void SetField(uint8_t* p, uint64_t bit_offset, BitfieldType type, int64_t value) {
  SetBits(p, bit_offset, type.bits, static_cast<uint64_t>(value));
}

bool IncrWithOverflow(int64_t current, int64_t incr, BitfieldType type, Overflow overflow,
                      int64_t* result) {
  int64_t sum;
  int direction = 0;
  // Every type's range lies inside int64_t, so a sum that overflows int64_t is out of range in
  // the direction of incr.
  if (__builtin_add_overflow(current, incr, &sum)) {
    direction = incr > 0 ? 1 : -1;
  } else if (sum > TypeMax(type)) {
    direction = 1;
  } else if (sum < TypeMin(type)) {
    direction = -1;
  }
  if (direction == 0) {
    *result = sum;
    return true;
  }
  const uint64_t raw = static_cast<uint64_t>(current) + static_cast<uint64_t>(incr);
  return ApplyOverflow(raw, direction, type, overflow, result);
}

bool SetWithOverflow(int64_t value, BitfieldType type, Overflow overflow, int64_t* result) {
  const int64_t max = TypeMax(type);
  int direction = 0;
  if (!type.is_signed) {
    // Redis compares the value as unsigned, so negative values count as too large.
    if (value < 0 || value > max) direction = 1;
  } else if (type.bits < 64) {
    // Redis decides "too large" by testing 0 > (max - value) computed modulo 2^64, which is also
    // true for values so negative that the difference wraps: value <= max - 2^63.
    if (value > max || value <= max + INT64_MIN) {
      direction = 1;
    } else if (value < TypeMin(type)) {
      direction = -1;
    }
  }
  if (direction == 0) {
    *result = value;
    return true;
  }
  return ApplyOverflow(static_cast<uint64_t>(value), direction, type, overflow, result);
}

}  // namespace memkeydb::bitops
