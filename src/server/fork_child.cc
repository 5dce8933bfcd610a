#include "server/fork_child.h"

#include <cstdio>

namespace memkeydb {

uint64_t PrivateDirtyBytes() {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kb = 0;
  while (fgets(line, sizeof(line), f) != nullptr) {
    unsigned long long v;
    if (sscanf(line, "Private_Dirty: %llu kB", &v) == 1) kb += v;
  }
  fclose(f);
  return kb * 1024;
}

}  // namespace memkeydb
