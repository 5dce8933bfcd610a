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
// Reads a value of a legacy type into *out (empty on entry).
bool ReadLegacy(RdbIn& in, uint8_t type, CompactValue* out);

}  // namespace memkeydb::rdb
