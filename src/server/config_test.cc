// Tests of the option registry, the redis.conf and command-line loaders, and CONFIG REWRITE's
// file handling. Expected values, error texts and rewritten files were checked against
// redis-server 7.0.15 (same inputs given to both).

#include "server/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "types/collection_limits.h"

namespace memkeydb {
namespace {

using Option = ConfigRegistry::Option;

// Values split the way CONFIG SET splits a multi-value option.
std::vector<std::string> SplitValue(const Option& o, const std::string& value) {
  if (!o.multi_arg) return {value};
  std::vector<std::string> out;
  if (value.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t sp = value.find(' ', start);
    if (sp == std::string::npos) {
      out.push_back(value.substr(start));
      return out;
    }
    out.push_back(value.substr(start, sp - start));
    start = sp + 1;
  }
}

// Sets an option as CONFIG SET does; returns "" or the error text.
std::string Set(Config& c, const std::string& name, const std::string& value) {
  const Option* o = ConfigRegistry::Get().Find(name);
  if (o == nullptr) return "unknown option " + name;
  return o->set(c, SplitValue(*o, value));
}

std::string Get(const Config& c, const std::string& name) {
  const Option* o = ConfigRegistry::Get().Find(name);
  return o == nullptr ? "unknown option " + name : o->get(c);
}

// Options memkeydb does not act on keep their values process-wide: put them back.
void ResetIgnoredOptions() {
  Config scratch;
  for (const Option& o : ConfigRegistry::Get().options()) {
    if (!ConfigRegistry::Get().IsAcceptedButIgnored(o.name)) continue;
    std::string err = o.name == "replicaof" ? o.set(scratch, {"no", "one"})
                                            : o.set(scratch, SplitValue(o, o.default_value));
    ASSERT_EQ(err, "") << o.name;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memkeydb-config-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    ResetIgnoredOptions();
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Runs LoadArgs on a command line given as strings.
  Status LoadArgs(Config* c, std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return c->LoadArgs(static_cast<int>(args.size()), argv.data());
  }

  std::string dir_;
};

// --- the registry ---

// CONFIG GET '*' of redis-server 7.0.15 started without a config file (dir left out: it is the
// working directory).
const std::pair<const char*, const char*> kRedisDefaults[] = {
    {"acl-pubsub-default", "resetchannels"},
    {"aclfile", ""},
    {"acllog-max-len", "128"},
    {"active-defrag-cycle-max", "25"},
    {"active-defrag-cycle-min", "1"},
    {"active-defrag-ignore-bytes", "104857600"},
    {"active-defrag-max-scan-fields", "1000"},
    {"active-defrag-threshold-lower", "10"},
    {"active-defrag-threshold-upper", "100"},
    {"active-expire-effort", "1"},
    {"activedefrag", "no"},
    {"activerehashing", "yes"},
    {"always-show-logo", "no"},
    {"aof-disable-auto-gc", "no"},
    {"aof-load-truncated", "yes"},
    {"aof-rewrite-incremental-fsync", "yes"},
    {"aof-timestamp-enabled", "no"},
    {"aof-use-rdb-preamble", "yes"},
    {"aof_rewrite_cpulist", ""},
    {"appenddirname", "appendonlydir"},
    {"appendfilename", "appendonly.aof"},
    {"appendfsync", "everysec"},
    {"appendonly", "no"},
    {"auto-aof-rewrite-min-size", "67108864"},
    {"auto-aof-rewrite-percentage", "100"},
    {"bgsave_cpulist", ""},
    {"bind", "* -::*"},
    {"bind-source-addr", ""},
    {"bio_cpulist", ""},
    {"busy-reply-threshold", "5000"},
    {"client-output-buffer-limit",
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
    {"client-query-buffer-limit", "1073741824"},
    {"cluster-allow-pubsubshard-when-down", "yes"},
    {"cluster-allow-reads-when-down", "no"},
    {"cluster-allow-replica-migration", "yes"},
    {"cluster-announce-bus-port", "0"},
    {"cluster-announce-hostname", ""},
    {"cluster-announce-ip", ""},
    {"cluster-announce-port", "0"},
    {"cluster-announce-tls-port", "0"},
    {"cluster-config-file", "nodes.conf"},
    {"cluster-enabled", "no"},
    {"cluster-link-sendbuf-limit", "0"},
    {"cluster-migration-barrier", "1"},
    {"cluster-node-timeout", "15000"},
    {"cluster-port", "0"},
    {"cluster-preferred-endpoint-type", "ip"},
    {"cluster-replica-no-failover", "no"},
    {"cluster-replica-validity-factor", "10"},
    {"cluster-require-full-coverage", "yes"},
    {"cluster-slave-no-failover", "no"},
    {"cluster-slave-validity-factor", "10"},
    {"crash-log-enabled", "yes"},
    {"crash-memcheck-enabled", "yes"},
    {"daemonize", "no"},
    {"databases", "16"},
    {"dbfilename", "dump.rdb"},
    {"disable-thp", "yes"},
    {"dynamic-hz", "yes"},
    {"enable-debug-command", "no"},
    {"enable-module-command", "no"},
    {"enable-protected-configs", "no"},
    {"hash-max-listpack-entries", "512"},
    {"hash-max-listpack-value", "64"},
    {"hash-max-ziplist-entries", "512"},
    {"hash-max-ziplist-value", "64"},
    {"hll-sparse-max-bytes", "3000"},
    {"hz", "10"},
    {"ignore-warnings", ""},
    {"io-threads", "1"},
    {"io-threads-do-reads", "no"},
    {"jemalloc-bg-thread", "yes"},
    {"latency-monitor-threshold", "0"},
    {"latency-tracking", "yes"},
    {"latency-tracking-info-percentiles", "50 99 99.9"},
    {"lazyfree-lazy-eviction", "no"},
    {"lazyfree-lazy-expire", "no"},
    {"lazyfree-lazy-server-del", "no"},
    {"lazyfree-lazy-user-del", "no"},
    {"lazyfree-lazy-user-flush", "no"},
    {"lfu-decay-time", "1"},
    {"lfu-log-factor", "10"},
    {"list-compress-depth", "0"},
    {"list-max-listpack-size", "-2"},
    {"list-max-ziplist-size", "-2"},
    {"logfile", ""},
    {"loglevel", "notice"},
    {"lua-time-limit", "5000"},
    {"masterauth", ""},
    {"masteruser", ""},
    {"maxclients", "10000"},
    {"maxmemory", "0"},
    {"maxmemory-clients", "0"},
    {"maxmemory-eviction-tenacity", "10"},
    {"maxmemory-policy", "noeviction"},
    {"maxmemory-samples", "5"},
    {"min-replicas-max-lag", "10"},
    {"min-replicas-to-write", "0"},
    {"min-slaves-max-lag", "10"},
    {"min-slaves-to-write", "0"},
    {"no-appendfsync-on-rewrite", "no"},
    {"notify-keyspace-events", ""},
    {"oom-score-adj", "no"},
    {"oom-score-adj-values", "0 200 800"},
    {"pidfile", ""},
    {"port", "6379"},
    {"proc-title-template", "{title} {listen-addr} {server-mode}"},
    {"propagation-error-behavior", "ignore"},
    {"protected-mode", "yes"},
    {"proto-max-bulk-len", "536870912"},
    {"rdb-del-sync-files", "no"},
    {"rdb-save-incremental-fsync", "yes"},
    {"rdbchecksum", "yes"},
    {"rdbcompression", "yes"},
    {"repl-backlog-size", "1048576"},
    {"repl-backlog-ttl", "3600"},
    {"repl-disable-tcp-nodelay", "no"},
    {"repl-diskless-load", "disabled"},
    {"repl-diskless-sync", "yes"},
    {"repl-diskless-sync-delay", "5"},
    {"repl-diskless-sync-max-replicas", "0"},
    {"repl-ping-replica-period", "10"},
    {"repl-ping-slave-period", "10"},
    {"repl-timeout", "60"},
    {"replica-announce-ip", ""},
    {"replica-announce-port", "0"},
    {"replica-announced", "yes"},
    {"replica-ignore-disk-write-errors", "no"},
    {"replica-ignore-maxmemory", "yes"},
    {"replica-lazy-flush", "no"},
    {"replica-priority", "100"},
    {"replica-read-only", "yes"},
    {"replica-serve-stale-data", "yes"},
    {"replicaof", ""},
    {"requirepass", ""},
    {"sanitize-dump-payload", "no"},
    {"save", "3600 1 300 100 60 10000"},
    {"server_cpulist", ""},
    {"set-max-intset-entries", "512"},
    {"set-proc-title", "yes"},
    {"shutdown-on-sigint", "default"},
    {"shutdown-on-sigterm", "default"},
    {"shutdown-timeout", "10"},
    {"slave-announce-ip", ""},
    {"slave-announce-port", "0"},
    {"slave-ignore-maxmemory", "yes"},
    {"slave-lazy-flush", "no"},
    {"slave-priority", "100"},
    {"slave-read-only", "yes"},
    {"slave-serve-stale-data", "yes"},
    {"slaveof", ""},
    {"slowlog-log-slower-than", "10000"},
    {"slowlog-max-len", "128"},
    {"socket-mark-id", "0"},
    {"stop-writes-on-bgsave-error", "yes"},
    {"stream-node-max-bytes", "4096"},
    {"stream-node-max-entries", "100"},
    {"supervised", "no"},
    {"syslog-enabled", "no"},
    {"syslog-facility", "local0"},
    {"syslog-ident", "redis"},
    {"tcp-backlog", "511"},
    {"tcp-keepalive", "300"},
    {"timeout", "0"},
    {"tls-auth-clients", "yes"},
    {"tls-ca-cert-dir", ""},
    {"tls-ca-cert-file", ""},
    {"tls-cert-file", ""},
    {"tls-ciphers", ""},
    {"tls-ciphersuites", ""},
    {"tls-client-cert-file", ""},
    {"tls-client-key-file", ""},
    {"tls-client-key-file-pass", ""},
    {"tls-cluster", "no"},
    {"tls-dh-params-file", ""},
    {"tls-key-file", ""},
    {"tls-key-file-pass", ""},
    {"tls-port", "0"},
    {"tls-prefer-server-ciphers", "no"},
    {"tls-protocols", ""},
    {"tls-replication", "no"},
    {"tls-session-cache-size", "20480"},
    {"tls-session-cache-timeout", "300"},
    {"tls-session-caching", "yes"},
    {"tracking-table-max-keys", "1000000"},
    {"unixsocket", ""},
    {"unixsocketperm", "0"},
    {"zset-max-listpack-entries", "128"},
    {"zset-max-listpack-value", "64"},
    {"zset-max-ziplist-entries", "128"},
    {"zset-max-ziplist-value", "64"},
};

TEST_F(ConfigTest, KnowsEveryRedis70OptionWithItsDefault) {
  Config c;
  for (const auto& [name, value] : kRedisDefaults) {
    const Option* o = ConfigRegistry::Get().Find(name);
    ASSERT_NE(o, nullptr) << name;
    EXPECT_EQ(o->get(c), value) << name;
  }
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(Get(c, "dir"), cwd);
}

TEST_F(ConfigTest, TierOptionDefaults) {
  Config c;
  EXPECT_EQ(Get(c, "memory-alloc-policy"), "only-dram");
  EXPECT_EQ(Get(c, "static-threshold"), "64");
  EXPECT_EQ(Get(c, "dram-pmem-ratio"), "1 3");
  EXPECT_EQ(Get(c, "initial-dynamic-threshold"), "64");
  EXPECT_EQ(Get(c, "dynamic-threshold-min"), "24");
  EXPECT_EQ(Get(c, "dynamic-threshold-max"), "10000");
  EXPECT_EQ(Get(c, "memory-ratio-check-period"), "100");
  EXPECT_EQ(Get(c, "hashtable-on-dram"), "yes");
  EXPECT_EQ(Get(c, "pmem-variant"), "single");
}

TEST_F(ConfigTest, DefaultValueIsWhatGetPrintsForADefaultConfig) {
  Config c;
  for (const Option& o : ConfigRegistry::Get().options()) {
    if (o.name == "dir") continue;
    EXPECT_EQ(o.get(c), o.default_value) << o.name;
  }
}

TEST_F(ConfigTest, NamesAndAliasesAreCaseInsensitive) {
  const ConfigRegistry& r = ConfigRegistry::Get();
  ASSERT_NE(r.Find("MaxMemory"), nullptr);
  EXPECT_EQ(r.Find("MaxMemory")->name, "maxmemory");
  EXPECT_EQ(r.Find("slave-read-only")->name, "replica-read-only");
  EXPECT_EQ(r.Find("SLAVEOF")->name, "replicaof");
  EXPECT_EQ(r.Find("hash-max-ziplist-entries")->name, "hash-max-listpack-entries");
  EXPECT_EQ(r.Find("lua-time-limit")->name, "busy-reply-threshold");
  EXPECT_EQ(r.Find("nonexistent"), nullptr);
  EXPECT_EQ(r.Find(""), nullptr);
}

TEST_F(ConfigTest, AcceptedButIgnored) {
  const ConfigRegistry& r = ConfigRegistry::Get();
  EXPECT_TRUE(r.IsAcceptedButIgnored("cluster-replica-validity-factor"));
  EXPECT_TRUE(r.IsAcceptedButIgnored("cluster-slave-validity-factor"));
  EXPECT_TRUE(r.IsAcceptedButIgnored("Repl-Disable-Tcp-Nodelay"));
  EXPECT_FALSE(r.IsAcceptedButIgnored("repl-backlog-size"));
  EXPECT_TRUE(r.IsAcceptedButIgnored("lua-time-limit"));
  EXPECT_FALSE(r.IsAcceptedButIgnored("maxmemory"));
  EXPECT_FALSE(r.IsAcceptedButIgnored("static-threshold"));
  EXPECT_FALSE(r.IsAcceptedButIgnored("hash-max-listpack-entries"));
  EXPECT_FALSE(r.IsAcceptedButIgnored("nonexistent"));
  // Their values are kept and reported.
  Config c;
  EXPECT_EQ(Set(c, "cluster-slave-validity-factor", "100"), "");
  EXPECT_EQ(Get(c, "cluster-replica-validity-factor"), "100");
  EXPECT_EQ(Get(Config(), "cluster-slave-validity-factor"), "100");
}

// The collection thresholds are real options: per Config, and copied into Limits().
TEST_F(ConfigTest, CollectionThresholdsReachLimits) {
  Config c;
  EXPECT_EQ(Set(c, "hash-max-ziplist-entries", "100"), "");
  EXPECT_EQ(Get(c, "hash-max-listpack-entries"), "100");
  EXPECT_EQ(Get(Config(), "hash-max-listpack-entries"), "512");
  EXPECT_EQ(Set(c, "set-max-listpack-entries", "7"), "");
  EXPECT_EQ(Set(c, "set-max-listpack-value", "1kb"), "");
  EXPECT_EQ(Get(c, "set-max-listpack-value"), "1024");
  EXPECT_EQ(Set(c, "list-max-ziplist-size", "-3"), "");
  CollectionLimits saved = Limits();
  ApplyCollectionLimits(c);
  EXPECT_EQ(Limits().hash_max_listpack_entries, 100u);
  EXPECT_EQ(Limits().set_max_listpack_entries, 7u);
  EXPECT_EQ(Limits().set_max_listpack_value, 1024u);
  EXPECT_EQ(Limits().list_max_listpack_size, -3);
  EXPECT_EQ(Limits().set_max_intset_entries, 512u);
  Limits() = saved;
}

TEST_F(ConfigTest, ImmutableAndSensitiveFlags) {
  const ConfigRegistry& r = ConfigRegistry::Get();
  for (const char* name :
       {"databases", "daemonize", "unixsocket", "unixsocketperm", "logfile", "pidfile",
        "tcp-backlog", "appendfilename", "enable-debug-command", "replicaof", "io-threads",
        "cluster-enabled", "supervised", "pmem-backend", "pmem-dir", "pmem-capacity"}) {
    EXPECT_TRUE(r.Find(name)->immutable) << name;
  }
  for (const char* name : {"maxmemory", "hz", "port", "bind", "save", "dir", "dbfilename",
                           "loglevel", "appendonly", "static-threshold", "dram-pmem-ratio",
                           "memory-alloc-policy", "dynamic-threshold-min", "pmem-maxmemory",
                           "memory-ratio-check-period", "hashtable-on-dram"}) {
    EXPECT_FALSE(r.Find(name)->immutable) << name;
  }
  EXPECT_TRUE(r.Find("requirepass")->sensitive);
  EXPECT_TRUE(r.Find("masterauth")->sensitive);
  EXPECT_FALSE(r.Find("maxmemory")->sensitive);
  for (const char* name : {"save", "bind", "client-output-buffer-limit", "dram-pmem-ratio",
                           "oom-score-adj-values", "replicaof"}) {
    EXPECT_TRUE(r.Find(name)->multi_arg) << name;
  }
  EXPECT_FALSE(r.Find("notify-keyspace-events")->multi_arg);
}

// --- value syntaxes ---

TEST_F(ConfigTest, MemoryValues) {
  const std::pair<const char*, const char*> ok[] = {
      {"0", "0"},
      {"1", "1"},
      {"1b", "1"},
      {"1k", "1000"},
      {"1kb", "1024"},
      {"1K", "1000"},
      {"1KB", "1024"},
      {"1m", "1000000"},
      {"1mb", "1048576"},
      {"1g", "1000000000"},
      {"1gb", "1073741824"},
      {"1Gb", "1073741824"},
      {"01", "1"},
      {"", "0"},
      {"b", "0"},
      {"kb", "0"},
      {"99999999999999999999", "18446744073709551615"},
      {"18446744073709551615", "18446744073709551615"},
  };
  for (const auto& [in, out] : ok) {
    Config c;
    EXPECT_EQ(Set(c, "maxmemory", in), "") << in;
    EXPECT_EQ(Get(c, "maxmemory"), out) << in;
  }
  for (const char* bad : {"-1", "+1", "1.5g", "0x10", "1x", "1 g", "1tb", "abc", "-0"}) {
    Config c;
    EXPECT_EQ(Set(c, "maxmemory", bad), "argument must be a memory value") << bad;
    EXPECT_EQ(Get(c, "maxmemory"), "0") << bad;
  }
  Config c;
  EXPECT_EQ(Set(c, "proto-max-bulk-len", "100"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Set(c, "proto-max-bulk-len", "99999999999999999999"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Set(c, "proto-max-bulk-len", "1mb"), "");
  EXPECT_EQ(c.proto_max_bulk_len, 1 << 20);
  EXPECT_EQ(Set(c, "static-threshold", "1kb"), "");
  EXPECT_EQ(c.static_threshold, 1024);
}

TEST_F(ConfigTest, IntegerValues) {
  Config c;
  EXPECT_EQ(Set(c, "timeout", "abc"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Set(c, "timeout", "+1"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Set(c, "timeout", "01"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Set(c, "timeout", "1kb"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Set(c, "timeout", "99999999999999999999"),
            "argument couldn't be parsed into an integer");
  EXPECT_EQ(Set(c, "timeout", "-1"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Set(c, "timeout", "2147483648"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Set(c, "timeout", "2147483647"), "");
  EXPECT_EQ(c.timeout, 2147483647);
  // Unsigned options compare their bounds unsigned: -1 is out of range from above.
  EXPECT_EQ(Set(c, "maxclients", "-1"), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Set(c, "maxclients", "0"), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Set(c, "slowlog-max-len", "-1"),
            "argument must be between 0 and 9223372036854775807 inclusive");
  EXPECT_EQ(Set(c, "slowlog-log-slower-than", "-2"),
            "argument must be between -1 and 9223372036854775807 inclusive");
  EXPECT_EQ(Set(c, "slowlog-log-slower-than", "-1"), "");
  EXPECT_EQ(c.slowlog_log_slower_than, -1);
  EXPECT_EQ(Set(c, "active-expire-effort", "11"), "argument must be between 1 and 10 inclusive");
  EXPECT_EQ(Set(c, "list-max-listpack-size", "-2147483648"), "");
  EXPECT_EQ(Get(c, "list-max-ziplist-size"), "-2147483648");
}

TEST_F(ConfigTest, HzIsClamped) {
  Config c;
  EXPECT_EQ(Set(c, "hz", "0"), "");
  EXPECT_EQ(c.hz, 1);
  EXPECT_EQ(Set(c, "hz", "1000"), "");
  EXPECT_EQ(Get(c, "hz"), "500");
  EXPECT_EQ(Set(c, "hz", "-1"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Set(c, "hz", "99999999999999999999"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(c.hz, 500);
}

TEST_F(ConfigTest, OctalPercentAndBacklogValues) {
  Config c;
  ASSERT_TRUE(c.LoadText("unixsocketperm 700").ok());
  EXPECT_EQ(c.unixsocketperm, 0700);
  EXPECT_EQ(Get(c, "unixsocketperm"), "700");
  EXPECT_EQ(Set(c, "unixsocketperm", "800"), "argument couldn't be parsed as an octal number");
  EXPECT_EQ(Set(c, "unixsocketperm", "1000"), "argument must be between 0 and 777 inclusive");
  EXPECT_EQ(Set(c, "maxmemory-clients", "5%"), "");
  EXPECT_EQ(Get(c, "maxmemory-clients"), "5%");
  EXPECT_EQ(Set(c, "maxmemory-clients", "101%"),
            "percentage argument must be less or equal to 100");
  EXPECT_EQ(Set(c, "maxmemory-clients", "-1"), "argument must be a memory or percent value");
  EXPECT_EQ(Set(c, "maxmemory-clients", "1kb"), "");
  EXPECT_EQ(Get(c, "maxmemory-clients"), "1024");
  EXPECT_EQ(Set(c, "repl-backlog-size", "1kb"), "");
  EXPECT_EQ(Get(c, "repl-backlog-size"), "16384");
}

TEST_F(ConfigTest, BoolAndEnumValues) {
  Config c;
  EXPECT_EQ(Set(c, "protected-mode", "maybe"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(Set(c, "protected-mode", "NO"), "");
  EXPECT_EQ(Get(c, "protected-mode"), "no");
  EXPECT_EQ(Set(c, "loglevel", "VERBOSE"), "");
  EXPECT_EQ(c.loglevel, "verbose");
  EXPECT_EQ(Set(c, "loglevel", "foo"),
            "argument(s) must be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(Set(c, "maxmemory-policy", "foo"),
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            "noeviction");
  EXPECT_EQ(Set(c, "maxmemory-policy", "ALLKEYS-LRU"), "");
  EXPECT_EQ(c.maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(Set(c, "appendfsync", "foo"),
            "argument(s) must be one of the following: everysec, always, no");
  EXPECT_EQ(Set(c, "enable-debug-command", "sometimes"),
            "argument(s) must be one of the following: no, yes, local");
  EXPECT_EQ(Set(c, "enable-debug-command", "local"), "");
  EXPECT_EQ(Set(c, "memory-alloc-policy", "dram"),
            "argument(s) must be one of the following: only-dram, only-pmem, threshold, ratio");
  EXPECT_EQ(Set(c, "memory-alloc-policy", "Ratio"), "");
  EXPECT_EQ(c.memory_alloc_policy, "ratio");
  // Names sharing a value print as the first of them.
  EXPECT_EQ(Set(c, "oom-score-adj", "relative"), "");
  EXPECT_EQ(Get(c, "oom-score-adj"), "yes");
  EXPECT_EQ(Set(c, "activedefrag", "yes"),
            "Active defragmentation cannot be enabled: it requires a Redis server compiled with "
            "a modified Jemalloc like the one shipped by default with the Redis source "
            "distribution");
  EXPECT_EQ(Set(c, "shutdown-on-sigint", "nosave force now"), "");
  EXPECT_EQ(Get(c, "shutdown-on-sigint"), "nosave now force");
  EXPECT_EQ(Set(c, "shutdown-on-sigint", "save nosave"),
            "shutdown options SAVE and NOSAVE can't be used simultaneously");
  EXPECT_EQ(Set(c, "shutdown-on-sigint", ""),
            "argument(s) must be one of the following: default, save, nosave, now, force");
}

TEST_F(ConfigTest, StringValidators) {
  Config c;
  EXPECT_EQ(Set(c, "dbfilename", "a/b"), "dbfilename can't be a path, just a filename");
  EXPECT_EQ(Set(c, "dbfilename", "x.rdb"), "");
  EXPECT_EQ(c.dbfilename, "x.rdb");
  EXPECT_EQ(Set(c, "appendfilename", ""), "appendfilename can't be empty");
  EXPECT_EQ(Set(c, "appendfilename", "a/b"), "appendfilename can't be a path, just a filename");
  EXPECT_EQ(Set(c, "appenddirname", ""), "appenddirname can't be empty");
  EXPECT_EQ(Set(c, "cluster-announce-hostname", "a_b"),
            "Hostnames may only contain alphanumeric characters, hyphens or dots");
  EXPECT_EQ(Set(c, "proc-title-template", "{foo}"),
            "template format is invalid or contains unknown variables");
  EXPECT_EQ(Set(c, "proc-title-template", "{title}"),
            "template format is invalid or contains unknown variables");
  EXPECT_EQ(Set(c, "proc-title-template", "{title} {port}"), "");
  EXPECT_EQ(Set(c, "tls-port", "6380"), "Unable to update TLS configuration. Check server logs.");
  EXPECT_EQ(Get(c, "tls-port"), "0");
}

TEST_F(ConfigTest, NotifyKeyspaceEvents) {
  const std::pair<const char*, const char*> cases[] = {
      {"A", "A"},       {"KEA", "AKE"},      {"Ex", "xE"},
      {"nmKE", "nKEm"}, {"g$lshzxetd", "A"}, {"g$lshzxet", "g$lshzxet"},
      {"ng", "gn"},     {"tdm", "tdm"},      {"AAm", "Am"},
      {"KEAn", "AKE"},  {"x$", "$x"},        {"", ""},
  };
  for (const auto& [in, out] : cases) {
    Config c;
    EXPECT_EQ(Set(c, "notify-keyspace-events", in), "") << in;
    EXPECT_EQ(Get(c, "notify-keyspace-events"), out) << in;
  }
  Config c;
  EXPECT_EQ(Set(c, "notify-keyspace-events", "KEA"), "");
  // The stored form lists each class letter, so the server never has to expand 'A'.
  EXPECT_EQ(c.notify_keyspace_events, "g$lshzxetdKE");
  for (const char* bad : {"q", "AK q", " "}) {
    EXPECT_EQ(Set(c, "notify-keyspace-events", bad),
              "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  EXPECT_EQ(c.notify_keyspace_events, "g$lshzxetdKE");
}

TEST_F(ConfigTest, SaveValues) {
  Config c;
  EXPECT_EQ(Get(c, "save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(Set(c, "save", "900 1"), "");
  EXPECT_EQ(Get(c, "save"), "900 1");
  for (const char* bad : {"900 1 300", "900  1", "0 1", "1 -1", "1 x", " 1 1", "a b"}) {
    EXPECT_EQ(Set(c, "save", bad), "Invalid save parameters") << bad;
  }
  EXPECT_EQ(Get(c, "save"), "900 1");
  // strtoll's leniency, as in Redis.
  EXPECT_EQ(Set(c, "save", "01 +5"), "");
  EXPECT_EQ(Get(c, "save"), "1 5");
  EXPECT_EQ(Set(c, "save", "1 "), "");
  EXPECT_EQ(Get(c, "save"), "1 0");
  EXPECT_EQ(Set(c, "save", "1 4294967295"), "");
  EXPECT_EQ(Get(c, "save"), "1 -1");
  EXPECT_EQ(Set(c, "save", ""), "");
  EXPECT_EQ(Get(c, "save"), "");
  EXPECT_TRUE(c.save_params.empty());
}

TEST_F(ConfigTest, ClientOutputBufferLimit) {
  Config c;
  EXPECT_EQ(Get(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(Set(c, "client-output-buffer-limit", "replica 1mb 2k 3"), "");
  EXPECT_EQ(Get(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 1048576 2000 3 pubsub 33554432 8388608 60");
  EXPECT_EQ(Set(c, "client-output-buffer-limit", "PubSub 1 2 3 normal 5 6 7"), "");
  EXPECT_EQ(c.client_output_buffer_limit[static_cast<int>(ClientClass::kPubSub)].soft, 2);
  EXPECT_EQ(Get(c, "client-output-buffer-limit"), "normal 5 6 7 slave 1048576 2000 3 pubsub 1 2 3");
  EXPECT_EQ(Set(c, "client-output-buffer-limit", "normal 1 2"),
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(Set(c, "client-output-buffer-limit", "master 1 2 3"),
            "Invalid client class specified in buffer limit configuration.");
  for (const char* bad : {"pubsub 1x 2 3", "pubsub 1 2 -3", "pubsub 1 2 3x",
                          "pubsub 1 0 4294967295", "normal 0 0 0 pubsub -1 0 0"}) {
    EXPECT_EQ(Set(c, "client-output-buffer-limit", bad),
              "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        << bad;
  }
  // Nothing of a rejected value is kept, even its valid classes.
  EXPECT_EQ(Get(c, "client-output-buffer-limit"), "normal 5 6 7 slave 1048576 2000 3 pubsub 1 2 3");
  EXPECT_EQ(Set(c, "client-output-buffer-limit", ""), "");
  EXPECT_EQ(Get(c, "client-output-buffer-limit"), "normal 5 6 7 slave 1048576 2000 3 pubsub 1 2 3");
}

TEST_F(ConfigTest, BindAndRatio) {
  Config c;
  EXPECT_EQ(Get(c, "bind"), "* -::*");
  EXPECT_EQ(Set(c, "bind", "127.0.0.1 ::1"), "");
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(Set(c, "bind", ""), "");
  EXPECT_TRUE(c.bind.empty());
  EXPECT_EQ(Set(c, "bind", "a b c d e f g h i j k l m n o p q"),
            "Too many bind addresses specified.");
  EXPECT_EQ(Set(c, "dram-pmem-ratio", "1 8"), "");
  EXPECT_EQ(c.dram_pmem_ratio[0], 1);
  EXPECT_EQ(c.dram_pmem_ratio[1], 8);
  EXPECT_EQ(Get(c, "dram-pmem-ratio"), "1 8");
  EXPECT_EQ(Set(c, "dram-pmem-ratio", "1"), "wrong number of arguments");
  EXPECT_EQ(Set(c, "dram-pmem-ratio", "0 3"),
            "argument must be two integers between 1 and 2147483647 (DRAM part, far part)");
  EXPECT_EQ(Set(c, "dram-pmem-ratio", "1 x"),
            "argument must be two integers between 1 and 2147483647 (DRAM part, far part)");
  EXPECT_EQ(Get(c, "dram-pmem-ratio"), "1 8");
}

TEST_F(ConfigTest, Dir) {
  Config c;
  EXPECT_EQ(Set(c, "dir", dir_), "");
  EXPECT_EQ(c.dir, dir_);
  EXPECT_EQ(Get(c, "dir"), dir_);
  EXPECT_EQ(Set(c, "dir", dir_ + "/missing"), "No such file or directory");
  WriteFile(Path("file"), "x");
  EXPECT_EQ(Set(c, "dir", Path("file")), "Not a directory");
  EXPECT_EQ(c.dir, dir_);
}

// Every option accepts back what CONFIG GET prints, for defaults and for changed values.
TEST_F(ConfigTest, GetSetRoundTripForEveryOption) {
  Config changed;
  ASSERT_TRUE(changed
                  .LoadText("maxmemory 3gb\nsave 10 1\nbind 127.0.0.1\nnotify-keyspace-events KEA\n"
                            "client-output-buffer-limit pubsub 1mb 1kb 5\nloglevel warning\n"
                            "hash-max-listpack-value 1kb\nmaxmemory-clients 10%\n"
                            "replicaof 10.0.0.1 6379\nlatency-tracking-info-percentiles 1.5 99\n"
                            "shutdown-on-sigterm now nosave\noom-score-adj-values 1 2 3\n"
                            "requirepass \"a b\\\"c\"\ndram-pmem-ratio 2 5\nunixsocketperm 755\n"
                            "hz 25\nprotected-mode no\n")
                  .ok());
  for (Config* c : {new Config(), new Config(changed)}) {
    for (const Option& o : ConfigRegistry::Get().options()) {
      std::string before = o.get(*c);
      std::vector<std::string> args = o.name == "replicaof" && before.empty()
                                          ? std::vector<std::string>{"no", "one"}
                                          : SplitValue(o, before);
      EXPECT_EQ(o.set(*c, args), "") << o.name << " '" << before << "'";
      EXPECT_EQ(o.get(*c), before) << o.name;
    }
    delete c;
  }
}

// --- config files ---

TEST_F(ConfigTest, LoadTextSyntax) {
  Config c;
  Status st = c.LoadText(
      "# a comment\n"
      "\n"
      "   \t\n"
      "  PORT   7001  \r\n"
      "\t# indented comment\n"
      "Bind 127.0.0.1 \"::1\"\n"
      "requirepass \"with space\\n\\x41\"\n"
      "dbfilename 'it\\'s'\n"
      "logfile ''\n"
      "maxmemory 1mb");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c.requirepass, "with space\nA");
  EXPECT_EQ(c.dbfilename, "it's");
  EXPECT_EQ(c.logfile, "");
  EXPECT_EQ(c.maxmemory, 1 << 20);
  EXPECT_TRUE(c.config_file.empty());
}

TEST_F(ConfigTest, LoadTextErrorsNameTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"port 7392\n# comment\n\nfoo bar\n",
       "Reading the configuration file, at line 4\n>>> 'foo bar'\n"
       "Bad directive or wrong number of arguments"},
      {"port 7392 7393\n",
       "Reading the configuration file, at line 1\n>>> 'port 7392 7393'\n"
       "wrong number of arguments"},
      {"maxmemory 1x\n",
       "Reading the configuration file, at line 1\n>>> 'maxmemory 1x'\n"
       "argument must be a memory value"},
      {"bind \"abc\n",
       "Reading the configuration file, at line 1\n>>> 'bind \"abc'\n"
       "Unbalanced quotes in configuration line"},
      {"\n\n   port abc   \n",
       "Reading the configuration file, at line 3\n>>> 'port abc'\n"
       "argument couldn't be parsed into an integer"},
      {"port\n",
       "Reading the configuration file, at line 1\n>>> 'port'\nwrong number of arguments"},
      {"unixsocketperm 800\n",
       "Reading the configuration file, at line 1\n>>> 'unixsocketperm 800'\n"
       "argument couldn't be parsed as an octal number"},
      {"rename-command CONFIG \"\"\n",
       "Reading the configuration file, at line 1\n>>> 'rename-command CONFIG \"\"'\n"
       "rename-command is not supported by memkeydb"},
      {"include\n",
       "Reading the configuration file, at line 1\n>>> 'include'\n"
       "Bad directive or wrong number of arguments"},
  };
  for (const auto& [text, message] : cases) {
    Config c;
    Status st = c.LoadText(text);
    EXPECT_FALSE(st.ok()) << text;
    EXPECT_EQ(st.message(), message) << text;
  }
}

TEST_F(ConfigTest, LoadTextDeprecatedDirectivesAreSkipped) {
  Config c;
  EXPECT_TRUE(c.LoadText("list-max-ziplist-entries 5\nlist-max-ziplist-value 5\n"
                         "lua-replicate-commands yes\n")
                  .ok());
  EXPECT_FALSE(c.LoadText("list-max-ziplist-entries 5 6\n").ok());
}

TEST_F(ConfigTest, SaveLinesInAFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "3600 1 300 100 60 10000"},
      {"save 900 1\nsave 300 10\n", "900 1 300 10"},
      {"save 900 1\nsave \"\"\nsave 300 10\n", "300 10"},
      {"save 900 1\nsave \"\"\n", ""},
      {"save \"900 1 300 10\"\n", "900 1 300 10"},
      {"save \"\"\n", ""},
      {"save 900 1\nsave\nsave 300 10\n", "900 1 300 10"},
      {"save\n", ""},
      {"save 900 1\nsave \"  \"\n", "900 1"},
  };
  for (const auto& [text, save] : cases) {
    Config c;
    ASSERT_TRUE(c.LoadText(text).ok()) << text;
    EXPECT_EQ(Get(c, "save"), save) << text;
  }
  // A multi-value option given as one argument is split again.
  Config c;
  ASSERT_TRUE(c.LoadText("bind \"127.0.0.1 ::1\"\n").ok());
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST_F(ConfigTest, LoadsTheStockRedisConf) {
  std::string text = ReadFile("/etc/redis/redis.conf");
  if (text.empty()) GTEST_SKIP() << "/etc/redis/redis.conf is not installed";
  // The stock file points dir at /var/lib/redis; a machine without it would fail the way
  // redis-server fails, which is not what this test is about.
  struct stat st;
  if (stat("/var/lib/redis", &st) != 0) {
    size_t pos = text.find("\ndir /var/lib/redis");
    if (pos != std::string::npos) text.replace(pos, 19, "\ndir " + dir_);
  }
  Config c;
  Status status = c.LoadText(text);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_TRUE(c.daemonize);
  EXPECT_EQ(c.logfile, "/var/log/redis/redis-server.log");
  EXPECT_EQ(Get(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(Get(c, "proc-title-template"), "{title} {listen-addr} {server-mode}");
}

TEST_F(ConfigTest, LoadFileAndInclude) {
  WriteFile(Path("inc.conf"), "hz 11\nmaxmemory 5mb\n");
  WriteFile(Path("d1.conf"), "timeout 7\n");
  WriteFile(Path("d2.conf"), "tcp-keepalive 8\n");
  WriteFile(Path("main.conf"), "port 7001\ninclude " + Path("inc.conf") + "\ninclude " +
                                   Path("d*.conf") + "\ninclude " + Path("none*.conf") +
                                   "\nhz 12\n");
  Config c;
  Status st = c.LoadFile(Path("main.conf"));
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(c.config_file, Path("main.conf"));
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.hz, 12);
  EXPECT_EQ(c.maxmemory, 5 << 20);
  EXPECT_EQ(c.timeout, 7);
  EXPECT_EQ(c.tcp_keepalive, 8);

  Config missing;
  st = missing.LoadText("include " + Path("nope.conf"));
  EXPECT_EQ(st.message(), "Fatal error, can't open config file '" + Path("nope.conf") +
                              "': No such file or directory");
  st = missing.LoadFile(Path("nope.conf"));
  EXPECT_EQ(st.message(), "Fatal error, can't open config file '" + Path("nope.conf") +
                              "': No such file or directory");

  WriteFile(Path("loop.conf"), "include " + Path("loop.conf") + "\n");
  Config loop;
  st = loop.LoadFile(Path("loop.conf"));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("include nesting"), std::string::npos) << st.message();

  WriteFile(Path("bad.conf"), "port 1\nhz x\n");
  Config bad;
  st = bad.LoadText("include " + Path("bad.conf"));
  EXPECT_EQ(st.message(),
            "Reading the configuration file, at line 2\n>>> 'hz x'\n"
            "argument couldn't be parsed into an integer");
}

// --- the command line ---

TEST_F(ConfigTest, LoadArgsOptions) {
  {
    Config c;
    ASSERT_TRUE(LoadArgs(&c, {"memkeydb-server"}).ok());
    EXPECT_EQ(c.port, 6379);
    EXPECT_TRUE(c.config_file.empty());
  }
  {
    Config c;
    ASSERT_TRUE(LoadArgs(&c, {"s", "--port", "7000", "--bind", "127.0.0.1", "::1", "--save", "900",
                              "1", "--save", "300", "10", "--slowlog-log-slower-than", "-1",
                              "--requirepass", "a b\"c"})
                    .ok());
    EXPECT_EQ(c.port, 7000);
    EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_EQ(Get(c, "save"), "900 1 300 10");
    EXPECT_EQ(c.slowlog_log_slower_than, -1);
    EXPECT_EQ(c.requirepass, "a b\"c");
  }
  {
    // A bare --save means no snapshots, whether last or followed by another option.
    Config c;
    ASSERT_TRUE(LoadArgs(&c, {"s", "--save", "--port", "7001"}).ok());
    EXPECT_EQ(Get(c, "save"), "");
    EXPECT_EQ(c.port, 7001);
    Config c2;
    ASSERT_TRUE(LoadArgs(&c2, {"s", "--port", "7001", "--save"}).ok());
    EXPECT_EQ(Get(c2, "save"), "");
    Config c3;
    ASSERT_TRUE(LoadArgs(&c3, {"s", "--save", ""}).ok());
    EXPECT_EQ(Get(c3, "save"), "");
  }
  {
    // An option name waiting for its value takes the next argument, dashes and all.
    Config c;
    ASSERT_TRUE(LoadArgs(&c, {"s", "--requirepass", "--foo"}).ok());
    EXPECT_EQ(c.requirepass, "--foo");
    // "--name value" as one argument carries its value.
    Config c2;
    ASSERT_TRUE(LoadArgs(&c2, {"s", "--port 7002", "--hz", "20"}).ok());
    EXPECT_EQ(c2.port, 7002);
    EXPECT_EQ(c2.hz, 20);
    // A multi-value option's values given as one argument.
    Config c3;
    ASSERT_TRUE(LoadArgs(&c3, {"s", "--save", "900 1 300 10"}).ok());
    EXPECT_EQ(Get(c3, "save"), "900 1 300 10");
    Config c4;
    ASSERT_TRUE(LoadArgs(&c4, {"s", "--dram-pmem-ratio", "1", "4"}).ok());
    EXPECT_EQ(Get(c4, "dram-pmem-ratio"), "1 4");
  }
}

TEST_F(ConfigTest, LoadArgsErrors) {
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"s", "--port", "abc"},
       "Reading the configuration file, at line 2\n>>> 'port \"abc\"'\n"
       "argument couldn't be parsed into an integer"},
      {{"s", "--foo", "1"},
       "Reading the configuration file, at line 2\n>>> 'foo \"1\"'\n"
       "Bad directive or wrong number of arguments"},
      {{"s", "--port"},
       "Reading the configuration file, at line 2\n>>> 'port'\nwrong number of arguments"},
      {{"s", "--port", "7393", "--bind", "a", "b", "--foo"},
       "Reading the configuration file, at line 4\n>>> 'foo'\n"
       "Bad directive or wrong number of arguments"},
      {{"s", "--save", "1 x"},
       "Reading the configuration file, at line 2\n>>> 'save \"1 x\"'\nInvalid save parameters"},
      {{"s", "--loglevel", "a b"},
       "Reading the configuration file, at line 2\n>>> 'loglevel \"a b\"'\n"
       "argument(s) must be one of the following: debug, verbose, notice, warning"},
  };
  for (const auto& [args, message] : cases) {
    Config c;
    Status st = LoadArgs(&c, args);
    EXPECT_EQ(st.message(), message) << args[1];
  }
}

TEST_F(ConfigTest, LoadArgsWithFile) {
  WriteFile(Path("a.conf"), "port 7003\nhz 15\n");
  Config c;
  ASSERT_TRUE(LoadArgs(&c, {"s", Path("a.conf"), "--hz", "20"}).ok());
  EXPECT_EQ(c.port, 7003);
  EXPECT_EQ(c.hz, 20);
  EXPECT_EQ(c.config_file, Path("a.conf"));

  // Options start two lines after the file's last one.
  Config bad;
  Status st = LoadArgs(&bad, {"s", Path("a.conf"), "--hz", "x"});
  EXPECT_EQ(st.message(),
            "Reading the configuration file, at line 4\n>>> 'hz \"x\"'\n"
            "argument couldn't be parsed into an integer");

  // A relative path is made absolute (CONFIG REWRITE must find the file after a chdir).
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(chdir(dir_.c_str()), 0);
  Config rel;
  st = LoadArgs(&rel, {"s", "a.conf"});
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(rel.config_file, Path("a.conf"));

  Config missing;
  st = LoadArgs(&missing, {"s", Path("none.conf"), "--port", "1"});
  EXPECT_EQ(st.message(), "Fatal error, can't open config file '" + Path("none.conf") +
                              "': No such file or directory");
}

TEST_F(ConfigTest, LoadArgsFromStdin) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string text = "hz 33\nport 7004\n";
  ASSERT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fds[1]);
  int saved = dup(STDIN_FILENO);
  dup2(fds[0], STDIN_FILENO);
  close(fds[0]);
  Config c;
  Status st = LoadArgs(&c, {"s", "-", "--port", "7005"});
  dup2(saved, STDIN_FILENO);
  close(saved);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(c.hz, 33);
  EXPECT_EQ(c.port, 7005);
}

// --- CONFIG REWRITE ---

TEST_F(ConfigTest, RewriteWithoutAFile) {
  Config c;
  Status st = RewriteConfigFile(c);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "The server is running without a config file");
}

TEST_F(ConfigTest, RewriteKeepsCommentsAndReplacesChangedLines) {
  const std::string path = Path("redis.conf");
  WriteFile(path,
            "# Redis config   \n"
            "port 6380\n"
            "\n"
            "\n"
            "  maxmemory   100mb  \n"
            "hash-max-listpack-entries 512\n"
            "hash-max-ziplist-entries 100\n"
            "save 900 1\n"
            "save 300 10\n"
            "include /etc/redis/other.conf\n"
            "bind \"unbalanced\n"
            "appendonly no\n"
            "stream-node-max-bytes 4096\n"
            "requirepass secret\n");
  Config c;
  c.config_file = path;
  c.port = 6380;
  ASSERT_EQ(Set(c, "maxmemory", "2gb"), "");
  ASSERT_EQ(Set(c, "hash-max-listpack-entries", "100"), "");
  ASSERT_EQ(Set(c, "save", "100 1"), "");
  ASSERT_EQ(Set(c, "hz", "15"), "");
  ASSERT_EQ(Set(c, "notify-keyspace-events", "KEA"), "");
  ASSERT_EQ(Set(c, "maxmemory-clients", "5%"), "");
  ASSERT_EQ(Set(c, "client-output-buffer-limit", "pubsub 1mb 0 0"), "");
  ASSERT_EQ(Set(c, "dbfilename", "my db.rdb"), "");
  ASSERT_EQ(Set(c, "dram-pmem-ratio", "1 4"), "");
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  std::string dir = Get(c, "dir");
  std::string expected =
      "# Redis config\n"
      "port 6380\n"
      "\n"
      "maxmemory 2gb\n"
      "hash-max-listpack-entries 100\n"
      "\n"
      "save 100 1\n"
      "\n"
      "include /etc/redis/other.conf\n"
      "# ??? bind \"unbalanced\n"
      "appendonly no\n"
      "stream-node-max-bytes 4kb\n"
      "\n"
      "# Generated by CONFIG REWRITE\n"
      "client-output-buffer-limit pubsub 1mb 0 0\n"
      "hz 15\n"
      "dir \"" +
      dir +
      "\"\n"
      "dbfilename \"my db.rdb\"\n"
      "notify-keyspace-events \"AKE\"\n"
      "dram-pmem-ratio 1 4\n"
      "maxmemory-clients 5%\n"
      "latency-tracking-info-percentiles 50 99 99.9\n";
  EXPECT_EQ(ReadFile(path), expected);

  // The result loads back to the same values.
  Config reloaded;
  std::string text = ReadFile(path);
  text.replace(text.find("include /etc/redis/other.conf\n"), 30, "");
  ASSERT_TRUE(reloaded.LoadText(text).ok());
  for (const Option& o : ConfigRegistry::Get().options()) {
    EXPECT_EQ(o.get(reloaded), o.get(c)) << o.name;
  }

  // Rewriting again reuses the option's lines in order, whatever class they named, so the
  // normal class takes the pubsub line's place and the pubsub line is appended after the blank
  // line that ended the file. Redis does exactly this.
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  std::string again = expected;
  again.replace(again.find("client-output-buffer-limit pubsub 1mb 0 0"), 41,
                "client-output-buffer-limit normal 0 0 0");
  again += "\nclient-output-buffer-limit pubsub 1mb 0 0\n";
  EXPECT_EQ(ReadFile(path), again);
  // The next rewrite gives the replica class the old pubsub line and appends pubsub again; once
  // nothing is appended the file's final newline leaves one blank line, and from then on the
  // file is stable.
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  EXPECT_NE(ReadFile(path).find("client-output-buffer-limit replica 256mb 64mb 60\n"),
            std::string::npos);
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  std::string settled = ReadFile(path);
  EXPECT_EQ(settled.substr(settled.size() - 3), "0\n\n");
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  EXPECT_EQ(ReadFile(path), settled);

  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
}

TEST_F(ConfigTest, RewriteRemovesOptionsBackAtTheirDefault) {
  const std::string path = Path("redis.conf");
  WriteFile(path,
            "bind * -::*\nrequirepass x\nreplicaof 1.2.3.4 5\nmaxmemory 1mb\n"
            "# Generated by CONFIG REWRITE\nlogfile \"\"\n");
  Config c;
  c.config_file = path;
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  // bind at its default, an empty requirepass and no primary leave no line; an existing line
  // is rewritten even when the value is the default; the signature is not repeated.
  EXPECT_EQ(ReadFile(path), "\nmaxmemory 0\n# Generated by CONFIG REWRITE\nlogfile \"\"\n\ndir \"" +
                                Get(c, "dir") +
                                "\"\nsave 3600 1\nsave 300 100\nsave 60 10000\n"
                                "latency-tracking-info-percentiles 50 99 99.9\n");
}

TEST_F(ConfigTest, RewriteCreatesAMissingFile) {
  const std::string path = Path("new.conf");
  Config c;
  c.config_file = path;
  c.bind = {"127.0.0.1"};
  ASSERT_EQ(Set(c, "save", ""), "");
  ASSERT_TRUE(RewriteConfigFile(c).ok());
  EXPECT_EQ(ReadFile(path), "# Generated by CONFIG REWRITE\nbind 127.0.0.1\ndir \"" +
                                Get(c, "dir") +
                                "\"\nsave \"\"\nlatency-tracking-info-percentiles 50 99 99.9\n");
}

TEST_F(ConfigTest, RewriteFailsWhenTheDirectoryIsNotWritable) {
  Config c;
  c.config_file = Path("missing-dir/redis.conf");
  Status st = RewriteConfigFile(c);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "No such file or directory");
}

}  // namespace
}  // namespace memkeydb
