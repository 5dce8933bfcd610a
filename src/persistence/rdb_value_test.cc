// The value codec: exact bytes against DUMP payloads captured from redis-server 7.0
// (testdata/dump_golden.txt), round trips of every type and encoding under small and large
// limits, the conversions loading makes, refusals of malformed values, and a seeded corruption
// fuzz that must only ever yield an error or a fully consistent value.
#include "persistence/rdb_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <cstdlib>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ds/quicklist.h"
#include "memory/memory_tiers.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "types/collection_limits.h"
#include "types/hash_object.h"
#include "types/list_object.h"
#include "types/set_object.h"
#include "types/stream_object.h"
#include "types/zset_object.h"
#include "persistence/testdata/golden_values.h"

namespace memkeydb::rdb {
namespace {

// The seed of a randomized test: MEMKEYDB_SEED to replay one, else a fresh one.
uint64_t TestSeed() {
  const char* env = std::getenv("MEMKEYDB_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
}

using Command = std::vector<std::string>;

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// A payload with a correct footer around `body` (type byte + value).
std::string Payload(std::string body, uint16_t version = kVersion) {
  body.append(reinterpret_cast<const char*>(&version), 2);
  uint64_t crc = Crc64(0, body.data(), body.size());
  body.append(reinterpret_cast<const char*>(&crc), 8);
  return body;
}

// Applies "option=value,option=value" (or "-") to Limits().
void ApplyLimits(const std::string& spec) {
  if (spec == "-") return;
  std::stringstream ss(spec);
  std::string kv;
  while (std::getline(ss, kv, ',')) {
    size_t eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    int64_t v = std::stoll(kv.substr(eq + 1));
    CollectionLimits& l = Limits();
    if (name == "hash-max-listpack-entries") l.hash_max_listpack_entries = v;
    else if (name == "hash-max-listpack-value") l.hash_max_listpack_value = v;
    else if (name == "set-max-intset-entries") l.set_max_intset_entries = v;
    else if (name == "set-max-listpack-entries") l.set_max_listpack_entries = v;
    else if (name == "zset-max-listpack-entries") l.zset_max_listpack_entries = v;
    else if (name == "zset-max-listpack-value") l.zset_max_listpack_value = v;
    else if (name == "list-max-listpack-size") l.list_max_listpack_size = v;
    else if (name == "list-compress-depth") l.list_compress_depth = v;
    else ADD_FAILURE() << "unknown limit " << name;
  }
}

// Replays a write command through the types' APIs, the way its command family builds values.
void Apply(const Command& c, CompactValue* v) {
  const std::string& name = c[0];
  if (name == "set") {
    v->SetString(c[2]);
  } else if (name == "hset") {
    HashObject h = v->empty() ? HashObject::CreateIn(v) : HashObject(v);
    std::vector<std::string_view> args(c.begin() + 2, c.end());
    h.ConvertForArgs(args.data(), args.size());
    for (size_t i = 2; i + 1 < c.size(); i += 2) h.Set(c[i], c[i + 1]);
  } else if (name == "sadd") {
    if (v->empty()) {
      SetObject::RegisterOps();
      v->SetObject(ValueType::kSet, SetObject::Create(c[2], c.size() - 2));
    }
    auto* s = static_cast<SetObject*>(v->object());
    for (size_t i = 2; i < c.size(); ++i) s->Add(c[i]);
  } else if (name == "zadd") {
    if (v->empty()) {
      RegisterZSetObjectOps();
      v->SetObject(ValueType::kZSet, ZSetObject::Create(1, c[3].size()));
    }
    auto* z = static_cast<ZSetObject*>(v->object());
    for (size_t i = 2; i + 1 < c.size(); i += 2) {
      double score = c[i] == "inf" ? HUGE_VAL : c[i] == "-inf" ? -HUGE_VAL : std::stod(c[i]);
      double unused;
      z->Add(c[i + 1], score, 0, &unused);
    }
  } else if (name == "rpush" || name == "lpush") {
    if (v->empty()) {
      RegisterListObjectOps();
      v->SetObject(ValueType::kList, NewList());
    }
    auto* l = static_cast<Quicklist*>(v->object());
    for (size_t i = 2; i < c.size(); ++i) {
      l->Push(name == "rpush" ? Quicklist::End::kTail : Quicklist::End::kHead, c[i]);
    }
  } else {
    ADD_FAILURE() << "unknown command " << name;
  }
}

// The contents as text that does not depend on the encoding (sets and hashes sorted).
std::string Contents(const CompactValue& v) {
  std::ostringstream out;
  out << TypeName(v.type()) << ":";
  switch (v.type()) {
    case ValueType::kString: {
      char scratch[CompactValue::kIntBufSize];
      out << v.StringView(scratch);
      break;
    }
    case ValueType::kHash: {
      std::map<std::string, std::string> m;
      HashObject(const_cast<CompactValue*>(&v)).ForEach([&](std::string_view f, std::string_view x) {
        m.emplace(f, x);
      });
      for (auto& [f, x] : m) out << f << "=" << x << ";";
      break;
    }
    case ValueType::kSet: {
      std::set<std::string> m;
      static_cast<const SetObject*>(v.object())->ForEach([&](std::string_view x) { m.emplace(x); });
      for (auto& x : m) out << x << ";";
      break;
    }
    case ValueType::kZSet: {
      auto* z = static_cast<const ZSetObject*>(v.object());
      z->ForRange(0, z->size(), false, [&](std::string_view m, double s) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.17g", s);
        out << m << "=" << buf << ";";
        return true;
      });
      break;
    }
    case ValueType::kList: {
      auto* l = static_cast<const Quicklist*>(v.object());
      l->Walk(0, false, [&](std::string_view x, size_t) {
        out << x << ";";
        return true;
      });
      break;
    }
    case ValueType::kStream: {
      std::vector<std::string> flat;
      testing::FlattenStream(*static_cast<const StreamObject*>(v.object()), &flat);
      for (const std::string& x : flat) out << x << ";";
      break;
    }
    default: break;
  }
  return out.str();
}

// Walks the whole value through its type's API and checks every invariant a command relies on.
// Returns an empty string when the value is consistent, else what is wrong.
std::string Inconsistency(const CompactValue& v) {
  switch (v.type()) {
    case ValueType::kString: return "";
    case ValueType::kHash: {
      HashObject h(const_cast<CompactValue*>(&v));
      // Collected first: a lookup may move the table's incremental rehash along.
      std::map<std::string, std::string> fields;
      std::string why;
      h.ForEach([&](std::string_view f, std::string_view x) {
        if (!fields.emplace(f, x).second) why = "duplicate field";
      });
      for (const auto& [f, x] : fields) {
        char scratch[HashObject::kScratchSize];
        std::string_view got;
        if (!h.Get(f, &got, scratch) || got != x) why = "field lookup disagrees";
      }
      if (!why.empty()) return why;
      if (fields.size() != h.size() || fields.empty()) return "hash size";
      return "";
    }
    case ValueType::kSet: {
      auto* s = static_cast<SetObject*>(v.object());
      std::set<std::string> members;
      std::string why;
      s->ForEach([&](std::string_view m) {
        if (!members.emplace(m).second) why = "duplicate member";
      });
      for (const std::string& m : members) {
        if (!s->Contains(m)) why = "member not found";
      }
      if (!why.empty()) return why;
      if (members.size() != s->size() || members.empty()) return "set size";
      return "";
    }
    case ValueType::kZSet: {
      auto* z = static_cast<const ZSetObject*>(v.object());
      std::string why, prev;
      double prev_score = 0;
      size_t rank = 0;
      z->ForRange(0, z->size(), false, [&](std::string_view m, double s) {
        if (std::isnan(s)) why = "NaN score";
        if (rank > 0 && (s < prev_score || (s == prev_score && m <= prev))) why = "out of order";
        auto found = z->Score(m);
        if (!found || *found != s) why = "score lookup disagrees";
        auto r = z->Rank(m);
        if (!r || *r != rank) why = "rank lookup disagrees";
        prev = m;
        prev_score = s;
        ++rank;
        return true;
      });
      if (!why.empty()) return why;
      if (rank != z->size() || rank == 0) return "zset size";
      return "";
    }
    case ValueType::kList: {
      auto* l = static_cast<const Quicklist*>(v.object());
      std::string why;
      if (!l->Validate(&why)) return why;
      size_t n = 0;
      l->Walk(0, false, [&](std::string_view, size_t) { return ++n, true; });
      if (n != l->size() || n == 0) return "list size";
      return "";
    }
    case ValueType::kStream: {
      // A mutated type byte can make a payload a (valid) stream.
      std::string why;
      return static_cast<const StreamObject*>(v.object())->Validate(&why) ? "" : why;
    }
    default: return "unexpected type";
  }
}

std::string Dump(const CompactValue& v) { return DumpPayload(v, true); }

// Reads a payload; "" and *out set on success, else the error.
std::string Restore(std::string_view payload, CompactValue* out) {
  std::string error;
  if (!ReadDumpPayload(payload, out, &error)) return error;
  return "";
}

class RdbValueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = Limits();
    start_[0] = MemoryTiers::Get().used(Tier::kDram);
    start_[1] = MemoryTiers::Get().used(Tier::kFar);
  }
  void TearDown() override {
    Limits() = saved_;
    // Whatever a test built or refused, every byte is given back.
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kDram), start_[0]);
    EXPECT_EQ(MemoryTiers::Get().used(Tier::kFar), start_[1]);
  }

  CollectionLimits saved_;
  size_t start_[2];
};

// ---------------------------------------------------------------------------------------------
// Golden payloads from redis-server 7.0

struct Golden {
  std::string name, limits;
  std::vector<Command> commands;
  std::string payload;
};

std::vector<Golden> LoadGolden() {
  std::string path = std::string(__FILE__);
  path = path.substr(0, path.rfind('/')) + "/testdata/dump_golden.txt";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<Golden> out;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() != 4) continue;
    Golden g{cols[0], cols[1], {}, Unhex(cols[3])};
    size_t start = 0;
    while (start <= cols[2].size()) {
      size_t end = cols[2].find(" ; ", start);
      if (end == std::string::npos) end = cols[2].size();
      std::string text = cols[2].substr(start, end - start);
      Command c;
      size_t s = 0;
      while (true) {
        size_t sp = text.find(' ', s);
        c.push_back(text.substr(s, sp == std::string::npos ? std::string::npos : sp - s));
        if (sp == std::string::npos) break;
        s = sp + 1;
      }
      g.commands.push_back(c);
      start = end + 3;
    }
    out.push_back(std::move(g));
  }
  return out;
}

TEST_F(RdbValueTest, GoldenPayloadsFromRedis) {
  std::vector<Golden> cases = LoadGolden();
  ASSERT_GE(cases.size(), 15u);
  for (const Golden& g : cases) {
    SCOPED_TRACE(g.name);
    Limits() = saved_;
    ApplyLimits(g.limits);
    CompactValue built;
    for (const Command& c : g.commands) Apply(c, &built);
    EXPECT_EQ(Hex(Dump(built)), Hex(g.payload));

    CompactValue restored;
    ASSERT_EQ(Restore(g.payload, &restored), "");
    EXPECT_EQ(Inconsistency(restored), "");
    EXPECT_EQ(Contents(restored), Contents(built));
    EXPECT_STREQ(restored.EncodingName(), built.EncodingName());
    EXPECT_EQ(Hex(Dump(restored)), Hex(g.payload));
  }
}

// ---------------------------------------------------------------------------------------------
// Round trips

// Builds a value of `type` with `n` elements, of which some are integers and some long.
void BuildRandom(const std::string& type, size_t n, size_t long_len, std::mt19937_64& rng,
                 CompactValue* v) {
  auto element = [&](size_t i) {
    if (i == 0 && long_len > 64) return std::string(long_len, 'L');
    switch (rng() % 4) {
      case 0: return std::to_string(static_cast<int64_t>(rng() % 100000) - 50000);
      case 1: return std::string(long_len, static_cast<char>('a' + i % 26)) + std::to_string(i);
      default: return "e" + std::to_string(i) + "-" + std::to_string(rng() % 1000);
    }
  };
  for (size_t i = 0; i < n; ++i) {
    std::string e = element(i);
    if (type == "hash") {
      Apply({"hset", "k", "f" + std::to_string(i), e}, v);
    } else if (type == "set") {
      Apply({"sadd", "k", e + "_" + std::to_string(i)}, v);
    } else if (type == "intset") {
      Apply({"sadd", "k", std::to_string(static_cast<int64_t>(rng()) >> (rng() % 60))}, v);
    } else if (type == "zset") {
      double score = (rng() % 3 == 0) ? static_cast<double>(rng() % 100)
                                      : static_cast<double>(rng() % 100000) / 7.0;
      Apply({"zadd", "k", std::to_string(score), e}, v);
    } else if (type == "list") {
      Apply({rng() % 2 ? "rpush" : "lpush", "k", e}, v);
    }
  }
}

TEST_F(RdbValueTest, RoundTripEveryTypeAndEncoding) {
  const uint64_t seed = TestSeed();
  std::printf("seed %llu (MEMKEYDB_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  struct Case {
    const char* type;
    size_t n;
    size_t long_len;
    const char* limits;
    const char* encoding;
  };
  const Case cases[] = {
      {"hash", 5, 10, "-", "listpack"},
      {"hash", 600, 10, "-", "hashtable"},
      {"hash", 5, 100, "-", "hashtable"},
      {"hash", 50, 10, "hash-max-listpack-entries=4", "hashtable"},
      {"set", 5, 10, "-", "listpack"},
      {"set", 300, 10, "-", "hashtable"},
      {"intset", 50, 0, "-", "intset"},
      {"intset", 50, 0, "set-max-intset-entries=10", "hashtable"},
      {"zset", 5, 10, "-", "listpack"},
      {"zset", 300, 10, "-", "skiplist"},
      {"zset", 5, 100, "-", "skiplist"},
      {"list", 5, 10, "-", "quicklist"},
      {"list", 2000, 30, "-", "quicklist"},
      {"list", 500, 10, "list-max-listpack-size=3,list-compress-depth=2", "quicklist"},
      {"list", 500, 300, "list-max-listpack-size=-1,list-compress-depth=1", "quicklist"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.type) + " " + std::to_string(c.n) + " " + c.limits);
    Limits() = saved_;
    ApplyLimits(c.limits);
    CompactValue v;
    BuildRandom(c.type, c.n, c.long_len, rng, &v);
    EXPECT_STREQ(v.EncodingName(), c.encoding);
    for (bool compress : {false, true}) {
      std::string payload = DumpPayload(v, compress);
      CompactValue back;
      ASSERT_EQ(Restore(payload, &back), "");
      EXPECT_EQ(Inconsistency(back), "");
      EXPECT_EQ(Contents(back), Contents(v));
      EXPECT_STREQ(back.EncodingName(), c.encoding);
      // Same limits, same encoding: the same bytes (order-free encodings aside).
      if (std::string(c.encoding) != "hashtable") {
        EXPECT_EQ(Hex(DumpPayload(back, compress)), Hex(payload));
      }
    }
  }
}

TEST_F(RdbValueTest, StringsKeepTheirForms) {
  for (std::string s : std::vector<std::string>{"0", "-1", "127", "-128", "32767", "2147483648", "9223372036854775807",
                        "-9223372036854775808", "01", "+1", "1.5", "", std::string(100, 'z'),
                        std::string(30, 'q') + "tail"}) {
    CompactValue v;
    v.SetString(s);
    CompactValue back;
    ASSERT_EQ(Restore(Dump(v), &back), "") << s;
    EXPECT_EQ(Contents(back), Contents(v));
    EXPECT_STREQ(back.EncodingName(), v.EncodingName()) << s;
  }
}

// ---------------------------------------------------------------------------------------------
// Conversions on load

std::string Str(std::string_view s) {
  RdbOut out(false);
  out.String(s);
  return out.buffer();
}

std::string Len(uint64_t n) {
  RdbOut out(false);
  out.Length(n);
  return out.buffer();
}

std::string Dbl(double d) { return std::string(reinterpret_cast<const char*>(&d), 8); }

TEST_F(RdbValueTest, SmallPlainHashBecomesListpack) {
  std::string body = "\x04" + Len(3) + Str("a") + Str("1") + Str("b") + Str("2") + Str("c") +
                     Str("three");
  CompactValue v;
  ASSERT_EQ(Restore(Payload(body), &v), "");
  EXPECT_STREQ(v.EncodingName(), "listpack");
  EXPECT_EQ(Contents(v), "hash:a=1;b=2;c=three;");
  // Written back as Redis would write the listpack hash.
  EXPECT_EQ(Dump(v)[0], static_cast<char>(kTypeHashListpack));
}

TEST_F(RdbValueTest, ListpackHashOverTheLimitsBecomesTable) {
  CompactValue v;
  Apply({"hset", "k", "a", "1", "b", "2", "c", "3"}, &v);
  std::string payload = Dump(v);
  Limits().hash_max_listpack_entries = 2;
  CompactValue back;
  ASSERT_EQ(Restore(payload, &back), "");
  EXPECT_STREQ(back.EncodingName(), "hashtable");
  EXPECT_EQ(Contents(back), Contents(v));
  Limits() = saved_;
  Limits().hash_max_listpack_value = 0;
  CompactValue back2;
  ASSERT_EQ(Restore(payload, &back2), "");
  EXPECT_STREQ(back2.EncodingName(), "hashtable");
}

TEST_F(RdbValueTest, IntsetOverTheLimitBecomesTable) {
  CompactValue v;
  Apply({"sadd", "k", "1", "2", "3", "4"}, &v);
  ASSERT_STREQ(v.EncodingName(), "intset");
  std::string payload = Dump(v);
  Limits().set_max_intset_entries = 3;
  CompactValue back;
  ASSERT_EQ(Restore(payload, &back), "");
  EXPECT_STREQ(back.EncodingName(), "hashtable");
  EXPECT_EQ(Contents(back), "set:1;2;3;4;");
}

TEST_F(RdbValueTest, PlainSetsTakeTheEncodingSaddWouldGive) {
  CompactValue ints, strings, big;
  ASSERT_EQ(Restore(Payload("\x02" + Len(2) + Str("5") + Str("-3")), &ints), "");
  EXPECT_STREQ(ints.EncodingName(), "intset");
  ASSERT_EQ(Restore(Payload("\x02" + Len(2) + Str("x") + Str("5")), &strings), "");
  EXPECT_STREQ(strings.EncodingName(), "listpack");
  std::string body = "\x02" + Len(200);
  for (int i = 0; i < 200; ++i) body += Str("m" + std::to_string(i));
  ASSERT_EQ(Restore(Payload(body), &big), "");
  EXPECT_STREQ(big.EncodingName(), "hashtable");
  // A listpack set goes out as plain members: Redis 7.0 has no listpack set type.
  EXPECT_EQ(Dump(strings)[0], static_cast<char>(kTypeSet));
}

TEST_F(RdbValueTest, SetListpackOfRedis72IsRead) {
  Listpack lp;
  lp.Append("a");
  lp.Append("7");
  lp.Append("b");
  std::string blob(reinterpret_cast<const char*>(lp.data()), lp.bytes());
  CompactValue v;
  ASSERT_EQ(Restore(Payload("\x14" + Str(blob)), &v), "");
  EXPECT_EQ(Contents(v), "set:7;a;b;");
  EXPECT_STREQ(v.EncodingName(), "listpack");
  Listpack dup;
  dup.Append("a");
  dup.Append("a");
  std::string dup_blob(reinterpret_cast<const char*>(dup.data()), dup.bytes());
  CompactValue bad;
  EXPECT_EQ(Restore(Payload("\x14" + Str(dup_blob)), &bad), "ERR Bad data format");
}

TEST_F(RdbValueTest, ZSetsConvertBothWays) {
  // A small zset2 becomes a listpack; text scores (type 3) read too.
  CompactValue small, text;
  ASSERT_EQ(Restore(Payload("\x05" + Len(2) + Str("b") + Dbl(2) + Str("a") + Dbl(1.5)), &small),
            "");
  EXPECT_STREQ(small.EncodingName(), "listpack");
  EXPECT_EQ(Contents(small), "zset:a=1.5;b=2;");
  ASSERT_EQ(Restore(Payload("\x03" + Len(3) + Str("a") + "\x03" "1.5" + Str("b") + "\xfe" +
                            Str("c") + "\xff"),
                    &text),
            "");
  EXPECT_EQ(Contents(text), "zset:c=-inf;a=1.5;b=inf;");
  // A listpack over the limits becomes a skiplist.
  CompactValue v;
  Apply({"zadd", "k", "1", "a", "2", "b", "3", "c"}, &v);
  std::string payload = Dump(v);
  Limits().zset_max_listpack_entries = 2;
  CompactValue back;
  ASSERT_EQ(Restore(payload, &back), "");
  EXPECT_STREQ(back.EncodingName(), "skiplist");
  EXPECT_EQ(Contents(back), Contents(v));
}

TEST_F(RdbValueTest, ListsTakeTheCurrentNodeLimits) {
  Limits().list_max_listpack_size = 100;
  CompactValue v;
  for (int i = 0; i < 250; ++i) Apply({"rpush", "k", "element" + std::to_string(i)}, &v);
  EXPECT_EQ(static_cast<Quicklist*>(v.object())->node_count(), 3u);
  std::string payload = Dump(v);
  Limits().list_max_listpack_size = 7;
  Limits().list_compress_depth = 1;
  CompactValue back;
  ASSERT_EQ(Restore(payload, &back), "");
  EXPECT_EQ(Inconsistency(back), "");
  EXPECT_EQ(Contents(back), Contents(v));
  auto* l = static_cast<Quicklist*>(back.object());
  EXPECT_EQ(l->node_count(), (250u + 6) / 7);
  EXPECT_GT(l->compressed_nodes(), 0u);
  // A compressed node is written as the LZF string it is held as, and reads back.
  CompactValue again;
  ASSERT_EQ(Restore(Dump(back), &again), "");
  EXPECT_EQ(Contents(again), Contents(v));
}

TEST_F(RdbValueTest, PlainQuicklistNodesAndEmptyNodes) {
  Listpack empty;
  std::string empty_blob(reinterpret_cast<const char*>(empty.data()), empty.bytes());
  Listpack two;
  two.Append("x");
  two.Append("y");
  std::string two_blob(reinterpret_cast<const char*>(two.data()), two.bytes());
  std::string body = "\x12" + Len(3) + Len(kQuicklistNodePlain) + Str("plain element") +
                     Len(kQuicklistNodePacked) + Str(empty_blob) + Len(kQuicklistNodePacked) +
                     Str(two_blob);
  CompactValue v;
  ASSERT_EQ(Restore(Payload(body), &v), "");
  EXPECT_EQ(Contents(v), "list:plain element;x;y;");
  EXPECT_EQ(Inconsistency(v), "");
  CompactValue bad;
  EXPECT_EQ(Restore(Payload("\x12" + Len(1) + Len(3) + Str(two_blob)), &bad),
            "ERR Bad data format");
  EXPECT_EQ(Restore(Payload("\x12" + Len(1) + Len(2) + Str(empty_blob)), &bad),
            "ERR Bad data format");
}

// ---------------------------------------------------------------------------------------------
// Refusals

TEST_F(RdbValueTest, FooterRulesAreRedis70s) {
  CompactValue v;
  v.SetString("hello");
  std::string good = Dump(v);
  CompactValue out;
  EXPECT_EQ(Restore(good, &out), "");
  const std::string kFooter = "ERR DUMP payload version or checksum are wrong";
  std::string zero_crc = good;
  std::memset(zero_crc.data() + zero_crc.size() - 8, 0, 8);
  EXPECT_EQ(Restore(zero_crc, &out), kFooter);
  std::string body = good.substr(0, good.size() - kDumpFooter);
  EXPECT_EQ(Restore(Payload(body, 11), &out), kFooter);
  EXPECT_EQ(Restore(Payload(body, 9), &out), "");
  EXPECT_EQ(Restore(Payload(body, 0), &out), "");
  EXPECT_EQ(Restore("abc", &out), kFooter);
  EXPECT_EQ(Restore("", &out), kFooter);
  // Ten zero bytes: version 0 and a matching zero CRC; the value read from the start of the
  // payload is the empty string (Redis reads the footer as part of the body).
  CompactValue empty;
  EXPECT_EQ(Restore(std::string(10, '\0'), &empty), "");
  EXPECT_EQ(Contents(empty), "string:");
  // Bytes the value leaves unread are ignored, as Redis ignores them.
  CompactValue trailing;
  EXPECT_EQ(Restore(Payload(std::string("\x00\x01" "ab", 4)), &trailing), "");
  EXPECT_EQ(Contents(trailing), "string:a");
}

TEST_F(RdbValueTest, MalformedValuesAreBadData) {
  const std::string kBad = "ERR Bad data format";
  Listpack odd;
  odd.Append("f");
  std::string odd_blob(reinterpret_cast<const char*>(odd.data()), odd.bytes());
  Listpack dup;
  for (const char* s : {"f", "1", "f", "2"}) dup.Append(s);
  std::string dup_blob(reinterpret_cast<const char*>(dup.data()), dup.bytes());
  Listpack unordered;
  for (const char* s : {"b", "2", "a", "1"}) unordered.Append(s);
  std::string unordered_blob(reinterpret_cast<const char*>(unordered.data()), unordered.bytes());
  Listpack nan_score;
  for (const char* s : {"a", "nan"}) nan_score.Append(s);
  std::string nan_blob(reinterpret_cast<const char*>(nan_score.data()), nan_score.bytes());
  Listpack word_score;
  for (const char* s : {"a", "abc"}) word_score.Append(s);
  std::string word_blob(reinterpret_cast<const char*>(word_score.data()), word_score.bytes());
  std::string unsorted_intset = Unhex("020000000200000005000300");
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"empty set", "\x02" + Len(0)},
      {"empty hash", "\x04" + Len(0)},
      {"empty zset", "\x05" + Len(0)},
      {"empty list", "\x12" + Len(0)},
      {"duplicate set member", "\x02" + Len(2) + Str("a") + Str("a")},
      {"duplicate hash field", "\x04" + Len(2) + Str("a") + Str("1") + Str("a") + Str("2")},
      {"duplicate zset member", "\x05" + Len(2) + Str("a") + Dbl(1) + Str("a") + Dbl(2)},
      {"NaN score", "\x05" + Len(1) + Str("a") + Dbl(std::nan(""))},
      {"NaN text score", "\x03" + Len(1) + Str("a") + "\xfd"},
      {"odd hash listpack", "\x10" + Str(odd_blob)},
      {"duplicate listpack field", "\x10" + Str(dup_blob)},
      {"unordered zset listpack", "\x11" + Str(unordered_blob)},
      {"NaN zset listpack score", "\x11" + Str(nan_blob)},
      {"word zset listpack score", "\x11" + Str(word_blob)},
      {"unsorted intset", "\x0b" + Str(unsorted_intset)},
      {"empty intset", "\x0b" + Str(Unhex("0200000000000000"))},
      {"listpack garbage", "\x10" + Str("not a listpack at all")},
      {"huge set count", "\x02" + Len(1ull << 40)},
      {"huge hash count", "\x04" + Len(1ull << 62)},
      {"truncated", "\x04" + Len(2) + Str("a")},
      {"module", "\x07" + Len(1)},
      {"unknown type", "\x08" + Len(1)},
      {"type 200", "\xc8"},
  };
  for (const auto& [name, body] : cases) {
    CompactValue out;
    EXPECT_EQ(Restore(Payload(body), &out), kBad) << name;
    EXPECT_TRUE(out.empty()) << name;
  }
}

// ---------------------------------------------------------------------------------------------
// Corruption fuzz: any mutation of a valid payload reads as an error or a consistent value.

TEST_F(RdbValueTest, CorruptedPayloadsNeverYieldBrokenValues) {
  const uint64_t seed = TestSeed();
  std::printf("seed %llu (MEMKEYDB_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  std::vector<std::string> bodies;
  auto add = [&](const std::vector<Command>& commands, const char* limits) {
    Limits() = saved_;
    ApplyLimits(limits);
    CompactValue v;
    for (const Command& c : commands) Apply(c, &v);
    std::string p = DumpPayload(v, rng() % 2);
    bodies.push_back(p.substr(0, p.size() - kDumpFooter));
  };
  add({{"hset", "k", "a", "1", "bb", "hello", "c", "-5", "d", std::string(30, 'x')}}, "-");
  add({{"hset", "k", "a", "1", "bb", "hello", "c", "-5"}}, "hash-max-listpack-entries=1");
  add({{"sadd", "k", "1", "2", "300", "-70000"}}, "-");
  add({{"sadd", "k", "a", "2", "bcd"}}, "-");
  add({{"zadd", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d"}}, "-");
  add({{"zadd", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d"}}, "zset-max-listpack-entries=1");
  add({{"rpush", "k", "a", "b", "1", "2", "-300", "hello", std::string(40, 'y')}}, "-");
  {
    Command c = {"rpush", "k"};
    for (int i = 0; i < 40; ++i) c.push_back("element-" + std::to_string(i));
    add({c}, "list-max-listpack-size=4,list-compress-depth=1");
  }
  add({{"set", "k", std::string(50, 'a') + "bc"}}, "-");
  Limits() = saved_;

  const int kRounds = 20000;
  int accepted = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string body = bodies[rng() % bodies.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      size_t at = rng() % body.size();
      switch (rng() % 6) {
        case 0: body[at] = static_cast<char>(rng()); break;
        case 1: body[at] = static_cast<char>(body[at] ^ (1 << (rng() % 8))); break;
        case 2: body.resize(at); break;
        case 3: body.insert(at, 1, static_cast<char>(rng())); break;
        case 4: body.erase(at, 1 + rng() % 4); break;
        case 5: body[at] = static_cast<char>(std::vector<int>{0, 1, 0x3f, 0x40, 0x7f, 0x80, 0x81,
                                                             0xc0, 0xc3, 0xff}[rng() % 10]);
                break;
      }
    }
    // Usually a correct footer, so the mutation reaches the value reader.
    std::string payload = rng() % 8 ? Payload(body) : body + std::string(kDumpFooter, '\0');
    CompactValue v;
    std::string error;
    if (!ReadDumpPayload(payload, &v, &error)) {
      ASSERT_TRUE(v.empty());
      continue;
    }
    ++accepted;
    ASSERT_FALSE(v.empty());
    ASSERT_EQ(Inconsistency(v), "") << "round " << round << " payload " << Hex(payload);
    // What was accepted writes out and reads back the same.
    CompactValue again;
    ASSERT_EQ(Restore(Dump(v), &again), "") << Hex(payload);
    ASSERT_EQ(Contents(again), Contents(v));
  }
  std::printf("accepted %d of %d mutated payloads\n", accepted, kRounds);
}

}  // namespace
}  // namespace memkeydb::rdb
