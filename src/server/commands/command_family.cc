// COMMAND and its subcommands: introspection of the command table, answered in Redis 7.0's
// formats (COMMAND INFO's ten-element entries with key specifications, COMMAND DOCS' maps).
//
// Everything is derived from the declarative CommandSpec entries. The table has no fields yet
// for Redis's command tips, argument trees or per-key-spec access flags, so COMMAND INFO
// replies with no tips, COMMAND DOCS with no "arguments", and key specs carry flags derived
// from the command's read/write flags (RO+access for reads, RW+update for writes).

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "common/glob.h"
#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// Redis's flag names in the order COMMAND INFO lists them. Flags Redis keeps out of the reply
// (may_replicate, sentinel, protected) are absent here too.
struct FlagName {
  uint32_t flag;
  const char* name;
};
constexpr FlagName kFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadonly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},
    {kCmdPubSub, "pubsub"},
    {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoMandatoryKeys, "no_mandatory_keys"},
    {kCmdNoMulti, "no_multi"},
    {kCmdMovableKeys, "movablekeys"},
    {kCmdAllowBusy, "allow_busy"},
};

bool HasKeys(const Command& cmd) {
  return cmd.spec->first_key > 0 || cmd.spec->find_keys != nullptr;
}

// Redis lists ACL categories in the order of its category bits.
constexpr const char* kCategoryOrder[] = {
    "@keyspace",   "@read",        "@write",     "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",    "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",      "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting",
};

// Categories that follow from a command's flags; the rest come from its group.
bool IsFlagCategory(std::string_view c) {
  return c == "@write" || c == "@read" || c == "@admin" || c == "@dangerous" || c == "@pubsub" ||
         c == "@fast" || c == "@slow" || c == "@blocking";
}

// The command's categories as Redis reports them: in Redis's order, and for a container
// command only those its (empty) flags give, since its group describes its subcommands.
std::vector<std::string_view> Categories(const Command& cmd) {
  std::vector<std::string_view> out;
  for (const char* c : kCategoryOrder) {
    for (const std::string& have : cmd.acl_categories) {
      if (have == c && (!cmd.has_subcommands() || IsFlagCategory(have))) out.push_back(c);
    }
  }
  // Categories unknown to the order above keep their place at the end.
  for (const std::string& have : cmd.acl_categories) {
    if (std::find(std::begin(kCategoryOrder), std::end(kCategoryOrder), have) ==
        std::end(kCategoryOrder)) {
      out.push_back(have);
    }
  }
  return out;
}

// The access flags of a command's keys, as COMMAND INFO's key specs and GETKEYSANDFLAGS name
// them.
std::vector<const char*> KeyFlags(const Command& cmd) {
  if (cmd.is(kCmdWrite)) return {"RW", "update"};
  return {"RO", "access"};
}

void ReplyKeyFlags(ReplyWriter& w, const Command& cmd) {
  std::vector<const char*> flags = KeyFlags(cmd);
  w.SetHeader(flags.size());
  for (const char* f : flags) w.SimpleString(f);
}

// The one key specification a (first, last, step) triple describes: keys start at argument
// `first` and run to `last` (0: only the first; negative: counted from the end) every `step`.
void ReplyKeySpecs(ReplyWriter& w, const Command& cmd) {
  if (cmd.spec->first_key <= 0) {
    w.SetHeader(0);
    return;
  }
  const CommandSpec& s = *cmd.spec;
  w.SetHeader(1);
  w.MapHeader(3);
  w.Bulk("flags");
  ReplyKeyFlags(w, cmd);
  w.Bulk("begin_search");
  w.MapHeader(2);
  w.Bulk("type");
  w.Bulk("index");
  w.Bulk("spec");
  w.MapHeader(1);
  w.Bulk("index");
  w.Integer(s.first_key);
  w.Bulk("find_keys");
  w.MapHeader(2);
  w.Bulk("type");
  w.Bulk("range");
  w.Bulk("spec");
  w.MapHeader(3);
  w.Bulk("lastkey");
  w.Integer(s.last_key < 0 ? s.last_key : s.last_key - s.first_key);
  w.Bulk("keystep");
  w.Integer(s.key_step);
  w.Bulk("limit");
  w.Integer(0);
}

// One COMMAND INFO entry: name, arity, flags, first key, last key, key step, ACL categories,
// tips, key specs, subcommands (each an entry of the same shape).
void ReplyCommandInfo(ReplyWriter& w, const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  w.ArrayHeader(10);
  w.Bulk(cmd.full_name);
  w.Integer(s.arity);
  size_t nflags = 0;
  for (const FlagName& f : kFlagNames) nflags += cmd.is(f.flag) ? 1 : 0;
  w.SetHeader(nflags);
  for (const FlagName& f : kFlagNames) {
    if (cmd.is(f.flag)) w.SimpleString(f.name);
  }
  w.Integer(s.first_key);
  w.Integer(s.last_key);
  w.Integer(s.key_step);
  std::vector<std::string_view> categories = Categories(cmd);
  w.SetHeader(categories.size());
  for (std::string_view c : categories) w.SimpleString(c);
  w.SetHeader(0);  // tips
  ReplyKeySpecs(w, cmd);
  w.SetHeader(cmd.subcommands.size());
  for (const auto& [name, sub] : cmd.subcommands) ReplyCommandInfo(w, *sub);
}

// The documentation map of COMMAND DOCS. Empty fields are left out, as Redis leaves out what a
// command's documentation does not define.
void ReplyCommandDocs(ReplyWriter& w, const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  std::pair<const char*, const char*> fields[] = {
      {"summary", s.summary},
      {"since", s.since},
      {"group", s.group},
      {"complexity", s.complexity},
  };
  size_t n = cmd.has_subcommands() ? 1 : 0;
  for (const auto& [k, v] : fields) n += (v != nullptr && *v != '\0') ? 1 : 0;
  w.MapHeader(n);
  for (const auto& [k, v] : fields) {
    if (v == nullptr || *v == '\0') continue;
    w.Bulk(k);
    w.Bulk(v);
  }
  if (cmd.has_subcommands()) {
    w.Bulk("subcommands");
    w.MapHeader(cmd.subcommands.size());
    for (const auto& [name, sub] : cmd.subcommands) {
      w.Bulk(sub->full_name);
      ReplyCommandDocs(w, *sub);
    }
  }
}

// A command by its full name: "get", or "config|get" for a subcommand (case-insensitive).
const Command* FindByFullName(std::string_view name) {
  size_t bar = name.find('|');
  const Command* cmd = CommandTable::Get().Find(name.substr(0, bar));
  if (cmd == nullptr || bar == std::string_view::npos) return cmd;
  return CommandTable::FindSub(cmd, name.substr(bar + 1));
}

// COMMAND
void CommandCommand(CommandContext& ctx) {
  const auto& all = CommandTable::Get().all();
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(all.size());
  for (const auto& [name, cmd] : all) ReplyCommandInfo(w, *cmd);
}

// COMMAND COUNT
void CommandCountCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(CommandTable::Get().all().size()));
}

// COMMAND INFO [command-name [command-name ...]]
void CommandInfoCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    CommandCommand(ctx);
    return;
  }
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* cmd = FindByFullName(ctx.arg(i));
    if (cmd == nullptr) {
      w.Null();
    } else {
      ReplyCommandInfo(w, *cmd);
    }
  }
}

// COMMAND DOCS [command-name [command-name ...]]
void CommandDocsCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  if (ctx.argc() == 2) {
    const auto& all = CommandTable::Get().all();
    w.MapHeader(all.size());
    for (const auto& [name, cmd] : all) {
      w.Bulk(cmd->full_name);
      ReplyCommandDocs(w, *cmd);
    }
    return;
  }
  // Unknown names are skipped, so the map's size is known only at the end.
  size_t token = w.BeginDeferredMap();
  size_t n = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* cmd = FindByFullName(ctx.arg(i));
    if (cmd == nullptr) continue;
    w.Bulk(cmd->full_name);
    ReplyCommandDocs(w, *cmd);
    ++n;
  }
  w.EndDeferredMap(token, n);
}

// COMMAND LIST [FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]
void CommandListCommand(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argc() == 5 && ctx.ArgIs(2, "filterby")) {
    value = ctx.arg(4);
    if (ctx.ArgIs(3, "module")) {
      filter = Filter::kModule;
    } else if (ctx.ArgIs(3, "aclcat")) {
      filter = Filter::kAclCat;
    } else if (ctx.ArgIs(3, "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.SyntaxError();
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.SyntaxError();
    return;
  }
  std::string category = "@" + std::string(value);
  auto matches = [&](const Command& cmd) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // no modules
      case Filter::kAclCat:
        for (std::string_view c : Categories(cmd)) {
          if (EqualsIgnoreCase(c, category)) return true;
        }
        return false;
      case Filter::kPattern:
        return GlobMatch(value, cmd.full_name, /*nocase=*/true);
    }
    return false;
  };
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  for (const auto& [name, cmd] : CommandTable::Get().all()) {
    if (matches(*cmd)) {
      w.Bulk(cmd->full_name);
      ++n;
    }
    for (const auto& [sname, sub] : cmd->subcommands) {
      if (matches(*sub)) {
        w.Bulk(sub->full_name);
        ++n;
      }
    }
  }
  w.EndDeferredArray(token, n);
}

// Resolves the command whose arguments start at argument 2 and checks them as GETKEYS does.
// On failure replies with the error and returns nullptr.
const Command* CommandForGetkeys(CommandContext& ctx) {
  const Command* cmd = CommandTable::Get().Find(ctx.arg(2));
  if (cmd != nullptr && cmd->has_subcommands() && ctx.argc() > 3) {
    cmd = CommandTable::FindSub(cmd, ctx.arg(3));
  }
  if (cmd == nullptr) {
    ctx.Error("ERR Invalid command specified");
    return nullptr;
  }
  if (!HasKeys(*cmd)) {
    ctx.Error("ERR The command has no key arguments");
    return nullptr;
  }
  int arity = cmd->spec->arity;
  auto argc = static_cast<int>(ctx.argc() - 2);
  if ((arity > 0 && argc != arity) || argc < -arity) {
    ctx.Error("ERR Invalid number of arguments specified for command");
    return nullptr;
  }
  return cmd;
}

// Positions (in ctx's arguments) of the keys of the command starting at argument 2. False (after
// replying the error) if a command with movable keys has malformed arguments.
bool KeyPositions(CommandContext& ctx, const Command& cmd, std::vector<size_t>* out) {
  std::vector<std::string_view> args(ctx.args().begin() + 2, ctx.args().end());
  std::vector<size_t> found;
  if (!FindCommandKeys(cmd, args, &found)) {
    ctx.Error("ERR Invalid arguments specified for command");
    return false;
  }
  for (size_t i : found) out->push_back(i + 2);
  return true;
}

// COMMAND GETKEYS command [arg [arg ...]]
void CommandGetkeysCommand(CommandContext& ctx) {
  const Command* cmd = CommandForGetkeys(ctx);
  if (cmd == nullptr) return;
  std::vector<size_t> keys;
  if (!KeyPositions(ctx, *cmd, &keys)) return;
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(keys.size());
  for (size_t i : keys) w.Bulk(ctx.arg(i));
}

// COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
void CommandGetkeysandflagsCommand(CommandContext& ctx) {
  const Command* cmd = CommandForGetkeys(ctx);
  if (cmd == nullptr) return;
  std::vector<size_t> keys;
  if (!KeyPositions(ctx, *cmd, &keys)) return;
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(keys.size());
  for (size_t i : keys) {
    w.ArrayHeader(2);
    w.Bulk(ctx.arg(i));
    ReplyKeyFlags(w, *cmd);
  }
}

// COMMAND HELP
void CommandHelpCommand(CommandContext& ctx) {
  static const char* const kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return the details of every command.",
      "COUNT",
      "    Return the number of commands.",
      "LIST",
      "    Return the names of all commands and subcommands.",
      "INFO [<command-name> ...]",
      "    Return the details of the given commands.",
      "    Without names, the details of every command.",
      "DOCS [<command-name> ...]",
      "    Return the documentation of the given commands.",
      "    Without names, the documentation of every command.",
      "GETKEYS <full-command>",
      "    Return the key names in a full command line.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the key names in a full command line with their access flags.",
      "HELP",
      "    Prints this help.",
  };
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(std::size(kLines));
  for (const char* line : kLines) w.SimpleString(line);
}

constexpr uint32_t kLS = kCmdLoading | kCmdStale;

const CommandSpec kCommandSubcommands[] = {
    {"count", 2, kLS, 0, 0, 0, "server", "2.8.13", "Get total number of Redis commands", "O(1)", "",
     CommandCountCommand},
    {"docs", -2, kLS, 0, 0, 0, "server", "7.0.0",
     "Get array of specific Redis command documentation",
     "O(N) where N is the number of commands to look up", "[command-name [command-name ...]]",
     CommandDocsCommand},
    {"getkeys", -4, kLS, 0, 0, 0, "server", "2.8.13", "Extract keys given a full Redis command",
     "O(N) where N is the number of arguments to the command", "command [arg [arg ...]]",
     CommandGetkeysCommand},
    {"getkeysandflags", -4, kLS, 0, 0, 0, "server", "7.0.0",
     "Extract keys and access flags given a full Redis command",
     "O(N) where N is the number of arguments to the command", "command [arg [arg ...]]",
     CommandGetkeysandflagsCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", CommandHelpCommand},
    {"info", -2, kLS, 0, 0, 0, "server", "2.8.13", "Get array of specific Redis command details",
     "O(N) where N is the number of commands to look up", "[command-name [command-name ...]]",
     CommandInfoCommand},
    {"list", -2, kLS, 0, 0, 0, "server", "7.0.0", "Get an array of Redis command names",
     "O(N) where N is the total number of Redis commands",
     "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]", CommandListCommand},
    {},
};

const CommandSpec kIntrospectionCommands[] = {
    {"command", -1, kLS, 0, 0, 0, "server", "2.8.13", "Get array of Redis command details",
     "O(N) where N is the total number of Redis commands", "", CommandCommand, kCommandSubcommands},
    {},
};

}  // namespace

void RegisterIntrospectionCommands() { CommandTable::Get().Register(kIntrospectionCommands); }

}  // namespace memkeydb
