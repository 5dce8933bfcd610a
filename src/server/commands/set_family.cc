// Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SPOP SRANDMEMBER, the
// algebra (SINTER SINTERCARD SUNION SDIFF and their *STORE forms) and SSCAN.
//
// Values are SetObject (types/set_object.h). The order of argument validation, key lookups and
// type checks follows redis-server 7.0, as do the reply types (SMEMBERS, SINTER, SUNION, SDIFF
// and SPOP with a count reply a RESP3 set; SRANDMEMBER with a count an array), the keyspace
// events, and the deletion of a key whose set becomes empty. The *STORE commands build their
// result starting from an empty intset, as Redis does, so the stored encoding follows from
// the members (integers only and few: intset); so does SPOP's set of survivors when it keeps
// few members (see SetObject::TakeRandom).

#include <algorithm>
#include <cerrno>
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
#include "types/set_object.h"

namespace memkeydb {
namespace {

template <typename T>
using MetaVector = std::vector<T, MetadataAllocator<T>>;

std::mt19937_64& Rng() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng;
}

bool IsSet(const Entry* e) { return e->value.type() == ValueType::kSet; }
SetObject* SetOf(const Entry* e) { return static_cast<SetObject*>(e->value.object()); }

// The set at `e` for a command that found the key; nullptr (after replying WRONGTYPE) if the
// key holds another type.
SetObject* CheckedSet(CommandContext& ctx, const Entry* e) {
  if (!IsSet(e)) {
    ctx.WrongType();
    return nullptr;
  }
  return SetOf(e);
}

// Deletes `key` once its set is empty, with the "del" event.
void DeleteIfEmpty(CommandContext& ctx, std::string_view key, SetObject* s) {
  if (!s->empty()) return;
  ctx.db().Delete(key);
  ctx.Notify('g', "del", key);
}

// Makes `key` hold `s` (whatever it held before, and without a TTL), like Redis's setKey.
void StoreSet(CommandContext& ctx, std::string_view key, SetObject* s) {
  Database& db = ctx.db();
  Entry* e = db.FindRaw(key);
  if (e == nullptr) {
    e = db.Add(key);
  } else if (e->has_expire()) {
    db.ClearExpire(&e);
  }
  e->value.SetObject(ValueType::kSet, s);
  ctx.KeyModified(key);
}

void ReplyMembers(ReplyWriter& w, const SetObject* s) {
  w.SetHeader(s->size());
  s->ForEach([&w](std::string_view m) { w.Bulk(m); });
}

void EmptySet(CommandContext& ctx) { ctx.reply().SetHeader(0); }

// ---------------------------------------------------------------------------------------------
// Single-set commands

// SADD key member [member ...]
void SAddCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  SetObject* s;
  if (e != nullptr) {
    if ((s = CheckedSet(ctx, e)) == nullptr) return;
  } else {
    s = SetObject::Create(ctx.arg(2), ctx.argc() - 2);
    ctx.db().Add(key)->value.SetObject(ValueType::kSet, s);
  }
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += s->Add(ctx.arg(i));
  if (added > 0) {
    ctx.KeyModified(key, added);
    ctx.Notify('s', "sadd", key);
  }
  ctx.reply().Integer(added);
}

// SREM key member [member ...]
void SRemCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  SetObject* s = CheckedSet(ctx, e);
  if (s == nullptr) return;
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !s->empty(); ++i) removed += s->Remove(ctx.arg(i));
  if (removed > 0) {
    ctx.KeyModified(key, removed);
    ctx.Notify('s', "srem", key);
    DeleteIfEmpty(ctx, key, s);
  }
  ctx.reply().Integer(removed);
}

// SCARD key
void SCardCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (SetObject* s = CheckedSet(ctx, e)) ctx.reply().Integer(static_cast<int64_t>(s->size()));
}

// SISMEMBER key member
void SIsMemberCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (SetObject* s = CheckedSet(ctx, e)) ctx.reply().Integer(s->Contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void SMIsMemberCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  SetObject* s = nullptr;
  if (e != nullptr && (s = CheckedSet(ctx, e)) == nullptr) return;
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) w.Integer(s != nullptr && s->Contains(ctx.arg(i)));
}

// SMOVE source destination member
void SMoveCommand(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1), dst_key = ctx.arg(2), member = ctx.arg(3);
  Entry* src = ctx.LookupForWrite(src_key);
  Entry* dst = ctx.LookupForWrite(dst_key);
  if (src == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!IsSet(src) || (dst != nullptr && !IsSet(dst))) {
    ctx.WrongType();
    return;
  }
  SetObject* from = SetOf(src);
  if (src == dst) {
    ctx.reply().Integer(from->Contains(member) ? 1 : 0);
    return;
  }
  if (!from->Remove(member)) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.Notify('s', "srem", src_key);
  DeleteIfEmpty(ctx, src_key, from);
  SetObject* to;
  if (dst == nullptr) {
    to = SetObject::Create(member, 1);
    ctx.db().Add(dst_key)->value.SetObject(ValueType::kSet, to);
  } else {
    to = SetOf(dst);
  }
  ctx.KeyModified(src_key);
  if (to->Add(member)) {
    ctx.KeyModified(dst_key);
    ctx.Notify('s', "sadd", dst_key);
  }
  ctx.reply().Integer(1);
}

// SPOP key [count]
void SPopCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (ctx.argc() > 3) {
    ctx.SyntaxError();
    return;
  }
  if (ctx.argc() == 2) {
    Entry* e = ctx.LookupForWrite(key);
    if (e == nullptr) {
      ctx.reply().Null();
      return;
    }
    SetObject* s = CheckedSet(ctx, e);
    if (s == nullptr) return;
    std::string member;
    s->PopRandom(&member);
    ctx.Notify('s', "spop", key);
    ctx.reply().Bulk(member);
    DeleteIfEmpty(ctx, key, s);
    ctx.KeyModified(key);
    // Chance picked the member: feed which one (SREM even when the set is now gone).
    if (ctx.propagating()) ctx.RewriteForPropagation({"SREM", std::string(key), member});
    return;
  }

  // Redis words every failure here as a range error, even for a non-number.
  int64_t count;
  if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
    ctx.Error("ERR value is out of range, must be positive");
    return;
  }
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    EmptySet(ctx);
    return;
  }
  SetObject* s = CheckedSet(ctx, e);
  if (s == nullptr) return;
  if (count == 0) {
    EmptySet(ctx);
    return;
  }
  ReplyWriter& w = ctx.reply();
  size_t size = s->size();
  if (static_cast<uint64_t>(count) >= size) {
    // Everything goes: Redis replies the whole set and reports only the deletion.
    ReplyMembers(w, s);
    ctx.db().Delete(key);
    ctx.Notify('g', "del", key);
    ctx.KeyModified(key);
    // Redis 7.0 feeds DEL here whatever lazyfree-lazy-server-del says.
    if (ctx.propagating()) ctx.RewriteForPropagation({"DEL", std::string(key)});
    return;
  }
  size_t n = static_cast<size_t>(count);
  ctx.Notify('s', "spop", key);
  ctx.KeyModified(key, count);
  // Chance picked the members: each is fed as its own SREM (as Redis 7.0 does), and SPOP not.
  bool propagate = ctx.propagating();
  if (propagate) ctx.PreventPropagation();
  auto propagate_member = [&](std::string_view m) {
    if (propagate) ctx.AlsoPropagate(ctx.db_index(), {"SREM", std::string(key), std::string(m)});
  };
  const size_t remaining = size - n;
  if (remaining * 5 <= n) {
    // Most members go (at least five times as many as stay): the few survivors are drawn into
    // a fresh set, the rest replied, and the sets swapped. As in redis-server 7.0, whatever the
    // old set's encoding, the fresh set's follows from the survivors: all integers (and at
    // most set-max-intset-entries) give an intset, even out of a hashtable or listpack. The
    // threshold is Redis's too, since it decides which sets get re-encoded.
    SetObject* keep = s->TakeRandom(remaining);
    w.SetHeader(s->size());
    s->ForEach([&](std::string_view m) {
      w.Bulk(m);
      propagate_member(m);
    });
    e->value.SetObject(ValueType::kSet, keep);  // frees the popped members
    return;
  }
  w.SetHeader(n);
  std::string member;
  for (size_t i = 0; i < n; ++i) {
    s->PopRandom(&member);
    w.Bulk(member);
    propagate_member(member);
  }
}

// SRANDMEMBER key [count]
void SRandMemberCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (ctx.argc() > 3) {
    ctx.SyntaxError();
    return;
  }
  ReplyWriter& w = ctx.reply();
  char scratch[SetObject::kScratch];
  if (ctx.argc() == 2) {
    Entry* e = ctx.Lookup(key);
    if (e == nullptr) {
      w.Null();
      return;
    }
    if (SetObject* s = CheckedSet(ctx, e)) w.Bulk(s->Random(scratch));
    return;
  }

  int64_t l;
  if (!ctx.ParseInt(2, &l)) return;
  if (l == INT64_MIN) {
    ctx.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return;
  }
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) {
    w.ArrayHeader(0);
    return;
  }
  SetObject* s = CheckedSet(ctx, e);
  if (s == nullptr) return;
  bool distinct = l >= 0;
  uint64_t count = distinct ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) {
    w.ArrayHeader(0);
    return;
  }
  size_t size = s->size();
  if (!distinct) {
    // Independent draws: repeats allowed.
    w.ArrayHeader(count);
    for (uint64_t i = 0; i < count; ++i) w.Bulk(s->Random(scratch));
    return;
  }
  if (count >= size) {
    w.ArrayHeader(size);
    s->ForEach([&w](std::string_view m) { w.Bulk(m); });
    return;
  }
  if (s->encoding() != SetObject::Encoding::kHashtable || count * 3 > size) {
    // A partial Fisher-Yates shuffle of every member: uniform, and O(size).
    MetaVector<std::string> all;
    all.reserve(size);
    s->ForEach([&all](std::string_view m) { all.emplace_back(m); });
    w.ArrayHeader(count);
    for (size_t i = 0; i < count; ++i) {
      size_t j = i + Rng()() % (size - i);
      std::swap(all[i], all[j]);
      w.Bulk(all[i]);
    }
    return;
  }
  // Few of many: draw until `count` distinct members came up. A hashtable's members are nodes,
  // so the views stay valid while nothing changes.
  std::unordered_set<std::string_view, std::hash<std::string_view>,
                     std::equal_to<std::string_view>, MetadataAllocator<std::string_view>>
      picked;
  w.ArrayHeader(count);
  while (picked.size() < count) {
    std::string_view m = s->Random(scratch);
    if (picked.insert(m).second) w.Bulk(m);
  }
}

// ---------------------------------------------------------------------------------------------
// Set algebra

// Resolves `keys` to sets. A missing key is nullptr. Returns false after replying WRONGTYPE if
// any key holds another type (every key is checked, even after a missing one, as in 7.0).
bool CollectSets(CommandContext& ctx, const std::vector<std::string_view>& keys, bool for_write,
                 MetaVector<SetObject*>* out) {
  out->clear();
  for (std::string_view k : keys) {
    Entry* e = for_write ? ctx.LookupForWrite(k) : ctx.Lookup(k);
    if (e == nullptr) {
      out->push_back(nullptr);
      continue;
    }
    if (!IsSet(e)) {
      ctx.WrongType();
      return false;
    }
    out->push_back(SetOf(e));
  }
  return true;
}

std::vector<std::string_view> KeyArgs(const CommandContext& ctx, size_t first, size_t n) {
  std::vector<std::string_view> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back(ctx.arg(first + i));
  return keys;
}

// Visits the members of the intersection of `sets` (none missing), at most `limit` of them
// (0: no limit). The smallest set drives the walk.
void Intersect(MetaVector<SetObject*> sets, uint64_t limit,
               const std::function<void(std::string_view)>& visit) {
  std::sort(sets.begin(), sets.end(),
            [](SetObject* a, SetObject* b) { return a->size() < b->size(); });
  SetObject* base = sets[0];
  uint64_t found = 0;
  // ForEach cannot stop early; once the limit is reached the rest is skipped cheaply.
  base->ForEach([&](std::string_view m) {
    if (limit != 0 && found >= limit) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      // The same set twice: a lookup in the set being walked could step its rehash.
      if (sets[j] == base) continue;
      if (!sets[j]->Contains(m)) return;
    }
    ++found;
    visit(m);
  });
}

// Replaces `dst` by `result` if it is not empty, else deletes `dst`; replies the size.
void StoreResult(CommandContext& ctx, std::string_view dst, SetObject* result,
                 const char* event) {
  if (!result->empty()) {
    size_t n = result->size();
    StoreSet(ctx, dst, result);
    ctx.reply().Integer(static_cast<int64_t>(n));
    ctx.Notify('s', event, dst);
    return;
  }
  SetObject::Destroy(result);
  ctx.reply().Integer(0);
  if (ctx.db().Delete(dst)) {
    ctx.KeyModified(dst);
    ctx.Notify('g', "del", dst);
  }
}

// SINTER, SINTERSTORE (dst non-empty) and SINTERCARD (cardinality_only).
void InterGeneric(CommandContext& ctx, const std::vector<std::string_view>& keys,
                  std::string_view dst, bool store, bool cardinality_only, uint64_t limit) {
  MetaVector<SetObject*> sets;
  if (!CollectSets(ctx, keys, store, &sets)) return;
  bool any_missing = std::find(sets.begin(), sets.end(), nullptr) != sets.end();
  ReplyWriter& w = ctx.reply();
  if (any_missing) {
    if (store) {
      if (ctx.db().Delete(dst)) {
        ctx.KeyModified(dst);
        ctx.Notify('g', "del", dst);
      }
      w.Integer(0);
    } else if (cardinality_only) {
      w.Integer(0);
    } else {
      EmptySet(ctx);
    }
    return;
  }
  if (store) {
    SetObject* result = SetObject::CreateIntSet();
    Intersect(sets, 0, [result](std::string_view m) { result->Add(m); });
    StoreResult(ctx, dst, result, "sinterstore");
  } else if (cardinality_only) {
    int64_t n = 0;
    Intersect(sets, limit, [&n](std::string_view) { ++n; });
    w.Integer(n);
  } else {
    size_t token = w.BeginDeferredSet();
    size_t n = 0;
    Intersect(sets, 0, [&](std::string_view m) {
      w.Bulk(m);
      ++n;
    });
    w.EndDeferredSet(token, n);
  }
}

enum class SetOp { kUnion, kDiff };

// SUNION, SDIFF and their *STORE forms (store: the result goes to `dst`).
void UnionDiffGeneric(CommandContext& ctx, const std::vector<std::string_view>& keys,
                      std::string_view dst, bool store, SetOp op) {
  MetaVector<SetObject*> sets;
  if (!CollectSets(ctx, keys, store, &sets)) return;
  SetObject* result = SetObject::CreateIntSet();
  if (op == SetOp::kUnion) {
    for (SetObject* s : sets) {
      if (s != nullptr) s->ForEach([result](std::string_view m) { result->Add(m); });
    }
  } else if (sets[0] != nullptr) {
    SetObject* first = sets[0];
    bool same_as_first = false;
    uint64_t walk_first = 0, walk_all = 0;
    for (size_t j = 0; j < sets.size(); ++j) {
      if (sets[j] == nullptr) continue;
      same_as_first |= j > 0 && sets[j] == first;
      walk_first += first->size();
      walk_all += sets[j]->size();
    }
    // Redis's choice between its two algorithms, kept because it shows: the second builds the
    // result from all of the first set before removing, so a non-integer member of the first
    // set makes the stored result leave the intset encoding even when it is removed again.
    if (same_as_first) {
      // Subtracting a set from itself: empty.
    } else if (walk_first / 2 <= walk_all) {
      first->ForEach([&](std::string_view m) {
        for (size_t j = 1; j < sets.size(); ++j) {
          if (sets[j] != nullptr && sets[j]->Contains(m)) return;
        }
        result->Add(m);
      });
    } else {
      first->ForEach([result](std::string_view m) { result->Add(m); });
      for (size_t j = 1; j < sets.size() && !result->empty(); ++j) {
        if (sets[j] != nullptr) sets[j]->ForEach([result](std::string_view m) { result->Remove(m); });
      }
    }
  }
  if (store) {
    StoreResult(ctx, dst, result, op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
    return;
  }
  ReplyMembers(ctx.reply(), result);
  SetObject::Destroy(result);
}

// SMEMBERS key
void SMembersCommand(CommandContext& ctx) {
  InterGeneric(ctx, {ctx.arg(1)}, {}, false, false, 0);
}

// SINTER key [key ...]
void SInterCommand(CommandContext& ctx) {
  InterGeneric(ctx, KeyArgs(ctx, 1, ctx.argc() - 1), {}, false, false, 0);
}

// SINTERSTORE destination key [key ...]
void SInterStoreCommand(CommandContext& ctx) {
  InterGeneric(ctx, KeyArgs(ctx, 2, ctx.argc() - 2), ctx.arg(1), true, false, 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(1), &numkeys) || numkeys < 1) {
    ctx.Error("ERR numkeys should be greater than 0");
    return;
  }
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - 2) {
    ctx.Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  uint64_t limit = 0;
  for (size_t i = 2 + numkeys; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "limit") && i + 1 < ctx.argc()) {
      int64_t v;
      if (!ParseInt64(ctx.arg(++i), &v) || v < 0) {
        ctx.Error("ERR LIMIT can't be negative");
        return;
      }
      limit = static_cast<uint64_t>(v);
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  InterGeneric(ctx, KeyArgs(ctx, 2, numkeys), {}, false, true, limit);
}

// SUNION key [key ...]
void SUnionCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, KeyArgs(ctx, 1, ctx.argc() - 1), {}, false, SetOp::kUnion);
}

// SUNIONSTORE destination key [key ...]
void SUnionStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, KeyArgs(ctx, 2, ctx.argc() - 2), ctx.arg(1), true, SetOp::kUnion);
}

// SDIFF key [key ...]
void SDiffCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, KeyArgs(ctx, 1, ctx.argc() - 1), {}, false, SetOp::kDiff);
}

// SDIFFSTORE destination key [key ...]
void SDiffStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, KeyArgs(ctx, 2, ctx.argc() - 2), ctx.arg(1), true, SetOp::kDiff);
}

// ---------------------------------------------------------------------------------------------
// SSCAN

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ctx.ParseScanCursor(2, &cursor)) return;
  ReplyWriter& w = ctx.reply();
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    w.ArrayHeader(2);
    w.Bulk("0");
    w.ArrayHeader(0);
    return;
  }
  SetObject* s = CheckedSet(ctx, e);
  if (s == nullptr) return;
  CommandContext::ScanOptions opt;
  if (!ctx.ParseScanOptions(3, false, &opt)) return;
  const int64_t count = opt.count;
  const std::string_view pattern = opt.pattern;
  const bool use_pattern = opt.use_pattern;

  MetaVector<std::string> found;
  auto keep = [&](std::string_view m) {
    if (!use_pattern || GlobMatch(pattern, m)) found.emplace_back(m);
  };
  if (s->encoding() != SetObject::Encoding::kHashtable) {
    cursor = s->Scan(0, keep);
  } else {
    // About `count` members per call, giving up after 10 * count steps over empty buckets.
    int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
    size_t seen = 0;
    do {
      cursor = s->Scan(cursor, [&](std::string_view m) {
        ++seen;
        keep(m);
      });
    } while (cursor != 0 && steps_left-- > 0 && seen < static_cast<uint64_t>(count));
  }
  w.ArrayHeader(2);
  w.Bulk(std::to_string(cursor));
  w.ArrayHeader(found.size());
  for (const std::string& m : found) w.Bulk(m);
}

// ---------------------------------------------------------------------------------------------
// The table

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr const char* kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
constexpr const char* kUnionComplexity =
    "O(N) where N is the total number of elements in all given sets.";

const CommandSpec kSetCommands[] = {
    {"sadd", -3, kWriteOom | kCmdFast, 1, 1, 1, "set", "1.0.0", "Add one or more members to a set",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key member [member ...]", SAddCommand},
    {"srem", -3, kCmdWrite | kCmdFast, 1, 1, 1, "set", "1.0.0",
     "Remove one or more members from a set",
     "O(N) where N is the number of members to be removed.", "key member [member ...]",
     SRemCommand},
    {"scard", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "set", "1.0.0",
     "Get the number of members in a set", "O(1)", "key", SCardCommand},
    {"sismember", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "set", "1.0.0",
     "Determine if a given value is a member of a set", "O(1)", "key member", SIsMemberCommand},
    {"smismember", -3, kCmdReadonly | kCmdFast, 1, 1, 1, "set", "6.2.0",
     "Returns the membership associated with the given elements for a set",
     "O(N) where N is the number of elements being checked for membership",
     "key member [member ...]", SMIsMemberCommand},
    {"smembers", 2, kCmdReadonly, 1, 1, 1, "set", "1.0.0", "Get all the members in a set",
     "O(N) where N is the set cardinality.", "key", SMembersCommand},
    {"smove", 4, kCmdWrite | kCmdFast, 1, 2, 1, "set", "1.0.0",
     "Move a member from one set to another", "O(1)", "source destination member",
     SMoveCommand},
    {"spop", -2, kCmdWrite | kCmdFast, 1, 1, 1, "set", "1.0.0",
     "Remove and return one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
     "key [count]", SPopCommand},
    {"srandmember", -2, kCmdReadonly, 1, 1, 1, "set", "1.0.0",
     "Get one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
     "passed count.",
     "key [count]", SRandMemberCommand},
    {"sinter", -2, kCmdReadonly, 1, -1, 1, "set", "1.0.0", "Intersect multiple sets",
     kInterComplexity, "key [key ...]", SInterCommand},
    {"sintercard", -3, kCmdReadonly, 0, 0, 0, "set", "7.0.0",
     "Intersect multiple sets and return the cardinality of the result", kInterComplexity,
     "numkeys key [key ...] [LIMIT limit]", SInterCardCommand},
    {"sinterstore", -3, kWriteOom, 1, -1, 1, "set", "1.0.0",
     "Intersect multiple sets and store the resulting set in a key", kInterComplexity,
     "destination key [key ...]", SInterStoreCommand},
    {"sunion", -2, kCmdReadonly, 1, -1, 1, "set", "1.0.0", "Add multiple sets", kUnionComplexity,
     "key [key ...]", SUnionCommand},
    {"sunionstore", -3, kWriteOom, 1, -1, 1, "set", "1.0.0",
     "Add multiple sets and store the resulting set in a key", kUnionComplexity,
     "destination key [key ...]", SUnionStoreCommand},
    {"sdiff", -2, kCmdReadonly, 1, -1, 1, "set", "1.0.0", "Subtract multiple sets",
     kUnionComplexity, "key [key ...]", SDiffCommand},
    {"sdiffstore", -3, kWriteOom, 1, -1, 1, "set", "1.0.0",
     "Subtract multiple sets and store the resulting set in a key", kUnionComplexity,
     "destination key [key ...]", SDiffStoreCommand},
    {"sscan", -3, kCmdReadonly, 1, 1, 1, "set", "2.8.0", "Incrementally iterate Set elements",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "key cursor [MATCH pattern] [COUNT count]", SScanCommand},
    {nullptr},
};

}  // namespace

void RegisterSetCommands() {
  SetObject::RegisterOps();
  CommandTable::Get().Register(kSetCommands);
}

}  // namespace memkeydb
