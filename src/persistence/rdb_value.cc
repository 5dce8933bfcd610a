#include "persistence/rdb_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>

#include "common/logging.h"
#include "common/strutil.h"
#include "ds/intset.h"
#include "ds/listpack.h"
#include "ds/quicklist.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_legacy.h"
#include "persistence/rdb_stream.h"
#include "types/collection_limits.h"
#include "types/hash_object.h"
#include "types/list_object.h"
#include "types/set_object.h"
#include "types/zset_object.h"

// Value bodies, by type byte (lengths and strings as in rdb_io.h):
//   kTypeString          string
//   kTypeSet             length n, then n member strings
//   kTypeSetIntset       string: an intset blob
//   kTypeSetListpack     string: a listpack of members (7.2; read only)
//   kTypeHash            length n, then n (field string, value string) pairs
//   kTypeHashListpack    string: a listpack of field, value, field, value, ...
//   kTypeZset2           length n, then n (member string, 8-byte binary double) pairs
//   kTypeZset            the same with text doubles (RdbIn::TextDouble; read only)
//   kTypeZsetListpack    string: a listpack of member, score, ... in (score, member) order
//   kTypeListQuicklist2  length n, then n (container length, string) nodes; the string is a
//                        listpack (kQuicklistNodePacked) or one element (kQuicklistNodePlain)
namespace memkeydb::rdb {

namespace {

constexpr const char* kPayloadFooterError = "ERR DUMP payload version or checksum are wrong";
constexpr const char* kBadDataError = "ERR Bad data format";

// ---------------------------------------------------------------------------------------------
// Writing

void WriteString(RdbOut& out, const CompactValue& v) {
  int64_t n;
  if (v.GetInt(&n)) {
    out.IntString(n);
    return;
  }
  char scratch[CompactValue::kIntBufSize];
  out.String(v.StringView(scratch));
}

void WriteBlob(RdbOut& out, const uint8_t* data, size_t bytes) {
  out.String(std::string_view(reinterpret_cast<const char*>(data), bytes));
}

void WriteHash(RdbOut& out, CompactValue* slot) {
  HashObject h(slot);
  if (const Listpack* lp = h.listpack()) {
    WriteBlob(out, lp->data(), lp->bytes());
    return;
  }
  out.Length(h.size());
  h.ForEach([&](std::string_view field, std::string_view value) {
    out.String(field);
    out.String(value);
  });
}

void WriteSet(RdbOut& out, const SetObject& s) {
  if (s.encoding() == SetObject::Encoding::kIntSet) {
    WriteBlob(out, s.intset().data(), s.intset().bytes());
    return;
  }
  out.Length(s.size());
  s.ForEach([&](std::string_view member) { out.String(member); });
}

void WriteZSet(RdbOut& out, const ZSetObject& z) {
  if (z.encoding() == ZSetObject::Encoding::kListpack) {
    WriteBlob(out, z.listpack().data(), z.listpack().bytes());
    return;
  }
  // Highest score first, as Redis walks its skiplist from the tail: loading then inserts each
  // element at the head.
  out.Length(z.size());
  z.ForRange(0, z.size(), true, [&](std::string_view member, double score) {
    out.String(member);
    out.BinaryDouble(score);
    return true;
  });
}

void WriteList(RdbOut& out, const Quicklist& list) {
  out.Length(list.node_count());
  list.ForEachNode([&](const Quicklist::NodeView& node) {
    out.Length(kQuicklistNodePacked);
    if (!node.compressed) {
      WriteBlob(out, node.data, node.bytes);
      return;
    }
    // A node held compressed goes out as the LZF string it already is, as Redis writes it.
    out.Byte((kLenEncoded << 6) | kEncLzf);
    out.Length(node.bytes);
    out.Length(node.raw_bytes);
    out.Raw(node.data, node.bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading: each reader builds into a local value, which the caller moves out only on success.

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// A listpack element as text, kept (a scratch buffer would be reused by the next element).
std::string ElementText(const LpValue& v) {
  char scratch[LpValue::kIntBufSize];
  return std::string(v.View(scratch));
}

// True if every element of `lp` that is text the listpack would have stored as an integer is
// stored as one. Lookups compare integers with integers, so a canonical integer held as text
// could never be found again (Redis never writes one).
bool IntegersAreIntegers(const Listpack& lp) {
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
    LpValue v = lp.Get(pos);
    int64_t unused;
    if (!v.is_int() && ParseInt64(std::string_view(v.str, v.len), &unused)) return false;
  }
  return true;
}

// Reads a listpack blob and adopts it if it is well formed and canonical.
bool ReadListpack(RdbIn& in, const char* what, Listpack* lp) {
  std::string blob;
  if (!in.String(&blob)) return false;
  if (!Listpack::FromBytes(Bytes(blob), blob.size(), lp)) {
    return in.Fail(std::string("malformed ") + what + " listpack");
  }
  if (!IntegersAreIntegers(*lp)) {
    return in.Fail(std::string(what) + " listpack holds an integer as text");
  }
  return true;
}

bool ReadStringValue(RdbIn& in, CompactValue* out) {
  std::string s;
  if (!in.String(&s)) return false;
  out->SetString(s);
  return true;
}

// Adds the members of a set read one by one into *out, which becomes the set memkeydb builds
// for them: the encoding SADD of the same members in the same order gives.
class SetBuilder {
 public:
  explicit SetBuilder(CompactValue* out) : out_(out) {}
  // False on a duplicate member.
  bool Add(std::string_view member, size_t size_hint) {
    if (set_ == nullptr) {
      SetObject::RegisterOps();
      set_ = SetObject::Create(member, size_hint);
      out_->SetObject(ValueType::kSet, set_);
    }
    return set_->Add(member);
  }

 private:
  CompactValue* out_;
  SetObject* set_ = nullptr;
};

bool ReadSet(RdbIn& in, CompactValue* out) {
  uint64_t n;
  if (!in.LengthAtMost(in.remaining(), &n, "set size")) return false;
  if (n == 0) return in.FailEmpty("empty set");
  SetBuilder builder(out);
  std::string member;
  for (uint64_t i = 0; i < n; ++i) {
    if (!in.String(&member)) return false;
    if (!builder.Add(member, n)) return in.Fail("duplicate set member");
  }
  return true;
}

bool ReadSetListpack(RdbIn& in, CompactValue* out) {
  Listpack lp;
  if (!ReadListpack(in, "set", &lp)) return false;
  size_t n = lp.size();
  if (n == 0) return in.FailEmpty("empty set");
  SetBuilder builder(out);
  char scratch[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
    if (!builder.Add(lp.Get(pos).View(scratch), n)) return in.Fail("duplicate set member");
  }
  return true;
}

bool ReadIntSet(RdbIn& in, CompactValue* out) {
  std::string blob;
  if (!in.String(&blob)) return false;
  IntSet is;
  if (!IntSet::FromBytes(Bytes(blob), blob.size(), &is)) return in.Fail("malformed intset");
  // Unlike the other empty collections, Redis refuses an empty intset even in a file.
  if (is.empty()) return in.Fail("empty set");
  SetObject::RegisterOps();
  if (is.size() <= std::min<size_t>(Limits().set_max_intset_entries, size_t{1} << 30)) {
    out->SetObject(ValueType::kSet, SetObject::AdoptIntSet(std::move(is)));
    return true;
  }
  // Past set-max-intset-entries: the hashtable SADD would have converted to.
  SetObject* s = SetObject::CreateEmpty(SetObject::Encoding::kHashtable);
  out->SetObject(ValueType::kSet, s);
  char digits[24];
  for (size_t i = 0; i < is.size(); ++i) {
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), is.Get(i));
    s->Add(std::string_view(digits, static_cast<size_t>(end - digits)));
  }
  return true;
}

bool ReadHash(RdbIn& in, CompactValue* out) {
  uint64_t n;
  if (!in.LengthAtMost(in.remaining() / 2, &n, "hash size")) return false;
  if (n == 0) return in.FailEmpty("empty hash");
  HashObject h = HashObject::CreateIn(out);
  // Like HSET of as many fields: a hash too large for a listpack starts as a table.
  if (n > Limits().hash_max_listpack_entries) h.ConvertToTable();
  std::string field, value;
  for (uint64_t i = 0; i < n; ++i) {
    if (!in.String(&field) || !in.String(&value)) return false;
    if (!h.Set(field, value)) return in.Fail("duplicate hash field");
  }
  return true;
}

bool ReadHashListpack(RdbIn& in, CompactValue* out) {
  Listpack lp;
  if (!ReadListpack(in, "hash", &lp)) return false;
  size_t n = lp.size();
  if (n == 0) return in.FailEmpty("empty hash");
  if (n % 2 != 0) return in.Fail("hash listpack with an odd number of elements");
  const CollectionLimits& lim = Limits();
  bool fits = n / 2 <= lim.hash_max_listpack_entries;
  std::unordered_set<std::string> fields;
  size_t index = 0;
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos), ++index) {
    std::string text = ElementText(lp.Get(pos));
    if (text.size() > lim.hash_max_listpack_value) fits = false;
    if (index % 2 == 0 && !fields.insert(std::move(text)).second) {
      return in.Fail("duplicate hash field");
    }
  }
  if (fits) {
    HashObject::AdoptListpackIn(out, std::move(lp));
    return true;
  }
  HashObject h = HashObject::CreateIn(out);
  h.ConvertToTable();
  char fs[LpValue::kIntBufSize], vs[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone;) {
    size_t vpos = lp.Next(pos);
    h.Set(lp.Get(pos).View(fs), lp.Get(vpos).View(vs));
    pos = lp.Next(vpos);
  }
  return true;
}

bool ReadZSet(RdbIn& in, uint8_t type, CompactValue* out) {
  uint64_t n;
  if (!in.LengthAtMost(in.remaining() / 2, &n, "sorted set size")) return false;
  if (n == 0) return in.FailEmpty("empty sorted set");
  RegisterZSetObjectOps();
  // As Redis loads: into the large encoding, then down to a listpack if the result fits.
  ZSetObject* z = ZSetObject::Create(SIZE_MAX, 0);
  out->SetObject(ValueType::kZSet, z);
  std::string member;
  for (uint64_t i = 0; i < n; ++i) {
    double score;
    if (!in.String(&member)) return false;
    if (!(type == kTypeZset2 ? in.BinaryDouble(&score) : in.TextDouble(&score))) return false;
    if (std::isnan(score)) return in.Fail("sorted set score is not a number");
    if (z->Score(member).has_value()) return in.Fail("duplicate sorted set member");
    z->InsertNew(member, score);
  }
  z->ConvertToListpackIfFits();
  return true;
}

// A score element of a sorted set's listpack, parsed as ZSetObject reads it; false if it is
// not a number (or is NaN).
bool ListpackScore(const LpValue& v, double* score) {
  if (v.is_int()) {
    *score = static_cast<double>(v.num);
    return true;
  }
  std::string_view s(v.str, v.len);
  if (s == "inf" || s == "-inf") {
    *score = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *score);
  return ec == std::errc() && end == s.data() + s.size() && !std::isnan(*score);
}

bool ReadZSetListpack(RdbIn& in, CompactValue* out) {
  Listpack lp;
  if (!ReadListpack(in, "sorted set", &lp)) return false;
  size_t n = lp.size();
  if (n == 0) return in.FailEmpty("empty sorted set");
  if (n % 2 != 0) return in.Fail("sorted set listpack with an odd number of elements");
  const CollectionLimits& lim = Limits();
  bool fits = n / 2 <= lim.zset_max_listpack_entries;
  std::unordered_set<std::string> members;
  std::string prev_member;
  double prev_score = 0;
  for (size_t pos = lp.First(); pos != Listpack::kNone;) {
    size_t spos = lp.Next(pos);
    std::string member = ElementText(lp.Get(pos));
    double score;
    if (!ListpackScore(lp.Get(spos), &score)) return in.Fail("bad sorted set score");
    if (!members.empty() &&
        (score < prev_score || (score == prev_score && member <= prev_member))) {
      return in.Fail("sorted set listpack out of order");
    }
    if (member.size() > lim.zset_max_listpack_value) fits = false;
    if (!members.insert(member).second) return in.Fail("duplicate sorted set member");
    prev_member = std::move(member);
    prev_score = score;
    pos = lp.Next(spos);
  }
  RegisterZSetObjectOps();
  if (fits) {
    out->SetObject(ValueType::kZSet, ZSetObject::AdoptListpack(std::move(lp)));
    return true;
  }
  ZSetObject* z = ZSetObject::Create(SIZE_MAX, 0);
  out->SetObject(ValueType::kZSet, z);
  char scratch[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone;) {
    size_t spos = lp.Next(pos);
    double score;
    ListpackScore(lp.Get(spos), &score);
    z->InsertNew(lp.Get(pos).View(scratch), score);
    pos = lp.Next(spos);
  }
  return true;
}

bool ReadList(RdbIn& in, CompactValue* out) {
  uint64_t nodes;
  if (!in.LengthAtMost(in.remaining() / 2, &nodes, "quicklist node count")) return false;
  if (nodes == 0) return in.FailEmpty("empty list");
  RegisterListObjectOps();
  Quicklist* list = NewList();
  out->SetObject(ValueType::kList, list);
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container;
    if (!in.Length(&container)) return false;
    if (container == kQuicklistNodePlain) {
      std::string element;
      if (!in.String(&element)) return false;
      list->Push(Quicklist::End::kTail, element);
      continue;
    }
    if (container != kQuicklistNodePacked) {
      return in.Fail("unknown quicklist node container " + std::to_string(container));
    }
    Listpack lp;
    if (!ReadListpack(in, "quicklist node", &lp)) return false;
    // Redis skips an empty node; an empty list as a whole is refused below.
    list->AppendListpack(std::move(lp));
  }
  if (list->empty()) return in.FailEmpty("empty list");
  return true;
}

bool ReadCollection(RdbIn& in, uint8_t type, CompactValue* out) {
  switch (type) {
    case kTypeString: return ReadStringValue(in, out);
    case kTypeSet: return ReadSet(in, out);
    case kTypeSetIntset: return ReadIntSet(in, out);
    case kTypeSetListpack: return ReadSetListpack(in, out);
    case kTypeHash: return ReadHash(in, out);
    case kTypeHashListpack: return ReadHashListpack(in, out);
    case kTypeZset:
    case kTypeZset2: return ReadZSet(in, type, out);
    case kTypeZsetListpack: return ReadZSetListpack(in, out);
    case kTypeListQuicklist2: return ReadList(in, out);
    case kTypeModulePre:
    case kTypeModule2: return in.Fail("module values are not supported");
    default: return in.Fail("unknown value type " + std::to_string(type));
  }
}

}  // namespace

uint8_t TypeByteOf(const CompactValue& v) {
  switch (v.type()) {
    case ValueType::kString: return kTypeString;
    case ValueType::kList: return kTypeListQuicklist2;
    case ValueType::kSet:
      return static_cast<const SetObject*>(v.object())->encoding() == SetObject::Encoding::kIntSet
                 ? kTypeSetIntset
                 : kTypeSet;  // Redis 7.0 has no listpack sets: members one by one
    case ValueType::kZSet:
      return static_cast<const ZSetObject*>(v.object())->encoding() ==
                     ZSetObject::Encoding::kListpack
                 ? kTypeZsetListpack
                 : kTypeZset2;
    case ValueType::kHash:
      return HashObject(const_cast<CompactValue*>(&v)).encoding() ==
                     HashObject::Encoding::kListpack
                 ? kTypeHashListpack
                 : kTypeHash;
    case ValueType::kStream: return kTypeStreamListpacks2;
    case ValueType::kNone: break;
  }
  DCHECK(false);
  return kTypeString;
}

void WriteTypedValue(RdbOut& out, const CompactValue& v) {
  out.Byte(TypeByteOf(v));
  WriteValue(out, v);
}

void WriteValue(RdbOut& out, const CompactValue& v) {
  switch (v.type()) {
    case ValueType::kString: return WriteString(out, v);
    case ValueType::kList: return WriteList(out, *static_cast<const Quicklist*>(v.object()));
    case ValueType::kSet: return WriteSet(out, *static_cast<const SetObject*>(v.object()));
    case ValueType::kZSet: return WriteZSet(out, *static_cast<const ZSetObject*>(v.object()));
    // HashObject wraps a mutable slot (it may convert); writing only reads through it.
    case ValueType::kHash: return WriteHash(out, const_cast<CompactValue*>(&v));
    case ValueType::kStream: return WriteStream(out, v);
    case ValueType::kNone: break;
  }
  DCHECK(false);
}

bool ReadValue(RdbIn& in, uint8_t type, CompactValue* out) {
  if (IsLegacyType(type)) return ReadLegacy(in, type, out);
  if (type == kTypeStreamListpacks || type == kTypeStreamListpacks2 ||
      type == kTypeStreamListpacks3) {
    return ReadStream(in, type, out);
  }
  CompactValue value;
  if (!ReadCollection(in, type, &value)) return false;
  out->MoveFrom(&value);
  return true;
}

std::string DumpPayload(const CompactValue& v, bool compress) {
  RdbOut out(compress);
  WriteTypedValue(out, v);
  uint16_t version = kVersion;
  out.Raw(&version, 2);
  out.U64LE(out.crc());
  return std::move(out.buffer());
}

bool ReadDumpPayload(std::string_view payload, CompactValue* out, std::string* error) {
  // Redis 7.0's rule: at least the footer, a version no newer than ours, and a CRC that
  // matches (a zero CRC is not exempt).
  if (payload.size() < kDumpFooter) {
    *error = kPayloadFooterError;
    return false;
  }
  const char* footer = payload.data() + payload.size() - kDumpFooter;
  uint16_t version;
  uint64_t crc;
  std::memcpy(&version, footer, 2);
  std::memcpy(&crc, footer + 2, 8);
  if (version > kVersion || crc != Crc64(0, payload.data(), payload.size() - 8)) {
    *error = kPayloadFooterError;
    return false;
  }
  // Redis reads the value from the start of the whole payload, footer included, and ignores
  // whatever the value leaves unread; a value that needs more bytes than the payload has is
  // bad data.
  RdbIn in(payload);
  uint8_t type;
  if (!in.Byte(&type) || !ReadValue(in, type, out)) {
    out->Reset();
    *error = kBadDataError;
    return false;
  }
  return true;
}

}  // namespace memkeydb::rdb
