// CompactValue: the 16-byte value slot held by every key entry.
//
// It stores a string in one of three forms, or a pointer to a collection object:
//   inline  up to 14 bytes inside the slot itself (no allocation at all);
//   int     a canonical decimal int64 kept as a number (counters cost nothing extra);
//   blob    a pointer to bytes allocated through MemoryTiers as kUserData, so a blob of at least
//           the placement threshold lives in far memory. The tier bit is kept in the slot so
//           freeing never has to detect the tier.
//   object  a pointer to a collection (list, hash, set, zset, stream) whose header is metadata.
//
// Layout (x86-64, little endian):
//   inline: bytes[0..13] data, byte 14 length, byte 15 tag
//   int:    bytes[0..7] int64, byte 15 tag
//   blob:   bytes[0..7] pointer, bytes[8..13] 48-bit length, byte 15 tag
//   object: bytes[0..7] pointer, byte 14 object type, byte 15 tag
//   tag:    bits 0-2 form, bit 3 far tier, bits 4-5 Redis encoding name for strings.
//
// A CompactValue owns what it points to: Reset() frees it. It is not copyable; Move() transfers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

enum class ValueType : uint8_t { kNone = 0, kString, kList, kSet, kZSet, kHash, kStream };

// Names Redis uses for OBJECT ENCODING of strings.
enum class StringEncoding : uint8_t { kInt = 0, kEmbStr = 1, kRaw = 2 };

// The name TYPE replies for a value type ("string", "list", ..., "none").
const char* TypeName(ValueType t);

class CompactValue {
 public:
  static constexpr size_t kInlineMax = 14;
  // Redis stores strings up to this length as "embstr"; longer ones are "raw".
  static constexpr size_t kEmbStrMax = 44;
  // Scratch size for StringView() of an integer.
  static constexpr size_t kIntBufSize = 24;

  CompactValue() { std::memset(bytes_, 0, sizeof(bytes_)); }
  ~CompactValue() { Reset(); }
  CompactValue(const CompactValue&) = delete;
  CompactValue& operator=(const CompactValue&) = delete;

  // Frees whatever the value owns and leaves it empty.
  void Reset();
  // Takes over `other`'s contents; `other` becomes empty. Frees the current contents first.
  void MoveFrom(CompactValue* other);
  // Makes this an exact copy of a string value — same form and encoding name (COPY).
  // REQUIRES: other.type() == ValueType::kString.
  void CopyStringFrom(const CompactValue& other);
  // Makes this a deep copy of any value (COPY): strings as CopyStringFrom, collections through
  // their type's clone.
  void CopyFrom(const CompactValue& other);

  bool empty() const { return form() == kEmpty; }
  ValueType type() const;

  // --- strings ---
  // Stores `s`, choosing the int, inline or blob form and Redis's encoding name the way SET does.
  // With allow_int false a numeric string stays a string ("embstr"), as Redis keeps the result
  // of INCRBYFLOAT.
  void SetString(std::string_view s, bool allow_int = true);
  void SetInt(int64_t v);
  // Length of the string form, without formatting an integer.
  size_t StringLength() const;
  // The bytes of a string value; `scratch` (kIntBufSize bytes) holds an integer's digits.
  std::string_view StringView(char* scratch) const;
  // True and *v set if the value is stored as an integer.
  bool GetInt(int64_t* v) const {
    if (form() != kInt) return false;
    std::memcpy(v, bytes_, sizeof(int64_t));
    return true;
  }
  // Makes the string a blob of exactly `new_len` bytes (keeping the existing prefix, zero-filling
  // growth) and returns its bytes for in-place modification (APPEND, SETRANGE, SETBIT). Growth
  // keeps slack so repeated appends are amortised O(1). Marks the encoding "raw", as Redis does.
  char* MutableString(size_t new_len);
  StringEncoding string_encoding() const { return static_cast<StringEncoding>((tag() >> 4) & 3); }
  // OBJECT ENCODING's name for this value ("int", "embstr", "raw"; collections ask their type).
  const char* EncodingName() const;

  // --- collections ---
  void SetObject(ValueType type, void* object);
  void* object() const { return form() == kObject ? LoadPtr() : nullptr; }

  // --- placement ---
  bool on_far_tier() const { return (tag() & kFarBit) != 0; }
  // Bytes this value holds outside its 16-byte slot (for MEMORY USAGE and tests).
  size_t ExternalBytes() const;
  // The same, split by tier: adds to bytes[Tier].
  void ExternalBytesByTier(size_t bytes[kNumTiers]) const;
  // Moves the user data this value owns to the tier `rule` names for it (the rebalancer), and
  // counts it, where it ends up, in *census (if not null).
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);

 private:
  enum Form : uint8_t { kEmpty = 0, kInline = 1, kInt = 2, kBlob = 3, kObject = 4 };
  static constexpr uint8_t kFarBit = 1 << 3;

  uint8_t tag() const { return bytes_[15]; }
  Form form() const { return static_cast<Form>(tag() & 7); }
  void set_tag(Form f, bool far, StringEncoding enc) {
    bytes_[15] = static_cast<uint8_t>(f | (far ? kFarBit : 0) | (static_cast<uint8_t>(enc) << 4));
  }
  void* LoadPtr() const {
    void* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  void StorePtr(void* p) { std::memcpy(bytes_, &p, sizeof(p)); }
  uint64_t BlobLength() const {
    uint64_t n = 0;
    std::memcpy(&n, bytes_ + 8, 6);
    return n;
  }
  void SetBlobLength(uint64_t n) { std::memcpy(bytes_ + 8, &n, 6); }
  Tier tier() const { return on_far_tier() ? Tier::kFar : Tier::kDram; }

  alignas(8) uint8_t bytes_[16];
};

static_assert(sizeof(CompactValue) == 16);

// What CompactValue needs to know about one collection type. Each type (src/types) registers
// its table once at start-up; the value slot stays ignorant of the types' layouts.
struct ObjectOps {
  // Frees the object and everything it owns.
  void (*destroy)(void* object);
  // Adds the bytes the object holds (header, tables, nodes, blobs) to bytes[Tier].
  void (*bytes_by_tier)(const void* object, size_t bytes[kNumTiers]);
  // Moves the user data the object owns by `rule` (every block has one owner, which swaps its
  // pointer) and counts its user-data blocks, where they end up, in *census (if not null).
  void (*rebalance)(void* object, const MoveRule& rule, MoveStats* stats, TierCensus* census);
  // A deep copy (COPY), allocated through the tier layer like the original.
  void* (*clone)(const void* object);
  // OBJECT ENCODING's name for the object's current encoding ("listpack", "hashtable", ...).
  const char* (*encoding)(const void* object);
};
void RegisterObjectOps(ValueType type, const ObjectOps* ops);
// The registered table of `type`, or nullptr.
const ObjectOps* GetObjectOps(ValueType type);

}  // namespace memkeydb
