// The RDB format's constants, as Redis 7.0 writes them (RDB version 10). Everything that reads
// or writes RDB bytes (files, DUMP payloads, the AOF preamble, full syncs) uses these names.
//
// A file is: "REDIS" + 4 ASCII digits of version, then records, each starting with one byte —
// an opcode (>= 0xF5) or a value type (< 0xF5, followed by the key and the value) — then
// kOpEof and an 8-byte little-endian CRC-64 of everything before it (0 when rdbchecksum is no).
#pragma once

#include <cstdint>

namespace memkeydb::rdb {

// The version we write; we read any version from 1 up to kMaxReadVersion.
inline constexpr int kVersion = 10;
// Redis 7.2 writes version 11 (its new types are listed below and read when supported).
inline constexpr int kMaxReadVersion = 11;

// --- value types ---
inline constexpr uint8_t kTypeString = 0;
inline constexpr uint8_t kTypeList = 1;            // linked list of strings (before 3.2)
inline constexpr uint8_t kTypeSet = 2;
inline constexpr uint8_t kTypeZset = 3;            // scores as decimal strings (before 4.0)
inline constexpr uint8_t kTypeHash = 4;
inline constexpr uint8_t kTypeZset2 = 5;           // scores as binary doubles
inline constexpr uint8_t kTypeModulePre = 6;       // not supported (refused with a message)
inline constexpr uint8_t kTypeModule2 = 7;         // not supported (refused with a message)
inline constexpr uint8_t kTypeHashZipmap = 9;
inline constexpr uint8_t kTypeListZiplist = 10;
inline constexpr uint8_t kTypeSetIntset = 11;
inline constexpr uint8_t kTypeZsetZiplist = 12;
inline constexpr uint8_t kTypeHashZiplist = 13;
inline constexpr uint8_t kTypeListQuicklist = 14;  // quicklist of ziplists (3.2 .. 6.2)
inline constexpr uint8_t kTypeStreamListpacks = 15;
inline constexpr uint8_t kTypeHashListpack = 16;
inline constexpr uint8_t kTypeZsetListpack = 17;
inline constexpr uint8_t kTypeListQuicklist2 = 18;  // quicklist of listpacks (7.0)
inline constexpr uint8_t kTypeStreamListpacks2 = 19;  // 7.0: adds first id, max deleted id, entries added
inline constexpr uint8_t kTypeSetListpack = 20;       // 7.2
inline constexpr uint8_t kTypeStreamListpacks3 = 21;  // 7.2: consumers' active time

// True for the value types Redis 7.0 defines (whether or not we can load them).
inline bool IsValueType(int t) { return (t >= 0 && t <= 7) || (t >= 9 && t <= 21); }

// Container of each node of a kTypeListQuicklist2 value.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// --- opcodes ---
inline constexpr uint8_t kOpFunction2 = 0xF5;      // a Lua function library (7.0)
inline constexpr uint8_t kOpFunctionPre = 0xF6;    // pre-GA 7.0 functions
inline constexpr uint8_t kOpModuleAux = 0xF7;
inline constexpr uint8_t kOpIdle = 0xF8;           // LRU idle seconds of the next key (length)
inline constexpr uint8_t kOpFreq = 0xF9;           // LFU counter of the next key (1 byte)
inline constexpr uint8_t kOpAux = 0xFA;            // two strings: field, value
inline constexpr uint8_t kOpResizeDb = 0xFB;       // two lengths: keys, keys with an expiry
inline constexpr uint8_t kOpExpireTimeMs = 0xFC;   // 8-byte little-endian Unix ms of the next key
inline constexpr uint8_t kOpExpireTime = 0xFD;     // 4-byte little-endian Unix s (old files)
inline constexpr uint8_t kOpSelectDb = 0xFE;       // a length: the database number
inline constexpr uint8_t kOpEof = 0xFF;

// --- lengths ---
// The top two bits of the first byte: 00 6-bit length, 01 14-bit length (big endian),
// 10 with the rest 0: a 32-bit big-endian length; 10 with the rest 1: a 64-bit big-endian
// length; 11: a special string encoding, in the low 6 bits.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kLenEncoded = 3;
// Special string encodings (after the 11 prefix).
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;  // compressed length, plain length, then LZF bytes

// Strings shorter than this are never LZF-compressed (Redis's rule: len > 20).
inline constexpr size_t kMinCompressLength = 21;

// A DUMP payload: the value (type byte + value), then the RDB version as 2 bytes little endian,
// then the CRC-64 of everything before it, 8 bytes little endian.
inline constexpr size_t kDumpFooter = 10;

}  // namespace memkeydb::rdb
