#include "persistence/crc64.h"

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little, "words are read with plain loads");

namespace memkeydb {
namespace {

// The polynomial with its bits reversed, as a right-shifting (reflected) CRC uses it.
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

struct Tables {
  uint64_t t[8][256];
  Tables() {
    for (int b = 0; b < 256; ++b) {
      uint64_t c = static_cast<uint64_t>(b);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
      t[0][b] = c;
    }
    // t[k][b]: the CRC of byte b followed by k zero bytes.
    for (int b = 0; b < 256; ++b) {
      for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  const Tables& tb = GetTables();
  const auto* p = static_cast<const unsigned char*>(data);
  while (len >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);  // little-endian host (x86-64, aarch64): byte 0 is the low byte
    w ^= crc;
    crc = tb.t[7][w & 0xff] ^ tb.t[6][(w >> 8) & 0xff] ^ tb.t[5][(w >> 16) & 0xff] ^
          tb.t[4][(w >> 24) & 0xff] ^ tb.t[3][(w >> 32) & 0xff] ^ tb.t[2][(w >> 40) & 0xff] ^
          tb.t[1][(w >> 48) & 0xff] ^ tb.t[0][w >> 56];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) crc = tb.t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace memkeydb
