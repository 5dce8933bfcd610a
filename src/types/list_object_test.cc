// Tests of the list object: the quicklist's node layout, compression and tier accounting, and a
// seeded randomized comparison with std::deque across fill and compress-depth settings.

#include "types/list_object.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using End = Quicklist::End;

// Owns a Quicklist for the length of a test.
struct ListHolder {
  ListHolder(int64_t fill, int64_t depth) : list(Quicklist::Create(fill, depth)) {}
  ~ListHolder() { Quicklist::Destroy(list); }
  Quicklist* operator->() { return list; }
  Quicklist* list;
};

std::vector<std::string> Elements(const Quicklist& l) {
  std::vector<std::string> out;
  l.Walk(0, false, [&](std::string_view s, size_t) {
    out.emplace_back(s);
    return true;
  });
  return out;
}

void ExpectValid(const Quicklist& l) {
  std::string why;
  EXPECT_TRUE(l.Validate(&why)) << why;
}

TEST(ListObject, SmallListIsOneNode) {
  ListHolder l(-2, 0);
  l->Push(End::kTail, "a");
  l->Push(End::kHead, "b");
  EXPECT_EQ(l->node_count(), 1u);
  EXPECT_EQ(Elements(*l.list), (std::vector<std::string>{"b", "a"}));
  size_t bytes[kNumTiers] = {};
  l->BytesByTier(bytes);
  // Header, one node and a tiny listpack.
  EXPECT_LT(bytes[0], 160u);
}

TEST(ListObject, EncodingIsQuicklist) {
  RegisterListObjectOps();
  CompactValue v;
  v.SetObject(ValueType::kList, NewList());
  EXPECT_EQ(std::string(v.EncodingName()), "quicklist");
  static_cast<Quicklist*>(v.object())->Push(End::kTail, "x");
  CompactValue copy;
  copy.CopyFrom(v);
  EXPECT_EQ(Elements(*static_cast<Quicklist*>(copy.object())), std::vector<std::string>{"x"});
  EXPECT_GT(v.ExternalBytes(), 0u);
}

TEST(ListObject, FillByCount) {
  ListHolder l(3, 0);
  for (int i = 0; i < 10; ++i) l->Push(End::kTail, std::to_string(i));
  EXPECT_EQ(l->node_count(), 4u);
  ExpectValid(*l.list);
  ListHolder one(0, 0);  // fill 0: one element per node
  for (int i = 0; i < 5; ++i) one->Push(End::kHead, "v");
  EXPECT_EQ(one->node_count(), 5u);
}

TEST(ListObject, FillBySizeAndLargeElements) {
  ListHolder l(-1, 0);  // 4 KiB nodes
  std::string hundred(100, 'h');
  for (int i = 0; i < 100; ++i) l->Push(End::kTail, hundred);
  // About 39 elements of 102 bytes fit in 4 KiB.
  EXPECT_EQ(l->node_count(), 3u);
  ListHolder big(-2, 0);
  big->Push(End::kTail, "small");
  big->Push(End::kTail, std::string(20000, 'b'));
  big->Push(End::kTail, "small");
  EXPECT_EQ(big->node_count(), 3u);
  // LSET of a large value into a full node gives the value a node of its own.
  ListHolder set(-1, 0);
  for (int i = 0; i < 30; ++i) set->Push(End::kTail, hundred);
  ASSERT_EQ(set->node_count(), 1u);
  set->Set(15, std::string(10000, 'L'));
  EXPECT_EQ(set->node_count(), 3u);
  ExpectValid(*set.list);
  // And setting it small again merges the nodes back.
  set->Set(15, "s");
  EXPECT_EQ(set->node_count(), 1u);
  ExpectValid(*set.list);
}

TEST(ListObject, CompressesInnerNodes) {
  ListHolder l(-1, 1);
  std::string repetitive(200, 'r');
  for (int i = 0; i < 200; ++i) l->Push(End::kTail, repetitive + std::to_string(i));
  ASSERT_GT(l->node_count(), 5u);
  EXPECT_EQ(l->compressed_nodes(), l->node_count() - 2);
  ExpectValid(*l.list);
  std::string v;
  l->Get(100, &v);
  EXPECT_EQ(v, repetitive + "100");
  // Popping down to three nodes leaves one inner node, compressed; two leaves none.
  std::string out;
  while (l->node_count() > 3) l->Pop(End::kHead, &out);
  EXPECT_EQ(l->compressed_nodes(), 1u);
  while (l->node_count() > 2) l->Pop(End::kTail, &out);
  EXPECT_EQ(l->compressed_nodes(), 0u);
  ExpectValid(*l.list);
}

TEST(ListObject, CompressedListIsSmaller) {
  ListHolder plain(-2, 0);
  ListHolder packed(-2, 2);
  for (int i = 0; i < 20000; ++i) {
    std::string s = "element-number-" + std::to_string(i % 100);
    plain->Push(End::kTail, s);
    packed->Push(End::kTail, s);
  }
  size_t a[kNumTiers] = {}, b[kNumTiers] = {};
  plain->BytesByTier(a);
  packed->BytesByTier(b);
  EXPECT_LT(b[0] * 3, a[0]);
}

// ---------------------------------------------------------------------------------------------
// Randomized comparison with std::deque

class Model {
 public:
  Model(uint32_t seed, int64_t fill, int64_t depth) : rng_(seed), list_(fill, depth) {}

  std::string Value() {
    switch (rng_() % 10) {
      case 0: return std::to_string(static_cast<int64_t>(rng_()) - (1ll << 31));
      case 1: return std::to_string(rng_() % 100);
      case 2: return std::string(20 + rng_() % 200, static_cast<char>('a' + rng_() % 3));
      case 3: {
        std::string s(1 + rng_() % 300, '\0');
        for (char& c : s) c = static_cast<char>(rng_());
        return s;
      }
      case 4:
        if (rng_() % 8 == 0) return std::string(4000 + rng_() % 12000, 'B');
        return "w";
      default: {
        static const char* kWords[] = {"a", "b", "c", "", "hello", "-1", "9999999999"};
        return kWords[rng_() % 7];
      }
    }
  }

  // Picks an existing element (so value operations find something) or a fresh value.
  std::string Probe() {
    if (!ref_.empty() && rng_() % 4 != 0) return ref_[rng_() % ref_.size()];
    return Value();
  }

  // Pushes fresh values at the tail until the list spans at least `nodes` nodes (a random walk
  // of pushes and pops can leave it short).
  void GrowTo(size_t nodes) {
    Quicklist& l = *list_.list;
    while (l.node_count() < nodes) {
      std::string v = Value();
      l.Push(End::kTail, v);
      ref_.push_back(v);
    }
  }

  void Step() {
    Quicklist& l = *list_.list;
    std::string out;
    switch (rng_() % 12) {
      case 0:
      case 1: {
        std::string v = Value();
        bool head = rng_() % 2;
        l.Push(head ? End::kHead : End::kTail, v);
        if (head) {
          ref_.push_front(v);
        } else {
          ref_.push_back(v);
        }
        break;
      }
      case 2:
        if (!ref_.empty()) {
          bool head = rng_() % 2;
          l.Pop(head ? End::kHead : End::kTail, &out);
          ASSERT_EQ(out, head ? ref_.front() : ref_.back());
          if (head) {
            ref_.pop_front();
          } else {
            ref_.pop_back();
          }
        }
        break;
      case 3:
        if (!ref_.empty()) {
          size_t i = rng_() % ref_.size();
          l.Get(i, &out);
          ASSERT_EQ(out, ref_[i]) << "index " << i;
        }
        break;
      case 4:
        if (!ref_.empty()) {
          size_t i = rng_() % ref_.size();
          std::string v = Value();
          l.Set(i, v);
          ref_[i] = v;
        }
        break;
      case 5: {
        std::string pivot = Probe();
        std::string v = Value();
        bool after = rng_() % 2;
        auto it = std::find(ref_.begin(), ref_.end(), pivot);
        bool found = l.InsertByPivot(pivot, v, after);
        ASSERT_EQ(found, it != ref_.end());
        if (found) ref_.insert(after ? it + 1 : it, v);
        break;
      }
      case 6: {
        std::string v = Probe();
        size_t limit = rng_() % 4;
        bool from_tail = rng_() % 2;
        size_t removed = l.Remove(v, limit, from_tail);
        size_t expect = 0;
        if (!from_tail) {
          for (auto it = ref_.begin(); it != ref_.end() && (limit == 0 || expect < limit);) {
            if (*it == v) {
              it = ref_.erase(it);
              ++expect;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = ref_.size(); i-- > 0 && (limit == 0 || expect < limit);) {
            if (ref_[i] == v) {
              ref_.erase(ref_.begin() + static_cast<ptrdiff_t>(i));
              ++expect;
            }
          }
        }
        ASSERT_EQ(removed, expect);
        break;
      }
      case 7:
        if (!ref_.empty() && rng_() % 4 == 0) {
          // LTRIM-like: drop some from both ends.
          size_t front = rng_() % (ref_.size() / 4 + 1);
          l.DeleteRange(0, front);
          ref_.erase(ref_.begin(), ref_.begin() + static_cast<ptrdiff_t>(front));
          size_t back = rng_() % (ref_.size() / 4 + 1);
          l.DeleteRange(ref_.size() - back, back);
          ref_.erase(ref_.end() - static_cast<ptrdiff_t>(back), ref_.end());
        } else if (!ref_.empty()) {
          size_t i = rng_() % ref_.size();
          size_t n = rng_() % (ref_.size() - i + 1);
          l.DeleteRange(i, n);
          ref_.erase(ref_.begin() + static_cast<ptrdiff_t>(i),
                     ref_.begin() + static_cast<ptrdiff_t>(i + n));
        }
        break;
      case 8:
        if (!ref_.empty()) {
          size_t start = rng_() % ref_.size();
          bool reverse = rng_() % 2;
          size_t want = rng_() % 50;
          size_t got = 0;
          l.Walk(start, reverse, [&](std::string_view s, size_t index) {
            EXPECT_EQ(index, reverse ? start - got : start + got);
            EXPECT_EQ(s, ref_[index]);
            return ++got < want;
          });
        }
        break;
      default: {
        // Bulk pushes keep the list long enough to span many nodes.
        int n = 1 + rng_() % 40;
        for (int i = 0; i < n; ++i) {
          std::string v = Value();
          l.Push(End::kTail, v);
          ref_.push_back(v);
        }
        break;
      }
    }
    ASSERT_EQ(l.size(), ref_.size());
    std::string why;
    ASSERT_TRUE(l.Validate(&why)) << why;
  }

  void CheckAll() {
    std::vector<std::string> got = Elements(*list_.list);
    ASSERT_EQ(got.size(), ref_.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], ref_[i]) << "index " << i;
  }

  Quicklist* list() { return list_.list; }

 private:
  std::mt19937 rng_;
  std::deque<std::string> ref_;
  ListHolder list_;
};

TEST(ListObject, RandomizedAgainstDeque) {
  uint32_t seed = std::random_device{}();
  if (const char* s = std::getenv("LIST_TEST_SEED")) seed = static_cast<uint32_t>(std::stoul(s));
  std::printf("seed=%u (LIST_TEST_SEED=%u to replay)\n", seed, seed);
  int64_t base = MemoryTiers::Get().used_total();
  const int64_t kFills[] = {-1, -2, -5, 0, 1, 2, 5, 64};
  const int64_t kDepths[] = {0, 1, 2};
  uint32_t round = 0;
  for (int64_t fill : kFills) {
    for (int64_t depth : kDepths) {
      SCOPED_TRACE("seed=" + std::to_string(seed) + " fill=" + std::to_string(fill) +
                   " depth=" + std::to_string(depth));
      Model m(seed + round++, fill, depth);
      for (int i = 0; i < 3000; ++i) {
        ASSERT_NO_FATAL_FAILURE(m.Step()) << "step " << i;
        if (i % 100 == 0) {
          ASSERT_NO_FATAL_FAILURE(m.CheckAll());
        }
      }
      ASSERT_NO_FATAL_FAILURE(m.CheckAll());
    }
  }
  EXPECT_EQ(MemoryTiers::Get().used_total(), base);
}

// ---------------------------------------------------------------------------------------------
// Tiers

class ListTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnsureFarTier();
    PlaceByThreshold(1 << 30);  // everything starts in DRAM
  }
  void TearDown() override { PlaceAllInDram(); }
};

TEST_F(ListTierTest, MovesEveryBlobAndAccountsExactly) {
  const TierUsage usage;
  uint32_t seed = std::random_device{}();
  if (const char* s = std::getenv("LIST_TEST_SEED")) seed = static_cast<uint32_t>(std::stoul(s));
  std::printf("seed=%u (LIST_TEST_SEED=%u to replay)\n", seed, seed);
  for (int64_t depth : {0, 1}) {
    SCOPED_TRACE("seed=" + std::to_string(seed) + " depth=" + std::to_string(depth));
    Model model(seed, -2, depth);
    for (int i = 0; i < 2000; ++i) ASSERT_NO_FATAL_FAILURE(model.Step());
    model.GrowTo(4);  // full 8 KiB nodes, so some blobs are past the 1 KiB rule below
    Quicklist* l = model.list();
    auto expect_exact = [&] {
      size_t bytes[kNumTiers] = {};
      l->BytesByTier(bytes);
      usage.ExpectGrowth(bytes);
      return bytes[1];
    };
    EXPECT_EQ(expect_exact(), 0u);
    // Blobs of 1 KiB or more go far: the 8 KiB nodes do, compressed ones may.
    MoveRule to_far;
    to_far.to_far_min = 1024;
    MoveStats stats;
    TierCensus census;
    l->Rebalance(to_far, &stats, &census);
    EXPECT_GT(stats.blocks_to_far, 0u);
    size_t far = expect_exact();
    EXPECT_GT(far, 0u);
    EXPECT_EQ(census.total(Tier::kFar), far);
    ASSERT_NO_FATAL_FAILURE(model.CheckAll());
    // Mutations of far nodes keep the accounting exact.
    for (int i = 0; i < 500; ++i) ASSERT_NO_FATAL_FAILURE(model.Step());
    expect_exact();
    MoveRule to_dram;
    to_dram.to_dram_below = SIZE_MAX;
    MoveStats back;
    l->Rebalance(to_dram, &back, nullptr);
    EXPECT_EQ(expect_exact(), 0u);
    ASSERT_NO_FATAL_FAILURE(model.CheckAll());
  }
  usage.ExpectReturned();
}

TEST_F(ListTierTest, LargeNodesArePlacedFarBySize) {
  MemoryTiers& m = MemoryTiers::Get();
  m.policy().set_threshold(4096);
  int64_t far0 = m.used(Tier::kFar);
  {
    ListHolder l(-2, 0);  // 8 KiB nodes: full ones are above the threshold
    for (int i = 0; i < 5000; ++i) l->Push(End::kTail, "element" + std::to_string(i));
    size_t bytes[kNumTiers] = {};
    l->BytesByTier(bytes);
    EXPECT_GT(bytes[1], bytes[0]);
    EXPECT_EQ(static_cast<int64_t>(bytes[1]), m.used(Tier::kFar) - far0);
  }
  EXPECT_EQ(m.used(Tier::kFar), far0);
}

}  // namespace
}  // namespace memkeydb
