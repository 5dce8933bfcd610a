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
#include <string_view>
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

// An inline snapshot (see above; the design is in docs/persistence.md, "Snapshots").
//
// How it keeps its promise — every key present at the snapshot moment, exactly once, as it was
// then:
//  * Each database walks with its table's SCAN cursor, which visits every entry present for the
//    whole walk at least once, through incremental rehashing and resizes.
//  * One bit per entry (Entry::kSnapshotBit) against a parity per database: an entry whose bit
//    equals the parity has been emitted, or was not part of the snapshot. Starting flips every
//    database's parity, so no entry matches; entries added or attached later get the new parity
//    (Database::Add/Attach), Entry::Reshape carries the bit; emitting sets it. Duplicates from
//    the cursor are skipped by the bit.
//  * Nothing present at the start changes before it is emitted: Server::Call emits the keys of
//    every command that may write before the handler runs (BeforeKeyChange), and the databases
//    call the ChangeObserver this installs before expiry, eviction, deletion and detaching
//    (one entry) or before emptying or swapping (BeforeDbChange: the rest of that database).
//    So a key is emitted as it is now, which is as it was at the start; the consumer serializes
//    it synchronously and no copy is kept.
//
// Only one exists at a time. REQUIRES: main thread; the databases outlive the snapshot and are
// not replaced while it lives (loading swaps contents instead).
class InlineSnapshot {
 public:
  // The snapshot moment is now: records each database's size (given to the consumer's DbSize
  // before that database's first key) and installs the hooks. The consumer must outlive the
  // snapshot. REQUIRES: no other inline snapshot is live.
  InlineSnapshot(std::vector<Database*> dbs, SnapshotConsumer* consumer);
  // Abandoning a snapshot before done() finishes the walk here, marking without emitting, so
  // the next snapshot starts from uniform bits: O(keys left). Calling Step() until done() after
  // a failure does the same in slices.
  ~InlineSnapshot();
  InlineSnapshot(const InlineSnapshot&) = delete;
  InlineSnapshot& operator=(const InlineSnapshot&) = delete;

  // Emits keys until `deadline_us` (monotonic) passes or every key is out. True when done.
  // Always makes some progress, even past the deadline. After a failure it keeps walking,
  // marking entries without handing them to the consumer.
  bool Step(int64_t deadline_us);
  bool done() const;
  // The consumer refused a key: the snapshot is abandoned.
  bool failed() const;
  // Keys handed to the consumer so far.
  uint64_t keys_emitted() const;

  // Emits `key` of `db` now if it is part of the snapshot and not yet emitted.
  void BeforeKeyChange(int db, std::string_view key);
  // Emits every key of `db` not yet emitted (FLUSHDB, FLUSHALL, SWAPDB, DEBUG RELOAD; the
  // databases call it themselves from Clear, ClearAsync and SwapContents).
  void BeforeDbChange(int db);

  // The live snapshot (started and not yet done), or nullptr. Inline: the write path's check.
  static InlineSnapshot* current() { return live_; }

 private:
  struct State;
  std::unique_ptr<State> s_;
  static inline InlineSnapshot* live_ = nullptr;
};

}  // namespace memkeydb
