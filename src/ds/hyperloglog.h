// HyperLogLog: Redis 7.0's HLL string format and its operations, so that a value written by
// PFADD here reads back byte-for-byte as Redis would have written it, and a string taken from
// Redis (GET, or an RDB) works here unchanged.
//
// An HLL is an ordinary string value. Its layout:
//
//   hll      := header registers
//   header   := "HYLL" encoding:u8 unused:u8[3] card:u8[8]        (16 bytes)
//   encoding := 0 (dense) | 1 (sparse)
//   card     := cached cardinality, little endian; the top bit of card[7] set means the cache
//               is stale and the next PFCOUNT recomputes it
//   dense    := 16384 registers of 6 bits, register i at bit 6*i of the register bytes, the
//               low bits first (12288 bytes; the whole string is exactly 12304 bytes)
//   sparse   := opcode*, covering the 16384 registers in order:
//     ZERO   00xxxxxx            xxxxxx+1 registers (1..64) hold 0
//     XZERO  01xxxxxx yyyyyyyy   (xxxxxx<<8 | yyyyyyyy)+1 registers (1..16384) hold 0
//     VAL    1vvvvvxx            xx+1 registers (1..4) hold vvvvv+1 (1..32)
//
// An element is hashed with MurmurHash64A (seed 0xadc83b19); the low 14 bits choose the register
// and the position of the lowest set bit of the remaining 50 bits (1..51) is its candidate
// value. A sparse HLL turns dense when a register needs a value above 32 or when an edit would
// make the string longer than hll-sparse-max-bytes. The cardinality is Ertl's improved raw
// estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017).
//
// Every function that takes bytes from a client checks them first: nothing here reads or
// writes outside the string, whatever it holds. Where Redis reads the byte just past the end of
// the string (the second byte of an XZERO cut off by the end), that byte is taken as 0, which is
// what Redis finds there (its strings end with a NUL).
//
// Main thread only; the values live in CompactValue blobs (user data, tiered by size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ds/compact_value.h"

namespace memkeydb::hll {

inline constexpr int kPrecision = 14;                        // register index bits
inline constexpr size_t kRegisters = size_t{1} << kPrecision;  // 16384
inline constexpr int kHashBits = 64 - kPrecision;            // bits left for the run length
inline constexpr int kRegisterBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kRegisterBits + 7) / 8;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
inline constexpr uint8_t kSparseValMax = 32;                 // largest value a VAL opcode holds
inline constexpr size_t kDefaultSparseMaxBytes = 3000;

// Error replies, worded as Redis 7.0 sends them.
inline constexpr const char* kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr const char* kErrCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// Redis's MurmurHash64A (the 64-bit MurmurHash2) over `len` bytes, little-endian reads.
uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed);

// The register an element lands in (*index, 0..16383) and the value it proposes (1..51).
int PatternLength(std::string_view element, uint32_t* index);

// True when `s` passes Redis's check of an HLL string: at least a header, the magic, a known
// encoding, and a dense string of exactly kDenseSize bytes. A sparse body is checked only when
// it is walked (PFADD, PFCOUNT, PFMERGE report kErrCorrupt then).
bool LooksLikeHll(std::string_view s);
inline uint8_t Encoding(std::string_view s) { return static_cast<uint8_t>(s[4]); }

// --- the cached cardinality ---
// True and *card set when the cache is valid.
bool CachedCardinality(std::string_view s, uint64_t* card);
void StoreCardinality(char* s, uint64_t card);
inline void InvalidateCache(char* s) { s[15] = static_cast<char>(s[15] | 0x80); }

// --- dense registers (`regs` points at the register bytes, after the header) ---
uint8_t GetDenseRegister(const uint8_t* regs, size_t index);
void SetDenseRegister(uint8_t* regs, size_t index, uint8_t value);

// --- operations on a value that LooksLikeHll ---
// An empty HLL (sparse, cache valid and 0), as PFADD creates it, stored raw.
void CreateEmpty(CompactValue* v);
// Raises register `index` to `count` if it is lower. Returns 1 if a register changed, 0 if not,
// -1 if the sparse body is corrupt (the value may then hold edits already made). A sparse
// value may turn dense (see the top of this file). Changing a sparse value invalidates its
// cache; changing a dense one does not (the caller does, as PFADD does once per command).
// REQUIRES: LooksLikeHll(v); 1 <= count <= 63.
int SetRegister(CompactValue* v, uint32_t index, uint8_t count, size_t sparse_max_bytes);
// Adds one element; same results as SetRegister.
int Add(CompactValue* v, std::string_view element, size_t sparse_max_bytes);
// Rewrites a sparse value as dense, keeping the header (cache included). Returns false, and
// leaves the value alone, when the sparse body does not cover exactly 16384 registers.
bool ToDense(CompactValue* v);

// --- reading ---
// Per-value register histogram: histo[v] counts registers holding v (0..63).
struct Histogram {
  int count[64] = {};
};
// Adds the registers of `s` to *h. Returns false when a sparse body does not cover exactly
// 16384 registers (Redis's "invalid" count; *h is then meaningless).
bool AddToHistogram(std::string_view s, Histogram* h);
// The histogram of a plain register array (one byte per register).
void AddRawToHistogram(const uint8_t* regs, Histogram* h);
// Ertl's estimate of the cardinality from a register histogram.
uint64_t Estimate(const Histogram& h);
// Raises max[i] to the register i of `s` (PFMERGE, PFCOUNT of several keys). Returns false when
// a sparse body is corrupt. `max` holds kRegisters bytes.
bool MergeInto(std::string_view s, uint8_t* max);
// PFDEBUG DECODE's text for a sparse body: "z:N", "Z:N" and "v:value,len" joined by spaces.
std::string DecodeSparse(std::string_view s);

}  // namespace memkeydb::hll
