// The CONFIG command family: GET, SET, RESETSTAT, REWRITE and HELP, over the option registry of
// server/config.h. Replies and error texts follow redis-server 7.0.15:
//   * GET takes several patterns; a pattern without glob characters is looked up directly (and
//     answered under the spelling given), others are matched case-insensitively against every
//     name and alias. Each option appears once. RESP3 gets a map, RESP2 a flat array.
//   * SET takes several name/value pairs and is all-or-nothing: names are checked first (unknown,
//     immutable, protected, duplicate), then values are stored one by one, and the first failure
//     restores everything. Side effects run only after every value is stored.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/glob.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "server/command_context.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/config.h"
#include "server/aof_manager.h"
#include "server/server.h"

namespace memkeydb {
namespace {

using Option = ConfigRegistry::Option;
using Values = std::vector<std::string>;

constexpr uint32_t kConfigFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;

// How CONFIG SET splits a multi-value option's value: on every single space ("" has no parts).
Values SplitOnSpaces(std::string_view value) {
  Values out;
  if (value.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t sp = value.find(' ', start);
    if (sp == std::string_view::npos) {
      out.emplace_back(value.substr(start));
      return out;
    }
    out.emplace_back(value.substr(start, sp - start));
    start = sp + 1;
  }
}

Values ValuesFor(const Option& option, std::string_view value) {
  return option.multi_arg ? SplitOnSpaces(value) : Values{std::string(value)};
}

// Options that could make the server write files anywhere. Like Redis, CONFIG SET refuses them
// unless enable-protected-configs allows it ("yes", or "local" for a local connection).
bool IsProtected(const std::string& name) { return name == "dir" || name == "dbfilename"; }

// Local as Redis defines it (loopback address or unix socket); internal clients count too.
bool IsLocalClient(const Client& c) {
  if (c.fake() || c.has(kClientUnixSocket)) return true;
  const std::string& peer = c.peer();
  size_t colon = peer.rfind(':');
  std::string ip = colon == std::string::npos ? peer : peer.substr(0, colon);
  return ip == "127.0.0.1" || ip == "::1";
}

bool ProtectedChangesAllowed(CommandContext& ctx) {
  const Option* o = ConfigRegistry::Get().Find("enable-protected-configs");
  std::string mode = o != nullptr ? o->get(ctx.server().config()) : "no";
  return mode == "yes" || (mode == "local" && IsLocalClient(ctx.client()));
}

// The name Redis reports when a value is rejected: the alias if the client used one, else the
// option's own name (lower case either way).
std::string ReportedName(const Option& option, const std::string& lower_name) {
  for (const std::string& alias : option.aliases) {
    if (alias == lower_name) return alias;
  }
  return option.name;
}

// Makes room for `maxclients` connections in the process's open-file limit, keeping 32
// descriptors for everything else as Redis does. Returns "" or Redis's error text.
std::string RaiseFileLimit(int64_t maxclients) {
  constexpr int64_t kReservedFds = 32;
  // Redis adds in 32-bit unsigned arithmetic, so 4294967295 wraps to a small limit and passes.
  rlim_t wanted = static_cast<uint32_t>(maxclients + kReservedFds);
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return "";
  rlim_t best = limit.rlim_cur;
  struct rlimit raised = {wanted, std::max(wanted, limit.rlim_max)};
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return "";
  // Not allowed past the hard limit: take as much as it allows.
  if (limit.rlim_max > best) {
    raised = {limit.rlim_max, limit.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) best = limit.rlim_max;
  }
  int64_t possible = static_cast<int64_t>(best) - kReservedFds;
  return "The operating system is not able to handle the specified number of clients, try with " +
         std::to_string(possible);
}

bool IsTierOption(const std::string& name) {
  static const char* const kNames[] = {
      "memory-alloc-policy",       "static-threshold",      "dram-pmem-ratio",
      "initial-dynamic-threshold", "dynamic-threshold-min", "dynamic-threshold-max",
      "hashtable-on-dram",         "pmem-maxmemory",        "dram-maxmemory"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

// Carries a changed option's value into the running server. Returns "" or an error text.
// Options not listed here are read from Config where they are used.
std::string ApplyOption(Server& server, const std::string& name) {
  Config& config = server.config();
  ApplyCollectionLimits(config);  // cheap: a few copies, whichever option changed
  if (name == "hz") {
    server.ApplyHz();
  } else if (name == "loglevel") {
    LogLevel level = LogLevel::kNotice;
    if (config.loglevel == "debug") level = LogLevel::kDebug;
    if (config.loglevel == "verbose") level = LogLevel::kVerbose;
    if (config.loglevel == "warning") level = LogLevel::kWarning;
    SetLogLevel(level);
  } else if (name == "maxclients") {
    return RaiseFileLimit(config.maxclients);
  } else if (name == "dir") {
    if (chdir(config.dir.c_str()) != 0) return std::strerror(errno);
  } else if (name == "appendonly") {
    if (config.appendonly && !server.aof().enabled()) return server.aof().Enable();
    if (!config.appendonly && server.aof().enabled()) server.aof().Disable();
  } else if (name == "maxmemory-policy") {
    server.ApplyEvictionPolicy();
  } else if (IsTierOption(name)) {
    // hashtable-on-dram takes effect for tables allocated from then on (the next resize).
    return server.tiering().Apply(config);
  }
  return "";
}

struct PendingChange {
  const Option* option;
  std::string reported_name;
  std::string value;
  std::string old_value;
};

// Puts back the values from before a failed CONFIG SET and re-applies them.
void RestoreConfig(Server& server, const Config& backup, const std::vector<PendingChange>& changes,
                   size_t attempted, bool reapply) {
  const ConfigRegistry& registry = ConfigRegistry::Get();
  Config& config = server.config();
  // Ignored options keep their values outside Config: set them back through the registry.
  for (size_t i = 0; i < attempted; ++i) {
    const Option& o = *changes[i].option;
    if (!registry.IsAcceptedButIgnored(o.name)) continue;
    std::string err = o.set(config, ValuesFor(o, changes[i].old_value));
    if (!err.empty()) {
      MKDB_LOG(kWarning) << "Failed restoring failed CONFIG SET command. Error setting " << o.name
                         << " to '" << changes[i].old_value << "': " << err;
    }
  }
  config = backup;
  if (!reapply) return;
  for (size_t i = 0; i < attempted; ++i) {
    std::string err = ApplyOption(server, changes[i].option->name);
    if (!err.empty()) {
      MKDB_LOG(kWarning) << "Failed applying restored failed CONFIG SET command: " << err;
    }
  }
}

// CONFIG GET parameter [parameter ...]
void ConfigGetCommand(CommandContext& ctx) {
  const ConfigRegistry& registry = ConfigRegistry::Get();
  const Config& config = ctx.server().config();
  std::vector<std::pair<std::string, const Option*>> matches;
  std::set<std::string> seen;  // lower-case names already matched
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string_view pattern = ctx.arg(i);
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      std::string lower = ToLower(pattern);
      if (seen.count(lower)) continue;
      if (const Option* o = registry.Find(pattern)) {
        matches.emplace_back(std::string(pattern), o);
        seen.insert(lower);
      }
      continue;
    }
    for (const Option& o : registry.options()) {
      auto consider = [&](const std::string& name) {
        if (seen.count(name) || !GlobMatch(pattern, name, /*nocase=*/true)) return;
        matches.emplace_back(name, &o);
        seen.insert(name);
      };
      consider(o.name);
      for (const std::string& alias : o.aliases) consider(alias);
    }
  }
  ReplyWriter& w = ctx.reply();
  w.MapHeader(matches.size());
  for (const auto& [name, option] : matches) {
    w.Bulk(name);
    w.Bulk(option->get(config));
  }
}

// CONFIG SET parameter value [parameter value ...]
void ConfigSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.SyntaxError();
    return;
  }
  const ConfigRegistry& registry = ConfigRegistry::Get();
  Server& server = ctx.server();
  Config& config = server.config();

  // 1. Names: the first problem found is the one reported.
  std::vector<PendingChange> changes;
  std::set<std::string> seen;
  std::string unknown_name, error, error_name;
  bool failed = false;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string name(ctx.arg(i));
    const Option* o = registry.Find(name);
    if (o == nullptr) {
      if (!failed) unknown_name = name;
      failed = true;
      continue;
    }
    if (failed) continue;
    std::string lower = ToLower(name);
    if (o->immutable) {
      error = "can't set immutable config";
    } else if (IsProtected(o->name) && !ProtectedChangesAllowed(ctx)) {
      error = "can't set protected config";
    } else if (!seen.insert(lower).second) {
      // A name and its alias are distinct entries, as in Redis: only the same spelling clashes.
      error = "duplicate parameter";
    } else {
      changes.push_back({o, ReportedName(*o, lower), std::string(ctx.arg(i + 1)), ""});
      continue;
    }
    error_name = name;
    failed = true;
  }
  if (failed) {
    if (!unknown_name.empty()) {
      ctx.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown_name +
                "'");
    } else {
      ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + error_name + "') - " +
                error);
    }
    return;
  }

  // 2. Values: store them all, or none.
  Config backup = config;
  for (PendingChange& c : changes) c.old_value = c.option->get(config);
  for (size_t i = 0; i < changes.size(); ++i) {
    const Option& o = *changes[i].option;
    std::string err = o.set(config, ValuesFor(o, changes[i].value));
    if (!err.empty()) {
      RestoreConfig(server, backup, changes, i + 1, /*reapply=*/false);
      ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + changes[i].reported_name +
                "') - " + err);
      return;
    }
  }

  // 3. Side effects of the options whose value changed, each once.
  std::set<std::string> applied;
  for (const PendingChange& c : changes) {
    const std::string& name = c.option->name;
    if (c.option->get(config) == c.old_value || !applied.insert(name).second) continue;
    std::string err = ApplyOption(server, name);
    if (!err.empty()) {
      MKDB_LOG(kWarning) << "Failed applying new configuration. Possibly related to new " << name
                         << " setting. Restoring previous settings.";
      RestoreConfig(server, backup, changes, changes.size(), /*reapply=*/true);
      ctx.Error("ERR CONFIG SET failed (possibly related to argument '" + c.reported_name +
                "') - " + err);
      return;
    }
  }
  ctx.reply().Ok();
}

// CONFIG RESETSTAT
void ConfigResetStatCommand(CommandContext& ctx) {
  // Server statistics, per-command statistics and error counts; the slowlog and the latency
  // monitor are left alone, as in Redis.
  ctx.server().stats() = ServerStats{};
  CommandTable::Get().ResetStats();
  ctx.reply().Ok();
}

// CONFIG REWRITE
void ConfigRewriteCommand(CommandContext& ctx) {
  const Config& config = ctx.server().config();
  if (config.config_file.empty()) {
    ctx.Error("ERR The server is running without a config file");
    return;
  }
  Status st = RewriteConfigFile(config);
  if (!st.ok()) {
    MKDB_LOG(kWarning) << "CONFIG REWRITE failed: " << st.message();
    ctx.Error("ERR Rewriting config file: " + st.message());
    return;
  }
  MKDB_LOG(kWarning) << "CONFIG REWRITE executed with success.";
  ctx.reply().Ok();
}

// CONFIG HELP
void ConfigHelpCommand(CommandContext& ctx) {
  static const char* const kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(std::size(kLines));
  for (const char* line : kLines) w.SimpleString(line);
}

// CONFIG <subcommand>: reached only when the subcommand is unknown.
void ConfigCommand(CommandContext& ctx) {
  std::string sub(ctx.arg(1).substr(0, 128));
  ctx.Error("ERR unknown subcommand '" + sub + "'. Try CONFIG HELP.");
}

const CommandSpec kConfigSubcommands[] = {
    {"get", -3, kConfigFlags, 0, 0, 0, "server", "2.0.0",
     "Get the values of configuration parameters",
     "O(N) when N is the number of configuration parameters provided", "parameter [parameter ...]",
     ConfigGetCommand},
    {"help", 2, kCmdLoading | kCmdStale, 0, 0, 0, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", ConfigHelpCommand},
    {"resetstat", 2, kConfigFlags, 0, 0, 0, "server", "2.0.0", "Reset the stats returned by INFO",
     "O(1)", "", ConfigResetStatCommand},
    {"rewrite", 2, kConfigFlags, 0, 0, 0, "server", "2.8.0",
     "Rewrite the configuration file with the in memory configuration", "O(1)", "",
     ConfigRewriteCommand},
    {"set", -4, kConfigFlags, 0, 0, 0, "server", "2.0.0",
     "Set configuration parameters to the given values",
     "O(N) when N is the number of configuration parameters provided",
     "parameter value [parameter value ...]", ConfigSetCommand},
    {},
};

const CommandSpec kConfigCommands[] = {
    {"config", -2, 0, 0, 0, 0, "server", "2.0.0", "A container for server configuration commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", ConfigCommand, kConfigSubcommands},
    {},
};

}  // namespace

void RegisterConfigCommands() { CommandTable::Get().Register(kConfigCommands); }

}  // namespace memkeydb
