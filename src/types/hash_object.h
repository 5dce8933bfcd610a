// HashObject: the value of a hash key, in one of Redis's two encodings.
//
//   listpack   field, value, field, value, ... in one Listpack blob (src/ds/listpack.h), in
//              insertion order. Small hashes: a 16-byte header plus the blob.
//   hashtable  a ChainedTable of HashNode, one allocation per field holding the field and its
//              value inline (layout below).
//
// A hash starts as a listpack and converts to a hashtable, one way, when it would hold more
// than hash-max-listpack-entries fields, or a field or value longer than
// hash-max-listpack-value bytes (Limits()), or a blob past Listpack::kMaxSafeBytes.
//
// Where the bytes live:
//   header (Listpack object or table header)   Placement::kMetadata (DRAM)
//   listpack blob, each HashNode               Placement::kUserData (routed by size)
//   bucket arrays                              Placement::kTable
//
// The value slot holds an opaque pointer whose low bit is the encoding: clear, it points at the
// Listpack header (16 bytes, the same as Redis's robj, so a small hash costs no more than in
// Redis); set, at the table header. A conversion therefore changes the pointer: HashObject is a
// handle over the CompactValue slot and stores the new pointer there itself.
//
// HashNode layout (one kUserData block):
//   HashNode* next          8   chain link, owned by the table
//   varint  field_len*2+far     the low bit is the node's own tier (needed to free it)
//   varint  value_len
//   field bytes, value bytes
// A field and value of 10 bytes each take 30 bytes (a 32-byte block) plus an 8-byte bucket.
//
// REQUIRES: main thread, like everything holding user data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "ds/compact_value.h"
#include "ds/listpack.h"
#include "memory/move_rule.h"
#include "memory/tier.h"

namespace memkeydb {

class HashObject {
 public:
  enum class Encoding : uint8_t { kListpack, kHashtable };
  using PairVisitor = std::function<void(std::string_view field, std::string_view value)>;
  // Enough room for a listpack integer's digits.
  static constexpr size_t kScratchSize = 24;

  // Wraps the hash held by `slot`. REQUIRES: slot->type() == ValueType::kHash.
  explicit HashObject(CompactValue* slot);
  // Makes `slot` an empty hash in the listpack encoding (what a write to a missing key starts
  // from; the caller deletes the key again if it stays empty).
  static HashObject CreateIn(CompactValue* slot);
  // Makes `slot` a listpack hash holding `lp` (RDB loading adopts a validated blob).
  // REQUIRES: lp holds field/value pairs with distinct fields, within the listpack limits.
  static HashObject AdoptListpackIn(CompactValue* slot, Listpack lp);
  // Registers the hash type's ObjectOps (idempotent).
  static void RegisterOps();

  Encoding encoding() const { return (raw_ & 1) ? Encoding::kHashtable : Encoding::kListpack; }
  const char* encoding_name() const;
  size_t size() const;

  // The value of `field`, if present. A listpack integer is formatted into `scratch`
  // (kScratchSize bytes). The view is valid until the next mutation.
  bool Get(std::string_view field, std::string_view* value, char* scratch) const;
  bool Contains(std::string_view field) const;

  // Converts to a hashtable if any of `args` is longer than hash-max-listpack-value or they
  // would push the blob past its safe size: HSET checks all its arguments before writing.
  void ConvertForArgs(const std::string_view* args, size_t n);
  // Sets `field` to `value`; returns true if the field is new. May convert (see top).
  bool Set(std::string_view field, std::string_view value);
  // Removes `field`; returns whether it was present. The hash may become empty.
  bool Delete(std::string_view field);

  // Visits every pair (listpack: in order; hashtable: in table order). `visit` must not modify
  // the hash.
  void ForEach(const PairVisitor& visit) const;
  // One HSCAN step over the hashtable encoding; returns the next cursor (0 when done).
  // REQUIRES: encoding() == kHashtable.
  uint64_t Scan(uint64_t cursor, const PairVisitor& visit) const;
  // A uniformly random pair ("uniform" up to chain lengths, as Redis's). REQUIRES: size() > 0.
  // Listpack integers are formatted into the scratch buffers.
  void RandomPair(uint64_t (*rnd)(), std::string_view* field, std::string_view* value,
                  char* field_scratch, char* value_scratch) const;

  // The listpack blob of the listpack encoding (RDB writing); nullptr for a hashtable.
  const Listpack* listpack() const;

  // Converts to the hashtable encoding now (tests; conversions normally happen by themselves).
  void ConvertToTable();

  // --- the ObjectOps over the raw slot pointer ---
  static void Destroy(void* raw);
  static void BytesByTier(const void* raw, size_t bytes[kNumTiers]);
  static void Rebalance(void* raw, const MoveRule& rule, MoveStats* stats, TierCensus* census);
  static void* Clone(const void* raw);
  static const char* EncodingName(const void* raw);

 private:
  CompactValue* slot_;
  uintptr_t raw_;
};

}  // namespace memkeydb
