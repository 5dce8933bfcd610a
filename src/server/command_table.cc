#include "server/command_table.h"

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
    commands_[s->name] = MakeCommand(s, nullptr);
  }
}

Command* CommandTable::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = commands_.find(std::string(buf, name.size()));
  return it == commands_.end() ? nullptr : it->second.get();
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
  RegisterIntrospectionCommands();
}

}  // namespace memkeydb
