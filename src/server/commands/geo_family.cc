// Geo commands: GEOADD GEODIST GEOHASH GEOPOS, the searches GEOSEARCH GEOSEARCHSTORE and the
// legacy GEORADIUS GEORADIUSBYMEMBER (with STORE/STOREDIST) and their _RO forms.
//
// A geo index is an ordinary sorted set whose scores are 52-bit geohash cells (ds/geohash.h);
// these commands read and write it through the ZSetObject API. A search covers its shape with
// the centre cell and up to eight neighbours, walks each cell's score range in order, keeps the
// points inside the shape, then sorts by distance when asked to. Every step (cell choice, scan
// order, distance arithmetic, the partial sort under COUNT) follows redis-server 7.0, since
// unsorted replies, COUNT ANY, ties and 17-digit coordinates all show it.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/strutil.h"
#include "ds/geohash.h"
#include "ds/partial_sort.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/zset_access.h"
#include "server/errors.h"
#include "server/server.h"
#include "types/zset_object.h"

namespace memkeydb {
namespace {

constexpr const char* kErrDecodeMember = "ERR could not decode requested zset member";
constexpr const char* kErrUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";

// Metres per unit, or -1 after replying the unit error.
double ParseUnit(CommandContext& ctx, size_t i) {
  if (ctx.ArgIs(i, "m")) return 1;
  if (ctx.ArgIs(i, "km")) return 1000;
  if (ctx.ArgIs(i, "ft")) return 0.3048;
  if (ctx.ArgIs(i, "mi")) return 1609.34;
  ctx.Error(kErrUnit);
  return -1;
}

// A longitude at argument i and a latitude at i + 1, within the GEO limits.
bool ParseLonLat(CommandContext& ctx, size_t i, double* lon, double* lat) {
  if (!ctx.ParseDouble(i, lon) || !ctx.ParseDouble(i + 1, lat)) return false;
  if (*lon < geo::kLonMin || *lon > geo::kLonMax || *lat < geo::kLatMin || *lat > geo::kLatMax) {
    char buf[700];
    std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    ctx.Error(buf);
    return false;
  }
  return true;
}

// A double at argument i, replying `err` (not the generic float error) when it is not one.
bool ParseDoubleOr(CommandContext& ctx, size_t i, double* out, const char* err) {
  if (ParseDouble(ctx.arg(i), out)) return true;
  ctx.Error(err);
  return false;
}

// radius unit, at i and i + 1.
bool ParseRadius(CommandContext& ctx, size_t i, geo::Shape* shape) {
  double r;
  if (!ParseDoubleOr(ctx, i, &r, "ERR need numeric radius")) return false;
  if (r < 0) {
    ctx.Error("ERR radius cannot be negative");
    return false;
  }
  shape->radius = r;
  double unit = ParseUnit(ctx, i + 1);
  if (unit < 0) return false;
  shape->unit_to_meters = unit;
  return true;
}

// width height unit, at i .. i + 2.
bool ParseBox(CommandContext& ctx, size_t i, geo::Shape* shape) {
  double w, h;
  if (!ParseDoubleOr(ctx, i, &w, "ERR need numeric width") ||
      !ParseDoubleOr(ctx, i + 1, &h, "ERR need numeric height")) {
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.Error("ERR height or width cannot be negative");
    return false;
  }
  shape->width = w;
  shape->height = h;
  double unit = ParseUnit(ctx, i + 2);
  if (unit < 0) return false;
  shape->unit_to_meters = unit;
  return true;
}

// The position of `member`, false when it is not in the set.
bool MemberPosition(const ZSetObject* z, std::string_view member, double* lon, double* lat) {
  std::optional<double> score = z->Score(member);
  if (!score) return false;
  geo::DecodeScore(*score, lon, lat);
  return true;
}

// Distances print with four decimals, rounded as Redis 7.0.15 rounds them: the distance times
// 10^4 rounded to the nearest integer, ties to even (so 17370361.64254999990 ft, whose scaled
// value rounds to ...6425.5 in binary, prints .6426 where printf("%.4f") would give .6425).
void ReplyDistance(CommandContext& ctx, double d) {
  char buf[64];
  int n;
  if (d == 0) {
    n = std::snprintf(buf, sizeof(buf), "0.0000");
  } else {
    long long scaled = std::llrint(d * 10000.0);
    bool negative = scaled < 0;
    unsigned long long v = static_cast<unsigned long long>(scaled);
    if (negative) v = 0ULL - v;
    n = std::snprintf(buf, sizeof(buf), "%s%llu.%04llu", negative ? "-" : "", v / 10000, v % 10000);
  }
  ctx.reply().Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

// Coordinates print as "%.17f" without trailing zeros: a bulk string in RESP2, a double in RESP3.
void ReplyCoordinate(CommandContext& ctx, double v) {
  std::string text = FormatLongDouble(static_cast<long double>(v));
  ReplyWriter& w = ctx.reply();
  if (w.resp() > 2) {
    w.Raw(",");
    w.Raw(text);
    w.Raw("\r\n");
  } else {
    w.Bulk(text);
  }
}

// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
void GeoAddCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  size_t first = 2;
  bool nx = false, xx = false, ch = false;
  for (; first < ctx.argc(); ++first) {
    if (ctx.ArgIs(first, "nx"))
      nx = true;
    else if (ctx.ArgIs(first, "xx"))
      xx = true;
    else if (ctx.ArgIs(first, "ch"))
      ch = true;
    else
      break;
  }
  if ((ctx.argc() - first) % 3 != 0 || (xx && nx)) {
    ctx.SyntaxError();
    return;
  }
  size_t elements = (ctx.argc() - first) / 3;
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j) {
    double lon, lat;
    if (!ParseLonLat(ctx, first + 3 * j, &lon, &lat)) return;
    geo::HashBits hash;
    geo::EncodeWgs84(lon, lat, geo::kMaxStep, &hash);
    scores[j] = static_cast<double>(geo::Align52(hash));
  }
  // Redis hands the scores to ZADD, which refuses an empty element list.
  if (elements == 0) {
    ctx.SyntaxError();
    return;
  }
  Entry* e = ctx.LookupForWrite(key);
  if (e != nullptr && !IsZSet(e)) {
    ctx.WrongType();
    return;
  }
  if (e == nullptr) {
    if (xx) {
      ctx.reply().Integer(0);
      return;
    }
    e = ctx.db().Add(key);
    e->value.SetObject(ValueType::kZSet, ZSetObject::Create(1, ctx.arg(first + 2).size()));
  }
  ZSetObject* z = ZOf(e);
  int flags = (nx ? ZSetObject::kNx : 0) | (xx ? ZSetObject::kXx : 0);
  int64_t added = 0, updated = 0;
  for (size_t j = 0; j < elements; ++j) {
    double unused;
    switch (z->Add(ctx.arg(first + 3 * j + 2), scores[j], flags, &unused)) {
      case ZSetObject::AddResult::kAdded:
        ++added;
        break;
      case ZSetObject::AddResult::kUpdated:
        ++updated;
        break;
      default:
        break;
    }
  }
  ctx.reply().Integer(ch ? added + updated : added);
  if (added + updated > 0) {
    ctx.KeyModified(key, added + updated);
    ctx.Notify('z', "zadd", key);
  } else if (z->size() == 0) {
    ctx.db().Delete(key);
  }
}

// GEODIST key member1 member2 [M | KM | FT | MI]
void GeoDistCommand(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.argc() == 5) {
    to_meters = ParseUnit(ctx, 4);
    if (to_meters < 0) return;
  } else if (ctx.argc() > 5) {
    ctx.SyntaxError();
    return;
  }
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  double lon1, lat1, lon2, lat2;
  if (z == nullptr || !MemberPosition(z, ctx.arg(2), &lon1, &lat1) ||
      !MemberPosition(z, ctx.arg(3), &lon2, &lat2)) {
    ctx.reply().Null();
    return;
  }
  ReplyDistance(ctx, geo::Distance(lon1, lat1, lon2, lat2) / to_meters);
}

// GEOHASH key [member [member ...]]
void GeoHashCommand(CommandContext& ctx) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.reply().ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<double> score = z ? z->Score(ctx.arg(i)) : std::nullopt;
    if (!score) {
      ctx.reply().Null();
    } else {
      ctx.reply().Bulk(geo::StandardHashString(*score));
    }
  }
}

// GEOPOS key [member [member ...]]
void GeoPosCommand(CommandContext& ctx) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.reply().ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    double lon, lat;
    if (z == nullptr || !MemberPosition(z, ctx.arg(i), &lon, &lat)) {
      ctx.reply().NullArray();
      continue;
    }
    ctx.reply().ArrayHeader(2);
    ReplyCoordinate(ctx, lon);
    ReplyCoordinate(ctx, lat);
  }
}

// ---------------------------------------------------------------------------------------------
// Searches

enum SearchFlag : int {
  kFromCoords = 1,   // GEORADIUS: longitude latitude after the key
  kFromMember = 2,   // GEORADIUSBYMEMBER: a member after the key
  kNoStore = 4,      // the _RO forms
  kSearch = 8,       // GEOSEARCH syntax
  kSearchStore = 16  // GEOSEARCHSTORE: destination first, STOREDIST allowed
};

struct GeoPoint {
  double lon, lat, dist, score;
  std::string member;
};

// Appends the points of the cell's score range that lie in the shape, in score order, stopping
// once `limit` (0: none) points are collected.
void CollectCell(const ZSetObject* z, geo::HashBits cell, const geo::Shape& shape, size_t limit,
                 std::vector<GeoPoint>* out) {
  uint64_t min, max;
  geo::ScoreRangeOfCell(cell, &min, &max);
  ZScoreRange range{static_cast<double>(min), static_cast<double>(max), false, true};
  size_t lo = z->LowerRank(range), hi = z->UpperRank(range);
  if (lo >= hi) return;
  z->ForRange(lo, hi, false, [&](std::string_view m, double score) {
    double lon, lat, dist = 0;
    geo::DecodeScore(score, &lon, &lat);
    if (geo::WithinShape(shape, lon, lat, &dist)) {
      out->push_back(GeoPoint{lon, lat, dist, score, std::string(m)});
    }
    return !(limit != 0 && out->size() >= limit);
  });
}

void CollectAll(const ZSetObject* z, const geo::Shape& shape, size_t limit,
                std::vector<GeoPoint>* out) {
  geo::SearchCells cells = geo::CellsCoveringShape(shape);
  int last = -1;
  for (int i = 0; i < 9; ++i) {
    const geo::HashBits& c = cells.cells[i];
    if (c.IsZero()) continue;
    // A huge radius can make neighbours coincide; scan each distinct cell once.
    if (last > 0 && c.bits == cells.cells[last].bits && c.step == cells.cells[last].step) continue;
    if (!out->empty() && limit != 0 && out->size() >= limit) break;
    CollectCell(z, c, shape, limit, out);
    last = i;
  }
}

int CompareDist(const GeoPoint& a, const GeoPoint& b) {
  if (a.dist > b.dist) return 1;
  if (a.dist == b.dist) return 0;
  return -1;
}

// The shared body of GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO
// forms. `src_idx` is the source key's argument.
void GeoSearchGeneric(CommandContext& ctx, size_t src_idx, int flags) {
  bool wrong;
  ZSetObject* z = ReadZSet(ctx, ctx.arg(src_idx), &wrong);
  if (wrong) return;

  std::string_view store_key;
  bool store = false, storedist = false;
  geo::Shape shape;
  size_t base;
  if (flags & kFromCoords) {
    base = 6;
    shape.kind = geo::Shape::Kind::kRadius;
    if (!ParseLonLat(ctx, 2, &shape.lon, &shape.lat)) return;
    if (!ParseRadius(ctx, 4, &shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    // Without a source key the arguments are still parsed, to pick the reply's shape.
    if (z != nullptr) {
      shape.kind = geo::Shape::Kind::kRadius;
      if (!MemberPosition(z, ctx.arg(2), &shape.lon, &shape.lat)) {
        ctx.Error(kErrDecodeMember);
        return;
      }
      if (!ParseRadius(ctx, 3, &shape)) return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      store_key = ctx.arg(1);
      store = true;
    }
  }

  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromlonlat = false, byradius = false, bybox = false;
  enum { kNone, kAsc, kDesc } sort = kNone;
  int64_t count = 0;
  const bool search = flags & kSearch;
  size_t argc = ctx.argc();
  for (size_t i = base; i < argc; ++i) {
    size_t rest = argc - i;  // arguments from i on
    if (ctx.ArgIs(i, "withdist")) {
      withdist = true;
    } else if (ctx.ArgIs(i, "withhash")) {
      withhash = true;
    } else if (ctx.ArgIs(i, "withcoord")) {
      withcoord = true;
    } else if (ctx.ArgIs(i, "any")) {
      any = true;
    } else if (ctx.ArgIs(i, "asc")) {
      sort = kAsc;
    } else if (ctx.ArgIs(i, "desc")) {
      sort = kDesc;
    } else if (ctx.ArgIs(i, "count") && rest > 1) {
      if (!ctx.ParseInt(i + 1, &count)) return;
      if (count <= 0) {
        ctx.Error("ERR COUNT must be > 0");
        return;
      }
      ++i;
    } else if ((ctx.ArgIs(i, "store") || ctx.ArgIs(i, "storedist")) && rest > 1 &&
               !(flags & kNoStore) && !search) {
      store_key = ctx.arg(i + 1);
      store = true;
      storedist = ctx.ArgIs(i, "storedist");
      ++i;
    } else if (ctx.ArgIs(i, "storedist") && search && (flags & kSearchStore)) {
      storedist = true;
    } else if (ctx.ArgIs(i, "frommember") && rest > 1 && search && !fromlonlat) {
      if (z != nullptr && !MemberPosition(z, ctx.arg(i + 1), &shape.lon, &shape.lat)) {
        ctx.Error(kErrDecodeMember);
        return;
      }
      frommember = true;
      ++i;
    } else if (ctx.ArgIs(i, "fromlonlat") && rest > 2 && search && !frommember) {
      if (!ParseLonLat(ctx, i + 1, &shape.lon, &shape.lat)) return;
      fromlonlat = true;
      i += 2;
    } else if (ctx.ArgIs(i, "byradius") && rest > 2 && search && !bybox) {
      if (!ParseRadius(ctx, i + 1, &shape)) return;
      shape.kind = geo::Shape::Kind::kRadius;
      byradius = true;
      i += 2;
    } else if (ctx.ArgIs(i, "bybox") && rest > 3 && search && !byradius) {
      if (!ParseBox(ctx, i + 1, &shape)) return;
      shape.kind = geo::Shape::Kind::kBox;
      bybox = true;
      i += 3;
    } else {
      ctx.SyntaxError();
      return;
    }
  }

  if (store && (withdist || withhash || withcoord)) {
    ctx.Error(std::string("ERR ") +
              ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
              " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return;
  }
  if (search && !(frommember || fromlonlat)) {
    ctx.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
              std::string(ctx.arg(0)));
    return;
  }
  if (search && !(byradius || bybox)) {
    ctx.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
              std::string(ctx.arg(0)));
    return;
  }
  if (any && count == 0) {
    ctx.Error("ERR the ANY argument requires COUNT argument");
    return;
  }

  if (z == nullptr) {
    if (store) {
      if (ctx.db().Delete(store_key)) {
        ctx.KeyModified(store_key);
        ctx.Notify('g', "del", store_key);
      }
      ctx.reply().Integer(0);
    } else {
      ctx.reply().ArrayHeader(0);
    }
    return;
  }

  // COUNT keeps the nearest points, so it implies ASC (not with ANY: any points will do).
  if (count != 0 && sort == kNone && !any) sort = kAsc;

  std::vector<GeoPoint> points;
  CollectAll(z, shape, any ? static_cast<size_t>(count) : 0, &points);
  if (points.empty() && !store) {
    ctx.reply().ArrayHeader(0);
    return;
  }

  size_t total = points.size();
  size_t returned =
      (count == 0 || total < static_cast<uint64_t>(count)) ? total : static_cast<size_t>(count);
  if (sort != kNone) {
    auto cmp = [desc = sort == kDesc](const GeoPoint& a, const GeoPoint& b) {
      return desc ? -CompareDist(a, b) : CompareDist(a, b);
    };
    if (returned == total) {
      // Redis sorts a full result with the C library's qsort, a stable merge sort in glibc.
      std::stable_sort(points.begin(), points.end(),
                       [&](const GeoPoint& a, const GeoPoint& b) { return cmp(a, b) < 0; });
    } else {
      PartialQuickSort(points.data(), total, cmp, 0, returned - 1);
    }
  }

  if (!store) {
    size_t options = (withdist ? 1 : 0) + (withcoord ? 1 : 0) + (withhash ? 1 : 0);
    ReplyWriter& w = ctx.reply();
    w.ArrayHeader(returned);
    for (size_t i = 0; i < returned; ++i) {
      const GeoPoint& p = points[i];
      if (options != 0) w.ArrayHeader(options + 1);
      w.Bulk(p.member);
      if (withdist) ReplyDistance(ctx, p.dist / shape.unit_to_meters);
      if (withhash) w.Integer(static_cast<int64_t>(p.score));
      if (withcoord) {
        w.ArrayHeader(2);
        ReplyCoordinate(ctx, p.lon);
        ReplyCoordinate(ctx, p.lat);
      }
    }
    return;
  }

  if (returned == 0) {
    if (ctx.db().Delete(store_key)) {
      ctx.KeyModified(store_key);
      ctx.Notify('g', "del", store_key);
    }
    ctx.reply().Integer(0);
    return;
  }
  size_t maxlen = 0;
  for (size_t i = 0; i < returned; ++i) maxlen = std::max(maxlen, points[i].member.size());
  ZSetObject* result = ZSetObject::Create(returned, maxlen);
  for (size_t i = 0; i < returned; ++i) {
    const GeoPoint& p = points[i];
    result->InsertNew(p.member, storedist ? p.dist / shape.unit_to_meters : p.score);
  }
  Database& db = ctx.db();
  db.Delete(store_key);
  Entry* e = db.Add(store_key);
  e->value.SetObject(ValueType::kZSet, result);
  ctx.KeyModified(store_key, static_cast<int64_t>(returned));
  ctx.Notify('z', search ? "geosearchstore" : "georadiusstore", store_key);
  ctx.reply().Integer(static_cast<int64_t>(returned));
}

// GEORADIUS key longitude latitude radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH]
//     [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
void GeoRadiusCommand(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromCoords); }
// GEORADIUS_RO: the same without STORE and STOREDIST.
void GeoRadiusRoCommand(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromCoords | kNoStore); }
// GEORADIUSBYMEMBER key member radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH]
//     [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
void GeoRadiusByMemberCommand(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromMember); }
void GeoRadiusByMemberRoCommand(CommandContext& ctx) {
  GeoSearchGeneric(ctx, 1, kFromMember | kNoStore);
}
// GEOSEARCH key FROMMEMBER member | FROMLONLAT longitude latitude
//     BYRADIUS radius M | KM | FT | MI | BYBOX width height M | KM | FT | MI
//     [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
void GeoSearchCommand(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kSearch); }
// GEOSEARCHSTORE destination source FROMMEMBER ... | FROMLONLAT ... BYRADIUS ... | BYBOX ...
//     [ASC | DESC] [COUNT count [ANY]] [STOREDIST]
void GeoSearchStoreCommand(CommandContext& ctx) {
  GeoSearchGeneric(ctx, 2, kSearch | kSearchStore);
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;
constexpr const char* kRadiusComplexity =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular "
    "area delimited by center and radius and M is the number of items inside the index.";
constexpr const char* kSearchComplexity =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area "
    "around the shape provided as the filter and M is the number of items inside the shape";
const CommandSpec kGeoCommands[] = {
    {"geoadd", -5, kWriteOom, 1, 1, 1, "geo", "3.2.0",
     "Add one or more geospatial items in the geospatial index represented using a sorted set",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     "key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]", GeoAddCommand},
    {"geodist", -4, kCmdReadonly, 1, 1, 1, "geo", "3.2.0",
     "Returns the distance between two members of a geospatial index", "O(log(N))",
     "key member1 member2 [M | KM | FT | MI]", GeoDistCommand},
    {"geohash", -2, kCmdReadonly, 1, 1, 1, "geo", "3.2.0",
     "Returns members of a geospatial index as standard geohash strings",
     "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
     "key [member [member ...]]", GeoHashCommand},
    {"geopos", -2, kCmdReadonly, 1, 1, 1, "geo", "3.2.0",
     "Returns longitude and latitude of members of a geospatial index",
     "O(N) where N is the number of members requested.", "key [member [member ...]]",
     GeoPosCommand},
    {"georadius", -6, kWriteOom, 1, 1, 1, "geo", "3.2.0",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a point",
     kRadiusComplexity,
     "key longitude latitude radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH] "
     "[COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]",
     GeoRadiusCommand, nullptr, FindKeysGeoradius},
    {"georadiusbymember", -5, kWriteOom, 1, 1, 1, "geo", "3.2.0",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a member",
     kRadiusComplexity,
     "key member radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] "
     "[ASC | DESC] [STORE key | STOREDIST key]",
     GeoRadiusByMemberCommand, nullptr, FindKeysGeoradius},
    {"georadius_ro", -6, kCmdReadonly, 1, 1, 1, "geo", "3.2.10",
     "A read-only variant for GEORADIUS", kRadiusComplexity,
     "key longitude latitude radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH] "
     "[COUNT count [ANY]] [ASC | DESC]",
     GeoRadiusRoCommand},
    {"georadiusbymember_ro", -5, kCmdReadonly, 1, 1, 1, "geo", "3.2.10",
     "A read-only variant for GEORADIUSBYMEMBER", kRadiusComplexity,
     "key member radius M | KM | FT | MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] "
     "[ASC | DESC]",
     GeoRadiusByMemberRoCommand},
    {"geosearch", -7, kCmdReadonly, 1, 1, 1, "geo", "6.2.0",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle.",
     kSearchComplexity,
     "key FROMMEMBER member | FROMLONLAT longitude latitude BYRADIUS radius M | KM | FT | MI | "
     "BYBOX width height M | KM | FT | MI [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] "
     "[WITHDIST] [WITHHASH]",
     GeoSearchCommand},
    {"geosearchstore", -8, kWriteOom, 1, 2, 1, "geo", "6.2.0",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle, and store the result in another key.",
     kSearchComplexity,
     "destination source FROMMEMBER member | FROMLONLAT longitude latitude BYRADIUS radius "
     "M | KM | FT | MI | BYBOX width height M | KM | FT | MI [ASC | DESC] [COUNT count [ANY]] "
     "[STOREDIST]",
     GeoSearchStoreCommand},
    {nullptr},
};

}  // namespace

void RegisterGeoCommands() {
  RegisterZSetObjectOps();
  CommandTable::Get().Register(kGeoCommands);
}

}  // namespace memkeydb
