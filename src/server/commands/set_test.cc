// Set commands, checked against redis-server 7.0's replies (and 7.2's listpack encoding).

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/test_util.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

class SetTest : public CommandTest {};

// "[a, b, c]" -> {"a", "b", "c"} (members without commas).
std::set<std::string> AsSet(const std::string& reply) {
  std::set<std::string> out;
  if (reply.size() < 2 || reply.front() != '[') return {"<not an array: " + reply + ">"};
  std::string body = reply.substr(1, reply.size() - 2);
  size_t pos = 0;
  while (!body.empty() && pos <= body.size()) {
    size_t comma = body.find(", ", pos);
    out.insert(body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 2;
  }
  return out;
}

TEST_F(SetTest, AddRemoveCardMembers) {
  EXPECT_EQ(Run({"sadd", "s", "a", "b", "a"}), "(integer) 2");
  EXPECT_EQ(Run({"sadd", "s", "b", "c"}), "(integer) 1");
  EXPECT_EQ(Run({"scard", "s"}), "(integer) 3");
  EXPECT_EQ(Run({"sismember", "s", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"sismember", "s", "z"}), "(integer) 0");
  EXPECT_EQ(Run({"smismember", "s", "a", "z", "c"}),
            "[(integer) 1, (integer) 0, (integer) 1]");
  EXPECT_EQ(AsSet(Run({"smembers", "s"})), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Run({"srem", "s", "a", "z"}), "(integer) 1");
  EXPECT_EQ(Run({"srem", "s", "b", "c", "x"}), "(integer) 2");
  EXPECT_FALSE(Exists("s"));  // the last member took the key with it
  EXPECT_EQ(Run({"scard", "s"}), "(integer) 0");
  EXPECT_EQ(Run({"smembers", "s"}), "[]");
  EXPECT_EQ(Run({"smismember", "nokey", "a"}), "[(integer) 0]");
  EXPECT_EQ(Run({"srem", "nokey", "a"}), "(integer) 0");
}

TEST_F(SetTest, WrongType) {
  Run({"set", "str", "x"});
  const std::string kWrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"sadd", "str", "a"}, {"srem", "str", "a"}, {"scard", "str"},
           {"sismember", "str", "a"}, {"smismember", "str", "a"}, {"smembers", "str"},
           {"spop", "str"}, {"spop", "str", "1"}, {"srandmember", "str"},
           {"srandmember", "str", "2"}, {"sinter", "nokey", "str"}, {"sunion", "str"},
           {"sdiff", "nokey", "str"}, {"sintercard", "2", "nokey", "str"},
           {"sinterstore", "d", "nokey", "str"}, {"sscan", "str", "0"},
           {"smove", "str", "d", "a"}}) {
    EXPECT_EQ(Run(cmd), kWrong) << cmd[0];
  }
  Run({"sadd", "s", "a"});
  EXPECT_EQ(Run({"smove", "s", "str", "a"}), kWrong);
  EXPECT_EQ(Run({"sismember", "s", "a"}), "(integer) 1");  // nothing moved
  // A string destination of *STORE is simply replaced.
  EXPECT_EQ(Run({"sunionstore", "str", "s"}), "(integer) 1");
  EXPECT_EQ(Run({"type", "str"}), "set");
}

TEST_F(SetTest, Encodings) {
  Run({"sadd", "i", "1", "2", "-3"});
  EXPECT_EQ(Encoding("i"), "intset");
  Run({"sadd", "i", "x"});
  EXPECT_EQ(Encoding("i"), "listpack");
  Run({"srem", "i", "x"});
  EXPECT_EQ(Encoding("i"), "listpack");  // conversions are one way
  Run({"sadd", "l", "a"});
  EXPECT_EQ(Encoding("l"), "listpack");
  Run({"sadd", "l", std::string(65, 'v')});
  EXPECT_EQ(Encoding("l"), "hashtable");

  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "2"}), "OK");
  Run({"sadd", "j", "1", "2"});
  EXPECT_EQ(Encoding("j"), "intset");
  Run({"sadd", "j", "3"});
  EXPECT_EQ(Encoding("j"), "hashtable");
  EXPECT_EQ(Run({"config", "set", "set-max-listpack-entries", "2"}), "OK");
  Run({"sadd", "m", "a", "b"});
  EXPECT_EQ(Encoding("m"), "listpack");
  Run({"sadd", "m", "c"});
  EXPECT_EQ(Encoding("m"), "hashtable");
  EXPECT_EQ(Run({"config", "get", "set-max-listpack-entries"}),
            "[set-max-listpack-entries, 2]");
  Run({"config", "set", "set-max-intset-entries", "512"});
  Run({"config", "set", "set-max-listpack-entries", "128"});
}

TEST_F(SetTest, StoreResultEncodingsFollowRedis) {
  Run({"sadd", "a", "1", "2", "3", "x"});  // listpack with integers
  Run({"sadd", "b", "1", "2", "9"});
  EXPECT_EQ(Run({"sinterstore", "d", "a", "b"}), "(integer) 2");
  EXPECT_EQ(Encoding("d"), "intset");  // built from an empty intset
  EXPECT_EQ(Run({"sunionstore", "d", "b"}), "(integer) 3");
  EXPECT_EQ(Encoding("d"), "intset");
  EXPECT_EQ(Run({"sdiffstore", "d", "a", "b"}), "(integer) 2");
  EXPECT_EQ(Encoding("d"), "listpack");
  // SDIFF's second algorithm copies the first set before removing: with a non-integer member
  // there, the result leaves the intset even though that member is removed again.
  std::vector<std::string> big = {"sadd", "big", "x"};
  for (int i = 0; i < 200; ++i) big.push_back(std::to_string(i));
  Run(big);
  Run({"sadd", "other2", "x", "1"});
  EXPECT_EQ(Run({"sdiffstore", "d", "big", "other2", "other2", "other2"}), "(integer) 199");
  EXPECT_EQ(Encoding("d"), "hashtable");
  EXPECT_EQ(Run({"sdiffstore", "d", "big", "other2"}), "(integer) 199");
  EXPECT_EQ(Encoding("d"), "intset");  // first algorithm: only survivors are added
}

// SPOP that leaves at most a fifth of its count builds the survivors as a new set, and
// redis-server 7.0 gives that set the encoding its members call for, not the old set's: a
// hashtable or listpack left with integers only becomes an intset again (differential seed
// 707217517: OBJECT ENCODING said intset on redis-server, hashtable on memkeydb).
TEST_F(SetTest, SpopSurvivorsTakeTheEncodingOfTheirMembers) {
  // A hashtable holding only integers: made while set-max-intset-entries was 0.
  auto int_hashtable = [this](const std::string& key, int n) {
    std::vector<std::string> sadd = {"sadd", key};
    for (int i = 0; i < n; ++i) sadd.push_back(std::to_string(i));
    Run({"del", key});
    EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "0"}), "OK");
    Run(sadd);
    EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "512"}), "OK");
    EXPECT_EQ(Encoding(key), "hashtable");
  };
  // The differential case: a hashtable of 103 integers, SPOP 100.
  int_hashtable("s3", 103);
  EXPECT_EQ(AsSet(Run({"spop", "s3", "100"})).size(), 100u);
  EXPECT_EQ(Run({"scard", "s3"}), "(integer) 3");
  EXPECT_EQ(Encoding("s3"), "intset");

  // Redis's threshold: rebuilt only when remaining * 5 <= count (101 members: 85 and up).
  int_hashtable("h", 101);
  Run({"spop", "h", "84"});
  EXPECT_EQ(Encoding("h"), "hashtable");  // popped in place
  int_hashtable("h", 101);
  Run({"spop", "h", "85"});
  EXPECT_EQ(Encoding("h"), "intset");

  // A set that only a word made a listpack or a hashtable.
  auto ints_after_word = [this](const std::string& key, int n) {
    std::vector<std::string> sadd = {"sadd", key, "w"};
    for (int i = 0; i < n; ++i) sadd.push_back(std::to_string(i));
    Run({"del", key});
    Run(sadd);
    Run({"srem", key, "w"});  // only integers left; the encoding stays
  };
  // A listpack of integers (redis-server 7.0: a hashtable) alike.
  ints_after_word("l", 6);
  ASSERT_EQ(Encoding("l"), "listpack");
  Run({"spop", "l", "4"});
  EXPECT_EQ(Encoding("l"), "listpack");
  ints_after_word("l", 6);
  Run({"spop", "l", "5"});
  EXPECT_EQ(Encoding("l"), "intset");

  // More integer survivors than set-max-intset-entries: a hashtable.
  ints_after_word("big", 5000);
  Run({"spop", "big", "4487"});
  EXPECT_EQ(Encoding("big"), "hashtable");
  ints_after_word("big", 5000);
  Run({"spop", "big", "4488"});
  EXPECT_EQ(Encoding("big"), "intset");

  // An intset rebuilt after set-max-intset-entries was lowered converts on the way.
  std::vector<std::string> sadd = {"sadd", "i"};
  for (int i = 0; i < 100; ++i) sadd.push_back(std::to_string(i));
  Run(sadd);
  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "4"}), "OK");
  Run({"spop", "i", "90"});
  EXPECT_EQ(Encoding("i"), "hashtable");
  Run({"del", "i"});
  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "512"}), "OK");
  Run(sadd);
  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "4"}), "OK");
  Run({"spop", "i", "96"});
  EXPECT_EQ(Encoding("i"), "intset");
  EXPECT_EQ(Run({"config", "set", "set-max-intset-entries", "512"}), "OK");

  // Words among the survivors: not an intset (one survivor of six, any of them a word).
  Run({"sadd", "m", "a", "b", "c", "d", "e", "f"});
  Run({"spop", "m", "5"});
  EXPECT_EQ(Encoding("m"), "listpack");
}

TEST_F(SetTest, Algebra) {
  Run({"sadd", "a", "1", "2", "3", "x"});
  Run({"sadd", "b", "2", "3", "4", "x"});
  Run({"sadd", "c", "3", "x", "z"});
  EXPECT_EQ(AsSet(Run({"sinter", "a", "b", "c"})), (std::set<std::string>{"3", "x"}));
  EXPECT_EQ(Run({"sinter", "a", "nokey"}), "[]");
  EXPECT_EQ(AsSet(Run({"sunion", "a", "nokey", "c"})),
            (std::set<std::string>{"1", "2", "3", "x", "z"}));
  EXPECT_EQ(AsSet(Run({"sdiff", "a", "b"})), (std::set<std::string>{"1"}));
  EXPECT_EQ(Run({"sdiff", "a", "a"}), "[]");
  EXPECT_EQ(Run({"sdiff", "nokey", "a"}), "[]");
  EXPECT_EQ(Run({"sintercard", "2", "a", "b"}), "(integer) 3");
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "LIMIT", "2"}), "(integer) 2");
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "limit", "0"}), "(integer) 3");
  EXPECT_EQ(Run({"sintercard", "2", "a", "nokey"}), "(integer) 0");
  EXPECT_EQ(Run({"sintercard", "0", "a"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Run({"sintercard", "x", "a"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Run({"sintercard", "3", "a", "b"}),
            "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(Run({"sintercard", "1", "a", "LIMIT", "-1"}), "ERR LIMIT can't be negative");
  EXPECT_EQ(Run({"sintercard", "1", "a", "LIMIT"}), "ERR syntax error");
  EXPECT_EQ(Run({"sintercard", "1", "a", "FOO", "1"}), "ERR syntax error");

  // *STORE: the destination is replaced (losing its TTL); an empty result deletes it.
  Run({"sadd", "d", "old"});
  Run({"expire", "d", "100"});
  EXPECT_EQ(Run({"sinterstore", "d", "a", "b"}), "(integer) 3");
  EXPECT_EQ(Pttl("d"), -1);
  EXPECT_EQ(Run({"sunionstore", "d", "d", "c"}), "(integer) 4");  // a source may be the dest
  EXPECT_EQ(Run({"sdiffstore", "d", "a", "a"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
  Run({"sadd", "d", "old"});
  EXPECT_EQ(Run({"sinterstore", "d", "a", "nokey"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
}

TEST_F(SetTest, SmoveSpopSrandmember) {
  Run({"sadd", "a", "1", "2"});
  EXPECT_EQ(Run({"smove", "a", "b", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"smove", "a", "b", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"smove", "a", "a", "2"}), "(integer) 1");
  EXPECT_EQ(Run({"smove", "a", "b", "2"}), "(integer) 1");
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(AsSet(Run({"smembers", "b"})), (std::set<std::string>{"1", "2"}));
  EXPECT_EQ(Run({"smove", "nokey", "b", "1"}), "(integer) 0");

  EXPECT_EQ(Run({"spop", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"spop", "nokey", "3"}), "[]");
  EXPECT_EQ(Run({"spop", "b", "0"}), "[]");
  EXPECT_EQ(Run({"spop", "b", "-1"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"spop", "b", "x"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"spop", "b", "1", "2"}), "ERR syntax error");
  std::string one = Run({"spop", "b"});
  EXPECT_TRUE(one == "1" || one == "2") << one;
  EXPECT_EQ(Run({"scard", "b"}), "(integer) 1");

  std::vector<std::string> add = {"sadd", "h"};
  for (int i = 0; i < 1000; ++i) add.push_back("m" + std::to_string(i));
  Run(add);
  for (int count : {1, 10, 300, 900}) {
    std::set<std::string> got = AsSet(Run({"srandmember", "h", std::to_string(count)}));
    EXPECT_EQ(got.size(), static_cast<size_t>(count));  // distinct
  }
  EXPECT_EQ(AsSet(Run({"srandmember", "h", "5000"})).size(), 1000u);
  EXPECT_EQ(Run({"srandmember", "h", "0"}), "[]");
  EXPECT_EQ(Run({"srandmember", "nokey", "3"}), "[]");
  EXPECT_EQ(Run({"srandmember", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"srandmember", "h", "-9223372036854775808"}),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  Run({"sadd", "tiny", "only"});
  EXPECT_EQ(Run({"srandmember", "tiny", "-3"}), "[only, only, only]");  // repeats allowed

  // SPOP with counts: few (popped one by one), most (survivors moved), all (key deleted).
  std::set<std::string> popped = AsSet(Run({"spop", "h", "10"}));
  EXPECT_EQ(popped.size(), 10u);
  std::set<std::string> most = AsSet(Run({"spop", "h", "900"}));
  EXPECT_EQ(most.size(), 900u);
  for (const std::string& m : popped) EXPECT_FALSE(most.count(m));
  EXPECT_EQ(Run({"scard", "h"}), "(integer) 90");
  // The survivors were rebuilt as a new set: 90 words fit a listpack (Redis 7.0: hashtable).
  EXPECT_EQ(Encoding("h"), "listpack");
  EXPECT_EQ(AsSet(Run({"spop", "h", "90"})).size(), 90u);
  EXPECT_FALSE(Exists("h"));
}

TEST_F(SetTest, Sscan) {
  Run({"sadd", "small", "a", "b", "1"});
  EXPECT_EQ(Run({"sscan", "small", "0", "COUNT", "1", "MATCH", "*"}).substr(0, 3), "[0,");
  EXPECT_EQ(Run({"sscan", "small", "0", "MATCH", "[ab]"}).size(), std::string("[0, [a, b]]").size());
  EXPECT_EQ(Run({"sscan", "nokey", "0"}), "[0, []]");
  EXPECT_EQ(Run({"sscan", "small", "x"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"sscan", "small", "0", "COUNT", "0"}), "ERR syntax error");
  EXPECT_EQ(Run({"sscan", "small", "0", "TYPE", "set"}), "ERR syntax error");
  EXPECT_EQ(Run({"sscan", "nokey", "0", "FOO"}), "[0, []]");  // options read after the lookup

  std::vector<std::string> add = {"sadd", "big"};
  for (int i = 0; i < 500; ++i) add.push_back("m" + std::to_string(i));
  Run(add);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string r = Run({"sscan", "big", cursor, "COUNT", "20"});
    size_t comma = r.find(", ");
    cursor = r.substr(1, comma - 1);
    std::set<std::string> part = AsSet(r.substr(comma + 2, r.size() - comma - 3));
    seen.insert(part.begin(), part.end());
    ++calls;
  } while (cursor != "0" && calls < 1000);
  seen.erase("");
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_GT(calls, 5);
}

TEST_F(SetTest, Notifications) {
  WatchEvents();
  Run({"sadd", "s", "a", "b", "c"});
  Run({"sadd", "s", "a"});  // nothing added: no event
  Run({"srem", "s", "a"});
  Run({"smove", "s", "t", "b"});
  Run({"spop", "s"});  // the last member: spop then del
  EXPECT_EQ(Events(), (std::vector<std::string>{"sadd:s", "srem:s", "srem:s", "sadd:t",
                                                "spop:s", "del:s"}));
  Run({"sadd", "u", "1", "2", "3"});
  Run({"spop", "u", "1"});
  Run({"spop", "u", "5"});  // everything: only del, as Redis
  Run({"sadd", "v", "1"});
  Run({"sunionstore", "d", "v"});
  Run({"sinterstore", "d", "v"});
  Run({"sdiffstore", "d", "v", "v"});  // empty: the destination goes
  EXPECT_EQ(Events(), (std::vector<std::string>{"sadd:u", "spop:u", "del:u", "sadd:v",
                                                "sunionstore:d", "sinterstore:d", "del:d"}));
}

TEST_F(SetTest, Resp3ReplyTypes) {
  Run({"hello", "3"});
  Run({"sadd", "s", "a"});
  Run({"smembers", "s"});
  EXPECT_EQ(raw(), "~1\r\n$1\r\na\r\n");
  Run({"spop", "nokey", "1"});
  EXPECT_EQ(raw(), "~0\r\n");
  Run({"srandmember", "s", "5"});
  EXPECT_EQ(raw(), "*1\r\n$1\r\na\r\n");
  Run({"sinter", "s", "nokey"});
  EXPECT_EQ(raw(), "~0\r\n");
  Run({"spop", "nokey"});
  EXPECT_EQ(raw(), "_\r\n");
}

TEST_F(SetTest, WatchSeesSetChanges) {
  Run({"sadd", "s", "a"});
  Run({"watch", "s"});
  Run({"sadd", "s", "a"});  // no change: the watch holds
  Run({"multi"});
  Run({"ping"});
  EXPECT_EQ(Run({"exec"}), "[PONG]");
  Run({"watch", "s"});
  Run({"srem", "s", "a"});
  Run({"multi"});
  Run({"ping"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// "[a, b, a]" -> its elements, repeats kept.
std::vector<std::string> AsList(const std::string& reply) {
  std::vector<std::string> out;
  std::string body = reply.substr(1, reply.size() - 2);
  for (size_t pos = 0; !body.empty();) {
    size_t comma = body.find(", ", pos);
    out.push_back(body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 2;
  }
  return out;
}

// SRANDMEMBER and SPOP pick every member about equally often, in every encoding, with a
// positive count (distinct members) and a negative one (repeats). The bounds are over six
// standard deviations wide, so a correct server fails with a probability below 1e-8 per check.
TEST_F(SetTest, RandomMembersAreUniformInEveryEncoding) {
  struct Case {
    const char* encoding;
    std::vector<std::string> members;
  };
  std::vector<Case> cases = {{"intset", {}}, {"listpack", {}}, {"hashtable", {}}};
  for (int i = 0; i < 20; ++i) cases[0].members.push_back(std::to_string(i * 7));
  for (int i = 0; i < 20; ++i) cases[1].members.push_back("w" + std::to_string(i));
  for (int i = 0; i < 300; ++i) cases[2].members.push_back("member:" + std::to_string(i));
  for (const Case& c : cases) {
    std::vector<std::string> sadd = {"sadd", "s"};
    sadd.insert(sadd.end(), c.members.begin(), c.members.end());
    Run({"del", "s"});
    Run(sadd);
    ASSERT_EQ(Encoding("s"), c.encoding);
    const double n = static_cast<double>(c.members.size());
    for (int count : {-7, 7}) {
      std::map<std::string, int> seen;
      const int rounds = static_cast<int>(n) * 300;
      for (int r = 0; r < rounds; ++r) {
        std::vector<std::string> got = AsList(Run({"srandmember", "s", std::to_string(count)}));
        ASSERT_EQ(got.size(), 7u);
        if (count > 0) {
          ASSERT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 7u);
        }
        for (const std::string& m : got) ++seen[m];
      }
      ASSERT_EQ(seen.size(), c.members.size()) << c.encoding << " count " << count;
      double expected = rounds * 7 / n;
      for (const auto& [m, k] : seen) {
        EXPECT_NEAR(k, expected, 6 * std::sqrt(expected) + 1)
            << c.encoding << " count " << count << " member " << m;
      }
    }
    // SPOP of one member: which member goes first is uniform too.
    std::map<std::string, int> first;
    const int pops = static_cast<int>(n) * 200;
    for (int r = 0; r < pops; ++r) {
      std::string m = Run({"spop", "s"});
      ++first[m];
      Run({"sadd", "s", m});
    }
    double expected = pops / n;
    for (const auto& [m, k] : first) {
      EXPECT_NEAR(k, expected, 6 * std::sqrt(expected) + 1) << c.encoding << " SPOP " << m;
    }
  }
}

}  // namespace
}  // namespace memkeydb
