#include "ds/chained_table.h"

#include <xxhash.h>

#include "common/clock.h"

namespace memkeydb {
namespace {
uint64_t g_seed = 0;
bool g_seeded = false;

uint64_t Seed() {
  if (!g_seeded) {
    g_seed = static_cast<uint64_t>(MonotonicUs()) * 0x9E3779B97F4A7C15ull ^
             reinterpret_cast<uintptr_t>(&g_seed);
    g_seeded = true;
  }
  return g_seed;
}
}  // namespace

uint64_t TableHash(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), Seed());
}

void SetTableHashSeedForTesting(uint64_t seed) {
  g_seed = seed;
  g_seeded = true;
}

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

}  // namespace memkeydb
