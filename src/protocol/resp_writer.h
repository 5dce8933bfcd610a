// ReplyWriter: appends replies in RESP2 or RESP3 to a connection's output buffer.
//
// RESP3 types fall back to what Redis 7.0 sends a RESP2 client:
//
//   call            RESP3                  RESP2
//   Null()          _\r\n                  $-1\r\n
//   NullArray()     _\r\n                  *-1\r\n
//   MapHeader(n)    %n\r\n                 *<2n>\r\n
//   SetHeader(n)    ~n\r\n                 *n\r\n
//   PushHeader(n)   >n\r\n                 *n\r\n
//   Double(d)       ,<d>\r\n               $<len>\r\n<d>\r\n
//   Bool(b)         #t\r\n / #f\r\n        :1\r\n / :0\r\n
//   Verbatim(s)     =<len>\r\ntxt:s\r\n    $<len>\r\ns\r\n
//   BigNumber(s)    (s\r\n                 $<len>\r\ns\r\n
//
// Doubles print as printf("%.17g") does, with "inf"/"-inf" for infinities: 3 -> "3",
// 0.1 -> "0.10000000000000001" (Redis 7.0's form; 7.2 changed it).
//
// The writer only appends to *out; it never flushes or trims it. Cheap to construct: make one per
// reply if convenient.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {

class ReplyWriter {
 public:
  // REQUIRES: out outlives the writer; resp is 2 or 3.
  explicit ReplyWriter(std::string* out, int resp = 2) : out_(out), resp_(resp) {}

  void set_resp(int resp) { resp_ = resp; }
  int resp() const { return resp_; }
  std::string* out() const { return out_; }

  // "+s". CR and LF in s become spaces so the reply stays one line.
  void SimpleString(std::string_view s);
  void Ok();
  // "-message". The message carries its own code ("ERR ...", "WRONGTYPE ..."). CR and LF become
  // spaces, as Redis does, so a message built from client input cannot break the stream.
  void Error(std::string_view message);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  // A bulk holding the decimal form of value (what INCR-like replies in bulk form need).
  void BulkInteger(int64_t value);
  void Null();
  void NullArray();
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);  // n is the number of key/value pairs
  void SetHeader(size_t n);
  void PushHeader(size_t n);
  void Double(double value);
  void Bool(bool value);
  // REQUIRES: format is exactly three characters ("txt", "mkd").
  void Verbatim(std::string_view s, std::string_view format = "txt");
  // REQUIRES: digits is an optionally signed decimal integer.
  void BigNumber(std::string_view digits);
  void BulkArray(const std::vector<std::string_view>& items);
  // Appends bytes that are already RESP.
  void Raw(std::string_view bytes) { out_->append(bytes); }

  // Replies whose element count is known only at the end: take a token, write the elements,
  // then End*() inserts the header at the token's place.
  // REQUIRES: until End*(), *out is only appended to (nothing before the token is removed), and
  // nested deferred replies end innermost first.
  size_t BeginDeferredArray() { return out_->size(); }
  size_t BeginDeferredMap() { return out_->size(); }
  size_t BeginDeferredSet() { return out_->size(); }
  void EndDeferredArray(size_t token, size_t n);
  void EndDeferredMap(size_t token, size_t n);  // n is the number of key/value pairs
  void EndDeferredSet(size_t token, size_t n);

 private:
  // Appends or, with a token, inserts "<prefix><n>\r\n".
  void Header(char prefix, uint64_t n);
  void InsertHeader(size_t token, char prefix, uint64_t n);
  // Appends text with CR/LF turned into spaces.
  void AppendOneLine(std::string_view text);

  std::string* out_;
  int resp_;
};

}  // namespace memkeydb
