#include "ds/quicklist.h"

#include <lzf.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "common/logging.h"
#include "memory/memory_tiers.h"

namespace memkeydb {

namespace {

// Bytes of an empty listpack (header and end marker): what two merged nodes stop paying twice.
constexpr size_t kEmptyListpackBytes = Listpack::kHeaderSize + 1;

// Copies the element at `pos` of `from` to the end of `to`, keeping integers as integers.
void CopyElement(const Listpack& from, size_t pos, Listpack* to) {
  LpValue v = from.Get(pos);
  if (v.is_int()) {
    to->AppendInt(v.num);
  } else {
    to->Append(std::string_view(v.str, v.len));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Life cycle

Quicklist* Quicklist::Create(int64_t fill, int64_t depth) {
  fill = std::clamp<int64_t>(fill, -5, kMaxFill);
  depth = std::clamp<int64_t>(depth, 0, kMaxDepth);
  Tier tier;
  void* p = MemoryTiers::Get().Allocate(sizeof(Quicklist), Placement::kMetadata, &tier);
  return new (p) Quicklist(static_cast<int>(fill), static_cast<int>(depth));
}

void Quicklist::Destroy(Quicklist* list) {
  list->~Quicklist();
  MemoryTiers::Get().Free(list, Tier::kDram);
}

Quicklist::~Quicklist() {
  Node* n = head_;
  while (n != nullptr) {
    Node* next = n->next;
    FreeNode(n);
    n = next;
  }
}

Quicklist::Node* Quicklist::NewNode() {
  Tier tier;
  void* p = MemoryTiers::Get().Allocate(sizeof(Node), Placement::kMetadata, &tier);
  return new (p) Node();
}

void Quicklist::FreeNode(Node* n) {
  if (n->lzf != nullptr) MemoryTiers::Get().Free(n->lzf, n->lzf_tier);
  n->~Node();
  MemoryTiers::Get().Free(n, Tier::kDram);
}

Quicklist* Quicklist::Clone() const {
  Quicklist* copy = Create(fill_, depth_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    Node* c = NewNode();
    c->count = n->count;
    if (n->compressed()) {
      c->lzf = static_cast<uint8_t*>(
          MemoryTiers::Get().Allocate(n->lzf_bytes, Placement::kUserData, &c->lzf_tier));
      std::memcpy(c->lzf, n->lzf, n->lzf_bytes);
      c->lzf_bytes = n->lzf_bytes;
    } else {
      c->lp = n->lp.Clone();
    }
    copy->LinkAfter(copy->tail_, c);
  }
  copy->count_ = count_;
  return copy;
}

void Quicklist::LinkAfter(Node* at, Node* n) {
  n->prev = at;
  n->next = at != nullptr ? at->next : head_;
  if (n->next != nullptr) {
    n->next->prev = n;
  } else {
    tail_ = n;
  }
  if (at != nullptr) {
    at->next = n;
  } else {
    head_ = n;
  }
  ++node_count_;
}

void Quicklist::Unlink(Node* n) {
  if (n->prev != nullptr) {
    n->prev->next = n->next;
  } else {
    head_ = n->next;
  }
  if (n->next != nullptr) {
    n->next->prev = n->prev;
  } else {
    tail_ = n->prev;
  }
  --node_count_;
}

void Quicklist::DropNode(Node* n) {
  Unlink(n);
  FreeNode(n);
}

// ---------------------------------------------------------------------------------------------
// Fill limits

namespace {

size_t MaxCount(int fill) {
  if (fill > 0) return static_cast<size_t>(fill);
  return fill == 0 ? 1 : SIZE_MAX;
}

size_t ByteLimit(int fill) {
  return fill >= 0 ? Quicklist::kSafetyLimit : size_t{4096} << (-fill - 1);
}

}  // namespace

bool Quicklist::AllowInsert(const Node* n, size_t entry_bytes) const {
  return size_t{n->count} + 1 <= MaxCount(fill_) && n->bytes() + entry_bytes <= ByteLimit(fill_);
}

bool Quicklist::AllowMerge(const Node* a, const Node* b) const {
  return size_t{a->count} + b->count <= MaxCount(fill_) &&
         a->bytes() + b->bytes() - kEmptyListpackBytes <= ByteLimit(fill_);
}

bool Quicklist::Overfull(const Node* n) const {
  return n->count > 1 && (n->count > MaxCount(fill_) || n->bytes() > ByteLimit(fill_));
}

// ---------------------------------------------------------------------------------------------
// Compression

void Quicklist::Compress(Node* n) {
  if (n->compressed()) return;
  size_t raw = n->lp.bytes();
  if (raw < kMinCompressBytes) return;
  MemoryTiers& tiers = MemoryTiers::Get();
  Tier tier;
  auto* out = static_cast<uint8_t*>(tiers.Allocate(raw, Placement::kUserData, &tier));
  constexpr size_t kPrefix = sizeof(uint32_t);
  unsigned packed = lzf_compress(n->lp.data(), static_cast<unsigned>(raw), out + kPrefix,
                                 static_cast<unsigned>(raw - kPrefix));
  if (packed == 0 || kPrefix + packed + kMinCompressSaving >= raw) {
    tiers.Free(out, tier);
    return;
  }
  uint32_t raw32 = static_cast<uint32_t>(raw);
  std::memcpy(out, &raw32, kPrefix);
  n->lzf_bytes = static_cast<uint32_t>(kPrefix + packed);
  n->lzf = static_cast<uint8_t*>(tiers.Reallocate(out, n->lzf_bytes, Placement::kUserData, &tier));
  n->lzf_tier = tier;
  n->lp = Listpack();
}

namespace {

// Expands a compressed node's blob (see Node::lzf) into `out`.
void Expand(const uint8_t* lzf, uint32_t lzf_bytes, Listpack* out) {
  uint32_t raw;
  std::memcpy(&raw, lzf, sizeof(raw));
  MemoryTiers& tiers = MemoryTiers::Get();
  Tier tier;
  void* buf = tiers.Allocate(raw, Placement::kUserData, &tier);
  unsigned got = lzf_decompress(lzf + sizeof(raw), lzf_bytes - sizeof(raw), buf, raw);
  bool ok = got == raw && Listpack::FromBytes(static_cast<const uint8_t*>(buf), raw, out);
  tiers.Free(buf, tier);
  CHECK(ok);  // the blob is ours: a failure here is memory corruption, not bad input
}

}  // namespace

void Quicklist::Decompress(Node* n) {
  if (!n->compressed()) return;
  Expand(n->lzf, n->lzf_bytes, &n->lp);
  MemoryTiers::Get().Free(n->lzf, n->lzf_tier);
  n->lzf = nullptr;
  n->lzf_bytes = 0;
}

const Listpack& Quicklist::ReadView(const Node* n, Listpack* temp) const {
  if (!n->compressed()) return n->lp;
  Expand(n->lzf, n->lzf_bytes, temp);
  return *temp;
}

bool Quicklist::IsInner(const Node* n) const {
  if (depth_ == 0 || node_count_ < 2u * depth_ + 1) return false;
  const Node* back = n;
  const Node* ahead = n;
  for (unsigned i = 0; i < depth_; ++i) {
    back = back->prev;
    ahead = ahead->next;
    if (back == nullptr || ahead == nullptr) return false;
  }
  return true;
}

void Quicklist::Settle(Node* n) {
  if (IsInner(n)) {
    Compress(n);
  } else {
    Decompress(n);
  }
}

void Quicklist::SettleEnds() {
  if (depth_ == 0) return;
  // The depth_ nodes at each end are plain; the next one in is inner if the list is long enough
  // for it to be depth_ nodes away from the other end too.
  bool next_is_inner = node_count_ >= 2u * depth_ + 1;
  Node* h = head_;
  Node* t = tail_;
  for (unsigned i = 0; i < depth_ && h != nullptr; ++i) {
    Decompress(h);
    Decompress(t);
    h = h->next;
    t = t->prev;
  }
  if (next_is_inner) {
    Compress(h);
    Compress(t);
  }
}

size_t Quicklist::compressed_nodes() const {
  size_t n = 0;
  for (const Node* x = head_; x != nullptr; x = x->next) n += x->compressed();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Structure

const Quicklist::Node* Quicklist::Locate(size_t index, size_t* offset) const {
  DCHECK(index < count_);
  if (index < count_ / 2) {
    const Node* n = head_;
    while (index >= n->count) {
      index -= n->count;
      n = n->next;
    }
    *offset = index;
    return n;
  }
  size_t back = count_ - 1 - index;
  const Node* n = tail_;
  while (back >= n->count) {
    back -= n->count;
    n = n->prev;
  }
  *offset = n->count - 1 - back;
  return n;
}

Quicklist::Node* Quicklist::SplitAt(Node* n, size_t k) {
  DCHECK(!n->compressed() && k > 0 && k < n->count);
  Node* r = NewNode();
  for (size_t pos = n->lp.Seek(static_cast<int64_t>(k)); pos != Listpack::kNone;
       pos = n->lp.Next(pos)) {
    CopyElement(n->lp, pos, &r->lp);
  }
  r->count = static_cast<uint16_t>(n->count - k);
  n->lp.DeleteRangeAt(static_cast<int64_t>(k), r->count);
  n->count = static_cast<uint16_t>(k);
  LinkAfter(n, r);
  return r;
}

void Quicklist::MergeInto(Node* a, Node* b) {
  DCHECK(a->next == b && !a->compressed() && !b->compressed());
  a->lp.AppendAll(b->lp);
  a->count += b->count;
  DropNode(b);
}

namespace {

// The largest k >= 1 such that the first k elements of `lp` fit a node of `max_count` elements
// and `max_bytes` bytes.
size_t FitPrefix(const Listpack& lp, size_t max_count, size_t max_bytes) {
  size_t k = 0;
  size_t bytes = kEmptyListpackBytes;
  for (size_t pos = lp.First(); pos != Listpack::kNone; ) {
    size_t next = lp.Next(pos);
    size_t end = next != Listpack::kNone ? next : lp.bytes() - 1;
    bytes += end - pos;
    if (k > 0 && (k + 1 > max_count || bytes > max_bytes)) break;
    ++k;
    pos = next;
  }
  return std::max<size_t>(k, 1);
}

}  // namespace

void Quicklist::Repair(Node* n) {
  Decompress(n);
  Node* first = n;
  Node* last = n;
  while (Overfull(last)) {
    last = SplitAt(last, FitPrefix(last->lp, MaxCount(fill_), ByteLimit(fill_)));
  }
  if (first->prev != nullptr && AllowMerge(first->prev, first)) {
    Node* p = first->prev;
    Decompress(p);
    MergeInto(p, first);
    if (last == first) last = p;
    first = p;
  }
  if (last->next != nullptr && AllowMerge(last, last->next)) {
    Decompress(last->next);
    MergeInto(last, last->next);
  }
  SettleEnds();
  // Nodes added or removed here move their neighbours relative to the ends.
  if (first->prev != nullptr) Settle(first->prev);
  for (Node* m = first;; m = m->next) {
    Settle(m);
    if (m == last) break;
  }
  if (last->next != nullptr) Settle(last->next);
}

// ---------------------------------------------------------------------------------------------
// Ends

void Quicklist::Push(End end, std::string_view s) {
  bool head = end == End::kHead;
  Node* n = head ? head_ : tail_;
  ++count_;
  if (n != nullptr && AllowInsert(n, Listpack::EntrySize(s))) {
    Decompress(n);  // only when depth is 0 could an end node be compressed: it never is
    if (head) {
      n->lp.Prepend(s);
    } else {
      n->lp.Append(s);
    }
    ++n->count;
    return;
  }
  Node* m = NewNode();
  m->lp.Append(s);
  m->count = 1;
  LinkAfter(head ? nullptr : tail_, m);
  SettleEnds();
}

void Quicklist::AppendListpack(Listpack lp) {
  size_t n = lp.size();
  if (n == 0) return;
  if (n <= MaxCount(fill_) && n <= UINT16_MAX && (n == 1 || lp.bytes() <= ByteLimit(fill_))) {
    Node* m = NewNode();
    m->lp = std::move(lp);
    m->count = static_cast<uint16_t>(n);
    count_ += n;
    LinkAfter(tail_, m);
    SettleEnds();
    return;
  }
  char scratch[LpValue::kIntBufSize];
  for (size_t pos = lp.First(); pos != Listpack::kNone; pos = lp.Next(pos)) {
    Push(End::kTail, lp.Get(pos).View(scratch));
  }
}

void Quicklist::Pop(End end, std::string* out) {
  DCHECK(count_ > 0);
  Node* n = end == End::kHead ? head_ : tail_;
  Decompress(n);
  size_t pos = end == End::kHead ? n->lp.First() : n->lp.Last();
  char scratch[LpValue::kIntBufSize];
  out->assign(n->lp.Get(pos).View(scratch));
  --count_;
  if (--n->count == 0) {
    DropNode(n);
    SettleEnds();
  } else {
    n->lp.Delete(pos);
  }
}

// ---------------------------------------------------------------------------------------------
// By index

void Quicklist::Get(size_t index, std::string* out) const {
  size_t offset;
  const Node* n = Locate(index, &offset);
  Listpack temp;
  const Listpack& lp = ReadView(n, &temp);
  char scratch[LpValue::kIntBufSize];
  out->assign(lp.Get(lp.Seek(static_cast<int64_t>(offset))).View(scratch));
}

void Quicklist::Set(size_t index, std::string_view s) {
  size_t offset;
  Node* n = Locate(index, &offset);
  Decompress(n);
  n->lp.Replace(n->lp.Seek(static_cast<int64_t>(offset)), s);
  Repair(n);
}

void Quicklist::DeleteRange(size_t index, size_t n) {
  if (n == 0) return;
  DCHECK(index + n <= count_);
  size_t offset;
  Node* node = Locate(index, &offset);
  count_ -= n;
  Node* partial[2] = {nullptr, nullptr};  // at most the first and the last node lose part
  while (n > 0) {
    Node* next = node->next;
    size_t take = std::min<size_t>(n, node->count - offset);
    if (take == node->count) {
      DropNode(node);
    } else {
      Decompress(node);
      node->lp.DeleteRangeAt(static_cast<int64_t>(offset), take);
      node->count -= static_cast<uint16_t>(take);
      partial[partial[0] == nullptr ? 0 : 1] = node;
    }
    n -= take;
    offset = 0;
    node = next;
  }
  // The later node first: repairing it can merge it into the earlier one, never the reverse.
  if (partial[1] != nullptr) Repair(partial[1]);
  if (partial[0] != nullptr) Repair(partial[0]);
  SettleEnds();
}

// ---------------------------------------------------------------------------------------------
// By value

void Quicklist::InsertInNode(Node* n, size_t t, std::string_view s) {
  DCHECK(!n->compressed() && t <= n->count);
  size_t entry = Listpack::EntrySize(s);
  ++count_;
  if (AllowInsert(n, entry)) {
    if (t == n->count) {
      n->lp.Append(s);
    } else {
      n->lp.Insert(n->lp.Seek(static_cast<int64_t>(t)), s, /*after=*/false);
    }
    ++n->count;
    Settle(n);
    return;
  }
  // At a node's edge the element may go to the neighbour, or to a node of its own.
  Node* neighbour = t == n->count ? n->next : (t == 0 ? n->prev : nullptr);
  if (neighbour != nullptr && AllowInsert(neighbour, entry)) {
    Decompress(neighbour);
    if (t == 0) {
      neighbour->lp.Append(s);
    } else {
      neighbour->lp.Prepend(s);
    }
    ++neighbour->count;
    Settle(neighbour);
    Settle(n);
    return;
  }
  if (t == 0 || t == n->count) {
    Node* m = NewNode();
    m->lp.Append(s);
    m->count = 1;
    LinkAfter(t == 0 ? n->prev : n, m);
    Settle(n);
    Repair(m);
    return;
  }
  // Inside a full node: split it there and append to the left part; Repair gives the element
  // its own node if it does not fit, and merges what fits with the right part.
  SplitAt(n, t);
  n->lp.Append(s);
  ++n->count;
  Repair(n);
}

bool Quicklist::InsertByPivot(std::string_view pivot, std::string_view s, bool after) {
  Listpack temp;
  for (Node* n = head_; n != nullptr; n = n->next) {
    const Listpack& lp = ReadView(n, &temp);
    size_t found = lp.Find(lp.First(), pivot);
    if (found == Listpack::kNone) continue;
    size_t k = 0;
    for (size_t pos = lp.First(); pos != found; pos = lp.Next(pos)) ++k;
    temp = Listpack();
    Decompress(n);
    InsertInNode(n, after ? k + 1 : k, s);
    return true;
  }
  return false;
}

namespace {

// Deletes elements equal to `s` from `lp`, at most `budget`; from the last one backwards when
// `from_tail`. Returns how many it deleted.
size_t RemoveFromListpack(Listpack* lp, std::string_view s, size_t budget, bool from_tail) {
  size_t removed = 0;
  if (!from_tail) {
    size_t pos = lp->Find(lp->First(), s);
    while (pos != Listpack::kNone && removed < budget) {
      pos = lp->Delete(pos);
      ++removed;
      if (pos != Listpack::kNone) pos = lp->Find(pos, s);
    }
    return removed;
  }
  size_t pos = lp->Last();
  while (pos != Listpack::kNone && removed < budget) {
    size_t prev = lp->Prev(pos);  // before the deleted element: its offset stays valid
    if (lp->Get(pos).Equals(s)) {
      lp->Delete(pos);
      ++removed;
    }
    pos = prev;
  }
  return removed;
}

}  // namespace

size_t Quicklist::Remove(std::string_view s, size_t limit, bool from_tail) {
  size_t budget = limit == 0 ? SIZE_MAX : limit;
  size_t removed = 0;
  Listpack temp;
  Node* n = from_tail ? tail_ : head_;
  while (n != nullptr && removed < budget) {
    Node* next = from_tail ? n->prev : n->next;
    const Listpack& view = ReadView(n, &temp);
    bool present = view.Find(view.First(), s) != Listpack::kNone;
    temp = Listpack();
    if (present) {
      Decompress(n);
      size_t k = RemoveFromListpack(&n->lp, s, budget - removed, from_tail);
      removed += k;
      n->count -= static_cast<uint16_t>(k);
      if (n->count == 0) {
        DropNode(n);
      } else {
        Settle(n);
      }
    }
    n = next;
  }
  count_ -= removed;
  if (removed == 0) return 0;
  // Merge what the deletions left small, over the part that was scanned (and the first node
  // past it), then fix compression near the ends.
  Node* a = from_tail ? (n != nullptr ? n : head_) : head_;
  Node* stop = from_tail ? nullptr : n;
  while (a != nullptr && a != stop && a->next != nullptr) {
    Node* b = a->next;
    if (AllowMerge(a, b)) {
      Decompress(a);
      Decompress(b);
      bool reached_stop = b == stop;
      MergeInto(a, b);
      if (reached_stop) break;
    } else {
      Settle(a);
      a = b;
    }
  }
  if (a != nullptr) Settle(a);
  SettleEnds();
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Tiers

void Quicklist::BytesByTier(size_t bytes[kNumTiers]) const {
  MemoryTiers& tiers = MemoryTiers::Get();
  size_t dram = tiers.UsableSize(this, Tier::kDram);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    dram += tiers.UsableSize(n, Tier::kDram);
    if (n->compressed()) {
      bytes[static_cast<int>(n->lzf_tier)] += tiers.UsableSize(n->lzf, n->lzf_tier);
    } else {
      n->lp.BytesByTier(bytes);
    }
  }
  bytes[static_cast<int>(Tier::kDram)] += dram;
}

void Quicklist::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  for (Node* n = head_; n != nullptr; n = n->next) {
    if (n->compressed()) {
      n->lzf = static_cast<uint8_t*>(MemoryTiers::Get().MoveBlock(n->lzf, n->lzf_bytes, rule,
                                                                  &n->lzf_tier, stats, census));
    } else {
      n->lp.Rebalance(rule, stats, census);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation (tests)

bool Quicklist::Validate(std::string* why) const {
  size_t total = 0;
  size_t nodes = 0;
  const Node* prev = nullptr;
  Listpack temp;
  for (const Node* n = head_; n != nullptr; prev = n, n = n->next) {
    ++nodes;
    if (n->prev != prev) return *why = "broken prev link", false;
    if (n->count == 0) return *why = "empty node", false;
    const Listpack& lp = ReadView(n, &temp);
    if (lp.size() != n->count) return *why = "node count differs from its listpack", false;
    if (Overfull(n)) return *why = "node past the fill limit", false;
    total += n->count;
    // Nodes within depth of either end must be plain.
    if (depth_ > 0 && n->compressed() && !IsInner(n)) return *why = "end node compressed", false;
  }
  if (prev != tail_) return *why = "tail is not the last node", false;
  if (nodes != node_count_) return *why = "node count", false;
  if (total != count_) return *why = "element count", false;
  return true;
}

}  // namespace memkeydb
