#include "ds/hyperloglog.h"

#include <cmath>
#include <cstring>

namespace memkeydb::hll {
namespace {

constexpr uint64_t kSeed = 0xadc83b19ULL;
constexpr size_t kNone = static_cast<size_t>(-1);
constexpr int kZeroMaxLen = 64;
constexpr int kValMaxLen = 4;
constexpr int kXZeroMaxLen = 16384;
// The bytes an empty HLL needs: the header and one XZERO covering every register.
constexpr size_t kEmptySize = kHeaderSize + 2;

// --- sparse opcodes ---
bool IsZero(uint8_t op) { return (op & 0xc0) == 0x00; }
bool IsXZero(uint8_t op) { return (op & 0xc0) == 0x40; }
bool IsVal(uint8_t op) { return (op & 0x80) != 0; }
int ZeroLen(uint8_t op) { return (op & 0x3f) + 1; }
int XZeroLen(uint8_t hi, uint8_t lo) { return (((hi & 0x3f) << 8) | lo) + 1; }
int ValValue(uint8_t op) { return ((op >> 2) & 0x1f) + 1; }
int ValLen(uint8_t op) { return (op & 0x3) + 1; }
uint8_t ZeroOp(int len) { return static_cast<uint8_t>(len - 1); }
void PutXZero(uint8_t* p, int len) {
  p[0] = static_cast<uint8_t>(((len - 1) >> 8) | 0x40);
  p[1] = static_cast<uint8_t>((len - 1) & 0xff);
}
uint8_t ValOp(int value, int len) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (len - 1));
}
// Writes a run of zeros of `len` (1..16384) registers at p; returns the bytes written.
int PutZeros(uint8_t* p, int len) {
  if (len > kZeroMaxLen) {
    PutXZero(p, len);
    return 2;
  }
  *p = ZeroOp(len);
  return 1;
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The byte at `pos`, or 0 past the end: an XZERO cut off by the end of the string reads its
// second byte from there, and Redis finds its string terminator (NUL) at that place.
uint8_t ByteAt(const uint8_t* b, size_t len, size_t pos) { return pos < len ? b[pos] : 0; }

// One opcode of a sparse body: how many bytes it takes, how many registers it covers, and the
// value they hold (0 for ZERO and XZERO).
struct Op {
  size_t bytes;
  int run;
  int value;
};
Op DecodeOp(const uint8_t* b, size_t len, size_t pos) {
  uint8_t op = b[pos];
  if (IsZero(op)) return {1, ZeroLen(op), 0};
  if (IsVal(op)) return {1, ValLen(op), ValValue(op)};
  return {2, XZeroLen(op, ByteAt(b, len, pos + 1)), 0};
}

// Walks the sparse body of `s`, calling on_run(first, run, value) for each opcode (value 0 for
// ZERO and XZERO). Returns true when the runs cover exactly the 16384 registers; an opcode that
// would run past the last register stops the walk and makes the body corrupt, as in
// redis-server 7.0.15 (whose packaged build carries the upstream fix that checks every opcode,
// not only VAL).
template <typename OnRun>
bool WalkSparse(std::string_view s, OnRun on_run) {
  const uint8_t* b = Bytes(s);
  size_t idx = 0;
  for (size_t pos = kHeaderSize; pos < s.size();) {
    Op op = DecodeOp(b, s.size(), pos);
    if (idx + op.run > kRegisters) return false;
    on_run(idx, op.run, op.value);
    idx += op.run;
    pos += op.bytes;
  }
  return idx == kRegisters;
}

// Ertl's sigma and tau corrections for the registers at 0 and at the largest value.
double Sigma(double x) {
  if (x == 1.0) return INFINITY;
  double y = 1.0;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (previous != z);
  return z / 3;
}

int DenseSet(char* s, uint32_t index, uint8_t count) {
  uint8_t* regs = reinterpret_cast<uint8_t*>(s) + kHeaderSize;
  if (GetDenseRegister(regs, index) >= count) return 0;
  SetDenseRegister(regs, index, count);
  return 1;
}

// Turns a sparse value dense and then sets the register, which must grow.
int PromoteAndSet(CompactValue* v, uint32_t index, uint8_t count) {
  if (!ToDense(v)) return -1;
  return DenseSet(v->MutableString(kDenseSize), index, count);
}

// Merges adjacent VAL opcodes of equal value whose runs fit one opcode, looking at up to five
// opcodes from `pos`, as Redis tidies up after an edit. Returns the new length.
size_t MergeAdjacentVals(uint8_t* b, size_t pos, size_t end) {
  for (int scan = 5; pos < end && scan > 0; --scan) {
    if (IsXZero(b[pos])) {
      pos += 2;
      continue;
    }
    if (IsZero(b[pos])) {
      ++pos;
      continue;
    }
    if (pos + 1 < end && IsVal(b[pos + 1]) && ValValue(b[pos]) == ValValue(b[pos + 1])) {
      int run = ValLen(b[pos]) + ValLen(b[pos + 1]);
      if (run <= kValMaxLen) {
        b[pos + 1] = ValOp(ValValue(b[pos]), run);
        std::memmove(b + pos, b + pos + 1, end - pos - 1);
        --end;
        continue;  // the merged opcode may merge again with the next one
      }
    }
    ++pos;
  }
  return end;
}

int SparseSet(CompactValue* v, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kSparseValMax) return PromoteAndSet(v, index, count);

  char scratch[CompactValue::kIntBufSize];
  std::string_view s = v->StringView(scratch);
  const uint8_t* b = Bytes(s);
  const size_t len = s.size();

  // Find the opcode covering the register.
  size_t pos = kHeaderSize, prev = kNone;
  int64_t first = 0;
  Op op{0, 0, 0};
  while (pos < len) {
    op = DecodeOp(b, len, pos);
    if (index <= first + op.run - 1) break;
    prev = pos;
    pos += op.bytes;
    first += op.run;
  }
  if (op.run == 0 || pos >= len) return -1;
  size_t next = pos + op.bytes;
  bool has_next = next < len;
  bool is_xzero = IsXZero(b[pos]);

  size_t end = len;
  uint8_t* d = nullptr;
  if (op.value >= count) return 0;
  if (op.run == 1 && !is_xzero) {
    // A single register, ZERO or VAL: the opcode is replaced by a VAL in place.
    d = reinterpret_cast<uint8_t*>(v->MutableString(len));
    d[pos] = ValOp(count, 1);
  } else {
    // Split the opcode into up to three: the registers before, ours, the registers after.
    uint8_t seq[5];
    int n = 0;
    int64_t last = first + op.run - 1;
    if (index != first) {
      int before = static_cast<int>(index - first);
      n += op.value == 0 ? PutZeros(seq + n, before) : (seq[n] = ValOp(op.value, before), 1);
    }
    seq[n++] = ValOp(count, 1);
    if (index != last) {
      int after = static_cast<int>(last - index);
      n += op.value == 0 ? PutZeros(seq + n, after) : (seq[n] = ValOp(op.value, after), 1);
    }
    int64_t delta = n - static_cast<int64_t>(is_xzero ? 2 : 1);
    if (delta > 0 && len + delta > sparse_max_bytes) return PromoteAndSet(v, index, count);
    end = static_cast<size_t>(static_cast<int64_t>(len) + delta);
    d = reinterpret_cast<uint8_t*>(v->MutableString(end > len ? end : len));
    if (delta != 0 && has_next) std::memmove(d + next + delta, d + next, len - next);
    // An XZERO cut off by the end of the string has one byte fewer than the sequence expects;
    // what would land past the end is dropped.
    size_t room = end - pos;
    std::memcpy(d + pos, seq, static_cast<size_t>(n) < room ? n : room);
  }
  end = MergeAdjacentVals(d, prev == kNone ? kHeaderSize : prev, end);
  char* out = v->MutableString(end);
  InvalidateCache(out);
  return 1;
}

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  uint64_t h = seed ^ (len * m);
  const uint8_t* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  for (; data != end; data += 8) {
    uint64_t k;
    std::memcpy(&k, data, 8);  // little endian, as on every platform memkeydb runs on
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t tail = len & 7;
  if (tail != 0) {
    for (size_t i = tail; i-- > 0;) h ^= static_cast<uint64_t>(data[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int PatternLength(std::string_view element, uint32_t* index) {
  uint64_t hash = MurmurHash64A(element.data(), element.size(), kSeed);
  *index = static_cast<uint32_t>(hash & (kRegisters - 1));
  // A sentinel bit above the 50 hash bits bounds the count at 51.
  uint64_t rest = (hash >> kPrecision) | (uint64_t{1} << kHashBits);
  return __builtin_ctzll(rest) + 1;
}

bool LooksLikeHll(std::string_view s) {
  if (s.size() < kHeaderSize || std::memcmp(s.data(), "HYLL", 4) != 0) return false;
  uint8_t enc = Encoding(s);
  if (enc > kSparse) return false;
  return enc != kDense || s.size() == kDenseSize;
}

bool CachedCardinality(std::string_view s, uint64_t* card) {
  const uint8_t* b = Bytes(s);
  if (b[15] & 0x80) return false;
  uint64_t c = 0;
  for (int i = 7; i >= 0; --i) c = (c << 8) | b[8 + i];
  *card = c;
  return true;
}

void StoreCardinality(char* s, uint64_t card) {
  for (int i = 0; i < 8; ++i) s[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

uint8_t GetDenseRegister(const uint8_t* regs, size_t index) {
  size_t bit = index * kRegisterBits;
  size_t byte = bit / 8;
  unsigned shift = bit & 7;
  unsigned v = regs[byte] >> shift;
  // A register starting in the low 3 bits of its byte ends in that byte; only the others read
  // the next one (so the last register never reads past the array).
  if (shift > 8 - kRegisterBits) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - shift);
  return static_cast<uint8_t>(v & 0x3f);
}

void SetDenseRegister(uint8_t* regs, size_t index, uint8_t value) {
  size_t bit = index * kRegisterBits;
  size_t byte = bit / 8;
  unsigned shift = bit & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(0x3fu << shift)) | (value << shift));
  if (shift > 8 - kRegisterBits) {
    unsigned high = 8 - shift;
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(0x3fu >> high)) | (value >> high));
  }
}

void CreateEmpty(CompactValue* v) {
  v->Reset();
  char* s = v->MutableString(kEmptySize);  // zero-filled: cache valid, cardinality 0
  std::memcpy(s, "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  PutXZero(reinterpret_cast<uint8_t*>(s) + kHeaderSize, kXZeroMaxLen);
}

int SetRegister(CompactValue* v, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  char scratch[CompactValue::kIntBufSize];
  if (Encoding(v->StringView(scratch)) == kDense) {
    return DenseSet(v->MutableString(kDenseSize), index, count);
  }
  return SparseSet(v, index, count, sparse_max_bytes);
}

int Add(CompactValue* v, std::string_view element, size_t sparse_max_bytes) {
  uint32_t index;
  int count = PatternLength(element, &index);
  return SetRegister(v, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

bool ToDense(CompactValue* v) {
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = v->StringView(scratch);
  if (Encoding(s) == kDense) return true;
  CompactValue dense;
  char* out = dense.MutableString(kDenseSize);  // zero-filled registers
  std::memcpy(out, s.data(), kHeaderSize);
  out[4] = static_cast<char>(kDense);
  uint8_t* regs = reinterpret_cast<uint8_t*>(out) + kHeaderSize;
  bool valid = WalkSparse(s, [&](size_t first, int run, int value) {
    if (value == 0) return;
    for (int i = 0; i < run; ++i) SetDenseRegister(regs, first + i, static_cast<uint8_t>(value));
  });
  if (!valid) return false;
  v->MoveFrom(&dense);
  return true;
}

bool AddToHistogram(std::string_view s, Histogram* h) {
  const uint8_t* b = Bytes(s);
  if (Encoding(s) == kDense) {
    for (size_t i = 0; i < kRegisters; ++i) ++h->count[GetDenseRegister(b + kHeaderSize, i)];
    return true;
  }
  return WalkSparse(s, [&](size_t, int run, int value) { h->count[value] += run; });
}

void AddRawToHistogram(const uint8_t* regs, Histogram* h) {
  for (size_t i = 0; i < kRegisters; ++i) ++h->count[regs[i] & 0x3f];
}

uint64_t Estimate(const Histogram& h) {
  const double m = kRegisters;
  double z = m * Tau((m - h.count[kHashBits + 1]) / m);
  for (int j = kHashBits; j >= 1; --j) {
    z += h.count[j];
    z *= 0.5;
  }
  z += m * Sigma(h.count[0] / m);
  constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)
  return static_cast<uint64_t>(std::llroundl(kAlphaInf * m * m / z));
}

bool MergeInto(std::string_view s, uint8_t* max) {
  if (Encoding(s) == kDense) {
    const uint8_t* regs = Bytes(s) + kHeaderSize;
    for (size_t i = 0; i < kRegisters; ++i) {
      uint8_t v = GetDenseRegister(regs, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return WalkSparse(s, [&](size_t first, int run, int value) {
    for (int i = 0; i < run; ++i) {
      if (value > max[first + i]) max[first + i] = static_cast<uint8_t>(value);
    }
  });
}

std::string DecodeSparse(std::string_view s) {
  const uint8_t* b = Bytes(s);
  std::string out;
  for (size_t pos = kHeaderSize; pos < s.size();) {
    Op op = DecodeOp(b, s.size(), pos);
    if (!out.empty()) out += ' ';
    if (op.value != 0) {
      out += "v:" + std::to_string(op.value) + "," + std::to_string(op.run);
    } else {
      out += (op.bytes == 2 ? "Z:" : "z:") + std::to_string(op.run);
    }
    pos += op.bytes;
  }
  return out;
}

}  // namespace memkeydb::hll
