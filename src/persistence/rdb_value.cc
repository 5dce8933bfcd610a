#include "persistence/rdb_value.h"

#include <cstring>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_legacy.h"
#include "persistence/rdb_stream.h"

// Placeholder dispatch: strings only, until the collection codecs land.
namespace memkeydb::rdb {

uint8_t TypeByteOf(const CompactValue& v) {
  return v.type() == ValueType::kStream ? kTypeStreamListpacks2 : kTypeString;
}

void WriteTypedValue(RdbOut& out, const CompactValue& v) {
  out.Byte(TypeByteOf(v));
  WriteValue(out, v);
}

void WriteValue(RdbOut& out, const CompactValue& v) {
  if (v.type() == ValueType::kStream) return WriteStream(out, v);
  char scratch[CompactValue::kIntBufSize];
  out.String(v.StringView(scratch));
}

bool ReadValue(RdbIn& in, uint8_t type, CompactValue* out) {
  if (IsLegacyType(type)) return ReadLegacy(in, type, out);
  if (type == kTypeStreamListpacks || type == kTypeStreamListpacks2 ||
      type == kTypeStreamListpacks3) {
    return ReadStream(in, type, out);
  }
  if (type != kTypeString) return in.Fail("RDB type " + std::to_string(type) + " is not supported yet");
  std::string s;
  if (!in.String(&s)) return false;
  out->SetString(s);
  return true;
}

std::string DumpPayload(const CompactValue& v, bool compress) {
  RdbOut out(compress);
  WriteTypedValue(out, v);
  uint16_t version = kVersion;
  out.Raw(&version, 2);
  out.U64LE(out.crc());
  return std::move(out.buffer());
}

bool ReadDumpPayload(std::string_view payload, CompactValue* out, std::string* error) {
  if (payload.size() < kDumpFooter + 1) {
    *error = "ERR DUMP payload version or checksum are wrong";
    return false;
  }
  const char* footer = payload.data() + payload.size() - kDumpFooter;
  uint16_t version;
  uint64_t crc;
  std::memcpy(&version, footer, 2);
  std::memcpy(&crc, footer + 2, 8);
  if (version > kMaxReadVersion ||
      (crc != 0 && crc != Crc64(0, payload.data(), payload.size() - 8))) {
    *error = "ERR DUMP payload version or checksum are wrong";
    return false;
  }
  RdbIn in(payload.substr(0, payload.size() - kDumpFooter));
  uint8_t type;
  if (!in.Byte(&type) || !ReadValue(in, type, out) || in.remaining() != 0) {
    out->Reset();
    *error = "ERR Bad data format";
    return false;
  }
  return true;
}

}  // namespace memkeydb::rdb
