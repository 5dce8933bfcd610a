// Number parsing and formatting with the exact rules Redis 7.0 applies to client input and
// replies, plus small ASCII string helpers. Clients see these rules directly (which inputs get
// "value is not an integer or out of range", how INCRBYFLOAT and ZSCORE print), so they must
// not drift. All functions are thread-safe; the floating-point ones assume the C numeric
// locale, which the server never changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace memkeydb {

// ---- Parsing. Each returns false, leaving *out untouched, when `s` is not acceptable. ----

// Redis's integer syntax (INCRBY, EXPIRE, LRANGE, ...): an optional '-', then decimal digits
// without leading zeros ("0" itself is fine), nothing else: no '+', no spaces, no "-0", at most
// 20 characters, and the value must fit in int64_t.
bool ParseInt64(std::string_view s, int64_t* out);

// The same syntax for unsigned values: decimal digits only (no sign at all), no leading zeros,
// at most 20 characters, value <= UINT64_MAX. Stricter than Redis's strtoull-based paths
// (SCAN cursors, some configs), which callers needing those quirks must handle themselves.
bool ParseUint64(std::string_view s, uint64_t* out);

// Redis's double syntax (ZADD and ZINCRBY scores, and other double arguments):
// whatever strtod accepts consuming the whole string, so "+1.5", ".5", "1.", "1e5", "0x10",
// "inf", "-Infinity" are fine. Rejected: empty input, a leading whitespace byte, trailing
// bytes (including spaces and NULs), NaN, overflow ("1e400") and underflow to zero ("1e-400").
// A result that underflows to a nonzero subnormal ("1e-310") is accepted. No length limit.
bool ParseDouble(std::string_view s, double* out);

// The long double variant used by INCRBYFLOAT and HINCRBYFLOAT: the same rules as ParseDouble
// with long double range, and inputs of 5120 bytes or more are rejected.
bool ParseLongDouble(std::string_view s, long double* out);

// ---- Formatting. ----

// How INCRBYFLOAT / HINCRBYFLOAT store and reply their result: printf "%.17Lf", then trailing
// zeros after the point and a bare trailing point removed; "-0" becomes "0"; infinities are
// "inf" / "-inf" (NaN gives "nan"). Never an exponent: 1e20 gives "100000000000000000000".
// With x86's 80-bit long double, short decimals print back unchanged only below 128 in
// magnitude: 10.5 + 0.1 gives "10.6", but 10.6 + 5000 gives "5010.60000000000000009" and
// 128.1 gives "128.10000000000000001", exactly as redis-server replies.
std::string FormatLongDouble(long double v);

// How Redis 7.0 replies with a double (ZSCORE, ZINCRBY, WITHSCORES, RESP3 doubles): printf
// "%.17g", so 1.1 gives "1.1000000000000001", 3 gives "3", 1e17 gives "1e+17", -0.0 gives "-0";
// infinities are "inf" / "-inf" and NaN is "nan".
std::string FormatDouble(double v);

// Enough room for any int64_t in decimal plus a terminating NUL ("-9223372036854775808").
inline constexpr size_t kInt64BufferSize = 21;

// Writes `v` in decimal followed by a NUL into `buf` and returns the length without the NUL.
// REQUIRES: buf has at least kInt64BufferSize bytes.
size_t FormatInt64(int64_t v, char* buf);
std::string Int64ToString(int64_t v);

// The "_human" form of a byte count in INFO (used_memory_human, maxmemory_human, ...):
// "<n>B" below 1024, else two decimals and one of K, M, G, T, P (powers of 1024), e.g. "1.00K",
// "12.50M". Rounding can give "1024.00K" (for 1048575); from 1024 P up it is "<n>B" again.
std::string BytesToHuman(uint64_t n);

// ---- ASCII case helpers (Redis's tolower/strcasecmp in the C locale: bytes >= 0x80 and
// everything but A-Z are left alone). ----

std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `s` in double quotes with Redis's escapes (sdscatrepr): \\ \" \n \r \t \a \b, other bytes
// outside printable ASCII as \xHH. CONFIG REWRITE, MONITOR and AOF manifests print names so.
std::string Repr(std::string_view s);

}  // namespace memkeydb
