// The append-only file, Redis 7.0's multi-part layout: what is on disk and how it is read.
//
// Layout (under `dir`):
//   <appenddirname>/
//     <appendfilename>.manifest            which files make up the AOF, in order
//     <appendfilename>.<seq>.base.rdb      the base: an RDB file (aof-use-rdb-preamble yes) ...
//     <appendfilename>.<seq>.base.aof      ... or commands
//     <appendfilename>.<seq>.incr.aof      commands appended after the base, oldest first
//
// Manifest grammar (one line per file, '\n' ended, base first, then history, then incr):
//   line    := "file" SP name SP "seq" SP number SP "type" SP ("b" | "h" | "i") LF
//   name    := a bare word, or a double-quoted string with \n \r \t \a \b \" \\ \xHH escapes
//              when the name has a space, a quote or an unprintable byte
// Readers accept key/value pairs in any order and case, extra pairs (forward compatibility),
// '#' comment lines; they refuse blank lines, lines over 1024 bytes, a path as a name, a
// second base, unknown types and incr sequence numbers that do not increase.
//
// Command files: a sequence of RESP arrays of bulk strings ("*N\r\n" then N times
// "$len\r\n<bytes>\r\n"); lines starting with '#' between commands are annotations (the
// "#TS:<unix time>" of aof-timestamp-enabled) and are skipped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace memkeydb::aof {

enum class FileType : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };

struct FileInfo {
  std::string name;
  int64_t seq = 0;
  FileType type = FileType::kIncr;
};

// The manifest: which files the AOF is made of.
struct Manifest {
  std::optional<FileInfo> base;
  std::vector<FileInfo> history;  // replaced files not yet deleted
  std::vector<FileInfo> incrs;    // oldest first; the last one is the one being appended to
  int64_t base_seq = 0;           // the highest sequence numbers handed out
  int64_t incr_seq = 0;

  // The manifest file's text.
  std::string ToString() const;
  // Parses a manifest file's text. Errors name the line ("at line N: '<line>': why").
  static StatusOr<Manifest> Parse(std::string_view text);

  // Names a new base file (`prefix` is appendfilename) and makes the current base history.
  const FileInfo& NewBase(const std::string& prefix, bool rdb_preamble);
  // Names a new incr file and appends it to `incrs`.
  const FileInfo& NewIncr(const std::string& prefix);
  // Moves every incr file but the last `keep` ones to history (after a rewrite).
  void RetireIncrs(size_t keep);
};

std::string ManifestFileName(const std::string& appendfilename);
// The temporary name the manifest is written under before its rename.
std::string TempManifestFileName(const std::string& appendfilename);

// The manifest's quoting: true if `name` must be written quoted, and the quoted form.
bool NameNeedsQuoting(std::string_view name);
// Splits a line into words as Redis's argument splitter does (quotes, escapes). Returns false
// on unbalanced quotes or a closing quote not followed by a space.
bool SplitWords(std::string_view line, std::vector<std::string>* out);

// Writes `data` to dir/name atomically: a temporary file, fsync, rename over name, fsync dir.
Status WriteFileAtomically(const std::string& dir, const std::string& name,
                           const std::string& temp_name, std::string_view data);
// fsync of a directory (after a rename or unlink in it).
Status FsyncDir(const std::string& dir);

// Appends `argv` as one RESP command ("*N\r\n$len\r\narg\r\n...").
void AppendCommand(std::string* out, const std::vector<std::string_view>& argv);
void AppendCommand(std::string* out, std::initializer_list<std::string_view> argv);

// True if the file's first bytes are an RDB preamble ("REDIS").
bool StartsWithRdbMagic(std::string_view head);

// Reads commands from a command file, one at a time, never trusting a length beyond the bytes
// left in the file.
class CommandReader {
 public:
  enum class Result {
    kCommand,    // *argv holds the next command
    kEnd,        // clean end of file
    kTruncated,  // the file ends inside a command (offset() is where that command starts)
    kBadFormat,  // not RESP where a command should be (error() says what, at which offset)
    kIoError,
  };
  // `f` is positioned at `start` (after an RDB preamble, say); `file_size` bounds lengths.
  CommandReader(FILE* f, uint64_t start, uint64_t file_size);

  Result Next(std::vector<std::string>* argv);
  // Offset of the end of the last complete command (or of the start): where a torn tail is
  // cut.
  uint64_t offset() const { return offset_; }
  const std::string& error() const { return error_; }

 private:
  // Reads one line ending in "\n" (at most `max` bytes); false at EOF or on error (eof_ says
  // which).
  bool ReadLine(std::string* line, size_t max);
  bool ReadExact(std::string* out, size_t n);

  FILE* f_;
  uint64_t pos_;
  uint64_t offset_;
  uint64_t size_;
  bool eof_ = false;
  std::string error_;
};

// What replaying a command file gave.
struct ReplayResult {
  enum class Kind { kOk, kTruncated, kBadFormat, kIoError, kRefused } kind = Kind::kOk;
  uint64_t commands = 0;
  // kTruncated: where the file should be cut (the end of the last whole command, or the start
  // of an unfinished MULTI). Otherwise the offset of the failure.
  uint64_t offset = 0;
  bool reverted_multi = false;  // the file ended inside MULTI ... EXEC
  std::string message;
};

// Runs every command of a command file through `apply` (which returns "" or why the command
// is refused — an unknown command, say). Tracks MULTI/EXEC so a transaction the file ends
// inside counts as a torn tail.
ReplayResult ReplayCommandFile(
    FILE* f, uint64_t start, uint64_t file_size,
    const std::function<std::string(const std::vector<std::string>&)>& apply);

}  // namespace memkeydb::aof
