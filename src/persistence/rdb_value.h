// Values in RDB form: what follows a key in an RDB file, and the body of a DUMP payload.
//
// Writing picks the type byte Redis 7.0 would write for the value's current encoding, so a
// listpack hash is written as its listpack blob (kTypeHashListpack) and a large hash as
// field/value pairs (kTypeHash). Reading accepts every type Redis 7.0 loads — the current ones
// and the older encodings (zipmap, ziplist, linked-list and ziplist quicklists) — and builds the
// encoding memkeydb would have built for the same contents under the current collection limits.
// Every blob read is validated in full before it is adopted: a corrupt payload is an error,
// never a crash, and never a value that breaks later commands.
//
// Ownership: strings, lists, sets, sorted sets, hashes and DUMP payloads — rdb_value.cc;
// streams — rdb_stream.cc; the pre-7.0 encodings — rdb_legacy.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ds/compact_value.h"
#include "persistence/rdb_io.h"

namespace memkeydb::rdb {

// The type byte Redis 7.0 writes for `v` in its current encoding.
uint8_t TypeByteOf(const CompactValue& v);
// Writes the type byte, then the value.
void WriteTypedValue(RdbOut& out, const CompactValue& v);
// Writes the value of `v` (after its type byte, TypeByteOf(v)).
void WriteValue(RdbOut& out, const CompactValue& v);

// Reads a value of RDB type `type` (already read) into *out (empty on entry). False, with
// in.error() saying where and what, on corrupt, truncated or unsupported data; *out is then
// left empty. A collection with no elements (other than an intset or zipmap, which Redis calls
// corrupt) is read in full and reported with in.FailEmpty(), so a file loader can skip the key.
bool ReadValue(RdbIn& in, uint8_t type, CompactValue* out);

// DUMP: type byte + value + RDB version (2 bytes LE) + CRC-64 (8 bytes LE). Never compressed
// differently from Redis: strings use LZF as rdbcompression says.
std::string DumpPayload(const CompactValue& v, bool compress);
// RESTORE's check and read of a payload. Errors are Redis's RESTORE replies:
// "ERR DUMP payload version or checksum are wrong" for a bad footer, "ERR Bad data format" for
// a body that does not read as one value of its type.
bool ReadDumpPayload(std::string_view payload, CompactValue* out, std::string* error);

}  // namespace memkeydb::rdb
