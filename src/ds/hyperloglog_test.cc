#include "ds/hyperloglog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "memory/memory_tiers.h"

namespace memkeydb::hll {
namespace {

std::string Str(const CompactValue& v) {
  char buf[CompactValue::kIntBufSize];
  return std::string(v.StringView(buf));
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

uint64_t Count(const CompactValue& v, bool* valid = nullptr) {
  Histogram h;
  bool ok = AddToHistogram(Str(v), &h);
  if (valid != nullptr) *valid = ok;
  return Estimate(h);
}

// What PFADD does with a batch of elements on an existing value.
int PfAdd(CompactValue* v, const std::vector<std::string>& elements,
          size_t max_bytes = kDefaultSparseMaxBytes) {
  int updated = 0;
  for (const std::string& e : elements) {
    int r = Add(v, e, max_bytes);
    if (r < 0) return -1;
    updated += r;
  }
  if (updated) InvalidateCache(v->MutableString(v->StringLength()));
  return updated ? 1 : 0;
}

// The registers of an HLL as one byte each (0 when the value is corrupt).
std::vector<uint8_t> Registers(const CompactValue& v) {
  std::vector<uint8_t> regs(kRegisters, 0);
  EXPECT_TRUE(MergeInto(Str(v), regs.data()));
  return regs;
}

std::mt19937_64 SeededRng(const char* test) {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("HLL_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::printf("%s seed: %llu (HLL_TEST_SEED to replay)\n", test,
              static_cast<unsigned long long>(seed));
  return std::mt19937_64(seed);
}

TEST(HyperLogLogTest, MurmurHashMatchesRedis) {
  // PatternLength is only as good as the hash; these registers come from redis-server 7.0.15
  // (PFADD h a b c; PFDEBUG DECODE h: Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603).
  uint32_t index;
  std::vector<std::pair<uint32_t, int>> got;
  for (const char* e : {"a", "b", "c"}) {
    int count = PatternLength(e, &index);
    got.emplace_back(index, count);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<uint32_t, int>>{{8436, 1}, {12711, 2}, {15780, 1}}));
}

TEST(HyperLogLogTest, EmptyAndSmallSparseBytesMatchRedis) {
  CompactValue v;
  CreateEmpty(&v);
  EXPECT_EQ(Str(v), std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18));
  EXPECT_EQ(v.string_encoding(), StringEncoding::kRaw);
  EXPECT_EQ(PfAdd(&v, {"a", "b", "c"}), 1);
  EXPECT_EQ(Str(v), std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80`\xf3\x80P\xb1\x84K\xfb\x80" "BZ",
                                27));
  EXPECT_EQ(DecodeSparse(Str(v)), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  EXPECT_EQ(PfAdd(&v, {"a", "b"}), 0);
  EXPECT_EQ(Count(v), 3u);
}

// GET of an HLL after PFADD e0..e(n-1) in batches of 1000, and after the PFCOUNT that follows,
// taken from redis-server 7.0.15 (FNV-1a of the bytes).
struct Reference {
  int n;
  size_t size;
  uint64_t fnv_after_add;
  uint64_t count;
  uint64_t fnv_after_count;
};
const Reference kReferences[] = {
    {1, 21, 0xfffb6faeff77f7cdULL, 1, 0x546d16fdfd2c805aULL},
    {10, 48, 0x4afcb65d27f7d346ULL, 10, 0xd06c25fbeaa23420ULL},
    {100, 285, 0xb8de76dab4a4065eULL, 100, 0x40dec5e3b1513cfaULL},
    {1000, 1906, 0x5935de0232806824ULL, 1008, 0x4ded8ea0046b668dULL},
    {3000, 12304, 0x1b31e02ee1b56bceULL, 2979, 0xb581fa7fa1f68d1cULL},
    {10000, 12304, 0x7378cbab5ab5c44bULL, 9973, 0x91141a0852dc0034ULL},
    {100000, 12304, 0xafbf1713dc5ba3c8ULL, 100853, 0xfd1fc23694773e63ULL},
};

TEST(HyperLogLogTest, BytesMatchRedisAcrossPromotion) {
  for (const Reference& ref : kReferences) {
    SCOPED_TRACE(ref.n);
    CompactValue v;
    CreateEmpty(&v);
    InvalidateCache(v.MutableString(v.StringLength()));  // PFADD of a new key does
    for (int i = 0; i < ref.n; i += 1000) {
      std::vector<std::string> batch;
      for (int j = i; j < std::min(ref.n, i + 1000); ++j) batch.push_back("e" + std::to_string(j));
      PfAdd(&v, batch);
    }
    std::string s = Str(v);
    EXPECT_EQ(s.size(), ref.size);
    EXPECT_EQ(Fnv1a(s), ref.fnv_after_add);
    uint64_t card = Count(v);
    EXPECT_EQ(card, ref.count);
    StoreCardinality(v.MutableString(s.size()), card);
    EXPECT_EQ(Fnv1a(Str(v)), ref.fnv_after_count);
    uint64_t cached;
    EXPECT_TRUE(CachedCardinality(Str(v), &cached));
    EXPECT_EQ(cached, card);
  }
}

// Elements whose run length is above 32, found by brute force: 34 (register 7404) and 33
// (register 14884).
constexpr const char* kRun34 = "hll1415032616";
constexpr const char* kRun33 = "hll3432701205";

TEST(HyperLogLogTest, ValueAbove32PromotesToDense) {
  CompactValue v;
  CreateEmpty(&v);
  EXPECT_EQ(PfAdd(&v, {"a"}), 1);
  std::string big = kRun33;
  EXPECT_EQ(PfAdd(&v, {big}), 1);
  EXPECT_EQ(Encoding(Str(v)), kDense);
  EXPECT_EQ(Str(v).size(), kDenseSize);
  uint32_t index;
  int count = PatternLength(big, &index);
  EXPECT_EQ(count, 33);
  EXPECT_EQ(Registers(v)[index], count);
  EXPECT_EQ(PatternLength(kRun34, &index), 34);
  EXPECT_EQ(index, 7404u);
  EXPECT_EQ(Count(v), 2u);
}

TEST(HyperLogLogTest, SparseSizeLimitPromotes) {
  for (size_t limit : {0, 18, 100, 300, 3000}) {
    SCOPED_TRACE(limit);
    CompactValue v;
    CreateEmpty(&v);
    int n = 0;
    while (Encoding(Str(v)) == kSparse && n < 100000) {
      PfAdd(&v, {"e" + std::to_string(n++)}, limit);
      if (Encoding(Str(v)) == kSparse) {
        EXPECT_LE(Str(v).size(), std::max<size_t>(limit, 18));
      }
    }
    EXPECT_EQ(Encoding(Str(v)), kDense);
  }
}

TEST(HyperLogLogTest, SparseAndDenseAgreeWithRegisterModel) {
  std::mt19937_64 rng = SeededRng("SparseAndDenseAgreeWithRegisterModel");
  for (int round = 0; round < 20; ++round) {
    size_t limit = std::uniform_int_distribution<size_t>(18, 6000)(rng);
    CompactValue sparse, dense;
    CreateEmpty(&sparse);
    CreateEmpty(&dense);
    ASSERT_TRUE(ToDense(&dense));
    std::vector<uint8_t> model(kRegisters, 0);
    int adds = std::uniform_int_distribution<int>(1, 5000)(rng);
    for (int i = 0; i < adds; ++i) {
      std::string e = std::to_string(rng() % 20000);
      uint32_t index;
      int count = PatternLength(e, &index);
      int expected = model[index] < count ? 1 : 0;
      if (expected) model[index] = static_cast<uint8_t>(count);
      ASSERT_EQ(Add(&sparse, e, limit), expected);
      ASSERT_EQ(Add(&dense, e, limit), expected);
      if (Encoding(Str(sparse)) == kSparse) {
        ASSERT_LE(Str(sparse).size(), std::max<size_t>(limit, 18));
      }
    }
    ASSERT_EQ(Registers(sparse), model);
    ASSERT_EQ(Registers(dense), model);
    EXPECT_EQ(Count(sparse), Count(dense));
    // Sparse output is canonical enough that a walk covers the registers exactly.
    bool valid;
    Count(sparse, &valid);
    EXPECT_TRUE(valid);
    if (Encoding(Str(sparse)) == kSparse) {
      CompactValue copy;
      copy.SetString(Str(sparse));
      ASSERT_TRUE(ToDense(&copy));
      std::string a = Str(copy), b = Str(dense);
      EXPECT_EQ(a.substr(kHeaderSize), b.substr(kHeaderSize));
    }
  }
}

TEST(HyperLogLogTest, DenseRegistersRoundTrip) {
  std::mt19937_64 rng = SeededRng("DenseRegistersRoundTrip");
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0), model(kRegisters, 0);
  for (int i = 0; i < 200000; ++i) {
    size_t idx = rng() % kRegisters;
    uint8_t val = rng() % 64;
    SetDenseRegister(regs.data(), idx, val);
    model[idx] = val;
  }
  for (size_t i = 0; i < kRegisters; ++i) ASSERT_EQ(GetDenseRegister(regs.data(), i), model[i]);
}

TEST(HyperLogLogTest, EstimateWithinRedisBounds) {
  // Redis's self test allows six standard errors (1.04/sqrt(16384) each), and an absolute
  // error of 1 at cardinality 10 and below.
  std::mt19937_64 rng = SeededRng("EstimateWithinRedisBounds");
  uint64_t salt = rng();
  CompactValue v;
  CreateEmpty(&v);
  const double stderr_ratio = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  uint64_t next_check = 1;
  for (uint64_t n = 1; n <= 1000000; ++n) {
    uint64_t key[2] = {n, salt};
    Add(&v, std::string_view(reinterpret_cast<const char*>(key), sizeof(key)),
        kDefaultSparseMaxBytes);
    if (n != next_check) continue;
    next_check = n < 100 ? n + 1 : n + n / 7;
    double err = std::fabs(static_cast<double>(Count(v)) - static_cast<double>(n));
    double bound = n <= 10 ? 1.0 : std::ceil(6 * stderr_ratio * static_cast<double>(n));
    ASSERT_LE(err, bound) << "cardinality " << n;
  }
}

TEST(HyperLogLogTest, MergeTakesRegisterMaxima) {
  CompactValue a, b;
  CreateEmpty(&a);
  CreateEmpty(&b);
  for (int i = 0; i < 2000; ++i) Add(&a, "a" + std::to_string(i), 3000);
  for (int i = 0; i < 50; ++i) Add(&b, "b" + std::to_string(i), 3000);
  std::vector<uint8_t> max(kRegisters, 0);
  ASSERT_TRUE(MergeInto(Str(a), max.data()));
  ASSERT_TRUE(MergeInto(Str(b), max.data()));
  std::vector<uint8_t> ra = Registers(a), rb = Registers(b);
  for (size_t i = 0; i < kRegisters; ++i) ASSERT_EQ(max[i], std::max(ra[i], rb[i]));
  Histogram h;
  AddRawToHistogram(max.data(), &h);
  uint64_t est = Estimate(h);
  EXPECT_NEAR(static_cast<double>(est), 2050, 2050 * 0.05);
}

std::string Sparse(std::string_view body) {
  return std::string("HYLL\x01", 5) + std::string(10, '\0') + "\x80" + std::string(body);
}

TEST(HyperLogLogTest, HeaderValidation) {
  EXPECT_FALSE(LooksLikeHll(""));
  EXPECT_FALSE(LooksLikeHll("HYLL"));
  EXPECT_FALSE(LooksLikeHll(std::string("HYLX\x01", 5) + std::string(11, '\0')));
  EXPECT_FALSE(LooksLikeHll(std::string("HYLL\x02", 5) + std::string(11, '\0')));
  EXPECT_TRUE(LooksLikeHll(std::string("HYLL\x01", 5) + std::string(11, '\0')));
  EXPECT_FALSE(LooksLikeHll(std::string("HYLL\x00", 5) + std::string(kDenseSize - 6, '\0')));
  EXPECT_TRUE(LooksLikeHll(std::string("HYLL\x00", 5) + std::string(kDenseSize - 5, '\0')));
}

TEST(HyperLogLogTest, CorruptSparseBodies) {
  // A body is valid when its runs add up to exactly 16384 registers; every reader agrees.
  struct Case {
    std::string body;
    bool valid;
  };
  const Case cases[] = {
      {"", false},
      {"\x7f", false},                              // XZERO cut off: its second byte reads as 0
      {std::string("\x7f\xfe\x00", 3), true},      // 16383 + 1
      {"\x7f\xfe\x80", true},                      // 16383 + VAL 1
      {"\x7f\xff\x80", false},                     // a VAL past the last register
      {std::string("\x7f\xff\x00", 3), false},     // a ZERO past the last register
      {std::string(257, '\x3f'), false},            // 257 * 64 registers
      {std::string(256, '\x3f'), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(DecodeSparse(Sparse(c.body)));
    CompactValue v;
    v.SetString(Sparse(c.body));
    ASSERT_TRUE(LooksLikeHll(Str(v)));
    bool valid;
    Count(v, &valid);
    EXPECT_EQ(valid, c.valid);
    std::vector<uint8_t> max(kRegisters, 0);
    EXPECT_EQ(MergeInto(Str(v), max.data()), c.valid);
    CompactValue copy;
    copy.SetString(Str(v));
    EXPECT_EQ(ToDense(&copy), c.valid);
    if (!c.valid) {
      EXPECT_EQ(Str(copy), Str(v));  // left alone
    }
  }
  // PFADD looks only as far as the register it needs.
  CompactValue v;
  v.SetString(Sparse(std::string("\x7f\xff\x80", 3)));
  EXPECT_EQ(Add(&v, "a", 3000), 1);  // register 8436 is in the XZERO
  // An empty body cannot take an element.
  v.SetString(Sparse(""));
  EXPECT_EQ(Add(&v, "a", 3000), -1);
  EXPECT_EQ(DecodeSparse(Str(v)), "");
}

TEST(HyperLogLogTest, RandomBytesNeverBreakAnything) {
  // Run under ASan this proves no read or write outside the string.
  std::mt19937_64 rng = SeededRng("RandomBytesNeverBreakAnything");
  int64_t used_before[2] = {MemoryTiers::Get().used(Tier::kDram),
                            MemoryTiers::Get().used(Tier::kFar)};
  for (int round = 0; round < 3000; ++round) {
    size_t body = rng() % 64;
    std::string s = Sparse("");
    s[15] = static_cast<char>(rng() & 0xff);
    for (size_t i = 0; i < body; ++i) {
      // Mostly well-formed-looking opcodes, sometimes anything.
      uint8_t op = static_cast<uint8_t>(rng());
      if (rng() % 4 == 0) op = static_cast<uint8_t>(0x40 | (rng() % 0x40));
      s.push_back(static_cast<char>(op));
    }
    if (rng() % 8 == 0) {
      s[4] = 0;
      s.resize(kDenseSize);
      for (size_t i = kHeaderSize; i < s.size(); ++i) s[i] = static_cast<char>(rng());
    }
    CompactValue v;
    v.SetString(s);
    ASSERT_TRUE(LooksLikeHll(Str(v)));
    Count(v);
    DecodeSparse(Str(v));
    std::vector<uint8_t> max(kRegisters, 0);
    MergeInto(Str(v), max.data());
    for (int i = 0; i < 8; ++i) {
      size_t limit = rng() % 2 ? 3000 : rng() % 100;
      if (Add(&v, std::to_string(rng()), limit) < 0) break;
      ASSERT_TRUE(LooksLikeHll(Str(v)));
    }
    uint32_t index = static_cast<uint32_t>(rng() % kRegisters);
    SetRegister(&v, index, static_cast<uint8_t>(1 + rng() % 63), 3000);
    CompactValue copy;
    copy.SetString(Str(v));
    ToDense(&copy);
  }
  EXPECT_EQ(MemoryTiers::Get().used(Tier::kDram), used_before[0]);
  EXPECT_EQ(MemoryTiers::Get().used(Tier::kFar), used_before[1]);
}

}  // namespace
}  // namespace memkeydb::hll
