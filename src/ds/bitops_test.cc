#include "ds/bitops.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

// Unless marked as a property check, every expected value below was read from redis-server
// 7.0.15 running the command shown in the comment or test name.

namespace memkeydb::bitops {
namespace {

using namespace std::string_view_literals;

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint64_t Count(std::string_view s, int64_t start, int64_t end, RangeUnit unit = RangeUnit::kByte) {
  return BitCount(Bytes(s), s.size(), start, end, unit);
}

int64_t Pos(std::string_view s, int bit, int64_t start = 0, std::optional<int64_t> end = {},
            RangeUnit unit = RangeUnit::kByte) {
  return BitPos(Bytes(s), s.size(), bit, start, end, unit);
}

// GETRANGE semantics on top of NormalizeRange, to compare against the real server.
std::string GetRange(std::string_view s, int64_t start, int64_t end) {
  if (!NormalizeRange(&start, &end, static_cast<int64_t>(s.size()))) return "";
  return std::string(s.substr(start, end - start + 1));
}

uint64_t RandomSeed() {
  const uint64_t seed = std::chrono::steady_clock::now().time_since_epoch().count();
  std::printf("random seed: %llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

constexpr auto kBit = RangeUnit::kBit;

TEST(BitopsTest, PopCount) {
  EXPECT_EQ(PopCount(nullptr, 0), 0u);
  EXPECT_EQ(PopCount(Bytes("abcdefghij"), 10), 37u);  // BITCOUNT s
  std::string ones(1000, '\xff');
  for (size_t n = 0; n <= ones.size(); n += 7) EXPECT_EQ(PopCount(Bytes(ones), n), n * 8);
}

TEST(BitopsTest, NormalizeRangeMatchesGetrange) {
  const std::string s = "abcdefghij";
  EXPECT_EQ(GetRange(s, 0, -1), "abcdefghij");
  EXPECT_EQ(GetRange(s, -100, -50), "a");  // Both ends clamp to 0.
  EXPECT_EQ(GetRange(s, -50, -100), "");   // Inverted negatives are empty before clamping.
  EXPECT_EQ(GetRange(s, -3, -5), "");
  EXPECT_EQ(GetRange(s, -5, -3), "fgh");
  EXPECT_EQ(GetRange(s, 5, 2), "");
  EXPECT_EQ(GetRange(s, 100, 200), "");
  EXPECT_EQ(GetRange(s, 9, 100), "j");
  EXPECT_EQ(GetRange(s, -1, -1), "j");
  EXPECT_EQ(GetRange(s, -100, -1), "abcdefghij");
  EXPECT_EQ(GetRange(s, -100, 0), "a");
  EXPECT_EQ(GetRange(s, 3, -100), "");
  EXPECT_EQ(GetRange(s, INT64_MIN, INT64_MAX), "abcdefghij");
  EXPECT_EQ(GetRange("", 0, -1), "");
  EXPECT_EQ(GetRange("", 0, 0), "");
  EXPECT_EQ(GetRange("", -1, -1), "");
}

TEST(BitopsTest, BitCountRanges) {
  const std::string s = "abcdefghij";
  EXPECT_EQ(Count(s, 0, -1), 37u);
  EXPECT_EQ(Count(s, -100, -50), 3u);
  EXPECT_EQ(Count(s, -50, -100), 0u);
  EXPECT_EQ(Count(s, -3, -5), 0u);
  EXPECT_EQ(Count(s, -5, -3), 12u);
  EXPECT_EQ(Count(s, 5, 2), 0u);
  EXPECT_EQ(Count(s, 100, 200), 0u);
  EXPECT_EQ(Count(s, 9, 100), 4u);
  EXPECT_EQ(Count(s, -1, -1), 4u);
  EXPECT_EQ(Count(s, INT64_MIN, -1), 37u);
  EXPECT_EQ(Count(s, 0, 0, kBit), 0u);
  EXPECT_EQ(Count(s, -100, -50, kBit), 13u);
  EXPECT_EQ(Count(s, -50, -100, kBit), 0u);
  EXPECT_EQ(Count("", 0, -1), 0u);
  EXPECT_EQ(Count("", -1, -1), 0u);
  EXPECT_EQ(Count("", 0, 0), 0u);
  EXPECT_EQ(Count("ABCDEFGH", 3, 13, kBit), 2u);
  EXPECT_EQ(Count("ABCDEFGH", 1, -2), 17u);
}

TEST(BitopsTest, BitPosAllOnes) {
  const std::string ones = "\xff\xff";
  EXPECT_EQ(Pos(ones, 0), 16);  // Implicit zero padding after the string.
  EXPECT_EQ(Pos(ones, 1), 0);
  EXPECT_EQ(Pos(ones, 0, 0), 16);
  EXPECT_EQ(Pos(ones, 0, 1), 16);
  EXPECT_EQ(Pos(ones, 0, -1), 16);
  EXPECT_EQ(Pos(ones, 0, 0, -1), -1);  // An explicit end turns the padding off.
  EXPECT_EQ(Pos(ones, 0, 0, 100), -1);
  EXPECT_EQ(Pos(ones, 0, 5), -1);  // Start past the end: empty range.
  EXPECT_EQ(Pos(ones, 0, -500), 16);
  EXPECT_EQ(Pos(ones, 0, -1, -3), -1);
  EXPECT_EQ(Pos(ones, 0, 0, -1, kBit), -1);
  EXPECT_EQ(Pos(ones, 0, 3, -1, kBit), -1);
  EXPECT_EQ(Pos(ones, 0, 0, 15, kBit), -1);
  EXPECT_EQ(Pos(ones, 0, 0, 16, kBit), -1);
  EXPECT_EQ(Pos(ones, 0, -1, -1, kBit), -1);
  EXPECT_EQ(Pos(ones, 1, 0, 0, kBit), 0);
}

TEST(BitopsTest, BitPosZerosAndEmpty) {
  const std::string zeros("\0\0", 2);
  EXPECT_EQ(Pos(zeros, 1), -1);
  EXPECT_EQ(Pos(zeros, 0), 0);
  EXPECT_EQ(Pos(zeros, 1, 0, -1), -1);
  EXPECT_EQ(Pos(zeros, 1, 1), -1);
  EXPECT_EQ(Pos(zeros, 0, 1), 8);
  EXPECT_EQ(Pos(zeros, 0, 1, 1), 8);
  EXPECT_EQ(Pos(zeros, 0, 3, 9, kBit), 3);
  // An existing empty string: -1 for both bits (a missing key is the caller's case).
  EXPECT_EQ(Pos("", 0), -1);
  EXPECT_EQ(Pos("", 1), -1);
  EXPECT_EQ(Pos("", 0, 0), -1);
  EXPECT_EQ(Pos("", 0, 0, -1), -1);
}

TEST(BitopsTest, BitPosMixed) {
  const std::string_view m = "\xff\xf0\x0f\x00"sv;
  EXPECT_EQ(Pos(m, 0), 12);
  EXPECT_EQ(Pos(m, 1, 1), 8);
  EXPECT_EQ(Pos(m, 0, 1), 12);
  EXPECT_EQ(Pos(m, 1, 2), 20);
  EXPECT_EQ(Pos(m, 1, 3), -1);
  EXPECT_EQ(Pos(m, 0, 3), 24);
  EXPECT_EQ(Pos(m, 0, 3, 3), 24);
  EXPECT_EQ(Pos(m, 0, 12, 13, kBit), 12);
  EXPECT_EQ(Pos(m, 0, 12, 11, kBit), -1);
  EXPECT_EQ(Pos(m, 1, 12, 19, kBit), -1);
  EXPECT_EQ(Pos(m, 1, 12, 20, kBit), 20);
  EXPECT_EQ(Pos(m, 1, -7, -1, kBit), -1);
  EXPECT_EQ(Pos(m, 1, -12, -1, kBit), 20);
  EXPECT_EQ(Pos(m, 0, 24, 31, kBit), 24);
  EXPECT_EQ(Pos(m, 0, -100, -50), -1);
  EXPECT_EQ(Pos(m, 1, -100, -50), 0);
  EXPECT_EQ(Pos(m, 1, -100, -50, kBit), 0);
  EXPECT_EQ(Pos(m, 0, -100, -50, kBit), -1);
  EXPECT_EQ(Pos(m, 0, 2, 1), -1);
  EXPECT_EQ(Pos(m, 0, 5), -1);
  EXPECT_EQ(Pos(m, 1, 5), -1);
  EXPECT_EQ(Pos(m, 1, 31), -1);

  const std::string s = "abcdefghij";
  // Unlike BITCOUNT, inverted negative ranges are clamped, not empty.
  EXPECT_EQ(Pos(s, 1, -50, -100), 1);
  EXPECT_EQ(Pos(s, 0, -500, -1000, kBit), 0);
  EXPECT_EQ(Pos(s, 0, -500, -1000), 0);
  EXPECT_EQ(Pos(s, 0, -500), 0);
  EXPECT_EQ(Pos(s, 1, -500, -1000, kBit), -1);
  EXPECT_EQ(Pos(s, 1, INT64_MAX), -1);
  EXPECT_EQ(Pos(s, 1, INT64_MIN, INT64_MAX, kBit), 1);
  EXPECT_EQ(Pos("ABCDEFGH", 1, 2), 17);
  EXPECT_EQ(Pos("ABCDEFGH", 0, 9, 22, kBit), 10);
}

TEST(BitopsTest, BitOpExamples) {
  std::string dst;
  const std::vector<std::string_view> srcs = {"foobar", "abcdef", "xy"};
  BitOp(Op::kAnd, srcs, &dst);
  EXPECT_EQ(dst, "``\0\0\0\0"sv);
  BitOp(Op::kOr, srcs, &dst);
  EXPECT_EQ(dst, "\x7f\x7fofev"sv);
  BitOp(Op::kXor, srcs, &dst);
  EXPECT_EQ(dst, "\x7ft\x0c\x06\x04\x14"sv);
  BitOp(Op::kNot, {"xy"}, &dst);
  EXPECT_EQ(dst, "\x87\x86"sv);
  // Only missing keys (empty sources): empty result, meaning the destination is deleted.
  BitOp(Op::kAnd, {"", ""}, &dst);
  EXPECT_EQ(dst, "");
  BitOp(Op::kNot, {""}, &dst);
  EXPECT_EQ(dst, "");
  BitOp(Op::kAnd, {"ohmytext", ""}, &dst);
  EXPECT_EQ(dst, std::string(8, '\0'));
}

// A missing source key is an empty view whose data() is null; every operation must accept it
// as the first source (the sanitizer build flags memcpy from null).
TEST(BitopsTest, BitOpWithNullEmptyFirstSource) {
  std::string dst;
  for (Op op : {Op::kAnd, Op::kOr, Op::kXor}) {
    BitOp(op, {std::string_view(), std::string_view("\xff\x0f", 2)}, &dst);
    EXPECT_EQ(dst.size(), 2u);
    EXPECT_EQ(dst, op == Op::kAnd ? std::string(2, '\0') : std::string("\xff\x0f", 2));
  }
}

TEST(BitopsTest, BitOpMatchesBytewiseReference) {  // Property check.
  const uint64_t seed = RandomSeed();
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 500; ++iter) {
    std::vector<std::string> owned(1 + rng() % 4);
    for (auto& s : owned) {
      s.resize(rng() % 40);
      for (auto& c : s) c = static_cast<char>(rng());
    }
    const Op op = static_cast<Op>(rng() % 4);
    if (op == Op::kNot) owned.resize(1);
    const std::vector<std::string_view> srcs(owned.begin(), owned.end());
    size_t max_len = 0;
    for (auto& s : owned) max_len = std::max(max_len, s.size());
    std::string want(max_len, '\0');
    for (size_t i = 0; i < max_len; ++i) {
      auto at = [&](size_t k) -> uint8_t { return i < owned[k].size() ? owned[k][i] : 0; };
      uint8_t v = at(0);
      for (size_t k = 1; k < owned.size(); ++k) {
        if (op == Op::kAnd) v &= at(k);
        if (op == Op::kOr) v |= at(k);
        if (op == Op::kXor) v ^= at(k);
      }
      if (op == Op::kNot) v = ~v;
      want[i] = static_cast<char>(v);
    }
    std::string dst = "stale contents";
    BitOp(op, srcs, &dst);
    ASSERT_EQ(dst, want) << "seed " << seed << " iteration " << iter;
  }
}

TEST(BitopsTest, ParseOpAndOverflow) {
  Op op;
  EXPECT_TRUE(ParseOp("AnD", &op));
  EXPECT_EQ(op, Op::kAnd);
  EXPECT_TRUE(ParseOp("xOR", &op));
  EXPECT_EQ(op, Op::kXor);
  EXPECT_TRUE(ParseOp("not", &op));
  EXPECT_EQ(op, Op::kNot);
  EXPECT_TRUE(ParseOp("Or", &op));
  EXPECT_EQ(op, Op::kOr);
  EXPECT_FALSE(ParseOp("foo", &op));
  EXPECT_FALSE(ParseOp("", &op));
  Overflow ow;
  EXPECT_TRUE(ParseOverflow("Sat", &ow));
  EXPECT_EQ(ow, Overflow::kSat);
  EXPECT_TRUE(ParseOverflow("WRAP", &ow));
  EXPECT_EQ(ow, Overflow::kWrap);
  EXPECT_TRUE(ParseOverflow("fail", &ow));
  EXPECT_EQ(ow, Overflow::kFail);
  EXPECT_FALSE(ParseOverflow("foo", &ow));
}

TEST(BitopsTest, ParseBitOffset) {
  uint64_t off = 0;
  // SETBIT/GETBIT offsets.
  EXPECT_TRUE(ParseBitOffset("4294967295", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 4294967295u);
  EXPECT_FALSE(ParseBitOffset("4294967296", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("-1", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("007", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("+7", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset(" 7", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("-0", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("1.0", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("#1", false, 8, kDefaultMaxBulkLen, &off));
  EXPECT_TRUE(ParseBitOffset("0", false, 0, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 0u);
  // Exempt clients (primary link, AOF) have no limit.
  EXPECT_TRUE(ParseBitOffset("4294967296", false, 0, UINT64_MAX, &off));
  EXPECT_EQ(off, 4294967296u);
  // BITFIELD offsets.
  EXPECT_TRUE(ParseBitOffset("#1", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 8u);
  EXPECT_TRUE(ParseBitOffset("#0", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 0u);
  EXPECT_FALSE(ParseBitOffset("#-1", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("##1", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("#", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("# 1", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("#+1", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_FALSE(ParseBitOffset("#536870912", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_TRUE(ParseBitOffset("#536870911", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 4294967288u);
  // The #N product wraps in 64 bits: BITFIELD f GET u8 #4611686018427387905 reads offset 8.
  EXPECT_TRUE(ParseBitOffset("#4611686018427387905", true, 8, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 8u);
  EXPECT_TRUE(ParseBitOffset("#288230376151711745", true, 64, kDefaultMaxBulkLen, &off));
  EXPECT_EQ(off, 64u);
}

TEST(BitopsTest, ParseBitValue) {
  int bit = -1;
  EXPECT_TRUE(ParseBitValue("1", &bit));
  EXPECT_EQ(bit, 1);
  EXPECT_TRUE(ParseBitValue("0", &bit));
  EXPECT_EQ(bit, 0);
  EXPECT_FALSE(ParseBitValue("2", &bit));
  EXPECT_FALSE(ParseBitValue("x", &bit));
  EXPECT_FALSE(ParseBitValue("01", &bit));
  EXPECT_FALSE(ParseBitValue("-0", &bit));
  EXPECT_FALSE(ParseBitValue("", &bit));
}

TEST(BitopsTest, ParseBitfieldType) {
  BitfieldType t;
  EXPECT_TRUE(ParseBitfieldType("i64", &t));
  EXPECT_TRUE(t.is_signed);
  EXPECT_EQ(t.bits, 64);
  EXPECT_TRUE(ParseBitfieldType("u63", &t));
  EXPECT_FALSE(t.is_signed);
  EXPECT_EQ(t.bits, 63);
  EXPECT_TRUE(ParseBitfieldType("i1", &t));
  EXPECT_TRUE(ParseBitfieldType("u1", &t));
  for (std::string_view bad :
       {"i65", "u64", "I8", "U8", "u0", "i0", "i", "u08", "u+8", "x8", "", "i-1", "u 8", "u8 "}) {
    EXPECT_FALSE(ParseBitfieldType(bad, &t)) << bad;
  }
}

TEST(BitopsTest, SingleBits) {
  std::string buf(2, '\0');
  auto* p = reinterpret_cast<uint8_t*>(buf.data());
  SetBit(p, 0, 1);
  SetBit(p, 9, 1);
  EXPECT_EQ(buf, "\x80\x40"sv);
  EXPECT_EQ(GetBit(p, 2, 0), 1);
  EXPECT_EQ(GetBit(p, 2, 1), 0);
  EXPECT_EQ(GetBit(p, 2, 9), 1);
  EXPECT_EQ(GetBit(p, 2, 16), 0);  // Past the end.
  EXPECT_EQ(GetBit(p, 2, UINT64_MAX), 0);
  SetBit(p, 0, 0);
  EXPECT_EQ(buf, "\x00\x40"sv);
  EXPECT_EQ(BytesForWrite(0, 1), 1u);
  EXPECT_EQ(BytesForWrite(7, 1), 1u);
  EXPECT_EQ(BytesForWrite(8, 1), 2u);
  EXPECT_EQ(BytesForWrite(4294967295, 1), 536870912u);  // SETBIT b 4294967295 1; STRLEN b
  EXPECT_EQ(BytesForWrite(100, 8), 14u);                // BITFIELD nf SET u8 100 ...; STRLEN
  EXPECT_EQ(BytesForWrite(1, 63), 8u);
  EXPECT_EQ(BytesForWrite(1, 64), 9u);
}

TEST(BitopsTest, GetFields) {
  const std::string s = "ABCDEFGH";
  const auto* p = Bytes(s);
  auto get = [&](std::string_view type, uint64_t off) {
    BitfieldType t;
    EXPECT_TRUE(ParseBitfieldType(type, &t));
    return GetField(p, s.size(), off, t);
  };
  EXPECT_EQ(get("u4", 0), 4);
  EXPECT_EQ(get("i4", 0), 4);
  EXPECT_EQ(get("u8", 4), 20);
  EXPECT_EQ(get("i8", 4), 20);
  EXPECT_EQ(get("i64", 0), 4702394921427289928);
  EXPECT_EQ(get("u63", 1), 4702394921427289928);
  EXPECT_EQ(get("i64", 8), 4774735094265366528);
  EXPECT_EQ(get("u63", 40), 2532047735419305984);
  EXPECT_EQ(get("u16", 60), 32768);
  EXPECT_EQ(get("i16", 48), 18248);  // #3
  EXPECT_EQ(get("i7", 60), -64);
  EXPECT_EQ(get("u8", 1000), 0);
}

TEST(BitopsTest, SetFieldsLayout) {
  // BITFIELD bf2 SET i5 3 -7 SET u13 9 5000 SET i64 20 -1234567890123 INCRBY u2 100 5; GET bf2
  std::string buf;
  auto set = [&](std::string_view type, uint64_t off, int64_t v) {
    BitfieldType t;
    ASSERT_TRUE(ParseBitfieldType(type, &t));
    if (buf.size() < BytesForWrite(off, t.bits)) buf.resize(BytesForWrite(off, t.bits), '\0');
    SetField(reinterpret_cast<uint8_t*>(buf.data()), off, t, v);
  };
  set("i5", 3, -7);
  set("u13", 9, 5000);
  set("i64", 20, -1234567890123);
  set("u2", 100, 1);  // INCRBY u2 100 5 from 0 wraps to 1.
  EXPECT_EQ(buf, "\x19N/\xff\xff\xee\b\xe0O\xb3P\x00\x04"sv);
}

TEST(BitopsTest, FieldRoundTrip) {  // Property check.
  const uint64_t seed = RandomSeed();
  std::mt19937_64 rng(seed);
  std::string buf(24, '\0');
  auto* p = reinterpret_cast<uint8_t*>(buf.data());
  for (int iter = 0; iter < 5000; ++iter) {
    for (auto& c : buf) c = static_cast<char>(rng());
    const std::string before = buf;
    const int bits = 1 + static_cast<int>(rng() % 64);
    const uint64_t off = rng() % (buf.size() * 8 - bits + 1);
    const uint64_t value = rng();
    SetBits(p, off, bits, value);
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    ASSERT_EQ(GetUnsigned(p, buf.size(), off, bits), value & mask) << "seed " << seed;
    // Bits outside the field are untouched, and each field bit reads back through GetBit.
    for (uint64_t b = 0; b < buf.size() * 8; ++b) {
      const bool inside = b >= off && b < off + bits;
      const int want = inside ? static_cast<int>((value >> (off + bits - 1 - b)) & 1)
                              : GetBit(Bytes(before), before.size(), b);
      ASSERT_EQ(GetBit(p, buf.size(), b), want) << "seed " << seed << " bit " << b;
    }
    // Reading past the end behaves like zero padding.
    const size_t n = rng() % (buf.size() + 1);
    std::string padded(buf.substr(0, n));
    padded.resize(buf.size() + 9, '\0');
    ASSERT_EQ(GetUnsigned(p, n, off, bits), GetUnsigned(Bytes(padded), padded.size(), off, bits))
        << "seed " << seed;
  }
}

struct OverflowCase {
  const char* type;
  Overflow overflow;
  int64_t value;
  std::optional<int64_t> want;  // nullopt: the reply is nil (FAIL).
};

TEST(BitopsTest, SetWithOverflowQuirks) {
  const OverflowCase cases[] = {
      // BITFIELD f OVERFLOW <o> SET <type> 0 <value> GET <type> 0
      {"u8", Overflow::kSat, -1, 255},
      {"u8", Overflow::kWrap, -1, 255},
      {"u8", Overflow::kFail, -1, std::nullopt},
      {"i8", Overflow::kSat, INT64_MIN, 127},
      {"i8", Overflow::kSat, -200, -128},
      {"i8", Overflow::kSat, -4611686018427387904, -128},
      {"i8", Overflow::kSat, -9223372036854775680, -128},
      {"i8", Overflow::kSat, -9223372036854775681, 127},
      {"i8", Overflow::kWrap, INT64_MIN, 0},
      {"u63", Overflow::kSat, -1, INT64_MAX},
      {"u8", Overflow::kFail, 255, 255},
      {"i64", Overflow::kFail, INT64_MIN, INT64_MIN},
  };
  for (const auto& c : cases) {
    BitfieldType t;
    ASSERT_TRUE(ParseBitfieldType(c.type, &t));
    int64_t got = 0;
    const bool ok = SetWithOverflow(c.value, t, c.overflow, &got);
    EXPECT_EQ(ok, c.want.has_value()) << c.type << " " << c.value;
    if (ok && c.want) {
      EXPECT_EQ(got, *c.want) << c.type << " " << c.value;
    }
  }
}

TEST(BitopsTest, IncrWithOverflow) {
  auto incr = [](const char* type, Overflow ow, int64_t cur, int64_t by) -> std::optional<int64_t> {
    BitfieldType t;
    EXPECT_TRUE(ParseBitfieldType(type, &t));
    int64_t r;
    if (!IncrWithOverflow(cur, by, t, ow, &r)) return std::nullopt;
    return r;
  };
  // BITFIELD f SET u8 0 200 INCRBY u8 0 100 OVERFLOW SAT INCRBY u8 0 100 OVERFLOW FAIL
  //   INCRBY u8 0 1 INCRBY u8 0 -300 INCRBY u8 0 -255  ->  0 44 144 145 nil nil
  EXPECT_EQ(incr("u8", Overflow::kWrap, 200, 100), 44);
  EXPECT_EQ(incr("u8", Overflow::kSat, 44, 100), 144);
  EXPECT_EQ(incr("u8", Overflow::kFail, 144, 1), 145);
  EXPECT_EQ(incr("u8", Overflow::kFail, 145, -300), std::nullopt);
  EXPECT_EQ(incr("u8", Overflow::kFail, 145, -255), std::nullopt);
  // BITFIELD f OVERFLOW SAT SET i64 0 -1 INCRBY i64 0 INT64_MIN INCRBY i64 0 -1
  //   OVERFLOW WRAP INCRBY i64 0 -1 INCRBY i64 0 -1
  EXPECT_EQ(incr("i64", Overflow::kSat, -1, INT64_MIN), INT64_MIN);
  EXPECT_EQ(incr("i64", Overflow::kSat, INT64_MIN, -1), INT64_MIN);
  EXPECT_EQ(incr("i64", Overflow::kWrap, INT64_MIN, -1), INT64_MAX);
  EXPECT_EQ(incr("i64", Overflow::kWrap, INT64_MAX, -1), INT64_MAX - 1);
  // BITFIELD f OVERFLOW WRAP SET i64 0 INT64_MAX INCRBY i64 0 1
  EXPECT_EQ(incr("i64", Overflow::kWrap, INT64_MAX, 1), INT64_MIN);
  EXPECT_EQ(incr("u63", Overflow::kSat, 5, INT64_MAX), INT64_MAX);
  EXPECT_EQ(incr("u63", Overflow::kSat, 5, -6), 0);
  EXPECT_EQ(incr("u63", Overflow::kWrap, 5, -6), INT64_MAX);
  EXPECT_EQ(incr("i1", Overflow::kWrap, 0, 1), -1);
  EXPECT_EQ(incr("i1", Overflow::kSat, -1, -1), -1);
  EXPECT_EQ(incr("i8", Overflow::kSat, 100, INT64_MIN), -128);
  EXPECT_EQ(incr("i8", Overflow::kSat, -128, INT64_MAX), 127);
}

TEST(BitopsTest, IncrMatchesWideArithmetic) {  // Property check.
  const uint64_t seed = RandomSeed();
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 20000; ++iter) {
    BitfieldType t;
    t.is_signed = rng() % 2;
    t.bits = 1 + static_cast<int>(rng() % (t.is_signed ? 64 : 63));
    const __int128 lo = t.is_signed ? -(__int128{1} << (t.bits - 1)) : 0;
    const __int128 hi =
        t.is_signed ? (__int128{1} << (t.bits - 1)) - 1 : (__int128{1} << t.bits) - 1;
    const __int128 span = hi - lo + 1;
    const int64_t cur = static_cast<int64_t>(lo + static_cast<__int128>(rng() % span));
    int64_t by = static_cast<int64_t>(rng());
    if (rng() % 2) by >>= rng() % 64;
    const __int128 sum = static_cast<__int128>(cur) + by;
    const Overflow ow = static_cast<Overflow>(rng() % 3);
    int64_t got = 0;
    const bool ok = IncrWithOverflow(cur, by, t, ow, &got);
    if (sum >= lo && sum <= hi) {
      ASSERT_TRUE(ok);
      ASSERT_EQ(got, static_cast<int64_t>(sum)) << "seed " << seed;
    } else if (ow == Overflow::kFail) {
      ASSERT_FALSE(ok) << "seed " << seed;
    } else if (ow == Overflow::kSat) {
      ASSERT_EQ(got, static_cast<int64_t>(sum > hi ? hi : lo)) << "seed " << seed;
    } else {
      __int128 wrapped = (sum - lo) % span;
      if (wrapped < 0) wrapped += span;
      ASSERT_EQ(got, static_cast<int64_t>(wrapped + lo)) << "seed " << seed;
    }
  }
}

TEST(BitopsTest, CountAndPosMatchNaiveScan) {  // Property check.
  const uint64_t seed = RandomSeed();
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s(rng() % 40, '\0');
    const int style = static_cast<int>(rng() % 3);
    for (auto& c : s) {
      c = style == 0 ? static_cast<char>(rng()) : (rng() % 8 ? (style == 1 ? '\xff' : '\0') : 'x');
    }
    const int64_t nbits = static_cast<int64_t>(s.size()) * 8;
    const RangeUnit unit = rng() % 2 ? kBit : RangeUnit::kByte;
    const int64_t scale = unit == kBit ? 8 : 1;
    const int64_t start = static_cast<int64_t>(rng() % 100) - 50 * scale;
    const int64_t end = static_cast<int64_t>(rng() % 100) - 50 * scale;
    // Naive reference: normalise in bits, then scan bit by bit.
    int64_t ns = start;
    int64_t ne = end;
    const bool nonempty = NormalizeRange(&ns, &ne, unit == kBit ? nbits : nbits / 8);
    const int64_t first = nonempty ? (unit == kBit ? ns : ns * 8) : 0;
    const int64_t last = nonempty ? (unit == kBit ? ne : ne * 8 + 7) : -1;
    uint64_t want_count = 0;
    for (int64_t b = first; b <= last; ++b) want_count += GetBit(Bytes(s), s.size(), b);
    ASSERT_EQ(BitCount(Bytes(s), s.size(), start, end, unit), want_count) << "seed " << seed;

    const int bit = static_cast<int>(rng() % 2);
    // BITPOS with an explicit end clamps inverted negative ranges instead of emptying them.
    const int64_t len = unit == kBit ? nbits : nbits / 8;
    ns = std::max<int64_t>(start < 0 ? start + len : start, 0);
    ne = std::min<int64_t>(std::max<int64_t>(end < 0 ? end + len : end, 0), len - 1);
    int64_t want_pos = -1;
    const int64_t f = unit == kBit ? ns : ns * 8;
    const int64_t l = unit == kBit ? ne : ne * 8 + 7;
    for (int64_t b = f; b <= l && want_pos < 0; ++b) {
      if (GetBit(Bytes(s), s.size(), b) == bit) want_pos = b;
    }
    ASSERT_EQ(Pos(s, bit, start, end, unit), want_pos) << "seed " << seed;
  }
}

TEST(BitopsTest, ErrorTexts) {
  EXPECT_EQ(kErrBitfieldType,
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported "
            "but i64 is.");
  EXPECT_EQ(kErrBitOffset, "ERR bit offset is not an integer or out of range");
}

}  // namespace
}  // namespace memkeydb::bitops
