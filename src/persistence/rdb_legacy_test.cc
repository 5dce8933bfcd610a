// The encodings Redis no longer writes (linked lists, zipmaps, ziplists, ziplist quicklists):
// payloads crafted by make_legacy_payloads.py read to what redis-server 7.0 read from them;
// damaged blobs are refused field by field; and thousands of mutated payloads are refused or
// read to values that pass their type's consistency walk.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ds/quicklist.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_legacy.h"
#include "persistence/rdb_value.h"
#include "persistence/testdata/golden_values.h"
#include "types/collection_limits.h"
#include "types/hash_object.h"
#include "types/stream_object.h"
#include "types/zset_object.h"

namespace memkeydb::rdb {
namespace {

using testing::Decoded;
using testing::Flatten;
using testing::FromHex;
using testing::Golden;
using testing::Goldens;
using testing::Seal;

const Golden& Find(std::string_view name) {
  for (const Golden& g : Goldens()) {
    if (name == g.name) return g;
  }
  ADD_FAILURE() << "no golden " << name;
  return Goldens()[0];
}

// The blob of a payload whose value is one RDB string (zipmap and ziplist types).
std::string BlobOf(std::string_view name) {
  std::string payload = FromHex(Find(name).payload_hex);
  RdbIn in(std::string_view(payload).substr(1, payload.size() - 1 - kDumpFooter));
  std::string blob;
  EXPECT_TRUE(in.String(&blob)) << in.error();
  return blob;
}

// Reads `blob` as a value of `type` directly, returning the reader's error ("" if accepted).
std::string ReadBlob(uint8_t type, const std::string& blob, CompactValue* out) {
  RdbOut w(false);
  w.String(blob);
  RdbIn in(w.buffer());
  if (!ReadLegacy(in, type, out)) return in.error();
  EXPECT_EQ(in.remaining(), 0u);
  return "";
}

// The one place memkeydb's choice differs from Redis 7.0's: Redis keeps a ziplist hash or sorted
// set with a long field or member as a listpack (it checks only the entry count), memkeydb
// builds what HSET and ZADD build for those contents.
std::string MemkeydbEncoding(std::string_view name, const std::string& redis_encoding) {
  if (name == "hash_ziplist_long_value") return "hashtable";
  if (name == "zset_ziplist_long_member") return "skiplist";
  return redis_encoding;
}

TEST(RdbLegacy, GoldenPayloadsReadAsRedisReadThem) {
  int cases = 0;
  for (const Golden& g : Goldens()) {
    std::string payload = FromHex(g.payload_hex);
    if (!IsLegacyType(static_cast<uint8_t>(payload[0]))) continue;
    SCOPED_TRACE(g.name);
    ++cases;
    CompactValue v;
    if (!testing::ReadAsRedisDid(g, &v)) continue;
    std::vector<std::string> expected = Decoded(g);
    expected[1] = MemkeydbEncoding(g.name, expected[1]);
    EXPECT_EQ(Flatten(&v), expected);
  }
  EXPECT_GE(cases, 18);
}

TEST(RdbLegacy, RefusalsSayWhy) {
  CompactValue v;
  EXPECT_NE(ReadBlob(kTypeHashZiplist, BlobOf("hash_ziplist_dup"), &v).find("repeated field"),
            std::string::npos);
  EXPECT_TRUE(v.empty());
  EXPECT_NE(ReadBlob(kTypeZsetZiplist, BlobOf("zset_ziplist_dup"), &v).find("repeated member"),
            std::string::npos);
  EXPECT_NE(ReadBlob(kTypeHashZipmap, BlobOf("hash_zipmap_dup"), &v).find("repeated field"),
            std::string::npos);
  std::string error;
  CompactValue list;
  ASSERT_FALSE(ReadDumpPayload(FromHex(Find("list_quicklist_all_empty").payload_hex), &list,
                               &error));
  // The same ziplist read as a list is a list of its elements.
  std::string zl = BlobOf("hash_ziplist");
  EXPECT_EQ(ReadBlob(kTypeListZiplist, zl, &v), "");
  v.Reset();
}

// Field-by-field damage to a ziplist: each is refused, with the reason.
TEST(RdbLegacy, ZiplistDamage) {
  const std::string good = BlobOf("hash_ziplist");
  CompactValue v;
  ASSERT_EQ(ReadBlob(kTypeHashZiplist, good, &v), "");
  v.Reset();
  auto expect_refused = [&](std::string blob, std::string_view why) {
    SCOPED_TRACE(why);
    CompactValue out;
    std::string error = ReadBlob(kTypeHashZiplist, blob, &out);
    EXPECT_NE(error.find(why), std::string::npos) << "got: " << error;
    EXPECT_TRUE(out.empty());
  };
  std::string b = good;
  b[0]++;
  expect_refused(b, "size does not match");
  b = good;
  b[4]++;
  expect_refused(b, "tail offset");
  b = good;
  b[8]++;
  expect_refused(b, "entry count");
  b = good;
  b.back() = 0;
  expect_refused(b, "does not end with 0xFF");
  b = good;
  b[10] = 1;  // the first entry's prevlen must be 0
  expect_refused(b, "prevlen");
  b = good;
  b[11] = static_cast<char>(0xC1);  // not an encoding
  expect_refused(b, "unknown encoding");
  b = good;
  b[11] = 0x3F;  // a 63-byte string in a blob much shorter than that
  expect_refused(b, "past the end");
  b = good;
  b[11] = static_cast<char>(0xFF);
  expect_refused(b, "unknown encoding");
  b = good.substr(0, 10) + "\xff";  // an empty ziplist
  b[0] = 11;
  b[4] = 10;  // an empty ziplist's tail is its header's size
  b[5] = b[6] = b[7] = 0;
  b[8] = b[9] = 0;
  expect_refused(b, "empty hash");
  // 65535 means "count unknown": accepted.
  b = good;
  b[8] = b[9] = static_cast<char>(0xFF);
  CompactValue out;
  EXPECT_EQ(ReadBlob(kTypeHashZiplist, b, &out), "");
}

TEST(RdbLegacy, ZipmapDamage) {
  const std::string good = BlobOf("hash_zipmap");
  CompactValue v;
  ASSERT_EQ(ReadBlob(kTypeHashZipmap, good, &v), "");
  auto refused = [&](const std::string& blob) {
    CompactValue out;
    return !ReadBlob(kTypeHashZipmap, blob, &out).empty() && out.empty();
  };
  std::string b = good;
  b[0]++;
  EXPECT_TRUE(refused(b));  // count
  b = good;
  b[0] = static_cast<char>(254);  // unknown count: accepted
  EXPECT_FALSE(refused(b));
  b = good;
  b[1] = 100;  // field longer than the map
  EXPECT_TRUE(refused(b));
  b = good;
  b.back() = 0;
  EXPECT_TRUE(refused(b));
  EXPECT_TRUE(refused(std::string("\x00\xff", 2)));  // empty
  EXPECT_TRUE(refused(std::string("\x01\x01" "a" "\x05\x00" "ab\xff", 9)));  // value too long
}

// The collection limits decide the encoding, as for values built by commands.
TEST(RdbLegacy, ConversionFollowsLimits) {
  CollectionLimits saved = Limits();
  Limits().hash_max_listpack_entries = 2;
  Limits().zset_max_listpack_entries = 2;
  CompactValue h, z;
  std::string error;
  ASSERT_TRUE(ReadDumpPayload(FromHex(Find("hash_zipmap").payload_hex), &h, &error)) << error;
  EXPECT_EQ(Flatten(&h)[1], "hashtable");
  ASSERT_TRUE(ReadDumpPayload(FromHex(Find("zset_ziplist").payload_hex), &z, &error)) << error;
  EXPECT_EQ(Flatten(&z)[1], "skiplist");
  Limits().list_max_listpack_size = 4;
  CompactValue l;
  ASSERT_TRUE(ReadDumpPayload(FromHex(Find("list_linked_many").payload_hex), &l, &error));
  const auto* q = static_cast<const Quicklist*>(l.object());
  EXPECT_EQ(q->node_count(), 250u);
  std::string why;
  EXPECT_TRUE(q->Validate(&why)) << why;
  Limits() = saved;
}

uint64_t SeedFromEnv(const char* var) {
  if (const char* s = std::getenv(var)) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// The consistency walk of an accepted value: its type's own checks, and a full read.
void CheckConsistent(CompactValue* v, int round) {
  // A mutated type byte can make a value of a type these tests do not cover (rdb_value_test).
  if (v->type() == ValueType::kString || v->type() == ValueType::kSet) return;
  std::vector<std::string> flat = Flatten(v);
  ASSERT_NE(flat[0], "unexpected type") << "round " << round;
  std::string why;
  switch (v->type()) {
    case ValueType::kList: {
      const auto* q = static_cast<const Quicklist*>(v->object());
      ASSERT_FALSE(q->empty());
      ASSERT_TRUE(q->Validate(&why)) << "round " << round << ": " << why;
      ASSERT_EQ(flat.size() - 2, q->size());
      break;
    }
    case ValueType::kHash: {
      HashObject h(v);
      ASSERT_EQ(flat.size() - 2, 2 * h.size()) << "round " << round;
      for (size_t i = 3; i + 1 < flat.size(); i += 2) ASSERT_LT(flat[i - 1], flat[i + 1]);
      break;
    }
    case ValueType::kZSet: {
      const auto* z = static_cast<const ZSetObject*>(v->object());
      ASSERT_EQ(flat.size() - 2, 2 * z->size()) << "round " << round;
      double prev = -HUGE_VAL;
      z->ForRange(0, z->size(), false, [&](std::string_view m, double s) {
        EXPECT_LE(prev, s);
        EXPECT_EQ(z->Score(m), s);
        prev = s;
        return true;
      });
      break;
    }
    case ValueType::kStream:
      ASSERT_TRUE(static_cast<StreamObject*>(v->object())->Validate(&why)) << why;
      break;
    default:
      break;
  }
}

TEST(RdbLegacy, CorruptionFuzz) {
  uint64_t seed = SeedFromEnv("MEMKEYDB_FUZZ_SEED");
  std::printf("CorruptionFuzz seed %llu (MEMKEYDB_FUZZ_SEED)\n",
              static_cast<unsigned long long>(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::vector<std::string> bases;
  for (const Golden& g : Goldens()) {
    std::string p = FromHex(g.payload_hex);
    // The large ones take long to rewrite thousands of times and add no new shapes.
    if (IsLegacyType(static_cast<uint8_t>(p[0])) && p.size() < 8192) bases.push_back(p);
  }
  ASSERT_GE(bases.size(), 12u);
  int accepted = 0;
  const int kRounds = 20000;
  for (int round = 0; round < kRounds; ++round) {
    const std::string& base = bases[rng() % bases.size()];
    std::string payload = testing::MutatedPayload(base, rng);
    CompactValue v;
    std::string error;
    if (!ReadDumpPayload(payload, &v, &error)) {
      ASSERT_TRUE(v.empty());
      continue;
    }
    ++accepted;
    CheckConsistent(&v, round);
    if (::testing::Test::HasFatalFailure()) return;
  }
  std::printf("CorruptionFuzz: %d of %d mutated payloads accepted\n", accepted, kRounds);
}

}  // namespace
}  // namespace memkeydb::rdb
