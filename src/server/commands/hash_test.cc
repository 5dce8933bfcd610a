// Tests of the hash commands. Every expected reply was checked against redis-server 7.0.15.

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "server/test_util.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

class HashTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    saved_ = Limits();
  }
  void TearDown() override {
    Limits() = saved_;
    CommandTest::TearDown();
  }
  // Adds fields f0..f<n-1> with values v0..
  void Fill(std::string_view key, int n) {
    std::vector<std::string> args = {"hset", std::string(key)};
    for (int i = 0; i < n; ++i) {
      args.push_back("f" + std::to_string(i));
      args.push_back("v" + std::to_string(i));
    }
    Run(args);
  }
  CollectionLimits saved_;
};

using Ev = std::vector<std::string>;

TEST_F(HashTest, SetGetAndReplies) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2"}), "(integer) 2");
  EXPECT_EQ(Run({"hset", "h", "a", "10", "c", "3"}), "(integer) 1");
  EXPECT_EQ(Run({"hmset", "h", "d", "4"}), "OK");
  EXPECT_EQ(Run({"hget", "h", "a"}), "10");
  EXPECT_EQ(Run({"hget", "h", "zz"}), "(nil)");
  EXPECT_EQ(Run({"hget", "nokey", "a"}), "(nil)");
  EXPECT_EQ(Run({"hmget", "h", "a", "zz", "d"}), "[10, (nil), 4]");
  EXPECT_EQ(Run({"hmget", "nokey", "a", "b"}), "[(nil), (nil)]");
  EXPECT_EQ(Run({"hlen", "h"}), "(integer) 4");
  EXPECT_EQ(Run({"hlen", "nokey"}), "(integer) 0");
  EXPECT_EQ(Run({"hstrlen", "h", "a"}), "(integer) 2");
  EXPECT_EQ(Run({"hstrlen", "h", "zz"}), "(integer) 0");
  EXPECT_EQ(Run({"hexists", "h", "b"}), "(integer) 1");
  EXPECT_EQ(Run({"hexists", "h", "zz"}), "(integer) 0");
  EXPECT_EQ(Run({"hkeys", "h"}), "[a, b, c, d]");
  EXPECT_EQ(Run({"hvals", "h"}), "[10, 2, 3, 4]");
  EXPECT_EQ(Run({"hgetall", "h"}), "[a, 10, b, 2, c, 3, d, 4]");
  EXPECT_EQ(Run({"hgetall", "nokey"}), "[]");
  EXPECT_EQ(Run({"hkeys", "nokey"}), "[]");
  client_->set_resp(3);
  EXPECT_EQ(Run({"hgetall", "h"}), "{a: 10, b: 2, c: 3, d: 4}");
  EXPECT_EQ(Run({"hgetall", "nokey"}), "{}");
  EXPECT_EQ(Run({"hkeys", "h"}), "[a, b, c, d]");
}

TEST_F(HashTest, ArityAndWrongType) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b"}), "ERR wrong number of arguments for 'hset' command");
  EXPECT_EQ(Run({"hmset", "h", "a"}), "ERR wrong number of arguments for 'hmset' command");
  EXPECT_FALSE(Exists("h"));
  Run({"set", "s", "x"});
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"hset", "s", "a", "1"}, {"hsetnx", "s", "a", "1"}, {"hget", "s", "a"},
           {"hmget", "s", "a"}, {"hdel", "s", "a"}, {"hlen", "s"}, {"hstrlen", "s", "a"},
           {"hexists", "s", "a"}, {"hkeys", "s"}, {"hvals", "s"}, {"hgetall", "s"},
           {"hincrby", "s", "a", "1"}, {"hincrbyfloat", "s", "a", "1"}, {"hrandfield", "s"},
           {"hrandfield", "s", "1"}, {"hscan", "s", "0"}}) {
    EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  }
  // Argument errors come before the type check.
  EXPECT_EQ(Run({"hincrby", "s", "a", "x"}), kNotInt);
  EXPECT_EQ(Run({"hincrbyfloat", "s", "a", "inf"}), "ERR value is NaN or Infinity");
  EXPECT_EQ(Run({"hrandfield", "s", "x"}), kNotInt);
  EXPECT_EQ(Run({"hscan", "s", "x"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"get", "s"}), "x");
}

TEST_F(HashTest, HSetNx) {
  EXPECT_EQ(Run({"hsetnx", "h", "a", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"hsetnx", "h", "a", "2"}), "(integer) 0");
  EXPECT_EQ(Run({"hget", "h", "a"}), "1");
  // An existing field with a long value does not convert the hash: nothing is written.
  EXPECT_EQ(Run({"hsetnx", "h", "a", std::string(100, 'x')}), "(integer) 0");
  EXPECT_EQ(Encoding("h"), "listpack");
  EXPECT_EQ(Run({"hsetnx", "h", "b", std::string(100, 'x')}), "(integer) 1");
  EXPECT_EQ(Encoding("h"), "hashtable");
}

TEST_F(HashTest, HDelRemovesEmptyKeyWithEvents) {
  WatchEvents();
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"hdel", "h", "zz"}), "(integer) 0");
  EXPECT_EQ(Run({"hdel", "h", "a", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"hdel", "h", "b", "c"}), "(integer) 1");
  EXPECT_FALSE(Exists("h"));
  EXPECT_EQ(Run({"hdel", "h", "b"}), "(integer) 0");
  EXPECT_EQ(Events(), (Ev{"hset:h", "hdel:h", "hdel:h", "del:h"}));
}

TEST_F(HashTest, IncrementsAndEvents) {
  WatchEvents();
  EXPECT_EQ(Run({"hincrby", "h", "n", "5"}), "(integer) 5");
  EXPECT_EQ(Run({"hincrby", "h", "n", "-7"}), "(integer) -2");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "x", "10.5"}), "10.5");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "x", "0.1"}), "10.6");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "n", "5.0e3"}), "4998");
  EXPECT_EQ(Events(), (Ev{"hincrby:h", "hincrby:h", "hincrbyfloat:h", "hincrbyfloat:h",
                          "hincrbyfloat:h"}));
  Run({"hset", "h", "s", "abc", "sp", " 1", "big", "9223372036854775807", "fl", "1.5"});
  EXPECT_EQ(Run({"hincrby", "h", "s", "1"}), "ERR hash value is not an integer");
  EXPECT_EQ(Run({"hincrby", "h", "fl", "1"}), "ERR hash value is not an integer");
  EXPECT_EQ(Run({"hincrby", "h", "big", "1"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"hincrby", "h", "n", "x"}), kNotInt);
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "1"}), "ERR hash value is not a float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "sp", "1"}), "ERR hash value is not a float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "n", "abc"}), "ERR value is not a valid float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "n", "1 "}), "ERR value is not a valid float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "n", "-inf"}), "ERR value is NaN or Infinity");
  Run({"hset", "h", "m", "1e308"});
  EXPECT_EQ(Run({"hincrbyfloat", "h", "m", "0x10"}).substr(0, 5), "99999");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "fl", "-1.5"}), "0");
  // Failing on a missing key leaves no empty hash behind.
  EXPECT_EQ(Run({"hincrby", "nokey", "a", "x"}), kNotInt);
  EXPECT_FALSE(Exists("nokey"));
}

TEST_F(HashTest, HIncrByFloatPastDoubleRange) {
  Run({"hset", "h", "x", "1.7976931348623157e308"});
  // long double holds twice DBL_MAX; the result is finite and printed without an exponent.
  std::string r = Run({"hincrbyfloat", "h", "x", "1.7976931348623157e308"});
  EXPECT_EQ(r.substr(0, 4), "3595");
  EXPECT_EQ(r.find('e'), std::string::npos);
}

TEST_F(HashTest, EncodingConversions) {
  Fill("h", 512);
  EXPECT_EQ(Encoding("h"), "listpack");
  Run({"hset", "h", "one-more", "x"});
  EXPECT_EQ(Encoding("h"), "hashtable");
  EXPECT_EQ(Run({"hlen", "h"}), "(integer) 513");
  EXPECT_EQ(Run({"hget", "h", "f77"}), "v77");
  Run({"hset", "v", "a", std::string(64, 'x')});
  EXPECT_EQ(Encoding("v"), "listpack");
  Run({"hset", "v", "a", std::string(65, 'x')});
  EXPECT_EQ(Encoding("v"), "hashtable");
  // HINCRBY with a long field converts; the limits are read on every write.
  Run({"hset", "w", "a", "1"});
  Run({"hincrby", "w", std::string(70, 'f'), "1"});
  EXPECT_EQ(Encoding("w"), "hashtable");
  Limits().hash_max_listpack_entries = 2;
  Run({"hset", "small", "a", "1", "b", "2"});
  EXPECT_EQ(Encoding("small"), "listpack");
  Run({"hset", "small", "c", "3"});
  EXPECT_EQ(Encoding("small"), "hashtable");
  Run({"hdel", "small", "a", "b"});
  EXPECT_EQ(Encoding("small"), "hashtable");
}

TEST_F(HashTest, CopyAndTypeOfBothEncodings) {
  Fill("small", 3);
  Fill("big", 600);
  EXPECT_EQ(Run({"copy", "small", "small2"}), "(integer) 1");
  EXPECT_EQ(Run({"copy", "big", "big2"}), "(integer) 1");
  EXPECT_EQ(Run({"type", "big2"}), "hash");
  EXPECT_EQ(Encoding("big2"), "hashtable");
  EXPECT_EQ(Run({"hget", "big2", "f599"}), "v599");
  Run({"hset", "big", "f599", "changed"});
  EXPECT_EQ(Run({"hget", "big2", "f599"}), "v599");
  EXPECT_EQ(Run({"hgetall", "small2"}), "[f0, v0, f1, v1, f2, v2]");
}

TEST_F(HashTest, HRandFieldArguments) {
  EXPECT_EQ(Run({"hrandfield", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"hrandfield", "nokey", "3"}), "[]");
  EXPECT_EQ(Run({"hrandfield", "nokey", "1", "withvalues", "x"}), kSyntax);
  Fill("h", 3);
  EXPECT_EQ(Run({"hrandfield", "h", "0"}), "[]");
  EXPECT_EQ(Run({"hrandfield", "h", "-9223372036854775808"}),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(Run({"hrandfield", "h", "9223372036854775807", "withvalues"}),
            "ERR value is out of range");
  EXPECT_EQ(Run({"hrandfield", "h", "-4611686018427387904", "withvalues"}),
            "ERR value is out of range");
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvaluesx"}), kSyntax);
  EXPECT_EQ(Run({"hrandfield", "h", "abc"}), kNotInt);
  // A count at least the size returns the whole hash (a listpack in its order).
  EXPECT_EQ(Run({"hrandfield", "h", "4611686018427387903", "withvalues"}),
            "[f0, v0, f1, v1, f2, v2]");
  EXPECT_EQ(Run({"hrandfield", "h", "3"}), "[f0, f1, f2]");
  client_->set_resp(3);
  EXPECT_EQ(Run({"hrandfield", "h", "5", "withvalues"}), "[[f0, v0], [f1, v1], [f2, v2]]");
}

// The distribution cases: unique picks for positive counts, repeats for negative ones, over
// both encodings and each strategy (whole hash, most of it, few of many).
TEST_F(HashTest, HRandFieldCases) {
  for (int n : {10, 1000}) {
    std::string key = "h" + std::to_string(n);
    Fill(key, n);
    for (int count : {1, 3, n / 2, n - 1, n, n + 5, -1, -5, -(2 * n)}) {
      for (bool with_values : {false, true}) {
        for (int resp : {2, 3}) {
          client_->set_resp(resp);
          std::vector<std::string> args = {"hrandfield", key, std::to_string(count)};
          if (with_values) args.push_back("withvalues");
          Run(args);
          // Parse the raw reply: bulk strings in order.
          std::vector<std::string> items;
          const std::string& raw = this->raw();
          for (size_t pos = 0; (pos = raw.find('$', pos)) != std::string::npos;) {
            size_t eol = raw.find("\r\n", pos);
            size_t len = std::stoul(raw.substr(pos + 1, eol - pos - 1));
            items.push_back(raw.substr(eol + 2, len));
            pos = eol + 2 + len + 2;
          }
          size_t per = with_values ? 2 : 1;
          size_t expected = count < 0 ? static_cast<size_t>(-count)
                                      : std::min<size_t>(static_cast<size_t>(count), n);
          ASSERT_EQ(items.size(), expected * per) << key << " count=" << count;
          std::set<std::string> fields;
          for (size_t i = 0; i < items.size(); i += per) {
            const std::string& f = items[i];
            ASSERT_EQ(f[0], 'f');
            if (with_values) {
              ASSERT_EQ(items[i + 1], "v" + f.substr(1));
            }
            fields.insert(f);
          }
          if (count > 0) {
            ASSERT_EQ(fields.size(), expected) << "repeats, count=" << count;
          }
          if (resp == 3 && with_values) {
            ASSERT_EQ(raw.substr(0, 1), "*");
          }
        }
      }
    }
  }
}

TEST_F(HashTest, HScan) {
  Fill("small", 5);
  EXPECT_EQ(Run({"hscan", "small", "0"}), "[0, [f0, v0, f1, v1, f2, v2, f3, v3, f4, v4]]");
  EXPECT_EQ(Run({"hscan", "small", "123", "count", "1"}),
            "[0, [f0, v0, f1, v1, f2, v2, f3, v3, f4, v4]]");
  EXPECT_EQ(Run({"hscan", "small", "0", "match", "f[13]"}), "[0, [f1, v1, f3, v3]]");
  EXPECT_EQ(Run({"hscan", "nokey", "0", "count", "0"}), "[0, []]");
  EXPECT_EQ(Run({"hscan", "small", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(Run({"hscan", "small", "0", "type", "hash"}), kSyntax);
  EXPECT_EQ(Run({"hscan", "small", "0", "match"}), kSyntax);
  EXPECT_EQ(Run({"hscan", "small", "0", "count", "x"}), kNotInt);
  EXPECT_EQ(Run({"hscan", "small", "-1"}), "[0, [f0, v0, f1, v1, f2, v2, f3, v3, f4, v4]]");
  EXPECT_EQ(Run({"hscan", "small", " 1"}), "ERR invalid cursor");

  Fill("big", 2000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Run({"hscan", "big", cursor, "count", "20", "match", "f1*"});
    const std::string& raw = this->raw();
    // "*2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n..." : read the cursor, then the fields.
    size_t p = raw.find("\r\n", 4) + 2;
    size_t end = raw.find("\r\n", p);
    cursor = raw.substr(p, end - p);
    std::vector<std::string> items;
    for (size_t pos = raw.find('*', end); (pos = raw.find('$', pos)) != std::string::npos;) {
      size_t eol = raw.find("\r\n", pos);
      size_t len = std::stoul(raw.substr(pos + 1, eol - pos - 1));
      items.push_back(raw.substr(eol + 2, len));
      pos = eol + 2 + len + 2;
    }
    for (size_t i = 0; i < items.size(); i += 2) {
      ASSERT_EQ(items[i][1], '1');
      seen.insert(items[i]);
    }
    ++calls;
  } while (cursor != "0" && calls < 10000);
  EXPECT_EQ(cursor, "0");
  EXPECT_GT(calls, 10);
  EXPECT_EQ(seen.size(), 1111u);  // f1, f10-f19, f100-f199, f1000-f1999
}

TEST_F(HashTest, WatchSeesHashWrites) {
  Client* other = server_->CreateFakeClient();
  Run({"watch", "h"});
  RunAs(other, {"hset", "h", "a", "1"});
  Run({"multi"});
  Run({"hget", "h", "a"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
  // A write that changes nothing does not touch the key.
  Run({"watch", "h"});
  RunAs(other, {"hdel", "h", "zz"});
  RunAs(other, {"hsetnx", "h", "a", "2"});
  Run({"multi"});
  Run({"hget", "h", "a"});
  EXPECT_EQ(Run({"exec"}), "[1]");
}

}  // namespace
}  // namespace memkeydb
