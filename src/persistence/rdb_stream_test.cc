// Streams in RDB form: payloads redis-server 7.0 wrote (and crafted type-15 ones it read) read
// to what the server read back; streams built here write the server's exact bytes; random
// streams with groups, pending entries, consumers and deletions round-trip; and thousands of
// corrupted payloads are refused or, when accepted, pass the stream's full consistency walk.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "persistence/rdb_value.h"
#include "persistence/testdata/golden_values.h"
#include "types/collection_limits.h"
#include "types/stream_object.h"

namespace memkeydb::rdb {
namespace {

using testing::Decoded;
using testing::Flatten;
using testing::FromHex;
using testing::Golden;
using testing::Goldens;
using testing::Seal;

StreamObject* StreamOf(const CompactValue& v) { return static_cast<StreamObject*>(v.object()); }

TEST(RdbStream, GoldenPayloadsReadAsRedisReadThem) {
  int streams = 0;
  for (const Golden& g : Goldens()) {
    std::string name = g.name;
    if (name.rfind("stream", 0) != 0) continue;
    SCOPED_TRACE(name);
    ++streams;
    std::string payload = FromHex(g.payload_hex);
    CompactValue v;
    if (!testing::ReadAsRedisDid(g, &v)) continue;
    EXPECT_EQ(Flatten(&v), Decoded(g));
    std::string why;
    EXPECT_TRUE(StreamOf(v)->Validate(&why)) << why;
    // What the server wrote (type 19) is written back byte for byte.
    if (payload[0] == static_cast<char>(kTypeStreamListpacks2)) {
      bool lzf = name.find("lzf") != std::string::npos;
      EXPECT_EQ(DumpPayload(v, lzf), payload);
    }
  }
  EXPECT_GE(streams, 6);
}

// The commands make_legacy_payloads.py ran for "stream_commands" and "stream_emptied", through
// the object's API: the payload must be the server's, byte for byte.
TEST(RdbStream, BuiltStreamsWriteRedisBytes) {
  RegisterStreamObjectOps();
  CompactValue v;
  StreamObject* s = StreamObject::New();
  v.SetObject(ValueType::kStream, s);
  for (int i = 0; i < 250; ++i) {
    std::vector<std::string> fv;
    if (i % 10) {
      fv = {"sensor", "s" + std::to_string(i % 3), "value", std::to_string(i * 7)};
    } else {
      fv = {"odd", std::string(i, 'x')};
    }
    s->Append(StreamID{static_cast<uint64_t>(1000 + i / 4), static_cast<uint64_t>(i % 4)},
              std::vector<std::string_view>(fv.begin(), fv.end()));
  }
  ASSERT_TRUE(s->Delete({1000, 1}));
  ASSERT_TRUE(s->Delete({1010, 2}));
  ASSERT_TRUE(s->Delete({1062, 1}));
  s->CreateGroup("ga", {1005, 0}, 20);
  s->CreateGroup("gb", s->last_id, -1);
  s->CreateGroup("gc", {0, 0}, -1);

  CompactValue e;
  StreamObject* empty = StreamObject::New();
  e.SetObject(ValueType::kStream, empty);
  empty->Append({5, 1}, {"a", "1"});
  ASSERT_TRUE(empty->Delete({5, 1}));
  empty->CreateGroup("g", empty->last_id, -1);

  int found = 0;
  for (const Golden& g : Goldens()) {
    std::string name = g.name;
    const CompactValue* built = name == "stream_commands" ? &v : name == "stream_emptied" ? &e
                                                                                          : nullptr;
    if (built == nullptr) continue;
    SCOPED_TRACE(name);
    ++found;
    EXPECT_EQ(DumpPayload(*built, false), FromHex(g.payload_hex));
  }
  EXPECT_EQ(found, 2);
}

// A random stream: appends with varying field sets, deletions, groups whose pending entries
// belong to random consumers.
void BuildRandom(std::mt19937_64& rng, StreamObject* s) {
  int entries = static_cast<int>(rng() % 400);
  StreamID id{1 + rng() % 1000, rng() % 3};
  std::vector<StreamID> ids;
  for (int i = 0; i < entries; ++i) {
    id.ms += rng() % 3;
    id.seq = id.seq + 1 + rng() % 2;
    std::vector<std::string> fv;
    int nf = 1 + static_cast<int>(rng() % 4);
    bool fixed = rng() % 3 != 0;
    for (int f = 0; f < nf; ++f) {
      fv.push_back(fixed ? "f" + std::to_string(f) : "r" + std::to_string(rng() % 50));
      fv.push_back(rng() % 2 ? std::to_string(static_cast<int64_t>(rng())) : std::string(rng() % 90, 'v'));
    }
    s->Append(id, std::vector<std::string_view>(fv.begin(), fv.end()));
    ids.push_back(id);
  }
  for (StreamID d : ids) {
    if (rng() % 5 == 0) s->Delete(d);
  }
  int groups = static_cast<int>(rng() % 4);
  for (int gi = 0; gi < groups; ++gi) {
    StreamID last = ids.empty() ? StreamID{} : ids[rng() % ids.size()];
    StreamGroup* g = s->CreateGroup("group-" + std::to_string(gi), last,
                                    rng() % 2 ? -1 : static_cast<int64_t>(rng() % 100));
    int consumers = static_cast<int>(rng() % 4);
    std::vector<StreamConsumer*> cs;
    for (int ci = 0; ci < consumers; ++ci) {
      cs.push_back(s->CreateConsumer(g, "consumer-" + std::to_string(ci),
                                     1700000000000 + static_cast<int64_t>(rng() % 100000)));
    }
    if (cs.empty() || ids.empty()) continue;
    for (int p = 0; p < 20; ++p) {
      StreamID pid = ids[rng() % ids.size()];
      if (g->pel.count(pid)) continue;
      StreamConsumer* c = cs[rng() % cs.size()];
      g->pel.emplace(pid, StreamPending{1700000000000 + static_cast<int64_t>(rng() % 1000),
                                        1 + rng() % 5, c});
      c->pel.insert(pid);
    }
  }
}

uint64_t SeedFromEnv(const char* var) {
  if (const char* s = std::getenv(var)) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

TEST(RdbStream, RandomStreamsRoundTrip) {
  RegisterStreamObjectOps();
  uint64_t seed = SeedFromEnv("MEMKEYDB_TEST_SEED");
  std::printf("RandomStreamsRoundTrip seed %llu (MEMKEYDB_TEST_SEED)\n",
              static_cast<unsigned long long>(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  CollectionLimits saved = Limits();
  for (int round = 0; round < 60; ++round) {
    Limits().stream_node_max_entries = static_cast<int64_t>(rng() % 20);  // 0: no limit
    Limits().stream_node_max_bytes = rng() % 2 ? 4096 : 300;
    CompactValue v;
    StreamObject* s = StreamObject::New();
    v.SetObject(ValueType::kStream, s);
    BuildRandom(rng, s);
    std::string why;
    ASSERT_TRUE(s->Validate(&why)) << why;
    bool lzf = rng() % 2;
    std::string payload = DumpPayload(v, lzf);
    CompactValue back;
    std::string error;
    ASSERT_TRUE(ReadDumpPayload(payload, &back, &error)) << error;
    EXPECT_EQ(Flatten(&back), Flatten(&v));
    EXPECT_EQ(StreamOf(back)->node_count(), s->node_count());
    EXPECT_TRUE(StreamOf(back)->Validate(&why)) << why;
    EXPECT_EQ(DumpPayload(back, lzf), payload);
  }
  Limits() = saved;
}

// 7.2's type 21 adds an active time after each consumer's seen time: a type-19 body with one
// inserted reads as the same stream (the active time has no counterpart here).
TEST(RdbStream, Type21ConsumersCarryActiveTime) {
  RegisterStreamObjectOps();
  CompactValue v;
  StreamObject* s = StreamObject::New();
  v.SetObject(ValueType::kStream, s);
  s->Append({1, 1}, {"f", "v"});
  s->Append({2, 1}, {"f", "w"});
  StreamGroup* g = s->CreateGroup("g", {2, 1}, 2);
  StreamConsumer* c = s->CreateConsumer(g, "c", 1234);
  g->pel.emplace(StreamID{1, 1}, StreamPending{99, 3, c});
  c->pel.insert({1, 1});
  std::string body = DumpPayload(v, false);
  body.resize(body.size() - kDumpFooter);
  // The consumer's seen time is followed by its PEL count (1) and one 16-byte ID at the end.
  std::string seen(8, '\0');
  int64_t t = 1234;
  std::memcpy(seen.data(), &t, 8);
  size_t at = body.rfind(seen);
  ASSERT_NE(at, std::string::npos);
  std::string v3 = body;
  v3[0] = static_cast<char>(kTypeStreamListpacks3);
  v3.insert(at + 8, std::string("\x10\x27\0\0\0\0\0\0", 8));  // active time 10000
  CompactValue back;
  std::string error;
  // Type 21 comes in version-11 files (7.2); RESTORE, as in 7.0, takes versions up to 10, so
  // the value is read as a file loader reads it.
  {
    RdbIn in(v3);
    uint8_t type = 0;
    ASSERT_TRUE(in.Byte(&type));
    ASSERT_TRUE(ReadValue(in, type, &back)) << in.error();
    EXPECT_EQ(in.remaining(), 0u);
  }
  EXPECT_EQ(Flatten(&back), Flatten(&v));
  // The same bytes as type 19 leave eight bytes over: refused.
  v3[0] = static_cast<char>(kTypeStreamListpacks2);
  EXPECT_FALSE(ReadDumpPayload(Seal(v3, 10), &back, &error));
}

TEST(RdbStream, RefusesInconsistentGroupsAndNodes) {
  RegisterStreamObjectOps();
  auto base = [] {
    CompactValue* v = new CompactValue;
    StreamObject* s = StreamObject::New();
    v->SetObject(ValueType::kStream, s);
    s->Append({1, 1}, {"f", "v"});
    s->Append({1, 2}, {"f", "w"});
    return v;
  };
  // A consumer listing an ID its group does not have pending.
  {
    std::unique_ptr<CompactValue> v(base());
    StreamObject* s = StreamOf(*v);
    StreamGroup* g = s->CreateGroup("g", {1, 2}, 2);
    StreamConsumer* c = s->CreateConsumer(g, "c", 5);
    g->pel.emplace(StreamID{1, 1}, StreamPending{9, 1, c});
    c->pel.insert({1, 1});
    c->pel.insert({1, 2});  // not in the group PEL
    CompactValue back;
    std::string error;
    EXPECT_FALSE(ReadDumpPayload(DumpPayload(*v, false), &back, &error));
    EXPECT_EQ(error, "ERR Bad data format");
    std::string why;
    EXPECT_FALSE(s->Validate(&why));
    c->pel.erase({1, 2});
  }
  // A group pending entry no consumer owns.
  {
    std::unique_ptr<CompactValue> v(base());
    StreamObject* s = StreamOf(*v);
    StreamGroup* g = s->CreateGroup("g", {1, 2}, 2);
    StreamConsumer* c = s->CreateConsumer(g, "c", 5);
    g->pel.emplace(StreamID{1, 1}, StreamPending{9, 1, c});
    std::string payload = DumpPayload(*v, false);
    CompactValue back;
    std::string error;
    EXPECT_FALSE(ReadDumpPayload(payload, &back, &error));
    c->pel.insert({1, 1});
    EXPECT_TRUE(ReadDumpPayload(DumpPayload(*v, false), &back, &error)) << error;
  }
  // A length that does not match the entries, and a last ID below the last entry.
  {
    std::unique_ptr<CompactValue> v(base());
    std::string body = DumpPayload(*v, false);
    body.resize(body.size() - kDumpFooter);
    // After the node: length 2, last ID 1-2.
    size_t at = body.find(std::string("\x02\x01\x02\x01\x01", 5), body.size() - 20);
    ASSERT_NE(at, std::string::npos);
    std::string lie = body;
    lie[at] = 3;
    CompactValue back;
    std::string error;
    EXPECT_FALSE(ReadDumpPayload(Seal(lie, 10), &back, &error));
    lie = body;
    lie[at + 2] = 1;  // last ID 1-1
    EXPECT_FALSE(ReadDumpPayload(Seal(lie, 10), &back, &error));
    EXPECT_TRUE(ReadDumpPayload(Seal(body, 10), &back, &error)) << error;
  }
}

// Mutated payloads: never a crash, never an accepted value that fails the consistency walk.
TEST(RdbStream, CorruptionFuzz) {
  RegisterStreamObjectOps();
  uint64_t seed = SeedFromEnv("MEMKEYDB_FUZZ_SEED");
  std::printf("CorruptionFuzz seed %llu (MEMKEYDB_FUZZ_SEED)\n",
              static_cast<unsigned long long>(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::vector<std::string> bases;
  for (const Golden& g : Goldens()) {
    if (std::string(g.name).rfind("stream", 0) == 0) bases.push_back(FromHex(g.payload_hex));
  }
  for (int i = 0; i < 6; ++i) {
    CompactValue v;
    StreamObject* s = StreamObject::New();
    v.SetObject(ValueType::kStream, s);
    BuildRandom(rng, s);
    bases.push_back(DumpPayload(v, i % 2));
  }
  int accepted = 0;
  const int kRounds = 6000;
  for (int round = 0; round < kRounds; ++round) {
    const std::string& base = bases[rng() % bases.size()];
    std::string payload = testing::MutatedPayload(base, rng);
    CompactValue v;
    std::string error;
    if (!ReadDumpPayload(payload, &v, &error)) {
      EXPECT_TRUE(v.empty());
      EXPECT_TRUE(error == "ERR Bad data format" ||
                  error == "ERR DUMP payload version or checksum are wrong")
          << error;
      continue;
    }
    // A mutated type byte may make another valid value; the legacy tests walk those.
    if (v.type() != ValueType::kStream) continue;
    ++accepted;
    std::string why;
    ASSERT_TRUE(StreamOf(v)->Validate(&why)) << "round " << round << ": " << why;
    // Everything readable, and it survives another trip.
    std::vector<std::string> flat = Flatten(&v);
    CompactValue again;
    ASSERT_TRUE(ReadDumpPayload(DumpPayload(v, false), &again, &error)) << error;
    EXPECT_EQ(Flatten(&again), flat);
  }
  std::printf("CorruptionFuzz: %d of %d mutated payloads accepted\n", accepted, kRounds);
}

}  // namespace
}  // namespace memkeydb::rdb
