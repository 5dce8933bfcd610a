#include "types/zset_index.h"

#include <algorithm>
#include <new>

#include "common/logging.h"
#include "memory/memory_tiers.h"

namespace memkeydb {

ZNode* ZNode::Create(std::string_view member, double score) {
  Tier tier;
  void* p = MemoryTiers::Get().Allocate(kHeaderSize + member.size(), Placement::kUserData, &tier);
  ZNode* n = static_cast<ZNode*>(p);
  n->next = nullptr;
  n->score = score;
  n->meta = static_cast<uint32_t>(member.size());
  n->set_tier(tier);
  if (!member.empty()) std::memcpy(n->data(), member.data(), member.size());
  return n;
}

void ZNode::Destroy(ZNode* n) { MemoryTiers::Get().Free(n, n->tier()); }

namespace {

// First slot whose element is not less than x (x's key), treating `old` as `fresh`.
template <typename Array>
int LowerBound(const Array& items, int n, const ZNode* x) {
  int lo = 0, hi = n;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (NodeLess(items[mid], x)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// The child of an inner node whose range holds x: the last child whose minimum is <= x.
int ChildFor(const ZIndex::Inner* in, const ZNode* x) {
  int lo = 1, hi = static_cast<int>(in->n);
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (NodeLess(x, in->min[mid])) hi = mid; else lo = mid + 1;
  }
  return lo - 1;
}

}  // namespace

ZIndex::ZIndex() { root_ = NewLeaf(); }

ZIndex::~ZIndex() { FreeTree(root_, height_); }

void* ZIndex::NewLeaf() {
  Tier t;
  void* p = MemoryTiers::Get().Allocate(sizeof(Leaf), Placement::kMetadata, &t);
  bytes_ += MemoryTiers::Get().UsableSize(p, Tier::kDram);
  return new (p) Leaf();
}

void* ZIndex::NewInner() {
  Tier t;
  void* p = MemoryTiers::Get().Allocate(sizeof(Inner), Placement::kMetadata, &t);
  bytes_ += MemoryTiers::Get().UsableSize(p, Tier::kDram);
  return new (p) Inner();
}

void ZIndex::FreeBlock(void* p) {
  bytes_ -= MemoryTiers::Get().UsableSize(p, Tier::kDram);
  MemoryTiers::Get().Free(p, Tier::kDram);
}

void ZIndex::FreeTree(void* node, int h) {
  if (h > 0) {
    Inner* in = static_cast<Inner*>(node);
    for (uint32_t i = 0; i < in->n; ++i) FreeTree(in->child[i], h - 1);
  }
  FreeBlock(node);
}

ZNode* ZIndex::MinOf(void* node, int h) {
  return h == 0 ? static_cast<Leaf*>(node)->item[0] : static_cast<Inner*>(node)->min[0];
}

size_t ZIndex::CountOf(void* node, int h) {
  if (h == 0) return static_cast<Leaf*>(node)->n;
  Inner* in = static_cast<Inner*>(node);
  size_t c = 0;
  for (uint32_t i = 0; i < in->n; ++i) c += in->count[i];
  return c;
}

void ZIndex::Insert(ZNode* x) {
  void* sibling = InsertRec(root_, height_, x);
  ++size_;
  if (sibling == nullptr) return;
  Inner* root = static_cast<Inner*>(NewInner());
  root->n = 2;
  root->child[0] = root_;
  root->child[1] = sibling;
  root->count[0] = CountOf(root_, height_);
  root->count[1] = CountOf(sibling, height_);
  root->min[0] = MinOf(root_, height_);
  root->min[1] = MinOf(sibling, height_);
  root_ = root;
  ++height_;
}

// Inserts x below `node` (height h); returns a new right sibling when the node split.
void* ZIndex::InsertRec(void* node, int h, ZNode* x) {
  if (h == 0) {
    Leaf* leaf = static_cast<Leaf*>(node);
    int pos = LowerBound(leaf->item, leaf->n, x);
    std::memmove(&leaf->item[pos + 1], &leaf->item[pos], (leaf->n - pos) * sizeof(ZNode*));
    leaf->item[pos] = x;
    if (++leaf->n <= kLeafCap) return nullptr;
    Leaf* right = static_cast<Leaf*>(NewLeaf());
    uint32_t keep = leaf->n / 2;
    right->n = leaf->n - keep;
    std::memcpy(right->item, &leaf->item[keep], right->n * sizeof(ZNode*));
    leaf->n = keep;
    right->next = leaf->next;
    right->prev = leaf;
    if (leaf->next) leaf->next->prev = right;
    leaf->next = right;
    return right;
  }
  Inner* in = static_cast<Inner*>(node);
  int i = in->n == 0 ? 0 : ChildFor(in, x);
  void* split = InsertRec(in->child[i], h - 1, x);
  ++in->count[i];
  in->min[i] = MinOf(in->child[i], h - 1);
  if (split == nullptr) return nullptr;
  int at = i + 1;
  size_t moved = CountOf(split, h - 1);
  in->count[i] -= moved;
  size_t tail = in->n - at;
  std::memmove(&in->child[at + 1], &in->child[at], tail * sizeof(void*));
  std::memmove(&in->count[at + 1], &in->count[at], tail * sizeof(uint64_t));
  std::memmove(&in->min[at + 1], &in->min[at], tail * sizeof(ZNode*));
  in->child[at] = split;
  in->count[at] = moved;
  in->min[at] = MinOf(split, h - 1);
  if (++in->n <= kInnerCap) return nullptr;
  Inner* right = static_cast<Inner*>(NewInner());
  uint32_t keep = in->n / 2;
  right->n = in->n - keep;
  std::memcpy(right->child, &in->child[keep], right->n * sizeof(void*));
  std::memcpy(right->count, &in->count[keep], right->n * sizeof(uint64_t));
  std::memcpy(right->min, &in->min[keep], right->n * sizeof(ZNode*));
  in->n = keep;
  return right;
}

bool ZIndex::Erase(const ZNode* x) {
  if (!EraseRec(root_, height_, x)) return false;
  --size_;
  while (height_ > 0 && static_cast<Inner*>(root_)->n == 1) {
    void* only = static_cast<Inner*>(root_)->child[0];
    FreeBlock(root_);
    root_ = only;
    --height_;
  }
  return true;
}

bool ZIndex::EraseRec(void* node, int h, const ZNode* x) {
  if (h == 0) {
    Leaf* leaf = static_cast<Leaf*>(node);
    int pos = LowerBound(leaf->item, leaf->n, x);
    if (pos >= static_cast<int>(leaf->n) || NodeLess(x, leaf->item[pos])) return false;
    std::memmove(&leaf->item[pos], &leaf->item[pos + 1], (leaf->n - pos - 1) * sizeof(ZNode*));
    --leaf->n;
    return true;
  }
  Inner* in = static_cast<Inner*>(node);
  int i = ChildFor(in, x);
  if (!EraseRec(in->child[i], h - 1, x)) return false;
  --in->count[i];
  FixChild(in, i, h);
  return true;
}

// Child i of `in` (at height h) lost an element: refresh its minimum, and merge it with or refill
// it from a neighbour when it is under a quarter full.
void ZIndex::FixChild(Inner* in, int i, int h) {
  bool leaves = h == 1;
  void* c = in->child[i];
  uint32_t cn = leaves ? static_cast<Leaf*>(c)->n : static_cast<Inner*>(c)->n;
  uint32_t cap = leaves ? kLeafCap : kInnerCap;
  if (cn >= cap / 4 || in->n == 1) {
    if (cn > 0) in->min[i] = MinOf(c, h - 1);
    return;
  }
  int l = i + 1 < static_cast<int>(in->n) ? i : i - 1;  // merge children l and l+1
  int r = l + 1;
  bool merged = false;
  if (leaves) {
    Leaf* a = static_cast<Leaf*>(in->child[l]);
    Leaf* b = static_cast<Leaf*>(in->child[r]);
    uint32_t total = a->n + b->n;
    if (total <= kLeafCap) {
      std::memcpy(&a->item[a->n], b->item, b->n * sizeof(ZNode*));
      a->n = total;
      a->next = b->next;
      if (b->next) b->next->prev = a;
      FreeBlock(b);
      merged = true;
    } else {
      ZNode* all[2 * kLeafCap + 2];
      std::memcpy(all, a->item, a->n * sizeof(ZNode*));
      std::memcpy(all + a->n, b->item, b->n * sizeof(ZNode*));
      a->n = total / 2;
      b->n = total - a->n;
      std::memcpy(a->item, all, a->n * sizeof(ZNode*));
      std::memcpy(b->item, all + a->n, b->n * sizeof(ZNode*));
    }
  } else {
    Inner* a = static_cast<Inner*>(in->child[l]);
    Inner* b = static_cast<Inner*>(in->child[r]);
    uint32_t total = a->n + b->n;
    if (total <= kInnerCap) {
      std::memcpy(&a->child[a->n], b->child, b->n * sizeof(void*));
      std::memcpy(&a->count[a->n], b->count, b->n * sizeof(uint64_t));
      std::memcpy(&a->min[a->n], b->min, b->n * sizeof(ZNode*));
      a->n = total;
      FreeBlock(b);
      merged = true;
    } else {
      uint32_t keep = total / 2;
      if (a->n > keep) {  // a gives its tail to the front of b
        uint32_t k = a->n - keep;
        std::memmove(&b->child[k], b->child, b->n * sizeof(void*));
        std::memmove(&b->count[k], b->count, b->n * sizeof(uint64_t));
        std::memmove(&b->min[k], b->min, b->n * sizeof(ZNode*));
        std::memcpy(b->child, &a->child[keep], k * sizeof(void*));
        std::memcpy(b->count, &a->count[keep], k * sizeof(uint64_t));
        std::memcpy(b->min, &a->min[keep], k * sizeof(ZNode*));
        a->n = keep;
        b->n += k;
      } else {  // b gives its head to the end of a
        uint32_t k = keep - a->n;
        std::memcpy(&a->child[a->n], b->child, k * sizeof(void*));
        std::memcpy(&a->count[a->n], b->count, k * sizeof(uint64_t));
        std::memcpy(&a->min[a->n], b->min, k * sizeof(ZNode*));
        std::memmove(b->child, &b->child[k], (b->n - k) * sizeof(void*));
        std::memmove(b->count, &b->count[k], (b->n - k) * sizeof(uint64_t));
        std::memmove(b->min, &b->min[k], (b->n - k) * sizeof(ZNode*));
        a->n = keep;
        b->n -= k;
      }
    }
  }
  if (merged) {
    in->count[l] += in->count[r];
    size_t tail = in->n - r - 1;
    std::memmove(&in->child[r], &in->child[r + 1], tail * sizeof(void*));
    std::memmove(&in->count[r], &in->count[r + 1], tail * sizeof(uint64_t));
    std::memmove(&in->min[r], &in->min[r + 1], tail * sizeof(ZNode*));
    --in->n;
    in->min[l] = MinOf(in->child[l], h - 1);
  } else {
    in->count[l] = CountOf(in->child[l], h - 1);
    in->count[r] = CountOf(in->child[r], h - 1);
    in->min[l] = MinOf(in->child[l], h - 1);
    in->min[r] = MinOf(in->child[r], h - 1);
  }
}

size_t ZIndex::Rank(const ZNode* x) const {
  size_t r = 0;
  void* node = root_;
  for (int h = height_; h > 0; --h) {
    const Inner* in = static_cast<const Inner*>(node);
    int i = ChildFor(in, x);
    for (int j = 0; j < i; ++j) r += in->count[j];
    node = in->child[i];
  }
  const Leaf* leaf = static_cast<const Leaf*>(node);
  return r + LowerBound(leaf->item, leaf->n, x);
}

ZIndex::Pos ZIndex::At(size_t r) const {
  if (r >= size_) return Pos{};
  void* node = root_;
  for (int h = height_; h > 0; --h) {
    const Inner* in = static_cast<const Inner*>(node);
    uint32_t i = 0;
    while (r >= in->count[i]) r -= in->count[i++];
    node = in->child[i];
  }
  return Pos{static_cast<Leaf*>(node), static_cast<uint32_t>(r)};
}

void ZIndex::Replace(const ZNode* old, ZNode* fresh) {
  auto key = [&](ZNode* n) { return n == old ? fresh : n; };
  void* node = root_;
  for (int h = height_; h > 0; --h) {
    Inner* in = static_cast<Inner*>(node);
    int lo = 1, hi = static_cast<int>(in->n);
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (NodeLess(fresh, key(in->min[mid]))) hi = mid; else lo = mid + 1;
    }
    int i = lo - 1;
    if (in->min[i] == old) in->min[i] = fresh;
    node = in->child[i];
  }
  Leaf* leaf = static_cast<Leaf*>(node);
  int lo = 0, hi = static_cast<int>(leaf->n);
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (NodeLess(key(leaf->item[mid]), fresh)) lo = mid + 1; else hi = mid;
  }
  CHECK(lo < static_cast<int>(leaf->n) && leaf->item[lo] == old);
  leaf->item[lo] = fresh;
}

}  // namespace memkeydb
