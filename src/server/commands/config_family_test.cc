// Tests of CONFIG GET/SET/RESETSTAT/REWRITE/HELP. Every expected reply was checked against
// redis-server 7.0.15 (the differences that remain are listed in the test names or comments).

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/logging.h"
#include "server/command_table.h"
#include "server/test_util.h"

namespace memkeydb {
namespace {

using Option = ConfigRegistry::Option;

// Options memkeydb does not act on keep their values process-wide: put them back after a test.
void ResetIgnoredOptions() {
  Config scratch;
  for (const Option& o : ConfigRegistry::Get().options()) {
    if (!ConfigRegistry::Get().IsAcceptedButIgnored(o.name)) continue;
    std::vector<std::string> args;
    if (o.name == "replicaof") {
      args = {"no", "one"};
    } else if (!o.multi_arg) {
      args = {o.default_value};
    } else {
      std::istringstream in(o.default_value);
      for (std::string w; in >> w;) args.push_back(w);
    }
    ASSERT_EQ(o.set(scratch, args), "") << o.name;
  }
}

class ConfigCommandTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    // CommandTest clears the save points (so tests write no dump.rdb); CONFIG GET's tests
    // check the defaults.
    server_->config().save_params = Config().save_params;
  }
  void TearDown() override {
    CommandTest::TearDown();
    ResetIgnoredOptions();
  }
};

TEST_F(ConfigCommandTest, GetOne) {
  EXPECT_EQ(Run({"config", "get", "maxmemory"}), "[maxmemory, 0]");
  EXPECT_EQ(Run({"config", "get", "port"}), "[port, 6379]");
  EXPECT_EQ(Run({"config", "get", "save"}), "[save, 3600 1 300 100 60 10000]");
  EXPECT_EQ(Run({"config", "get", "client-output-buffer-limit"}),
            "[client-output-buffer-limit, normal 0 0 0 slave 268435456 67108864 60 pubsub "
            "33554432 8388608 60]");
  EXPECT_EQ(Run({"config", "get", "nonexistent"}), "[]");
  EXPECT_EQ(Run({"config", "get"}), "ERR wrong number of arguments for 'config|get' command");
}

TEST_F(ConfigCommandTest, GetAnswersUnderTheSpellingGiven) {
  EXPECT_EQ(Run({"config", "get", "PORT"}), "[PORT, 6379]");
  EXPECT_EQ(Run({"config", "get", "SLAVE-READ-ONLY"}), "[SLAVE-READ-ONLY, yes]");
  // Each option once, under its first spelling.
  EXPECT_EQ(Run({"config", "get", "port", "PORT"}), "[port, 6379]");
  EXPECT_EQ(Run({"config", "get", "PORT", "p*rt"}), "[PORT, 6379]");
  // A name and its alias are separate entries.
  EXPECT_EQ(Run({"config", "get", "replica-read-only", "slave-read-only"}),
            "[replica-read-only, yes, slave-read-only, yes]");
}

TEST_F(ConfigCommandTest, GetSeveralPatterns) {
  EXPECT_EQ(Run({"config", "get", "maxmemory", "nonexistent", "hz"}), "[maxmemory, 0, hz, 10]");
  EXPECT_EQ(Run({"config", "get", "hash-max-*-entries"}),
            "[hash-max-listpack-entries, 512, hash-max-ziplist-entries, 512]");
  EXPECT_EQ(Run({"config", "get", "*ziplist-value", "maxmemory-s*"}),
            "[hash-max-ziplist-value, 64, zset-max-ziplist-value, 64, maxmemory-samples, 5]");
  EXPECT_EQ(Run({"config", "get", "slave-pri?rity"}), "[slave-priority, 100]");
  EXPECT_EQ(Run({"config", "get", "[pt]ort"}), "[port, 6379]");
  // Glob matching ignores case.
  EXPECT_EQ(Run({"config", "get", "MAXMEMORY-P*"}), "[maxmemory-policy, noeviction]");
}

TEST_F(ConfigCommandTest, GetStarListsEveryNameAndAlias) {
  std::string all = Run({"config", "get", "*"});
  size_t entries = 0;
  for (const Option& o : ConfigRegistry::Get().options()) entries += 1 + o.aliases.size();
  // A flat array of name, value pairs in RESP2.
  EXPECT_EQ(std::count(all.begin(), all.end(), ','), static_cast<long>(2 * entries - 1));
  for (const char* name : {"slaveof", "lua-time-limit", "list-max-ziplist-size",
                           "memory-alloc-policy", "dram-pmem-ratio", "notify-keyspace-events"}) {
    EXPECT_NE(all.find(std::string(name) + ", "), std::string::npos) << name;
  }
}

TEST_F(ConfigCommandTest, GetRepliesWithAMapInResp3) {
  client_->set_resp(3);
  EXPECT_EQ(Run({"config", "get", "maxmemory", "hz"}), "{maxmemory: 0, hz: 10}");
  EXPECT_EQ(raw(), "%2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$2\r\nhz\r\n$2\r\n10\r\n");
  EXPECT_EQ(Run({"config", "get", "nonexistent"}), "{}");
}

TEST_F(ConfigCommandTest, SetOne) {
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1gb"}), "OK");
  EXPECT_EQ(server_->config().maxmemory, 1LL << 30);
  EXPECT_EQ(Run({"config", "get", "maxmemory"}), "[maxmemory, 1073741824]");
  EXPECT_EQ(Run({"config", "set", "MAXMEMORY-POLICY", "allkeys-lru"}), "OK");
  EXPECT_EQ(server_->config().maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(Run({"config", "set", "save", "100 1 50 5"}), "OK");
  EXPECT_EQ(Run({"config", "get", "save"}), "[save, 100 1 50 5]");
  EXPECT_EQ(Run({"config", "set", "save", ""}), "OK");
  EXPECT_TRUE(server_->config().save_params.empty());
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", "KEA"}), "OK");
  EXPECT_EQ(Run({"config", "get", "notify-keyspace-events"}), "[notify-keyspace-events, AKE]");
  EXPECT_EQ(Run({"config", "set", "client-output-buffer-limit", "pubsub 1mb 2mb 3"}), "OK");
  EXPECT_EQ(server_->config().client_output_buffer_limit[2].hard, 1 << 20);
  EXPECT_EQ(Run({"config", "set", "requirepass", ""}), "OK");
  EXPECT_EQ(Run({"config", "set", "dram-pmem-ratio", "1 7"}), "OK");
  EXPECT_EQ(server_->config().dram_pmem_ratio[1], 7);
  // An ignored option is kept and reported under every name.
  EXPECT_EQ(Run({"config", "set", "hash-max-ziplist-entries", "100"}), "OK");
  EXPECT_EQ(Run({"config", "get", "hash-max-listpack-entries"}),
            "[hash-max-listpack-entries, 100]");
}

TEST_F(ConfigCommandTest, SetErrors) {
  EXPECT_EQ(Run({"config", "set"}), "ERR wrong number of arguments for 'config|set' command");
  EXPECT_EQ(Run({"config", "set", "port"}),
            "ERR wrong number of arguments for 'config|set' command");
  EXPECT_EQ(Run({"config", "set", "a", "b", "c"}), "ERR syntax error");
  EXPECT_EQ(Run({"config", "set", "foo", "bar"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  // A rejected value is reported under the option's name, or the alias used.
  EXPECT_EQ(Run({"config", "set", "MAXMEMORY", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_EQ(Run({"config", "set", "Slave-Read-Only", "maybe"}),
            "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument "
            "must be 'yes' or 'no'");
  // Name errors are reported under the spelling given.
  EXPECT_EQ(Run({"config", "set", "DATABASES", "1"}),
            "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set "
            "immutable config");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1g", "MAXMEMORY", "2g"}),
            "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate "
            "parameter");
  EXPECT_EQ(Run({"config", "set", "daemonize", "yes"}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  EXPECT_EQ(Run({"config", "set", "enable-debug-command", "no"}),
            "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't "
            "set immutable config");
  EXPECT_EQ(Run({"config", "set", "logfile", "/tmp/x"}),
            "ERR CONFIG SET failed (possibly related to argument 'logfile') - can't set "
            "immutable config");
  EXPECT_EQ(Run({"config", "set", "dir", "/tmp"}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_EQ(Run({"config", "set", "dbfilename", "x.rdb"}),
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set "
            "protected config");
  EXPECT_EQ(Run({"config", "set", "maxmemory-policy", "foo"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(Run({"config", "set", "maxclients", "0"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must "
            "be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Run({"config", "set", "save", "900 1 300"}),
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
            "parameters");
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", "q"}),
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
}

TEST_F(ConfigCommandTest, SetReportsTheFirstNameProblem) {
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1", "foo", "2", "databases", "3"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(Run({"config", "set", "databases", "3", "foo", "2"}),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1", "maxmemory", "2", "foo", "3"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
            "parameter");
  // Names are checked before any value.
  EXPECT_EQ(Run({"config", "set", "maxmemory", "abc", "maxmemory", "2"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
            "parameter");
  EXPECT_EQ(Run({"config", "get", "maxmemory"}), "[maxmemory, 0]");
}

TEST_F(ConfigCommandTest, SetIsAllOrNothing) {
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1g", "hz", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer");
  EXPECT_EQ(Run({"config", "get", "maxmemory", "hz"}), "[maxmemory, 0, hz, 10]");
  // Every kind of option is put back, ignored ones included.
  EXPECT_EQ(Run({"config", "set", "save", "1 1", "bind", "127.0.0.1", "notify-keyspace-events",
                 "KEA", "hash-max-listpack-entries", "7", "client-output-buffer-limit",
                 "normal 1 2 3", "latency-tracking-info-percentiles", "50", "loglevel", "bad"}),
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must "
            "be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(
      Run({"config", "get", "save", "bind", "notify-keyspace-events", "hash-max-listpack-entries",
           "client-output-buffer-limit", "latency-tracking-info-percentiles", "loglevel"}),
      "[save, 3600 1 300 100 60 10000, bind, * -::*, notify-keyspace-events, , "
      "hash-max-listpack-entries, 512, client-output-buffer-limit, normal 0 0 0 slave "
      "268435456 67108864 60 pubsub 33554432 8388608 60, latency-tracking-info-percentiles, "
      "50 99 99.9, loglevel, notice]");
  // All of them at once.
  EXPECT_EQ(Run({"config", "set", "maxmemory", "2mb", "hz", "0", "maxmemory-policy", "allkeys-lfu",
                 "hash-max-listpack-entries", "7"}),
            "OK");
  EXPECT_EQ(
      Run({"config", "get", "maxmemory", "hz", "maxmemory-policy", "hash-max-listpack-entries"}),
      "[maxmemory, 2097152, hz, 1, maxmemory-policy, allkeys-lfu, "
      "hash-max-listpack-entries, 7]");
}

TEST_F(ConfigCommandTest, NameAndAliasAreNotDuplicates) {
  // As in Redis 7.0: both are stored, in order.
  EXPECT_EQ(Run({"config", "set", "slave-read-only", "no", "replica-read-only", "yes"}), "OK");
  EXPECT_EQ(Run({"config", "get", "slave-read-only"}), "[slave-read-only, yes]");
}

TEST_F(ConfigCommandTest, SetAppliesSideEffects) {
  LogLevel before = GetLogLevel();
  EXPECT_EQ(Run({"config", "set", "loglevel", "warning"}), "OK");
  EXPECT_EQ(GetLogLevel(), LogLevel::kWarning);
  EXPECT_EQ(Run({"config", "set", "loglevel", "debug"}), "OK");
  EXPECT_EQ(GetLogLevel(), LogLevel::kDebug);
  SetLogLevel(before);
  EXPECT_EQ(Run({"config", "set", "hz", "1000"}), "OK");
  EXPECT_EQ(server_->config().hz, 500);
  EXPECT_EQ(Run({"config", "set", "maxclients", "100"}), "OK");
  EXPECT_EQ(server_->config().maxclients, 100);
}

// Every option accepts the value CONFIG GET prints for it, unless it cannot change at run time.
TEST_F(ConfigCommandTest, GetSetRoundTripForEveryOption) {
  for (const Option& o : ConfigRegistry::Get().options()) {
    for (const std::string& name : [&] {
           std::vector<std::string> names = {o.name};
           names.insert(names.end(), o.aliases.begin(), o.aliases.end());
           return names;
         }()) {
      std::string value = o.get(server_->config());
      std::string reply = Run({"config", "set", name, value});
      if (o.immutable) {
        EXPECT_EQ(reply, "ERR CONFIG SET failed (possibly related to argument '" + name +
                             "') - can't set immutable config");
      } else if (name == "dir" || name == "dbfilename") {
        EXPECT_EQ(reply, "ERR CONFIG SET failed (possibly related to argument '" + name +
                             "') - can't set protected config");
      } else {
        EXPECT_EQ(reply, "OK") << name << " '" << value << "'";
      }
      EXPECT_EQ(Run({"config", "get", name}), "[" + name + ", " + value + "]");
    }
  }
}

class ProtectedConfigTest : public ConfigCommandTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(config_.LoadText("enable-protected-configs yes").ok());
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    cwd_ = cwd;
    char tmpl[] = "/tmp/memkeydb-config-family.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ConfigCommandTest::SetUp();
  }
  void TearDown() override {
    ASSERT_EQ(chdir(cwd_.c_str()), 0);
    ConfigCommandTest::TearDown();
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string cwd_, dir_;
};

TEST_F(ProtectedConfigTest, DirAndDbfilename) {
  EXPECT_EQ(Run({"config", "get", "enable-protected-configs"}), "[enable-protected-configs, yes]");
  EXPECT_EQ(Run({"config", "set", "dir", dir_, "dbfilename", "x.rdb"}), "OK");
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(cwd, dir_);
  EXPECT_EQ(Run({"config", "get", "dir", "dbfilename"}), "[dir, " + dir_ + ", dbfilename, x.rdb]");
  EXPECT_EQ(Run({"config", "set", "dir", dir_ + "/none"}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or "
            "directory");
  EXPECT_EQ(Run({"config", "set", "dbfilename", "a/b"}),
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename "
            "can't be a path, just a filename");
  EXPECT_EQ(Run({"config", "get", "dir", "dbfilename"}), "[dir, " + dir_ + ", dbfilename, x.rdb]");
}

TEST_F(ConfigCommandTest, ResetStat) {
  EXPECT_EQ(Run({"set", "k", "v"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
  EXPECT_EQ(Run({"get", "missing"}), "(nil)");
  EXPECT_EQ(Run({"config", "set", "foo", "bar"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(Run({"config", "set", "slowlog-log-slower-than", "0"}), "OK");
  EXPECT_EQ(Run({"ping"}), "PONG");
  size_t slowlog = server_->slowlog().size();
  ASSERT_GT(slowlog, 0u);
  ASSERT_GT(server_->stats().total_commands_processed, 0u);
  ASSERT_GT(server_->stats().keyspace_hits, 0u);
  ASSERT_FALSE(server_->stats().error_counts.empty());
  ASSERT_GT(CommandTable::Get().Find("get")->stats.calls, 0u);

  EXPECT_EQ(Run({"config", "resetstat"}), "OK");
  EXPECT_EQ(server_->stats().keyspace_hits, 0u);
  EXPECT_EQ(server_->stats().keyspace_misses, 0u);
  EXPECT_EQ(server_->stats().total_error_replies, 0u);
  EXPECT_TRUE(server_->stats().error_counts.empty());
  EXPECT_EQ(CommandTable::Get().Find("get")->stats.calls, 0u);
  EXPECT_EQ(CommandTable::Get().Find("set")->stats.calls, 0u);
  // The slowlog is not statistics: it stays (and grows by the RESETSTAT itself).
  EXPECT_GE(server_->slowlog().size(), slowlog);
  EXPECT_EQ(Run({"config", "resetstat", "x"}),
            "ERR wrong number of arguments for 'config|resetstat' command");
}

TEST_F(ConfigCommandTest, RewriteWithoutAFile) {
  EXPECT_EQ(Run({"config", "rewrite"}), "ERR The server is running without a config file");
  EXPECT_EQ(Run({"config", "rewrite", "x"}),
            "ERR wrong number of arguments for 'config|rewrite' command");
}

class RewriteCommandTest : public ConfigCommandTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memkeydb-config-rewrite.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/redis.conf";
    std::ofstream(path_) << "# my settings\nport 6379\nmaxmemory 1mb\n\nhz 10\n";
    ASSERT_TRUE(config_.LoadFile(path_).ok());
    ConfigCommandTest::SetUp();
  }
  void TearDown() override {
    ConfigCommandTest::TearDown();
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string File() {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string dir_, path_;
};

TEST_F(RewriteCommandTest, ReplacesChangedLinesAndKeepsComments) {
  EXPECT_EQ(
      Run({"config", "set", "maxmemory", "2gb", "hz", "20", "maxmemory-policy", "allkeys-lru"}),
      "OK");
  EXPECT_EQ(Run({"config", "rewrite"}), "OK");
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(File(),
            "# my settings\nport 6379\nmaxmemory 2gb\n\nhz 20\n\n# Generated by CONFIG REWRITE\n"
            "dir \"" +
                std::string(cwd) +
                "\"\nsave 3600 1\nsave 300 100\nsave 60 10000\n"
                // The test fixture turns DEBUG on.
                "enable-debug-command yes\nmaxmemory-policy "
                "allkeys-lru\nlatency-tracking-info-percentiles 50 99 99.9\n");

  std::string text = File();
  ASSERT_EQ(chmod(dir_.c_str(), 0500), 0);
  if (access(dir_.c_str(), W_OK) != 0) {  // root can write anyway
    EXPECT_EQ(Run({"config", "rewrite"}), "ERR Rewriting config file: Permission denied");
  }
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  EXPECT_EQ(File(), text);
}

TEST_F(ConfigCommandTest, Help) {
  EXPECT_EQ(Run({"config", "help"}),
            "[CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, GET <pattern>,     "
            "Return parameters matching the glob-like <pattern> and their values., SET "
            "<directive> <value>,     Set the configuration <directive> to <value>., RESETSTAT, "
            "    Reset statistics reported by the INFO command., REWRITE,     Rewrite the "
            "configuration file., HELP,     Prints this help.]");
  EXPECT_EQ(Run({"config", "help", "x"}),
            "ERR wrong number of arguments for 'config|help' command");
  EXPECT_EQ(Run({"config", "foo"}), "ERR unknown subcommand 'foo'. Try CONFIG HELP.");
  EXPECT_EQ(Run({"config"}), "ERR wrong number of arguments for 'config' command");
}

}  // namespace
}  // namespace memkeydb
