// Encodings Redis no longer writes but still loads, converted on the way in to what memkeydb
// holds for the same contents: kTypeList (linked list), kTypeHashZipmap, kTypeListZiplist,
// kTypeZsetZiplist, kTypeHashZiplist and kTypeListQuicklist (ziplist nodes).
#pragma once

#include <cstdint>

#include "ds/compact_value.h"
#include "persistence/rdb_io.h"

namespace memkeydb::rdb {

// True if `type` is one of the types above.
bool IsLegacyType(uint8_t type);
// Reads a value of a legacy type into *out (empty on entry). The collection is built through
// its type's API under the current Limits(), so it takes the encoding HSET, ZADD or RPUSH would
// give the same contents. Refused (false, in.error() set, *out left empty): blobs that break
// their format, repeated hash fields or sorted-set members, NaN scores, and values with no
// elements ("empty list", "empty hash", "empty sorted set", reported with RdbIn::FailEmpty:
// Redis skips such keys in a file and refuses them in RESTORE; an empty zipmap is corrupt).
bool ReadLegacy(RdbIn& in, uint8_t type, CompactValue* out);

}  // namespace memkeydb::rdb
