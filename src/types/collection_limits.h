// CollectionLimits: the thresholds at which a collection leaves its compact encoding, set by
// Redis's option names (hash-max-listpack-entries, ...). The server copies them here whenever
// the configuration changes; the types read them on every write that may convert.
//
// Conversions go one way, as in Redis: a collection that has outgrown its compact encoding
// keeps the large one even if it shrinks again.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memkeydb {

struct CollectionLimits {
  size_t hash_max_listpack_entries = 512;
  size_t hash_max_listpack_value = 64;
  size_t set_max_intset_entries = 512;
  size_t set_max_listpack_entries = 128;
  size_t set_max_listpack_value = 64;
  size_t zset_max_listpack_entries = 128;
  size_t zset_max_listpack_value = 64;
  // Positive: entries per list node; -1..-5: node size limit of 4, 8, 16, 32 or 64 KiB.
  int64_t list_max_listpack_size = -2;
  // Nodes at each end of a list left uncompressed; 0 compresses nothing.
  int64_t list_compress_depth = 0;
  // Bytes per stream node and entries per stream node (0: no limit on that axis).
  size_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
};

// The process-wide limits (main thread only).
CollectionLimits& Limits();

}  // namespace memkeydb
