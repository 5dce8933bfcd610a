#include "store/database.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/clock.h"

namespace memkeydb {
namespace {

class RecordingEvents : public KeyEvents {
 public:
  void KeyTouched(int, std::string_view key) override { touched.emplace_back(key); }
  void KeyExpired(int, std::string_view key) override { expired.emplace_back(key); }
  std::vector<std::string> touched, expired;
};

TEST(DatabaseTest, LazyExpiryOnFind) {
  Database db(0);
  RecordingEvents ev;
  db.set_events(&ev);
  Entry* e = db.Add("k");
  e->value.SetString("v");
  db.SetExpire(&e, 1000);
  EXPECT_EQ(db.expires(), 1u);
  EXPECT_EQ(e->expire_at(), 1000);
  EXPECT_EQ(std::string(e->key()), "k");
  EXPECT_NE(db.Find("k", 999), nullptr);
  EXPECT_EQ(db.Find("k", 1000), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires(), 0u);
  ASSERT_EQ(ev.expired.size(), 1u);
  EXPECT_EQ(ev.expired[0], "k");
}

TEST(DatabaseTest, ExpireSetClearKeepsValue) {
  Database db(0);
  Entry* e = db.Add("key");
  e->value.SetString(std::string(100, 'z'));
  db.SetExpire(&e, NowMs() + 100000);
  db.SetExpire(&e, NowMs() + 200000);
  EXPECT_EQ(db.expires(), 1u);
  db.ClearExpire(&e);
  EXPECT_EQ(db.expires(), 0u);
  EXPECT_FALSE(e->has_expire());
  char buf[CompactValue::kIntBufSize];
  EXPECT_EQ(db.Find("key", NowMs())->value.StringView(buf), std::string(100, 'z'));
}

TEST(DatabaseTest, ActiveExpireRemovesOnlyExpired) {
  Database db(0);
  RecordingEvents ev;
  db.set_events(&ev);
  int64_t now = NowMs();
  for (int i = 0; i < 1000; ++i) {
    Entry* e = db.Add("k" + std::to_string(i));
    e->value.SetInt(i);
    db.SetExpire(&e, i % 2 ? now - 1 : now + 1000000);
  }
  for (int i = 0; i < 200 && db.size() > 500; ++i) {
    db.ActiveExpire(now, MonotonicUs() + 100000, 20, 10);
  }
  EXPECT_LE(db.size(), 560u);  // the cycle stops once few sampled keys are stale
  EXPECT_GE(db.size(), 500u);
  for (int i = 0; i < 1000; i += 2) EXPECT_NE(db.FindRaw("k" + std::to_string(i)), nullptr);
  EXPECT_EQ(ev.expired.size(), 1000 - db.size());
}

TEST(DatabaseTest, DetachAttachMovesBetweenDatabases) {
  Database a(0), b(1);
  Entry* e = a.Add("x");
  e->value.SetString("hello");
  a.SetExpire(&e, NowMs() + 5000);
  Entry* d = a.Detach("x");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(a.expires(), 0u);
  b.Attach(d);
  EXPECT_EQ(b.expires(), 1u);
  EXPECT_EQ(a.FindRaw("x"), nullptr);
  EXPECT_NE(b.FindRaw("x"), nullptr);
}

TEST(DatabaseTest, ClearReturnsMemory) {
  int64_t base = MemoryTiers::Get().used_total();
  {
    Database db(0);
    for (int i = 0; i < 10000; ++i) {
      Entry* e = db.Add("key:" + std::to_string(i));
      e->value.SetString(std::string(i % 200, 'v'));
      if (i % 3 == 0) db.SetExpire(&e, NowMs() + 100000);
    }
    EXPECT_EQ(db.Clear(), 10000u);
    EXPECT_EQ(db.size(), 0u);
  }
  EXPECT_EQ(MemoryTiers::Get().used_total(), base);
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// A pass cut short by its deadline says so, so the server can schedule extra short passes.
TEST(DatabaseTest, ActiveExpireReportsOutOfTime) {
  Database db(0);
  int64_t now = NowMs();
  for (int i = 0; i < 5000; ++i) {
    Entry* e = db.Add("k" + std::to_string(i));
    db.SetExpire(&e, now - 1);
  }
  bool out_of_time = false;
  size_t n = db.ActiveExpire(now, MonotonicUs() - 1, 20, 10, &out_of_time);
  EXPECT_TRUE(out_of_time);
  EXPECT_EQ(n, 20u);  // one sample loop runs before the deadline is looked at
  n = db.ActiveExpire(now, MonotonicUs() + 10000000, 20, 10, &out_of_time);
  EXPECT_FALSE(out_of_time);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(n, 4980u);
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// FLUSHALL ASYNC: the keys are gone at once; their memory is returned (and uncounted) by the
// background thread.
TEST(DatabaseTest, ClearAsyncReturnsMemoryInBackground) {
  MemoryTiers& m = MemoryTiers::Get();
  int64_t base = m.used_total();
  int64_t allocs = m.allocations(Tier::kDram);
  Database db(0);
  for (int i = 0; i < 50000; ++i) {
    Entry* e = db.Add("key:" + std::to_string(i));
    e->value.SetString(std::string(i % 300, 'v'));
    if (i % 5 == 0) db.SetExpire(&e, NowMs() + 100000);
  }
  EXPECT_GT(m.used_total(), base);
  EXPECT_EQ(db.ClearAsync(), 50000u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires(), 0u);
  EXPECT_EQ(db.FindRaw("key:7"), nullptr);
  // The database stays usable while the old keys are destroyed.
  db.Add("fresh")->value.SetString("x");
  EXPECT_EQ(db.size(), 1u);
  m.WaitForBackgroundFrees();
  db.Clear();
  EXPECT_EQ(m.used_total(), base);
  EXPECT_EQ(m.allocations(Tier::kDram), allocs);
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// TTLs near the largest representable time must not overflow the running TTL average.
TEST(DatabaseTest, ActiveExpireWithHugeTtls) {
  Database db(0);
  int64_t now = NowMs();
  for (int i = 0; i < 100; ++i) {
    Entry* e = db.Add("k" + std::to_string(i));
    db.SetExpire(&e, INT64_MAX - i);
  }
  EXPECT_EQ(db.ActiveExpire(now, MonotonicUs() + 100000, 20, 10), 0u);
  EXPECT_GT(db.avg_ttl_ms(), INT64_MAX / 2);
  EXPECT_EQ(db.size(), 100u);
}

}  // namespace
}  // namespace memkeydb
