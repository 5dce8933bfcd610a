// The stream of writes (server/propagation.h): what each command feeds to a WriteSink, checked
// against what redis-server 7.0.15 writes to its AOF for the same commands, and a randomized
// replay: the stream fed by one server, run on a second one, must rebuild the same keyspace.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "server/propagation.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

// Records what it is fed, one line per command, with the SELECT an AOF would write before a
// command of another database.
class CaptureSink : public WriteSink {
 public:
  explicit CaptureSink(bool replica = false) : replica_(replica) {}
  void Feed(int db, const ArgList& argv) override {
    if (db != db_) {
      commands_.push_back({"SELECT", std::to_string(db)});
      db_ = db;
    }
    commands_.emplace_back(argv.begin(), argv.end());
  }
  bool WantsReplicasOnly() const override { return replica_; }

  // The lines fed since the last call, joined by " | ".
  std::string Take() {
    std::string out;
    for (const auto& cmd : commands_) {
      if (!out.empty()) out += " | ";
      for (size_t i = 0; i < cmd.size(); ++i) out += (i ? " " : "") + cmd[i];
    }
    commands_.clear();
    return out;
  }
  std::vector<std::vector<std::string>> TakeCommands() {
    std::vector<std::vector<std::string>> out;
    out.swap(commands_);
    return out;
  }

 private:
  bool replica_;
  int db_ = 0;
  std::vector<std::vector<std::string>> commands_;
};

class PropagationTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    server_->AddWriteSink(&sink_);
  }
  void TearDown() override {
    server_->RemoveWriteSink(&sink_);
    CommandTest::TearDown();
  }
  std::string Fed() { return sink_.Take(); }
  // The key's absolute expiry in ms, as text (what a PEXPIREAT or PXAT carries).
  std::string ExpireAt(std::string_view key) {
    const Entry* e = Find(key);
    return e == nullptr ? "(none)" : std::to_string(e->expire_at());
  }
  // Gives an existing key a deadline already past, without telling anyone: the next lookup
  // finds it expired.
  void ExpireSilently(std::string_view key, int db_index = 0) {
    Entry* e = server_->db(db_index).FindRaw(key);
    ASSERT_NE(e, nullptr);
    server_->db(db_index).SetExpire(&e, 1);
  }

  CaptureSink sink_;
};

// ---------------------------------------------------------------------------------------------
// Plain commands, and commands that change nothing

TEST_F(PropagationTest, WritesAreFedAsTyped) {
  Run({"set", "k", "v"});
  Run({"RPush", "l", "a", "b"});
  EXPECT_EQ(Fed(), "set k v | RPush l a b");
}

TEST_F(PropagationTest, CommandsThatChangeNothingFeedNothing) {
  Run({"set", "k", "v"});
  Fed();
  Run({"get", "k"});
  Run({"set", "k", "x", "nx"});
  Run({"del", "missing"});
  Run({"expire", "missing", "10"});
  Run({"sadd", "s", "a"});
  Fed();
  Run({"sadd", "s", "a"});
  Run({"incr", "s"});  // WRONGTYPE
  Run({"spop", "missing"});
  Run({"lmove", "nolist", "x", "left", "left"});
  Run({"persist", "k"});
  EXPECT_EQ(Fed(), "");
}

TEST_F(PropagationTest, NothingIsFedWithoutSinksOrWhileLoading) {
  server_->set_loading(true);
  EXPECT_TRUE(server_->loading());
  Run({"set", "k", "v", "ex", "100"});
  Run({"multi"});
  Run({"set", "a", "1"});
  Run({"incr", "a"});
  Run({"exec"});
  EXPECT_EQ(Fed(), "");
  server_->set_loading(false);
  Run({"set", "k", "v"});
  EXPECT_EQ(Fed(), "set k v");
  server_->RemoveWriteSink(&sink_);
  Run({"set", "k", "w"});
  server_->AddWriteSink(&sink_);
  EXPECT_EQ(Fed(), "");
}

TEST_F(PropagationTest, EverySinkGetsEveryCommand) {
  CaptureSink second;
  server_->AddWriteSink(&second);
  Run({"set", "k", "v"});
  EXPECT_EQ(second.Take(), "set k v");
  EXPECT_EQ(Fed(), "set k v");
  server_->RemoveWriteSink(&second);
}

// ---------------------------------------------------------------------------------------------
// Transactions

TEST_F(PropagationTest, ExecWrapsSeveralWritesInMultiExec) {
  Run({"multi"});
  Run({"set", "c", "1"});
  Run({"get", "c"});
  Run({"incr", "c"});
  EXPECT_EQ(Run({"exec"}), "[OK, 1, (integer) 2]");
  EXPECT_EQ(Fed(), "MULTI | set c 1 | incr c | EXEC");
}

TEST_F(PropagationTest, ExecOfOneWriteIsNotWrapped) {
  Run({"multi"});
  Run({"set", "b", "2"});
  Run({"get", "b"});
  Run({"exec"});
  EXPECT_EQ(Fed(), "set b 2");
}

TEST_F(PropagationTest, ExecWithoutWritesFeedsNothing) {
  Run({"set", "a", "1"});
  Fed();
  Run({"multi"});
  Run({"get", "a"});
  Run({"set", "a", "2", "nx"});
  Run({"exec"});
  Run({"multi"});
  Run({"exec"});
  EXPECT_EQ(Fed(), "");
}

TEST_F(PropagationTest, ExecAcrossDatabasesSelectsInside) {
  Run({"rpush", "l1", "x"});
  Fed();
  Run({"multi"});
  Run({"rpush", "l1", "y"});
  Run({"blpop", "l1", "0"});
  Run({"select", "1"});
  Run({"set", "a", "1"});
  Run({"exec"});
  EXPECT_EQ(Fed(), "MULTI | rpush l1 y | LPOP l1 | SELECT 1 | set a 1 | EXEC");
  Run({"set", "b", "1"});
  Run({"select", "0"});
  Run({"set", "c", "1"});
  EXPECT_EQ(Fed(), "set b 1 | SELECT 0 | set c 1");
}

// ---------------------------------------------------------------------------------------------
// Expiry and eviction

TEST_F(PropagationTest, LazyExpiryPrecedesTheCommandInsideMultiExec) {
  Run({"set", "k", "v"});
  Run({"set", "k2", "v"});
  Run({"set", "k3", "v"});
  Fed();
  ExpireSilently("k");
  Run({"set", "k", "v2"});
  EXPECT_EQ(Fed(), "MULTI | DEL k | set k v2 | EXEC");
  ExpireSilently("k2");
  Run({"incr", "k2"});
  EXPECT_EQ(Fed(), "MULTI | DEL k2 | incr k2 | EXEC");
  // A read, or a write that then changes nothing, feeds the DEL alone.
  ExpireSilently("k3");
  Run({"get", "k3"});
  EXPECT_EQ(Fed(), "DEL k3");
  Run({"set", "k3", "v"});
  ExpireSilently("k3");
  Fed();
  Run({"set", "k3", "x", "xx"});
  EXPECT_EQ(Fed(), "DEL k3");
}

TEST_F(PropagationTest, LazyExpiryInOtherDatabaseAndWithLazyfree) {
  server_->config().lazyfree_lazy_expire = true;
  Run({"select", "2"});
  Run({"set", "k", "v"});
  EXPECT_EQ(Fed(), "SELECT 2 | set k v");
  ExpireSilently("k", 2);
  Run({"exists", "k"});
  EXPECT_EQ(Fed(), "UNLINK k");
}

TEST_F(PropagationTest, ActiveExpiryFeedsEachDeletionAlone) {
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  Run({"select", "3"});
  Run({"set", "c", "1"});
  Fed();
  ExpireSilently("a");
  ExpireSilently("b");
  ExpireSilently("c", 3);
  for (int db : {0, 3}) server_->db(db).ActiveExpire(NowMs(), MonotonicUs() + 100000, 20, 10);
  std::string fed = Fed();
  // Order within db 0 is random; no MULTI.
  EXPECT_TRUE(fed == "SELECT 0 | DEL a | DEL b | SELECT 3 | DEL c" ||
              fed == "SELECT 0 | DEL b | DEL a | SELECT 3 | DEL c")
      << fed;
}

TEST_F(PropagationTest, EvictionFeedsDeletionsBeforeTheCommand) {
  for (int i = 0; i < 20; ++i) Run({"set", "k" + std::to_string(i), std::string(10000, 'x')});
  Fed();
  server_->config().maxmemory_policy = "allkeys-random";
  server_->ApplyEvictionPolicy();
  server_->config().lazyfree_lazy_eviction = true;
  server_->config().maxmemory = static_cast<int64_t>(MemoryTiers::Get().used_total()) - 25000;
  Run({"set", "new", "1"});
  server_->config().maxmemory = 0;
  auto cmds = sink_.TakeCommands();
  ASSERT_GE(cmds.size(), 3u);
  for (size_t i = 0; i + 1 < cmds.size(); ++i) {
    EXPECT_EQ(cmds[i][0], "UNLINK");
    EXPECT_EQ(cmds[i].size(), 2u);
  }
  EXPECT_EQ(cmds.back(), (std::vector<std::string>{"set", "new", "1"}));
}

// ---------------------------------------------------------------------------------------------
// Rewrites of time-dependent commands

TEST_F(PropagationTest, ExpireFamilyBecomesPexpireat) {
  Run({"set", "k", "v"});
  Fed();
  Run({"expire", "k", "100"});
  EXPECT_EQ(Fed(), "PEXPIREAT k " + ExpireAt("k"));
  Run({"pexpire", "k", "200000", "gt"});
  EXPECT_EQ(Fed(), "PEXPIREAT k " + ExpireAt("k") + " gt");
  Run({"expireat", "k", "99999999999"});
  EXPECT_EQ(Fed(), "PEXPIREAT k 99999999999000");
  Run({"pexpireat", "k", "99999999999001"});
  EXPECT_EQ(Fed(), "pexpireat k 99999999999001");
  Run({"expire", "k", "100", "nx"});  // has a TTL: no change
  EXPECT_EQ(Fed(), "");
  Run({"expire", "k", "-5"});
  EXPECT_EQ(Fed(), "DEL k");
  Run({"set", "k", "v"});
  server_->config().lazyfree_lazy_expire = true;
  Run({"expireat", "k", "1"});
  EXPECT_EQ(Fed(), "set k v | UNLINK k");
}

TEST_F(PropagationTest, SetWithRelativeExpiryBecomesPxat) {
  Run({"set", "a", "1", "ex", "100"});
  EXPECT_EQ(Fed(), "SET a 1 PXAT " + ExpireAt("a"));
  Run({"set", "a", "2", "px", "100000", "xx", "get"});
  EXPECT_EQ(Fed(), "SET a 2 PXAT " + ExpireAt("a"));
  Run({"set", "a", "3", "exat", "99999999999"});
  EXPECT_EQ(Fed(), "SET a 3 PXAT 99999999999000");
  Run({"set", "a", "4", "pxat", "99999999999001", "xx"});
  EXPECT_EQ(Fed(), "set a 4 pxat 99999999999001 xx");
  Run({"setex", "b", "100", "v"});
  EXPECT_EQ(Fed(), "SET b v PXAT " + ExpireAt("b"));
  Run({"psetex", "b", "100000", "w"});
  EXPECT_EQ(Fed(), "SET b w PXAT " + ExpireAt("b"));
  Run({"set", "b", "x", "keepttl"});
  EXPECT_EQ(Fed(), "set b x keepttl");
  Run({"getset", "b", "y"});
  EXPECT_EQ(Fed(), "SET b y");
  // An expiry already past is fed as is (Redis 7.0: the key then expires on its next lookup).
  Run({"set", "c", "v", "exat", "1"});
  EXPECT_EQ(Fed(), "SET c v PXAT 1000");
}

TEST_F(PropagationTest, GetexBecomesPexpireatPersistOrDel) {
  Run({"set", "k", "v"});
  Fed();
  Run({"getex", "k"});
  EXPECT_EQ(Fed(), "");
  Run({"getex", "k", "px", "5000"});
  EXPECT_EQ(Fed(), "PEXPIREAT k " + ExpireAt("k"));
  Run({"getex", "k", "pxat", "99999999999000"});
  EXPECT_EQ(Fed(), "PEXPIREAT k 99999999999000");
  Run({"getex", "k", "persist"});
  EXPECT_EQ(Fed(), "PERSIST k");
  Run({"getex", "k", "persist"});
  EXPECT_EQ(Fed(), "");
  Run({"getex", "k", "exat", "1"});
  EXPECT_EQ(Fed(), "DEL k");
}

TEST_F(PropagationTest, FloatIncrementsBecomeTheirResult) {
  Run({"set", "n", "1.5", "ex", "100"});
  Fed();
  EXPECT_EQ(Run({"incrbyfloat", "n", "2"}), "3.5");
  EXPECT_EQ(Fed(), "SET n 3.5 KEEPTTL");
  EXPECT_EQ(Run({"incrbyfloat", "f", "0.1"}), "0.1");
  EXPECT_EQ(Fed(), "SET f 0.1 KEEPTTL");
  Run({"hincrbyfloat", "h", "a", "1.5"});
  Run({"hincrbyfloat", "h", "a", "1e3"});
  EXPECT_EQ(Fed(), "HSET h a 1.5 | HSET h a 1001.5");
}

// ---------------------------------------------------------------------------------------------
// Rewrites of random choices

TEST_F(PropagationTest, SpopFeedsTheMembersItPicked) {
  Run({"sadd", "s", "a"});
  Fed();
  EXPECT_EQ(Run({"spop", "s"}), "a");
  EXPECT_EQ(Fed(), "SREM s a");  // SREM even for the last member
  Run({"sadd", "s", "a", "b", "c", "d", "e"});
  Fed();
  std::string one = Run({"spop", "s"});
  EXPECT_EQ(Fed(), "SREM s " + one);
  std::string two = Run({"spop", "s", "2"});
  std::string fed = Fed();
  ASSERT_EQ(two.size(), 6u) << two;  // "[x, y]"
  EXPECT_EQ(fed, "MULTI | SREM s " + two.substr(1, 1) + " | SREM s " + two.substr(4, 1) + " | EXEC");
  Run({"spop", "s", "1"});
  EXPECT_EQ(Fed().substr(0, 7), "SREM s ");
  server_->config().lazyfree_lazy_user_del = true;
  Run({"spop", "s", "5"});
  EXPECT_EQ(Fed(), "DEL s");
  Run({"spop", "s", "5"});
  EXPECT_EQ(Fed(), "");
}

TEST_F(PropagationTest, SpopOfMostOfALargeSetFeedsEachMember) {
  std::vector<std::string> add = {"sadd", "big"};
  for (int i = 0; i < 300; ++i) add.push_back("member-" + std::to_string(i));
  Run(add);
  Fed();
  Run({"spop", "big", "290"});
  auto cmds = sink_.TakeCommands();
  ASSERT_EQ(cmds.size(), 292u);
  EXPECT_EQ(cmds.front()[0], "MULTI");
  EXPECT_EQ(cmds.back()[0], "EXEC");
  for (size_t i = 1; i + 1 < cmds.size(); ++i) {
    EXPECT_EQ(cmds[i][0], "SREM");
    EXPECT_EQ(Run({"sismember", "big", cmds[i][2]}), "(integer) 0");
  }
  EXPECT_EQ(Run({"scard", "big"}), "(integer) 10");
}

// ---------------------------------------------------------------------------------------------
// Blocking commands

TEST_F(PropagationTest, BlockingPopsServedAtOnceBecomePlainPops) {
  Run({"rpush", "l", "a", "b", "c", "d", "e"});
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  Fed();
  Run({"blpop", "none", "l", "0"});
  Run({"brpop", "l", "0"});
  Run({"blmove", "l", "l2", "left", "right", "0"});
  Run({"brpoplpush", "l2", "l", "0"});
  Run({"blmpop", "0", "2", "none", "l", "right", "count", "10"});
  Run({"lmpop", "1", "l2", "left"});
  EXPECT_EQ(Fed(),
            "LPOP l | RPOP l | LMOVE l l2 left right | RPOPLPUSH l2 l | RPOP l 3");
  Run({"bzpopmin", "z", "0"});
  Run({"bzpopmax", "none", "z", "0"});
  Run({"bzmpop", "0", "1", "z", "min", "count", "5"});
  Run({"zadd", "z", "1", "a"});
  Run({"zmpop", "1", "z", "max"});
  Run({"zpopmin", "z"});  // z is gone: nothing
  EXPECT_EQ(Fed(), "ZPOPMIN z | ZPOPMAX z | ZPOPMIN z 2 | zadd z 1 a | ZPOPMAX z 1");
}

TEST_F(PropagationTest, BlockedClientsServedLaterFeedPlainPops) {
  Client* a = server_->CreateFakeClient();
  Client* b = server_->CreateFakeClient();
  Client* c = server_->CreateFakeClient();
  EXPECT_EQ(RunAs(a, {"blpop", "l", "0"}), "<no reply>");
  EXPECT_EQ(RunAs(b, {"blmpop", "0", "1", "l", "right", "count", "5"}), "<no reply>");
  EXPECT_EQ(RunAs(c, {"bzpopmax", "z", "0"}), "<no reply>");
  EXPECT_EQ(Fed(), "");
  Run({"rpush", "l", "1", "2", "3"});
  EXPECT_EQ(Fed(), "rpush l 1 2 3 | LPOP l | RPOP l 2");
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Fed(), "zadd z 1 a 2 b | ZPOPMAX z");
  EXPECT_EQ(Received(a), "[l, 1]");
}

// ---------------------------------------------------------------------------------------------
// Streams

TEST_F(PropagationTest, XaddFeedsTheIdChosenAndExactTrims) {
  std::string id = Run({"xadd", "s", "*", "a", "1"});
  EXPECT_EQ(Fed(), "xadd s " + id + " a 1");
  Run({"xadd", "s", "99999999999999-*", "a", "2"});
  EXPECT_EQ(Fed(), "xadd s 99999999999999-0 a 2");
  Run({"xadd", "s", "99999999999999-5", "a", "3"});
  EXPECT_EQ(Fed(), "xadd s 99999999999999-5 a 3");
  Run({"xadd", "s", "maxlen", "~", "2", "*", "a", "4"});
  EXPECT_EQ(Fed(), "xadd s maxlen = 4 99999999999999-6 a 4");
  Run({"xadd", "s", "maxlen", "2", "*", "a", "5"});
  EXPECT_EQ(Fed(), "xadd s maxlen 2 99999999999999-7 a 5");
  Run({"xadd", "s", "nomkstream", "minid", "~", "0", "*", "a", "6"});
  EXPECT_EQ(Fed(), "xadd s nomkstream minid = 99999999999999-6 99999999999999-8 a 6");
  // LIMIT goes: Redis 7.0 keeps it, which makes its own rewrite a syntax error on replay.
  Run({"xadd", "s", "limit", "10", "maxlen", "~", "1", "*", "a", "7"});
  EXPECT_EQ(Fed(), "xadd s maxlen = 4 99999999999999-9 a 7");
  Run({"xadd", "s", "99999999999999-1", "a", "8"});  // too small: error
  Run({"xtrim", "s", "maxlen", "~", "1"});           // nothing trimmed
  EXPECT_EQ(Fed(), "");
  Run({"xtrim", "s", "maxlen", "1"});
  EXPECT_EQ(Fed(), "xtrim s maxlen 1");
}

TEST_F(PropagationTest, XtrimApproximateBecomesExact) {
  Run({"config", "set", "stream-node-max-entries", "2"});
  for (int i = 1; i <= 7; ++i) Run({"xadd", "s", std::to_string(i) + "-1", "f", "v"});
  Fed();
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "~", "3"}), "(integer) 4");
  EXPECT_EQ(Fed(), "xtrim s maxlen = 3");
  EXPECT_EQ(Run({"xtrim", "s", "minid", "~", "7-1", "limit", "100"}), "(integer) 2");
  EXPECT_EQ(Fed(), "xtrim s minid = 7-1");
}

TEST_F(PropagationTest, XreadgroupFeedsClaimsAndGroupPosition) {
  Run({"xadd", "s", "1-1", "a", "1"});
  Run({"xadd", "s", "2-1", "a", "1"});
  Run({"xadd", "s", "3-1", "a", "1"});
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xgroup", "create", "s", "g2", "$", "mkstream", "entriesread", "2"});
  Run({"xgroup", "createconsumer", "s", "g", "c9"});
  Run({"xgroup", "createconsumer", "s", "g", "c9"});
  EXPECT_EQ(Fed(),
            "xadd s 1-1 a 1 | xadd s 2-1 a 1 | xadd s 3-1 a 1 | xgroup create s g 0 | "
            "xgroup create s g2 $ mkstream entriesread 2 | xgroup createconsumer s g c9");
  int64_t t = NowMs();
  Run({"xreadgroup", "group", "g", "c1", "count", "2", "streams", "s", ">"});
  std::string fed = Fed();
  // TIME is the read's clock: accept the ms the command ran in.
  for (int64_t now = t; now <= NowMs(); ++now) {
    std::string ts = std::to_string(now);
    std::string want = "MULTI | XCLAIM s g c1 0 1-1 TIME " + ts +
                       " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1 | XCLAIM s g c1 0 2-1 TIME " + ts +
                       " RETRYCOUNT 1 FORCE JUSTID LASTID 2-1 | EXEC";
    if (fed == want) break;
    ASSERT_LT(now, NowMs()) << fed;
  }
  Run({"xreadgroup", "group", "g", "c2", "noack", "count", "1", "streams", "s", ">"});
  EXPECT_EQ(Fed(),
            "MULTI | XGROUP CREATECONSUMER s g c2 | XGROUP SETID s g 3-1 ENTRIESREAD 3 | EXEC");
  // History reads and reads with nothing new feed nothing.
  Run({"xreadgroup", "group", "g", "c1", "streams", "s", "0"});
  Run({"xreadgroup", "group", "g", "c3", "streams", "s", ">"});
  EXPECT_EQ(Fed(), "");
}

// Masks the value after each TIME: the clock the command ran at.
std::string MaskTimes(std::string s) {
  size_t pos = 0;
  while ((pos = s.find("TIME ", pos)) != std::string::npos) {
    pos += 5;
    size_t end = s.find(' ', pos);
    s.replace(pos, end - pos, "T");
  }
  return s;
}

TEST_F(PropagationTest, XclaimAndXautoclaimFeedXclaimForms) {
  Run({"xadd", "s", "1-1", "a", "1"});
  Run({"xadd", "s", "2-1", "a", "1"});
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "c1", "streams", "s", ">"});
  Run({"xdel", "s", "1-1"});
  Fed();
  Run({"xautoclaim", "s", "g", "c2", "0", "0-0"});
  // The deleted entry is fed with its old owner, which drops it on replay.
  EXPECT_EQ(MaskTimes(Fed()),
            "MULTI | XCLAIM s g c1 0 1-1 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 2-1 | "
            "XCLAIM s g c2 0 2-1 TIME T RETRYCOUNT 2 FORCE JUSTID LASTID 2-1 | EXEC");
  Run({"xclaim", "s", "g", "c3", "0", "2-1", "1-1"});
  EXPECT_EQ(MaskTimes(Fed()), "XCLAIM s g c3 0 2-1 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 2-1");
  Run({"xclaim", "s", "g", "c3", "0", "2-1", "justid"});
  EXPECT_EQ(MaskTimes(Fed()), "XCLAIM s g c3 0 2-1 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 2-1");
  Run({"xclaim", "s", "g", "c4", "0", "2-1", "time", "12345", "retrycount", "7"});
  EXPECT_EQ(Fed(), "XCLAIM s g c4 0 2-1 TIME 12345 RETRYCOUNT 7 FORCE JUSTID LASTID 2-1");
  // LASTID moving the group with nothing claimed: the position alone.
  Run({"xclaim", "s", "g", "c4", "0", "9-9", "lastid", "5-0"});
  EXPECT_EQ(Fed(), "XGROUP SETID s g 5-0 ENTRIESREAD 2");
  Run({"xautoclaim", "s", "g", "c5", "0", "3-0"});
  EXPECT_EQ(Fed(), "");
  Run({"xack", "s", "g", "2-1"});
  Run({"xgroup", "setid", "s", "g", "$", "entriesread", "3"});
  Run({"xgroup", "delconsumer", "s", "g", "c3"});
  Run({"xsetid", "s", "9-9"});
  Run({"xgroup", "destroy", "s", "g"});
  EXPECT_EQ(Fed(),
            "xack s g 2-1 | xgroup setid s g $ entriesread 3 | xgroup delconsumer s g c3 | "
            "xsetid s 9-9 | xgroup destroy s g");
}

TEST_F(PropagationTest, BlockedXreadgroupServedLaterFeedsXclaim) {
  Client* a = server_->CreateFakeClient();
  Run({"xgroup", "create", "s", "g", "$", "mkstream"});
  Fed();
  EXPECT_EQ(RunAs(a, {"xreadgroup", "group", "g", "c", "block", "0", "streams", "s", ">"}),
            "<no reply>");
  Run({"xadd", "s", "5-5", "f", "1"});
  EXPECT_EQ(MaskTimes(Fed()),
            "xadd s 5-5 f 1 | XCLAIM s g c 0 5-5 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 5-5");
}

// ---------------------------------------------------------------------------------------------
// Databases, flushes, pub/sub, HyperLogLog

TEST_F(PropagationTest, KeyspaceCommandsAcrossDatabases) {
  Run({"set", "k", "v"});
  Run({"copy", "k", "k2"});
  Run({"copy", "k", "k3", "db", "2"});
  Run({"move", "k3", "1"});  // no k3 in db 0: nothing
  Run({"move", "k2", "1"});
  Run({"rename", "k", "k4"});
  Run({"select", "3"});
  Run({"set", "x", "1"});
  Run({"swapdb", "0", "3"});
  Run({"flushdb"});
  Run({"flushdb"});  // empty already: fed anyway
  Run({"flushall", "async"});
  Run({"select", "0"});
  EXPECT_EQ(Fed(),
            "set k v | copy k k2 | copy k k3 db 2 | move k2 1 | rename k k4 | SELECT 3 | "
            "set x 1 | swapdb 0 3 | flushdb | flushdb | flushall async");
}

TEST_F(PropagationTest, PublishReachesOnlySinksThatWantReplicasOnlyCommands) {
  CaptureSink replica(/*replica=*/true);
  server_->AddWriteSink(&replica);
  Run({"publish", "ch", "msg"});
  Run({"multi"});
  Run({"publish", "ch", "m2"});
  Run({"set", "x", "1"});
  Run({"exec"});
  EXPECT_EQ(Fed(), "set x 1");
  EXPECT_EQ(replica.Take(), "publish ch msg | MULTI | publish ch m2 | set x 1 | EXEC");
  server_->RemoveWriteSink(&replica);
}

TEST_F(PropagationTest, PfcountFeedsItselfWhenItCachesTheCount) {
  Run({"pfadd", "h", "a", "b", "c"});
  Run({"pfcount", "h"});
  Run({"pfcount", "h"});
  EXPECT_EQ(Fed(), "pfadd h a b c | pfcount h");
}

// ---------------------------------------------------------------------------------------------
// Randomized replay: what one server feeds, run on a second, rebuilds the same keyspace.

// A RESP reply as a tree: a string (bulk, simple, integer or error text) or an array.
struct Reply {
  std::string text;
  bool array = false;
  bool error = false;
  std::vector<Reply> items;
};

Reply ParseReply(std::string_view buf, size_t* pos) {
  Reply r;
  char type = buf[*pos];
  size_t end = buf.find("\r\n", *pos);
  std::string line(buf.substr(*pos + 1, end - *pos - 1));
  *pos = end + 2;
  if (type == '*' || type == '%' || type == '~') {
    r.array = true;
    long n = std::stol(line);
    if (type == '%') n *= 2;
    for (long i = 0; i < n; ++i) r.items.push_back(ParseReply(buf, pos));
  } else if (type == '$') {
    long n = std::stol(line);
    if (n >= 0) {
      r.text = std::string(buf.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
    } else {
      r.text = "(nil)";
    }
  } else {
    r.error = type == '-';
    r.text = line;
  }
  return r;
}

std::string Flat(const Reply& r) {
  if (!r.array) return r.text;
  std::string out = "[";
  for (size_t i = 0; i < r.items.size(); ++i) out += (i ? " " : "") + Flat(r.items[i]);
  return out + "]";
}

class Replayer {
 public:
  explicit Replayer(Server* s) : s_(s), c_(s->CreateFakeClient()) {}
  Reply Run(const std::vector<std::string>& args) {
    ArgList views(args.begin(), args.end());
    c_->output().clear();
    s_->Execute(c_, views);
    std::string out;
    out.swap(c_->output());
    size_t pos = 0;
    return out.empty() ? Reply{} : ParseReply(out, &pos);
  }
  // Every database, key by key in order: type, absolute expiry, contents in an order-free form.
  // Left out, as they legitimately differ: idle times, and (Redis 7.0 feeds neither) consumers
  // without pending entries and a group's entries-read counter.
  std::string Dump(int dbs) {
    std::string out;
    for (int db = 0; db < dbs; ++db) {
      Run({"select", std::to_string(db)});
      // Expire what is due first (KEYS skips it), so that both sides list the same keys.
      std::vector<std::string> keys;
      s_->db(db).table().ForEach([&](Entry* e) { keys.emplace_back(e->key()); });
      for (const std::string& k : keys) Run({"exists", k});
      keys.clear();
      for (const Reply& k : Run({"keys", "*"}).items) keys.push_back(k.text);
      std::sort(keys.begin(), keys.end());
      for (const std::string& k : keys) {
        std::string type = Run({"type", k}).text;
        out += std::to_string(db) + " " + k + " " + type + " ttl=" +
               Run({"pexpiretime", k}).text + " ";
        if (type == "string") {
          out += Run({"get", k}).text;
        } else if (type == "list") {
          out += Flat(Run({"lrange", k, "0", "-1"}));
        } else if (type == "set") {
          out += Flat(Run({"sort", k, "alpha"}));
        } else if (type == "zset") {
          out += Flat(Run({"zrange", k, "0", "-1", "withscores"}));
        } else if (type == "hash") {
          Reply all = Run({"hgetall", k});
          std::vector<std::string> pairs;
          for (size_t i = 0; i + 1 < all.items.size(); i += 2) {
            pairs.push_back(all.items[i].text + "=" + all.items[i + 1].text);
          }
          std::sort(pairs.begin(), pairs.end());
          for (const auto& p : pairs) out += p + " ";
        } else if (type == "stream") {
          out += Flat(Run({"xrange", k, "-", "+"}));
          Reply info = Run({"xinfo", "stream", k});
          for (size_t i = 0; i + 1 < info.items.size(); i += 2) {
            const std::string& f = info.items[i].text;
            if (f == "length" || f == "last-generated-id" || f == "max-deleted-entry-id" ||
                f == "entries-added" || f == "recorded-first-entry-id") {
              out += " " + f + "=" + Flat(info.items[i + 1]);
            }
          }
          for (const Reply& g : Run({"xinfo", "groups", k}).items) {
            std::string name;
            for (size_t i = 0; i + 1 < g.items.size(); i += 2) {
              const std::string& f = g.items[i].text;
              if (f == "name") name = g.items[i + 1].text;
              if (f == "name" || f == "pending" || f == "last-delivered-id") {
                out += " " + f + "=" + g.items[i + 1].text;
              }
            }
            for (const Reply& pe : Run({"xpending", k, name, "-", "+", "100000"}).items) {
              // [id, consumer, idle, deliveries]: the idle time is left out.
              out += " pel=" + pe.items[0].text + "/" + pe.items[1].text + "/" + pe.items[3].text;
            }
          }
        } else {
          out += "?";
        }
        out += "\n";
      }
    }
    Run({"select", "0"});
    return out;
  }

 private:
  Server* s_;
  Client* c_;
};

class RandomWrites {
 public:
  explicit RandomWrites(uint64_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  std::string Pick(const std::vector<std::string>& v) { return v[Int(0, static_cast<int>(v.size()) - 1)]; }
  std::string Key(char kind) { return std::string(1, kind) + std::to_string(Int(0, 3)); }
  std::string AnyKey() { return Key("sltzhxp"[Int(0, 6)]); }
  std::string Member() { return "m" + std::to_string(Int(0, 12)); }
  std::string Group() { return "g" + std::to_string(Int(0, 1)); }
  std::string Consumer() { return "c" + std::to_string(Int(0, 2)); }
  std::string StreamId() { return std::to_string(Int(1, 40)) + "-" + std::to_string(Int(0, 2)); }
  std::string Future() { return std::to_string(Int(1000, 100000)); }

  // One random write (or read that may write), never a blocking one.
  std::vector<std::string> Command() {
    switch (Int(0, 40)) {
      case 0: {
        std::vector<std::string> c = {"set", Key('s'), "v" + std::to_string(Int(0, 99))};
        switch (Int(0, 8)) {
          case 0: c.insert(c.end(), {"ex", Future()}); break;
          case 1: c.insert(c.end(), {"px", Future() + "000"}); break;
          case 2: c.insert(c.end(), {"exat", "99999999999"}); break;
          case 3: c.insert(c.end(), {"pxat", "99999999999123"}); break;
          case 4: c.push_back("keepttl"); break;
          case 5: c.push_back("nx"); break;
          case 6: c.insert(c.end(), {"xx", "get"}); break;
          case 7: c.insert(c.end(), {"exat", "1"}); break;
        }
        return c;
      }
      case 1: return {"setex", Key('s'), Future(), "v"};
      case 2: return {"psetex", Key('s'), Future() + "000", "w"};
      case 3: return {"incrbyfloat", Key('s'), Pick({"1.5", "0.1", "-3.25", "1e2"})};
      case 4: return {Pick({"incr", "decr"}), Key('s')};
      case 5: return {"append", Key('s'), "x"};
      case 6: {
        std::vector<std::string> c = {"getex", Key('s')};
        switch (Int(0, 4)) {
          case 0: c.insert(c.end(), {"ex", Future()}); break;
          case 1: c.push_back("persist"); break;
          case 2: c.insert(c.end(), {"exat", "1"}); break;
          case 3: c.insert(c.end(), {"pxat", "99999999999000"}); break;
        }
        return c;
      }
      case 7: return {Pick({"getdel", "getset"}), Key('s'), "g"};
      case 8: {
        std::vector<std::string> c = {Pick({"expire", "pexpire"}), AnyKey(), Future()};
        if (Chance(40)) c.push_back(Pick({"nx", "xx", "gt", "lt"}));
        return c;
      }
      case 9: return {Pick({"expireat", "pexpireat"}), AnyKey(), Pick({"1", "99999999999"})};
      case 10: return {"persist", AnyKey()};
      case 11: return {Pick({"del", "unlink"}), AnyKey()};
      case 12: case 13: {
        std::vector<std::string> c = {"sadd", Key('t')};
        for (int i = Int(1, 6); i > 0; --i) c.push_back(Member());
        return c;
      }
      case 14: {
        if (Chance(50)) return {"spop", Key('t')};
        return {"spop", Key('t'), std::to_string(Int(0, 8))};
      }
      case 15: return {"smove", Key('t'), Key('t'), Member()};
      case 16: return {"hset", Key('h'), Member(), "v" + std::to_string(Int(0, 9))};
      case 17: return {"hincrbyfloat", Key('h'), Member(), Pick({"0.25", "1.1", "-7"})};
      case 18: return {"hdel", Key('h'), Member()};
      case 19: case 20: return {Pick({"rpush", "lpush"}), Key('l'), Member(), Member()};
      case 21: return {Pick({"lpop", "rpop"}), Key('l')};
      case 22: return {"lmpop", "2", Key('l'), Key('l'), Pick({"left", "right"}), "count", std::to_string(Int(1, 3))};
      case 23: return {"lmove", Key('l'), Key('l'), Pick({"left", "right"}), Pick({"left", "right"})};
      case 24: return {"zadd", Key('z'), std::to_string(Int(0, 20)), Member()};
      case 25: return {"zincrby", Key('z'), "1.5", Member()};
      case 26: return {Pick({"zpopmin", "zpopmax"}), Key('z')};
      case 27: return {"zmpop", "1", Key('z'), Pick({"min", "max"}), "count", std::to_string(Int(1, 3))};
      case 28: case 29: {
        std::vector<std::string> c = {"xadd", Key('x')};
        switch (Int(0, 4)) {
          case 0: c.insert(c.end(), {"maxlen", "~", std::to_string(Int(0, 6))}); break;
          case 1: c.insert(c.end(), {"maxlen", "=", std::to_string(Int(2, 8))}); break;
          case 2: c.insert(c.end(), {"minid", "~", StreamId()}); break;
        }
        c.push_back(Chance(70) ? "*" : std::to_string(Int(1, 40)) + "-*");
        c.insert(c.end(), {"f", Member()});
        return c;
      }
      case 30: return {"xtrim", Key('x'), "maxlen", Pick({"~", "="}), std::to_string(Int(0, 6))};
      case 31: {
        std::vector<std::string> c = {"xgroup", "create", Key('x'), Group(), Pick({"0", "$"})};
        if (Chance(50)) c.push_back("mkstream");
        return c;
      }
      case 32: case 33: {
        std::vector<std::string> c = {"xreadgroup", "group", Group(), Consumer()};
        if (Chance(30)) c.push_back("noack");
        // Only new entries: a history read ("0") bumps delivery counts that Redis 7.0 does not
        // feed, so its replicas differ there (PropagationTest.Xreadgroup... checks it feeds
        // nothing).
        c.insert(c.end(), {"count", std::to_string(Int(1, 3)), "streams", Key('x'), ">"});
        return c;
      }
      case 34: return {"xack", Key('x'), Group(), StreamId()};
      case 35: {
        std::vector<std::string> c = {"xclaim", Key('x'), Group(), Consumer(), "0", StreamId(), StreamId()};
        if (Chance(30)) c.push_back("justid");
        if (Chance(20)) c.insert(c.end(), {"lastid", StreamId()});
        return c;
      }
      case 36: return {"xautoclaim", Key('x'), Group(), Consumer(), "0", "0-0", "count", std::to_string(Int(1, 4))};
      case 37: return {"xdel", Key('x'), StreamId()};
      case 38: {
        switch (Int(0, 2)) {
          case 0: return {"xgroup", "setid", Key('x'), Group(), Pick({"$", "0"})};
          case 1: return {"xgroup", "createconsumer", Key('x'), Group(), Consumer()};
          default: return {"xgroup", "delconsumer", Key('x'), Group(), Consumer()};
        }
      }
      case 39: return {Pick({"pfadd", "pfadd", "pfcount"}), Key('p'), Member()};
      default: {
        switch (Int(0, 4)) {
          case 0: return {"copy", AnyKey(), AnyKey(), "db", std::to_string(Int(0, 2))};
          case 1: return {"move", AnyKey(), std::to_string(Int(0, 2))};
          case 2: return {"rename", AnyKey(), AnyKey()};
          case 3: return {"swapdb", std::to_string(Int(0, 2)), std::to_string(Int(0, 2))};
          default: return {"select", std::to_string(Int(0, 2))};
        }
      }
    }
  }

  // A blocking command for a client of db 0.
  std::vector<std::string> Blocking() {
    switch (Int(0, 5)) {
      case 0: return {Pick({"blpop", "brpop"}), Key('l'), Key('l'), "0"};
      case 1: return {"blmove", Key('l'), Key('l'), Pick({"left", "right"}), Pick({"left", "right"}), "0"};
      case 2: return {"blmpop", "0", "1", Key('l'), "left", "count", "2"};
      case 3: return {Pick({"bzpopmin", "bzpopmax"}), Key('z'), "0"};
      case 4: return {"bzmpop", "0", "1", Key('z'), "max", "count", "2"};
      default: {
        std::vector<std::string> c = {"xreadgroup", "group", Group(), Consumer(), "block", "0"};
        if (Chance(30)) c.push_back("noack");
        c.insert(c.end(), {"streams", Key('x'), ">"});
        return c;
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

TEST_F(PropagationTest, RandomWritesReplayToTheSameKeyspace) {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("MEMKEYDB_SEED")) seed = std::strtoull(env, nullptr, 10);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with MEMKEYDB_SEED)");
  std::printf("propagation replay seed: %llu\n", static_cast<unsigned long long>(seed));
  RandomWrites gen(seed);
  Replayer primary(server_.get());
  std::vector<Client*> blockers = {server_->CreateFakeClient(), server_->CreateFakeClient(),
                                   server_->CreateFakeClient()};
  // MEMKEYDB_REPLAY_STEPS=1 replays and compares after every step, to find the first command
  // that diverges (slow; for debugging a failing seed).
  bool every_step = std::getenv("MEMKEYDB_REPLAY_STEPS") != nullptr;
  std::unique_ptr<Server> shadow;
  std::unique_ptr<Replayer> shadow_replay;
  if (every_step) {
    shadow = std::make_unique<Server>(config_);
    shadow_replay = std::make_unique<Replayer>(shadow.get());
  }
  std::vector<std::string> last;
  for (int step = 0; step < 4000; ++step) {
    if (every_step) {
      for (const auto& cmd : sink_.TakeCommands()) {
        Reply r = shadow_replay->Run(cmd);
        if (std::getenv("MEMKEYDB_REPLAY_TRACE")) std::printf("replay %s -> %s\n", cmd[0].c_str(), Flat(r).c_str());
      }
      std::string a = primary.Dump(3);
      for (const auto& cmd : sink_.TakeCommands()) shadow_replay->Run(cmd);
      std::string b = shadow_replay->Dump(3);
      if (std::getenv("MEMKEYDB_REPLAY_TRACE")) std::printf("shadow keys %s size %zu\n", Flat(shadow_replay->Run({"keys", "*"})).c_str(), shadow->db(0).size());
      if (a != b) {
        std::string line;
        for (const auto& x : last) line += x + " ";
        FAIL() << "diverged after step " << step << ": " << line << "\nprimary:\n" << a
               << "replay:\n" << b;
      }
    }
    int what = gen.Int(0, 99);
    if (what < 6) {
      Client* b = blockers[gen.Int(0, 2)];
      last = gen.Blocking();
      if (!b->has(kClientBlocked)) RunAs(b, last);
    } else if (what < 10) {
      primary.Run({"multi"});
      for (int i = gen.Int(1, 4); i > 0; --i) primary.Run(gen.Command());
      primary.Run({"exec"});
    } else if (what < 12) {
      // A key whose time has come without anyone noticing: the next lookup expires it.
      Reply keys = primary.Run({"keys", "*"});
      if (!keys.items.empty()) {
        std::string k = keys.items[gen.Int(0, static_cast<int>(keys.items.size()) - 1)].text;
        int db = 0;
        for (int i = 0; i < server_->db_count(); ++i) {
          if (server_->db(i).FindRaw(k) != nullptr && i <= 2) db = i;
        }
        Entry* e = server_->db(db).FindRaw(k);
        if (e != nullptr) server_->db(db).SetExpire(&e, 1);
      }
    } else if (what < 13) {
      for (int db : {0, 1, 2}) server_->db(db).ActiveExpire(NowMs(), MonotonicUs() + 1000, 20, 0);
    } else {
      last = gen.Command();
      primary.Run(last);
    }
  }
  std::string want = primary.Dump(3);  // expires what is due, feeding its DELs
  auto stream = sink_.TakeCommands();
  ASSERT_GT(stream.size(), 1000u);
  // What the stream held, for the log: each rewrite must have been exercised.
  std::map<std::string, int> names;
  for (const auto& cmd : stream) ++names[cmd[0]];
  std::string summary;
  for (const auto& [name, n] : names) summary += name + "=" + std::to_string(n) + " ";
  std::printf("fed: %s\n", summary.c_str());
  for (const char* rewrite : {"MULTI", "DEL", "SREM", "LPOP", "LMOVE", "ZPOPMIN", "XCLAIM",
                              "PEXPIREAT", "SET", "HSET", "PERSIST", "SELECT"}) {
    EXPECT_GT(names[rewrite], 0) << rewrite;
  }

  Server replica(config_);
  replica.set_loading(true);
  Replayer replay(&replica);
  int errors = 0;
  std::string first_errors;
  for (const auto& cmd : stream) {
    Reply r = replay.Run(cmd);
    if (r.error && ++errors <= 5) {
      std::string line;
      for (const auto& a : cmd) line += a + " ";
      first_errors += line + "-> " + r.text + "\n";
    }
  }
  EXPECT_EQ(errors, 0) << first_errors;
  replica.set_loading(false);
  std::string got = replay.Dump(3);
  EXPECT_GT(want.size(), 100u);
  if (want != got) {
    // Show the first differing line.
    auto lines = [](const std::string& text) {
      std::vector<std::string> out;
      size_t pos = 0;
      while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
      }
      return out;
    };
    std::vector<std::string> w = lines(want), g = lines(got);
    size_t i = 0;
    while (i < w.size() && i < g.size() && w[i] == g[i]) ++i;
    ADD_FAILURE() << "keyspaces differ (" << w.size() << " vs " << g.size() << " keys) at:\n  primary: "
                  << (i < w.size() ? w[i] : "(end)") << "\n  replay:  " << (i < g.size() ? g[i] : "(end)");
  }
}

}  // namespace
}  // namespace memkeydb
