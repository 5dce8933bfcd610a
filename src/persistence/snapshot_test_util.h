// Test helpers for snapshots: a canonical text for a key's value and TTL, and a consumer that
// records what a snapshot hands it. Header-only; used by persistence and server tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ds/entry.h"
#include "ds/quicklist.h"
#include "persistence/snapshot.h"
#include "types/hash_object.h"
#include "types/set_object.h"
#include "types/stream_object.h"
#include "types/zset_object.h"

namespace memkeydb::snapshot_test {

// Type, TTL and contents, with unordered collections sorted: two entries render the same iff a
// client could not tell them apart.
inline std::string Render(const Entry& e) {
  const CompactValue& v = e.value;
  std::string out = TypeName(v.type());
  out += " ttl=" + std::to_string(e.expire_at()) + " ";
  std::vector<std::string> parts;
  switch (v.type()) {
    case ValueType::kString: {
      char scratch[CompactValue::kIntBufSize];
      out += v.StringView(scratch);
      return out;
    }
    case ValueType::kHash:
      HashObject(const_cast<CompactValue*>(&v)).ForEach([&](std::string_view f, std::string_view x) {
        parts.push_back(std::string(f) + "=" + std::string(x));
      });
      std::sort(parts.begin(), parts.end());
      break;
    case ValueType::kSet:
      static_cast<const SetObject*>(v.object())->ForEach([&](std::string_view m) {
        parts.emplace_back(m);
      });
      std::sort(parts.begin(), parts.end());
      break;
    case ValueType::kZSet: {
      const auto* z = static_cast<const ZSetObject*>(v.object());
      if (z->size() > 0) {
        z->ForRange(0, z->size() - 1, false, [&](std::string_view m, double s) {
          char buf[64];
          snprintf(buf, sizeof(buf), "%.17g", s);
          parts.push_back(std::string(m) + "@" + buf);
          return true;
        });
      }
      break;
    }
    case ValueType::kList: {
      const auto* l = static_cast<const Quicklist*>(v.object());
      if (!l->empty()) {
        l->Walk(0, false, [&](std::string_view x, size_t) {
          parts.emplace_back(x);
          return true;
        });
      }
      break;
    }
    case ValueType::kStream: {
      const auto* s = static_cast<const StreamObject*>(v.object());
      parts.push_back("last=" + s->last_id.ToString());
      parts.push_back("groups=" + std::to_string(s->group_count()));
      s->Range(StreamID::Min(), StreamID::Max(), false,
               [&](StreamID id, const std::vector<std::string>& fv) {
                 std::string item = id.ToString();
                 for (const std::string& x : fv) item += ":" + x;
                 parts.push_back(std::move(item));
                 return true;
               });
      break;
    }
    case ValueType::kNone:
      break;
  }
  for (const std::string& p : parts) out += p + ",";
  return out;
}

// Records each key a snapshot emits, rendered at the moment of emission. Fails the test on a
// key emitted twice or a key of a database before its DbSize.
class RecordingConsumer : public SnapshotConsumer {
 public:
  bool DbSize(int db, uint64_t keys, uint64_t expires) override {
    EXPECT_EQ(sizes.count(db), 0u) << "DbSize twice for db " << db;
    sizes[db] = {keys, expires};
    return true;
  }
  bool Key(int db, const Entry& e) override {
    EXPECT_EQ(sizes.count(db), 1u) << "key before DbSize in db " << db;
    auto [it, fresh] = keys[db].emplace(std::string(e.key()), Render(e));
    EXPECT_TRUE(fresh) << "emitted twice: db " << db << " key " << e.key();
    ++count;
    if (refuse_after >= 0 && count > refuse_after) return false;
    return true;
  }

  std::map<int, std::pair<uint64_t, uint64_t>> sizes;
  std::map<int, std::map<std::string, std::string>> keys;  // db -> key -> rendering
  int64_t count = 0;
  int64_t refuse_after = -1;  // >= 0: refuse the key after this many
};

// Every key of `db` rendered now.
inline std::map<std::string, std::string> RenderDb(Database& db) {
  std::map<std::string, std::string> out;
  db.table().ForEach([&](Entry* e) { out[std::string(e->key())] = Render(*e); });
  return out;
}

// The snapshot of every database holds exactly the keys, with the renderings, of the start.
inline void ExpectSameKeys(const std::vector<std::map<std::string, std::string>>& expected,
                           const RecordingConsumer& consumer) {
  for (size_t i = 0; i < expected.size(); ++i) {
    int db = static_cast<int>(i);
    auto found = consumer.keys.find(db);
    static const std::map<std::string, std::string> kNone;
    const auto& got = found == consumer.keys.end() ? kNone : found->second;
    EXPECT_EQ(got.size(), expected[i].size()) << "db " << db;
    for (const auto& [k, v] : expected[i]) {
      auto it = got.find(k);
      if (it == got.end()) {
        ADD_FAILURE() << "missing: db " << db << " key " << k;
      } else {
        EXPECT_EQ(it->second, v) << "db " << db << " key " << k;
      }
    }
    for (const auto& [k, v] : got) {
      if (!expected[i].count(k)) ADD_FAILURE() << "not at the start: db " << db << " key " << k;
    }
  }
}

}  // namespace memkeydb::snapshot_test
