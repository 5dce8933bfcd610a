// Size classes: four per power of two, spaced linearly inside each octave (4, 5, 6, 7, 8, 10,
// 12, 14, 16, 20, ... bytes), like jemalloc's. The placement boundary and the ratio controller
// work in classes, so one step of the controller is the same relative change at 40 B and 40 KB.
// Integer arithmetic only: SizeClass() runs on every user-data allocation in ratio mode.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace memkeydb {

inline constexpr int kClassesPerOctave = 4;

// Class of a size: 4 * floor(log2(size)) plus the two bits below the leading one. Sizes 0..3
// map to 0..3 (every class is at least its own size's floor).
constexpr int SizeClass(size_t size) {
  if (size < 4) return static_cast<int>(size);
  int msb = std::bit_width(size) - 1;
  return kClassesPerOctave * msb + static_cast<int>((size >> (msb - 2)) & 3);
}

// The smallest size in class `c` (the inverse of SizeClass on class starts). Saturates at
// SIZE_MAX for classes beyond 64-bit sizes.
constexpr size_t ClassStart(int c) {
  if (c < 4) return c < 0 ? 0 : static_cast<size_t>(c);
  int msb = c / kClassesPerOctave;
  if (msb >= 63) return SIZE_MAX;
  return static_cast<size_t>(4 + c % kClassesPerOctave) << (msb - 2);
}

static_assert(SizeClass(4) == 8 && SizeClass(5) == 9 && SizeClass(7) == 11 && SizeClass(8) == 12);
static_assert(SizeClass(100) == 26 && ClassStart(26) == 96 && ClassStart(27) == 112);
static_assert(ClassStart(SizeClass(64)) == 64 && ClassStart(SizeClass(65)) == 64);

}  // namespace memkeydb
