#include "types/set_object.h"

#include <algorithm>
#include <new>
#include <random>

#include "common/logging.h"
#include "common/strutil.h"
#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

uint64_t SetRandom() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng();
}

// Redis caps the intset at 2^30 members whatever set-max-intset-entries says.
size_t IntSetMaxEntries() {
  return std::min<size_t>(Limits().set_max_intset_entries, size_t{1} << 30);
}

SetTable* NewTable() {
  Tier tier;
  void* mem = MemoryTiers::Get().Allocate(sizeof(SetTable), Placement::kMetadata, &tier);
  return new (mem) SetTable;
}

void DeleteTable(SetTable* t) {
  t->~SetTable();  // destroys the nodes still linked
  MemoryTiers::Get().Free(t, Tier::kDram);
}

size_t DecimalLength(int64_t v) {
  char buf[SetObject::kScratch];
  return FormatInt64(v, buf);
}

}  // namespace

bool SetMemberAsInt(std::string_view s, int64_t* v) { return ParseInt64(s, v); }

// ---------------------------------------------------------------------------------------------
// SetNode

SetNode* SetNode::Create(std::string_view member) {
  bool is_long = member.size() > kShortMax;
  size_t head = sizeof(SetNode*) + 1 + (is_long ? sizeof(uint32_t) : 0);
  Tier tier;
  void* mem = MemoryTiers::Get().Allocate(head + member.size(), Placement::kUserData, &tier);
  SetNode* n = static_cast<SetNode*>(mem);
  n->next = nullptr;
  uint8_t* b = n->bytes();
  if (is_long) {
    b[0] = kLongBit;
    uint32_t len = static_cast<uint32_t>(member.size());
    std::memcpy(b + 1, &len, sizeof(len));
  } else {
    b[0] = static_cast<uint8_t>(member.size() << 2);
  }
  n->set_tier(tier);
  if (!member.empty()) std::memcpy(reinterpret_cast<uint8_t*>(n) + head, member.data(), member.size());
  return n;
}

void SetNode::Destroy(SetNode* n) { MemoryTiers::Get().Free(n, n->tier()); }

size_t SetNode::AllocLength() const {
  bool is_long = header() & kLongBit;
  return sizeof(SetNode*) + 1 + (is_long ? sizeof(uint32_t) : 0) + member().size();
}

// ---------------------------------------------------------------------------------------------
// Life cycle

SetObject::SetObject(Encoding enc) : enc_(enc) {
  switch (enc) {
    case Encoding::kIntSet: new (&is_) IntSet(); break;
    case Encoding::kListpack: new (&lp_) Listpack(); break;
    case Encoding::kHashtable: ht_ = NewTable(); break;
  }
}

SetObject::~SetObject() {
  switch (enc_) {
    case Encoding::kIntSet: is_.~IntSet(); break;
    case Encoding::kListpack: lp_.~Listpack(); break;
    case Encoding::kHashtable: DeleteTable(ht_); break;
  }
}

namespace {
SetObject* NewSetObjectMemory() {
  Tier tier;
  return static_cast<SetObject*>(
      MemoryTiers::Get().Allocate(sizeof(SetObject), Placement::kMetadata, &tier));
}
}  // namespace

SetObject* SetObject::Create(std::string_view first, size_t size_hint) {
  int64_t v;
  Encoding enc = Encoding::kHashtable;
  if (SetMemberAsInt(first, &v)) {
    enc = Encoding::kIntSet;
  } else if (size_hint <= Limits().set_max_listpack_entries) {
    enc = Encoding::kListpack;
  }
  return new (NewSetObjectMemory()) SetObject(enc);
}

SetObject* SetObject::CreateEmpty(Encoding enc) {
  return new (NewSetObjectMemory()) SetObject(enc);
}

SetObject* SetObject::AdoptIntSet(IntSet is) {
  SetObject* s = CreateEmpty(Encoding::kIntSet);
  s->is_ = std::move(is);
  return s;
}

void SetObject::Destroy(SetObject* s) {
  s->~SetObject();
  MemoryTiers::Get().Free(s, Tier::kDram);
}

SetObject* SetObject::Clone() const {
  SetObject* c = new (NewSetObjectMemory()) SetObject(enc_);
  switch (enc_) {
    case Encoding::kIntSet: c->is_ = is_.Clone(); break;
    case Encoding::kListpack: c->lp_ = lp_.Clone(); break;
    case Encoding::kHashtable:
      ht_->ForEach([c](SetNode* n) { c->ht_->Insert(SetNode::Create(n->member())); });
      break;
  }
  return c;
}

const char* SetObject::EncodingName() const {
  switch (enc_) {
    case Encoding::kIntSet: return "intset";
    case Encoding::kListpack: return "listpack";
    case Encoding::kHashtable: return "hashtable";
  }
  return "unknown";
}

size_t SetObject::size() const {
  switch (enc_) {
    case Encoding::kIntSet: return is_.size();
    case Encoding::kListpack: return lp_.size();
    case Encoding::kHashtable: return ht_->size();
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Conversions

bool SetObject::IntSetFitsListpack(size_t len) const {
  const CollectionLimits& lim = Limits();
  size_t n = is_.size();
  if (n >= lim.set_max_listpack_entries || len > lim.set_max_listpack_value) return false;
  if (n == 0) return true;
  size_t longest = std::max(DecimalLength(is_.Min()), DecimalLength(is_.Max()));
  if (longest > lim.set_max_listpack_value) return false;
  // An integer entry takes at most 10 bytes (encoding, 8 data bytes, backlen).
  return Listpack::kHeaderSize + 1 + n * 10 + len + 10 <= Listpack::kMaxSafeBytes;
}

void SetObject::IntSetToListpack() {
  DCHECK(enc_ == Encoding::kIntSet);
  Listpack lp;
  for (size_t i = 0; i < is_.size(); ++i) lp.AppendInt(is_.Get(i));
  is_.~IntSet();
  new (&lp_) Listpack(std::move(lp));
  enc_ = Encoding::kListpack;
}

void SetObject::ToHashtable(size_t /*expected*/) {
  DCHECK(enc_ != Encoding::kHashtable);
  SetTable* t = NewTable();
  ForEach([t](std::string_view m) { t->Insert(SetNode::Create(m)); });
  if (enc_ == Encoding::kIntSet) {
    is_.~IntSet();
  } else {
    lp_.~Listpack();
  }
  ht_ = t;
  enc_ = Encoding::kHashtable;
}

// ---------------------------------------------------------------------------------------------
// Members

bool SetObject::Add(std::string_view member) {
  const CollectionLimits& lim = Limits();
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    if (SetMemberAsInt(member, &v)) {
      if (!is_.Add(v)) return false;
      if (is_.size() > IntSetMaxEntries()) ToHashtable(is_.size());
      return true;
    }
    if (IntSetFitsListpack(member.size())) {
      IntSetToListpack();
    } else {
      ToHashtable(is_.size() + 1);
    }
    // The member is not an integer, so it cannot be among the intset's members.
    if (enc_ == Encoding::kListpack) {
      lp_.Append(member);
    } else {
      ht_->Insert(SetNode::Create(member));
    }
    return true;
  }
  if (enc_ == Encoding::kListpack) {
    if (!lp_.empty() && lp_.Find(lp_.First(), member) != Listpack::kNone) return false;
    if (lp_.size() < lim.set_max_listpack_entries && member.size() <= lim.set_max_listpack_value &&
        lp_.bytes() + Listpack::EntrySize(member) <= Listpack::kMaxSafeBytes) {
      lp_.Append(member);
      return true;
    }
    ToHashtable(lp_.size() + 1);
    ht_->Insert(SetNode::Create(member));
    return true;
  }
  if (ht_->Find(member) != nullptr) return false;
  ht_->Insert(SetNode::Create(member));
  return true;
}

bool SetObject::Remove(std::string_view member) {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return SetMemberAsInt(member, &v) && is_.Remove(v);
    }
    case Encoding::kListpack: {
      if (lp_.empty()) return false;
      size_t pos = lp_.Find(lp_.First(), member);
      if (pos == Listpack::kNone) return false;
      lp_.Delete(pos);
      return true;
    }
    case Encoding::kHashtable: {
      SetNode* n = ht_->Remove(member);
      if (n == nullptr) return false;
      SetNode::Destroy(n);
      ht_->MaybeShrink();
      return true;
    }
  }
  return false;
}

bool SetObject::Contains(std::string_view member) {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return SetMemberAsInt(member, &v) && is_.Contains(v);
    }
    case Encoding::kListpack:
      return !lp_.empty() && lp_.Find(lp_.First(), member) != Listpack::kNone;
    case Encoding::kHashtable:
      return ht_->Find(member) != nullptr;
  }
  return false;
}

void SetObject::ForEach(const std::function<void(std::string_view)>& visit) const {
  char scratch[kScratch];
  switch (enc_) {
    case Encoding::kIntSet:
      for (size_t i = 0; i < is_.size(); ++i) {
        size_t len = FormatInt64(is_.Get(i), scratch);
        visit(std::string_view(scratch, len));
      }
      break;
    case Encoding::kListpack:
      if (lp_.empty()) break;
      for (size_t pos = lp_.First(); pos != Listpack::kNone; pos = lp_.Next(pos)) {
        visit(lp_.Get(pos).View(scratch));
      }
      break;
    case Encoding::kHashtable:
      ht_->ForEach([&visit](SetNode* n) { visit(n->member()); });
      break;
  }
}

std::string_view SetObject::Random(char* scratch) {
  DCHECK(!empty());
  switch (enc_) {
    case Encoding::kIntSet: {
      size_t len = FormatInt64(is_.Get(SetRandom() % is_.size()), scratch);
      return {scratch, len};
    }
    case Encoding::kListpack: {
      size_t pos = lp_.Seek(static_cast<int64_t>(SetRandom() % lp_.size()));
      return lp_.Get(pos).View(scratch);
    }
    case Encoding::kHashtable:
      return ht_->Random(&SetRandom)->member();
  }
  return {};
}

void SetObject::PopRandom(std::string* out) {
  DCHECK(!empty());
  switch (enc_) {
    case Encoding::kIntSet: {
      size_t i = SetRandom() % is_.size();
      int64_t v = is_.Get(i);
      *out = Int64ToString(v);
      is_.Remove(v);
      break;
    }
    case Encoding::kListpack: {
      size_t pos = lp_.Seek(static_cast<int64_t>(SetRandom() % lp_.size()));
      char scratch[kScratch];
      out->assign(lp_.Get(pos).View(scratch));
      lp_.Delete(pos);
      break;
    }
    case Encoding::kHashtable: {
      SetNode* n = ht_->Random(&SetRandom);
      out->assign(n->member());
      SetNode* removed = ht_->Remove(*out);
      DCHECK(removed == n);
      SetNode::Destroy(removed);
      ht_->MaybeShrink();
      break;
    }
  }
}

SetObject* SetObject::TakeRandom(size_t count) {
  DCHECK(count > 0 && count < size());
  SetObject* dst = nullptr;
  std::string m;
  for (size_t i = 0; i < count; ++i) {
    if (enc_ == Encoding::kHashtable) {
      SetNode* n = ht_->Random(&SetRandom);
      SetNode* removed = ht_->Remove(n->member());
      DCHECK(removed == n);
      if (dst == nullptr) dst = Create(removed->member(), count);
      if (dst->enc_ == Encoding::kHashtable) {
        // A hashtable never holds the same member twice, so the node can go in as it is.
        dst->ht_->Insert(removed);
      } else {
        dst->Add(removed->member());
        SetNode::Destroy(removed);
      }
      continue;
    }
    PopRandom(&m);
    if (dst == nullptr) dst = Create(m, count);
    dst->Add(m);
  }
  return dst;
}

uint64_t SetObject::Scan(uint64_t cursor,
                         const std::function<void(std::string_view)>& visit) const {
  if (enc_ != Encoding::kHashtable) {
    ForEach(visit);
    return 0;
  }
  return ht_->Scan(cursor, [&visit](SetNode* n) { visit(n->member()); });
}

// ---------------------------------------------------------------------------------------------
// Tiers

void SetObject::BytesByTier(size_t bytes[kNumTiers]) const {
  MemoryTiers& m = MemoryTiers::Get();
  bytes[static_cast<int>(Tier::kDram)] += m.UsableSize(this, Tier::kDram);
  switch (enc_) {
    case Encoding::kIntSet: is_.BytesByTier(bytes); break;
    case Encoding::kListpack: lp_.BytesByTier(bytes); break;
    case Encoding::kHashtable:
      bytes[static_cast<int>(Tier::kDram)] += m.UsableSize(ht_, Tier::kDram);
      ht_->TableBytesByTier(bytes);
      ht_->ForEach([&](SetNode* n) {
        bytes[static_cast<int>(n->tier())] += m.UsableSize(n, n->tier());
      });
      break;
  }
}

void SetObject::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  switch (enc_) {
    case Encoding::kIntSet: is_.Rebalance(rule, stats, census); break;
    case Encoding::kListpack: lp_.Rebalance(rule, stats, census); break;
    case Encoding::kHashtable:
      ht_->ForEachSlot([&](SetNode** slot) {
        SetNode* n = *slot;
        Tier tier = n->tier();
        void* moved = MemoryTiers::Get().MoveBlock(n, n->AllocLength(), rule, &tier, stats, census);
        if (moved != n) {
          SetNode* copy = static_cast<SetNode*>(moved);
          copy->set_tier(tier);
          *slot = copy;
        }
      });
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// ObjectOps

namespace {

void OpsDestroy(void* o) { SetObject::Destroy(static_cast<SetObject*>(o)); }
void OpsBytesByTier(const void* o, size_t bytes[kNumTiers]) {
  static_cast<const SetObject*>(o)->BytesByTier(bytes);
}
void OpsRebalance(void* o, const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  static_cast<SetObject*>(o)->Rebalance(rule, stats, census);
}
void* OpsClone(const void* o) { return static_cast<const SetObject*>(o)->Clone(); }
const char* OpsEncoding(const void* o) { return static_cast<const SetObject*>(o)->EncodingName(); }

const ObjectOps kSetOps = {OpsDestroy, OpsBytesByTier, OpsRebalance, OpsClone, OpsEncoding};

}  // namespace

void SetObject::RegisterOps() { RegisterObjectOps(ValueType::kSet, &kSetOps); }

}  // namespace memkeydb
