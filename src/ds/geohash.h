// Geohash: the 52-bit cell numbers Redis's GEO commands store as sorted-set scores, and the
// geometry around them (cell decoding, neighbour cells, the cells that cover a search shape,
// great-circle distance).
//
// A hash of `step` bits per axis interleaves the latitude cell index (even bit positions) with
// the longitude cell index (odd positions), so a stored score is
//     score = interleave(lat_index, lon_index) << (52 - 2 * step)      (step 26 for GEOADD)
// over latitude [-85.05112878, 85.05112878] (the Web Mercator limits) and longitude [-180, 180].
// The GEOHASH command's strings are the standard geohash instead: the same interleaving over
// latitude [-90, 90], base32, 11 characters (the last always '0': 52 bits fill ten).
//
// Every function here reproduces redis-server 7.0's floating-point arithmetic operation by
// operation, because replies print coordinates with 17 digits and distances with 4 decimals, and
// which points fall inside a search depends on the last bit.
// Pure functions; no allocation.
#pragma once

#include <cstdint>
#include <string>

namespace memkeydb::geo {

inline constexpr int kMaxStep = 26;  // bits per axis of a stored score (52 in all)
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kEarthRadiusMeters = 6372797.560856;

// A cell: `step` bits per axis, interleaved. {0, 0} means "no cell" (a pruned neighbour).
struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool IsZero() const { return bits == 0 && step == 0; }
};

struct Range {
  double min = 0, max = 0;
};

// The rectangle a cell covers.
struct Cell {
  HashBits hash;
  Range lon, lat;
};

inline constexpr Range kLonRange{kLonMin, kLonMax};
inline constexpr Range kLatRange{kLatMin, kLatMax};
inline constexpr Range kStandardLatRange{-90, 90};

// The cell of (lon, lat) at `step` bits per axis within the given ranges. False (and *out zero
// bits) when the point is outside the GEO limits or the ranges, or step is not in 1..32.
bool Encode(Range lon_range, Range lat_range, double lon, double lat, int step, HashBits* out);
// Encode over the GEO ranges.
bool EncodeWgs84(double lon, double lat, int step, HashBits* out);
// The rectangle of `hash`. False for the zero hash.
bool Decode(Range lon_range, Range lat_range, HashBits hash, Cell* out);
// The centre of a cell, clamped to the GEO limits.
void CellCentre(const Cell& cell, double* lon, double* lat);

// A 52-bit score from a cell of any step (low bits zero).
uint64_t Align52(HashBits hash);
// A sorted-set score as Redis reads it for GEO: converted to an unsigned 64-bit integer the way
// an x86-64 C compiler does (so negative, fractional and huge scores decode as Redis decodes
// them), then taken as a step-26 cell.
uint64_t ScoreToBits(double score);
// The point a score stands for: its cell's centre. Always succeeds, as in Redis.
void DecodeScore(double score, double* lon, double* lat);
// The 11-character standard geohash of a stored score (GEOHASH).
std::string StandardHashString(double score);

// The eight cells around `hash` at its step (wrapping at the edges of the grid).
struct Neighbours {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};
Neighbours NeighboursOf(HashBits hash);

// Great-circle distance in metres (haversine over kEarthRadiusMeters; along a meridian, the
// latitude difference times the radius).
double Distance(double lon1, double lat1, double lon2, double lat2);
// The distance between two parallels along a meridian.
double LatitudeDistance(double lat1, double lat2);

// A GEOSEARCH / GEORADIUS area around (lon, lat). Sizes are in `unit_to_meters` units.
struct Shape {
  enum class Kind { kRadius, kBox };
  Kind kind = Kind::kRadius;
  double lon = 0, lat = 0;
  double unit_to_meters = 1;
  double radius = 0;             // kRadius
  double width = 0, height = 0;  // kBox
};

// If (lon, lat) lies in the shape, sets *dist_meters to its distance from the centre.
bool WithinShape(const Shape& shape, double lon, double lat, double* dist_meters);

// The step Redis starts from for a search of this radius (metres) at this latitude.
int EstimateStepsByRadius(double radius_meters, double lat);

// The cells to scan for a search, in the order Redis scans them: the centre cell, then north,
// south, east, west, north-east, north-west, south-east, south-west. Pruned cells are zero.
struct SearchCells {
  HashBits cells[9];
};
SearchCells CellsCoveringShape(const Shape& shape);

// The stored scores a cell covers: [*min, *max).
void ScoreRangeOfCell(HashBits hash, uint64_t* min, uint64_t* max);

}  // namespace memkeydb::geo
