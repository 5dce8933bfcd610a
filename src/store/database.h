// Database: one numbered keyspace — the hash table of entries plus the list of entries that
// carry a TTL, with lazy expiry on lookup and an adaptive active-expiry cycle.
//
// The expiring list is dense (a vector of Entry*); each expiring entry stores its index in it,
// so adding, removing and sampling a random expiring key are all O(1).
//
// Keys that expire or are deleted are reported to the KeyEvents listener (WATCH, keyspace
// notifications, replication). REQUIRES: main thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ds/entry.h"
#include "ds/hash_table.h"
#include "memory/memory_tiers.h"

namespace memkeydb {

// Receives keyspace events from every database.
class KeyEvents {
 public:
  virtual ~KeyEvents() = default;
  // The key's value changed or the key was removed (WATCH invalidation).
  virtual void KeyTouched(int db, std::string_view key) = 0;
  // The key was removed because its TTL passed (lazily or by the active cycle).
  virtual void KeyExpired(int db, std::string_view key) = 0;
};

// Told before an entry leaves its database or changes wholesale outside a command's own keys
// (expiry, eviction, deletion, detaching), and before a whole database is emptied or swapped:
// the inline snapshot (persistence/snapshot.h) emits what it still owes first. At most one is
// installed; when none is, each hook costs one predictable branch.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // *e (of database `db`) is about to be destroyed or detached; it may already be unlinked.
  virtual void BeforeEntryChange(int db, Entry* e) = 0;
  virtual void BeforeDbChange(int db) = 0;
};

class Database {
 public:
  explicit Database(int index) : index_(index) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int index() const { return index_; }
  void set_events(KeyEvents* events) { events_ = events; }

  // The live entry for `key`, or nullptr. An entry whose TTL has passed is deleted first
  // (unless expiry is suspended, e.g. on a replica or while loading), and reported expired.
  Entry* Find(std::string_view key, int64_t now_ms);
  // The entry regardless of its TTL.
  Entry* FindRaw(std::string_view key) { return table_.Find(key); }
  // Creates an entry with an empty value. REQUIRES: key absent (call Find first).
  Entry* Add(std::string_view key);
  // Removes the key; true if it existed. Does not report (the caller does: it knows why).
  bool Delete(std::string_view key);
  // Unlinks the key without destroying it (RENAME, MOVE); the caller owns the entry.
  Entry* Detach(std::string_view key);
  // Links an entry detached from here or another database (or a new one). REQUIRES: key absent.
  // The entry takes this database's snapshot parity: a key linked now is never part of a
  // snapshot already under way.
  void Attach(Entry* e);

  // Sets or clears the absolute expiry of *e (which may be reallocated; *e is updated).
  void SetExpire(Entry** e, int64_t at_ms);
  void ClearExpire(Entry** e);
  bool IsExpired(const Entry* e, int64_t now_ms) const {
    return e->has_expire() && e->expire_slot()->at_ms <= now_ms;
  }

  size_t size() const { return table_.size(); }
  size_t expires() const { return expiring_.size(); }
  // A uniformly random key with a TTL (eviction sampling); nullptr if none.
  Entry* RandomExpiring();
  // A random key (eviction sampling); nullptr if the database is empty.
  Entry* RandomEntry();
  int64_t avg_ttl_ms() const { return avg_ttl_ms_; }
  HashTable& table() { return table_; }

  // Removes every key. Returns the number removed.
  size_t Clear();
  // Removes every key at once and destroys them on the background thread (FLUSHALL ASYNC):
  // O(1) here however large the database. Returns the number removed.
  size_t ClearAsync();
  // Swaps contents (and snapshot parities) with another database (SWAPDB, loading into fresh
  // databases); listeners are told by the caller.
  void SwapContents(Database* other);

  // The inline snapshot's parity for this database: kSnapshotBit or 0. New and attached entries
  // get it; a snapshot flips it when it starts (persistence/snapshot.h).
  uint32_t snapshot_parity() const { return snapshot_parity_; }
  void flip_snapshot_parity() { snapshot_parity_ ^= Entry::kSnapshotBit; }
  // Installs the observer told before changes (nullptr: none).
  static void set_change_observer(ChangeObserver* o) { change_observer_ = o; }
  static ChangeObserver* change_observer() { return change_observer_; }

  // One pass of active expiry: samples expiring keys and deletes the expired ones, repeating
  // while more than `stale_percent` of a sample was expired, until `deadline_us` (monotonic).
  // Returns the number of keys expired; *out_of_time tells whether the deadline, not the
  // stale ratio, ended the pass (more expired keys are likely waiting).
  size_t ActiveExpire(int64_t now_ms, int64_t deadline_us, int keys_per_loop, int stale_percent,
                      bool* out_of_time = nullptr);

  // The access clock new and touched entries get (LRU seconds, 24 bits); the server's cron
  // refreshes it, so reading it costs nothing on the hot path.
  static uint32_t access_clock() { return access_clock_; }
  static void set_access_clock(uint32_t c) { access_clock_ = c & Entry::kClockMask; }

  // What a key whose TTL has passed is (a process-wide switch):
  //   kDelete  deleted when met and by active expiry (a primary);
  //   kKeep    live (loading, and a replica applying its primary's stream: the primary
  //            decides when a key expires and sends its DEL);
  //   kHide    absent to lookups but kept (a replica serving its own clients).
  enum class ExpiryMode : uint8_t { kDelete, kKeep, kHide };
  static void set_expiry_mode(ExpiryMode m) { expiry_mode_ = m; }
  static ExpiryMode expiry_mode() { return expiry_mode_; }
  static void set_expiry_suspended(bool v) {
    expiry_mode_ = v ? ExpiryMode::kKeep : ExpiryMode::kDelete;
  }
  static bool expiry_suspended() { return expiry_mode_ != ExpiryMode::kDelete; }

 private:
  void TrackExpire(Entry* e);
  void UntrackExpire(Entry* e);
  void DestroyEntry(Entry* e);
  void ExpireNow(Entry* e);
  size_t DestroyAll();
  void BeforeEntryChange(Entry* e) {
    if (change_observer_ != nullptr) [[unlikely]] change_observer_->BeforeEntryChange(index_, e);
  }
  void BeforeDbChange() {
    if (change_observer_ != nullptr) [[unlikely]] change_observer_->BeforeDbChange(index_);
  }

  int index_;
  HashTable table_;
  std::vector<Entry*, MetadataAllocator<Entry*>> expiring_;
  KeyEvents* events_ = nullptr;
  int64_t avg_ttl_ms_ = 0;
  uint32_t snapshot_parity_ = 0;
  static ChangeObserver* change_observer_;
  static ExpiryMode expiry_mode_;
  static uint32_t access_clock_;
};

}  // namespace memkeydb
