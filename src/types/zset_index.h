// ZNode and ZIndex: the element nodes of a large sorted set and the order-statistic B+tree that
// keeps them sorted by (score, member).
//
// ZNode is user data: one block per element holding the chained-table link, the score and the
// member bytes inline (20 bytes of header, no padding, no separate string):
//   offset 0  ZNode* next     link in the member table (ChainedTable)
//   offset 8  double score
//   offset 16 uint32 meta     bits 0..30 member length, bit 31 set when the block is far
//   offset 20 member bytes
//
// ZIndex is metadata: leaves hold up to kLeafCap node pointers in order; inner nodes hold up to
// kInnerCap children with each child's element count and smallest node, so rank, select and
// "first element where a monotone predicate fails" are O(log n) descents. Nodes below a quarter
// full are merged with or refilled from a sibling, so the tree stays at least a quarter full.
//
// The index never owns ZNodes: the sorted set frees them. Comparisons read the nodes' keys, so
// a node moved to another tier must be re-pointed with Replace() before the index is used again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "memory/tier.h"

namespace memkeydb {

struct ZNode {
  ZNode* next;
  double score;
  uint32_t meta;

  static constexpr size_t kHeaderSize = 20;
  static constexpr uint32_t kFarBit = 1u << 31;

  // Allocates a node through MemoryTiers (user data) holding `member` and `score`.
  static ZNode* Create(std::string_view member, double score);
  static void Destroy(ZNode* n);

  size_t len() const { return meta & ~kFarBit; }
  Tier tier() const { return (meta & kFarBit) ? Tier::kFar : Tier::kDram; }
  void set_tier(Tier t) { meta = (meta & ~kFarBit) | (t == Tier::kFar ? kFarBit : 0); }
  const char* data() const { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  char* data() { return reinterpret_cast<char*>(this) + kHeaderSize; }
  std::string_view member() const { return {data(), len()}; }
  size_t block_length() const { return kHeaderSize + len(); }
};
static_assert(offsetof(ZNode, meta) == 16);

// Sorted-set order: by score, then by member bytes.
inline int CompareKey(double s1, std::string_view m1, double s2, std::string_view m2) {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1.compare(m2) < 0 ? -1 : (m1 == m2 ? 0 : 1);
}
inline bool NodeLess(const ZNode* a, const ZNode* b) {
  return CompareKey(a->score, a->member(), b->score, b->member()) < 0;
}

class ZIndex {
 public:
  static constexpr int kLeafCap = 64;
  static constexpr int kInnerCap = 32;

  struct Leaf;
  // A position in the index: a leaf and a slot in it. leaf == nullptr is "past the end".
  struct Pos {
    Leaf* leaf = nullptr;
    uint32_t idx = 0;
    bool valid() const { return leaf != nullptr; }
  };

  ZIndex();
  ~ZIndex();
  ZIndex(const ZIndex&) = delete;
  ZIndex& operator=(const ZIndex&) = delete;

  size_t size() const { return size_; }
  // REQUIRES: no node with x's key is present.
  void Insert(ZNode* x);
  // Removes x (found by its key); returns false if it is not in the index.
  bool Erase(const ZNode* x);
  // 0-based rank of x. REQUIRES: x is in the index.
  size_t Rank(const ZNode* x) const;
  // The position of the element of rank r, or an invalid Pos if r >= size().
  Pos At(size_t r) const;
  static ZNode* Get(Pos p);
  static void Next(Pos* p);
  static void Prev(Pos* p);
  // The number of leading elements for which `pred` is true. REQUIRES: pred is true on a prefix
  // of the order and false after it.
  template <typename Pred>
  size_t CountWhile(const Pred& pred) const;
  // Points the index at `fresh`, a copy of `old` (same key) at another address. `old` may already
  // be freed: it is only compared as a pointer.
  void Replace(const ZNode* old, ZNode* fresh);
  // Bytes of the tree's own blocks (metadata).
  size_t bytes() const { return bytes_; }

  struct Inner;

 private:
  void* NewLeaf();
  void* NewInner();
  void FreeBlock(void* p);
  void FreeTree(void* node, int h);
  static ZNode* MinOf(void* node, int h);
  static size_t CountOf(void* node, int h);
  void* InsertRec(void* node, int h, ZNode* x);
  bool EraseRec(void* node, int h, const ZNode* x);
  void FixChild(Inner* in, int i, int h);

  void* root_;
  int height_ = 0;  // 0: the root is a leaf
  size_t size_ = 0;
  size_t bytes_ = 0;
};

struct ZIndex::Leaf {
  uint32_t n = 0;
  Leaf* prev = nullptr;
  Leaf* next = nullptr;
  ZNode* item[kLeafCap + 1];
};

struct ZIndex::Inner {
  uint32_t n = 0;
  void* child[kInnerCap + 1];
  uint64_t count[kInnerCap + 1];
  ZNode* min[kInnerCap + 1];
};

inline ZNode* ZIndex::Get(Pos p) { return p.leaf->item[p.idx]; }

inline void ZIndex::Next(Pos* p) {
  if (++p->idx >= p->leaf->n) {
    p->leaf = p->leaf->next;
    p->idx = 0;
  }
}

inline void ZIndex::Prev(Pos* p) {
  if (p->idx == 0) {
    p->leaf = p->leaf->prev;
    p->idx = p->leaf ? p->leaf->n - 1 : 0;
  } else {
    --p->idx;
  }
}

template <typename Pred>
size_t ZIndex::CountWhile(const Pred& pred) const {
  size_t r = 0;
  void* node = root_;
  for (int h = height_; h > 0; --h) {
    const Inner* in = static_cast<const Inner*>(node);
    // The last child whose smallest element satisfies pred holds the boundary.
    int lo = 0, hi = static_cast<int>(in->n);  // find first i with !pred(min[i])
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (pred(in->min[mid])) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return r;
    for (int i = 0; i < lo - 1; ++i) r += in->count[i];
    node = in->child[lo - 1];
  }
  const Leaf* leaf = static_cast<const Leaf*>(node);
  int lo = 0, hi = static_cast<int>(leaf->n);
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (pred(leaf->item[mid])) lo = mid + 1; else hi = mid;
  }
  return r + lo;
}

}  // namespace memkeydb
