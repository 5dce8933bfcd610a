// Listpack: a sequence of strings and integers in one contiguous blob, in Redis 7.0's listpack
// byte format exactly (so RDB files can carry our blobs as they are, and Redis's blobs can be
// adopted after validation).
//
// Format (all little endian):
//   header   uint32 total bytes, uint16 element count (65535: "count unknown, walk to count")
//   entries  encoding+data, then backlen (the entry's encoding+data size in 1..5 bytes, 7 bits
//            per byte, written so it can be read right to left from the next entry)
//   end      0xFF
// A string that is a canonical int64 (what Redis's string2ll accepts) is stored as the smallest
// integer encoding that holds it: 7-bit unsigned, 13, 16, 24, 32 or 64-bit signed. Strings use a
// 6-bit, 12-bit or 32-bit length.
//
// The blob is user data: it is allocated, grown and shrunk through MemoryTiers as
// Placement::kUserData, so a listpack at or above the placement threshold lives in far memory.
// The object remembers its tier (the tier is needed to free).
//
// Positions are byte offsets into the blob (stable across reallocation, unlike pointers). Offset
// 0 is the header, so 0 (kNone) means "no element". Any mutation invalidates positions after
// the point of change; the mutators return the offsets the caller needs to continue.
//
// REQUIRES: main thread (allocation counters), like everything holding user data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ds/tiered_block.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

// One element read from a listpack: a string (pointing into the blob; valid until the next
// mutation) or an integer.
struct LpValue {
  const char* str = nullptr;  // nullptr for an integer
  uint32_t len = 0;
  int64_t num = 0;

  static constexpr size_t kIntBufSize = 24;
  bool is_int() const { return str == nullptr; }
  // The element as text; an integer is formatted into `scratch` (kIntBufSize bytes).
  std::string_view View(char* scratch) const;
  // Byte-wise equality with `s`, as if the element were its text (no formatting needed: an
  // integer element equals `s` only if `s` is that integer's canonical form).
  bool Equals(std::string_view s) const;
};

class Listpack {
 public:
  static constexpr size_t kNone = 0;
  static constexpr size_t kHeaderSize = 6;
  // Redis refuses to grow a listpack past 1 GiB; callers convert to another encoding before.
  static constexpr size_t kMaxSafeBytes = 1u << 30;

  // An empty listpack (7 bytes: header and end marker), allocated on first use.
  // Movable, not copyable (copying is Clone()).
  Listpack() = default;

  // Adopts a copy of `bytes` (a blob in Redis's format). Returns false, leaving *out untouched,
  // if the blob is malformed: every length must stay inside the blob, every backlen must match,
  // the count must match unless it is 65535, and the end marker must be last.
  static bool FromBytes(const uint8_t* bytes, size_t size, Listpack* out);
  // The checks FromBytes makes, without adopting: true if `bytes` is a well-formed listpack
  // of exactly `size` bytes (stream nodes validate their blob with it before copying it).
  static bool Validate(const uint8_t* bytes, size_t size);
  // A deep copy on the tier the placement policy picks for its size.
  Listpack Clone() const;

  // Number of elements (walks the blob once if the header's count is 65535).
  size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes of the blob (header to end marker), as its header records.
  size_t bytes() const;
  // The blob, for writing it out (RDB). Valid until the next mutation.
  const uint8_t* data() const;

  // --- reading ---
  size_t First() const;
  size_t Last() const;
  size_t Next(size_t pos) const;  // kNone after the last element
  size_t Prev(size_t pos) const;  // kNone before the first element
  // The element at `index` (negative counts from the end: -1 is the last), or kNone.
  size_t Seek(int64_t index) const;
  LpValue Get(size_t pos) const;
  // The first element at or after `pos` equal to `s`, checking pos, then every (skip+1)-th
  // element (skip = 1 walks the fields of field/value pairs). kNone if none.
  size_t Find(size_t pos, std::string_view s, unsigned skip = 0) const;

  // --- writing --- (each may reallocate, and so may change tier())
  void Append(std::string_view s);
  void AppendInt(int64_t v);
  void Prepend(std::string_view s);
  // Inserts `s` before or after the element at `pos`; returns the new element's offset.
  size_t Insert(size_t pos, std::string_view s, bool after);
  // Replaces the element at `pos`; returns its offset (unchanged).
  size_t Replace(size_t pos, std::string_view s);
  size_t ReplaceInt(size_t pos, int64_t v);
  // Deletes the element at `pos`; returns the offset of the element that followed (now at
  // `pos`), or kNone if it was the last.
  size_t Delete(size_t pos);
  // Deletes `count` elements starting at `pos`; returns like Delete.
  size_t DeleteRange(size_t pos, size_t count);
  // Deletes `count` elements starting at element `index` (negative from the end).
  void DeleteRangeAt(int64_t index, size_t count);
  void Clear();
  // Appends every element of `other` (list node merges).
  void AppendAll(const Listpack& other);

  // Bytes an element holding `s` would add (encoding, data and backlen): for size limits.
  static size_t EntrySize(std::string_view s);

  // --- tiers ---
  Tier tier() const { return block_.tier(); }
  // Adds the blob's usable size to bytes[tier()].
  void BytesByTier(size_t bytes[kNumTiers]) const;
  // Moves the blob to the tier `rule` names for it (see MemoryTiers::MoveBlock).
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);

 private:
  void EnsureAllocated();
  // Resizes the blob so that `remove` bytes at `pos` become a gap of `insert` bytes; updates
  // the total in the header and returns the gap's address.
  uint8_t* Splice(size_t pos, size_t remove, size_t insert);
  void AdjustCount(int64_t delta);
  size_t InsertAt(size_t at, std::string_view s);
  bool Aliases(std::string_view s) const;

  uint8_t* blob() const { return block_.data(); }  // nullptr: empty and not yet allocated

  TieredBlock block_;
};

}  // namespace memkeydb
