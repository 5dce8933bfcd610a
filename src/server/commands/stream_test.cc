// Tests of the stream commands. Expected replies were checked against redis-server 7.0.15.

#include <string>
#include <vector>

#include "server/test_util.h"

namespace memkeydb {
namespace {

using Ev = std::vector<std::string>;

class StreamTest : public CommandTest {};

TEST_F(StreamTest, AddAndIdErrors) {
  EXPECT_EQ(Run({"xadd", "s", "1-1", "a", "1"}), "1-1");
  EXPECT_EQ(Run({"xadd", "s", "1-1", "a", "1"}),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  EXPECT_EQ(Run({"xadd", "s2", "0-0", "a", "1"}),
            "ERR The ID specified in XADD must be greater than 0-0");
  EXPECT_FALSE(Exists("s2"));
  EXPECT_EQ(Run({"xadd", "s", "1-*", "a", "1"}), "1-2");
  EXPECT_EQ(Run({"xadd", "s", "5", "a", "1"}), "5-0");
  EXPECT_EQ(Run({"xadd", "s", "abc", "a", "1"}),
            "ERR Invalid stream ID specified as stream command argument");
  EXPECT_EQ(Run({"xadd", "s", "6-0", "a"}), "ERR wrong number of arguments for 'xadd' command");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "1", "limit", "10", "*", "a", "1"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "-1", "*", "a", "1"}),
            "ERR The MAXLEN argument must be >= 0.");
  EXPECT_EQ(Run({"xadd", "n", "nomkstream", "1-1", "a", "1"}), "(nil)");
  EXPECT_EQ(Run({"xadd", "s", "18446744073709551615-18446744073709551615", "a", "1"}),
            "18446744073709551615-18446744073709551615");
  EXPECT_EQ(Run({"xadd", "s", "*", "a", "1"}),
            "ERR The stream has exhausted the last possible ID, unable to add more items");
  EXPECT_EQ(Run({"xlen", "s"}), "(integer) 4");
  EXPECT_EQ(Encoding("s"), "stream");
  EXPECT_EQ(Run({"type", "s"}), "stream");
}

// Redis 7.0 feeds an approximate trim as "MAXLEN = n LIMIT l" (or MINID); its AOF loader and
// replicas apply that exactly instead of refusing it, so loading such an AOF must too (found by
// tests/integration/test_persistence_replay.py: an XADD dropped, entries-added one short).
TEST_F(StreamTest, ReplayedTrimWithLimitAndNoTildeIsApplied) {
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i) + "-0", "f", "v"});
  server_->set_loading(true);
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "=", "2", "limit", "100", "6-0", "f", "v"}), "6-0");
  EXPECT_EQ(Run({"xtrim", "s", "minid", "=", "6-0", "limit", "1"}), "(integer) 1");
  server_->set_loading(false);
  EXPECT_EQ(Run({"xrange", "s", "-", "+"}), "[[6-0, [f, v]]]");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "=", "0", "limit", "100", "7-0", "f", "v"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
}

TEST_F(StreamTest, AutoIdFollowsTheClockOrTheLastId) {
  std::string id = Run({"xadd", "s", "*", "a", "1"});
  EXPECT_NE(id.find('-'), std::string::npos);
  EXPECT_EQ(Run({"xadd", "t", "99999999999999-5", "a", "1"}), "99999999999999-5");
  EXPECT_EQ(Run({"xadd", "t", "*", "a", "1"}), "99999999999999-6");
}

TEST_F(StreamTest, RangesBothWays) {
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i) + "-0", "f", std::to_string(i)});
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "2"}), "[[1-0, [f, 1]], [2-0, [f, 2]]]");
  // "(3" is 3-18446744073709551615 exclusive, so 3-0 is in.
  EXPECT_EQ(Run({"xrange", "s", "(1", "(3"}), "[[2-0, [f, 2]], [3-0, [f, 3]]]");
  EXPECT_EQ(Run({"xrange", "s", "(1", "(3-0"}), "[[2-0, [f, 2]]]");
  EXPECT_EQ(Run({"xrevrange", "s", "+", "-", "count", "1"}), "[[5-0, [f, 5]]]");
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "0"}), "(nil)");
  EXPECT_EQ(Run({"xrange", "nokey", "-", "+"}), "[]");
  EXPECT_EQ(Run({"xrange", "s", "(18446744073709551615-18446744073709551615", "+"}),
            "ERR invalid start ID for the interval");
  EXPECT_EQ(Run({"xrange", "s", "-", "(0-0"}), "ERR invalid end ID for the interval");
  EXPECT_EQ(Run({"xrange", "s", "(-", "+"}),
            "ERR Invalid stream ID specified as stream command argument");
}

TEST_F(StreamTest, DeleteTrimAndNotifications) {
  WatchEvents();
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i) + "-0", "f", "v"});
  EXPECT_EQ(Run({"xdel", "s", "1-0", "9-0"}), "(integer) 1");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "2"}), "(integer) 2");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "~", "0"}), "(integer) 2");  // the whole node goes
  EXPECT_EQ(Run({"xtrim", "s", "minid", "5"}), "(integer) 0");
  EXPECT_EQ(Run({"xlen", "s"}), "(integer) 0");
  EXPECT_TRUE(Exists("s"));  // an empty stream stays
  EXPECT_EQ(Run({"xtrim", "s"}), "ERR wrong number of arguments for 'xtrim' command");
  EXPECT_EQ(Run({"xtrim", "s", "foo", "1"}), "ERR syntax error");
  Ev ev = Events();
  EXPECT_EQ(ev, (Ev{"xadd:s", "xadd:s", "xadd:s", "xadd:s", "xadd:s", "xdel:s", "xtrim:s",
                    "xtrim:s"}));
}

TEST_F(StreamTest, WrongType) {
  Run({"set", "k", "v"});
  constexpr const char* kWrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
  EXPECT_EQ(Run({"xadd", "k", "1-1", "a", "1"}), kWrong);
  EXPECT_EQ(Run({"xrange", "k", "-", "+"}), kWrong);
  EXPECT_EQ(Run({"xlen", "k"}), kWrong);
  EXPECT_EQ(Run({"xread", "streams", "k", "0"}), kWrong);
  EXPECT_EQ(Run({"xinfo", "stream", "k"}), kWrong);
  EXPECT_EQ(Run({"xgroup", "create", "k", "g", "0"}), kWrong);
}

TEST_F(StreamTest, XRead) {
  Run({"xadd", "a", "1-0", "f", "1"});
  Run({"xadd", "b", "2-0", "f", "2"});
  EXPECT_EQ(Run({"xread", "streams", "a", "b", "0", "0"}),
            "[[a, [[1-0, [f, 1]]]], [b, [[2-0, [f, 2]]]]]");
  EXPECT_EQ(Run({"xread", "streams", "a", "$"}), "(nil)");
  EXPECT_EQ(Run({"xread", "streams", "a", "b", "c"}),
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
  EXPECT_EQ(Run({"xread", "streams", "a", ">"}),
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
            "<consumer> option.");
  Run({"hello", "3"});
  EXPECT_EQ(Run({"xread", "count", "1", "streams", "a", "0"}), "{a: [[1-0, [f, 1]]]}");
}

TEST_F(StreamTest, ConsumerGroups) {
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$"}),
            "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
            "want to use the MKSTREAM option to create an empty stream automatically.");
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$", "mkstream"}), "OK");
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$"}), "BUSYGROUP Consumer Group name already exists");
  for (int i = 1; i <= 3; ++i) Run({"xadd", "s", std::to_string(i) + "-0", "f", "v"});
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"}),
            "[[s, [[1-0, [f, v]], [2-0, [f, v]]]]]");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[(integer) 2, 1-0, 2-0, [[alice, 2]]]");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "streams", "s", "0"}),
            "[[s, [[1-0, [f, v]], [2-0, [f, v]]]]]");
  EXPECT_EQ(Run({"xack", "s", "g", "1-0"}), "(integer) 1");
  EXPECT_EQ(Run({"xclaim", "s", "g", "bob", "0", "2-0", "justid"}), "[2-0]");
  Run({"xdel", "s", "2-0"});
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "carol", "0", "0"}), "[0-0, [], [2-0]]");
  EXPECT_EQ(Run({"xinfo", "groups", "s"}),
            "[[name, g, consumers, (integer) 2, pending, (integer) 0, last-delivered-id, 2-0, "
            "entries-read, (integer) 2, lag, (nil)]]");
  EXPECT_EQ(Run({"xgroup", "createconsumer", "s", "g", "dave"}), "(integer) 1");
  EXPECT_EQ(Run({"xgroup", "delconsumer", "s", "g", "dave"}), "(integer) 0");
  EXPECT_EQ(Run({"xgroup", "setid", "s", "g", "0", "entriesread", "0"}), "OK");
  EXPECT_EQ(Run({"xgroup", "destroy", "s", "g"}), "(integer) 1");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"}),
            "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option");
  EXPECT_EQ(Run({"xgroup", "foo"}), "ERR unknown subcommand 'foo'. Try XGROUP HELP.");
}

TEST_F(StreamTest, SetIdAndInfo) {
  Run({"xadd", "s", "1-1", "a", "1"});
  Run({"xadd", "s", "5-1", "a", "1"});
  Run({"xdel", "s", "5-1"});
  EXPECT_EQ(Run({"xsetid", "s", "3-0"}), "OK");
  EXPECT_EQ(Run({"xsetid", "s", "2-0", "maxdeletedid", "3-0"}),
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
  EXPECT_EQ(Run({"xsetid", "s", "0-5"}),
            "ERR The ID specified in XSETID is smaller than the target stream top item");
  EXPECT_EQ(Run({"xsetid", "nokey", "1-1"}), "ERR no such key");
  EXPECT_EQ(Run({"xinfo", "stream", "s"}),
            "[length, (integer) 1, radix-tree-keys, (integer) 1, radix-tree-nodes, (integer) 2, "
            "last-generated-id, 3-0, max-deleted-entry-id, 5-1, entries-added, (integer) 2, "
            "recorded-first-entry-id, 1-1, groups, (integer) 0, first-entry, [1-1, [a, 1]], "
            "last-entry, [1-1, [a, 1]]]");
  EXPECT_EQ(Run({"xinfo", "stream", "s", "full", "count"}),
            "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.");
}

TEST_F(StreamTest, CopyKeepsGroups) {
  Run({"xadd", "s", "1-1", "a", "1"});
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "c", "streams", "s", ">"});
  EXPECT_EQ(Run({"copy", "s", "t"}), "(integer) 1");
  EXPECT_EQ(Run({"xpending", "t", "g"}), "[(integer) 1, 1-1, 1-1, [[c, 1]]]");
  EXPECT_EQ(Run({"xrange", "t", "-", "+"}), "[[1-1, [a, 1]]]");
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// XSETID can move the last ID back below entries that were deleted, so a node can hold a deleted
// entry with a larger ID before live ones: XDEL and XTRIM MINID must look past it (redis-server
// 7.0.15 replies as below).
class StreamReuseTest : public CommandTest {};

TEST_F(StreamReuseTest, DeletedEntriesOutOfOrderDoNotHideLiveOnes) {
  EXPECT_EQ(Run({"xadd", "s", "1-0", "f", "v"}), "1-0");
  EXPECT_EQ(Run({"xadd", "s", "5-0", "f", "v"}), "5-0");
  EXPECT_EQ(Run({"xdel", "s", "5-0"}), "(integer) 1");
  EXPECT_EQ(Run({"xsetid", "s", "2-0"}), "OK");
  EXPECT_EQ(Run({"xadd", "s", "3-0", "f", "v"}), "3-0");
  EXPECT_EQ(Run({"xrange", "s", "-", "+"}), "[[1-0, [f, v]], [3-0, [f, v]]]");
  EXPECT_EQ(Run({"xdel", "s", "3-0"}), "(integer) 1");
  EXPECT_EQ(Run({"xadd", "s", "4-0", "f", "v"}), "4-0");
  EXPECT_EQ(Run({"xtrim", "s", "minid", "4-0"}), "(integer) 1");
  EXPECT_EQ(Run({"xlen", "s"}), "(integer) 1");
}

}  // namespace
// Redis 7.0 propagates an approximate trim as "MAXLEN = <n> LIMIT <count>": refused from a
// user, applied in full from our primary (as from the AOF).
TEST_F(StreamTest, TrimWithLimitFromThePrimaryIsApplied) {
  for (int i = 1; i <= 3; ++i) Run({"xadd", "s", std::to_string(i) + "-0", "a", "1"});
  client_->flags |= kClientMaster;
  Run({"xadd", "s", "maxlen", "=", "1", "limit", "10", "4-0", "a", "1"});
  client_->flags &= ~kClientMaster;
  EXPECT_EQ(Run({"xlen", "s"}), "(integer) 1");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "=", "1", "limit", "10", "5-0", "a", "1"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
}

}  // namespace memkeydb
