#include "ds/lcs.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

namespace memkeydb {
namespace {

using namespace std::string_view_literals;

struct RedisCase {
  std::string_view a;
  std::string_view b;
  int64_t min_match_len;
  std::string_view lcs;
  uint64_t len;
  std::vector<LcsMatch> matches;
};

// Expected values were read from redis-server 7.0.15 with
//   LCS a b / LCS a b LEN / LCS a b IDX MINMATCHLEN m WITHMATCHLEN
// The random-looking pairs come from a seeded generator; 20,000 more random pairs (alphabets of
// 2 to 256 symbols, lengths up to 60, various MINMATCHLEN) were compared the same way by a
// throwaway script, with no difference.
const RedisCase kRedisCases[] = {
    {"ohmytext"sv, "mynewtext"sv, 0, "mytext"sv, 6, {{4, 7, 5, 8, 4}, {2, 3, 0, 1, 2}}},
    {"ohmytext"sv, "mynewtext"sv, 4, "mytext"sv, 6, {{4, 7, 5, 8, 4}}},
    {""sv, "abc"sv, 0, ""sv, 0, {}},
    {"abc"sv, ""sv, 0, ""sv, 0, {}},
    {"abc"sv, "abc"sv, 0, "abc"sv, 3, {{0, 2, 0, 2, 3}}},
    {"abc"sv, "xyz"sv, 0, ""sv, 0, {}},
    {"aaaa"sv, "aa"sv, 0, "aa"sv, 2, {{2, 3, 0, 1, 2}}},
    {"abab"sv, "baba"sv, 0, "bab"sv, 3, {{1, 3, 0, 2, 3}}},
    {"abcba"sv, "bacab"sv, 2, "bca"sv, 3, {}},
    {"GTTCCTAATA"sv,
     "CGATAATTGAGA"sv,
     0,
     "CTAATA"sv,
     6,
     {{9, 9, 11, 11, 1}, {8, 8, 7, 7, 1}, {5, 7, 3, 5, 3}, {4, 4, 0, 0, 1}}},
    {"a\x00"
     "b\xff"
     "c"sv,
     "\xff\x00"
     "abc"sv,
     0,
     "\x00"
     "bc"sv,
     3,
     {{4, 4, 4, 4, 1}, {2, 2, 3, 3, 1}, {1, 1, 1, 1, 1}}},
    {"tacccgcgatt"sv, "gccac"sv, 0, "gca"sv, 3, {{8, 8, 3, 3, 1}, {5, 6, 0, 1, 2}}},
    {"ababbbababb"sv,
     "abbabbbbaabb"sv,
     2,
     "ababbbbabb"sv,
     10,
     {{8, 10, 9, 11, 3}, {1, 5, 2, 6, 5}}},
    {"babbabacaaba"sv, "bbccaccc"sv, 2, "bbca"sv, 4, {}},
    {"abaab"sv, "bbabbabaa"sv, 0, "baab"sv, 4, {{3, 4, 5, 6, 2}, {1, 2, 1, 2, 2}}},
    {"bbbbab"sv, "bbababa"sv, 2, "bbbab"sv, 5, {{3, 5, 3, 5, 3}, {1, 2, 0, 1, 2}}},
    {"abaabbb"sv,
     "aaabaaabababa"sv,
     0,
     "abaabbb"sv,
     7,
     {{6, 6, 11, 11, 1}, {5, 5, 9, 9, 1}, {2, 4, 5, 7, 3}, {0, 1, 2, 3, 2}}},
    {"caabbaa"sv,
     "bcbabaaabaccba"sv,
     0,
     "cabbaa"sv,
     6,
     {{6, 6, 13, 13, 1}, {4, 5, 8, 9, 2}, {2, 3, 3, 4, 2}, {0, 0, 1, 1, 1}}},
    {"aacaaccbbbcabb"sv, "cbbccbcabbc"sv, 0, "cbbbcabb"sv, 8, {{9, 13, 5, 9, 5}, {6, 8, 0, 2, 3}}},
};

TEST(LcsTest, MatchesRedis) {
  for (const RedisCase& c : kRedisCases) {
    SCOPED_TRACE(std::string(c.a) + " / " + std::string(c.b));
    LcsOptions plain;
    LcsResult r = ComputeLcs(c.a, c.b, plain);
    EXPECT_EQ(r.lcs, c.lcs);
    EXPECT_EQ(r.len, c.len);
    EXPECT_TRUE(r.matches.empty());

    LcsOptions len_only;
    len_only.want_string = false;
    r = ComputeLcs(c.a, c.b, len_only);
    EXPECT_EQ(r.len, c.len);
    EXPECT_TRUE(r.lcs.empty());

    LcsOptions idx;
    idx.want_string = false;
    idx.want_matches = true;
    idx.min_match_len = c.min_match_len;
    r = ComputeLcs(c.a, c.b, idx);
    EXPECT_EQ(r.len, c.len);
    EXPECT_EQ(r.matches, c.matches);
  }
}

TEST(LcsTest, NegativeMinMatchLenKeepsEverything) {
  // LCS k1 k2 MINMATCHLEN -5 IDX WITHMATCHLEN
  LcsOptions idx;
  idx.want_matches = true;
  idx.min_match_len = -5;
  const LcsResult r = ComputeLcs("ohmytext", "mynewtext", idx);
  const std::vector<LcsMatch> want = {{4, 7, 5, 8, 4}, {2, 3, 0, 1, 2}};
  EXPECT_EQ(r.matches, want);
  EXPECT_EQ(r.lcs, "mytext");
}

TEST(LcsTest, TableBytes) {
  EXPECT_EQ(LcsTableBytes(0, 0), 4u);
  // With proto-max-bulk-len 1048576, 511 x 511 bytes is accepted and 511 x 512 refused.
  EXPECT_EQ(LcsTableBytes(511, 511), 1048576u);
  EXPECT_GT(LcsTableBytes(511, 512), 1048576u);
  // Two 11601-byte strings exceed the default 512MB.
  EXPECT_GT(LcsTableBytes(11601, 11601), 512u * 1024 * 1024);
  EXPECT_EQ(LcsTableBytes(SIZE_MAX, SIZE_MAX), UINT64_MAX);
  EXPECT_TRUE(LcsLengthSupported(0));
  EXPECT_TRUE(LcsLengthSupported(UINT32_MAX - 2));
  EXPECT_FALSE(LcsLengthSupported(UINT32_MAX - 1));
}

bool IsSubsequence(std::string_view sub, std::string_view s) {
  size_t k = 0;
  for (char c : s) {
    if (k < sub.size() && sub[k] == c) ++k;
  }
  return k == sub.size();
}

// Length of the longest common subsequence found by trying every subsequence of a.
size_t BruteForceLcsLength(std::string_view a, std::string_view b) {
  size_t best = 0;
  for (uint32_t mask = 0; mask < (1u << a.size()); ++mask) {
    const size_t bits = static_cast<size_t>(__builtin_popcount(mask));
    if (bits <= best) continue;
    std::string sub;
    for (size_t i = 0; i < a.size(); ++i) {
      if (mask & (1u << i)) sub.push_back(a[i]);
    }
    if (IsSubsequence(sub, b)) best = bits;
  }
  return best;
}

TEST(LcsTest, PropertiesOnRandomInputs) {
  const uint64_t seed = std::chrono::steady_clock::now().time_since_epoch().count();
  std::printf("random seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 400; ++iter) {
    const std::string_view alphabet = iter % 2 ? "ab"sv : "abcd"sv;
    std::string a(rng() % 11, ' ');
    std::string b(rng() % 11, ' ');
    for (auto& c : a) c = alphabet[rng() % alphabet.size()];
    for (auto& c : b) c = alphabet[rng() % alphabet.size()];
    SCOPED_TRACE("seed " + std::to_string(seed) + " a=" + a + " b=" + b);

    LcsOptions opts;
    opts.want_matches = true;
    const LcsResult r = ComputeLcs(a, b, opts);
    ASSERT_EQ(r.lcs.size(), r.len);
    ASSERT_TRUE(IsSubsequence(r.lcs, a));
    ASSERT_TRUE(IsSubsequence(r.lcs, b));
    ASSERT_EQ(r.len, BruteForceLcsLength(a, b));

    LcsOptions len_only;
    len_only.want_string = false;
    ASSERT_EQ(ComputeLcs(a, b, len_only).len, r.len);

    // With no MINMATCHLEN the runs cover the LCS exactly: they spell it when read back to front,
    // are real matches, and move strictly towards the start of both strings.
    std::string spelled;
    uint64_t total = 0;
    for (size_t k = r.matches.size(); k-- > 0;) {
      const LcsMatch& m = r.matches[k];
      ASSERT_EQ(m.a_end - m.a_start + 1, m.len);
      ASSERT_EQ(m.b_end - m.b_start + 1, m.len);
      ASSERT_EQ(a.substr(m.a_start, m.len), b.substr(m.b_start, m.len));
      spelled += a.substr(m.a_start, m.len);
      total += m.len;
      if (k > 0) {
        ASSERT_LT(m.a_end, r.matches[k - 1].a_start);
        ASSERT_LT(m.b_end, r.matches[k - 1].b_start);
      }
    }
    ASSERT_EQ(total, r.len);
    ASSERT_EQ(spelled, r.lcs);

    // MINMATCHLEN only filters.
    LcsOptions filtered = opts;
    filtered.min_match_len = 2;
    std::vector<LcsMatch> want;
    for (const LcsMatch& m : r.matches) {
      if (m.len >= 2) want.push_back(m);
    }
    ASSERT_EQ(ComputeLcs(a, b, filtered).matches, want);
  }
}

}  // namespace
}  // namespace memkeydb
