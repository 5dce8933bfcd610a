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
// Writes after a failed background save (stop-writes-on-bgsave-error).
inline constexpr const char* kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr const char* kInvalidExpire = "ERR invalid expire time in '%s' command";

}  // namespace memkeydb::errors
