// The blocking machinery (server/blocking.h), exercised through a command defined here:
//   TESTBPOP timeout key [key ...]
// replies [key, value] and deletes the first key holding a string; with none it blocks (or
// replies a null array inside MULTI); a key holding another type keeps it waiting, as Redis
// 7.0's blocking pops do. The real blocking commands have their own tests in their families.

#include <thread>

#include "common/clock.h"
#include "server/command_table.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

void TestBPopCommand(CommandContext& ctx) {
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(1, CommandContext::TimeoutUnit::kSeconds, &deadline)) return;
  std::vector<std::string_view> keys;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    Entry* e = ctx.LookupForWrite(ctx.arg(i));
    if (e != nullptr && e->value.type() == ValueType::kString) {
      char scratch[CompactValue::kIntBufSize];
      std::string value(e->value.StringView(scratch));
      ctx.reply().ArrayHeader(2);
      ctx.reply().Bulk(ctx.arg(i));
      ctx.reply().Bulk(value);
      ctx.db().Delete(ctx.arg(i));
      ctx.KeyModified(ctx.arg(i));
      return;
    }
    if (e != nullptr && !ctx.reprocessing()) {
      ctx.WrongType();
      return;
    }
    keys.push_back(ctx.arg(i));
  }
  if (!ctx.CanBlock()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray);
}

// TESTBMS timeout-ms key: like TESTBPOP with a millisecond timeout and a null-bulk timeout reply.
void TestBMsCommand(CommandContext& ctx) {
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(1, CommandContext::TimeoutUnit::kMillis, &deadline)) return;
  ctx.Block({ctx.arg(2)}, deadline, CommandContext::TimeoutReply::kNullBulk);
}

const CommandSpec kTestCommands[] = {
    {"testbpop", -3, kCmdWrite | kCmdBlocking, 2, -1, 1, "list", "7.0.0", "test", "O(1)",
     "timeout key [key ...]", TestBPopCommand},
    {"testbms", 3, kCmdWrite | kCmdBlocking, 2, 2, 1, "list", "7.0.0", "test", "O(1)",
     "timeout key", TestBMsCommand},
    {},
};

class BlockingTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    if (CommandTable::Get().Find("testbpop") == nullptr) CommandTable::Get().Register(kTestCommands);
    a_ = server_->CreateFakeClient();
    b_ = server_->CreateFakeClient();
  }
  Client* a_;
  Client* b_;
};

TEST_F(BlockingTest, ServesAtOnceWhenDataExists) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"testbpop", "0", "k"}), "[k, v]");
  EXPECT_EQ(server_->blocked_clients(), 0u);
}

TEST_F(BlockingTest, WakesOnWriteInFifoOrder) {
  EXPECT_EQ(RunAs(a_, {"testbpop", "0", "k"}), "<no reply>");
  EXPECT_EQ(RunAs(b_, {"testbpop", "0", "other", "k"}), "<no reply>");
  EXPECT_EQ(server_->blocked_clients(), 2u);
  EXPECT_TRUE(a_->has(kClientBlocked));
  EXPECT_EQ(Run({"set", "k", "first"}), "OK");
  EXPECT_EQ(Received(a_), "[k, first]");
  EXPECT_EQ(Received(b_), "");
  EXPECT_EQ(server_->blocked_clients(), 1u);
  EXPECT_EQ(Run({"set", "k", "second"}), "OK");
  EXPECT_EQ(Received(b_), "[k, second]");
  EXPECT_EQ(server_->blocked_clients(), 0u);
  EXPECT_EQ(server_->blocking().waited_keys(), 0u);
  EXPECT_FALSE(Exists("k"));
}

TEST_F(BlockingTest, AnotherTypeKeepsWaitingAndKeepsThePlace) {
  RunAs(a_, {"testbpop", "0", "k"});
  RunAs(b_, {"testbpop", "0", "k"});
  MakeHash("k");  // stands for a write that leaves another type: signal it as one would
  server_->blocking().SignalKey(0, "k");
  server_->blocking().ServeReadyKeys();
  EXPECT_EQ(Received(a_), "");
  EXPECT_EQ(server_->blocked_clients(), 2u);
  Run({"del", "k"});
  Run({"set", "k", "v"});
  EXPECT_EQ(Received(a_), "[k, v]");
  EXPECT_EQ(Received(b_), "");
}

TEST_F(BlockingTest, InsideMultiRepliesAsTimedOutAndExecWakesWaiters) {
  RunAs(a_, {"testbpop", "0", "k"});
  Run({"multi"});
  Run({"testbpop", "0", "nothing"});
  Run({"set", "k", "v1"});
  Run({"set", "k", "v2"});
  // Served after EXEC as a whole: the waiter sees the transaction's last write.
  EXPECT_EQ(Run({"exec"}), "[(nil), OK, OK]");
  EXPECT_EQ(Received(a_), "[k, v2]");
}

TEST_F(BlockingTest, TimesOutWithTheCommandsReply) {
  RunAs(a_, {"testbpop", "0.001", "k"});
  RunAs(b_, {"testbms", "1", "k"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->blocking().HandleTimeouts();
  EXPECT_EQ(Received(a_), "(nil)");
  EXPECT_EQ(a_->output(), "");
  EXPECT_EQ(server_->blocked_clients(), 0u);
}

TEST_F(BlockingTest, TimeoutReplyShapes) {
  RunAs(a_, {"testbpop", "0.001", "k"});
  RunAs(b_, {"testbms", "1", "k"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->blocking().HandleTimeouts();
  EXPECT_EQ(a_->output(), "*-1\r\n");
  EXPECT_EQ(b_->output(), "$-1\r\n");
}

TEST_F(BlockingTest, TimeoutArguments) {
  EXPECT_EQ(Run({"testbpop", "abc", "k"}), "ERR timeout is not a float or out of range");
  EXPECT_EQ(Run({"testbpop", "nan", "k"}), "ERR timeout is not a float or out of range");
  EXPECT_EQ(Run({"testbpop", "-1", "k"}), "ERR timeout is negative");
  // Redis converts without a range check: what overflows comes out negative.
  EXPECT_EQ(Run({"testbpop", "1e100", "k"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"testbpop", "inf", "k"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"testbms", "1.5", "k"}), "ERR timeout is not an integer or out of range");
  EXPECT_EQ(Run({"testbms", "-1", "k"}), "ERR timeout is negative");
  // -0.0001 s rounds up to 0: wait forever. A huge timeout waits forever too.
  EXPECT_EQ(RunAs(a_, {"testbpop", "-0.0001", "k"}), "<no reply>");
  EXPECT_EQ(RunAs(b_, {"testbms", "9223372036854775807", "k"}), "<no reply>");
  EXPECT_EQ(server_->blocked_clients(), 2u);
  server_->blocking().HandleTimeouts();
  EXPECT_EQ(server_->blocked_clients(), 2u);
}

TEST_F(BlockingTest, ClientUnblock) {
  RunAs(a_, {"testbpop", "0", "k"});
  RunAs(b_, {"testbms", "0", "k"});
  EXPECT_NE(Run({"client", "list", "id", std::to_string(a_->id())}).find("flags=b "),
            std::string::npos);
  EXPECT_EQ(Run({"client", "unblock", std::to_string(a_->id())}), "(integer) 1");
  EXPECT_EQ(Received(a_), "(nil)");
  EXPECT_EQ(Run({"client", "unblock", std::to_string(a_->id())}), "(integer) 0");
  EXPECT_EQ(Run({"client", "unblock", std::to_string(b_->id()), "error"}), "(integer) 1");
  EXPECT_EQ(Received(b_), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  EXPECT_EQ(Run({"client", "unblock", std::to_string(client_->id())}), "(integer) 0");
  EXPECT_EQ(server_->blocking().waited_keys(), 0u);
}

TEST_F(BlockingTest, FreedClientLeavesTheQueues) {
  RunAs(a_, {"testbpop", "0", "k"});
  RunAs(b_, {"testbpop", "0", "k"});
  server_->FreeClient(a_);
  EXPECT_EQ(server_->blocked_clients(), 1u);
  Run({"set", "k", "v"});
  EXPECT_EQ(Received(b_), "[k, v]");
  EXPECT_EQ(server_->blocking().waited_keys(), 0u);
}

TEST_F(BlockingTest, InfoCountsBlockedClients) {
  RunAs(a_, {"testbpop", "0", "k"});
  EXPECT_NE(Run({"info", "clients"}).find("blocked_clients:1"), std::string::npos);
}

TEST_F(BlockingTest, SwapDbWakesWaitersOfTheSwappedInKeys) {
  RunAs(a_, {"testbpop", "0", "k"});
  Run({"select", "1"});
  Run({"set", "k", "from-db1"});
  Run({"swapdb", "0", "1"});
  EXPECT_EQ(Received(a_), "[k, from-db1]");
}

}  // namespace
}  // namespace memkeydb
