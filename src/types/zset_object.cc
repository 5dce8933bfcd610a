#include "types/zset_object.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <new>

#include "common/logging.h"
#include "ds/compact_value.h"
#include "memory/memory_tiers.h"
#include "types/collection_limits.h"

namespace memkeydb {

size_t ScoreToString(double v, char* buf, size_t len) {
  int n;
  if (std::isnan(v)) {
    n = std::snprintf(buf, len, "nan");
  } else if (std::isinf(v)) {
    n = std::snprintf(buf, len, v < 0 ? "-inf" : "inf");
  } else if (v > -4503599627370495.0 && v < 4503599627370496.0 &&
             v == static_cast<double>(static_cast<int64_t>(v))) {
    n = std::snprintf(buf, len, "%lld", static_cast<long long>(v));
  } else {
    n = std::snprintf(buf, len, "%.17g", v);
  }
  return static_cast<size_t>(n);
}

bool ZLexRange::BelowMin(std::string_view m) const {
  if (min_is_plus) return true;
  if (min_is_minus) return false;
  int c = m.compare(min);
  return min_ex ? c <= 0 : c < 0;
}

bool ZLexRange::AboveMax(std::string_view m) const {
  if (max_is_minus) return true;
  if (max_is_plus) return false;
  int c = m.compare(max);
  return max_ex ? c >= 0 : c > 0;
}

namespace {

// The table and index of the skiplist encoding are fixed-size metadata.
template <typename T>
T* NewMeta() {
  Tier t;
  return new (MemoryTiers::Get().Allocate(sizeof(T), Placement::kMetadata, &t)) T();
}
template <typename T>
void DeleteMeta(T* p) {
  if (p == nullptr) return;
  p->~T();
  MemoryTiers::Get().Free(p, Tier::kDram);
}
template <typename T>
size_t MetaBytes(const T* p) {
  return p ? MemoryTiers::Get().UsableSize(p, Tier::kDram) : 0;
}

std::string_view LpView(const LpValue& v, char* scratch) { return v.View(scratch); }

}  // namespace

ZSetObject::ZSetObject(bool skiplist) {
  if (skiplist) {
    skiplist_ = true;
    table_ = NewMeta<ZNodeTable>();
    index_ = NewMeta<ZIndex>();
  }
}

ZSetObject::~ZSetObject() {
  if (skiplist_) {
    DeleteMeta(index_);
    DeleteMeta(table_);  // destroys the nodes
  }
}

ZSetObject* ZSetObject::Create(size_t size_hint, size_t value_len_hint) {
  const CollectionLimits& lim = Limits();
  bool skiplist = size_hint > lim.zset_max_listpack_entries ||
                  value_len_hint > lim.zset_max_listpack_value;
  Tier t;
  void* p = MemoryTiers::Get().Allocate(sizeof(ZSetObject), Placement::kMetadata, &t);
  return new (p) ZSetObject(skiplist);
}

ZSetObject* ZSetObject::AdoptListpack(Listpack lp) {
  ZSetObject* z = Create(0, 0);
  DCHECK(!z->skiplist_);
  z->lp_ = std::move(lp);
  return z;
}

size_t ZSetObject::size() const { return skiplist_ ? index_->size() : lp_.size() / 2; }

double ZSetObject::LpScore(const Listpack& lp, size_t pos) {
  LpValue v = lp.Get(pos);
  if (v.is_int()) return static_cast<double>(v.num);
  double d = 0;
  std::string_view s(v.str, v.len);
  if (s == "inf") return HUGE_VAL;
  if (s == "-inf") return -HUGE_VAL;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

size_t ZSetObject::LpFind(std::string_view member) const {
  if (lp_.empty()) return Listpack::kNone;
  return lp_.Find(lp_.First(), member, 1);
}

void ZSetObject::LpInsert(std::string_view member, double score) {
  char buf[32];
  std::string_view text(buf, ScoreToString(score, buf, sizeof(buf)));
  for (size_t pos = lp_.empty() ? Listpack::kNone : lp_.First(); pos != Listpack::kNone;) {
    size_t spos = lp_.Next(pos);
    double s = LpScore(lp_, spos);
    char scratch[LpValue::kIntBufSize];
    if (s > score || (s == score && LpView(lp_.Get(pos), scratch).compare(member) > 0)) {
      size_t at = lp_.Insert(pos, member, false);
      lp_.Insert(at, text, true);
      return;
    }
    pos = lp_.Next(spos);
  }
  lp_.Append(member);
  lp_.Append(text);
}

void ZSetObject::SlInsert(std::string_view member, double score) {
  ZNode* n = ZNode::Create(member, score);
  node_bytes_[static_cast<int>(n->tier())] += MemoryTiers::Get().UsableSize(n, n->tier());
  table_->Insert(n);
  index_->Insert(n);
}

void ZSetObject::MaybeConvert(std::string_view member) {
  if (skiplist_) return;
  const CollectionLimits& lim = Limits();
  if (size() + 1 > lim.zset_max_listpack_entries || member.size() > lim.zset_max_listpack_value ||
      lp_.bytes() + Listpack::EntrySize(member) + 32 > Listpack::kMaxSafeBytes) {
    ConvertToSkiplist();
  }
}

void ZSetObject::InsertNew(std::string_view member, double score) {
  MaybeConvert(member);
  if (skiplist_) {
    SlInsert(member, score);
  } else {
    LpInsert(member, score);
  }
}

ZSetObject::AddResult ZSetObject::Add(std::string_view member, double score, int flags,
                                      double* new_score) {
  if (std::isnan(score)) return AddResult::kNan;
  std::optional<double> cur = Score(member);
  if (cur) {
    if (flags & kNx) return AddResult::kSkipped;
    double s = score;
    if (flags & kIncr) {
      s = *cur + score;
      if (std::isnan(s)) return AddResult::kNan;
    }
    if (((flags & kLt) && s >= *cur) || ((flags & kGt) && s <= *cur)) return AddResult::kSkipped;
    *new_score = s;
    if (s == *cur) return AddResult::kUnchanged;
    if (skiplist_) {
      ZNode* n = table_->Find(member);
      // The member keeps its node; only its place in the order changes.
      index_->Erase(n);
      n->score = s;
      index_->Insert(n);
    } else {
      size_t pos = LpFind(member);
      lp_.DeleteRange(pos, 2);
      LpInsert(member, s);
    }
    return AddResult::kUpdated;
  }
  if (flags & kXx) return AddResult::kSkipped;
  *new_score = score;
  InsertNew(member, score);
  return AddResult::kAdded;
}

bool ZSetObject::Remove(std::string_view member) {
  if (skiplist_) {
    ZNode* n = table_->Remove(member);
    if (n == nullptr) return false;
    index_->Erase(n);
    node_bytes_[static_cast<int>(n->tier())] -= MemoryTiers::Get().UsableSize(n, n->tier());
    ZNode::Destroy(n);
    return true;
  }
  size_t pos = LpFind(member);
  if (pos == Listpack::kNone) return false;
  lp_.DeleteRange(pos, 2);
  return true;
}

std::optional<double> ZSetObject::Score(std::string_view member) const {
  if (skiplist_) {
    ZNode* n = table_->Find(member);
    if (n == nullptr) return std::nullopt;
    return n->score;
  }
  size_t pos = LpFind(member);
  if (pos == Listpack::kNone) return std::nullopt;
  return LpScore(lp_, lp_.Next(pos));
}

std::optional<size_t> ZSetObject::Rank(std::string_view member) const {
  if (skiplist_) {
    ZNode* n = table_->Find(member);
    if (n == nullptr) return std::nullopt;
    return index_->Rank(n);
  }
  size_t rank = 0;
  for (size_t pos = lp_.empty() ? Listpack::kNone : lp_.First(); pos != Listpack::kNone;
       pos = lp_.Next(lp_.Next(pos)), ++rank) {
    if (lp_.Get(pos).Equals(member)) return rank;
  }
  return std::nullopt;
}

template <typename Pred>
size_t ZSetObject::CountWhile(const Pred& pred) const {
  if (skiplist_) {
    return index_->CountWhile([&](const ZNode* n) { return pred(n->member(), n->score); });
  }
  size_t count = 0;
  char scratch[LpValue::kIntBufSize];
  for (size_t pos = lp_.empty() ? Listpack::kNone : lp_.First(); pos != Listpack::kNone;
       ++count) {
    size_t spos = lp_.Next(pos);
    if (!pred(LpView(lp_.Get(pos), scratch), LpScore(lp_, spos))) break;
    pos = lp_.Next(spos);
  }
  return count;
}

size_t ZSetObject::LowerRank(const ZScoreRange& r) const {
  return CountWhile([&](std::string_view, double s) { return r.BelowMin(s); });
}
size_t ZSetObject::UpperRank(const ZScoreRange& r) const {
  return CountWhile([&](std::string_view, double s) { return !r.AboveMax(s); });
}
size_t ZSetObject::LowerRank(const ZLexRange& r) const {
  return CountWhile([&](std::string_view m, double) { return r.BelowMin(m); });
}
size_t ZSetObject::UpperRank(const ZLexRange& r) const {
  return CountWhile([&](std::string_view m, double) { return !r.AboveMax(m); });
}

void ZSetObject::ForRange(size_t lo, size_t hi, bool rev, const Visitor& fn) const {
  size_t n = size();
  if (hi > n) hi = n;
  if (lo >= hi) return;
  size_t count = hi - lo;
  if (skiplist_) {
    ZIndex::Pos p = index_->At(rev ? hi - 1 : lo);
    while (count-- > 0 && p.valid()) {
      ZNode* node = ZIndex::Get(p);
      if (!fn(node->member(), node->score)) return;
      if (rev) ZIndex::Prev(&p); else ZIndex::Next(&p);
    }
    return;
  }
  char scratch[LpValue::kIntBufSize];
  size_t pos = lp_.Seek(static_cast<int64_t>(2 * (rev ? hi - 1 : lo)));
  while (count-- > 0 && pos != Listpack::kNone) {
    size_t spos = lp_.Next(pos);
    if (!fn(LpView(lp_.Get(pos), scratch), LpScore(lp_, spos))) return;
    pos = rev ? lp_.Prev(pos) : lp_.Next(spos);
    if (rev && pos != Listpack::kNone) pos = lp_.Prev(pos);
  }
}

std::pair<std::string, double> ZSetObject::At(size_t rank) const {
  std::pair<std::string, double> out;
  ForRange(rank, rank + 1, false, [&](std::string_view m, double s) {
    out = {std::string(m), s};
    return false;
  });
  return out;
}

void ZSetObject::RemoveRange(size_t lo, size_t hi) {
  size_t n = size();
  if (hi > n) hi = n;
  if (lo >= hi) return;
  if (!skiplist_) {
    lp_.DeleteRangeAt(static_cast<int64_t>(2 * lo), 2 * (hi - lo));
    return;
  }
  for (size_t count = hi - lo; count > 0; --count) {
    ZNode* node = ZIndex::Get(index_->At(lo));
    index_->Erase(node);
    table_->Remove(node->member());
    node_bytes_[static_cast<int>(node->tier())] -=
        MemoryTiers::Get().UsableSize(node, node->tier());
    ZNode::Destroy(node);
  }
}

uint64_t ZSetObject::Scan(uint64_t cursor, const Visitor& fn) const {
  DCHECK(skiplist_);
  return table_->Scan(cursor, [&](ZNode* n) { fn(n->member(), n->score); });
}

void ZSetObject::ConvertToSkiplist() {
  if (skiplist_) return;
  Listpack old = std::move(lp_);
  lp_ = Listpack();
  skiplist_ = true;
  table_ = NewMeta<ZNodeTable>();
  index_ = NewMeta<ZIndex>();
  char scratch[LpValue::kIntBufSize];
  for (size_t pos = old.empty() ? Listpack::kNone : old.First(); pos != Listpack::kNone;) {
    size_t spos = old.Next(pos);
    SlInsert(LpView(old.Get(pos), scratch), LpScore(old, spos));
    pos = old.Next(spos);
  }
}

void ZSetObject::ConvertToListpackIfFits() {
  if (!skiplist_) return;
  const CollectionLimits& lim = Limits();
  if (size() > lim.zset_max_listpack_entries) return;
  size_t total = 0;
  bool fits = true;
  ForRange(0, size(), false, [&](std::string_view m, double) {
    total += m.size();
    if (m.size() > lim.zset_max_listpack_value) fits = false;
    return fits;
  });
  if (!fits || total + 64 * size() > Listpack::kMaxSafeBytes) return;
  Listpack lp;
  char buf[32];
  ForRange(0, size(), false, [&](std::string_view m, double s) {
    lp.Append(m);
    lp.Append(std::string_view(buf, ScoreToString(s, buf, sizeof(buf))));
    return true;
  });
  DeleteMeta(index_);
  DeleteMeta(table_);
  index_ = nullptr;
  table_ = nullptr;
  node_bytes_[0] = node_bytes_[1] = 0;
  skiplist_ = false;
  lp_ = std::move(lp);
}

void ZSetObject::BytesByTier(size_t bytes[kNumTiers]) const {
  bytes[static_cast<int>(Tier::kDram)] +=
      MemoryTiers::Get().UsableSize(this, Tier::kDram);
  if (!skiplist_) {
    lp_.BytesByTier(bytes);
    return;
  }
  bytes[static_cast<int>(Tier::kDram)] += index_->bytes() + MetaBytes(index_) + MetaBytes(table_);
  // The table's bucket arrays: counted on the tier they were placed on (kTable, normally DRAM).
  bytes[static_cast<int>(Tier::kDram)] += table_->TableBytes();
  for (int t = 0; t < kNumTiers; ++t) bytes[t] += node_bytes_[t];
}

void ZSetObject::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  if (!skiplist_) {
    lp_.Rebalance(rule, stats, census);
    return;
  }
  MemoryTiers& mt = MemoryTiers::Get();
  table_->ForEachSlot([&](ZNode** slot) {
    ZNode* old = *slot;
    Tier from = old->tier();
    Tier tier = from;
    size_t before = mt.UsableSize(old, from);
    void* moved = mt.MoveBlock(old, old->block_length(), rule, &tier, stats, census);
    if (moved == old) return;
    ZNode* fresh = static_cast<ZNode*>(moved);
    fresh->set_tier(tier);
    node_bytes_[static_cast<int>(from)] -= before;
    node_bytes_[static_cast<int>(tier)] += mt.UsableSize(fresh, tier);
    *slot = fresh;
    index_->Replace(old, fresh);
  });
}

ZSetObject* ZSetObject::Clone() const {
  Tier t;
  void* p = MemoryTiers::Get().Allocate(sizeof(ZSetObject), Placement::kMetadata, &t);
  ZSetObject* copy = new (p) ZSetObject(skiplist_);
  if (!skiplist_) {
    copy->lp_ = lp_.Clone();
    return copy;
  }
  ForRange(0, size(), false, [&](std::string_view m, double s) {
    copy->SlInsert(m, s);
    return true;
  });
  return copy;
}

namespace {

void DestroyZSet(void* o) {
  ZSetObject* z = static_cast<ZSetObject*>(o);
  z->~ZSetObject();
  MemoryTiers::Get().Free(z, Tier::kDram);
}
void ZSetBytes(const void* o, size_t bytes[kNumTiers]) {
  static_cast<const ZSetObject*>(o)->BytesByTier(bytes);
}
void ZSetRebalance(void* o, const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  static_cast<ZSetObject*>(o)->Rebalance(rule, stats, census);
}
void* ZSetClone(const void* o) { return static_cast<const ZSetObject*>(o)->Clone(); }
const char* ZSetEncoding(const void* o) {
  return static_cast<const ZSetObject*>(o)->EncodingName();
}

const ObjectOps kZSetOps = {DestroyZSet, ZSetBytes, ZSetRebalance, ZSetClone, ZSetEncoding};

}  // namespace

void RegisterZSetObjectOps() { RegisterObjectOps(ValueType::kZSet, &kZSetOps); }

}  // namespace memkeydb
