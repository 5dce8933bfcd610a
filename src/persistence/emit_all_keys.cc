// EmitAllKeys: the fork child's (and SAVE's) walk over the databases, in order.
#include "persistence/snapshot.h"

namespace memkeydb {

bool EmitAllKeys(const std::vector<Database*>& dbs, SnapshotConsumer* consumer) {
  for (Database* db : dbs) {
    if (db->size() == 0) continue;
    if (!consumer->DbSize(db->index(), db->size(), db->expires())) return false;
    bool ok = true;
    // The table walk cannot be cut short: after a refusal the remaining keys are skipped.
    db->table().ForEach([&](Entry* e) {
      if (ok) ok = consumer->Key(db->index(), *e);
    });
    if (!ok) return false;
  }
  return true;
}

}  // namespace memkeydb
