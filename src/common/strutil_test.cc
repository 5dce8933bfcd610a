#include "common/strutil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>

namespace memkeydb {
namespace {

using namespace std::string_literals;

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();

// Acceptance below was checked with INCRBY on redis-server 7.0.15.
TEST(ParseInt64Test, Accepts) {
  const struct {
    std::string in;
    int64_t want;
  } kCases[] = {
      {"0", 0},
      {"1", 1},
      {"-1", -1},
      {"10", 10},
      {"1234567890", 1234567890},
      {"-1234567890", -1234567890},
      {"9223372036854775807", kInt64Max},
      {"-9223372036854775808", kInt64Min},
      {"-9223372036854775807", kInt64Min + 1},
  };
  for (const auto& c : kCases) {
    int64_t v = 42;
    EXPECT_TRUE(ParseInt64(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
}

TEST(ParseInt64Test, Rejects) {
  const std::string kCases[] = {
      "",
      "-",
      "+",
      "-0",
      "00",
      "01",
      "-00",
      "-01",
      "+1",
      " 1",
      "1 ",
      "1\0"s,
      "\0"
      "1"s,
      "1a",
      "a1",
      "1.0",
      "1e3",
      "0x10",
      "9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "99999999999999999999",
      "123456789012345678901",
      "--1",
  };
  for (const std::string& in : kCases) {
    int64_t v = 42;
    EXPECT_FALSE(ParseInt64(in, &v)) << "\"" << in << "\"";
    EXPECT_EQ(v, 42) << "output must be untouched on failure";
  }
}

TEST(ParseUint64Test, AcceptsAndRejects) {
  uint64_t v = 0;
  EXPECT_TRUE(ParseUint64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, kUint64Max);
  EXPECT_TRUE(ParseUint64("9223372036854775808", &v));
  EXPECT_EQ(v, uint64_t{1} << 63);
  EXPECT_TRUE(ParseUint64("42", &v));
  EXPECT_EQ(v, 42u);
  for (const std::string in :
       {"", "-1", "-0", "+1", "01", "00", " 1", "1 ", "1.5", "18446744073709551616",
        "99999999999999999999", "100000000000000000000", "12x"}) {
    v = 7;
    EXPECT_FALSE(ParseUint64(in, &v)) << "\"" << in << "\"";
    EXPECT_EQ(v, 7u);
  }
}

TEST(ParseInt64Test, RoundTripsFormatInt64) {
  const uint32_t seed = std::random_device{}();
  std::cout << "ParseInt64Test.RoundTripsFormatInt64 seed=" << seed << std::endl;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 100000; ++i) {
    // Shift to spread values over every magnitude.
    const int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    const std::string s = Int64ToString(v);
    ASSERT_EQ(s, std::to_string(v)) << "seed=" << seed;
    int64_t back = 0;
    ASSERT_TRUE(ParseInt64(s, &back)) << s << " seed=" << seed;
    ASSERT_EQ(back, v) << "seed=" << seed;
    if (v >= 0) {
      uint64_t ubig = 0;
      ASSERT_TRUE(ParseUint64(s, &ubig));
      ASSERT_EQ(ubig, static_cast<uint64_t>(v));
    }
  }
}

TEST(FormatInt64Test, EdgeValues) {
  const struct {
    int64_t v;
    const char* want;
  } kCases[] = {
      {0, "0"},
      {1, "1"},
      {-1, "-1"},
      {9, "9"},
      {10, "10"},
      {99, "99"},
      {100, "100"},
      {-100, "-100"},
      {101, "101"},
      {1000000, "1000000"},
      {kInt64Max, "9223372036854775807"},
      {kInt64Min, "-9223372036854775808"},
      {kInt64Min + 1, "-9223372036854775807"},
  };
  for (const auto& c : kCases) {
    char buf[kInt64BufferSize];
    std::memset(buf, 'x', sizeof(buf));
    const size_t len = FormatInt64(c.v, buf);
    EXPECT_EQ(std::string(buf, len), c.want);
    EXPECT_EQ(len, std::strlen(c.want));
    EXPECT_EQ(buf[len], '\0');
    EXPECT_EQ(Int64ToString(c.v), c.want);
  }
}

// ---- Doubles. Expected values were read back with ZADD + ZSCORE from redis-server 7.0.15. ----

TEST(ParseDoubleTest, AcceptsLikeRedis) {
  const struct {
    std::string in;
    double want;
  } kCases[] = {
      {"0", 0.0},
      {"1.5", 1.5},
      {"+1.5", 1.5},
      {"-2.5", -2.5},
      {"1.", 1.0},
      {".5", 0.5},
      {"1e5", 1e5},
      {"2.5e+3", 2500.0},
      {"1E-2", 0.01},
      {"0x10", 16.0},
      {"0X1p-2", 0.25},
      {"inf", HUGE_VAL},
      {"+inf", HUGE_VAL},
      {"-inf", -HUGE_VAL},
      {"Inf", HUGE_VAL},
      {"INFINITY", HUGE_VAL},
      {"-infinity", -HUGE_VAL},
      {"1e-310", 1e-310},  // subnormal: ERANGE, but kept
      {"4.9e-324", 4.9e-324},
      {"1." + std::string(20000, '0'), 1.0},  // no length limit
  };
  for (const auto& c : kCases) {
    double v = 42;
    EXPECT_TRUE(ParseDouble(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
  double v = 1;
  ASSERT_TRUE(ParseDouble("-0", &v));
  EXPECT_TRUE(v == 0 && std::signbit(v));
}

TEST(ParseDoubleTest, RejectsLikeRedis) {
  const std::string kCases[] = {
      "",   "nan", "NaN", "-nan", "nan(123)", "1e400",  "-1e400", "1e-400", "2e-324",
      " 1", "\t1", "\n1", "1 ",   "1\0"s,     "1.5\0"s, "5e",     "1_000",  "1,5",
      "e5", ".",   "-",   "+",    "--1",      "1x",     "0x",     "abc",
  };
  for (const std::string& in : kCases) {
    double v = 42;
    EXPECT_FALSE(ParseDouble(in, &v)) << "\"" << in << "\"";
    EXPECT_EQ(v, 42);
  }
}

TEST(FormatDoubleTest, MatchesZscore) {
  const struct {
    const char* in;
    const char* want;
  } kCases[] = {
      {"1.1", "1.1000000000000001"},
      {"3", "3"},
      {"-3", "-3"},
      {"-0", "-0"},
      {"0", "0"},
      {"0.1", "0.10000000000000001"},
      {"1e17", "1e+17"},
      {"1e16", "10000000000000000"},
      {"1e15", "1000000000000000"},
      {"123456789012345678", "1.2345678901234568e+17"},
      {"-2.5", "-2.5"},
      {"1e-5", "1.0000000000000001e-05"},
      {"1e-310", "9.9999999999999694e-311"},
      {"5e-324", "4.9406564584124654e-324"},
      {"1e300", "1.0000000000000001e+300"},
      {"0.30000000000000004", "0.30000000000000004"},
      {"123456.789", "123456.789"},
      {"9007199254740993", "9007199254740992"},
      {"9007199254740992", "9007199254740992"},
      {"-9007199254740991", "-9007199254740991"},
      {"4503599627370496", "4503599627370496"},
      {"1.5e-7", "1.4999999999999999e-07"},
      {"100000000000000000000", "1e+20"},
      {"1e21", "1e+21"},
      {"12345678901234567", "12345678901234568"},
      {"inf", "inf"},
      {"-inf", "-inf"},
  };
  for (const auto& c : kCases) {
    double v = 0;
    ASSERT_TRUE(ParseDouble(c.in, &v)) << c.in;
    EXPECT_EQ(FormatDouble(v), c.want) << c.in;
  }
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
}

TEST(FormatDoubleTest, RandomRoundTripAndPrintfAgreement) {
  const uint32_t seed = std::random_device{}();
  std::cout << "FormatDoubleTest.RandomRoundTripAndPrintfAgreement seed=" << seed << std::endl;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 100000; ++i) {
    double d;
    switch (i % 3) {
      case 0: {  // any bit pattern
        const uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof(d));
        break;
      }
      case 1:  // whole numbers around the integer fast path's limits
        d = static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64));
        break;
      default:  // short decimals, the common case for scores
        d = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 1000.0;
    }
    if (std::isnan(d) || std::isinf(d)) continue;
    const std::string s = FormatDouble(d);
    char want[64];
    std::snprintf(want, sizeof(want), "%.17g", d);
    ASSERT_EQ(s, want) << "seed=" << seed;
    double back = 0;
    ASSERT_TRUE(ParseDouble(s, &back)) << s << " seed=" << seed;
    ASSERT_EQ(std::memcmp(&back, &d, sizeof(d)), 0) << s << " seed=" << seed;
  }
}

// ---- Long doubles: INCRBYFLOAT. Expected replies come from redis-server 7.0.15:
// SET k <start>, INCRBYFLOAT k <increment>. ----

TEST(LongDoubleTest, MatchesIncrbyfloat) {
  const struct {
    const char* start;
    const char* incr;
    const char* want;
  } kCases[] = {
      {"10.5", "0.1", "10.6"},
      {"10.6", "5.0e3", "5010.60000000000000009"},
      {"10.6", "-5", "5.6"},
      {"5.0e3", "2.0e2", "5200"},
      {"3.0e3", "0", "3000"},
      {"0", "1e20", "100000000000000000000"},
      {"0", "1.23456789012345678901", "1.23456789012345679"},
      {"0.1", "0.2", "0.3"},
      {"1.1", "0", "1.1"},
      {"0", "-1e-30", "0"},
      {"0", "1e-17", "0.00000000000000001"},
      {"0", "5e-18", "0"},
      {"0", "-5e-18", "0"},
      {"0", "3.14159265358979323846264338327950288", "3.14159265358979324"},
      {"0", "9223372036854775807", "9223372036854775807"},
      {"0", "-9223372036854775808", "-9223372036854775808"},
      {"0", "0.5", "0.5"},
      {"0", "-0.5", "-0.5"},
      {"0", "123456789.123456789", "123456789.12345678899873747"},
      {"0", "1e-10", "0.0000000001"},
      {"0", "-2.5e-5", "-0.000025"},
      {"0", "1e30", "1000000000000000000024696061952"},
      {"0", "0x10", "16"},
      {"0", "1e-4940", "0"},
      {"0", "12345678901234567890.5", "12345678901234567890"},
      {"0", "99.99999999999999999999", "100"},
      {"0", "0.00000000000000000999", "0.00000000000000001"},
      {"0", "-0", "0"},
      {"-0", "0", "0"},
      {"1", "+1", "2"},
      {"127.999", "0", "127.999"},
      {"128.1", "0", "128.10000000000000001"},
      {"255.3", "0", "255.3"},
      {"1000.1", "0", "1000.09999999999999998"},
      {"-53374.01", "0", "-53374.01000000000000156"},
  };
  for (const auto& c : kCases) {
    long double start = 0, incr = 0;
    ASSERT_TRUE(ParseLongDouble(c.start, &start)) << c.start;
    ASSERT_TRUE(ParseLongDouble(c.incr, &incr)) << c.incr;
    EXPECT_EQ(FormatLongDouble(start + incr), c.want) << c.start << " + " << c.incr;
  }
}

TEST(LongDoubleTest, ParseRejectsLikeIncrbyfloat) {
  const std::string kCases[] = {
      "", " 1", "1 ", "1\0x"s, "nan", "-nan", "1e5000", "-1e5000", "1e-5000", "abc", "1e", "1.2.3",
  };
  for (const std::string& in : kCases) {
    long double v = 42;
    EXPECT_FALSE(ParseLongDouble(in, &v)) << "\"" << in << "\"";
    EXPECT_EQ(v, 42);
  }
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble("inf", &v));  // INCRBYFLOAT then refuses the infinite result
  EXPECT_TRUE(std::isinf(v));
  EXPECT_TRUE(ParseLongDouble("1e4000", &v));  // beyond double, within long double
}

TEST(LongDoubleTest, LengthLimit) {
  // Redis accepts 5119 bytes and refuses 5120 (checked with INCRBYFLOAT).
  const std::string ok = "1." + std::string(5117, '0');
  const std::string too_long = "1." + std::string(5118, '0');
  ASSERT_EQ(ok.size(), 5119u);
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble(ok, &v));
  EXPECT_EQ(v, 1.0L);
  EXPECT_FALSE(ParseLongDouble(too_long, &v));
}

TEST(LongDoubleTest, FormatSpecialValues) {
  EXPECT_EQ(FormatLongDouble(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(FormatLongDouble(-std::numeric_limits<long double>::infinity()), "-inf");
  EXPECT_EQ(FormatLongDouble(-0.0L), "0");
  EXPECT_EQ(FormatLongDouble(0.0L), "0");
  EXPECT_EQ(FormatLongDouble(-1e-30L), "0");
  EXPECT_EQ(FormatLongDouble(100.0L), "100");
  EXPECT_EQ(FormatLongDouble(-100.0L), "-100");
  EXPECT_EQ(FormatLongDouble(0.25L), "0.25");
  long double big = 0;
  ASSERT_TRUE(ParseLongDouble("1e4000", &big));
  // All digits, never an exponent; 1e4000 is not exact, as INCRBYFLOAT shows too.
  const std::string big_text = FormatLongDouble(big);
  EXPECT_EQ(big_text.size(), 4000u);
  EXPECT_EQ(big_text.substr(0, 60), "999999999999999999996546387309962378493249258350695763130150");
  // The largest long double still fits the long-buffer path.
  const std::string max = FormatLongDouble(std::numeric_limits<long double>::max());
  EXPECT_EQ(max.size(), 4933u);
  EXPECT_EQ(max.substr(0, 21), "118973149535723176502");
}

TEST(LongDoubleTest, RandomRoundTrip) {
  // Short decimals below 128 in magnitude survive parse + format unchanged with an x86 80-bit
  // long double. Above that the 17th decimal shows rounding noise, in Redis too: INCRBYFLOAT
  // on 128.1 by 0 replies "128.10000000000000001".
  const uint32_t seed = std::random_device{}();
  std::cout << "LongDoubleTest.RandomRoundTrip seed=" << seed << std::endl;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const int64_t whole = static_cast<int64_t>(rng() % 255) - 127;
    const int64_t frac = static_cast<int64_t>(rng() % 1000);
    std::string s = (whole < 0 ? "-" : "") + std::to_string(std::llabs(whole));
    if (frac != 0) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), ".%03lld", static_cast<long long>(frac));
      s += buf;
      while (s.back() == '0') s.pop_back();
    }
    if (s == "-0") s = "0";
    long double v = 0;
    ASSERT_TRUE(ParseLongDouble(s, &v)) << s;
    ASSERT_EQ(FormatLongDouble(v), s) << "seed=" << seed;
  }
}

// ---- INFO's _human fields, checked with CONFIG SET maxmemory + INFO memory. ----

TEST(BytesToHumanTest, MatchesInfo) {
  const struct {
    uint64_t n;
    const char* want;
  } kCases[] = {
      {0, "0B"},
      {1, "1B"},
      {1023, "1023B"},
      {1024, "1.00K"},
      {1025, "1.00K"},
      {1536, "1.50K"},
      {10239, "10.00K"},
      {1048575, "1024.00K"},
      {1048576, "1.00M"},
      {13107200, "12.50M"},
      {1073741823, "1024.00M"},
      {1073741824, "1.00G"},
      {5492165909, "5.11G"},
      {1099511627776, "1.00T"},
      {1125899906842624, "1.00P"},
      {1125899906842624000, "1000.00P"},
      {1152921504606846975, "1024.00P"},
      {1152921504606846976, "1152921504606846976B"},
      {9223372036854775807, "9223372036854775807B"},
      {kUint64Max, "18446744073709551615B"},
  };
  for (const auto& c : kCases) EXPECT_EQ(BytesToHuman(c.n), c.want) << c.n;
}

TEST(CaseTest, ToLowerAndEqualsIgnoreCase) {
  EXPECT_EQ(ToLower("GET"), "get");
  EXPECT_EQ(ToLower("MixedCase-123_Z"), "mixedcase-123_z");
  EXPECT_EQ(ToLower(""), "");
  EXPECT_EQ(ToLower("\xC4\xD6"), "\xC4\xD6");  // bytes >= 0x80 are left alone
  EXPECT_EQ(ToLower("A\0B"s), "a\0b"s);
  EXPECT_TRUE(EqualsIgnoreCase("SET", "set"));
  EXPECT_TRUE(EqualsIgnoreCase("sEt", "SeT"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("set", "sets"));
  EXPECT_FALSE(EqualsIgnoreCase("set", "get"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));  // differ by 0x20 but are not letters
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_FALSE(EqualsIgnoreCase("\xC4", "\xE4"));
}

}  // namespace
}  // namespace memkeydb
