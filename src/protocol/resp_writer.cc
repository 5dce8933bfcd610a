#include "protocol/resp_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace memkeydb {
namespace {

// "00" "01" ... "99": two digits per division halves the divisions when printing integers.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Largest text: a sign and 20 digits, plus a type prefix and CRLF.
constexpr size_t kMaxHeaderBytes = 24;
// Bulks up to this size are assembled on the stack and appended at once.
constexpr size_t kSmallBulkBytes = 128;

// Writes v's digits ending just before end; returns where they start.
char* FormatUintBackwards(uint64_t v, char* end) {
  char* p = end;
  while (v >= 100) {
    const size_t pair = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    p -= 2;
    std::memcpy(p, kDigitPairs.data() + pair, 2);
  }
  if (v >= 10) {
    p -= 2;
    std::memcpy(p, kDigitPairs.data() + v * 2, 2);
  } else {
    *--p = static_cast<char>('0' + v);
  }
  return p;
}

char* FormatIntBackwards(int64_t v, char* end) {
  // Negating in unsigned arithmetic keeps INT64_MIN defined.
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char* p = FormatUintBackwards(magnitude, end);
  if (v < 0) *--p = '-';
  return p;
}

// Formats d as printf("%.17g") would, infinities as "inf"/"-inf". Returns the length.
size_t FormatDouble(double d, char* buf, size_t size) {
  if (std::isinf(d)) {
    const char* text = d > 0 ? "inf" : "-inf";
    const size_t n = std::strlen(text);
    std::memcpy(buf, text, n);
    return n;
  }
  // to_chars with a precision is specified as printf in the C locale, without its locale lookup.
  const std::to_chars_result r = std::to_chars(buf, buf + size, d, std::chars_format::general, 17);
  return static_cast<size_t>(r.ptr - buf);
}

// Formats "<prefix><n>\r\n" into buf, returning the text.
std::string_view FormatHeader(char prefix, uint64_t n, char (&buf)[kMaxHeaderBytes]) {
  char* end = buf + kMaxHeaderBytes;
  *--end = '\n';
  *--end = '\r';
  char* p = FormatUintBackwards(n, end);
  *--p = prefix;
  return std::string_view(p, static_cast<size_t>(buf + kMaxHeaderBytes - p));
}

}  // namespace

void ReplyWriter::Header(char prefix, uint64_t n) {
  char buf[kMaxHeaderBytes];
  out_->append(FormatHeader(prefix, n, buf));
}

void ReplyWriter::InsertHeader(size_t token, char prefix, uint64_t n) {
  char buf[kMaxHeaderBytes];
  out_->insert(token, FormatHeader(prefix, n, buf));
}

void ReplyWriter::AppendOneLine(std::string_view text) {
  const size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
}

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendOneLine(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Ok() { out_->append("+OK\r\n", 5); }

void ReplyWriter::Error(std::string_view message) {
  out_->push_back('-');
  AppendOneLine(message);
  out_->append("\r\n", 2);
}

void ReplyWriter::Integer(int64_t value) {
  char buf[kMaxHeaderBytes];
  char* end = buf + sizeof(buf);
  *--end = '\n';
  *--end = '\r';
  char* p = FormatIntBackwards(value, end);
  *--p = ':';
  out_->append(p, static_cast<size_t>(buf + sizeof(buf) - p));
}

void ReplyWriter::Bulk(std::string_view s) {
  if (s.size() <= kSmallBulkBytes) {
    // One append instead of three: most replies are short values.
    char header[kMaxHeaderBytes];
    const std::string_view h = FormatHeader('$', s.size(), header);
    char buf[kMaxHeaderBytes + kSmallBulkBytes + 2];
    std::memcpy(buf, h.data(), h.size());
    std::memcpy(buf + h.size(), s.data(), s.size());
    std::memcpy(buf + h.size() + s.size(), "\r\n", 2);
    out_->append(buf, h.size() + s.size() + 2);
    return;
  }
  Header('$', s.size());
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::BulkInteger(int64_t value) {
  char buf[kMaxHeaderBytes];
  char* end = buf + sizeof(buf);
  char* p = FormatIntBackwards(value, end);
  Bulk(std::string_view(p, static_cast<size_t>(end - p)));
}

void ReplyWriter::Null() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::ArrayHeader(size_t n) { Header('*', n); }

void ReplyWriter::MapHeader(size_t n) {
  if (resp_ >= 3) {
    Header('%', n);
  } else {
    Header('*', uint64_t{2} * n);
  }
}

void ReplyWriter::SetHeader(size_t n) { Header(resp_ >= 3 ? '~' : '*', n); }

void ReplyWriter::PushHeader(size_t n) { Header(resp_ >= 3 ? '>' : '*', n); }

void ReplyWriter::Double(double value) {
  char buf[64];
  const size_t n = FormatDouble(value, buf, sizeof(buf));
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(buf, n);
    out_->append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::Bool(bool value) {
  if (resp_ >= 3) {
    out_->append(value ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::Verbatim(std::string_view s, std::string_view format) {
  if (resp_ < 3) {
    Bulk(s);
    return;
  }
  Header('=', s.size() + format.size() + 1);
  out_->append(format);
  out_->push_back(':');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (resp_ < 3) {
    Bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

void ReplyWriter::BulkArray(const std::vector<std::string_view>& items) {
  Header('*', items.size());
  for (std::string_view item : items) Bulk(item);
}

void ReplyWriter::EndDeferredArray(size_t token, size_t n) { InsertHeader(token, '*', n); }

void ReplyWriter::EndDeferredMap(size_t token, size_t n) {
  if (resp_ >= 3) {
    InsertHeader(token, '%', n);
  } else {
    InsertHeader(token, '*', uint64_t{2} * n);
  }
}

void ReplyWriter::EndDeferredSet(size_t token, size_t n) {
  InsertHeader(token, resp_ >= 3 ? '~' : '*', n);
}

}  // namespace memkeydb
