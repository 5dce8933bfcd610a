#include "persistence/aof.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/strutil.h"

namespace memkeydb::aof {
namespace {

constexpr size_t kManifestMaxLine = 1024;
// The "*N" and "$N" lines of a command file are short; anything longer is not RESP.
constexpr size_t kHeaderMaxLine = 128;

std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (tolower(static_cast<unsigned char>(a[i])) != tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a decimal number that must fill `s` (an optional '-' first).
bool ParseWholeInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = s[0] == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = neg ? -v : v;
  return true;
}

bool IsBaseName(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name != "." &&
         name != "..";
}

void AppendLine(std::string* out, const FileInfo& f) {
  *out += "file ";
  *out += NameNeedsQuoting(f.name) ? Repr(f.name) : f.name;
  *out += " seq ";
  *out += std::to_string(f.seq);
  *out += " type ";
  *out += static_cast<char>(f.type);
  *out += '\n';
}

Status ErrnoStatus(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Manifest

std::string ManifestFileName(const std::string& appendfilename) {
  return appendfilename + ".manifest";
}

std::string TempManifestFileName(const std::string& appendfilename) {
  return "temp-" + appendfilename + ".manifest";
}

bool NameNeedsQuoting(std::string_view name) {
  for (unsigned char c : name) {
    if (c == '\\' || c == '"' || !isprint(c) || isspace(c)) return true;
  }
  return false;
}

bool SplitWords(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0, n = line.size();
  auto space = [](char c) { return isspace(static_cast<unsigned char>(c)) != 0; };
  while (true) {
    while (i < n && space(line[i])) ++i;
    if (i >= n) return true;
    std::string word;
    bool in_double = false, in_single = false, done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;  // unterminated quotes
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          word += static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n': word += '\n'; break;
            case 'r': word += '\r'; break;
            case 't': word += '\t'; break;
            case 'b': word += '\b'; break;
            case 'a': word += '\a'; break;
            default: word += line[i];
          }
        } else if (line[i] == '"') {
          // The closing quote must end the word.
          if (i + 1 < n && !space(line[i + 1])) return false;
          done = true;
        } else {
          word += line[i];
        }
      } else if (in_single) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          word += '\'';
        } else if (line[i] == '\'') {
          if (i + 1 < n && !space(line[i + 1])) return false;
          done = true;
        } else {
          word += line[i];
        }
      } else {
        if (i >= n || space(line[i])) {
          done = true;
          if (i >= n) break;
        } else if (line[i] == '"') {
          in_double = true;
        } else if (line[i] == '\'') {
          in_single = true;
        } else {
          word += line[i];
        }
      }
      if (i < n) ++i;
    }
    out->push_back(std::move(word));
  }
}

std::string Manifest::ToString() const {
  std::string out;
  if (base) AppendLine(&out, *base);
  for (const FileInfo& f : history) AppendLine(&out, f);
  for (const FileInfo& f : incrs) AppendLine(&out, f);
  return out;
}

StatusOr<Manifest> Manifest::Parse(std::string_view text) {
  Manifest m;
  int64_t max_incr_seq = 0;
  size_t pos = 0;
  int line_no = 0;
  if (text.empty()) return Status::Corruption("Found an empty AOF manifest");
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!raw.empty() && raw[0] == '#') continue;
    std::string_view line = Trim(raw);
    auto fail = [&](const std::string& why) {
      return Status::Corruption("at line " + std::to_string(line_no) + " ('" +
                                std::string(line) + "'): " + why);
    };
    if (nl == std::string_view::npos || raw.size() + 1 > kManifestMaxLine) {
      return fail("The AOF manifest file contains too long line");
    }
    if (line.empty()) return fail("Invalid AOF manifest file format");
    std::vector<std::string> words;
    if (!SplitWords(line, &words) || words.size() < 6 || words.size() % 2 != 0) {
      return fail("Invalid AOF manifest file format");
    }
    FileInfo f;
    bool have_name = false, have_type = false;
    for (size_t i = 0; i < words.size(); i += 2) {
      const std::string& value = words[i + 1];
      if (EqualsNoCase(words[i], "file")) {
        if (!IsBaseName(value)) return fail("File can't be a path, just a filename");
        f.name = value;
        have_name = true;
      } else if (EqualsNoCase(words[i], "seq")) {
        // Like atoll: leading digits count, anything else is 0 (and refused below).
        f.seq = atoll(value.c_str());
      } else if (EqualsNoCase(words[i], "type")) {
        if (!value.empty()) {
          f.type = static_cast<FileType>(value[0]);
          have_type = true;
        }
      }
    }
    if (!have_name || f.seq == 0 || !have_type) return fail("Invalid AOF manifest file format");
    switch (f.type) {
      case FileType::kBase:
        if (m.base) return fail("Found duplicate base file information");
        m.base_seq = f.seq;
        m.base = std::move(f);
        break;
      case FileType::kHistory:
        m.history.push_back(std::move(f));
        break;
      case FileType::kIncr:
        if (f.seq <= max_incr_seq) return fail("Found a non-monotonic sequence number");
        max_incr_seq = f.seq;
        m.incr_seq = f.seq;
        m.incrs.push_back(std::move(f));
        break;
      default:
        return fail("Unknown AOF file type");
    }
  }
  return m;
}

const FileInfo& Manifest::NewBase(const std::string& prefix, bool rdb_preamble) {
  if (base) {
    base->type = FileType::kHistory;
    history.insert(history.begin(), std::move(*base));
  }
  FileInfo f;
  f.seq = ++base_seq;
  f.name = prefix + "." + std::to_string(f.seq) + ".base." + (rdb_preamble ? "rdb" : "aof");
  f.type = FileType::kBase;
  base = std::move(f);
  return *base;
}

const FileInfo& Manifest::NewIncr(const std::string& prefix) {
  FileInfo f;
  f.seq = ++incr_seq;
  f.name = prefix + "." + std::to_string(f.seq) + ".incr.aof";
  f.type = FileType::kIncr;
  incrs.push_back(std::move(f));
  return incrs.back();
}

void Manifest::RetireIncrs(size_t keep) {
  while (incrs.size() > keep) {
    FileInfo f = std::move(incrs.front());
    incrs.erase(incrs.begin());
    f.type = FileType::kHistory;
    history.push_back(std::move(f));
  }
}

Status FsyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoStatus("Can't open directory " + dir);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  errno = err;
  if (rc != 0) return ErrnoStatus("Failed to fsync directory " + dir);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& dir, const std::string& name,
                           const std::string& temp_name, std::string_view data) {
  std::string temp_path = dir + "/" + temp_name;
  int fd = open(temp_path.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("Can't open " + temp_name);
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = ErrnoStatus("Error writing " + temp_name);
      close(fd);
      return st;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0) {
    Status st = ErrnoStatus("Failed to fsync " + temp_name);
    close(fd);
    return st;
  }
  close(fd);
  if (rename(temp_path.c_str(), (dir + "/" + name).c_str()) != 0) {
    return ErrnoStatus("Error renaming " + temp_name + " into " + name);
  }
  return FsyncDir(dir);
}

// ---------------------------------------------------------------------------------------------
// Commands

void AppendCommand(std::string* out, const std::vector<std::string_view>& argv) {
  *out += '*';
  *out += std::to_string(argv.size());
  *out += "\r\n";
  for (std::string_view a : argv) {
    *out += '$';
    *out += std::to_string(a.size());
    *out += "\r\n";
    out->append(a.data(), a.size());
    *out += "\r\n";
  }
}

void AppendCommand(std::string* out, std::initializer_list<std::string_view> argv) {
  AppendCommand(out, std::vector<std::string_view>(argv));
}

bool StartsWithRdbMagic(std::string_view head) { return head.substr(0, 5) == "REDIS"; }

CommandReader::CommandReader(FILE* f, uint64_t start, uint64_t file_size)
    : f_(f), pos_(start), offset_(start), size_(file_size) {}

bool CommandReader::ReadLine(std::string* line, size_t max) {
  line->clear();
  while (true) {
    int c = getc_unlocked(f_);
    if (c == EOF) {
      eof_ = !ferror(f_);
      return false;
    }
    ++pos_;
    line->push_back(static_cast<char>(c));
    if (c == '\n') return true;
    if (line->size() >= max) {
      // Not a header line: let the caller report the format.
      return true;
    }
  }
}

bool CommandReader::ReadExact(std::string* out, size_t n) {
  out->resize(n);
  size_t got = n == 0 ? 0 : fread(out->data(), 1, n, f_);
  pos_ += got;
  if (got < n) {
    eof_ = !ferror(f_);
    return false;
  }
  return true;
}

CommandReader::Result CommandReader::Next(std::vector<std::string>* argv) {
  argv->clear();
  std::string line;
  eof_ = false;
  auto short_read = [&] {
    if (eof_) return Result::kTruncated;
    error_ = "read error at offset " + std::to_string(pos_) + ": " + std::strerror(errno);
    return Result::kIoError;
  };
  auto bad = [&](uint64_t at, const std::string& what) {
    error_ = "at offset " + std::to_string(at) + ": " + what;
    return Result::kBadFormat;
  };
  // Annotations between commands.
  while (true) {
    uint64_t start = pos_;
    if (!ReadLine(&line, kHeaderMaxLine)) {
      if (eof_ && line.empty()) return Result::kEnd;
      return short_read();
    }
    if (line[0] == '#') {
      // Skip the rest of an annotation longer than a header line.
      while (line.back() != '\n') {
        if (!ReadLine(&line, kHeaderMaxLine)) return short_read();
      }
      offset_ = pos_;
      continue;
    }
    if (line[0] != '*') return bad(start, "expected '*' starting a command");
    if (line.back() != '\n') return bad(start, "command header line too long");
    std::string_view count(line);
    count.remove_prefix(1);
    if (count.size() < 2 || count.substr(count.size() - 2) != "\r\n") {
      return bad(start, "command header not ended by CRLF");
    }
    count.remove_suffix(2);
    int64_t argc;
    if (!ParseWholeInt(count, &argc) || argc < 1) return bad(start, "invalid argument count");
    // Each argument takes at least "$0\r\n\r\n": a count beyond what is left is a torn tail
    // (or a lie), never an allocation.
    if (static_cast<uint64_t>(argc) > (size_ - pos_) / 6 + 1) {
      if (static_cast<uint64_t>(argc) > (1ULL << 31)) return bad(start, "invalid argument count");
      return Result::kTruncated;
    }
    argv->reserve(static_cast<size_t>(argc));
    for (int64_t i = 0; i < argc; ++i) {
      uint64_t arg_start = pos_;
      if (!ReadLine(&line, kHeaderMaxLine)) return short_read();
      if (line[0] != '$') return bad(arg_start, "expected '$' starting an argument");
      std::string_view len_text(line);
      len_text.remove_prefix(1);
      if (len_text.size() < 2 || len_text.substr(len_text.size() - 2) != "\r\n") {
        if (line.back() != '\n') return bad(arg_start, "argument header line too long");
        return bad(arg_start, "argument header not ended by CRLF");
      }
      len_text.remove_suffix(2);
      int64_t len;
      if (!ParseWholeInt(len_text, &len) || len < 0) return bad(arg_start, "invalid bulk length");
      if (static_cast<uint64_t>(len) + 2 > size_ - pos_) return Result::kTruncated;
      std::string arg;
      if (!ReadExact(&arg, static_cast<size_t>(len))) return short_read();
      std::string crlf;
      if (!ReadExact(&crlf, 2)) return short_read();
      if (crlf != "\r\n") return bad(pos_ - 2, "bulk string not ended by CRLF");
      argv->push_back(std::move(arg));
    }
    offset_ = pos_;
    return Result::kCommand;
  }
}

ReplayResult ReplayCommandFile(
    FILE* f, uint64_t start, uint64_t file_size,
    const std::function<std::string(const std::vector<std::string>&)>& apply) {
  ReplayResult r;
  CommandReader reader(f, start, file_size);
  std::vector<std::string> argv;
  bool in_multi = false;
  uint64_t before_multi = start;
  while (true) {
    uint64_t command_start = reader.offset();
    CommandReader::Result res = reader.Next(&argv);
    switch (res) {
      case CommandReader::Result::kCommand: {
        if (EqualsNoCase(argv[0], "multi")) {
          in_multi = true;
          before_multi = command_start;
        } else if (EqualsNoCase(argv[0], "exec") || EqualsNoCase(argv[0], "discard")) {
          in_multi = false;
        }
        std::string refused = apply(argv);
        if (!refused.empty()) {
          r.kind = ReplayResult::Kind::kRefused;
          r.offset = command_start;
          r.message = std::move(refused);
          return r;
        }
        ++r.commands;
        continue;
      }
      case CommandReader::Result::kEnd:
        if (in_multi) {
          r.kind = ReplayResult::Kind::kTruncated;
          r.reverted_multi = true;
          r.offset = before_multi;
        }
        return r;
      case CommandReader::Result::kTruncated:
        r.kind = ReplayResult::Kind::kTruncated;
        r.offset = in_multi ? before_multi : reader.offset();
        r.reverted_multi = in_multi;
        return r;
      case CommandReader::Result::kBadFormat:
        r.kind = ReplayResult::Kind::kBadFormat;
        r.offset = reader.offset();
        r.message = reader.error();
        return r;
      case CommandReader::Result::kIoError:
        r.kind = ReplayResult::Kind::kIoError;
        r.offset = reader.offset();
        r.message = reader.error();
        return r;
    }
  }
}

}  // namespace memkeydb::aof
