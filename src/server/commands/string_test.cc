// Tests of the string commands. Every expected reply was checked against redis-server 7.0.15.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ds/compact_value.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

constexpr const char* kNotFloat = "ERR value is not a valid float";
constexpr const char* kTooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// The fixture's helpers (Encoding, Pttl, MakeHash, WatchEvents, Events) live in CommandTest.
using StringTest = CommandTest;

using Ev = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// GET / SET

TEST_F(StringTest, GetSetBasics) {
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "v"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
  EXPECT_EQ(Run({"set", "k", ""}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "");
  EXPECT_EQ(Run({"set", "k", std::string(1000, 'x')}), "OK");
  EXPECT_EQ(Run({"get", "k"}), std::string(1000, 'x'));
  std::string binary("a\0b\r\nc", 6);
  EXPECT_EQ(Run({"set", "bin", binary}), "OK");
  EXPECT_EQ(Run({"get", "bin"}), binary);
  EXPECT_EQ(Run({"get"}), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(Run({"get", "a", "b"}), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(Run({"set", "k"}), "ERR wrong number of arguments for 'set' command");
}

TEST_F(StringTest, GetWrongType) {
  MakeHash("h");
  EXPECT_EQ(Run({"get", "h"}), kWrongType);
}

TEST_F(StringTest, SetReplacesAnyTypeAndClearsTtl) {
  MakeHash("h");
  EXPECT_EQ(Run({"set", "h", "v"}), "OK");
  EXPECT_EQ(Run({"get", "h"}), "v");
  EXPECT_EQ(Run({"set", "k", "v", "ex", "100"}), "OK");
  EXPECT_GT(Pttl("k"), 99000);
  EXPECT_EQ(Run({"set", "k", "v2"}), "OK");
  EXPECT_EQ(Pttl("k"), -1);
}

TEST_F(StringTest, SetKeepTtl) {
  EXPECT_EQ(Run({"set", "k", "v", "px", "100000"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v2", "keepttl"}), "OK");
  EXPECT_GT(Pttl("k"), 90000);
  EXPECT_EQ(Run({"get", "k"}), "v2");
  EXPECT_EQ(Run({"set", "k", "v3", "KEEPTTL", "keepttl"}), "OK");
  EXPECT_GT(Pttl("k"), 90000);
  // KEEPTTL on a key without TTL keeps none.
  EXPECT_EQ(Run({"set", "n", "v", "keepttl"}), "OK");
  EXPECT_EQ(Pttl("n"), -1);
}

TEST_F(StringTest, SetExpireOptions) {
  int64_t now = NowMs();
  EXPECT_EQ(Run({"set", "a", "v", "ex", "10"}), "OK");
  EXPECT_NEAR(Pttl("a"), 10000, 1000);
  EXPECT_EQ(Run({"set", "b", "v", "PX", "5000"}), "OK");
  EXPECT_NEAR(Pttl("b"), 5000, 1000);
  std::string at_s = std::to_string(now / 1000 + 100);
  EXPECT_EQ(Run({"set", "c", "v", "exat", at_s}), "OK");
  EXPECT_EQ(Find("c")->expire_at(), (now / 1000 + 100) * 1000);
  std::string at_ms = std::to_string(now + 50000);
  EXPECT_EQ(Run({"set", "d", "v", "pxat", at_ms}), "OK");
  EXPECT_EQ(Find("d")->expire_at(), now + 50000);
  // A repeated expire option takes the last value.
  EXPECT_EQ(Run({"set", "e", "v", "ex", "10", "ex", "20"}), "OK");
  EXPECT_NEAR(Pttl("e"), 20000, 1000);
  // Only the last value is parsed.
  EXPECT_EQ(Run({"set", "f", "v", "ex", "abc", "ex", "10"}), "OK");
  EXPECT_NEAR(Pttl("f"), 10000, 1000);
  EXPECT_EQ(Run({"set", "f", "v", "ex", "10", "ex", "abc"}), kNotInt);
}

TEST_F(StringTest, SetExpireErrors) {
  const char* kInvalid = "ERR invalid expire time in 'set' command";
  EXPECT_EQ(Run({"set", "k", "v", "ex"}), kSyntax);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "0"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "-1"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "px", "0"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "exat", "0"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "pxat", "-5"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "abc"}), kNotInt);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "1.5"}), kNotInt);
  EXPECT_EQ(Run({"set", "k", "v", "ex", " 10"}), kNotInt);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "010"}), kNotInt);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "9223372036854775808"}), kNotInt);
  // EX * 1000 overflows, or overflows once now is added.
  EXPECT_EQ(Run({"set", "k", "v", "ex", "9223372036854776"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "ex", "9223372036854775"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "px", "9223372036854775807"}), kInvalid);
  EXPECT_EQ(Run({"set", "k", "v", "exat", "9223372036854776"}), kInvalid);
  // Absolute times that fit are fine, however far away.
  EXPECT_EQ(Run({"set", "k", "v", "exat", "9223372036854775"}), "OK");
  EXPECT_EQ(Find("k")->expire_at(), 9223372036854775000);
  EXPECT_EQ(Run({"set", "k", "v", "pxat", "9223372036854775807"}), "OK");
  EXPECT_EQ(Find("k")->expire_at(), INT64_MAX);
  // Errors leave the key alone.
  EXPECT_EQ(Run({"set", "z", "v", "ex", "0"}), kInvalid);
  EXPECT_FALSE(Exists("z"));
}

TEST_F(StringTest, SetSyntaxErrors) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"nx", "xx"},
           {"xx", "nx"},
           {"get", "nx", "xx"},
           {"ex", "10", "px", "10"},
           {"px", "10", "pxat", "10"},
           {"exat", "10", "ex", "10"},
           {"pxat", "10", "exat", "10"},
           {"ex", "10", "keepttl"},
           {"keepttl", "ex", "10"},
           {"persist"},
           {"foo"},
           {"ex", "10", "foo"},
           {"ex", "abc", "foo"},
           {"px"},
       }) {
    std::vector<std::string> cmd = {"set", "k", "v"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    EXPECT_EQ(Run(cmd), kSyntax) << args[0];
  }
  EXPECT_FALSE(Exists("k"));
  // Repeating a compatible flag is fine.
  EXPECT_EQ(Run({"set", "k", "v", "nx", "nx"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v", "xx", "XX"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v", "get", "get"}), "v");
}

TEST_F(StringTest, SetNxXx) {
  EXPECT_EQ(Run({"set", "k", "v", "xx"}), "(nil)");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(Run({"set", "k", "v", "nx"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v2", "nx"}), "(nil)");
  EXPECT_EQ(Run({"get", "k"}), "v");
  EXPECT_EQ(Run({"set", "k", "v3", "xx"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v3");
  // A failed NX leaves the TTL alone.
  EXPECT_EQ(Run({"set", "t", "v", "ex", "100"}), "OK");
  EXPECT_EQ(Run({"set", "t", "v", "nx"}), "(nil)");
  EXPECT_GT(Pttl("t"), 0);
  // NX and XX apply to keys of any type.
  MakeHash("h");
  EXPECT_EQ(Run({"set", "h", "v", "nx"}), "(nil)");
  EXPECT_EQ(Run({"set", "h", "v", "xx"}), "OK");
  EXPECT_EQ(Run({"get", "h"}), "v");
}

TEST_F(StringTest, SetGet) {
  EXPECT_EQ(Run({"set", "k", "v", "get"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "v2", "get"}), "v");
  EXPECT_EQ(Run({"set", "k", "v3", "GET", "ex", "10"}), "v2");
  EXPECT_GT(Pttl("k"), 0);
  // With NX: the old value comes back and nothing is written.
  EXPECT_EQ(Run({"set", "k", "v4", "nx", "get"}), "v3");
  EXPECT_EQ(Run({"get", "k"}), "v3");
  EXPECT_EQ(Run({"set", "k2", "x", "nx", "get"}), "(nil)");
  EXPECT_EQ(Run({"get", "k2"}), "x");
  EXPECT_EQ(Run({"set", "k3", "x", "xx", "get"}), "(nil)");
  EXPECT_FALSE(Exists("k3"));
  // An integer value comes back as its digits.
  EXPECT_EQ(Run({"set", "n", "42"}), "OK");
  EXPECT_EQ(Run({"set", "n", "x", "get"}), "42");
}

TEST_F(StringTest, SetGetWrongType) {
  MakeHash("h");
  EXPECT_EQ(Run({"set", "h", "v", "get"}), kWrongType);
  EXPECT_EQ(Run({"set", "h", "v", "nx", "get"}), kWrongType);
  EXPECT_EQ(Run({"set", "h", "v", "xx", "get"}), kWrongType);
  EXPECT_EQ(Run({"get", "h"}), kWrongType);  // untouched
  // The expire value is checked before the type.
  EXPECT_EQ(Run({"set", "h", "v", "ex", "0", "get"}), "ERR invalid expire time in 'set' command");
}

TEST_F(StringTest, SetExpireInThePast) {
  WatchEvents();
  // Redis 7.0 stores the key with the past time; the next lookup expires it.
  EXPECT_EQ(Run({"set", "k", "v", "exat", "1"}), "OK");
  EXPECT_EQ(Events(), (Ev{"set:k", "expire:k"}));
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Events(), (Ev{"expired:k"}));
  EXPECT_EQ(Run({"set", "k", "v", "pxat", "1"}), "OK");
  EXPECT_FALSE(Exists("k"));
}

TEST_F(StringTest, SetEncodings) {
  Run({"set", "k", "123"});
  EXPECT_EQ(Encoding("k"), "int");
  Run({"set", "k", "-9223372036854775808"});
  EXPECT_EQ(Encoding("k"), "int");
  Run({"set", "k", "9223372036854775808"});
  EXPECT_EQ(Encoding("k"), "embstr");
  Run({"set", "k", "01"});
  EXPECT_EQ(Encoding("k"), "embstr");
  Run({"set", "k", "-0"});
  EXPECT_EQ(Encoding("k"), "embstr");
  Run({"set", "k", "abc"});
  EXPECT_EQ(Encoding("k"), "embstr");
  Run({"set", "k", std::string(44, 'a')});
  EXPECT_EQ(Encoding("k"), "embstr");
  Run({"set", "k", std::string(45, 'a')});
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_EQ(Run({"get", "k"}), std::string(45, 'a'));
}

TEST_F(StringTest, SetNotifications) {
  WatchEvents();
  Run({"set", "k", "v"});
  EXPECT_EQ(Events(), (Ev{"set:k"}));
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Events(), (Ev{"set:k", "expire:k"}));
  Run({"set", "k", "v", "nx"});
  EXPECT_EQ(Events(), Ev{});
  Run({"set", "k", "v", "ex", "0"});
  EXPECT_EQ(Events(), Ev{});
}

TEST_F(StringTest, SetDirtyAndWatch) {
  int64_t dirty = server_->dirty;
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(server_->dirty, dirty + 1);
  Run({"set", "k", "v", "nx"});
  EXPECT_EQ(server_->dirty, dirty + 1);
  // A SET by another client breaks this client's WATCH.
  Client* other = server_->CreateFakeClient();
  EXPECT_EQ(Run({"watch", "k"}), "OK");
  RunAs(other, {"set", "k", "x"});
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "QUEUED");
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

// ---------------------------------------------------------------------------------------------
// SETNX / SETEX / PSETEX / GETSET / GETDEL

TEST_F(StringTest, SetNx) {
  EXPECT_EQ(Run({"setnx", "k", "v"}), "(integer) 1");
  EXPECT_EQ(Run({"setnx", "k", "v2"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "k"}), "v");
  MakeHash("h");
  EXPECT_EQ(Run({"setnx", "h", "v"}), "(integer) 0");
  EXPECT_EQ(Run({"setnx", "k"}), "ERR wrong number of arguments for 'setnx' command");
  WatchEvents();
  Run({"setnx", "n", "1"});
  Run({"setnx", "n", "1"});
  EXPECT_EQ(Events(), (Ev{"set:n"}));
}

TEST_F(StringTest, SetExPSetEx) {
  EXPECT_EQ(Run({"setex", "k", "10", "v"}), "OK");
  EXPECT_NEAR(Pttl("k"), 10000, 1000);
  EXPECT_EQ(Run({"get", "k"}), "v");
  EXPECT_EQ(Run({"psetex", "p", "5000", "v"}), "OK");
  EXPECT_NEAR(Pttl("p"), 5000, 1000);
  MakeHash("h");
  EXPECT_EQ(Run({"setex", "h", "10", "v"}), "OK");
  EXPECT_EQ(Run({"get", "h"}), "v");

  EXPECT_EQ(Run({"setex", "x", "0", "v"}), "ERR invalid expire time in 'setex' command");
  EXPECT_EQ(Run({"setex", "x", "-1", "v"}), "ERR invalid expire time in 'setex' command");
  EXPECT_EQ(Run({"setex", "x", "9223372036854775", "v"}),
            "ERR invalid expire time in 'setex' command");
  EXPECT_EQ(Run({"setex", "x", "abc", "v"}), kNotInt);
  EXPECT_EQ(Run({"psetex", "x", "0", "v"}), "ERR invalid expire time in 'psetex' command");
  EXPECT_EQ(Run({"psetex", "x", "9223372036854775807", "v"}),
            "ERR invalid expire time in 'psetex' command");
  EXPECT_EQ(Run({"psetex", "x", "1x", "v"}), kNotInt);
  EXPECT_FALSE(Exists("x"));
  EXPECT_EQ(Run({"setex", "x", "10"}), "ERR wrong number of arguments for 'setex' command");
  WatchEvents();
  Run({"setex", "k", "10", "v"});
  Run({"psetex", "k", "10", "v"});
  EXPECT_EQ(Events(), (Ev{"set:k", "expire:k", "set:k", "expire:k"}));
}

TEST_F(StringTest, GetSet) {
  EXPECT_EQ(Run({"getset", "k", "v"}), "(nil)");
  EXPECT_EQ(Run({"getset", "k", "v2"}), "v");
  EXPECT_EQ(Run({"get", "k"}), "v2");
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Run({"getset", "k", "x"}), "v");
  EXPECT_EQ(Pttl("k"), -1);
  MakeHash("h");
  EXPECT_EQ(Run({"getset", "h", "x"}), kWrongType);
  EXPECT_EQ(Run({"get", "h"}), kWrongType);
  WatchEvents();
  Run({"getset", "k", "y"});
  EXPECT_EQ(Events(), (Ev{"set:k"}));
}

TEST_F(StringTest, GetDel) {
  EXPECT_EQ(Run({"getdel", "k"}), "(nil)");
  Run({"set", "k", "v"});
  WatchEvents();
  EXPECT_EQ(Run({"getdel", "k"}), "v");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(Events(), (Ev{"del:k"}));
  Run({"set", "n", "12"});
  EXPECT_EQ(Run({"getdel", "n"}), "12");
  MakeHash("h");
  EXPECT_EQ(Run({"getdel", "h"}), kWrongType);
  EXPECT_TRUE(Exists("h"));
  EXPECT_EQ(Run({"getdel"}), "ERR wrong number of arguments for 'getdel' command");
}

// ---------------------------------------------------------------------------------------------
// GETEX

TEST_F(StringTest, GetExBasics) {
  EXPECT_EQ(Run({"getex", "k"}), "(nil)");
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"getex", "k"}), "v");
  EXPECT_EQ(Pttl("k"), -1);
  EXPECT_EQ(Run({"getex", "k", "ex", "10"}), "v");
  EXPECT_NEAR(Pttl("k"), 10000, 1000);
  EXPECT_EQ(Run({"getex", "k", "px", "5000"}), "v");
  EXPECT_NEAR(Pttl("k"), 5000, 1000);
  int64_t now = NowMs();
  EXPECT_EQ(Run({"getex", "k", "pxat", std::to_string(now + 70000)}), "v");
  EXPECT_EQ(Find("k")->expire_at(), now + 70000);
  EXPECT_EQ(Run({"getex", "k", "exat", std::to_string(now / 1000 + 80)}), "v");
  EXPECT_EQ(Find("k")->expire_at(), (now / 1000 + 80) * 1000);
  EXPECT_EQ(Run({"getex", "k", "persist"}), "v");
  EXPECT_EQ(Pttl("k"), -1);
  EXPECT_EQ(Run({"getex", "k", "persist", "PERSIST"}), "v");
  EXPECT_EQ(Run({"getex", "k", "ex", "10", "ex", "20"}), "v");
  EXPECT_NEAR(Pttl("k"), 20000, 1000);
  EXPECT_EQ(Run({"getex", "k", "pxat", "9223372036854775807"}), "v");
  EXPECT_EQ(Find("k")->expire_at(), INT64_MAX);
  // GETEX keeps an int an int.
  Run({"set", "n", "123"});
  EXPECT_EQ(Run({"getex", "n", "persist"}), "123");
  EXPECT_EQ(Encoding("n"), "int");
}

TEST_F(StringTest, GetExErrors) {
  const char* kInvalid = "ERR invalid expire time in 'getex' command";
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"getex", "k", "ex"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "ex", "0"}), kInvalid);
  EXPECT_EQ(Run({"getex", "k", "ex", "-5"}), kInvalid);
  EXPECT_EQ(Run({"getex", "k", "px", "abc"}), kNotInt);
  EXPECT_EQ(Run({"getex", "k", "ex", "10", "px", "10"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "persist", "ex", "10"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "ex", "10", "persist"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "keepttl"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "nx"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "xx"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "get"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "foo"}), kSyntax);
  EXPECT_EQ(Run({"getex", "k", "exat", "9223372036854776"}), kInvalid);
  EXPECT_EQ(Run({"getex", "k", "ex", "9223372036854775"}), kInvalid);
  EXPECT_EQ(Run({"getex", "k", "px", "9223372036854775807"}), kInvalid);
  EXPECT_EQ(Pttl("k"), -1);
  // A missing key answers nil before its expire value is looked at; syntax comes first.
  EXPECT_EQ(Run({"getex", "missing", "ex", "0"}), "(nil)");
  EXPECT_EQ(Run({"getex", "missing", "ex", "abc"}), "(nil)");
  EXPECT_EQ(Run({"getex", "missing", "foo"}), kSyntax);
  MakeHash("h");
  EXPECT_EQ(Run({"getex", "h"}), kWrongType);
  EXPECT_EQ(Run({"getex", "h", "ex", "0"}), kWrongType);
  EXPECT_EQ(Run({"getex", "h", "foo"}), kSyntax);
  EXPECT_EQ(Run({"getex"}), "ERR wrong number of arguments for 'getex' command");
}

TEST_F(StringTest, GetExNotifications) {
  Run({"set", "k", "v"});
  WatchEvents();
  Run({"getex", "k"});
  Run({"getex", "k", "persist"});  // no TTL to remove: nothing happens
  EXPECT_EQ(Events(), Ev{});
  int64_t dirty = server_->dirty;
  Run({"getex", "k", "ex", "100"});
  EXPECT_EQ(Events(), (Ev{"expire:k"}));
  Run({"getex", "k", "persist"});
  EXPECT_EQ(Events(), (Ev{"persist:k"}));
  EXPECT_EQ(server_->dirty, dirty + 2);
  // A time already past deletes the key at once.
  EXPECT_EQ(Run({"getex", "k", "exat", "1"}), "v");
  EXPECT_EQ(Events(), (Ev{"del:k"}));
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(Find("k"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// MGET / MSET / MSETNX

TEST_F(StringTest, MGet) {
  Run({"set", "a", "1"});
  Run({"set", "b", "two"});
  MakeHash("h");
  EXPECT_EQ(Run({"mget", "a", "h", "missing", "b"}), "[1, (nil), (nil), two]");
  EXPECT_EQ(Run({"mget", "a"}), "[1]");
  EXPECT_EQ(Run({"mget"}), "ERR wrong number of arguments for 'mget' command");
}

TEST_F(StringTest, MSet) {
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(Run({"mget", "a", "b"}), "[1, 2]");
  EXPECT_EQ(Run({"mset", "a", "1", "a", "2"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "2");
  EXPECT_EQ(Run({"mset", "a"}), "ERR wrong number of arguments for 'mset' command");
  EXPECT_EQ(Run({"mset", "a", "1", "b"}), "ERR wrong number of arguments for 'mset' command");
  MakeHash("h");
  Run({"set", "t", "v", "ex", "100"});
  EXPECT_EQ(Run({"mset", "h", "v", "t", "w"}), "OK");
  EXPECT_EQ(Run({"get", "h"}), "v");
  EXPECT_EQ(Pttl("t"), -1);
  WatchEvents();
  int64_t dirty = server_->dirty;
  Run({"mset", "x", "1", "y", "2"});
  EXPECT_EQ(Events(), (Ev{"set:x", "set:y"}));
  EXPECT_EQ(server_->dirty, dirty + 2);
}

TEST_F(StringTest, MSetNx) {
  EXPECT_EQ(Run({"msetnx", "a", "1", "b", "2"}), "(integer) 1");
  EXPECT_EQ(Run({"msetnx", "x", "1", "a", "2"}), "(integer) 0");
  EXPECT_FALSE(Exists("x"));
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"msetnx", "y", "1", "y", "2"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "y"}), "2");
  MakeHash("h");
  EXPECT_EQ(Run({"msetnx", "h", "v", "z", "1"}), "(integer) 0");
  EXPECT_FALSE(Exists("z"));
  EXPECT_EQ(Run({"msetnx", "a", "1", "b"}), "ERR wrong number of arguments for 'msetnx' command");
}

// ---------------------------------------------------------------------------------------------
// APPEND / STRLEN

TEST_F(StringTest, Append) {
  EXPECT_EQ(Run({"append", "k", "hello"}), "(integer) 5");
  EXPECT_EQ(Encoding("k"), "embstr");
  EXPECT_EQ(Run({"append", "k", " world"}), "(integer) 11");
  EXPECT_EQ(Run({"get", "k"}), "hello world");
  EXPECT_EQ(Encoding("k"), "raw");
  // A new key is stored as SET would store it.
  EXPECT_EQ(Run({"append", "n", "123"}), "(integer) 3");
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_EQ(Run({"append", "n", "4"}), "(integer) 4");
  EXPECT_EQ(Run({"get", "n"}), "1234");
  EXPECT_EQ(Encoding("n"), "raw");
  // Appending nothing still unshares an int, and still creates a missing key.
  Run({"set", "i", "123"});
  EXPECT_EQ(Run({"append", "i", ""}), "(integer) 3");
  EXPECT_EQ(Encoding("i"), "raw");
  EXPECT_EQ(Run({"append", "e", ""}), "(integer) 0");
  EXPECT_TRUE(Exists("e"));
  EXPECT_EQ(Encoding("e"), "embstr");
  // TTL is kept.
  Run({"set", "t", "v", "ex", "100"});
  Run({"append", "t", "w"});
  EXPECT_GT(Pttl("t"), 0);
  MakeHash("h");
  EXPECT_EQ(Run({"append", "h", "x"}), kWrongType);
  EXPECT_EQ(Run({"append", "k"}), "ERR wrong number of arguments for 'append' command");
}

TEST_F(StringTest, AppendManyTimes) {
  std::string expect;
  for (int i = 0; i < 2000; ++i) {
    std::string piece = std::to_string(i) + ",";
    expect += piece;
    ASSERT_EQ(Run({"append", "k", piece}), "(integer) " + std::to_string(expect.size()));
  }
  EXPECT_EQ(Run({"get", "k"}), expect);
}

TEST_F(StringTest, AppendSizeLimit) {
  server_->config().proto_max_bulk_len = 10;
  EXPECT_EQ(Run({"append", "k", "12345"}), "(integer) 5");
  EXPECT_EQ(Run({"append", "k", "67890"}), "(integer) 10");
  EXPECT_EQ(Run({"append", "k", "x"}), kTooBig);
  EXPECT_EQ(Run({"get", "k"}), "1234567890");
}

TEST_F(StringTest, AppendNotifications) {
  WatchEvents();
  Run({"append", "k", "a"});
  Run({"append", "k", "b"});
  EXPECT_EQ(Events(), (Ev{"append:k", "append:k"}));
}

TEST_F(StringTest, StrLen) {
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) 0");
  Run({"set", "k", "hello"});
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) 5");
  Run({"set", "n", "-12345"});
  EXPECT_EQ(Run({"strlen", "n"}), "(integer) 6");
  Run({"set", "b", std::string(100, 'x')});
  EXPECT_EQ(Run({"strlen", "b"}), "(integer) 100");
  MakeHash("h");
  EXPECT_EQ(Run({"strlen", "h"}), kWrongType);
}

// ---------------------------------------------------------------------------------------------
// GETRANGE / SUBSTR / SETRANGE

TEST_F(StringTest, GetRange) {
  Run({"set", "s", "Hello"});
  EXPECT_EQ(Run({"getrange", "s", "0", "0"}), "H");
  EXPECT_EQ(Run({"getrange", "s", "0", "-1"}), "Hello");
  EXPECT_EQ(Run({"getrange", "s", "-3", "-1"}), "llo");
  EXPECT_EQ(Run({"getrange", "s", "3", "1"}), "");
  EXPECT_EQ(Run({"getrange", "s", "-100", "-50"}), "H");
  EXPECT_EQ(Run({"getrange", "s", "-50", "-100"}), "");
  EXPECT_EQ(Run({"getrange", "s", "10", "20"}), "");
  EXPECT_EQ(Run({"getrange", "s", "4", "100"}), "o");
  EXPECT_EQ(Run({"getrange", "s", "-1", "-5"}), "");
  EXPECT_EQ(Run({"getrange", "s", "0", "9223372036854775807"}), "Hello");
  EXPECT_EQ(Run({"getrange", "s", "-9223372036854775808", "-1"}), "Hello");
  EXPECT_EQ(Run({"substr", "s", "1", "3"}), "ell");
  Run({"set", "n", "12345"});
  EXPECT_EQ(Run({"getrange", "n", "1", "2"}), "23");
  Run({"set", "e", ""});
  EXPECT_EQ(Run({"getrange", "e", "0", "-1"}), "");
  EXPECT_EQ(Run({"getrange", "e", "0", "0"}), "");
  EXPECT_EQ(Run({"getrange", "missing", "0", "-1"}), "");
}

TEST_F(StringTest, GetRangeErrors) {
  Run({"set", "s", "Hello"});
  EXPECT_EQ(Run({"getrange", "s", "abc", "1"}), kNotInt);
  EXPECT_EQ(Run({"getrange", "s", "0", "abc"}), kNotInt);
  MakeHash("h");
  EXPECT_EQ(Run({"getrange", "h", "0", "-1"}), kWrongType);
  // The range is parsed before the key is looked at.
  EXPECT_EQ(Run({"getrange", "h", "a", "b"}), kNotInt);
  EXPECT_EQ(Run({"substr", "s", "0"}), "ERR wrong number of arguments for 'substr' command");
  EXPECT_EQ(Run({"getrange", "s", "0"}), "ERR wrong number of arguments for 'getrange' command");
}

TEST_F(StringTest, SetRange) {
  EXPECT_EQ(Run({"setrange", "k", "0", "abc"}), "(integer) 3");
  EXPECT_EQ(Encoding("k"), "raw");
  Run({"set", "s", "hello"});
  EXPECT_EQ(Run({"setrange", "s", "1", "EL"}), "(integer) 5");
  EXPECT_EQ(Run({"get", "s"}), "hELlo");
  EXPECT_EQ(Run({"setrange", "s", "10", "x"}), "(integer) 11");
  EXPECT_EQ(Run({"get", "s"}), std::string("hELlo\0\0\0\0\0x", 11));
  EXPECT_EQ(Encoding("s"), "raw");
  EXPECT_EQ(Run({"setrange", "p", "3", "x"}), "(integer) 4");
  EXPECT_EQ(Run({"get", "p"}), std::string("\0\0\0x", 4));
  // An int is edited through its digits and becomes raw; INCR makes it an int again.
  Run({"set", "n", "10"});
  EXPECT_EQ(Run({"setrange", "n", "0", "2"}), "(integer) 2");
  EXPECT_EQ(Encoding("n"), "raw");
  EXPECT_EQ(Run({"incr", "n"}), "(integer) 21");
  EXPECT_EQ(Encoding("n"), "int");
  // The TTL is kept.
  Run({"set", "t", "v", "ex", "100"});
  Run({"setrange", "t", "0", "w"});
  EXPECT_GT(Pttl("t"), 0);
}

TEST_F(StringTest, SetRangeEmptyValue) {
  // Writing nothing creates nothing and never hits the size limit.
  EXPECT_EQ(Run({"setrange", "k", "5", ""}), "(integer) 0");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(Run({"setrange", "k", "536870912", ""}), "(integer) 0");
  Run({"set", "s", "hello"});
  EXPECT_EQ(Run({"setrange", "s", "536870912", ""}), "(integer) 5");
  EXPECT_EQ(Run({"setrange", "s", "1", ""}), "(integer) 5");
  // ...and leaves an int alone.
  Run({"set", "n", "123"});
  EXPECT_EQ(Run({"setrange", "n", "0", ""}), "(integer) 3");
  EXPECT_EQ(Encoding("n"), "int");
}

TEST_F(StringTest, SetRangeErrors) {
  EXPECT_EQ(Run({"setrange", "k", "-1", "a"}), "ERR offset is out of range");
  EXPECT_EQ(Run({"setrange", "k", "-1", ""}), "ERR offset is out of range");
  EXPECT_EQ(Run({"setrange", "k", "abc", "a"}), kNotInt);
  EXPECT_EQ(Run({"setrange", "k", "536870912", "a"}), kTooBig);
  EXPECT_FALSE(Exists("k"));
  Run({"set", "s", "hello"});
  EXPECT_EQ(Run({"setrange", "s", "536870911", "ab"}), kTooBig);
  EXPECT_EQ(Run({"get", "s"}), "hello");
  MakeHash("h");
  EXPECT_EQ(Run({"setrange", "h", "0", "a"}), kWrongType);
  EXPECT_EQ(Run({"setrange", "h", "0", ""}), kWrongType);
  EXPECT_EQ(Run({"setrange", "h", "536870912", "a"}), kWrongType);
  EXPECT_EQ(Run({"setrange", "h", "-1", "a"}), "ERR offset is out of range");
}

TEST_F(StringTest, SetRangeLimitFollowsConfig) {
  server_->config().proto_max_bulk_len = 100;
  EXPECT_EQ(Run({"setrange", "k", "99", "a"}), "(integer) 100");
  EXPECT_EQ(Run({"setrange", "k", "99", "ab"}), kTooBig);
  EXPECT_EQ(Run({"setrange", "j", "100", "a"}), kTooBig);
}

TEST_F(StringTest, SetRangeNotifications) {
  WatchEvents();
  Run({"setrange", "k", "0", "a"});
  Run({"setrange", "k", "0", ""});
  EXPECT_EQ(Events(), (Ev{"setrange:k"}));
}

// ---------------------------------------------------------------------------------------------
// INCR / DECR / INCRBY / DECRBY

TEST_F(StringTest, IncrDecr) {
  EXPECT_EQ(Run({"incr", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"incr", "a"}), "(integer) 2");
  EXPECT_EQ(Run({"decr", "b"}), "(integer) -1");
  EXPECT_EQ(Run({"incrby", "c", "-5"}), "(integer) -5");
  EXPECT_EQ(Run({"incrby", "c", "100"}), "(integer) 95");
  EXPECT_EQ(Run({"decrby", "c", "100"}), "(integer) -5");
  EXPECT_EQ(Run({"decrby", "c", "-10"}), "(integer) 5");
  EXPECT_EQ(Run({"get", "c"}), "5");
  EXPECT_EQ(Encoding("c"), "int");
  // A string holding an integer counts too, and becomes an int.
  Run({"set", "s", std::string("12")});
  Run({"append", "s", "3"});
  EXPECT_EQ(Encoding("s"), "raw");
  EXPECT_EQ(Run({"incr", "s"}), "(integer) 124");
  EXPECT_EQ(Encoding("s"), "int");
}

TEST_F(StringTest, IncrKeepsTtl) {
  Run({"set", "k", "5", "ex", "100"});
  EXPECT_EQ(Run({"incr", "k"}), "(integer) 6");
  EXPECT_GT(Pttl("k"), 0);
}

TEST_F(StringTest, IncrErrors) {
  for (const char* bad :
       {" 1", "1 ", "1.0", "abc", "", "01", "+1", "-0", "9223372036854775808", "1e3"}) {
    Run({"set", "k", bad});
    EXPECT_EQ(Run({"incr", "k"}), kNotInt) << bad;
    EXPECT_EQ(Run({"get", "k"}), bad);
  }
  Run({"set", "k", "9223372036854775807"});
  EXPECT_EQ(Run({"incr", "k"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"incrby", "k", "1"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"get", "k"}), "9223372036854775807");
  Run({"set", "k", "-9223372036854775808"});
  EXPECT_EQ(Run({"decr", "k"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"decrby", "k", "-9223372036854775808"}), "ERR decrement would overflow");
  Run({"set", "k", "0"});
  EXPECT_EQ(Run({"decrby", "k", "-9223372036854775808"}), "ERR decrement would overflow");
  EXPECT_EQ(Run({"decrby", "k", "9223372036854775807"}), "(integer) -9223372036854775807");
  EXPECT_EQ(Run({"decrby", "k", "2"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"incrby", "k", "-9223372036854775808"}),
            "ERR increment or decrement would overflow");
  EXPECT_EQ(Run({"incrby", "k", "abc"}), kNotInt);
  EXPECT_EQ(Run({"incrby", "k", ""}), kNotInt);
  EXPECT_EQ(Run({"decrby", "k", "1.5"}), kNotInt);
  MakeHash("h");
  EXPECT_EQ(Run({"incr", "h"}), kWrongType);
  EXPECT_EQ(Run({"decr", "h"}), kWrongType);
  EXPECT_EQ(Run({"incrby", "h", "1"}), kWrongType);
  // The increment is parsed before the key is looked at.
  EXPECT_EQ(Run({"incrby", "h", "x"}), kNotInt);
  EXPECT_EQ(Run({"incr"}), "ERR wrong number of arguments for 'incr' command");
  EXPECT_EQ(Run({"incrby", "k"}), "ERR wrong number of arguments for 'incrby' command");
}

TEST_F(StringTest, IncrNotifications) {
  WatchEvents();
  Run({"incr", "k"});
  Run({"decrby", "k", "3"});
  Run({"incrby", "k", "x"});
  EXPECT_EQ(Events(), (Ev{"incrby:k", "incrby:k"}));
}

TEST_F(StringTest, IncrRandomized) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  int64_t expect = 0;
  for (int i = 0; i < 500; ++i) {
    int64_t by = static_cast<int64_t>(rng() % 2000001) - 1000000;
    expect += by;
    ASSERT_EQ(Run({"incrby", "k", std::to_string(by)}), "(integer) " + std::to_string(expect));
  }
  EXPECT_EQ(Run({"get", "k"}), std::to_string(expect));
}

// ---------------------------------------------------------------------------------------------
// INCRBYFLOAT

TEST_F(StringTest, IncrByFloat) {
  EXPECT_EQ(Run({"incrbyfloat", "f", "1.5"}), "1.5");
  EXPECT_EQ(Run({"get", "f"}), "1.5");
  Run({"set", "f", "10.5"});
  EXPECT_EQ(Run({"incrbyfloat", "f", "0.1"}), "10.6");
  EXPECT_EQ(Run({"incrbyfloat", "f", "5000"}), "5010.60000000000000009");
  EXPECT_EQ(Run({"incrbyfloat", "f", "-5010.6"}), "0");
  Run({"set", "f", "3e5"});
  EXPECT_EQ(Run({"incrbyfloat", "f", "0"}), "300000");
  EXPECT_EQ(Run({"incrbyfloat", "f", "0x10"}), "300016");
  EXPECT_EQ(Run({"incrbyfloat", "f", "+1"}), "300017");
  EXPECT_EQ(Run({"incrbyfloat", "f", ".5"}), "300017.5");
  Run({"set", "f", "1e2"});
  EXPECT_EQ(Run({"incrbyfloat", "f", "1"}), "101");
  Run({"set", "g", "5"});
  EXPECT_EQ(Run({"incrbyfloat", "g", "-5"}), "0");
  EXPECT_EQ(Run({"incrbyfloat", "g", "-0.0"}), "0");
  EXPECT_EQ(Run({"incrbyfloat", "h", "1e-400"}), "0");
  EXPECT_EQ(Run({"incrbyfloat", "i", "1e20"}), "100000000000000000000");
  EXPECT_EQ(Run({"get", "i"}), "100000000000000000000");
  // Long double range is wider than double's.
  Run({"set", "f", "1.7976931348623157e308"});
  std::string doubled = Run({"incrbyfloat", "f", "1.7976931348623157e308"});
  EXPECT_EQ(doubled.substr(0, 20), "35953862697246313999");
  EXPECT_EQ(doubled.size(), 309u);
  EXPECT_EQ(Run({"get", "f"}), doubled);
}

TEST_F(StringTest, IncrByFloatKeepsTtl) {
  Run({"set", "k", "1", "ex", "100"});
  EXPECT_EQ(Run({"incrbyfloat", "k", "0.5"}), "1.5");
  EXPECT_GT(Pttl("k"), 0);
}

TEST_F(StringTest, IncrByFloatErrors) {
  EXPECT_EQ(Run({"incrbyfloat", "missing", "abc"}), kNotFloat);
  EXPECT_FALSE(Exists("missing"));
  Run({"set", "f", "1"});
  for (const char* bad : {"abc", " 1", "1 ", "nan", "", "1e"}) {
    EXPECT_EQ(Run({"incrbyfloat", "f", bad}), kNotFloat) << bad;
  }
  EXPECT_EQ(Run({"incrbyfloat", "f", "inf"}), "ERR increment would produce NaN or Infinity");
  EXPECT_EQ(Run({"incrbyfloat", "f", "-inf"}), "ERR increment would produce NaN or Infinity");
  EXPECT_EQ(Run({"get", "f"}), "1");
  for (const char* bad : {"abc", "1 ", " 1", ""}) {
    Run({"set", "f", bad});
    EXPECT_EQ(Run({"incrbyfloat", "f", "1"}), kNotFloat) << bad;
  }
  MakeHash("h");
  EXPECT_EQ(Run({"incrbyfloat", "h", "1"}), kWrongType);
  EXPECT_EQ(Run({"incrbyfloat", "h", "x"}), kWrongType);
  EXPECT_EQ(Run({"incrbyfloat", "f"}), "ERR wrong number of arguments for 'incrbyfloat' command");
}

TEST_F(StringTest, IncrByFloatNotifications) {
  WatchEvents();
  Run({"incrbyfloat", "k", "1.5"});
  Run({"incrbyfloat", "k", "inf"});
  EXPECT_EQ(Events(), (Ev{"incrbyfloat:k"}));
}

// ---------------------------------------------------------------------------------------------
// LCS

// How Run() prints one IDX match: [[a_start, a_end], [b_start, b_end]] plus the optional length.
std::string Match(int a0, int a1, int b0, int b1, int len = -1) {
  auto i = [](int v) { return "(integer) " + std::to_string(v); };
  std::string m = "[[" + i(a0) + ", " + i(a1) + "], [" + i(b0) + ", " + i(b1) + "]";
  if (len >= 0) m += ", " + i(len);
  return m + "]";
}

TEST_F(StringTest, Lcs) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  EXPECT_EQ(Run({"lcs", "key1", "key2"}), "mytext");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "len"}), "(integer) 6");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "LEN", "LEN"}), "(integer) 6");
  const std::string both =
      "[matches, [" + Match(4, 7, 5, 8) + ", " + Match(2, 3, 0, 1) + "], len, (integer) 6]";
  EXPECT_EQ(Run({"lcs", "key1", "key2", "idx"}), both);
  EXPECT_EQ(Run({"lcs", "key1", "key2", "idx", "idx"}), both);
  // A negative MINMATCHLEN counts as 0.
  EXPECT_EQ(Run({"lcs", "key1", "key2", "minmatchlen", "-5", "idx"}), both);
  EXPECT_EQ(Run({"lcs", "key1", "key2", "idx", "minmatchlen", "4"}),
            "[matches, [" + Match(4, 7, 5, 8) + "], len, (integer) 6]");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"}),
            "[matches, [" + Match(4, 7, 5, 8, 4) + "], len, (integer) 6]");
  EXPECT_EQ(
      Run({"lcs", "key1", "key2", "idx", "withmatchlen"}),
      "[matches, [" + Match(4, 7, 5, 8, 4) + ", " + Match(2, 3, 0, 1, 2) + "], len, (integer) 6]");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "idx", "minmatchlen", "9223372036854775807"}),
            "[matches, [], len, (integer) 6]");
  // Options that only shape the IDX reply are accepted and ignored elsewhere.
  EXPECT_EQ(Run({"lcs", "key1", "key2", "withmatchlen"}), "mytext");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "len", "withmatchlen"}), "(integer) 6");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "minmatchlen", "2"}), "mytext");
}

TEST_F(StringTest, LcsMissingAndInts) {
  EXPECT_EQ(Run({"lcs", "m1", "m2"}), "");
  EXPECT_EQ(Run({"lcs", "m1", "m2", "len"}), "(integer) 0");
  EXPECT_EQ(Run({"lcs", "m1", "m2", "idx"}), "[matches, [], len, (integer) 0]");
  EXPECT_EQ(Run({"lcs", "m1", "m2", "idx", "withmatchlen"}), "[matches, [], len, (integer) 0]");
  Run({"set", "a", "abc"});
  EXPECT_EQ(Run({"lcs", "a", "m1"}), "");
  EXPECT_EQ(Run({"lcs", "a", "a"}), "abc");
  Run({"set", "n", "12345"});
  Run({"set", "m", "2345"});
  EXPECT_EQ(Run({"lcs", "n", "m"}), "2345");
}

TEST_F(StringTest, LcsResp3) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  Run({"hello", "3"});
  EXPECT_EQ(
      Run({"lcs", "key1", "key2", "idx", "withmatchlen"}),
      "{matches: [" + Match(4, 7, 5, 8, 4) + ", " + Match(2, 3, 0, 1, 2) + "], len: (integer) 6}");
  EXPECT_EQ(raw().substr(0, 4), "%2\r\n");
}

TEST_F(StringTest, LcsErrors) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  EXPECT_EQ(Run({"lcs", "key1", "key2", "len", "idx"}),
            "ERR If you want both the length and indexes, please just use IDX.");
  EXPECT_EQ(Run({"lcs", "key1", "key2", "minmatchlen"}), kSyntax);
  EXPECT_EQ(Run({"lcs", "key1", "key2", "minmatchlen", "abc"}), kNotInt);
  EXPECT_EQ(Run({"lcs", "key1", "key2", "minmatchlen", "9223372036854775808"}), kNotInt);
  EXPECT_EQ(Run({"lcs", "key1", "key2", "foo"}), kSyntax);
  EXPECT_EQ(Run({"lcs", "key1"}), "ERR wrong number of arguments for 'lcs' command");
  MakeHash("h");
  const char* kNotString = "ERR The specified keys must contain string values";
  EXPECT_EQ(Run({"lcs", "h", "key1"}), kNotString);
  EXPECT_EQ(Run({"lcs", "key1", "h"}), kNotString);
  EXPECT_EQ(Run({"lcs", "h", "missing", "len"}), kNotString);
  // The type check comes before the options.
  EXPECT_EQ(Run({"lcs", "h", "key1", "foo"}), kNotString);
}

TEST_F(StringTest, LcsMemoryLimit) {
  const char* kTooMuch =
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
  // (|a|+1) * (|b|+1) * 4 bytes against proto-max-bulk-len; equal is still allowed.
  server_->config().proto_max_bulk_len = 4 * 11 * 11;
  Run({"set", "a", std::string(10, 'a')});
  Run({"set", "b", std::string(10, 'a')});
  EXPECT_EQ(Run({"lcs", "a", "b", "len"}), "(integer) 10");
  Run({"set", "b", std::string(11, 'a')});
  EXPECT_EQ(Run({"lcs", "a", "b", "len"}), kTooMuch);
  EXPECT_EQ(Run({"lcs", "a", "b", "idx"}), kTooMuch);
  EXPECT_EQ(Run({"lcs", "a", "b"}), kTooMuch);
  // Option errors are reported first.
  EXPECT_EQ(Run({"lcs", "a", "b", "foo"}), kSyntax);
  EXPECT_EQ(Run({"lcs", "a", "b", "len", "idx"}),
            "ERR If you want both the length and indexes, please just use IDX.");
  EXPECT_EQ(Run({"lcs", "a", "missing"}), "");
}

// ---------------------------------------------------------------------------------------------
// Keyspace statistics: reads count hits and misses, writes do not.

TEST_F(StringTest, HitsAndMisses) {
  ServerStats& st = server_->stats();
  Run({"set", "k", "v"});
  uint64_t hits = st.keyspace_hits, misses = st.keyspace_misses;
  Run({"get", "k"});
  Run({"get", "nope"});
  Run({"mget", "k", "nope", "k"});
  EXPECT_EQ(st.keyspace_hits, hits + 3);
  EXPECT_EQ(st.keyspace_misses, misses + 2);
  hits = st.keyspace_hits;
  misses = st.keyspace_misses;
  Run({"set", "k", "v2"});
  Run({"incr", "c"});
  Run({"append", "k", "x"});
  EXPECT_EQ(st.keyspace_hits, hits);
  EXPECT_EQ(st.keyspace_misses, misses);
  Run({"set", "k", "v3", "get"});
  EXPECT_EQ(st.keyspace_hits, hits + 1);
}

}  // namespace
}  // namespace memkeydb
