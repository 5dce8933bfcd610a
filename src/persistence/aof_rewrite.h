// AofCommandWriter: a snapshot consumer that writes an AOF base file in command form (what
// `aof-use-rdb-preamble no` produces, and Redis 7.0's rewrite output):
//   SELECT db                                      once per database with keys
//   SET key value
//   RPUSH key e1 .. e64   SADD key m1 .. m64        collections in batches of 64 elements
//   ZADD key s1 m1 .. s64 m64   HMSET key f1 v1 .. f64 v64
//   XADD key id f v ..  (or XADD key MAXLEN 0 0-1 x y for an empty stream)
//   XSETID key last-id ENTRIESADDED n MAXDELETEDID id
//   XGROUP CREATE key group last-id ENTRIESREAD n
//   XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n JUSTID FORCE    each pending entry
//   XGROUP CREATECONSUMER key group consumer                            consumers without any
//   PEXPIREAT key ms                               keys with a TTL
//
// Uses ordinary memory only and no server state: a forked child runs it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/snapshot.h"

namespace memkeydb::aof {

class AofCommandWriter : public SnapshotConsumer {
 public:
  // Writes to `fd` (not owned). With `incremental_fsync`, fsyncs every 4 MiB written
  // (aof-rewrite-incremental-fsync) so the final fsync does not stall on a huge dirty cache.
  AofCommandWriter(int fd, bool incremental_fsync);

  bool Key(int db, const Entry& e) override;
  // Writes what is buffered and fsyncs. False on an I/O error (errno says which).
  bool Finish();

  uint64_t keys_written() const { return keys_; }
  uint64_t bytes_written() const { return written_; }

  // The commands for one key (tests use this directly).
  static void AppendKey(std::string* out, const Entry& e);

 private:
  bool FlushIfLarge();
  bool Flush();

  int fd_;
  bool incremental_fsync_;
  int current_db_ = -1;
  std::string buf_;
  uint64_t keys_ = 0;
  uint64_t written_ = 0;
  uint64_t unsynced_ = 0;
};


}  // namespace memkeydb::aof
