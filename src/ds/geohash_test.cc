// Geohash encoding, decoding and geometry, checked against values redis-server 7.0.15 replies
// (GEOADD scores, GEOPOS, GEOHASH, GEODIST), plus round trips and the partial sort.
#include "ds/geohash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/strutil.h"
#include "ds/partial_sort.h"

namespace memkeydb::geo {
namespace {

uint64_t Score(double lon, double lat) {
  HashBits h;
  EXPECT_TRUE(EncodeWgs84(lon, lat, kMaxStep, &h));
  return Align52(h);
}

// GEOPOS's text for a coordinate.
std::string Human(double v) { return FormatLongDouble(static_cast<long double>(v)); }

std::string Pos(double score) {
  double lon, lat;
  DecodeScore(score, &lon, &lat);
  return Human(lon) + " " + Human(lat);
}

std::string Fixed4(double d) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4f", d);
  return buf;
}

TEST(GeohashTest, ScoresMatchRedis) {
  EXPECT_EQ(Score(13.361389, 38.115556), 3479099956230698ULL);
  EXPECT_EQ(Score(15.087269, 37.502669), 3479447370796909ULL);
  EXPECT_EQ(Score(0, 0), 3377699720527872ULL);
  EXPECT_EQ(Score(-180, -85.05112878), 0ULL);
  // The upper limits land one past the last cell on both axes, as in Redis.
  EXPECT_EQ(Score(180, 85.05112878), 13510798882111488ULL);
  HashBits h;
  EXPECT_FALSE(EncodeWgs84(180.0001, 0, kMaxStep, &h));
  EXPECT_FALSE(EncodeWgs84(0, 85.06, kMaxStep, &h));
}

TEST(GeohashTest, DecodeMatchesGeopos) {
  EXPECT_EQ(Pos(3479099956230698.0), "13.36138933897018433 38.11555639549629859");
  EXPECT_EQ(Pos(3479447370796909.0), "15.08726745843887329 37.50266842333162032");
  EXPECT_EQ(Pos(0), "-179.99999731779098511 -85.05112751263942528");
  EXPECT_EQ(Pos(13510798882111488.0), "180 85.0511287799999991");
  EXPECT_EQ(Pos(3377699720527872.0), "0.00000268220901489 0.00000126736058093");
}

TEST(GeohashTest, OddScoresDecodeAsRedisDoes) {
  // Scores no GEOADD writes, decoded through the same unsigned conversion Redis performs.
  EXPECT_EQ(Pos(-1), "180 85.0511287799999991");
  EXPECT_EQ(Pos(-5e18), "180 85.0511287799999991");
  EXPECT_EQ(Pos(1.5), "-179.99999731779098511 -85.05112497791824921");
  EXPECT_EQ(Pos(1e19), "180 85.0511287799999991");
  EXPECT_EQ(Pos(2e19), "-179.99999731779098511 -85.05112751263942528");
  EXPECT_EQ(Pos(INFINITY), "-179.99999731779098511 -85.05112751263942528");
  EXPECT_EQ(Pos(-INFINITY), "180 -85.05112751263942528");
  EXPECT_EQ(Pos(1e300), "-179.99999731779098511 -85.05112751263942528");
  EXPECT_EQ(Pos(-1e300), "180 -85.05112751263942528");
  EXPECT_EQ(Pos(4503599627370495.5), "179.99999731779098511 85.05112751263942528");
  EXPECT_EQ(StandardHashString(1.5), "00bh0hbj210");
  EXPECT_EQ(StandardHashString(-1), "bp05b5048p0");
  EXPECT_EQ(StandardHashString(4503599627370495.5), "zzpgzgpfxz0");
}

TEST(GeohashTest, StandardHashStrings) {
  EXPECT_EQ(StandardHashString(3479099956230698.0), "sqc8b49rny0");
  EXPECT_EQ(StandardHashString(3479447370796909.0), "sqdtr74hyu0");
  EXPECT_EQ(StandardHashString(0), "00bh0hbj200");
  EXPECT_EQ(StandardHashString(13510798882111488.0), "bp05b5048p0");
  EXPECT_EQ(StandardHashString(3377699720527872.0), "s0000000000");
}

TEST(GeohashTest, DistancesMatchGeodist) {
  double lon1, lat1, lon2, lat2;
  DecodeScore(3479099956230698.0, &lon1, &lat1);
  DecodeScore(3479447370796909.0, &lon2, &lat2);
  EXPECT_EQ(Fixed4(Distance(lon1, lat1, lon2, lat2)), "166274.1516");
  EXPECT_EQ(Fixed4(Distance(lon1, lat1, lon2, lat2) / 1000), "166.2742");
  DecodeScore(0, &lon1, &lat1);
  DecodeScore(13510798882111488.0, &lon2, &lat2);
  EXPECT_EQ(Fixed4(Distance(lon1, lat1, lon2, lat2) / 1609.34), "11756.2756");
}

TEST(GeohashTest, RoundTripStaysInsideTheCell) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lon_d(kLonMin, kLonMax), lat_d(kLatMin, kLatMax);
  for (int i = 0; i < 20000; ++i) {
    double lon = lon_d(rng), lat = lat_d(rng);
    HashBits h;
    ASSERT_TRUE(EncodeWgs84(lon, lat, kMaxStep, &h));
    Cell cell;
    ASSERT_TRUE(Decode(kLonRange, kLatRange, h, &cell));
    EXPECT_LE(cell.lon.min, lon);
    EXPECT_GE(cell.lon.max, lon);
    EXPECT_LE(cell.lat.min, lat);
    EXPECT_GE(cell.lat.max, lat);
    double dlon, dlat;
    DecodeScore(static_cast<double>(Align52(h)), &dlon, &dlat);
    HashBits again;
    ASSERT_TRUE(EncodeWgs84(dlon, dlat, kMaxStep, &again));
    EXPECT_EQ(again.bits, h.bits);  // the centre of a cell encodes to the cell
  }
}

TEST(GeohashTest, NeighboursAreAdjacentCells) {
  HashBits h;
  ASSERT_TRUE(EncodeWgs84(13.36, 38.11, 10, &h));
  Cell c, n, e, sw;
  Decode(kLonRange, kLatRange, h, &c);
  Neighbours nb = NeighboursOf(h);
  Decode(kLonRange, kLatRange, nb.north, &n);
  Decode(kLonRange, kLatRange, nb.east, &e);
  Decode(kLonRange, kLatRange, nb.south_west, &sw);
  EXPECT_DOUBLE_EQ(n.lat.min, c.lat.max);
  EXPECT_DOUBLE_EQ(n.lon.min, c.lon.min);
  EXPECT_DOUBLE_EQ(e.lon.min, c.lon.max);
  EXPECT_DOUBLE_EQ(e.lat.min, c.lat.min);
  EXPECT_DOUBLE_EQ(sw.lon.max, c.lon.min);
  EXPECT_DOUBLE_EQ(sw.lat.max, c.lat.min);
  // West of the first column wraps to the last.
  ASSERT_TRUE(EncodeWgs84(-180, 0, 4, &h));
  Decode(kLonRange, kLatRange, NeighboursOf(h).west, &c);
  EXPECT_DOUBLE_EQ(c.lon.max, 180);
}

TEST(GeohashTest, StepsAndCoveringCells) {
  EXPECT_EQ(EstimateStepsByRadius(0, 0), 26);
  EXPECT_EQ(EstimateStepsByRadius(1000, 0), 14);
  EXPECT_EQ(EstimateStepsByRadius(1000, 70), 13);
  EXPECT_EQ(EstimateStepsByRadius(1000, 85), 12);
  EXPECT_EQ(EstimateStepsByRadius(5e7, 0), 1);
  Shape s;
  s.lon = 15;
  s.lat = 37;
  s.radius = 200;
  s.unit_to_meters = 1000;
  SearchCells cells = CellsCoveringShape(s);
  // Every point within the radius lies in one of the cells.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> d(-3, 3);
  for (int i = 0; i < 5000; ++i) {
    double lon = 15 + d(rng), lat = 37 + d(rng), dist;
    if (!WithinShape(s, lon, lat, &dist)) continue;
    uint64_t score = Score(lon, lat);
    bool covered = false;
    for (const HashBits& c : cells.cells) {
      if (c.IsZero()) continue;
      uint64_t lo, hi;
      ScoreRangeOfCell(c, &lo, &hi);
      covered |= score >= lo && score < hi;
    }
    EXPECT_TRUE(covered) << lon << "," << lat;
  }
}

TEST(GeohashTest, BoxUsesAxisDistances) {
  Shape s;
  s.kind = Shape::Kind::kBox;
  s.lon = 0;
  s.lat = 0;
  s.width = 200;
  s.height = 100;
  s.unit_to_meters = 1000;
  double dist;
  EXPECT_TRUE(WithinShape(s, 0.8, 0.4, &dist));
  EXPECT_FALSE(WithinShape(s, 0.8, 0.5, &dist));
  EXPECT_FALSE(WithinShape(s, 0.95, 0.1, &dist));
}

TEST(PartialSortTest, WantedPositionsMatchAFullSort) {
  uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto cmp = [](int a, int b) { return a < b ? -1 : a > b ? 1 : 0; };
  for (int round = 0; round < 2000; ++round) {
    size_t n = 1 + rng() % 200;
    std::vector<int> v(n);
    for (int& x : v) x = static_cast<int>(rng() % (1 + rng() % 50));
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    size_t hi = rng() % n;
    PartialQuickSort(v.data(), n, cmp, 0, hi);
    for (size_t i = 0; i <= hi; ++i) ASSERT_EQ(v[i], sorted[i]) << "n=" << n << " i=" << i;
  }
}

}  // namespace
}  // namespace memkeydb::geo
