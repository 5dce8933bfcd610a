#include "persistence/rdb_stream.h"

// Placeholder until the stream codec lands: streams cannot be written or read yet.
namespace memkeydb::rdb {

void WriteStream(RdbOut& out, const CompactValue& v) {}

bool ReadStream(RdbIn& in, uint8_t type, CompactValue* out) {
  return in.Fail("stream values are not supported yet");
}

}  // namespace memkeydb::rdb
