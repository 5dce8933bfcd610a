#include "types/stream_object.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "common/logging.h"
#include "ds/compact_value.h"
#include "ds/listpack.h"
#include "types/collection_limits.h"

namespace memkeydb {

std::string StreamID::ToString() const {
  return std::to_string(ms) + "-" + std::to_string(seq);
}

bool StreamID::Incr(StreamID* out) const {
  *out = *this;
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) return false;
    out->ms++;
    out->seq = 0;
  } else {
    out->seq++;
  }
  return true;
}

bool StreamID::Decr(StreamID* out) const {
  *out = *this;
  if (seq == 0) {
    if (ms == 0) return false;
    out->ms--;
    out->seq = UINT64_MAX;
  } else {
    out->seq--;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Node codec: a listpack in Redis's byte format, reduced to what stream nodes need (append an
// element, read forward, replace an integer).
// ---------------------------------------------------------------------------------------------
namespace {

constexpr size_t kLpHeader = 6;
constexpr uint8_t kLpEnd = 0xFF;
constexpr size_t kNodeMaxBytesCap = size_t{1} << 30;

uint32_t LpBytes(const uint8_t* lp) {
  uint32_t n;
  std::memcpy(&n, lp, 4);
  return n;
}
void SetLpBytes(uint8_t* lp, uint32_t n) { std::memcpy(lp, &n, 4); }
uint16_t LpCount(const uint8_t* lp) {
  uint16_t n;
  std::memcpy(&n, lp + 4, 2);
  return n;
}
void SetLpCount(uint8_t* lp, uint16_t n) { std::memcpy(lp + 4, &n, 2); }

// A canonical int64 in decimal (no sign but '-', no leading zeros, "-0" excluded).
bool CanonicalInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] == '0') {
    if (s.size() == 1) {
      *out = 0;
      return true;
    }
    return false;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = s[i] - '0';
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

size_t BacklenSize(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// The backlen: read right to left, each byte gives 7 bits of the length, lowest first; every
// byte but the leftmost has bit 7 set.
void WriteBacklen(uint8_t* p, size_t l) {
  size_t n = BacklenSize(l);
  for (size_t i = 0; i < n; ++i) {
    uint8_t bits = static_cast<uint8_t>((l >> (7 * (n - 1 - i))) & 127);
    p[i] = bits | (i == 0 ? 0 : 128);
  }
}

// Encodes an integer element (encoding, data) into buf; returns its size without backlen.
size_t EncodeInt(int64_t v, uint8_t* buf) {
  if (v >= 0 && v <= 127) {
    buf[0] = static_cast<uint8_t>(v);
    return 1;
  }
  if (v >= -4096 && v <= 4095) {
    uint16_t u = static_cast<uint16_t>(v < 0 ? (1 << 13) + v : v);
    buf[0] = static_cast<uint8_t>(0xC0 | (u >> 8));
    buf[1] = static_cast<uint8_t>(u & 0xFF);
    return 2;
  }
  auto put = [&](uint8_t tag, int bytes) {
    buf[0] = tag;
    uint64_t u = static_cast<uint64_t>(v);
    for (int i = 0; i < bytes; ++i) buf[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    return static_cast<size_t>(1 + bytes);
  };
  if (v >= INT16_MIN && v <= INT16_MAX) return put(0xF1, 2);
  if (v >= -8388608 && v <= 8388607) return put(0xF2, 3);
  if (v >= INT32_MIN && v <= INT32_MAX) return put(0xF3, 4);
  return put(0xF4, 8);
}

// Size of the string header for a string of length n.
size_t StringHeader(size_t n) { return n < 64 ? 1 : n < 4096 ? 2 : 5; }

// Total bytes (encoding, data, backlen) of an element holding `s`.
size_t ElementSize(std::string_view s) {
  int64_t v;
  size_t l;
  if (CanonicalInt(s, &v)) {
    uint8_t buf[9];
    l = EncodeInt(v, buf);
  } else {
    l = StringHeader(s.size()) + s.size();
  }
  return l + BacklenSize(l);
}

size_t IntElementSize(int64_t v) {
  uint8_t buf[9];
  size_t l = EncodeInt(v, buf);
  return l + BacklenSize(l);
}

// Writes the element for `s` at p (which has ElementSize(s) bytes).
void WriteElement(uint8_t* p, std::string_view s) {
  int64_t v;
  size_t l;
  if (CanonicalInt(s, &v)) {
    l = EncodeInt(v, p);
  } else {
    size_t n = s.size();
    if (n < 64) {
      p[0] = static_cast<uint8_t>(0x80 | n);
      l = 1;
    } else if (n < 4096) {
      p[0] = static_cast<uint8_t>(0xE0 | (n >> 8));
      p[1] = static_cast<uint8_t>(n & 0xFF);
      l = 2;
    } else {
      p[0] = 0xF0;
      uint32_t n32 = static_cast<uint32_t>(n);
      std::memcpy(p + 1, &n32, 4);
      l = 5;
    }
    if (n) std::memcpy(p + l, s.data(), n);
    l += n;
  }
  WriteBacklen(p + l, l);
}

void WriteIntElement(uint8_t* p, int64_t v) {
  size_t l = EncodeInt(v, p);
  WriteBacklen(p + l, l);
}

// One element read from a node.
struct Elem {
  bool is_int = false;
  int64_t num = 0;
  const char* str = nullptr;
  size_t len = 0;
  size_t size = 0;  // bytes including backlen

  std::string Text() const { return is_int ? std::to_string(num) : std::string(str, len); }
  bool Equals(std::string_view s) const {
    if (!is_int) return s == std::string_view(str, len);
    int64_t v;
    return CanonicalInt(s, &v) && v == num;
  }
};

Elem ReadElem(const uint8_t* p) {
  Elem e;
  uint8_t b = p[0];
  size_t l;
  auto sign_extend = [](uint64_t u, int bits) {
    uint64_t m = uint64_t{1} << (bits - 1);
    return static_cast<int64_t>((u ^ m) - m);
  };
  auto read_le = [&](int bytes) {
    uint64_t u = 0;
    for (int i = 0; i < bytes; ++i) u |= uint64_t{p[1 + i]} << (8 * i);
    return u;
  };
  if ((b & 0x80) == 0) {
    e.is_int = true;
    e.num = b;
    l = 1;
  } else if ((b & 0xC0) == 0x80) {
    e.len = b & 0x3F;
    e.str = reinterpret_cast<const char*>(p + 1);
    l = 1 + e.len;
  } else if ((b & 0xE0) == 0xC0) {
    e.is_int = true;
    e.num = sign_extend((uint64_t{b & 0x1Fu} << 8) | p[1], 13);
    l = 2;
  } else if ((b & 0xF0) == 0xE0) {
    e.len = ((b & 0x0F) << 8) | p[1];
    e.str = reinterpret_cast<const char*>(p + 2);
    l = 2 + e.len;
  } else if (b == 0xF0) {
    uint32_t n;
    std::memcpy(&n, p + 1, 4);
    e.len = n;
    e.str = reinterpret_cast<const char*>(p + 5);
    l = 5 + e.len;
  } else {
    e.is_int = true;
    int bytes = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
    uint64_t u = read_le(bytes);
    e.num = bytes == 8 ? static_cast<int64_t>(u) : sign_extend(u, bytes * 8);
    l = 1 + bytes;
  }
  e.size = l + BacklenSize(l);
  return e;
}

int64_t ReadInt(const uint8_t* p) { return ReadElem(p).num; }

// Appends pre-sized elements to the node blob (reallocating it).
class NodeWriter {
 public:
  NodeWriter(uint8_t** lp, Tier* tier) : lp_(lp), tier_(tier) {}
  // Makes room for `extra` bytes before the end marker; returns where to write.
  uint8_t* Grow(size_t extra, uint16_t elems) {
    uint32_t old = LpBytes(*lp_);
    *lp_ = static_cast<uint8_t*>(
        MemoryTiers::Get().Reallocate(*lp_, old + extra, Placement::kUserData, tier_));
    uint8_t* p = *lp_ + old - 1;
    SetLpBytes(*lp_, static_cast<uint32_t>(old + extra));
    uint16_t c = LpCount(*lp_);
    if (c != 65535) SetLpCount(*lp_, c + elems >= 65535 ? 65535 : c + elems);
    (*lp_)[old + extra - 1] = kLpEnd;
    return p;
  }
  void AppendInt(int64_t v) { WriteIntElement(Grow(IntElementSize(v), 1), v); }
  void Append(std::string_view s) { WriteElement(Grow(ElementSize(s), 1), s); }

 private:
  uint8_t** lp_;
  Tier* tier_;
};

uint8_t* NewLp(Tier* tier) {
  uint8_t* lp = static_cast<uint8_t*>(
      MemoryTiers::Get().Allocate(kLpHeader + 1, Placement::kUserData, tier));
  SetLpBytes(lp, kLpHeader + 1);
  SetLpCount(lp, 0);
  lp[kLpHeader] = kLpEnd;
  return lp;
}

// Replaces the integer element at offset `off` with v, moving the tail if its size changes.
void ReplaceInt(uint8_t** lp, Tier* tier, size_t off, int64_t v) {
  size_t old_size = ReadElem(*lp + off).size;
  size_t new_size = IntElementSize(v);
  uint32_t total = LpBytes(*lp);
  if (new_size > old_size) {
    *lp = static_cast<uint8_t*>(MemoryTiers::Get().Reallocate(
        *lp, total + new_size - old_size, Placement::kUserData, tier));
    std::memmove(*lp + off + new_size, *lp + off + old_size, total - off - old_size);
  } else if (new_size < old_size) {
    std::memmove(*lp + off + new_size, *lp + off + old_size, total - off - old_size);
    *lp = static_cast<uint8_t*>(MemoryTiers::Get().Reallocate(
        *lp, total + new_size - old_size, Placement::kUserData, tier));
  }
  SetLpBytes(*lp, static_cast<uint32_t>(total + new_size - old_size));
  WriteIntElement(*lp + off, v);
}

}  // namespace

// Reads a node: its master entry and the offsets of its entries.
class StreamNodeReader {
 public:
  explicit StreamNodeReader(const uint8_t* lp, StreamID master) : lp_(lp), master_(master) {
    size_t p = kLpHeader;
    count_ = ReadInt(lp + p);
    p += ReadElem(lp + p).size;
    deleted_ = ReadInt(lp + p);
    deleted_off_ = p;
    p += ReadElem(lp + p).size;
    nfields_ = ReadInt(lp + p);
    p += ReadElem(lp + p).size;
    fields_off_ = p;
    for (int64_t i = 0; i < nfields_; ++i) p += ReadElem(lp + p).size;
    p += ReadElem(lp + p).size;  // the master entry's terminating 0
    entries_off_ = p;
  }
  int64_t count() const { return count_; }
  int64_t deleted() const { return deleted_; }
  size_t deleted_off() const { return deleted_off_; }
  int64_t nfields() const { return nfields_; }
  size_t fields_off() const { return fields_off_; }

  struct EntryInfo {
    size_t off;  // offset of the flags element
    int64_t flags;
    StreamID id;
    size_t next;  // offset of the next entry (or of the end marker)
  };
  // Decodes the entry at `off`. REQUIRES: off < end.
  EntryInfo Entry(size_t off) const {
    EntryInfo e;
    e.off = off;
    size_t p = off;
    Elem f = ReadElem(lp_ + p);
    e.flags = f.num;
    p += f.size;
    Elem ms = ReadElem(lp_ + p);
    p += ms.size;
    Elem seq = ReadElem(lp_ + p);
    p += seq.size;
    e.id.ms = master_.ms + static_cast<uint64_t>(ms.num);
    e.id.seq = master_.seq + static_cast<uint64_t>(seq.num);
    int64_t skip;
    if (e.flags & StreamObject::kFlagSameFields) {
      skip = nfields_;
    } else {
      Elem nf = ReadElem(lp_ + p);
      p += nf.size;
      skip = nf.num * 2;
    }
    for (int64_t i = 0; i < skip; ++i) p += ReadElem(lp_ + p).size;
    p += ReadElem(lp_ + p).size;  // lp-count
    e.next = p;
    return e;
  }
  size_t first() const { return entries_off_; }
  bool at_end(size_t off) const { return lp_[off] == kLpEnd; }
  // Offsets of every entry, in order.
  std::vector<size_t> Offsets() const {
    std::vector<size_t> out;
    for (size_t p = entries_off_; !at_end(p); p = Entry(p).next) out.push_back(p);
    return out;
  }
  // The field/value pairs of the entry at `off`.
  void Fields(size_t off, std::vector<std::string>* fv) const {
    fv->clear();
    size_t p = off;
    Elem f = ReadElem(lp_ + p);
    p += f.size;
    p += ReadElem(lp_ + p).size;
    p += ReadElem(lp_ + p).size;
    if (f.num & StreamObject::kFlagSameFields) {
      size_t mp = fields_off_;
      for (int64_t i = 0; i < nfields_; ++i) {
        Elem field = ReadElem(lp_ + mp);
        mp += field.size;
        Elem value = ReadElem(lp_ + p);
        p += value.size;
        fv->push_back(field.Text());
        fv->push_back(value.Text());
      }
    } else {
      Elem nf = ReadElem(lp_ + p);
      p += nf.size;
      for (int64_t i = 0; i < nf.num * 2; ++i) {
        Elem x = ReadElem(lp_ + p);
        p += x.size;
        fv->push_back(x.Text());
      }
    }
  }

 private:
  const uint8_t* lp_;
  StreamID master_;
  int64_t count_, deleted_, nfields_;
  size_t deleted_off_, fields_off_, entries_off_;
};

// ---------------------------------------------------------------------------------------------
// Checking a node from outside (RDB files, DUMP payloads)
// ---------------------------------------------------------------------------------------------
namespace {

// Reads the elements of a listpack already known to be well formed, refusing to run past its
// end marker.
class ElemWalker {
 public:
  explicit ElemWalker(const uint8_t* lp) : lp_(lp), pos_(kLpHeader) {}
  bool Next(Elem* e) {
    if (lp_[pos_] == kLpEnd) return false;
    *e = ReadElem(lp_ + pos_);
    pos_ += e->size;
    return true;
  }
  // The next element, which must be an integer within [lo, hi].
  bool NextInt(int64_t lo, int64_t hi, int64_t* v) {
    Elem e;
    if (!Next(&e) || !e.is_int || e.num < lo || e.num > hi) return false;
    *v = e.num;
    return true;
  }
  bool Skip(int64_t n) {
    Elem e;
    for (int64_t i = 0; i < n; ++i) {
      if (!Next(&e)) return false;
    }
    return true;
  }
  bool at_end() const { return lp_[pos_] == kLpEnd; }

 private:
  const uint8_t* lp_;
  size_t pos_;
};

struct NodeFacts {
  int64_t live = 0;
  StreamID last_live;  // meaningful when live > 0
};

bool Refuse(std::string* why, std::string text) {
  *why = std::move(text);
  return false;
}

// Checks a node blob element by element against the layout in the header, as Redis's deep
// sanitization does, and more: the header's live and deleted counts must match the entries'
// flags, each entry's element count must match what it holds, and its live entries must be at
// or after `master`, ascending, and after *after (if given) — what the stream's lookups rely on.
bool CheckNode(std::string_view blob, StreamID master, const StreamID* after, NodeFacts* facts,
               std::string* why) {
  const uint8_t* lp = reinterpret_cast<const uint8_t*>(blob.data());
  if (!Listpack::Validate(lp, blob.size())) return Refuse(why, "stream node is not a valid listpack");
  // No count can exceed the number of elements, nor the bytes that hold them.
  const int64_t max_count = static_cast<int64_t>(blob.size());
  ElemWalker w(lp);
  int64_t count, deleted, nfields, zero;
  if (!w.NextInt(1, max_count, &count)) return Refuse(why, "stream node: bad live entry count");
  if (!w.NextInt(0, max_count, &deleted)) return Refuse(why, "stream node: bad deleted count");
  if (!w.NextInt(1, max_count, &nfields)) return Refuse(why, "stream node: bad master field count");
  if (!w.Skip(nfields)) return Refuse(why, "stream node: master fields run past the end");
  if (!w.NextInt(0, 0, &zero)) return Refuse(why, "stream node: master entry not terminated by 0");
  int64_t live = 0, dead = 0;
  StreamID prev;
  bool have_prev = after != nullptr;
  if (have_prev) prev = *after;
  while (!w.at_end()) {
    int64_t flags, ms_delta, seq_delta, fields, lp_count;
    if (!w.NextInt(0, StreamObject::kFlagDeleted | StreamObject::kFlagSameFields, &flags) ||
        !w.NextInt(INT64_MIN, INT64_MAX, &ms_delta) ||
        !w.NextInt(INT64_MIN, INT64_MAX, &seq_delta)) {
      return Refuse(why, "stream node: bad entry header");
    }
    bool same = flags & StreamObject::kFlagSameFields;
    int64_t expected;
    if (same) {
      fields = nfields;
      if (!w.Skip(fields)) return Refuse(why, "stream node: entry values run past the end");
      expected = fields + 3;
    } else {
      if (!w.NextInt(1, max_count, &fields)) return Refuse(why, "stream node: bad entry field count");
      if (!w.Skip(2 * fields)) return Refuse(why, "stream node: entry fields run past the end");
      expected = 2 * fields + 4;
    }
    if (!w.NextInt(expected, expected, &lp_count)) {
      return Refuse(why, "stream node: entry element count does not match the entry");
    }
    if (flags & StreamObject::kFlagDeleted) {
      ++dead;
      continue;
    }
    StreamID id{master.ms + static_cast<uint64_t>(ms_delta),
                master.seq + static_cast<uint64_t>(seq_delta)};
    if (id < master) return Refuse(why, "stream node: entry " + id.ToString() + " before its node");
    if (have_prev && id <= prev) {
      return Refuse(why, "stream node: entry " + id.ToString() + " out of ID order");
    }
    prev = id;
    have_prev = true;
    ++live;
  }
  if (live != count || dead != deleted) {
    return Refuse(why, "stream node: entry counts do not match its entries");
  }
  facts->live = live;
  facts->last_live = prev;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// StreamObject
// ---------------------------------------------------------------------------------------------

std::string_view StreamObject::NodeBlob(const Node& n) {
  return {reinterpret_cast<const char*>(n.lp), LpBytes(n.lp)};
}

bool StreamObject::AdoptNode(StreamID master, std::string_view blob, std::string* why) {
  StreamID last_live;
  bool have_live = LastLiveId(&last_live);
  if (!nodes_.empty() && master <= nodes_.back().master) {
    return Refuse(why, "stream node " + master.ToString() + " out of order");
  }
  if (have_live && master <= last_live) {
    return Refuse(why, "stream node " + master.ToString() + " starts inside the previous node");
  }
  NodeFacts facts;
  if (!CheckNode(blob, master, have_live ? &last_live : nullptr, &facts, why)) return false;
  Node n{master, nullptr, Tier::kDram};
  n.lp = static_cast<uint8_t*>(
      MemoryTiers::Get().Allocate(blob.size(), Placement::kUserData, &n.tier));
  std::memcpy(n.lp, blob.data(), blob.size());
  nodes_.push_back(n);
  length_ += static_cast<uint64_t>(facts.live);
  return true;
}

bool StreamObject::Validate(std::string* why) const {
  uint64_t live = 0;
  StreamID last_live;
  bool have_live = false;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (i > 0 && n.master <= nodes_[i - 1].master) return Refuse(why, "nodes out of order");
    if (have_live && n.master <= last_live) return Refuse(why, "node starts inside the previous");
    NodeFacts facts;
    if (!CheckNode(NodeBlob(n), n.master, have_live ? &last_live : nullptr, &facts, why)) {
      return false;
    }
    live += static_cast<uint64_t>(facts.live);
    last_live = facts.last_live;
    have_live = true;
  }
  if (live != length_) return Refuse(why, "length does not match the live entries");
  if (have_live && last_id < last_live) return Refuse(why, "last ID is below the last entry");
  for (const auto& [gname, g] : groups_) {
    for (const auto& [id, pe] : g.pel) {
      if (pe.consumer == nullptr) return Refuse(why, "pending entry without a consumer");
      auto it = g.consumers.find(*pe.consumer->name);
      if (it == g.consumers.end() || &it->second != pe.consumer || !pe.consumer->pel.count(id)) {
        return Refuse(why, "pending entry " + id.ToString() + " not listed by its consumer");
      }
    }
    for (const auto& [cname, c] : g.consumers) {
      if (c.name != &cname) return Refuse(why, "consumer name link broken");
      for (StreamID id : c.pel) {
        auto it = g.pel.find(id);
        if (it == g.pel.end() || it->second.consumer != &c) {
          return Refuse(why, "consumer's pending entry " + id.ToString() + " not in its group");
        }
      }
    }
  }
  return true;
}

StreamObject::StreamObject()
    : nodes_(CountedAllocator<Node>(&meta_bytes_)),
      groups_(CountedAllocator<std::pair<const MetaString, StreamGroup>>(&meta_bytes_)) {}

StreamObject* StreamObject::New() {
  Tier tier;
  void* p = MemoryTiers::Get().Allocate(sizeof(StreamObject), Placement::kMetadata, &tier);
  return new (p) StreamObject();
}

void StreamObject::Destroy(StreamObject* s) {
  s->~StreamObject();
  MemoryTiers::Get().Free(s, Tier::kDram);
}

StreamObject::~StreamObject() {
  for (Node& n : nodes_) FreeNode(&n);
  groups_.clear();
  nodes_.clear();
  nodes_.shrink_to_fit();
}

void StreamObject::FreeNode(Node* n) {
  if (n->lp != nullptr) MemoryTiers::Get().Free(n->lp, n->tier);
  n->lp = nullptr;
}

StreamObject* StreamObject::Clone() const {
  StreamObject* c = New();
  c->nodes_.reserve(nodes_.size());
  for (const Node& n : nodes_) {
    Node copy{n.master, nullptr, Tier::kDram};
    size_t len = LpBytes(n.lp);
    copy.lp = static_cast<uint8_t*>(
        MemoryTiers::Get().Allocate(len, Placement::kUserData, &copy.tier));
    std::memcpy(copy.lp, n.lp, len);
    c->nodes_.push_back(copy);
  }
  c->length_ = length_;
  c->last_id = last_id;
  c->first_id = first_id;
  c->max_deleted_id = max_deleted_id;
  c->entries_added = entries_added;
  for (const auto& [name, g] : groups_) {
    StreamGroup* ng = c->CreateGroup(std::string_view(name.data(), name.size()), g.last_id,
                                     g.entries_read);
    for (const auto& [cname, cons] : g.consumers) {
      StreamConsumer* nc =
          c->CreateConsumer(ng, std::string_view(cname.data(), cname.size()), cons.seen_time);
      for (StreamID id : cons.pel) {
        const StreamPending& pe = g.pel.at(id);
        nc->pel.insert(id);
        ng->pel.emplace(id, StreamPending{pe.delivery_time, pe.delivery_count, nc});
      }
    }
  }
  return c;
}

size_t StreamObject::NodeFor(StreamID id) const {
  auto it = std::upper_bound(nodes_.begin(), nodes_.end(), id,
                             [](StreamID v, const Node& n) { return v < n.master; });
  if (it == nodes_.begin()) return 0;
  return static_cast<size_t>(it - nodes_.begin()) - 1;
}

void StreamObject::Append(StreamID id, const std::vector<std::string_view>& fv) {
  DCHECK(fv.size() >= 2 && fv.size() % 2 == 0);
  int64_t numfields = static_cast<int64_t>(fv.size() / 2);
  Node* node = nodes_.empty() ? nullptr : &nodes_.back();
  if (node != nullptr) {
    size_t max_bytes = Limits().stream_node_max_bytes;
    if (max_bytes == 0 || max_bytes > kNodeMaxBytesCap) max_bytes = kNodeMaxBytesCap;
    size_t total = 0;
    for (std::string_view s : fv) total += s.size();
    StreamNodeReader r(node->lp, node->master);
    int64_t max_entries = Limits().stream_node_max_entries;
    if (LpBytes(node->lp) + total >= max_bytes) {
      node = nullptr;
    } else if (max_entries > 0 && r.count() + r.deleted() >= max_entries) {
      node = nullptr;
    }
  }
  int64_t flags = 0;
  if (node == nullptr) {
    nodes_.push_back(Node{id, nullptr, Tier::kDram});
    node = &nodes_.back();
    node->lp = NewLp(&node->tier);
    NodeWriter w(&node->lp, &node->tier);
    w.AppendInt(1);
    w.AppendInt(0);
    w.AppendInt(numfields);
    for (int64_t i = 0; i < numfields; ++i) w.Append(fv[2 * i]);
    w.AppendInt(0);
    flags |= kFlagSameFields;
  } else {
    StreamNodeReader r(node->lp, node->master);
    ReplaceInt(&node->lp, &node->tier, kLpHeader, r.count() + 1);
    StreamNodeReader r2(node->lp, node->master);
    if (r2.nfields() == numfields) {
      size_t p = r2.fields_off();
      int64_t i = 0;
      for (; i < numfields; ++i) {
        Elem e = ReadElem(node->lp + p);
        if (!e.Equals(fv[2 * i])) break;
        p += e.size;
      }
      if (i == numfields) flags |= kFlagSameFields;
    }
  }
  NodeWriter w(&node->lp, &node->tier);
  bool same = flags & kFlagSameFields;
  w.AppendInt(flags);
  w.AppendInt(static_cast<int64_t>(id.ms - node->master.ms));
  w.AppendInt(static_cast<int64_t>(id.seq - node->master.seq));
  if (!same) w.AppendInt(numfields);
  for (int64_t i = 0; i < numfields; ++i) {
    if (!same) w.Append(fv[2 * i]);
    w.Append(fv[2 * i + 1]);
  }
  w.AppendInt(numfields + 3 + (same ? 0 : numfields + 1));
  ++length_;
  ++entries_added;
  last_id = id;
  if (length_ == 1) first_id = id;
}

void StreamObject::RemoveNodes(size_t first, size_t count) {
  for (size_t i = first; i < first + count; ++i) FreeNode(&nodes_[i]);
  nodes_.erase(nodes_.begin() + first, nodes_.begin() + first + count);
}

bool StreamObject::Delete(StreamID id) {
  if (nodes_.empty() || id < nodes_.front().master) return false;
  size_t ni = NodeFor(id);
  Node& n = nodes_[ni];
  StreamNodeReader r(n.lp, n.master);
  for (size_t p = r.first(); !r.at_end(p);) {
    auto e = r.Entry(p);
    // A deleted entry can share its ID with a live one added later, or have a larger one (XDEL of
    // the last entries, XSETID back below them, XADD again): only a live entry counts.
    if (e.id == id && !(e.flags & kFlagDeleted)) {
      // The flags stay one byte, so the offsets read above stay valid.
      WriteIntElement(n.lp + e.off, e.flags | kFlagDeleted);
      int64_t count = r.count(), deleted = r.deleted();
      size_t deleted_off = r.deleted_off();
      if (count == 1) {
        RemoveNodes(ni, 1);
      } else {
        ReplaceInt(&n.lp, &n.tier, deleted_off, deleted + 1);
        ReplaceInt(&n.lp, &n.tier, kLpHeader, count - 1);
      }
      --length_;
      if (max_deleted_id < id) max_deleted_id = id;
      if (length_ == 0) {
        first_id = StreamID{};
      } else if (id == first_id) {
        RefreshFirstId();
      }
      return true;
    }
    // Live entries are in ID order; a deleted one may be out of it (see above).
    if (e.id > id && !(e.flags & kFlagDeleted)) break;
    p = e.next;
  }
  return false;
}

void StreamObject::RefreshFirstId() {
  StreamID id;
  first_id = FirstId(&id) ? id : StreamID{};
}

bool StreamObject::Get(StreamID id, std::vector<std::string>* fv) const {
  bool found = false;
  Range(id, id, false, [&](StreamID, const std::vector<std::string>& f) {
    *fv = f;
    found = true;
    return false;
  });
  return found;
}

size_t StreamObject::Range(StreamID start, StreamID end, bool rev, const Visitor& fn) const {
  if (nodes_.empty() || start > end) return 0;
  size_t visited = 0;
  std::vector<std::string> fv;
  if (!rev) {
    for (size_t ni = NodeFor(start); ni < nodes_.size(); ++ni) {
      const Node& n = nodes_[ni];
      if (n.master > end) return visited;
      StreamNodeReader r(n.lp, n.master);
      for (size_t p = r.first(); !r.at_end(p);) {
        auto e = r.Entry(p);
        p = e.next;
        if (e.id < start || (e.flags & kFlagDeleted)) continue;
        if (e.id > end) return visited;
        r.Fields(e.off, &fv);
        ++visited;
        if (!fn(e.id, fv)) return visited;
      }
    }
  } else {
    if (end < nodes_.front().master) return 0;
    for (size_t ni = NodeFor(end) + 1; ni-- > 0;) {
      const Node& n = nodes_[ni];
      StreamNodeReader r(n.lp, n.master);
      std::vector<size_t> offs = r.Offsets();
      for (size_t k = offs.size(); k-- > 0;) {
        auto e = r.Entry(offs[k]);
        if (e.id > end || (e.flags & kFlagDeleted)) continue;
        if (e.id < start) return visited;
        r.Fields(e.off, &fv);
        ++visited;
        if (!fn(e.id, fv)) return visited;
      }
    }
  }
  return visited;
}

bool StreamObject::FirstId(StreamID* id) const {
  bool found = false;
  Range(StreamID::Min(), StreamID::Max(), false, [&](StreamID i, const auto&) {
    *id = i;
    found = true;
    return false;
  });
  return found;
}

bool StreamObject::LastLiveId(StreamID* id) const {
  bool found = false;
  Range(StreamID::Min(), StreamID::Max(), true, [&](StreamID i, const auto&) {
    *id = i;
    found = true;
    return false;
  });
  return found;
}

int64_t StreamObject::TrimHead(bool approx, int64_t limit,
                               const std::function<bool(const Node&, int64_t)>& node_goes,
                               const std::function<bool(StreamID)>& entry_goes) {
  int64_t deleted = 0;
  size_t remove = 0;
  for (; remove < nodes_.size(); ++remove) {
    Node& n = nodes_[remove];
    StreamNodeReader r(n.lp, n.master);
    int64_t entries = r.count();
    if (limit && deleted + entries > limit) break;
    if (node_goes(n, entries)) {
      length_ -= entries;
      deleted += entries;
      continue;
    }
    if (approx) break;
    // Mark live entries of this node deleted while the strategy wants them gone. Deleted ones
    // are skipped first: they may be out of ID order (see Delete).
    int64_t marked = 0;
    for (size_t p = r.first(); !r.at_end(p);) {
      auto e = r.Entry(p);
      p = e.next;
      if (e.flags & kFlagDeleted) continue;
      if (!entry_goes(e.id)) break;
      WriteIntElement(n.lp + e.off, e.flags | kFlagDeleted);
      ++marked;
      --length_;
    }
    if (marked > 0) {
      size_t deleted_off = r.deleted_off();
      ReplaceInt(&n.lp, &n.tier, deleted_off, r.deleted() + marked);
      ReplaceInt(&n.lp, &n.tier, kLpHeader, entries - marked);
      deleted += marked;
    }
    break;
  }
  RemoveNodes(0, remove);
  if (deleted) RefreshFirstId();
  return deleted;
}

int64_t StreamObject::TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit) {
  return TrimHead(
      approx, limit,
      [&](const Node&, int64_t entries) {
        return length_ > maxlen && length_ - static_cast<uint64_t>(entries) >= maxlen;
      },
      [&](StreamID) { return length_ > maxlen; });
}

int64_t StreamObject::TrimMinId(StreamID minid, bool approx, int64_t limit) {
  return TrimHead(
      approx, limit,
      [&](const Node& n, int64_t) {
        // A node goes whole when its last entry, deleted or not, is below the minimum.
        StreamNodeReader r(n.lp, n.master);
        StreamID last;
        for (size_t p = r.first(); !r.at_end(p);) {
          auto e = r.Entry(p);
          last = e.id;
          p = e.next;
        }
        return last < minid;
      },
      [&](StreamID id) { return id < minid; });
}

// --- groups ---

StreamGroup* StreamObject::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const StreamGroup* StreamObject::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

StreamGroup* StreamObject::CreateGroup(std::string_view name, StreamID id, int64_t entries_read) {
  if (groups_.find(name) != groups_.end()) return nullptr;
  auto [it, ok] = groups_.emplace(std::piecewise_construct,
                                  std::forward_as_tuple(name, CountedAllocator<char>(&meta_bytes_)),
                                  std::forward_as_tuple(&meta_bytes_));
  it->second.last_id = id;
  it->second.entries_read = entries_read;
  return &it->second;
}

bool StreamObject::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

StreamConsumer* StreamObject::FindConsumer(StreamGroup* g, std::string_view name) {
  auto it = g->consumers.find(name);
  return it == g->consumers.end() ? nullptr : &it->second;
}

StreamConsumer* StreamObject::CreateConsumer(StreamGroup* g, std::string_view name,
                                             int64_t now_ms) {
  if (g->consumers.find(name) != g->consumers.end()) return nullptr;
  auto [it, ok] = g->consumers.emplace(
      std::piecewise_construct, std::forward_as_tuple(name, CountedAllocator<char>(&meta_bytes_)),
      std::forward_as_tuple(&meta_bytes_));
  it->second.name = &it->first;
  it->second.seen_time = now_ms;
  return &it->second;
}

size_t StreamObject::DeleteConsumer(StreamGroup* g, std::string_view name) {
  auto it = g->consumers.find(name);
  if (it == g->consumers.end()) return 0;
  size_t pending = it->second.pel.size();
  for (StreamID id : it->second.pel) g->pel.erase(id);
  g->consumers.erase(it);
  return pending;
}

bool StreamObject::RangeHasTombstones(StreamID start, StreamID end) const {
  if (length_ == 0 || max_deleted_id == StreamID{}) return false;
  if (first_id > max_deleted_id) return false;
  return start <= max_deleted_id && max_deleted_id <= end;
}

int64_t StreamObject::EstimateEntriesRead(StreamID id) const {
  if (entries_added == 0) return 0;
  if (length_ == 0 && id <= last_id) return static_cast<int64_t>(entries_added);
  if (id == last_id) return static_cast<int64_t>(entries_added);
  if (id > last_id) return -1;
  if (max_deleted_id == StreamID{} || max_deleted_id < first_id) {
    if (id < first_id) return static_cast<int64_t>(entries_added - length_);
    if (id == first_id) return static_cast<int64_t>(entries_added - length_ + 1);
  }
  return -1;
}

// --- memory ---

size_t StreamObject::node_bytes(size_t i) const { return LpBytes(nodes_[i].lp); }

void StreamObject::BytesByTier(size_t bytes[kNumTiers]) const {
  MemoryTiers& mt = MemoryTiers::Get();
  bytes[static_cast<int>(Tier::kDram)] += mt.UsableSize(this, Tier::kDram) + meta_bytes_;
  for (const Node& n : nodes_) bytes[static_cast<int>(n.tier)] += mt.UsableSize(n.lp, n.tier);
}

void StreamObject::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  MemoryTiers& mt = MemoryTiers::Get();
  for (Node& n : nodes_) {
    n.lp = static_cast<uint8_t*>(mt.MoveBlock(n.lp, LpBytes(n.lp), rule, &n.tier, stats, census));
  }
}

// --- ObjectOps ---

namespace {

const ObjectOps kStreamOps = {
    [](void* o) { StreamObject::Destroy(static_cast<StreamObject*>(o)); },
    [](const void* o, size_t bytes[kNumTiers]) {
      static_cast<const StreamObject*>(o)->BytesByTier(bytes);
    },
    [](void* o, const MoveRule& rule, MoveStats* stats, TierCensus* census) {
      static_cast<StreamObject*>(o)->Rebalance(rule, stats, census);
    },
    [](const void* o) -> void* { return static_cast<const StreamObject*>(o)->Clone(); },
    [](const void*) { return "stream"; },
};

}  // namespace

void RegisterStreamObjectOps() { RegisterObjectOps(ValueType::kStream, &kStreamOps); }

}  // namespace memkeydb
