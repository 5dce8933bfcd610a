// Longest common subsequence of two byte strings, as the LCS command (Redis 7.0) computes it.
//
// The classic dynamic programme: a table of (|a|+1) * (|b|+1) lengths, then a walk back from the
// end of both strings. Redis's reply depends on how that walk breaks ties, so the walk here takes
// the same choices: on a mismatch it drops the last byte of `a` only when that keeps a strictly
// longer LCS than dropping the last byte of `b`. The LCS string and the match ranges (IDX mode)
// both come from that walk, which is why ranges are listed from the end of the strings backwards.
//
// Memory: the table dominates. LcsTableBytes gives the size Redis charges for it; the LCS command
// refuses inputs whose table would exceed proto-max-bulk-len (see kErrLcsTooMuchMemory). The
// caller checks that before calling ComputeLcs, which allocates the table with std::vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {

// Error replies, worded exactly as Redis 7.0 sends them.
inline constexpr std::string_view kErrLcsTooMuchMemory =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kErrLcsBothLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kErrLcsNotString =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kErrLcsStringTooLong = "ERR String too long for LCS";

// Bytes of the (|a|+1) * (|b|+1) table of uint32_t lengths, saturating at UINT64_MAX. Redis
// replies kErrLcsTooMuchMemory when this is greater than proto-max-bulk-len (equal is allowed).
uint64_t LcsTableBytes(size_t a_len, size_t b_len);

// Redis refuses (kErrLcsStringTooLong) strings whose length is >= UINT32_MAX - 1, because table
// cells are 32 bits wide. Only reachable with a raised proto-max-bulk-len.
bool LcsLengthSupported(size_t len);

// One run of consecutive matching bytes: a[a_start..a_end] == b[b_start..b_end] (inclusive),
// both of length len.
struct LcsMatch {
  uint64_t a_start = 0;
  uint64_t a_end = 0;
  uint64_t b_start = 0;
  uint64_t b_end = 0;
  uint64_t len = 0;

  bool operator==(const LcsMatch&) const = default;
};

struct LcsOptions {
  // Fill LcsResult::lcs (plain LCS reply).
  bool want_string = true;
  // Fill LcsResult::matches (IDX reply).
  bool want_matches = false;
  // IDX MINMATCHLEN: runs shorter than this are left out of matches. Redis treats negative values
  // as 0, and 0 keeps every run.
  int64_t min_match_len = 0;
};

struct LcsResult {
  // Length of the longest common subsequence (LEN reply, and "len" in the IDX reply).
  uint64_t len = 0;
  // The subsequence itself, when LcsOptions::want_string.
  std::string lcs;
  // Runs in the order Redis replies with them: the run nearest the end of the strings first.
  std::vector<LcsMatch> matches;
};

// Computes the LCS of a and b. Runs in O(|a| * |b|) time. When neither the string nor the matches
// are wanted only the length is computed, in O(min(|a|, |b|)) memory; otherwise it allocates
// LcsTableBytes(|a|, |b|) bytes.
// REQUIRES: LcsLengthSupported(a.size()) and LcsLengthSupported(b.size()); the caller has checked
// LcsTableBytes against its memory limit.
LcsResult ComputeLcs(std::string_view a, std::string_view b, const LcsOptions& options);

}  // namespace memkeydb
