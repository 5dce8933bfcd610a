// RequestParser: turns the bytes a client sends into commands (argument vectors), the way a
// Redis 7.0 server reads them. Two request forms are accepted:
//
//   multibulk := '*' count CR any { '$' length CR any <length bytes> any any }
//   inline    := <bytes up to LF, an optional CR before the LF dropped>, split like a shell line
//
// where "CR any" means: the line ends at the first '\r' and the byte after it is skipped without
// being looked at, and the two bytes after a bulk's data are skipped unchecked too. Redis does
// exactly this, so "*1\rx$4\rxPINGzz" is a valid PING; we accept the same. A request is multibulk
// when its first byte is '*', inline otherwise.
//
// Redis searches for line ends with strchr(), which stops at a NUL byte. A NUL before the CR
// (multibulk header lines) or before the LF (inline lines) therefore hides the line end for good:
// the request never completes and only the "too big" limits below can end it. We reproduce that.
//
// Design:
//   * Parse() is incremental. All progress is kept as offsets from the start of the current
//     request, so the caller may grow or move its buffer between calls; a large request that
//     arrives in many small reads is scanned once, not once per read.
//   * Multibulk arguments are not copied: args() views point into the caller's buffer. Inline
//     arguments that needed unescaping live in storage owned by the parser.
//   * Not thread-safe; one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {

namespace resp_internal {
// Where a parsed argument lives: in the caller's buffer (owned == false) or in storage the
// parser owns. Offsets, not pointers, because the caller's buffer may move.
struct ArgSpan {
  size_t offset;
  size_t length;
  bool owned;
};
}  // namespace resp_internal

class RequestParser {
 public:
  enum class Result { kCommand, kNeedMore, kError };

  struct Limits {
    // proto-max-bulk-len. A primary's replication link should set this to INT64_MAX: Redis does
    // not apply the limit to its primary.
    int64_t max_bulk_len = 512LL << 20;
  };

  // Fixed limits of Redis 7.0 (not configurable there either).
  // A header line (inline request, "*count", "$length") still lacking its end once more than
  // this many bytes are buffered is a protocol error.
  static constexpr size_t kMaxLineBytes = 64 * 1024;
  // Before authentication a client may announce at most this many arguments ...
  static constexpr int64_t kMaxUnauthenticatedArgs = 10;
  // ... and bulks of at most this many bytes.
  static constexpr int64_t kMaxUnauthenticatedBulkLen = 16384;

  RequestParser() = default;
  // args() may point into the parser's own storage, so a copy would point into the original.
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses at most one request from the front of buf.
  //
  // buf/len: the unconsumed bytes of the connection's input buffer. After a kNeedMore they must
  // start with the same bytes as before, possibly followed by more (the buffer may have moved).
  //
  // kCommand: *consumed is the size of this request; args() holds its arguments. The views stay
  //   valid until the caller changes buf bytes [0, *consumed) or calls Parse or Reset again.
  //   An empty request ("*0\r\n", "*-1\r\n", a blank inline line) is kCommand with args()
  //   empty: the caller skips it without a reply.
  // kNeedMore: *consumed == 0. The parser remembers how far it got.
  // kError: error() is the message Redis sends ("Protocol error: ..."); the caller replies
  //   "-ERR <error()>", stops reading and closes the connection once replies are written.
  //   *consumed == 0 and the parser is reset.
  Result Parse(const char* buf, size_t len, size_t* consumed);

  const std::vector<std::string_view>& args() const { return args_; }
  const std::string& error() const { return error_; }

  void set_limits(const Limits& limits) { limits_ = limits; }
  const Limits& limits() const { return limits_; }
  // False while the server requires a password and the client has not authenticated yet;
  // enables the kMaxUnauthenticated* limits. Takes effect from the next request header parsed.
  // Default: true.
  void set_authenticated(bool authenticated) { authenticated_ = authenticated; }
  bool authenticated() const { return authenticated_; }

  // After kNeedMore: how many bytes beyond the len of that call must arrive before Parse can make
  // progress (always >= 1). Inside a bulk this is the rest of the bulk and its CRLF, so the
  // connection can size the next read; the number comes from the client's length field, so
  // grow buffers towards it gradually rather than allocating it up front.
  size_t BytesWanted() const;
  // True while inside a bulk of 32 KiB or more (Redis's "big argument"): the connection then
  // reads exactly up to its end, so the query buffer holds nothing past it.
  bool InLargeBulk() const;

  // True while a partially received request is pending.
  bool in_progress() const { return state_ != State::kIdle; }

  // Bytes at the start of the buffer that belong to complete arguments of the partial request
  // (0 when idle). The query-buffer limit applies to what follows them, as Redis's does: its
  // parsed arguments leave the query buffer as they complete.
  size_t parsed_prefix() const {
    return state_ == State::kBulkLength || state_ == State::kBulkData ? pos_ : 0;
  }

  // Forgets any partial request. Call when the connection's input buffer is discarded.
  void Reset();

  // Splits a line into arguments the way Redis splits inline requests and config file lines:
  // blanks separate arguments; "double quotes" understand \n \r \t \b \a \xHH and \<any> escapes;
  // 'single quotes' understand only \'; a closing quote must be followed by a blank or the end.
  // The line ends at its first NUL byte. Returns false on unbalanced quotes (out is cleared).
  static bool SplitArgs(std::string_view line, std::vector<std::string>* out);

 private:
  enum class State : uint8_t { kIdle, kInline, kMultibulkCount, kBulkLength, kBulkData };

  using Span = resp_internal::ArgSpan;

  void BeginRequest(State state);
  Result ParseInline(const char* buf, size_t len);
  Result ParseMultibulk(const char* buf, size_t len);
  // Finds the CR ending the header line that starts at pos_, resuming at scan_. False if it is
  // not (yet) visible.
  bool FindCr(const char* buf, size_t len, size_t* cr);
  void StartBulkLengthLine(size_t pos);
  Result Fail(std::string_view message);
  void BuildArgs(const char* buf);

  State state_ = State::kIdle;
  size_t pos_ = 0;                // start of the line or bulk being parsed; the end when done
  size_t scan_ = 0;               // where the search for the current line's end resumes
  bool line_end_hidden_ = false;  // a NUL precedes the line end (see the file comment)
  int64_t args_left_ = 0;         // multibulk arguments still to read
  int64_t bulk_len_ = 0;          // length of the bulk being read
  size_t last_len_ = 0;           // len of the latest call that returned kNeedMore
  std::vector<Span> spans_;  // [0, span_count_) are the request's arguments so far
  size_t span_count_ = 0;
  std::vector<std::string_view> args_;
  std::string inline_storage_;
  std::string error_;
  Limits limits_;
  bool authenticated_ = true;
};

}  // namespace memkeydb
