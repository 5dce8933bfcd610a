// Whole RDB files: RdbFileWriter turns a snapshot (snapshot.h) into the bytes of an RDB file,
// and LoadRdb reads one back into databases. Both work over a plain file descriptor (or any
// RdbOut sink / RdbIn source), so SAVE, BGSAVE's child, the inline snapshot, the AOF's RDB
// preamble and full syncs all share them.
//
// A file, as written (Redis 7.0's layout):
//   "REDIS0010"
//   AUX redis-ver "7.0.15" · AUX redis-bits 64 · AUX ctime <s> · AUX used-mem <bytes>
//   [AUX repl-stream-db <n> · AUX repl-id <40 hex> · AUX repl-offset <n>]   (replication only)
//   AUX aof-base 0|1
//   per database entered:  SELECTDB <n> [RESIZEDB <keys> <expires>]   (RESIZEDB once per db)
//   per key:                [EXPIRETIME_MS <8 LE>] [IDLE <len> | FREQ <byte>] <type> <key> <value>
//   EOF  <CRC-64 of everything before, 8 LE; 0 when rdbchecksum is off>
//
// The loader accepts RDB versions 1..11 and every opcode Redis 7.0 writes; it refuses module
// data and non-empty function libraries (memkeydb has neither) with a message saying so.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/rdb_io.h"
#include "persistence/snapshot.h"
#include "persistence/snapshot_file.h"

namespace memkeydb::rdb {

// The redis-ver aux field we write: the Redis release memkeydb is compatible with, so tools
// that check it (redis-check-rdb, older loaders) accept the file.
inline constexpr const char* kCompatRedisVersion = "7.0.15";

// What the writer puts in the aux fields.
struct RdbAux {
  int64_t ctime_s = 0;
  int64_t used_mem = 0;
  // Replication: written only when repl_id is set.
  int repl_stream_db = 0;
  std::string repl_id;
  int64_t repl_offset = 0;
  bool aof_base = false;
};

struct RdbWriterOptions {
  bool compress = true;  // rdbcompression
  bool checksum = true;  // rdbchecksum
  // Access clocks (maxmemory-policy LRU or LFU): when set, each key gets an IDLE (seconds) or a
  // FREQ (counter) record computed from its 24-bit clock.
  std::function<uint64_t(uint32_t clock)> idle_seconds;
  std::function<uint8_t(uint32_t clock)> lfu_counter;
};

// Writes an RDB file from a snapshot. Call Begin(), give it the snapshot, then Finish().
// Uses ordinary memory only (a fork child may run it).
class RdbFileWriter : public SnapshotConsumer {
 public:
  RdbFileWriter(RdbOut::Sink sink, RdbWriterOptions options);
  // A sink that writes every chunk in full to `fd` (retrying EINTR and short writes).
  static RdbOut::Sink FdSink(int fd);

  // The magic and the aux fields.
  bool Begin(const RdbAux& aux);
  bool DbSize(int db, uint64_t keys, uint64_t expires) override;
  bool Key(int db, const Entry& e) override;
  // EOF and the checksum, then everything is flushed to the sink.
  bool Finish();

  uint64_t keys_written() const { return keys_; }
  uint64_t bytes_written() const { return out_.bytes_written(); }
  bool failed() const { return out_.failed(); }

 private:
  void Select(int db);

  RdbOut out_;
  RdbWriterOptions options_;
  int current_db_ = -1;
  std::vector<bool> sized_;  // databases whose RESIZEDB is out
  uint64_t keys_ = 0;
};

// What loading needs to know and whom to tell.
struct RdbLoadOptions {
  int64_t now_ms = 0;
  // A primary drops keys whose TTL has passed; a replica keeps them (its primary expires them).
  bool skip_expired = true;
  // DEBUG RELOAD MERGE: a key already present is replaced instead of refusing the file.
  bool allow_duplicates = false;
  // Called after each key is added (the tier controller's loading step).
  std::function<void()> on_key;
  // Called at least every `progress_bytes` of input with the offset reached.
  std::function<void(uint64_t offset)> on_progress;
  uint64_t progress_bytes = 1 << 20;
  // An IDLE or FREQ record for the next key: turns it into the entry's clock, or nullptr to
  // ignore them (the policy is neither LRU nor LFU).
  std::function<uint32_t(uint64_t idle_s)> clock_from_idle;
  std::function<uint32_t(uint8_t freq)> clock_from_freq;
};

struct RdbLoadResult {
  int version = 0;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  // Keys whose collection had no elements: Redis skips them in a file (and logs the first
  // few), where RESTORE refuses the same value.
  uint64_t empty_keys_skipped = 0;
  // Replication aux fields, if the file had them (repl_offset -1 otherwise).
  std::string repl_id;
  int64_t repl_offset = -1;
  int repl_stream_db = -1;
  bool aof_base = false;
  // The used-mem aux field (0 if absent); set as soon as it is read.
  int64_t used_mem = 0;
  // On failure: the whole error, "<kind>: at offset N: what was expected".
  std::string error;
};

// Reads one RDB file from `in` into `dbs` (index = database number). Keys are added to what is
// there; a key already present is an error unless allow_duplicates. On failure some keys may
// have been added: load into fresh databases and swap them in on success to keep the old data.
// Stops after EOF and the checksum; bytes after it are left unread (the AOF preamble case).
bool LoadRdb(RdbIn& in, const std::vector<Database*>& dbs, const RdbLoadOptions& options,
             RdbLoadResult* result);

// An RDB file as a SnapshotFile (persistence/snapshot_file.h): the header with `aux`, the
// keys, EOF and the checksum, written to `fd` (not owned).
std::unique_ptr<SnapshotFile> MakeRdbSnapshotFile(int fd, RdbWriterOptions options, RdbAux aux);

}  // namespace memkeydb::rdb
