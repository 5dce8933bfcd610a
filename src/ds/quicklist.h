// Quicklist: the list type's structure — a doubly linked list of nodes, each holding a run of
// elements in one Listpack, optionally LZF-compressed when the node is not near either end.
//
// Invariants
//  * Every node holds at least one element; node->count is its listpack's element count; the
//    list's size() is the sum of the counts.
//  * A node is filled up to the list's fill (list-max-listpack-size, fixed at creation as in
//    Redis): fill > 0 allows `fill` elements and at most kSafetyLimit bytes, fill -1..-5 allows
//    4, 8, 16, 32 or 64 KiB of listpack. An element that does not fit alone gets a node of its
//    own, so nodes only overflow the limit when they hold a single element.
//  * With compress depth d > 0 (list-compress-depth, fixed at creation), the d nodes at each end
//    are plain listpacks and every other node is held LZF-compressed, unless compressing it
//    would not save at least kMinCompressSaving bytes (or it is under kMinCompressBytes).
//    Readers decompress an inner node into a temporary; writers decompress it in place and
//    compress it again when done.
//
// Memory
//  * The Quicklist header and its nodes are metadata (DRAM): they hold pointers and counts, and
//    their number grows with elements / node size, not with elements.
//  * Each node's listpack blob, and the compressed blob that replaces it, is user data,
//    allocated through MemoryTiers and routed by size; the node keeps the blob's tier.
//
// REQUIRES: main thread (allocation counters).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ds/listpack.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

class Quicklist {
 public:
  static constexpr int kMaxFill = (1 << 15) - 1;
  static constexpr int kMaxDepth = (1 << 16) - 1;
  // Byte ceiling of a node under a positive (count) fill.
  static constexpr size_t kSafetyLimit = 8192;
  static constexpr size_t kMinCompressBytes = 48;
  static constexpr size_t kMinCompressSaving = 8;

  enum class End : uint8_t { kHead, kTail };

  // A new, empty list on the metadata tier. `fill` is clamped to -5..kMaxFill and `depth` to
  // 0..kMaxDepth, as Redis clamps them. Destroy() frees it.
  static Quicklist* Create(int64_t fill, int64_t depth);
  static void Destroy(Quicklist* list);
  // A deep copy with the same settings; blobs land where the placement policy puts them.
  Quicklist* Clone() const;

  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return node_count_; }
  int fill() const { return fill_; }
  int depth() const { return depth_; }

  // --- ends ---
  void Push(End end, std::string_view s);
  // Removes the element at `end` into *out. REQUIRES: !empty().
  void Pop(End end, std::string* out);

  // --- by index (0 <= index < size(); the caller converts negative indexes) ---
  void Get(size_t index, std::string* out) const;
  void Set(size_t index, std::string_view s);
  // Deletes `n` elements from `index` on. REQUIRES: index + n <= size().
  void DeleteRange(size_t index, size_t n);

  // --- by value ---
  // Inserts `s` before (or after) the first element equal to `pivot`, scanning from the head.
  // False if no element equals `pivot`.
  bool InsertByPivot(std::string_view pivot, std::string_view s, bool after);
  // Removes up to `limit` elements equal to `s` (0: all), scanning from the head, or from the
  // tail when `from_tail`. Returns how many went.
  size_t Remove(std::string_view s, size_t limit, bool from_tail);

  // Calls fn(std::string_view element, size_t index) for the elements from `start` (0 <= start
  // < size()) towards the tail, or towards the head when `reverse`, until fn returns false or
  // the list ends. The view is valid during the call only. The list must not change meanwhile.
  template <typename Fn>
  void Walk(size_t start, bool reverse, Fn&& fn) const;

  // --- RDB ---
  // One node as it is held: a plain listpack (data/bytes are the listpack blob), or a
  // compressed one (data/bytes are the LZF data alone; raw_bytes is the listpack's size).
  struct NodeView {
    const uint8_t* data;
    size_t bytes;
    size_t raw_bytes;
    bool compressed;
  };
  // Calls fn(const NodeView&) for every node from head to tail.
  template <typename Fn>
  void ForEachNode(Fn&& fn) const;
  // Appends the elements of `lp` at the tail: as one node when they fit the list's fill,
  // otherwise element by element, so the fill invariant holds either way.
  // REQUIRES: `lp` is well formed (Listpack::FromBytes accepted it).
  void AppendListpack(Listpack lp);

  // --- tiers ---
  // Adds every byte the list holds (header, nodes, blobs) to bytes[tier].
  void BytesByTier(size_t bytes[kNumTiers]) const;
  // Moves each node's blob by `rule` and counts it in *census (if not null).
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);

  // --- for tests ---
  size_t compressed_nodes() const;
  // Checks the invariants above; on failure returns false with *why saying which.
  bool Validate(std::string* why) const;

 private:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;             // empty (unallocated) while the node is compressed
    // The compressed listpack, or nullptr: the listpack's size (uint32, little endian), then
    // the LZF data. lzf_bytes counts both.
    uint8_t* lzf = nullptr;
    // Fill limits keep a node under 32768 elements: 64 KiB of 2-byte entries at most.
    uint16_t count = 0;
    Tier lzf_tier = Tier::kDram;
    uint32_t lzf_bytes = 0;

    bool compressed() const { return lzf != nullptr; }
    size_t raw_bytes() const {
      uint32_t n;
      std::memcpy(&n, lzf, sizeof(n));
      return n;
    }
    size_t bytes() const { return compressed() ? raw_bytes() : lp.bytes(); }
  };
  // 32 bytes of links and listpack, 16 of compression state and count: one 48-byte size class.
  static_assert(sizeof(Node) <= 48);

  Quicklist(int fill, int depth) : fill_(static_cast<int16_t>(fill)), depth_(depth) {}
  ~Quicklist();

  static Node* NewNode();
  static void FreeNode(Node* n);
  void LinkAfter(Node* at, Node* n);  // at == nullptr: at the head
  void Unlink(Node* n);

  // Whether `n` may take one more element of `entry_bytes` bytes (Listpack::EntrySize).
  bool AllowInsert(const Node* n, size_t entry_bytes) const;
  // Whether `a` and `b` fit into one node.
  bool AllowMerge(const Node* a, const Node* b) const;
  // Whether `n` holds more than one element and is past the fill's byte or count limit.
  bool Overfull(const Node* n) const;

  // The node holding element `index`, and the element's position in it.
  const Node* Locate(size_t index, size_t* offset) const;
  Node* Locate(size_t index, size_t* offset) {
    return const_cast<Node*>(static_cast<const Quicklist*>(this)->Locate(index, offset));
  }
  // The node's listpack for reading: the node's own, or `temp` holding a decompressed copy.
  const Listpack& ReadView(const Node* n, Listpack* temp) const;

  // Compression: Compress keeps the node as it is when compressing would not pay.
  static void Compress(Node* n);
  static void Decompress(Node* n);
  bool IsInner(const Node* n) const;
  // Compresses `n` if it is an inner node, else leaves it plain.
  void Settle(Node* n);
  // Re-establishes the compression state of the nodes near both ends after nodes were added
  // or removed there.
  void SettleEnds();

  // Moves elements [k, count) of `n` into a new node after it; returns the new node.
  Node* SplitAt(Node* n, size_t k);
  // Appends `b`'s elements to `a` and frees `b`. REQUIRES: b == a->next, both plain.
  void MergeInto(Node* a, Node* b);
  // After `n` changed: gives an overfull node's elements their own nodes, merges `n` with its
  // neighbours where they fit, and settles compression of every node touched.
  void Repair(Node* n);
  // Inserts `s` at position t (0..count) of plain node `n`.
  void InsertInNode(Node* n, size_t t, std::string_view s);
  // Removes an emptied node.
  void DropNode(Node* n);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  uint32_t node_count_ = 0;
  int16_t fill_;
  uint16_t depth_;
};

template <typename Fn>
void Quicklist::ForEachNode(Fn&& fn) const {
  constexpr size_t kPrefix = sizeof(uint32_t);  // see Node::lzf
  for (const Node* n = head_; n != nullptr; n = n->next) {
    if (n->compressed()) {
      fn(NodeView{n->lzf + kPrefix, n->lzf_bytes - kPrefix, n->raw_bytes(), true});
    } else {
      fn(NodeView{n->lp.data(), n->lp.bytes(), n->lp.bytes(), false});
    }
  }
}

template <typename Fn>
void Quicklist::Walk(size_t start, bool reverse, Fn&& fn) const {
  if (start >= count_) return;
  size_t offset;
  const Node* n = Locate(start, &offset);
  size_t index = start;
  Listpack temp;
  char scratch[LpValue::kIntBufSize];
  while (n != nullptr) {
    const Listpack& lp = ReadView(n, &temp);
    size_t pos = lp.Seek(static_cast<int64_t>(offset));
    while (pos != Listpack::kNone) {
      if (!fn(lp.Get(pos).View(scratch), index)) return;
      pos = reverse ? lp.Prev(pos) : lp.Next(pos);
      index = reverse ? index - 1 : index + 1;
    }
    n = reverse ? n->prev : n->next;
    if (n != nullptr) offset = reverse ? n->count - 1 : 0;
  }
}

}  // namespace memkeydb
