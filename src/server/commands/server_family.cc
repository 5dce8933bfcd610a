// Server administration and introspection commands: INFO, CLIENT, TIME, LASTSAVE, SHUTDOWN,
// MONITOR, SLOWLOG, LATENCY, DEBUG, MEMORY.
//
// Replies and error texts follow Redis 7.0.15. Where memkeydb lacks a subsystem Redis reports
// on (replication, persistence, modules, client-side caching), INFO reports the values Redis
// shows with that subsystem idle, so tools that parse INFO keep working. INFO memory also
// reports the two tiers with memKeyDB's field names.

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr const char* kRedisVersion = "7.0.15";
constexpr const char* kMemkeydbVersion = "0.1.0";

// Bytes the tier layer held when the commands were registered (start-up, before any data):
// INFO's used_memory_startup.
int64_t g_startup_used_memory = 0;

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof(buf)) return std::string(buf, static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  vsnprintf(out.data(), out.size(), fmt, ap);
  va_end(ap);
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// The error Redis gives when a subcommand exists but its arguments do not fit it.
void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
            std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + Upper(ctx.arg(0)) + " HELP.");
}

// A container command's own handler runs only if dispatch found no subcommand.
void UnknownSubcommand(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try " +
            Upper(ctx.arg(0)) + " HELP.");
}

// Replies with a HELP text: a header naming the command, the given lines, and HELP's own entry.
void ReplyHelp(CommandContext& ctx, std::string_view command,
               std::initializer_list<const char*> lines) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(lines.size() + 3);
  w.SimpleString(std::string(command) +
                 " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const char* line : lines) w.SimpleString(line);
  w.SimpleString("HELP");
  w.SimpleString("    Prints this help.");
}

// Resident set size from /proc/self/statm (second field, in pages).
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

int64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}

// Redis's LRU clock: Unix seconds modulo 2^24 (the same clock entries carry).
uint32_t LruClock() { return static_cast<uint32_t>(NowMs() / 1000) & Entry::kClockMask; }

// Seconds between an entry's access clock and now, allowing for the 24-bit wrap.
int64_t IdleSeconds(const Entry* e) {
  uint32_t now = LruClock();
  uint32_t then = e->clock();
  return now >= then ? now - then : now + (Entry::kClockMask - then);
}

// ---------------------------------------------------------------------------------------------
// Memory accounting shared by INFO memory and MEMORY STATS.

struct DbOverhead {
  int index;
  int64_t main;     // bucket arrays plus the fixed part of every entry
  int64_t expires;  // expire slots plus the database's list of expiring entries
};

struct MemoryReport {
  int64_t used = 0, peak = 0, dram = 0, far = 0, rss = 0, startup = 0;
  int64_t clients_normal = 0;
  int64_t overhead = 0, dataset = 0, keys = 0;
  std::vector<DbOverhead> dbs;
};

MemoryReport CollectMemory(Server& server) {
  MemoryTiers& tiers = MemoryTiers::Get();
  MemoryReport r;
  r.used = tiers.used_total();
  r.peak = std::max(tiers.peak_total(), r.used);
  r.dram = tiers.used(Tier::kDram);
  r.far = tiers.used(Tier::kFar);
  r.rss = ResidentBytes();
  r.startup = std::min(g_startup_used_memory, r.used);
  // Client buffers are allocated outside the tier layer, so they are reported (clients.normal)
  // but not part of used_memory or of its overhead.
  r.clients_normal = static_cast<int64_t>(server.ClientBufferBytes());
  r.overhead = r.startup;
  for (int i = 0; i < server.db_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0 && db.table().bucket_count() <= 1) continue;
    DbOverhead o;
    o.index = i;
    o.main = static_cast<int64_t>(db.table().TableBytes() + db.size() * sizeof(Entry));
    o.expires = static_cast<int64_t>(db.expires() * (sizeof(Entry::ExpireSlot) + sizeof(Entry*)));
    r.overhead += o.main + o.expires;
    r.keys += static_cast<int64_t>(db.size());
    r.dbs.push_back(o);
  }
  r.dataset = std::max<int64_t>(0, r.used - r.overhead);
  return r;
}

// ---------------------------------------------------------------------------------------------
// INFO

enum InfoSection : int {
  kInfoServer,
  kInfoClients,
  kInfoMemory,
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

// The replication id this server reports while it has no replication: fixed per process.
const std::string& ReplicationId() {
  static const std::string id = [] {
    std::string s;
    uint64_t x = static_cast<uint64_t>(NowUs()) ^ (static_cast<uint64_t>(getpid()) << 32);
    static const char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 40; ++i) {
      // splitmix64 steps: cheap and well spread.
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s += kHex[(z ^ (z >> 31)) & 15];
    }
    return s;
  }();
  return id;
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
  t.Bytes("used_memory_rss", m.rss);
  t.Bytes("used_memory_peak", m.peak);
  t.Add("used_memory_peak_perc",
        Format("%.2f%%", m.peak > 0 ? 100.0 * static_cast<double>(m.used) / m.peak : 100.0));
  t.Add("used_memory_overhead", m.overhead);
  t.Add("used_memory_startup", m.startup);
  t.Add("used_memory_dataset", m.dataset);
  t.Add("used_memory_dataset_perc",
        Format("%.2f%%", net > 0 ? 100.0 * static_cast<double>(m.dataset) / net : 0.0));
  // memkind does not expose its allocator's active/resident figures through the tier layer;
  // the counted bytes and the process RSS stand in for them.
  t.Add("allocator_allocated", m.used);
  t.Add("allocator_active", m.used);
  t.Add("allocator_resident", m.rss);
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
  t.Add("mem_replication_backlog", "0");
  t.Add("mem_total_replication_buffers", "0");
  t.Add("mem_clients_slaves", "0");
  t.Add("mem_clients_normal", m.clients_normal);
  t.Add("mem_cluster_links", "0");
  t.Add("mem_aof_buffer", "0");
  t.Add("mem_allocator", "memkind");
  t.Add("active_defrag_running", "0");
  t.Add("lazyfree_pending_objects", "0");
  t.Add("lazyfreed_objects", "0");
}

void InfoPersistence(Server& server, InfoText& t) {
  t.Section("Persistence");
  t.Add("loading", "0");
  t.Add("async_loading", "0");
  t.Add("current_cow_peak", "0");
  t.Add("current_cow_size", "0");
  t.Add("current_cow_size_age", "0");
  t.Add("current_fork_perc", "0.00");
  t.Add("current_save_keys_processed", "0");
  t.Add("current_save_keys_total", "0");
  // `dirty` counts changes since the last successful save (a save resets it, as in Redis).
  t.Add("rdb_changes_since_last_save", std::max<int64_t>(0, server.dirty));
  t.Add("rdb_bgsave_in_progress", "0");
  t.Add("rdb_last_save_time", server.last_save_s);
  t.Add("rdb_last_bgsave_status", "ok");
  t.Add("rdb_last_bgsave_time_sec", "-1");
  t.Add("rdb_current_bgsave_time_sec", "-1");
  t.Add("rdb_saves", "0");
  t.Add("rdb_last_cow_size", "0");
  t.Add("rdb_last_load_keys_expired", "0");
  t.Add("rdb_last_load_keys_loaded", "0");
  t.Add("aof_enabled", server.config().appendonly ? "1" : "0");
  t.Add("aof_rewrite_in_progress", "0");
  t.Add("aof_rewrite_scheduled", "0");
  t.Add("aof_last_rewrite_time_sec", "-1");
  t.Add("aof_current_rewrite_time_sec", "-1");
  t.Add("aof_last_bgrewrite_status", "ok");
  t.Add("aof_rewrites", "0");
  t.Add("aof_rewrites_consecutive_failures", "0");
  t.Add("aof_last_write_status", "ok");
  t.Add("aof_last_cow_size", "0");
  t.Add("module_fork_in_progress", "0");
  t.Add("module_fork_last_cow_size", "0");
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
  t.Add("total_net_repl_input_bytes", "0");
  t.Add("total_net_repl_output_bytes", "0");
  t.Fixed("instantaneous_input_kbps", server.instantaneous_input_kbps(), 2);
  t.Fixed("instantaneous_output_kbps", server.instantaneous_output_kbps(), 2);
  t.Add("instantaneous_input_repl_kbps", "0.00");
  t.Add("instantaneous_output_repl_kbps", "0.00");
  t.Add("rejected_connections", s.rejected_connections);
  t.Add("sync_full", "0");
  t.Add("sync_partial_ok", "0");
  t.Add("sync_partial_err", "0");
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
  t.Add("latest_fork_usec", "0");
  t.Add("total_forks", "0");
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

void InfoReplication(Server&, InfoText& t) {
  t.Section("Replication");
  t.Add("role", "master");
  t.Add("connected_slaves", "0");
  t.Add("master_failover_state", "no-failover");
  t.Add("master_replid", ReplicationId());
  t.Add("master_replid2", std::string(40, '0'));
  t.Add("master_repl_offset", "0");
  t.Add("second_repl_offset", "-1");
  t.Add("repl_backlog_active", "0");
  t.Add("repl_backlog_size", "1048576");
  t.Add("repl_backlog_first_byte_offset", "0");
  t.Add("repl_backlog_histlen", "0");
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
// CLIENT

enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

bool ParseClientType(std::string_view s, ClientType* out) {
  if (EqualsIgnoreCase(s, "normal")) {
    *out = ClientType::kNormal;
  } else if (EqualsIgnoreCase(s, "slave") || EqualsIgnoreCase(s, "replica")) {
    *out = ClientType::kReplica;
  } else if (EqualsIgnoreCase(s, "pubsub")) {
    *out = ClientType::kPubSub;
  } else if (EqualsIgnoreCase(s, "master")) {
    *out = ClientType::kMaster;
  } else {
    return false;
  }
  return true;
}

// memkeydb has no replication links yet, so every client is normal or pub/sub. (A MONITOR
// client is "normal" in Redis too.)
ClientType TypeOf(const Client& c) {
  return c.in_pubsub_mode() ? ClientType::kPubSub : ClientType::kNormal;
}

void UnknownClientType(CommandContext& ctx, std::string_view name) {
  ctx.Error("ERR Unknown client type '" + std::string(name) + "'");
}

std::string ClientFlagsText(const Client& c) {
  std::string f;
  if (c.has(kClientMonitor)) f += 'O';
  if (c.in_pubsub_mode()) f += 'P';
  if (c.has(kClientMulti)) f += 'x';
  if (c.has(kClientDirtyCas)) f += 'd';
  if (c.has(kClientCloseAfterReply)) f += 'c';
  if (c.has(kClientCloseAsap)) f += 'A';
  if (c.has(kClientUnixSocket)) f += 'U';
  if (c.has(kClientNoEvict)) f += 'e';
  if (f.empty()) f = "N";
  return f;
}

// Bytes Redis would count for a fixed reply buffer: output beyond it goes to the reply list.
constexpr size_t kReplyBufferBytes = 16 * 1024;

// One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields in Redis's order.
// `current_args` are the arguments of the command being run when `c` is the caller.
std::string ClientInfoLine(const Client& c, int64_t now_ms, const ArgList* current_args,
                           const Command* current_command) {
  size_t argv_mem = 0;
  if (current_args != nullptr) {
    for (std::string_view a : *current_args) argv_mem += a.size();
  }
  size_t multi_mem = 0;
  for (const auto& cmd : c.multi_queue) {
    for (const std::string& a : cmd) multi_mem += a.size();
  }
  size_t pending = c.pending_output();
  size_t obl = std::min(pending, kReplyBufferBytes);
  size_t omem = pending - obl;
  size_t oll = (omem + kReplyBufferBytes - 1) / kReplyBufferBytes;
  size_t qbuf = c.input_buffered();
  size_t qbuf_free = c.input_capacity() > qbuf ? c.input_capacity() - qbuf : 0;
  size_t tot_mem = sizeof(Client) + c.input_capacity() + c.output_capacity() + argv_mem + multi_mem;
  std::string events;
  if (!c.fake()) {
    events = "r";
    if (pending > 0) events += 'w';
  }
  const Command* last = current_command != nullptr ? current_command : c.last_command;
  const char* cmd = last != nullptr ? last->full_name.c_str() : "NULL";
  int64_t multi = c.has(kClientMulti) ? static_cast<int64_t>(c.multi_queue.size()) : -1;
  return Format("id=%" PRIu64 " addr=%s laddr=%s fd=%d name=%s age=%" PRId64 " idle=%" PRId64
                " flags=%s db=%d sub=%zu psub=%zu ssub=%zu multi=%" PRId64
                " qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu obl=%zu"
                " oll=%zu omem=%zu tot-mem=%zu events=%s cmd=%s user=default redir=-1 resp=%d",
                c.id(), c.peer().c_str(), c.local().c_str(), c.fd(), c.name().c_str(),
                (now_ms - c.created_ms) / 1000, (now_ms - c.last_interaction_ms) / 1000,
                ClientFlagsText(c).c_str(), c.db_index, c.channels.size(), c.patterns.size(),
                c.shard_channels.size(), multi, qbuf, qbuf_free, argv_mem, multi_mem,
                c.output_capacity(), c.output_capacity(), obl, oll, omem, tot_mem, events.c_str(),
                cmd, c.resp());
}

// Clients in id order (the order Redis lists them: connection order), skipping those already
// being closed, which Redis would have freed at once.
std::vector<Client*> LiveClients(Server& server) {
  std::vector<Client*> out;
  for (const auto& [id, c] : server.clients()) {
    if (!c->has(kClientCloseAsap)) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](Client* a, Client* b) { return a->id() < b->id(); });
  return out;
}

// The caller's own line shows the command being run, as Redis's does.
std::string LineFor(CommandContext& ctx, const Client& c) {
  bool self = &c == &ctx.client();
  return ClientInfoLine(c, ctx.now_ms(), self ? &ctx.args() : nullptr,
                        self ? &ctx.command() : nullptr) +
         "\n";
}

// CLIENT ID
void ClientIdCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.client().id()));
}

// CLIENT SETNAME connection-name
void ClientSetnameCommand(CommandContext& ctx) {
  std::string_view name = ctx.arg(2);
  for (char ch : name) {
    if (ch < '!' || ch > '~') {
      ctx.Error("ERR Client names cannot contain spaces, newlines or special characters.");
      return;
    }
  }
  ctx.client().set_name(std::string(name));
  ctx.reply().Ok();
}

// CLIENT GETNAME
void ClientGetnameCommand(CommandContext& ctx) {
  const std::string& name = ctx.client().name();
  if (name.empty()) {
    ctx.reply().Null();
  } else {
    ctx.reply().Bulk(name);
  }
}

// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
void ClientListCommand(CommandContext& ctx) {
  Server& server = ctx.server();
  std::string out;
  if (ctx.argc() == 2) {
    for (Client* c : LiveClients(server)) out += LineFor(ctx, *c);
  } else if (ctx.argc() == 4 && ctx.ArgIs(2, "type")) {
    ClientType type;
    if (!ParseClientType(ctx.arg(3), &type)) {
      UnknownClientType(ctx, ctx.arg(3));
      return;
    }
    for (Client* c : LiveClients(server)) {
      if (TypeOf(*c) == type) out += LineFor(ctx, *c);
    }
  } else if (ctx.argc() > 3 && ctx.ArgIs(2, "id")) {
    std::vector<int64_t> ids;
    for (size_t i = 3; i < ctx.argc(); ++i) {
      int64_t id;
      if (!ParseInt64(ctx.arg(i), &id)) {
        ctx.Error("ERR Invalid client ID");
        return;
      }
      ids.push_back(id);
    }
    for (int64_t id : ids) {
      Client* c = id > 0 ? server.FindClient(static_cast<uint64_t>(id)) : nullptr;
      if (c != nullptr && !c->has(kClientCloseAsap)) out += LineFor(ctx, *c);
    }
  } else {
    ctx.SyntaxError();
    return;
  }
  ctx.reply().Verbatim(out);
}

// CLIENT INFO
void ClientInfoCommand(CommandContext& ctx) { ctx.reply().Verbatim(LineFor(ctx, ctx.client())); }

// Closes `target` on behalf of the caller: the caller itself goes once its reply is written.
void KillClient(CommandContext& ctx, Client* target) {
  if (target == &ctx.client()) {
    target->flags |= kClientCloseAfterReply;
  } else {
    target->CloseAsync();
  }
}

// CLIENT KILL ip:port
// CLIENT KILL <ID client-id | TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB> |
//     USER username | ADDR ip:port | LADDR ip:port | SKIPME <YES | NO>> [...]
void ClientKillCommand(CommandContext& ctx) {
  Server& server = ctx.server();
  if (ctx.argc() == 3) {
    for (Client* c : LiveClients(server)) {
      if (c->peer() == ctx.arg(2)) {
        KillClient(ctx, c);
        ctx.reply().Ok();
        return;
      }
    }
    ctx.Error("ERR No such client");
    return;
  }
  uint64_t id = 0;
  bool has_type = false, has_addr = false, has_laddr = false, skipme = true;
  ClientType type = ClientType::kNormal;
  std::string_view addr, laddr;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    bool more = i + 1 < ctx.argc();
    if (more && ctx.ArgIs(i, "id")) {
      int64_t v;
      if (!ParseInt64(ctx.arg(i + 1), &v) || v <= 0) {
        ctx.Error("ERR client-id should be greater than 0");
        return;
      }
      id = static_cast<uint64_t>(v);
    } else if (more && ctx.ArgIs(i, "type")) {
      if (!ParseClientType(ctx.arg(i + 1), &type)) {
        UnknownClientType(ctx, ctx.arg(i + 1));
        return;
      }
      has_type = true;
    } else if (more && ctx.ArgIs(i, "addr")) {
      addr = ctx.arg(i + 1);
      has_addr = true;
    } else if (more && ctx.ArgIs(i, "laddr")) {
      laddr = ctx.arg(i + 1);
      has_laddr = true;
    } else if (more && ctx.ArgIs(i, "user")) {
      // Only the default user exists until ACLs do, and every connection is authenticated as it.
      if (ctx.arg(i + 1) != "default") {
        ctx.Error("ERR No such user '" + std::string(ctx.arg(i + 1)) + "'");
        return;
      }
    } else if (more && ctx.ArgIs(i, "skipme")) {
      if (ctx.ArgIs(i + 1, "yes")) {
        skipme = true;
      } else if (ctx.ArgIs(i + 1, "no")) {
        skipme = false;
      } else {
        ctx.SyntaxError();
        return;
      }
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  int64_t killed = 0;
  for (Client* c : LiveClients(server)) {
    if (id != 0 && c->id() != id) continue;
    if (has_type && TypeOf(*c) != type) continue;
    if (has_addr && c->peer() != addr) continue;
    if (has_laddr && c->local() != laddr) continue;
    if (skipme && c == &ctx.client()) continue;
    KillClient(ctx, c);
    ++killed;
  }
  ctx.reply().Integer(killed);
}

// CLIENT PAUSE timeout [WRITE | ALL]
void ClientPauseCommand(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    SubcommandSyntaxError(ctx);
    return;
  }
  bool writes_only = false;
  if (ctx.argc() == 4) {
    if (ctx.ArgIs(3, "write")) {
      writes_only = true;
    } else if (!ctx.ArgIs(3, "all")) {
      ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  int64_t timeout;
  if (!ParseInt64(ctx.arg(2), &timeout)) {
    ctx.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    ctx.Error("ERR timeout is negative");
    return;
  }
  // A timeout too large to add to the clock means "until unpaused".
  int64_t until = timeout > INT64_MAX - ctx.now_ms() ? INT64_MAX : ctx.now_ms() + timeout;
  ctx.server().Pause(until, writes_only);
  ctx.reply().Ok();
}

// CLIENT UNPAUSE
void ClientUnpauseCommand(CommandContext& ctx) {
  ctx.server().Unpause();
  ctx.reply().Ok();
}

// CLIENT REPLY <ON | OFF | SKIP>
// OFF and SKIP send no reply at all, not even to this command.
void ClientReplyCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  if (ctx.ArgIs(2, "on")) {
    c.flags &= ~(kClientReplyOff | kClientReplySkip | kClientReplySkipNext);
    ctx.reply().Ok();
  } else if (ctx.ArgIs(2, "off")) {
    c.flags |= kClientReplyOff;
  } else if (ctx.ArgIs(2, "skip")) {
    if (!c.has(kClientReplyOff)) c.flags |= kClientReplySkipNext;
  } else {
    ctx.SyntaxError();
  }
}

// CLIENT NO-EVICT <ON | OFF>
void ClientNoEvictCommand(CommandContext& ctx) {
  if (ctx.ArgIs(2, "on")) {
    ctx.client().flags |= kClientNoEvict;
  } else if (ctx.ArgIs(2, "off")) {
    ctx.client().flags &= ~kClientNoEvict;
  } else {
    ctx.SyntaxError();
    return;
  }
  ctx.reply().Ok();
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
void ClientUnblockCommand(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    SubcommandSyntaxError(ctx);
    return;
  }
  if (ctx.argc() == 4 && !ctx.ArgIs(3, "timeout") && !ctx.ArgIs(3, "error")) {
    ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    return;
  }
  int64_t id;
  if (!ctx.ParseInt(2, &id)) return;
  // No command blocks yet, so no client can be unblocked.
  ctx.reply().Integer(0);
}

// CLIENT TRACKINGINFO
void ClientTrackinginfoCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  w.MapHeader(3);
  w.Bulk("flags");
  w.SetHeader(1);
  w.Bulk("off");
  w.Bulk("redirect");
  w.Integer(-1);
  w.Bulk("prefixes");
  w.ArrayHeader(0);
}

// CLIENT GETREDIR
void ClientGetredirCommand(CommandContext& ctx) { ctx.reply().Integer(-1); }

// CLIENT CACHING <YES | NO>
void ClientCachingCommand(CommandContext& ctx) {
  ctx.Error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
      "OPTOUT mode enabled");
}

// CLIENT TRACKING <ON | OFF> [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST]
//     [OPTIN] [OPTOUT] [NOLOOP]
// Tracking is always off: OFF succeeds, ON is refused until client-side caching exists.
void ClientTrackingCommand(CommandContext& ctx) {
  if (ctx.ArgIs(2, "off")) {
    ctx.reply().Ok();
  } else if (ctx.ArgIs(2, "on")) {
    ctx.Error("ERR client tracking is not supported by this server yet");
  } else {
    ctx.SyntaxError();
  }
}

// CLIENT HELP
void ClientHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "CLIENT",
            {
                "CACHING (YES|NO)",
                "    Tracking of the keys read by the next command (OPTIN/OPTOUT modes).",
                "GETREDIR",
                "    Return the id of the client tracking notifications are redirected to.",
                "GETNAME",
                "    Return the name of this connection.",
                "ID",
                "    Return the id of this connection.",
                "INFO",
                "    Return the CLIENT LIST line of this connection.",
                "KILL <ip:port>",
                "    Close the connection that comes from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Close every connection that matches all the filters:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Remote address of the connection.",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Local address the connection was made to.",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kind of connection.",
                "    * USER <username>",
                "      User the connection is authenticated as.",
                "    * SKIPME (YES|NO)",
                "      Whether this connection is spared (default: yes).",
                "LIST [options ...]",
                "    Return one line of details per connection. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Only connections of that kind.",
                "    * ID <client-id> [<client-id> ...]",
                "      Only the connections with those ids.",
                "UNPAUSE",
                "    End a client pause now.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Hold commands of all clients (or only writes) for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Turn replies to this connection on or off, or skip the next one.",
                "SETNAME <name>",
                "    Name this connection <name>.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Wake a client blocked in a blocking command.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]",
                "    Server-assisted client-side caching.",
                "TRACKINGINFO",
                "    Return the client-side caching state of this connection.",
                "NO-EVICT (ON|OFF)",
                "    Exempt this connection from client eviction.",
            });
}

// ---------------------------------------------------------------------------------------------
// TIME, LASTSAVE, SHUTDOWN, MONITOR

// TIME
void TimeCommand(CommandContext& ctx) {
  int64_t us = NowUs();
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(2);
  w.BulkInteger(us / 1000000);
  w.BulkInteger(us % 1000000);
}

// LASTSAVE
void LastsaveCommand(CommandContext& ctx) { ctx.reply().Integer(ctx.server().last_save_s); }

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
void ShutdownCommand(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "nosave")) {
      nosave = true;
    } else if (ctx.ArgIs(i, "save")) {
      save = true;
    } else if (ctx.ArgIs(i, "now") || ctx.ArgIs(i, "force")) {
      // No replicas to wait for and no save that could fail: both have nothing to change.
    } else if (ctx.ArgIs(i, "abort")) {
      abort = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if ((abort && ctx.argc() != 2) || (save && nosave)) {
    ctx.SyntaxError();
    return;
  }
  if (abort) {
    // A shutdown here never waits (no replicas to catch up), so none can be in progress.
    ctx.Error("ERR No shutdown in progress.");
    return;
  }
  if (save) {
    // Persistence does not exist yet: an explicit SAVE cannot be honoured, and Redis refuses
    // to stop when its final save fails.
    MKDB_LOG(kWarning) << "SHUTDOWN SAVE requested, but saving is not implemented yet.";
    ctx.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  MKDB_LOG(kWarning) << "User requested shutdown...";
  ctx.server().RequestShutdown();
  // Like Redis, no reply: the connection simply closes.
  ctx.client().flags |= kClientCloseAfterReply;
}

// MONITOR
void MonitorCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  // A client already monitoring gets no second registration and, as in Redis, no reply.
  if (c.has(kClientMonitor)) return;
  c.flags |= kClientMonitor;
  ctx.server().monitors().push_back(&c);
  ctx.reply().Ok();
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG

// SLOWLOG GET [count]
void SlowlogGetCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    SubcommandSyntaxError(ctx);
    return;
  }
  int64_t count = 10;
  if (ctx.argc() == 3 && (!ParseInt64(ctx.arg(2), &count) || count < -1)) {
    ctx.Error("ERR count should be greater than or equal to -1");
    return;
  }
  const std::deque<SlowlogEntry>& log = ctx.server().slowlog();
  size_t n = count == -1 ? log.size() : std::min(log.size(), static_cast<size_t>(count));
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(n);
  // The log is kept newest first.
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    w.ArrayHeader(6);
    w.Integer(static_cast<int64_t>(e.id));
    w.Integer(e.time_s);
    w.Integer(e.duration_us);
    w.ArrayHeader(e.args.size());
    for (const std::string& a : e.args) w.Bulk(a);
    w.Bulk(e.peer);
    w.Bulk(e.name);
  }
}

// SLOWLOG LEN
void SlowlogLenCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().slowlog().size()));
}

// SLOWLOG RESET
void SlowlogResetCommand(CommandContext& ctx) {
  ctx.server().slowlog().clear();
  ctx.reply().Ok();
}

// SLOWLOG HELP
void SlowlogHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "SLOWLOG",
            {
                "GET [<count>]",
                "    Return the <count> most recent slow log entries (default: 10, -1 for all).",
                "    Each entry holds: id, Unix time, duration in microseconds, the arguments,",
                "    the client's address and port, and the client's name.",
                "LEN",
                "    Return the number of entries in the slow log.",
                "RESET",
                "    Empty the slow log.",
            });
}

// ---------------------------------------------------------------------------------------------
// LATENCY

// LATENCY LATEST
void LatencyLatestCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  for (const auto& [name, ev] : events) {
    if (ev.history.empty()) continue;
    const LatencySample& last = ev.history.back();
    w.ArrayHeader(4);
    w.Bulk(name);
    w.Integer(last.time_s);
    w.Integer(last.latency_ms);
    w.Integer(ev.max_ms);
    ++n;
  }
  w.EndDeferredArray(token, n);
}

// LATENCY HISTORY event
void LatencyHistoryCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  auto it = events.find(std::string(ctx.arg(2)));
  ReplyWriter& w = ctx.reply();
  if (it == events.end()) {
    w.ArrayHeader(0);
    return;
  }
  w.ArrayHeader(it->second.history.size());
  for (const LatencySample& s : it->second.history) {
    w.ArrayHeader(2);
    w.Integer(s.time_s);
    w.Integer(s.latency_ms);
  }
}

// LATENCY RESET [event [event ...]]
void LatencyResetCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  int64_t n = 0;
  if (ctx.argc() == 2) {
    n = static_cast<int64_t>(events.size());
    events.clear();
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      n += static_cast<int64_t>(events.erase(std::string(ctx.arg(i))));
  }
  ctx.reply().Integer(n);
}

// LATENCY GRAPH event
// One text line per sample, oldest first: the time and a bar scaled to the largest sample.
void LatencyGraphCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end() || it->second.history.empty()) {
    ctx.Error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
    return;
  }
  const LatencyEvent& ev = it->second;
  int64_t hi = 0, lo = INT64_MAX;
  for (const LatencySample& s : ev.history) {
    hi = std::max(hi, s.latency_ms);
    lo = std::min(lo, s.latency_ms);
  }
  std::string out =
      Format("%s - high %" PRId64 " ms, low %" PRId64 " ms (all time high %" PRId64 " ms)\n",
             it->first.c_str(), hi, lo, ev.max_ms);
  int64_t now_s = ctx.now_ms() / 1000;
  for (const LatencySample& s : ev.history) {
    int width = hi > 0 ? static_cast<int>((s.latency_ms * 50 + hi - 1) / hi) : 0;
    out += Format("%6" PRId64 "s ago %6" PRId64 " ms |", now_s - s.time_s, s.latency_ms);
    out.append(static_cast<size_t>(width), '#');
    out += '\n';
  }
  ctx.reply().Verbatim(out);
}

// LATENCY DOCTOR
void LatencyDoctorCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  std::string out;
  if (events.empty()) {
    out =
        "No latency spike has been recorded since the server started (or since the last "
        "LATENCY RESET). Set latency-monitor-threshold to a number of milliseconds to record "
        "events slower than that.\n";
  } else {
    out = Format("Latency spikes recorded for %zu event class(es):\n\n", events.size());
    int i = 1;
    for (const auto& [name, ev] : events) {
      int64_t sum = 0;
      for (const LatencySample& s : ev.history) sum += s.latency_ms;
      int64_t avg = ev.history.empty() ? 0 : sum / static_cast<int64_t>(ev.history.size());
      out += Format("%d. %s: %zu latency spikes (average %" PRId64 "ms, worst %" PRId64 "ms).\n",
                    i++, name.c_str(), ev.history.size(), avg, ev.max_ms);
    }
    out +=
        "\nAdvice: check SLOWLOG GET for the commands behind \"command\" spikes; commands "
        "that work on whole large values or many keys (KEYS, SMEMBERS, DEL of a large key) "
        "are the usual causes.\n";
  }
  ctx.reply().Verbatim(out);
}

void AddHistogram(const Command& cmd, ReplyWriter& w, size_t* n) {
  if (cmd.stats.calls > 0) {
    // Without per-call histograms, all calls go in the power-of-two bucket of their average.
    uint64_t avg = cmd.stats.usec / cmd.stats.calls;
    uint64_t bucket = 1;
    while (bucket < avg && bucket < (1ULL << 62)) bucket <<= 1;
    w.Bulk(cmd.full_name);
    w.MapHeader(2);
    w.Bulk("calls");
    w.Integer(static_cast<int64_t>(cmd.stats.calls));
    w.Bulk("histogram_usec");
    w.MapHeader(1);
    w.Integer(static_cast<int64_t>(bucket));
    w.Integer(static_cast<int64_t>(cmd.stats.calls));
    ++*n;
  }
}

void AddHistograms(const Command& cmd, ReplyWriter& w, size_t* n) {
  AddHistogram(cmd, w, n);
  for (const auto& [name, sub] : cmd.subcommands) AddHistograms(*sub, w, n);
}

// LATENCY HISTOGRAM [command [command ...]]
void LatencyHistogramCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredMap();
  size_t n = 0;
  if (ctx.argc() == 2) {
    for (const auto& [name, cmd] : CommandTable::Get().all()) AddHistograms(*cmd, w, &n);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      std::string_view name = ctx.arg(i);
      size_t bar = name.find('|');
      Command* cmd = CommandTable::Get().Find(name.substr(0, bar));
      if (cmd != nullptr && bar != std::string_view::npos) {
        cmd = CommandTable::FindSub(cmd, name.substr(bar + 1));
      }
      if (cmd == nullptr) continue;
      if (cmd->has_subcommands()) {
        AddHistograms(*cmd, w, &n);
      } else {
        AddHistogram(*cmd, w, &n);
      }
    }
  }
  w.EndDeferredMap(token, n);
}

// LATENCY HELP
void LatencyHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "LATENCY",
            {
                "DOCTOR",
                "    Return a readable report on the latency events recorded.",
                "GRAPH <event>",
                "    Return a text chart of the samples of <event>.",
                "HISTORY <event>",
                "    Return the (time, latency) samples of <event>.",
                "LATEST",
                "    Return the latest sample of every event.",
                "RESET [<event> ...]",
                "    Forget the samples of the given events (default: of all events).",
                "HISTOGRAM [COMMAND ...]",
                "    Return the latency distribution of the given commands (default: all).",
            });
}

// ---------------------------------------------------------------------------------------------
// DEBUG

// SHA-1 (FIPS 180-4), for DEBUG DIGEST.
class Sha1 {
 public:
  static constexpr size_t kSize = 20;

  void Update(const void* data, size_t len) {
    const auto* p = static_cast<const uint8_t*>(data);
    total_ += len;
    while (len > 0) {
      size_t take = std::min(len, sizeof(block_) - used_);
      std::memcpy(block_ + used_, p, take);
      used_ += take;
      p += take;
      len -= take;
      if (used_ == sizeof(block_)) {
        Compress();
        used_ = 0;
      }
    }
  }

  void Final(uint8_t out[kSize]) {
    uint64_t bits = total_ * 8;
    static const uint8_t kPad[64] = {0x80};
    size_t pad = used_ < 56 ? 56 - used_ : 120 - used_;
    Update(kPad, pad);
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    Update(len, 8);
    for (int i = 0; i < 5; ++i) {
      for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(h_[i] >> (24 - 8 * j));
    }
  }

  static void Hash(const void* data, size_t len, uint8_t out[kSize]) {
    Sha1 s;
    s.Update(data, len);
    s.Final(out);
  }

 private:
  static uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

  void Compress() {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = static_cast<uint32_t>(block_[4 * i]) << 24 |
             static_cast<uint32_t>(block_[4 * i + 1]) << 16 |
             static_cast<uint32_t>(block_[4 * i + 2]) << 8 | block_[4 * i + 3];
    }
    for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      uint32_t tmp = Rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = Rotl(b, 30);
      b = a;
      a = tmp;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
  }

  uint32_t h_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  uint8_t block_[64] = {};
  size_t used_ = 0;
  uint64_t total_ = 0;
};

// A 20-byte dataset digest. Unordered things are combined by XOR of their hashes (so order does
// not matter); ordered things are chained: digest = SHA1(digest XOR SHA1(data)). For strings
// this is the scheme Redis uses, so a dataset of strings without TTLs digests to the same hex
// as in Redis; DEBUG DIGEST also mixes in each TTL's time (Redis only its presence), so that
// changing a TTL changes the digest.
struct Digest {
  uint8_t bytes[Sha1::kSize] = {};

  void Xor(const void* data, size_t len) {
    uint8_t h[Sha1::kSize];
    Sha1::Hash(data, len, h);
    for (size_t i = 0; i < Sha1::kSize; ++i) bytes[i] ^= h[i];
  }
  void Mix(const void* data, size_t len) {
    Xor(data, len);
    Sha1::Hash(bytes, Sha1::kSize, bytes);
  }
  std::string Hex() const {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    for (uint8_t b : bytes) {
      s += kHex[b >> 4];
      s += kHex[b & 15];
    }
    return s;
  }
};

// Redis's numeric object types, which its digest mixes in.
uint32_t RedisTypeCode(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return 1;
    case ValueType::kSet:
      return 2;
    case ValueType::kZSet:
      return 3;
    case ValueType::kHash:
      return 4;
    case ValueType::kStream:
      return 6;
    case ValueType::kNone:
      break;
  }
  return 0xff;
}

void MixBigEndian32(Digest* d, uint32_t v) {
  uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                  static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  d->Mix(b, sizeof(b));
}

// Adds a key's value and TTL to `d`. Like Redis, a TTL's presence is mixed in; with
// `ttl_time`, so is its absolute time, which Redis leaves out.
void DigestValue(const Entry& e, bool ttl_time, Digest* d) {
  const CompactValue& v = e.value;
  MixBigEndian32(d, RedisTypeCode(v.type()));
  if (v.type() == ValueType::kString) {
    char scratch[CompactValue::kIntBufSize];
    std::string_view s = v.StringView(scratch);
    d->Mix(s.data(), s.size());
  } else {
    // Collections have no element iterator at this layer yet: their footprint stands in.
    uint64_t size = v.ExternalBytes();
    d->Mix(&size, sizeof(size));
  }
  if (e.has_expire()) {
    d->Xor("!!expire!!", 10);
    if (ttl_time) {
      int64_t at = e.expire_at();
      d->Xor(&at, sizeof(at));
    }
  }
}

std::string DatasetDigest(Server& server) {
  Digest total;
  for (int i = 0; i < server.db_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0) continue;
    MixBigEndian32(&total, static_cast<uint32_t>(i));
    db.table().ForEach([&](Entry* e) {
      Digest kv;
      std::string_view key = e->key();
      kv.Mix(key.data(), key.size());
      DigestValue(*e, /*ttl_time=*/true, &kv);
      total.Xor(kv.bytes, sizeof(kv.bytes));
    });
  }
  return total.Hex();
}

// Length of a string as an RDB file stores it (type byte excluded): integers that fit 32 bits
// in 2, 3 or 5 bytes; otherwise a length prefix of 1, 2, 5 or 9 bytes plus the bytes. (Redis
// also LZF-compresses strings over 20 bytes; memkeydb does not model that here.)
size_t RdbStringLength(const CompactValue& v) {
  int64_t n;
  if (v.GetInt(&n)) {
    if (n >= -(1 << 7) && n < (1 << 7)) return 2;
    if (n >= -(1 << 15) && n < (1 << 15)) return 3;
    if (n >= INT32_MIN && n <= INT32_MAX) return 5;
  }
  size_t len = v.StringLength();
  size_t prefix = len < (1 << 6) ? 1 : len < (1 << 14) ? 2 : len <= UINT32_MAX ? 5 : 9;
  return prefix + len;
}

// DEBUG OBJECT key
void DebugObject(CommandContext& ctx) {
  Entry* e = ctx.db().FindRaw(ctx.arg(2));
  if (e == nullptr) {
    ctx.Error(errors::kNoSuchKey);
    return;
  }
  const CompactValue& v = e->value;
  size_t serialized = v.type() == ValueType::kString ? RdbStringLength(v) : 1 + v.ExternalBytes();
  const void* where = v.object() != nullptr ? v.object() : static_cast<const void*>(&e->value);
  ctx.reply().SimpleString(
      Format("Value at:%p refcount:1 encoding:%s serializedlength:%zu "
             "lru:%u lru_seconds_idle:%" PRId64,
             where, v.EncodingName(), serialized, e->clock(), IdleSeconds(e)));
}

// DEBUG DIGEST-VALUE key [key ...]
void DebugDigestValue(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    Digest d;
    Entry* e = ctx.LookupForWrite(ctx.arg(i));
    // Exactly Redis's per-value digest (for strings), so values can be compared with Redis.
    if (e != nullptr) DigestValue(*e, /*ttl_time=*/false, &d);
    w.SimpleString(d.Hex());
  }
}

// DEBUG POPULATE count [prefix] [size]
void DebugPopulate(CommandContext& ctx) {
  int64_t count, size = 0;
  constexpr const char* kNotPositive = "ERR value is out of range, must be positive";
  if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
    ctx.Error(kNotPositive);
    return;
  }
  std::string prefix = ctx.argc() > 3 ? std::string(ctx.arg(3)) : "key";
  if (ctx.argc() > 4 && (!ParseInt64(ctx.arg(4), &size) || size < 0)) {
    ctx.Error(kNotPositive);
    return;
  }
  Database& db = ctx.db();
  for (int64_t i = 0; i < count; ++i) {
    std::string key = prefix + ":" + std::to_string(i);
    if (db.FindRaw(key) != nullptr) continue;
    std::string value = "value:" + std::to_string(i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.Add(key)->value.SetString(value);
  }
  ctx.reply().Ok();
}

// DEBUG PROTOCOL type: one sample reply of each RESP type, for client library tests.
void DebugProtocol(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  std::string_view t = ctx.arg(2);
  auto is = [&](const char* name) { return EqualsIgnoreCase(t, name); };
  if (is("string")) {
    w.Bulk("Hello World");
  } else if (is("integer")) {
    w.Integer(12345);
  } else if (is("double")) {
    w.Double(3.141);
  } else if (is("bignum")) {
    w.BigNumber("1234567999999999999999999999999999999");
  } else if (is("null")) {
    w.Null();
  } else if (is("array") || is("set")) {
    if (is("array")) {
      w.ArrayHeader(3);
    } else {
      w.SetHeader(3);
    }
    for (int i = 0; i < 3; ++i) w.Integer(i);
  } else if (is("map")) {
    w.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      w.Integer(i);
      w.Bool(i == 1);
    }
  } else if (is("attrib")) {
    if (ctx.client().resp() >= 3) {
      // RESP3 attribute: |1, then one key/value pair, then the real reply.
      w.Raw("|1\r\n");
      w.Bulk("key-popularity");
      w.ArrayHeader(2);
      w.Bulk("key:123");
      w.Integer(90);
    }
    w.Bulk("Some real reply following the attribute");
  } else if (is("push")) {
    if (ctx.client().resp() < 3) {
      ctx.Error("ERR RESP2 is not supported by this command");
      return;
    }
    w.PushHeader(2);
    w.Bulk("server-cpu-usage");
    w.Integer(42);
    w.Bulk("Some real reply following the push reply");
  } else if (is("verbatim")) {
    w.Verbatim("This is a verbatim\nstring");
  } else if (is("true") || is("false")) {
    w.Bool(is("true"));
  } else {
    ctx.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "DEBUG",
            {
                "CHANGE-REPL-ID",
                "    Accepted for compatibility; memkeydb has no replication ids to change yet.",
                "DIGEST",
                "    Return a hex digest of the whole dataset (all zeros when it is empty).",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Return a hex digest of the value of each key.",
                "ERROR <string>",
                "    Reply with <string> as an error message (for client tests).",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low-level details of <key> and its value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named <prefix>:<num> (default prefix: key),",
                "    skipping names that exist. With <size>, values are padded or cut to it.",
                "PROTOCOL <type>",
                "    Reply with a sample value of a RESP type: string, integer, double, bignum,",
                "    null, array, set, map, attrib, push, verbatim, true, false.",
                "RELOAD [option ...]",
                "    Save and reload the dataset (not available until persistence exists).",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    0 stops the background expiry of keys not accessed; 1 resumes it.",
                "SLEEP <seconds>",
                "    Block the server for <seconds> (decimals allowed).",
            });
}

// DEBUG subcommand [argument ...]
// (enable-debug-command is enforced by the pipeline: DEBUG is flagged kCmdProtected.)
void DebugCommand(CommandContext& ctx) {
  size_t argc = ctx.argc();
  auto sub = [&](const char* name) { return ctx.ArgIs(1, name); };
  if (sub("help") && argc == 2) {
    DebugHelp(ctx);
  } else if (sub("sleep") && argc == 3) {
    // Like Redis: the argument is read as strtod reads it, anything unparsable is 0.
    std::string arg(ctx.arg(2));
    double seconds = strtod(arg.c_str(), nullptr);
    if (seconds > 0 && std::isfinite(seconds)) {
      auto us = static_cast<int64_t>(seconds * 1e6);
      timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>((us % 1000000) * 1000)};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
    ctx.reply().Ok();
  } else if (sub("set-active-expire") && argc == 3) {
    ctx.server().active_expire_enabled = atoi(std::string(ctx.arg(2)).c_str()) != 0;
    ctx.reply().Ok();
  } else if (sub("object") && argc == 3) {
    DebugObject(ctx);
  } else if (sub("digest") && argc == 2) {
    ctx.reply().SimpleString(DatasetDigest(ctx.server()));
  } else if (sub("digest-value") && argc >= 2) {
    DebugDigestValue(ctx);
  } else if (sub("error") && argc == 3) {
    ctx.Error(ctx.arg(2));
  } else if (sub("log") && argc == 3) {
    MKDB_LOG(kWarning) << "DEBUG LOG: " << ctx.arg(2);
    ctx.reply().Ok();
  } else if (sub("populate") && argc >= 3 && argc <= 5) {
    DebugPopulate(ctx);
  } else if (sub("protocol") && argc == 3) {
    DebugProtocol(ctx);
  } else if (sub("change-repl-id") && argc == 2) {
    ctx.reply().Ok();
  } else if (sub("reload")) {
    ctx.Error("ERR DEBUG RELOAD is not available: persistence is not implemented yet");
  } else {
    SubcommandSyntaxError(ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// MEMORY

// MEMORY USAGE key [SAMPLES count]
// The entry (key, metadata, TTL) plus every byte its value holds outside the entry. Collections
// are measured exactly, so SAMPLES is validated but not needed.
void MemoryUsageCommand(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (ctx.ArgIs(i, "samples") && i + 1 < ctx.argc()) {
      int64_t samples;
      if (!ctx.ParseInt(i + 1, &samples)) return;
      if (samples < 0) {
        ctx.SyntaxError();
        return;
      }
      ++i;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  Entry* e = ctx.LookupForWrite(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(e->AllocatedBytes() + e->value.ExternalBytes()));
}

// MEMORY STATS
void MemoryStatsCommand(CommandContext& ctx) {
  MemoryReport m = CollectMemory(ctx.server());
  MemoryTiers& tiers = MemoryTiers::Get();
  ReplyWriter& w = ctx.reply();
  int64_t net = m.used - m.startup;
  double frag = m.used > 0 ? static_cast<double>(m.rss) / static_cast<double>(m.used) : 0;
  // Counted as written, so the header always matches the pairs.
  size_t token = w.BeginDeferredMap();
  size_t pairs = 0;
  auto num = [&](const char* k, int64_t v) {
    w.Bulk(k);
    w.Integer(v);
    ++pairs;
  };
  auto dbl = [&](const char* k, double v) {
    w.Bulk(k);
    w.Double(v);
    ++pairs;
  };
  num("peak.allocated", m.peak);
  num("total.allocated", m.used);
  num("startup.allocated", m.startup);
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", m.clients_normal);
  num("cluster.links", 0);
  num("aof.buffer", 0);
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (const DbOverhead& o : m.dbs) {
    w.Bulk(Format("db.%d", o.index));
    w.MapHeader(3);
    size_t outer = pairs;
    num("overhead.hashtable.main", o.main);
    num("overhead.hashtable.expires", o.expires);
    num("overhead.hashtable.slot-to-keys", 0);
    pairs = outer + 1;
  }
  num("overhead.total", m.overhead);
  num("keys.count", m.keys);
  num("keys.bytes-per-key", m.keys > 0 ? net / m.keys : 0);
  num("dataset.bytes", m.dataset);
  dbl("dataset.percentage", net > 0 ? 100.0 * static_cast<double>(m.dataset) / net : 0);
  dbl("peak.percentage", m.peak > 0 ? 100.0 * static_cast<double>(m.used) / m.peak : 100);
  num("allocator.allocated", m.used);
  num("allocator.active", m.used);
  num("allocator.resident", m.rss);
  dbl("allocator-fragmentation.ratio", 1.0);
  num("allocator-fragmentation.bytes", 0);
  dbl("allocator-rss.ratio", frag);
  num("allocator-rss.bytes", m.rss - m.used);
  dbl("rss-overhead.ratio", 1.0);
  num("rss-overhead.bytes", 0);
  dbl("fragmentation", frag);
  num("fragmentation.bytes", m.rss - m.used);
  num("dram.allocated", m.dram);
  num("pmem.allocated", m.far);
  num("pmem.threshold", static_cast<int64_t>(tiers.policy().threshold()));
  num("pmem.fallbacks", static_cast<int64_t>(tiers.fallbacks()));
  w.EndDeferredMap(token, pairs);
}

// MEMORY DOCTOR
void MemoryDoctorCommand(CommandContext& ctx) {
  MemoryReport m = CollectMemory(ctx.server());
  std::string out;
  if (m.used < (5 << 20)) {
    out = "This instance holds too little data (under 5 MB) for a meaningful memory analysis.\n";
  } else {
    double frag = static_cast<double>(m.rss) / static_cast<double>(m.used);
    std::vector<std::string> issues;
    if (m.peak > 0 && static_cast<double>(m.peak) / m.used > 1.5) {
      issues.push_back(
          Format("* Peak memory: the peak (%s) is over 1.5 times the current use "
                 "(%s); memory freed since then may not have gone back to the "
                 "system.",
                 BytesToHuman(static_cast<uint64_t>(m.peak)).c_str(),
                 BytesToHuman(static_cast<uint64_t>(m.used)).c_str()));
    }
    if (frag > 1.4) {
      issues.push_back(
          Format("* High fragmentation: the resident set is %.2f times the bytes "
                 "in use.",
                 frag));
    }
    if (m.clients_normal > (200 << 20)) {
      issues.push_back("* Client buffers: clients hold over 200 MB of buffers.");
    }
    if (issues.empty()) {
      out = "No memory problems found.\n";
    } else {
      out = "Possible memory issues:\n\n";
      for (const std::string& s : issues) out += s + "\n\n";
    }
  }
  ctx.reply().Verbatim(out);
}

// MEMORY MALLOC-STATS
void MemoryMallocStatsCommand(CommandContext& ctx) {
  MemoryTiers& tiers = MemoryTiers::Get();
  std::string out = Format(
      "memkind tiers\n"
      "dram: %" PRId64 " bytes in %" PRId64
      " allocations\n"
      "pmem: %" PRId64 " bytes in %" PRId64
      " allocations (far tier %s)\n"
      "peak: %" PRId64
      " bytes\n"
      "fallbacks to dram: %" PRIu64 "\n",
      tiers.used(Tier::kDram), tiers.allocations(Tier::kDram), tiers.used(Tier::kFar),
      tiers.allocations(Tier::kFar), tiers.far_available() ? "open" : "not configured",
      tiers.peak_total(), tiers.fallbacks());
  ctx.reply().Verbatim(out);
}

// MEMORY PURGE
void MemoryPurgeCommand(CommandContext& ctx) { ctx.reply().Ok(); }

// MEMORY HELP
void MemoryHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "MEMORY",
            {
                "DOCTOR",
                "    Return a report of possible memory problems.",
                "MALLOC-STATS",
                "    Return the allocator's statistics (per memory tier).",
                "PURGE",
                "    Ask the allocator to return unused pages (nothing to do with memkind).",
                "STATS",
                "    Return a breakdown of the server's memory use.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return the bytes used by <key> and its value.",
            });
}

// ---------------------------------------------------------------------------------------------
// The table

constexpr uint32_t kLS = kCmdLoading | kCmdStale;
constexpr uint32_t kAdm = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kConn = kCmdNoScript | kCmdLoading | kCmdStale;

const CommandSpec kClientSubcommands[] = {
    {"caching", 3, kConn, 0, 0, 0, "connection", "6.0.0",
     "Instruct the server about tracking or not keys in the next request", "O(1)", "YES | NO",
     ClientCachingCommand},
    {"getname", 2, kConn, 0, 0, 0, "connection", "2.6.9", "Get the current connection name", "O(1)",
     "", ClientGetnameCommand},
    {"getredir", 2, kConn, 0, 0, 0, "connection", "6.0.0",
     "Get tracking notifications redirection client ID if any", "O(1)", "", ClientGetredirCommand},
    {"help", 2, kLS, 0, 0, 0, "connection", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", ClientHelpCommand},
    {"id", 2, kConn, 0, 0, 0, "connection", "5.0.0",
     "Returns the client ID for the current connection", "O(1)", "", ClientIdCommand},
    {"info", 2, kConn, 0, 0, 0, "connection", "6.2.0",
     "Returns information about the current client connection.", "O(1)", "", ClientInfoCommand},
    {"kill", -3, kAdm, 0, 0, 0, "connection", "2.4.0", "Kill the connection of a client",
     "O(N) where N is the number of client connections",
     "ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | "
     "[USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]> [...]",
     ClientKillCommand},
    {"list", -2, kAdm, 0, 0, 0, "connection", "2.4.0", "Get the list of client connections",
     "O(N) where N is the number of client connections",
     "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]",
     ClientListCommand},
    {"no-evict", 3, kAdm, 0, 0, 0, "connection", "7.0.0",
     "Set client eviction mode for the current connection", "O(1)", "ON | OFF",
     ClientNoEvictCommand},
    {"pause", -3, kAdm, 0, 0, 0, "connection", "2.9.50",
     "Stop processing commands from clients for some time", "O(1)", "timeout [WRITE | ALL]",
     ClientPauseCommand},
    {"reply", 3, kConn, 0, 0, 0, "connection", "3.2.0",
     "Instruct the server whether to reply to commands", "O(1)", "ON | OFF | SKIP",
     ClientReplyCommand},
    {"setname", 3, kConn, 0, 0, 0, "connection", "2.6.9", "Set the current connection name", "O(1)",
     "connection-name", ClientSetnameCommand},
    {"tracking", -3, kConn, 0, 0, 0, "connection", "6.0.0",
     "Enable or disable server assisted client side caching support",
     "O(1). Some options may introduce additional complexity.",
     "ON | OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] "
     "[OPTOUT] [NOLOOP]",
     ClientTrackingCommand},
    {"trackinginfo", 2, kConn, 0, 0, 0, "connection", "6.2.0",
     "Return information about server assisted client side caching for the current connection",
     "O(1)", "", ClientTrackinginfoCommand},
    {"unblock", -3, kAdm, 0, 0, 0, "connection", "5.0.0",
     "Unblock a client blocked in a blocking command from a different connection",
     "O(log N) where N is the number of client connections", "client-id [TIMEOUT | ERROR]",
     ClientUnblockCommand},
    {"unpause", 2, kAdm, 0, 0, 0, "connection", "6.2.0",
     "Resume processing of clients that were paused",
     "O(N) Where N is the number of paused clients", "", ClientUnpauseCommand},
    {},
};

const CommandSpec kSlowlogSubcommands[] = {
    {"get", -2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12", "Get the slow log's entries",
     "O(N) where N is the number of entries returned", "[count]", SlowlogGetCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)", "", SlowlogHelpCommand},
    {"len", 2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12", "Get the slow log's length", "O(1)",
     "", SlowlogLenCommand},
    {"reset", 2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12",
     "Clear all entries from the slow log", "O(N) where N is the number of entries in the slowlog",
     "", SlowlogResetCommand},
    {},
};

const CommandSpec kLatencySubcommands[] = {
    {"doctor", 2, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return a human readable latency analysis report.", "O(1)", "", LatencyDoctorCommand},
    {"graph", 3, kAdm, 0, 0, 0, "server", "2.8.13", "Return a latency graph for the event.", "O(1)",
     "event", LatencyGraphCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "2.8.13",
     "Show helpful text about the different subcommands.", "O(1)", "", LatencyHelpCommand},
    {"histogram", -2, kAdm, 0, 0, 0, "server", "7.0.0",
     "Return the cumulative distribution of latencies of a subset of commands or all.",
     "O(N) where N is the number of commands with latency information being retrieved.",
     "[command [command ...]]", LatencyHistogramCommand},
    {"history", 3, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return timestamp-latency samples for the event.", "O(1)", "event", LatencyHistoryCommand},
    {"latest", 2, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return the latest latency samples for all events.", "O(1)", "", LatencyLatestCommand},
    {"reset", -2, kAdm, 0, 0, 0, "server", "2.8.13", "Reset latency data for one or more events.",
     "O(1)", "[event [event ...]]", LatencyResetCommand},
    {},
};

const CommandSpec kMemorySubcommands[] = {
    {"doctor", 2, 0, 0, 0, 0, "server", "4.0.0", "Outputs memory problems report", "O(1)", "",
     MemoryDoctorCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "4.0.0",
     "Show helpful text about the different subcommands", "O(1)", "", MemoryHelpCommand},
    {"malloc-stats", 2, 0, 0, 0, 0, "server", "4.0.0", "Show allocator internal stats",
     "Depends on how much memory is allocated, could be slow", "", MemoryMallocStatsCommand},
    {"purge", 2, 0, 0, 0, 0, "server", "4.0.0", "Ask the allocator to release memory", "O(1)", "",
     MemoryPurgeCommand},
    {"stats", 2, 0, 0, 0, 0, "server", "4.0.0", "Show memory usage details", "O(1)", "",
     MemoryStatsCommand},
    {"usage", -3, kCmdReadonly, 2, 2, 1, "server", "4.0.0", "Estimate the memory usage of a key",
     "O(N) where N is the number of samples.", "key [SAMPLES count]", MemoryUsageCommand},
    {},
};

const CommandSpec kServerCommands[] = {
    {"info", -1, kLS, 0, 0, 0, "server", "1.0.0", "Get information and statistics about the server",
     "O(1)", "[section [section ...]]", InfoCommand},
    {"client", -2, 0, 0, 0, 0, "connection", "2.4.0", "A container for client connection commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kClientSubcommands},
    {"time", 1, kLS | kCmdFast, 0, 0, 0, "server", "2.6.0", "Return the current server time",
     "O(1)", "", TimeCommand},
    {"lastsave", 1, kLS | kCmdFast, 0, 0, 0, "server", "1.0.0",
     "Get the UNIX time stamp of the last successful save to disk", "O(1)", "", LastsaveCommand},
    {"shutdown", -1, kAdm | kCmdNoMulti | kCmdAllowBusy, 0, 0, 0, "server", "1.0.0",
     "Synchronously save the dataset to disk and then shut down the server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)",
     "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]", ShutdownCommand},
    {"monitor", 1, kAdm, 0, 0, 0, "server", "1.0.0",
     "Listen for all requests received by the server in real time", "", "", MonitorCommand},
    {"slowlog", -2, 0, 0, 0, 0, "server", "2.2.12", "A container for slow log commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kSlowlogSubcommands},
    {"latency", -2, 0, 0, 0, 0, "server", "2.8.13", "A container for latency diagnostics commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kLatencySubcommands},
    {"debug", -2, kAdm | kCmdProtected, 0, 0, 0, "server", "1.0.0",
     "A container for debugging commands", "Depends on subcommand.", "subcommand [argument ...]",
     DebugCommand},
    {"memory", -2, 0, 0, 0, 0, "server", "4.0.0", "A container for memory diagnostics commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kMemorySubcommands},
    {},
};

}  // namespace

void RegisterServerCommands() {
  g_startup_used_memory = MemoryTiers::Get().used_total();
  CommandTable::Get().Register(kServerCommands);
}

}  // namespace memkeydb
