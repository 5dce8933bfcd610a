// INFO and its section builders.
//
// Replies follow Redis 7.0.15. Where memkeydb lacks a subsystem Redis reports on (replication,
// persistence, modules, client-side caching), INFO reports the values Redis shows with that
// subsystem idle, so tools that parse INFO keep working. INFO memory also reports the two tiers
// with memKeyDB's field names.

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <string>

#include "common/clock.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/aof_manager.h"
#include "server/config_internal.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr const char* kRedisVersion = "7.0.15";
constexpr const char* kMemkeydbVersion = "0.1.0";

int64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}

enum InfoSection : int {
  kInfoServer,
  kInfoClients,
  kInfoMemory,
  kInfoTiers,
  kInfoPersistence,
  kInfoStats,
  kInfoReplication,
  kInfoCpu,
  kInfoModules,
  kInfoCommandstats,
  kInfoErrorstats,
  kInfoLatencystats,
  kInfoCluster,
  kInfoKeyspace,
  kInfoSectionCount,
};

struct InfoSectionName {
  const char* name;   // as requested, lower case
  const char* title;  // as printed after "# "
  bool in_default;
};

constexpr InfoSectionName kInfoSections[kInfoSectionCount] = {
    {"server", "Server", true},
    {"clients", "Clients", true},
    {"memory", "Memory", true},
    {"tiers", "Tiers", true},  // memkeydb's: tiered memory in detail
    {"persistence", "Persistence", true},
    {"stats", "Stats", true},
    {"replication", "Replication", true},
    {"cpu", "CPU", true},
    {"modules", "Modules", true},
    {"commandstats", "Commandstats", false},
    {"errorstats", "Errorstats", true},
    {"latencystats", "Latencystats", false},
    {"cluster", "Cluster", true},
    {"keyspace", "Keyspace", true},
};

// Builds the INFO text: "# Title" headers, "field:value" lines, CRLF line ends, and one empty
// line between sections (none after the last).
class InfoText {
 public:
  void Section(const char* title) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += title;
    out_ += "\r\n";
  }
  void Add(std::string_view key, std::string_view value) {
    out_.append(key);
    out_ += ':';
    out_.append(value);
    out_ += "\r\n";
  }
  void Add(std::string_view key, const char* value) { Add(key, std::string_view(value)); }
  void Add(std::string_view key, const std::string& value) { Add(key, std::string_view(value)); }
  void Add(std::string_view key, int64_t value) { Add(key, std::to_string(value)); }
  void Add(std::string_view key, uint64_t value) { Add(key, std::to_string(value)); }
  void Add(std::string_view key, int value) { Add(key, std::to_string(value)); }
  void Fixed(std::string_view key, double value, int digits) {
    Add(key, Format("%.*f", digits, value));
  }
  void Bytes(std::string_view key, int64_t value) {
    Add(key, value);
    Add(std::string(key) + "_human",
        BytesToHuman(static_cast<uint64_t>(std::max<int64_t>(0, value))));
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

std::string ExecutablePath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// A stable build id: the version strings hashed, so it changes only with the version.
std::string BuildId() {
  uint64_t h = 1469598103934665603ULL;
  for (const char* s : {kRedisVersion, kMemkeydbVersion}) {
    for (const char* p = s; *p; ++p) h = (h ^ static_cast<unsigned char>(*p)) * 1099511628211ULL;
  }
  return Format("%" PRIx64, h);
}

void InfoServer(Server& server, InfoText& t) {
  t.Section("Server");
  struct utsname name;
  std::string os = "Linux";
  if (uname(&name) == 0) os = Format("%s %s %s", name.sysname, name.release, name.machine);
  int64_t now_us = NowUs();
  int64_t uptime_s = (now_us / 1000 - server.start_time_ms()) / 1000;
  const Config& cfg = server.config();
  t.Add("redis_version", kRedisVersion);
  t.Add("memkeydb_version", kMemkeydbVersion);
  t.Add("redis_git_sha1", "00000000");
  t.Add("redis_git_dirty", "0");
  t.Add("redis_build_id", BuildId());
  t.Add("redis_mode", "standalone");
  t.Add("os", os);
  t.Add("arch_bits", static_cast<int>(sizeof(void*) * 8));
  t.Add("monotonic_clock", "POSIX clock_gettime");
  t.Add("multiplexing_api", "epoll");
  t.Add("atomicvar_api", "c11-builtin");
#if defined(__clang__)
  t.Add("gcc_version", "0.0.0");
#elif defined(__GNUC__)
  t.Add("gcc_version", Format("%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__));
#else
  t.Add("gcc_version", "0.0.0");
#endif
  t.Add("process_id", static_cast<int64_t>(getpid()));
  t.Add("process_supervised", "no");
  t.Add("run_id", server.run_id());
  t.Add("tcp_port", server.tcp_port() != 0 ? static_cast<int64_t>(server.tcp_port()) : cfg.port);
  t.Add("server_time_usec", now_us);
  t.Add("uptime_in_seconds", uptime_s);
  t.Add("uptime_in_days", uptime_s / 86400);
  t.Add("hz", cfg.hz);
  t.Add("configured_hz", cfg.hz);
  t.Add("lru_clock", static_cast<int64_t>(LruClock()));
  t.Add("executable", ExecutablePath());
  t.Add("config_file", cfg.config_file);
  t.Add("io_threads_active", "0");
}

void InfoClients(Server& server, InfoText& t) {
  t.Section("Clients");
  size_t max_in = 0, max_out = 0;
  for (const auto& [id, c] : server.clients()) {
    max_in = std::max(max_in, c->input_capacity());
    max_out = std::max(max_out, c->pending_output());
  }
  t.Add("connected_clients", server.clients().size());
  t.Add("cluster_connections", "0");
  t.Add("maxclients", server.config().maxclients);
  t.Add("client_recent_max_input_buffer", max_in);
  t.Add("client_recent_max_output_buffer", max_out);
  t.Add("blocked_clients", server.blocked_clients());
  t.Add("tracking_clients", "0");
  t.Add("clients_in_timeout_table", "0");
}

void InfoMemory(Server& server, InfoText& t) {
  t.Section("Memory");
  MemoryReport m = CollectMemory(server);
  const Config& cfg = server.config();
  MemoryTiers& tiers = MemoryTiers::Get();
  double frag = m.used > 0 ? static_cast<double>(m.rss) / static_cast<double>(m.used) : 0;
  int64_t net = m.used - m.startup;
  t.Bytes("used_memory", m.used);
  t.Bytes("used_memory_dram", m.dram);
  t.Bytes("used_memory_pmem", m.far);
  t.Add("pmem_threshold", tiers.policy().threshold());
  t.Add("memory_alloc_policy", AllocPolicyName(tiers.policy().mode()));
  t.Add("used_memory_dram_perc",
        Format("%.2f%%", m.used > 0 ? 100.0 * static_cast<double>(m.dram) / m.used : 100.0));
  t.Add("dram_pmem_ratio_target",
        Format("%" PRId64 ":%" PRId64, cfg.dram_pmem_ratio[0], cfg.dram_pmem_ratio[1]));
  t.Add("dram_pmem_ratio_current",
        Format("1:%.4f", m.dram > 0 ? static_cast<double>(m.far) / m.dram : 0.0));
  t.Bytes("used_memory_rss", m.rss);
  t.Bytes("used_memory_peak", m.peak);
  t.Add("used_memory_peak_perc",
        Format("%.2f%%", m.peak > 0 ? 100.0 * static_cast<double>(m.used) / m.peak : 100.0));
  t.Add("used_memory_overhead", m.overhead);
  t.Add("used_memory_startup", m.startup);
  t.Add("used_memory_dataset", m.dataset);
  t.Add("used_memory_dataset_perc",
        Format("%.2f%%", net > 0 ? 100.0 * static_cast<double>(m.dataset) / net : 0.0));
  // memkind's jemalloc figures, both tiers together.
  MemoryTiers::AllocatorReport stats = tiers.AllocatorStats();
  const TierAllocatorStats& dram_stats = stats[Tier::kDram];
  const TierAllocatorStats& far_stats = stats[Tier::kFar];
  t.Add("allocator_allocated", static_cast<uint64_t>(dram_stats.allocated + far_stats.allocated));
  t.Add("allocator_active", static_cast<uint64_t>(dram_stats.active + far_stats.active));
  t.Add("allocator_resident", static_cast<uint64_t>(dram_stats.resident + far_stats.resident));
  t.Bytes("total_system_memory", TotalSystemMemory());
  t.Add("used_memory_lua", "0");
  t.Add("used_memory_vm_eval", "0");
  t.Add("used_memory_lua_human", "0B");
  t.Add("used_memory_scripts_eval", "0");
  t.Add("number_of_cached_scripts", "0");
  t.Add("number_of_functions", "0");
  t.Add("number_of_libraries", "0");
  t.Add("used_memory_vm_functions", "0");
  t.Add("used_memory_vm_total", "0");
  t.Add("used_memory_vm_total_human", "0B");
  t.Add("used_memory_functions", "0");
  t.Add("used_memory_scripts", "0");
  t.Add("used_memory_scripts_human", "0B");
  t.Bytes("maxmemory", cfg.maxmemory);
  t.Add("maxmemory_policy", cfg.maxmemory_policy);
  t.Fixed("allocator_frag_ratio", 1.0, 2);
  t.Add("allocator_frag_bytes", "0");
  t.Fixed("allocator_rss_ratio", frag, 2);
  t.Add("allocator_rss_bytes", m.rss - m.used);
  t.Fixed("rss_overhead_ratio", 1.0, 2);
  t.Add("rss_overhead_bytes", "0");
  t.Fixed("mem_fragmentation_ratio", frag, 2);
  t.Add("mem_fragmentation_bytes", m.rss - m.used);
  t.Add("mem_not_counted_for_evict", "0");
  const ReplBacklog* backlog = server.replication().backlog();
  t.Add("mem_replication_backlog", backlog != nullptr ? backlog->capacity() : 0);
  t.Add("mem_total_replication_buffers", "0");
  t.Add("mem_clients_slaves", "0");
  t.Add("mem_clients_normal", m.clients_normal);
  t.Add("mem_cluster_links", "0");
  t.Add("mem_aof_buffer", static_cast<uint64_t>(server.aof().buffer_length()));
  t.Add("mem_allocator", "memkind");
  t.Add("active_defrag_running", "0");
  t.Add("lazyfree_pending_objects", std::to_string(MemoryTiers::Get().background_pending()));
  t.Add("lazyfreed_objects", "0");
}

// Tiered memory in detail: the backend, the allocator per tier, the controller, the rebalancer.
void InfoTiers(Server& server, InfoText& t) {
  t.Section("Tiers");
  const Config& cfg = server.config();
  MemoryTiers& tiers = MemoryTiers::Get();
  const Tiering& tiering = server.tiering();
  const TierController& ctl = tiering.controller();
  t.Add("memory_alloc_policy", AllocPolicyName(tiers.policy().mode()));
  t.Add("pmem_backend", FarBackendName(tiers.far_backend()));
  t.Add("pmem_kmem_kind", tiers.far_backend() == FarBackend::kKmemDax ? cfg.pmem_kmem_kind : "");
  t.Add("pmem_numa_nodes", tiering.FarNodes());
  t.Add("pmem_dir", tiers.far_backend() == FarBackend::kFile ? tiers.far_spec().dir : "");
  t.Bytes("pmem_capacity", static_cast<int64_t>(tiers.far_spec().capacity));
  t.Bytes("pmem_maxmemory", tiers.far_limit());
  t.Bytes("dram_maxmemory", tiers.dram_limit());
  t.Add("dram_spills", tiers.spills());
  t.Add("pmem_full_policy", cfg.pmem_full_policy);
  t.Add("pmem_full", tiers.far_full() ? 1 : 0);
  t.Add("pmem_fallbacks", tiers.fallbacks());
  t.Add("fork_snapshot_safe", tiers.fork_snapshot_safe() ? 1 : 0);
  MemoryTiers::AllocatorReport stats = tiers.AllocatorStats();
  for (Tier tier : {Tier::kDram, Tier::kFar}) {
    std::string name = TierName(tier);
    const TierAllocatorStats& st = stats[tier];
    t.Bytes("used_memory_" + name, tiers.used(tier));
    t.Add(name + "_allocations", tiers.allocations(tier));
    t.Add(name + "_allocator_allocated", static_cast<uint64_t>(st.allocated));
    t.Add(name + "_allocator_active", static_cast<uint64_t>(st.active));
    t.Add(name + "_allocator_resident", static_cast<uint64_t>(st.resident));
  }
  double far = ctl.current_far_share();
  t.Add("dram_share_perc", Format("%.2f%%", 100 * (1 - far)));
  double target = ctl.target_far_share();
  t.Add("dram_share_target_perc", std::isnan(target) ? "" : Format("%.2f%%", 100 * (1 - target)));
  t.Add("controller_state", ctl.state());
  const Boundary& b = tiers.policy().boundary();
  t.Add("controller_boundary", static_cast<uint64_t>(b.boundary_from));
  t.Add("controller_boundary_far_from", static_cast<uint64_t>(b.far_from));
  t.Fixed("controller_boundary_far_fraction",
          b.boundary_from == b.far_from ? 1.0 : static_cast<double>(b.far_fraction) / Boundary::kOne,
          4);
  if (const RatioController* rc = ctl.ratio()) {
    t.Fixed("controller_knob", rc->knob(), 4);
    t.Fixed("controller_gain", rc->gain(), 4);
    t.Add("controller_steps", rc->steps());
  } else {
    t.Add("controller_knob", "");
    t.Add("controller_gain", "");
    t.Add("controller_steps", "0");
  }
  t.Add("controller_boundary_changes", ctl.boundary_changes());
  t.Add("controller_census_placements", ctl.census_placements());
  t.Add("controller_check_period_ms", cfg.memory_ratio_check_period);
  const Rebalancer& rb = tiering.rebalancer();
  t.Add("rebalancer_episodes", tiering.rebalance_episodes());
  t.Add("rebalancer_walks", rb.passes());
  t.Add("rebalancer_slices", rb.slices());
  t.Add("rebalancer_busy_ms", rb.busy_us() / 1000);
  t.Add("rebalancer_values_to_pmem", rb.moved().blocks_to_far);
  t.Add("rebalancer_bytes_to_pmem", rb.moved().bytes_to_far);
  t.Add("rebalancer_values_to_dram", rb.moved().blocks_to_dram);
  t.Add("rebalancer_bytes_to_dram", rb.moved().bytes_to_dram);
  t.Add("rebalancer_failed_moves", rb.moved().failed);
}

void InfoPersistence(Server& server, InfoText& t) {
  t.Section("Persistence");
  RdbPersistence& rdb = server.rdb();
  const RdbPersistence::LoadingInfo& ld = rdb.loading();
  t.Add("loading", (ld.loading || server.loading()) ? "1" : "0");
  t.Add("async_loading", "0");
  if (ld.loading) {
    // As Redis: the progress of the file being loaded (only while loading).
    int64_t elapsed_s = NowMs() / 1000 - ld.start_s;
    double perc = ld.total_bytes ? 100.0 * static_cast<double>(ld.loaded_bytes) /
                                       static_cast<double>(ld.total_bytes)
                                 : 0;
    int64_t eta = 1;
    if (elapsed_s > 0 && ld.loaded_bytes > 0) {
      eta = static_cast<int64_t>((ld.total_bytes - ld.loaded_bytes) /
                                 (ld.loaded_bytes / static_cast<uint64_t>(elapsed_s) + 1));
    }
    t.Add("loading_start_time", ld.start_s);
    t.Add("loading_total_bytes", ld.total_bytes);
    t.Add("loading_rdb_used_mem", ld.rdb_used_mem);
    t.Add("loading_loaded_bytes", ld.loaded_bytes);
    t.Fixed("loading_loaded_perc", perc, 2);
    t.Add("loading_eta_seconds", eta);
  }
  t.Add("current_cow_peak", "0");
  t.Add("current_cow_size", "0");
  t.Add("current_cow_size_age", "0");
  t.Fixed("current_fork_perc", rdb.current_fork_perc(), 2);
  t.Add("current_save_keys_processed", rdb.bgsave_in_progress() ? rdb.save_keys_processed() : 0);
  t.Add("current_save_keys_total", rdb.bgsave_in_progress() ? rdb.save_keys_total() : 0);
  // `dirty` counts changes since the last successful save (a save resets it, as in Redis).
  t.Add("rdb_changes_since_last_save", std::max<int64_t>(0, server.dirty));
  t.Add("rdb_bgsave_in_progress", rdb.bgsave_in_progress() ? "1" : "0");
  t.Add("rdb_last_save_time", server.last_save_s);
  t.Add("rdb_last_bgsave_status", rdb.last_bgsave_ok() ? "ok" : "err");
  t.Add("rdb_last_bgsave_time_sec", rdb.last_bgsave_time_s());
  t.Add("rdb_current_bgsave_time_sec", rdb.current_bgsave_seconds());
  t.Add("rdb_saves", rdb.rdb_saves());
  t.Add("rdb_last_cow_size", rdb.last_cow_bytes());
  t.Add("rdb_last_load_keys_expired", rdb.last_load_keys_expired());
  t.Add("rdb_last_load_keys_loaded", rdb.last_load_keys_loaded());
  AofManager& aof = server.aof();
  t.Add("aof_enabled", aof.enabled() ? "1" : "0");
  t.Add("aof_rewrite_in_progress", aof.rewrite_in_progress() ? "1" : "0");
  t.Add("aof_rewrite_scheduled", aof.rewrite_scheduled() ? "1" : "0");
  t.Add("aof_last_rewrite_time_sec", aof.last_rewrite_time_sec());
  t.Add("aof_current_rewrite_time_sec", aof.current_rewrite_time_sec());
  t.Add("aof_last_bgrewrite_status", aof.last_bgrewrite_ok() ? "ok" : "err");
  t.Add("aof_rewrites", aof.rewrites());
  t.Add("aof_rewrites_consecutive_failures", aof.rewrites_consecutive_failures());
  t.Add("aof_last_write_status", aof.last_write_ok() ? "ok" : "err");
  t.Add("aof_last_cow_size", server.aof().last_cow_bytes());
  t.Add("module_fork_in_progress", "0");
  t.Add("module_fork_last_cow_size", "0");
  if (aof.enabled()) {
    t.Add("aof_current_size", aof.current_size());
    t.Add("aof_base_size", aof.base_size());
    t.Add("aof_pending_rewrite", aof.rewrite_scheduled() ? "1" : "0");
    t.Add("aof_buffer_length", static_cast<uint64_t>(aof.buffer_length()));
    t.Add("aof_pending_bio_fsync", aof.pending_bio_fsync());
    t.Add("aof_delayed_fsync", aof.delayed_fsync());
  }
}

void InfoStats(Server& server, InfoText& t) {
  t.Section("Stats");
  const ServerStats& s = server.stats();
  PubSub& ps = server.pubsub();
  t.Add("total_connections_received", s.total_connections_received);
  t.Add("total_commands_processed", s.total_commands_processed);
  t.Add("instantaneous_ops_per_sec", static_cast<int64_t>(server.instantaneous_ops_per_sec()));
  t.Add("total_net_input_bytes", s.net_input_bytes);
  t.Add("total_net_output_bytes", s.net_output_bytes);
  t.Add("total_net_repl_input_bytes", server.replication().repl_input_bytes);
  t.Add("total_net_repl_output_bytes", server.replication().repl_output_bytes);
  t.Fixed("instantaneous_input_kbps", server.instantaneous_input_kbps(), 2);
  t.Fixed("instantaneous_output_kbps", server.instantaneous_output_kbps(), 2);
  t.Add("instantaneous_input_repl_kbps", "0.00");
  t.Add("instantaneous_output_repl_kbps", "0.00");
  t.Add("rejected_connections", s.rejected_connections);
  t.Add("sync_full", server.replication().sync_full);
  t.Add("sync_partial_ok", server.replication().sync_partial_ok);
  t.Add("sync_partial_err", server.replication().sync_partial_err);
  t.Add("expired_keys", s.expired_keys);
  t.Fixed("expired_stale_perc", static_cast<double>(s.expired_stale_perc), 2);
  t.Add("expired_time_cap_reached_count", "0");
  t.Add("expire_cycle_cpu_milliseconds", "0");
  t.Add("evicted_keys", s.evicted_keys);
  t.Add("evicted_clients", "0");
  t.Add("total_eviction_exceeded_time", "0");
  t.Add("current_eviction_exceeded_time", "0");
  t.Add("keyspace_hits", s.keyspace_hits);
  t.Add("keyspace_misses", s.keyspace_misses);
  t.Add("pubsub_channels", ps.channel_count());
  t.Add("pubsub_patterns", ps.pattern_count());
  t.Add("pubsubshard_channels", ps.shard_channel_count());
  t.Add("latest_fork_usec", server.stats().latest_fork_us);
  t.Add("total_forks", server.stats().total_forks);
  t.Add("migrate_cached_sockets", "0");
  t.Add("slave_expires_tracked_keys", "0");
  t.Add("active_defrag_hits", "0");
  t.Add("active_defrag_misses", "0");
  t.Add("active_defrag_key_hits", "0");
  t.Add("active_defrag_key_misses", "0");
  t.Add("total_active_defrag_time", "0");
  t.Add("current_active_defrag_time", "0");
  t.Add("tracking_total_keys", "0");
  t.Add("tracking_total_items", "0");
  t.Add("tracking_total_prefixes", "0");
  t.Add("unexpected_error_replies", s.unexpected_error_replies);
  t.Add("total_error_replies", s.total_error_replies);
  t.Add("dump_payload_sanitizations", "0");
  t.Add("total_reads_processed", s.total_reads_processed);
  t.Add("total_writes_processed", s.total_writes_processed);
  t.Add("io_threaded_reads_processed", "0");
  t.Add("io_threaded_writes_processed", "0");
  t.Add("reply_buffer_shrinks", "0");
  t.Add("reply_buffer_expands", "0");
}

const char* ReplicaStateName(ReplicaSyncState s) {
  switch (s) {
    case ReplicaSyncState::kWaitBgsaveStart:
    case ReplicaSyncState::kWaitBgsaveEnd:
      return "wait_bgsave";
    case ReplicaSyncState::kSendBulk:
      return "send_bulk";
    case ReplicaSyncState::kWaitAck:
    case ReplicaSyncState::kOnline:
      return "online";
  }
  return "";
}

void InfoReplication(Server& server, InfoText& t) {
  const Config& cfg = server.config();
  Replication& repl = server.replication();
  t.Section("Replication");
  t.Add("role", repl.is_replica() ? "slave" : "master");
  if (repl.is_replica()) {
    t.Add("master_host", repl.primary_host());
    t.Add("master_port", repl.primary_port());
    t.Add("master_link_status", repl.link_up() ? "up" : "down");
    t.Add("master_last_io_seconds_ago", repl.link_up() ? repl.last_io_seconds_ago() : -1);
    t.Add("master_sync_in_progress", repl.sync_in_progress() ? 1 : 0);
    t.Add("slave_read_repl_offset", repl.offset());
    t.Add("slave_repl_offset", repl.offset());
    if (repl.sync_in_progress()) {
      t.Add("master_sync_total_bytes", repl.transfer_size());
      t.Add("master_sync_read_bytes", repl.transfer_read());
      t.Add("master_sync_left_bytes",
            repl.transfer_size() < 0 ? -1 : repl.transfer_size() - repl.transfer_read());
    }
    if (!repl.link_up()) {
      t.Add("master_link_down_since_seconds",
            repl.link_down_since_s() == 0 ? -1 : NowMs() / 1000 - repl.link_down_since_s());
    }
    t.Add("slave_priority", ExtraGet("replica-priority", "100"));
    t.Add("slave_read_only", cfg.replica_read_only ? 1 : 0);
    t.Add("replica_announced", 1);
  }
  const std::vector<Client*>& replicas = repl.replicas();
  t.Add("connected_slaves", replicas.size());
  int64_t now_ms = NowMs();
  for (size_t i = 0; i < replicas.size(); ++i) {
    const Client* c = replicas[i];
    std::string ip = ReplicaIp(*c);
    t.Add("slave" + std::to_string(i),
          Format("ip=%s,port=%d,state=%s,offset=%lld,lag=%lld", ip.c_str(),
                 c->repl->listening_port, ReplicaStateName(c->repl->state),
                 static_cast<long long>(c->repl->ack_offset),
                 static_cast<long long>((now_ms - c->repl->ack_ms) / 1000)));
  }
  t.Add("master_failover_state", "no-failover");
  t.Add("master_replid", repl.replid());
  t.Add("master_replid2", repl.replid2());
  t.Add("master_repl_offset", repl.offset());
  t.Add("second_repl_offset", repl.second_offset());
  const ReplBacklog* b = repl.backlog();
  t.Add("repl_backlog_active", b != nullptr ? 1 : 0);
  t.Add("repl_backlog_size", cfg.repl_backlog_size);
  t.Add("repl_backlog_first_byte_offset", b != nullptr ? b->first_offset() : 0);
  t.Add("repl_backlog_histlen", b != nullptr ? static_cast<int64_t>(b->histlen()) : 0);
}

std::string CpuSeconds(const timeval& tv) {
  return Format("%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

void InfoCpu(Server&, InfoText& t) {
  t.Section("CPU");
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  t.Add("used_cpu_sys", CpuSeconds(self.ru_stime));
  t.Add("used_cpu_user", CpuSeconds(self.ru_utime));
  t.Add("used_cpu_sys_children", CpuSeconds(children.ru_stime));
  t.Add("used_cpu_user_children", CpuSeconds(children.ru_utime));
  t.Add("used_cpu_sys_main_thread", CpuSeconds(thread.ru_stime));
  t.Add("used_cpu_user_main_thread", CpuSeconds(thread.ru_utime));
}

void AddCommandStats(const Command& cmd, InfoText& t) {
  const CommandStats& s = cmd.stats;
  if (s.calls != 0 || s.failed_calls != 0 || s.rejected_calls != 0) {
    double per_call = s.calls ? static_cast<double>(s.usec) / static_cast<double>(s.calls) : 0;
    t.Add("cmdstat_" + cmd.full_name,
          Format("calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                 ",failed_calls=%" PRIu64,
                 s.calls, s.usec, per_call, s.rejected_calls, s.failed_calls));
  }
  for (const auto& [name, sub] : cmd.subcommands) AddCommandStats(*sub, t);
}

void InfoCommandstats(Server&, InfoText& t) {
  t.Section("Commandstats");
  for (const auto& [name, cmd] : CommandTable::Get().all()) AddCommandStats(*cmd, t);
}

void InfoErrorstats(Server& server, InfoText& t) {
  t.Section("Errorstats");
  for (const auto& [code, count] : server.stats().error_counts) {
    t.Add("errorstat_" + code, Format("count=%" PRIu64, count));
  }
}

void InfoKeyspace(Server& server, InfoText& t) {
  t.Section("Keyspace");
  for (int i = 0; i < server.db_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0) continue;
    t.Add(Format("db%d", i), Format("keys=%zu,expires=%zu,avg_ttl=%" PRId64, db.size(),
                                    db.expires(), db.avg_ttl_ms()));
  }
}

std::string GenerateInfo(Server& server, const bool (&wanted)[kInfoSectionCount]) {
  InfoText t;
  for (int s = 0; s < kInfoSectionCount; ++s) {
    if (!wanted[s]) continue;
    switch (static_cast<InfoSection>(s)) {
      case kInfoServer:
        InfoServer(server, t);
        break;
      case kInfoClients:
        InfoClients(server, t);
        break;
      case kInfoMemory:
        InfoMemory(server, t);
        break;
      case kInfoPersistence:
        InfoPersistence(server, t);
        break;
      case kInfoStats:
        InfoStats(server, t);
        break;
      case kInfoReplication:
        InfoReplication(server, t);
        break;
      case kInfoCpu:
        InfoCpu(server, t);
        break;
      case kInfoModules:
        t.Section("Modules");
        break;
      case kInfoCommandstats:
        InfoCommandstats(server, t);
        break;
      case kInfoErrorstats:
        InfoErrorstats(server, t);
        break;
      // Per-command latency percentiles need latency histograms, which are not kept yet.
      case kInfoLatencystats:
        t.Section("Latencystats");
        break;
      case kInfoCluster:
        t.Section("Cluster");
        t.Add("cluster_enabled", "0");
        break;
      case kInfoKeyspace:
        InfoKeyspace(server, t);
        break;
      case kInfoTiers:
        InfoTiers(server, t);
        break;
      case kInfoSectionCount:
        break;
    }
  }
  return std::move(t.text());
}

// INFO [section [section ...]]
void InfoCommand(CommandContext& ctx) {
  bool wanted[kInfoSectionCount] = {};
  auto add_default = [&] {
    for (int s = 0; s < kInfoSectionCount; ++s) wanted[s] |= kInfoSections[s].in_default;
  };
  if (ctx.argc() == 1) add_default();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string name = ToLower(ctx.arg(i));
    if (name == "default") {
      add_default();
    } else if (name == "all" || name == "everything") {
      for (bool& w : wanted) w = true;
    } else {
      // Unknown section names are ignored, as Redis does.
      for (int s = 0; s < kInfoSectionCount; ++s) {
        if (name == kInfoSections[s].name) wanted[s] = true;
      }
    }
  }
  ctx.reply().Verbatim(GenerateInfo(ctx.server(), wanted));
}

// ---------------------------------------------------------------------------------------------
// The table

const CommandSpec kInfoCommands[] = {
    {"info", -1, kLS, 0, 0, 0, "server", "1.0.0", "Get information and statistics about the server",
     "O(1)", "[section [section ...]]", InfoCommand},
    {},
};

}  // namespace

void RegisterInfoCommands() { CommandTable::Get().Register(kInfoCommands); }

}  // namespace memkeydb
