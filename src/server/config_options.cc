// The table of every option (BuildOptionDefs), the validators it uses, and the ConfigRegistry
// built from it.

#include <climits>
#include <set>
#include <string>

#include "common/logging.h"
#include "common/strutil.h"
#include "server/config_internal.h"
#include "types/collection_limits.h"

namespace memkeydb {
namespace {

// --- validators (Redis's wording) ---

std::string ValidateDbFilename(const std::string& v) {
  return IsBaseName(v) ? "" : "dbfilename can't be a path, just a filename";
}

std::string ValidateAofFilename(const std::string& v) {
  if (v.empty()) return "appendfilename can't be empty";
  return IsBaseName(v) ? "" : "appendfilename can't be a path, just a filename";
}

std::string ValidateAofDirname(const std::string& v) {
  if (v.empty()) return "appenddirname can't be empty";
  return IsBaseName(v) ? "" : "appenddirname can't be a path, just a dirname";
}

std::string ValidateHostname(const std::string& v) {
  if (v.size() >= 256) return "Hostnames must be less than 256 characters";
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  }
  return "";
}

// proc-title-template: {variables} from a fixed set, "{{" and "}}" for literal braces, and
// something left once blanks are trimmed.
std::string ValidateProcTitleTemplate(const std::string& v) {
  static const std::set<std::string> kVariables = {"title",    "listen-addr", "server-mode", "port",
                                                   "tls-port", "unixsocket",  "config-file"};
  const std::string kError = "template format is invalid or contains unknown variables";
  std::string expanded;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '{') {
      if (i + 1 < v.size() && v[i + 1] == '{') {
        expanded += '{';
        ++i;
        continue;
      }
      size_t close = v.find('}', i + 1);
      if (close == std::string::npos) return kError;
      std::string name = v.substr(i + 1, close - i - 1);
      if (!kVariables.count(name)) return kError;
      // Redis checks the template with an empty title: "{title}" alone expands to nothing.
      if (name != "title") expanded += 'x';
      i = close;
    } else if (v[i] == '}') {
      if (i + 1 < v.size() && v[i + 1] == '}') {
        expanded += '}';
        ++i;
        continue;
      }
      return kError;
    } else {
      expanded += v[i];
    }
  }
  if (TrimConfigLine(expanded).empty()) return kError;
  return "";
}

std::string RefuseActiveDefrag(bool enable) {
  if (!enable) return "";
  return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
         "modified Jemalloc like the one shipped by default with the Redis source distribution";
}

}  // namespace

void ApplyCollectionLimits(const Config& c) {
  CollectionLimits& l = Limits();
  l.hash_max_listpack_entries = static_cast<size_t>(c.hash_max_listpack_entries);
  l.hash_max_listpack_value = static_cast<size_t>(c.hash_max_listpack_value);
  l.set_max_intset_entries = static_cast<size_t>(c.set_max_intset_entries);
  l.set_max_listpack_entries = static_cast<size_t>(c.set_max_listpack_entries);
  l.set_max_listpack_value = static_cast<size_t>(c.set_max_listpack_value);
  l.zset_max_listpack_entries = static_cast<size_t>(c.zset_max_listpack_entries);
  l.zset_max_listpack_value = static_cast<size_t>(c.zset_max_listpack_value);
  l.list_max_listpack_size = c.list_max_listpack_size;
  l.list_compress_depth = c.list_compress_depth;
  l.stream_node_max_bytes = static_cast<size_t>(c.stream_node_max_bytes);
  l.stream_node_max_entries = c.stream_node_max_entries;
}

namespace {

// The table. Real options first (grouped as in redis.conf), then memKeyDB's tier options, then
// the Redis 7.0 options memkeydb accepts without acting on them.
std::vector<OptionDef> BuildOptionDefs() {
  constexpr int64_t kIntMax = INT_MAX, kIntMin = INT_MIN, kLongMax = LLONG_MAX;
  constexpr int64_t kUintMax = UINT_MAX;
  constexpr int64_t kUllMax = -1;  // bit pattern of 2^64-1, compared unsigned
  constexpr uint32_t kMem = kNumMemory, kUns = kNumUnsigned;
  const EnumSpec kYesNoLocal = {{"no", 0}, {"yes", 1}, {"local", 2}};

  std::vector<OptionDef> d;
  // Networking.
  d.push_back(BindOption());
  d.push_back(NumOption("port", {}, 0, {0, 65535}, &Config::port));
  d.push_back(StringOption("unixsocket", {}, kImmutable | kEmptyIsNull, &Config::unixsocket));
  d.push_back(NumOption("unixsocketperm", {}, kImmutable, {0, 0777, kNumOctal | kUns},
                        &Config::unixsocketperm));
  d.push_back(NumOption("maxclients", {}, 0, {1, kUintMax, kUns}, &Config::maxclients));
  d.push_back(NumOption("timeout", {}, 0, {0, kIntMax}, &Config::timeout));
  d.push_back(NumOption("tcp-keepalive", {}, 0, {0, kIntMax}, &Config::tcp_keepalive));
  d.push_back(NumOption("tcp-backlog", {}, kImmutable, {0, kIntMax}, &Config::tcp_backlog));
  d.push_back(BoolOption("protected-mode", {}, 0, &Config::protected_mode));
  d.push_back(ClientOutputBufferLimitOption());
  d.push_back(NumOption("proto-max-bulk-len", {}, 0, {1024 * 1024, kLongMax, kMem},
                        &Config::proto_max_bulk_len));
  d.push_back(NumOption("client-query-buffer-limit", {}, 0, {1024 * 1024, kLongMax, kMem | kUns},
                        &Config::client_query_buffer_limit));
  // General.
  d.push_back(NumOption("databases", {}, kImmutable, {1, kIntMax}, &Config::databases));
  d.push_back(StringOption("requirepass", {}, kSensitive | kEmptyIsNull, &Config::requirepass));
  d.push_back(HzOption());
  d.push_back(BoolOption("dynamic-hz", {}, 0, &Config::dynamic_hz));
  d.push_back(EnumOption("loglevel", {}, 0,
                         {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}},
                         &Config::loglevel));
  d.push_back(StringOption("logfile", {}, kImmutable, &Config::logfile));
  d.push_back(BoolOption("daemonize", {}, kImmutable, &Config::daemonize));
  d.push_back(StringOption("pidfile", {}, kImmutable | kEmptyIsNull, &Config::pidfile));
  d.push_back(DirOption());
  d.push_back(StringOption("dbfilename", {}, 0, &Config::dbfilename, "", ValidateDbFilename));
  d.push_back(SaveOption());
  d.push_back(BoolOption("rdbcompression", {}, 0, &Config::rdbcompression));
  d.push_back(BoolOption("rdbchecksum", {}, kImmutable, &Config::rdbchecksum));
  d.push_back(BoolOption("stop-writes-on-bgsave-error", {}, 0,
                         &Config::stop_writes_on_bgsave_error));
  d.push_back(BoolOption("rdb-del-sync-files", {}, 0, &Config::rdb_del_sync_files));
  d.push_back(EnumOption("snapshot-mode", {}, 0, {{"auto", 0}, {"fork", 1}, {"inline", 2}},
                         &Config::snapshot_mode));
  d.push_back(BoolOption("appendonly", {}, 0, &Config::appendonly));
  d.push_back(StringOption("appendfilename", {}, kImmutable, &Config::appendfilename, "",
                           ValidateAofFilename));
  d.push_back(EnumOption("appendfsync", {}, 0, {{"everysec", 0}, {"always", 1}, {"no", 2}},
                         &Config::appendfsync));
  d.push_back(EnumOption("enable-debug-command", {}, kImmutable, kYesNoLocal,
                         &Config::enable_debug_command));
  d.push_back(NumOption("slowlog-log-slower-than", {}, 0, {-1, kLongMax},
                        &Config::slowlog_log_slower_than));
  d.push_back(NumOption("slowlog-max-len", {}, 0, {0, kLongMax}, &Config::slowlog_max_len));
  d.push_back(NumOption("latency-monitor-threshold", {}, 0, {0, kLongMax},
                        &Config::latency_monitor_threshold));
  d.push_back(NumOption("maxmemory", {}, 0, {0, kUllMax, kMem | kUns}, &Config::maxmemory));
  d.push_back(EnumOption("maxmemory-policy", {}, 0,
                         {{"volatile-lru", 0},
                          {"volatile-lfu", 1},
                          {"volatile-random", 2},
                          {"volatile-ttl", 3},
                          {"allkeys-lru", 4},
                          {"allkeys-lfu", 5},
                          {"allkeys-random", 6},
                          {"noeviction", 7}},
                         &Config::maxmemory_policy));
  d.push_back(NumOption("maxmemory-samples", {}, 0, {1, kIntMax}, &Config::maxmemory_samples));
  d.push_back(NotifyKeyspaceEventsOption());
  d.push_back(NumOption("active-expire-effort", {}, 0, {1, 10}, &Config::active_expire_effort));
  d.push_back(BoolOption("lazyfree-lazy-user-del", {}, 0, &Config::lazyfree_lazy_user_del));
  d.push_back(BoolOption("lazyfree-lazy-user-flush", {}, 0, &Config::lazyfree_lazy_user_flush));
  d.push_back(BoolOption("lazyfree-lazy-expire", {}, 0, &Config::lazyfree_lazy_expire));
  d.push_back(BoolOption("lazyfree-lazy-eviction", {}, 0, &Config::lazyfree_lazy_eviction));
  d.push_back(NumOption("lfu-log-factor", {}, 0, {0, kIntMax}, &Config::lfu_log_factor));
  d.push_back(NumOption("lfu-decay-time", {}, 0, {0, kIntMax}, &Config::lfu_decay_time));
  // Collection encodings (bounds as in Redis 7.0; the set-max-listpack pair as in 7.2).
  d.push_back(NumOption("hash-max-listpack-entries", {"hash-max-ziplist-entries"}, 0,
                        {0, kLongMax, kUns}, &Config::hash_max_listpack_entries));
  d.push_back(NumOption("hash-max-listpack-value", {"hash-max-ziplist-value"}, 0,
                        {0, kLongMax, kMem | kUns}, &Config::hash_max_listpack_value));
  d.push_back(NumOption("set-max-intset-entries", {}, 0, {0, kLongMax, kUns},
                        &Config::set_max_intset_entries));
  d.push_back(NumOption("set-max-listpack-entries", {}, 0, {0, kLongMax, kUns},
                        &Config::set_max_listpack_entries));
  d.push_back(NumOption("set-max-listpack-value", {}, 0, {0, kLongMax, kMem | kUns},
                        &Config::set_max_listpack_value));
  d.push_back(NumOption("zset-max-listpack-entries", {"zset-max-ziplist-entries"}, 0,
                        {0, kLongMax, kUns}, &Config::zset_max_listpack_entries));
  d.push_back(NumOption("zset-max-listpack-value", {"zset-max-ziplist-value"}, 0,
                        {0, kLongMax, kMem | kUns}, &Config::zset_max_listpack_value));
  d.push_back(NumOption("list-max-listpack-size", {"list-max-ziplist-size"}, 0, {kIntMin, kIntMax},
                        &Config::list_max_listpack_size));
  d.push_back(NumOption("list-compress-depth", {}, 0, {0, kIntMax}, &Config::list_compress_depth));
  d.push_back(NumOption("stream-node-max-bytes", {}, 0, {0, kLongMax, kMem | kUns},
                        &Config::stream_node_max_bytes));
  d.push_back(NumOption("stream-node-max-entries", {}, 0, {0, kLongMax},
                        &Config::stream_node_max_entries));
  d.push_back(NumOption("hll-sparse-max-bytes", {}, 0, {0, kLongMax, kMem | kUns},
                        &Config::hll_sparse_max_bytes));

  // Tiered memory (memKeyDB's names), all changeable at run time; then the far tier's backend
  // (chosen at start-up) and its limits.
  d.push_back(EnumOption("memory-alloc-policy", {}, 0,
                         {{"only-dram", 0}, {"only-pmem", 1}, {"threshold", 2}, {"ratio", 3}},
                         &Config::memory_alloc_policy));
  d.push_back(NumOption("static-threshold", {}, 0, {0, kLongMax, kMem}, &Config::static_threshold));
  d.push_back(DramPmemRatioOption());
  d.push_back(NumOption("initial-dynamic-threshold", {}, 0, {0, kLongMax, kMem},
                        &Config::initial_dynamic_threshold));
  d.push_back(NumOption("dynamic-threshold-min", {}, 0, {0, kLongMax, kMem},
                        &Config::dynamic_threshold_min));
  d.push_back(NumOption("dynamic-threshold-max", {}, 0, {0, kLongMax, kMem},
                        &Config::dynamic_threshold_max));
  d.push_back(NumOption("memory-ratio-check-period", {}, 0, {1, kIntMax},
                        &Config::memory_ratio_check_period));
  d.push_back(BoolOption("hashtable-on-dram", {}, 0, &Config::hashtable_on_dram));
  d.push_back(EnumOption("pmem-backend", {}, kImmutable,
                         {{"auto", 0}, {"kmem-dax", 1}, {"file", 2}, {"none", 3}},
                         &Config::pmem_backend));
  d.push_back(EnumOption("pmem-kmem-kind", {}, kImmutable,
                         {{"closest", 0}, {"all", 1}, {"preferred", 2}}, &Config::pmem_kmem_kind));
  d.push_back(StringOption("pmem-kmem-nodes", {}, kImmutable | kEmptyIsNull,
                           &Config::pmem_kmem_nodes));
  d.push_back(StringOption("pmem-dir", {}, kImmutable | kEmptyIsNull, &Config::pmem_dir));
  d.push_back(NumOption("pmem-capacity", {}, kImmutable, {0, kLongMax, kMem},
                        &Config::pmem_capacity));
  d.push_back(NumOption("pmem-maxmemory", {}, 0, {0, kLongMax, kMem}, &Config::pmem_maxmemory));
  d.push_back(NumOption("dram-maxmemory", {}, 0, {0, kLongMax, kMem}, &Config::dram_maxmemory));
  d.push_back(EnumOption("pmem-full-policy", {}, 0, {{"fallback", 0}, {"oom", 1}},
                         &Config::pmem_full_policy));
  d.push_back(EnumOption("pmem-variant", {}, kImmutable, {{"single", 0}, {"multiple", 1}}, nullptr,
                         "single"));

  // Accepted, validated and reported, not acted on. Defaults, bounds and flags as in 7.0.15.
  auto ign_bool = [&](const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                      bool def) { d.push_back(BoolOption(name, aliases, flags, nullptr, def)); };
  auto ign_num = [&](const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                     NumSpec spec, int64_t def) {
    d.push_back(NumOption(name, aliases, flags, spec, nullptr, def));
  };
  auto ign_str = [&](const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                     const char* def, Validator validate = nullptr) {
    d.push_back(StringOption(name, aliases, flags, nullptr, def, validate));
  };
  auto ign_enum = [&](const char* name, uint32_t flags, EnumSpec spec, const char* def) {
    d.push_back(EnumOption(name, {}, flags, std::move(spec), nullptr, def));
  };

  ign_bool("io-threads-do-reads", {}, kImmutable, false);
  ign_bool("always-show-logo", {}, kImmutable, false);
  ign_bool("activerehashing", {}, 0, true);
  ign_bool("set-proc-title", {}, kImmutable, true);
  d.push_back(BoolOption("lazyfree-lazy-server-del", {}, 0, &Config::lazyfree_lazy_server_del));
  ign_bool("repl-disable-tcp-nodelay", {}, 0, false);
  d.push_back(BoolOption("repl-diskless-sync", {}, 0, &Config::repl_diskless_sync));
  d.push_back(BoolOption("aof-rewrite-incremental-fsync", {}, 0, &Config::aof_rewrite_incremental_fsync));
  d.push_back(BoolOption("no-appendfsync-on-rewrite", {}, 0, &Config::no_appendfsync_on_rewrite));
  ign_bool("cluster-require-full-coverage", {}, 0, true);
  ign_bool("rdb-save-incremental-fsync", {}, 0, true);
  d.push_back(BoolOption("aof-load-truncated", {}, 0, &Config::aof_load_truncated));
  d.push_back(BoolOption("aof-use-rdb-preamble", {}, 0, &Config::aof_use_rdb_preamble));
  d.push_back(BoolOption("aof-timestamp-enabled", {}, 0, &Config::aof_timestamp_enabled));
  ign_bool("cluster-replica-no-failover", {"cluster-slave-no-failover"}, 0, false);
  ign_bool("replica-lazy-flush", {"slave-lazy-flush"}, 0, false);
  d.push_back(BoolOption("replica-serve-stale-data", {"slave-serve-stale-data"}, 0,
                         &Config::replica_serve_stale_data));
  d.push_back(BoolOption("replica-read-only", {"slave-read-only"}, 0, &Config::replica_read_only));
  d.push_back(BoolOption("replica-ignore-maxmemory", {"slave-ignore-maxmemory"}, 0,
                         &Config::replica_ignore_maxmemory));
  ign_bool("jemalloc-bg-thread", {}, 0, true);
  d.push_back(BoolOption("activedefrag", {}, 0, nullptr, false, RefuseActiveDefrag));
  ign_bool("syslog-enabled", {}, kImmutable, false);
  ign_bool("cluster-enabled", {}, kImmutable, false);
  ign_bool("cluster-allow-reads-when-down", {}, 0, false);
  ign_bool("cluster-allow-pubsubshard-when-down", {}, 0, true);
  ign_bool("crash-log-enabled", {}, 0, true);
  ign_bool("crash-memcheck-enabled", {}, 0, true);
  ign_bool("disable-thp", {}, kImmutable, true);
  ign_bool("cluster-allow-replica-migration", {}, 0, true);
  ign_bool("replica-announced", {}, 0, true);
  ign_bool("latency-tracking", {}, 0, true);
  ign_bool("aof-disable-auto-gc", {}, 0, false);
  ign_bool("replica-ignore-disk-write-errors", {}, 0, false);
  d.push_back(BoolOption("tls-cluster", {}, 0, nullptr, false, RefuseTls));
  d.push_back(BoolOption("tls-replication", {}, 0, nullptr, false, RefuseTls));
  ign_bool("tls-prefer-server-ciphers", {}, 0, false);
  ign_bool("tls-session-caching", {}, 0, true);

  ign_str("aclfile", {}, kImmutable, "");
  ign_str("replica-announce-ip", {"slave-announce-ip"}, kEmptyIsNull, "");
  d.push_back(StringOption("masteruser", {}, kSensitive | kEmptyIsNull, &Config::masteruser));
  d.push_back(StringOption("masterauth", {}, kSensitive | kEmptyIsNull, &Config::masterauth));
  ign_str("cluster-announce-ip", {}, kEmptyIsNull, "");
  ign_str("cluster-config-file", {}, kImmutable, "nodes.conf");
  ign_str("cluster-announce-hostname", {}, kEmptyIsNull, "", ValidateHostname);
  ign_str("syslog-ident", {}, kImmutable, "redis");
  d.push_back(StringOption("appenddirname", {}, kImmutable, &Config::appenddirname, "",
                           ValidateAofDirname));
  ign_str("server_cpulist", {}, kImmutable | kEmptyIsNull, "");
  ign_str("bio_cpulist", {}, kImmutable | kEmptyIsNull, "");
  ign_str("aof_rewrite_cpulist", {}, kImmutable | kEmptyIsNull, "");
  ign_str("bgsave_cpulist", {}, kImmutable | kEmptyIsNull, "");
  ign_str("ignore-warnings", {}, 0, "");
  ign_str("proc-title-template", {}, 0, "{title} {listen-addr} {server-mode}",
          ValidateProcTitleTemplate);
  ign_str("bind-source-addr", {}, kEmptyIsNull, "");
  for (const char* tls : {"tls-cert-file", "tls-key-file", "tls-client-cert-file",
                          "tls-client-key-file", "tls-dh-params-file", "tls-ca-cert-file",
                          "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"}) {
    ign_str(tls, {}, kEmptyIsNull, "");
  }
  ign_str("tls-key-file-pass", {}, kSensitive | kEmptyIsNull, "");
  ign_str("tls-client-key-file-pass", {}, kSensitive | kEmptyIsNull, "");

  ign_enum("supervised", kImmutable, {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}},
           "no");
  ign_enum("syslog-facility", kImmutable,
           {{"user", 0},
            {"local0", 1},
            {"local1", 2},
            {"local2", 3},
            {"local3", 4},
            {"local4", 5},
            {"local5", 6},
            {"local6", 7},
            {"local7", 8}},
           "local0");
  ign_enum("repl-diskless-load", 0, {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}},
           "disabled");
  ign_enum("oom-score-adj", 0, {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}, "no");
  ign_enum("acl-pubsub-default", 0, {{"allchannels", 1}, {"resetchannels", 0}}, "resetchannels");
  ign_enum("sanitize-dump-payload", 0, {{"no", 0}, {"yes", 1}, {"clients", 2}}, "no");
  ign_enum("enable-protected-configs", kImmutable, kYesNoLocal, "no");
  ign_enum("enable-module-command", kImmutable, kYesNoLocal, "no");
  ign_enum("cluster-preferred-endpoint-type", 0,
           {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}}, "ip");
  ign_enum("propagation-error-behavior", 0, {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}},
           "ignore");
  ign_enum("tls-auth-clients", 0, {{"no", 0}, {"yes", 1}, {"optional", 2}}, "yes");

  ign_num("io-threads", {}, kImmutable, {1, 128}, 1);
  d.push_back(NumOption("auto-aof-rewrite-percentage", {}, 0, {0, kIntMax},
                        &Config::auto_aof_rewrite_percentage));
  ign_num("cluster-replica-validity-factor", {"cluster-slave-validity-factor"}, 0, {0, kIntMax},
          10);
  ign_num("cluster-migration-barrier", {}, 0, {0, kIntMax}, 1);
  ign_num("active-defrag-cycle-min", {}, 0, {1, 99}, 1);
  ign_num("active-defrag-cycle-max", {}, 0, {1, 99}, 25);
  ign_num("active-defrag-threshold-lower", {}, 0, {0, 1000}, 10);
  ign_num("active-defrag-threshold-upper", {}, 0, {0, 1000}, 100);
  ign_num("replica-priority", {"slave-priority"}, 0, {0, kIntMax}, 100);
  d.push_back(NumOption("repl-diskless-sync-delay", {}, 0, {0, kIntMax},
                        &Config::repl_diskless_sync_delay));
  ign_num("maxmemory-eviction-tenacity", {}, 0, {0, 100}, 10);
  ign_num("replica-announce-port", {"slave-announce-port"}, 0, {0, 65535}, 0);
  ign_num("cluster-port", {}, kImmutable, {0, 65535}, 0);
  ign_num("cluster-announce-bus-port", {}, 0, {0, 65535}, 0);
  ign_num("cluster-announce-port", {}, 0, {0, 65535}, 0);
  ign_num("cluster-announce-tls-port", {}, 0, {0, 65535}, 0);
  d.push_back(NumOption("repl-timeout", {}, 0, {1, kIntMax}, &Config::repl_timeout));
  d.push_back(NumOption("repl-ping-replica-period", {"repl-ping-slave-period"}, 0, {1, kIntMax},
                        &Config::repl_ping_replica_period));
  d.push_back(NumOption("min-replicas-to-write", {"min-slaves-to-write"}, 0, {0, kIntMax},
                        &Config::min_replicas_to_write));
  d.push_back(NumOption("min-replicas-max-lag", {"min-slaves-max-lag"}, 0, {0, kIntMax},
                        &Config::min_replicas_max_lag));
  ign_num("shutdown-timeout", {}, 0, {0, kIntMax}, 10);
  d.push_back(NumOption("repl-diskless-sync-max-replicas", {}, 0, {0, kIntMax},
                        &Config::repl_diskless_sync_max_replicas));
  ign_num("socket-mark-id", {}, kImmutable, {0, kUintMax, kUns}, 0);
  ign_num("active-defrag-max-scan-fields", {}, 0, {1, kLongMax}, 1000);
  ign_num("acllog-max-len", {}, 0, {0, kLongMax}, 128);
  ign_num("busy-reply-threshold", {"lua-time-limit"}, 0, {0, kLongMax}, 5000);
  ign_num("cluster-node-timeout", {}, 0, {0, kLongMax}, 15000);
  d.push_back(ReplBacklogSizeOption());
  ign_num("cluster-link-sendbuf-limit", {}, 0, {0, kUllMax, kMem | kUns}, 0);
  ign_num("active-defrag-ignore-bytes", {}, 0, {1, kLongMax, kMem | kUns}, 100 << 20);
  ign_num("tracking-table-max-keys", {}, 0, {0, kLongMax, kUns}, 1000000);
  ign_num("maxmemory-clients", {}, 0, {-100, kLongMax, kMem | kNumPercent}, 0);
  d.push_back(NumOption("repl-backlog-ttl", {}, 0, {0, kLongMax}, &Config::repl_backlog_ttl));
  d.push_back(NumOption("auto-aof-rewrite-min-size", {}, 0, {0, kLongMax, kMem},
                        &Config::auto_aof_rewrite_min_size));
  d.push_back(TlsPortOption());
  ign_num("tls-session-cache-size", {}, 0, {0, kIntMax}, 20 * 1024);
  ign_num("tls-session-cache-timeout", {}, 0, {0, kIntMax}, 300);

  d.push_back(ReplicaOfOption());
  d.push_back(OomScoreAdjValuesOption());
  d.push_back(LatencyTrackingPercentilesOption());
  d.push_back(ShutdownOnSignalOption("shutdown-on-sigint"));
  d.push_back(ShutdownOnSignalOption("shutdown-on-sigterm"));

  for (OptionDef& def : d) {
    if (!def.rewrite) {
      def.rewrite = SimpleRewriter(def.option.name, def.option.get, def.option.default_value);
    }
  }
  return d;
}

}  // namespace

std::string RefuseTls(bool enable) {
  if (!enable) return "";
  MKDB_LOG(kWarning) << "TLS is not supported by memkeydb";
  return "Unable to update TLS configuration. Check server logs.";
}

const std::vector<OptionDef>& OptionDefs() {
  static const auto* defs = new std::vector<OptionDef>(BuildOptionDefs());
  return *defs;
}

// ---------------------------------------------------------------------------------------------
// ConfigRegistry
// ---------------------------------------------------------------------------------------------

const ConfigRegistry& ConfigRegistry::Get() {
  static const ConfigRegistry* registry = new ConfigRegistry();
  return *registry;
}

ConfigRegistry::ConfigRegistry() {
  const std::vector<OptionDef>& defs = OptionDefs();
  options_.reserve(defs.size());
  for (const OptionDef& def : defs) {
    size_t index = options_.size();
    options_.push_back(def.option);
    index_[def.option.name] = index;
    for (const std::string& alias : def.option.aliases) index_[alias] = index;
    if (def.ignored) {
      ignored_[def.option.name] = def.option.default_value;
      for (const std::string& alias : def.option.aliases) {
        ignored_[alias] = def.option.default_value;
      }
    }
  }
}

const ConfigRegistry::Option* ConfigRegistry::Find(std::string_view name) const {
  auto it = index_.find(ToLower(name));
  return it == index_.end() ? nullptr : &options_[it->second];
}

bool ConfigRegistry::IsAcceptedButIgnored(std::string_view name) const {
  return ignored_.count(ToLower(name)) != 0;
}

}  // namespace memkeydb
