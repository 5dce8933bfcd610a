// Test support for rdb_legacy_test and rdb_stream_test: the golden payloads of
// rdb_golden.inc (made by make_legacy_payloads.py against redis-server 7.0) and a flat,
// comparable description of a value in the same form the script records what the server read.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ds/compact_value.h"
#include "ds/quicklist.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_value.h"
#include "types/hash_object.h"
#include "types/stream_object.h"
#include "types/zset_object.h"

namespace memkeydb::rdb::testing {

struct Golden {
  const char* name;
  const char* payload_hex;
  const char* contents_hex;  // what redis-server read, or "error,<reply>": hex items, ','-joined
};

inline const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> kGoldens = {
#include "persistence/testdata/rdb_golden.inc"
  };
  return kGoldens;
}

inline std::string FromHex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

inline std::vector<std::string> Decoded(const Golden& g) {
  std::vector<std::string> out;
  std::string_view rest = g.contents_hex;
  for (;;) {
    size_t comma = rest.find(',');
    out.push_back(FromHex(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

inline std::string FormatScore(double d) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

inline void FlattenStream(const StreamObject& s, std::vector<std::string>* out) {
  auto add = [&](std::string x) { out->push_back(std::move(x)); };
  add("stream");
  add("length");
  add(std::to_string(s.length()));
  add("last-id");
  add(s.last_id.ToString());
  add("max-deleted");
  add(s.max_deleted_id.ToString());
  add("entries-added");
  add(std::to_string(s.entries_added));
  add("first-id");
  add(s.first_id.ToString());
  s.Range(StreamID::Min(), StreamID::Max(), false,
          [&](StreamID id, const std::vector<std::string>& fv) {
            add("entry");
            add(id.ToString());
            add(std::to_string(fv.size()));
            for (const std::string& x : fv) add(x);
            return true;
          });
  s.ForEachGroup([&](std::string_view name, const StreamGroup& g) {
    add("group");
    add(std::string(name));
    add(g.last_id.ToString());
    add(g.entries_read == -1 ? "nil" : std::to_string(g.entries_read));
    for (const auto& [id, pe] : g.pel) {
      add("pending");
      add(id.ToString());
      add(std::string(pe.consumer->name->data(), pe.consumer->name->size()));
      add(std::to_string(pe.delivery_time));
      add(std::to_string(pe.delivery_count));
    }
    for (const auto& [cname, c] : g.consumers) {
      add("consumer");
      add(std::string(cname.data(), cname.size()));
      add(std::to_string(c.seen_time));
      for (StreamID id : c.pel) {
        add("owns");
        add(id.ToString());
      }
    }
  });
}

// The value as make_legacy_payloads.py records what redis-server read.
inline std::vector<std::string> Flatten(CompactValue* v) {
  std::vector<std::string> out;
  switch (v->type()) {
    case ValueType::kList: {
      out = {"list", "quicklist"};
      const auto* q = static_cast<const Quicklist*>(v->object());
      if (!q->empty()) {
        q->Walk(0, false, [&](std::string_view e, size_t) {
          out.emplace_back(e);
          return true;
        });
      }
      break;
    }
    case ValueType::kHash: {
      HashObject h(v);
      out = {"hash", h.encoding_name()};
      std::vector<std::pair<std::string, std::string>> pairs;
      h.ForEach([&](std::string_view f, std::string_view val) {
        pairs.emplace_back(std::string(f), std::string(val));
      });
      std::sort(pairs.begin(), pairs.end());
      for (auto& [f, val] : pairs) {
        out.push_back(f);
        out.push_back(val);
      }
      break;
    }
    case ValueType::kZSet: {
      const auto* z = static_cast<const ZSetObject*>(v->object());
      out = {"zset", z->EncodingName()};
      z->ForRange(0, z->size(), false, [&](std::string_view m, double score) {
        out.emplace_back(m);
        out.push_back(FormatScore(score));
        return true;
      });
      break;
    }
    case ValueType::kStream:
      FlattenStream(*static_cast<const StreamObject*>(v->object()), &out);
      break;
    default:
      out = {"unexpected type"};
  }
  return out;
}

// Reads g's payload into *v. Where redis-server refused it, checks that memkeydb refuses it with
// the same error and returns false; otherwise returns whether it was read (a failure if not).
inline bool ReadAsRedisDid(const Golden& g, CompactValue* v) {
  std::vector<std::string> expected = Decoded(g);
  std::string error;
  bool ok = ReadDumpPayload(FromHex(g.payload_hex), v, &error);
  if (expected[0] == "error") {
    EXPECT_FALSE(ok);
    EXPECT_EQ(error, "ERR " + expected[1]);
    EXPECT_TRUE(v->empty());
    return false;
  }
  EXPECT_TRUE(ok) << error;
  return ok;
}

// Mutations for the corruption fuzzers: flips, overwrites, inserts, deletes and truncation of
// the value bytes (before the footer); the caller re-seals the footer's CRC most of the time so
// the reader, not the checksum, has to catch the damage.
template <typename Rng>
std::string Mutate(std::string body, Rng& rng) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !body.empty(); ++i) {
    size_t at = rng() % body.size();
    switch (rng() % 6) {
      case 0:
        body[at] = static_cast<char>(body[at] ^ (1u << (rng() % 8)));
        break;
      case 1:
        body[at] = static_cast<char>(rng());
        break;
      case 2:
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng()));
        break;
      case 3:
        body.erase(at, 1 + rng() % 8);
        break;
      case 4:
        body.resize(at);
        break;
      default: {
        // Small integers where lengths and counts live.
        static const char kValues[] = {0, 1, 2, 0x3f, 0x40, 0x7f, static_cast<char>(0x80),
                                       static_cast<char>(0xfe), static_cast<char>(0xff)};
        body[at] = kValues[rng() % sizeof(kValues)];
      }
    }
  }
  return body;
}

// A DUMP payload's footer (RDB version, CRC-64) for a value body.
inline std::string Seal(const std::string& body, uint16_t version) {
  std::string out = body;
  out.append(reinterpret_cast<const char*>(&version), 2);
  uint64_t crc = Crc64(0, out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&crc), 8);
  return out;
}

// A mutated copy of a valid DUMP payload: the body damaged by Mutate, re-sealed with a good
// checksum seven times in eight, otherwise left with the original (now wrong) footer.
template <typename Rng>
std::string MutatedPayload(const std::string& base, Rng& rng) {
  uint16_t version;
  std::memcpy(&version, base.data() + base.size() - kDumpFooter, 2);
  std::string body = Mutate(base.substr(0, base.size() - kDumpFooter), rng);
  return rng() % 8 ? Seal(body, version) : body + base.substr(base.size() - kDumpFooter);
}

}  // namespace memkeydb::rdb::testing
