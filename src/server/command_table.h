// The command table: one declarative entry per command (and per subcommand) drives dispatch,
// arity and unknown-command errors, ACL categories and the COMMAND introspection replies.
//
// A family file (commands/<family>.cc) defines a static array of CommandSpec and registers it;
// the spec's fields mirror Redis's command metadata so COMMAND INFO/DOCS answer like Redis.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {

class CommandContext;
using CommandHandler = void (*)(CommandContext& ctx);

// Command flags, named as in Redis's COMMAND INFO output.
enum CommandFlag : uint32_t {
  kCmdWrite = 1 << 0,
  kCmdReadonly = 1 << 1,
  kCmdDenyOom = 1 << 2,
  kCmdAdmin = 1 << 3,
  kCmdPubSub = 1 << 4,
  kCmdNoScript = 1 << 5,
  kCmdBlocking = 1 << 6,
  kCmdLoading = 1 << 7,
  kCmdStale = 1 << 8,
  kCmdSkipMonitor = 1 << 9,
  kCmdSkipSlowlog = 1 << 10,
  kCmdFast = 1 << 11,
  kCmdNoAuth = 1 << 12,
  kCmdMayReplicate = 1 << 13,
  kCmdNoMulti = 1 << 14,
  kCmdAllowBusy = 1 << 15,
  kCmdSentinel = 1 << 16,
  kCmdNoMandatoryKeys = 1 << 17,
  kCmdProtected = 1 << 18,   // behind enable-debug-command and similar switches
  kCmdTouchesArbitraryKeys = 1 << 19,
};

struct CommandSpec {
  const char* name;      // lower case; a subcommand's own name (e.g. "get" under "config")
  int arity;             // Redis convention: N exact, -N at least N (command name included)
  uint32_t flags;
  int first_key, last_key, key_step;  // 1-based argument positions; 0 = no keys
  const char* group;     // "string", "generic", "server", "connection", "pubsub", ...
  const char* since;
  const char* summary;
  const char* complexity;
  const char* syntax;    // argument syntax after the command name, for COMMAND DOCS and help
  CommandHandler handler;
  const CommandSpec* subcommands = nullptr;  // array ending with an entry whose name is nullptr
};

// Mutable per-command statistics (INFO commandstats).
struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// A registered command: the spec plus its statistics and resolved subcommands.
struct Command {
  const CommandSpec* spec;
  std::string full_name;  // "get", or "config|get" for a subcommand
  Command* parent = nullptr;
  std::map<std::string, std::unique_ptr<Command>> subcommands;  // lower-case name
  CommandStats stats;
  std::vector<std::string> acl_categories;

  bool is(uint32_t flag) const { return (spec->flags & flag) != 0; }
  bool has_subcommands() const { return !subcommands.empty(); }
};

class CommandTable {
 public:
  static CommandTable& Get();

  // Registers an array of specs terminated by an entry whose name is nullptr.
  void Register(const CommandSpec* specs);
  // Case-insensitive lookup of a top-level command; nullptr when unknown.
  Command* Find(std::string_view name) const;
  // The subcommand of `cmd` named `sub`, or nullptr.
  static Command* FindSub(const Command* cmd, std::string_view sub);
  const std::map<std::string, std::unique_ptr<Command>>& all() const { return commands_; }
  void ResetStats();

 private:
  std::map<std::string, std::unique_ptr<Command>> commands_;
};

// Every family registers itself here; called once at start-up (and by tests).
void RegisterAllCommands();

}  // namespace memkeydb
