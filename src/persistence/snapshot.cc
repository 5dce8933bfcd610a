// InlineSnapshot (snapshot.h). EmitAllKeys, the fork child's loop, lives with the RDB writer.
#include "persistence/snapshot.h"

#include "common/clock.h"
#include "common/logging.h"

namespace memkeydb {

struct InlineSnapshot::State : public ChangeObserver {
  struct DbWalk {
    uint64_t cursor = 0;
    bool done = false;
    // The size at the snapshot moment, owed to the consumer before the first key.
    uint64_t keys = 0, expires = 0;
    bool size_given = false;
  };

  std::vector<Database*> dbs;
  SnapshotConsumer* consumer;
  std::vector<DbWalk> walks;
  size_t next_db = 0;  // the database Step() walks
  bool failed = false;
  uint64_t emitted = 0;

  // Hands *e to the consumer unless it is already out (or was not part of the snapshot), and
  // marks it. After a failure only marks.
  void Emit(int db, Entry* e) {
    uint32_t parity = dbs[db]->snapshot_parity();
    if (e->snapshot_bit() == parity) return;
    e->set_snapshot_bit(parity);
    if (failed) return;
    DbWalk& w = walks[db];
    if (!w.size_given) {
      w.size_given = true;
      if (!consumer->DbSize(db, w.keys, w.expires)) {
        failed = true;
        return;
      }
    }
    if (!consumer->Key(db, *e)) {
      failed = true;
      return;
    }
    ++emitted;
  }

  // Emits what remains of one database at once; its walk is then over.
  void FinishDb(int db) {
    DbWalk& w = walks[db];
    if (w.done) return;
    dbs[db]->table().ForEach([&](Entry* e) { Emit(db, e); });
    w.done = true;
  }

  bool AllDone() {
    while (next_db < walks.size() && walks[next_db].done) ++next_db;
    return next_db == walks.size();
  }

  void BeforeEntryChange(int db, Entry* e) override {
    if (static_cast<size_t>(db) < walks.size() && !walks[db].done) Emit(db, e);
  }
  void BeforeDbChange(int db) override {
    if (static_cast<size_t>(db) < walks.size()) FinishDb(db);
  }
};

InlineSnapshot::InlineSnapshot(std::vector<Database*> dbs, SnapshotConsumer* consumer)
    : s_(std::make_unique<State>()) {
  CHECK(live_ == nullptr && Database::change_observer() == nullptr);
  s_->dbs = std::move(dbs);
  s_->consumer = consumer;
  s_->walks.resize(s_->dbs.size());
  for (size_t i = 0; i < s_->dbs.size(); ++i) {
    Database* db = s_->dbs[i];
    DCHECK(db->index() == static_cast<int>(i));
    // The previous snapshot left every entry at the old parity: now none is emitted.
    db->flip_snapshot_parity();
    State::DbWalk& w = s_->walks[i];
    w.keys = db->size();
    w.expires = db->expires();
    w.done = w.keys == 0;
  }
  if (s_->AllDone()) return;
  live_ = this;
  Database::set_change_observer(s_.get());
}

InlineSnapshot::~InlineSnapshot() {
  if (done()) return;
  s_->failed = true;  // nothing more reaches the consumer
  for (size_t i = 0; i < s_->walks.size(); ++i) s_->FinishDb(static_cast<int>(i));
  Step(0);  // unhooks
}

bool InlineSnapshot::Step(int64_t deadline_us) {
  State& s = *s_;
  while (!s.AllDone()) {
    size_t db = s.next_db;
    State::DbWalk& w = s.walks[db];
    HashTable& table = s.dbs[db]->table();
    do {
      w.cursor = table.Scan(w.cursor, [&](Entry* e) { s.Emit(static_cast<int>(db), e); });
      if (w.cursor == 0) {
        w.done = true;
        break;
      }
    } while (MonotonicUs() < deadline_us);
    if (!w.done) return false;
  }
  if (live_ == this) {
    live_ = nullptr;
    Database::set_change_observer(nullptr);
  }
  return true;
}

bool InlineSnapshot::done() const {
  return live_ != this;
}

bool InlineSnapshot::failed() const { return s_->failed; }

uint64_t InlineSnapshot::keys_emitted() const { return s_->emitted; }

void InlineSnapshot::BeforeKeyChange(int db, std::string_view key) {
  State& s = *s_;
  if (static_cast<size_t>(db) >= s.walks.size() || s.walks[db].done) return;
  Entry* e = s.dbs[db]->FindRaw(key);
  if (e != nullptr) s.Emit(db, e);
}

void InlineSnapshot::BeforeDbChange(int db) { s_->BeforeDbChange(db); }

}  // namespace memkeydb
