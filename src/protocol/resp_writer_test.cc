#include "protocol/resp_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace memkeydb {
namespace {

// Runs one writer call against a fresh buffer in the given protocol version.
template <typename Fn>
std::string Write(int resp, Fn fn) {
  std::string out;
  ReplyWriter w(&out, resp);
  fn(w);
  return out;
}

// "<type><body>\r\n". (Built with append: GCC 12 misreports -Wrestrict on `"x" + string`.)
std::string Line(char type, std::string_view body) {
  std::string out(1, type);
  out.append(body);
  out.append("\r\n");
  return out;
}

std::string BulkText(std::string_view body) {
  std::string out = Line('$', std::to_string(body.size()));
  out.append(body);
  out.append("\r\n");
  return out;
}

std::string Resp2(auto fn) { return Write(2, fn); }
std::string Resp3(auto fn) { return Write(3, fn); }

TEST(ReplyWriterTest, SimpleTypes) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Ok(); }), "+OK\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.SimpleString("PONG"); }), "+PONG\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR unknown command"); }),
            "-ERR unknown command\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Error("WRONGTYPE x"); }), "-WRONGTYPE x\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Bulk("hello"); }), "$5\r\nhello\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Bulk(""); }), "$0\r\n\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Bulk(std::string("a\r\n\0", 4)); }),
            std::string("$4\r\na\r\n\0\r\n", 10));
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.BulkInteger(-42); }), "$3\r\n-42\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Raw("+RAW\r\n"); }), "+RAW\r\n");
}

TEST(ReplyWriterTest, LineBreaksInErrorsAndStatusesBecomeSpaces) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Error("ERR bad\r\nthing\n"); }), "-ERR bad  thing \r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.SimpleString("a\rb"); }), "+a b\r\n");
}

TEST(ReplyWriterTest, Integers) {
  const std::vector<int64_t> values = {
      0,     1,          -1,        9,         10,        99,        100,           -100,
      12345, 1000000007, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX, INT64_MIN + 1, 1LL << 53};
  for (int64_t v : values) {
    EXPECT_EQ(Resp2([v](ReplyWriter& w) { w.Integer(v); }), Line(':', std::to_string(v)));
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    ASSERT_EQ(Resp3([v](ReplyWriter& w) { w.Integer(v); }), Line(':', std::to_string(v)));
  }
}

TEST(ReplyWriterTest, NullsFollowTheProtocolVersion) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Null(); }), "$-1\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Null(); }), "_\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.NullArray(); }), "_\r\n");
}

TEST(ReplyWriterTest, AggregateHeaders) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.ArrayHeader(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.ArrayHeader(0); }), "*0\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.MapHeader(2); }), "*4\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.MapHeader(2); }), "%2\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.SetHeader(5); }), "*5\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.SetHeader(5); }), "~5\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.PushHeader(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.PushHeader(3); }), ">3\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) {
              w.BulkArray({"a", "", "bc"});
            }),
            "*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n");
}

// Expected forms are what redis-server 7.0.15 sends for ZSCORE.
TEST(ReplyWriterTest, Doubles) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {{1.5, "1.5"},
                        {3, "3"},
                        {0.1, "0.10000000000000001"},
                        {1e20, "1e+20"},
                        {1e-5, "1.0000000000000001e-05"},
                        {0, "0"},
                        {-0.0, "-0"},
                        {-2.25, "-2.25"},
                        {std::numeric_limits<double>::infinity(), "inf"},
                        {-std::numeric_limits<double>::infinity(), "-inf"}};
  for (const Case& c : cases) {
    const std::string text = c.text;
    EXPECT_EQ(Resp2([&](ReplyWriter& w) { w.Double(c.value); }), BulkText(text));
    EXPECT_EQ(Resp3([&](ReplyWriter& w) { w.Double(c.value); }), Line(',', text));
  }
}

TEST(ReplyWriterTest, DoublesPrintLikePrintf17g) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    double d;
    if (i % 2 == 0) {
      const uint64_t bits = rng();
      std::memcpy(&d, &bits, sizeof(d));
      if (std::isnan(d)) continue;
    } else {
      d = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
      if (i % 3 == 0) d = std::round(d);
    }
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", d);
    ASSERT_EQ(Resp3([d](ReplyWriter& w) { w.Double(d); }), Line(',', expected));
  }
}

TEST(ReplyWriterTest, BoolVerbatimBigNumber) {
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Bool(false); }), "#f\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.Verbatim("hi\n"); }), "$3\r\nhi\n\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Verbatim("hi\n"); }), "=7\r\ntxt:hi\n\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.Verbatim("# x", "mkd"); }), "=7\r\nmkd:# x\r\n");
  EXPECT_EQ(Resp2([](ReplyWriter& w) { w.BigNumber("-123456789012345678901234567890"); }),
            "$31\r\n-123456789012345678901234567890\r\n");
  EXPECT_EQ(Resp3([](ReplyWriter& w) { w.BigNumber("123456789012345678901234567890"); }),
            "(123456789012345678901234567890\r\n");
}

TEST(ReplyWriterTest, SwitchingProtocolVersion) {
  std::string out;
  ReplyWriter w(&out);
  EXPECT_EQ(w.resp(), 2);
  w.Null();
  w.set_resp(3);
  EXPECT_EQ(w.resp(), 3);
  w.Null();
  EXPECT_EQ(out, "$-1\r\n_\r\n");
  EXPECT_EQ(w.out(), &out);
}

TEST(ReplyWriterTest, DeferredLengths) {
  std::string out = "+before\r\n";
  ReplyWriter w(&out, 2);
  const size_t outer = w.BeginDeferredArray();
  w.Bulk("a");
  const size_t inner = w.BeginDeferredMap();
  w.Bulk("k");
  w.Integer(1);
  w.EndDeferredMap(inner, 1);
  const size_t set = w.BeginDeferredSet();
  w.EndDeferredSet(set, 0);
  w.EndDeferredArray(outer, 3);
  w.Ok();
  EXPECT_EQ(out, "+before\r\n*3\r\n$1\r\na\r\n*2\r\n$1\r\nk\r\n:1\r\n*0\r\n+OK\r\n");

  out.clear();
  w.set_resp(3);
  const size_t map = w.BeginDeferredMap();
  for (int i = 0; i < 12; ++i) {
    w.Bulk(std::to_string(i));
    w.Bool(i % 2 == 0);
  }
  w.EndDeferredMap(map, 12);
  const size_t set3 = w.BeginDeferredSet();
  w.Bulk("x");
  w.EndDeferredSet(set3, 1);
  EXPECT_EQ(out.substr(0, 16), "%12\r\n$1\r\n0\r\n#t\r\n");
  EXPECT_EQ(out.substr(out.size() - 11), "~1\r\n$1\r\nx\r\n");
}

TEST(ReplyWriterTest, DeferredMatchesDirectHeaders) {
  std::mt19937_64 rng(3);
  for (int resp : {2, 3}) {
    for (int round = 0; round < 200; ++round) {
      const size_t n = rng() % 2000;
      std::string direct, deferred;
      ReplyWriter d(&direct, resp);
      ReplyWriter f(&deferred, resp);
      d.ArrayHeader(n);
      const size_t token = f.BeginDeferredArray();
      for (size_t i = 0; i < n; ++i) {
        d.Integer(static_cast<int64_t>(i));
        f.Integer(static_cast<int64_t>(i));
      }
      f.EndDeferredArray(token, n);
      ASSERT_EQ(direct, deferred);
    }
  }
}

}  // namespace
}  // namespace memkeydb
