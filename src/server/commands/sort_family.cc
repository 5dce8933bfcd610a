// SORT and SORT_RO: sort the elements of a list, set or sorted set — numerically (each element,
// or the value its BY pattern names, read as a double) or lexicographically (ALPHA) — and reply
// them, or the values their GET patterns name, or store them as a list (STORE).
//
// Patterns: "*" in a BY or GET pattern is replaced by the element; "key->field" reads a hash
// field; "#" in GET is the element itself. A BY pattern without "*" means "do not sort" (lists
// and sorted sets keep their order). Patterns, like Redis's, are C strings: they end at their
// first NUL byte.
//
// What follows redis-server 7.0 on purpose: the order options are parsed in (errors before the
// key is read), LIMIT clamping, numeric ties broken by the elements' bytes, a set forced into
// ALPHA order when stored without sorting (so the stored list does not depend on hash order),
// "sortstore" / "del" events. One difference: Redis converts a listpack sorted set to its
// skiplist encoding as a side effect of SORT; memkeydb leaves it as it is.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/server.h"
#include "types/hash_object.h"
#include "types/list_object.h"
#include "types/set_object.h"
#include "types/zset_object.h"

namespace memkeydb {
namespace {

// A pattern up to its first NUL byte, as Redis's C-string handling sees it.
std::string_view CString(std::string_view s) { return s.substr(0, s.find('\0')); }

// The string a BY or GET pattern names for `element`, or nullopt (a missing key, a key of
// another type, a missing hash field, or a pattern without "*").
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                           std::string_view element) {
  std::string_view spat = CString(pattern);
  if (spat == "#" && (pattern.size() == 1 || pattern[1] == '\0')) return std::string(element);
  size_t star = spat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  // "->" after the star, with something after it, names a hash field.
  size_t arrow = spat.find("->", star + 1);
  std::string_view field;
  size_t postfix_end = pattern.size();
  if (arrow != std::string_view::npos && arrow + 2 < spat.size()) {
    field = pattern.substr(arrow + 2);
    postfix_end = arrow;
  }
  std::string key;
  key.reserve(pattern.size() + element.size());
  key.append(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, postfix_end - star - 1));
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) return std::nullopt;
  char scratch[CompactValue::kIntBufSize];
  if (arrow != std::string_view::npos && postfix_end != pattern.size()) {
    if (e->value.type() != ValueType::kHash) return std::nullopt;
    char hscratch[HashObject::kScratchSize];
    std::string_view value;
    if (!HashObject(&e->value).Get(field, &value, hscratch)) {
      return std::nullopt;
    }
    return std::string(value);
  }
  if (e->value.type() != ValueType::kString) return std::nullopt;
  return std::string(e->value.StringView(scratch));
}

struct SortItem {
  std::string element;
  double score = 0;                   // numeric sort
  std::optional<std::string> by;      // ALPHA with BY: the value compared (nullopt sorts first)
};

// strtod as Redis applies it to a sort weight: the whole C string must be consumed, without
// overflow or underflow, and not NaN (an empty string is 0).
bool ParseSortScore(const std::string& s, double* out) {
  std::string c(CString(s));
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(c.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// strcoll order of the C strings (Redis compares ALPHA results with it unless storing; the
// server runs in the C locale, so this is byte order up to the first NUL).
int Collate(const std::string& a, const std::string& b) {
  return std::strcoll(a.c_str(), b.c_str());
}

int Binary(const std::string& a, const std::string& b) { return a.compare(b); }

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> store;
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
};

// Parses SORT's options from argument 2; replies the error and returns false on failure.
bool ParseSortOptions(CommandContext& ctx, bool readonly, SortOptions* o) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    size_t left = ctx.argc() - j - 1;
    if (ctx.ArgIs(j, "asc")) {
      o->desc = false;
    } else if (ctx.ArgIs(j, "desc")) {
      o->desc = true;
    } else if (ctx.ArgIs(j, "alpha")) {
      o->alpha = true;
    } else if (ctx.ArgIs(j, "limit") && left >= 2) {
      if (!ctx.ParseInt(j + 1, &o->limit_start) || !ctx.ParseInt(j + 2, &o->limit_count)) {
        return false;
      }
      j += 2;
    } else if (!readonly && ctx.ArgIs(j, "store") && left >= 1) {
      o->store = ctx.arg(++j);
    } else if (ctx.ArgIs(j, "by") && left >= 1) {
      o->by = ctx.arg(++j);
      if (CString(*o->by).find('*') == std::string_view::npos) o->dontsort = true;
    } else if (ctx.ArgIs(j, "get") && left >= 1) {
      o->gets.push_back(ctx.arg(++j));
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

// Loads the elements of `e` (a list, set or sorted set; nullptr: none) into *items. When the
// value keeps its own order and nothing is sorted, only ranks [start, end] are loaded, in
// the requested direction.
void LoadItems(const Entry* e, bool dontsort, bool desc, int64_t start, int64_t end,
               std::vector<SortItem>* items) {
  if (e == nullptr) return;
  auto add = [items](std::string_view s) { items->push_back({std::string(s), 0, std::nullopt}); };
  switch (e->value.type()) {
    case ValueType::kList: {
      const Quicklist* l = static_cast<const Quicklist*>(e->value.object());
      if (!dontsort) {
        l->Walk(0, false, [&](std::string_view s, size_t) {
          add(s);
          return true;
        });
      } else if (end >= start) {
        size_t n = static_cast<size_t>(end - start + 1);
        size_t first = desc ? l->size() - 1 - static_cast<size_t>(start) : static_cast<size_t>(start);
        l->Walk(first, desc, [&](std::string_view s, size_t) {
          add(s);
          return items->size() < n;
        });
      }
      break;
    }
    case ValueType::kSet:
      static_cast<const SetObject*>(e->value.object())->ForEach(add);
      break;
    case ValueType::kZSet: {
      const ZSetObject* z = static_cast<const ZSetObject*>(e->value.object());
      size_t lo = 0, hi = z->size();
      if (dontsort) {
        if (end < start) break;
        // Ranks counted from the end the sort goes from.
        lo = desc ? z->size() - 1 - static_cast<size_t>(end) : static_cast<size_t>(start);
        hi = lo + static_cast<size_t>(end - start + 1);
      }
      z->ForRange(lo, hi, dontsort && desc, [&](std::string_view m, double) {
        add(m);
        return true;
      });
      break;
    }
    default: break;
  }
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  SortOptions o;
  if (!ParseSortOptions(ctx, readonly, &o)) return;
  Entry* e = ctx.Lookup(ctx.arg(1));
  ValueType type = e == nullptr ? ValueType::kList : e->value.type();
  if (type != ValueType::kList && type != ValueType::kSet && type != ValueType::kZSet) {
    ctx.WrongType();
    return;
  }
  // A set has no order of its own: stored unsorted, the list would depend on hash order.
  if (o.dontsort && type == ValueType::kSet && o.store) {
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }
  int64_t len = 0;
  if (e != nullptr) {
    switch (type) {
      case ValueType::kList: len = static_cast<int64_t>(static_cast<Quicklist*>(e->value.object())->size()); break;
      case ValueType::kSet: len = static_cast<int64_t>(static_cast<SetObject*>(e->value.object())->size()); break;
      default: len = static_cast<int64_t>(static_cast<ZSetObject*>(e->value.object())->size()); break;
    }
  }
  int64_t start = o.limit_start < 0 ? 0 : o.limit_start;
  // A count reaching past INT64_MAX means "to the end", as a negative one does.
  int64_t end = o.limit_count < 0 || o.limit_count > INT64_MAX - start ? len - 1
                                                                      : start + o.limit_count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<SortItem> items;
  bool ranged = o.dontsort && type != ValueType::kSet;
  LoadItems(e, o.dontsort, o.desc, start, end, &items);
  if (ranged) {  // the range was applied while loading
    end -= start;
    start = 0;
  }

  bool conversion_error = false;
  if (!o.dontsort) {
    for (SortItem& it : items) {
      std::optional<std::string> byval;
      if (o.by) {
        byval = LookupByPattern(ctx, *o.by, it.element);
        if (!byval) continue;
      }
      if (o.alpha) {
        if (o.by) it.by = std::move(byval);
      } else if (!ParseSortScore(o.by ? *byval : it.element, &it.score)) {
        conversion_error = true;
      }
    }
    bool binary = o.store.has_value();
    auto cmp = [&](const SortItem& a, const SortItem& b) {
      int c;
      if (!o.alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : Binary(a.element, b.element);
      } else if (o.by) {
        if (!a.by || !b.by) {
          c = a.by.has_value() == b.by.has_value() ? 0 : !a.by ? -1 : 1;
        } else {
          c = binary ? Binary(*a.by, *b.by) : Collate(*a.by, *b.by);
        }
      } else {
        c = binary ? Binary(a.element, b.element) : Collate(a.element, b.element);
      }
      return o.desc ? c > 0 : c < 0;
    };
    std::stable_sort(items.begin(), items.end(), cmp);
  }

  if (conversion_error) {
    ctx.Error("ERR One or more scores can't be converted into double");
    return;
  }
  int64_t count = end - start + 1;
  if (count < 0) count = 0;
  int64_t outputlen = o.gets.empty() ? count : count * static_cast<int64_t>(o.gets.size());
  if (!o.store) {
    ReplyWriter& w = ctx.reply();
    w.ArrayHeader(static_cast<size_t>(outputlen));
    for (int64_t j = start; j <= end; ++j) {
      const std::string& el = items[static_cast<size_t>(j)].element;
      if (o.gets.empty()) w.Bulk(el);
      for (std::string_view pattern : o.gets) {
        std::optional<std::string> v = LookupByPattern(ctx, pattern, el);
        if (v) {
          w.Bulk(*v);
        } else {
          w.Null();
        }
      }
    }
    return;
  }
  std::string_view dest = *o.store;
  Database& db = ctx.db();
  if (outputlen == 0) {
    if (db.Delete(dest)) {
      ctx.KeyModified(dest);
      ctx.Notify('g', "del", dest);
    }
    ctx.reply().Integer(0);
    return;
  }
  Quicklist* list = NewList();
  for (int64_t j = start; j <= end; ++j) {
    const std::string& el = items[static_cast<size_t>(j)].element;
    if (o.gets.empty()) list->Push(Quicklist::End::kTail, el);
    for (std::string_view pattern : o.gets) {
      std::optional<std::string> v = LookupByPattern(ctx, pattern, el);
      list->Push(Quicklist::End::kTail, v ? std::string_view(*v) : std::string_view());
    }
  }
  Entry* d = ctx.LookupForWrite(dest);
  if (d == nullptr) d = db.Add(dest);
  d->value.SetObject(ValueType::kList, list);
  if (d->has_expire()) db.ClearExpire(&d);
  ctx.KeyModified(dest, outputlen);
  ctx.Notify('l', "sortstore", dest);
  ctx.reply().Integer(outputlen);
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
//     [STORE destination]
void SortCommand(CommandContext& ctx) { SortGeneric(ctx, false); }
// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
void SortRoCommand(CommandContext& ctx) { SortGeneric(ctx, true); }

const CommandSpec kSortCommands[] = {
    {"sort", -2, kCmdWrite | kCmdDenyOom, 1, 1, 1, "generic", "1.0.0",
     "Sort the elements in a list, set or sorted set",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N).",
     "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] "
     "[STORE destination]",
     SortCommand, nullptr, FindKeysSort},
    {"sort_ro", -2, kCmdReadonly, 1, 1, 1, "generic", "7.0.0",
     "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N).",
     "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]",
     SortRoCommand, nullptr, FindKeysSort},
    {},
};

}  // namespace

void RegisterSortCommands() { CommandTable::Get().Register(kSortCommands); }

}  // namespace memkeydb
