#include "types/hash_object.h"

#include <cstring>
#include <new>

#include "common/logging.h"
#include "ds/chained_table.h"
#include "ds/listpack.h"
#include "memory/memory_tiers.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

// ---------------------------------------------------------------------------------------------
// HashNode: see the layout in hash_object.h.

struct HashNode {
  HashNode* next;
  uint8_t* body() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* body() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};
static_assert(sizeof(HashNode) == 8);

size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t out = 0;
  int shift = 0;
  while (*p & 0x80) {
    out |= static_cast<uint64_t>(*p++ & 0x7f) << shift;
    shift += 7;
  }
  *v = out | (static_cast<uint64_t>(*p++) << shift);
  return p;
}

// A decoded node.
struct NodeParts {
  std::string_view field;
  std::string_view value;
  Tier tier;
  size_t size;  // bytes in use, link included
};

NodeParts Decode(const HashNode* n) {
  uint64_t first, value_len;
  const uint8_t* p = GetVarint(n->body(), &first);
  p = GetVarint(p, &value_len);
  const char* field = reinterpret_cast<const char*>(p);
  size_t field_len = first >> 1;
  NodeParts parts;
  parts.field = {field, field_len};
  parts.value = {field + field_len, value_len};
  parts.tier = (first & 1) ? Tier::kFar : Tier::kDram;
  parts.size = static_cast<size_t>(p - reinterpret_cast<const uint8_t*>(n)) + field_len + value_len;
  return parts;
}

size_t NodeSize(size_t field_len, size_t value_len) {
  return sizeof(HashNode) + VarintLength(field_len << 1) + VarintLength(value_len) + field_len +
         value_len;
}

// Writes the node's body for `tier`. REQUIRES: the block holds NodeSize(field, value) bytes.
void WriteNode(HashNode* n, std::string_view field, std::string_view value, Tier tier) {
  uint8_t* p = PutVarint(n->body(), (field.size() << 1) | (tier == Tier::kFar ? 1 : 0));
  p = PutVarint(p, value.size());
  std::memcpy(p, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + field.size(), value.data(), value.size());
}

// Rewrites only the tier bit (after a move): the varint's length does not depend on it.
void SetNodeTier(HashNode* n, Tier tier) {
  uint8_t* p = n->body();
  p[0] = static_cast<uint8_t>((p[0] & ~1u) | (tier == Tier::kFar ? 1 : 0));
}

HashNode* NewNode(std::string_view field, std::string_view value) {
  Tier tier;
  auto* n = static_cast<HashNode*>(MemoryTiers::Get().Allocate(
      NodeSize(field.size(), value.size()), Placement::kUserData, &tier));
  n->next = nullptr;
  WriteNode(n, field, value, tier);
  return n;
}

void FreeNode(HashNode* n) { MemoryTiers::Get().Free(n, Decode(n).tier); }

struct HashNodeTraits {
  static HashNode* Next(const HashNode* n) { return n->next; }
  static HashNode*& NextRef(HashNode* n) { return n->next; }
  static void SetNext(HashNode* n, HashNode* next) { n->next = next; }
  static std::string_view Key(const HashNode* n) { return Decode(n).field; }
  static void Destroy(HashNode* n) { FreeNode(n); }
};

using NodeTable = ChainedTable<HashNode, HashNodeTraits>;

// ---------------------------------------------------------------------------------------------
// The two headers and the tagged slot pointer.

static_assert(sizeof(Listpack) == 16, "the listpack header is meant to match Redis's robj");

template <typename T>
T* NewHeader() {
  Tier tier;
  void* p = MemoryTiers::Get().Allocate(sizeof(T), Placement::kMetadata, &tier);
  DCHECK((reinterpret_cast<uintptr_t>(p) & 1) == 0);
  return new (p) T();
}

template <typename T>
void DeleteHeader(T* h) {
  h->~T();
  MemoryTiers::Get().Free(h, Tier::kDram);
}

bool IsTable(uintptr_t raw) { return raw & 1; }
Listpack* AsListpack(uintptr_t raw) { return reinterpret_cast<Listpack*>(raw); }
NodeTable* AsTable(uintptr_t raw) { return reinterpret_cast<NodeTable*>(raw & ~uintptr_t{1}); }
uintptr_t TableRaw(NodeTable* t) { return reinterpret_cast<uintptr_t>(t) | 1; }

NodeTable* TableFromListpack(const Listpack& lp) {
  NodeTable* table = NewHeader<NodeTable>();
  char fs[LpValue::kIntBufSize], vs[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone;) {
    size_t vpos = lp.Next(pos);
    table->Insert(NewNode(lp.Get(pos).View(fs), lp.Get(vpos).View(vs)));
    pos = lp.Next(vpos);
  }
  return table;
}

// The position of `field` among the fields of a listpack of pairs, or Listpack::kNone.
size_t FindField(const Listpack& lp, std::string_view field) {
  size_t first = lp.First();
  return first == Listpack::kNone ? Listpack::kNone : lp.Find(first, field, 1);
}

// Replaces the value of linked node `n` of `table`, in place when the block has room.
void ReplaceValue(NodeTable* table, HashNode* n, std::string_view value) {
  NodeParts old = Decode(n);
  size_t need = NodeSize(old.field.size(), value.size());
  size_t capacity = MemoryTiers::Get().UsableSize(n, old.tier);
  if (need <= capacity && need * 2 >= capacity) {
    // In place: the field may shift if the value length's varint changes size.
    uint8_t* p = n->body();
    uint64_t first;
    p = const_cast<uint8_t*>(GetVarint(p, &first));
    size_t old_value_varint = VarintLength(old.value.size());
    size_t new_value_varint = VarintLength(value.size());
    if (old_value_varint != new_value_varint) {
      std::memmove(p + new_value_varint, p + old_value_varint, old.field.size());
    }
    p = PutVarint(p, value.size());
    if (!value.empty()) std::memcpy(p + old.field.size(), value.data(), value.size());
    return;
  }
  HashNode* fresh = NewNode(old.field, value);
  table->Relink(n, fresh);
  FreeNode(n);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// HashObject

HashObject::HashObject(CompactValue* slot)
    : slot_(slot), raw_(reinterpret_cast<uintptr_t>(slot->object())) {
  DCHECK(slot->type() == ValueType::kHash);
}

HashObject HashObject::CreateIn(CompactValue* slot) {
  RegisterOps();
  slot->SetObject(ValueType::kHash, NewHeader<Listpack>());
  return HashObject(slot);
}

HashObject HashObject::AdoptListpackIn(CompactValue* slot, Listpack lp) {
  RegisterOps();
  Listpack* header = NewHeader<Listpack>();
  *header = std::move(lp);
  slot->SetObject(ValueType::kHash, header);
  return HashObject(slot);
}

const Listpack* HashObject::listpack() const { return IsTable(raw_) ? nullptr : AsListpack(raw_); }

const char* HashObject::encoding_name() const {
  return EncodingName(reinterpret_cast<const void*>(raw_));
}

size_t HashObject::size() const {
  if (IsTable(raw_)) return AsTable(raw_)->size();
  return AsListpack(raw_)->size() / 2;
}

bool HashObject::Get(std::string_view field, std::string_view* value, char* scratch) const {
  if (IsTable(raw_)) {
    HashNode* n = AsTable(raw_)->Find(field);
    if (n == nullptr) return false;
    *value = Decode(n).value;
    return true;
  }
  const Listpack& lp = *AsListpack(raw_);
  size_t pos = FindField(lp, field);
  if (pos == Listpack::kNone) return false;
  *value = lp.Get(lp.Next(pos)).View(scratch);
  return true;
}

bool HashObject::Contains(std::string_view field) const {
  char scratch[kScratchSize];
  std::string_view v;
  return Get(field, &v, scratch);
}

void HashObject::ConvertToTable() {
  if (IsTable(raw_)) return;
  NodeTable* table = TableFromListpack(*AsListpack(raw_));
  // SetObject destroys the listpack header through the ops; the slot then holds the table.
  slot_->SetObject(ValueType::kHash, reinterpret_cast<void*>(TableRaw(table)));
  raw_ = TableRaw(table);
}

void HashObject::ConvertForArgs(const std::string_view* args, size_t n) {
  if (IsTable(raw_)) return;
  size_t limit = Limits().hash_max_listpack_value;
  size_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (args[i].size() > limit) {
      ConvertToTable();
      return;
    }
    sum += args[i].size();
  }
  if (AsListpack(raw_)->bytes() + sum > Listpack::kMaxSafeBytes) ConvertToTable();
}

bool HashObject::Set(std::string_view field, std::string_view value) {
  if (!IsTable(raw_)) {
    size_t limit = Limits().hash_max_listpack_value;
    Listpack* lp = AsListpack(raw_);
    if (field.size() > limit || value.size() > limit ||
        lp->bytes() + field.size() + value.size() > Listpack::kMaxSafeBytes) {
      ConvertToTable();
    } else {
      size_t pos = FindField(*lp, field);
      if (pos != Listpack::kNone) {
        lp->Replace(lp->Next(pos), value);
        return false;
      }
      lp->Append(field);
      lp->Append(value);
      if (lp->size() / 2 > Limits().hash_max_listpack_entries) ConvertToTable();
      return true;
    }
  }
  NodeTable* table = AsTable(raw_);
  if (HashNode* n = table->Find(field)) {
    ReplaceValue(table, n, value);
    return false;
  }
  table->Insert(NewNode(field, value));
  return true;
}

bool HashObject::Delete(std::string_view field) {
  if (IsTable(raw_)) {
    HashNode* n = AsTable(raw_)->Remove(field);
    if (n == nullptr) return false;
    FreeNode(n);
    return true;
  }
  Listpack* lp = AsListpack(raw_);
  size_t pos = FindField(*lp, field);
  if (pos == Listpack::kNone) return false;
  lp->DeleteRange(pos, 2);
  return true;
}

void HashObject::ForEach(const PairVisitor& visit) const {
  if (IsTable(raw_)) {
    AsTable(raw_)->ForEach([&](HashNode* n) {
      NodeParts parts = Decode(n);
      visit(parts.field, parts.value);
    });
    return;
  }
  const Listpack& lp = *AsListpack(raw_);
  char fs[LpValue::kIntBufSize], vs[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone;) {
    size_t vpos = lp.Next(pos);
    visit(lp.Get(pos).View(fs), lp.Get(vpos).View(vs));
    pos = lp.Next(vpos);
  }
}

uint64_t HashObject::Scan(uint64_t cursor, const PairVisitor& visit) const {
  DCHECK(IsTable(raw_));
  return AsTable(raw_)->Scan(cursor, [&](HashNode* n) {
    NodeParts parts = Decode(n);
    visit(parts.field, parts.value);
  });
}

void HashObject::RandomPair(uint64_t (*rnd)(), std::string_view* field, std::string_view* value,
                            char* field_scratch, char* value_scratch) const {
  if (IsTable(raw_)) {
    NodeParts parts = Decode(AsTable(raw_)->Random(rnd));
    *field = parts.field;
    *value = parts.value;
    return;
  }
  const Listpack& lp = *AsListpack(raw_);
  size_t pairs = lp.size() / 2;
  DCHECK(pairs > 0);
  size_t pos = lp.Seek(static_cast<int64_t>(2 * (rnd() % pairs)));
  *field = lp.Get(pos).View(field_scratch);
  *value = lp.Get(lp.Next(pos)).View(value_scratch);
}

// ---------------------------------------------------------------------------------------------
// ObjectOps

void HashObject::Destroy(void* raw) {
  auto r = reinterpret_cast<uintptr_t>(raw);
  if (IsTable(r)) {
    DeleteHeader(AsTable(r));
  } else {
    DeleteHeader(AsListpack(r));
  }
}

void HashObject::BytesByTier(const void* raw, size_t bytes[kNumTiers]) {
  auto r = reinterpret_cast<uintptr_t>(raw);
  MemoryTiers& mt = MemoryTiers::Get();
  if (IsTable(r)) {
    const NodeTable* table = AsTable(r);
    bytes[static_cast<int>(Tier::kDram)] += mt.UsableSize(table, Tier::kDram);
    // Bucket arrays are kTable: DRAM unless hashtable-on-dram is off, which the table does not
    // expose; they are counted as DRAM.
    bytes[static_cast<int>(Tier::kDram)] += table->TableBytes();
    table->ForEach([&](HashNode* n) {
      Tier t = Decode(n).tier;
      bytes[static_cast<int>(t)] += mt.UsableSize(n, t);
    });
    return;
  }
  const Listpack* lp = AsListpack(r);
  bytes[static_cast<int>(Tier::kDram)] += mt.UsableSize(lp, Tier::kDram);
  lp->BytesByTier(bytes);
}

void HashObject::Rebalance(void* raw, const MoveRule& rule, MoveStats* stats,
                           TierCensus* census) {
  auto r = reinterpret_cast<uintptr_t>(raw);
  if (!IsTable(r)) {
    AsListpack(r)->Rebalance(rule, stats, census);
    return;
  }
  MemoryTiers& mt = MemoryTiers::Get();
  AsTable(r)->ForEachSlot([&](HashNode** slot) {
    HashNode* n = *slot;
    NodeParts parts = Decode(n);
    Tier tier = parts.tier;
    void* moved = mt.MoveBlock(n, parts.size, rule, &tier, stats, census);
    if (moved != n) {
      auto* fresh = static_cast<HashNode*>(moved);
      SetNodeTier(fresh, tier);
      *slot = fresh;
    }
  });
}

void* HashObject::Clone(const void* raw) {
  auto r = reinterpret_cast<uintptr_t>(raw);
  if (!IsTable(r)) {
    Listpack* copy = NewHeader<Listpack>();
    *copy = AsListpack(r)->Clone();
    return copy;
  }
  NodeTable* copy = NewHeader<NodeTable>();
  AsTable(r)->ForEach([&](HashNode* n) {
    NodeParts parts = Decode(n);
    copy->Insert(NewNode(parts.field, parts.value));
  });
  return reinterpret_cast<void*>(TableRaw(copy));
}

const char* HashObject::EncodingName(const void* raw) {
  return IsTable(reinterpret_cast<uintptr_t>(raw)) ? "hashtable" : "listpack";
}

void HashObject::RegisterOps() {
  static const ObjectOps kOps = {Destroy, BytesByTier, Rebalance, Clone, EncodingName};
  if (GetObjectOps(ValueType::kHash) != &kOps) RegisterObjectOps(ValueType::kHash, &kOps);
}

}  // namespace memkeydb
