// Geo commands through the CommandTest fixture. Expected replies are redis-server 7.0.15's.
#include <gtest/gtest.h>

#include "server/test_util.h"

namespace memkeydb {
namespace {

class GeoTest : public CommandTest {
 protected:
  void AddSicily() {
    ASSERT_EQ(Run({"geoadd", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269",
                   "37.502669", "Catania"}),
              "(integer) 2");
  }
};

TEST_F(GeoTest, AddPosHashDist) {
  AddSicily();
  EXPECT_EQ(Run({"zscore", "Sicily", "Palermo"}), "3479099956230698");
  EXPECT_EQ(Encoding("Sicily"), "listpack");
  EXPECT_EQ(Run({"geopos", "Sicily", "Palermo", "nope"}),
            "[[13.36138933897018433, 38.11555639549629859], (nil)]");
  EXPECT_EQ(Run({"geohash", "Sicily", "Palermo", "Catania", "nope"}),
            "[sqc8b49rny0, sqdtr74hyu0, (nil)]");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "Catania"}), "166274.1516");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "Catania", "KM"}), "166.2742");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "Catania", "mi"}), "103.3182");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "nope"}), "(nil)");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "Catania", "yd"}),
            "ERR unsupported unit provided. please use M, KM, FT, MI");
  EXPECT_EQ(Run({"geodist", "Sicily", "Palermo", "Catania", "km", "x"}), "ERR syntax error");
  EXPECT_EQ(Run({"geopos", "missing", "a"}), "[(nil)]");
}

TEST_F(GeoTest, AddOptionsAndErrors) {
  AddSicily();
  EXPECT_EQ(Run({"geoadd", "Sicily", "xx", "ch", "13.4", "38.1", "Palermo", "1", "1", "new"}),
            "(integer) 1");
  EXPECT_EQ(Run({"zcard", "Sicily"}), "(integer) 2");
  EXPECT_EQ(Run({"geoadd", "Sicily", "nx", "1", "1", "Palermo", "2", "2", "new"}), "(integer) 1");
  EXPECT_EQ(Run({"geoadd", "Sicily", "nx", "xx", "1", "1", "a"}), "ERR syntax error");
  EXPECT_EQ(Run({"geoadd", "Sicily", "1", "1", "a", "b"}), "ERR syntax error");
  EXPECT_EQ(Run({"geoadd", "Sicily", "200", "10", "a"}),
            "ERR invalid longitude,latitude pair 200.000000,10.000000");
  EXPECT_EQ(Run({"geoadd", "Sicily", "10", "85.06", "a"}),
            "ERR invalid longitude,latitude pair 10.000000,85.060000");
  EXPECT_EQ(Run({"geoadd", "Sicily", "x", "10", "a"}), "ERR value is not a valid float");
  EXPECT_EQ(Run({"geoadd", "xxkey", "xx", "1", "1", "a"}), "(integer) 0");
  EXPECT_FALSE(Exists("xxkey"));
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"geoadd", "s", "1", "1", "a"}),
            "WRONGTYPE Operation against a key holding the wrong kind of value");
  // Coordinates are checked before the key's type.
  EXPECT_EQ(Run({"geoadd", "s", "181", "1", "a"}),
            "ERR invalid longitude,latitude pair 181.000000,1.000000");
}

TEST_F(GeoTest, SearchRadiusAndBox) {
  AddSicily();
  EXPECT_EQ(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200", "km", "asc",
                 "withdist", "withhash", "withcoord"}),
            "[[Catania, 56.4413, (integer) 3479447370796909, [15.08726745843887329, "
            "37.50266842333162032]], [Palermo, 190.4424, (integer) 3479099956230698, "
            "[13.36138933897018433, 38.11555639549629859]]]");
  EXPECT_EQ(
      Run({"geosearch", "Sicily", "frommember", "Palermo", "bybox", "400", "400", "km", "desc"}),
      "[Catania, Palermo]");
  EXPECT_EQ(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "100", "km"}),
            "[Catania]");
  EXPECT_EQ(
      Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200", "km", "count", "1"}),
      "[Catania]");
  EXPECT_EQ(Run({"georadius", "Sicily", "15", "37", "200", "km", "withdist", "desc"}),
            "[[Palermo, 190.4424], [Catania, 56.4413]]");
  EXPECT_EQ(Run({"georadiusbymember_ro", "Sicily", "Palermo", "10", "km"}), "[Palermo]");
  EXPECT_EQ(Run({"geosearch", "missing", "frommember", "x", "byradius", "1", "m"}), "[]");
}

TEST_F(GeoTest, SearchErrors) {
  AddSicily();
  EXPECT_EQ(Run({"geosearch", "Sicily", "byradius", "1", "m", "asc", "x"}), "ERR syntax error");
  EXPECT_EQ(Run({"geosearch", "Sicily", "byradius", "1", "m", "asc", "desc"}),
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch");
  EXPECT_EQ(Run({"GEOSEARCH", "Sicily", "frommember", "Palermo", "asc", "withdist", "any"}),
            "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "nope", "byradius", "1", "m"}),
            "ERR could not decode requested zset member");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "Palermo", "byradius", "-1", "m"}),
            "ERR radius cannot be negative");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "Palermo", "byradius", "x", "m"}),
            "ERR need numeric radius");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "Palermo", "bybox", "1", "x", "m"}),
            "ERR need numeric height");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "Palermo", "bybox", "1", "-1", "m"}),
            "ERR height or width cannot be negative");
  EXPECT_EQ(Run({"geosearch", "Sicily", "frommember", "Palermo", "byradius", "1", "m", "any"}),
            "ERR the ANY argument requires COUNT argument");
  EXPECT_EQ(
      Run({"geosearch", "Sicily", "frommember", "Palermo", "byradius", "1", "m", "count", "0"}),
      "ERR COUNT must be > 0");
  EXPECT_EQ(
      Run({"geosearch", "Sicily", "frommember", "Palermo", "byradius", "1", "m", "storedist"}),
      "ERR syntax error");
  EXPECT_EQ(Run({"georadius", "Sicily", "15", "37", "200", "km", "withdist", "store", "d"}),
            "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and "
            "WITHCOORD options");
  EXPECT_EQ(Run({"geosearchstore", "d", "Sicily", "frommember", "Palermo", "byradius", "1", "m",
                 "withhash"}),
            "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  EXPECT_EQ(Run({"georadius_ro", "Sicily", "15", "37", "200", "km", "store", "d"}),
            "ERR syntax error");
  // A missing member of a missing key is not an error; the radius is not even parsed.
  EXPECT_EQ(Run({"georadiusbymember", "missing", "m", "x", "km"}), "[]");
}

TEST_F(GeoTest, StoreAndStoreDist) {
  AddSicily();
  WatchEvents();
  EXPECT_EQ(Run({"georadius", "Sicily", "15", "37", "200", "km", "storedist", "d"}), "(integer) 2");
  EXPECT_EQ(Run({"zrange", "d", "0", "-1", "withscores"}),
            "[Catania, 56.441257870158204, Palermo, 190.44242984775784]");
  EXPECT_EQ(Run({"geosearchstore", "d2", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                 "km", "count", "1"}),
            "(integer) 1");
  EXPECT_EQ(Run({"zrange", "d2", "0", "-1", "withscores"}), "[Catania, 3479447370796909]");
  EXPECT_EQ(Run({"geosearchstore", "d2", "Sicily", "fromlonlat", "0", "0", "byradius", "1", "km"}),
            "(integer) 0");
  EXPECT_FALSE(Exists("d2"));
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"georadiusstore:d", "geosearchstore:d2", "del:d2"}));
}

TEST_F(GeoTest, TiesUnderCountFollowRedis) {
  // Many members at one position: the order of equally distant points under COUNT comes from
  // Redis's partial quicksort.
  std::vector<std::string> args = {"geoadd", "t"};
  for (int i = 0; i < 30; ++i) {
    args.push_back(i % 3 == 0 ? "10" : "10.5");
    args.push_back("20");
    args.push_back("m" + std::to_string(i));
  }
  Run(args);
  EXPECT_EQ(Run({"geosearch", "t", "fromlonlat", "10.2", "20", "byradius", "500", "km", "desc",
                 "count", "3"}),
            "[m8, m20, m22]");
  EXPECT_EQ(Run({"geosearch", "t", "fromlonlat", "10.2", "20", "byradius", "500", "km", "asc",
                 "count", "2"}),
            "[m0, m18]");
}

TEST_F(GeoTest, DistanceRoundingIsRedis) {
  // 17370361.64254999990... ft: "%.4f" would print .6425; Redis rounds the scaled binary value.
  Run({"geoadd", "r", "118.87932032346725464", "-42.50340205554331874", "a"});
  EXPECT_EQ(Run({"geosearch", "r", "fromlonlat", "30.1027", "-84.8116", "byradius", "inf", "ft",
                 "withdist"}),
            "[[a, 17370361.6426]]");
}

TEST_F(GeoTest, Resp3Coordinates) {
  AddSicily();
  Run({"hello", "3"});
  Run({"geopos", "Sicily", "Palermo"});
  EXPECT_EQ(raw(), "*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n");
  Run({"geodist", "Sicily", "Palermo", "Catania"});
  EXPECT_EQ(raw(), "$11\r\n166274.1516\r\n");
}

}  // namespace
}  // namespace memkeydb
