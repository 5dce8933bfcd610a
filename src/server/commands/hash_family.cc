// Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL
// HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
//
// The value is a HashObject (src/types/hash_object.h), which picks and converts its encoding
// itself. Each handler validates in redis-server 7.0's order (which decides the error a client
// sees when several things are wrong), and a write that leaves the hash empty deletes the key.

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/glob.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"
#include "types/hash_object.h"

namespace memkeydb {
namespace {

template <typename T>
using MetaVector = std::vector<T, MetadataAllocator<T>>;

bool IsHash(const Entry* e) { return e->value.type() == ValueType::kHash; }

uint64_t RandomU64() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng();
}

// The hash at `key` for a read. Missing: replies with `on_missing` (if given) and returns
// nullptr. Another type: replies WRONGTYPE and returns nullptr with *failed set.
enum class Missing { kNull, kZero, kEmptyArray, kEmptyMap, kNone };

Entry* LookupHash(CommandContext& ctx, std::string_view key, Missing on_missing,
                  bool* failed = nullptr) {
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) {
    switch (on_missing) {
      case Missing::kNull: ctx.reply().Null(); break;
      case Missing::kZero: ctx.reply().Integer(0); break;
      case Missing::kEmptyArray: ctx.reply().ArrayHeader(0); break;
      case Missing::kEmptyMap: ctx.reply().MapHeader(0); break;
      case Missing::kNone: break;
    }
    return nullptr;
  }
  if (!IsHash(e)) {
    ctx.WrongType();
    if (failed != nullptr) *failed = true;
    return nullptr;
  }
  return e;
}

// The hash at `key` for a write, created empty if missing (Redis's
// hashTypeLookupWriteOrCreate); nullptr after replying WRONGTYPE.
Entry* LookupHashOrCreate(CommandContext& ctx, std::string_view key) {
  Entry* e = ctx.LookupForWrite(key);
  if (e != nullptr) {
    if (IsHash(e)) return e;
    ctx.WrongType();
    return nullptr;
  }
  e = ctx.db().Add(key);
  HashObject::CreateIn(&e->value);
  return e;
}

// Deletes `key` if its hash is empty (a write created it and then failed, or removed the last
// field). Returns whether it did.
bool DeleteIfEmpty(CommandContext& ctx, std::string_view key, Entry* e) {
  if (HashObject(&e->value).size() != 0) return false;
  ctx.db().Delete(key);
  return true;
}

// HSET key field value [field value ...]   and   HMSET key field value [field value ...]
void HSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 1) {
    ctx.Error("ERR wrong number of arguments for '" + ctx.command().full_name + "' command");
    return;
  }
  std::string_view key = ctx.arg(1);
  Entry* e = LookupHashOrCreate(ctx, key);
  if (e == nullptr) return;
  HashObject h(&e->value);
  h.ConvertForArgs(ctx.args().data() + 2, ctx.argc() - 2);
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) created += h.Set(ctx.arg(i), ctx.arg(i + 1));
  if (ctx.command().full_name == "hset") {
    ctx.reply().Integer(created);
  } else {
    ctx.reply().Ok();
  }
  ctx.KeyModified(key, static_cast<int64_t>(ctx.argc() - 2) / 2);
  ctx.Notify('h', "hset", key);
}

// HSETNX key field value
void HSetNxCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = LookupHashOrCreate(ctx, key);
  if (e == nullptr) return;
  HashObject h(&e->value);
  if (h.Contains(ctx.arg(2))) {
    ctx.reply().Integer(0);
    return;
  }
  h.ConvertForArgs(ctx.args().data() + 2, 2);
  h.Set(ctx.arg(2), ctx.arg(3));
  ctx.reply().Integer(1);
  ctx.KeyModified(key);
  ctx.Notify('h', "hset", key);
}

// HGET key field
void HGetCommand(CommandContext& ctx) {
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kNull);
  if (e == nullptr) return;
  char scratch[HashObject::kScratchSize];
  std::string_view v;
  if (HashObject(&e->value).Get(ctx.arg(2), &v, scratch)) {
    ctx.reply().Bulk(v);
  } else {
    ctx.reply().Null();
  }
}

// HMGET key field [field ...]
void HMGetCommand(CommandContext& ctx) {
  bool failed = false;
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kNone, &failed);
  if (failed) return;
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 2);
  char scratch[HashObject::kScratchSize];
  std::string_view v;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (e != nullptr && HashObject(&e->value).Get(ctx.arg(i), &v, scratch)) {
      w.Bulk(v);
    } else {
      w.Null();
    }
  }
}

// HDEL key field [field ...]
void HDelCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!IsHash(e)) {
    ctx.WrongType();
    return;
  }
  HashObject h(&e->value);
  int64_t deleted = 0;
  bool key_removed = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!h.Delete(ctx.arg(i))) continue;
    ++deleted;
    if (h.size() == 0) {
      ctx.db().Delete(key);
      key_removed = true;
      break;
    }
  }
  if (deleted > 0) {
    ctx.KeyModified(key, deleted);
    ctx.Notify('h', "hdel", key);
    if (key_removed) ctx.Notify('g', "del", key);
  }
  ctx.reply().Integer(deleted);
}

// HLEN key
void HLenCommand(CommandContext& ctx) {
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kZero);
  if (e == nullptr) return;
  ctx.reply().Integer(static_cast<int64_t>(HashObject(&e->value).size()));
}

// HSTRLEN key field
void HStrLenCommand(CommandContext& ctx) {
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kZero);
  if (e == nullptr) return;
  char scratch[HashObject::kScratchSize];
  std::string_view v;
  bool found = HashObject(&e->value).Get(ctx.arg(2), &v, scratch);
  ctx.reply().Integer(found ? static_cast<int64_t>(v.size()) : 0);
}

// HEXISTS key field
void HExistsCommand(CommandContext& ctx) {
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kZero);
  if (e == nullptr) return;
  ctx.reply().Integer(HashObject(&e->value).Contains(ctx.arg(2)) ? 1 : 0);
}

enum class Part { kFields, kValues, kBoth };

// HKEYS / HVALS / HGETALL: fields and values are arrays; both together a map (RESP3).
void ReplyAll(CommandContext& ctx, Part part) {
  Entry* e =
      LookupHash(ctx, ctx.arg(1), part == Part::kBoth ? Missing::kEmptyMap : Missing::kEmptyArray);
  if (e == nullptr) return;
  HashObject h(&e->value);
  ReplyWriter& w = ctx.reply();
  if (part == Part::kBoth) {
    w.MapHeader(h.size());
  } else {
    w.ArrayHeader(h.size());
  }
  h.ForEach([&](std::string_view field, std::string_view value) {
    if (part != Part::kValues) w.Bulk(field);
    if (part != Part::kFields) w.Bulk(value);
  });
}

// HKEYS key
void HKeysCommand(CommandContext& ctx) { ReplyAll(ctx, Part::kFields); }
// HVALS key
void HValsCommand(CommandContext& ctx) { ReplyAll(ctx, Part::kValues); }
// HGETALL key
void HGetAllCommand(CommandContext& ctx) { ReplyAll(ctx, Part::kBoth); }

// HINCRBY key field increment
void HIncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ctx.ParseInt(3, &incr)) return;
  std::string_view key = ctx.arg(1);
  Entry* e = LookupHashOrCreate(ctx, key);
  if (e == nullptr) return;
  HashObject h(&e->value);
  int64_t value = 0;
  char scratch[HashObject::kScratchSize];
  std::string_view current;
  if (h.Get(ctx.arg(2), &current, scratch) && !ParseInt64(current, &value)) {
    ctx.Error("ERR hash value is not an integer");
    return;
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    ctx.Error(errors::kIncrOverflow);
    DeleteIfEmpty(ctx, key, e);
    return;
  }
  value += incr;
  char buf[kInt64BufferSize];
  h.Set(ctx.arg(2), std::string_view(buf, FormatInt64(value, buf)));
  ctx.reply().Integer(value);
  ctx.KeyModified(key);
  ctx.Notify('h', "hincrby", key);
}

// HINCRBYFLOAT key field increment
void HIncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.arg(3), &incr)) {
    ctx.Error(errors::kNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.Error("ERR value is NaN or Infinity");
    return;
  }
  std::string_view key = ctx.arg(1);
  Entry* e = LookupHashOrCreate(ctx, key);
  if (e == nullptr) return;
  HashObject h(&e->value);
  long double value = 0;
  char scratch[HashObject::kScratchSize];
  std::string_view current;
  if (h.Get(ctx.arg(2), &current, scratch) && !ParseLongDouble(current, &value)) {
    ctx.Error("ERR hash value is not a float");
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.Error("ERR increment would produce NaN or Infinity");
    DeleteIfEmpty(ctx, key, e);
    return;
  }
  std::string text = FormatLongDouble(value);
  h.Set(ctx.arg(2), text);
  ctx.reply().Bulk(text);
  ctx.KeyModified(key);
  ctx.Notify('h', "hincrbyfloat", key);
  // The result, not the increment (float arithmetic or formatting elsewhere may differ).
  if (ctx.propagating()) {
    ctx.RewriteForPropagation({"HSET", std::string(key), std::string(ctx.arg(2)), text});
  }
}

// HRANDFIELD's reply for one picked pair, in the shape the protocol and WITHVALUES ask for.
struct RandReply {
  ReplyWriter& w;
  bool with_values;
  bool pairs_as_arrays;  // RESP3 WITHVALUES: each pair is a two-element array

  void Header(uint64_t picks) {
    w.ArrayHeader(pairs_as_arrays || !with_values ? picks : picks * 2);
  }
  void Pair(std::string_view field, std::string_view value) {
    if (pairs_as_arrays) w.ArrayHeader(2);
    w.Bulk(field);
    if (with_values) w.Bulk(value);
  }
};

// Emits the pairs at the sorted pair indexes `picks` (repeats allowed) in one walk.
void EmitListpackPicks(const HashObject& h, const MetaVector<uint64_t>& picks, RandReply* out) {
  size_t next = 0;
  uint64_t index = 0;
  h.ForEach([&](std::string_view field, std::string_view value) {
    while (next < picks.size() && picks[next] == index) {
      out->Pair(field, value);
      ++next;
    }
    ++index;
  });
}

// HRANDFIELD key [count [WITHVALUES]] with a count.
void RandomFieldsWithCount(CommandContext& ctx, const HashObject& h, int64_t l, bool with_values) {
  RandReply out{ctx.reply(), with_values, with_values && ctx.reply().resp() == 3};
  uint64_t size = h.size();
  bool listpack = h.encoding() == HashObject::Encoding::kListpack;
  char fs[HashObject::kScratchSize], vs[HashObject::kScratchSize];
  std::string_view field, value;

  if (l < 0) {
    // Repeats allowed: `count` independent picks.
    uint64_t count = static_cast<uint64_t>(-l);
    out.Header(count);
    if (!listpack) {
      for (uint64_t i = 0; i < count; ++i) {
        h.RandomPair(&RandomU64, &field, &value, fs, vs);
        out.Pair(field, value);
      }
      return;
    }
    // A listpack is walked once per batch of sorted picks rather than once per pick.
    constexpr uint64_t kBatch = 1000;
    MetaVector<uint64_t> picks;
    while (count > 0) {
      uint64_t n = std::min(count, kBatch);
      picks.clear();
      for (uint64_t i = 0; i < n; ++i) picks.push_back(RandomU64() % size);
      std::sort(picks.begin(), picks.end());
      EmitListpackPicks(h, picks, &out);
      count -= n;
    }
    return;
  }

  uint64_t count = static_cast<uint64_t>(l);
  if (count >= size) {
    // The whole hash.
    out.Header(size);
    h.ForEach([&](std::string_view f, std::string_view v) { out.Pair(f, v); });
    return;
  }
  out.Header(count);
  if (listpack) {
    // `count` distinct pair indexes (a partial shuffle), emitted in listpack order.
    MetaVector<uint64_t> indexes(size);
    for (uint64_t i = 0; i < size; ++i) indexes[i] = i;
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(indexes[i], indexes[i + RandomU64() % (size - i)]);
    }
    indexes.resize(count);
    std::sort(indexes.begin(), indexes.end());
    EmitListpackPicks(h, indexes, &out);
    return;
  }
  if (count * 3 > size) {
    // Close to the whole hash: take every pair and keep a random `count` of them. Views into
    // the nodes stay valid: nothing is modified while replying.
    MetaVector<std::pair<std::string_view, std::string_view>> all;
    all.reserve(size);
    h.ForEach([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(all[i], all[i + RandomU64() % (size - i)]);
      out.Pair(all[i].first, all[i].second);
    }
    return;
  }
  // Few of many: random picks until `count` distinct fields came up.
  std::unordered_set<std::string_view, std::hash<std::string_view>, std::equal_to<>,
                     MetadataAllocator<std::string_view>>
      seen;
  while (seen.size() < count) {
    h.RandomPair(&RandomU64, &field, &value, fs, vs);
    if (seen.insert(field).second) out.Pair(field, value);
  }
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandFieldCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kNull);
    if (e == nullptr) return;
    HashObject h(&e->value);
    char fs[HashObject::kScratchSize], vs[HashObject::kScratchSize];
    std::string_view field, value;
    h.RandomPair(&RandomU64, &field, &value, fs, vs);
    ctx.reply().Bulk(field);
    return;
  }
  int64_t l;
  bool with_values;
  if (!ctx.ParseRandomCount("withvalues", &l, &with_values)) return;
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kEmptyArray);
  if (e == nullptr) return;
  if (l == 0) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  RandomFieldsWithCount(ctx, HashObject(&e->value), l, with_values);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ctx.ParseScanCursor(2, &cursor)) return;
  ReplyWriter& w = ctx.reply();
  bool failed = false;
  Entry* e = LookupHash(ctx, ctx.arg(1), Missing::kNone, &failed);
  if (failed) return;
  if (e == nullptr) {
    w.ArrayHeader(2);
    w.Bulk("0");
    w.ArrayHeader(0);
    return;
  }
  CommandContext::ScanOptions opt;
  if (!ctx.ParseScanOptions(3, false, &opt)) return;
  const int64_t count = opt.count;
  const std::string_view pattern = opt.pattern;
  const bool use_pattern = opt.use_pattern;

  HashObject h(&e->value);
  // Views into the hash stay valid while collecting and replying (nothing is modified).
  MetaVector<std::pair<std::string_view, std::string_view>> found;
  MetaVector<std::string> copies;  // a listpack's pairs, copied (integers are formatted into scratch)
  if (h.encoding() == HashObject::Encoding::kListpack) {
    // A listpack is small: all of it in one call, and the scan is over.
    copies.reserve(2 * h.size());
    h.ForEach([&](std::string_view f, std::string_view v) {
      copies.emplace_back(f);
      std::string_view fv = copies.back();
      copies.emplace_back(v);
      found.emplace_back(fv, copies.back());
    });
    cursor = 0;
  } else {
    // Fields and values both count towards COUNT, as in Redis.
    int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
    do {
      cursor = h.Scan(cursor, [&](std::string_view f, std::string_view v) {
        found.emplace_back(f, v);
      });
    } while (cursor != 0 && steps_left-- > 0 &&
             static_cast<int64_t>(found.size() * 2) < count);
  }
  size_t kept = 0;
  for (const auto& [f, v] : found) kept += !use_pattern || GlobMatch(pattern, f);
  w.ArrayHeader(2);
  char buf[32];
  int len = snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(cursor));
  w.Bulk(std::string_view(buf, len));
  w.ArrayHeader(kept * 2);
  for (const auto& [f, v] : found) {
    if (use_pattern && !GlobMatch(pattern, f)) continue;
    w.Bulk(f);
    w.Bulk(v);
  }
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;

const CommandSpec kHashCommands[] = {
    {"hset", -4, kWriteOom | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Set the string value of a hash field",
     "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
     "is called with multiple field/value pairs.",
     "key field value [field value ...]", HSetCommand},
    {"hsetnx", 4, kWriteOom | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Set the value of a hash field, only if the field does not exist", "O(1)",
     "key field value", HSetNxCommand},
    {"hmset", -4, kWriteOom | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Set multiple hash fields to multiple values",
     "O(N) where N is the number of fields being set.", "key field value [field value ...]",
     HSetCommand},
    {"hget", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "hash", "2.0.0", "Get the value of a hash field",
     "O(1)", "key field", HGetCommand},
    {"hmget", -3, kCmdReadonly | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Get the values of all the given hash fields",
     "O(N) where N is the number of fields being requested.", "key field [field ...]",
     HMGetCommand},
    {"hdel", -3, kCmdWrite | kCmdFast, 1, 1, 1, "hash", "2.0.0", "Delete one or more hash fields",
     "O(N) where N is the number of fields to be removed.", "key field [field ...]", HDelCommand},
    {"hlen", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Get the number of fields in a hash", "O(1)", "key", HLenCommand},
    {"hstrlen", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "hash", "3.2.0",
     "Get the length of the value of a hash field", "O(1)", "key field", HStrLenCommand},
    {"hexists", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Determine if a hash field exists", "O(1)", "key field", HExistsCommand},
    {"hkeys", 2, kCmdReadonly, 1, 1, 1, "hash", "2.0.0", "Get all the fields in a hash",
     "O(N) where N is the size of the hash.", "key", HKeysCommand},
    {"hvals", 2, kCmdReadonly, 1, 1, 1, "hash", "2.0.0", "Get all the values in a hash",
     "O(N) where N is the size of the hash.", "key", HValsCommand},
    {"hgetall", 2, kCmdReadonly, 1, 1, 1, "hash", "2.0.0",
     "Get all the fields and values in a hash", "O(N) where N is the size of the hash.", "key",
     HGetAllCommand},
    {"hincrby", 4, kWriteOom | kCmdFast, 1, 1, 1, "hash", "2.0.0",
     "Increment the integer value of a hash field by the given number", "O(1)",
     "key field increment", HIncrByCommand},
    {"hincrbyfloat", 4, kWriteOom | kCmdFast, 1, 1, 1, "hash", "2.6.0",
     "Increment the float value of a hash field by the given amount", "O(1)",
     "key field increment", HIncrByFloatCommand},
    {"hrandfield", -2, kCmdReadonly, 1, 1, 1, "hash", "6.2.0",
     "Get one or multiple random fields from a hash",
     "O(N) where N is the number of fields returned", "key [count [WITHVALUES]]",
     HRandFieldCommand},
    {"hscan", -3, kCmdReadonly, 1, 1, 1, "hash", "2.8.0",
     "Incrementally iterate hash fields and associated values",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "key cursor [MATCH pattern] [COUNT count]", HScanCommand},
    {},
};

}  // namespace

void RegisterHashCommands() {
  HashObject::RegisterOps();
  CommandTable::Get().Register(kHashCommands);
}

}  // namespace memkeydb
