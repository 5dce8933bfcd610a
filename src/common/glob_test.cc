#include "common/glob.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace memkeydb {
namespace {

using namespace std::string_literals;

struct GlobCase {
  std::string pattern;
  std::string str;
  bool match;
};

// Case-sensitive expectations; the rows marked "server" were checked with KEYS on
// redis-server 7.0.15.
const GlobCase kCases[] = {
    // Literals.
    {"", "", true},
    {"", "a", false},
    {"a", "", false},
    {"abc", "abc", true},
    {"abc", "abd", false},
    {"abc", "ab", false},
    {"ab", "abc", false},
    {"abc", "ABC", false},
    {"a\0b"s, "a\0b"s, true},
    {"a\0b"s, "a\0c"s, false},
    // '?'.
    {"?", "a", true},
    {"?", "", false},
    {"?", "ab", false},
    {"a?c", "abc", true},
    {"???", "ab", false},
    {"?", "\xff", true},  // server
    // '*'.
    {"*", "", false},   // server (KEYS special-cases a lone "*" before matching)
    {"**", "", false},  // server
    {"?*", "", false},  // server
    {"*", "anything", true},
    {"a*", "a", true},     // server
    {"a**", "a", true},    // server
    {"a*b*", "a", false},  // server
    {"a*", "abc", true},
    {"*c", "abc", true},
    {"*b*", "abc", true},
    {"*b*", "ac", false},
    {"a*c", "ac", true},
    {"a*c", "abbbc", true},
    {"a*c", "abbbd", false},
    {"*a*b*c*", "xaybzcw", true},
    {"*a*b*c*", "xaybzw", false},
    {"a*?", "a", false},
    {"a*?", "ab", true},
    {"*?*?*", "a", false},
    {"*?*?*", "ab", true},
    {"h*llo", "hello", true},
    {"h*llo", "heeeello", true},
    {"h*llo", "hllo", true},
    {"*.com", "www.example.com", true},
    {"user:*:name", "user:1000:name", true},
    {"user:*:name", "user:1000:email", false},
    // Character classes.
    {"h[ae]llo", "hello", true},
    {"h[ae]llo", "hallo", true},
    {"h[ae]llo", "hillo", false},
    {"h[^e]llo", "hallo", true},
    {"h[^e]llo", "hello", false},
    {"h[a-b]llo", "hbllo", true},
    {"h[a-b]llo", "hcllo", false},
    {"[z-a]", "m", true},  // server
    {"[z-a]", "A", false},
    {"[a-cx-z]", "y", true},
    {"[a-cx-z]", "m", false},
    {"[^a-c]x", "dx", true},  // server
    {"[^a-c]x", "bx", false},
    {"[abc]", "ab", false},
    {"[!a]", "b", false},  // server: '!' is not negation
    {"[!a]", "!", true},
    {"[]", "x", false},     // server
    {"[]", "]", false},     // server
    {"[]]", "]", false},    // server: "[]" is an empty class
    {"[]a]", "a", false},   // server
    {"[]a]", "]a", false},  // server
    {"[^]", "x", true},
    {"[^]]", "x", false},  // server: "[^]" takes 'x', then a literal ']' is missing
    {"[^]]", "x]", true},
    {"[^]]", "]", false},  // server
    {"[-]", "-", true},
    {"[a-]", "b", false},  // server: range a..] (0x5d..0x61)
    {"[a-]", "]", true},   // server
    {"[a-]", "-", false},  // server
    {"[a-]", "^", true},
    {"[a-", "a", true},
    {"[a-", "-", true},
    // Unterminated classes.
    {"[", "", false},   // server
    {"[", "[", false},  // server
    {"[^", "x", true},  // server
    {"[^", "", false},  // server
    {"[^", "xy", false},
    {"[abc", "b", true},    // server
    {"[abc", "bz", false},  // server
    {"[abc", "d", false},
    {"a[bc", "ac", true},
    // Escapes.
    {"\\*", "*", true},   // server
    {"\\*", "x", false},  // server
    {"\\?", "?", true},
    {"\\?", "a", false},
    {"\\[a]", "[a]", true},
    {"\\[a]", "a", false},
    {"\\\\", "\\", true},
    {"\\a", "a", true},
    {"a\\", "a\\", true},  // server: trailing backslash is literal
    {"a\\", "a", false},
    {"\\", "\\", true},
    {"[\\]]", "]", true},  // server
    {"[\\]]", "\\", false},
    {"[\\^a]", "^", true},
    {"[\\-a]", "-", true},
    {"[\\-a]", "b", false},
    {"[\\", "\\", true},   // server: lone backslash at the end is literal
    {"[a\\", "\\", true},  // server
    {"[a\\", "a", true},
    {"*\\*", "abc*", true},
    {"*\\*", "abc", false},
    // Bytes >= 0x80 compare as signed chars in ranges.
    {"[a-\xff]", "b", false},     // server: range is -1..'a'
    {"[a-\xff]", "\x80", false},  // server
    {"[a-\xff]", "A", true},
    {"[\x80-a]", "b", false},       // server
    {"[\x80-a]", "a", true},        // server
    {"[\x80-a]", "\x80", true},     // server
    {"[\x80-a]", "\x90", true},     // server
    {"[\x80-a]", "\xff", true},     // server
    {"[\xff-\x80]", "\x90", true},  // server
    {"[\xff-\x80]", "a", false},
    {"[\x01-\x03]", "\x02", true},
    {"[\0-\x03]"s, "\0"s, true},
};

TEST(GlobTest, Table) {
  for (const GlobCase& c : kCases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str), c.match)
        << "pattern=\"" << c.pattern << "\" str=\"" << c.str << "\"";
  }
}

const GlobCase kNocaseCases[] = {
    {"abc", "ABC", true},
    {"ABC", "abc", true},
    {"a?C", "Abc", true},
    {"maxmemor?", "MAXMEMORY", true},
    {"\\Maxmemor?", "maxmemory", true},     // server (CONFIG GET): escapes fold outside brackets
    {"[\\M]axmemor?", "maxmemory", false},  // server: but not inside them
    {"[M]axmemor?", "maxmemory", true},     // server
    {"[M-N]axmemor?", "maxmemory", true},   // server
    {"[m-n]AXMEMOR?", "maxmemory", true},   // server
    {"[^m]axmemor?", "maxmemory", false},   // server
    {"[^M]axmemor?", "maxmemory", false},
    {"MAXMEMORY*", "maxmemory-policy", true},  // server
    // Ends are ordered first, then folded: [Z-a] becomes the empty range z..a.
    {"[Z-a]", "_", false},
    {"[Z-a]", "z", false},
    {"[a-Z]", "_", false},
    {"[A-C]", "b", true},
    {"[a-c]", "B", true},
    {"\xc4", "\xe4", false},  // only ASCII letters fold
};

TEST(GlobTest, NocaseTable) {
  for (const GlobCase& c : kNocaseCases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str, /*nocase=*/true), c.match)
        << "pattern=\"" << c.pattern << "\" str=\"" << c.str << "\"";
  }
  // Case-sensitive, the same class is the non-empty range Z..a.
  EXPECT_TRUE(GlobMatch("[Z-a]", "_"));
  EXPECT_TRUE(GlobMatch("[Z-a]", "^"));
  EXPECT_FALSE(GlobMatch("[Z-a]", "b"));
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(GlobTest, StarNestingLimitMatchesRedis) {
  // Verified with KEYS on redis-server 7.0.15: 1000 nested stars still work, 1001 do not.
  const std::string str(1100, 'a');
  EXPECT_TRUE(GlobMatch(Repeat("*a", 999), str));
  EXPECT_TRUE(GlobMatch(Repeat("*a", 1000), str));
  EXPECT_FALSE(GlobMatch(Repeat("*a", 1001), str));
  // Consecutive stars collapse into one and a trailing star needs no nesting.
  EXPECT_TRUE(GlobMatch(Repeat("*", 5000) + "a", "ba"));
  EXPECT_TRUE(GlobMatch(Repeat("*a", 1000) + "*", str));
}

TEST(GlobTest, PathologicalPatternsFinishQuickly) {
  // A plain backtracking matcher needs about n^9 steps here.
  const std::string str(10000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*b";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, str));
  EXPECT_FALSE(GlobMatch(pattern, str, /*nocase=*/true));
  EXPECT_FALSE(GlobMatch("*?*?*?*?*?*?*?*?*b", str));
  EXPECT_FALSE(GlobMatch("*[a]*[a]*[a]*[a]*[a]*[a]*c", str));
  EXPECT_TRUE(GlobMatch(pattern, str + "b"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Generous bound: this is a hang detector, not a benchmark (it runs in well under 1 ms).
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// ---------------------------------------------------------------------------------------------
// Reference matcher: compiles the pattern into tokens, then backtracks over every possible
// split without any pruning. Exponential, so only for small inputs.

struct Token {
  enum Kind { kStar, kByte } kind;
  std::array<bool, 256> accepts{};  // kByte: which byte values the token takes
};

int Signed(unsigned char c) { return static_cast<signed char>(c); }
int Lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

std::vector<Token> Compile(std::string_view p, bool nocase) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto literal = [&](unsigned char lit, bool fold) {
    Token t{Token::kByte};
    for (int b = 0; b < 256; ++b) {
      t.accepts[b] = fold ? Lower(Signed(b)) == Lower(Signed(lit)) : b == lit;
    }
    return t;
  };
  while (i < p.size()) {
    const unsigned char c = p[i];
    if (c == '*') {
      tokens.push_back({Token::kStar});
      ++i;
    } else if (c == '?') {
      Token t{Token::kByte};
      t.accepts.fill(true);
      tokens.push_back(t);
      ++i;
    } else if (c == '\\' && i + 1 < p.size()) {
      tokens.push_back(literal(p[i + 1], nocase));
      i += 2;
    } else if (c == '[') {
      ++i;
      bool negate = false;
      if (i < p.size() && p[i] == '^') {
        negate = true;
        ++i;
      }
      Token t{Token::kByte};
      for (;;) {
        if (i >= p.size()) break;  // unterminated: the class runs to the end
        const unsigned char x = p[i];
        if (x == '\\' && i + 1 < p.size()) {
          t.accepts[static_cast<unsigned char>(p[i + 1])] = true;
          i += 2;
        } else if (x == ']') {
          ++i;
          break;
        } else if (i + 2 < p.size() && p[i + 1] == '-') {
          int a = Signed(x), b = Signed(p[i + 2]);
          if (a > b) std::swap(a, b);
          if (nocase) a = Lower(a), b = Lower(b);
          for (int v = 0; v < 256; ++v) {
            const int sv = nocase ? Lower(Signed(v)) : Signed(v);
            if (sv >= a && sv <= b) t.accepts[v] = true;
          }
          i += 3;
        } else {
          const Token lit = literal(x, nocase);
          for (int v = 0; v < 256; ++v) t.accepts[v] = t.accepts[v] || lit.accepts[v];
          ++i;
        }
      }
      if (negate) {
        for (bool& a : t.accepts) a = !a;
      }
      tokens.push_back(t);
    } else {
      tokens.push_back(literal(c, nocase));
      ++i;
    }
  }
  return tokens;
}

bool Backtrack(const std::vector<Token>& tokens, size_t ti, std::string_view s) {
  if (ti == tokens.size()) return s.empty();
  if (tokens[ti].kind == Token::kStar) {
    for (size_t skip = 0; skip <= s.size(); ++skip) {
      if (Backtrack(tokens, ti + 1, s.substr(skip))) return true;
    }
    return false;
  }
  return !s.empty() && tokens[ti].accepts[static_cast<unsigned char>(s[0])] &&
         Backtrack(tokens, ti + 1, s.substr(1));
}

bool ReferenceMatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis never looks at the pattern when the string is empty.
  if (str.empty()) return pattern.empty();
  return Backtrack(Compile(pattern, nocase), 0, str);
}

TEST(GlobTest, RandomAgainstReference) {
  const uint32_t seed = std::random_device{}();
  std::cout << "GlobTest.RandomAgainstReference seed=" << seed << std::endl;
  std::mt19937 rng(seed);
  const std::string pattern_bytes = "abA*?[]^-\\\xff\x80"s + '\0';
  const std::string str_bytes = "abcAB[]^-\\*?\xff\x80\x90z"s + '\0';
  auto random_string = [&](const std::string& alphabet, int max_len) {
    std::string s(std::uniform_int_distribution<int>(0, max_len)(rng), ' ');
    for (char& c : s) {
      c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    }
    return s;
  };
  for (int i = 0; i < 200000; ++i) {
    const std::string pattern = random_string(pattern_bytes, 9);
    const std::string str = random_string(str_bytes, 7);
    const bool nocase = i % 3 == 0;
    ASSERT_EQ(GlobMatch(pattern, str, nocase), ReferenceMatch(pattern, str, nocase))
        << "seed=" << seed << " pattern=\"" << pattern << "\" str=\"" << str
        << "\" nocase=" << nocase;
  }
}

}  // namespace
}  // namespace memkeydb
