// String commands: GET/SET and their variants, counters, ranges, MGET/MSET and LCS.
//
// Values go through CompactValue, which picks Redis's encodings (int / embstr / raw) the way SET
// does; commands that edit a string in place (APPEND, SETRANGE) use MutableString, which turns
// the value "raw" exactly where Redis unshares it. The order in which each handler validates its
// arguments and looks up its key follows redis-server 7.0, because that order decides which error
// a client sees when several things are wrong at once.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/strutil.h"
#include "ds/bitops.h"
#include "ds/lcs.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

bool IsString(const Entry* e) { return e->value.type() == ValueType::kString; }

uint64_t MaxBulkLen(CommandContext& ctx) {
  return static_cast<uint64_t>(ctx.server().config().proto_max_bulk_len);
}

// "ERR invalid expire time in '<cmd>' command".
void InvalidExpire(CommandContext& ctx, std::string_view cmd) {
  std::string msg = errors::kInvalidExpire;
  msg.replace(msg.find("%s"), 2, cmd);
  ctx.Error(msg);
}

enum class ExpireUnit { kSeconds, kMillis };

// Converts the expire argument `arg` to an absolute time in ms, replying Redis's error on failure:
// a non-integer is "not an integer", while zero, negative values and anything that would overflow
// once scaled to ms or made absolute are "invalid expire time". `relative` is true for EX/PX.
bool ExpireAt(CommandContext& ctx, std::string_view arg, ExpireUnit unit, bool relative,
              std::string_view cmd, int64_t* at_ms) {
  int64_t v;
  if (!ctx.ParseInt(arg, &v)) return false;
  constexpr int64_t kMax = INT64_MAX;
  if (v <= 0 || (unit == ExpireUnit::kSeconds && v > kMax / 1000)) {
    InvalidExpire(ctx, cmd);
    return false;
  }
  if (unit == ExpireUnit::kSeconds) v *= 1000;
  if (relative) {
    if (v > kMax - ctx.now_ms()) {
      InvalidExpire(ctx, cmd);
      return false;
    }
    v += ctx.now_ms();
  }
  *at_ms = v;
  return true;
}

// The options shared by SET and GETEX.
enum SetFlag : uint32_t {
  kSetNx = 1 << 0,
  kSetXx = 1 << 1,
  kSetGet = 1 << 2,
  kSetKeepTtl = 1 << 3,
  kSetPersist = 1 << 4,
  kSetEx = 1 << 5,
  kSetPx = 1 << 6,
  kSetExAt = 1 << 7,
  kSetPxAt = 1 << 8,
};
constexpr uint32_t kAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;

struct SetOptions {
  uint32_t flags = 0;
  std::string_view expire_arg;  // the value after the last EX/PX/EXAT/PXAT
};

// The flag of an EX / PX / EXAT / PXAT option at argument i, or 0.
uint32_t ExpireFlag(const CommandContext& ctx, size_t i) {
  if (ctx.ArgIs(i, "ex")) return kSetEx;
  if (ctx.ArgIs(i, "px")) return kSetPx;
  if (ctx.ArgIs(i, "exat")) return kSetExAt;
  if (ctx.ArgIs(i, "pxat")) return kSetPxAt;
  return 0;
}

// Parses SET's (for_getex = false) or GETEX's options from argument `first` on. Repeating an
// option is allowed (for expires the last value counts); mixing conflicting ones, a missing
// value, or an option the command does not know is a syntax error.
bool ParseSetOptions(CommandContext& ctx, size_t first, bool for_getex, SetOptions* out) {
  uint32_t& f = out->flags;
  for (size_t i = first; i < ctx.argc(); ++i) {
    bool has_next = i + 1 < ctx.argc();
    uint32_t expire_flag = ExpireFlag(ctx, i);
    if (expire_flag != 0) {
      uint32_t conflicts = (kAnyExpire & ~expire_flag) | kSetKeepTtl | kSetPersist;
      if ((f & conflicts) || !has_next) {
        ctx.SyntaxError();
        return false;
      }
      f |= expire_flag;
      out->expire_arg = ctx.arg(++i);
    } else if (!for_getex && ctx.ArgIs(i, "nx") && !(f & kSetXx)) {
      f |= kSetNx;
    } else if (!for_getex && ctx.ArgIs(i, "xx") && !(f & kSetNx)) {
      f |= kSetXx;
    } else if (!for_getex && ctx.ArgIs(i, "get")) {
      f |= kSetGet;
    } else if (!for_getex && ctx.ArgIs(i, "keepttl") && !(f & (kAnyExpire | kSetPersist))) {
      f |= kSetKeepTtl;
    } else if (for_getex && ctx.ArgIs(i, "persist") && !(f & (kAnyExpire | kSetKeepTtl))) {
      f |= kSetPersist;
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

// Turns the parsed expire option into an absolute time; *at_ms stays 0 when there is none.
bool ResolveExpire(CommandContext& ctx, const SetOptions& opt, std::string_view cmd,
                   int64_t* at_ms) {
  *at_ms = 0;
  if (!(opt.flags & kAnyExpire)) return true;
  bool seconds = opt.flags & (kSetEx | kSetExAt);
  bool relative = opt.flags & (kSetEx | kSetPx);
  return ExpireAt(ctx, opt.expire_arg, seconds ? ExpireUnit::kSeconds : ExpireUnit::kMillis,
                  relative, cmd, at_ms);
}

// Stores `value` under `key` the way SET does: whatever was there (of any type) is replaced and
// the TTL is dropped unless keep_ttl; expire_at_ms > 0 sets a new one. `e` is the key's current
// entry or nullptr. Signals the modification and the "set" event; the caller replies.
void StoreString(CommandContext& ctx, std::string_view key, Entry* e, std::string_view value,
                 bool keep_ttl, int64_t expire_at_ms) {
  Database& db = ctx.db();
  if (e == nullptr) e = db.Add(key);
  e->value.SetString(value);
  if (expire_at_ms > 0) {
    // An expire time already in the past is stored as is: like Redis 7.0 the key then expires
    // on its next lookup (SET replies OK and the key reads as missing).
    db.SetExpire(&e, expire_at_ms);
  } else if (!keep_ttl && e->has_expire()) {
    db.ClearExpire(&e);
  }
  ctx.KeyModified(key);
  ctx.Notify('$', "set", key);
  if (expire_at_ms > 0) ctx.Notify('g', "expire", key);
}

// Replies with the key's string value or nil. Returns false (after replying WRONGTYPE) when the
// key holds another type.
bool ReplyValue(CommandContext& ctx, const Entry* e) {
  if (e == nullptr) {
    ctx.reply().Null();
    return true;
  }
  if (!IsString(e)) {
    ctx.WrongType();
    return false;
  }
  char scratch[CompactValue::kIntBufSize];
  ctx.reply().Bulk(e->value.StringView(scratch));
  return true;
}

// The SET family's common path once options are parsed and the expire time is known.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value, uint32_t flags,
                int64_t expire_at_ms) {
  Entry* e;
  if (flags & kSetGet) {
    // SET ... GET reads the old value like GET does (counting a keyspace hit or miss).
    e = ctx.Lookup(key);
    if (!ReplyValue(ctx, e)) return;
  } else {
    e = ctx.LookupForWrite(key);
  }
  bool found = e != nullptr;
  if (((flags & kSetNx) && found) || ((flags & kSetXx) && !found)) {
    if (!(flags & kSetGet)) ctx.reply().Null();
    return;
  }
  StoreString(ctx, key, e, value, flags & kSetKeepTtl, expire_at_ms);
  if (!(flags & kSetGet)) ctx.reply().Ok();
  // A relative or second-based expiry is fed as PXAT, so that a replay sets the same deadline
  // (SETEX and PSETEX too). The command succeeded: NX, XX and GET no longer matter.
  if (expire_at_ms > 0 && !(flags & kSetPxAt) && ctx.propagating()) {
    ctx.RewriteForPropagation(
        {"SET", std::string(key), std::string(value), "PXAT", std::to_string(expire_at_ms)});
  }
}

// GET key
void GetCommand(CommandContext& ctx) { ReplyValue(ctx, ctx.Lookup(ctx.arg(1))); }

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | KEEPTTL]
void SetCommand(CommandContext& ctx) {
  SetOptions opt;
  if (!ParseSetOptions(ctx, 3, /*for_getex=*/false, &opt)) return;
  int64_t at_ms;
  if (!ResolveExpire(ctx, opt, "set", &at_ms)) return;
  SetGeneric(ctx, ctx.arg(1), ctx.arg(2), opt.flags, at_ms);
}

// SETNX key value
void SetNxCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e != nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  StoreString(ctx, key, nullptr, ctx.arg(2), false, 0);
  ctx.reply().Integer(1);
}

// SETEX key seconds value
void SetExCommand(CommandContext& ctx) {
  int64_t at_ms;
  if (!ExpireAt(ctx, ctx.arg(2), ExpireUnit::kSeconds, true, "setex", &at_ms)) return;
  SetGeneric(ctx, ctx.arg(1), ctx.arg(3), 0, at_ms);
}

// PSETEX key milliseconds value
void PSetExCommand(CommandContext& ctx) {
  int64_t at_ms;
  if (!ExpireAt(ctx, ctx.arg(2), ExpireUnit::kMillis, true, "psetex", &at_ms)) return;
  SetGeneric(ctx, ctx.arg(1), ctx.arg(3), 0, at_ms);
}

// GETSET key value
void GetSetCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.Lookup(key);
  if (!ReplyValue(ctx, e)) return;
  StoreString(ctx, key, e, ctx.arg(2), false, 0);
  if (ctx.propagating()) ctx.RewriteArgForPropagation(0, "SET");
}

// GETDEL key
void GetDelCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.Lookup(key);
  // The reply copies the value, so the entry can go afterwards.
  if (!ReplyValue(ctx, e) || e == nullptr) return;
  ctx.db().Delete(key);
  ctx.KeyModified(key);
  ctx.Notify('g', "del", key);
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | PERSIST]
void GetExCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  SetOptions opt;
  if (!ParseSetOptions(ctx, 2, /*for_getex=*/true, &opt)) return;
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) {
    ctx.reply().Null();
    return;
  }
  if (!IsString(e)) {
    ctx.WrongType();
    return;
  }
  // Redis checks the expire value only for an existing string key.
  int64_t at_ms;
  if (!ResolveExpire(ctx, opt, "getex", &at_ms)) return;
  ReplyValue(ctx, e);

  Database& db = ctx.db();
  if (at_ms > 0) {
    if (at_ms <= ctx.now_ms() && !Database::expiry_suspended()) {
      // A time already past deletes the key now (replicated as DEL in Redis).
      db.Delete(key);
      ctx.KeyModified(key);
      ctx.Notify('g', "del", key);
      if (ctx.propagating()) {
        bool lazy = ctx.server().config().lazyfree_lazy_expire;
        ctx.RewriteForPropagation({lazy ? "UNLINK" : "DEL", std::string(key)});
      }
    } else {
      db.SetExpire(&e, at_ms);
      ctx.KeyModified(key);
      ctx.Notify('g', "expire", key);
      if (ctx.propagating()) {
        ctx.RewriteForPropagation({"PEXPIREAT", std::string(key), std::to_string(at_ms)});
      }
    }
  } else if ((opt.flags & kSetPersist) && e->has_expire()) {
    db.ClearExpire(&e);
    ctx.KeyModified(key);
    ctx.Notify('g', "persist", key);
    if (ctx.propagating()) ctx.RewriteForPropagation({"PERSIST", std::string(key)});
  }
}

// MGET key [key ...]
void MGetCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 1);
  char scratch[CompactValue::kIntBufSize];
  for (size_t i = 1; i < ctx.argc(); ++i) {
    // Keys of other types read as nil here rather than failing the whole command.
    const Entry* e = ctx.Lookup(ctx.arg(i));
    if (e == nullptr || !IsString(e)) {
      w.Null();
    } else {
      w.Bulk(e->value.StringView(scratch));
    }
  }
}

// Arity alone (-3) lets an odd number of values through; Redis reports it as an arity error.
bool CheckPairs(CommandContext& ctx, std::string_view cmd) {
  if (ctx.argc() % 2 == 1) return true;
  ctx.Error("ERR wrong number of arguments for '" + std::string(cmd) + "' command");
  return false;
}

void StorePairs(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    std::string_view key = ctx.arg(i);
    StoreString(ctx, key, ctx.LookupForWrite(key), ctx.arg(i + 1), false, 0);
  }
}

// MSET key value [key value ...]
void MSetCommand(CommandContext& ctx) {
  if (!CheckPairs(ctx, "mset")) return;
  StorePairs(ctx);
  ctx.reply().Ok();
}

// MSETNX key value [key value ...]
void MSetNxCommand(CommandContext& ctx) {
  if (!CheckPairs(ctx, "msetnx")) return;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.LookupForWrite(ctx.arg(i)) != nullptr) {
      ctx.reply().Integer(0);
      return;
    }
  }
  StorePairs(ctx);
  ctx.reply().Integer(1);
}

// APPEND key value
void AppendCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view tail = ctx.arg(2);
  Entry* e = ctx.LookupForWrite(key);
  size_t total;
  if (e == nullptr) {
    // A new key is stored as SET would store it, so "123" becomes an int.
    e = ctx.db().Add(key);
    e->value.SetString(tail);
    total = tail.size();
  } else {
    if (!IsString(e)) {
      ctx.WrongType();
      return;
    }
    size_t len = e->value.StringLength();
    total = len + tail.size();
    if (total > MaxBulkLen(ctx)) {
      ctx.Error(errors::kStringTooLong);
      return;
    }
    char* p = e->value.MutableString(total);
    if (!tail.empty()) std::memcpy(p + len, tail.data(), tail.size());
  }
  ctx.KeyModified(key);
  ctx.Notify('$', "append", key);
  ctx.reply().Integer(static_cast<int64_t>(total));
}

// STRLEN key
void StrLenCommand(CommandContext& ctx) {
  const Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!IsString(e)) {
    ctx.WrongType();
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(e->value.StringLength()));
}

// GETRANGE key start end   (also SUBSTR key start end)
void GetRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ctx.ParseInt(2, &start) || !ctx.ParseInt(3, &end)) return;
  const Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Bulk("");
    return;
  }
  if (!IsString(e)) {
    ctx.WrongType();
    return;
  }
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = e->value.StringView(scratch);
  if (!bitops::NormalizeRange(&start, &end, static_cast<int64_t>(s.size()))) {
    ctx.reply().Bulk("");
    return;
  }
  ctx.reply().Bulk(s.substr(start, end - start + 1));
}

// SETRANGE key offset value
void SetRangeCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view value = ctx.arg(3);
  int64_t offset;
  if (!ctx.ParseInt(2, &offset)) return;
  if (offset < 0) {
    ctx.Error("ERR offset is out of range");
    return;
  }
  Entry* e = ctx.LookupForWrite(key);
  if (e != nullptr && !IsString(e)) {
    ctx.WrongType();
    return;
  }
  size_t len = e == nullptr ? 0 : e->value.StringLength();
  // Writing nothing changes nothing, not even a missing key, and is exempt from the size limit.
  if (value.empty()) {
    ctx.reply().Integer(static_cast<int64_t>(len));
    return;
  }
  // offset <= INT64_MAX and value.size() is small, so the sum cannot wrap in 64 bits unsigned.
  uint64_t needed = static_cast<uint64_t>(offset) + value.size();
  if (needed > MaxBulkLen(ctx)) {
    ctx.Error(errors::kStringTooLong);
    return;
  }
  if (e == nullptr) e = ctx.db().Add(key);
  size_t new_len = needed > len ? needed : len;
  char* p = e->value.MutableString(new_len);
  std::memcpy(p + offset, value.data(), value.size());
  ctx.KeyModified(key);
  ctx.Notify('$', "setrange", key);
  ctx.reply().Integer(static_cast<int64_t>(new_len));
}

// Shared by INCR, DECR, INCRBY and DECRBY. The key keeps its TTL.
void IncrDecr(CommandContext& ctx, int64_t incr) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  int64_t v = 0;
  if (e != nullptr) {
    if (!IsString(e)) {
      ctx.WrongType();
      return;
    }
    if (!e->value.GetInt(&v)) {
      char scratch[CompactValue::kIntBufSize];
      if (!ctx.ParseInt(e->value.StringView(scratch), &v)) return;
    }
  }
  if ((incr < 0 && v < 0 && incr < INT64_MIN - v) || (incr > 0 && v > 0 && incr > INT64_MAX - v)) {
    ctx.Error(errors::kIncrOverflow);
    return;
  }
  v += incr;
  if (e == nullptr) e = ctx.db().Add(key);
  e->value.SetInt(v);
  ctx.KeyModified(key);
  ctx.Notify('$', "incrby", key);
  ctx.reply().Integer(v);
}

// INCR key
void IncrCommand(CommandContext& ctx) { IncrDecr(ctx, 1); }

// DECR key
void DecrCommand(CommandContext& ctx) { IncrDecr(ctx, -1); }

// INCRBY key increment
void IncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ctx.ParseInt(2, &incr)) return;
  IncrDecr(ctx, incr);
}

// DECRBY key decrement
void DecrByCommand(CommandContext& ctx) {
  int64_t decr;
  if (!ctx.ParseInt(2, &decr)) return;
  // -INT64_MIN does not exist; Redis words this case on its own.
  if (decr == INT64_MIN) {
    ctx.Error("ERR decrement would overflow");
    return;
  }
  IncrDecr(ctx, -decr);
}

// INCRBYFLOAT key increment
void IncrByFloatCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  long double value = 0;
  if (e != nullptr) {
    if (!IsString(e)) {
      ctx.WrongType();
      return;
    }
    int64_t iv;
    if (e->value.GetInt(&iv)) {
      value = static_cast<long double>(iv);
    } else {
      char scratch[CompactValue::kIntBufSize];
      if (!ParseLongDouble(e->value.StringView(scratch), &value)) {
        ctx.Error(errors::kNotFloat);
        return;
      }
    }
  }
  long double incr;
  if (!ParseLongDouble(ctx.arg(2), &incr)) {
    ctx.Error(errors::kNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.Error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string text = FormatLongDouble(value);
  if (e == nullptr) e = ctx.db().Add(key);
  // Redis keeps the result as a string even when it is integral ("7", encoding embstr).
  e->value.SetString(text, /*allow_int=*/false);
  ctx.KeyModified(key);
  ctx.Notify('$', "incrbyfloat", key);
  ctx.reply().Bulk(text);
  // The result, not the increment: float arithmetic or formatting elsewhere may differ.
  if (ctx.propagating()) ctx.RewriteForPropagation({"SET", std::string(key), text, "KEEPTTL"});
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
void LcsCommand(CommandContext& ctx) {
  const Entry* ea = ctx.Lookup(ctx.arg(1));
  const Entry* eb = ctx.Lookup(ctx.arg(2));
  if ((ea != nullptr && !IsString(ea)) || (eb != nullptr && !IsString(eb))) {
    ctx.Error(kErrLcsNotString);
    return;
  }
  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "idx")) {
      want_idx = true;
    } else if (ctx.ArgIs(i, "len")) {
      want_len = true;
    } else if (ctx.ArgIs(i, "withmatchlen")) {
      with_match_len = true;
    } else if (ctx.ArgIs(i, "minmatchlen") && i + 1 < ctx.argc()) {
      if (!ctx.ParseInt(++i, &min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (want_len && want_idx) {
    ctx.Error(kErrLcsBothLenAndIdx);
    return;
  }
  char scratch_a[CompactValue::kIntBufSize], scratch_b[CompactValue::kIntBufSize];
  std::string_view a = ea ? ea->value.StringView(scratch_a) : std::string_view();
  std::string_view b = eb ? eb->value.StringView(scratch_b) : std::string_view();
  if (!LcsLengthSupported(a.size()) || !LcsLengthSupported(b.size())) {
    ctx.Error(kErrLcsStringTooLong);
    return;
  }
  // Redis refuses by the size of the full table even when only the length is asked for.
  if (LcsTableBytes(a.size(), b.size()) > MaxBulkLen(ctx)) {
    ctx.Error(kErrLcsTooMuchMemory);
    return;
  }
  LcsOptions opts;
  opts.want_string = !want_len && !want_idx;
  opts.want_matches = want_idx;
  opts.min_match_len = min_match_len;
  LcsResult r = ComputeLcs(a, b, opts);

  ReplyWriter& w = ctx.reply();
  if (want_len) {
    w.Integer(static_cast<int64_t>(r.len));
    return;
  }
  if (!want_idx) {
    w.Bulk(r.lcs);
    return;
  }
  w.MapHeader(2);
  w.Bulk("matches");
  w.ArrayHeader(r.matches.size());
  for (const LcsMatch& m : r.matches) {
    w.ArrayHeader(with_match_len ? 3 : 2);
    w.ArrayHeader(2);
    w.Integer(static_cast<int64_t>(m.a_start));
    w.Integer(static_cast<int64_t>(m.a_end));
    w.ArrayHeader(2);
    w.Integer(static_cast<int64_t>(m.b_start));
    w.Integer(static_cast<int64_t>(m.b_end));
    if (with_match_len) w.Integer(static_cast<int64_t>(m.len));
  }
  w.Bulk("len");
  w.Integer(static_cast<int64_t>(r.len));
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr const char* kRangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately determined "
    "by the returned length, but because creating a substring from an existing string is very "
    "cheap, it can be considered O(1) for small strings.";

const CommandSpec kStringCommands[] = {
    {"get", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "string", "1.0.0", "Get the value of a key",
     "O(1)", "key", GetCommand},
    {"set", -3, kWriteOom, 1, 1, 1, "string", "1.0.0", "Set the string value of a key", "O(1)",
     "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | "
     "PXAT unix-time-milliseconds | KEEPTTL]",
     SetCommand},
    {"setnx", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Set the value of a key, only if the key does not exist", "O(1)", "key value", SetNxCommand},
    {"setex", 4, kWriteOom, 1, 1, 1, "string", "2.0.0", "Set the value and expiration of a key",
     "O(1)", "key seconds value", SetExCommand},
    {"psetex", 4, kWriteOom, 1, 1, 1, "string", "2.6.0",
     "Set the value and expiration in milliseconds of a key", "O(1)", "key milliseconds value",
     PSetExCommand},
    {"getset", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Set the string value of a key and return its old value", "O(1)", "key value", GetSetCommand},
    {"getdel", 2, kCmdWrite | kCmdFast, 1, 1, 1, "string", "6.2.0",
     "Get the value of a key and delete the key", "O(1)", "key", GetDelCommand},
    {"getex", -2, kCmdWrite | kCmdFast, 1, 1, 1, "string", "6.2.0",
     "Get the value of a key and optionally set its expiration", "O(1)",
     "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | "
     "PXAT unix-time-milliseconds | PERSIST]",
     GetExCommand},
    {"mget", -2, kCmdReadonly | kCmdFast, 1, -1, 1, "string", "1.0.0",
     "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve.",
     "key [key ...]", MGetCommand},
    {"mset", -3, kWriteOom, 1, -1, 2, "string", "1.0.1", "Set multiple keys to multiple values",
     "O(N) where N is the number of keys to set.", "key value [key value ...]", MSetCommand},
    {"msetnx", -3, kWriteOom, 1, -1, 2, "string", "1.0.1",
     "Set multiple keys to multiple values, only if none of the keys exist",
     "O(N) where N is the number of keys to set.", "key value [key value ...]", MSetNxCommand},
    {"append", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "2.0.0", "Append a value to a key",
     "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
     "already present value is of any size, since the dynamic string library used by Redis will "
     "double the free space available on every reallocation.",
     "key value", AppendCommand},
    {"strlen", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "string", "2.2.0",
     "Get the length of the value stored in a key", "O(1)", "key", StrLenCommand},
    {"getrange", 4, kCmdReadonly, 1, 1, 1, "string", "2.4.0",
     "Get a substring of the string stored at a key", kRangeComplexity, "key start end",
     GetRangeCommand},
    {"substr", 4, kCmdReadonly, 1, 1, 1, "string", "1.0.0",
     "Get a substring of the string stored at a key", kRangeComplexity, "key start end",
     GetRangeCommand},
    {"setrange", 4, kWriteOom, 1, 1, 1, "string", "2.2.0",
     "Overwrite part of a string at key starting at the specified offset",
     "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
     "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
     "the length of the value argument.",
     "key offset value", SetRangeCommand},
    {"incr", 2, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Increment the integer value of a key by one", "O(1)", "key", IncrCommand},
    {"decr", 2, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Decrement the integer value of a key by one", "O(1)", "key", DecrCommand},
    {"incrby", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Increment the integer value of a key by the given amount", "O(1)", "key increment",
     IncrByCommand},
    {"decrby", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "1.0.0",
     "Decrement the integer value of a key by the given number", "O(1)", "key decrement",
     DecrByCommand},
    {"incrbyfloat", 3, kWriteOom | kCmdFast, 1, 1, 1, "string", "2.6.0",
     "Increment the float value of a key by the given amount", "O(1)", "key increment",
     IncrByFloatCommand},
    {"lcs", -3, kCmdReadonly, 1, 2, 1, "string", "7.0.0", "Find longest common substring",
     "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]", LcsCommand},
    {},
};

}  // namespace

void RegisterStringCommands() { CommandTable::Get().Register(kStringCommands); }

}  // namespace memkeydb
