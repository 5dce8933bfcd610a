// RdbOut and RdbIn: the RDB format's building blocks — lengths, strings (with the integer and
// LZF encodings), doubles, timestamps — written to or read from a byte stream, with the
// running CRC-64. Values (rdb_value.h) and whole files (rdb_file.h) are built from these.
//
// RdbIn never trusts a length it reads: a string is only allocated once the bytes it claims
// are known to be there, and every failure records the offset and what was expected
// ("at offset 1234: expected a string of 5000 bytes, 12 remain"), so a corrupt file is refused
// with a precise message and never crashes or hangs the reader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace memkeydb::rdb {

class RdbOut {
 public:
  // Receives the bytes written so far in chunks of at least `chunk_bytes` (the last may be
  // shorter); returns false on an I/O error, which makes the writer fail. Without a sink the
  // bytes stay in buffer() (DUMP payloads, tests).
  using Sink = std::function<bool(std::string_view)>;
  explicit RdbOut(bool compress, Sink sink = nullptr, size_t chunk_bytes = 1 << 16);

  void Byte(uint8_t b) {
    buf_.push_back(static_cast<char>(b));
    MaybeFlush();
  }
  void Raw(const void* data, size_t len);
  void Raw(std::string_view s) { Raw(s.data(), s.size()); }
  // A length in the 6/14/32/64-bit forms.
  void Length(uint64_t len);
  // A string: as an int8/16/32 encoding when it is a canonical integer of at most 11 bytes that
  // fits, LZF-compressed when compression is on, it is longer than 20 bytes and compression
  // saves at least 4 bytes; otherwise length + bytes. As Redis's rdbSaveRawString.
  void String(std::string_view s);
  // An integer as a string: the int encodings, or its decimal digits.
  void IntString(int64_t v);
  // 8 bytes, IEEE 754 little endian (zset2 scores, stream metadata uses Millis/Length).
  void BinaryDouble(double v);
  // 8-byte little-endian integer (kOpExpireTimeMs payloads, stream IDs use Length).
  void Millis(int64_t ms);
  void U32LE(uint32_t v);
  void U64LE(uint64_t v);

  // Sends what is buffered to the sink. False if a sink call failed (now or earlier).
  bool Flush();
  bool failed() const { return failed_; }
  // The CRC-64 of every byte written so far (flushed or not).
  uint64_t crc();
  uint64_t bytes_written() const { return flushed_ + buf_.size(); }
  // Without a sink: the bytes written (and not yet taken).
  std::string& buffer() { return buf_; }
  bool compress() const { return compress_; }

 private:
  void MaybeFlush() {
    if (sink_ && buf_.size() >= chunk_bytes_) Flush();
  }

  bool compress_;
  Sink sink_;
  size_t chunk_bytes_;
  std::string buf_;
  size_t crc_done_ = 0;  // bytes of buf_ already in crc_
  uint64_t crc_ = 0;
  uint64_t flushed_ = 0;
  bool failed_ = false;
  std::string lzf_scratch_;
};

class RdbIn {
 public:
  // Reads `bytes` (which must outlive the reader).
  explicit RdbIn(std::string_view bytes);
  // Reads `size` bytes from `fd` (a file), from its current position, buffered.
  RdbIn(int fd, uint64_t size);

  bool Byte(uint8_t* b);
  bool Raw(void* out, size_t len);
  // A length. *encoded is set (and the low 6 bits returned) for a special string encoding;
  // without `encoded`, a special encoding is an error.
  bool Length(uint64_t* len, bool* encoded = nullptr);
  // A length that must be at most `max` (element counts: each element needs at least one
  // byte, so callers pass remaining() or a tighter bound).
  bool LengthAtMost(uint64_t max, uint64_t* len, const char* what);
  // A string in any of its encodings (plain, int8/16/32, LZF).
  bool String(std::string* out);
  bool BinaryDouble(double* v);
  // The pre-4.0 double: one length byte (253 nan, 254 +inf, 255 -inf) then that many ASCII
  // characters.
  bool TextDouble(double* v);
  bool Millis(int64_t* ms);
  bool U32LE(uint32_t* v);
  bool U64LE(uint64_t* v);

  // Records the first error, with the current offset, and returns false.
  bool Fail(std::string_view what);
  // Fail() for a collection that was read in full and has no elements. Redis refuses such a
  // value in a DUMP payload but skips the key in a file, so the file loader asks
  // empty_value() and, when set, drops the key and carries on after ClearEmptyValue().
  // REQUIRES: every byte of the value has been consumed.
  bool FailEmpty(std::string_view what);
  bool empty_value() const { return empty_value_; }
  // REQUIRES: empty_value().
  void ClearEmptyValue();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t offset() const { return consumed_ + pos_; }
  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - offset(); }
  // The CRC-64 of every byte read so far.
  uint64_t crc();

 private:
  bool Fill(size_t need);  // makes `need` bytes available at pos_ (false at end of input)
  bool ReadLzf(std::string* out);

  int fd_ = -1;
  uint64_t size_ = 0;
  std::string_view data_;   // the current window: all of the input, or the file buffer
  std::string file_buf_;
  size_t pos_ = 0;          // position in data_
  uint64_t consumed_ = 0;   // bytes of input before data_
  size_t crc_done_ = 0;     // bytes of data_ already in crc_
  uint64_t crc_ = 0;
  std::string error_;
  bool empty_value_ = false;  // error_ is FailEmpty()'s
};

// "1234" → 1234 if `s` is a canonical decimal int64 (no sign on 0, no leading zeros, no '+').
bool ParseCanonicalInt(std::string_view s, int64_t* v);

}  // namespace memkeydb::rdb
