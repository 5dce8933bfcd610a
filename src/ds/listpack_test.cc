#include "ds/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "memory/testing/far_tier.h"

namespace memkeydb {
namespace {

// Hex with runs written {hh*n} (n copies of byte hh), as make_golden_vectors.py prints them.
std::string ExpandHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i < hex.size();) {
    if (hex[i] == '{') {
      size_t star = hex.find('*', i);
      size_t close = hex.find('}', i);
      char byte = static_cast<char>(std::stoi(std::string(hex.substr(i + 1, 2)), nullptr, 16));
      out.append(std::stoul(std::string(hex.substr(star + 1, close - star - 1))), byte);
      i = close + 1;
    } else {
      out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

std::string Hex(const uint8_t* p, size_t n) {
  std::string out;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", p[i]);
    out += buf;
  }
  return out;
}

std::string Blob(const Listpack& lp) {
  return std::string(reinterpret_cast<const char*>(lp.data()), lp.bytes());
}

std::string Text(const LpValue& v) {
  char scratch[LpValue::kIntBufSize];
  return std::string(v.View(scratch));
}

std::vector<std::string> Elements(const Listpack& lp) {
  std::vector<std::string> out;
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
    out.push_back(Text(lp.Get(pos)));
  }
  return out;
}

// The bytes one element adds, read back from a listpack holding only it.
std::string EntryHex(std::string_view s) {
  Listpack lp;
  lp.Append(s);
  return Hex(lp.data() + Listpack::kHeaderSize, lp.bytes() - Listpack::kHeaderSize - 1);
}

TEST(ListpackTest, EmptyListpack) {
  Listpack lp;
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 7u);
  EXPECT_EQ(Hex(lp.data(), lp.bytes()), "07000000" "0000" "ff");
  EXPECT_EQ(lp.First(), Listpack::kNone);
  EXPECT_EQ(lp.Last(), Listpack::kNone);
  EXPECT_EQ(lp.Seek(0), Listpack::kNone);
  EXPECT_EQ(lp.Seek(-1), Listpack::kNone);
  size_t bytes[kNumTiers] = {0, 0};
  lp.BytesByTier(bytes);
  EXPECT_EQ(bytes[0] + bytes[1], 0u);  // nothing allocated yet
}

// Each boundary of each encoding: the entry's exact bytes (encoding, data, backlen).
TEST(ListpackTest, IntegerEncodingBoundaries) {
  struct Case {
    const char* text;
    const char* hex;
  };
  const Case cases[] = {
      {"0", "0001"},
      {"1", "0101"},
      {"127", "7f01"},
      {"128", "c08002"},
      {"-1", "dfff02"},
      {"4095", "cfff02"},
      {"-4096", "d00002"},
      {"4096", "f1001003"},
      {"-4097", "f1ffef03"},
      {"32767", "f1ff7f03"},
      {"-32768", "f1008003"},
      {"32768", "f200800004"},
      {"-32769", "f2ff7fff04"},
      {"8388607", "f2ffff7f04"},
      {"-8388608", "f200008004"},
      {"8388608", "f30000800005"},
      {"-8388609", "f3ffff7fff05"},
      {"2147483647", "f3ffffff7f05"},
      {"-2147483648", "f30000008005"},
      {"2147483648", "f4000000800000000009"},
      {"-2147483649", "f4ffffff7fffffffff09"},
      {"9223372036854775807", "f4ffffffffffffff7f09"},
      {"-9223372036854775808", "f4000000000000008009"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(EntryHex(c.text), c.hex);
    int64_t v = std::stoll(c.text);
    Listpack lp;
    lp.AppendInt(v);
    lp.Append(c.text);
    ASSERT_EQ(lp.size(), 2u);
    EXPECT_EQ(Hex(lp.data() + 6, lp.bytes() - 7), std::string(c.hex) + c.hex);
    for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
      LpValue value = lp.Get(pos);
      ASSERT_TRUE(value.is_int());
      EXPECT_EQ(value.num, v);
      EXPECT_TRUE(value.Equals(c.text));
      EXPECT_FALSE(value.Equals(std::string(c.text) + " "));
    }
    EXPECT_EQ(Listpack::EntrySize(c.text) * 2 + 7, lp.bytes());
  }
}

// Text that only looks like an integer stays a string (Redis's string2ll rules).
TEST(ListpackTest, NonCanonicalIntegersAreStrings) {
  for (const char* s : {"", "-0", "007", "+1", " 1", "1 ", "-", "1.5", "0x10",
                        "9223372036854775808", "-9223372036854775809", "12345678901234567890",
                        "123456789012345678901"}) {
    SCOPED_TRACE(s);
    Listpack lp;
    lp.Append(s);
    LpValue v = lp.Get(lp.First());
    ASSERT_FALSE(v.is_int());
    EXPECT_EQ(Text(v), s);
    EXPECT_TRUE(v.Equals(s));
  }
  Listpack lp;
  lp.AppendInt(7);
  EXPECT_FALSE(lp.Get(lp.First()).Equals("07"));
  EXPECT_FALSE(lp.Get(lp.First()).Equals("+7"));
  EXPECT_TRUE(lp.Get(lp.First()).Equals("7"));
}

TEST(ListpackTest, StringLengthBoundaries) {
  struct Case {
    size_t len;
    size_t head;     // encoding bytes
    size_t backlen;  // backlen bytes
  };
  // 125 + 2 = 127 is the largest entry with a one-byte backlen; 16382 + 5 = 16387 and
  // 16377 + 5 = 16382 straddle Redis's 16383 bound for three-byte backlens.
  const Case cases[] = {{0, 1, 1},     {1, 1, 1},     {63, 1, 1},       {64, 2, 1},
                        {125, 2, 1},   {126, 2, 2},   {4095, 2, 2},     {4096, 5, 2},
                        {16377, 5, 2}, {16378, 5, 3}, {100000, 5, 3}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.len);
    std::string s(c.len, 'x');
    Listpack lp;
    lp.Append("a");
    lp.Append(s);
    lp.Append("b");
    EXPECT_EQ(Listpack::EntrySize(s), c.head + c.len + c.backlen);
    EXPECT_EQ(lp.bytes(), 7 + 3 + Listpack::EntrySize(s) + 3);
    size_t pos = lp.Seek(1);
    EXPECT_EQ(lp.Next(pos), pos + Listpack::EntrySize(s));
    EXPECT_EQ(lp.Prev(lp.Next(pos)), pos);
    EXPECT_EQ(Text(lp.Get(pos)), s);
    EXPECT_EQ(Elements(lp), (std::vector<std::string>{"a", s, "b"}));
    const uint8_t* e = lp.data() + pos;
    if (c.len < 64) {
      EXPECT_EQ(e[0], 0x80 | c.len);
    } else if (c.len < 4096) {
      EXPECT_EQ(e[0], 0xE0 | (c.len >> 8));
      EXPECT_EQ(e[1], c.len & 0xFF);
    } else {
      EXPECT_EQ(e[0], 0xF0);
      EXPECT_EQ(e[1] | (e[2] << 8) | (e[3] << 16) | (e[4] << 24), static_cast<int>(c.len));
    }
  }
}

// Blobs that redis-server 7.0.15 produced (src/ds/testdata/make_golden_vectors.py: the values
// were built with HSET, ZADD and RPUSH under rdbcompression no, and the listpack cut out of the
// DUMP payload). Building the same elements here must give the same bytes.
const std::vector<std::string> kInts = {
    "0",          "1",           "127",        "128",        "-1",
    "-4096",      "4095",        "-4097",      "4096",       "-32768",
    "32767",      "-32769",      "32768",      "-8388608",   "8388607",
    "-8388609",   "8388608",     "-2147483648", "2147483647", "-2147483649",
    "2147483648", "-9223372036854775808", "9223372036854775807"};
const std::vector<std::string> kNotInts = {"",   "-0",  "007", "+1",  " 1",
                                           "1 ", "9223372036854775808", "-9223372036854775809",
                                           "1.5", "abc", "12345678901234567890"};

// HSET h:ints with each of kInts + kNotInts as a field, valued by the same list reversed.
const char kRedisHashInts[] =
    "b70100004400000194313233343536373839303132333435363738393015010183616263047f0183312e3504c0"
    "8002942d3932323333373230333638353437373538303915dfff02933932323333373230333638353437373538"
    "303814d0000282312003cfff0282203103f1ffef03822b3103f10010038330303704f1008003822d3003f1ff7f"
    "038001f2ff7fff04f4ffffffffffffff7f09f200800004f4000000000000008009f200008004f4000000800000"
    "000009f2ffff7f04f4ffffff7fffffffff09f3ffff7fff05f3ffffff7f05f30000800005f30000008005f30000"
    "008005f30000800005f3ffffff7f05f3ffff7fff05f4ffffff7fffffffff09f2ffff7f04f40000008000000000"
    "09f200008004f4000000000000008009f200800004f4ffffffffffffff7f09f2ff7fff048001f1ff7f03822d30"
    "03f10080038330303704f1001003822b3103f1ffef0382203103cfff0282312003d00002933932323333373230"
    "333638353437373538303814dfff02942d3932323333373230333638353437373538303915c0800283312e3504"
    "7f0183616263040101943132333435363738393031323334353637383930150001ff";
// HSET h:strs a*63 b*64 c*127 d*4095 e f*4096 g h*16382 i j*16383 (hash-max-listpack-value
// raised to 100000).
const char kRedisHashStrings[] =
    "2ea100000a00"
    "bf{61*63}40"
    "e040{62*64}42"
    "e07f{63*127}0181"
    "efff{64*4095}2081"
    "816502"
    "f000100000{66*4096}2085"
    "816702"
    "f0fe3f0000{68*16382}018083"
    "816902"
    "f0ff3f0000{6a*16383}018084"
    "ff";
// ZADD z 1 one 0.5 half -2.25 neg 1e100 big inf inf 4096 m (scores stored as Redis formats
// them: "1", "0.5", "-2.25", "1e+100", "inf", "4096").
const char kRedisZset[] =
    "430000000c00836e656704852d322e3235068468616c660583302e3504836f6e65040101816d02f10010038362"
    "6967048631652b3130300783696e660483696e6604ff";
// RPUSH l x 123 -5 y*70 999999999999 (the quicklist's single node).
const char kRedisList[] = "6200000005008178027b01dffb02e046{79*70}48f4ff0fa5d4e800000009ff";

std::vector<std::string> HashIntsElements() {
  std::vector<std::string> all = kInts;
  all.insert(all.end(), kNotInts.begin(), kNotInts.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size(); ++i) {
    out.push_back(all[i]);
    out.push_back(all[all.size() - 1 - i]);
  }
  return out;
}

void ExpectSameAsRedis(const std::vector<std::string>& elements, const char* golden_hex) {
  std::string golden = ExpandHex(golden_hex);
  Listpack lp;
  for (const std::string& e : elements) lp.Append(e);
  EXPECT_EQ(Hex(lp.data(), lp.bytes()), Hex(reinterpret_cast<const uint8_t*>(golden.data()),
                                            golden.size()));
  // Built the other way round, with Prepend, and with Insert after the last element.
  Listpack front;
  for (auto it = elements.rbegin(); it != elements.rend(); ++it) front.Prepend(*it);
  EXPECT_EQ(Blob(front), golden);
  Listpack middle;
  middle.Append(elements[0]);
  for (size_t i = 1; i < elements.size(); ++i) middle.Insert(middle.Last(), elements[i], true);
  EXPECT_EQ(Blob(middle), golden);
  // And Redis's blob adopted as it is reads back the same elements.
  Listpack adopted;
  ASSERT_TRUE(Listpack::FromBytes(reinterpret_cast<const uint8_t*>(golden.data()), golden.size(),
                                  &adopted));
  EXPECT_EQ(Elements(adopted), elements);
  EXPECT_EQ(adopted.size(), elements.size());
}

TEST(ListpackTest, ByteExactAgainstRedis) {
  ExpectSameAsRedis(HashIntsElements(), kRedisHashInts);
  ExpectSameAsRedis({std::string(63, 'a'), std::string(64, 'b'), std::string(127, 'c'),
                     std::string(4095, 'd'), "e", std::string(4096, 'f'), "g",
                     std::string(16382, 'h'), "i", std::string(16383, 'j')},
                    kRedisHashStrings);
  ExpectSameAsRedis({"neg", "-2.25", "half", "0.5", "one", "1", "m", "4096", "big", "1e+100",
                     "inf", "inf"},
                    kRedisZset);
  ExpectSameAsRedis({"x", "123", "-5", std::string(70, 'y'), "999999999999"}, kRedisList);
}

TEST(ListpackTest, NavigationAndSeek) {
  Listpack lp;
  for (int i = 0; i < 10; ++i) lp.Append(std::to_string(i * 1000));
  EXPECT_EQ(lp.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(lp.Get(lp.Seek(i)).num, i * 1000);
    EXPECT_EQ(lp.Get(lp.Seek(i - 10)).num, i * 1000);
  }
  EXPECT_EQ(lp.Seek(10), Listpack::kNone);
  EXPECT_EQ(lp.Seek(-11), Listpack::kNone);
  EXPECT_EQ(lp.Seek(INT64_MIN), Listpack::kNone);
  EXPECT_EQ(lp.Seek(INT64_MAX), Listpack::kNone);
  EXPECT_EQ(lp.Prev(lp.First()), Listpack::kNone);
  EXPECT_EQ(lp.Next(lp.Last()), Listpack::kNone);
}

TEST(ListpackTest, FindWithSkip) {
  Listpack lp;
  for (const char* s : {"f1", "v1", "f2", "v1", "10", "f1", "v3", "10"}) lp.Append(s);
  EXPECT_EQ(lp.Find(lp.First(), "f1", 1), lp.Seek(0));
  EXPECT_EQ(lp.Find(lp.First(), "v1", 1), Listpack::kNone);  // values are skipped
  EXPECT_EQ(lp.Find(lp.First(), "v1", 0), lp.Seek(1));
  EXPECT_EQ(lp.Find(lp.First(), "10", 1), lp.Seek(4));
  EXPECT_EQ(lp.Find(lp.Seek(1), "10", 1), lp.Seek(7));
  EXPECT_EQ(lp.Find(lp.Seek(1), "f1", 1), lp.Seek(5));  // odd positions only
  EXPECT_EQ(lp.Find(lp.Seek(1), "f2", 1), Listpack::kNone);
  EXPECT_EQ(lp.Find(lp.First(), "010", 0), Listpack::kNone);
  EXPECT_EQ(lp.Find(Listpack::kNone, "f1", 0), Listpack::kNone);
}

// Values read from the listpack itself may be written back into it (LSET l 0 <element>...).
TEST(ListpackTest, WritesOfItsOwnElements) {
  Listpack lp;
  std::string big(5000, 'q');
  lp.Append(big);
  lp.Append("short");
  for (int i = 0; i < 20; ++i) {
    LpValue v = lp.Get(lp.First());
    lp.Append(std::string_view(v.str, v.len));
    v = lp.Get(lp.Seek(1));
    lp.Insert(lp.First(), std::string_view(v.str, v.len), false);
    v = lp.Get(lp.Last());
    lp.Replace(lp.Seek(-2), std::string_view(v.str, v.len));
  }
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
    std::string t = Text(lp.Get(pos));
    EXPECT_TRUE(t == big || t == "short") << t.substr(0, 10);
  }
  lp.AppendAll(lp);
  EXPECT_EQ(lp.size(), 2 * (2 + 40u));
  Listpack parsed;
  ASSERT_TRUE(Listpack::FromBytes(lp.data(), lp.bytes(), &parsed));
}

// Random values across every encoding, including strings that almost look like integers.
std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0:
      return std::to_string(static_cast<int64_t>(rng() % 256) - 128);
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 20000) - 10000);
    case 2:
      return std::to_string(static_cast<int64_t>(rng() % 40000000) - 20000000);
    case 3:
      return std::to_string(static_cast<int64_t>(rng()));
    case 4: {
      const char* odd[] = {"", "-0", "007", "+5", "1.0", "9223372036854775808", " 3"};
      return odd[rng() % 7];
    }
    case 5:
      return std::string(rng() % 200, static_cast<char>('a' + rng() % 26));
    case 6:
      if (rng() % 8 == 0) return std::string(4000 + rng() % 300, 'L');
      [[fallthrough]];
    default: {
      std::string s(rng() % 70, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      return s;
    }
  }
}

std::vector<std::string> Backwards(const Listpack& lp) {
  std::vector<std::string> out;
  for (size_t pos = lp.Last(); pos != Listpack::kNone; pos = lp.Prev(pos)) {
    out.push_back(Text(lp.Get(pos)));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

TEST(ListpackTest, RandomizedAgainstDeque) {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("LISTPACK_SEED")) seed = std::stoull(s);
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  MemoryTiers& m = MemoryTiers::Get();
  int64_t base = m.used_total();
  {
    Listpack lp;
    std::deque<std::string> model;
    for (int step = 0; step < 20000; ++step) {
      SCOPED_TRACE("seed=" + std::to_string(seed) + " step=" + std::to_string(step));
      size_t n = model.size();
      int op = static_cast<int>(rng() % 14);
      if (n > 300 && op < 6) op += 6;  // keep the list from growing without bound
      std::string v = RandomValue(rng);
      switch (op) {
        case 0:
        case 1:
          lp.Append(v);
          model.push_back(v);
          break;
        case 2:
          lp.Prepend(v);
          model.push_front(v);
          break;
        case 3:
        case 4: {
          if (n == 0) break;
          size_t i = rng() % n;
          bool after = rng() % 2;
          size_t pos = lp.Insert(lp.Seek(static_cast<int64_t>(i)), v, after);
          model.insert(model.begin() + static_cast<long>(i + after), v);
          ASSERT_EQ(Text(lp.Get(pos)), v);
          break;
        }
        case 5: {
          int64_t x = static_cast<int64_t>(rng()) >> (rng() % 64);
          lp.AppendInt(x);
          model.push_back(std::to_string(x));
          break;
        }
        case 6:
        case 7: {
          if (n == 0) break;
          size_t i = rng() % n;
          size_t pos = lp.Seek(static_cast<int64_t>(i));
          if (rng() % 3 == 0) {
            int64_t x = static_cast<int64_t>(rng() % 100000) - 50000;
            EXPECT_EQ(lp.ReplaceInt(pos, x), pos);
            model[i] = std::to_string(x);
          } else {
            EXPECT_EQ(lp.Replace(pos, v), pos);
            model[i] = v;
          }
          ASSERT_EQ(Text(lp.Get(pos)), model[i]);
          break;
        }
        case 8:
        case 9: {
          if (n == 0) break;
          size_t i = rng() % n;
          size_t next = lp.Delete(lp.Seek(static_cast<int64_t>(i)));
          model.erase(model.begin() + static_cast<long>(i));
          if (i == model.size()) {
            ASSERT_EQ(next, Listpack::kNone);
          } else {
            ASSERT_EQ(Text(lp.Get(next)), model[i]);
          }
          break;
        }
        case 10: {
          if (n == 0) break;
          size_t i = rng() % n;
          size_t count = rng() % 8;
          size_t next = lp.DeleteRange(lp.Seek(static_cast<int64_t>(i)), count);
          size_t end = std::min(n, i + count);
          model.erase(model.begin() + static_cast<long>(i), model.begin() + static_cast<long>(end));
          if (i == model.size()) {
            ASSERT_EQ(next, Listpack::kNone);
          } else {
            ASSERT_EQ(Text(lp.Get(next)), model[i]);
          }
          break;
        }
        case 11: {
          int64_t index = static_cast<int64_t>(rng() % (2 * n + 3)) - static_cast<int64_t>(n) - 1;
          size_t count = rng() % 10;
          lp.DeleteRangeAt(index, count);
          int64_t i = index < 0 ? index + static_cast<int64_t>(n) : index;
          if (i >= 0 && i < static_cast<int64_t>(n)) {
            size_t end = std::min(n, static_cast<size_t>(i) + count);
            model.erase(model.begin() + i, model.begin() + static_cast<long>(end));
          }
          break;
        }
        case 12: {
          // Find the value of a random element, and seek at random indexes.
          if (n == 0) break;
          size_t i = rng() % n;
          size_t found = lp.Find(lp.First(), model[i]);
          size_t first = 0;
          while (model[first] != model[i]) ++first;
          ASSERT_EQ(found, lp.Seek(static_cast<int64_t>(first)));
          int64_t index = static_cast<int64_t>(rng() % (2 * n + 2)) - static_cast<int64_t>(n) - 1;
          size_t pos = lp.Seek(index);
          int64_t j = index < 0 ? index + static_cast<int64_t>(n) : index;
          if (j < 0 || j >= static_cast<int64_t>(n)) {
            ASSERT_EQ(pos, Listpack::kNone);
          } else {
            ASSERT_EQ(Text(lp.Get(pos)), model[j]);
          }
          break;
        }
        case 13: {
          int what = static_cast<int>(rng() % 20);
          if (what == 0) {
            lp.Clear();
            model.clear();
          } else if (what < 4 && n < 150) {  // doubling: only while small
            Listpack copy = lp.Clone();
            ASSERT_EQ(Blob(copy), Blob(lp));
            lp.AppendAll(copy);
            size_t before = model.size();
            for (size_t k = 0; k < before; ++k) model.push_back(model[k]);
          } else {
            Listpack moved = std::move(lp);
            lp = std::move(moved);
          }
          break;
        }
      }
      ASSERT_EQ(lp.size(), model.size());
      if (step % 50 == 0 || model.size() < 5) {
        std::vector<std::string> expected(model.begin(), model.end());
        ASSERT_EQ(Elements(lp), expected);
        ASSERT_EQ(Backwards(lp), expected);
        // Every state is a valid blob, and the same bytes as building it from scratch.
        Listpack parsed;
        ASSERT_TRUE(Listpack::FromBytes(lp.data(), lp.bytes(), &parsed));
        Listpack fresh;
        for (const std::string& e : model) fresh.Append(e);
        ASSERT_EQ(Blob(fresh), Blob(lp));
        size_t bytes[kNumTiers] = {0, 0};
        lp.BytesByTier(bytes);
        ASSERT_GE(bytes[0] + bytes[1], model.empty() ? 0 : lp.bytes());
      }
    }
  }
  EXPECT_EQ(m.used_total(), base) << "seed=" << seed;
}

// The header's count saturates at 65535 ("unknown"); size() then walks.
TEST(ListpackTest, CountBeyond65534) {
  Listpack lp;
  for (int i = 0; i < 65534; ++i) lp.AppendInt(i % 100);
  EXPECT_EQ(lp.data()[4] | (lp.data()[5] << 8), 65534);
  lp.Append("x");
  EXPECT_EQ(lp.data()[4] | (lp.data()[5] << 8), 65535);
  lp.Append("y");
  EXPECT_EQ(lp.size(), 65536u);
  EXPECT_EQ(Text(lp.Get(lp.Seek(-1))), "y");
  EXPECT_EQ(Text(lp.Get(lp.Seek(65534))), "x");
  Listpack parsed;
  ASSERT_TRUE(Listpack::FromBytes(lp.data(), lp.bytes(), &parsed));
  lp.DeleteRange(lp.First(), 10);
  EXPECT_EQ(lp.size(), 65526u);  // walked, and recorded again
  EXPECT_EQ(lp.data()[4] | (lp.data()[5] << 8), 65526);
}

// A blob that FromBytes accepts must be safe to walk in both directions and agree with itself.
void ExpectConsistent(const Listpack& lp) {
  std::vector<std::string> forward = Elements(lp);
  ASSERT_EQ(forward, Backwards(lp));
  ASSERT_EQ(forward.size(), lp.size());
}

Listpack Sample(std::mt19937_64& rng) {
  Listpack lp;
  int n = static_cast<int>(rng() % 40);
  for (int i = 0; i < n; ++i) lp.Append(RandomValue(rng));
  return lp;
}

TEST(ListpackTest, FromBytesRejectsTruncations) {
  std::vector<std::string> blobs = {ExpandHex(kRedisHashInts), ExpandHex(kRedisZset),
                                    ExpandHex(kRedisList)};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20; ++i) blobs.push_back(Blob(Sample(rng)));
  for (const std::string& blob : blobs) {
    const uint8_t* bytes = reinterpret_cast<const uint8_t*>(blob.data());
    Listpack whole;
    ASSERT_TRUE(Listpack::FromBytes(bytes, blob.size(), &whole));
    ExpectConsistent(whole);
    // Entry boundaries: where a truncated blob with a fixed-up header is valid again.
    std::vector<size_t> boundaries;
    for (size_t pos = whole.First(); pos != Listpack::kNone; pos = whole.Next(pos)) {
      boundaries.push_back(pos);
    }
    boundaries.push_back(blob.size() - 1);
    for (size_t cut = 0; cut < blob.size(); ++cut) {
      SCOPED_TRACE("cut=" + std::to_string(cut));
      Listpack out;
      std::string copy(blob.data(), cut);
      EXPECT_FALSE(Listpack::FromBytes(reinterpret_cast<const uint8_t*>(copy.data()), cut, &out));
      if (cut < 6) continue;
      // The same prefix with its total and an end marker patched in: valid only if the cut is
      // at an entry boundary and the count is unknown.
      copy.push_back('\xff');
      uint32_t total = static_cast<uint32_t>(copy.size());
      std::memcpy(copy.data(), &total, 4);
      copy[4] = copy[5] = '\xff';
      bool at_boundary = false;
      for (size_t b : boundaries) at_boundary |= b == cut;
      bool ok = Listpack::FromBytes(reinterpret_cast<const uint8_t*>(copy.data()), copy.size(),
                                    &out);
      EXPECT_EQ(ok, at_boundary);
      if (ok) ExpectConsistent(out);
    }
  }
}

TEST(ListpackTest, FromBytesRejectsCorruption) {
  uint64_t seed = std::random_device{}();
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  // Specific malformations.
  auto accepts = [](std::string blob) {
    Listpack out;
    return Listpack::FromBytes(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), &out);
  };
  EXPECT_TRUE(accepts(ExpandHex("070000000000ff")));
  EXPECT_TRUE(accepts(ExpandHex("07000000ffffff")));  // count unknown
  EXPECT_FALSE(accepts(ExpandHex("070000000100ff")));  // count says 1
  EXPECT_FALSE(accepts(ExpandHex("080000000000ff")));  // total too large
  EXPECT_FALSE(accepts(ExpandHex("070000000000fe")));  // no end marker
  EXPECT_TRUE(accepts(ExpandHex("090000000100" "0501" "ff")));
  EXPECT_FALSE(accepts(ExpandHex("090000000100" "0502" "ff")));  // wrong backlen
  EXPECT_FALSE(accepts(ExpandHex("090000000100" "f501" "ff")));  // unused encoding byte
  EXPECT_FALSE(accepts(ExpandHex("0a0000000100" "ff0501" "ff")));  // end marker inside
  EXPECT_FALSE(accepts(ExpandHex("0d0000000100" "f0ffffffff" "01" "ff")));  // huge string
  EXPECT_FALSE(accepts(ExpandHex("0a0000000200" "0501" "ff" "ff")));  // bytes after the end
  // A 2-byte backlen where one byte is the encoding.
  EXPECT_FALSE(accepts(ExpandHex("0a0000000100" "05" "0081" "ff")));
  // A 64-bit integer that would fit a smaller encoding: Redis accepts it, and so do we.
  std::string wide = ExpandHex("110000000100" "f40500000000000000" "09" "ff");
  EXPECT_TRUE(accepts(wide));
  Listpack lp;
  ASSERT_TRUE(Listpack::FromBytes(reinterpret_cast<const uint8_t*>(wide.data()), wide.size(), &lp));
  EXPECT_EQ(lp.Get(lp.First()).num, 5);
  // Random byte changes to valid blobs: never a crash (run under ASan), and what is accepted
  // is walkable.
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string blob = Blob(Sample(rng));
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      size_t at = rng() % blob.size();
      blob[at] = rng() % 2 ? static_cast<char>(rng()) : static_cast<char>(blob[at] ^ (1 << (rng() % 8)));
    }
    Listpack out;
    if (Listpack::FromBytes(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), &out)) {
      ++accepted;
      ExpectConsistent(out);
    }
  }
  std::printf("accepted %d of 3000 corrupted blobs (string data changes are undetectable)\n",
              accepted);
}

class ListpackTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnsureFarTier();
    PlaceByThreshold(1000);
  }
  void TearDown() override { PlaceAllInDram(); }
};

TEST_F(ListpackTierTest, RebalanceMovesTheBlobWithExactAccounting) {
  const TierUsage usage;
  {
    Listpack small;
    for (int i = 0; i < 20; ++i) small.Append("element-" + std::to_string(i));
    Listpack big;
    for (int i = 0; i < 200; ++i) big.Append("element-" + std::to_string(i));
    // Placed by size as they grew: the big one crossed the 1000-byte threshold.
    EXPECT_EQ(small.tier(), Tier::kDram);
    EXPECT_EQ(big.tier(), Tier::kFar);
    std::vector<std::string> small_elements = Elements(small);
    std::vector<std::string> big_elements = Elements(big);
    auto check_accounting = [&] { usage.ExpectGrowthOf(small, big); };
    check_accounting();

    // Everything to far memory.
    MoveStats stats;
    TierCensus census;
    small.Rebalance(MoveRule{0, 0}, &stats, &census);
    big.Rebalance(MoveRule{0, 0}, &stats, &census);
    EXPECT_EQ(small.tier(), Tier::kFar);
    EXPECT_EQ(big.tier(), Tier::kFar);
    EXPECT_EQ(stats.blocks_to_far, 1u);
    size_t bytes[kNumTiers] = {0, 0};
    small.BytesByTier(bytes);
    big.BytesByTier(bytes);
    EXPECT_EQ(census.total(Tier::kFar), bytes[1]);
    EXPECT_EQ(census.total(Tier::kDram), 0u);
    check_accounting();
    EXPECT_EQ(Elements(small), small_elements);

    // Everything back to DRAM.
    stats = MoveStats();
    small.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &stats, nullptr);
    big.Rebalance(MoveRule{SIZE_MAX, SIZE_MAX}, &stats, nullptr);
    EXPECT_EQ(small.tier(), Tier::kDram);
    EXPECT_EQ(big.tier(), Tier::kDram);
    EXPECT_EQ(stats.blocks_to_dram, 2u);
    check_accounting();
    EXPECT_EQ(Elements(small), small_elements);
    EXPECT_EQ(Elements(big), big_elements);

    // Mutations after a move keep working and keep the accounting exact.
    big.Rebalance(MoveRule{0, 0}, &stats, nullptr);
    for (int i = 0; i < 100; ++i) big.Delete(big.First());
    big.Append("tail");
    check_accounting();
    Listpack copy = big.Clone();
    EXPECT_EQ(Blob(copy), Blob(big));
  }
  usage.ExpectReturned();
}

}  // namespace
}  // namespace memkeydb
