// InlineSnapshot against the databases directly: random mutations between Step() slices, and a
// check that the consumer got exactly the keys of the snapshot moment, once each, as they were.
//
// The mutations stand in for the server: a "command" calls BeforeKeyChange for its keys first
// (what Server::Call does); deletions, expiry, MOVE's detach/attach, flushes and swaps call
// nothing and rely on the databases' own hooks.
#include "persistence/snapshot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "persistence/snapshot_test_util.h"
#include "types/hash_object.h"

namespace memkeydb {
namespace {

using snapshot_test::ExpectSameKeys;
using snapshot_test::RecordingConsumer;
using snapshot_test::Render;
using snapshot_test::RenderDb;

constexpr int kDbs = 4;

uint64_t SeedFromEnv() {
  const char* s = std::getenv("MEMKEYDB_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : std::random_device{}();
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HashObject::RegisterOps();
    for (int i = 0; i < kDbs; ++i) dbs_.push_back(std::make_unique<Database>(i));
  }
  std::vector<Database*> Dbs() {
    std::vector<Database*> v;
    for (auto& d : dbs_) v.push_back(d.get());
    return v;
  }

  std::string RandomKey() { return "k" + std::to_string(rng_() % key_space_); }

  // A new string or hash for `key` in `db`. REQUIRES: absent.
  void Create(Database& db, const std::string& key) {
    Entry* e = db.Add(key);
    if (rng_() % 4 == 0) {
      HashObject h = HashObject::CreateIn(&e->value);
      // Past 128 fields (hash-max-listpack-entries) a hash becomes a table: both encodings get exercised.
      int fields = rng_() % 15 == 0 ? 130 : 1 + static_cast<int>(rng_() % 8);
      for (int f = 0; f < fields; ++f) h.Set("f" + std::to_string(f), std::to_string(rng_() % 1000));
    } else {
      e->value.SetString(std::string(rng_() % 40, 'a' + rng_() % 26) + std::to_string(rng_()));
    }
    if (rng_() % 3 == 0) db.SetExpire(&e, now_ + 1 + static_cast<int64_t>(rng_() % 2000));
  }

  void Populate(int keys_per_db) {
    for (auto& db : dbs_) {
      for (int i = 0; i < keys_per_db; ++i) {
        std::string key = RandomKey();
        if (db->FindRaw(key) == nullptr) Create(*db, key);
      }
    }
  }

  // One random change. `snap` stands in for Server::Call's hook.
  void Mutate(InlineSnapshot* snap) {
    int d = static_cast<int>(rng_() % kDbs);
    Database& db = *dbs_[d];
    std::string key = RandomKey();
    switch (rng_() % 16) {
      case 0:
      case 1: {  // SET key: overwrite or create
        snap->BeforeKeyChange(d, key);
        Entry* e = db.Find(key, now_);
        if (e == nullptr) {
          Create(db, key);
        } else {
          db.ClearExpire(&e);  // SET drops the TTL: the entry is reshaped
          e->value.SetString("new" + std::to_string(rng_()));
        }
        break;
      }
      case 2: {  // HSET on an existing hash, in place
        snap->BeforeKeyChange(d, key);
        Entry* e = db.Find(key, now_);
        if (e != nullptr && e->value.type() == ValueType::kHash) {
          HashObject(&e->value).Set("f0", "changed" + std::to_string(rng_()));
        }
        break;
      }
      case 3:
      case 4:  // DEL: the database's hook alone
        db.Delete(key);
        break;
      case 5: {  // EXPIRE / PERSIST: reshapes the entry
        snap->BeforeKeyChange(d, key);
        Entry* e = db.Find(key, now_);
        if (e == nullptr) break;
        if (e->has_expire() && rng_() % 2) {
          db.ClearExpire(&e);
        } else {
          db.SetExpire(&e, now_ + 1 + static_cast<int64_t>(rng_() % 2000));
        }
        break;
      }
      case 6:  // time passes; a lookup expires lazily
        now_ += static_cast<int64_t>(rng_() % 50);
        db.Find(key, now_);
        break;
      case 7:  // active expiry
        now_ += static_cast<int64_t>(rng_() % 50);
        db.ActiveExpire(now_, MonotonicUs() + 100, 20, 25);
        break;
      case 8: {  // MOVE key db: detach and attach, no command hook
        int to = static_cast<int>(rng_() % kDbs);
        if (to == d || db.Find(key, now_) == nullptr || dbs_[to]->Find(key, now_) != nullptr) {
          break;
        }
        dbs_[to]->Attach(db.Detach(key));
        break;
      }
      case 9: {  // RENAME key other, as the key family does it
        std::string to = RandomKey();
        snap->BeforeKeyChange(d, key);
        snap->BeforeKeyChange(d, to);
        Entry* src = db.Find(key, now_);
        if (src == nullptr || key == to) break;
        if (db.Find(to, now_) != nullptr) db.Delete(to);
        int64_t at = src->expire_at();
        Entry* dst = db.Add(to);
        dst->value.MoveFrom(&src->value);
        if (at != -1) db.SetExpire(&dst, at);
        db.Delete(key);
        break;
      }
      case 10: {  // growth: a burst of new keys forces a resize and rehashing
        if (rng_() % 10 != 0) break;
        int n = static_cast<int>(rng_() % 600);
        for (int i = 0; i < n; ++i) {
          std::string k = "grow" + std::to_string(rng_());
          if (db.FindRaw(k) == nullptr) Create(db, k);
        }
        break;
      }
      case 11: {  // shrink: delete most keys, then let the table shrink
        if (rng_() % 8 != 0) break;
        std::vector<std::string> victims;
        db.table().ForEach([&](Entry* e) {
          if (rng_() % 10 != 0) victims.emplace_back(e->key());
        });
        for (const std::string& k : victims) db.Delete(k);
        db.table().MaybeShrink();
        break;
      }
      case 12:
        db.table().RehashStep(1 + static_cast<int>(rng_() % 8));
        break;
      case 13:  // FLUSHDB, rarely
        if (rng_() % 20 == 0) db.Clear();
        break;
      case 14: {  // SWAPDB, rarely
        int other = static_cast<int>(rng_() % kDbs);
        if (other != d && rng_() % 10 == 0) db.SwapContents(dbs_[other].get());
        break;
      }
      case 15: {  // DEL then a new key of the same name
        db.Delete(key);
        snap->BeforeKeyChange(d, key);
        if (db.Find(key, now_) == nullptr) Create(db, key);
        break;
      }
    }
  }

  // Runs one snapshot to the end under mutations and checks it against the moment it started.
  // With `refuse_after` >= 0 the consumer fails partway and the snapshot is abandoned (only the
  // marks must stay sound for the next one).
  void RunOne(int64_t refuse_after = -1, bool destroy_early = false, bool quiet = false) {
    std::vector<std::map<std::string, std::string>> expected;
    std::map<int, std::pair<uint64_t, uint64_t>> sizes;
    for (int i = 0; i < kDbs; ++i) {
      expected.push_back(RenderDb(*dbs_[i]));
      if (dbs_[i]->size() > 0) sizes[i] = {dbs_[i]->size(), dbs_[i]->expires()};
    }
    RecordingConsumer consumer;
    consumer.refuse_after = refuse_after;
    {
      auto snap = std::make_unique<InlineSnapshot>(Dbs(), &consumer);
      int slices = 0;
      while (!snap->done()) {
        int64_t deadline = rng_() % 4 == 0 ? MonotonicUs() + 20 : 0;  // 0: one cursor step
        snap->Step(deadline);
        if (snap->done()) break;
        int changes = quiet ? 0 : static_cast<int>(rng_() % 4);
        for (int i = 0; i < changes && !snap->done(); ++i) Mutate(snap.get());
        if (destroy_early && ++slices == 30) break;
      }
      if (refuse_after < 0) {
        EXPECT_FALSE(snap->failed());
        EXPECT_EQ(snap->keys_emitted(), static_cast<uint64_t>(consumer.count));
      }
    }
    EXPECT_EQ(InlineSnapshot::current(), nullptr);
    EXPECT_EQ(Database::change_observer(), nullptr);
    // Every entry carries its database's parity: the next snapshot starts clean.
    for (auto& db : dbs_) {
      db->table().ForEach([&](Entry* e) { ASSERT_EQ(e->snapshot_bit(), db->snapshot_parity()); });
    }
    if (refuse_after >= 0 || destroy_early) return;
    EXPECT_EQ(consumer.sizes, sizes);
    ExpectSameKeys(expected, consumer);
  }

  std::vector<std::unique_ptr<Database>> dbs_;
  std::mt19937_64 rng_;
  uint64_t key_space_ = 3000;
  int64_t now_ = 1'000'000;
};

TEST_F(SnapshotTest, EmptyDatabasesAreDoneAtOnce) {
  RecordingConsumer consumer;
  InlineSnapshot snap(Dbs(), &consumer);
  EXPECT_TRUE(snap.done());
  EXPECT_EQ(InlineSnapshot::current(), nullptr);
  EXPECT_TRUE(snap.Step(0));
  EXPECT_TRUE(consumer.sizes.empty());
}

TEST_F(SnapshotTest, QuietDatabasesComeOutWhole) {
  rng_.seed(1);
  Populate(500);
  for (int round = 0; round < 3; ++round) RunOne(-1, false, /*quiet=*/true);  // parity flips
}

TEST_F(SnapshotTest, KeyChangedBeforeTheWalkIsEmittedAsItWas) {
  Entry* e = dbs_[0]->Add("k");
  e->value.SetString("old");
  dbs_[0]->Add("other")->value.SetString("x");
  RecordingConsumer consumer;
  InlineSnapshot snap(Dbs(), &consumer);
  ASSERT_EQ(InlineSnapshot::current(), &snap);
  snap.BeforeKeyChange(0, "k");
  dbs_[0]->FindRaw("k")->value.SetString("new");
  snap.BeforeKeyChange(0, "k");  // already out: nothing more
  dbs_[0]->Add("fresh")->value.SetString("y");  // after the moment: not part of it
  while (!snap.Step(0)) {
  }
  EXPECT_EQ(consumer.keys[0].size(), 2u);
  EXPECT_EQ(consumer.keys[0]["k"], "string ttl=-1 old");
  EXPECT_EQ(consumer.keys[0]["other"], "string ttl=-1 x");
}

TEST_F(SnapshotTest, FlushEmitsTheRestOfTheDatabaseFirst) {
  for (int i = 0; i < 100; ++i) dbs_[1]->Add("k" + std::to_string(i))->value.SetInt(i);
  RecordingConsumer consumer;
  InlineSnapshot snap(Dbs(), &consumer);
  dbs_[1]->Clear();
  EXPECT_EQ(consumer.keys[1].size(), 100u);
  dbs_[1]->Add("k1")->value.SetInt(-1);
  EXPECT_TRUE(snap.Step(0));
  EXPECT_EQ(consumer.keys[1]["k1"], "string ttl=-1 1");
}

TEST_F(SnapshotTest, RandomMutationsKeepThePointInTime) {
  uint64_t seed = SeedFromEnv();
  std::cout << "seed " << seed << " (MEMKEYDB_SEED to replay)\n";
  SCOPED_TRACE("seed " + std::to_string(seed));
  rng_.seed(seed);
  for (int round = 0; round < 32 && !HasFailure(); ++round) {
    key_space_ = 200 + rng_() % 4000;
    Populate(static_cast<int>(rng_() % key_space_));
    switch (round % 8) {
      case 3:
        RunOne(/*refuse_after=*/static_cast<int64_t>(rng_() % 300));
        break;
      case 6:
        RunOne(-1, /*destroy_early=*/true);
        break;
      default:
        RunOne();
    }
  }
}

}  // namespace
}  // namespace memkeydb
