// DUMP and RESTORE: replies, error texts and their order, TTLs, access clocks and keyspace
// events. Expected replies were taken from redis-server 7.0.15 running the same commands.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "persistence/crc64.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

constexpr const char* kFooter = "ERR DUMP payload version or checksum are wrong";
constexpr const char* kBadData = "ERR Bad data format";
constexpr const char* kBusy = "BUSYKEY Target key name already exists.";

// A payload with a correct footer around `body`.
std::string Payload(std::string body, uint16_t version = 10) {
  body.append(reinterpret_cast<const char*>(&version), 2);
  uint64_t crc = Crc64(0, body.data(), body.size());
  body.append(reinterpret_cast<const char*>(&crc), 8);
  return body;
}

class DumpTest : public CommandTest {
 protected:
  std::string DumpOf(const std::string& key) { return Run({"dump", key}); }
  std::string Restore(std::vector<std::string> args) {
    args.insert(args.begin(), "restore");
    return Run(args);
  }
};

TEST_F(DumpTest, StringPayloadIsRedisBytes) {
  Run({"set", "s", "hello"});
  EXPECT_EQ(DumpOf("s"), std::string("\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a", 17));
  EXPECT_EQ(DumpOf("missing"), "(nil)");
}

TEST_F(DumpTest, RoundTripsEveryType) {
  Run({"set", "s", "12345"});
  Run({"rpush", "l", "a", "b", "c"});
  Run({"sadd", "is", "1", "2", "3"});
  Run({"sadd", "ss", "a", "b"});
  Run({"zadd", "z", "1", "a", "2", "b"});
  Run({"hset", "h", "f", "v", "g", "w"});
  for (std::string key : {"s", "l", "is", "ss", "z", "h"}) {
    std::string payload = DumpOf(key);
    EXPECT_EQ(Restore({key + "2", "0", payload}), "OK") << key;
    EXPECT_EQ(Encoding(key + "2"), Encoding(key)) << key;
    EXPECT_EQ(DumpOf(key + "2"), payload) << key;
  }
  EXPECT_EQ(Run({"lrange", "l2", "0", "-1"}), "[a, b, c]");
  EXPECT_EQ(Run({"zrange", "z2", "0", "-1", "withscores"}), "[a, 1, b, 2]");
  EXPECT_EQ(Run({"hget", "h2", "g"}), "w");
  EXPECT_EQ(Run({"get", "s2"}), "12345");
}

TEST_F(DumpTest, ErrorsComeInRedisOrder) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  Run({"set", "busy", "x"});
  // Options are checked first, then an existing key, then the TTL, then the payload.
  EXPECT_EQ(Restore({"busy", "-1", "junk", "bogus"}), kSyntax);
  EXPECT_EQ(Restore({"busy", "0", "junk", "idletime", "-1"}),
            "ERR Invalid IDLETIME value, must be >= 0");
  EXPECT_EQ(Restore({"busy", "abc", "junk"}), kBusy);
  EXPECT_EQ(Restore({"busy", "-1", "junk"}), kBusy);
  EXPECT_EQ(Restore({"new", "abc", "junk"}), kNotInt);
  EXPECT_EQ(Restore({"new", "-1", "junk"}), "ERR Invalid TTL value, must be >= 0");
  EXPECT_EQ(Restore({"new", "0", "junk"}), kFooter);
  EXPECT_EQ(Restore({"new", "0", Payload("\x08\x01z")}), kBadData);
  EXPECT_EQ(Restore({"busy", "0", p, "replace"}), "OK");
  EXPECT_EQ(Run({"get", "busy"}), "hello");
  EXPECT_FALSE(Exists("new"));
}

TEST_F(DumpTest, OptionErrors) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  EXPECT_EQ(Restore({"x", "0", p, "idletime"}), kSyntax);
  EXPECT_EQ(Restore({"x", "0", p, "idletime", "abc"}), kNotInt);
  EXPECT_EQ(Restore({"x", "0", p, "freq", "256"}), "ERR Invalid FREQ value, must be >= 0 and <= 255");
  EXPECT_EQ(Restore({"x", "0", p, "freq", "-1"}), "ERR Invalid FREQ value, must be >= 0 and <= 255");
  EXPECT_EQ(Restore({"x", "0", p, "freq", "x"}), kNotInt);
  EXPECT_EQ(Restore({"x", "0", p, "idletime", "1", "freq", "1"}), kSyntax);
  EXPECT_EQ(Restore({"x", "0", p, "freq", "1", "idletime", "1"}), kSyntax);
  EXPECT_EQ(Restore({"x", "0", p, "bogus"}), kSyntax);
  EXPECT_EQ(Run({"restore", "x", "0"}), "ERR wrong number of arguments for 'restore' command");
  EXPECT_EQ(Run({"dump"}), "ERR wrong number of arguments for 'dump' command");
  EXPECT_EQ(Restore({"x", "0", p, "REPLACE", "replace", "ABSTTL"}), "OK");
}

TEST_F(DumpTest, FooterChecks) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  std::string body = p.substr(0, p.size() - 10);
  std::string zero_crc = p;
  std::memset(zero_crc.data() + zero_crc.size() - 8, 0, 8);
  EXPECT_EQ(Restore({"x", "0", zero_crc}), kFooter);
  EXPECT_EQ(Restore({"x", "0", Payload(body, 11)}), kFooter);
  EXPECT_EQ(Restore({"x", "0", Payload(body, 9)}), "OK");
  EXPECT_EQ(Restore({"y", "0", "abc"}), kFooter);
  EXPECT_EQ(Restore({"y", "0", ""}), kFooter);
  EXPECT_EQ(Restore({"y", "0", std::string(10, '\0')}), "OK");
  EXPECT_EQ(Run({"get", "y"}), "");
}

TEST_F(DumpTest, Ttls) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  EXPECT_EQ(Restore({"a", "5000", p}), "OK");
  EXPECT_GT(Pttl("a"), 4000);
  EXPECT_LE(Pttl("a"), 5000);
  EXPECT_EQ(Restore({"b", "0", p}), "OK");
  EXPECT_EQ(Pttl("b"), -1);
  EXPECT_EQ(Restore({"c", "99999999999999", p, "absttl"}), "OK");
  EXPECT_EQ(Run({"pexpiretime", "c"}), "(integer) 99999999999999");
  // A time already past creates nothing; with REPLACE the old key is gone too.
  EXPECT_EQ(Restore({"d", "1", p, "absttl"}), "OK");
  EXPECT_FALSE(Exists("d"));
  Run({"set", "e", "old"});
  EXPECT_EQ(Restore({"e", "1", p, "absttl", "replace"}), "OK");
  EXPECT_FALSE(Exists("e"));
  Run({"set", "f", "old"});
  EXPECT_EQ(Restore({"f", "1", p, "absttl"}), kBusy);
  // A TTL that wraps past INT64_MAX lands in the past, as in Redis.
  EXPECT_EQ(Restore({"g", "9223372036854775807", p}), "OK");
  EXPECT_FALSE(Exists("g"));
}

TEST_F(DumpTest, EventsAsRedis) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  WatchEvents();
  Run({"set", "x", "old"});
  Restore({"x", "0", p, "replace"});
  Restore({"x", "1", p, "replace", "absttl"});
  Restore({"y", "1", p, "absttl"});
  Restore({"y", "100000", p});
  EXPECT_EQ(Events(), (std::vector<std::string>{"set:x", "restore:x", "del:x", "restore:y"}));
}

TEST_F(DumpTest, AccessClocks) {
  Run({"set", "s", "hello"});
  std::string p = DumpOf("s");
  EXPECT_EQ(Restore({"a", "0", p, "idletime", "1000"}), "OK");
  std::string idle = Run({"object", "idletime", "a"});
  EXPECT_TRUE(idle == "(integer) 1000" || idle == "(integer) 1001") << idle;
  EXPECT_EQ(Restore({"b", "0", p, "idletime", "16777215"}), "OK");
  EXPECT_EQ(Run({"object", "idletime", "b"}), "(integer) 0");
  // FREQ is ignored under an LRU clock.
  EXPECT_EQ(Restore({"c", "0", p, "freq", "100"}), "OK");
  EXPECT_EQ(Run({"object", "idletime", "c"}), "(integer) 0");
  Run({"config", "set", "maxmemory-policy", "allkeys-lfu"});
  EXPECT_EQ(Restore({"d", "0", p, "freq", "100"}), "OK");
  EXPECT_EQ(Run({"object", "freq", "d"}), "(integer) 100");
  EXPECT_EQ(Restore({"e", "0", p, "idletime", "100"}), "OK");
  EXPECT_EQ(Run({"object", "freq", "e"}), "(integer) 5");
  Run({"config", "set", "maxmemory-policy", "noeviction"});
}

TEST_F(DumpTest, CompressionFollowsRdbcompression) {
  Run({"set", "long", std::string(100, 'a')});
  EXPECT_EQ(static_cast<unsigned char>(DumpOf("long")[1]), 0xC3);
  Run({"config", "set", "rdbcompression", "no"});
  EXPECT_EQ(DumpOf("long").substr(0, 3), std::string("\x00\x40\x64", 3));
  Run({"config", "set", "rdbcompression", "yes"});
}

TEST_F(DumpTest, WrongTypeNeverApplies) {
  MakeHash("h");
  std::string p = DumpOf("h");
  EXPECT_EQ(Restore({"h2", "0", p}), "OK");
  EXPECT_EQ(Run({"type", "h2"}), "hash");
}

TEST_F(DumpTest, CommandInfo) {
  EXPECT_EQ(Run({"command", "info", "dump"}).substr(0, 42), "[[dump, (integer) 2, [readonly], (integer)");
  EXPECT_EQ(Run({"command", "info", "restore"}).substr(0, 52),
            "[[restore, (integer) -4, [write, denyoom], (integer)");
}

}  // namespace
}  // namespace memkeydb
