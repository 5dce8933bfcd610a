#include "server/command_table.h"

#include <initializer_list>

#include "common/strutil.h"
#include "server/commands/families.h"

namespace memkeydb {
namespace {

// ACL categories Redis derives from a command's flags and group.
std::vector<std::string> DeriveCategories(const CommandSpec& s) {
  std::vector<std::string> cats;
  auto add = [&](const char* c) { cats.emplace_back(c); };
  if (s.flags & kCmdWrite) add("@write");
  if (s.flags & kCmdReadonly) add("@read");
  if (s.flags & kCmdAdmin) {
    add("@admin");
    add("@dangerous");
  }
  if (s.flags & kCmdPubSub) add("@pubsub");
  if (s.flags & kCmdFast) add("@fast");
  if (s.flags & kCmdBlocking) add("@blocking");
  if (!(s.flags & kCmdFast)) add("@slow");
  std::string_view g = s.group ? s.group : "";
  if (g == "string") add("@string");
  else if (g == "bitmap") add("@bitmap");
  else if (g == "generic") add("@keyspace");
  else if (g == "connection") add("@connection");
  else if (g == "transactions") add("@transaction");
  else if (g == "list") add("@list");
  else if (g == "hash") add("@hash");
  else if (g == "set") add("@set");
  else if (g == "sorted-set") add("@sortedset");
  else if (g == "hyperloglog") add("@hyperloglog");
  else if (g == "geo") add("@geo");
  else if (g == "stream") add("@stream");
  else if (g == "scripting") add("@scripting");
  return cats;
}

std::unique_ptr<Command> MakeCommand(const CommandSpec* spec, Command* parent) {
  auto cmd = std::make_unique<Command>();
  cmd->spec = spec;
  cmd->parent = parent;
  cmd->full_name = parent ? parent->full_name + "|" + spec->name : spec->name;
  cmd->acl_categories = DeriveCategories(*spec);
  if (spec->subcommands != nullptr) {
    for (const CommandSpec* s = spec->subcommands; s->name != nullptr; ++s) {
      cmd->subcommands[s->name] = MakeCommand(s, cmd.get());
    }
  }
  return cmd;
}
}  // namespace

CommandTable& CommandTable::Get() {
  static CommandTable* table = new CommandTable();
  return *table;
}

void CommandTable::Register(const CommandSpec* specs) {
  for (const CommandSpec* s = specs; s->name != nullptr; ++s) {
    auto& slot = commands_[s->name];
    slot = MakeCommand(s, nullptr);
    by_name_[slot->spec->name] = slot.get();
  }
}

Command* CommandTable::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = by_name_.find(std::string_view(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

Command* CommandTable::FindSub(const Command* cmd, std::string_view sub) {
  auto it = cmd->subcommands.find(ToLower(sub));
  return it == cmd->subcommands.end() ? nullptr : it->second.get();
}

void CommandTable::ResetStats() {
  for (auto& [name, cmd] : commands_) {
    cmd->stats = CommandStats{};
    for (auto& [sname, sub] : cmd->subcommands) sub->stats = CommandStats{};
  }
}

void RegisterAllCommands() {
  static bool done = false;
  if (done) return;
  done = true;
  RegisterConnectionCommands();
  RegisterTransactionCommands();
  RegisterStringCommands();
  RegisterBitmapCommands();
  RegisterHllCommands();
  RegisterKeyCommands();
  RegisterServerCommands();
  RegisterInfoCommands();
  RegisterClientCommands();
  RegisterDiagnosticsCommands();
  RegisterDebugCommands();
  RegisterConfigCommands();
  RegisterPubSubCommands();
  RegisterZSetCommands();
  RegisterIntrospectionCommands();
  RegisterHashCommands();
  RegisterStreamCommands();
  RegisterListCommands();
  RegisterSetCommands();
  RegisterSortCommands();
  RegisterGeoCommands();
  RegisterPersistenceCommands();
  RegisterReplicationCommands();
  RegisterAofCommands();
  RegisterDumpCommands();
}

}  // namespace memkeydb

namespace memkeydb {
namespace {
// Appends the `numkeys` keys that follow args[at] (which holds numkeys); false if the count is
// not a positive integer or runs past the arguments.
bool KeysAfterCount(const std::vector<std::string_view>& args, size_t at,
                    std::vector<size_t>* keys) {
  int64_t n;
  if (at >= args.size() || !ParseInt64(args[at], &n) || n <= 0 ||
      static_cast<uint64_t>(n) > args.size() - at - 1) {
    return false;
  }
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) keys->push_back(at + 1 + i);
  return true;
}

// args[1] plus the argument after the last of `options` (case-insensitive), if any.
bool KeyAndStoreTarget(const std::vector<std::string_view>& args,
                       std::initializer_list<std::string_view> options,
                       std::vector<size_t>* keys) {
  keys->push_back(1);
  size_t target = 0;
  for (size_t i = 2; i + 1 < args.size(); ++i) {
    for (std::string_view o : options) {
      if (EqualsIgnoreCase(args[i], o)) target = i + 1;
    }
  }
  if (target != 0) keys->push_back(target);
  return true;
}
}  // namespace

bool FindCommandKeys(const Command& cmd, const std::vector<std::string_view>& args,
                     std::vector<size_t>* keys) {
  const CommandSpec& s = *cmd.spec;
  if (s.find_keys != nullptr) return s.find_keys(args, keys);
  auto argc = static_cast<int>(args.size());
  int last = s.last_key < 0 ? argc + s.last_key : s.last_key;
  int step = s.key_step > 0 ? s.key_step : 1;
  for (int i = s.first_key; i > 0 && i <= last && i < argc; i += step) {
    keys->push_back(static_cast<size_t>(i));
  }
  return true;
}

bool FindKeysNumkeysAt1(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  return KeysAfterCount(args, 1, keys);
}

bool FindKeysNumkeysAt2(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  return KeysAfterCount(args, 2, keys);
}

bool FindKeysDestNumkeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  keys->push_back(1);
  return KeysAfterCount(args, 2, keys);
}

bool FindKeysStreams(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (!EqualsIgnoreCase(args[i], "streams")) continue;
    size_t n = (args.size() - i - 1) / 2;
    for (size_t k = 0; k < n; ++k) keys->push_back(i + 1 + k);
    return n > 0;
  }
  return false;
}

bool FindKeysSort(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  return KeyAndStoreTarget(args, {"store"}, keys);
}

// Redis 7.0 answers from GEORADIUS's key specs: the source key, then the argument after the
// first STORE, then the argument after the first STOREDIST, each searched from the first
// optional argument (6 for GEORADIUS, 5 for GEORADIUSBYMEMBER) up to the last but one.
bool FindKeysGeoradius(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  if (args.size() < 2) return false;
  keys->push_back(1);
  size_t start = EqualsIgnoreCase(args[0], "georadiusbymember") ? 5 : 6;
  for (std::string_view keyword : {"store", "storedist"}) {
    for (size_t i = start; i + 1 < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], keyword)) {
        keys->push_back(i + 1);
        break;
      }
    }
  }
  return true;
}

}  // namespace memkeydb
