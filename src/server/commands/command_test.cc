// Tests of COMMAND and its subcommands. Reply shapes and error texts were checked against
// redis-server 7.0.15; the values depend on memkeydb's own command table.

#include <set>
#include <string>
#include <vector>

#include "server/command_table.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

constexpr const char* kInvalidCommand = "ERR Invalid command specified";
constexpr const char* kInvalidArgs = "ERR Invalid number of arguments specified for command";
constexpr const char* kNoKeys = "ERR The command has no key arguments";

// Number of top-level commands and of subcommands in the table.
size_t CommandCount() { return CommandTable::Get().all().size(); }
size_t NameCount() {
  size_t n = 0;
  for (const auto& [name, cmd] : CommandTable::Get().all()) n += 1 + cmd->subcommands.size();
  return n;
}

// Counts the top-level elements of a formatted array reply "[a, [b, c], d]".
size_t TopLevelCount(const std::string& s) {
  if (s == "[]") return 0;
  size_t n = 1;
  int depth = 0;
  for (char c : s) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 1) ++n;
  }
  return n;
}

using CommandCommandTest = CommandTest;

TEST_F(CommandCommandTest, Count) {
  EXPECT_EQ(Run({"command", "count"}), "(integer) " + std::to_string(CommandCount()));
  EXPECT_GT(CommandCount(), 30u);
  EXPECT_EQ(Run({"command", "count", "x"}),
            "ERR wrong number of arguments for 'command|count' command");
}

TEST_F(CommandCommandTest, ContainerErrors) {
  EXPECT_EQ(Run({"command", "foo"}), "ERR unknown subcommand 'foo'. Try COMMAND HELP.");
  EXPECT_EQ(Run({"command", "getkeys"}),
            "ERR wrong number of arguments for 'command|getkeys' command");
  EXPECT_EQ(Run({"command", "getkeys", "get"}),
            "ERR wrong number of arguments for 'command|getkeys' command");
}

TEST_F(CommandCommandTest, InfoOfASimpleCommand) {
  EXPECT_EQ(Run({"command", "info", "get"}),
            "[[get, (integer) 2, [readonly, fast], (integer) 1, (integer) 1, (integer) 1, "
            "[@read, @string, @fast], [], [[flags, [RO, access], begin_search, [type, index, "
            "spec, [index, (integer) 1]], find_keys, [type, range, spec, [lastkey, (integer) 0, "
            "keystep, (integer) 1, limit, (integer) 0]]]], []]]");
  // Flags, categories and key specs are sets in RESP3; key specs are maps.
  EXPECT_EQ(raw().substr(0, 30), "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+rea");
  client_->set_resp(3);
  Run({"command", "info", "get"});
  EXPECT_EQ(raw(),
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n"
            "+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n"
            "+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n"
            "%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
            "$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n"
            ":0\r\n~0\r\n");
}

TEST_F(CommandCommandTest, InfoOfMultiKeyCommands) {
  // MSET: keys from 1 to the last argument, every second one.
  std::string mset = Run({"command", "info", "mset"});
  EXPECT_NE(mset.find("[mset, (integer) -3, [write, denyoom], (integer) 1, (integer) -1, "
                      "(integer) 2, "),
            std::string::npos)
      << mset;
  EXPECT_NE(mset.find("[lastkey, (integer) -1, keystep, (integer) 2, limit, (integer) 0]"),
            std::string::npos)
      << mset;
  std::string del = Run({"command", "info", "del"});
  EXPECT_NE(del.find("[lastkey, (integer) -1, keystep, (integer) 1, limit, (integer) 0]"),
            std::string::npos)
      << del;
  // RENAME: keys 1 and 2, so the range's last key is one past the first.
  std::string rename = Run({"command", "info", "rename"});
  EXPECT_NE(rename.find("[lastkey, (integer) 1, keystep, (integer) 1, limit, (integer) 0]"),
            std::string::npos)
      << rename;
}

TEST_F(CommandCommandTest, InfoOfAContainerAndASubcommand) {
  std::string client = Run({"command", "info", "client"});
  EXPECT_EQ(client.rfind("[[client, (integer) -2, [], (integer) 0, (integer) 0, (integer) 0, "
                         "[@slow], [], [], [[client|",
                         0),
            0u)
      << client;
  EXPECT_EQ(Run({"command", "info", "client|id"}),
            "[[client|id, (integer) 2, [noscript, loading, stale], (integer) 0, (integer) 0, "
            "(integer) 0, [@slow, @connection], [], [], []]]");
  EXPECT_EQ(Run({"command", "info", "CLIENT|ID"}), Run({"command", "info", "client|id"}));
  std::string usage = Run({"command", "info", "memory|usage"});
  EXPECT_NE(usage.find("[memory|usage, (integer) -3, [readonly], (integer) 2, (integer) 2, "
                       "(integer) 1, [@read, @slow], [], [[flags, [RO, access], begin_search, "
                       "[type, index, spec, [index, (integer) 2]]"),
            std::string::npos)
      << usage;
}

TEST_F(CommandCommandTest, InfoOfUnknownNamesIsNull) {
  EXPECT_EQ(Run({"command", "info", "nosuch"}), "[(nil)]");
  EXPECT_EQ(raw(), "*1\r\n$-1\r\n");
  EXPECT_EQ(Run({"command", "info", "get|x"}), "[(nil)]");
  EXPECT_EQ(Run({"command", "info", "client|nosuch"}), "[(nil)]");
  std::string two = Run({"command", "info", "nosuch", "get"});
  EXPECT_EQ(two.rfind("[(nil), [get, ", 0), 0u);
  client_->set_resp(3);
  Run({"command", "info", "nosuch"});
  EXPECT_EQ(raw(), "*1\r\n_\r\n");
}

TEST_F(CommandCommandTest, InfoWithoutNamesAndCommandListEveryCommand) {
  std::string all = Run({"command"});
  EXPECT_EQ(TopLevelCount(all), CommandCount());
  EXPECT_EQ(Run({"command", "info"}), all);
  // Every command appears once.
  for (const auto& [name, cmd] : CommandTable::Get().all()) {
    EXPECT_NE(all.find("[" + name + ", (integer) "), std::string::npos) << name;
  }
}

TEST_F(CommandCommandTest, Docs) {
  EXPECT_EQ(Run({"command", "docs", "get"}),
            "[get, [summary, Get the value of a key, since, 1.0.0, group, string, complexity, "
            "O(1)]]");
  client_->set_resp(3);
  EXPECT_EQ(Run({"command", "docs", "get"}),
            "{get: {summary: Get the value of a key, since: 1.0.0, group: string, complexity: "
            "O(1)}}");
  EXPECT_EQ(raw().substr(0, 4), "%1\r\n");
  // Unknown names are left out; an empty complexity is left out.
  EXPECT_EQ(Run({"command", "docs", "monitor", "nosuch"}),
            "{monitor: {summary: Listen for all requests received by the server in real time, "
            "since: 1.0.0, group: server}}");
  EXPECT_EQ(Run({"command", "docs", "nosuch"}), "{}");
  std::string client = Run({"command", "docs", "client"});
  EXPECT_NE(client.find("subcommands: {client|caching: {summary: "), std::string::npos) << client;
  EXPECT_NE(Run({"command", "docs", "client|id"}).find("{client|id: {summary: "),
            std::string::npos);
  std::string all = Run({"command", "docs"});
  EXPECT_NE(all.find("set: {summary: "), std::string::npos);
  EXPECT_EQ(raw().substr(0, raw().find('\r')), "%" + std::to_string(CommandCount()));
}

TEST_F(CommandCommandTest, List) {
  std::string all = Run({"command", "list"});
  EXPECT_EQ(TopLevelCount(all), NameCount());
  EXPECT_NE(all.find("client, client|caching, "), std::string::npos) << all;
  std::string pattern = Run({"command", "list", "filterby", "pattern", "CLIENT|*"});
  EXPECT_EQ(pattern.rfind("[client|caching, client|getname, ", 0), 0u) << pattern;
  EXPECT_EQ(pattern.find("[client,"), std::string::npos);
  std::string cl = Run({"command", "list", "FILTERBY", "PATTERN", "cl*"});
  EXPECT_EQ(cl.rfind("[client, client|caching, ", 0), 0u) << cl;
  std::string conn = Run({"command", "list", "filterby", "aclcat", "CONNECTION"});
  EXPECT_NE(conn.find("ping"), std::string::npos);
  EXPECT_NE(conn.find("client|id"), std::string::npos);
  EXPECT_EQ(conn.find("get,"), std::string::npos);
  EXPECT_EQ(Run({"command", "list", "filterby", "aclcat", "@connection"}), "[]");
  EXPECT_EQ(Run({"command", "list", "filterby", "aclcat", "nosuch"}), "[]");
  EXPECT_EQ(Run({"command", "list", "filterby", "module", "x"}), "[]");
}

TEST_F(CommandCommandTest, ListErrors) {
  EXPECT_EQ(Run({"command", "list", "filterby", "foo", "x"}), kSyntax);
  EXPECT_EQ(Run({"command", "list", "filterby"}), kSyntax);
  EXPECT_EQ(Run({"command", "list", "foo"}), kSyntax);
  EXPECT_EQ(Run({"command", "list", "filterby", "pattern", "x", "y"}), kSyntax);
  EXPECT_EQ(Run({"command", "list", "filterby", "pattern"}), kSyntax);
}

TEST_F(CommandCommandTest, Getkeys) {
  EXPECT_EQ(Run({"command", "getkeys", "get", "a"}), "[a]");
  EXPECT_EQ(Run({"command", "getkeys", "GET", "a"}), "[a]");
  EXPECT_EQ(Run({"command", "getkeys", "mset", "a", "1", "b", "2"}), "[a, b]");
  // Arity allows this MSET, and key positions stop at the last argument.
  EXPECT_EQ(Run({"command", "getkeys", "mset", "a", "1", "b"}), "[a, b]");
  EXPECT_EQ(Run({"command", "getkeys", "del", "a", "b", "c"}), "[a, b, c]");
  EXPECT_EQ(Run({"command", "getkeys", "rename", "a", "b"}), "[a, b]");
  EXPECT_EQ(Run({"command", "getkeys", "memory", "usage", "x"}), "[x]");
  EXPECT_EQ(Run({"command", "getkeys", "set", "k", "v", "ex", "10"}), "[k]");
}

TEST_F(CommandCommandTest, GetkeysErrors) {
  EXPECT_EQ(Run({"command", "getkeys", "nosuch", "a"}), kInvalidCommand);
  EXPECT_EQ(Run({"command", "getkeys", "config", "x"}), kInvalidCommand);
  EXPECT_EQ(Run({"command", "getkeys", "memory", "nosuch", "x"}), kInvalidCommand);
  EXPECT_EQ(Run({"command", "getkeys", "client|id", "x"}), kInvalidCommand);
  EXPECT_EQ(Run({"command", "getkeys", "get", "a", "b"}), kInvalidArgs);
  EXPECT_EQ(Run({"command", "getkeys", "get", "a", "b", "c"}), kInvalidArgs);
  EXPECT_EQ(Run({"command", "getkeys", "memory", "usage"}), kInvalidArgs);
  // "No keys" is checked before arity.
  EXPECT_EQ(Run({"command", "getkeys", "ping", "a"}), kNoKeys);
  EXPECT_EQ(Run({"command", "getkeys", "time", "x"}), kNoKeys);
  EXPECT_EQ(Run({"command", "getkeys", "client", "list"}), kNoKeys);
  EXPECT_EQ(Run({"command", "getkeysandflags", "nosuch", "a"}), kInvalidCommand);
  EXPECT_EQ(Run({"command", "getkeysandflags", "ping", "a"}), kNoKeys);
}

TEST_F(CommandCommandTest, Getkeysandflags) {
  EXPECT_EQ(Run({"command", "getkeysandflags", "get", "a"}), "[[a, [RO, access]]]");
  EXPECT_EQ(Run({"command", "getkeysandflags", "del", "a", "b"}),
            "[[a, [RW, update]], [b, [RW, update]]]");
  client_->set_resp(3);
  Run({"command", "getkeysandflags", "get", "a"});
  EXPECT_EQ(raw(), "*1\r\n*2\r\n$1\r\na\r\n~2\r\n+RO\r\n+access\r\n");
}

TEST_F(CommandCommandTest, Help) {
  std::string help = Run({"command", "help"});
  EXPECT_EQ(help.rfind("[COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, ", 0),
            0u);
  EXPECT_NE(help.find("GETKEYSANDFLAGS <full-command>"), std::string::npos);
  EXPECT_NE(help.find("HELP,     Prints this help.]"), std::string::npos);
  EXPECT_EQ(raw().substr(0, 5), "*19\r\n");
  EXPECT_EQ(Run({"command", "help", "x"}),
            "ERR wrong number of arguments for 'command|help' command");
}

TEST_F(CommandCommandTest, EveryCommandHasDocsAndSaneKeys) {
  for (const auto& [name, cmd] : CommandTable::Get().all()) {
    const CommandSpec& s = *cmd->spec;
    EXPECT_NE(s.summary, nullptr) << name;
    EXPECT_NE(s.since, nullptr) << name;
    EXPECT_NE(s.group, nullptr) << name;
    EXPECT_NE(s.arity, 0) << name;
    if (s.first_key > 0) {
      EXPECT_GT(s.key_step, 0) << name;
      EXPECT_TRUE(s.last_key < 0 || s.last_key >= s.first_key) << name;
    }
    for (const auto& [sname, sub] : cmd->subcommands) {
      EXPECT_NE(sub->spec->summary, nullptr) << sub->full_name;
      EXPECT_LE(sub->spec->arity < 0 ? -sub->spec->arity : sub->spec->arity, 64) << sub->full_name;
      EXPECT_TRUE(sub->spec->arity >= 2 || sub->spec->arity <= -2) << sub->full_name;
    }
  }
}

// Each reply is exactly one RESP value, in both protocols, for every command in the table.
TEST_F(CommandCommandTest, EveryReplyIsOneWellFormedValue) {
  std::vector<std::vector<std::string>> commands = {
      {"command"},
      {"command", "info"},
      {"command", "docs"},
      {"command", "list"},
      {"command", "count"},
      {"command", "help"},
      {"command", "docs", "get", "nosuch", "client"},
      {"command", "getkeysandflags", "mset", "a", "1", "b", "2"},
  };
  for (const auto& [name, cmd] : CommandTable::Get().all()) {
    commands.push_back({"command", "info", name});
    commands.push_back({"command", "docs", name});
  }
  for (int resp : {2, 3}) {
    client_->set_resp(resp);
    for (const auto& args : commands) {
      std::string r = Run(args);
      size_t pos = 0;
      FormatResp(raw(), &pos);
      EXPECT_EQ(pos, raw().size()) << "RESP" << resp << " " << args.back();
      EXPECT_EQ(r.find("<bad reply>"), std::string::npos) << args.back();
      EXPECT_NE(raw().substr(0, 1), "-") << args.back() << ": " << r;
    }
  }
}

}  // namespace
}  // namespace memkeydb

namespace memkeydb {
namespace {

// The key finders of commands whose keys move with their arguments, on the argument lists
// COMMAND GETKEYS answers for in redis-server 7.0.
std::string Keys(KeyFinder find, std::vector<std::string_view> args) {
  std::vector<size_t> keys;
  if (!find(args, &keys)) return "invalid";
  std::string out;
  for (size_t i : keys) out += (out.empty() ? "" : " ") + std::string(args[i]);
  return out;
}

TEST(KeyFinders, AsRedisGetkeysFindsThem) {
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"zunion", "2", "a", "b"}), "a b");
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"zunion", "5", "a", "b"}), "invalid");
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"zunion", "0", "a"}), "invalid");
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"zunion", "-1", "a"}), "invalid");
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"zunion", "x", "a"}), "invalid");
  EXPECT_EQ(Keys(FindKeysNumkeysAt1, {"lmpop", "2", "a", "b", "left"}), "a b");
  EXPECT_EQ(Keys(FindKeysNumkeysAt2, {"blmpop", "0", "2", "a", "b", "left"}), "a b");
  EXPECT_EQ(Keys(FindKeysDestNumkeys, {"zunionstore", "d", "2", "a", "b"}), "d a b");
  EXPECT_EQ(Keys(FindKeysStreams, {"xread", "count", "2", "streams", "a", "b", "0", "0"}), "a b");
  EXPECT_EQ(Keys(FindKeysStreams, {"xread", "streams", "a", "b", "0"}), "a");
  EXPECT_EQ(Keys(FindKeysStreams, {"xread", "count", "2"}), "invalid");
  EXPECT_EQ(Keys(FindKeysSort, {"sort", "k", "store", "d"}), "k d");
  EXPECT_EQ(Keys(FindKeysSort, {"sort", "k", "by", "x", "get", "y"}), "k");
  EXPECT_EQ(Keys(FindKeysGeoradius, {"georadius", "k", "1", "2", "3", "m", "storedist", "d"}), "k d");
}

}  // namespace
}  // namespace memkeydb
