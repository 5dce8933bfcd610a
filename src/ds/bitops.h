// Bit-level algorithms over byte strings for the bitmap commands: BITCOUNT, BITPOS, BITOP,
// GETBIT/SETBIT and BITFIELD/BITFIELD_RO.
//
// Everything here is pure: functions read caller-owned bytes, write into caller-owned buffers and
// never touch the keyspace. A command handler looks the key up, parses its arguments with the
// helpers below, calls one of the algorithms and turns the result into a reply.
//
// Bit numbering follows Redis: bit 0 is the most significant bit of byte 0, bit 8 the most
// significant bit of byte 1, and so on. Multi-bit BITFIELD values are stored big-endian in that
// order (the first bit is the value's most significant bit).
//
// Range arguments (BITCOUNT, BITPOS, GETRANGE) are given as the client typed them; negative values
// count from the end. NormalizeRange turns them into an inclusive [start, end] window the same way
// Redis 7.0 does, including its clamping quirks (see the comment on the function).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb::bitops {

// Error replies, worded exactly as Redis 7.0 sends them.
inline constexpr std::string_view kErrBitOffset =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kErrBitPosBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
inline constexpr std::string_view kErrOverflowType = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kErrBitfieldRo =
    "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view kErrBitopNot =
    "ERR BITOP NOT must be called with a single source key.";

// Redis's default proto-max-bulk-len: the largest string, and so the largest bit offset / 8, a
// client may address with SETBIT, GETBIT and BITFIELD.
inline constexpr uint64_t kDefaultMaxBulkLen = 512ull * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Counting and searching.

// Number of set bits in p[0, n).
uint64_t PopCount(const uint8_t* p, size_t n);

// Whether a BITCOUNT/BITPOS range counts bytes (the default) or bits.
enum class RangeUnit { kByte, kBit };

// Turns a client-supplied inclusive range into indexes inside [0, len). Negative indexes count
// from the end (-1 is the last element). Returns false when the range selects nothing, which
// always happens for len == 0.
//
// Follows BITCOUNT, GETRANGE and SUBSTR in Redis 7.0: after adding len, negative ends are clamped
// to 0 and end is clamped to len - 1. A consequence worth knowing: with len 10, (-100, -50) selects
// element 0. The one exception is a range whose ends are both negative with start > end, which
// is empty before any clamping ((-50, -100) selects nothing).
bool NormalizeRange(int64_t* start, int64_t* end, int64_t len);

// BITCOUNT key [start end [BYTE|BIT]] over the string p[0, n). start/end are raw client values.
uint64_t BitCount(const uint8_t* p, size_t n, int64_t start, int64_t end, RangeUnit unit);

// BITPOS key bit [start [end [BYTE|BIT]]] over the existing string p[0, n) (possibly empty).
// start/end are raw client values; pass start 0 when the client gave none and std::nullopt for an
// absent end. Returns the absolute bit position of the first `bit` (0 or 1) in the range, or -1.
//
// Redis's rules, all handled here:
//  * no bit in range: -1, except when looking for 0 without an explicit end; then the string is
//    treated as padded with zeros on the right and the answer is the bit just past the range
//    (8 * n when the range runs to the end of the string);
//  * an empty range (including any range on an empty string) gives -1 for both bit values;
//  * unlike BITCOUNT, a range with both ends negative and start > end is not special-cased: it is
//    clamped like any other range.
// REQUIRES: bit is 0 or 1. A missing key is the caller's case (reply 0 for bit 0, -1 for bit 1).
int64_t BitPos(const uint8_t* p, size_t n, int bit, int64_t start = 0,
               std::optional<int64_t> end = std::nullopt, RangeUnit unit = RangeUnit::kByte);

// ---------------------------------------------------------------------------------------------
// BITOP.

enum class Op { kAnd, kOr, kXor, kNot };

// Parses the BITOP operation name (case-insensitive AND, OR, XOR, NOT).
bool ParseOp(std::string_view name, Op* op);

// Combines srcs into *dst (replacing its contents). Shorter sources behave as if padded with zero
// bytes, so the result is as long as the longest source; a missing key is an empty source.
// An empty result means Redis deletes the destination key instead of storing "".
// REQUIRES: srcs is non-empty; for kNot srcs.size() == 1; no source aliases *dst.
void BitOp(Op op, const std::vector<std::string_view>& srcs, std::string* dst);

// ---------------------------------------------------------------------------------------------
// Single bits and BITFIELD.

// Parses a bit offset argument of SETBIT/GETBIT (allow_hash = false, bits ignored) or of a
// BITFIELD subcommand (allow_hash = true, bits = the field width). With allow_hash, "#N" means
// N * bits; like Redis, that product wraps around in 64 bits rather than failing. The offset must
// be >= 0 and offset / 8 < max_bulk_len (Redis's proto-max-bulk-len; pass UINT64_MAX for clients
// that are exempt from the limit: the primary link and AOF loading). Failure means replying
// kErrBitOffset.
bool ParseBitOffset(std::string_view arg, bool allow_hash, int bits, uint64_t max_bulk_len,
                    uint64_t* offset);

// Parses the SETBIT value, which must be exactly "0" or "1" ("01", "-0", "+1" are refused, as
// Redis's strict integer parser refuses them). Failure means replying kErrBitValue.
bool ParseBitValue(std::string_view arg, int* bit);

// Reads bit `offset` of p[0, n); bits past the end read as 0.
int GetBit(const uint8_t* p, size_t n, uint64_t offset);

// Writes bit `offset`. REQUIRES: the buffer holds at least BytesForWrite(offset, 1) bytes.
void SetBit(uint8_t* p, uint64_t offset, int bit);

// Byte length a string needs so that bits [offset, offset + bits) are inside it.
uint64_t BytesForWrite(uint64_t offset, int bits);

// A BITFIELD type: i1..i64 or u1..u63.
struct BitfieldType {
  bool is_signed = false;
  int bits = 0;
};

// Parses "i<bits>" / "u<bits>" (lower case prefix, digits as strict as Redis's integer parser).
// Failure means replying kErrBitfieldType.
bool ParseBitfieldType(std::string_view arg, BitfieldType* type);

enum class Overflow { kWrap, kSat, kFail };

// Parses the OVERFLOW argument (case-insensitive WRAP, SAT, FAIL). Failure means replying
// kErrOverflowType.
bool ParseOverflow(std::string_view arg, Overflow* overflow);

// Reads `bits` bits starting at bit_offset as an unsigned number; bits past n read as 0.
// REQUIRES: 1 <= bits <= 64.
uint64_t GetUnsigned(const uint8_t* p, size_t n, uint64_t bit_offset, int bits);

// Same, with the field's top bit taken as the sign (two's complement).
int64_t GetSigned(const uint8_t* p, size_t n, uint64_t bit_offset, int bits);

// Writes the low `bits` bits of value at bit_offset, most significant first.
// REQUIRES: 1 <= bits <= 64; the buffer holds at least BytesForWrite(bit_offset, bits) bytes.
void SetBits(uint8_t* p, uint64_t bit_offset, int bits, uint64_t value);

// Reads a field of the given type. Unsigned fields are at most 63 bits wide, so every value a
// BITFIELD field can hold fits in int64_t.
int64_t GetField(const uint8_t* p, size_t n, uint64_t bit_offset, BitfieldType type);

// Writes a value of the given type (its low type.bits bits). Same REQUIRES as SetBits.
void SetField(uint8_t* p, uint64_t bit_offset, BitfieldType type, int64_t value);

// BITFIELD INCRBY: computes current + incr under the overflow policy. Returns false only for
// Overflow::kFail when the sum does not fit; the subcommand then replies nil and writes nothing.
// kWrap keeps the low bits (two's complement for signed types, i64 included); kSat clamps to the
// type's minimum or maximum. REQUIRES: current is a value of `type` (e.g. read with GetField).
bool IncrWithOverflow(int64_t current, int64_t incr, BitfieldType type, Overflow overflow,
                      int64_t* result);

// BITFIELD SET: the value to store when the client asked for `value`. Returns false only for
// Overflow::kFail when it does not fit. Reproduces Redis's saturation quirks: for unsigned types
// any negative value saturates to the maximum, and for signed types narrower than 64 bits a value
// below (2^(bits-1) - 2^63) also saturates to the maximum rather than the minimum.
bool SetWithOverflow(int64_t value, BitfieldType type, Overflow overflow, int64_t* result);

}  // namespace memkeydb::bitops
