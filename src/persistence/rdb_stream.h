// Streams in RDB form (kTypeStreamListpacks, kTypeStreamListpacks2 and 7.2's
// kTypeStreamListpacks3): the node listpacks keyed by their master IDs, the stream's metadata,
// then consumer groups with their pending entries lists and consumers.
#pragma once

#include <cstdint>

#include "ds/compact_value.h"
#include "persistence/rdb_io.h"

namespace memkeydb::rdb {

// Writes a stream value as kTypeStreamListpacks2 (the type byte is the caller's).
// REQUIRES: v.type() == ValueType::kStream.
void WriteStream(RdbOut& out, const CompactValue& v);
// Reads a stream of one of the stream types into *out (empty on entry). Every node is checked
// element by element (StreamObject::AdoptNode), the recorded length and last ID against the
// entries, and every group's PEL against its consumers' (each pending entry owned by exactly
// one consumer); type 15 gets the metadata it lacks derived as Redis derives it, type 21's
// consumer active times are read and dropped. False, with in.error() set and *out left empty,
// otherwise. Empty streams (no nodes) are valid.
bool ReadStream(RdbIn& in, uint8_t type, CompactValue* out);

}  // namespace memkeydb::rdb
