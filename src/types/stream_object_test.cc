#include "types/stream_object.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using Fields = std::vector<std::string>;
using Model = std::map<StreamID, Fields>;

std::vector<std::string_view> Views(const Fields& f) {
  return std::vector<std::string_view>(f.begin(), f.end());
}

// Every live entry of the stream, in order.
Model Contents(const StreamObject& s, bool rev = false) {
  Model out;
  std::vector<StreamID> order;
  s.Range(StreamID::Min(), StreamID::Max(), rev, [&](StreamID id, const Fields& fv) {
    out[id] = fv;
    order.push_back(id);
    return true;
  });
  for (size_t i = 1; i < order.size(); ++i) {
    EXPECT_TRUE(rev ? order[i] < order[i - 1] : order[i - 1] < order[i]);
  }
  return out;
}

size_t UserBytes(const StreamObject& s, Tier t) {
  size_t bytes[kNumTiers] = {0, 0};
  s.BytesByTier(bytes);
  return bytes[static_cast<int>(t)];
}

// A file-backed far tier for the process, so tier moves really move.
void OpenFarTier() {
  static bool opened = false;
  if (opened) return;
  opened = true;
  char tmpl[] = "/tmp/memkeydb-stream-XXXXXX";
  FarTierSpec spec;
  spec.backend = FarBackend::kFile;
  spec.dir = mkdtemp(tmpl);
  spec.capacity = 256 << 20;
  std::string err;
  EXPECT_TRUE(MemoryTiers::Get().OpenFar(spec, &err)) << err;
}

class StreamObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = Limits();
    RegisterStreamObjectOps();
    OpenFarTier();
  }
  void TearDown() override { Limits() = saved_; }
  CollectionLimits saved_;
};

TEST_F(StreamObjectTest, AppendRangeDelete) {
  StreamObject* s = StreamObject::New();
  s->Append({1, 1}, {"a", "1", "b", "2"});
  s->Append({1, 2}, {"a", "3", "b", "4"});   // same fields: only values stored
  s->Append({2, 0}, {"c", "-17", "d", ""});  // other fields
  EXPECT_EQ(s->length(), 3u);
  Model m = Contents(*s);
  EXPECT_EQ(m[StreamID({1, 2})], (Fields{"a", "3", "b", "4"}));
  EXPECT_EQ(m[StreamID({2, 0})], (Fields{"c", "-17", "d", ""}));
  EXPECT_TRUE(s->Delete({1, 1}));
  EXPECT_FALSE(s->Delete({1, 1}));
  EXPECT_EQ(s->first_id, StreamID({1, 2}));
  EXPECT_EQ(s->max_deleted_id, StreamID({1, 1}));
  Fields fv;
  EXPECT_FALSE(s->Get({1, 1}, &fv));
  EXPECT_TRUE(s->Get({2, 0}, &fv));
  StreamObject::Destroy(s);
}

TEST_F(StreamObjectTest, NodeSplitsByEntriesAndBytes) {
  Limits().stream_node_max_entries = 10;
  Limits().stream_node_max_bytes = 0;
  StreamObject* s = StreamObject::New();
  for (uint64_t i = 1; i <= 25; ++i) s->Append({i, 0}, {"f", "v"});
  EXPECT_EQ(s->node_count(), 3u);
  StreamObject::Destroy(s);

  Limits().stream_node_max_entries = 0;
  Limits().stream_node_max_bytes = 200;
  s = StreamObject::New();
  for (uint64_t i = 1; i <= 50; ++i) s->Append({i, 0}, {"f", std::string(20, 'x')});
  EXPECT_GT(s->node_count(), 5u);
  for (size_t i = 0; i < s->node_count(); ++i) EXPECT_LT(s->node_bytes(i), 200u + 30u);
  StreamObject::Destroy(s);
}

// The property test: random appends, deletes, trims (exact and approximate) and ranges in both
// directions against a std::map, across node limits, with tier moves and exact accounting.
TEST_F(StreamObjectTest, RandomizedAgainstMap) {
  uint32_t seed = std::random_device{}();
  std::printf("StreamObjectTest.RandomizedAgainstMap seed=%u\n", seed);
  std::mt19937_64 rng(seed);
  auto rnd = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  MemoryTiers& mt = MemoryTiers::Get();
  int64_t start_dram = mt.used(Tier::kDram), start_far = mt.used(Tier::kFar);
  const size_t kLimits[][2] = {{4096, 100}, {0, 5}, {120, 0}, {64, 3}, {1 << 20, 0}};
  for (const auto& lim : kLimits) {
    Limits().stream_node_max_bytes = lim[0];
    Limits().stream_node_max_entries = static_cast<int64_t>(lim[1]);
    SCOPED_TRACE("seed " + std::to_string(seed) + " limits " + std::to_string(lim[0]) + "/" +
                 std::to_string(lim[1]));
    StreamObject* s = StreamObject::New();
    Model model;
    StreamID last;
    for (int step = 0; step < 3000; ++step) {
      int op = static_cast<int>(rnd(100));
      if (op < 50) {
        StreamID id = last;
        if (rnd(3) == 0) {
          id.ms += 1 + rnd(3);
          id.seq = rnd(3);
        } else {
          id.seq += 1 + rnd(2);
        }
        Fields fv;
        size_t n = 1 + rnd(3);
        bool same = rnd(4) != 0;
        for (size_t i = 0; i < n; ++i) {
          fv.push_back(same ? "f" + std::to_string(i) : "x" + std::to_string(rnd(5)));
          switch (rnd(4)) {
            case 0: fv.push_back(std::to_string(static_cast<int64_t>(rng()) >> rnd(64))); break;
            case 1: fv.push_back(std::string(rnd(300), 'v')); break;
            case 2: fv.push_back(""); break;
            default: fv.push_back("val" + std::to_string(rnd(1000)));
          }
        }
        s->Append(id, Views(fv));
        model[id] = fv;
        last = id;
      } else if (op < 70 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, rnd(model.size()));
        StreamID id = rnd(5) == 0 ? StreamID{it->first.ms, it->first.seq + 7} : it->first;
        bool in_model = model.erase(id) > 0;
        ASSERT_EQ(s->Delete(id), in_model);
      } else if (op < 75) {
        uint64_t maxlen = rnd(model.size() + 2);
        bool approx = rnd(2);
        int64_t removed = s->TrimMaxLen(maxlen, approx, approx ? static_cast<int64_t>(rnd(3) * 50) : 0);
        ASSERT_GE(removed, 0);
        for (int64_t i = 0; i < removed; ++i) model.erase(model.begin());
        if (!approx) {
          ASSERT_LE(model.size(), maxlen);
        }
      } else if (op < 80 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, rnd(model.size()));
        StreamID minid = it->first;
        bool approx = rnd(2);
        int64_t removed = s->TrimMinId(minid, approx, 0);
        for (int64_t i = 0; i < removed; ++i) model.erase(model.begin());
        if (!approx) {
          ASSERT_TRUE(model.empty() || model.begin()->first >= minid);
        }
      } else if (op < 95) {
        StreamID a{last.ms > 0 ? rnd(last.ms + 2) : 0, rnd(4)};
        StreamID b{a.ms + rnd(20), rnd(4)};
        bool rev = rnd(2);
        size_t limit = rnd(6);
        std::vector<std::pair<StreamID, Fields>> got;
        s->Range(a, b, rev, [&](StreamID id, const Fields& fv) {
          got.emplace_back(id, fv);
          return limit == 0 || got.size() < limit;
        });
        std::vector<std::pair<StreamID, Fields>> want;
        if (!(b < a)) {
          if (!rev) {
            for (auto it = model.lower_bound(a); it != model.end() && it->first <= b; ++it) {
              want.emplace_back(*it);
              if (limit && want.size() == limit) break;
            }
          } else {
            for (auto it = model.upper_bound(b); it != model.begin();) {
              --it;
              if (it->first < a) break;
              want.emplace_back(*it);
              if (limit && want.size() == limit) break;
            }
          }
        }
        ASSERT_EQ(got, want);
      } else {
        // Tier moves: everything far, then everything back; accounting follows exactly.
        MoveStats stats;
        TierCensus census;
        size_t before_total = UserBytes(*s, Tier::kDram) + UserBytes(*s, Tier::kFar);
        MoveRule to_far;
        to_far.to_far_min = 0;
        s->Rebalance(to_far, &stats, &census);
        EXPECT_EQ(stats.failed, 0u);
        EXPECT_EQ(UserBytes(*s, Tier::kFar) > 0, s->node_count() > 0);
        EXPECT_EQ(census.total(Tier::kFar), UserBytes(*s, Tier::kFar));
        MoveRule to_dram;
        to_dram.to_dram_below = SIZE_MAX;
        s->Rebalance(to_dram, &stats, nullptr);
        EXPECT_EQ(UserBytes(*s, Tier::kFar), 0u);
        EXPECT_EQ(UserBytes(*s, Tier::kDram) + UserBytes(*s, Tier::kFar), before_total);
      }
      ASSERT_EQ(s->length(), model.size());
    }
    ASSERT_EQ(Contents(*s), model);
    ASSERT_EQ(Contents(*s, true), model);
    if (!model.empty()) {
      StreamID first;
      ASSERT_TRUE(s->FirstId(&first));
      EXPECT_EQ(first, model.begin()->first);
      EXPECT_EQ(s->first_id, model.begin()->first);
    }
    // The object's own byte count is exactly what it holds in MemoryTiers.
    int64_t dram_before = mt.used(Tier::kDram), far_before = mt.used(Tier::kFar);
    size_t dram_bytes = UserBytes(*s, Tier::kDram), far_bytes = UserBytes(*s, Tier::kFar);
    StreamObject* copy = s->Clone();
    ASSERT_EQ(Contents(*copy), model);
    StreamObject::Destroy(copy);
    StreamObject::Destroy(s);
    EXPECT_EQ(dram_before - mt.used(Tier::kDram), static_cast<int64_t>(dram_bytes));
    EXPECT_EQ(far_before - mt.used(Tier::kFar), static_cast<int64_t>(far_bytes));
  }
  EXPECT_EQ(mt.used(Tier::kDram), start_dram);
  EXPECT_EQ(mt.used(Tier::kFar), start_far);
}

TEST_F(StreamObjectTest, GroupsAndAccounting) {
  MemoryTiers& mt = MemoryTiers::Get();
  int64_t start = mt.used(Tier::kDram);
  int64_t start_total = mt.used_total();
  StreamObject* s = StreamObject::New();
  for (uint64_t i = 1; i <= 10; ++i) s->Append({i, 0}, {"f", "v"});
  StreamGroup* g = s->CreateGroup("g", {0, 0}, -1);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s->CreateGroup("g", {0, 0}, -1), nullptr);
  StreamConsumer* c = s->CreateConsumer(g, "alice", 5);
  for (uint64_t i = 1; i <= 5; ++i) {
    g->pel.emplace(StreamID{i, 0}, StreamPending{5, 1, c});
    c->pel.insert(StreamID{i, 0});
  }
  size_t bytes[kNumTiers] = {0, 0};
  s->BytesByTier(bytes);
  EXPECT_EQ(static_cast<int64_t>(bytes[0] + bytes[1]), mt.used_total() - start_total);
  StreamObject* copy = s->Clone();
  EXPECT_EQ(copy->FindGroup("g")->pel.size(), 5u);
  EXPECT_EQ(copy->FindGroup("g")->pel.begin()->second.consumer->name->size(), 5u);
  StreamObject::Destroy(copy);
  EXPECT_EQ(s->DeleteConsumer(g, "alice"), 5u);
  EXPECT_TRUE(g->pel.empty());
  EXPECT_TRUE(s->DestroyGroup("g"));
  StreamObject::Destroy(s);
  EXPECT_EQ(mt.used(Tier::kDram), start);
}

}  // namespace
}  // namespace memkeydb
