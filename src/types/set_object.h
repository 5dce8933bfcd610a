// SetObject: the value of a set key, in one of three encodings (OBJECT ENCODING's names):
//
//   intset     every member is a canonical int64 and there are at most set-max-intset-entries:
//              one sorted IntSet blob (Redis's intset format).
//   listpack   small sets with a non-integer member (Redis 7.2's listpack sets): at most
//              set-max-listpack-entries members, none longer than set-max-listpack-value bytes,
//              in one Listpack blob, unordered.
//   hashtable  anything larger: a ChainedTable of SetNode, one allocation per member.
//
// Conversions go one way, as in Redis: intset -> listpack or hashtable, listpack -> hashtable.
// A set never returns to a smaller encoding when it shrinks.
//
// Memory: the SetObject header (24 bytes) and the hashtable's ChainedTable object are
// Placement::kMetadata (DRAM). Blobs and member nodes are Placement::kUserData, routed by size,
// and each remembers its tier (the blobs in IntSet/Listpack, a node in a header bit). Bucket
// arrays are Placement::kTable.
//
// SetNode layout (one allocation, tight; no padding after `next`):
//   SetNode* next     8   chain link, owned by the table
//   uint8 header      1   bit 0: far tier; bit 1: long length; bits 2-7: short length (< 64)
//   [uint32 length]   4   only for long members (>= 64 bytes)
//   member bytes      length
// A 10-byte member costs 19 bytes (a 32-byte allocator class) plus its bucket pointer.
//
// REQUIRES: main thread, like everything holding user data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "ds/chained_table.h"
#include "ds/intset.h"
#include "ds/listpack.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

// One member of a hashtable-encoded set (see the layout above). Created and freed only through
// Create/Destroy; never copied.
struct SetNode {
  SetNode* next;

  static SetNode* Create(std::string_view member);
  static void Destroy(SetNode* n);

  std::string_view member() const {
    const uint8_t h = header();
    if (h & kLongBit) {
      uint32_t len;
      std::memcpy(&len, bytes() + 1, sizeof(len));
      return {reinterpret_cast<const char*>(bytes() + 1 + sizeof(len)), len};
    }
    return {reinterpret_cast<const char*>(bytes() + 1), static_cast<size_t>(h >> 2)};
  }
  Tier tier() const { return (header() & kFarBit) ? Tier::kFar : Tier::kDram; }
  void set_tier(Tier t) {
    bytes()[0] = static_cast<uint8_t>((header() & ~kFarBit) | (t == Tier::kFar ? kFarBit : 0));
  }
  // Bytes the node's allocation was requested with (what MoveBlock copies).
  size_t AllocLength() const;

 private:
  static constexpr uint8_t kFarBit = 1;
  static constexpr uint8_t kLongBit = 2;
  static constexpr size_t kShortMax = 63;

  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this) + sizeof(SetNode*); }
  const uint8_t* bytes() const {
    return reinterpret_cast<const uint8_t*>(this) + sizeof(SetNode*);
  }
  uint8_t header() const { return bytes()[0]; }
};

struct SetNodeTraits {
  static SetNode* Next(const SetNode* n) { return n->next; }
  static SetNode*& NextRef(SetNode* n) { return n->next; }
  static void SetNext(SetNode* n, SetNode* next) { n->next = next; }
  static std::string_view Key(const SetNode* n) { return n->member(); }
  static void Destroy(SetNode* n) { SetNode::Destroy(n); }
};

using SetTable = ChainedTable<SetNode, SetNodeTraits>;

class SetObject {
 public:
  enum class Encoding : uint8_t { kIntSet = 0, kListpack = 1, kHashtable = 2 };

  // An empty set in the encoding a set that starts with `first` and is about to receive about
  // `size_hint` members gets: intset if `first` is an integer, else listpack if the hint fits
  // set-max-listpack-entries, else hashtable.
  static SetObject* Create(std::string_view first, size_t size_hint);
  // An empty intset: the destination of SINTERSTORE/SUNIONSTORE/SDIFFSTORE, which then converts
  // as members arrive, so the stored encoding follows from the members (as in Redis).
  static SetObject* CreateIntSet() { return CreateEmpty(Encoding::kIntSet); }
  // An empty set in `enc` (RDB loading).
  static SetObject* CreateEmpty(Encoding enc);
  // An intset holding `is` (RDB loading adopts a validated blob). REQUIRES: !is.empty().
  static SetObject* AdoptIntSet(IntSet is);
  static void Destroy(SetObject* s);
  // A deep copy in the same encoding (COPY).
  SetObject* Clone() const;

  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;

  Encoding encoding() const { return enc_; }
  const char* EncodingName() const;
  size_t size() const;
  bool empty() const { return size() == 0; }

  // True if added (false: already a member). Converts first when the member would break the
  // current encoding's limits.
  bool Add(std::string_view member);
  // True if removed.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member);

  // Visits every member (intset ascending; otherwise storage order). `visit` must not modify
  // the set; the view is valid only during the call.
  void ForEach(const std::function<void(std::string_view)>& visit) const;
  // A random member (uniform for intset and listpack; for a hashtable, a random bucket then a
  // random node of its chain, as Redis does). Valid until the next mutation (integers are
  // formatted into `scratch`, kScratch bytes). REQUIRES: !empty().
  static constexpr size_t kScratch = 24;
  std::string_view Random(char* scratch);
  // Removes a random member and stores it in *out. REQUIRES: !empty().
  void PopRandom(std::string* out);
  // Removes `count` random members and returns them as a new set (SPOP that keeps few members
  // builds the survivors this way). The new set's encoding follows from the members, whatever
  // this set's encoding: it starts as Create(first member drawn, count), so an intset when that
  // member is an integer, and converts as SADD would while the others arrive. So survivors that
  // are all integers (and at most set-max-intset-entries) make an intset, as redis-server 7.0
  // shows, even when they came from a hashtable or a listpack. A hashtable's nodes are relinked
  // into a hashtable destination, not copied. REQUIRES: 0 < count < size().
  SetObject* TakeRandom(size_t count);

  // One SSCAN step: a hashtable visits one cursor step and returns the next cursor; the
  // compact encodings visit everything and return 0.
  uint64_t Scan(uint64_t cursor, const std::function<void(std::string_view)>& visit) const;

  // The blob of the intset encoding (RDB writing). REQUIRES: encoding() == kIntSet.
  const IntSet& intset() const { return is_; }

  // --- tiers ---
  void BytesByTier(size_t bytes[kNumTiers]) const;
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);

  // Registers the set type's ObjectOps with CompactValue (idempotent).
  static void RegisterOps();

 private:
  explicit SetObject(Encoding enc);
  ~SetObject();

  // Conversions (one way).
  void IntSetToListpack();
  void ToHashtable(size_t expected);
  // Whether intset members, once text, would fit a listpack with one more member of `len`.
  bool IntSetFitsListpack(size_t len) const;

  Encoding enc_;
  union {
    IntSet is_;
    Listpack lp_;
    SetTable* ht_;
  };
};

// A canonical int64 in `s` (what Redis's string2ll accepts)?
bool SetMemberAsInt(std::string_view s, int64_t* v);

}  // namespace memkeydb
