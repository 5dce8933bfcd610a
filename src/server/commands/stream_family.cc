// Stream commands: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XREAD XGROUP XREADGROUP XACK XPENDING
// XCLAIM XAUTOCLAIM XINFO XSETID.
//
// The argument order each handler validates in, its error texts and its reply shapes follow
// redis-server 7.0, because that decides what a client sees when several things are wrong.
// Stream IDs are parsed as Redis parses them ("ms-seq", "ms", "-", "+", "ms-*" for XADD, and
// the lenient unsigned conversion Redis falls back to for numbers).

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/errors.h"
#include "server/server.h"
#include "types/collection_limits.h"
#include "types/stream_object.h"

namespace memkeydb {
namespace {

constexpr const char* kInvalidId = "ERR Invalid stream ID specified as stream command argument";
constexpr int64_t kTrimLimitDefaultFactor = 100;
constexpr int64_t kTrimLimitFallback = 10000;

bool IsStream(const Entry* e) { return e->value.type() == ValueType::kStream; }
StreamObject* GetStream(Entry* e) { return static_cast<StreamObject*>(e->value.object()); }

// Redis's unsigned conversion: a canonical int64 that is not negative, or else what strtoull
// accepts in base 10 as a whole (leading blanks and a sign allowed; "-n" wraps around).
bool ParseU64Lenient(std::string_view s, uint64_t* out) {
  int64_t v;
  if (ParseInt64(s, &v)) {
    if (v < 0) return false;
    *out = static_cast<uint64_t>(v);
    return true;
  }
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i == s.size()) return false;
  uint64_t r = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = s[i] - '0';
    if (r > (UINT64_MAX - d) / 10) return false;
    r = r * 10 + d;
  }
  *out = neg ? 0 - r : r;
  return true;
}

// Parses a stream ID. `strict` refuses "-" and "+"; `seq_given` (XADD only) accepts "ms-*"
// and reports whether the sequence was given. Replies the error if ctx is not null.
bool ParseId(CommandContext* ctx, std::string_view arg, StreamID* id, uint64_t missing_seq,
             bool strict, bool* seq_given = nullptr) {
  auto invalid = [&] {
    if (ctx != nullptr) ctx->Error(kInvalidId);
    return false;
  };
  if (arg.size() > 127) return invalid();
  // Redis reads the argument as a C string: it ends at the first NUL.
  size_t nul = arg.find('\0');
  if (nul != std::string_view::npos) arg = arg.substr(0, nul);
  if (strict && (arg == "-" || arg == "+")) return invalid();
  if (seq_given != nullptr) *seq_given = true;
  if (arg == "-") {
    *id = StreamID::Min();
    return true;
  }
  if (arg == "+") {
    *id = StreamID::Max();
    return true;
  }
  size_t dash = arg.find('-');
  uint64_t ms, seq;
  if (!ParseU64Lenient(arg.substr(0, dash), &ms)) return invalid();
  if (dash != std::string_view::npos) {
    std::string_view tail = arg.substr(dash + 1);
    if (seq_given != nullptr && tail == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!ParseU64Lenient(tail, &seq)) {
      return invalid();
    }
  } else {
    seq = missing_seq;
  }
  *id = StreamID{ms, seq};
  return true;
}

bool ParseStrictId(CommandContext& ctx, std::string_view arg, StreamID* id, uint64_t missing = 0) {
  return ParseId(&ctx, arg, id, missing, true);
}

// An interval bound: "(" makes it exclusive (then "-"/"+" are refused).
bool ParseIntervalId(CommandContext& ctx, std::string_view arg, StreamID* id, bool* exclusive,
                     uint64_t missing_seq) {
  *exclusive = arg.size() > 1 && arg[0] == '(';
  if (*exclusive) return ParseId(&ctx, arg.substr(1), id, missing_seq, true);
  return ParseId(&ctx, arg, id, missing_seq, false);
}

bool ParseRangeStart(CommandContext& ctx, std::string_view arg, StreamID* id) {
  bool ex;
  if (!ParseIntervalId(ctx, arg, id, &ex, 0)) return false;
  if (ex && !id->Incr(id)) {
    ctx.Error("ERR invalid start ID for the interval");
    return false;
  }
  return true;
}

bool ParseRangeEnd(CommandContext& ctx, std::string_view arg, StreamID* id) {
  bool ex;
  if (!ParseIntervalId(ctx, arg, id, &ex, UINT64_MAX)) return false;
  if (ex && !id->Decr(id)) {
    ctx.Error("ERR invalid end ID for the interval");
    return false;
  }
  return true;
}

void ReplyId(ReplyWriter& w, StreamID id) { w.Bulk(id.ToString()); }

void ReplyEntry(ReplyWriter& w, StreamID id, const std::vector<std::string>& fv) {
  w.ArrayHeader(2);
  ReplyId(w, id);
  w.ArrayHeader(fv.size());
  for (const std::string& s : fv) w.Bulk(s);
}

// Replies with the entries of [start, end] (count 0: all) as an array; returns how many.
size_t ReplyRange(ReplyWriter& w, const StreamObject& s, StreamID start, StreamID end,
                  size_t count, bool rev) {
  size_t token = w.BeginDeferredArray();
  size_t n = s.Range(start, end, rev, [&](StreamID id, const std::vector<std::string>& fv) {
    ReplyEntry(w, id, fv);
    return count == 0 || --count > 0;
  });
  w.EndDeferredArray(token, n);
  return n;
}

// Replies with the first (or with rev the last) entry itself, not wrapped in an array (XINFO's
// first-entry / last-entry); returns 0 when the stream is empty.
size_t ReplyRangeOne(ReplyWriter& w, const StreamObject& s, bool rev) {
  return s.Range(StreamID::Min(), StreamID::Max(), rev,
                 [&](StreamID id, const std::vector<std::string>& fv) {
                   ReplyEntry(w, id, fv);
                   return false;
                 });
}

// Looks up `key` for a write; replies WRONGTYPE and returns false if it holds another type.
bool LookupStreamForWrite(CommandContext& ctx, std::string_view key, Entry** e) {
  *e = ctx.LookupForWrite(key);
  if (*e != nullptr && !IsStream(*e)) {
    ctx.WrongType();
    return false;
  }
  return true;
}

bool LookupStreamForRead(CommandContext& ctx, std::string_view key, Entry** e) {
  *e = ctx.Lookup(key);
  if (*e != nullptr && !IsStream(*e)) {
    ctx.WrongType();
    return false;
  }
  return true;
}

StreamObject* CreateStream(CommandContext& ctx, std::string_view key) {
  Entry* e = ctx.db().Add(key);
  StreamObject* s = StreamObject::New();
  e->value.SetObject(ValueType::kStream, s);
  return s;
}

// --- trimming arguments (XADD, XTRIM) ---

enum class TrimStrategy { kNone, kMaxLen, kMinId };

struct AddTrimArgs {
  TrimStrategy strategy = TrimStrategy::kNone;
  bool approx = false;
  int64_t maxlen = 0;
  StreamID minid;
  int64_t limit = 0;
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;
  StreamID id;
  // Where the options are, for the rewrite that feeds an approximate trim as an exact one.
  size_t approx_at = 0, threshold_at = 0, limit_at = 0;
};

// Parses XADD's (xadd) or XTRIM's options from argument 2; returns the index of XADD's ID, or
// -1 after replying an error.
int ParseAddTrimArgs(CommandContext& ctx, bool xadd, AddTrimArgs* a) {
  constexpr const char* kBoth =
      "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
  size_t i = 2;
  bool limit_given = false;
  for (; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    bool maxlen = EqualsIgnoreCase(opt, "maxlen");
    if ((maxlen || EqualsIgnoreCase(opt, "minid")) && more) {
      if (a->strategy != TrimStrategy::kNone) {
        ctx.Error(kBoth);
        return -1;
      }
      // An optional "~" (approximate) or "=" (exact) before the threshold.
      a->approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        a->approx = true;
        a->approx_at = i + 1;
        ++i;
      } else if (more >= 2 && next == "=") {
        ++i;
      }
      if (maxlen) {
        if (!ctx.ParseInt(i + 1, &a->maxlen)) return -1;
        if (a->maxlen < 0) {
          ctx.Error("ERR The MAXLEN argument must be >= 0.");
          return -1;
        }
      } else if (!ParseStrictId(ctx, ctx.arg(i + 1), &a->minid)) {
        return -1;
      }
      ++i;
      a->threshold_at = i;
      a->strategy = maxlen ? TrimStrategy::kMaxLen : TrimStrategy::kMinId;
    } else if (EqualsIgnoreCase(opt, "limit") && more) {
      if (!ctx.ParseInt(i + 1, &a->limit)) return -1;
      if (a->limit < 0) {
        ctx.Error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      limit_given = true;
      a->limit_at = i;
      ++i;
    } else if (xadd && EqualsIgnoreCase(opt, "nomkstream")) {
      a->nomkstream = true;
    } else if (xadd) {
      if (!ParseId(&ctx, opt, &a->id, 0, true, &a->seq_given)) return -1;
      a->id_given = true;
      break;
    } else {
      ctx.SyntaxError();
      return -1;
    }
  }
  if (a->limit && a->strategy == TrimStrategy::kNone) {
    ctx.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && a->strategy == TrimStrategy::kNone) {
    ctx.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (ctx.replaying()) {
    // A trim in a replayed stream (the AOF, or our primary's stream) was made exact by the
    // server that fed it (7.0 leaves LIMIT beside its "="): apply it in full, as Redis does.
    a->limit = 0;
  } else if (limit_given) {
    if (!a->approx) {
      ctx.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
  } else if (a->approx) {
    a->limit = kTrimLimitDefaultFactor * Limits().stream_node_max_entries;
    if (a->limit <= 0 || a->limit > kTrimLimitFallback) a->limit = kTrimLimitFallback;
  } else {
    a->limit = 0;
  }
  return static_cast<int>(i);
}

// What XADD and XTRIM feed to the stream of writes: the ID chosen for "*" or "ms-*" (idpos,
// XADD only; 0 for none), and an approximate trim as the exact trim to where it stopped (the
// stream's length, or its first ID), so that a replay, whose nodes may differ, keeps the same
// entries. Redis 7.0 keeps LIMIT in that rewrite (which only its AOF loader and replicas
// accept: see CommandContext::replaying); it is dropped here, as an exact trim to the length
// reached needs no limit.
void RewriteAddTrimForPropagation(CommandContext& ctx, const AddTrimArgs& a, const StreamObject* s,
                                  size_t idpos, StreamID id) {
  if (!ctx.propagating()) return;
  bool new_id = idpos != 0 && !(a.id_given && a.seq_given);
  if (!new_id && !a.approx) return;
  std::vector<std::string> argv;
  for (size_t i = 0; i < ctx.argc(); ++i) {
    if (a.approx && a.limit_at != 0 && (i == a.limit_at || i == a.limit_at + 1)) continue;
    if (new_id && i == idpos) {
      argv.push_back(id.ToString());
    } else if (a.approx && i == a.approx_at) {
      argv.emplace_back("=");
    } else if (a.approx && i == a.threshold_at) {
      if (a.strategy == TrimStrategy::kMaxLen) {
        argv.push_back(std::to_string(s->length()));
      } else {
        // An emptied stream: the largest ID, which trims everything on replay (as Redis 7.0).
        StreamID first;
        if (!s->FirstId(&first)) first = StreamID::Max();
        argv.push_back(first.ToString());
      }
    } else {
      argv.emplace_back(ctx.arg(i));
    }
  }
  ctx.RewriteForPropagation(std::move(argv));
}

int64_t Trim(StreamObject* s, const AddTrimArgs& a) {
  if (a.strategy == TrimStrategy::kMaxLen) {
    return s->TrimMaxLen(static_cast<uint64_t>(a.maxlen), a.approx, a.limit);
  }
  if (a.strategy == TrimStrategy::kMinId) return s->TrimMinId(a.minid, a.approx, a.limit);
  return 0;
}

// XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id>
//     field value [field value ...]
void XAddCommand(CommandContext& ctx) {
  AddTrimArgs a;
  int idpos = ParseAddTrimArgs(ctx, true, &a);
  if (idpos < 0) return;
  size_t field_pos = static_cast<size_t>(idpos) + 1;
  size_t nargs = ctx.argc() > field_pos ? ctx.argc() - field_pos : 0;
  if (ctx.argc() < field_pos || nargs < 2 || nargs % 2 == 1) {
    ctx.Error("ERR wrong number of arguments for 'xadd' command");
    return;
  }
  if (a.id_given && a.seq_given && a.id == StreamID{}) {
    ctx.Error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!LookupStreamForWrite(ctx, key, &e)) return;
  StreamObject* s;
  if (e == nullptr) {
    if (a.nomkstream) {
      ctx.reply().Null();
      return;
    }
    s = CreateStream(ctx, key);
  } else {
    s = GetStream(e);
  }
  if (s->last_id == StreamID::Max()) {
    ctx.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  StreamID id;
  bool ok = true;
  if (a.id_given) {
    if (a.seq_given) {
      id = a.id;
    } else if (s->last_id.ms == a.id.ms) {
      if (s->last_id.seq == UINT64_MAX) {
        ok = false;
      } else {
        id = {s->last_id.ms, s->last_id.seq + 1};
      }
    } else {
      id = a.id;
    }
  } else {
    uint64_t now = static_cast<uint64_t>(ctx.now_ms());
    if (now > s->last_id.ms) {
      id = {now, 0};
    } else {
      s->last_id.Incr(&id);
    }
  }
  if (!ok) {
    // Redis 7.0.15 reports an exhausted sequence for "ms-*" with this (misleading) text.
    ctx.Error("ERR Elements are too large to be stored");
    return;
  }
  if (id <= s->last_id) {
    ctx.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    return;
  }
  std::vector<std::string_view> fv(ctx.args().begin() + field_pos, ctx.args().end());
  s->Append(id, fv);
  ReplyId(ctx.reply(), id);
  ctx.KeyModified(key);
  ctx.Notify('t', "xadd", key);
  if (a.strategy != TrimStrategy::kNone && Trim(s, a) > 0) ctx.Notify('t', "xtrim", key);
  RewriteAddTrimForPropagation(ctx, a, s, static_cast<size_t>(idpos), id);
}

// XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]
void XTrimCommand(CommandContext& ctx) {
  AddTrimArgs a;
  if (ParseAddTrimArgs(ctx, false, &a) < 0) return;
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!LookupStreamForWrite(ctx, key, &e)) return;
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  int64_t deleted = Trim(GetStream(e), a);
  if (deleted) {
    ctx.Notify('t', "xtrim", key);
    ctx.KeyModified(key, deleted);
    RewriteAddTrimForPropagation(ctx, a, GetStream(e), 0, StreamID{});
  }
  ctx.reply().Integer(deleted);
}

// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count]
void RangeGeneric(CommandContext& ctx, bool rev) {
  StreamID start, end;
  if (!ParseRangeStart(ctx, ctx.arg(rev ? 3 : 2), &start)) return;
  if (!ParseRangeEnd(ctx, ctx.arg(rev ? 2 : 3), &end)) return;
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    if (ctx.ArgIs(j, "count") && j + 1 < ctx.argc()) {
      if (!ctx.ParseInt(j + 1, &count)) return;
      if (count < 0) count = 0;
      ++j;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  Entry* e;
  if (!LookupStreamForRead(ctx, ctx.arg(1), &e)) return;
  if (e == nullptr) {
    ctx.reply().ArrayHeader(0);
    return;
  }
  if (count == 0) {
    ctx.reply().NullArray();
    return;
  }
  ReplyRange(ctx.reply(), *GetStream(e), start, end, count < 0 ? 0 : count, rev);
}

void XRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, false); }
void XRevRangeCommand(CommandContext& ctx) { RangeGeneric(ctx, true); }

// XLEN key
void XLenCommand(CommandContext& ctx) {
  Entry* e;
  if (!LookupStreamForRead(ctx, ctx.arg(1), &e)) return;
  ctx.reply().Integer(e == nullptr ? 0 : static_cast<int64_t>(GetStream(e)->length()));
}

// XDEL key id [id ...]
void XDelCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!LookupStreamForWrite(ctx, key, &e)) return;
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  std::vector<StreamID> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (!ParseStrictId(ctx, ctx.arg(j), &ids[j - 2])) return;
  }
  StreamObject* s = GetStream(e);
  int64_t deleted = 0;
  for (StreamID id : ids) deleted += s->Delete(id) ? 1 : 0;
  if (deleted) {
    ctx.KeyModified(key, deleted);
    ctx.Notify('t', "xdel", key);
  }
  ctx.reply().Integer(deleted);
}

// --- consumer groups ---

// An argument as Redis's "%s" prints it: up to its first NUL.
std::string CStr(std::string_view s) { return std::string(s.substr(0, s.find('\0'))); }

std::string NoGroupError(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + CStr(key) + "' or consumer group '" +
         CStr(group) + "'";
}

// --- what group commands feed (Redis 7.0's forms) ---

std::string ConsumerName(const StreamConsumer* c) {
  return std::string(c->name->data(), c->name->size());
}

// A pending entry's state after a read or claim, as XCLAIM ... FORCE JUSTID LASTID: it recreates
// the entry with its owner, delivery time and count whatever the replica's PEL held (and drops
// it there if the entry is gone from the stream).
void PropagatePending(CommandContext& ctx, std::string_view key, std::string_view group,
                      const StreamGroup& g, StreamID id, const StreamPending& pe) {
  if (!ctx.propagating()) return;
  ctx.AlsoPropagate(ctx.db_index(),
                    {"XCLAIM", std::string(key), std::string(group), ConsumerName(pe.consumer),
                     "0", id.ToString(), "TIME", std::to_string(pe.delivery_time), "RETRYCOUNT",
                     std::to_string(pe.delivery_count), "FORCE", "JUSTID", "LASTID",
                     g.last_id.ToString()});
}

// The group's last delivered ID and read counter, as XGROUP SETID ... ENTRIESREAD.
void PropagateGroupPosition(CommandContext& ctx, std::string_view key, std::string_view group,
                            const StreamGroup& g) {
  if (!ctx.propagating()) return;
  ctx.AlsoPropagate(ctx.db_index(), {"XGROUP", "SETID", std::string(key), std::string(group),
                                     g.last_id.ToString(), "ENTRIESREAD",
                                     std::to_string(g.entries_read)});
}

// Redis's "consumer created" path: creates, counts it dirty and notifies.
StreamConsumer* CreateConsumerNotify(CommandContext& ctx, StreamObject* s, StreamGroup* g,
                                     std::string_view name, std::string_view key) {
  StreamConsumer* c = s->CreateConsumer(g, name, ctx.now_ms());
  if (c != nullptr) {
    ctx.KeyModified(key, 1);
    ctx.Notify('t', "xgroup-createconsumer", key);
  }
  return c;
}

StreamConsumer* LookupOrCreateConsumer(CommandContext& ctx, StreamObject* s, StreamGroup* g,
                                       std::string_view name, std::string_view key,
                                       bool refresh) {
  StreamConsumer* c = s->FindConsumer(g, name);
  if (c != nullptr) {
    if (refresh) c->seen_time = ctx.now_ms();
    return c;
  }
  return CreateConsumerNotify(ctx, s, g, name, key);
}

// XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER key group ...
void XGroupGeneric(CommandContext& ctx) {
  std::string_view opt = ctx.arg(1);
  bool create = EqualsIgnoreCase(opt, "create");
  bool setid = EqualsIgnoreCase(opt, "setid");
  bool mkstream = false;
  int64_t entries_read = -1;
  std::string_view key = ctx.arg(2);
  std::string_view group = ctx.arg(3);
  for (size_t i = 5; i < ctx.argc();) {
    if (create && ctx.ArgIs(i, "mkstream")) {
      mkstream = true;
      ++i;
    } else if ((create || setid) && ctx.ArgIs(i, "entriesread") && i + 1 < ctx.argc()) {
      if (!ctx.ParseInt(i + 1, &entries_read)) return;
      if (entries_read < 0 && entries_read != -1) {
        ctx.Error("ERR value for ENTRIESREAD must be positive or -1");
        return;
      }
      i += 2;
    } else {
      SubcommandSyntaxError(ctx);
      return;
    }
  }
  Entry* e;
  if (!LookupStreamForWrite(ctx, key, &e)) return;
  StreamObject* s = e == nullptr ? nullptr : GetStream(e);
  StreamGroup* g = nullptr;
  if (!mkstream) {
    if (s == nullptr) {
      ctx.Error(
          "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
          "want to use the MKSTREAM option to create an empty stream automatically.");
      return;
    }
    g = s->FindGroup(group);
    if (g == nullptr && (setid || EqualsIgnoreCase(opt, "createconsumer") ||
                         EqualsIgnoreCase(opt, "delconsumer"))) {
      ctx.Error("NOGROUP No such consumer group '" + CStr(group) + "' for key name '" +
                CStr(key) + "'");
      return;
    }
  }
  size_t argc = ctx.argc();
  if (create && argc >= 5 && argc <= 8) {
    StreamID id;
    if (ctx.arg(4) == "$") {
      id = s != nullptr ? s->last_id : StreamID{};
    } else if (!ParseStrictId(ctx, ctx.arg(4), &id)) {
      return;
    }
    if (s == nullptr) {
      s = CreateStream(ctx, key);
      ctx.KeyModified(key, 0);
    }
    if (s->CreateGroup(group, id, entries_read) != nullptr) {
      ctx.reply().Ok();
      ctx.KeyModified(key);
      ctx.Notify('t', "xgroup-create", key);
    } else {
      ctx.Error("BUSYGROUP Consumer Group name already exists");
    }
  } else if (setid && (argc == 5 || argc == 7)) {
    StreamID id;
    if (ctx.arg(4) == "$") {
      id = s->last_id;
    } else if (!ParseId(&ctx, ctx.arg(4), &id, 0, false)) {
      return;
    }
    g->last_id = id;
    g->entries_read = entries_read;
    ctx.reply().Ok();
    ctx.KeyModified(key);
    ctx.Notify('t', "xgroup-setid", key);
  } else if (EqualsIgnoreCase(opt, "destroy") && argc == 4) {
    if (g != nullptr) {
      s->DestroyGroup(group);
      ctx.reply().Integer(1);
      ctx.KeyModified(key);
      ctx.Notify('t', "xgroup-destroy", key);
    } else {
      ctx.reply().Integer(0);
    }
  } else if (EqualsIgnoreCase(opt, "createconsumer") && argc == 5) {
    ctx.reply().Integer(CreateConsumerNotify(ctx, s, g, ctx.arg(4), key) != nullptr ? 1 : 0);
  } else if (EqualsIgnoreCase(opt, "delconsumer") && argc == 5) {
    int64_t pending = 0;
    if (s->FindConsumer(g, ctx.arg(4)) != nullptr) {
      pending = static_cast<int64_t>(s->DeleteConsumer(g, ctx.arg(4)));
      ctx.KeyModified(key);
      ctx.Notify('t', "xgroup-delconsumer", key);
    }
    ctx.reply().Integer(pending);
  } else {
    SubcommandSyntaxError(ctx);
  }
}

// XGROUP HELP
void XGroupHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "XGROUP", {
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
  });
}

void XGroupCommand(CommandContext& ctx) { UnknownSubcommand(ctx); }

// Serves a group read of new entries (">") after `after`, adding them to the PELs.
// Each entry is fed as the XCLAIM that recreates its pending state; with NOACK, the group's new
// position is fed once at the end instead.
size_t ServeGroupNew(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     StreamObject* s, StreamGroup* g, StreamConsumer* c, StreamID after,
                     size_t count, bool noack) {
  ReplyWriter& w = ctx.reply();
  StreamID start;
  if (!after.Incr(&start)) {
    w.ArrayHeader(0);
    return 0;
  }
  size_t token = w.BeginDeferredArray();
  bool advanced = false;
  size_t n = s->Range(start, StreamID::Max(), false,
                      [&](StreamID id, const std::vector<std::string>& fv) {
    if (id > g->last_id) {
      if (g->entries_read != -1 && !s->RangeHasTombstones(id, StreamID::Max())) {
        g->entries_read++;
      } else if (s->entries_added) {
        g->entries_read = s->EstimateEntriesRead(id);
      }
      g->last_id = id;
      advanced = true;
    }
    ReplyEntry(w, id, fv);
    if (!noack) {
      auto [it, inserted] = g->pel.try_emplace(id, StreamPending{ctx.now_ms(), 1, c});
      if (!inserted) {
        it->second.consumer->pel.erase(id);
        it->second.consumer = c;
        it->second.delivery_time = ctx.now_ms();
        it->second.delivery_count = 1;
      }
      c->pel.insert(id);
      PropagatePending(ctx, key, group_name, *g, id, it->second);
    }
    return count == 0 || --count > 0;
  });
  w.EndDeferredArray(token, n);
  if (noack && advanced) PropagateGroupPosition(ctx, key, group_name, *g);
  return n;
}

// Serves a consumer's history: its pending entries after `after`.
void ServeGroupHistory(CommandContext& ctx, StreamObject* s, StreamGroup* g, StreamConsumer* c,
                       StreamID after, size_t count) {
  ReplyWriter& w = ctx.reply();
  StreamID start;
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  if (after.Incr(&start)) {
    std::vector<std::string> fv;
    for (auto it = c->pel.lower_bound(start); it != c->pel.end() && (!count || n < count);
         ++it) {
      if (s->Get(*it, &fv)) {
        ReplyEntry(w, *it, fv);
        StreamPending& pe = g->pel.at(*it);
        pe.delivery_time = ctx.now_ms();
        pe.delivery_count++;
      } else {
        w.ArrayHeader(2);
        ReplyId(w, *it);
        w.NullArray();
      }
      ++n;
    }
  }
  w.EndDeferredArray(token, n);
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
//     STREAMS key [key ...] id [id ...]
void ReadGeneric(CommandContext& ctx, bool group_read) {
  bool block = false;
  int64_t deadline = 0;
  int64_t count = 0;
  size_t streams_arg = 0, nstreams = 0;
  bool noack = false;
  std::string_view group_name, consumer_name;
  bool has_group = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - i - 1;
    if (ctx.ArgIs(i, "block") && more) {
      ++i;
      if (!ctx.ParseBlockTimeout(i, CommandContext::TimeoutUnit::kMillis, &deadline)) return;
      block = true;
    } else if (ctx.ArgIs(i, "count") && more) {
      ++i;
      if (!ctx.ParseInt(i, &count)) return;
      if (count < 0) count = 0;
    } else if (ctx.ArgIs(i, "streams") && more) {
      streams_arg = i + 1;
      nstreams = ctx.argc() - streams_arg;
      if (nstreams % 2 != 0) {
        // Redis 7.0 words it this way for XREADGROUP too.
        ctx.Error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return;
      }
      nstreams /= 2;
      break;
    } else if (ctx.ArgIs(i, "group") && more >= 2) {
      if (!group_read) {
        ctx.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return;
      }
      group_name = ctx.arg(i + 1);
      consumer_name = ctx.arg(i + 2);
      has_group = true;
      i += 2;
    } else if (ctx.ArgIs(i, "noack")) {
      if (!group_read) {
        ctx.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return;
      }
      noack = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (streams_arg == 0) {
    ctx.SyntaxError();
    return;
  }
  if (group_read && !has_group) {
    ctx.Error("ERR Missing GROUP option for XREADGROUP");
    return;
  }
  constexpr StreamID kNewOnly = StreamID::Max();  // ">"
  std::vector<StreamID> ids(nstreams);
  std::vector<StreamGroup*> groups(nstreams, nullptr);
  std::vector<std::string> rewritten(ctx.args().begin(), ctx.args().end());
  bool rewrote = false;
  for (size_t k = 0; k < nstreams; ++k) {
    std::string_view key = ctx.arg(streams_arg + k);
    std::string_view idarg = ctx.arg(streams_arg + nstreams + k);
    Entry* e = ctx.db().Find(key, ctx.now_ms());
    if (e != nullptr && !IsStream(e)) {
      if (ctx.reprocessing()) {
        // Redis 7.0 keeps a blocked reader waiting when its key changes type.
        std::vector<std::string_view> keys(ctx.args().begin() + streams_arg,
                                           ctx.args().begin() + streams_arg + nstreams);
        ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray);
        return;
      }
      ctx.WrongType();
      return;
    }
    StreamObject* s = e == nullptr ? nullptr : GetStream(e);
    if (has_group && ctx.reprocessing()) {
      // A blocked group reader whose key went away keeps waiting, as in Redis 7.0; one whose
      // group was destroyed is told so.
      if (s == nullptr) {
        ctx.Block({}, deadline, CommandContext::TimeoutReply::kNullArray);
        return;
      }
      if (s->FindGroup(group_name) == nullptr) {
        ctx.Error("NOGROUP the consumer group this client was blocked on no longer exists");
        return;
      }
    }
    if (has_group) {
      if (s == nullptr || (groups[k] = s->FindGroup(group_name)) == nullptr) {
        ctx.Error("NOGROUP No such key '" + CStr(key) + "' or consumer group '" +
                  CStr(group_name) + "' in XREADGROUP with GROUP option");
        return;
      }
    }
    if (idarg == "$") {
      if (group_read) {
        ctx.Error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
            "history of this consumer by specifying a proper ID, or use the > ID to get new "
            "messages. The $ ID would just return an empty result set.");
        return;
      }
      ids[k] = s != nullptr ? s->last_id : StreamID{};
      rewritten[streams_arg + nstreams + k] = ids[k].ToString();
      rewrote = true;
      continue;
    }
    if (idarg == ">") {
      if (!group_read) {
        ctx.Error(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
            "<group> <consumer> option.");
        return;
      }
      ids[k] = kNewOnly;
      continue;
    }
    if (!ParseStrictId(ctx, idarg, &ids[k])) return;
  }

  // A group read is fed as what it did to the group (see ServeGroupNew), never as itself.
  if (has_group && ctx.propagating()) ctx.PreventPropagation();
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t served = 0;
  for (size_t k = 0; k < nstreams; ++k) {
    std::string_view key = ctx.arg(streams_arg + k);
    Entry* e = ctx.Lookup(key);
    if (e == nullptr) continue;
    StreamObject* s = GetStream(e);
    StreamID gt = ids[k];
    bool serve = false, history = false;
    StreamConsumer* consumer = nullptr;
    if (has_group) {
      StreamGroup* g = groups[k];
      if (gt != kNewOnly) {
        serve = history = true;
      } else if (s->length()) {
        StreamID maxid;
        s->LastLiveId(&maxid);
        if (maxid > g->last_id) {
          serve = true;
          gt = g->last_id;
        }
      }
    } else if (s->length()) {
      StreamID maxid;
      s->LastLiveId(&maxid);
      serve = maxid > gt;
    }
    if (!serve) continue;
    if (has_group) {
      // Redis creates the consumer only when it has something to serve it. The XCLAIMs fed for
      // what it reads create it on a replica too; with NOACK there are none, so its creation
      // is fed (as in Redis 7.0; a history read creating one feeds nothing).
      bool is_new = s->FindConsumer(groups[k], consumer_name) == nullptr;
      consumer = LookupOrCreateConsumer(ctx, s, groups[k], consumer_name, key, true);
      consumer->seen_time = ctx.now_ms();
      if (is_new && noack && ctx.propagating()) {
        ctx.AlsoPropagate(ctx.db_index(), {"XGROUP", "CREATECONSUMER", std::string(key),
                                           std::string(group_name), std::string(consumer_name)});
      }
    }
    if (served++ == 0) token = w.BeginDeferredArray();
    if (w.resp() == 2) w.ArrayHeader(2);
    w.Bulk(key);
    if (history) {
      ServeGroupHistory(ctx, s, groups[k], consumer, gt, count);
    } else if (has_group) {
      ServeGroupNew(ctx, key, group_name, s, groups[k], consumer, gt, count, noack);
    } else {
      StreamID start;
      gt.Incr(&start);
      ReplyRange(w, *s, start, StreamID::Max(), count, false);
    }
    if (has_group) ctx.KeyModified(key, 1);
  }
  if (served) {
    if (w.resp() == 2) {
      w.EndDeferredArray(token, served);
    } else {
      w.EndDeferredMap(token, served);
    }
    return;
  }
  if (block) {
    if (!ctx.CanBlock()) {
      w.NullArray();
      return;
    }
    std::vector<std::string_view> keys(ctx.args().begin() + streams_arg,
                                       ctx.args().begin() + streams_arg + nstreams);
    ctx.Block(keys, deadline, CommandContext::TimeoutReply::kNullArray,
              rewrote ? rewritten : std::vector<std::string>{});
    return;
  }
  w.NullArray();
}

void XReadCommand(CommandContext& ctx) { ReadGeneric(ctx, false); }
void XReadGroupCommand(CommandContext& ctx) { ReadGeneric(ctx, true); }

// XACK key group id [id ...]
void XAckCommand(CommandContext& ctx) {
  Entry* e;
  if (!LookupStreamForRead(ctx, ctx.arg(1), &e)) return;
  StreamGroup* g = e == nullptr ? nullptr : GetStream(e)->FindGroup(ctx.arg(2));
  if (g == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  std::vector<StreamID> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (!ParseStrictId(ctx, ctx.arg(j), &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    if (it == g->pel.end()) continue;
    it->second.consumer->pel.erase(id);
    g->pel.erase(it);
    ++acked;
  }
  if (acked) ctx.KeyModified(ctx.arg(1), acked);
  ctx.reply().Integer(acked);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void XPendingCommand(CommandContext& ctx) {
  bool summary = ctx.argc() == 3;
  if (ctx.argc() != 3 && (ctx.argc() < 6 || ctx.argc() > 9)) {
    ctx.SyntaxError();
    return;
  }
  StreamID start, end;
  int64_t count = 0, minidle = 0;
  std::string_view consumer_name;
  bool has_consumer = false;
  if (ctx.argc() >= 6) {
    size_t si = 3;
    if (ctx.ArgIs(3, "idle")) {
      if (!ctx.ParseInt(4, &minidle)) return;
      if (ctx.argc() < 8) {
        ctx.SyntaxError();
        return;
      }
      si += 2;
    }
    if (!ctx.ParseInt(si + 2, &count)) return;
    if (count < 0) count = 0;
    if (!ParseRangeStart(ctx, ctx.arg(si), &start)) return;
    if (!ParseRangeEnd(ctx, ctx.arg(si + 1), &end)) return;
    if (si + 3 < ctx.argc()) {
      consumer_name = ctx.arg(si + 3);
      has_consumer = true;
    }
  }
  Entry* e;
  if (!LookupStreamForRead(ctx, ctx.arg(1), &e)) return;
  StreamObject* s = e == nullptr ? nullptr : GetStream(e);
  StreamGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) {
    ctx.Error(NoGroupError(ctx.arg(1), ctx.arg(2)));
    return;
  }
  ReplyWriter& w = ctx.reply();
  if (summary) {
    w.ArrayHeader(4);
    w.Integer(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      w.Null();
      w.Null();
      w.NullArray();
      return;
    }
    ReplyId(w, g->pel.begin()->first);
    ReplyId(w, g->pel.rbegin()->first);
    size_t token = w.BeginDeferredArray();
    size_t n = 0;
    for (const auto& [name, c] : g->consumers) {
      if (c.pel.empty()) continue;
      w.ArrayHeader(2);
      w.Bulk(std::string_view(name.data(), name.size()));
      w.BulkInteger(static_cast<int64_t>(c.pel.size()));
      ++n;
    }
    w.EndDeferredArray(token, n);
    return;
  }
  const StreamConsumer* consumer = nullptr;
  if (has_consumer) {
    consumer = s->FindConsumer(g, consumer_name);
    if (consumer == nullptr) {
      w.ArrayHeader(0);
      return;
    }
  }
  int64_t now = ctx.now_ms();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  auto emit = [&](StreamID id, const StreamPending& pe) {
    if (minidle && now - pe.delivery_time < minidle) return;
    ++n;
    --count;
    w.ArrayHeader(4);
    ReplyId(w, id);
    w.Bulk(std::string_view(pe.consumer->name->data(), pe.consumer->name->size()));
    w.Integer(std::max<int64_t>(0, now - pe.delivery_time));
    w.Integer(static_cast<int64_t>(pe.delivery_count));
  };
  if (consumer != nullptr) {
    for (auto it = consumer->pel.lower_bound(start); count && it != consumer->pel.end() && *it <= end;
         ++it) {
      emit(*it, g->pel.at(*it));
    }
  } else {
    for (auto it = g->pel.lower_bound(start); count && it != g->pel.end() && it->first <= end;
         ++it) {
      emit(it->first, it->second);
    }
  }
  w.EndDeferredArray(token, n);
}

// Moves a pending entry to `c`.
void AssignPending(StreamPending* pe, StreamID id, StreamConsumer* c) {
  if (pe->consumer == c) return;
  if (pe->consumer != nullptr) pe->consumer->pel.erase(id);
  c->pel.insert(id);
  pe->consumer = c;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
//     [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
void XClaimCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!LookupStreamForRead(ctx, key, &e)) return;
  StreamObject* s = e == nullptr ? nullptr : GetStream(e);
  StreamGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) {
    ctx.Error(NoGroupError(key, ctx.arg(2)));
    return;
  }
  int64_t minidle;
  if (!ParseInt64(ctx.arg(4), &minidle)) {
    ctx.Error("ERR Invalid min-idle-time argument for XCLAIM");
    return;
  }
  if (minidle < 0) minidle = 0;
  size_t j = 5;
  std::vector<StreamID> ids;
  for (; j < ctx.argc(); ++j) {
    StreamID id;
    if (!ParseId(nullptr, ctx.arg(j), &id, 0, true)) break;
    ids.push_back(id);
  }
  int64_t now = ctx.now_ms();
  int64_t delivery = -1, retry = -1;
  bool force = false, justid = false;
  StreamID last_id;
  auto int_opt = [&](size_t i, int64_t* v, const char* err) {
    if (ParseInt64(ctx.arg(i), v)) return true;
    ctx.Error(err);
    return false;
  };
  for (; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (EqualsIgnoreCase(opt, "idle") && more) {
      if (!int_opt(++j, &delivery, "ERR Invalid IDLE option argument for XCLAIM")) return;
      delivery = now - delivery;
    } else if (EqualsIgnoreCase(opt, "time") && more) {
      if (!int_opt(++j, &delivery, "ERR Invalid TIME option argument for XCLAIM")) return;
    } else if (EqualsIgnoreCase(opt, "retrycount") && more) {
      if (!int_opt(++j, &retry, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) return;
    } else if (EqualsIgnoreCase(opt, "lastid") && more) {
      if (!ParseStrictId(ctx, ctx.arg(++j), &last_id)) return;
    } else {
      ctx.Error("ERR Unrecognized XCLAIM option '" + CStr(opt) + "'");
      return;
    }
  }
  bool dirty = false;
  // Fed as one XCLAIM per entry changed (see PropagatePending), plus the group's position if
  // LASTID moved it and no XCLAIM carries it.
  bool propagate_position = false;
  if (ctx.propagating()) ctx.PreventPropagation();
  if (last_id > g->last_id) {
    g->last_id = last_id;
    dirty = true;
    propagate_position = true;
  }
  if (delivery == -1 || delivery < 0 || delivery > now) delivery = now;
  StreamConsumer* consumer = nullptr;
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  std::vector<std::string> fv;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    bool exists = s->Get(id, &fv);
    if (!exists) {
      if (it != g->pel.end()) {
        PropagatePending(ctx, key, ctx.arg(2), *g, id, it->second);
        propagate_position = false;
        it->second.consumer->pel.erase(id);
        g->pel.erase(it);
        dirty = true;
      }
      continue;
    }
    if (force && it == g->pel.end()) {
      it = g->pel.emplace(id, StreamPending{now, 1, nullptr}).first;
    }
    if (it == g->pel.end()) continue;
    StreamPending& pe = it->second;
    if (pe.consumer != nullptr && minidle && now - pe.delivery_time < minidle) continue;
    if (consumer == nullptr) {
      consumer = LookupOrCreateConsumer(ctx, s, g, ctx.arg(3), key, true);
    }
    if (pe.consumer != consumer && pe.consumer != nullptr) pe.consumer->pel.erase(id);
    pe.delivery_time = delivery;
    if (retry >= 0) {
      pe.delivery_count = static_cast<uint64_t>(retry);
    } else if (!justid) {
      pe.delivery_count++;
    }
    if (pe.consumer != consumer) {
      consumer->pel.insert(id);
      pe.consumer = consumer;
    }
    if (justid) {
      ReplyId(w, id);
    } else {
      ReplyEntry(w, id, fv);
    }
    PropagatePending(ctx, key, ctx.arg(2), *g, id, pe);
    propagate_position = false;
    ++n;
    dirty = true;
  }
  w.EndDeferredArray(token, n);
  if (propagate_position) PropagateGroupPosition(ctx, key, ctx.arg(2), *g);
  if (dirty) ctx.KeyModified(key, 1);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void XAutoClaimCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  int64_t minidle;
  if (!ParseInt64(ctx.arg(4), &minidle)) {
    ctx.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
    return;
  }
  if (minidle < 0) minidle = 0;
  StreamID start;
  if (!ParseRangeStart(ctx, ctx.arg(5), &start)) return;
  int64_t count = 100;
  bool justid = false;
  constexpr int64_t kAttemptsFactor = 10;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    if (ctx.ArgIs(j, "count") && more) {
      int64_t max_count = INT64_MAX / 16;
      if (!ParseInt64(ctx.arg(j + 1), &count) || count < 1 || count > max_count) {
        ctx.Error(ParseInt64(ctx.arg(j + 1), &count) ? "ERR COUNT must be > 0"
                                                     : "ERR COUNT must be > 0");
        return;
      }
      ++j;
    } else if (ctx.ArgIs(j, "justid")) {
      justid = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  Entry* e;
  if (!LookupStreamForRead(ctx, key, &e)) return;
  StreamObject* s = e == nullptr ? nullptr : GetStream(e);
  StreamGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) {
    ctx.Error(NoGroupError(key, ctx.arg(2)));
    return;
  }
  // Fed as one XCLAIM per entry claimed or dropped (see PropagatePending), never as itself.
  if (ctx.propagating()) ctx.PreventPropagation();
  int64_t attempts = count * kAttemptsFactor;
  int64_t now = ctx.now_ms();
  StreamConsumer* consumer = nullptr;
  std::vector<StreamID> deleted;
  ReplyWriter& w = ctx.reply();
  // The reply is [cursor, entries, deleted]; entries are written to a side buffer first since
  // the cursor is known only at the end.
  std::string entries;
  ReplyWriter ew(&entries, w.resp());
  size_t n = 0;
  bool dirty = false;
  std::vector<std::string> fv;
  auto it = g->pel.lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != g->pel.end()) {
    StreamID id = it->first;
    if (!s->Get(id, &fv)) {
      PropagatePending(ctx, key, ctx.arg(2), *g, id, it->second);
      it->second.consumer->pel.erase(id);
      it = g->pel.erase(it);
      deleted.push_back(id);
      --count;
      dirty = true;
      continue;
    }
    StreamPending& pe = it->second;
    ++it;
    if (minidle && now - pe.delivery_time < minidle) continue;
    if (consumer == nullptr) {
      consumer = LookupOrCreateConsumer(ctx, s, g, ctx.arg(3), key, true);
    }
    AssignPending(&pe, id, consumer);
    pe.delivery_time = now;
    if (!justid) pe.delivery_count++;
    PropagatePending(ctx, key, ctx.arg(2), *g, id, pe);
    if (justid) {
      ReplyId(ew, id);
    } else {
      ReplyEntry(ew, id, fv);
    }
    ++n;
    --count;
    dirty = true;
  }
  StreamID cursor = it == g->pel.end() ? StreamID{} : it->first;
  w.ArrayHeader(3);
  ReplyId(w, cursor);
  w.ArrayHeader(n);
  w.Raw(entries);
  w.ArrayHeader(deleted.size());
  for (StreamID id : deleted) ReplyId(w, id);
  if (dirty) ctx.KeyModified(key, 1);
}

// --- XINFO ---

void ReplyLag(ReplyWriter& w, const StreamObject& s, const StreamGroup& g) {
  if (!s.entries_added) {
    w.Integer(0);
  } else if (g.entries_read != -1 && !s.RangeHasTombstones(g.last_id, StreamID::Max())) {
    w.Integer(static_cast<int64_t>(s.entries_added) - g.entries_read);
  } else {
    int64_t read = s.EstimateEntriesRead(g.last_id);
    if (read != -1) {
      w.Integer(static_cast<int64_t>(s.entries_added) - read);
    } else {
      w.Null();
    }
  }
}

void ReplyEntriesRead(ReplyWriter& w, const StreamGroup& g) {
  if (g.entries_read != -1) {
    w.Integer(g.entries_read);
  } else {
    w.Null();
  }
}

// Looks up XINFO's key: "no such key" when missing.
StreamObject* XInfoLookup(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(2));
  if (e == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return nullptr;
  }
  if (!IsStream(e)) {
    ctx.WrongType();
    return nullptr;
  }
  return GetStream(e);
}

// XINFO CONSUMERS key group
void XInfoConsumersCommand(CommandContext& ctx) {
  StreamObject* s = XInfoLookup(ctx);
  if (s == nullptr) return;
  StreamGroup* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) {
    ctx.Error("NOGROUP No such consumer group '" + CStr(ctx.arg(3)) + "' for key name '" +
              CStr(ctx.arg(2)) + "'");
    return;
  }
  ReplyWriter& w = ctx.reply();
  int64_t now = ctx.now_ms();
  w.ArrayHeader(g->consumers.size());
  for (const auto& [name, c] : g->consumers) {
    w.MapHeader(3);
    w.Bulk("name");
    w.Bulk(std::string_view(name.data(), name.size()));
    w.Bulk("pending");
    w.Integer(static_cast<int64_t>(c.pel.size()));
    w.Bulk("idle");
    w.Integer(std::max<int64_t>(0, now - c.seen_time));
  }
}

// XINFO GROUPS key
void XInfoGroupsCommand(CommandContext& ctx) {
  StreamObject* s = XInfoLookup(ctx);
  if (s == nullptr) return;
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(s->group_count());
  s->ForEachGroup([&](std::string_view name, const StreamGroup& g) {
    w.MapHeader(6);
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("consumers");
    w.Integer(static_cast<int64_t>(g.consumers.size()));
    w.Bulk("pending");
    w.Integer(static_cast<int64_t>(g.pel.size()));
    w.Bulk("last-delivered-id");
    ReplyId(w, g.last_id);
    w.Bulk("entries-read");
    ReplyEntriesRead(w, g);
    w.Bulk("lag");
    ReplyLag(w, *s, g);
  });
}

// XINFO STREAM key [FULL [COUNT count]]
void XInfoStreamCommand(CommandContext& ctx) {
  // Redis looks the key up before parsing the options.
  StreamObject* s = XInfoLookup(ctx);
  if (s == nullptr) return;
  bool full = true;
  int64_t count = 10;
  size_t nopts = ctx.argc() - 3;
  if (nopts == 0) {
    full = false;
  } else {
    if ((nopts != 1 && nopts != 3) || !ctx.ArgIs(3, "full") || (nopts == 3 && !ctx.ArgIs(4, "count"))) {
      SubcommandSyntaxError(ctx);
      return;
    }
    if (nopts == 3) {
      if (!ctx.ParseInt(5, &count)) return;
      if (count < 0) count = 10;
    }
  }
  ReplyWriter& w = ctx.reply();
  w.MapHeader(full ? 9 : 10);
  w.Bulk("length");
  w.Integer(static_cast<int64_t>(s->length()));
  w.Bulk("radix-tree-keys");
  w.Integer(static_cast<int64_t>(s->node_count()));
  w.Bulk("radix-tree-nodes");
  // A radix tree of 128-bit keys needs about two inner nodes per key at small sizes.
  w.Integer(static_cast<int64_t>(s->node_count() == 0 ? 1 : s->node_count() * 2));
  w.Bulk("last-generated-id");
  ReplyId(w, s->last_id);
  w.Bulk("max-deleted-entry-id");
  ReplyId(w, s->max_deleted_id);
  w.Bulk("entries-added");
  w.Integer(static_cast<int64_t>(s->entries_added));
  w.Bulk("recorded-first-entry-id");
  ReplyId(w, s->first_id);
  if (!full) {
    w.Bulk("groups");
    w.Integer(static_cast<int64_t>(s->group_count()));
    w.Bulk("first-entry");
    if (ReplyRangeOne(w, *s, false) == 0) w.Null();
    w.Bulk("last-entry");
    if (ReplyRangeOne(w, *s, true) == 0) w.Null();
    return;
  }
  w.Bulk("entries");
  ReplyRange(w, *s, StreamID::Min(), StreamID::Max(), static_cast<size_t>(count), false);
  w.Bulk("groups");
  w.ArrayHeader(s->group_count());
  s->ForEachGroup([&](std::string_view name, const StreamGroup& g) {
    w.MapHeader(7);
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("last-delivered-id");
    ReplyId(w, g.last_id);
    w.Bulk("entries-read");
    ReplyEntriesRead(w, g);
    w.Bulk("lag");
    ReplyLag(w, *s, g);
    w.Bulk("pel-count");
    w.Integer(static_cast<int64_t>(g.pel.size()));
    w.Bulk("pending");
    size_t token = w.BeginDeferredArray();
    size_t n = 0;
    for (auto it = g.pel.begin(); it != g.pel.end() && (!count || n < static_cast<size_t>(count));
         ++it, ++n) {
      w.ArrayHeader(4);
      ReplyId(w, it->first);
      const MetaString& cname = *it->second.consumer->name;
      w.Bulk(std::string_view(cname.data(), cname.size()));
      w.Integer(it->second.delivery_time);
      w.Integer(static_cast<int64_t>(it->second.delivery_count));
    }
    w.EndDeferredArray(token, n);
    w.Bulk("consumers");
    w.ArrayHeader(g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      w.MapHeader(4);
      w.Bulk("name");
      w.Bulk(std::string_view(cname.data(), cname.size()));
      w.Bulk("seen-time");
      w.Integer(c.seen_time);
      w.Bulk("pel-count");
      w.Integer(static_cast<int64_t>(c.pel.size()));
      w.Bulk("pending");
      size_t ctoken = w.BeginDeferredArray();
      size_t cn = 0;
      for (auto it = c.pel.begin();
           it != c.pel.end() && (!count || cn < static_cast<size_t>(count)); ++it, ++cn) {
        const StreamPending& pe = g.pel.at(*it);
        w.ArrayHeader(3);
        ReplyId(w, *it);
        w.Integer(pe.delivery_time);
        w.Integer(static_cast<int64_t>(pe.delivery_count));
      }
      w.EndDeferredArray(ctoken, cn);
    }
  });
}

// XINFO HELP
void XInfoHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "XINFO", {
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
  });
}

void XInfoCommand(CommandContext& ctx) { UnknownSubcommand(ctx); }

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetIdCommand(CommandContext& ctx) {
  StreamID id, max_xdel;
  int64_t entries_added = -1;
  if (!ParseStrictId(ctx, ctx.arg(2), &id)) return;
  for (size_t i = 3; i < ctx.argc();) {
    size_t more = ctx.argc() - 1 - i;
    if (ctx.ArgIs(i, "entriesadded") && more) {
      if (!ctx.ParseInt(i + 1, &entries_added)) return;
      if (entries_added < 0) {
        ctx.Error("ERR entries_added must be positive");
        return;
      }
      i += 2;
    } else if (ctx.ArgIs(i, "maxdeletedid") && more) {
      if (!ParseStrictId(ctx, ctx.arg(i + 1), &max_xdel)) return;
      if (id < max_xdel) {
        ctx.Error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return;
      }
      i += 2;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!LookupStreamForWrite(ctx, key, &e)) return;
  if (e == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return;
  }
  StreamObject* s = GetStream(e);
  if (s->length() > 0) {
    StreamID maxid;
    s->LastLiveId(&maxid);
    if (id < maxid) {
      ctx.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
      return;
    }
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added)) {
      ctx.Error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
      return;
    }
  }
  s->last_id = id;
  if (entries_added != -1) s->entries_added = static_cast<uint64_t>(entries_added);
  if (max_xdel != StreamID{}) s->max_deleted_id = max_xdel;
  ctx.KeyModified(key);
  ctx.Notify('t', "xsetid", key);
  ctx.reply().Ok();
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;

const CommandSpec kXGroupSubcommands[] = {
    {"create", -5, kWriteOom, 2, 2, 1, "stream", "5.0.0", "Create a consumer group.", "O(1)",
     "key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]", XGroupGeneric},
    {"createconsumer", 5, kWriteOom, 2, 2, 1, "stream", "6.2.0",
     "Create a consumer in a consumer group.", "O(1)", "key group consumer", XGroupGeneric},
    {"delconsumer", 5, kCmdWrite, 2, 2, 1, "stream", "5.0.0",
     "Delete a consumer from a consumer group.", "O(1)", "key group consumer", XGroupGeneric},
    {"destroy", 4, kCmdWrite, 2, 2, 1, "stream", "5.0.0", "Destroy a consumer group.",
     "O(N) where N is the number of entries in the group's pending entries list (PEL).",
     "key group", XGroupGeneric},
    {"help", 2, kCmdLoading | kCmdStale, 0, 0, 0, "stream", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", XGroupHelpCommand},
    {"setid", -5, kCmdWrite, 2, 2, 1, "stream", "5.0.0", "Set a consumer group to an arbitrary last delivered ID value.",
     "O(1)", "key group <id | $> [ENTRIESREAD entries-read]", XGroupGeneric},
    {},
};

const CommandSpec kXInfoSubcommands[] = {
    {"consumers", 4, kCmdReadonly, 2, 2, 1, "stream", "5.0.0",
     "List the consumers in a consumer group", "O(1)", "key group", XInfoConsumersCommand},
    {"groups", 3, kCmdReadonly, 2, 2, 1, "stream", "5.0.0",
     "List the consumer groups of a stream", "O(1)", "key", XInfoGroupsCommand},
    {"help", 2, kCmdLoading | kCmdStale, 0, 0, 0, "stream", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", XInfoHelpCommand},
    {"stream", -3, kCmdReadonly, 2, 2, 1, "stream", "5.0.0", "Get information about a stream",
     "O(1)", "key [FULL [COUNT count]]", XInfoStreamCommand},
    {},
};

const CommandSpec kStreamCommands[] = {
    {"xadd", -5, kWriteOom | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "Appends a new entry to a stream", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
     "key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id> field value "
     "[field value ...]",
     XAddCommand},
    {"xrange", -4, kCmdReadonly, 1, 1, 1, "stream", "5.0.0",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval",
     "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
     "key start end [COUNT count]", XRangeCommand},
    {"xrevrange", -4, kCmdReadonly, 1, 1, 1, "stream", "5.0.0",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
     "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
     "key end start [COUNT count]", XRevRangeCommand},
    {"xlen", 2, kCmdReadonly | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "Return the number of entries in a stream", "O(1)", "key", XLenCommand},
    {"xdel", -3, kCmdWrite | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
     "O(1) for each single item to delete in the stream, regardless of the stream size.",
     "key id [id ...]", XDelCommand},
    {"xtrim", -4, kCmdWrite, 1, 1, 1, "stream", "5.0.0",
     "Trims the stream to (approximately if '~' is passed) a certain size",
     "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
     "key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]", XTrimCommand},
    {"xread", -4, kCmdReadonly | kCmdBlocking, 0, 0, 0, "stream", "5.0.0",
     "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
     "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
     "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]", XReadCommand},
    {"xreadgroup", -7, kCmdWrite | kCmdBlocking, 0, 0, 0, "stream", "5.0.0",
     "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
     "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
     "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id "
     "[id ...]",
     XReadGroupCommand},
    {"xgroup", -2, 0, 0, 0, 0, "stream", "5.0.0", "A container for consumer groups commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", XGroupCommand, kXGroupSubcommands},
    {"xack", -4, kCmdWrite | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
     "O(1) for each message ID processed.", "key group id [id ...]", XAckCommand},
    {"xpending", -3, kCmdReadonly, 1, 1, 1, "stream", "5.0.0",
     "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.",
     "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
     "key group [[IDLE min-idle-time] start end count [consumer]]", XPendingCommand},
    {"xclaim", -6, kCmdWrite | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.",
     "O(log N) with N being the number of messages in the PEL of the consumer group.",
     "key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] "
     "[RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]",
     XClaimCommand},
    {"xautoclaim", -6, kCmdWrite | kCmdFast, 1, 1, 1, "stream", "6.2.0",
     "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.",
     "O(1) if COUNT is small.", "key group consumer min-idle-time start [COUNT count] [JUSTID]",
     XAutoClaimCommand},
    {"xinfo", -2, 0, 0, 0, 0, "stream", "5.0.0", "A container for stream introspection commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", XInfoCommand, kXInfoSubcommands},
    {"xsetid", -3, kWriteOom | kCmdFast, 1, 1, 1, "stream", "5.0.0",
     "An internal command for replicating stream values", "O(1)",
     "key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]", XSetIdCommand},
    {},
};

}  // namespace

void RegisterStreamCommands() {
  RegisterStreamObjectOps();
  CommandTable::Get().Register(kStreamCommands);
}

}  // namespace memkeydb
