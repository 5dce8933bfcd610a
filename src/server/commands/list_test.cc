// Tests of the list commands. Every expected reply was checked against redis-server 7.0.15.

#include <string>
#include <thread>
#include <vector>

#include "server/test_util.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using Ev = std::vector<std::string>;

class ListTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    a_ = server_->CreateFakeClient();
    b_ = server_->CreateFakeClient();
  }
  Client* a_;
  Client* b_;
};

TEST_F(ListTest, PushAndRange) {
  EXPECT_EQ(Run({"rpush", "l", "a", "b", "c"}), "(integer) 3");
  EXPECT_EQ(Run({"lpush", "l", "x", "y"}), "(integer) 5");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[y, x, a, b, c]");
  EXPECT_EQ(Run({"lrange", "l", "-2", "100"}), "[b, c]");
  EXPECT_EQ(Run({"lrange", "l", "3", "1"}), "[]");
  EXPECT_EQ(Run({"lrange", "l", "-100", "0"}), "[y]");
  EXPECT_EQ(Run({"lrange", "l", "-9223372036854775808", "9223372036854775807"}),
            "[y, x, a, b, c]");
  EXPECT_EQ(Run({"lrange", "nokey", "0", "-1"}), "[]");
  EXPECT_EQ(Run({"lrange", "nokey", "a", "1"}), kNotInt);
  EXPECT_EQ(Run({"llen", "l"}), "(integer) 5");
  EXPECT_EQ(Run({"llen", "nokey"}), "(integer) 0");
  EXPECT_EQ(Encoding("l"), "quicklist");
  EXPECT_EQ(Run({"type", "l"}), "list");
}

TEST_F(ListTest, PushXOnlyOnExistingLists) {
  EXPECT_EQ(Run({"lpushx", "l", "a"}), "(integer) 0");
  EXPECT_FALSE(Exists("l"));
  Run({"rpush", "l", "a"});
  EXPECT_EQ(Run({"rpushx", "l", "b", "c"}), "(integer) 3");
  EXPECT_EQ(Run({"lpushx", "l", "z"}), "(integer) 4");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[z, a, b, c]");
}

TEST_F(ListTest, PopsAndTheirNilShapes) {
  Run({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(Run({"lpop", "l"}), "a");
  EXPECT_EQ(Run({"rpop", "l"}), "d");
  EXPECT_EQ(Run({"rpop", "l", "5"}), "[c, b]");
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(Run({"lpop", "l"}), "(nil)");
  EXPECT_EQ(raw(), "$-1\r\n");
  EXPECT_EQ(Run({"lpop", "l", "1"}), "(nil)");
  EXPECT_EQ(raw(), "*-1\r\n");
  EXPECT_EQ(Run({"hello", "3"}).substr(0, 1), "{");
  EXPECT_EQ(Run({"lpop", "l", "1"}), "(nil)");
  EXPECT_EQ(raw(), "_\r\n");
  Run({"hello", "2"});
  Run({"rpush", "l", "a"});
  EXPECT_EQ(Run({"lpop", "l", "0"}), "[]");
  EXPECT_EQ(Run({"lpop", "l", "-1"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"lpop", "l", "x"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"lpop", "l", "1", "2"}), "ERR wrong number of arguments for 'lpop' command");
  EXPECT_EQ(Run({"lpop", "l", "9223372036854775807"}), "[a]");
}

TEST_F(ListTest, WrongType) {
  Run({"set", "s", "v"});
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"lpush", "s", "a"}, {"rpushx", "s", "a"}, {"lpop", "s"}, {"rpop", "s", "0"},
           {"llen", "s"}, {"lindex", "s", "x"}, {"lset", "s", "0", "v"}, {"lrange", "s", "0", "1"},
           {"ltrim", "s", "0", "1"}, {"lrem", "s", "0", "a"}, {"linsert", "s", "before", "a", "b"},
           {"lpos", "s", "a"}, {"lmove", "s", "d", "left", "left"}, {"rpoplpush", "s", "d"},
           {"lmpop", "2", "nokey", "s", "left"}, {"blpop", "nokey", "s", "0"},
           {"blmove", "s", "d", "left", "left", "0"}}) {
    EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  }
  Run({"rpush", "l", "a"});
  EXPECT_EQ(Run({"lmove", "l", "s", "left", "left"}), kWrongType);
  EXPECT_EQ(Run({"llen", "l"}), "(integer) 1");
  // Argument errors come before the key's type where Redis checks them first.
  EXPECT_EQ(Run({"lrange", "s", "x", "1"}), kNotInt);
  EXPECT_EQ(Run({"lpop", "s", "x"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"linsert", "s", "foo", "a", "b"}), kSyntax);
}

TEST_F(ListTest, IndexAndSet) {
  Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(Run({"lindex", "l", "0"}), "a");
  EXPECT_EQ(Run({"lindex", "l", "-1"}), "c");
  EXPECT_EQ(Run({"lindex", "l", "3"}), "(nil)");
  EXPECT_EQ(Run({"lindex", "l", "-4"}), "(nil)");
  EXPECT_EQ(Run({"lindex", "l", "x"}), kNotInt);
  EXPECT_EQ(Run({"lindex", "nokey", "x"}), "(nil)");  // the key is looked up first
  EXPECT_EQ(Run({"lset", "l", "1", "B"}), "OK");
  EXPECT_EQ(Run({"lset", "l", "-1", "C"}), "OK");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[a, B, C]");
  EXPECT_EQ(Run({"lset", "l", "3", "x"}), "ERR index out of range");
  EXPECT_EQ(Run({"lset", "l", "x", "x"}), kNotInt);
  EXPECT_EQ(Run({"lset", "nokey", "x", "y"}), "ERR no such key");
}

TEST_F(ListTest, Trim) {
  Run({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(Run({"ltrim", "l", "1", "-2"}), "OK");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[b, c, d]");
  EXPECT_EQ(Run({"ltrim", "l", "1", "100"}), "OK");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[c, d]");
  EXPECT_EQ(Run({"ltrim", "l", "2", "1"}), "OK");
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(Run({"ltrim", "nokey", "0", "1"}), "OK");
  EXPECT_EQ(Run({"ltrim", "nokey", "x", "1"}), kNotInt);
}

TEST_F(ListTest, RemInsertPos) {
  Run({"rpush", "l", "a", "b", "a", "c", "a"});
  EXPECT_EQ(Run({"lpos", "l", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "-1"}), "(integer) 4");
  EXPECT_EQ(Run({"lpos", "l", "a", "count", "0"}), "[(integer) 0, (integer) 2, (integer) 4]");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "-1", "count", "2"}), "[(integer) 4, (integer) 2]");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "2", "count", "1", "maxlen", "2"}), "[]");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "-9223372036854775808", "count", "1"}),
            "[(integer) 4, (integer) 2, (integer) 0]");
  EXPECT_EQ(Run({"lpos", "l", "z"}), "(nil)");
  EXPECT_EQ(Run({"lpos", "nokey", "a", "count", "1"}), "[]");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "0"}),
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
  EXPECT_EQ(Run({"lpos", "l", "a", "count", "-1"}), "ERR COUNT can't be negative");
  EXPECT_EQ(Run({"lpos", "l", "a", "maxlen", "x"}), "ERR MAXLEN can't be negative");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank"}), kSyntax);

  EXPECT_EQ(Run({"linsert", "l", "before", "c", "X"}), "(integer) 6");
  EXPECT_EQ(Run({"linsert", "l", "AFTER", "c", "Y"}), "(integer) 7");
  EXPECT_EQ(Run({"linsert", "l", "after", "zz", "Y"}), "(integer) -1");
  EXPECT_EQ(Run({"linsert", "nokey", "before", "a", "b"}), "(integer) 0");
  EXPECT_EQ(Run({"linsert", "l", "middle", "a", "b"}), kSyntax);
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[a, b, a, X, c, Y, a]");

  EXPECT_EQ(Run({"lrem", "l", "-1", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"lrem", "l", "1", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[b, a, X, c, Y]");
  EXPECT_EQ(Run({"lrem", "l", "0", "a"}), "(integer) 1");
  EXPECT_EQ(Run({"lrem", "l", "x", "a"}), kNotInt);
  EXPECT_EQ(Run({"lrem", "nokey", "1", "a"}), "(integer) 0");
  EXPECT_EQ(Run({"lrem", "l", "-9223372036854775808", "b"}), "(integer) 1");
}

TEST_F(ListTest, MovesAndRotation) {
  Run({"rpush", "src", "a", "b", "c"});
  EXPECT_EQ(Run({"lmove", "src", "dst", "left", "right"}), "a");
  EXPECT_EQ(Run({"rpoplpush", "src", "dst"}), "c");
  EXPECT_EQ(Run({"lrange", "dst", "0", "-1"}), "[c, a]");
  EXPECT_EQ(Run({"lmove", "dst", "dst", "left", "right"}), "c");  // rotation
  EXPECT_EQ(Run({"lrange", "dst", "0", "-1"}), "[a, c]");
  EXPECT_EQ(Run({"lmove", "src", "src", "right", "left"}), "b");  // a one-element rotation
  EXPECT_EQ(Run({"lrange", "src", "0", "-1"}), "[b]");
  EXPECT_EQ(Run({"lmove", "nokey", "dst", "left", "left"}), "(nil)");
  EXPECT_EQ(Run({"lmove", "src", "dst", "up", "left"}), kSyntax);
  EXPECT_EQ(Run({"lmove", "src", "dst", "left", "right"}), "b");
  EXPECT_FALSE(Exists("src"));
}

TEST_F(ListTest, MPop) {
  Run({"rpush", "b", "1", "2", "3"});
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "left"}), "[b, [1]]");
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "right", "count", "5"}), "[b, [3, 2]]");
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "right"}), "(nil)");
  EXPECT_EQ(raw(), "*-1\r\n");
  EXPECT_EQ(Run({"lmpop", "0", "a", "left"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Run({"lmpop", "x", "a", "left"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Run({"lmpop", "9223372036854775807", "a", "left"}), kSyntax);
  EXPECT_EQ(Run({"lmpop", "1", "a", "middle"}), kSyntax);
  EXPECT_EQ(Run({"lmpop", "1", "a", "left", "count", "0"}), "ERR count should be greater than 0");
  EXPECT_EQ(Run({"lmpop", "1", "a", "left", "count", "1", "count", "1"}), kSyntax);
  EXPECT_EQ(Run({"blmpop", "-1", "0", "a", "left"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Run({"blmpop", "-1", "1", "a", "left"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"command", "getkeys", "lmpop", "2", "a", "b", "left"}), "[a, b]");
}

TEST_F(ListTest, KeyspaceEvents) {
  WatchEvents();
  Run({"rpush", "l", "a", "b"});
  Run({"lpush", "l", "c"});
  Run({"lset", "l", "0", "C"});
  Run({"linsert", "l", "before", "a", "x"});
  Run({"lrem", "l", "1", "x"});
  Run({"ltrim", "l", "0", "-1"});
  EXPECT_EQ(Events(), (Ev{"rpush:l", "lpush:l", "lset:l", "linsert:l", "lrem:l", "ltrim:l"}));
  Run({"lmove", "l", "m", "left", "right"});
  EXPECT_EQ(Events(), (Ev{"rpush:m", "lpop:l"}));
  Run({"rpop", "l", "10"});
  EXPECT_EQ(Events(), (Ev{"rpop:l", "del:l"}));
  Run({"lrem", "m", "0", "nothing"});
  Run({"linsert", "m", "before", "nothing", "x"});
  EXPECT_EQ(Events(), Ev{});
}

TEST_F(ListTest, WatchSeesListWrites) {
  Run({"rpush", "l", "a"});
  Run({"watch", "l"});
  RunAs(a_, {"rpush", "l", "b"});
  Run({"multi"});
  Run({"llen", "l"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

TEST_F(ListTest, LongListsSpanNodes) {
  std::vector<std::string> push = {"rpush", "l"};
  for (int i = 0; i < 5000; ++i) push.push_back("element:" + std::to_string(i));
  EXPECT_EQ(Run(push), "(integer) 5000");
  EXPECT_EQ(Run({"lindex", "l", "2500"}), "element:2500");
  EXPECT_EQ(Run({"lindex", "l", "-2500"}), "element:2500");
  EXPECT_EQ(Run({"lset", "l", "4000", std::string(20000, 'x')}), "OK");
  EXPECT_EQ(Run({"lindex", "l", "4000"}), std::string(20000, 'x'));
  EXPECT_EQ(Run({"lrange", "l", "3999", "4001"}),
            "[element:3999, " + std::string(20000, 'x') + ", element:4001]");
  EXPECT_EQ(Run({"lpos", "l", "element:4999"}), "(integer) 4999");
  EXPECT_EQ(Run({"ltrim", "l", "100", "-101"}), "OK");
  EXPECT_EQ(Run({"llen", "l"}), "(integer) 4800");
  EXPECT_EQ(Run({"lindex", "l", "0"}), "element:100");
}

TEST_F(ListTest, CompressedListsKeepTheirSettings) {
  CollectionLimits saved = Limits();
  Limits().list_max_listpack_size = 4;
  Limits().list_compress_depth = 1;
  std::vector<std::string> push = {"rpush", "l"};
  for (int i = 0; i < 200; ++i) push.push_back("element-element-element-" + std::to_string(i));
  Run(push);
  Limits() = saved;
  EXPECT_EQ(Run({"lindex", "l", "100"}), "element-element-element-100");
  EXPECT_EQ(Run({"linsert", "l", "after", "element-element-element-100", "x"}), "(integer) 201");
  EXPECT_EQ(Run({"lrange", "l", "100", "102"}),
            "[element-element-element-100, x, element-element-element-101]");
  EXPECT_EQ(Run({"copy", "l", "l2"}), "(integer) 1");
  EXPECT_EQ(Run({"lindex", "l2", "101"}), "x");
}

// ---------------------------------------------------------------------------------------------
// Blocking

TEST_F(ListTest, BlockingPopServesAtOnce) {
  Run({"rpush", "b", "x", "y"});
  EXPECT_EQ(Run({"blpop", "a", "b", "0"}), "[b, x]");
  EXPECT_EQ(Run({"brpop", "a", "b", "0"}), "[b, y]");
  EXPECT_FALSE(Exists("b"));
}

TEST_F(ListTest, BlockedClientsAreServedInFifoOrder) {
  EXPECT_EQ(RunAs(a_, {"blpop", "k", "0"}), "<no reply>");
  EXPECT_EQ(RunAs(b_, {"brpop", "other", "k", "0"}), "<no reply>");
  EXPECT_EQ(server_->blocked_clients(), 2u);
  EXPECT_EQ(Run({"rpush", "k", "1", "2", "3"}), "(integer) 3");
  EXPECT_EQ(Received(a_), "[k, 1]");
  EXPECT_EQ(Received(b_), "[k, 3]");
  EXPECT_EQ(Run({"lrange", "k", "0", "-1"}), "[2]");
  EXPECT_EQ(server_->blocked_clients(), 0u);
}

TEST_F(ListTest, BlockingInsideMultiRepliesAsTimedOut) {
  Run({"multi"});
  Run({"blpop", "k", "0"});
  Run({"blmove", "k", "d", "left", "left", "0"});
  Run({"brpoplpush", "k", "d", "0"});
  Run({"blmpop", "0", "1", "k", "left"});
  EXPECT_EQ(Run({"exec"}), "[(nil), (nil), (nil), (nil)]");
  EXPECT_EQ(raw(), "*4\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n");
}

TEST_F(ListTest, PushInsideMultiWakesAfterExec) {
  RunAs(a_, {"blpop", "k", "0"});
  Run({"multi"});
  Run({"rpush", "k", "1"});
  Run({"rpush", "k", "2"});
  EXPECT_EQ(Run({"exec"}), "[(integer) 1, (integer) 2]");
  EXPECT_EQ(Received(a_), "[k, 1]");
  EXPECT_EQ(Run({"lrange", "k", "0", "-1"}), "[2]");
}

TEST_F(ListTest, BlockingMoveChains) {
  // a waits to move from s1 to s2; b waits on s2: one push ripples through.
  EXPECT_EQ(RunAs(a_, {"blmove", "s1", "s2", "left", "right", "0"}), "<no reply>");
  EXPECT_EQ(RunAs(b_, {"blpop", "s2", "0"}), "<no reply>");
  Run({"rpush", "s1", "v"});
  EXPECT_EQ(Received(a_), "v");
  EXPECT_EQ(Received(b_), "[s2, v]");
  EXPECT_FALSE(Exists("s1"));
  EXPECT_FALSE(Exists("s2"));
}

TEST_F(ListTest, BlockedMoveToWrongTypeFails) {
  Run({"set", "d", "string"});
  RunAs(a_, {"blmove", "s", "d", "left", "left", "0"});
  Run({"rpush", "s", "v"});
  EXPECT_EQ(Received(a_), kWrongType);
  EXPECT_EQ(Run({"llen", "s"}), "(integer) 1");
}

TEST_F(ListTest, BlockedPopWaitsThroughAnotherType) {
  RunAs(a_, {"blpop", "k", "0"});
  Run({"set", "k", "v"});
  EXPECT_EQ(Received(a_), "");
  Run({"del", "k"});
  Run({"lpush", "k", "x"});
  EXPECT_EQ(Received(a_), "[k, x]");
}

TEST_F(ListTest, BlockingTimeoutAndUnblock) {
  RunAs(a_, {"blpop", "k", "0.001"});
  RunAs(b_, {"blmpop", "0", "1", "k", "left", "count", "2"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->blocking().HandleTimeouts();
  EXPECT_EQ(a_->output(), "*-1\r\n");
  EXPECT_EQ(server_->blocked_clients(), 1u);
  EXPECT_EQ(Run({"client", "unblock", std::to_string(b_->id()), "error"}), "(integer) 1");
  EXPECT_EQ(Received(b_), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  EXPECT_EQ(Run({"blpop", "k", "-1"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"blpop", "k", "x"}), "ERR timeout is not a float or out of range");
}

TEST_F(ListTest, BlockedMPopGetsUpToCount) {
  RunAs(a_, {"blmpop", "0", "2", "x", "y", "right", "count", "2"});
  Run({"rpush", "y", "1", "2", "3"});
  EXPECT_EQ(Received(a_), "[y, [3, 2]]");
}

}  // namespace
}  // namespace memkeydb
