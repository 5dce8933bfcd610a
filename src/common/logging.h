// Logging in Redis's log-line format ("pid:role dd Mon yyyy hh:mm:ss.mmm <level> message"),
// and CHECK/DCHECK for invariants. Input from a client or a file is never CHECKed: it is
// reported. A failed CHECK logs the condition and its place, then aborts.
#pragma once

#include <sstream>
#include <string>

namespace memkeydb {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// Configuration of the process-wide log. Not thread-safe to change while other threads log.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Empty path: standard output.
bool SetLogFile(const std::string& path);
void SetLogRole(char role);  // 'M' primary, 'S' replica, 'C' child, 'X' sentinel

void LogLine(LogLevel level, const std::string& message);

namespace internal {
class LogMessage {
 public:
  explicit LogMessage(LogLevel level) : level_(level) {}
  ~LogMessage() { LogLine(level_, stream_.str()); }
  std::ostringstream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const std::string& extra);

// Turns a stream expression into void so it can sit in a conditional expression; `&` binds
// looser than `<<`, so the whole message is built first.
struct Voidify {
  void operator&(std::ostream&) {}
};

class CheckMessage {
 public:
  CheckMessage(const char* file, int line, const char* cond) : file_(file), line_(line), cond_(cond) {}
  [[noreturn]] ~CheckMessage() { CheckFailed(file_, line_, cond_, stream_.str()); }
  std::ostringstream& stream() { return stream_; }

 private:
  const char* file_;
  int line_;
  const char* cond_;
  std::ostringstream stream_;
};
}  // namespace internal

}  // namespace memkeydb

// Written as conditional expressions (not if/else) so they are safe under an unbraced `if`.
#define MKDB_LOG(level)                                                     \
  (::memkeydb::LogLevel::level < ::memkeydb::GetLogLevel())                 \
      ? (void)0                                                             \
      : ::memkeydb::internal::Voidify() &                                   \
            ::memkeydb::internal::LogMessage(::memkeydb::LogLevel::level).stream()

#define CHECK(cond)                                  \
  __builtin_expect(!!(cond), 1)                      \
      ? (void)0                                      \
      : ::memkeydb::internal::Voidify() &            \
            ::memkeydb::internal::CheckMessage(__FILE__, __LINE__, #cond).stream()

#ifdef NDEBUG
#define DCHECK(cond) \
  true ? (void)0 : ::memkeydb::internal::Voidify() & ::memkeydb::internal::CheckMessage(__FILE__, __LINE__, #cond).stream()
#else
#define DCHECK(cond) CHECK(cond)
#endif
