// The inline snapshot through the command pipeline: commands run between Step() slices, so the
// Server::Call hook (with the key finders, movable keys included), blocked clients served by a
// push, MULTI/EXEC, SELECT, MOVE/COPY across databases, FLUSHDB, SWAPDB, lazy and active expiry
// and eviction all meet a live snapshot. At the end the consumer must hold exactly the keys of
// the snapshot moment, once each, as they were then.
#include <cstdlib>
#include <iostream>
#include <random>

#include "common/clock.h"
#include "memory/memory_tiers.h"
#include "persistence/snapshot.h"
#include "persistence/snapshot_test_util.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

using snapshot_test::ExpectSameKeys;
using snapshot_test::RecordingConsumer;
using snapshot_test::RenderDb;

constexpr int kDbsUsed = 3;

class InlineSnapshotServerTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    waiter_ = server_->CreateFakeClient();
    const char* s = std::getenv("MEMKEYDB_SEED");
    seed_ = s != nullptr ? std::strtoull(s, nullptr, 10) : std::random_device{}();
    std::cout << "seed " << seed_ << " (MEMKEYDB_SEED to replay)\n";
    rng_.seed(seed_);
  }

  std::vector<Database*> Dbs() {
    std::vector<Database*> v;
    for (int i = 0; i < server_->db_count(); ++i) v.push_back(&server_->db(i));
    return v;
  }

  std::string N() { return std::to_string(rng_() % 40); }
  std::string V() { return "v" + std::to_string(rng_() % 100000); }
  std::string Db() { return std::to_string(rng_() % kDbsUsed); }

  // Keys of every type in the first databases, some with TTLs short enough to pass during the
  // snapshot.
  void Populate() {
    for (int d = 0; d < kDbsUsed; ++d) {
      Run({"select", std::to_string(d)});
      for (int i = 0; i < 40; ++i) {
        std::string n = std::to_string(i);
        Run({"set", "s" + n, V()});
        Run({"rpush", "l" + n, V(), V(), V()});
        Run({"sadd", "t" + n, V(), V()});
        Run({"zadd", "z" + n, "1", V(), "2", V()});
        Run({"hset", "h" + n, "f", V(), "n", "1"});
        Run({"xadd", "x" + n, "*", "f", V()});
        Run({"pfadd", "p" + n, V(), V()});
        if (i % 5 == 0) Run({"pexpire", "s" + n, std::to_string(1 + rng_() % 40)});
        if (i % 7 == 0) Run({"expire", "h" + n, "1000"});
      }
    }
    Run({"select", "0"});
  }

  // One random command (or a transaction, or a blocked pop and its push).
  std::vector<std::vector<std::string>> RandomCommands() {
    std::string a = N(), b = N();
    switch (rng_() % 40) {
      case 0: return {{"set", "s" + a, V()}};
      case 1: return {{"append", "s" + a, V()}};
      case 2: return {{"incr", "c" + a}};
      case 3: return {{"del", "s" + a, "l" + b, "z" + a}};
      case 4: return {{"unlink", "h" + a}};
      case 5: return {{"pexpire", "l" + a, std::to_string(1 + rng_() % 20)}};
      case 6: return {{"persist", "s" + a}};
      case 7: return {{"rename", "t" + a, "t" + b}};
      case 8: return {{"move", "z" + a, Db()}};
      case 9: return {{"copy", "h" + a, "h" + b, "db", Db(), "replace"}};
      case 10: return {{"getdel", "s" + a}};
      case 11: return {{"getex", "s" + a, "px", "5"}};
      case 12: return {{"setrange", "s" + a, "3", "zz"}};
      case 13: return {{"lpush", "l" + a, V()}};
      case 14: return {{"lmove", "l" + a, "l" + b, "left", "right"}};
      case 15: return {{"lmpop", "2", "l" + a, "l" + b, "right", "count", "2"}};
      case 16: return {{"smove", "t" + a, "t" + b, V()}};
      case 17: return {{"sinterstore", "t" + a, "t" + b, "t" + N()}};
      case 18: return {{"sunionstore", "t" + a, "t" + b, "t" + N()}};
      case 19: return {{"zincrby", "z" + a, "1", V()}};
      case 20: return {{"zunionstore", "z" + a, "2", "z" + b, "z" + N()}};
      case 21: return {{"zinterstore", "z" + a, "2", "z" + b, "z" + N(), "aggregate", "max"}};
      case 22: return {{"zrangestore", "z" + a, "z" + b, "0", "-1"}};
      case 23: return {{"zmpop", "2", "z" + a, "z" + b, "min"}};
      case 24: return {{"hset", "h" + a, "f", V()}};
      case 25: return {{"hincrby", "h" + a, "n", "1"}};
      case 26: return {{"xadd", "x" + a, "*", "f", V()}};
      case 27: return {{"xtrim", "x" + a, "maxlen", "1"}};
      case 28: return {{"pfadd", "p" + a, V()}};
      case 29: return {{"pfcount", "p" + a}};  // refreshes the cached cardinality in the value
      case 30: return {{"pfmerge", "p" + a, "p" + b}};
      case 31: return {{"sort", "l" + a, "alpha", "store", "l" + b}};
      case 32: return {{"bitop", "or", "s" + a, "s" + b, "s" + N()}};
      case 33:
        return {{"multi"},
                {"set", "s" + a, V()},
                {"select", Db()},
                {"rpoplpush", "l" + a, "l" + b},
                {"zunionstore", "z" + b, "1", "z" + a},
                {"exec"},
                {"select", "0"}};
      case 34: return {{"select", Db()}};
      case 35:
        if (rng_() % 30 == 0) return {{"flushdb"}};
        return {{"get", "s" + a}};  // a read: may expire the key lazily
      case 36:
        if (rng_() % 30 == 0) return {{"swapdb", Db(), Db()}};
        return {{"exists", "l" + a, "s" + b}};
      case 37:
        return {{"georadius", "g" + a, "0", "0", "500", "km", "store", "z" + b}};
      case 38:
        return {{"geoadd", "g" + a, "1", "1", V()}};
      default:
        return {{"scan", "0"}};
    }
  }

  // A blocked pop on the waiting client, later served by a push through the pipeline.
  void MaybeBlockAndServe() {
    if (waiter_->has(kClientBlocked)) {
      Run({"rpush", "w" + std::to_string(blocked_on_), V()});
      Received(waiter_);
      return;
    }
    blocked_on_ = static_cast<int>(rng_() % 5);
    std::string w = "w" + std::to_string(blocked_on_);
    if (rng_() % 2) {
      RunAs(waiter_, {"blmove", w, "l" + N(), "left", "left", "0"});
    } else {
      RunAs(waiter_, {"blmpop", "0", "2", w, "w9", "left"});
    }
  }

  // Runs a snapshot to the end with commands between slices and checks it.
  void RunSnapshot(int commands_per_slice, bool evict) {
    std::vector<std::map<std::string, std::string>> expected;
    std::map<int, std::pair<uint64_t, uint64_t>> sizes;
    for (int i = 0; i < server_->db_count(); ++i) {
      expected.push_back(RenderDb(server_->db(i)));
      if (server_->db(i).size() > 0) sizes[i] = {server_->db(i).size(), server_->db(i).expires()};
    }
    RecordingConsumer consumer;
    InlineSnapshot snap(Dbs(), &consumer);
    while (!snap.done()) {
      snap.Step(0);
      for (int i = 0; i < commands_per_slice && !snap.done(); ++i) {
        if (rng_() % 20 == 0) MaybeBlockAndServe();
        if (rng_() % 25 == 0) {
          int d = static_cast<int>(rng_() % kDbsUsed);
          server_->db(d).ActiveExpire(NowMs(), MonotonicUs() + 200, 20, 10);
        }
        for (const auto& cmd : RandomCommands()) Run(cmd);
        if (evict) {
          // Keep memory just under the limit: each write evicts something first.
          Run({"set", "big" + N(), std::string(2000, 'x')});
        }
      }
    }
    EXPECT_FALSE(snap.failed());
    EXPECT_EQ(consumer.sizes, sizes);
    ExpectSameKeys(expected, consumer);
  }

  Client* waiter_ = nullptr;
  int blocked_on_ = 0;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
};

TEST_F(InlineSnapshotServerTest, CommandsBetweenSlices) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  for (int round = 0; round < 6 && !HasFailure(); ++round) {
    Populate();
    RunSnapshot(1 + round % 3, false);
  }
}

TEST_F(InlineSnapshotServerTest, EvictionDuringTheSnapshot) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  Populate();
  Run({"config", "set", "maxmemory-policy", "allkeys-random"});
  Run({"config", "set", "maxmemory", std::to_string(MemoryTiers::Get().used_total() + 20000)});
  uint64_t evicted_before = server_->stats().evicted_keys;
  RunSnapshot(2, true);
  EXPECT_GT(server_->stats().evicted_keys, evicted_before);
}

// The write hook's cost when no snapshot is live is the check of one static pointer.
TEST_F(InlineSnapshotServerTest, NoSnapshotNoHook) {
  EXPECT_EQ(InlineSnapshot::current(), nullptr);
  EXPECT_EQ(Database::change_observer(), nullptr);
  EXPECT_EQ(Run({"set", "k", "v"}), "OK");
}

}  // namespace
}  // namespace memkeydb
