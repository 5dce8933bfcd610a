#include "persistence/rdb_legacy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "ds/quicklist.h"
#include "persistence/rdb_format.h"
#include "types/hash_object.h"
#include "types/list_object.h"
#include "types/zset_object.h"

// The blobs of the older encodings, read here and nowhere else (nothing writes them any more).
//
// Ziplist (all integers little endian unless said otherwise):
//   ziplist  := zlbytes:u32 zltail:u32 zllen:u16 entry* 0xFF
//               zlbytes is the blob's size, zltail the offset of the last entry (10 when
//               empty), zllen the entry count (65535: too many to record)
//   entry    := prevlen encoding data
//   prevlen  := u8 (< 254) | 0xFE u32        the previous entry's size (0 for the first); the
//                                            long form may hold a small value
//   encoding := 00llllll                     string, 6-bit length
//             | 01llllll llllllll            string, 14-bit length (big endian)
//             | 10xxxxxx u32(big endian)     string, 32-bit length
//             | 0xC0 i16 | 0xD0 i32 | 0xE0 i64 | 0xF0 i24 | 0xFE i8
//             | 0xF1..0xFD                   the integer (encoding & 0x0F) - 1, no data
//
// Zipmap:
//   zipmap   := zmlen:u8 (field value)* 0xFF     zmlen is the pair count when below 254
//   field    := len bytes
//   value    := len free:u8 bytes <free unused bytes>
//   len      := u8 (< 254) | (0xFE or 0xFF) u32  (0xFF where a field would start ends the map)
//
// Every length is checked against the bytes that remain before anything is read, and every
// pointer stays inside the blob; a blob that breaks a rule is refused, never trusted.
namespace memkeydb::rdb {

namespace {

constexpr size_t kZlHeader = 10;
constexpr uint8_t kZlEnd = 0xFF;
constexpr uint8_t kZlBigPrevlen = 0xFE;
constexpr uint16_t kZlUnknownCount = 65535;

bool Bad(std::string* why, const char* what) {
  *why = what;
  return false;
}

uint32_t Le32(const uint8_t* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// Reads every entry of a ziplist into *out (integers as their decimal text). False, with *why,
// if the blob breaks any rule of the grammar above.
bool ParseZiplist(std::string_view blob, std::vector<std::string>* out, std::string* why) {
  const auto* zl = reinterpret_cast<const uint8_t*>(blob.data());
  const size_t size = blob.size();
  if (size < kZlHeader + 1) return Bad(why, "ziplist shorter than its header");
  if (Le32(zl) != size) return Bad(why, "ziplist size does not match its header");
  if (zl[size - 1] != kZlEnd) return Bad(why, "ziplist does not end with 0xFF");
  const uint32_t tail = Le32(zl + 4);
  const uint16_t count = static_cast<uint16_t>(zl[8] | (zl[9] << 8));
  const size_t end = size - 1;  // offset of the end marker
  size_t pos = kZlHeader, last = kZlHeader, prev_size = 0, entries = 0;
  while (pos < end) {
    size_t p = pos;
    size_t prevlen;
    if (zl[p] == kZlEnd) return Bad(why, "ziplist end marker before its end");
    if (zl[p] == kZlBigPrevlen) {
      if (end - p < 5) return Bad(why, "ziplist prevlen runs past the end");
      prevlen = Le32(zl + p + 1);
      p += 5;
    } else {
      prevlen = zl[p];
      p += 1;
    }
    if (prevlen != prev_size) return Bad(why, "ziplist prevlen does not match the previous entry");
    if (p >= end) return Bad(why, "ziplist entry without an encoding");
    const uint8_t enc = zl[p];
    size_t head, len = 0;
    int int_bytes = -1;  // -1: a string; 0: an immediate
    switch (enc >> 6) {
      case 0:
        head = 1;
        len = enc & 0x3F;
        break;
      case 1:
        head = 2;
        if (end - p < 2) return Bad(why, "ziplist string length runs past the end");
        len = (size_t{enc & 0x3Fu} << 8) | zl[p + 1];
        break;
      case 2:
        head = 5;
        if (end - p < 5) return Bad(why, "ziplist string length runs past the end");
        len = (size_t{zl[p + 1]} << 24) | (size_t{zl[p + 2]} << 16) | (size_t{zl[p + 3]} << 8) |
              zl[p + 4];
        break;
      default:
        head = 1;
        if (enc == 0xC0) {
          int_bytes = 2;
        } else if (enc == 0xD0) {
          int_bytes = 4;
        } else if (enc == 0xE0) {
          int_bytes = 8;
        } else if (enc == 0xF0) {
          int_bytes = 3;
        } else if (enc == 0xFE) {
          int_bytes = 1;
        } else if (enc >= 0xF1 && enc <= 0xFD) {
          int_bytes = 0;
        } else {
          return Bad(why, "ziplist entry with an unknown encoding");
        }
        len = static_cast<size_t>(int_bytes);
    }
    if (end - p < head || end - p - head < len) {
      return Bad(why, "ziplist entry runs past the end");
    }
    const uint8_t* data = zl + p + head;
    if (int_bytes < 0) {
      out->emplace_back(reinterpret_cast<const char*>(data), len);
    } else if (int_bytes == 0) {
      out->push_back(std::to_string((enc & 0x0F) - 1));
    } else {
      uint64_t u = 0;
      for (int i = 0; i < int_bytes; ++i) u |= uint64_t{data[i]} << (8 * i);
      const unsigned shift = 64 - 8 * static_cast<unsigned>(int_bytes);
      const int64_t v = static_cast<int64_t>(u << shift) >> shift;  // sign-extend
      out->push_back(std::to_string(v));
    }
    last = pos;
    prev_size = p + head + len - pos;
    pos = p + head + len;
    ++entries;
  }
  if (tail != last) return Bad(why, "ziplist tail offset does not point at the last entry");
  if (count != kZlUnknownCount && count != entries) {
    return Bad(why, "ziplist entry count does not match its header");
  }
  return true;
}

// Reads a zipmap into *out as field, value, field, value, ... False, with *why, if the blob
// breaks the grammar above, is empty, or its count disagrees.
bool ParseZipmap(std::string_view blob, std::vector<std::string>* out, std::string* why) {
  const auto* zm = reinterpret_cast<const uint8_t*>(blob.data());
  const size_t size = blob.size();
  if (size < 2 || zm[size - 1] != 0xFF) return Bad(why, "zipmap does not end with 0xFF");
  const size_t end = size - 1;
  size_t p = 1, pairs = 0;
  // A length at p: one byte below 254, else a marker byte and four bytes.
  auto read_len = [&](size_t* len) {
    if (p >= end) return false;
    if (zm[p] < 254) {
      *len = zm[p];
      p += 1;
      return true;
    }
    if (end - p < 5) return false;
    *len = Le32(zm + p + 1);
    p += 5;
    return true;
  };
  while (p < end && zm[p] != 0xFF) {
    size_t flen, vlen;
    if (!read_len(&flen) || end - p < flen) return Bad(why, "zipmap field runs past the end");
    out->emplace_back(reinterpret_cast<const char*>(zm + p), flen);
    p += flen;
    if (!read_len(&vlen) || p >= end) return Bad(why, "zipmap value runs past the end");
    size_t free = zm[p++];
    if (end - p < vlen || end - p - vlen < free) {
      return Bad(why, "zipmap value runs past the end");
    }
    out->emplace_back(reinterpret_cast<const char*>(zm + p), vlen);
    p += vlen + free;
    ++pairs;
  }
  if (p != end) return Bad(why, "zipmap end marker before its end");
  if (pairs == 0) return Bad(why, "empty zipmap");
  if (zm[0] != 254 && zm[0] != pairs) return Bad(why, "zipmap count does not match its pairs");
  return true;
}

// Builds a hash of field/value pairs as HSET would. False on a repeated field.
bool BuildHash(RdbIn& in, const std::vector<std::string>& fv, CompactValue* out) {
  if (fv.empty()) return in.FailEmpty("empty hash");
  if (fv.size() % 2) return in.Fail("hash with a field but no value");
  HashObject::RegisterOps();
  HashObject h = HashObject::CreateIn(out);
  for (size_t i = 0; i < fv.size(); i += 2) {
    if (!h.Set(fv[i], fv[i + 1])) return in.Fail("hash with a repeated field");
  }
  return true;
}

// A score from its ziplist text the way Redis reads it (strtod of at most 127 characters);
// NaN is refused.
bool ParseScore(const std::string& s, double* score) {
  std::string prefix = s.substr(0, 127);
  *score = std::strtod(prefix.c_str(), nullptr);
  return !std::isnan(*score);
}

bool BuildZset(RdbIn& in, const std::vector<std::string>& ms, CompactValue* out) {
  if (ms.empty()) return in.FailEmpty("empty sorted set");
  if (ms.size() % 2) return in.Fail("sorted set with a member but no score");
  size_t longest = 0;
  for (size_t i = 0; i < ms.size(); i += 2) longest = std::max(longest, ms[i].size());
  RegisterZSetObjectOps();
  ZSetObject* z = ZSetObject::Create(ms.size() / 2, longest);
  out->SetObject(ValueType::kZSet, z);
  for (size_t i = 0; i < ms.size(); i += 2) {
    double score;
    if (!ParseScore(ms[i + 1], &score)) return in.Fail("sorted set score is not a number");
    if (z->Score(ms[i])) return in.Fail("sorted set with a repeated member");
    z->InsertNew(ms[i], score);
  }
  return true;
}

Quicklist* AttachList(CompactValue* out) {
  RegisterListObjectOps();
  Quicklist* q = NewList();
  out->SetObject(ValueType::kList, q);
  return q;
}

bool ReadBlob(RdbIn& in, uint8_t type, std::vector<std::string>* elems) {
  std::string blob, why;
  if (!in.String(&blob)) return false;
  bool ok = type == kTypeHashZipmap ? ParseZipmap(blob, elems, &why)
                                    : ParseZiplist(blob, elems, &why);
  return ok || in.Fail(why);
}

bool ReadInto(RdbIn& in, uint8_t type, CompactValue* out) {
  switch (type) {
    case kTypeList: {
      uint64_t n;
      if (!in.LengthAtMost(in.remaining(), &n, "list length")) return false;
      if (n == 0) return in.FailEmpty("empty list");
      Quicklist* q = AttachList(out);
      std::string e;
      for (uint64_t i = 0; i < n; ++i) {
        if (!in.String(&e)) return false;
        q->Push(Quicklist::End::kTail, e);
      }
      return true;
    }
    case kTypeListQuicklist: {
      uint64_t nodes;
      if (!in.LengthAtMost(in.remaining(), &nodes, "quicklist node count")) return false;
      Quicklist* q = AttachList(out);
      std::vector<std::string> elems;
      for (uint64_t i = 0; i < nodes; ++i) {
        elems.clear();
        // An empty node is skipped, as Redis does.
        if (!ReadBlob(in, type, &elems)) return false;
        for (const std::string& e : elems) q->Push(Quicklist::End::kTail, e);
      }
      return !q->empty() || in.FailEmpty("empty list");
    }
    case kTypeListZiplist: {
      std::vector<std::string> elems;
      if (!ReadBlob(in, type, &elems)) return false;
      if (elems.empty()) return in.FailEmpty("empty list");
      Quicklist* q = AttachList(out);
      for (const std::string& e : elems) q->Push(Quicklist::End::kTail, e);
      return true;
    }
    case kTypeHashZipmap:
    case kTypeHashZiplist: {
      std::vector<std::string> fv;
      return ReadBlob(in, type, &fv) && BuildHash(in, fv, out);
    }
    case kTypeZsetZiplist: {
      std::vector<std::string> ms;
      return ReadBlob(in, type, &ms) && BuildZset(in, ms, out);
    }
    default:
      return in.Fail("RDB type " + std::to_string(type) + " is not a legacy type");
  }
}

}  // namespace

bool IsLegacyType(uint8_t type) {
  return type == kTypeList || type == kTypeHashZipmap || type == kTypeListZiplist ||
         type == kTypeZsetZiplist || type == kTypeHashZiplist || type == kTypeListQuicklist;
}

bool ReadLegacy(RdbIn& in, uint8_t type, CompactValue* out) {
  if (ReadInto(in, type, out)) return true;
  out->Reset();
  return false;
}

}  // namespace memkeydb::rdb
