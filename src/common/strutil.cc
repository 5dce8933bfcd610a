#include "common/strutil.h"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace memkeydb {
namespace {

// Redis reads long doubles through a 5 KiB buffer, one byte of which holds the terminator.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;
// Longest accepted integer: "-9223372036854775808" and "18446744073709551615".
constexpr size_t kMaxIntegerChars = 20;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// isspace() in the C locale.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Accumulates the decimal digits of `s` (no leading zero unless s == "0") into *out.
// Fails on an empty string, a non-digit, a leading zero or a value above UINT64_MAX.
bool ParseDigits(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > kMaxIntegerChars) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  if (s[0] < '1' || s[0] > '9') return false;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > kMax / 10 || v * 10 > kMax - digit) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

// Runs `parse` (strtod or strtold) over a NUL-terminated copy of `s` and applies Redis's
// acceptance rules.
template <typename Float, typename Parse>
bool ParseFloating(std::string_view s, Parse parse, Float* out) {
  if (s.empty() || IsSpace(s[0])) return false;
  // Most inputs are short; avoid the heap for them.
  char small[64];
  std::string large;
  char* text = small;
  if (s.size() >= sizeof(small)) {
    large.assign(s);
    text = large.data();
  } else {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
  }
  char* end = nullptr;
  errno = 0;
  const Float v = parse(text, &end);
  // A NUL inside `s` stops the parse early, so it fails this check too.
  if (end != text + s.size()) return false;
  if (std::isnan(v)) return false;
  // Out of range: overflow (strtod returns +-HUGE_VAL) or underflow all the way to zero.
  // A subnormal result also sets ERANGE but is kept, as Redis does.
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  *out = v;
  return true;
}

// "00" "01" ... "99", so integers are written two digits at a time.
constexpr std::array<char, 200> MakeDigitPairs() {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}
constexpr std::array<char, 200> kDigitPairs = MakeDigitPairs();

// Formats with snprintf into a std::string, growing once if the first buffer is too small
// (a long double printed with %Lf can take nearly 5000 characters).
template <typename T>
std::string PrintfToString(const char* format, T value) {
  char small[64];
  const int n = std::snprintf(small, sizeof(small), format, value);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof(small)) return std::string(small, n);
  std::string out(static_cast<size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, format, value);
  return out;
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  const bool negative = !s.empty() && s[0] == '-';
  // The sign counts toward Redis's 20-character limit.
  if (s.size() > kMaxIntegerChars) return false;
  std::string_view digits = negative ? s.substr(1) : s;
  uint64_t magnitude = 0;
  if (!ParseDigits(digits, &magnitude)) return false;
  if (negative) {
    if (magnitude == 0) return false;  // "-0"
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
    if (magnitude > kMinMagnitude) return false;
    // Two's complement negation in unsigned arithmetic; well defined for 2^63 too.
    *out = static_cast<int64_t>(0 - magnitude);
    return true;
  }
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = static_cast<int64_t>(magnitude);
  return true;
}

bool ParseUint64(std::string_view s, uint64_t* out) { return ParseDigits(s, out); }

bool ParseDouble(std::string_view s, double* out) {
  return ParseFloating<double>(
      s, [](const char* t, char** e) { return std::strtod(t, e); }, out);
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.size() >= kMaxLongDoubleChars) return false;
  return ParseFloating<long double>(
      s, [](const char* t, char** e) { return std::strtold(t, e); }, out);
}

std::string FormatLongDouble(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // 17 decimals: with 80- or 128-bit long doubles this rounds most short decimal inputs back
  // to exactly what the user typed, which is why Redis picked it.
  std::string out = PrintfToString("%.17Lf", v);
  if (out.find('.') != std::string::npos) {
    const size_t last = out.find_last_not_of('0');
    out.resize(out[last] == '.' ? last : last + 1);
  }
  if (out == "-0") out = "0";
  return out;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // Whole numbers below 2^53 print the same through %.17g and the integer path, which is
  // much faster. Zero is excluded so -0.0 keeps its sign.
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (v != 0 && v > -kExactIntegerLimit && v < kExactIntegerLimit &&
      v == static_cast<double>(static_cast<int64_t>(v))) {
    return Int64ToString(static_cast<int64_t>(v));
  }
  return PrintfToString("%.17g", v);
}

size_t FormatInt64(int64_t v, char* buf) {
  char digits[kMaxIntegerChars];
  char* p = digits + sizeof(digits);
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  while (u >= 100) {
    const size_t pair = static_cast<size_t>(u % 100) * 2;
    u /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (u >= 10) {
    const size_t pair = static_cast<size_t>(u) * 2;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  if (v < 0) *--p = '-';
  const size_t len = static_cast<size_t>(digits + sizeof(digits) - p);
  std::memcpy(buf, p, len);
  buf[len] = '\0';
  return len;
}

std::string Int64ToString(int64_t v) {
  char buf[kInt64BufferSize];
  const size_t len = FormatInt64(v, buf);
  return std::string(buf, len);
}

std::string BytesToHuman(uint64_t n) {
  static constexpr char kUnits[] = "KMGTP";
  if (n < 1024) return std::to_string(n) + "B";
  uint64_t scale = 1024;
  for (char unit : std::string_view(kUnits)) {
    if (n / 1024 < scale) {
      char buf[64];
      const int len = std::snprintf(buf, sizeof(buf), "%.2f%c",
                                    static_cast<double>(n) / static_cast<double>(scale), unit);
      return std::string(buf, static_cast<size_t>(len));
    }
    scale *= 1024;
  }
  // 1024 P and beyond: Redis falls back to plain bytes.
  return std::to_string(n) + "B";
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string Repr(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c <= 0x7e) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace memkeydb
