#include "ds/geohash.h"

#include <cmath>

namespace memkeydb::geo {
namespace {

constexpr double kDegToRad = M_PI / 180.0;
double ToRadians(double deg) { return deg * kDegToRad; }
double ToDegrees(double rad) { return rad / kDegToRad; }

// Moves the 32 bits of v to the even bit positions of the result.
uint64_t SpreadBits(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// The inverse of SpreadBits: gathers the even bit positions of x.
uint32_t GatherBits(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

bool RangeIsZero(Range r) { return r.min == 0 && r.max == 0; }

// Steps the longitude (odd bits, dir = +1/-1) or latitude (even bits) index of `hash` by one,
// wrapping within its step.
void MoveAxis(HashBits* hash, bool longitude, int dir) {
  constexpr uint64_t kOdd = 0xAAAAAAAAAAAAAAAAULL, kEven = 0x5555555555555555ULL;
  uint64_t mine = hash->bits & (longitude ? kOdd : kEven);
  uint64_t other = hash->bits & (longitude ? kEven : kOdd);
  int shift = 64 - hash->step * 2;
  // The other axis's bit positions below the step, all ones: adding (fill + 1) to our bits
  // carries straight through them.
  uint64_t fill = (longitude ? kEven : kOdd) >> shift;
  if (dir > 0) {
    mine += fill + 1;
  } else {
    mine = (mine | fill) - (fill + 1);
  }
  mine &= (longitude ? kOdd : kEven) >> shift;
  hash->bits = mine | other;
}

// The search rectangle's bounds [min_lon, min_lat, max_lon, max_lat]. Meridians converge, so
// the longitude span is taken at the edge nearer the pole.
void BoundingBox(const Shape& s, double bounds[4]) {
  bool circle = s.kind == Shape::Kind::kRadius;
  double height = s.unit_to_meters * (circle ? s.radius : s.height / 2);
  double width = s.unit_to_meters * (circle ? s.radius : s.width / 2);
  const double lat_delta = ToDegrees(height / kEarthRadiusMeters);
  const double lon_delta_top =
      ToDegrees(width / kEarthRadiusMeters / std::cos(ToRadians(s.lat + lat_delta)));
  const double lon_delta_bottom =
      ToDegrees(width / kEarthRadiusMeters / std::cos(ToRadians(s.lat - lat_delta)));
  bool southern = s.lat < 0;
  bounds[0] = southern ? s.lon - lon_delta_bottom : s.lon - lon_delta_top;
  bounds[2] = southern ? s.lon + lon_delta_bottom : s.lon + lon_delta_top;
  bounds[1] = s.lat - lat_delta;
  bounds[3] = s.lat + lat_delta;
}

}  // namespace

bool Encode(Range lon_range, Range lat_range, double lon, double lat, int step, HashBits* out) {
  if (out == nullptr || step > 32 || step == 0 || RangeIsZero(lat_range) ||
      RangeIsZero(lon_range)) {
    return false;
  }
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  out->bits = 0;
  out->step = static_cast<uint8_t>(step);
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) {
    return false;
  }
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  out->bits = SpreadBits(static_cast<uint32_t>(lat_offset)) |
              (SpreadBits(static_cast<uint32_t>(lon_offset)) << 1);
  return true;
}

bool EncodeWgs84(double lon, double lat, int step, HashBits* out) {
  return Encode(kLonRange, kLatRange, lon, lat, step, out);
}

bool Decode(Range lon_range, Range lat_range, HashBits hash, Cell* out) {
  if (hash.IsZero() || out == nullptr || RangeIsZero(lat_range) || RangeIsZero(lon_range)) {
    return false;
  }
  out->hash = hash;
  uint32_t ilat = GatherBits(hash.bits);
  uint32_t ilon = GatherBits(hash.bits >> 1);
  double lat_scale = lat_range.max - lat_range.min;
  double lon_scale = lon_range.max - lon_range.min;
  double cells = static_cast<double>(1ULL << hash.step);
  // The +1 wraps in 32 bits, as Redis's does (only reachable from scores beyond 52 bits).
  uint32_t ilat_next = ilat + 1, ilon_next = ilon + 1;
  out->lat.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  out->lat.max = lat_range.min + (ilat_next * 1.0 / cells) * lat_scale;
  out->lon.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  out->lon.max = lon_range.min + (ilon_next * 1.0 / cells) * lon_scale;
  return true;
}

void CellCentre(const Cell& cell, double* lon, double* lat) {
  double x = (cell.lon.min + cell.lon.max) / 2;
  if (x > kLonMax) x = kLonMax;
  if (x < kLonMin) x = kLonMin;
  double y = (cell.lat.min + cell.lat.max) / 2;
  if (y > kLatMax) y = kLatMax;
  if (y < kLatMin) y = kLatMin;
  *lon = x;
  *lat = y;
}

uint64_t Align52(HashBits hash) { return hash.bits << (52 - hash.step * 2); }

uint64_t ScoreToBits(double score) {
  // What cvttsd2si-based code computes for (uint64_t)score: below 2^63 a signed truncation
  // (out of range and NaN give 0x8000000000000000); from 2^63 up, truncate score - 2^63 and
  // flip the top bit.
  constexpr double kTwo63 = 9223372036854775808.0;
  auto truncate_signed = [](double d) -> uint64_t {
    if (!(d >= -kTwo63 && d < kTwo63)) return 0x8000000000000000ULL;
    return static_cast<uint64_t>(static_cast<int64_t>(d));
  };
  if (!(score >= kTwo63)) return truncate_signed(score);
  return truncate_signed(score - kTwo63) ^ 0x8000000000000000ULL;
}

void DecodeScore(double score, double* lon, double* lat) {
  Cell cell;
  Decode(kLonRange, kLatRange, HashBits{ScoreToBits(score), kMaxStep}, &cell);
  CellCentre(cell, lon, lat);
}

std::string StandardHashString(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lon, lat;
  DecodeScore(score, &lon, &lat);
  HashBits hash;
  Encode(kLonRange, kStandardLatRange, lon, lat, kMaxStep, &hash);
  std::string out(11, '0');
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(hash.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

Neighbours NeighboursOf(HashBits hash) {
  auto moved = [&](int dlon, int dlat) {
    HashBits h = hash;
    if (dlon != 0) MoveAxis(&h, true, dlon);
    if (dlat != 0) MoveAxis(&h, false, dlat);
    return h;
  };
  Neighbours n;
  n.east = moved(1, 0);
  n.west = moved(-1, 0);
  n.south = moved(0, -1);
  n.north = moved(0, 1);
  n.north_west = moved(-1, 1);
  n.south_west = moved(-1, -1);
  n.north_east = moved(1, 1);
  n.south_east = moved(1, -1);
  return n;
}

// Distance along a meridian: the haversine reduces to the latitude difference.
double LatitudeDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(ToRadians(lat2) - ToRadians(lat1));
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = ToRadians(lon1);
  double lon2r = ToRadians(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  // Redis takes the meridian shortcut whenever the longitude term is exactly zero; the result
  // differs from the full formula in the last bits, which STOREDIST scores show.
  if (v == 0.0) return LatitudeDistance(lat1, lat2);
  double lat1r = ToRadians(lat1);
  double lat2r = ToRadians(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

bool WithinShape(const Shape& s, double lon, double lat, double* dist_meters) {
  if (s.kind == Shape::Kind::kRadius) {
    double d = Distance(s.lon, s.lat, lon, lat);
    if (d > s.radius * s.unit_to_meters) return false;
    *dist_meters = d;
    return true;
  }
  double width_m = s.width * s.unit_to_meters;
  double height_m = s.height * s.unit_to_meters;
  // Half the height north-south of the centre, half the width east-west along the point's
  // parallel.
  if (LatitudeDistance(s.lat, lat) > height_m / 2) return false;
  if (Distance(lon, lat, s.lon, lat) > width_m / 2) return false;
  *dist_meters = Distance(s.lon, s.lat, lon, lat);
  return true;
}

int EstimateStepsByRadius(double radius_meters, double lat) {
  constexpr double kMercatorMax = 20037726.37;
  if (radius_meters == 0) return kMaxStep;
  int step = 1;
  while (radius_meters < kMercatorMax) {
    radius_meters *= 2;
    ++step;
  }
  step -= 2;  // err towards larger cells, so the 3x3 block covers the radius
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    --step;
    if (lat > 80 || lat < -80) --step;
  }
  if (step < 1) step = 1;
  if (step > kMaxStep) step = kMaxStep;
  return step;
}

SearchCells CellsCoveringShape(const Shape& s) {
  double bounds[4];
  BoundingBox(s, bounds);
  const double min_lon = bounds[0], min_lat = bounds[1], max_lon = bounds[2], max_lat = bounds[3];
  double radius_meters =
      s.kind == Shape::Kind::kRadius
          ? s.radius
          : std::sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radius_meters *= s.unit_to_meters;
  int steps = EstimateStepsByRadius(radius_meters, s.lat);

  HashBits hash;
  Cell area;
  EncodeWgs84(s.lon, s.lat, steps, &hash);
  Neighbours n = NeighboursOf(hash);
  Decode(kLonRange, kLatRange, hash, &area);

  // When the search reaches past the neighbours (a centre near a cell edge), one step coarser.
  Cell north, south, east, west;
  Decode(kLonRange, kLatRange, n.north, &north);
  Decode(kLonRange, kLatRange, n.south, &south);
  Decode(kLonRange, kLatRange, n.east, &east);
  Decode(kLonRange, kLatRange, n.west, &west);
  bool too_small = north.lat.max < max_lat || south.lat.min > min_lat || east.lon.max < max_lon ||
                   west.lon.min > min_lon;
  if (steps > 1 && too_small) {
    --steps;
    EncodeWgs84(s.lon, s.lat, steps, &hash);
    n = NeighboursOf(hash);
    Decode(kLonRange, kLatRange, hash, &area);
  }

  // Drop the neighbours the search cannot reach.
  if (steps >= 2) {
    if (area.lat.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (area.lat.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (area.lon.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (area.lon.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return SearchCells{{hash, n.north, n.south, n.east, n.west, n.north_east, n.north_west,
                      n.south_east, n.south_west}};
}

void ScoreRangeOfCell(HashBits hash, uint64_t* min, uint64_t* max) {
  *min = Align52(hash);
  ++hash.bits;
  *max = Align52(hash);
}

}  // namespace memkeydb::geo
