#include "persistence/aof_rewrite.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>

#include "ds/quicklist.h"
#include "persistence/aof.h"
#include "types/hash_object.h"
#include "types/list_object.h"
#include "types/set_object.h"
#include "types/stream_object.h"
#include "types/zset_object.h"

namespace memkeydb::aof {
namespace {

// Redis's AOF_REWRITE_ITEMS_PER_CMD: elements per command when a collection is split.
constexpr size_t kItemsPerCommand = 64;
constexpr size_t kFlushBytes = 64 * 1024;
constexpr uint64_t kAutosyncBytes = 4 * 1024 * 1024;

// Builds commands of the form <verb> <key> <items...>, starting a new command every
// kItemsPerCommand items (an item is one or two arguments).
class BatchedCommand {
 public:
  BatchedCommand(std::string* out, std::string_view verb, std::string_view key, size_t total,
                 size_t args_per_item)
      : out_(out), verb_(verb), key_(key), left_(total), per_item_(args_per_item) {}

  void Item(std::string_view a, std::string_view b = {}) {
    if (in_batch_ == 0) {
      size_t items = std::min(left_, kItemsPerCommand);
      *out_ += "*" + std::to_string(2 + items * per_item_) + "\r\n";
      Bulk(verb_);
      Bulk(key_);
    }
    Bulk(a);
    if (per_item_ == 2) Bulk(b);
    --left_;
    if (++in_batch_ == kItemsPerCommand) in_batch_ = 0;
  }

 private:
  void Bulk(std::string_view s) {
    *out_ += "$" + std::to_string(s.size()) + "\r\n";
    out_->append(s.data(), s.size());
    *out_ += "\r\n";
  }
  std::string* out_;
  std::string_view verb_, key_;
  size_t left_;
  size_t per_item_;
  size_t in_batch_ = 0;
};

void AppendStream(std::string* out, std::string_view key, const StreamObject& s) {
  if (s.length() > 0) {
    std::vector<std::string_view> argv;
    std::string id_text;
    s.Range(StreamID::Min(), StreamID::Max(), false,
            [&](StreamID id, const std::vector<std::string>& fv) {
              id_text = id.ToString();
              argv.assign({"XADD", key, id_text});
              for (const std::string& x : fv) argv.push_back(x);
              AppendCommand(out, argv);
              return true;
            });
  } else {
    // An empty stream still exists: create it with an entry that MAXLEN 0 drops at once
    // (ID 0-1, the smallest XADD takes; XSETID then restores the real last ID).
    AppendCommand(out, {"XADD", key, "MAXLEN", "0", "0-1", "x", "y"});
  }
  AppendCommand(out, {"XSETID", key, s.last_id.ToString(), "ENTRIESADDED",
                      std::to_string(s.entries_added), "MAXDELETEDID",
                      s.max_deleted_id.ToString()});
  s.ForEachGroup([&](std::string_view name, const StreamGroup& g) {
    AppendCommand(out, {"XGROUP", "CREATE", key, name, g.last_id.ToString(), "ENTRIESREAD",
                        std::to_string(g.entries_read)});
    for (const auto& [cname, consumer] : g.consumers) {
      std::string_view consumer_name(cname.data(), cname.size());
      if (consumer.pel.empty()) {
        AppendCommand(out, {"XGROUP", "CREATECONSUMER", key, name, consumer_name});
        continue;
      }
      for (const StreamID& id : consumer.pel) {
        auto it = g.pel.find(id);
        if (it == g.pel.end()) continue;
        AppendCommand(out, {"XCLAIM", key, name, consumer_name, "0", id.ToString(), "TIME",
                            std::to_string(it->second.delivery_time), "RETRYCOUNT",
                            std::to_string(it->second.delivery_count), "JUSTID", "FORCE"});
      }
    }
  });
}

}  // namespace

AofCommandWriter::AofCommandWriter(int fd, bool incremental_fsync)
    : fd_(fd), incremental_fsync_(incremental_fsync) {}

void AofCommandWriter::AppendKey(std::string* out, const Entry& e) {
  std::string_view key = e.key();
  const CompactValue& v = e.value;
  switch (v.type()) {
    case ValueType::kString: {
      char scratch[CompactValue::kIntBufSize];
      AppendCommand(out, {"SET", key, v.StringView(scratch)});
      break;
    }
    case ValueType::kList: {
      const auto* l = static_cast<const Quicklist*>(v.object());
      BatchedCommand cmd(out, "RPUSH", key, l->size(), 1);
      l->Walk(0, false, [&](std::string_view elem, size_t) {
        cmd.Item(elem);
        return true;
      });
      break;
    }
    case ValueType::kSet: {
      const auto* s = static_cast<const SetObject*>(v.object());
      BatchedCommand cmd(out, "SADD", key, s->size(), 1);
      s->ForEach([&](std::string_view m) { cmd.Item(m); });
      break;
    }
    case ValueType::kZSet: {
      const auto* z = static_cast<const ZSetObject*>(v.object());
      BatchedCommand cmd(out, "ZADD", key, z->size(), 2);
      char buf[64];
      z->ForRange(0, z->size(), false, [&](std::string_view member, double score) {
        // A skiplist keeps -0 (a listpack stores it as 0): the rewrite keeps its sign, as
        // Redis's does with %.17g.
        size_t n = score == 0 && std::signbit(score)
                       ? static_cast<size_t>(std::snprintf(buf, sizeof(buf), "-0"))
                       : ScoreToString(score, buf, sizeof(buf));
        cmd.Item(std::string_view(buf, n), member);
        return true;
      });
      break;
    }
    case ValueType::kHash: {
      // HashObject is a view over the value slot; reading through it changes nothing.
      HashObject h(const_cast<CompactValue*>(&v));
      BatchedCommand cmd(out, "HMSET", key, h.size(), 2);
      h.ForEach([&](std::string_view f, std::string_view val) { cmd.Item(f, val); });
      break;
    }
    case ValueType::kStream:
      AppendStream(out, key, *static_cast<const StreamObject*>(v.object()));
      break;
    case ValueType::kNone:
      return;
  }
  if (e.has_expire()) AppendCommand(out, {"PEXPIREAT", key, std::to_string(e.expire_at())});
}

bool AofCommandWriter::Key(int db, const Entry& e) {
  if (db != current_db_) {
    AppendCommand(&buf_, {"SELECT", std::to_string(db)});
    current_db_ = db;
  }
  AppendKey(&buf_, e);
  ++keys_;
  return FlushIfLarge();
}

bool AofCommandWriter::FlushIfLarge() { return buf_.size() < kFlushBytes || Flush(); }

bool AofCommandWriter::Flush() {
  std::string_view data = buf_;
  while (!data.empty()) {
    ssize_t n = write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
    unsynced_ += static_cast<uint64_t>(n);
  }
  buf_.clear();
  if (incremental_fsync_ && unsynced_ >= kAutosyncBytes) {
    if (fdatasync(fd_) != 0) return false;
    unsynced_ = 0;
  }
  return true;
}

bool AofCommandWriter::Finish() { return Flush() && fsync(fd_) == 0; }

}  // namespace memkeydb::aof
