// Snapshots: the keyspace as it was at one moment, handed key by key to a consumer that turns it
// into an RDB file, an AOF base file or a full-sync payload.
//
// Two ways to take one (docs/persistence.md, "Snapshots"):
//   fork    a child process walks its copy-on-write image of the databases (DRAM and KMEM DAX
//           far memory: the kernel copies pages the parent writes after the fork);
//   inline  the server itself walks the databases in time slices while it keeps serving, and
//           emits a key before any change to it (a write, an expiry, an eviction) — for the
//           file-backed far tier, whose MAP_SHARED pages a fork would share with the parent.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ds/entry.h"
#include "store/database.h"

namespace memkeydb {

// Receives a snapshot. Returning false stops it (an I/O error); the producer then reports the
// snapshot as failed.
class SnapshotConsumer {
 public:
  virtual ~SnapshotConsumer() = default;
  // Once per non-empty database before any of its keys: its size at the snapshot moment (for
  // RDB's RESIZEDB hint).
  virtual bool DbSize(int db, uint64_t keys, uint64_t expires) { return true; }
  // Every key present at the snapshot moment, exactly once, as it was then. A fork snapshot
  // gives databases one after another; an inline one may interleave keys of several databases.
  virtual bool Key(int db, const Entry& e) = 0;
};

// Walks every database in order and gives each key to `consumer` (the fork child's loop, and
// SAVE's). Returns false if the consumer stopped it.
bool EmitAllKeys(const std::vector<Database*>& dbs, SnapshotConsumer* consumer);

// An inline snapshot (see above). Only one exists at a time; while it does, every change to the
// keyspace must first call the Before* hooks, which the server does for commands (from their
// keys, before the handler runs) and the databases do for expiry, eviction and deletion.
class InlineSnapshot {
 public:
  // The snapshot moment is now. The consumer must outlive the snapshot.
  InlineSnapshot(std::vector<Database*> dbs, SnapshotConsumer* consumer);
  ~InlineSnapshot();
  InlineSnapshot(const InlineSnapshot&) = delete;
  InlineSnapshot& operator=(const InlineSnapshot&) = delete;

  // Emits keys until `deadline_us` (monotonic) passes or every key is out. True when done.
  bool Step(int64_t deadline_us);
  bool done() const;
  // The consumer refused a key: the snapshot is abandoned.
  bool failed() const;

  // Emits `key` of `db` now if it is part of the snapshot and not yet emitted.
  void BeforeKeyChange(int db, std::string_view key);
  // Emits every key of `db` not yet emitted (FLUSHDB, FLUSHALL, SWAPDB, DEBUG RELOAD).
  void BeforeDbChange(int db);

  // The live snapshot, or nullptr.
  static InlineSnapshot* current();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace memkeydb
