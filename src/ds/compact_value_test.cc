#include "ds/compact_value.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "memory/memory_tiers.h"

namespace memkeydb {
namespace {

std::string Str(const CompactValue& v) {
  char buf[CompactValue::kIntBufSize];
  return std::string(v.StringView(buf));
}

TEST(CompactValueTest, FormsAndEncodings) {
  CompactValue v;
  EXPECT_TRUE(v.empty());
  v.SetString("12345");
  int64_t n;
  EXPECT_TRUE(v.GetInt(&n));
  EXPECT_EQ(n, 12345);
  EXPECT_EQ(v.string_encoding(), StringEncoding::kInt);
  EXPECT_EQ(Str(v), "12345");
  EXPECT_EQ(v.StringLength(), 5u);

  v.SetString("012");  // not canonical: stays a string
  EXPECT_FALSE(v.GetInt(&n));
  EXPECT_EQ(Str(v), "012");
  EXPECT_EQ(v.string_encoding(), StringEncoding::kEmbStr);

  std::string mid(40, 'x');
  v.SetString(mid);
  EXPECT_EQ(Str(v), mid);
  EXPECT_EQ(v.string_encoding(), StringEncoding::kEmbStr);

  std::string big(45, 'y');
  v.SetString(big);
  EXPECT_EQ(Str(v), big);
  EXPECT_EQ(v.string_encoding(), StringEncoding::kRaw);
  EXPECT_EQ(v.type(), ValueType::kString);
}

TEST(CompactValueTest, MutableStringGrowsAndZeroFills) {
  CompactValue v;
  v.SetString("ab");
  char* p = v.MutableString(5);
  EXPECT_EQ(std::string(p, 5), std::string("ab\0\0\0", 5));
  p[4] = 'z';
  EXPECT_EQ(Str(v), std::string("ab\0\0z", 5));
  EXPECT_EQ(v.string_encoding(), StringEncoding::kRaw);
  v.SetInt(-7);
  p = v.MutableString(3);
  EXPECT_EQ(std::string(p, 3), std::string("-7\0", 3));
}

TEST(CompactValueTest, CopyKeepsFormAndEncoding) {
  CompactValue a, b;
  for (auto make : {+[](CompactValue* v) { v->SetString("7", false); },
                    +[](CompactValue* v) { v->SetString(std::string(30, 'q')); },
                    +[](CompactValue* v) { v->SetString(std::string(300, 'r')); },
                    +[](CompactValue* v) { v->SetInt(42); },
                    +[](CompactValue* v) { v->SetString("ab"); v->MutableString(2); }}) {
    make(&a);
    b.CopyStringFrom(a);
    EXPECT_EQ(Str(b), Str(a));
    EXPECT_EQ(b.string_encoding(), a.string_encoding());
    int64_t x, y;
    EXPECT_EQ(b.GetInt(&x), a.GetInt(&y));
  }
}

TEST(CompactValueTest, AccountingReturnsToBaseline) {
  int64_t base = MemoryTiers::Get().used_total();
  uint32_t seed = std::random_device{}();
  std::printf("seed=%u\n", seed);
  std::mt19937 rng(seed);
  {
    std::vector<CompactValue> vals(200);
    for (int i = 0; i < 20000; ++i) {
      CompactValue& v = vals[rng() % vals.size()];
      switch (rng() % 4) {
        case 0: v.SetString(std::string(rng() % 300, 'a')); break;
        case 1: v.SetInt(static_cast<int64_t>(rng())); break;
        case 2: v.MutableString(rng() % 2000); break;
        case 3: v.Reset(); break;
      }
    }
  }
  EXPECT_EQ(MemoryTiers::Get().used_total(), base);
}

}  // namespace
}  // namespace memkeydb
