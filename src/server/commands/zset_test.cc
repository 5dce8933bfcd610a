// Sorted-set commands through the CommandTest fixture: replies, errors, encodings, empty-key
// deletion and notifications.
#include <gtest/gtest.h>

#include "server/test_util.h"

namespace memkeydb {
namespace {

class ZSetTest : public CommandTest {};

TEST_F(ZSetTest, AddScoreRange) {
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2.5", "b", "-3", "c", "1e20", "d", "inf", "e"}),
            "(integer) 5");
  EXPECT_EQ(Encoding("z"), "listpack");
  EXPECT_EQ(Run({"zscore", "z", "d"}), "1e+20");
  EXPECT_EQ(Run({"zrange", "z", "0", "-1"}), "[c, a, b, d, e]");
  EXPECT_EQ(Run({"zrange", "z", "(1", "+inf", "byscore", "withscores", "limit", "0", "2"}),
            "[b, 2.5, d, 1e+20]");
  EXPECT_EQ(Run({"zrevrank", "z", "c"}), "(integer) 4");
  EXPECT_EQ(Run({"zcount", "z", "-inf", "(2.5"}), "(integer) 2");
  EXPECT_EQ(Run({"zadd", "z", "incr", "0.1", "a"}), "1.1000000000000001");
  EXPECT_EQ(Run({"zadd", "z", "incr", "-inf", "e"}), "ERR resulting score is not a number (NaN)");
  EXPECT_EQ(Run({"zadd", "z", "nx", "xx", "1", "a"}),
            "ERR XX and NX options at the same time are not compatible");
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2"}), "ERR syntax error");
  EXPECT_EQ(Run({"zrange", "z", "0", "1", "limit", "0", "1"}),
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  EXPECT_EQ(Run({"zcount", "z", "x", "1"}), "ERR min or max is not a float");
}

TEST_F(ZSetTest, ConvertsAndDeletesWhenEmpty) {
  std::vector<std::string> args = {"zadd", "big"};
  for (int i = 0; i < 200; ++i) {
    args.push_back(std::to_string(i % 7));
    args.push_back("m" + std::to_string(i));
  }
  EXPECT_EQ(Run(args), "(integer) 200");
  EXPECT_EQ(Encoding("big"), "skiplist");
  EXPECT_EQ(Run({"zcard", "big"}), "(integer) 200");
  EXPECT_EQ(Run({"zremrangebyrank", "big", "0", "197"}), "(integer) 198");
  EXPECT_EQ(Encoding("big"), "skiplist");  // one-way
  EXPECT_EQ(Run({"zpopmax", "big", "5"}), "[m97, 6, m90, 6]");
  EXPECT_FALSE(Exists("big"));
}

TEST_F(ZSetTest, WrongTypeAndNotifications) {
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"zadd", "s", "1", "a"}),
            "WRONGTYPE Operation against a key holding the wrong kind of value");
  WatchEvents();
  Run({"zadd", "z", "1", "a", "2", "b"});
  Run({"zincrby", "z", "1", "a"});
  Run({"zrem", "z", "a", "b"});
  EXPECT_EQ(Events(), (std::vector<std::string>{"zadd:z", "zincr:z", "zrem:z", "del:z"}));
}

TEST_F(ZSetTest, SetOperationsAndStore) {
  Run({"zadd", "a", "1", "x", "2", "y"});
  Run({"zadd", "b", "10", "y", "20", "z"});
  EXPECT_EQ(Run({"zunion", "2", "a", "b", "withscores"}), "[x, 1, y, 12, z, 20]");
  EXPECT_EQ(Run({"zinter", "2", "a", "b", "aggregate", "max", "withscores"}), "[y, 10]");
  EXPECT_EQ(Run({"zdiff", "2", "a", "b"}), "[x]");
  EXPECT_EQ(Run({"zunionstore", "d", "2", "a", "b", "weights", "inf", "-inf"}), "(integer) 3");
  EXPECT_EQ(Run({"zrange", "d", "0", "-1", "withscores"}), "[z, -inf, y, 0, x, inf]");
  EXPECT_EQ(Run({"zinterstore", "d", "1", "nokey"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
  EXPECT_EQ(Run({"zintercard", "2", "a", "b", "limit", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"zunion", "0", "a"}), "ERR at least 1 input key is needed for 'zunion' command");
}

// Plain sets are inputs too: every member scores 1 before its weight, whatever the encoding.
TEST_F(ZSetTest, SetOperationsAcceptSets) {
  Run({"sadd", "si", "1", "2", "3"});
  Run({"sadd", "sw", "2", "a", "b"});
  std::vector<std::string> big = {"sadd", "sh"};
  for (int i = 0; i < 200; ++i) big.push_back("w" + std::to_string(i));
  big.push_back("a");
  Run(big);
  EXPECT_EQ(Encoding("si"), "intset");
  EXPECT_EQ(Encoding("sw"), "listpack");
  EXPECT_EQ(Encoding("sh"), "hashtable");
  Run({"zadd", "z", "5", "2", "7", "a", "1", "q"});
  EXPECT_EQ(Run({"zunion", "3", "si", "sw", "z", "withscores"}),
            "[1, 1, 3, 1, b, 1, q, 1, 2, 7, a, 8]");
  EXPECT_EQ(Run({"zinter", "2", "si", "sw", "withscores"}), "[2, 2]");
  EXPECT_EQ(Run({"zunion", "2", "si", "sw", "weights", "inf", "-2", "withscores"}),
            "[a, -2, b, -2, 1, inf, 2, inf, 3, inf]");
  EXPECT_EQ(Run({"zinter", "3", "sh", "sw", "z", "weights", "3", "0.5", "1", "aggregate", "min",
                 "withscores"}),
            "[a, 0.5]");
  EXPECT_EQ(Run({"zdiff", "2", "si", "z", "withscores"}), "[1, 1, 3, 1]");
  EXPECT_EQ(Run({"zintercard", "2", "si", "sw"}), "(integer) 1");
  EXPECT_EQ(Run({"zintercard", "2", "sh", "sh", "limit", "5"}), "(integer) 5");
  EXPECT_EQ(Run({"zinter", "2", "sw", "sw", "withscores"}), "[2, 2, a, 2, b, 2]");
  EXPECT_EQ(Run({"zdiff", "2", "sw", "sw"}), "[]");
  // A set that is also the destination becomes a sorted set (or goes, when the result is empty).
  EXPECT_EQ(Run({"zunionstore", "si", "2", "si", "sw"}), "(integer) 5");
  EXPECT_EQ(Run({"type", "si"}), "zset");
  EXPECT_EQ(Encoding("si"), "listpack");
  EXPECT_EQ(Run({"zrange", "si", "0", "-1", "withscores"}), "[1, 1, 3, 1, a, 1, b, 1, 2, 2]");
  EXPECT_EQ(Run({"zunionstore", "d", "1", "sh"}), "(integer) 201");
  EXPECT_EQ(Encoding("d"), "skiplist");
  EXPECT_EQ(Run({"zdiffstore", "sw", "2", "sw", "sw"}), "(integer) 0");
  EXPECT_FALSE(Exists("sw"));
  // Other types are still refused.
  Run({"set", "str", "x"});
  Run({"rpush", "l", "a"});
  Run({"hset", "h", "f", "v"});
  for (const char* k : {"str", "l", "h"}) {
    EXPECT_EQ(Run({"zunion", "2", "sh", k}),
              "WRONGTYPE Operation against a key holding the wrong kind of value");
  }
}

TEST_F(ZSetTest, Resp3Shapes) {
  Run({"hello", "3"});
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Run({"zrange", "z", "0", "-1", "withscores"}),
            "[[a, (double) 1], [b, (double) 2]]");
  EXPECT_EQ(Run({"zpopmin", "z", "1"}), "[[a, (double) 1]]");
  EXPECT_EQ(Run({"zscore", "z", "b"}), "(double) 2");
  EXPECT_EQ(Run({"zmpop", "1", "z", "max"}), "[z, [[b, (double) 2]]]");
  EXPECT_EQ(Run({"zmpop", "1", "z", "max"}), "(nil)");
}

}  // namespace
}  // namespace memkeydb
