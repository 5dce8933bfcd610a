// Sorted-set commands: ZADD and friends, the unified ZRANGE and its legacy forms, removal by
// range, pops (blocking too), ZRANDMEMBER, ZSCAN, and the set operations ZUNION ZINTER ZDIFF
// (with STORE forms) and ZINTERCARD.
//
// Every range is resolved to a rank interval [lo, hi) on the ZSetObject (score and lex bounds by
// O(log n) descents), then visited or removed. The order in which a handler parses its
// arguments and looks up its keys follows redis-server 7.0, which decides the error a client
// sees when several things are wrong.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/glob.h"
#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/zset_access.h"
#include "server/errors.h"
#include "server/server.h"
#include "types/set_object.h"
#include "types/zset_object.h"

namespace memkeydb {
namespace {

using Element = std::pair<std::string, double>;

constexpr const char* kMinMaxNotFloat = "ERR min or max is not a float";
constexpr const char* kLexRangeInvalid = "ERR min or max not valid string range item";

ZSetObject* WriteZSet(CommandContext& ctx, std::string_view key, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) return nullptr;
  if (!IsZSet(e)) {
    ctx.WrongType();
    *wrong = true;
    return nullptr;
  }
  return ZOf(e);
}

ZSetObject* NewZSet(size_t size_hint, size_t value_len_hint) {
  return ZSetObject::Create(size_hint, value_len_hint);
}

// Replaces whatever `key` holds (and its TTL) by `z` (setKey).
void StoreZSet(CommandContext& ctx, std::string_view key, ZSetObject* z) {
  Database& db = ctx.db();
  db.Delete(key);
  Entry* e = db.Add(key);
  e->value.SetObject(ValueType::kZSet, z);
  ctx.KeyModified(key);
}

// Deletes `key` if its set became empty; returns true if it did (the caller notifies "del").
bool DeleteIfEmpty(CommandContext& ctx, std::string_view key, ZSetObject* z) {
  if (z->size() != 0) return false;
  ctx.db().Delete(key);
  return true;
}

// Redis parses score bounds with strtod on the whole argument (so "", " 1", "0x10" and "+inf"
// pass); a leading '(' makes the bound exclusive. NaN is refused.
bool ParseScoreBound(std::string_view arg, double* out, bool* ex) {
  *ex = false;
  if (!arg.empty() && arg[0] == '(') {
    *ex = true;
    arg.remove_prefix(1);
  }
  std::string buf(arg);
  char* end = nullptr;
  double v = std::strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreRange(std::string_view min, std::string_view max, ZScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->min_ex) && ParseScoreBound(max, &r->max, &r->max_ex);
}

// One lex bound: "-", "+", "(member" or "[member".
bool ParseLexBound(std::string_view arg, bool is_min, ZLexRange* r) {
  if (arg.empty()) return false;
  std::string& dest = is_min ? r->min : r->max;
  bool& ex = is_min ? r->min_ex : r->max_ex;
  switch (arg[0]) {
    case '+':
      if (arg.size() > 1 && arg[1] != '\0') return false;
      (is_min ? r->min_is_plus : r->max_is_plus) = true;
      return true;
    case '-':
      if (arg.size() > 1 && arg[1] != '\0') return false;
      (is_min ? r->min_is_minus : r->max_is_minus) = true;
      return true;
    case '(':
      ex = true;
      dest.assign(arg.substr(1));
      return true;
    case '[':
      ex = false;
      dest.assign(arg.substr(1));
      return true;
    default:
      return false;
  }
}

bool ParseLexRange(std::string_view min, std::string_view max, ZLexRange* r) {
  return ParseLexBound(min, true, r) && ParseLexBound(max, false, r);
}

// The rank interval of Redis's start/end indexes (negative from the end), empty when out of
// range.
void RankInterval(int64_t start, int64_t end, size_t size, size_t* lo, size_t* hi) {
  int64_t n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) {
    *lo = *hi = 0;
    return;
  }
  if (end >= n) end = n - 1;
  *lo = static_cast<size_t>(start);
  *hi = static_cast<size_t>(end) + 1;
}

// Replies elements as ZRANGE does: members, with scores interleaved in RESP2 or as
// [member, score] pairs in RESP3.
void ReplyElements(CommandContext& ctx, const std::vector<Element>& items, bool withscores) {
  ReplyWriter& w = ctx.reply();
  bool pairs = withscores && w.resp() > 2;
  w.ArrayHeader(withscores && !pairs ? items.size() * 2 : items.size());
  for (const Element& el : items) {
    if (pairs) w.ArrayHeader(2);
    w.Bulk(el.first);
    if (withscores) w.Double(el.second);
  }
}

std::vector<Element> Collect(const ZSetObject* z, size_t lo, size_t hi, bool rev,
                             int64_t offset = 0, int64_t limit = -1) {
  std::vector<Element> out;
  if (offset < 0) return out;
  if (hi <= lo) return out;
  size_t count = hi - lo;
  if (static_cast<uint64_t>(offset) >= count) return out;
  if (rev) {
    hi -= offset;
  } else {
    lo += offset;
  }
  if (limit >= 0 && static_cast<uint64_t>(limit) < hi - lo) {
    if (rev) lo = hi - limit; else hi = lo + limit;
  }
  out.reserve(hi - lo);
  z->ForRange(lo, hi, rev, [&](std::string_view m, double s) {
    out.emplace_back(std::string(m), s);
    return true;
  });
  return out;
}

// A set built from sorted elements, in the encoding its size calls for.
ZSetObject* BuildZSet(const std::vector<Element>& items) {
  size_t maxlen = 0;
  for (const Element& el : items) maxlen = std::max(maxlen, el.first.size());
  ZSetObject* z = NewZSet(items.size(), maxlen);
  for (const Element& el : items) z->InsertNew(el.first, el.second);
  return z;
}

// Stores a range result (ZRANGESTORE): a non-empty result replaces dst; an empty one deletes it.
// Redis adds the elements one by one, in reply order, to a set created for `length_hint`
// elements (a rank range's length; 0 for score and lex ranges, whose length it does not know
// beforehand), so a result starts as a listpack and converts on the way. The order matters: a
// listpack stores -0 as 0, so only the elements added after the conversion keep -0.
void StoreResult(CommandContext& ctx, std::string_view dst, const std::vector<Element>& items,
                 size_t length_hint, const char* event) {
  if (!items.empty()) {
    ZSetObject* z = NewZSet(length_hint, 0);
    for (const Element& el : items) z->InsertNew(el.first, el.second);
    StoreZSet(ctx, dst, z);
    ctx.reply().Integer(static_cast<int64_t>(items.size()));
    ctx.Notify('z', event, dst);
    return;
  }
  ctx.reply().Integer(0);
  if (ctx.db().Delete(dst)) {
    ctx.KeyModified(dst);
    ctx.Notify('g', "del", dst);
  }
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY

void ZAddGeneric(CommandContext& ctx, int flags) {
  std::string_view key = ctx.arg(1);
  size_t i = 2;
  bool ch = false;
  for (; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "nx")) flags |= ZSetObject::kNx;
    else if (ctx.ArgIs(i, "xx")) flags |= ZSetObject::kXx;
    else if (ctx.ArgIs(i, "gt")) flags |= ZSetObject::kGt;
    else if (ctx.ArgIs(i, "lt")) flags |= ZSetObject::kLt;
    else if (ctx.ArgIs(i, "ch")) ch = true;
    else if (ctx.ArgIs(i, "incr")) flags |= ZSetObject::kIncr;
    else break;
  }
  size_t elements = ctx.argc() - i;
  if (elements % 2 != 0 || elements == 0) {
    ctx.SyntaxError();
    return;
  }
  elements /= 2;
  bool incr = flags & ZSetObject::kIncr;
  if ((flags & ZSetObject::kNx) && (flags & ZSetObject::kXx)) {
    ctx.Error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  int gt_lt_nx = ((flags & ZSetObject::kGt) != 0) + ((flags & ZSetObject::kLt) != 0) +
                 ((flags & ZSetObject::kNx) != 0);
  if (gt_lt_nx > 1) {
    ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && elements > 1) {
    ctx.Error("ERR INCR option supports a single increment-element pair");
    return;
  }
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j) {
    if (!ctx.ParseDouble(i + 2 * j, &scores[j])) return;
  }
  Entry* e = ctx.LookupForWrite(key);
  if (e != nullptr && !IsZSet(e)) {
    ctx.WrongType();
    return;
  }
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  if (e == nullptr) {
    if (flags & ZSetObject::kXx) {
      if (incr) ctx.reply().Null(); else ctx.reply().Integer(0);
      return;
    }
    e = ctx.db().Add(key);
    e->value.SetObject(ValueType::kZSet, NewZSet(1, ctx.arg(i + 1).size()));
  }
  ZSetObject* z = ZOf(e);
  for (size_t j = 0; j < elements; ++j) {
    double out = 0;
    auto res = z->Add(ctx.arg(i + 2 * j + 1), scores[j], flags, &out);
    switch (res) {
      case ZSetObject::AddResult::kNan:
        ctx.Error("ERR resulting score is not a number (NaN)");
        if (added + updated > 0) ctx.KeyModified(key, added + updated);
        if (z->size() == 0) ctx.db().Delete(key);
        return;
      case ZSetObject::AddResult::kAdded: ++added; ++processed; score = out; break;
      case ZSetObject::AddResult::kUpdated: ++updated; ++processed; score = out; break;
      case ZSetObject::AddResult::kUnchanged: ++processed; score = out; break;
      case ZSetObject::AddResult::kSkipped: break;
    }
  }
  if (incr) {
    if (processed) ctx.reply().Double(score); else ctx.reply().Null();
  } else {
    ctx.reply().Integer(ch ? added + updated : added);
  }
  if (added + updated > 0) {
    ctx.KeyModified(key, added + updated);
    ctx.Notify('z', incr ? "zincr" : "zadd", key);
  } else if (z->size() == 0) {
    ctx.db().Delete(key);  // a key created for nothing (NX/GT/LT skipped everything) goes away
  }
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
void ZAddCommand(CommandContext& ctx) { ZAddGeneric(ctx, 0); }

// ZINCRBY key increment member
void ZIncrByCommand(CommandContext& ctx) { ZAddGeneric(ctx, ZSetObject::kIncr); }

// ---------------------------------------------------------------------------------------------
// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT

// ZREM key member [member ...]
void ZRemCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong;
  ZSetObject* z = WriteZSet(ctx, key, &wrong);
  if (wrong) return;
  if (z == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  int64_t deleted = 0;
  bool removed = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (z->Remove(ctx.arg(i))) ++deleted;
    if (z->size() == 0) {
      removed = DeleteIfEmpty(ctx, key, z);
      break;
    }
  }
  if (deleted > 0) {
    ctx.Notify('z', "zrem", key);
    if (removed) ctx.Notify('g', "del", key);
    ctx.KeyModified(key, deleted);
  }
  ctx.reply().Integer(deleted);
}

// ZCARD key
void ZCardCommand(CommandContext& ctx) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.reply().Integer(z ? static_cast<int64_t>(z->size()) : 0);
}

// ZSCORE key member
void ZScoreCommand(CommandContext& ctx) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  std::optional<double> s = z ? z->Score(ctx.arg(2)) : std::nullopt;
  if (s) ctx.reply().Double(*s); else ctx.reply().Null();
}

// ZMSCORE key member [member ...]
void ZMScoreCommand(CommandContext& ctx) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.reply().ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<double> s = z ? z->Score(ctx.arg(i)) : std::nullopt;
    if (s) ctx.reply().Double(*s); else ctx.reply().Null();
  }
}

void ZRankGeneric(CommandContext& ctx, bool rev) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  std::optional<size_t> r = z ? z->Rank(ctx.arg(2)) : std::nullopt;
  if (!r) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(rev ? z->size() - 1 - *r : *r));
}

// ZRANK key member
void ZRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, false); }
// ZREVRANK key member
void ZRevRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ZCOUNT key min max
void ZCountCommand(CommandContext& ctx) {
  ZScoreRange r;
  if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.Error(kMinMaxNotFloat);
    return;
  }
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  size_t lo = z ? z->LowerRank(r) : 0, hi = z ? z->UpperRank(r) : 0;
  ctx.reply().Integer(hi > lo ? static_cast<int64_t>(hi - lo) : 0);
}

// ZLEXCOUNT key min max
void ZLexCountCommand(CommandContext& ctx) {
  ZLexRange r;
  if (!ParseLexRange(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.Error(kLexRangeInvalid);
    return;
  }
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  size_t lo = z ? z->LowerRank(r) : 0, hi = z ? z->UpperRank(r) : 0;
  ctx.reply().Integer(hi > lo ? static_cast<int64_t>(hi - lo) : 0);
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its forms

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// The unified range command. `first` is the index of the source key; with `store`, argument 1
// is the destination (ZRANGESTORE).
void ZRangeGeneric(CommandContext& ctx, size_t first, bool store, RangeType type, Direction dir) {
  std::string_view key = ctx.arg(first);
  size_t min_idx = first + 1, max_idx = first + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < ctx.argc(); ++j) {
    size_t left = ctx.argc() - j - 1;
    if (!store && ctx.ArgIs(j, "withscores")) {
      withscores = true;
    } else if (ctx.ArgIs(j, "limit") && left >= 2) {
      if (!ctx.ParseInt(j + 1, &offset) || !ctx.ParseInt(j + 2, &limit)) return;
      j += 2;
    } else if (dir == Direction::kAuto && ctx.ArgIs(j, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && ctx.ArgIs(j, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && ctx.ArgIs(j, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) {
    ctx.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withscores && type == RangeType::kLex) {
    ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  bool rev = dir == Direction::kReverse;
  if (rev && type != RangeType::kRank) std::swap(min_idx, max_idx);
  int64_t start = 0, end = 0;
  ZScoreRange sr;
  ZLexRange lr;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ctx.ParseInt(min_idx, &start) || !ctx.ParseInt(max_idx, &end)) return;
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(ctx.arg(min_idx), ctx.arg(max_idx), &sr)) {
        ctx.Error(kMinMaxNotFloat);
        return;
      }
      break;
    case RangeType::kLex:
      if (!ParseLexRange(ctx.arg(min_idx), ctx.arg(max_idx), &lr)) {
        ctx.Error(kLexRangeInvalid);
        return;
      }
      break;
  }
  Entry* e = store ? ctx.LookupForWrite(key) : ctx.Lookup(key);
  if (e != nullptr && !IsZSet(e)) {
    ctx.WrongType();
    return;
  }
  std::vector<Element> items;
  if (e != nullptr) {
    ZSetObject* z = ZOf(e);
    size_t lo = 0, hi = 0;
    switch (type) {
      case RangeType::kAuto:
      case RangeType::kRank: {
        RankInterval(start, end, z->size(), &lo, &hi);
        if (rev) {
          size_t n = z->size();
          size_t rlo = n - hi, rhi = n - lo;
          lo = rlo;
          hi = rhi;
        }
        items = Collect(z, lo, hi, rev);
        break;
      }
      case RangeType::kScore:
        lo = z->LowerRank(sr);
        hi = z->UpperRank(sr);
        items = Collect(z, lo, hi, rev, offset, limit);
        break;
      case RangeType::kLex:
        lo = z->LowerRank(lr);
        hi = z->UpperRank(lr);
        items = Collect(z, lo, hi, rev, offset, limit);
        break;
    }
  } else if (!store) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  if (store) {
    bool by_rank = type == RangeType::kRank || type == RangeType::kAuto;
    StoreResult(ctx, ctx.arg(1), items, by_rank ? items.size() : 0, "zrangestore");
  } else {
    ReplyElements(ctx, items, withscores);
  }
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
void ZRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
void ZRangeStoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
// ZREVRANGE key start stop [WITHSCORES]
void ZRevRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
void ZRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
void ZRevRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
// ZRANGEBYLEX key min max [LIMIT offset count]
void ZRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
// ZREVRANGEBYLEX key max min [LIMIT offset count]
void ZRevRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX

void ZRemRangeGeneric(CommandContext& ctx, RangeType type) {
  std::string_view key = ctx.arg(1);
  int64_t start = 0, end = 0;
  ZScoreRange sr;
  ZLexRange lr;
  if (type == RangeType::kRank) {
    if (!ctx.ParseInt(2, &start) || !ctx.ParseInt(3, &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &sr)) {
      ctx.Error(kMinMaxNotFloat);
      return;
    }
  } else if (!ParseLexRange(ctx.arg(2), ctx.arg(3), &lr)) {
    ctx.Error(kLexRangeInvalid);
    return;
  }
  bool wrong;
  ZSetObject* z = WriteZSet(ctx, key, &wrong);
  if (wrong) return;
  if (z == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  size_t lo = 0, hi = 0;
  const char* event = "zremrangebyrank";
  if (type == RangeType::kRank) {
    RankInterval(start, end, z->size(), &lo, &hi);
  } else if (type == RangeType::kScore) {
    lo = z->LowerRank(sr);
    hi = z->UpperRank(sr);
    event = "zremrangebyscore";
  } else {
    lo = z->LowerRank(lr);
    hi = z->UpperRank(lr);
    event = "zremrangebylex";
  }
  int64_t deleted = hi > lo ? static_cast<int64_t>(hi - lo) : 0;
  if (deleted > 0) {
    z->RemoveRange(lo, hi);
    bool removed = DeleteIfEmpty(ctx, key, z);
    ctx.KeyModified(key, deleted);
    ctx.Notify('z', event, key);
    if (removed) ctx.Notify('g', "del", key);
  }
  ctx.reply().Integer(deleted);
}

// ZREMRANGEBYRANK key start stop
void ZRemRangeByRankCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kRank); }
// ZREMRANGEBYSCORE key min max
void ZRemRangeByScoreCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kScore); }
// ZREMRANGEBYLEX key min max
void ZRemRangeByLexCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kLex); }

// ---------------------------------------------------------------------------------------------
// Pops

// How a pop replies (genericZpopCommand's shapes).
struct PopShape {
  bool emit_key = false;       // BZPOP*, ZMPOP, BZMPOP
  bool nested = false;         // [member, score] pairs: ZMPOP always, ZPOP* COUNT in RESP3
  bool nil_when_empty = false; // ZMPOP: a null array instead of an empty one
};

// Pops from the first non-empty set among `keys`. count -1 pops one (the no-COUNT form).
// Returns false without replying when every key is missing or empty and `may_block`.
bool PopGeneric(CommandContext& ctx, const std::vector<std::string_view>& keys, bool max,
                int64_t count, PopShape shape, bool may_block) {
  ZSetObject* z = nullptr;
  std::string_view key;
  for (std::string_view k : keys) {
    Entry* e = ctx.LookupForWrite(k);
    if (e == nullptr) continue;
    if (!IsZSet(e)) {
      if (ctx.reprocessing()) continue;  // 7.0 keeps a blocked client waiting
      ctx.WrongType();
      return true;
    }
    if (ZOf(e)->size() == 0) continue;
    z = ZOf(e);
    key = k;
    break;
  }
  if (z == nullptr) {
    if (may_block) return false;
    if (shape.nil_when_empty) ctx.reply().NullArray(); else ctx.reply().ArrayHeader(0);
    return true;
  }
  if (count == 0) {
    ctx.reply().ArrayHeader(0);
    return true;
  }
  bool single_form = count == -1;
  if (count == -1) count = 1;
  size_t n = z->size();
  size_t take = static_cast<uint64_t>(count) > n ? n : static_cast<size_t>(count);
  std::vector<Element> items =
      max ? Collect(z, n - take, n, true) : Collect(z, 0, take, false);
  ReplyWriter& w = ctx.reply();
  if (!shape.emit_key) {
    w.ArrayHeader(shape.nested ? take : take * 2);
  } else if (!shape.nested) {
    w.ArrayHeader(take * 2 + 1);
    w.Bulk(key);
  } else {
    w.ArrayHeader(2);
    w.Bulk(key);
    w.ArrayHeader(take);
  }
  for (const Element& el : items) {
    if (shape.nested) w.ArrayHeader(2);
    w.Bulk(el.first);
    w.Double(el.second);
  }
  if (max) z->RemoveRange(n - take, n); else z->RemoveRange(0, take);
  std::string k(key);
  ctx.Notify('z', max ? "zpopmax" : "zpopmin", k);
  if (DeleteIfEmpty(ctx, k, z)) ctx.Notify('g', "del", k);
  ctx.KeyModified(k, static_cast<int64_t>(take));
  // BZPOP*, ZMPOP and BZMPOP are fed as the plain pop of the key that served (with the count
  // popped for the MPOP forms), so a replay depends neither on blocking nor on the other keys.
  if (shape.emit_key && ctx.propagating()) {
    std::vector<std::string> pop = {max ? "ZPOPMAX" : "ZPOPMIN", k};
    if (!single_form) pop.push_back(std::to_string(take));
    ctx.RewriteForPropagation(std::move(pop));
  }
  return true;
}

void ZPopCommandGeneric(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.SyntaxError();
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3) {
    if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
      ctx.Error("ERR value is out of range, must be positive");
      return;
    }
  }
  PopShape shape;
  shape.nested = ctx.reply().resp() > 2 && count != -1;
  PopGeneric(ctx, {ctx.arg(1)}, max, count, shape, false);
}

// ZPOPMIN key [count]
void ZPopMinCommand(CommandContext& ctx) { ZPopCommandGeneric(ctx, false); }
// ZPOPMAX key [count]
void ZPopMaxCommand(CommandContext& ctx) { ZPopCommandGeneric(ctx, true); }

// Blocks on `keys` unless the client may not block, in which case it replies a null array.
void BlockOrNull(CommandContext& ctx, const std::vector<std::string_view>& keys, int64_t deadline) {
  if (!ctx.CanBlock()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray);
}

void BZPopGeneric(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(ctx.argc() - 1, CommandContext::TimeoutUnit::kSeconds, &deadline)) {
    return;
  }
  std::vector<std::string_view> keys(ctx.args().begin() + 1, ctx.args().end() - 1);
  PopShape shape;
  shape.emit_key = true;
  if (PopGeneric(ctx, keys, max, -1, shape, true)) return;
  BlockOrNull(ctx, keys, deadline);
}

// BZPOPMIN key [key ...] timeout
void BZPopMinCommand(CommandContext& ctx) { BZPopGeneric(ctx, false); }
// BZPOPMAX key [key ...] timeout
void BZPopMaxCommand(CommandContext& ctx) { BZPopGeneric(ctx, true); }

// ZMPOP / BZMPOP from `numkeys_idx` on: numkeys key [key ...] MIN | MAX [COUNT count].
void ZMPopGeneric(CommandContext& ctx, size_t numkeys_idx, bool block) {
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(numkeys_idx), &numkeys) || numkeys < 1) {
    ctx.Error("ERR numkeys should be greater than 0");
    return;
  }
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - numkeys_idx) {
    ctx.SyntaxError();
    return;
  }
  size_t where_idx = numkeys_idx + numkeys + 1;
  bool max;
  if (ctx.ArgIs(where_idx, "min")) {
    max = false;
  } else if (ctx.ArgIs(where_idx, "max")) {
    max = true;
  } else {
    ctx.SyntaxError();
    return;
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    if (count == -1 && ctx.ArgIs(j, "count") && more > 0) {
      ++j;
      if (!ParseInt64(ctx.arg(j), &count) || count < 1) {
        ctx.Error("ERR count should be greater than 0");
        return;
      }
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (count == -1) count = 1;
  std::vector<std::string_view> keys(ctx.args().begin() + numkeys_idx + 1,
                                     ctx.args().begin() + numkeys_idx + 1 + numkeys);
  PopShape shape;
  shape.emit_key = true;
  shape.nested = true;
  shape.nil_when_empty = true;
  if (!block) {
    PopGeneric(ctx, keys, max, count, shape, false);
    return;
  }
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(1, CommandContext::TimeoutUnit::kSeconds, &deadline)) return;
  if (PopGeneric(ctx, keys, max, count, shape, true)) return;
  BlockOrNull(ctx, keys, deadline);
}

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void ZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, 1, false); }
// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
void BZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, 2, true); }

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER, ZSCAN

uint64_t RandomU64() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng();
}

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMemberCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  if (ctx.argc() < 3) {
    bool wrong;
    ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
    if (wrong) return;
    if (z == nullptr) {
      w.Null();
      return;
    }
    w.Bulk(z->At(RandomU64() % z->size()).first);
    return;
  }
  int64_t l;
  bool withscores;
  if (!ctx.ParseRandomCount("withscores", &l, &withscores)) return;
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (z == nullptr || l == 0) {
    w.ArrayHeader(0);
    return;
  }
  bool uniq = l > 0;
  uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  size_t size = z->size();
  bool pairs = withscores && w.resp() > 2;
  auto emit = [&](std::string_view m, double s) {
    if (pairs) w.ArrayHeader(2);
    w.Bulk(m);
    if (withscores) w.Double(s);
  };
  if (!uniq || count == 1) {
    w.ArrayHeader(withscores && !pairs ? count * 2 : count);
    for (uint64_t i = 0; i < count; ++i) {
      Element el = z->At(RandomU64() % size);
      emit(el.first, el.second);
    }
    return;
  }
  if (count >= size) {
    // The whole set, highest first (what Redis 7.0 sends).
    ReplyElements(ctx, Collect(z, 0, size, true), withscores);
    return;
  }
  // A random subset of distinct ranks, in random order.
  std::vector<size_t> ranks;
  if (count * 3 > size) {
    ranks.resize(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < count; ++i) std::swap(ranks[i], ranks[i + RandomU64() % (size - i)]);
    ranks.resize(count);
  } else {
    std::unordered_map<size_t, bool> seen;
    while (ranks.size() < count) {
      size_t r = RandomU64() % size;
      if (seen.emplace(r, true).second) ranks.push_back(r);
    }
  }
  w.ArrayHeader(withscores && !pairs ? count * 2 : count);
  for (size_t r : ranks) {
    Element el = z->At(r);
    emit(el.first, el.second);
  }
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void ZScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ctx.ParseScanCursor(2, &cursor)) return;
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ReplyWriter& w = ctx.reply();
  if (z == nullptr) {
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
  std::vector<Element> items;
  auto collect = [&](std::string_view m, double s) {
    items.emplace_back(std::string(m), s);
    return true;
  };
  if (z->encoding() == ZSetObject::Encoding::kListpack) {
    z->ForRange(0, z->size(), false, collect);
    cursor = 0;
  } else {
    int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
    do {
      cursor = z->Scan(cursor, collect);
    } while (cursor != 0 && steps_left-- > 0 && static_cast<int64_t>(items.size()) < count);
  }
  std::vector<const Element*> out;
  for (const Element& el : items) {
    if (use_pattern && !GlobMatch(pattern, el.first)) continue;
    out.push_back(&el);
  }
  w.ArrayHeader(2);
  w.Bulk(std::to_string(cursor));
  w.ArrayHeader(out.size() * 2);
  // A listpack's scores are its stored text; a skiplist's print with 17 digits (-0 stays).
  bool lp = z->encoding() == ZSetObject::Encoding::kListpack;
  char buf[32];
  for (const Element* el : out) {
    w.Bulk(el->first);
    if (lp || std::isinf(el->second)) {
      w.Bulk(std::string_view(buf, ScoreToString(el->second, buf, sizeof(buf))));
    } else {
      w.Bulk(std::string_view(buf, std::snprintf(buf, sizeof(buf), "%.17g", el->second)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF (+STORE), ZINTERCARD

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

void AggregateInto(double* target, double v, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      if (v < *target) *target = v;
      break;
    case Aggregate::kMax:
      if (v > *target) *target = v;
      break;
  }
}

// One input: a sorted set, a plain set (every member scores 1, as in Redis), or neither (a
// missing key, an empty input).
struct Source {
  const ZSetObject* z = nullptr;
  SetObject* set = nullptr;
  double weight = 1;

  size_t size() const { return z ? z->size() : set ? set->size() : 0; }
  // The object behind the input, to recognise a key given twice.
  const void* object() const { return z ? static_cast<const void*>(z) : set; }
  // Visits every element with its unweighted score until `fn` returns false.
  void ForEach(const ZSetObject::Visitor& fn) const {
    if (z != nullptr) {
      z->ForRange(0, z->size(), false, fn);
    } else if (set != nullptr) {
      bool going = true;
      set->ForEach([&](std::string_view m) {
        if (going) going = fn(m, 1);
      });
    }
  }
  // The unweighted score of `m`, if this input holds it.
  std::optional<double> Find(std::string_view m) const {
    if (z != nullptr) return z->Score(m);
    if (set != nullptr && set->Contains(m)) return 1.0;
    return std::nullopt;
  }
};

// `numkeys_idx` is where numkeys sits: 2 for the STORE forms (destination first), else 1. `card_only` is
// ZINTERCARD.
void SetOpGeneric(CommandContext& ctx, size_t numkeys_idx, SetOp op, bool card_only) {
  bool store = numkeys_idx == 2;
  std::string_view dst = store ? ctx.arg(1) : std::string_view();
  int64_t setnum;
  if (!ctx.ParseInt(numkeys_idx, &setnum)) return;
  if (setnum < 1) {
    ctx.Error("ERR at least 1 input key is needed for '" + ctx.command().full_name +
              "' command");
    return;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - (numkeys_idx + 1)) {
    ctx.SyntaxError();
    return;
  }
  std::vector<Source> src(setnum);
  size_t j = numkeys_idx + 1;
  for (int64_t i = 0; i < setnum; ++i, ++j) {
    Entry* e = !store ? ctx.Lookup(ctx.arg(j)) : ctx.LookupForWrite(ctx.arg(j));
    if (e == nullptr) continue;
    if (IsZSet(e)) {
      src[i].z = ZOf(e);
    } else if (e->value.type() == ValueType::kSet) {
      src[i].set = static_cast<SetObject*>(e->value.object());
    } else {
      ctx.WrongType();
      return;
    }
  }
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < ctx.argc()) {
    size_t remaining = ctx.argc() - j;
    if (op != SetOp::kDiff && !card_only && remaining >= static_cast<size_t>(setnum) + 1 &&
        ctx.ArgIs(j, "weights")) {
      ++j;
      for (int64_t i = 0; i < setnum; ++i, ++j) {
        if (!ParseDouble(ctx.arg(j), &src[i].weight)) {
          ctx.Error("ERR weight value is not a float");
          return;
        }
      }
    } else if (op != SetOp::kDiff && !card_only && remaining >= 2 && ctx.ArgIs(j, "aggregate")) {
      ++j;
      if (ctx.ArgIs(j, "sum")) agg = Aggregate::kSum;
      else if (ctx.ArgIs(j, "min")) agg = Aggregate::kMin;
      else if (ctx.ArgIs(j, "max")) agg = Aggregate::kMax;
      else {
        ctx.SyntaxError();
        return;
      }
      ++j;
    } else if (card_only && remaining >= 2 && ctx.ArgIs(j, "limit")) {
      ++j;
      if (!ParseInt64(ctx.arg(j), &limit) || limit < 0) {
        ctx.Error("ERR LIMIT can't be negative");
        return;
      }
      ++j;
    } else if (!card_only && !store && ctx.ArgIs(j, "withscores")) {
      ++j;
      withscores = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }

  // Inputs by ascending size (a stable order, like Redis's qsort), except that ZDIFF keeps its
  // first input first.
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  std::vector<Element> result;
  if (op == SetOp::kUnion) {
    std::unordered_map<std::string, double> acc;
    std::vector<std::string> order;
    for (const Source& s : src) {
      s.ForEach([&](std::string_view m, double v) {
        double score = s.weight * v;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = acc.try_emplace(std::string(m), score);
        if (!fresh) AggregateInto(&it->second, score, agg);
        return true;
      });
    }
    result.reserve(acc.size());
    for (auto& [m, s] : acc) result.emplace_back(m, s);
  } else if (op == SetOp::kInter) {
    if (src[0].size() > 0) {
      src[0].ForEach([&](std::string_view m, double v) {
        double score = src[0].weight * v;
        if (std::isnan(score)) score = 0;
        for (size_t k = 1; k < src.size(); ++k) {
          // The input being walked is not probed while walking it (a key given twice).
          std::optional<double> o = src[k].object() == src[0].object() ? v : src[k].Find(m);
          if (!o) return true;
          // Unlike the first input's, a NaN product here is not zeroed: SUM turns the sum to
          // 0, MIN and MAX ignore it (Redis's order of checks).
          AggregateInto(&score, src[k].weight * *o, agg);
        }
        result.emplace_back(std::string(m), score);
        return !(card_only && limit > 0 && static_cast<int64_t>(result.size()) >= limit);
      });
    }
  } else {
    if (src[0].size() > 0) {
      src[0].ForEach([&](std::string_view m, double v) {
        for (size_t k = 1; k < src.size(); ++k) {
          if (src[k].object() == src[0].object() || src[k].Find(m)) return true;
        }
        result.emplace_back(std::string(m), v);
        return true;
      });
    }
  }
  if (card_only) {
    ctx.reply().Integer(static_cast<int64_t>(result.size()));
    return;
  }
  std::sort(result.begin(), result.end(), [](const Element& a, const Element& b) {
    return CompareKey(a.second, a.first, b.second, b.first) < 0;
  });
  if (!store) {
    ReplyElements(ctx, result, withscores);
    return;
  }
  const char* event = op == SetOp::kUnion ? "zunionstore"
                      : op == SetOp::kInter ? "zinterstore" : "zdiffstore";
  if (!result.empty()) {
    StoreZSet(ctx, dst, BuildZSet(result));
    ctx.reply().Integer(static_cast<int64_t>(result.size()));
    ctx.Notify('z', event, dst);
    return;
  }
  ctx.reply().Integer(0);
  if (ctx.db().Delete(dst)) {
    ctx.KeyModified(dst);
    ctx.Notify('g', "del", dst);
  }
}

// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
//     [WITHSCORES]
void ZUnionCommand(CommandContext& ctx) { SetOpGeneric(ctx, 1, SetOp::kUnion, false); }
// ZINTER numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES]
void ZInterCommand(CommandContext& ctx) { SetOpGeneric(ctx, 1, SetOp::kInter, false); }
// ZDIFF numkeys key [key ...] [WITHSCORES]
void ZDiffCommand(CommandContext& ctx) { SetOpGeneric(ctx, 1, SetOp::kDiff, false); }
// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]
void ZUnionStoreCommand(CommandContext& ctx) {
  SetOpGeneric(ctx, 2, SetOp::kUnion, false);
}
// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]
void ZInterStoreCommand(CommandContext& ctx) {
  SetOpGeneric(ctx, 2, SetOp::kInter, false);
}
// ZDIFFSTORE destination numkeys key [key ...]
void ZDiffStoreCommand(CommandContext& ctx) {
  SetOpGeneric(ctx, 2, SetOp::kDiff, false);
}
// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void ZInterCardCommand(CommandContext& ctx) { SetOpGeneric(ctx, 1, SetOp::kInter, true); }

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;

const CommandSpec kZSetCommands[] = {
    {"zadd", -4, kWriteOom | kCmdFast, 1, 1, 1, "sorted-set", "1.2.0",
     "Add one or more members to a sorted set, or update its score if it already exists",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]", ZAddCommand},
    {"zincrby", 4, kWriteOom | kCmdFast, 1, 1, 1, "sorted-set", "1.2.0",
     "Increment the score of a member in a sorted set",
     "O(log(N)) where N is the number of elements in the sorted set.", "key increment member",
     ZIncrByCommand},
    {"zrem", -3, kCmdWrite | kCmdFast, 1, 1, 1, "sorted-set", "1.2.0",
     "Remove one or more members from a sorted set",
     "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
     "elements to be removed.",
     "key member [member ...]", ZRemCommand},
    {"zcard", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "1.2.0",
     "Get the number of members in a sorted set", "O(1)", "key", ZCardCommand},
    {"zscore", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "1.2.0",
     "Get the score associated with the given member in a sorted set", "O(1)", "key member",
     ZScoreCommand},
    {"zmscore", -3, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "6.2.0",
     "Get the score associated with the given members in a sorted set",
     "O(N) where N is the number of members being requested.", "key member [member ...]",
     ZMScoreCommand},
    {"zrank", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "2.0.0",
     "Determine the index of a member in a sorted set", "O(log(N))", "key member", ZRankCommand},
    {"zrevrank", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "2.0.0",
     "Determine the index of a member in a sorted set, with scores ordered from high to low",
     "O(log(N))", "key member", ZRevRankCommand},
    {"zcount", 4, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "2.0.0",
     "Count the members in a sorted set with scores within the given values",
     "O(log(N)) with N being the number of elements in the sorted set.", "key min max",
     ZCountCommand},
    {"zlexcount", 4, kCmdReadonly | kCmdFast, 1, 1, 1, "sorted-set", "2.8.9",
     "Count the number of members in a sorted set between a given lexicographical range",
     "O(log(N)) with N being the number of elements in the sorted set.", "key min max",
     ZLexCountCommand},
    {"zrange", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "1.2.0",
     "Return a range of members in a sorted set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements returned.",
     "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]", ZRangeCommand},
    {"zrangestore", -5, kWriteOom, 1, 2, 1, "sorted-set", "6.2.0",
     "Store a range of members from sorted set into another key",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements stored into the destination key.",
     "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]", ZRangeStoreCommand},
    {"zrevrange", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "1.2.0",
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements returned.",
     "key start stop [WITHSCORES]", ZRevRangeCommand},
    {"zrangebyscore", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "1.0.5",
     "Return a range of members in a sorted set, by score",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
     "with LIMIT), you can consider it O(log(N)).",
     "key min max [WITHSCORES] [LIMIT offset count]", ZRangeByScoreCommand},
    {"zrevrangebyscore", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "2.2.0",
     "Return a range of members in a sorted set, by score, with scores ordered from high to low",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
     "with LIMIT), you can consider it O(log(N)).",
     "key max min [WITHSCORES] [LIMIT offset count]", ZRevRangeByScoreCommand},
    {"zrangebylex", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
     "with LIMIT), you can consider it O(log(N)).",
     "key min max [LIMIT offset count]", ZRangeByLexCommand},
    {"zrevrangebylex", -4, kCmdReadonly, 1, 1, 1, "sorted-set", "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
     "to lower strings.",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
     "with LIMIT), you can consider it O(log(N)).",
     "key max min [LIMIT offset count]", ZRevRangeByLexCommand},
    {"zremrangebyrank", 4, kCmdWrite, 1, 1, 1, "sorted-set", "2.0.0",
     "Remove all members in a sorted set within the given indexes",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key start stop", ZRemRangeByRankCommand},
    {"zremrangebyscore", 4, kCmdWrite, 1, 1, 1, "sorted-set", "1.2.0",
     "Remove all members in a sorted set within the given scores",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key min max", ZRemRangeByScoreCommand},
    {"zremrangebylex", 4, kCmdWrite, 1, 1, 1, "sorted-set", "2.8.9",
     "Remove all members in a sorted set between the given lexicographical range",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key min max", ZRemRangeByLexCommand},
    {"zpopmin", -2, kCmdWrite | kCmdFast, 1, 1, 1, "sorted-set", "5.0.0",
     "Remove and return members with the lowest scores in a sorted set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
     "of elements popped.",
     "key [count]", ZPopMinCommand},
    {"zpopmax", -2, kCmdWrite | kCmdFast, 1, 1, 1, "sorted-set", "5.0.0",
     "Remove and return members with the highest scores in a sorted set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
     "of elements popped.",
     "key [count]", ZPopMaxCommand},
    {"bzpopmin", -3, kCmdWrite | kCmdNoScript | kCmdFast | kCmdBlocking, 1, -2, 1, "sorted-set",
     "5.0.0",
     "Remove and return the member with the lowest score from one or more sorted sets, or block "
     "until one is available",
     "O(log(N)) with N being the number of elements in the sorted set.", "key [key ...] timeout",
     BZPopMinCommand},
    {"bzpopmax", -3, kCmdWrite | kCmdNoScript | kCmdFast | kCmdBlocking, 1, -2, 1, "sorted-set",
     "5.0.0",
     "Remove and return the member with the highest score from one or more sorted sets, or block "
     "until one is available",
     "O(log(N)) with N being the number of elements in the sorted set.", "key [key ...] timeout",
     BZPopMaxCommand},
    {"zmpop", -4, kCmdWrite, 0, 0, 0, "sorted-set", "7.0.0",
     "Remove and return members with scores in a sorted set",
     "O(K) + O(N*log(M)) where K is the number of provided keys, N being the number of elements "
     "in the sorted set, and M being the number of elements popped.",
     "numkeys key [key ...] MIN | MAX [COUNT count]", ZMPopCommand, nullptr, FindKeysNumkeysAt1},
    {"bzmpop", -5, kCmdWrite | kCmdBlocking, 0, 0, 0, "sorted-set", "7.0.0",
     "Remove and return members with scores in a sorted set or block until one is available",
     "O(K) + O(N*log(M)) where K is the number of provided keys, N being the number of elements "
     "in the sorted set, and M being the number of elements popped.",
     "timeout numkeys key [key ...] MIN | MAX [COUNT count]", BZMPopCommand, nullptr,
     FindKeysNumkeysAt2},
    {"zrandmember", -2, kCmdReadonly, 1, 1, 1, "sorted-set", "6.2.0",
     "Get one or multiple random elements from a sorted set",
     "O(N) where N is the number of elements returned", "key [count [WITHSCORES]]",
     ZRandMemberCommand},
    {"zscan", -3, kCmdReadonly, 1, 1, 1, "sorted-set", "2.8.0",
     "Incrementally iterate sorted sets elements and associated scores",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "key cursor [MATCH pattern] [COUNT count]", ZScanCommand},
    {"zunion", -3, kCmdReadonly, 0, 0, 0, "sorted-set", "6.2.0", "Add multiple sorted sets",
     "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] "
     "[WITHSCORES]",
     ZUnionCommand, nullptr, FindKeysNumkeysAt1},
    {"zinter", -3, kCmdReadonly, 0, 0, 0, "sorted-set", "6.2.0", "Intersect multiple sorted sets",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting sorted "
     "set.",
     "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] "
     "[WITHSCORES]",
     ZInterCommand, nullptr, FindKeysNumkeysAt1},
    {"zdiff", -3, kCmdReadonly, 0, 0, 0, "sorted-set", "6.2.0", "Subtract multiple sorted sets",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
     "is the size of the first set, and K is the size of the result set.",
     "numkeys key [key ...] [WITHSCORES]", ZDiffCommand, nullptr, FindKeysNumkeysAt1},
    {"zunionstore", -4, kWriteOom, 1, 1, 1, "sorted-set", "2.0.0",
     "Add multiple sorted sets and store the resulting sorted set in a new key",
     "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
     "[AGGREGATE SUM | MIN | MAX]",
     ZUnionStoreCommand, nullptr, FindKeysDestNumkeys},
    {"zinterstore", -4, kWriteOom, 1, 1, 1, "sorted-set", "2.0.0",
     "Intersect multiple sorted sets and store the resulting sorted set in a new key",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting sorted "
     "set.",
     "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
     "[AGGREGATE SUM | MIN | MAX]",
     ZInterStoreCommand, nullptr, FindKeysDestNumkeys},
    {"zdiffstore", -4, kWriteOom, 1, 1, 1, "sorted-set", "6.2.0",
     "Subtract multiple sorted sets and store the resulting sorted set in a new key",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
     "is the size of the first set, and K is the size of the result set.",
     "destination numkeys key [key ...]", ZDiffStoreCommand, nullptr, FindKeysDestNumkeys},
    {"zintercard", -3, kCmdReadonly, 0, 0, 0, "sorted-set", "7.0.0",
     "Intersect multiple sorted sets and return the cardinality of the result",
     "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
     "sorted sets.",
     "numkeys key [key ...] [LIMIT limit]", ZInterCardCommand, nullptr, FindKeysNumkeysAt1},
    {nullptr},
};

}  // namespace

void RegisterZSetCommands() {
  RegisterZSetObjectOps();
  CommandTable::Get().Register(kZSetCommands);
}

}  // namespace memkeydb
