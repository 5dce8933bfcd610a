// List commands: pushes and pops at both ends, indexes and ranges, searches by value (LREM,
// LINSERT, LPOS), moves between lists, multi-key pops and the blocking pops.
//
// Every list is a Quicklist (types/list_object.h). Handlers validate their arguments and look
// up their keys in the order redis-server 7.0 does, since that order decides which error wins.
// A list that loses its last element is deleted (with a "del" event), as in Redis.
//
// Blocking commands first try to serve at once like their non-blocking forms; finding nothing
// they Block() (or, inside MULTI, reply as if timed out). They run again whenever one of their
// keys is written; a key that holds another type by then is skipped, since Redis 7.0 keeps such
// a client waiting rather than failing it.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"
#include "types/list_object.h"

namespace memkeydb {
namespace {

using End = Quicklist::End;

bool IsList(const Entry* e) { return e->value.type() == ValueType::kList; }
Quicklist* ListOf(Entry* e) { return static_cast<Quicklist*>(e->value.object()); }

// False, after replying WRONGTYPE, when `e` exists and is not a list.
bool CheckList(CommandContext& ctx, const Entry* e) {
  if (e != nullptr && !IsList(e)) {
    ctx.WrongType();
    return false;
  }
  return true;
}

const char* PushEvent(End end) { return end == End::kHead ? "lpush" : "rpush"; }
const char* PopEvent(End end) { return end == End::kHead ? "lpop" : "rpop"; }

// LEFT or RIGHT at argument i; a syntax error otherwise.
bool ParseEnd(CommandContext& ctx, size_t i, End* end) {
  if (ctx.ArgIs(i, "left")) {
    *end = End::kHead;
  } else if (ctx.ArgIs(i, "right")) {
    *end = End::kTail;
  } else {
    ctx.SyntaxError();
    return false;
  }
  return true;
}

// A non-negative integer, else "ERR <msg>" (Redis's getPositiveLongFromObjectOrReply: the same
// error for a non-integer and a negative one).
bool ParseNonNegative(CommandContext& ctx, size_t i, const char* msg, int64_t* out) {
  if (!ParseInt64(ctx.arg(i), out) || *out < 0) {
    ctx.Error(msg != nullptr ? std::string("ERR ") + msg
                             : std::string("ERR value is out of range, must be positive"));
    return false;
  }
  return true;
}

// An integer of at least 1, else "ERR <msg>" (numkeys, COUNT of LMPOP).
bool ParsePositive(CommandContext& ctx, size_t i, const char* msg, int64_t* out) {
  if (!ParseInt64(ctx.arg(i), out) || *out < 1) {
    ctx.Error(std::string("ERR ") + msg);
    return false;
  }
  return true;
}

Quicklist* CreateList(CommandContext& ctx, std::string_view key) {
  Quicklist* list = NewList();
  ctx.db().Add(key)->value.SetObject(ValueType::kList, list);
  return list;
}

// After `count` elements left the list at `key` from `end`: the pop event, deletion of an
// emptied list, WATCH and the dirty counter.
void ElementsRemoved(CommandContext& ctx, std::string_view key, const Quicklist* list, End end,
                     int64_t count) {
  ctx.Notify('l', PopEvent(end), key);
  if (list->empty()) {
    ctx.db().Delete(key);
    ctx.Notify('g', "del", key);
  }
  ctx.KeyModified(key, count);
}

// Replies with the elements between `start` and `end` (Redis's clamping of negative and
// out-of-range indexes), from `end` down to `start` when `reverse`.
void ReplyRange(CommandContext& ctx, const Quicklist& list, int64_t start, int64_t end,
                bool reverse) {
  int64_t len = static_cast<int64_t>(list.size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  if (end >= len) end = len - 1;
  size_t left = static_cast<size_t>(end - start + 1);
  ctx.reply().ArrayHeader(left);
  list.Walk(static_cast<size_t>(reverse ? end : start), reverse, [&](std::string_view s, size_t) {
    ctx.reply().Bulk(s);
    return --left > 0;
  });
}

// Pops up to `count` elements from `end`, replying with them as an array in pop order.
void PopRange(CommandContext& ctx, std::string_view key, Quicklist* list, End end,
              int64_t count) {
  int64_t len = static_cast<int64_t>(list->size());
  int64_t n = count < len ? count : len;
  bool head = end == End::kHead;
  ReplyRange(ctx, *list, head ? 0 : -n, head ? n - 1 : -1, /*reverse=*/!head);
  list->DeleteRange(head ? 0 : static_cast<size_t>(len - n), static_cast<size_t>(n));
  ElementsRemoved(ctx, key, list, end, n);
}

// Pops one element into the reply as a bulk string.
void PopOne(CommandContext& ctx, std::string_view key, Quicklist* list, End end) {
  std::string value;
  list->Pop(end, &value);
  ctx.reply().Bulk(value);
  ElementsRemoved(ctx, key, list, end, 1);
}

// ---------------------------------------------------------------------------------------------
// Pushes and pops

// LPUSH / RPUSH key element [element ...]; LPUSHX / RPUSHX (only_existing) likewise.
void PushGeneric(CommandContext& ctx, End end, bool only_existing) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (!CheckList(ctx, e)) return;
  Quicklist* list;
  if (e != nullptr) {
    list = ListOf(e);
  } else if (only_existing) {
    ctx.reply().Integer(0);
    return;
  } else {
    list = CreateList(ctx, key);
  }
  for (size_t i = 2; i < ctx.argc(); ++i) list->Push(end, ctx.arg(i));
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
  ctx.KeyModified(key, static_cast<int64_t>(ctx.argc() - 2));
  ctx.Notify('l', PushEvent(end), key);
}

// LPUSH key element [element ...]
void LPushCommand(CommandContext& ctx) { PushGeneric(ctx, End::kHead, false); }
// RPUSH key element [element ...]
void RPushCommand(CommandContext& ctx) { PushGeneric(ctx, End::kTail, false); }
// LPUSHX key element [element ...]
void LPushXCommand(CommandContext& ctx) { PushGeneric(ctx, End::kHead, true); }
// RPUSHX key element [element ...]
void RPushXCommand(CommandContext& ctx) { PushGeneric(ctx, End::kTail, true); }

// LPOP / RPOP key [count]
void PopGeneric(CommandContext& ctx, End end) {
  if (ctx.argc() > 3) {
    ctx.Error("ERR wrong number of arguments for '" + ctx.command().full_name + "' command");
    return;
  }
  bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !ParseNonNegative(ctx, 2, nullptr, &count)) return;
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    if (has_count) {
      ctx.reply().NullArray();
    } else {
      ctx.reply().Null();
    }
    return;
  }
  if (!CheckList(ctx, e)) return;
  if (has_count && count == 0) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  if (has_count) {
    PopRange(ctx, key, ListOf(e), end, count);
  } else {
    PopOne(ctx, key, ListOf(e), end);
  }
}

// LPOP key [count]
void LPopCommand(CommandContext& ctx) { PopGeneric(ctx, End::kHead); }
// RPOP key [count]
void RPopCommand(CommandContext& ctx) { PopGeneric(ctx, End::kTail); }

// ---------------------------------------------------------------------------------------------
// Length, indexes, ranges

// LLEN key
void LLenCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (!CheckList(ctx, e)) return;
  ctx.reply().Integer(e == nullptr ? 0 : static_cast<int64_t>(ListOf(e)->size()));
}

// The position `index` names in a list of `len` elements (negative from the end), or -1.
int64_t Position(int64_t index, size_t len) {
  int64_t n = static_cast<int64_t>(len);
  if (index < 0) index += n;
  return index >= 0 && index < n ? index : -1;
}

// LINDEX key index
void LIndexCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Null();
    return;
  }
  if (!CheckList(ctx, e)) return;
  int64_t index;
  if (!ctx.ParseInt(2, &index)) return;
  Quicklist* list = ListOf(e);
  int64_t pos = Position(index, list->size());
  if (pos < 0) {
    ctx.reply().Null();
    return;
  }
  std::string value;
  list->Get(static_cast<size_t>(pos), &value);
  ctx.reply().Bulk(value);
}

// LSET key index element
void LSetCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return;
  }
  if (!CheckList(ctx, e)) return;
  int64_t index;
  if (!ctx.ParseInt(2, &index)) return;
  Quicklist* list = ListOf(e);
  int64_t pos = Position(index, list->size());
  if (pos < 0) {
    ctx.Error(errors::kOutOfRange);
    return;
  }
  list->Set(static_cast<size_t>(pos), ctx.arg(3));
  ctx.reply().Ok();
  ctx.KeyModified(key);
  ctx.Notify('l', "lset", key);
}

// LRANGE key start stop
void LRangeCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ctx.ParseInt(2, &start) || !ctx.ParseInt(3, &stop)) return;
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  if (!CheckList(ctx, e)) return;
  ReplyRange(ctx, *ListOf(e), start, stop, false);
}

// LTRIM key start stop
void LTrimCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ctx.ParseInt(2, &start) || !ctx.ParseInt(3, &stop)) return;
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Ok();
    return;
  }
  if (!CheckList(ctx, e)) return;
  Quicklist* list = ListOf(e);
  int64_t len = static_cast<int64_t>(list->size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  int64_t drop_head, drop_tail;
  if (start > stop || start >= len) {
    drop_head = len;
    drop_tail = 0;
  } else {
    if (stop >= len) stop = len - 1;
    drop_head = start;
    drop_tail = len - stop - 1;
  }
  list->DeleteRange(0, static_cast<size_t>(drop_head));
  list->DeleteRange(list->size() - static_cast<size_t>(drop_tail),
                    static_cast<size_t>(drop_tail));
  ctx.Notify('l', "ltrim", key);
  if (list->empty()) {
    ctx.db().Delete(key);
    ctx.Notify('g', "del", key);
  }
  ctx.KeyModified(key, drop_head + drop_tail);
  ctx.reply().Ok();
}

// ---------------------------------------------------------------------------------------------
// Searches by value

// LREM key count element
void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!ctx.ParseInt(2, &count)) return;
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!CheckList(ctx, e)) return;
  Quicklist* list = ListOf(e);
  // The magnitude as unsigned, so that INT64_MIN means "every match" as in Redis.
  uint64_t limit = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  size_t removed = list->Remove(ctx.arg(3), limit, count < 0);
  if (removed > 0) {
    ctx.Notify('l', "lrem", key);
    if (list->empty()) {
      ctx.db().Delete(key);
      ctx.Notify('g', "del", key);
    }
    ctx.KeyModified(key, static_cast<int64_t>(removed));
  }
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

// LINSERT key BEFORE | AFTER pivot element
void LInsertCommand(CommandContext& ctx) {
  bool after;
  if (ctx.ArgIs(2, "after")) {
    after = true;
  } else if (ctx.ArgIs(2, "before")) {
    after = false;
  } else {
    ctx.SyntaxError();
    return;
  }
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!CheckList(ctx, e)) return;
  Quicklist* list = ListOf(e);
  if (!list->InsertByPivot(ctx.arg(3), ctx.arg(4), after)) {
    ctx.reply().Integer(-1);
    return;
  }
  ctx.KeyModified(key);
  ctx.Notify('l', "linsert", key);
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCommand(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    bool has_value = i + 1 < ctx.argc();
    if (ctx.ArgIs(i, "rank") && has_value) {
      if (!ctx.ParseInt(++i, &rank)) return;
      if (rank == 0) {
        ctx.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return;
      }
    } else if (ctx.ArgIs(i, "count") && has_value) {
      if (!ParseNonNegative(ctx, ++i, "COUNT can't be negative", &count)) return;
    } else if (ctx.ArgIs(i, "maxlen") && has_value) {
      if (!ParseNonNegative(ctx, ++i, "MAXLEN can't be negative", &maxlen)) return;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    if (count != -1) {
      ctx.reply().ArrayHeader(0);
    } else {
      ctx.reply().Null();
    }
    return;
  }
  if (!CheckList(ctx, e)) return;
  const Quicklist& list = *ListOf(e);
  bool from_tail = rank < 0;
  // Redis negates the rank without a range check: INT64_MIN stays negative, so every match
  // qualifies and COUNT never stops the scan.
  bool min_rank = rank == INT64_MIN;
  uint64_t skip = min_rank ? 0 : (from_tail ? static_cast<uint64_t>(-rank) : rank) - 1;
  uint64_t want = count <= 0 || min_rank ? UINT64_MAX : static_cast<uint64_t>(count);
  uint64_t scan = maxlen == 0 ? UINT64_MAX : static_cast<uint64_t>(maxlen);
  std::string_view element = ctx.arg(2);
  std::vector<int64_t> found;
  uint64_t matches = 0, scanned = 0;
  if (!list.empty()) {
    list.Walk(from_tail ? list.size() - 1 : 0, from_tail, [&](std::string_view s, size_t index) {
      if (scanned++ >= scan) return false;
      if (s == element && ++matches > skip) {
        found.push_back(static_cast<int64_t>(index));
        if (count == -1 || found.size() >= want) return false;
      }
      return true;
    });
  }
  if (count == -1) {
    if (found.empty()) {
      ctx.reply().Null();
    } else {
      ctx.reply().Integer(found[0]);
    }
    return;
  }
  ctx.reply().ArrayHeader(found.size());
  for (int64_t index : found) ctx.reply().Integer(index);
}

// ---------------------------------------------------------------------------------------------
// Moves

// Moves one element from the non-empty list `src` (entry `s`) to `dst`, replying with it.
// Replies WRONGTYPE, moving nothing, when `dst` holds another type.
void MoveElement(CommandContext& ctx, Entry* s, End from, End to) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  Entry* d = ctx.LookupForWrite(dst);
  if (!CheckList(ctx, d)) return;
  Quicklist* from_list = ListOf(s);
  std::string value;
  from_list->Pop(from, &value);
  // When src and dst are the same key the element goes back into the same list, so the list
  // is only checked for emptiness after the push.
  Quicklist* to_list = d != nullptr ? ListOf(d) : CreateList(ctx, dst);
  to_list->Push(to, value);
  ctx.KeyModified(dst, 0);
  ctx.Notify('l', PushEvent(to), dst);
  ctx.reply().Bulk(value);
  ElementsRemoved(ctx, src, from_list, from, 1);
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT; RPOPLPUSH source destination.
void MoveGeneric(CommandContext& ctx, End from, End to) {
  Entry* s = ctx.LookupForWrite(ctx.arg(1));
  if (s == nullptr) {
    ctx.reply().Null();
    return;
  }
  if (!CheckList(ctx, s)) return;
  MoveElement(ctx, s, from, to);
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT
void LMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx, 3, &from) || !ParseEnd(ctx, 4, &to)) return;
  MoveGeneric(ctx, from, to);
}

// RPOPLPUSH source destination
void RPopLPushCommand(CommandContext& ctx) { MoveGeneric(ctx, End::kTail, End::kHead); }

// ---------------------------------------------------------------------------------------------
// Multi-key and blocking pops

enum class Served { kYes, kNothing, kFailed };

// Pops from the first non-empty list among `keys`: one element replied as [key, element]
// (count < 0, BLPOP), or up to `count` as [key, [elements]] (LMPOP). A key of another type
// fails with WRONGTYPE — except when re-run for a blocked client, where it is passed over.
Served PopFirstNonEmpty(CommandContext& ctx, const std::vector<std::string_view>& keys, End end,
                        int64_t count) {
  for (std::string_view key : keys) {
    Entry* e = ctx.LookupForWrite(key);
    if (e == nullptr) continue;
    if (!IsList(e)) {
      if (ctx.reprocessing()) continue;
      ctx.WrongType();
      return Served::kFailed;
    }
    Quicklist* list = ListOf(e);
    if (list->empty()) continue;
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk(key);
    auto size = static_cast<int64_t>(list->size());
    if (count < 0) {
      PopOne(ctx, key, list, end);
    } else {
      PopRange(ctx, key, list, end, count);
    }
    // Fed as the plain pop of the key that served (LMPOP too, with the count popped), so a
    // replay does not depend on which keys held data or on blocking.
    if (ctx.propagating()) {
      std::vector<std::string> pop = {end == End::kHead ? "LPOP" : "RPOP", std::string(key)};
      if (count >= 0) pop.push_back(std::to_string(std::min(count, size)));
      ctx.RewriteForPropagation(std::move(pop));
    }
    return Served::kYes;
  }
  return Served::kNothing;
}

// BLPOP / BRPOP key [key ...] timeout
void BlockingPopGeneric(CommandContext& ctx, End end) {
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(ctx.argc() - 1, CommandContext::TimeoutUnit::kSeconds, &deadline)) {
    return;
  }
  std::vector<std::string_view> keys(ctx.args().begin() + 1, ctx.args().end() - 1);
  if (PopFirstNonEmpty(ctx, keys, end, -1) != Served::kNothing) return;
  if (!ctx.CanBlock()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray);
}

// BLPOP key [key ...] timeout
void BLPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kHead); }
// BRPOP key [key ...] timeout
void BRPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kTail); }

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count], and BLMPOP with a timeout first.
void MPopGeneric(CommandContext& ctx, bool blocking) {
  size_t numkeys_at = blocking ? 2 : 1;
  int64_t numkeys;
  if (!ParsePositive(ctx, numkeys_at, "numkeys should be greater than 0", &numkeys)) return;
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - numkeys_at - 1) {
    ctx.SyntaxError();
    return;
  }
  size_t where_at = numkeys_at + static_cast<size_t>(numkeys) + 1;
  End end;
  if (!ParseEnd(ctx, where_at, &end)) return;
  int64_t count = -1;
  for (size_t i = where_at + 1; i < ctx.argc(); ++i) {
    if (count == -1 && ctx.ArgIs(i, "count") && i + 1 < ctx.argc()) {
      if (!ParsePositive(ctx, ++i, "count should be greater than 0", &count)) return;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (count == -1) count = 1;
  int64_t deadline = 0;
  if (blocking &&
      !ctx.ParseBlockTimeout(1, CommandContext::TimeoutUnit::kSeconds, &deadline)) {
    return;
  }
  std::vector<std::string_view> keys(ctx.args().begin() + numkeys_at + 1,
                                     ctx.args().begin() + where_at);
  if (PopFirstNonEmpty(ctx, keys, end, count) != Served::kNothing) return;
  if (!blocking || !ctx.CanBlock()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray);
}

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]
void LMPopCommand(CommandContext& ctx) { MPopGeneric(ctx, false); }
// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]
void BLMPopCommand(CommandContext& ctx) { MPopGeneric(ctx, true); }

// BLMOVE and BRPOPLPUSH once their arguments are parsed.
void BlockingMoveGeneric(CommandContext& ctx, End from, End to, int64_t deadline) {
  std::string_view src = ctx.arg(1);
  Entry* s = ctx.LookupForWrite(src);
  bool waiting = s == nullptr || (ctx.reprocessing() && !IsList(s));
  if (!waiting) {
    if (!CheckList(ctx, s)) return;
    MoveElement(ctx, s, from, to);
    if (ctx.propagating()) {
      // Served: fed as the non-blocking move.
      if (ctx.argc() == 6) {
        ctx.RewriteForPropagation({"LMOVE", std::string(src), std::string(ctx.arg(2)),
                                   std::string(ctx.arg(3)), std::string(ctx.arg(4))});
      } else {
        ctx.RewriteForPropagation({"RPOPLPUSH", std::string(src), std::string(ctx.arg(2))});
      }
    }
    return;
  }
  if (!ctx.CanBlock()) {
    ctx.reply().Null();
    return;
  }
  ctx.Block({src}, deadline, CommandContext::TimeoutReply::kNullArray);
}

// BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout
void BLMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx, 3, &from) || !ParseEnd(ctx, 4, &to)) return;
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(5, CommandContext::TimeoutUnit::kSeconds, &deadline)) return;
  BlockingMoveGeneric(ctx, from, to, deadline);
}

// BRPOPLPUSH source destination timeout
void BRPopLPushCommand(CommandContext& ctx) {
  int64_t deadline;
  if (!ctx.ParseBlockTimeout(3, CommandContext::TimeoutUnit::kSeconds, &deadline)) return;
  BlockingMoveGeneric(ctx, End::kTail, End::kHead, deadline);
}

// ---------------------------------------------------------------------------------------------

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr const char* kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr const char* kMPopComplexity =
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.";

const CommandSpec kListCommands[] = {
    {"lpush", -3, kWriteOom | kCmdFast, 1, 1, 1, "list", "1.0.0",
     "Prepend one or multiple elements to a list", kPushComplexity, "key element [element ...]",
     LPushCommand},
    {"rpush", -3, kWriteOom | kCmdFast, 1, 1, 1, "list", "1.0.0",
     "Append one or multiple elements to a list", kPushComplexity, "key element [element ...]",
     RPushCommand},
    {"lpushx", -3, kWriteOom | kCmdFast, 1, 1, 1, "list", "2.2.0",
     "Prepend an element to a list, only if the list exists", kPushComplexity,
     "key element [element ...]", LPushXCommand},
    {"rpushx", -3, kWriteOom | kCmdFast, 1, 1, 1, "list", "2.2.0",
     "Append an element to a list, only if the list exists", kPushComplexity,
     "key element [element ...]", RPushXCommand},
    {"lpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, "list", "1.0.0",
     "Remove and get the first elements in a list",
     "O(N) where N is the number of elements returned", "key [count]", LPopCommand},
    {"rpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, "list", "1.0.0",
     "Remove and get the last elements in a list",
     "O(N) where N is the number of elements returned", "key [count]", RPopCommand},
    {"llen", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "list", "1.0.0", "Get the length of a list",
     "O(1)", "key", LLenCommand},
    {"lindex", 3, kCmdReadonly, 1, 1, 1, "list", "1.0.0",
     "Get an element from a list by its index",
     "O(N) where N is the number of elements to traverse to get to the element at index. This "
     "makes asking for the first or the last element of the list O(1).",
     "key index", LIndexCommand},
    {"lset", 4, kWriteOom, 1, 1, 1, "list", "1.0.0",
     "Set the value of an element in a list by its index",
     "O(N) where N is the length of the list. Setting either the first or the last element of "
     "the list is O(1).",
     "key index element", LSetCommand},
    {"lrange", 4, kCmdReadonly, 1, 1, 1, "list", "1.0.0", "Get a range of elements from a list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end "
     "(HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
     "key start stop", LRangeCommand},
    {"ltrim", 4, kCmdWrite, 1, 1, 1, "list", "1.0.0", "Trim a list to the specified range",
     "O(N) where N is the number of elements to be removed by the operation.", "key start stop",
     LTrimCommand},
    {"lrem", 4, kCmdWrite, 1, 1, 1, "list", "1.0.0", "Remove elements from a list",
     "O(N+M) where N is the length of the list and M is the number of elements removed.",
     "key count element", LRemCommand},
    {"linsert", 5, kWriteOom, 1, 1, 1, "list", "2.2.0",
     "Insert an element before or after another element in a list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
     "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
     "and inserting somewhere on the right end (tail) is O(N).",
     "key BEFORE | AFTER pivot element", LInsertCommand},
    {"lpos", -3, kCmdReadonly, 1, 1, 1, "list", "6.0.6",
     "Return the index of matching elements on a list",
     "O(N) where N is the number of elements in the list, for the average case. When searching "
     "for elements near the head or the tail of the list, or when the MAXLEN option is "
     "provided, the command may run in constant time.",
     "key element [RANK rank] [COUNT num-matches] [MAXLEN len]", LPosCommand},
    {"lmove", 5, kWriteOom, 1, 2, 1, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it", "O(1)",
     "source destination LEFT | RIGHT LEFT | RIGHT", LMoveCommand},
    {"rpoplpush", 3, kWriteOom, 1, 2, 1, "list", "1.2.0",
     "Remove the last element in a list, prepend it to another list and return it", "O(1)",
     "source destination", RPopLPushCommand},
    {"lmpop", -4, kCmdWrite, 0, 0, 0, "list", "7.0.0", "Pop elements from a list",
     kMPopComplexity, "numkeys key [key ...] LEFT | RIGHT [COUNT count]", LMPopCommand, nullptr,
     FindKeysNumkeysAt1},
    {"blpop", -3, kCmdWrite | kCmdNoScript | kCmdBlocking, 1, -2, 1, "list", "2.0.0",
     "Remove and get the first element in a list, or block until one is available",
     "O(N) where N is the number of provided keys.", "key [key ...] timeout", BLPopCommand},
    {"brpop", -3, kCmdWrite | kCmdNoScript | kCmdBlocking, 1, -2, 1, "list", "2.0.0",
     "Remove and get the last element in a list, or block until one is available",
     "O(N) where N is the number of provided keys.", "key [key ...] timeout", BRPopCommand},
    {"blmove", 6, kWriteOom | kCmdNoScript | kCmdBlocking, 1, 2, 1, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available",
     "O(1)", "source destination LEFT | RIGHT LEFT | RIGHT timeout", BLMoveCommand},
    {"brpoplpush", 4, kWriteOom | kCmdNoScript | kCmdBlocking, 1, 2, 1, "list", "2.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available",
     "O(1)", "source destination timeout", BRPopLPushCommand},
    {"blmpop", -5, kCmdWrite | kCmdBlocking, 0, 0, 0, "list", "7.0.0",
     "Pop elements from a list, or block until one is available", kMPopComplexity,
     "timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]", BLMPopCommand, nullptr,
     FindKeysNumkeysAt2},
    {},
};

}  // namespace

void RegisterListCommands() {
  RegisterListObjectOps();
  CommandTable::Get().Register(kListCommands);
}

}  // namespace memkeydb
