// Tests of the keyspace and expiry commands. Every expected reply was taken from redis-server
// 7.0.15 running the same commands (with DEBUG SET-ACTIVE-EXPIRE 0, as a CommandTest server has
// no cron to expire keys actively).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

class KeyTest : public CommandTest {
 protected:
  static void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  // Splits "[a, b, c]" as FormatResp prints a flat array (keys here contain no ", ").
  static std::vector<std::string> Items(const std::string& reply) {
    std::vector<std::string> out;
    if (reply.size() < 2 || reply.front() != '[' || reply.back() != ']') return out;
    std::string body = reply.substr(1, reply.size() - 2);
    if (body.empty()) return out;
    size_t pos = 0;
    while (true) {
      size_t next = body.find(", ", pos);
      out.push_back(body.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
      if (next == std::string::npos) break;
      pos = next + 2;
    }
    return out;
  }

  // The keys of KEYS <pattern>, sorted (Redis's order depends on hashing).
  std::vector<std::string> SortedKeys(const std::string& pattern) {
    std::vector<std::string> v = Items(Run({"keys", pattern}));
    std::sort(v.begin(), v.end());
    return v;
  }

  // One SCAN call: returns the next cursor and appends the keys to *keys.
  std::string ScanOnce(const std::string& cursor, std::vector<std::string> extra,
                       std::vector<std::string>* keys) {
    std::vector<std::string> args = {"scan", cursor};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string reply = Run(args);
    // "[<cursor>, [k1, k2]]"
    size_t comma = reply.find(", ");
    EXPECT_NE(comma, std::string::npos) << reply;
    std::string next = reply.substr(1, comma - 1);
    std::vector<std::string> got = Items(reply.substr(comma + 2, reply.size() - comma - 3));
    keys->insert(keys->end(), got.begin(), got.end());
    return next;
  }

  // Every key a full SCAN iteration returns (with duplicates).
  std::vector<std::string> ScanAll(std::vector<std::string> extra = {}) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
      cursor = ScanOnce(cursor, extra, &keys);
    } while (cursor != "0");
    return keys;
  }

  // OBJECT IDLETIME of `key` as a number (-1 if the reply is not an integer).
  int64_t Idle(const std::string& key) {
    std::string r = Run({"object", "idletime", key});
    EXPECT_EQ(r.substr(0, 10), "(integer) ") << r;
    return r.substr(0, 10) == "(integer) " ? std::stoll(r.substr(10)) : -1;
  }

  // Through CONFIG SET, so what the server derives from an option (the eviction policy, the
  // notification flags) follows it as it does at run time.
  void SetConfig(const std::string& name, const std::string& value) {
    EXPECT_EQ(Run({"config", "set", name, value}), "OK") << name;
  }
};

// ---------------------------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE

TEST_F(KeyTest, DelCountsKeysActuallyRemoved) {
  EXPECT_EQ(Run({"del", "a", "b", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", "2"}), "OK");
  EXPECT_EQ(Run({"del", "a", "a", "b", "c"}), "(integer) 2");
  EXPECT_EQ(Run({"exists", "a", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"del"}), "ERR wrong number of arguments for 'del' command");
}

TEST_F(KeyTest, UnlinkIsDel) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", std::string(1000, 'x')}), "OK");
  EXPECT_EQ(Run({"unlink", "a", "b", "a", "zz"}), "(integer) 2");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"unlink"}), "ERR wrong number of arguments for 'unlink' command");
}

TEST_F(KeyTest, ExistsCountsRepeats) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"exists", "a", "a", "a", "b"}), "(integer) 3");
  EXPECT_EQ(Run({"exists", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"exists"}), "ERR wrong number of arguments for 'exists' command");
}

TEST_F(KeyTest, KeyspaceHitsAndMisses) {
  // Read lookups count a hit or a miss; write lookups (EXPIRE, COPY's destination) count none.
  Run({"set", "a", "1"});
  ServerStats& st = server_->stats();
  auto expect = [&](std::vector<std::string> cmd, uint64_t hits, uint64_t misses) {
    uint64_t h = st.keyspace_hits, m = st.keyspace_misses;
    Run(cmd);
    EXPECT_EQ(st.keyspace_hits - h, hits) << cmd[0];
    EXPECT_EQ(st.keyspace_misses - m, misses) << cmd[0];
  };
  expect({"exists", "a", "b", "a"}, 2, 1);
  expect({"type", "a"}, 1, 0);
  expect({"ttl", "b"}, 0, 1);
  expect({"object", "encoding", "a"}, 1, 0);
  expect({"expire", "a", "100"}, 0, 0);
  expect({"copy", "a", "c"}, 1, 0);
  expect({"scan", "0", "type", "string"}, 2, 0);
  expect({"scan", "0"}, 0, 0);
  expect({"touch", "a", "x"}, 1, 1);
  expect({"rename", "a", "b"}, 0, 0);
}

TEST_F(KeyTest, Type) {
  EXPECT_EQ(Run({"set", "s", "hello"}), "OK");
  EXPECT_EQ(Run({"set", "i", "12"}), "OK");
  EXPECT_EQ(Run({"type", "s"}), "string");
  EXPECT_EQ(Run({"type", "i"}), "string");
  EXPECT_EQ(Run({"type", "nokey"}), "none");
  EXPECT_EQ(Run({"type"}), "ERR wrong number of arguments for 'type' command");
  EXPECT_EQ(Run({"type", "a", "b"}), "ERR wrong number of arguments for 'type' command");
}

TEST_F(KeyTest, Touch) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(Run({"touch", "a", "b", "c", "a"}), "(integer) 3");
  EXPECT_EQ(Run({"touch", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"touch"}), "ERR wrong number of arguments for 'touch' command");
}

TEST_F(KeyTest, Dbsize) {
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2", "c", "3"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 3");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"dbsize", "x"}), "ERR wrong number of arguments for 'dbsize' command");
}

// ---------------------------------------------------------------------------------------------
// RENAME, RENAMENX

TEST_F(KeyTest, RenameErrorsAndSameKey) {
  EXPECT_EQ(Run({"rename", "nokey", "x"}), "ERR no such key");
  EXPECT_EQ(Run({"rename", "nokey", "nokey"}), "ERR no such key");
  EXPECT_EQ(Run({"renamenx", "nokey", "x"}), "ERR no such key");
  EXPECT_EQ(Run({"renamenx", "nokey", "nokey"}), "ERR no such key");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"rename", "a", "a"}), "OK");
  EXPECT_EQ(Run({"renamenx", "a", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"rename", "a"}), "ERR wrong number of arguments for 'rename' command");
  EXPECT_EQ(Run({"renamenx", "a", "b", "c"}),
            "ERR wrong number of arguments for 'renamenx' command");
}

TEST_F(KeyTest, RenameMovesValueAndOverwrites) {
  EXPECT_EQ(Run({"set", "a", "hello"}), "OK");
  EXPECT_EQ(Run({"set", "b", "world"}), "OK");
  EXPECT_EQ(Run({"rename", "a", "b"}), "OK");
  EXPECT_EQ(Run({"get", "b"}), "hello");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"rename", "b", "c"}), "OK");
  EXPECT_EQ(Run({"get", "c"}), "hello");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
}

TEST_F(KeyTest, RenamenxKeepsExistingDestination) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", "2"}), "OK");
  EXPECT_EQ(Run({"renamenx", "a", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "b"}), "2");
  EXPECT_EQ(Run({"renamenx", "a", "c"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "c"}), "1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
}

TEST_F(KeyTest, RenameCarriesTtl) {
  EXPECT_EQ(Run({"set", "t", "v", "ex", "100"}), "OK");
  EXPECT_EQ(Run({"rename", "t", "t2"}), "OK");
  EXPECT_EQ(Run({"ttl", "t2"}), "(integer) 100");
  // A destination's own TTL goes away with its old value.
  EXPECT_EQ(Run({"set", "t3", "v"}), "OK");
  EXPECT_EQ(Run({"rename", "t3", "t2"}), "OK");
  EXPECT_EQ(Run({"ttl", "t2"}), "(integer) -1");
  EXPECT_EQ(Run({"pexpireat", "t2", "4102444800123"}), "(integer) 1");
  EXPECT_EQ(Run({"renamenx", "t2", "t4"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpiretime", "t4"}), "(integer) 4102444800123");
}

TEST_F(KeyTest, RenameKeepsEncoding) {
  EXPECT_EQ(Run({"append", "r", "12"}), "(integer) 2");
  EXPECT_EQ(Run({"append", "r", "3"}), "(integer) 3");
  EXPECT_EQ(Run({"rename", "r", "r2"}), "OK");
  EXPECT_EQ(Run({"object", "encoding", "r2"}), "raw");
  EXPECT_EQ(Run({"get", "r2"}), "123");
}

TEST_F(KeyTest, RenameOfExpiredKeyIsNoSuchKey) {
  EXPECT_EQ(Run({"set", "e", "v", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "f", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"rename", "e", "e"}), "ERR no such key");
  EXPECT_EQ(Run({"set", "e", "v", "px", "1"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"renamenx", "e", "f"}), "ERR no such key");
  EXPECT_EQ(Run({"get", "f"}), "v");
}

TEST_F(KeyTest, RenameOntoExpiredKey) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", "2", "px", "1"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"renamenx", "a", "b"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"ttl", "b"}), "(integer) -1");
}

// ---------------------------------------------------------------------------------------------
// COPY

TEST_F(KeyTest, CopyErrors) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"copy", "a", "a"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"copy", "nokey", "nokey"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "-1"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "4294967296"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "-2147483649"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "2147483647"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "99"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "db"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a", "b", "foo"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a", "b", "replace", "foo"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a"}), "ERR wrong number of arguments for 'copy' command");
  EXPECT_EQ(Run({"exists", "b"}), "(integer) 0");
}

TEST_F(KeyTest, CopyBasics) {
  EXPECT_EQ(Run({"copy", "nokey", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "hello"}), "OK");
  EXPECT_EQ(Run({"copy", "a", "b"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "b"}), "hello");
  EXPECT_EQ(Run({"set", "a", "other"}), "OK");
  EXPECT_EQ(Run({"copy", "a", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "b"}), "hello");
  EXPECT_EQ(Run({"copy", "a", "b", "REPLACE", "replace"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "b"}), "other");
}

TEST_F(KeyTest, CopyIsDeep) {
  EXPECT_EQ(Run({"set", "a", std::string(100, 'x')}), "OK");
  EXPECT_EQ(Run({"copy", "a", "b"}), "(integer) 1");
  EXPECT_EQ(Run({"append", "a", "yz"}), "(integer) 102");
  EXPECT_EQ(Run({"strlen", "b"}), "(integer) 100");
  EXPECT_EQ(Run({"setrange", "b", "0", "AB"}), "(integer) 100");
  EXPECT_EQ(Run({"getrange", "a", "0", "2"}), "xxx");
  EXPECT_EQ(Run({"getrange", "b", "0", "2"}), "ABx");
  EXPECT_EQ(Run({"del", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"strlen", "b"}), "(integer) 100");
}

TEST_F(KeyTest, CopyKeepsEncodingAndTtl) {
  EXPECT_EQ(Run({"set", "i", "12345"}), "OK");
  EXPECT_EQ(Run({"copy", "i", "i2"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "encoding", "i2"}), "int");
  EXPECT_EQ(Run({"set", "e", "abcdefghijklmnopqrstuvwxyz"}), "OK");
  EXPECT_EQ(Run({"copy", "e", "e2"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "encoding", "e2"}), "embstr");
  EXPECT_EQ(Run({"append", "r", "12"}), "(integer) 2");
  EXPECT_EQ(Run({"append", "r", "3"}), "(integer) 3");
  EXPECT_EQ(Run({"object", "encoding", "r"}), "raw");
  EXPECT_EQ(Run({"copy", "r", "r2"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "encoding", "r2"}), "raw");
  EXPECT_EQ(Run({"get", "r2"}), "123");
  EXPECT_EQ(Run({"set", "long", std::string(50, 'z')}), "OK");
  EXPECT_EQ(Run({"copy", "long", "long2"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "encoding", "long2"}), "raw");
  EXPECT_EQ(Run({"set", "x", "v", "ex", "1000"}), "OK");
  EXPECT_EQ(Run({"copy", "x", "y"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "y"}), "(integer) 1000");
  EXPECT_EQ(Run({"ttl", "x"}), "(integer) 1000");
  // REPLACE drops the destination's TTL along with its value.
  EXPECT_EQ(Run({"copy", "i", "y", "replace"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "y"}), "(integer) -1");
  EXPECT_EQ(Run({"get", "y"}), "12345");
}

TEST_F(KeyTest, CopyToOtherDb) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "2"}), "OK");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "1", "replace"}), "(integer) 1");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "2");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  // The source is read from the selected database.
  EXPECT_EQ(Run({"copy", "a", "b", "db", "0"}), "(integer) 1");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_EQ(Run({"get", "b"}), "2");
}

TEST_F(KeyTest, CopyExpiredSourceOrDestination) {
  EXPECT_EQ(Run({"set", "a", "1", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", "2"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"copy", "a", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "d", "3", "px", "1"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"copy", "b", "d"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "d"}), "2");
  EXPECT_EQ(Run({"ttl", "d"}), "(integer) -1");
}

// ---------------------------------------------------------------------------------------------
// MOVE

TEST_F(KeyTest, MoveErrors) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"move", "a", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"move", "nokey", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"move", "a", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"move", "a", "-1"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"move", "a", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"move", "a", "2147483648"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(Run({"move", "a", "99999999999999999999"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"move", "a"}), "ERR wrong number of arguments for 'move' command");
}

TEST_F(KeyTest, Move) {
  EXPECT_EQ(Run({"move", "nokey", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "1", "ex", "500"}), "OK");
  EXPECT_EQ(Run({"move", "a", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "2"}), "OK");
  EXPECT_EQ(Run({"move", "a", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "a"}), "2");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 500");
  EXPECT_EQ(Run({"move", "a", "0"}), "(integer) 0");
  EXPECT_EQ(Run({"move", "a", "2"}), "(integer) 1");
  EXPECT_EQ(Run({"select", "2"}), "OK");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 500");
  EXPECT_EQ(Run({"get", "a"}), "1");
}

TEST_F(KeyTest, MoveExpired) {
  EXPECT_EQ(Run({"set", "a", "1", "px", "1"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"move", "a", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "b", "1"}), "OK");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"set", "b", "2", "px", "1"}), "OK");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"move", "b", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"pttl", "b"}), "(integer) -1");
}

// ---------------------------------------------------------------------------------------------
// SWAPDB, FLUSHDB, FLUSHALL

TEST_F(KeyTest, SwapdbErrors) {
  EXPECT_EQ(Run({"swapdb", "0", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"swapdb", "-1", "0"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"swapdb", "x", "1"}), "ERR invalid first DB index");
  EXPECT_EQ(Run({"swapdb", "1", "x"}), "ERR invalid second DB index");
  EXPECT_EQ(Run({"swapdb", "x", "y"}), "ERR invalid first DB index");
  EXPECT_EQ(Run({"swapdb", "0", "99999999999"}), "ERR invalid second DB index");
  EXPECT_EQ(Run({"swapdb", "0"}), "ERR wrong number of arguments for 'swapdb' command");
}

TEST_F(KeyTest, Swapdb) {
  EXPECT_EQ(Run({"set", "a", "0", "ex", "100"}), "OK");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"mset", "b", "1", "c", "1"}), "OK");
  EXPECT_EQ(Run({"swapdb", "0", "1"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "a"}), "0");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 100");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
  EXPECT_EQ(Run({"swapdb", "0", "0"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
}

TEST_F(KeyTest, SwapdbFailsWatchOfExistingKey) {
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"set", "w", "1"}), "OK");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_EQ(Run({"watch", "w"}), "OK");
  EXPECT_EQ(Run({"swapdb", "0", "1"}), "OK");
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"ping"}), "QUEUED");
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

TEST_F(KeyTest, Flushdb) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_EQ(Run({"set", "c", "3"}), "OK");
  EXPECT_EQ(Run({"flushdb"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
  EXPECT_EQ(Run({"flushdb", "foo"}), "ERR syntax error");
  EXPECT_EQ(Run({"flushdb", "sync", "async"}), "ERR syntax error");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
  EXPECT_EQ(Run({"flushdb", "ASYNC"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"flushdb", "sync"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
}

TEST_F(KeyTest, Flushall) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"select", "3"}), "OK");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"flushall", "x"}), "ERR syntax error");
  EXPECT_EQ(Run({"flushall", "a", "b"}), "ERR syntax error");
  EXPECT_EQ(Run({"flushall", "SYNC"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"flushall", "async"}), "OK");
  EXPECT_EQ(Run({"flushall"}), "OK");
}

TEST_F(KeyTest, DirtyCounter) {
  // Matches rdb_changes_since_last_save on redis-server for the same commands.
  int64_t d = server_->dirty;
  Run({"flushdb"});
  EXPECT_EQ(server_->dirty, d);
  Run({"mset", "a", "1", "b", "1"});
  d = server_->dirty;
  Run({"flushall"});  // the keys removed, plus one for FLUSHALL itself
  EXPECT_EQ(server_->dirty, d + 3);
  Run({"swapdb", "0", "0"});
  EXPECT_EQ(server_->dirty, d + 4);
  Run({"rename", "nokey", "x"});
  EXPECT_EQ(server_->dirty, d + 4);
  Run({"set", "a", "1"});
  d = server_->dirty;
  Run({"rename", "a", "b"});
  EXPECT_EQ(server_->dirty, d + 1);
  Run({"copy", "b", "c"});
  EXPECT_EQ(server_->dirty, d + 2);
  Run({"move", "c", "3"});
  EXPECT_EQ(server_->dirty, d + 3);
  Run({"expire", "b", "100"});
  EXPECT_EQ(server_->dirty, d + 4);
  Run({"expire", "b", "100", "nx"});
  EXPECT_EQ(server_->dirty, d + 4);
  Run({"persist", "b"});
  EXPECT_EQ(server_->dirty, d + 5);
  Run({"del", "b", "c"});
  EXPECT_EQ(server_->dirty, d + 6);
  Run({"set", "a", "1"});
  d = server_->dirty;
  Run({"expire", "a", "-1"});
  EXPECT_EQ(server_->dirty, d + 1);
}

// ---------------------------------------------------------------------------------------------
// KEYS

TEST_F(KeyTest, KeysGlobPatterns) {
  EXPECT_EQ(Run({"mset", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1",
                 "hbllo", "1", "h[llo", "1", "h*llo", "1", "", "1"}),
            "OK");
  using V = std::vector<std::string>;
  EXPECT_EQ(SortedKeys("h?llo"), (V{"h*llo", "h[llo", "hallo", "hbllo", "hello", "hxllo"}));
  EXPECT_EQ(SortedKeys("h*llo"),
            (V{"h*llo", "h[llo", "hallo", "hbllo", "heeeello", "hello", "hllo", "hxllo"}));
  EXPECT_EQ(SortedKeys("h[ae]llo"), (V{"hallo", "hello"}));
  EXPECT_EQ(SortedKeys("h[^e]llo"), (V{"h*llo", "h[llo", "hallo", "hbllo", "hxllo"}));
  EXPECT_EQ(SortedKeys("h[a-b]llo"), (V{"hallo", "hbllo"}));
  EXPECT_EQ(SortedKeys("h\\[llo"), (V{"h[llo"}));
  EXPECT_EQ(SortedKeys("h\\*llo"), (V{"h*llo"}));
  EXPECT_EQ(SortedKeys("x*"), V{});
  EXPECT_EQ(SortedKeys("h["), V{});
  EXPECT_EQ(SortedKeys("h[]llo"), V{});
  EXPECT_EQ(SortedKeys("?*").size(), 8u);
  EXPECT_EQ(SortedKeys("**").size(), 8u);
  // Only "*" itself is match-all: it lists the empty key, other patterns never match it...
  EXPECT_EQ(SortedKeys("*").size(), 9u);
  // ...except the empty pattern.
  EXPECT_EQ(Run({"keys", ""}), "[]");
  EXPECT_EQ(raw(), "*1\r\n$0\r\n\r\n");
  EXPECT_EQ(Run({"keys"}), "ERR wrong number of arguments for 'keys' command");
  EXPECT_EQ(Run({"keys", "a", "b"}), "ERR wrong number of arguments for 'keys' command");
}

TEST_F(KeyTest, KeysSkipsExpiredKeysWithoutDeletingThem) {
  EXPECT_EQ(Run({"set", "k", "v", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "j", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"keys", "*"}), "[j]");
  EXPECT_EQ(Run({"keys", "k"}), "[]");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
  EXPECT_EQ(Run({"exists", "k"}), "(integer) 0");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
}

// ---------------------------------------------------------------------------------------------
// SCAN

TEST_F(KeyTest, ScanErrors) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(Run({"scan", "x"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", " 1"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", "1 "}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", "0x10"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", "18446744073709551616"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", "x", "count", "0"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"scan", "0", "count", "0"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "count", "-1"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "count", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"scan", "0", "count"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "match"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "type"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "foo", "bar"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "count", "0", "count", "5"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "count", "10", "match"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan"}), "ERR wrong number of arguments for 'scan' command");
}

TEST_F(KeyTest, ScanCursorSyntax) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  // strtoul's syntax: sign, leading zeros and the empty string are accepted.
  EXPECT_EQ(Run({"scan", "+0"}), "[0, [a]]");
  EXPECT_EQ(Run({"scan", "00"}), "[0, [a]]");
  EXPECT_EQ(Run({"scan", ""}), "[0, [a]]");
  // All bits set: the last bucket, after which the iteration is over (which keys that bucket
  // holds depends on the hash).
  EXPECT_EQ(Run({"scan", "-1"}).substr(0, 5), "[0, [");
  EXPECT_EQ(Run({"scan", "18446744073709551615"}).substr(0, 5), "[0, [");
  EXPECT_EQ(Run({"scan", "0", "COUNT", "5", "MATCH", "*", "TYPE", "STRING"}), "[0, [a]]");
}

TEST_F(KeyTest, ScanEmptyDb) {
  EXPECT_EQ(Run({"scan", "0"}), "[0, []]");
  EXPECT_EQ(Run({"scan", "12345"}), "[0, []]");
}

TEST_F(KeyTest, ScanReturnsEveryKey) {
  for (int count : {1, 3, 10, 1000}) {
    Run({"flushall"});
    std::set<std::string> want;
    for (int i = 0; i < 500; ++i) {
      std::string k = "key:" + std::to_string(i);
      Run({"set", k, "v"});
      want.insert(k);
    }
    std::vector<std::string> got = ScanAll({"count", std::to_string(count)});
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want) << "count " << count;
    // Without resizes in between, a full iteration returns each key exactly once.
    EXPECT_EQ(got.size(), want.size()) << "count " << count;
  }
}

TEST_F(KeyTest, ScanCountBoundsWorkPerCall) {
  for (int i = 0; i < 1000; ++i) Run({"set", "k" + std::to_string(i), "v"});
  std::vector<std::string> keys;
  std::string cursor = ScanOnce("0", {"count", "1"}, &keys);
  EXPECT_NE(cursor, "0");
  // COUNT 1 stops after the first non-empty bucket: a handful of keys, not the table.
  EXPECT_GE(keys.size(), 1u);
  EXPECT_LT(keys.size(), 20u);
  keys.clear();
  EXPECT_EQ(ScanOnce("0", {"count", "100000"}, &keys), "0");
  EXPECT_EQ(keys.size(), 1000u);
}

TEST_F(KeyTest, ScanReturnsEveryKeyWhileTableGrows) {
  uint64_t seed = std::random_device{}();
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::set<std::string> original;
  for (int i = 0; i < 100; ++i) {
    std::string k = "orig:" + std::to_string(i);
    Run({"set", k, "v"});
    original.insert(k);
  }
  std::set<std::string> seen;
  std::vector<std::string> keys;
  std::string cursor = "0";
  int added = 0, calls = 0;
  do {
    keys.clear();
    cursor = ScanOnce(cursor, {"count", std::to_string(1 + rng() % 20)}, &keys);
    seen.insert(keys.begin(), keys.end());
    // Grow the table between calls, through several doublings (and their incremental
    // rehashing), then let the iteration finish.
    if (added < 20000) {
      int n = static_cast<int>(rng() % 400);
      for (int i = 0; i < n; ++i) Run({"set", "new:" + std::to_string(added++), "v"});
    }
    ++calls;
  } while (cursor != "0" && calls < 1000000);
  EXPECT_EQ(cursor, "0");
  for (const std::string& k : original) EXPECT_TRUE(seen.count(k)) << k << " never returned";
}

TEST_F(KeyTest, ScanReturnsEveryKeyWhileTableShrinksAndGrows) {
  uint64_t seed = std::random_device{}();
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int i = 0; i < 3000; ++i) Run({"set", "tmp:" + std::to_string(i), "v"});
  std::set<std::string> kept;
  for (int i = 0; i < 50; ++i) {
    std::string k = "keep:" + std::to_string(i);
    Run({"set", k, "v"});
    kept.insert(k);
  }
  std::set<std::string> seen;
  std::vector<std::string> keys;
  std::string cursor = "0";
  int next_tmp = 0, calls = 0;
  do {
    keys.clear();
    cursor = ScanOnce(cursor, {"count", "10"}, &keys);
    seen.insert(keys.begin(), keys.end());
    // Delete temporary keys (the cron may shrink the table) and sometimes add a burst back.
    for (int i = 0; i < 100 && next_tmp < 3000; ++i)
      Run({"del", "tmp:" + std::to_string(next_tmp++)});
    server_->db(0).table().MaybeShrink();
    if (rng() % 4 == 0) {
      for (int i = 0; i < 200; ++i) Run({"set", "burst:" + std::to_string(rng()), "v"});
    }
    ++calls;
  } while (cursor != "0" && calls < 1000000);
  EXPECT_EQ(cursor, "0");
  for (const std::string& k : kept) EXPECT_TRUE(seen.count(k)) << k << " never returned";
}

TEST_F(KeyTest, ScanMatchAndType) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2", "c", "3"}), "OK");
  std::vector<std::string> keys;
  EXPECT_EQ(ScanOnce("0", {"match", "[ab]", "type", "string", "count", "1000"}, &keys), "0");
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Run({"scan", "0", "type", "list"}), "[0, []]");
  EXPECT_EQ(Run({"scan", "0", "type", "foo"}), "[0, []]");
  EXPECT_EQ(Run({"scan", "0", "match", "c", "count", "100"}), "[0, [c]]");
  EXPECT_EQ(Run({"scan", "0", "match", "", "count", "100"}), "[0, []]");
}

TEST_F(KeyTest, ScanDeletesExpiredKeys) {
  EXPECT_EQ(Run({"set", "k", "v", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "j", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
  uint64_t expired = server_->stats().expired_keys;
  EXPECT_EQ(Run({"scan", "0"}), "[0, [j]]");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  EXPECT_EQ(server_->stats().expired_keys, expired + 1);
}

TEST_F(KeyTest, ScanMatchDoesNotExpireFilteredKeys) {
  EXPECT_EQ(Run({"set", "k", "v", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "j", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"scan", "0", "match", "j"}), "[0, [j]]");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 2");
}

TEST_F(KeyTest, ScanTypeNoneListsJustExpiredKeys) {
  // Redis's type filter looks the key up (deleting it) before the expiry filter, which then
  // finds nothing to expire: an expired key shows up under TYPE none.
  EXPECT_EQ(Run({"set", "k", "v", "px", "1"}), "OK");
  EXPECT_EQ(Run({"set", "j", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"scan", "0", "type", "none"}), "[0, [k]]");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  EXPECT_EQ(Run({"set", "k", "v", "px", "1"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"scan", "0", "type", "string"}), "[0, [j]]");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
}

// ---------------------------------------------------------------------------------------------
// RANDOMKEY

TEST_F(KeyTest, Randomkey) {
  EXPECT_EQ(Run({"randomkey"}), "(nil)");
  EXPECT_EQ(Run({"set", "only", "1"}), "OK");
  EXPECT_EQ(Run({"randomkey"}), "only");
  EXPECT_EQ(Run({"randomkey", "x"}), "ERR wrong number of arguments for 'randomkey' command");
  for (int i = 0; i < 20; ++i) Run({"set", "k" + std::to_string(i), "v"});
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) seen.insert(Run({"randomkey"}));
  EXPECT_GT(seen.size(), 10u);
  for (const std::string& k : seen) EXPECT_EQ(Run({"exists", k}), "(integer) 1") << k;
}

TEST_F(KeyTest, RandomkeyDeletesExpiredKeys) {
  for (int i = 0; i < 50; ++i) Run({"set", "e" + std::to_string(i), "v", "px", "1"});
  SleepMs(5);
  // Every key is expired: each draw deletes one, and the loop ends on the empty table.
  EXPECT_EQ(Run({"randomkey"}), "(nil)");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  for (int i = 0; i < 50; ++i) Run({"set", "e" + std::to_string(i), "v", "px", "1"});
  EXPECT_EQ(Run({"set", "live", "v"}), "OK");
  SleepMs(5);
  EXPECT_EQ(Run({"randomkey"}), "live");
}

TEST_F(KeyTest, RandomkeyWithExpirySuspendedTerminates) {
  for (int i = 0; i < 10; ++i) Run({"set", "e" + std::to_string(i), "v", "px", "1"});
  SleepMs(5);
  Database::set_expiry_suspended(true);
  std::string r = Run({"randomkey"});
  Database::set_expiry_suspended(false);
  EXPECT_EQ(r.substr(0, 1), "e");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 10");
}

// ---------------------------------------------------------------------------------------------
// OBJECT

TEST_F(KeyTest, ObjectEncoding) {
  EXPECT_EQ(Run({"set", "i", "123"}), "OK");
  EXPECT_EQ(Run({"set", "neg", "-9223372036854775808"}), "OK");
  EXPECT_EQ(Run({"set", "lz", "01"}), "OK");
  EXPECT_EQ(Run({"set", "e", std::string(44, 'e')}), "OK");
  EXPECT_EQ(Run({"set", "r", std::string(45, 'r')}), "OK");
  EXPECT_EQ(Run({"object", "encoding", "i"}), "int");
  EXPECT_EQ(Run({"object", "encoding", "neg"}), "int");
  EXPECT_EQ(Run({"object", "encoding", "lz"}), "embstr");
  EXPECT_EQ(Run({"object", "encoding", "e"}), "embstr");
  EXPECT_EQ(Run({"object", "encoding", "r"}), "raw");
  EXPECT_EQ(Run({"append", "i", "4"}), "(integer) 4");
  EXPECT_EQ(Run({"object", "encoding", "i"}), "raw");
  EXPECT_EQ(Run({"object", "encoding", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "e"}), "embstr");
}

TEST_F(KeyTest, ObjectErrors) {
  EXPECT_EQ(Run({"object"}), "ERR wrong number of arguments for 'object' command");
  EXPECT_EQ(Run({"object", "foo", "c"}), "ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  EXPECT_EQ(Run({"object", "encoding"}),
            "ERR wrong number of arguments for 'object|encoding' command");
  EXPECT_EQ(Run({"object", "encoding", "a", "b"}),
            "ERR wrong number of arguments for 'object|encoding' command");
  EXPECT_EQ(Run({"object", "refcount"}),
            "ERR wrong number of arguments for 'object|refcount' command");
  EXPECT_EQ(Run({"object", "idletime"}),
            "ERR wrong number of arguments for 'object|idletime' command");
  EXPECT_EQ(Run({"object", "freq"}), "ERR wrong number of arguments for 'object|freq' command");
  EXPECT_EQ(Run({"object", "help", "x"}),
            "ERR wrong number of arguments for 'object|help' command");
  EXPECT_EQ(Run({"object", "idletime", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"object", "refcount", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"object", "freq", "nokey"}), "(nil)");
}

TEST_F(KeyTest, ObjectHelp) {
  std::vector<std::string> lines = Items(Run({"object", "help"}));
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0], "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(lines[1], "ENCODING <key>");
  EXPECT_EQ(lines[3], "FREQ <key>");
  EXPECT_EQ(lines[5], "IDLETIME <key>");
  EXPECT_EQ(lines[7], "REFCOUNT <key>");
  EXPECT_EQ(lines[9], "HELP");
  EXPECT_EQ(lines[10], "    Prints this help.");
  EXPECT_EQ(raw().substr(0, 6), "*11\r\n+");
}

TEST_F(KeyTest, ObjectRefcount) {
  EXPECT_EQ(Run({"set", "a", "5"}), "OK");
  EXPECT_EQ(Run({"set", "b", "9999"}), "OK");
  EXPECT_EQ(Run({"set", "c", "10000"}), "OK");
  EXPECT_EQ(Run({"set", "d", "-1"}), "OK");
  EXPECT_EQ(Run({"set", "e", "hello"}), "OK");
  EXPECT_EQ(Run({"object", "refcount", "a"}), "(integer) 2147483647");
  EXPECT_EQ(Run({"object", "refcount", "b"}), "(integer) 2147483647");
  EXPECT_EQ(Run({"object", "refcount", "c"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "refcount", "d"}), "(integer) 1");
  EXPECT_EQ(Run({"object", "refcount", "e"}), "(integer) 1");
  // With maxmemory and an LRU or LFU policy, small integers are not shared.
  SetConfig("maxmemory-policy", "allkeys-lru");
  SetConfig("maxmemory", "104857600");
  EXPECT_EQ(Run({"set", "f", "1"}), "OK");
  EXPECT_EQ(Run({"object", "refcount", "f"}), "(integer) 1");
  SetConfig("maxmemory-policy", "volatile-ttl");
  EXPECT_EQ(Run({"set", "g", "1"}), "OK");
  EXPECT_EQ(Run({"object", "refcount", "g"}), "(integer) 2147483647");
}

TEST_F(KeyTest, ObjectIdletimeAndFreqPolicies) {
  EXPECT_EQ(Run({"set", "s", "hello"}), "OK");
  EXPECT_EQ(Run({"get", "s"}), "hello");
  EXPECT_LE(Idle("s"), 1);
  EXPECT_EQ(Run({"object", "freq", "s"}),
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.");
  SetConfig("maxmemory-policy", "allkeys-lfu");
  EXPECT_EQ(Run({"object", "idletime", "s"}),
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.");
  EXPECT_EQ(Run({"object", "idletime", "nokey"}), "(nil)");
  SetConfig("maxmemory-policy", "volatile-lfu");
  EXPECT_EQ(Run({"object", "freq", "nokey"}), "(nil)");
  EXPECT_EQ(Run({"object", "idletime", "s"}).substr(0, 38),
            "ERR An LFU maxmemory policy is selecte");
}

// Redis stamps a new value's access clock when it is created. Disabled until Database::Add (or
// every command that creates a key) sets the clock: today a key written by SET and never read
// reports the whole clock value as its idle time.
TEST_F(KeyTest, ObjectIdletimeOfNewKeyIsZero) {
  EXPECT_EQ(Run({"set", "s", "v"}), "OK");
  EXPECT_LE(Idle("s"), 1);
}

TEST_F(KeyTest, ObjectIdletimeOfCopyIsZero) {
  EXPECT_EQ(Run({"set", "s", "v"}), "OK");
  EXPECT_EQ(Run({"copy", "s", "t"}), "(integer) 1");
  // 0, or 1 if a second boundary passed since the copy (the clock counts whole seconds).
  EXPECT_LE(Idle("t"), 1);
}

TEST_F(KeyTest, ObjectIdletimeAndWhatCountsAsAccess) {
  EXPECT_EQ(Run({"mset", "n", "v", "s", "v", "a", "v", "b", "v", "c", "v", "d", "v", "m", "v"}),
            "OK");
  EXPECT_EQ(Run({"set", "p", "v", "ex", "100"}), "OK");
  for (const char* k : {"n", "s", "p", "a", "b", "c", "d", "m"}) Run({"get", k});
  SleepMs(2100);
  // The clock has a one-second resolution: an untouched key is now 2 or 3 seconds idle, a key
  // touched from here on 0, or 1 if a second boundary passes before OBJECT IDLETIME runs.
  EXPECT_GE(Idle("n"), 2);
  EXPECT_LE(Idle("n"), 3);
  // Read-only introspection does not count as an access...
  for (const char* cmd : {"ttl", "pttl", "expiretime", "pexpiretime", "exists", "type"}) {
    Run({cmd, "n"});
  }
  Run({"object", "encoding", "n"});
  Run({"object", "refcount", "n"});
  EXPECT_GE(Idle("n"), 2);
  // ...but Redis 7.0's write lookups do, even when the command then changes nothing.
  EXPECT_EQ(Run({"expire", "s", "100"}), "(integer) 1");
  EXPECT_LE(Idle("s"), 1);
  EXPECT_EQ(Run({"persist", "p"}), "(integer) 1");
  EXPECT_LE(Idle("p"), 1);
  EXPECT_EQ(Run({"renamenx", "a", "b"}), "(integer) 0");
  EXPECT_LE(Idle("a"), 1);
  EXPECT_LE(Idle("b"), 1);
  EXPECT_EQ(Run({"copy", "c", "d"}), "(integer) 0");
  EXPECT_LE(Idle("c"), 1);
  EXPECT_LE(Idle("d"), 1);
  EXPECT_EQ(Run({"move", "m", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"select", "1"}), "OK");
  EXPECT_LE(Idle("m"), 1);
  EXPECT_EQ(Run({"select", "0"}), "OK");
  EXPECT_GE(Idle("n"), 2);
  EXPECT_EQ(Run({"touch", "n"}), "(integer) 1");
  EXPECT_LE(Idle("n"), 1);
}

// ---------------------------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT

TEST_F(KeyTest, ExpireOptionErrors) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "100", "nx", "xx"}),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(Run({"expire", "a", "100", "nx", "gt"}),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(Run({"pexpire", "a", "100", "lt", "nx"}),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(Run({"expireat", "a", "100", "gt", "lt"}),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(Run({"pexpireat", "a", "100", "xx", "gt", "lt"}),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(Run({"expire", "a", "100", "foo"}), "ERR Unsupported option foo");
  // Options are checked before the time argument.
  EXPECT_EQ(Run({"expire", "a", "x", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(Run({"expire", "a", "x", "nx", "xx"}),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(Run({"expire", "a", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"expire", "nokey", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"expire", "nokey", "1", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(Run({"expire", "a", "1.5"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"expire", "a"}), "ERR wrong number of arguments for 'expire' command");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) -1");
}

TEST_F(KeyTest, ExpireOverflow) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "9223372036854775807"}),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(Run({"expire", "a", "9223372036854775"}),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(Run({"expire", "a", "-9223372036854775808"}),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(Run({"pexpire", "a", "9223372036854775807"}),
            "ERR invalid expire time in 'pexpire' command");
  EXPECT_EQ(Run({"expireat", "a", "9223372036854775807"}),
            "ERR invalid expire time in 'expireat' command");
  EXPECT_EQ(Run({"EXPIREAT", "a", "-9223372036854776"}),
            "ERR invalid expire time in 'expireat' command");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) -1");
  EXPECT_EQ(Run({"expire", "a", "9223372036854"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 9223372036854");
  // A huge negative relative time is in the past: the key goes.
  EXPECT_EQ(Run({"pexpire", "a", "-9223372036854775808"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"pexpireat", "a", "-9223372036854775808"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
}

TEST_F(KeyTest, ExpireAtTheEndOfTime) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"pexpireat", "a", "9223372036854775807"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpiretime", "a"}), "(integer) 9223372036854775807");
  EXPECT_EQ(Run({"expiretime", "a"}), "(integer) 9223372036854776");
  EXPECT_EQ(Run({"pexpireat", "a", "9223372036854775300"}), "(integer) 1");
  EXPECT_EQ(Run({"expiretime", "a"}), "(integer) 9223372036854775");
  EXPECT_EQ(Run({"get", "a"}), "1");
}

TEST_F(KeyTest, ExpireMissingKey) {
  EXPECT_EQ(Run({"expire", "nokey", "10"}), "(integer) 0");
  EXPECT_EQ(Run({"pexpire", "nokey", "10", "nx"}), "(integer) 0");
  EXPECT_EQ(Run({"expireat", "nokey", "1000000000"}), "(integer) 0");
  EXPECT_EQ(Run({"pexpireat", "nokey", "4102444800000"}), "(integer) 0");
  EXPECT_EQ(Run({"exists", "nokey"}), "(integer) 0");
}

TEST_F(KeyTest, ExpireConditions) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "100", "xx"}), "(integer) 0");
  // No TTL counts as infinite: GT never passes, LT always does.
  EXPECT_EQ(Run({"expire", "a", "100", "gt"}), "(integer) 0");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) -1");
  EXPECT_EQ(Run({"expire", "a", "100", "lt"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 100");
  EXPECT_EQ(Run({"expire", "a", "100", "nx"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "50", "NX"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "200", "gt"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 200");
  EXPECT_EQ(Run({"expire", "a", "100", "gt"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "50", "lt"}), "(integer) 1");
  EXPECT_EQ(Run({"expire", "a", "60", "lt"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "60", "xx"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 60");
  EXPECT_EQ(Run({"expire", "a", "70", "xx", "gt"}), "(integer) 1");
  EXPECT_EQ(Run({"expire", "a", "65", "XX", "GT"}), "(integer) 0");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) 70");
  EXPECT_EQ(Run({"expire", "a", "0", "gt"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "0", "lt"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
}

TEST_F(KeyTest, ExpireConditionsWithPastTimes) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "-1", "lt"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "-1", "gt"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "-1", "xx"}), "(integer) 0");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"expire", "a", "-1", "nx"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
}

TEST_F(KeyTest, ExpirePastTimesDelete) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "1", "c", "1", "d", "1", "e", "1"}), "OK");
  EXPECT_EQ(Run({"expire", "a", "0"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpire", "b", "-100"}), "(integer) 1");
  EXPECT_EQ(Run({"expireat", "c", "1000000000"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpireat", "d", "1"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpireat", "e", "0"}), "(integer) 1");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "a", "0"}), "(integer) 0");
}

TEST_F(KeyTest, ExpireAbsoluteTimes) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"expireat", "a", "4102444800"}), "(integer) 1");
  EXPECT_EQ(Run({"expiretime", "a"}), "(integer) 4102444800");
  EXPECT_EQ(Run({"pexpiretime", "a"}), "(integer) 4102444800000");
  EXPECT_EQ(Run({"pexpireat", "a", "4102444800499"}), "(integer) 1");
  EXPECT_EQ(Run({"expiretime", "a"}), "(integer) 4102444800");
  EXPECT_EQ(Run({"pexpireat", "a", "4102444800500"}), "(integer) 1");
  EXPECT_EQ(Run({"expiretime", "a"}), "(integer) 4102444801");
  EXPECT_EQ(Run({"pexpiretime", "a"}), "(integer) 4102444800500");
  EXPECT_EQ(Run({"expireat", "a", "4102444800", "lt"}), "(integer) 1");
  EXPECT_EQ(Run({"expireat", "a", "4102444800", "lt"}), "(integer) 0");
  EXPECT_EQ(Run({"expireat", "a", "4102444800", "gt"}), "(integer) 0");
  EXPECT_EQ(Run({"pexpireat", "a", "4102444800001", "gt"}), "(integer) 1");
  EXPECT_EQ(Run({"pexpiretime", "a"}), "(integer) 4102444800001");
}

TEST_F(KeyTest, RelativeExpireIsFromNow) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  int64_t before = NowMs();
  EXPECT_EQ(Run({"pexpire", "a", "100000"}), "(integer) 1");
  int64_t after = NowMs();
  int64_t at = std::stoll(Run({"pexpiretime", "a"}).substr(10));
  EXPECT_GE(at, before + 100000);
  EXPECT_LE(at, after + 100000);
  int64_t pttl = std::stoll(Run({"pttl", "a"}).substr(10));
  EXPECT_GT(pttl, 99000);
  EXPECT_LE(pttl, 100000);
  EXPECT_EQ(Run({"expire", "a", "10"}), "(integer) 1");
  at = std::stoll(Run({"pexpiretime", "a"}).substr(10));
  EXPECT_GE(at, before + 10000);
  EXPECT_LE(at, NowMs() + 10000);
}

TEST_F(KeyTest, LazyExpiry) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  EXPECT_EQ(Run({"pexpire", "a", "5"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 1");
  SleepMs(20);
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "a"}), "(integer) -2");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "b", "1"}), "OK");
  EXPECT_EQ(Run({"pexpire", "b", "5"}), "(integer) 1");
  SleepMs(20);
  EXPECT_EQ(Run({"expire", "b", "100"}), "(integer) 0");
  EXPECT_EQ(Run({"persist", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "c", "1", "px", "5"}), "OK");
  SleepMs(20);
  EXPECT_EQ(Run({"del", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "d", "1", "px", "5"}), "OK");
  SleepMs(20);
  EXPECT_EQ(Run({"type", "d"}), "none");
  EXPECT_EQ(Run({"object", "encoding", "d"}), "(nil)");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 0");
}

TEST_F(KeyTest, ExpiryOnReplicaKeepsKeys) {
  EXPECT_EQ(Run({"set", "a", "1"}), "OK");
  Database::set_expiry_suspended(true);
  std::string r = Run({"pexpireat", "a", "1"});
  Database::set_expiry_suspended(false);
  EXPECT_EQ(r, "(integer) 1");
  EXPECT_EQ(Run({"dbsize"}), "(integer) 1");
  EXPECT_EQ(Run({"exists", "a"}), "(integer) 0");
}

// ---------------------------------------------------------------------------------------------
// PERSIST, TTL, PTTL, EXPIRETIME, PEXPIRETIME

TEST_F(KeyTest, Persist) {
  EXPECT_EQ(Run({"persist", "nokey"}), "(integer) 0");
  EXPECT_EQ(Run({"set", "b", "1"}), "OK");
  EXPECT_EQ(Run({"persist", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"expire", "b", "100"}), "(integer) 1");
  EXPECT_EQ(Run({"persist", "b"}), "(integer) 1");
  EXPECT_EQ(Run({"ttl", "b"}), "(integer) -1");
  EXPECT_EQ(Run({"persist", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"persist"}), "ERR wrong number of arguments for 'persist' command");
}

TEST_F(KeyTest, TtlReplies) {
  EXPECT_EQ(Run({"ttl", "nokey"}), "(integer) -2");
  EXPECT_EQ(Run({"pttl", "nokey"}), "(integer) -2");
  EXPECT_EQ(Run({"expiretime", "nokey"}), "(integer) -2");
  EXPECT_EQ(Run({"pexpiretime", "nokey"}), "(integer) -2");
  EXPECT_EQ(Run({"set", "b", "1"}), "OK");
  EXPECT_EQ(Run({"ttl", "b"}), "(integer) -1");
  EXPECT_EQ(Run({"pttl", "b"}), "(integer) -1");
  EXPECT_EQ(Run({"expiretime", "b"}), "(integer) -1");
  EXPECT_EQ(Run({"pexpiretime", "b"}), "(integer) -1");
  // TTL rounds to the nearest second.
  EXPECT_EQ(Run({"set", "c", "1", "px", "1400"}), "OK");
  EXPECT_EQ(Run({"ttl", "c"}), "(integer) 1");
  EXPECT_EQ(Run({"set", "c", "1", "px", "1600"}), "OK");
  EXPECT_EQ(Run({"ttl", "c"}), "(integer) 2");
  EXPECT_EQ(Run({"set", "c", "1", "px", "400"}), "OK");
  EXPECT_EQ(Run({"ttl", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"ttl"}), "ERR wrong number of arguments for 'ttl' command");
  EXPECT_EQ(Run({"pexpiretime", "a", "b"}),
            "ERR wrong number of arguments for 'pexpiretime' command");
}

// ---------------------------------------------------------------------------------------------
// WATCH and keyspace notifications

TEST_F(KeyTest, WritesInvalidateWatch) {
  struct Case {
    std::vector<std::string> setup, write;
  };
  std::vector<Case> cases = {
      {{"set", "w", "1"}, {"del", "w"}},
      {{"set", "w", "1"}, {"unlink", "w"}},
      {{"set", "w", "1"}, {"expire", "w", "100"}},
      {{"set", "w", "1"}, {"expire", "w", "-1"}},
      {{"set", "w", "1", "ex", "10"}, {"persist", "w"}},
      {{"set", "w", "1"}, {"rename", "w", "x"}},
      {{"set", "x", "1"}, {"rename", "x", "w"}},
      {{"set", "x", "1"}, {"copy", "x", "w"}},
      {{"set", "w", "1"}, {"move", "w", "1"}},
      {{"set", "w", "1"}, {"flushdb"}},
      {{"set", "w", "1"}, {"flushall"}},
  };
  for (const Case& c : cases) {
    Run({"flushall"});
    Run(c.setup);
    EXPECT_EQ(Run({"watch", "w"}), "OK");
    Run(c.write);
    EXPECT_EQ(Run({"multi"}), "OK");
    EXPECT_EQ(Run({"ping"}), "QUEUED");
    EXPECT_EQ(Run({"exec"}), "(nil)") << c.write[0];
  }
  // Failed or no-op writes leave the transaction alone.
  std::vector<Case> noops = {
      {{"set", "w", "1"}, {"expire", "w", "100", "xx"}},
      {{"set", "w", "1"}, {"persist", "w"}},
      {{"set", "w", "1"}, {"rename", "w", "w"}},
      {{"set", "w", "1"}, {"renamenx", "x", "w"}},
      {{"set", "w", "1"}, {"del", "x"}},
  };
  for (const Case& c : noops) {
    Run({"flushall"});
    Run(c.setup);
    EXPECT_EQ(Run({"watch", "w"}), "OK");
    Run(c.write);
    EXPECT_EQ(Run({"multi"}), "OK");
    EXPECT_EQ(Run({"ping"}), "QUEUED");
    EXPECT_EQ(Run({"exec"}), "[PONG]") << c.write[0];
  }
}

// The pub/sub messages a subscribed client received, one formatted reply each.
std::vector<std::string> Drain(Client* c) {
  std::vector<std::string> out;
  size_t pos = 0;
  const std::string& buf = c->output();
  while (pos < buf.size()) out.push_back(FormatResp(buf, &pos));
  c->output().clear();
  return out;
}

TEST_F(KeyTest, KeyspaceNotifications) {
  SetConfig("notify-keyspace-events", "Eg");
  Client* sub = server_->CreateFakeClient();
  RunAs(sub, {"psubscribe", "__keyevent@*"});
  sub->output().clear();
  Run({"mset", "a", "1", "b", "2"});
  Run({"del", "a", "zz"});
  Run({"rename", "b", "c"});
  Run({"renamenx", "c", "d"});
  Run({"copy", "d", "e", "db", "2"});
  Run({"move", "d", "3"});
  Run({"expire", "e", "100"});  // e is not in db 0: no event
  Run({"set", "f", "1"});
  Run({"expire", "f", "100"});
  Run({"persist", "f"});
  Run({"pexpireat", "f", "1"});
  EXPECT_EQ(Drain(sub), (std::vector<std::string>{
                            "[pmessage, __keyevent@*, __keyevent@0__:del, a]",
                            "[pmessage, __keyevent@*, __keyevent@0__:rename_from, b]",
                            "[pmessage, __keyevent@*, __keyevent@0__:rename_to, c]",
                            "[pmessage, __keyevent@*, __keyevent@0__:rename_from, c]",
                            "[pmessage, __keyevent@*, __keyevent@0__:rename_to, d]",
                            "[pmessage, __keyevent@*, __keyevent@2__:copy_to, e]",
                            "[pmessage, __keyevent@*, __keyevent@0__:move_from, d]",
                            "[pmessage, __keyevent@*, __keyevent@3__:move_to, d]",
                            "[pmessage, __keyevent@*, __keyevent@0__:expire, f]",
                            "[pmessage, __keyevent@*, __keyevent@0__:persist, f]",
                            "[pmessage, __keyevent@*, __keyevent@0__:del, f]",
                        }));
}

TEST_F(KeyTest, ExpiredNotificationFromLookups) {
  SetConfig("notify-keyspace-events", "Ex");
  Client* sub = server_->CreateFakeClient();
  RunAs(sub, {"psubscribe", "__keyevent@*"});
  sub->output().clear();
  Run({"set", "a", "1", "px", "1"});
  Run({"set", "b", "1", "px", "1"});
  SleepMs(5);
  Run({"scan", "0"});
  std::vector<std::string> got = Drain(sub);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "[pmessage, __keyevent@*, __keyevent@0__:expired, a]",
                     "[pmessage, __keyevent@*, __keyevent@0__:expired, b]",
                 }));
}

}  // namespace
}  // namespace memkeydb
