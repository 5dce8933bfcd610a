#include "common/glob.h"

#include <cstddef>
#include <utility>

namespace memkeydb {
namespace {

// Redis gives up on patterns nested deeper than this many '*' expansions (CVE-2022-36021).
constexpr int kMaxStarDepth = 1000;

// Redis compares bytes as plain (signed, on the platforms it ships for) chars; ranges built
// from bytes >= 0x80 only behave the same way if we do too.
int SignedByte(char c) { return static_cast<signed char>(c); }

// The C locale's tolower: only ASCII letters change.
int FoldCase(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

bool SameByte(char a, char b, bool nocase) {
  return nocase ? FoldCase(SignedByte(a)) == FoldCase(SignedByte(b)) : a == b;
}

// Matches one byte `c` against the class that starts at pattern[0] == '['. Returns how many
// pattern bytes the class spans (an unterminated class spans the rest of the pattern) and
// stores in *matched whether `c` belongs to it.
size_t MatchClass(std::string_view pattern, char c, bool nocase, bool* matched) {
  const size_t n = pattern.size();
  size_t i = 1;
  const bool negate = i < n && pattern[i] == '^';
  if (negate) ++i;
  bool found = false;
  while (i < n) {
    if (pattern[i] == '\\' && n - i >= 2) {
      // Escaped bytes compare exactly even when nocase is set, as in Redis.
      ++i;
      if (pattern[i] == c) found = true;
    } else if (pattern[i] == ']') {
      ++i;
      *matched = found != negate;
      return i;
    } else if (n - i >= 3 && pattern[i + 1] == '-') {
      int lo = SignedByte(pattern[i]);
      int hi = SignedByte(pattern[i + 2]);
      int v = SignedByte(c);
      if (lo > hi) std::swap(lo, hi);
      if (nocase) {
        lo = FoldCase(lo);
        hi = FoldCase(hi);
        v = FoldCase(v);
      }
      if (v >= lo && v <= hi) found = true;
      i += 2;
    } else if (SameByte(pattern[i], c, nocase)) {
      found = true;
    }
    ++i;
  }
  *matched = found != negate;
  return n;
}

class Matcher {
 public:
  explicit Matcher(bool nocase) : nocase_(nocase) {}

  bool Match(std::string_view pattern, std::string_view str, int depth) {
    if (depth > kMaxStarDepth) return false;
    while (!pattern.empty() && !str.empty()) {
      switch (pattern[0]) {
        case '*': {
          size_t stars = 1;
          while (stars < pattern.size() && pattern[stars] == '*') ++stars;
          if (stars == pattern.size()) return true;
          const std::string_view rest = pattern.substr(stars);
          // The rest begins with a token that needs a byte, so only non-empty suffixes can work.
          for (; !str.empty(); str.remove_prefix(1)) {
            if (Match(rest, str, depth + 1)) return true;
            if (exhausted_) return false;
          }
          // `rest` failed against every suffix of `str`. Every outer '*' would only hand it
          // suffixes of those, so nothing can match any more.
          exhausted_ = true;
          return false;
        }
        case '?':
          pattern.remove_prefix(1);
          break;
        case '[': {
          bool matched = false;
          pattern.remove_prefix(MatchClass(pattern, str[0], nocase_, &matched));
          if (!matched) return false;
          break;
        }
        case '\\':
          if (pattern.size() >= 2) pattern.remove_prefix(1);
          [[fallthrough]];
        default:
          if (!SameByte(pattern[0], str[0], nocase_)) return false;
          pattern.remove_prefix(1);
          break;
      }
      str.remove_prefix(1);
      if (str.empty()) {
        // Trailing stars may match the empty remainder; nothing else can.
        while (!pattern.empty() && pattern[0] == '*') pattern.remove_prefix(1);
        break;
      }
    }
    return pattern.empty() && str.empty();
  }

 private:
  const bool nocase_;
  bool exhausted_ = false;
};

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  Matcher matcher(nocase);
  return matcher.Match(pattern, str, 0);
}

}  // namespace memkeydb
