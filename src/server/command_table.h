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
#include <unordered_map>
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
  kCmdMovableKeys = 1 << 20,  // set by Register for specs with find_keys
};

// Finds the key positions of a command whose keys move with its arguments (a numkeys count,
// STREAMS, STORE): `args` is the whole command (args[0] its name); appends 0-based positions
// to *keys. False if the arguments are malformed (COMMAND GETKEYS then says so).
using KeyFinder = bool (*)(const std::vector<std::string_view>& args, std::vector<size_t>* keys);

// The finders the families use.
// numkeys at args[1], then the keys (ZUNION, ZINTER, ZDIFF, SINTERCARD, ZINTERCARD, LMPOP, ZMPOP).
bool FindKeysNumkeysAt1(const std::vector<std::string_view>& args, std::vector<size_t>* keys);
// numkeys at args[2], then the keys (BLMPOP, BZMPOP: the timeout comes first).
bool FindKeysNumkeysAt2(const std::vector<std::string_view>& args, std::vector<size_t>* keys);
// destination at args[1], numkeys at args[2], then the keys (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE).
bool FindKeysDestNumkeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys);
// The first half of what follows STREAMS (XREAD, XREADGROUP).
bool FindKeysStreams(const std::vector<std::string_view>& args, std::vector<size_t>* keys);
// args[1], and the argument after a STORE option (SORT, SORT_RO).
bool FindKeysSort(const std::vector<std::string_view>& args, std::vector<size_t>* keys);
// args[1], and the argument after STORE or STOREDIST (GEORADIUS, GEORADIUSBYMEMBER).
bool FindKeysGeoradius(const std::vector<std::string_view>& args, std::vector<size_t>* keys);

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
  KeyFinder find_keys = nullptr;  // keys that move with the arguments (COMMAND GETKEYS)
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

  bool is(uint32_t flag) const {
    return (spec->flags & flag) != 0 || (flag == kCmdMovableKeys && spec->find_keys != nullptr);
  }
  bool has_subcommands() const { return !subcommands.empty(); }
};

// The positions in `args` (the whole command: args[0] its name, args[1] a subcommand's name) of
// the keys of `cmd`, as COMMAND GETKEYS and the inline snapshot's write hook find them. False if
// a command with movable keys has malformed arguments.
bool FindCommandKeys(const Command& cmd, const std::vector<std::string_view>& args,
                     std::vector<size_t>* keys);

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
  // Find's index, every command looked up once per call: a hash of the names (views of the
  // specs' static strings) instead of the ordered map's eight string comparisons.
  std::unordered_map<std::string_view, Command*> by_name_;
};

// Every family registers itself here; called once at start-up (and by tests).
void RegisterAllCommands();

}  // namespace memkeydb
