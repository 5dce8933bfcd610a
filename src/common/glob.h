// Glob-style matching with the rules Redis 7.0 applies in KEYS, SCAN MATCH, PSUBSCRIBE,
// CONFIG GET (case-insensitive) and ACL key/channel patterns.
//
// Pattern syntax:
//   *       any run of bytes, including none
//   ?       exactly one byte
//   [abc]   one byte from the set; [^abc] one byte not in it
//   [a-z]   a byte range, ends inclusive; [z-a] is the same range
//   \x      the byte x literally, outside and inside brackets (a lone trailing backslash is
//           itself a literal backslash)
//
// Corner cases kept identical to Redis, because clients can observe them:
//   - The empty string matches only the empty pattern; even "*" does not match it. (KEYS and
//     SCAN treat a lone "*" as match-all before they get here, so callers must do the same.)
//   - A ']' right after '[' (or "[^") closes the class at once: "[]" matches nothing, "[^]" any
//     one byte, and "[]]" means an empty class followed by a literal ']'.
//   - An unterminated '[' takes the rest of the pattern as its set: "[ab" is "[ab]"; "[" alone
//     never matches and "[^" matches any one byte.
//   - A range needs three bytes before the end of the pattern: in "[a-]" the ']' is the end of
//     the range a..] (and the class is then unterminated).
//   - Range ends and bytes compare as signed chars (bytes >= 0x80 sort below '\0').
//   - With nocase, the range ends are folded to lower case after putting them in order, and an
//     escaped byte inside brackets still compares case-sensitively. Only ASCII letters fold.
//   - A pattern that would need more than 1000 nested '*' expansions matches nothing.
//
// Cost: O(len(pattern) * len(str)) in the worst case; a '*' that fails against every suffix
// stops all outer '*' from trying shorter suffixes.
#pragma once

#include <string_view>

namespace memkeydb {

// Returns true when `str` matches `pattern`. Both may hold any bytes, including NUL.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace memkeydb
