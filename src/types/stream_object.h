// StreamObject: the stream type (XADD, XRANGE, consumer groups).
//
// Entries live in nodes of many entries. Each node is one listpack blob in the byte layout
// Redis 7.0 uses for its stream nodes, allocated through MemoryTiers as kUserData (so a node at
// or above the placement threshold lives in far memory and the rebalancer moves it whole):
//
//   node    := count deleted master-field-count master-field* 0 entry*
//   entry   := flags ms-delta seq-delta [field-count] (field value | value)* element-count
//   flags   := bit 0 deleted, bit 1 same fields as the master entry (then only values are kept)
//   deltas  := the entry's ID minus the node's master ID (the ID of its first entry), as int64
//
// The node's master ID is the key of the node in a sorted vector of nodes (metadata), found by
// binary search. A node is split off when the next entry would take it to stream-node-max-bytes
// or it holds stream-node-max-entries entries (live and deleted), exactly when Redis splits, so
// approximate trimming removes the same entries. Deleting marks an entry; a node whose entries
// are all deleted is freed.
//
// Consumer groups, consumers and pending-entry lists are metadata (DRAM), kept in ordered maps
// whose allocations are counted in the object's own byte counter, so bytes_by_tier is exact.
//
// REQUIRES: main thread (MemoryTiers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "memory/memory_tiers.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamID Min() { return {0, 0}; }
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }
  auto operator<=>(const StreamID&) const = default;
  bool operator==(const StreamID&) const = default;
  // "ms-seq".
  std::string ToString() const;
  // The ID after / before this one; false at the ends of the ID space.
  bool Incr(StreamID* out) const;
  bool Decr(StreamID* out) const;
};

// A stateful allocator that counts the usable bytes of what it hands out into a counter owned
// by the stream, on top of MemoryTiers' metadata accounting.
template <typename T>
struct CountedAllocator {
  using value_type = T;
  size_t* counter = nullptr;
  explicit CountedAllocator(size_t* c) : counter(c) {}
  template <typename U>
  CountedAllocator(const CountedAllocator<U>& o) : counter(o.counter) {}  // NOLINT
  T* allocate(size_t n) {
    Tier tier;
    void* p = MemoryTiers::Get().Allocate(n * sizeof(T), Placement::kMetadata, &tier);
    *counter += MemoryTiers::Get().UsableSize(p, Tier::kDram);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) {
    *counter -= MemoryTiers::Get().UsableSize(p, Tier::kDram);
    MemoryTiers::Get().Free(p, Tier::kDram);
  }
  template <typename U>
  bool operator==(const CountedAllocator<U>& o) const { return counter == o.counter; }
};

using MetaString = std::basic_string<char, std::char_traits<char>, CountedAllocator<char>>;

// One consumer of a group. Its name is the key of the group's consumer map.
struct StreamConsumer {
  explicit StreamConsumer(size_t* c) : pel(CountedAllocator<StreamID>(c)) {}
  const MetaString* name = nullptr;
  int64_t seen_time = 0;  // ms
  std::set<StreamID, std::less<>, CountedAllocator<StreamID>> pel;
};

// One pending entry of a group: delivered and not yet acknowledged.
struct StreamPending {
  int64_t delivery_time = 0;  // ms
  uint64_t delivery_count = 0;
  StreamConsumer* consumer = nullptr;
};

template <typename K, typename V>
using CountedMap = std::map<K, V, std::less<>, CountedAllocator<std::pair<const K, V>>>;

struct StreamGroup {
  explicit StreamGroup(size_t* c)
      : pel(CountedAllocator<std::pair<const StreamID, StreamPending>>(c)),
        consumers(CountedAllocator<std::pair<const MetaString, StreamConsumer>>(c)) {}
  StreamID last_id;
  int64_t entries_read = -1;  // -1: unknown
  CountedMap<StreamID, StreamPending> pel;
  CountedMap<MetaString, StreamConsumer> consumers;  // map values never move
};

class StreamObject {
 public:
  // Flags of an entry in a node.
  static constexpr int64_t kFlagDeleted = 1;
  static constexpr int64_t kFlagSameFields = 2;

  // Creates an empty stream whose header is metadata.
  static StreamObject* New();
  static void Destroy(StreamObject* s);
  StreamObject* Clone() const;
  ~StreamObject();

  // --- entries ---
  // Appends an entry. REQUIRES: id > last_id(), fv non-empty and of even size.
  void Append(StreamID id, const std::vector<std::string_view>& fv);
  // Marks the entry deleted; false if there is no live entry with that ID.
  bool Delete(StreamID id);
  // The field/value pairs of the live entry `id`; false if there is none.
  bool Get(StreamID id, std::vector<std::string>* fv) const;
  // Visits live entries with start <= id <= end, ascending (or descending with rev). `fn` gets
  // the ID and the entry's field/value pairs and returns false to stop. Returns the number
  // visited.
  using Visitor = std::function<bool(StreamID, const std::vector<std::string>&)>;
  size_t Range(StreamID start, StreamID end, bool rev, const Visitor& fn) const;
  // Trimming as XADD/XTRIM do: whole nodes first; with approx only whole nodes; limit > 0 caps
  // the entries removed (whole nodes only). Returns the number of entries removed.
  int64_t TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit);
  int64_t TrimMinId(StreamID minid, bool approx, int64_t limit);

  uint64_t length() const { return length_; }
  size_t node_count() const { return nodes_.size(); }
  // The first / last live entry's ID; false when empty.
  bool FirstId(StreamID* id) const;
  bool LastLiveId(StreamID* id) const;

  StreamID last_id;               // last ID ever added (or set by XSETID)
  StreamID first_id;              // recorded first entry ID (0-0 when empty)
  StreamID max_deleted_id;        // largest ID deleted so far
  uint64_t entries_added = 0;     // all entries ever added

  // --- consumer groups (ordered by name) ---
  StreamGroup* FindGroup(std::string_view name);
  const StreamGroup* FindGroup(std::string_view name) const;
  // Returns nullptr if the group exists.
  StreamGroup* CreateGroup(std::string_view name, StreamID last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);
  StreamConsumer* FindConsumer(StreamGroup* g, std::string_view name);
  // Creates the consumer (seen time now); nullptr if it exists.
  StreamConsumer* CreateConsumer(StreamGroup* g, std::string_view name, int64_t now_ms);
  // Deletes the consumer and its pending entries from the group; returns how many it had.
  size_t DeleteConsumer(StreamGroup* g, std::string_view name);
  size_t group_count() const { return groups_.size(); }
  template <typename Fn>
  void ForEachGroup(Fn fn) const {
    for (const auto& [name, g] : groups_) fn(std::string_view(name.data(), name.size()), g);
  }
  // Whether `id` lies before the first entry, within the stream's span, etc. (entries-read
  // estimate of XINFO/XREADGROUP): the lag-valid test of Redis 7.0.
  bool RangeHasTombstones(StreamID start, StreamID end) const;
  // Redis's streamEstimateDistanceFromFirstEverEntry: the group's entries-read as best known.
  int64_t EstimateEntriesRead(StreamID id) const;

  // --- RDB form (src/persistence/rdb_stream.cc) ---
  // Calls fn(StreamID master, std::string_view blob) for every node, in ID order.
  template <typename Fn>
  void ForEachNode(Fn fn) const {
    for (const Node& n : nodes_) fn(n.master, NodeBlob(n));
  }
  // Appends a node read from a file or a payload after the nodes already there: `blob` must be
  // a listpack in the node layout above, checked element by element (CheckNode), whose live
  // entries come after every live entry already in the stream. It is copied onto the tier the
  // placement policy picks; length() grows by its live entries. False, with *why, otherwise
  // (the stream is then unchanged).
  bool AdoptNode(StreamID master, std::string_view blob, std::string* why);
  // The full consistency walk: every node as AdoptNode checks it, node order, length(),
  // last_id against the live entries, and each group's PEL against its consumers' (every
  // pending entry owned by exactly one consumer, which lists it). For loaders' callers and tests.
  bool Validate(std::string* why) const;

  // --- memory ---
  void BytesByTier(size_t bytes[kNumTiers]) const;
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);
  // The node's bytes (tests).
  size_t node_bytes(size_t i) const;

 private:
  struct Node {
    StreamID master;
    uint8_t* lp;
    Tier tier;
  };
  using NodeVec = std::vector<Node, CountedAllocator<Node>>;

  StreamObject();
  static std::string_view NodeBlob(const Node& n);
  // Index of the node that would hold `id` (the last whose master <= id), or nodes_.size()
  // when id is before every node... returns 0 then.
  size_t NodeFor(StreamID id) const;
  void FreeNode(Node* n);
  void RemoveNodes(size_t first, size_t count);
  // The trimming both XTRIM strategies share: removes whole nodes from the head while
  // `node_goes(node, entries)` holds (and `limit`, if > 0, allows), then, unless `approx`,
  // marks the next node's live entries deleted while `entry_goes(id)` holds. Returns the count.
  int64_t TrimHead(bool approx, int64_t limit,
                   const std::function<bool(const Node&, int64_t entries)>& node_goes,
                   const std::function<bool(StreamID)>& entry_goes);
  // Updates first_id after deletions.
  void RefreshFirstId();

  size_t meta_bytes_ = 0;  // counted metadata allocations (index, groups)
  NodeVec nodes_;
  uint64_t length_ = 0;
  CountedMap<MetaString, StreamGroup> groups_;

  friend class StreamNodeReader;
};

// Registers the stream's ObjectOps (idempotent).
void RegisterStreamObjectOps();

}  // namespace memkeydb
