// Helpers shared by the server administration families (server, info, client, diagnostics and
// debug) — and, for subcommand errors and HELP replies, by any family with subcommands (XGROUP,
// XINFO): printf-style formatting, subcommand errors and HELP replies, the LRU clock, the
// memory accounting behind INFO memory and MEMORY STATS, and the flag sets of their tables.
// Private to src/server/commands; not for other folders.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "server/command_context.h"
#include "server/command_table.h"

namespace memkeydb {

class Server;

// Command flag sets the administration tables share.
inline constexpr uint32_t kLS = kCmdLoading | kCmdStale;
inline constexpr uint32_t kAdm = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// The error Redis gives when a subcommand exists but its arguments do not fit it.
void SubcommandSyntaxError(CommandContext& ctx);

// A container command's own handler runs only if dispatch found no subcommand.
void UnknownSubcommand(CommandContext& ctx);

// Replies with a HELP text: a header naming the command, the given lines, and HELP's own entry.
void ReplyHelp(CommandContext& ctx, std::string_view command,
               std::initializer_list<const char*> lines);

// ---------------------------------------------------------------------------------------------
// Memory accounting shared by INFO memory and MEMORY STATS.

struct DbOverhead {
  int index;
  int64_t main;     // bucket arrays plus the fixed part of every entry
  int64_t expires;  // expire slots plus the database's list of expiring entries
};

struct MemoryReport {
  int64_t used = 0, peak = 0, dram = 0, far = 0, rss = 0, startup = 0;
  int64_t clients_normal = 0;
  int64_t overhead = 0, dataset = 0, keys = 0;
  std::vector<DbOverhead> dbs;
};

MemoryReport CollectMemory(Server& server);

// Records the bytes the tier layer holds now as INFO's used_memory_startup. Called once, when
// the commands are registered (start-up, before any data).
void RecordStartupMemory();

}  // namespace memkeydb
