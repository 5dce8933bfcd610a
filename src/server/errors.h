// Error replies shared by several command families, worded exactly as Redis 7.0 words them.
#pragma once

namespace memkeydb::errors {

inline constexpr const char* kSyntax = "ERR syntax error";
inline constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
inline constexpr const char* kNotFloat = "ERR value is not a valid float";
inline constexpr const char* kNoSuchKey = "ERR no such key";
inline constexpr const char* kOutOfRange = "ERR index out of range";
inline constexpr const char* kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr const char* kInvalidDbIndex = "ERR invalid DB index";
inline constexpr const char* kIncrOverflow = "ERR increment or decrement would overflow";
inline constexpr const char* kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr const char* kNoAuth = "NOAUTH Authentication required.";
inline constexpr const char* kInvalidExpire = "ERR invalid expire time in '%s' command";

}  // namespace memkeydb::errors
