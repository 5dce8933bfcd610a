// What a forked snapshot child (BGSAVE, BGREWRITEAOF) tells its parent about itself.
#pragma once

#include <cstdint>

namespace memkeydb {

// Bytes of this process's pages that it no longer shares with its parent: what copy-on-write
// cost a child (INFO rdb_last_cow_size, aof_last_cow_size). Read from /proc/self/smaps_rollup;
// 0 if that cannot be read.
uint64_t PrivateDirtyBytes();

}  // namespace memkeydb
