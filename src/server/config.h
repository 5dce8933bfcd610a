// Config: the server's configuration model. One registry of typed options drives parsing of a
// redis.conf file and of `--name value` command-line options, CONFIG GET/SET/REWRITE, and the
// defaults. Option names, value syntax and error wording follow Redis 7.0; the tier options
// follow memKeyDB's names.
//
// Values live in plain fields of Config so the hot path reads them without lookups. An option
// with an apply hook (e.g. hz, maxclients) is applied by the server after a successful set.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace memkeydb {

struct OutputBufferLimit {
  int64_t hard = 0;        // bytes, 0 = none
  int64_t soft = 0;        // bytes, 0 = none
  int64_t soft_seconds = 0;
};

enum class ClientClass { kNormal = 0, kReplica = 1, kPubSub = 2 };

struct Config {
  // Networking.
  std::vector<std::string> bind = {"*", "-::*"};
  int64_t port = 6379;
  std::string unixsocket;
  int64_t unixsocketperm = 0;
  int64_t maxclients = 10000;
  int64_t timeout = 0;
  int64_t tcp_keepalive = 300;
  int64_t tcp_backlog = 511;
  bool protected_mode = true;
  OutputBufferLimit client_output_buffer_limit[3] = {
      {0, 0, 0}, {256LL << 20, 64LL << 20, 60}, {32LL << 20, 8LL << 20, 60}};
  int64_t proto_max_bulk_len = 512LL << 20;
  int64_t client_query_buffer_limit = 1LL << 30;

  // General.
  int64_t databases = 16;
  std::string requirepass;
  int64_t hz = 10;
  bool dynamic_hz = true;
  std::string loglevel = "notice";
  std::string logfile;
  bool daemonize = false;
  std::string pidfile;
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::vector<std::pair<int64_t, int64_t>> save_params = {{3600, 1}, {300, 100}, {60, 10000}};
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool stop_writes_on_bgsave_error = true;
  bool rdb_del_sync_files = false;  // accepted; memkeydb keeps no sync-only files yet
  // How BGSAVE takes its snapshot: fork (a child process), inline (the server walks the keyspace
  // in time slices), or auto (fork when every tier keeps fork copy-on-write).
  std::string snapshot_mode = "auto";
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appendfsync = "everysec";
  std::string appenddirname = "appendonlydir";
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_timestamp_enabled = false;
  bool no_appendfsync_on_rewrite = false;
  bool aof_rewrite_incremental_fsync = true;
  int64_t auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL << 20;
  std::string enable_debug_command = "no";  // yes | no | local
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int64_t maxmemory_samples = 5;
  std::string notify_keyspace_events;
  int64_t active_expire_effort = 1;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  // Keys removed by expiry / eviction are propagated as UNLINK rather than DEL.
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_eviction = false;
  // Server-side deletions (RESTORE of an expired value over a key) are propagated as UNLINK.
  bool lazyfree_lazy_server_del = false;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;
  // The collections' encoding thresholds (Redis's names; ApplyCollectionLimits copies them into
  // types/collection_limits.h's Limits(), which the types read).
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;  // Redis 7.2's listpack sets
  int64_t set_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;
  int64_t list_compress_depth = 0;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  // Largest sparse HyperLogLog string before it turns dense (bytes).
  int64_t hll_sparse_max_bytes = 3000;

  // Tiered memory (memKeyDB's option names).
  std::string memory_alloc_policy = "only-dram";
  int64_t static_threshold = 64;
  int64_t dram_pmem_ratio[2] = {1, 3};
  int64_t initial_dynamic_threshold = 64;
  int64_t dynamic_threshold_min = 24;
  int64_t dynamic_threshold_max = 10000;
  int64_t memory_ratio_check_period = 100;
  bool hashtable_on_dram = true;
  // The far tier's backend and its limits (memkeydb's own options).
  std::string pmem_backend = "auto";            // auto | kmem-dax | file | none
  std::string pmem_kmem_kind = "closest";       // closest | all | preferred
  std::string pmem_kmem_nodes;                  // e.g. "2" or "2-3"; empty: memkind finds them
  std::string pmem_dir;                         // file backend: directory of the backing file
  int64_t pmem_capacity = 0;                    // file backend: maximum file size (0: no limit)
  int64_t pmem_maxmemory = 0;                   // far-tier byte limit (0: none)
  int64_t dram_maxmemory = 0;                   // DRAM byte limit (0: none)
  std::string pmem_full_policy = "fallback";    // fallback | oom

  // Replication (Redis's names and defaults; replicaof is read at start-up, then REPLICAOF).
  bool repl_diskless_sync = true;
  int64_t repl_diskless_sync_delay = 5;
  int64_t repl_diskless_sync_max_replicas = 0;
  int64_t repl_backlog_size = 1LL << 20;
  int64_t repl_backlog_ttl = 3600;
  int64_t repl_ping_replica_period = 10;
  int64_t repl_timeout = 60;
  int64_t min_replicas_to_write = 0;
  int64_t min_replicas_max_lag = 10;
  bool replica_read_only = true;
  bool replica_serve_stale_data = true;
  bool replica_ignore_maxmemory = true;
  std::string masterauth;
  std::string masteruser;

  // Where the configuration came from (CONFIG REWRITE target); empty if none.
  std::string config_file;

  // Parses a whole configuration file's text (Redis's line syntax).
  Status LoadText(std::string_view text);
  Status LoadFile(const std::string& path);
  // Parses `argv` as redis-server does: [config-file] [--name value ...].
  Status LoadArgs(int argc, char** argv);
};

// The replicaof option as "host port", or "" (read at start-up).
std::string ConfiguredReplicaOf();

// Copies the collection thresholds of `c` into Limits() (start-up and every CONFIG SET).
void ApplyCollectionLimits(const Config& c);

// The registry of options; built once.
class ConfigRegistry {
 public:
  struct Option {
    std::string name;
    std::vector<std::string> aliases;
    bool immutable = false;   // only at start-up
    bool sensitive = false;   // value hidden from logs
    bool multi_arg = false;   // CONFIG SET value is split on spaces (save, bind, ...)
    // Returns the value as CONFIG GET prints it.
    std::function<std::string(const Config&)> get;
    // Parses and stores the value; returns an error message (Redis's wording) on failure.
    std::function<std::string(Config&, const std::vector<std::string>&)> set;
    std::string default_value;  // as get() prints it for a default Config
  };

  static const ConfigRegistry& Get();
  // Lookup by name or alias, case-insensitive.
  const Option* Find(std::string_view name) const;
  const std::vector<Option>& options() const { return options_; }
  // Names accepted in files and on the command line that memkeydb knows but does not act on
  // (so an existing redis.conf loads); CONFIG GET reports them with their Redis defaults.
  bool IsAcceptedButIgnored(std::string_view name) const;

 private:
  ConfigRegistry();
  std::vector<Option> options_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> ignored_;
};

// Rewrites the configuration file in place: existing lines of changed options are replaced,
// options that differ from their default and have no line are appended.
Status RewriteConfigFile(const Config& config);

}  // namespace memkeydb
