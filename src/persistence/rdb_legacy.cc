#include "persistence/rdb_legacy.h"

#include "persistence/rdb_format.h"

// Placeholder until the legacy readers land.
namespace memkeydb::rdb {

bool IsLegacyType(uint8_t type) {
  return type == kTypeList || type == kTypeHashZipmap || type == kTypeListZiplist ||
         type == kTypeZsetZiplist || type == kTypeHashZiplist || type == kTypeListQuicklist;
}

bool ReadLegacy(RdbIn& in, uint8_t type, CompactValue* out) {
  return in.Fail("RDB type " + std::to_string(type) + " is not supported yet");
}

}  // namespace memkeydb::rdb
