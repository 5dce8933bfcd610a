// Tests of the HyperLogLog commands. Expected replies and bytes were checked against
// redis-server 7.0.15.

#include <string>
#include <vector>

#include "ds/hyperloglog.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

constexpr const char* kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr const char* kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

using HllTest = CommandTest;
using Ev = std::vector<std::string>;

std::string SparseHeader(bool cache_valid) {
  return std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0", 15) + (cache_valid ? '\0' : '\x80');
}

TEST_F(HllTest, PfAddCreatesAndReportsChanges) {
  EXPECT_EQ(Run({"pfadd", "h"}), "(integer) 1");
  // A new empty HLL: sparse, one XZERO, the cache marked stale by PFADD.
  EXPECT_EQ(Run({"get", "h"}), SparseHeader(false) + "\x7f\xff");
  EXPECT_EQ(Encoding("h"), "raw");
  EXPECT_EQ(Run({"pfadd", "h"}), "(integer) 0");
  EXPECT_EQ(Run({"pfadd", "h", "a", "b", "c"}), "(integer) 1");
  EXPECT_EQ(Run({"get", "h"}), SparseHeader(false) + "`\xf3\x80P\xb1\x84K\xfb\x80" "BZ");
  EXPECT_EQ(Run({"pfadd", "h", "a", "c"}), "(integer) 0");
  EXPECT_EQ(Run({"pfcount", "h"}), "(integer) 3");
  EXPECT_EQ(Run({"pfdebug", "decode", "h"}), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  EXPECT_EQ(Run({"pfdebug", "encoding", "h"}), "sparse");
}

TEST_F(HllTest, PfCountCachesAndSignals) {
  Run({"pfadd", "h", "a", "b"});
  WatchEvents();
  EXPECT_EQ(Run({"watch", "h"}), "OK");
  EXPECT_EQ(Run({"pfcount", "h"}), "(integer) 2");
  EXPECT_EQ(Run({"get", "h"}).substr(8, 8), std::string("\x02\0\0\0\0\0\0\0", 8));
  // Rewriting the cache is a modification for WATCH, but sends no event.
  Run({"multi"});
  Run({"ping"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
  EXPECT_EQ(Events(), Ev{});
  // A valid cache is answered as is, without touching the key.
  Run({"watch", "h"});
  EXPECT_EQ(Run({"pfcount", "h"}), "(integer) 2");
  Run({"multi"});
  Run({"ping"});
  EXPECT_EQ(Run({"exec"}), "[PONG]");
  // A cache set by a client is believed.
  std::string s = Run({"get", "h"});
  s[8] = 42;
  Run({"set", "h", s});
  EXPECT_EQ(Run({"pfcount", "h"}), "(integer) 42");
  EXPECT_EQ(Encoding("h"), "raw");
  EXPECT_EQ(Run({"pfcount", "nokey"}), "(integer) 0");
}

TEST_F(HllTest, PfCountOfSeveralKeysIsTheUnion) {
  std::vector<std::string> a = {"pfadd", "a"}, b = {"pfadd", "b"};
  for (int i = 0; i < 1000; ++i) a.push_back("x" + std::to_string(i));
  for (int i = 500; i < 1500; ++i) b.push_back("x" + std::to_string(i));
  Run(a);
  Run(b);
  std::string ga = Run({"get", "a"});
  std::string count = Run({"pfcount", "a", "b", "missing"});
  int64_t n = std::stoll(count.substr(10));
  EXPECT_NEAR(n, 1500, 1500 * 0.05);
  // Counting several keys leaves every key as it was.
  EXPECT_EQ(Run({"get", "a"}), ga);
  Run({"pfmerge", "u", "a", "b"});
  EXPECT_EQ(Run({"pfcount", "u"}), count);
}

TEST_F(HllTest, NotAnHll) {
  Run({"set", "s", "hello"});
  EXPECT_EQ(Run({"pfadd", "s", "x"}), kNotHll);
  EXPECT_EQ(Run({"pfcount", "s"}), kNotHll);
  EXPECT_EQ(Run({"pfcount", "nokey", "s"}), kNotHll);
  EXPECT_EQ(Run({"pfmerge", "d", "s"}), kNotHll);
  EXPECT_EQ(Run({"exists", "d"}), "(integer) 0");
  EXPECT_EQ(Run({"pfdebug", "encoding", "s"}), kNotHll);
  Run({"set", "n", "12345678901234567"});  // an integer is never an HLL
  EXPECT_EQ(Run({"pfadd", "n"}), kNotHll);
  // A dense HLL must have exactly the dense size.
  Run({"set", "d1", std::string("HYLL", 4) + std::string(20, '\0')});
  EXPECT_EQ(Run({"pfcount", "d1"}), kNotHll);
  Run({"set", "e2", std::string("HYLL\x02", 5) + std::string(20, '\0')});
  EXPECT_EQ(Run({"pfcount", "e2"}), kNotHll);
  MakeHash("hash");
  EXPECT_EQ(Run({"pfadd", "hash", "x"}), kWrongType);
  EXPECT_EQ(Run({"pfcount", "hash"}), kWrongType);
  EXPECT_EQ(Run({"pfcount", "s", "hash"}), kNotHll);
  EXPECT_EQ(Run({"pfmerge", "hash"}), kWrongType);
  EXPECT_EQ(Run({"pfdebug", "getreg", "hash"}), kWrongType);
}

TEST_F(HllTest, CorruptSparse) {
  // No opcodes at all, cache stale.
  Run({"set", "b", SparseHeader(false)});
  EXPECT_EQ(Run({"pfcount", "b"}), kCorrupt);
  EXPECT_EQ(Run({"pfadd", "b", "a"}), kCorrupt);
  EXPECT_EQ(Run({"pfmerge", "d", "b"}), kCorrupt);
  EXPECT_EQ(Run({"exists", "d"}), "(integer) 0");
  EXPECT_EQ(Run({"pfcount", "b", "nokey"}), kCorrupt);
  EXPECT_EQ(Run({"pfdebug", "getreg", "b"}), kCorrupt);
  EXPECT_EQ(Run({"pfdebug", "todense", "b"}), kCorrupt);
  EXPECT_EQ(Run({"pfdebug", "decode", "b"}), "");
  // With a valid cache, the cache is the answer and the body is not looked at.
  Run({"set", "c", SparseHeader(true)});
  EXPECT_EQ(Run({"pfcount", "c"}), "(integer) 0");
  // Runs that overshoot the register count.
  Run({"set", "o", SparseHeader(false) + std::string("\x7f\xff\x00", 3)});
  EXPECT_EQ(Run({"pfcount", "o"}), kCorrupt);
  // A corrupt element stops PFADD after the registers already changed.
  Run({"set", "p", SparseHeader(false) + "\x7f\xff\x80"});
  EXPECT_EQ(Run({"pfcount", "p"}), kCorrupt);
  EXPECT_EQ(Run({"pfadd", "p", "a"}), "(integer) 1");
}

TEST_F(HllTest, PfMergeEncodingAndEvents) {
  WatchEvents();
  EXPECT_EQ(Run({"pfmerge", "d"}), "OK");
  EXPECT_EQ(Run({"get", "d"}), SparseHeader(false) + "\x7f\xff");
  Run({"pfadd", "s1", "a", "b"});
  Run({"pfadd", "s2", "c"});
  EXPECT_EQ(Run({"pfmerge", "d", "s1", "s2", "missing"}), "OK");
  EXPECT_EQ(Run({"pfdebug", "encoding", "d"}), "sparse");
  EXPECT_EQ(Run({"pfcount", "d"}), "(integer) 3");
  EXPECT_EQ(Events(), (Ev{"pfadd:d", "pfadd:s1", "pfadd:s2", "pfadd:d"}));
  // A dense source makes the destination dense.
  Run({"pfadd", "dn", "z"});
  EXPECT_EQ(Run({"pfdebug", "todense", "dn"}), "(integer) 1");
  EXPECT_EQ(Run({"pfdebug", "todense", "dn"}), "(integer) 0");
  EXPECT_EQ(Run({"pfmerge", "d", "dn"}), "OK");
  EXPECT_EQ(Run({"pfdebug", "encoding", "d"}), "dense");
  EXPECT_EQ(Run({"pfcount", "d"}), "(integer) 4");
  EXPECT_EQ(Run({"strlen", "d"}), "(integer) 12304");
}

TEST_F(HllTest, PfDebug) {
  EXPECT_EQ(Run({"pfdebug", "getreg", "nokey"}), "ERR The specified key does not exist");
  Run({"pfadd", "h", "a"});
  EXPECT_EQ(Run({"pfdebug", "nosuch", "h"}), "ERR Unknown PFDEBUG subcommand 'nosuch'");
  EXPECT_EQ(Run({"pfdebug", "nosuch", "nokey"}), "ERR The specified key does not exist");
  std::string regs = Run({"pfdebug", "GETREG", "h"});
  EXPECT_EQ(regs.size(), 2 + 16384 * 11 + 16383 * 2 + 0u);  // "(integer) 0", joined by ", "
  EXPECT_EQ(Run({"pfdebug", "encoding", "h"}), "dense");  // GETREG converted it
  EXPECT_EQ(Run({"pfdebug", "decode", "h"}), "ERR HLL encoding is not sparse");
  EXPECT_EQ(Run({"pfdebug", "getreg"}), "ERR wrong number of arguments for 'pfdebug' command");
}

TEST_F(HllTest, SparseMaxBytesOption) {
  EXPECT_EQ(Run({"config", "get", "hll-sparse-max-bytes"}), "[hll-sparse-max-bytes, 3000]");
  EXPECT_EQ(Run({"config", "set", "hll-sparse-max-bytes", "100"}), "OK");
  std::vector<std::string> add = {"pfadd", "h"};
  for (int i = 0; i < 100; ++i) add.push_back("e" + std::to_string(i));
  Run(add);
  EXPECT_EQ(Run({"pfdebug", "encoding", "h"}), "dense");  // as redis-server with the same limit
  EXPECT_EQ(Run({"config", "set", "hll-sparse-max-bytes", "3000"}), "OK");
  Run({"del", "h"});
  Run(add);
  EXPECT_EQ(Run({"pfdebug", "encoding", "h"}), "sparse");
}

TEST_F(HllTest, SelfTest) { EXPECT_EQ(Run({"pfselftest"}), "OK"); }

}  // namespace
}  // namespace memkeydb
