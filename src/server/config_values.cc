// The configuration's text helpers and value syntaxes: line trimming and splitting, Redis's
// memory values, numeric and enum options' parsing and printing, and config-file quoting.

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/strutil.h"
#include "server/config_internal.h"

namespace memkeydb {

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

std::string_view TrimConfigLine(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r\n";
  size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kBlanks);
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  if (text.empty()) return lines;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string JoinWithSpaces(const Args& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ' ';
    out += parts[i];
  }
  return out;
}

bool StrtollWhole(const std::string& s, long long* out) {
  char* end = nullptr;
  *out = strtoll(s.c_str(), &end, 10);
  return *end == '\0';
}

bool IsBaseName(std::string_view path) {
  return path.find('/') == std::string_view::npos && path.find('\\') == std::string_view::npos;
}

std::string ErrnoText(int err) { return std::strerror(err); }

// ---------------------------------------------------------------------------------------------
// Value syntaxes
// ---------------------------------------------------------------------------------------------

bool ParseMemoryValue(std::string_view s, uint64_t* out) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::string_view unit = s.substr(digits);
  uint64_t mul;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (EqualsIgnoreCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  if (digits >= 128) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      v = UINT64_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v * mul;
  return true;
}

std::string FormatMemoryForFile(uint64_t bytes) {
  constexpr uint64_t kKb = 1024, kMb = kKb * 1024, kGb = kMb * 1024;
  if (bytes != 0 && bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes != 0 && bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes != 0 && bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

std::string ParseNumeric(const NumSpec& spec, const std::string& text, int64_t* out) {
  int64_t v = 0;
  bool parsed = false;
  if (spec.flags & kNumMemory) {
    uint64_t u;
    if (ParseMemoryValue(text, &u)) {
      v = static_cast<int64_t>(u);
      parsed = true;
    }
  }
  if (!parsed && (spec.flags & kNumPercent) && text.size() > 1 && text.back() == '%') {
    int64_t p;
    if (ParseInt64(std::string_view(text).substr(0, text.size() - 1), &p) && p >= 0) {
      v = -p;
      parsed = true;
    }
  }
  if (!parsed && (spec.flags & kNumOctal)) {
    char* end = nullptr;
    errno = 0;
    long long o = strtoll(text.c_str(), &end, 8);
    if (errno == 0 && *end == '\0') {
      v = o;
      parsed = true;
    }
  }
  if (!parsed && (spec.flags & (kNumMemory | kNumPercent | kNumOctal)) == 0 &&
      ParseInt64(text, &v)) {
    parsed = true;
  }
  if (!parsed) {
    if ((spec.flags & kNumMemory) && (spec.flags & kNumPercent)) {
      return "argument must be a memory or percent value";
    }
    if (spec.flags & kNumMemory) return "argument must be a memory value";
    if (spec.flags & kNumOctal) return "argument couldn't be parsed as an octal number";
    return "argument couldn't be parsed into an integer";
  }

  char buf[160];
  if (spec.flags & kNumUnsigned) {
    uint64_t u = static_cast<uint64_t>(v);
    uint64_t lo = static_cast<uint64_t>(spec.min), hi = static_cast<uint64_t>(spec.max);
    if (u < lo || u > hi) {
      snprintf(buf, sizeof(buf),
               (spec.flags & kNumOctal) ? "argument must be between %llo and %llo inclusive"
                                        : "argument must be between %llu and %llu inclusive",
               static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi));
      return buf;
    }
  } else if ((spec.flags & kNumPercent) && v < 0) {
    if (v < spec.min) {
      snprintf(buf, sizeof(buf), "percentage argument must be less or equal to %lld",
               static_cast<long long>(-spec.min));
      return buf;
    }
  } else if (v < spec.min || v > spec.max) {
    snprintf(buf, sizeof(buf), "argument must be between %lld and %lld inclusive",
             static_cast<long long>(spec.min), static_cast<long long>(spec.max));
    return buf;
  }
  *out = v;
  return "";
}

std::string FormatNumeric(const NumSpec& spec, int64_t v) {
  if ((spec.flags & kNumPercent) && v < 0) return std::to_string(-v) + "%";
  if (spec.flags & kNumMemory) return std::to_string(static_cast<uint64_t>(v));
  if (spec.flags & kNumOctal) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
    return buf;
  }
  if (spec.flags & kNumUnsigned) return std::to_string(static_cast<uint64_t>(v));
  return std::to_string(v);
}

std::string FormatNumericForFile(const NumSpec& spec, int64_t v) {
  if ((spec.flags & kNumPercent) && v < 0) return std::to_string(-v) + "%";
  if (spec.flags & kNumMemory) return FormatMemoryForFile(static_cast<uint64_t>(v));
  return FormatNumeric(spec, v);
}

std::string EnumError(const EnumSpec& spec) {
  std::string msg = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < spec.size(); ++i) {
    if (i) msg += ", ";
    msg += spec[i].name;
  }
  return msg;
}

const char* CanonicalEnumName(const EnumSpec& spec, std::string_view text) {
  for (const EnumName& e : spec) {
    if (!EqualsIgnoreCase(e.name, text)) continue;
    for (const EnumName& first : spec) {
      if (first.value == e.value) return first.name;
    }
  }
  return nullptr;
}

int ReadAll(int fd, std::string* out) {
  char buf[16384];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace memkeydb
