#include "server/commands/server_internal.h"

#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <fstream>

#include "common/clock.h"
#include "memory/memory_tiers.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// Bytes the tier layer held when the commands were registered (start-up, before any data):
// INFO's used_memory_startup.
int64_t g_startup_used_memory = 0;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// Resident set size from /proc/self/statm (second field, in pages).
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

std::string Format(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof(buf)) return std::string(buf, static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  vsnprintf(out.data(), out.size(), fmt, ap);
  va_end(ap);
  out.resize(static_cast<size_t>(n));
  return out;
}

void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
            std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + Upper(ctx.arg(0)) + " HELP.");
}

void UnknownSubcommand(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try " +
            Upper(ctx.arg(0)) + " HELP.");
}

void ReplyHelp(CommandContext& ctx, std::string_view command,
               std::initializer_list<const char*> lines) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(lines.size() + 3);
  w.SimpleString(std::string(command) +
                 " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const char* line : lines) w.SimpleString(line);
  w.SimpleString("HELP");
  w.SimpleString("    Prints this help.");
}

MemoryReport CollectMemory(Server& server) {
  MemoryTiers& tiers = MemoryTiers::Get();
  MemoryReport r;
  r.used = tiers.used_total();
  r.peak = std::max(tiers.peak_total(), r.used);
  r.dram = tiers.used(Tier::kDram);
  r.far = tiers.used(Tier::kFar);
  r.rss = ResidentBytes();
  r.startup = std::min(g_startup_used_memory, r.used);
  // Client buffers are allocated outside the tier layer, so they are reported (clients.normal)
  // but not part of used_memory or of its overhead.
  r.clients_normal = static_cast<int64_t>(server.ClientBufferBytes());
  r.overhead = r.startup;
  for (int i = 0; i < server.db_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0 && db.table().bucket_count() <= 1) continue;
    DbOverhead o;
    o.index = i;
    o.main = static_cast<int64_t>(db.table().TableBytes() + db.size() * sizeof(Entry));
    o.expires = static_cast<int64_t>(db.expires() * (sizeof(Entry::ExpireSlot) + sizeof(Entry*)));
    r.overhead += o.main + o.expires;
    r.keys += static_cast<int64_t>(db.size());
    r.dbs.push_back(o);
  }
  r.dataset = std::max<int64_t>(0, r.used - r.overhead);
  return r;
}

void RecordStartupMemory() { g_startup_used_memory = MemoryTiers::Get().used_total(); }

}  // namespace memkeydb
