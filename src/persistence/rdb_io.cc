#include "persistence/rdb_io.h"

#include <lzf.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/logging.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"

static_assert(std::endian::native == std::endian::little, "fixed-width fields are copied as is");

namespace memkeydb::rdb {

bool ParseCanonicalInt(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') return false;
  auto [ptr, ec] = std::from_chars(b, e, *v);
  if (ec != std::errc() || ptr != e) return false;
  // Canonical: the digits printing *v gives back exactly `s` (no leading zeros, no "-0").
  char buf[24];
  auto [end, ec2] = std::to_chars(buf, buf + sizeof(buf), *v);
  return static_cast<size_t>(end - buf) == s.size() && std::memcmp(buf, b, s.size()) == 0;
}

// ---------------------------------------------------------------------------------------------
// RdbOut

RdbOut::RdbOut(bool compress, Sink sink, size_t chunk_bytes)
    : compress_(compress), sink_(std::move(sink)), chunk_bytes_(chunk_bytes) {
  if (sink_) buf_.reserve(chunk_bytes_ + 64);
}

void RdbOut::Raw(const void* data, size_t len) {
  buf_.append(static_cast<const char*>(data), len);
  MaybeFlush();
}

void RdbOut::Length(uint64_t len) {
  uint8_t b[9];
  if (len < (1u << 6)) {
    b[0] = static_cast<uint8_t>(len);
    Raw(b, 1);
  } else if (len < (1u << 14)) {
    b[0] = static_cast<uint8_t>((kLen14Bit << 6) | (len >> 8));
    b[1] = static_cast<uint8_t>(len & 0xff);
    Raw(b, 2);
  } else if (len <= UINT32_MAX) {
    b[0] = kLen32Bit;
    uint32_t be = __builtin_bswap32(static_cast<uint32_t>(len));
    std::memcpy(b + 1, &be, 4);
    Raw(b, 5);
  } else {
    b[0] = kLen64Bit;
    uint64_t be = __builtin_bswap64(len);
    std::memcpy(b + 1, &be, 8);
    Raw(b, 9);
  }
}

namespace {

// The int8/16/32 string encodings of `v`; returns the bytes written to b (0 if it does not fit).
size_t EncodeInt(int64_t v, uint8_t b[5]) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    b[0] = (kLenEncoded << 6) | kEncInt8;
    b[1] = static_cast<uint8_t>(static_cast<int8_t>(v));
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    b[0] = (kLenEncoded << 6) | kEncInt16;
    auto x = static_cast<int16_t>(v);
    std::memcpy(b + 1, &x, 2);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    b[0] = (kLenEncoded << 6) | kEncInt32;
    auto x = static_cast<int32_t>(v);
    std::memcpy(b + 1, &x, 4);
    return 5;
  }
  return 0;
}

}  // namespace

void RdbOut::IntString(int64_t v) {
  uint8_t b[5];
  if (size_t n = EncodeInt(v, b); n > 0) {
    Raw(b, n);
    return;
  }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  Length(static_cast<uint64_t>(end - digits));
  Raw(digits, static_cast<size_t>(end - digits));
}

void RdbOut::String(std::string_view s) {
  if (s.size() <= 11) {
    int64_t v;
    uint8_t b[5];
    if (ParseCanonicalInt(s, &v)) {
      if (size_t n = EncodeInt(v, b); n > 0) {
        Raw(b, n);
        return;
      }
    }
  }
  if (compress_ && s.size() >= kMinCompressLength) {
    // Worth it only if it saves at least 4 bytes (Redis's rule): lzf fails when it cannot fit.
    size_t room = s.size() - 4;
    if (lzf_scratch_.size() < room) lzf_scratch_.resize(room);
    unsigned int clen = lzf_compress(s.data(), static_cast<unsigned int>(s.size()),
                                     lzf_scratch_.data(), static_cast<unsigned int>(room));
    if (clen > 0 && s.size() <= UINT32_MAX) {
      Byte((kLenEncoded << 6) | kEncLzf);
      Length(clen);
      Length(s.size());
      Raw(lzf_scratch_.data(), clen);
      return;
    }
  }
  Length(s.size());
  Raw(s.data(), s.size());
}

void RdbOut::BinaryDouble(double v) { Raw(&v, 8); }
void RdbOut::Millis(int64_t ms) { Raw(&ms, 8); }
void RdbOut::U32LE(uint32_t v) { Raw(&v, 4); }
void RdbOut::U64LE(uint64_t v) { Raw(&v, 8); }

uint64_t RdbOut::crc() {
  crc_ = Crc64(crc_, buf_.data() + crc_done_, buf_.size() - crc_done_);
  crc_done_ = buf_.size();
  return crc_;
}

bool RdbOut::Flush() {
  if (!sink_ || buf_.empty() || failed_) return !failed_;
  crc();
  if (!sink_(buf_)) failed_ = true;
  flushed_ += buf_.size();
  buf_.clear();
  crc_done_ = 0;
  return !failed_;
}

// ---------------------------------------------------------------------------------------------
// RdbIn

namespace {
constexpr size_t kFileBuffer = 1 << 20;
// LZF expands by at most about 88 times (a 3-byte back reference copies 264 bytes); a claimed
// plain length beyond this is corrupt, and must not be allocated.
constexpr uint64_t kMaxLzfRatio = 100;
}  // namespace

RdbIn::RdbIn(std::string_view bytes) : size_(bytes.size()), data_(bytes) {}

RdbIn::RdbIn(int fd, uint64_t size) : fd_(fd), size_(size) {}

uint64_t RdbIn::crc() {
  crc_ = Crc64(crc_, data_.data() + crc_done_, pos_ - crc_done_);
  crc_done_ = pos_;
  return crc_;
}

bool RdbIn::Fill(size_t need) {
  if (data_.size() - pos_ >= need) return true;
  if (fd_ < 0 || remaining() < need) return false;
  // Slide the unread bytes to the front and read more behind them.
  crc();
  size_t keep = data_.size() - pos_;
  size_t cap = std::max(kFileBuffer, need);
  std::string next(cap, '\0');
  // Before the first read the window is empty and has no address: memcpy may not see it.
  if (keep > 0) std::memcpy(next.data(), data_.data() + pos_, keep);
  consumed_ += pos_;
  uint64_t want = std::min<uint64_t>(cap - keep, size_ - consumed_ - keep);
  size_t have = keep;
  while (have - keep < want) {
    ssize_t n = ::read(fd_, next.data() + have, want - (have - keep));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The file is shorter than it was when opened, or unreadable: treat as truncation.
      size_ = consumed_ + have;
      break;
    }
    have += static_cast<size_t>(n);
  }
  next.resize(have);
  file_buf_ = std::move(next);
  data_ = file_buf_;
  pos_ = 0;
  crc_done_ = 0;
  return data_.size() >= need;
}

bool RdbIn::Fail(std::string_view what) {
  if (error_.empty()) error_ = "at offset " + std::to_string(offset()) + ": " + std::string(what);
  return false;
}

bool RdbIn::FailEmpty(std::string_view what) {
  if (error_.empty()) empty_value_ = true;
  return Fail(what);
}

void RdbIn::ClearEmptyValue() {
  DCHECK(empty_value_);
  error_.clear();
  empty_value_ = false;
}

bool RdbIn::Byte(uint8_t* b) {
  if (!Fill(1)) return Fail("unexpected end of data, expected one more byte");
  *b = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool RdbIn::Raw(void* out, size_t len) {
  if (len > remaining()) {
    return Fail("expected " + std::to_string(len) + " bytes, " + std::to_string(remaining()) +
                " remain");
  }
  auto* dst = static_cast<char*>(out);
  while (len > 0) {
    if (pos_ == data_.size() && !Fill(1)) return Fail("unexpected end of file");
    size_t n = std::min(len, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, n);
    pos_ += n;
    dst += n;
    len -= n;
  }
  return true;
}

bool RdbIn::Length(uint64_t* len, bool* encoded) {
  if (encoded != nullptr) *encoded = false;
  uint8_t b = 0;
  if (!Byte(&b)) return false;
  switch (b >> 6) {
    case kLen6Bit:
      *len = b & 0x3f;
      return true;
    case kLen14Bit: {
      uint8_t lo = 0;
      if (!Byte(&lo)) return false;
      *len = (static_cast<uint64_t>(b & 0x3f) << 8) | lo;
      return true;
    }
    case kLenEncoded:
      if (encoded == nullptr) return Fail("expected a length, found a string encoding");
      *encoded = true;
      *len = b & 0x3f;
      return true;
    default:
      if (b == kLen32Bit) {
        uint32_t be;
        if (!Raw(&be, 4)) return false;
        *len = __builtin_bswap32(be);
        return true;
      }
      if (b == kLen64Bit) {
        uint64_t be;
        if (!Raw(&be, 8)) return false;
        *len = __builtin_bswap64(be);
        return true;
      }
      return Fail("unknown length encoding byte " + std::to_string(b));
  }
}

bool RdbIn::LengthAtMost(uint64_t max, uint64_t* len, const char* what) {
  if (!Length(len)) return false;
  if (*len > max) {
    return Fail(std::string(what) + " of " + std::to_string(*len) + " is more than the " +
                std::to_string(max) + " the data can hold");
  }
  return true;
}

bool RdbIn::ReadLzf(std::string* out) {
  uint64_t clen, len;
  if (!Length(&clen) || !Length(&len)) return false;
  if (clen > remaining()) {
    return Fail("LZF string of " + std::to_string(clen) + " compressed bytes, " +
                std::to_string(remaining()) + " remain");
  }
  if (len == 0 || clen == 0 || len > clen * kMaxLzfRatio || len > UINT32_MAX) {
    return Fail("LZF string claims " + std::to_string(len) + " bytes from " + std::to_string(clen));
  }
  std::string packed(clen, '\0');
  if (!Raw(packed.data(), clen)) return false;
  out->resize(len);
  unsigned int got = lzf_decompress(packed.data(), static_cast<unsigned int>(clen), out->data(),
                                    static_cast<unsigned int>(len));
  if (got != len) return Fail("LZF string does not decompress to its stated " + std::to_string(len) + " bytes");
  return true;
}

bool RdbIn::String(std::string* out) {
  bool encoded;
  uint64_t len = 0;
  if (!Length(&len, &encoded)) return false;
  if (encoded) {
    switch (len) {
      case kEncInt8: {
        int8_t v;
        if (!Raw(&v, 1)) return false;
        *out = std::to_string(v);
        return true;
      }
      case kEncInt16: {
        int16_t v;
        if (!Raw(&v, 2)) return false;
        *out = std::to_string(v);
        return true;
      }
      case kEncInt32: {
        int32_t v;
        if (!Raw(&v, 4)) return false;
        *out = std::to_string(v);
        return true;
      }
      case kEncLzf:
        return ReadLzf(out);
      default:
        return Fail("unknown string encoding " + std::to_string(len));
    }
  }
  if (len > remaining()) {
    return Fail("expected a string of " + std::to_string(len) + " bytes, " +
                std::to_string(remaining()) + " remain");
  }
  out->resize(len);
  return Raw(out->data(), len);
}

bool RdbIn::BinaryDouble(double* v) { return Raw(v, 8); }

bool RdbIn::TextDouble(double* v) {
  uint8_t len = 0;
  if (!Byte(&len)) return false;
  switch (len) {
    case 255: *v = -HUGE_VAL; return true;
    case 254: *v = HUGE_VAL; return true;
    case 253: *v = std::nan(""); return true;
    default: break;
  }
  char buf[256];
  if (!Raw(buf, len)) return false;
  buf[len] = '\0';
  char* end = nullptr;
  *v = std::strtod(buf, &end);
  if (end != buf + len) return Fail("expected a decimal double");
  return true;
}

bool RdbIn::Millis(int64_t* ms) { return Raw(ms, 8); }
bool RdbIn::U32LE(uint32_t* v) { return Raw(v, 4); }
bool RdbIn::U64LE(uint64_t* v) { return Raw(v, 8); }

}  // namespace memkeydb::rdb
