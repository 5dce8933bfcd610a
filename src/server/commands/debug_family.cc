// The DEBUG and MEMORY command families: DEBUG's testing and inspection subcommands (OBJECT,
// DIGEST, POPULATE, PROTOCOL, SLEEP, ...) and MEMORY's reports on the tiers and on single keys.
// Replies and error texts follow Redis 7.0.15.

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// ---------------------------------------------------------------------------------------------
// DEBUG

// SHA-1 (FIPS 180-4), for DEBUG DIGEST.
class Sha1 {
 public:
  static constexpr size_t kSize = 20;

  void Update(const void* data, size_t len) {
    const auto* p = static_cast<const uint8_t*>(data);
    total_ += len;
    while (len > 0) {
      size_t take = std::min(len, sizeof(block_) - used_);
      std::memcpy(block_ + used_, p, take);
      used_ += take;
      p += take;
      len -= take;
      if (used_ == sizeof(block_)) {
        Compress();
        used_ = 0;
      }
    }
  }

  void Final(uint8_t out[kSize]) {
    uint64_t bits = total_ * 8;
    static const uint8_t kPad[64] = {0x80};
    size_t pad = used_ < 56 ? 56 - used_ : 120 - used_;
    Update(kPad, pad);
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    Update(len, 8);
    for (int i = 0; i < 5; ++i) {
      for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(h_[i] >> (24 - 8 * j));
    }
  }

  static void Hash(const void* data, size_t len, uint8_t out[kSize]) {
    Sha1 s;
    s.Update(data, len);
    s.Final(out);
  }

 private:
  static uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

  void Compress() {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = static_cast<uint32_t>(block_[4 * i]) << 24 |
             static_cast<uint32_t>(block_[4 * i + 1]) << 16 |
             static_cast<uint32_t>(block_[4 * i + 2]) << 8 | block_[4 * i + 3];
    }
    for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      uint32_t tmp = Rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = Rotl(b, 30);
      b = a;
      a = tmp;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
  }

  uint32_t h_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  uint8_t block_[64] = {};
  size_t used_ = 0;
  uint64_t total_ = 0;
};

// A 20-byte dataset digest. Unordered things are combined by XOR of their hashes (so order does
// not matter); ordered things are chained: digest = SHA1(digest XOR SHA1(data)). For strings
// this is the scheme Redis uses, so a dataset of strings without TTLs digests to the same hex
// as in Redis; DEBUG DIGEST also mixes in each TTL's time (Redis only its presence), so that
// changing a TTL changes the digest.
struct Digest {
  uint8_t bytes[Sha1::kSize] = {};

  void Xor(const void* data, size_t len) {
    uint8_t h[Sha1::kSize];
    Sha1::Hash(data, len, h);
    for (size_t i = 0; i < Sha1::kSize; ++i) bytes[i] ^= h[i];
  }
  void Mix(const void* data, size_t len) {
    Xor(data, len);
    Sha1::Hash(bytes, Sha1::kSize, bytes);
  }
  std::string Hex() const {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    for (uint8_t b : bytes) {
      s += kHex[b >> 4];
      s += kHex[b & 15];
    }
    return s;
  }
};

// Redis's numeric object types, which its digest mixes in.
uint32_t RedisTypeCode(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return 1;
    case ValueType::kSet:
      return 2;
    case ValueType::kZSet:
      return 3;
    case ValueType::kHash:
      return 4;
    case ValueType::kStream:
      return 6;
    case ValueType::kNone:
      break;
  }
  return 0xff;
}

void MixBigEndian32(Digest* d, uint32_t v) {
  uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                  static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  d->Mix(b, sizeof(b));
}

// Adds a key's value and TTL to `d`. Like Redis, a TTL's presence is mixed in; with
// `ttl_time`, so is its absolute time, which Redis leaves out.
void DigestValue(const Entry& e, bool ttl_time, Digest* d) {
  const CompactValue& v = e.value;
  MixBigEndian32(d, RedisTypeCode(v.type()));
  if (v.type() == ValueType::kString) {
    char scratch[CompactValue::kIntBufSize];
    std::string_view s = v.StringView(scratch);
    d->Mix(s.data(), s.size());
  } else {
    // Collections have no element iterator at this layer yet: their footprint stands in.
    uint64_t size = v.ExternalBytes();
    d->Mix(&size, sizeof(size));
  }
  if (e.has_expire()) {
    d->Xor("!!expire!!", 10);
    if (ttl_time) {
      int64_t at = e.expire_at();
      d->Xor(&at, sizeof(at));
    }
  }
}

std::string DatasetDigest(Server& server) {
  Digest total;
  for (int i = 0; i < server.db_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0) continue;
    MixBigEndian32(&total, static_cast<uint32_t>(i));
    db.table().ForEach([&](Entry* e) {
      Digest kv;
      std::string_view key = e->key();
      kv.Mix(key.data(), key.size());
      DigestValue(*e, /*ttl_time=*/true, &kv);
      total.Xor(kv.bytes, sizeof(kv.bytes));
    });
  }
  return total.Hex();
}

// Length of a string as an RDB file stores it (type byte excluded): integers that fit 32 bits
// in 2, 3 or 5 bytes; otherwise a length prefix of 1, 2, 5 or 9 bytes plus the bytes. (Redis
// also LZF-compresses strings over 20 bytes; memkeydb does not model that here.)
size_t RdbStringLength(const CompactValue& v) {
  int64_t n;
  if (v.GetInt(&n)) {
    if (n >= -(1 << 7) && n < (1 << 7)) return 2;
    if (n >= -(1 << 15) && n < (1 << 15)) return 3;
    if (n >= INT32_MIN && n <= INT32_MAX) return 5;
  }
  size_t len = v.StringLength();
  size_t prefix = len < (1 << 6) ? 1 : len < (1 << 14) ? 2 : len <= UINT32_MAX ? 5 : 9;
  return prefix + len;
}

// DEBUG OBJECT key
void DebugObject(CommandContext& ctx) {
  Entry* e = ctx.db().FindRaw(ctx.arg(2));
  if (e == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return;
  }
  const CompactValue& v = e->value;
  size_t serialized = v.type() == ValueType::kString ? RdbStringLength(v) : 1 + v.ExternalBytes();
  const void* where = v.object() != nullptr ? v.object() : static_cast<const void*>(&e->value);
  ctx.reply().SimpleString(
      Format("Value at:%p refcount:1 encoding:%s serializedlength:%zu "
             "lru:%u lru_seconds_idle:%" PRId64,
             where, v.EncodingName(), serialized, ctx.server().AccessClockOf(e),
             static_cast<int64_t>(LruIdleSeconds(ctx.server().AccessClockOf(e), LruClock()))));
}

// DEBUG DIGEST-VALUE key [key ...]
void DebugDigestValue(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    Digest d;
    Entry* e = ctx.LookupForWrite(ctx.arg(i));
    // Exactly Redis's per-value digest (for strings), so values can be compared with Redis.
    if (e != nullptr) DigestValue(*e, /*ttl_time=*/false, &d);
    w.SimpleString(d.Hex());
  }
}

// DEBUG POPULATE count [prefix] [size]
void DebugPopulate(CommandContext& ctx) {
  int64_t count, size = 0;
  constexpr const char* kNotPositive = "ERR value is out of range, must be positive";
  if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
    ctx.Error(kNotPositive);
    return;
  }
  std::string prefix = ctx.argc() > 3 ? std::string(ctx.arg(3)) : "key";
  if (ctx.argc() > 4 && (!ParseInt64(ctx.arg(4), &size) || size < 0)) {
    ctx.Error(kNotPositive);
    return;
  }
  Database& db = ctx.db();
  for (int64_t i = 0; i < count; ++i) {
    std::string key = prefix + ":" + std::to_string(i);
    if (db.FindRaw(key) != nullptr) continue;
    std::string value = "value:" + std::to_string(i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.Add(key)->value.SetString(value);
  }
  ctx.reply().Ok();
}

// DEBUG PROTOCOL type: one sample reply of each RESP type, for client library tests.
void DebugProtocol(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  std::string_view t = ctx.arg(2);
  auto is = [&](const char* name) { return EqualsIgnoreCase(t, name); };
  if (is("string")) {
    w.Bulk("Hello World");
  } else if (is("integer")) {
    w.Integer(12345);
  } else if (is("double")) {
    w.Double(3.141);
  } else if (is("bignum")) {
    w.BigNumber("1234567999999999999999999999999999999");
  } else if (is("null")) {
    w.Null();
  } else if (is("array") || is("set")) {
    if (is("array")) {
      w.ArrayHeader(3);
    } else {
      w.SetHeader(3);
    }
    for (int i = 0; i < 3; ++i) w.Integer(i);
  } else if (is("map")) {
    w.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      w.Integer(i);
      w.Bool(i == 1);
    }
  } else if (is("attrib")) {
    if (ctx.client().resp() >= 3) {
      // RESP3 attribute: |1, then one key/value pair, then the real reply.
      w.Raw("|1\r\n");
      w.Bulk("key-popularity");
      w.ArrayHeader(2);
      w.Bulk("key:123");
      w.Integer(90);
    }
    w.Bulk("Some real reply following the attribute");
  } else if (is("push")) {
    if (ctx.client().resp() < 3) {
      ctx.Error("ERR RESP2 is not supported by this command");
      return;
    }
    w.PushHeader(2);
    w.Bulk("server-cpu-usage");
    w.Integer(42);
    w.Bulk("Some real reply following the push reply");
  } else if (is("verbatim")) {
    w.Verbatim("This is a verbatim\nstring");
  } else if (is("true") || is("false")) {
    w.Bool(is("true"));
  } else {
    ctx.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "DEBUG",
            {
                "CHANGE-REPL-ID",
                "    Accepted for compatibility; memkeydb has no replication ids to change yet.",
                "DIGEST",
                "    Return a hex digest of the whole dataset (all zeros when it is empty).",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Return a hex digest of the value of each key.",
                "ERROR <string>",
                "    Reply with <string> as an error message (for client tests).",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low-level details of <key> and its value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named <prefix>:<num> (default prefix: key),",
                "    skipping names that exist. With <size>, values are padded or cut to it.",
                "PROTOCOL <type>",
                "    Reply with a sample value of a RESP type: string, integer, double, bignum,",
                "    null, array, set, map, attrib, push, verbatim, true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Options:",
                "    * MERGE: merge the file into the dataset (its keys replace equal ones).",
                "    * NOFLUSH: do not empty the dataset before loading.",
                "    * NOSAVE: load the existing file without saving first.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    0 stops the background expiry of keys not accessed; 1 resumes it.",
                "SLEEP <seconds>",
                "    Block the server for <seconds> (decimals allowed).",
            });
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
void DebugReload(CommandContext& ctx) {
  bool save = true, flush = true, merge = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "merge")) {
      merge = true;
    } else if (ctx.ArgIs(i, "noflush")) {
      flush = false;
    } else if (ctx.ArgIs(i, "nosave")) {
      save = false;
    } else {
      ctx.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  std::string err = ctx.server().rdb().DebugReload(save, flush, merge);
  if (err.empty()) {
    ctx.reply().Ok();
  } else {
    ctx.Error(err);
  }
}

// DEBUG subcommand [argument ...]
// (enable-debug-command is enforced by the pipeline: DEBUG is flagged kCmdProtected.)
void DebugCommand(CommandContext& ctx) {
  size_t argc = ctx.argc();
  auto sub = [&](const char* name) { return ctx.ArgIs(1, name); };
  if (sub("help") && argc == 2) {
    DebugHelp(ctx);
  } else if (sub("sleep") && argc == 3) {
    // Like Redis: the argument is read as strtod reads it, anything unparsable is 0.
    std::string arg(ctx.arg(2));
    double seconds = strtod(arg.c_str(), nullptr);
    if (seconds > 0 && std::isfinite(seconds)) {
      auto us = static_cast<int64_t>(seconds * 1e6);
      timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>((us % 1000000) * 1000)};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
    ctx.reply().Ok();
  } else if (sub("set-active-expire") && argc == 3) {
    ctx.server().active_expire_enabled = atoi(std::string(ctx.arg(2)).c_str()) != 0;
    ctx.reply().Ok();
  } else if (sub("object") && argc == 3) {
    DebugObject(ctx);
  } else if (sub("digest") && argc == 2) {
    ctx.reply().SimpleString(DatasetDigest(ctx.server()));
  } else if (sub("digest-value") && argc >= 2) {
    DebugDigestValue(ctx);
  } else if (sub("error") && argc == 3) {
    ctx.Error(ctx.arg(2));
  } else if (sub("log") && argc == 3) {
    MKDB_LOG(kWarning) << "DEBUG LOG: " << ctx.arg(2);
    ctx.reply().Ok();
  } else if (sub("populate") && argc >= 3 && argc <= 5) {
    DebugPopulate(ctx);
  } else if (sub("protocol") && argc == 3) {
    DebugProtocol(ctx);
  } else if (sub("change-repl-id") && argc == 2) {
    ctx.reply().Ok();
  } else if (sub("reload")) {
    DebugReload(ctx);
  } else {
    SubcommandSyntaxError(ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// MEMORY

// MEMORY USAGE key [SAMPLES count] [TIERS]
// The entry (key, metadata, TTL) plus every byte its value holds outside the entry. Collections
// are measured exactly, so SAMPLES is validated but not needed. TIERS (memkeydb's) replies with
// a map instead: total, dram and pmem bytes (the entry is DRAM metadata).
void MemoryUsageCommand(CommandContext& ctx) {
  bool by_tier = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "tiers")) {
      by_tier = true;
    } else if (ctx.ArgIs(i, "samples") && i + 1 < ctx.argc()) {
      int64_t samples;
      if (!ctx.ParseInt(i + 1, &samples)) return;
      if (samples < 0) {
        ctx.SyntaxError();
        return;
      }
      ++i;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  Entry* e = ctx.LookupForWrite(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply().Null();
    return;
  }
  size_t bytes[kNumTiers] = {e->AllocatedBytes(), 0};
  e->value.ExternalBytesByTier(bytes);
  if (!by_tier) {
    ctx.reply().Integer(static_cast<int64_t>(bytes[0] + bytes[1]));
    return;
  }
  ReplyWriter& w = ctx.reply();
  w.MapHeader(3);
  w.Bulk("total");
  w.Integer(static_cast<int64_t>(bytes[0] + bytes[1]));
  for (Tier t : {Tier::kDram, Tier::kFar}) {
    w.Bulk(TierName(t));
    w.Integer(static_cast<int64_t>(bytes[static_cast<int>(t)]));
  }
}

// MEMORY STATS
void MemoryStatsCommand(CommandContext& ctx) {
  MemoryReport m = CollectMemory(ctx.server());
  MemoryTiers& tiers = MemoryTiers::Get();
  ReplyWriter& w = ctx.reply();
  int64_t net = m.used - m.startup;
  double frag = m.used > 0 ? static_cast<double>(m.rss) / static_cast<double>(m.used) : 0;
  // Counted as written, so the header always matches the pairs.
  size_t token = w.BeginDeferredMap();
  size_t pairs = 0;
  auto num = [&](const char* k, int64_t v) {
    w.Bulk(k);
    w.Integer(v);
    ++pairs;
  };
  auto dbl = [&](const char* k, double v) {
    w.Bulk(k);
    w.Double(v);
    ++pairs;
  };
  num("peak.allocated", m.peak);
  num("total.allocated", m.used);
  num("startup.allocated", m.startup);
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", m.clients_normal);
  num("cluster.links", 0);
  num("aof.buffer", 0);
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (const DbOverhead& o : m.dbs) {
    w.Bulk(Format("db.%d", o.index));
    w.MapHeader(3);
    size_t outer = pairs;
    num("overhead.hashtable.main", o.main);
    num("overhead.hashtable.expires", o.expires);
    num("overhead.hashtable.slot-to-keys", 0);
    pairs = outer + 1;
  }
  num("overhead.total", m.overhead);
  num("keys.count", m.keys);
  num("keys.bytes-per-key", m.keys > 0 ? net / m.keys : 0);
  num("dataset.bytes", m.dataset);
  dbl("dataset.percentage", net > 0 ? 100.0 * static_cast<double>(m.dataset) / net : 0);
  dbl("peak.percentage", m.peak > 0 ? 100.0 * static_cast<double>(m.used) / m.peak : 100);
  num("allocator.allocated", m.used);
  num("allocator.active", m.used);
  num("allocator.resident", m.rss);
  dbl("allocator-fragmentation.ratio", 1.0);
  num("allocator-fragmentation.bytes", 0);
  dbl("allocator-rss.ratio", frag);
  num("allocator-rss.bytes", m.rss - m.used);
  dbl("rss-overhead.ratio", 1.0);
  num("rss-overhead.bytes", 0);
  dbl("fragmentation", frag);
  num("fragmentation.bytes", m.rss - m.used);
  num("dram.allocated", m.dram);
  num("pmem.allocated", m.far);
  num("pmem.threshold", static_cast<int64_t>(tiers.policy().threshold()));
  num("pmem.fallbacks", static_cast<int64_t>(tiers.fallbacks()));
  w.EndDeferredMap(token, pairs);
}

// MEMORY DOCTOR
void MemoryDoctorCommand(CommandContext& ctx) {
  MemoryReport m = CollectMemory(ctx.server());
  std::string out;
  if (m.used < (5 << 20)) {
    out = "This instance holds too little data (under 5 MB) for a meaningful memory analysis.\n";
  } else {
    double frag = static_cast<double>(m.rss) / static_cast<double>(m.used);
    std::vector<std::string> issues;
    if (m.peak > 0 && static_cast<double>(m.peak) / m.used > 1.5) {
      issues.push_back(
          Format("* Peak memory: the peak (%s) is over 1.5 times the current use "
                 "(%s); memory freed since then may not have gone back to the "
                 "system.",
                 BytesToHuman(static_cast<uint64_t>(m.peak)).c_str(),
                 BytesToHuman(static_cast<uint64_t>(m.used)).c_str()));
    }
    if (frag > 1.4) {
      issues.push_back(
          Format("* High fragmentation: the resident set is %.2f times the bytes "
                 "in use.",
                 frag));
    }
    if (m.clients_normal > (200 << 20)) {
      issues.push_back("* Client buffers: clients hold over 200 MB of buffers.");
    }
    if (issues.empty()) {
      out = "No memory problems found.\n";
    } else {
      out = "Possible memory issues:\n\n";
      for (const std::string& s : issues) out += s + "\n\n";
    }
  }
  ctx.reply().Verbatim(out);
}

// MEMORY MALLOC-STATS
void MemoryMallocStatsCommand(CommandContext& ctx) {
  MemoryTiers& tiers = MemoryTiers::Get();
  std::string out = Format(
      "memkind tiers\n"
      "dram: %" PRId64 " bytes in %" PRId64
      " allocations\n"
      "pmem: %" PRId64 " bytes in %" PRId64
      " allocations (far tier %s)\n"
      "peak: %" PRId64
      " bytes\n"
      "fallbacks to dram: %" PRIu64 "\n",
      tiers.used(Tier::kDram), tiers.allocations(Tier::kDram), tiers.used(Tier::kFar),
      tiers.allocations(Tier::kFar), tiers.far_available() ? "open" : "not configured",
      tiers.peak_total(), tiers.fallbacks());
  ctx.reply().Verbatim(out);
}

// MEMORY PURGE
void MemoryPurgeCommand(CommandContext& ctx) { ctx.reply().Ok(); }

// MEMORY HELP
void MemoryHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "MEMORY",
            {
                "DOCTOR",
                "    Return a report of possible memory problems.",
                "MALLOC-STATS",
                "    Return the allocator's statistics (per memory tier).",
                "PURGE",
                "    Ask the allocator to return unused pages (nothing to do with memkind).",
                "STATS",
                "    Return a breakdown of the server's memory use.",
                "USAGE <key> [SAMPLES <count>] [TIERS]",
                "    Return the bytes used by <key> and its value.",
                "    With TIERS, a map of the total, dram and pmem bytes.",
            });
}

// ---------------------------------------------------------------------------------------------
// The table

const CommandSpec kMemorySubcommands[] = {
    {"doctor", 2, 0, 0, 0, 0, "server", "4.0.0", "Outputs memory problems report", "O(1)", "",
     MemoryDoctorCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "4.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", MemoryHelpCommand},
    {"malloc-stats", 2, 0, 0, 0, 0, "server", "4.0.0", "Show allocator internal stats",
     "Depends on how much memory is allocated, could be slow", "", MemoryMallocStatsCommand},
    {"purge", 2, 0, 0, 0, 0, "server", "4.0.0", "Ask the allocator to release memory", "O(1)", "",
     MemoryPurgeCommand},
    {"stats", 2, 0, 0, 0, 0, "server", "4.0.0", "Show memory usage details", "O(1)", "",
     MemoryStatsCommand},
    {"usage", -3, kCmdReadonly, 2, 2, 1, "server", "4.0.0", "Estimate the memory usage of a key",
     "O(N) where N is the number of samples.", "key [SAMPLES count]", MemoryUsageCommand},
    {},
};

const CommandSpec kDebugCommands[] = {
    {"debug", -2, kAdm | kCmdProtected, 0, 0, 0, "server", "1.0.0",
     "A container for debugging commands", "Depends on subcommand.", "subcommand [argument ...]",
     DebugCommand},
    {"memory", -2, 0, 0, 0, 0, "server", "4.0.0", "A container for memory diagnostics commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kMemorySubcommands},
    {},
};

}  // namespace

void RegisterDebugCommands() { CommandTable::Get().Register(kDebugCommands); }

}  // namespace memkeydb
