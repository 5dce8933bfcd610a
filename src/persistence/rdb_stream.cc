#include "persistence/rdb_stream.h"

#include <string>
#include <string_view>

#include "persistence/rdb_format.h"
#include "types/stream_object.h"

// Grammar of the stream types (lengths in RDB length form, strings in RDB string form):
//
//   stream     := node-count node* length last-ms last-seq [v2] group-count group*
//   node       := string(16-byte master ID: ms, seq, big endian) string(node listpack)
//   v2         := first-ms first-seq max-deleted-ms max-deleted-seq entries-added  (types 19, 21)
//   group      := string(name) last-ms last-seq [entries-read (19, 21)]
//                 pel-count pending* consumer-count consumer*
//   pending    := raw(16-byte ID) delivery-ms(8 bytes LE) delivery-count
//   consumer   := string(name) seen-ms(8 bytes LE) [active-ms(8 bytes LE) (21)]
//                 pel-count raw(16-byte ID)*
//
// Every consumer's pending ID must be one of its group's pending entries, and every group
// pending entry must belong to exactly one consumer.
namespace memkeydb::rdb {

namespace {

constexpr size_t kRawIdSize = 16;

void EncodeRawId(StreamID id, char* out) {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(id.ms >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
  }
}

StreamID DecodeRawId(const char* in) {
  StreamID id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(in[i]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(in[8 + i]);
  }
  return id;
}

void WriteRawId(RdbOut& out, StreamID id) {
  char raw[kRawIdSize];
  EncodeRawId(id, raw);
  out.Raw(raw, kRawIdSize);
}

bool ReadRawId(RdbIn& in, StreamID* id) {
  char raw[kRawIdSize];
  if (!in.Raw(raw, kRawIdSize)) return false;
  *id = DecodeRawId(raw);
  return true;
}

bool ReadId(RdbIn& in, StreamID* id) { return in.Length(&id->ms) && in.Length(&id->seq); }

void WriteId(RdbOut& out, StreamID id) {
  out.Length(id.ms);
  out.Length(id.seq);
}

// Each element of a count takes at least one byte; a count larger than what remains is a lie.
bool ReadCount(RdbIn& in, uint64_t* n, const char* what) {
  return in.LengthAtMost(in.remaining(), n, what);
}

bool ReadGroups(RdbIn& in, uint8_t type, StreamObject* s) {
  uint64_t groups;
  if (!ReadCount(in, &groups, "stream consumer group count")) return false;
  for (uint64_t gi = 0; gi < groups; ++gi) {
    std::string name;
    StreamID last;
    if (!in.String(&name) || !ReadId(in, &last)) return false;
    int64_t entries_read;
    if (type == kTypeStreamListpacks) {
      entries_read = s->EstimateEntriesRead(last);
    } else {
      uint64_t raw;
      if (!in.Length(&raw)) return false;
      entries_read = static_cast<int64_t>(raw);  // -1 (unknown) is written as 2^64-1
    }
    StreamGroup* g = s->CreateGroup(name, last, entries_read);
    if (g == nullptr) return in.Fail("duplicate stream consumer group '" + name + "'");
    uint64_t pending;
    if (!ReadCount(in, &pending, "stream group PEL size")) return false;
    for (uint64_t i = 0; i < pending; ++i) {
      StreamID id;
      int64_t delivery_time;
      uint64_t delivery_count;
      if (!ReadRawId(in, &id) || !in.Millis(&delivery_time) || !in.Length(&delivery_count)) {
        return false;
      }
      if (!g->pel.emplace(id, StreamPending{delivery_time, delivery_count, nullptr}).second) {
        return in.Fail("duplicate entry " + id.ToString() + " in a group PEL");
      }
    }
    uint64_t consumers;
    if (!ReadCount(in, &consumers, "stream consumer count")) return false;
    for (uint64_t ci = 0; ci < consumers; ++ci) {
      std::string cname;
      if (!in.String(&cname)) return false;
      int64_t seen_time, active_time;
      if (!in.Millis(&seen_time)) return false;
      // 7.2's active time has no counterpart here: the seen time answers for both.
      if (type == kTypeStreamListpacks3 && !in.Millis(&active_time)) return false;
      StreamConsumer* c = s->CreateConsumer(g, cname, seen_time);
      if (c == nullptr) return in.Fail("duplicate stream consumer '" + cname + "'");
      uint64_t owned;
      if (!ReadCount(in, &owned, "stream consumer PEL size")) return false;
      for (uint64_t i = 0; i < owned; ++i) {
        StreamID id;
        if (!ReadRawId(in, &id)) return false;
        auto it = g->pel.find(id);
        if (it == g->pel.end()) {
          return in.Fail("consumer entry " + id.ToString() + " not found in the group PEL");
        }
        if (it->second.consumer != nullptr) {
          return in.Fail("pending entry " + id.ToString() + " owned by two consumers");
        }
        it->second.consumer = c;
        c->pel.insert(id);
      }
    }
    for (const auto& [id, pe] : g->pel) {
      if (pe.consumer == nullptr) {
        return in.Fail("group PEL entry " + id.ToString() + " has no consumer");
      }
    }
  }
  return true;
}

bool ReadStreamInto(RdbIn& in, uint8_t type, StreamObject* s) {
  uint64_t nodes;
  if (!ReadCount(in, &nodes, "stream node count")) return false;
  std::string key, blob, why;
  for (uint64_t i = 0; i < nodes; ++i) {
    if (!in.String(&key)) return false;
    if (key.size() != kRawIdSize) return in.Fail("stream node key is not a 16-byte stream ID");
    if (!in.String(&blob)) return false;
    StreamID master = DecodeRawId(key.data());
    if (!s->AdoptNode(master, blob, &why)) return in.Fail(why);
  }
  uint64_t length;
  if (!in.Length(&length)) return false;
  if (length != s->length()) {
    return in.Fail("stream length " + std::to_string(length) + " does not match its " +
                   std::to_string(s->length()) + " entries");
  }
  if (!ReadId(in, &s->last_id)) return false;
  StreamID last_live;
  if (s->LastLiveId(&last_live) && s->last_id < last_live) {
    return in.Fail("stream last ID " + s->last_id.ToString() + " is below its last entry");
  }
  if (type == kTypeStreamListpacks) {
    // Before 7.0 none of this was recorded: derive it as Redis does (an empty stream's first
    // ID then reads as the largest ID, as in Redis).
    StreamID first;
    s->first_id = s->FirstId(&first) ? first : StreamID::Max();
    s->max_deleted_id = StreamID{};
    s->entries_added = s->length();
  } else if (!ReadId(in, &s->first_id) || !ReadId(in, &s->max_deleted_id) ||
             !in.Length(&s->entries_added)) {
    return false;
  }
  return ReadGroups(in, type, s);
}

}  // namespace

void WriteStream(RdbOut& out, const CompactValue& v) {
  const auto* s = static_cast<const StreamObject*>(v.object());
  out.Length(s->node_count());
  s->ForEachNode([&](StreamID master, std::string_view blob) {
    char raw[kRawIdSize];
    EncodeRawId(master, raw);
    out.String(std::string_view(raw, kRawIdSize));
    out.String(blob);
  });
  out.Length(s->length());
  WriteId(out, s->last_id);
  WriteId(out, s->first_id);
  WriteId(out, s->max_deleted_id);
  out.Length(s->entries_added);
  out.Length(s->group_count());
  s->ForEachGroup([&](std::string_view name, const StreamGroup& g) {
    out.String(name);
    WriteId(out, g.last_id);
    out.Length(static_cast<uint64_t>(g.entries_read));
    out.Length(g.pel.size());
    for (const auto& [id, pe] : g.pel) {
      WriteRawId(out, id);
      out.Millis(pe.delivery_time);
      out.Length(pe.delivery_count);
    }
    out.Length(g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      out.String(std::string_view(cname.data(), cname.size()));
      out.Millis(c.seen_time);
      out.Length(c.pel.size());
      for (StreamID id : c.pel) WriteRawId(out, id);
    }
  });
}

bool ReadStream(RdbIn& in, uint8_t type, CompactValue* out) {
  RegisterStreamObjectOps();
  StreamObject* s = StreamObject::New();
  if (!ReadStreamInto(in, type, s)) {
    StreamObject::Destroy(s);
    return false;
  }
  out->SetObject(ValueType::kStream, s);
  return true;
}

}  // namespace memkeydb::rdb
