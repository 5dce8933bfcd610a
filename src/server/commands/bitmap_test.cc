// Tests of the bitmap commands. Every expected reply was checked against redis-server 7.0.15.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ds/compact_value.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

constexpr const char* kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr const char* kBadBit = "ERR bit is not an integer or out of range";
constexpr const char* kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";

// The fixture's helpers (Encoding, Pttl, MakeHash, WatchEvents, Events) live in CommandTest.
using BitmapTest = CommandTest;

using Ev = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// SETBIT / GETBIT

TEST_F(BitmapTest, SetBitGetBit) {
  EXPECT_EQ(Run({"setbit", "k", "7", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "k"}), std::string("\x01", 1));
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_EQ(Run({"getbit", "k", "7"}), "(integer) 1");
  EXPECT_EQ(Run({"getbit", "k", "6"}), "(integer) 0");
  EXPECT_EQ(Run({"setbit", "k", "7", "0"}), "(integer) 1");
  EXPECT_EQ(Run({"setbit", "k", "8", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) 2");
  EXPECT_EQ(Run({"getbit", "k", "8"}), "(integer) 1");
  EXPECT_EQ(Run({"getbit", "k", "100"}), "(integer) 0");
  EXPECT_EQ(Run({"getbit", "missing", "0"}), "(integer) 0");
  // Writing a 0 still creates the key.
  EXPECT_EQ(Run({"setbit", "z", "0", "0"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "z"}), std::string("\0", 1));
}

TEST_F(BitmapTest, SetBitOnInt) {
  // The digits are the bits: "5" is 0x35; setting bit 6 gives 0x37, "7".
  Run({"set", "n", "5"});
  EXPECT_EQ(Run({"getbit", "n", "2"}), "(integer) 1");
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_EQ(Run({"setbit", "n", "6", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"get", "n"}), "7");
  EXPECT_EQ(Encoding("n"), "raw");
  // Even a write that changes nothing unshares the value.
  Run({"set", "m", "123"});
  EXPECT_EQ(Run({"setbit", "m", "0", "0"}), "(integer) 0");
  EXPECT_EQ(Encoding("m"), "raw");
}

TEST_F(BitmapTest, SetBitKeepsTtl) {
  Run({"set", "k", "v", "ex", "100"});
  Run({"setbit", "k", "0", "1"});
  EXPECT_TRUE(Find("k")->has_expire());
}

TEST_F(BitmapTest, SetBitErrors) {
  EXPECT_EQ(Run({"setbit", "k", "7", "2"}), kBadBit);
  EXPECT_EQ(Run({"setbit", "k", "7", "-1"}), kBadBit);
  EXPECT_EQ(Run({"setbit", "k", "7", "01"}), kBadBit);
  EXPECT_EQ(Run({"setbit", "k", "7", ""}), kBadBit);
  EXPECT_EQ(Run({"setbit", "k", "-1", "1"}), kBadOffset);
  EXPECT_EQ(Run({"setbit", "k", "abc", "1"}), kBadOffset);
  EXPECT_EQ(Run({"setbit", "k", "4294967296", "1"}), kBadOffset);
  EXPECT_EQ(Run({"setbit", "k", "-1", "5"}), kBadOffset);
  EXPECT_FALSE(Exists("k"));
  MakeHash("h");
  EXPECT_EQ(Run({"setbit", "h", "0", "1"}), kWrongType);
  // Arguments are checked before the type.
  EXPECT_EQ(Run({"setbit", "h", "-1", "1"}), kBadOffset);
  EXPECT_EQ(Run({"setbit", "h", "0", "5"}), kBadBit);
  EXPECT_EQ(Run({"setbit", "k", "1"}), "ERR wrong number of arguments for 'setbit' command");
}

TEST_F(BitmapTest, GetBitErrors) {
  EXPECT_EQ(Run({"getbit", "k", "-1"}), kBadOffset);
  EXPECT_EQ(Run({"getbit", "k", "abc"}), kBadOffset);
  EXPECT_EQ(Run({"getbit", "k", "4294967296"}), kBadOffset);
  EXPECT_EQ(Run({"getbit", "k", "4294967295"}), "(integer) 0");
  MakeHash("h");
  EXPECT_EQ(Run({"getbit", "h", "0"}), kWrongType);
  EXPECT_EQ(Run({"getbit", "h", "-1"}), kBadOffset);
}

TEST_F(BitmapTest, BitOffsetLimitFollowsConfig) {
  server_->config().proto_max_bulk_len = 4;
  EXPECT_EQ(Run({"setbit", "k", "31", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"setbit", "k", "32", "1"}), kBadOffset);
  EXPECT_EQ(Run({"getbit", "k", "32"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#3"}), "[(integer) 1]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#4"}), kBadOffset);
}

TEST_F(BitmapTest, SetBitNotifications) {
  WatchEvents();
  int64_t dirty = server_->dirty;
  Run({"setbit", "k", "3", "1"});
  EXPECT_EQ(Events(), (Ev{"setbit:k"}));
  // Rewriting a bit with its own value is no modification...
  EXPECT_EQ(Run({"setbit", "k", "3", "1"}), "(integer) 1");
  Run({"setbit", "k", "3", "7"});
  EXPECT_EQ(Events(), Ev{});
  EXPECT_EQ(server_->dirty, dirty + 1);
  // ...unless the string is created or grows for it.
  Run({"setbit", "k", "100", "0"});
  Run({"setbit", "z", "0", "0"});
  EXPECT_EQ(Events(), (Ev{"setbit:k", "setbit:z"}));
  Run({"setbit", "k", "100", "0"});
  Run({"setbit", "k", "3", "0"});
  EXPECT_EQ(Events(), (Ev{"setbit:k"}));
  EXPECT_EQ(server_->dirty, dirty + 4);
  // Unsharing an int is not a change either, though the value becomes raw.
  Run({"set", "q", "123"});
  Events();
  EXPECT_EQ(Run({"setbit", "q", "0", "0"}), "(integer) 0");
  EXPECT_EQ(Events(), Ev{});
  EXPECT_EQ(Encoding("q"), "raw");
}

TEST_F(BitmapTest, SetBitBreaksWatchOnlyWhenChanged) {
  Run({"setbit", "k", "0", "1"});
  Client* other = server_->CreateFakeClient();
  EXPECT_EQ(Run({"watch", "k"}), "OK");
  RunAs(other, {"setbit", "k", "0", "1"});
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"getbit", "k", "0"}), "QUEUED");
  EXPECT_EQ(Run({"exec"}), "[(integer) 1]");
  EXPECT_EQ(Run({"watch", "k"}), "OK");
  RunAs(other, {"setbit", "k", "0", "0"});
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"getbit", "k", "0"}), "QUEUED");
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

TEST_F(BitmapTest, SetBitRandomized) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::vector<int> model(2000, 0);
  size_t len = 0;
  for (int i = 0; i < 3000; ++i) {
    size_t off = rng() % model.size();
    int bit = static_cast<int>(rng() & 1);
    std::string offs = std::to_string(off);
    ASSERT_EQ(Run({"setbit", "k", offs, std::to_string(bit)}),
              "(integer) " + std::to_string(model[off]));
    model[off] = bit;
    len = std::max(len, off / 8 + 1);
  }
  int ones = 0;
  for (size_t i = 0; i < model.size(); ++i) {
    ASSERT_EQ(Run({"getbit", "k", std::to_string(i)}), "(integer) " + std::to_string(model[i]));
    ones += model[i];
  }
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) " + std::to_string(len));
  EXPECT_EQ(Run({"bitcount", "k"}), "(integer) " + std::to_string(ones));
  int first_one = -1;
  for (size_t i = 0; i < model.size(); ++i) {
    if (model[i]) {
      first_one = static_cast<int>(i);
      break;
    }
  }
  EXPECT_EQ(Run({"bitpos", "k", "1"}), "(integer) " + std::to_string(first_one));
}

// ---------------------------------------------------------------------------------------------
// BITCOUNT

TEST_F(BitmapTest, BitCount) {
  Run({"set", "k", "foobar"});
  EXPECT_EQ(Run({"bitcount", "k"}), "(integer) 26");
  EXPECT_EQ(Run({"bitcount", "k", "0", "0"}), "(integer) 4");
  EXPECT_EQ(Run({"bitcount", "k", "1", "1"}), "(integer) 6");
  EXPECT_EQ(Run({"bitcount", "k", "1", "1", "byte"}), "(integer) 6");
  EXPECT_EQ(Run({"bitcount", "k", "5", "30", "bit"}), "(integer) 17");
  EXPECT_EQ(Run({"bitcount", "k", "5", "30", "BIT"}), "(integer) 17");
  EXPECT_EQ(Run({"bitcount", "k", "-50", "-100"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "k", "-100", "-50"}), "(integer) 4");
  EXPECT_EQ(Run({"bitcount", "k", "-1", "-1", "bit"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "k", "0", "-1", "bit"}), "(integer) 26");
  EXPECT_EQ(Run({"bitcount", "k", "0", "9223372036854775807", "bit"}), "(integer) 26");
  EXPECT_EQ(Run({"bitcount", "k", "-9223372036854775808", "-1", "bit"}), "(integer) 26");
  Run({"set", "n", "12"});
  EXPECT_EQ(Run({"bitcount", "n"}), "(integer) 6");
  Run({"set", "e", ""});
  EXPECT_EQ(Run({"bitcount", "e"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "e", "0", "-1"}), "(integer) 0");
}

TEST_F(BitmapTest, BitCountErrors) {
  Run({"set", "k", "foobar"});
  EXPECT_EQ(Run({"bitcount", "k", "0"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "a"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "0", "1", "2"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "0", "1", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "0", "1", "foo", "bar"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "a", "1"}), kNotInt);
  EXPECT_EQ(Run({"bitcount", "k", "0", "a"}), kNotInt);
  // start, end, then the unit.
  EXPECT_EQ(Run({"bitcount", "k", "a", "1", "foo"}), kNotInt);
  EXPECT_EQ(Run({"bitcount", "k", "0", "a", "foo"}), kNotInt);
  // An inverted all-negative range answers 0 before the unit is read.
  EXPECT_EQ(Run({"bitcount", "k", "-1", "-5", "foo"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "k", "-1", "-5", "bit"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "k", "5", "1", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitcount", "k", "-5", "-1", "foo"}), kSyntax);
  // A missing key answers 0 whatever follows.
  EXPECT_EQ(Run({"bitcount", "missing", "0"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "missing", "a", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"bitcount", "missing", "0", "1", "foo"}), "(integer) 0");
  MakeHash("h");
  EXPECT_EQ(Run({"bitcount", "h"}), kWrongType);
  EXPECT_EQ(Run({"bitcount", "h", "0"}), kWrongType);
  EXPECT_EQ(Run({"bitcount", "h", "a", "b"}), kWrongType);
  EXPECT_EQ(Run({"bitcount"}), "ERR wrong number of arguments for 'bitcount' command");
}

// ---------------------------------------------------------------------------------------------
// BITPOS

TEST_F(BitmapTest, BitPos) {
  Run({"set", "k", std::string("\xff\xf0\x00", 3)});
  EXPECT_EQ(Run({"bitpos", "k", "0"}), "(integer) 12");
  EXPECT_EQ(Run({"bitpos", "k", "1"}), "(integer) 0");
  EXPECT_EQ(Run({"bitpos", "k", "1", "2"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "k", "0", "0", "1"}), "(integer) 12");
  EXPECT_EQ(Run({"bitpos", "k", "0", "0", "-1"}), "(integer) 12");
  EXPECT_EQ(Run({"bitpos", "k", "1", "7", "15", "bit"}), "(integer) 7");
  EXPECT_EQ(Run({"bitpos", "k", "0", "7", "15", "BIT"}), "(integer) 12");
  EXPECT_EQ(Run({"bitpos", "k", "0", "0", "0"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "k", "0", "3"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "k", "1", "3"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "k", "0", "-1", "-3"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "k", "0", "5", "1"}), "(integer) -1");
  // All ones: without an end the answer is the first bit past the string.
  Run({"set", "f", std::string("\xff\xff", 2)});
  EXPECT_EQ(Run({"bitpos", "f", "0"}), "(integer) 16");
  EXPECT_EQ(Run({"bitpos", "f", "0", "0"}), "(integer) 16");
  EXPECT_EQ(Run({"bitpos", "f", "0", "0", "-1"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "f", "0", "0", "-1", "bit"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "f", "0", "1", "3"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "f", "0", "8"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "f", "0", "2"}), "(integer) -1");
  Run({"set", "z", ""});
  EXPECT_EQ(Run({"bitpos", "z", "0"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "z", "1"}), "(integer) -1");
  EXPECT_EQ(Run({"bitpos", "missing", "0"}), "(integer) 0");
  EXPECT_EQ(Run({"bitpos", "missing", "1"}), "(integer) -1");
}

TEST_F(BitmapTest, BitPosErrors) {
  Run({"set", "k", "foobar"});
  const char* kBit = "ERR The bit argument must be 1 or 0.";
  EXPECT_EQ(Run({"bitpos", "k", "2"}), kBit);
  EXPECT_EQ(Run({"bitpos", "k", "-1"}), kBit);
  EXPECT_EQ(Run({"bitpos", "k", "a"}), kNotInt);
  EXPECT_EQ(Run({"bitpos", "k", "1", "a"}), kNotInt);
  EXPECT_EQ(Run({"bitpos", "k", "1", "0", "a"}), kNotInt);
  EXPECT_EQ(Run({"bitpos", "k", "1", "0", "1", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitpos", "k", "1", "0", "1", "bit", "extra"}), kSyntax);
  EXPECT_EQ(Run({"bitpos", "k", "1", "a", "b", "c", "d"}), kSyntax);
  // start, then the unit, then end.
  EXPECT_EQ(Run({"bitpos", "k", "1", "a", "1", "foo"}), kNotInt);
  EXPECT_EQ(Run({"bitpos", "k", "1", "0", "a", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitpos", "k", "1", "0", "a", "bit"}), kNotInt);
  // The bit is checked first, then the key; a missing key ignores the range.
  EXPECT_EQ(Run({"bitpos", "missing", "2"}), kBit);
  EXPECT_EQ(Run({"bitpos", "missing", "0", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"bitpos", "missing", "1", "0", "1", "foo"}), "(integer) -1");
  MakeHash("h");
  EXPECT_EQ(Run({"bitpos", "h", "0"}), kWrongType);
  EXPECT_EQ(Run({"bitpos", "h", "2"}), kBit);
  EXPECT_EQ(Run({"bitpos", "h", "0", "a"}), kWrongType);
  EXPECT_EQ(Run({"bitpos", "k"}), "ERR wrong number of arguments for 'bitpos' command");
}

// ---------------------------------------------------------------------------------------------
// BITOP

TEST_F(BitmapTest, BitOp) {
  Run({"set", "a", "abc"});
  Run({"set", "b", "xyzw"});
  EXPECT_EQ(Run({"bitop", "and", "d", "a", "b"}), "(integer) 4");
  EXPECT_EQ(Run({"get", "d"}), std::string("``b\0", 4));
  EXPECT_EQ(Run({"bitop", "or", "d", "a", "b"}), "(integer) 4");
  EXPECT_EQ(Run({"get", "d"}), "y{{w");
  EXPECT_EQ(Run({"bitop", "xor", "d", "a", "b"}), "(integer) 4");
  EXPECT_EQ(Run({"get", "d"}), std::string("\x19\x1b\x19w", 4));
  EXPECT_EQ(Run({"bitop", "not", "d", "a"}), "(integer) 3");
  EXPECT_EQ(Run({"get", "d"}), "\x9e\x9d\x9c");
  EXPECT_EQ(Run({"bitop", "AND", "d", "a"}), "(integer) 3");
  EXPECT_EQ(Run({"get", "d"}), "abc");
  EXPECT_EQ(Encoding("d"), "raw");
  // Integers take part through their digits; the result is always raw.
  Run({"set", "n", "12"});
  EXPECT_EQ(Run({"bitop", "not", "d", "n"}), "(integer) 2");
  EXPECT_EQ(Run({"get", "d"}), "\xce\xcd");
  EXPECT_EQ(Run({"bitop", "or", "d", "n"}), "(integer) 2");
  EXPECT_EQ(Encoding("d"), "raw");
  // A missing source is an empty string.
  EXPECT_EQ(Run({"bitop", "or", "d", "a", "missing"}), "(integer) 3");
  EXPECT_EQ(Run({"get", "d"}), "abc");
  // The destination may be a source.
  EXPECT_EQ(Run({"bitop", "xor", "a", "a", "a"}), "(integer) 3");
  EXPECT_EQ(Run({"get", "a"}), std::string(3, '\0'));
}

TEST_F(BitmapTest, BitOpReplacesAnyTypeAndTtl) {
  Run({"set", "a", "abc"});
  MakeHash("h");
  EXPECT_EQ(Run({"bitop", "and", "h", "a"}), "(integer) 3");
  EXPECT_EQ(Run({"get", "h"}), "abc");
  Run({"set", "t", "v", "ex", "100"});
  EXPECT_EQ(Run({"bitop", "and", "t", "a"}), "(integer) 3");
  EXPECT_FALSE(Find("t")->has_expire());
}

TEST_F(BitmapTest, BitOpEmptyResultDeletes) {
  Run({"set", "d", "x"});
  EXPECT_EQ(Run({"bitop", "and", "d", "missing1", "missing2"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
  Run({"set", "e", ""});
  Run({"set", "d", "x"});
  EXPECT_EQ(Run({"bitop", "or", "d", "e"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
  EXPECT_EQ(Run({"bitop", "not", "d", "missing"}), "(integer) 0");
  EXPECT_FALSE(Exists("d"));
}

TEST_F(BitmapTest, BitOpErrors) {
  Run({"set", "a", "abc"});
  MakeHash("h");
  EXPECT_EQ(Run({"bitop", "not", "d", "a", "a"}),
            "ERR BITOP NOT must be called with a single source key.");
  EXPECT_EQ(Run({"bitop", "foo", "d", "a"}), kSyntax);
  EXPECT_EQ(Run({"bitop", "foo", "d", "h"}), kSyntax);
  EXPECT_EQ(Run({"bitop", "and", "d", "a", "h"}), kWrongType);
  EXPECT_EQ(Run({"bitop", "not", "d", "h"}), kWrongType);
  EXPECT_FALSE(Exists("d"));
  EXPECT_EQ(Run({"bitop", "and", "d"}), "ERR wrong number of arguments for 'bitop' command");
}

TEST_F(BitmapTest, BitOpNotifications) {
  Run({"set", "a", "abc"});
  WatchEvents();
  Run({"bitop", "and", "d", "a"});
  Run({"bitop", "and", "d", "missing"});
  Run({"bitop", "and", "d", "missing"});  // nothing to delete: no event
  EXPECT_EQ(Events(), (Ev{"set:d", "del:d"}));
}

TEST_F(BitmapTest, BitOpRandomized) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> srcs(1 + rng() % 4);
    std::vector<std::string> cmd = {"bitop", "", "dest"};
    size_t max_len = 0;
    for (size_t i = 0; i < srcs.size(); ++i) {
      srcs[i].resize(rng() % 40);
      for (char& c : srcs[i]) c = static_cast<char>(rng());
      max_len = std::max(max_len, srcs[i].size());
      std::string key = "s" + std::to_string(i);
      Run({"set", key, srcs[i]});
      cmd.push_back(key);
    }
    const char* ops[] = {"and", "or", "xor", "not"};
    int op = static_cast<int>(rng() % (srcs.size() == 1 ? 4 : 3));
    cmd[1] = ops[op];
    std::string expect(max_len, '\0');
    for (size_t j = 0; j < max_len; ++j) {
      auto byte = [&](size_t i) -> uint8_t { return j < srcs[i].size() ? srcs[i][j] : 0; };
      uint8_t v = byte(0);
      for (size_t i = 1; i < srcs.size(); ++i) {
        if (op == 0) v &= byte(i);
        if (op == 1) v |= byte(i);
        if (op == 2) v ^= byte(i);
      }
      if (op == 3) v = static_cast<uint8_t>(~v);
      expect[j] = static_cast<char>(v);
    }
    ASSERT_EQ(Run(cmd), "(integer) " + std::to_string(max_len));
    ASSERT_EQ(Run({"get", "dest"}), max_len ? expect : "(nil)");
  }
}

// ---------------------------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO

TEST_F(BitmapTest, Bitfield) {
  EXPECT_EQ(Run({"bitfield", "k"}), "[]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "0"}), "[(integer) 0]");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "0", "255"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "0", "get", "i8", "0", "get", "u4", "4"}),
            "[(integer) 255, (integer) -1, (integer) 15]");
  EXPECT_EQ(Run({"bitfield", "k", "incrby", "u8", "0", "10"}), "[(integer) 9]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "sat", "incrby", "u8", "0", "300"}),
            "[(integer) 255]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "fail", "incrby", "u8", "0", "1"}), "[(nil)]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "wrap", "incrby", "u8", "0", "1"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "i64", "0", "get", "u63", "0"}),
            "[(integer) 0, (integer) 0]");
  EXPECT_EQ(
      Run({"bitfield", "k", "GET", "u8", "0", "SET", "u8", "0", "1", "INCRBY", "u8", "0", "1"}),
      "[(integer) 0, (integer) 0, (integer) 2]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#1"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "#1", "65"}), "[(integer) 0]");
  EXPECT_EQ(Run({"get", "k"}), std::string("\x02"
                                           "A",
                                           2));
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "4294967288"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "4294967295", "get", "u1", "0"}),
            "[(integer) 0, (integer) 0]");
}

TEST_F(BitmapTest, BitfieldOverflowSemantics) {
  EXPECT_EQ(Run({"bitfield", "k", "set", "i8", "0", "-129"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "i8", "0"}), "[(integer) 127]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "sat", "set", "i8", "0", "-129"}), "[(integer) 127]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "i8", "0"}), "[(integer) -128]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "sat", "set", "u8", "0", "-1"}), "[(integer) 128]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "0"}), "[(integer) 255]");
  EXPECT_EQ(Run({"bitfield", "k", "set", "i64", "0", "-9223372036854775808"}),
            "[(integer) -72057594037927936]");
  EXPECT_EQ(Run({"bitfield", "k", "incrby", "i64", "0", "-1"}), "[(integer) 9223372036854775807]");
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "sat", "incrby", "i64", "0", "-1"}),
            "[(integer) 9223372036854775806]");
  // OVERFLOW applies to the operations after it, and FAIL writes nothing.
  Run({"set", "n3", "1"});
  EXPECT_EQ(Run({"bitfield", "n3", "get", "u8", "0", "overflow", "fail", "set", "u8", "0", "999"}),
            "[(integer) 49, (nil)]");
  EXPECT_EQ(Run({"get", "n3"}), "1");
  EXPECT_EQ(Encoding("n3"), "raw");
}

TEST_F(BitmapTest, BitfieldGrowsForWritesOnly) {
  // The string grows to hold the writes, not the reads.
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "100", "set", "u8", "0", "1"}),
            "[(integer) 0, (integer) 0]");
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) 1");
  EXPECT_EQ(Run({"bitfield", "n2", "incrby", "u2", "100", "1"}), "[(integer) 1]");
  EXPECT_EQ(Run({"get", "n2"}), std::string(12, '\0') + "\x04");
  // Even a refused write creates the key.
  EXPECT_EQ(Run({"bitfield", "f", "overflow", "fail", "set", "u8", "0", "300"}), "[(nil)]");
  EXPECT_EQ(Run({"get", "f"}), std::string(1, '\0'));
  // Only GETs and OVERFLOW: nothing is created.
  EXPECT_EQ(Run({"bitfield", "g", "get", "u8", "0", "overflow", "fail"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "g", "overflow", "fail"}), "[]");
  EXPECT_FALSE(Exists("g"));
  // Reads of an int see its digits and leave it an int.
  Run({"set", "n", "1"});
  EXPECT_EQ(Run({"bitfield", "n", "get", "u8", "0"}), "[(integer) 49]");
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_EQ(Run({"bitfield", "n", "set", "u8", "0", "255"}), "[(integer) 49]");
  EXPECT_EQ(Encoding("n"), "raw");
}

TEST_F(BitmapTest, BitfieldErrors) {
  EXPECT_EQ(Run({"bitfield", "k", "get", "u64", "0"}), kBadType);
  EXPECT_EQ(Run({"bitfield", "k", "get", "i65", "0"}), kBadType);
  EXPECT_EQ(Run({"bitfield", "k", "get", "x8", "0"}), kBadType);
  EXPECT_EQ(Run({"bitfield", "k", "get", "U8", "0"}), kBadType);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u0", "0"}), kBadType);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "-1"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#-1"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#abc"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "abc"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#536870911"}), "[(integer) 0]");
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "#536870912"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "i64", "#144115188075855872"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "4294967296", "1"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "0"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "0", "abc"}), kNotInt);
  EXPECT_EQ(Run({"bitfield", "k", "incrby", "u8", "0", "abc"}), kNotInt);
  EXPECT_EQ(Run({"bitfield", "k", "overflow"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "k", "overflow", "foo"}), "ERR Invalid OVERFLOW type specified");
  EXPECT_EQ(Run({"bitfield", "k", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "0", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "1", "set", "u8", "1", "X"}), kNotInt);
  EXPECT_EQ(Run({"bitfield", "k", "get", "u8", "0", "overflow", "foo", "set", "u8", "0", "1"}),
            "ERR Invalid OVERFLOW type specified");
  // Nothing runs when any argument is bad.
  EXPECT_EQ(Run({"bitfield", "k", "set", "u8", "0", "1", "overflow", "foo"}),
            "ERR Invalid OVERFLOW type specified");
  EXPECT_FALSE(Exists("k"));
  MakeHash("h");
  EXPECT_EQ(Run({"bitfield", "h", "get", "u8", "0"}), kWrongType);
  EXPECT_EQ(Run({"bitfield", "h", "set", "u8", "0", "1"}), kWrongType);
  EXPECT_EQ(Run({"bitfield", "h"}), kWrongType);
  EXPECT_EQ(Run({"bitfield", "h", "overflow", "sat"}), kWrongType);
  // Arguments are checked before the type.
  EXPECT_EQ(Run({"bitfield", "h", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitfield", "h", "get", "u8", "-1"}), kBadOffset);
  EXPECT_EQ(Run({"bitfield"}), "ERR wrong number of arguments for 'bitfield' command");
}

TEST_F(BitmapTest, BitfieldRo) {
  Run({"bitfield", "k", "set", "u8", "0", "2"});
  EXPECT_EQ(Run({"bitfield_ro", "k", "get", "u8", "0"}), "[(integer) 2]");
  EXPECT_EQ(Run({"bitfield_ro", "k"}), "[]");
  EXPECT_EQ(Run({"bitfield_ro", "k", "overflow", "sat"}), "[]");
  EXPECT_EQ(Run({"bitfield_ro", "k", "get", "u8", "0", "overflow", "wrap"}), "[(integer) 2]");
  EXPECT_EQ(Run({"bitfield_ro", "missing", "get", "u8", "0"}), "[(integer) 0]");
  const char* kRo = "ERR BITFIELD_RO only supports the GET subcommand";
  EXPECT_EQ(Run({"bitfield_ro", "k", "set", "u8", "0", "1"}), kRo);
  EXPECT_EQ(Run({"bitfield_ro", "k", "incrby", "u8", "0", "1"}), kRo);
  EXPECT_EQ(Run({"get", "k"}), "\x02");
  // Argument errors come first, then the read-only check, then the type.
  EXPECT_EQ(Run({"bitfield_ro", "k", "set", "u8", "0", "1", "foo"}), kSyntax);
  EXPECT_EQ(Run({"bitfield_ro", "k", "set", "u8", "0", "X"}), kNotInt);
  EXPECT_EQ(Run({"bitfield_ro", "k", "overflow", "foo"}), "ERR Invalid OVERFLOW type specified");
  EXPECT_EQ(Run({"bitfield_ro", "k", "foo"}), kSyntax);
  MakeHash("h");
  EXPECT_EQ(Run({"bitfield_ro", "h", "set", "u8", "0", "1"}), kRo);
  EXPECT_EQ(Run({"bitfield_ro", "h", "get", "u8", "0"}), kWrongType);
  EXPECT_EQ(Run({"bitfield_ro", "h"}), kWrongType);
}

TEST_F(BitmapTest, BitfieldNotifications) {
  WatchEvents();
  int64_t dirty = server_->dirty;
  Run({"bitfield", "k", "set", "u8", "0", "1", "incrby", "u8", "0", "1", "get", "u8", "0"});
  EXPECT_EQ(Events(), (Ev{"setbit:k"}));
  EXPECT_EQ(server_->dirty, dirty + 2);  // one per write
  Run({"bitfield", "k", "get", "u8", "0"});
  Run({"bitfield", "k", "overflow", "fail", "incrby", "u8", "0", "1000"});
  EXPECT_EQ(Events(), Ev{});
  EXPECT_EQ(server_->dirty, dirty + 2);
}

TEST_F(BitmapTest, BitfieldCountsOnlyRealChanges) {
  // Cases and counts taken from redis-server 7.0.15 (dirty = rdb_changes_since_last_save).
  WatchEvents();
  int64_t dirty = server_->dirty;
  auto step = [&](std::vector<std::string> cmd, int64_t expect_dirty, Ev expect_events) {
    Run(cmd);
    EXPECT_EQ(server_->dirty - dirty, expect_dirty) << cmd[2] << " " << cmd[4];
    EXPECT_EQ(Events(), expect_events) << cmd[2] << " " << cmd[4];
    dirty = server_->dirty;
  };
  step({"bitfield", "k", "set", "u8", "0", "1"}, 1, {"setbit:k"});
  step({"bitfield", "k", "set", "u8", "0", "1"}, 0, {});
  step({"bitfield", "k", "incrby", "u8", "0", "0"}, 0, {});
  step({"bitfield", "k", "set", "u8", "0", "2", "set", "u8", "0", "2"}, 1, {"setbit:k"});
  // Growing the string makes every write count, even one that stores what was there.
  step({"bitfield", "k", "set", "u8", "0", "2", "set", "u8", "8", "0"}, 2, {"setbit:k"});
  step({"bitfield", "k", "set", "u8", "16", "0"}, 1, {"setbit:k"});
  // A refused write grows the string but changes nothing.
  step({"bitfield", "k", "overflow", "fail", "set", "u8", "80", "999"}, 0, {});
  EXPECT_EQ(Run({"strlen", "k"}), "(integer) 11");
  Run({"set", "r", "123"});
  Events();
  dirty = server_->dirty;
  step({"bitfield", "r", "set", "u8", "0", "49"}, 0, {});
  EXPECT_EQ(Encoding("r"), "raw");
  step({"bitfield", "r", "set", "u8", "0", "1", "set", "u8", "0", "49"}, 2, {"setbit:r"});
  step({"bitfield", "r", "incrby", "u8", "0", "1", "incrby", "u8", "0", "-1"}, 2, {"setbit:r"});
}

TEST_F(BitmapTest, BitfieldRandomizedAgainstGetBit) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 200; ++i) {
    int bits = 1 + static_cast<int>(rng() % 63);
    uint64_t offset = rng() % 300;
    uint64_t value = rng() & ((uint64_t{1} << bits) - 1);
    std::string type = "u" + std::to_string(bits);
    Run({"bitfield", "k", "set", type, std::to_string(offset), std::to_string(value)});
    // Read it back bit by bit, most significant first.
    uint64_t got = 0;
    for (int b = 0; b < bits; ++b) {
      std::string r = Run({"getbit", "k", std::to_string(offset + b)});
      got = (got << 1) | (r == "(integer) 1" ? 1 : 0);
    }
    ASSERT_EQ(got, value) << type << " at " << offset;
    ASSERT_EQ(Run({"bitfield_ro", "k", "get", type, std::to_string(offset)}),
              "[(integer) " + std::to_string(value) + "]");
  }
}

}  // namespace
}  // namespace memkeydb
