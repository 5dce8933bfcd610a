#include "protocol/resp_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace memkeydb {
namespace {

// Spans and args of one huge request are not worth keeping for the rest of the connection.
constexpr size_t kMaxRetainedArgs = 4096;
// A multibulk count is only a promise; reserve for at most this many arguments up front.
constexpr int64_t kMaxArgsReserve = 1024;

// Parses a signed decimal under the rules of Redis's string2ll(): optional '-', no '+', no
// leading zeros (but "0" itself), no blanks, no "-0", must fit in int64_t.
bool ParseStrictInt64(const char* p, size_t n, int64_t* value) {
  if (n == 0) return false;
  if (n == 1 && p[0] == '0') {
    *value = 0;
    return true;
  }
  bool negative = false;
  size_t i = 0;
  if (p[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i == n || p[i] < '1' || p[i] > '9') return false;
  uint64_t v = 0;
  for (; i < n; ++i) {
    unsigned digit = static_cast<unsigned char>(p[i]) - '0';
    if (digit > 9) return false;
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

// The usual header line: a type byte at pos, 1 to 18 digits without a leading zero, then CR and
// one more byte. Such a line holds no NUL and no earlier CR, so reading it directly agrees with
// the general path; anything else returns false and takes the general path.
inline bool ReadPlainHeader(const char* buf, size_t len, size_t pos, size_t* cr, int64_t* value) {
  const size_t first = pos + 1;
  const size_t limit = std::min(len, first + 18);
  size_t i = first;
  uint64_t v = 0;
  while (i < limit) {
    const unsigned digit = static_cast<unsigned char>(buf[i]) - '0';
    if (digit > 9) break;
    v = v * 10 + digit;
    ++i;
  }
  if (i == first || i + 1 >= len || buf[i] != '\r') return false;
  if (buf[first] == '0' && i != first + 1) return false;
  *cr = i;
  *value = static_cast<int64_t>(v);
  return true;
}

// isspace() in the C locale: skipped between arguments.
inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Ends an unquoted argument. Narrower than IsBlank: Redis lets '\v' and '\f' sit inside an
// argument even though it skips them between arguments.
inline bool EndsBareArg(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline bool IsQuote(char c) { return c == '"' || c == '\''; }

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What "\<c>" inside double quotes stands for; unknown escapes stand for the character itself.
char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// Splits one line like Redis's sdssplitargs(). Arguments without quotes are recorded as spans
// of line; quoted ones are decoded into storage.
bool SplitLine(std::string_view line, std::vector<resp_internal::ArgSpan>* spans,
               std::string* storage) {
  const size_t n = line.size();
  // Bytes past the end read as NUL, as in the C string Redis works on.
  auto at = [&](size_t k) -> char { return k < n ? line[k] : '\0'; };
  size_t i = 0;
  while (true) {
    while (i < n && IsBlank(line[i])) ++i;
    if (i >= n) return true;
    const size_t start = i;
    while (i < n && !EndsBareArg(line[i]) && !IsQuote(line[i])) ++i;
    if (i >= n || !IsQuote(line[i])) {
      // The common case: no quotes, so the argument is the bytes themselves.
      spans->push_back({start, i - start, false});
      continue;
    }
    // Quotes turn the argument into something other than its bytes: build it in storage.
    const size_t offset = storage->size();
    storage->append(line.data() + start, i - start);
    bool done = false;
    while (!done) {
      const char c = at(i);
      if (c == '"') {
        ++i;
        while (true) {
          if (i >= n) return false;
          const char q = line[i];
          if (q == '\\' && at(i + 1) == 'x' && HexValue(at(i + 2)) >= 0 &&
              HexValue(at(i + 3)) >= 0) {
            storage->push_back(static_cast<char>(HexValue(at(i + 2)) * 16 + HexValue(at(i + 3))));
            i += 4;
          } else if (q == '\\' && i + 1 < n) {
            storage->push_back(Unescape(line[i + 1]));
            i += 2;
          } else if (q == '"') {
            ++i;
            break;
          } else {
            storage->push_back(q);
            ++i;
          }
        }
        if (i < n && !IsBlank(line[i])) return false;
        done = true;
      } else if (c == '\'') {
        ++i;
        while (true) {
          if (i >= n) return false;
          const char q = line[i];
          if (q == '\\' && at(i + 1) == '\'') {
            storage->push_back('\'');
            i += 2;
          } else if (q == '\'') {
            ++i;
            break;
          } else {
            storage->push_back(q);
            ++i;
          }
        }
        if (i < n && !IsBlank(line[i])) return false;
        done = true;
      } else if (i >= n || EndsBareArg(c)) {
        done = true;
      } else {
        storage->push_back(c);
        ++i;
      }
    }
    spans->push_back({offset, storage->size() - offset, true});
  }
}

}  // namespace

void RequestParser::Reset() {
  state_ = State::kIdle;
  pos_ = 0;
  scan_ = 0;
  line_end_hidden_ = false;
  args_left_ = 0;
  bulk_len_ = 0;
  last_len_ = 0;
  spans_.clear();
  span_count_ = 0;
  args_.clear();
  inline_storage_.clear();
}

void RequestParser::BeginRequest(State state) {
  state_ = state;
  pos_ = 0;
  scan_ = 0;
  line_end_hidden_ = false;
  last_len_ = 0;
  // spans_ keeps its size between requests (its slots are overwritten, not rebuilt).
  if (spans_.capacity() > kMaxRetainedArgs) std::vector<Span>().swap(spans_);
  if (args_.capacity() > kMaxRetainedArgs) std::vector<std::string_view>().swap(args_);
  span_count_ = 0;
  inline_storage_.clear();
}

RequestParser::Result RequestParser::Parse(const char* buf, size_t len, size_t* consumed) {
  *consumed = 0;
  args_.clear();
  // A shorter buffer than last time breaks the contract; starting over at least keeps every
  // remembered offset inside the buffer.
  if (state_ != State::kIdle && len < last_len_) state_ = State::kIdle;
  if (state_ == State::kIdle) {
    if (len == 0) return Result::kNeedMore;
    BeginRequest(buf[0] == '*' ? State::kMultibulkCount : State::kInline);
  }
  const Result result = state_ == State::kInline ? ParseInline(buf, len) : ParseMultibulk(buf, len);
  if (result == Result::kCommand) {
    BuildArgs(buf);
    *consumed = pos_;
    state_ = State::kIdle;
  } else if (result == Result::kNeedMore) {
    last_len_ = len;
  }
  return result;
}

RequestParser::Result RequestParser::Fail(std::string_view message) {
  error_.assign(message);
  Reset();
  return Result::kError;
}

bool RequestParser::FindCr(const char* buf, size_t len, size_t* cr) {
  if (line_end_hidden_) return false;
  // Header lines are a few bytes long, so a plain loop beats memchr, and it finds the NUL that
  // would stop Redis's strchr() in the same pass.
  for (size_t i = scan_; i < len; ++i) {
    const char c = buf[i];
    if (c == '\r') {
      scan_ = i;
      *cr = i;
      return true;
    }
    if (c == '\0') {
      line_end_hidden_ = true;
      return false;
    }
  }
  scan_ = len;
  return false;
}

void RequestParser::StartBulkLengthLine(size_t pos) {
  state_ = State::kBulkLength;
  pos_ = pos;
  scan_ = pos;
  line_end_hidden_ = false;
}

RequestParser::Result RequestParser::ParseInline(const char* buf, size_t len) {
  size_t newline = 0;
  bool found = false;
  if (!line_end_hidden_) {
    const void* lf = std::memchr(buf + scan_, '\n', len - scan_);
    const size_t end = lf ? static_cast<const char*>(lf) - buf : len;
    if (std::memchr(buf + scan_, '\0', end - scan_) != nullptr) {
      line_end_hidden_ = true;
    } else if (lf != nullptr) {
      newline = end;
      found = true;
    } else {
      scan_ = len;
    }
  }
  if (!found) {
    if (len > kMaxLineBytes) return Fail("Protocol error: too big inline request");
    return Result::kNeedMore;
  }
  size_t line_len = newline;
  if (line_len > 0 && buf[line_len - 1] == '\r') --line_len;
  spans_.clear();
  if (!SplitLine(std::string_view(buf, line_len), &spans_, &inline_storage_)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  span_count_ = spans_.size();
  pos_ = newline + 1;
  return Result::kCommand;
}

RequestParser::Result RequestParser::ParseMultibulk(const char* buf, size_t len) {
  size_t cr = 0;
  if (state_ == State::kMultibulkCount) {
    int64_t count = 0;
    if (!ReadPlainHeader(buf, len, pos_, &cr, &count)) {
      if (!FindCr(buf, len, &cr)) {
        if (len - pos_ > kMaxLineBytes) return Fail("Protocol error: too big mbulk count string");
        return Result::kNeedMore;
      }
      // The byte after the CR is skipped unread, but it has to be there.
      if (cr + 1 >= len) return Result::kNeedMore;
      if (!ParseStrictInt64(buf + pos_ + 1, cr - pos_ - 1, &count)) {
        return Fail("Protocol error: invalid multibulk length");
      }
    }
    if (count > INT_MAX) return Fail("Protocol error: invalid multibulk length");
    if (count > kMaxUnauthenticatedArgs && !authenticated_) {
      return Fail("Protocol error: unauthenticated multibulk length");
    }
    if (count <= 0) {
      pos_ = cr + 2;
      return Result::kCommand;
    }
    args_left_ = count;
    const auto slots = static_cast<size_t>(std::min(count, kMaxArgsReserve));
    if (spans_.size() < slots) spans_.resize(slots);
    StartBulkLengthLine(cr + 2);
  }
  while (true) {
    if (state_ == State::kBulkLength) {
      int64_t bulk_len = 0;
      if (pos_ >= len || buf[pos_] != '$' || !ReadPlainHeader(buf, len, pos_, &cr, &bulk_len)) {
        if (!FindCr(buf, len, &cr)) {
          if (len - pos_ > kMaxLineBytes) return Fail("Protocol error: too big bulk count string");
          return Result::kNeedMore;
        }
        if (cr + 1 >= len) return Result::kNeedMore;
        if (buf[pos_] != '$') {
          char got = buf[pos_];
          // Redis blanks CR/LF in formatted errors so the reply stays one line.
          if (got == '\r' || got == '\n') got = ' ';
          std::string message = "Protocol error: expected '$', got '";
          message.push_back(got);
          message.push_back('\'');
          return Fail(message);
        }
        if (!ParseStrictInt64(buf + pos_ + 1, cr - pos_ - 1, &bulk_len)) {
          return Fail("Protocol error: invalid bulk length");
        }
      }
      if (bulk_len < 0 || bulk_len > limits_.max_bulk_len) {
        return Fail("Protocol error: invalid bulk length");
      }
      if (bulk_len > kMaxUnauthenticatedBulkLen && !authenticated_) {
        return Fail("Protocol error: unauthenticated bulk length");
      }
      bulk_len_ = bulk_len;
      pos_ = cr + 2;
      state_ = State::kBulkData;
    }
    // The two bytes after the data are skipped unchecked, as Redis does.
    const uint64_t needed = static_cast<uint64_t>(bulk_len_) + 2;
    if (len - pos_ < needed) return Result::kNeedMore;
    // Stored by index into slots sized at the count line: GCC kept push_back out of line here,
    // 3% of the CPU of a pipelined GET.
    if (span_count_ == spans_.size()) [[unlikely]] spans_.resize(std::max<size_t>(8, span_count_ * 2));
    spans_[span_count_++] = {pos_, static_cast<size_t>(bulk_len_), false};
    const size_t next = pos_ + static_cast<size_t>(needed);
    if (--args_left_ == 0) {
      pos_ = next;
      return Result::kCommand;
    }
    StartBulkLengthLine(next);
  }
}

void RequestParser::BuildArgs(const char* buf) {
  args_.resize(span_count_);
  for (size_t i = 0; i < span_count_; ++i) {
    const Span& s = spans_[i];
    const char* base = s.owned ? inline_storage_.data() : buf;
    args_[i] = std::string_view(base + s.offset, s.length);
  }
}

bool RequestParser::InLargeBulk() const {
  return state_ == State::kBulkData && bulk_len_ >= 32 * 1024;
}

size_t RequestParser::BytesWanted() const {
  if (state_ == State::kBulkData) {
    const uint64_t end = pos_ + static_cast<uint64_t>(bulk_len_) + 2;
    if (end > last_len_) return static_cast<size_t>(end - last_len_);
  }
  return 1;
}

bool RequestParser::SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  line = line.substr(0, line.find('\0'));
  std::vector<Span> spans;
  std::string storage;
  if (!SplitLine(line, &spans, &storage)) return false;
  out->reserve(spans.size());
  for (const Span& s : spans) {
    const char* base = s.owned ? storage.data() : line.data();
    out->emplace_back(base + s.offset, s.length);
  }
  return true;
}

}  // namespace memkeydb
