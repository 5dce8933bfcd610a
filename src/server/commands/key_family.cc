// Keyspace commands (Redis's "generic" group plus the database-wide ones): DEL UNLINK EXISTS
// TYPE RENAME RENAMENX COPY MOVE KEYS SCAN RANDOMKEY DBSIZE TOUCH OBJECT SWAPDB FLUSHDB
// FLUSHALL, and the expiry commands EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST.
//
// How each command treats a key whose TTL has passed but that is still in the table follows
// Redis 7.0: lookups delete it first (so RENAME of such a key is "no such key"), while KEYS only
// skips it and DBSIZE still counts it.

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/glob.h"
#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr const char* kSameObject = "ERR source and destination objects are the same";
// Redis shares the values 0..9999 of integer-encoded strings and reports this refcount for them.
constexpr int64_t kSharedRefcount = INT_MAX;

bool ValidDb(CommandContext& ctx, int index) {
  return index >= 0 && index < ctx.server().db_count();
}

uint64_t RandomU64() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng();
}

// ---------------------------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE

void DeleteKeys(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    // The lookup removes an expired key first, so that it is reported as expired, not deleted.
    if (ctx.LookupForWrite(key) == nullptr) continue;
    ctx.db().Delete(key);
    ctx.KeyModified(key);
    ctx.Notify('g', "del", key);
    ++deleted;
  }
  ctx.reply().Integer(deleted);
}

// DEL key [key ...]
void DelCommand(CommandContext& ctx) { DeleteKeys(ctx); }

// UNLINK key [key ...]
// Values are freed at once: the tier allocator frees in O(1) per allocation, and a background
// freeing thread would have to be taught the tiers.
void UnlinkCommand(CommandContext& ctx) { DeleteKeys(ctx); }

// EXISTS key [key ...]
void ExistsCommand(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.LookupNoTouch(ctx.arg(i)) != nullptr) ++n;
  }
  ctx.reply().Integer(n);
}

// TYPE key
void TypeCommand(CommandContext& ctx) {
  Entry* e = ctx.LookupNoTouch(ctx.arg(1));
  ctx.reply().SimpleString(e == nullptr ? "none" : TypeName(e->value.type()));
}

// TOUCH key [key ...]
void TouchCommand(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.Lookup(ctx.arg(i)) != nullptr) ++n;
  }
  ctx.reply().Integer(n);
}

// DBSIZE
// Counts keys whose TTL passed but that were not removed yet, as Redis does.
void DbsizeCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.db().size()));
}

// ---------------------------------------------------------------------------------------------
// RENAME, RENAMENX, COPY, MOVE

void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  Database& db = ctx.db();
  Entry* src = ctx.LookupForWrite(from);
  if (src == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return;
  }
  // Renaming a key onto itself changes nothing, but only once the key is known to exist.
  if (from == to) {
    if (nx) {
      ctx.reply().Integer(0);
    } else {
      ctx.reply().Ok();
    }
    return;
  }
  if (ctx.LookupForWrite(to) != nullptr) {
    if (nx) {
      ctx.reply().Integer(0);
      return;
    }
    db.Delete(to);
  }
  // The key's bytes live inside its entry, so the value moves to a new entry; TTL and access
  // clock travel with it.
  int64_t expire_at = src->expire_at();
  Entry* dst = db.Add(to);
  dst->value.MoveFrom(&src->value);
  dst->set_clock(src->clock());
  if (expire_at != -1) db.SetExpire(&dst, expire_at);
  db.Delete(from);
  ctx.KeyModified(from);
  ctx.KeyModified(to, 0);
  ctx.Notify('g', "rename_from", from);
  ctx.Notify('g', "rename_to", to);
  if (nx) {
    ctx.reply().Integer(1);
  } else {
    ctx.reply().Ok();
  }
}

// RENAME key newkey
void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, false); }

// RENAMENX key newkey
void RenamenxCommand(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CopyCommand(CommandContext& ctx) {
  int src_db = ctx.db_index(), dst_db = src_db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "replace")) {
      replace = true;
    } else if (ctx.ArgIs(i, "db") && i + 1 < ctx.argc()) {
      if (!ctx.ParseInt32(i + 1, &dst_db)) return;
      if (!ValidDb(ctx, dst_db)) {
        ctx.Error(errors::kDbIndexOutOfRange);
        return;
      }
      ++i;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (src_db == dst_db && from == to) {
    ctx.Error(kSameObject);
    return;
  }
  Entry* src = ctx.Lookup(from);
  if (src == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  Database& dst = ctx.server().db(dst_db);
  bool exists = ctx.LookupForWrite(dst, to) != nullptr;
  if (exists && !replace) {
    ctx.reply().Integer(0);
    return;
  }
  if (src->value.type() != ValueType::kString && GetObjectOps(src->value.type()) == nullptr) {
    ctx.Error("ERR unknown type object");
    return;
  }
  int64_t expire_at = src->expire_at();
  if (exists) dst.Delete(to);
  Entry* e = dst.Add(to);
  e->value.CopyFrom(src->value);
  // A copy is a new object: its idle time starts now.
  ctx.server().TouchAccessClock(e);
  if (expire_at != -1) dst.SetExpire(&e, expire_at);
  ctx.KeyModifiedIn(dst_db, to);
  ctx.Notify('g', "copy_to", to, dst_db);
  ctx.reply().Integer(1);
}

// MOVE key db
void MoveCommand(CommandContext& ctx) {
  int dst_db;
  if (!ctx.ParseInt32(2, &dst_db)) return;
  if (!ValidDb(ctx, dst_db)) {
    ctx.Error(errors::kDbIndexOutOfRange);
    return;
  }
  int src_db = ctx.db_index();
  if (dst_db == src_db) {
    ctx.Error(kSameObject);
    return;
  }
  std::string_view key = ctx.arg(1);
  if (ctx.LookupForWrite(key) == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  Database& dst = ctx.server().db(dst_db);
  if (ctx.LookupForWrite(dst, key) != nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  // The entry (key, value, TTL, access clock) changes tables without being copied.
  dst.Attach(ctx.db().Detach(key));
  ctx.KeyModifiedIn(src_db, key);
  ctx.KeyModifiedIn(dst_db, key, 0);
  ctx.Notify('g', "move_from", key, src_db);
  ctx.Notify('g', "move_to", key, dst_db);
  ctx.reply().Integer(1);
}

// ---------------------------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

// KEYS pattern
void KeysCommand(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  // GlobMatch never matches the empty key, but "*" must (see glob.h).
  bool all = pattern == "*";
  Database& db = ctx.db();
  int64_t now = ctx.now_ms();
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  // Expired keys are skipped, not deleted: the table must not change while it is walked.
  db.table().ForEach([&](Entry* e) {
    if (!all && !GlobMatch(pattern, e->key())) return;
    if (db.IsExpired(e, now)) return;
    w.Bulk(e->key());
    ++n;
  });
  w.EndDeferredArray(token, n);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void ScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ctx.ParseScanCursor(1, &cursor)) return;
  CommandContext::ScanOptions opt;
  if (!ctx.ParseScanOptions(2, true, &opt)) return;
  const int64_t count = opt.count;
  const std::string_view pattern = opt.pattern, type = opt.type;
  const bool use_pattern = opt.use_pattern, use_type = opt.use_type;

  // Visit buckets until about `count` keys were seen, giving up after 10 * count empty-ish
  // steps so a sparse table does not make one call walk all of it.
  Database& db = ctx.db();
  std::vector<std::string> keys;
  int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  do {
    cursor = db.table().Scan(cursor, [&](Entry* e) { keys.emplace_back(e->key()); });
  } while (cursor != 0 && steps_left-- > 0 && static_cast<int64_t>(keys.size()) < count);

  int64_t now = ctx.now_ms();
  std::vector<std::string_view> out;
  out.reserve(keys.size());
  for (const std::string& key : keys) {
    if (use_pattern && !GlobMatch(pattern, key)) continue;
    if (use_type) {
      // Like Redis, the type check is a counted read lookup, which already removes an expired
      // key; its type is then "none", so TYPE none lists keys that have just expired.
      Entry* e = ctx.LookupNoTouch(key);
      if (!EqualsIgnoreCase(type, e == nullptr ? "none" : TypeName(e->value.type()))) continue;
    }
    // A key whose TTL passed is deleted here and left out.
    Entry* raw = db.FindRaw(key);
    if (raw != nullptr && db.IsExpired(raw, now)) {
      db.Find(key, now);
      continue;
    }
    out.push_back(key);
  }

  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(2);
  char buf[32];
  int len = snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(cursor));
  w.Bulk(std::string_view(buf, len));
  w.BulkArray(out);
}

// RANDOMKEY
void RandomkeyCommand(CommandContext& ctx) {
  Database& db = ctx.db();
  int64_t now = ctx.now_ms();
  // When expiry is suspended (replica, loading) expired keys stay; if every key has a TTL they
  // may all be expired, so give up after a few draws and return one anyway.
  bool all_volatile = db.size() == db.expires();
  int tries = 100;
  while (true) {
    Entry* e = db.table().Random(&RandomU64);
    if (e == nullptr) {
      ctx.reply().Null();
      return;
    }
    if (e->has_expire()) {
      if (all_volatile && Database::expiry_suspended() && --tries == 0) {
        ctx.reply().Bulk(e->key());
        return;
      }
      if (db.IsExpired(e, now)) {
        // Deleting it (unless suspended) guarantees the loop ends: the table shrinks.
        std::string key(e->key());
        db.Find(key, now);
        continue;
      }
    }
    ctx.reply().Bulk(e->key());
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// SWAPDB, FLUSHDB, FLUSHALL

// SWAPDB index1 index2
void SwapdbCommand(CommandContext& ctx) {
  int a, b;
  if (!ctx.ParseInt32(1, &a, "ERR invalid first DB index")) return;
  if (!ctx.ParseInt32(2, &b, "ERR invalid second DB index")) return;
  if (!ValidDb(ctx, a) || !ValidDb(ctx, b)) {
    ctx.Error(errors::kDbIndexOutOfRange);
    return;
  }
  Server& s = ctx.server();
  if (a != b) {
    // Watchers of a key that exists on either side see it change.
    s.TouchAllWatchedKeysInDb(a, b);
    s.TouchAllWatchedKeysInDb(b, a);
    s.db(a).SwapContents(&s.db(b));
    // Clients waiting on a key that now has data in its database are served.
    s.blocking().SignalDb(a);
    s.blocking().SignalDb(b);
  }
  ++s.dirty;
  ctx.reply().Ok();
}

// Parses FLUSHDB/FLUSHALL's optional mode into *async; without one, lazyfree-lazy-user-flush
// decides, as in Redis.
bool ParseFlushMode(CommandContext& ctx, bool* async) {
  *async = ctx.server().config().lazyfree_lazy_user_flush;
  if (ctx.argc() == 1) return true;
  if (ctx.argc() == 2 && (ctx.ArgIs(1, "sync") || ctx.ArgIs(1, "async"))) {
    *async = ctx.ArgIs(1, "async");
    return true;
  }
  ctx.SyntaxError();
  return false;
}

// FLUSHDB [ASYNC | SYNC]
void FlushdbCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  ctx.server().Flush(ctx.db_index(), async);
  ctx.reply().Ok();
  // Fed even when there was nothing to flush (Redis 7.0): the consumer may hold keys.
  ctx.ForcePropagation();
}

// FLUSHALL [ASYNC | SYNC]
void FlushallCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  ctx.server().rdb().BeforeFlushAll();
  ctx.server().Flush(-1, async);
  ctx.server().rdb().AfterFlushAll();
  ctx.reply().Ok();
  // Fed even when there was nothing to flush (Redis 7.0): the consumer may hold keys.
  ctx.ForcePropagation();
}

// ---------------------------------------------------------------------------------------------
// OBJECT

// The object subcommands look the key up without touching it; a missing key is a null reply.
Entry* ObjectLookup(CommandContext& ctx) {
  Entry* e = ctx.LookupNoTouch(ctx.arg(2));
  if (e == nullptr) ctx.reply().Null();
  return e;
}

// OBJECT ENCODING key
void ObjectEncodingCommand(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  ctx.reply().Bulk(e->value.EncodingName());
}

// OBJECT REFCOUNT key
// Redis shares one object among all keys holding a small non-negative integer (unless an LRU or
// LFU maxmemory policy needs a clock per key) and reports INT_MAX for it; every other value has
// exactly one reference.
void ObjectRefcountCommand(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  ctx.reply().Integer(ctx.server().IsSharedInteger(e->value) ? kSharedRefcount : 1);
}

// OBJECT IDLETIME key
void ObjectIdletimeCommand(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  if (ctx.server().lfu_policy()) {
    ctx.Error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
    return;
  }
  ctx.reply().Integer(LruIdleSeconds(ctx.server().AccessClockOf(e), LruClock()));
}

// OBJECT FREQ key
void ObjectFreqCommand(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  if (!ctx.server().lfu_policy()) {
    ctx.Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
    return;
  }
  // Reported decayed, as it would be on the next access.
  ctx.reply().Integer(LfuDecayedCounter(e->clock(), ctx.server().config().lfu_decay_time));
}

// OBJECT HELP
void ObjectHelpCommand(CommandContext& ctx) {
  static const char* const kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the internal representation used to store the value of <key>.",
      "FREQ <key>",
      "    Return the logarithmic access frequency counter of <key> (LFU policies only).",
      "IDLETIME <key>",
      "    Return the approximate number of seconds since <key> was last accessed.",
      "REFCOUNT <key>",
      "    Return the number of references to the value of <key>.",
      "HELP",
      "    Prints this help.",
  };
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(std::size(kLines));
  for (const char* line : kLines) w.SimpleString(line);
}

// OBJECT <subcommand>: reached only if dispatch did not pick a subcommand.
void ObjectCommand(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) +
            "'. Try OBJECT HELP.");
}

// ---------------------------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, PERSIST

enum ExpireFlag : int { kExpireNx = 1, kExpireXx = 2, kExpireGt = 4, kExpireLt = 8 };

bool ParseExpireFlags(CommandContext& ctx, int* flags) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "nx")) {
      *flags |= kExpireNx;
    } else if (ctx.ArgIs(i, "xx")) {
      *flags |= kExpireXx;
    } else if (ctx.ArgIs(i, "gt")) {
      *flags |= kExpireGt;
    } else if (ctx.ArgIs(i, "lt")) {
      *flags |= kExpireLt;
    } else {
      // Redis formats the option as a C string: it ends at the first NUL byte.
      std::string opt(ctx.arg(i));
      opt.resize(strlen(opt.c_str()));
      ctx.Error("ERR Unsupported option " + opt);
      return false;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    ctx.Error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

void InvalidExpireTime(CommandContext& ctx) {
  ctx.Error("ERR invalid expire time in '" + ctx.command().full_name + "' command");
}

// `base_ms` is added to the argument (now for relative commands, 0 for absolute ones).
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  int flags = 0;
  if (!ParseExpireFlags(ctx, &flags)) return;
  int64_t when;
  if (!ctx.ParseInt(2, &when)) return;
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      InvalidExpireTime(ctx);
      return;
    }
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) {
    InvalidExpireTime(ctx);
    return;
  }
  when += base_ms;

  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  int64_t current = e->expire_at();  // -1: no TTL, which counts as an infinite one
  if (((flags & kExpireNx) && current != -1) || ((flags & kExpireXx) && current == -1) ||
      ((flags & kExpireGt) && (current == -1 || when <= current)) ||
      ((flags & kExpireLt) && current != -1 && when >= current)) {
    ctx.reply().Integer(0);
    return;
  }

  // A time already past deletes the key, except where expiry is suspended (a replica waits for
  // its primary's DEL; a loader keeps what the file holds).
  if (when <= ctx.now_ms() && !Database::expiry_suspended()) {
    ctx.db().Delete(key);
    ctx.KeyModified(key);
    ctx.Notify('g', "del", key);
    ctx.reply().Integer(1);
    if (ctx.propagating()) {
      bool lazy = ctx.server().config().lazyfree_lazy_expire;
      ctx.RewriteForPropagation({lazy ? "UNLINK" : "DEL", std::string(key)});
    }
    return;
  }
  ctx.db().SetExpire(&e, when);
  ctx.KeyModified(key);
  ctx.Notify('g', "expire", key);
  ctx.reply().Integer(1);
  // Fed as an absolute time in ms, so that a replay later sets the same deadline; the NX/XX/GT/LT
  // options go along as typed.
  if (ctx.propagating()) {
    if (ctx.command().full_name != "pexpireat") ctx.RewriteArgForPropagation(0, "PEXPIREAT");
    if (base_ms != 0 || seconds) ctx.RewriteArgForPropagation(2, std::to_string(when));
  }
}

// EXPIRE key seconds [NX | XX | GT | LT]
void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), true); }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
void PexpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), false); }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
void ExpireatCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, true); }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
void PexpireatCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, false); }

// PERSIST key
void PersistCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr || !e->has_expire()) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.db().ClearExpire(&e);
  ctx.KeyModified(key);
  ctx.Notify('g', "persist", key);
  ctx.reply().Integer(1);
}

// ---------------------------------------------------------------------------------------------
// TTL, PTTL, EXPIRETIME, PEXPIRETIME

// -2 for a missing key, -1 for a key without TTL, else the remaining time (or the absolute
// expiry time), never below 0; seconds are rounded to the nearest.
void TtlGeneric(CommandContext& ctx, bool millis, bool absolute) {
  Entry* e = ctx.LookupNoTouch(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Integer(-2);
    return;
  }
  int64_t at = e->expire_at();
  if (at == -1) {
    ctx.reply().Integer(-1);
    return;
  }
  int64_t t = absolute ? at : at - ctx.now_ms();
  if (t < 0) t = 0;
  // Unsigned so that rounding an expiry near INT64_MAX does not overflow.
  ctx.reply().Integer(millis ? t : static_cast<int64_t>((static_cast<uint64_t>(t) + 500) / 1000));
}

// TTL key
void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, false, false); }

// PTTL key
void PttlCommand(CommandContext& ctx) { TtlGeneric(ctx, true, false); }

// EXPIRETIME key
void ExpiretimeCommand(CommandContext& ctx) { TtlGeneric(ctx, false, true); }

// PEXPIRETIME key
void PexpiretimeCommand(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

// ---------------------------------------------------------------------------------------------
// The table

constexpr uint32_t kW = kCmdWrite;
constexpr uint32_t kR = kCmdReadonly;
constexpr uint32_t kF = kCmdFast;

const CommandSpec kObjectSubcommands[] = {
    {"encoding", 3, kR, 2, 2, 1, "generic", "2.2.3",
     "Inspect the internal encoding of a Redis object", "O(1)", "key", ObjectEncodingCommand},
    {"freq", 3, kR, 2, 2, 1, "generic", "4.0.0",
     "Get the logarithmic access frequency counter of a Redis object", "O(1)", "key",
     ObjectFreqCommand},
    {"help", 2, kCmdLoading | kCmdStale, 0, 0, 0, "generic", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)", "", ObjectHelpCommand},
    {"idletime", 3, kR, 2, 2, 1, "generic", "2.2.3",
     "Get the time since a Redis object was last accessed", "O(1)", "key", ObjectIdletimeCommand},
    {"refcount", 3, kR, 2, 2, 1, "generic", "2.2.3",
     "Get the number of references to the value of the key", "O(1)", "key", ObjectRefcountCommand},
    {},
};

constexpr const char* kExpireComplexity = "O(1)";

const CommandSpec kKeyCommands[] = {
    {"del", -2, kW, 1, -1, 1, "generic", "1.0.0", "Delete a key",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
     "value other than a string, the individual complexity for this key is O(M) where M is the "
     "number of elements in the list, set, sorted set or hash. Removing a single key that holds "
     "a string value is O(1).",
     "key [key ...]", DelCommand},
    {"unlink", -2, kW | kF, 1, -1, 1, "generic", "4.0.0",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
     "different thread in order to reclaim memory, where N is the number of allocations the "
     "deleted objects where composed of.",
     "key [key ...]", UnlinkCommand},
    {"exists", -2, kR | kF, 1, -1, 1, "generic", "1.0.0", "Determine if a key exists",
     "O(N) where N is the number of keys to check.", "key [key ...]", ExistsCommand},
    {"type", 2, kR | kF, 1, 1, 1, "generic", "1.0.0", "Determine the type stored at key", "O(1)",
     "key", TypeCommand},
    {"rename", 3, kW, 1, 2, 1, "generic", "1.0.0", "Rename a key", "O(1)", "key newkey",
     RenameCommand},
    {"renamenx", 3, kW | kF, 1, 2, 1, "generic", "1.0.0",
     "Rename a key, only if the new key does not exist", "O(1)", "key newkey", RenamenxCommand},
    {"copy", -3, kW | kCmdDenyOom, 1, 2, 1, "generic", "6.2.0", "Copy a key",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
     "values.",
     "source destination [DB destination-db] [REPLACE]", CopyCommand},
    {"move", 3, kW | kF, 1, 1, 1, "generic", "1.0.0", "Move a key to another database", "O(1)",
     "key db", MoveCommand},
    {"keys", 2, kR, 0, 0, 0, "generic", "1.0.0", "Find all keys matching the given pattern",
     "O(N) with N being the number of keys in the database, under the assumption that the key "
     "names in the database and the given pattern have limited length.",
     "pattern", KeysCommand},
    {"scan", -2, kR, 0, 0, 0, "generic", "2.8.0", "Incrementally iterate the keys space",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection.",
     "cursor [MATCH pattern] [COUNT count] [TYPE type]", ScanCommand},
    {"randomkey", 1, kR, 0, 0, 0, "generic", "1.0.0", "Return a random key from the keyspace",
     "O(1)", "", RandomkeyCommand},
    {"dbsize", 1, kR | kF, 0, 0, 0, "server", "1.0.0",
     "Return the number of keys in the selected database", "O(1)", "", DbsizeCommand},
    {"touch", -2, kR | kF, 1, -1, 1, "generic", "3.2.1",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "O(N) where N is the number of keys that will be touched.", "key [key ...]", TouchCommand},
    {"object", -2, 0, 0, 0, 0, "generic", "2.2.3", "A container for object introspection commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", ObjectCommand, kObjectSubcommands},
    {"swapdb", 3, kW | kF, 0, 0, 0, "server", "4.0.0", "Swaps two Redis databases",
     "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     "index1 index2", SwapdbCommand},
    {"flushdb", -1, kW, 0, 0, 0, "server", "1.0.0", "Remove all keys from the current database",
     "O(N) where N is the number of keys in the selected database", "[ASYNC | SYNC]",
     FlushdbCommand},
    {"flushall", -1, kW, 0, 0, 0, "server", "1.0.0", "Remove all keys from all databases",
     "O(N) where N is the total number of keys in all databases", "[ASYNC | SYNC]",
     FlushallCommand},
    {"expire", -3, kW | kF, 1, 1, 1, "generic", "1.0.0", "Set a key's time to live in seconds",
     kExpireComplexity, "key seconds [NX | XX | GT | LT]", ExpireCommand},
    {"pexpire", -3, kW | kF, 1, 1, 1, "generic", "2.6.0",
     "Set a key's time to live in milliseconds", kExpireComplexity,
     "key milliseconds [NX | XX | GT | LT]", PexpireCommand},
    {"expireat", -3, kW | kF, 1, 1, 1, "generic", "1.2.0",
     "Set the expiration for a key as a UNIX timestamp", kExpireComplexity,
     "key unix-time-seconds [NX | XX | GT | LT]", ExpireatCommand},
    {"pexpireat", -3, kW | kF, 1, 1, 1, "generic", "2.6.0",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
     kExpireComplexity, "key unix-time-milliseconds [NX | XX | GT | LT]", PexpireatCommand},
    {"persist", 2, kW | kF, 1, 1, 1, "generic", "2.2.0", "Remove the expiration from a key", "O(1)",
     "key", PersistCommand},
    {"ttl", 2, kR | kF, 1, 1, 1, "generic", "1.0.0", "Get the time to live for a key in seconds",
     "O(1)", "key", TtlCommand},
    {"pttl", 2, kR | kF, 1, 1, 1, "generic", "2.6.0",
     "Get the time to live for a key in milliseconds", "O(1)", "key", PttlCommand},
    {"expiretime", 2, kR | kF, 1, 1, 1, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key", "O(1)", "key", ExpiretimeCommand},
    {"pexpiretime", 2, kR | kF, 1, 1, 1, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key in milliseconds", "O(1)", "key",
     PexpiretimeCommand},
    {},
};

}  // namespace

void RegisterKeyCommands() { CommandTable::Get().Register(kKeyCommands); }

}  // namespace memkeydb
