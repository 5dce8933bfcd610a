#include "common/logging.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace memkeydb {
namespace {
LogLevel g_level = LogLevel::kNotice;
FILE* g_file = nullptr;  // nullptr: stdout
char g_role = 'M';
}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }
void SetLogRole(char role) { g_role = role; }

bool SetLogFile(const std::string& path) {
  if (path.empty()) {
    if (g_file) fclose(g_file);
    g_file = nullptr;
    return true;
  }
  FILE* f = fopen(path.c_str(), "a");
  if (!f) return false;
  if (g_file) fclose(g_file);
  g_file = f;
  return true;
}

void LogLine(LogLevel level, const std::string& message) {
  static const char kMarks[] = ".-*#";
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char when[64];
  size_t n = strftime(when, sizeof(when), "%d %b %Y %H:%M:%S.", &tm);
  snprintf(when + n, sizeof(when) - n, "%03d", static_cast<int>(tv.tv_usec / 1000));
  FILE* out = g_file ? g_file : stdout;
  fprintf(out, "%d:%c %s %c %s\n", static_cast<int>(getpid()), g_role, when,
          kMarks[static_cast<int>(level)], message.c_str());
  fflush(out);
}

namespace internal {
void CheckFailed(const char* file, int line, const char* condition, const std::string& extra) {
  LogLine(LogLevel::kWarning, std::string("CHECK failed at ") + file + ":" + std::to_string(line) +
                                  ": " + condition + (extra.empty() ? "" : " — " + extra));
  abort();
}
}  // namespace internal

}  // namespace memkeydb
