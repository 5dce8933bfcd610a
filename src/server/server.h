// Server: the process's single instance — configuration, databases, clients, the event loop,
// statistics, pub/sub and transactions' WATCH registry — and the command pipeline:
//   read → parse → lookup → checks (arity, auth, MULTI queueing, pub/sub mode, pause) →
//   handler → statistics, slowlog, monitors → reply flushed in before-sleep.
//
// REQUIRES: single-threaded use from the event loop's thread.
#pragma once

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "net/event_loop.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/command_context.h"
#include "server/config.h"
#include "server/propagation.h"
#include "server/pubsub.h"
#include "server/rdb_persistence.h"
#include "server/tiering.h"
#include "store/database.h"

namespace memkeydb {

class AofManager;
class Replication;

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t expired_keys = 0;
  uint64_t expired_stale_perc = 0;
  uint64_t evicted_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_qbuf_limit_disconnections = 0;
  uint64_t client_outbuf_limit_disconnections = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t pubsub_messages = 0;
  uint64_t total_forks = 0;     // BGSAVE and AOF rewrite children
  int64_t latest_fork_us = 0;   // how long the last fork() call took
  std::map<std::string, uint64_t> error_counts;  // errorstats: by error code

  // Counts an error reply under its code (the first word of `msg`), as INFO errorstats shows.
  void CountError(std::string_view msg);
};

struct SlowlogEntry {
  uint64_t id;
  int64_t time_s;
  int64_t duration_us;
  std::vector<std::string> args;
  std::string peer, name;
};

struct LatencySample {
  int64_t time_s;
  int64_t latency_ms;
};

struct LatencyEvent {
  std::deque<LatencySample> history;  // at most 160 samples, like Redis
  int64_t max_ms = 0;
};

enum class EvictionPolicy : uint8_t {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
};
EvictionPolicy ParseEvictionPolicy(const std::string& name);

// `n` random lowercase hex digits (run ids, replication ids, EOF marks).
std::string RandomHex(size_t n);

// The access clock in an entry's 24 bits (eviction.cc), as Redis keeps it:
//   LRU policies: Unix seconds modulo 2^24;
//   LFU policies: the minute of the last decrement (16 bits) above a logarithmic counter (8).
uint32_t LruClock();
// Seconds since `clock` under the LRU layout, across the 24-bit wrap.
uint32_t LruIdleSeconds(uint32_t clock, uint32_t now_lru);
// The LFU counter of `clock` after its decay: one less per `decay_time` minutes since.
uint32_t LfuDecayedCounter(uint32_t clock, int64_t decay_time);

struct EvictionCandidate {
  uint64_t score;  // higher: evict first
  int db;
  std::string key;
};

class Server : public KeyEvents {
 public:
  explicit Server(Config config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens listeners and prepares the loop. Returns false (after logging why) on failure.
  bool Start();
  void Run() { loop_.Run(); }
  // Stops the loop (SHUTDOWN, signals).
  void RequestShutdown() { loop_.Stop(); }
  // What every shutdown does first (SHUTDOWN, SIGTERM): stops a background save and, with save
  // points configured or `save`, writes the final snapshot unless `nosave`. False if that save
  // failed and `force` is not set: the server must keep running.
  bool PrepareForShutdown(bool save, bool nosave, bool force);
  // In a forked child: closes the listening sockets (the parent keeps serving on them).
  void CloseListeningSockets();
  // Set from a signal handler (SIGTERM, SIGINT); the cron turns it into a shutdown.
  static volatile int pending_shutdown_signal;

  // --- command pipeline ---
  // Runs one command for `client`; the reply is appended to the client's output. Returns
  // false if the command was not run because clients are paused (the caller keeps the input).
  bool Execute(Client* client, const ArgList& args);
  // Around the commands of one client's input batch: within it, the clock reading that ends a
  // command also starts the next (see Call).
  void BeginInputBatch() {
    in_input_batch_ = true;
    command_clock_us_ = 0;
  }
  void EndInputBatch() {
    in_input_batch_ = false;
    command_clock_us_ = 0;
  }
  // Runs an already-checked command (EXEC runs its queue through this): handler, statistics,
  // slowlog, latency monitor.
  // `reprocessing`: a blocked client's command running again (server/blocking.h). Returns
  // true if the command blocked the client (again).
  bool Call(Client* c, Command* cmd, const ArgList& args, bool reprocessing = false);
  // A connection we opened (the link to our primary) becomes a client.
  Client* AdoptConnection(int fd);
  // A client not bound to a socket (tests, AOF loading); owned by the server.
  Client* CreateFakeClient();
  void FreeClient(Client* c);
  // Frees `c` in before-sleep (after its pending replies are written, if it asked for that).
  void ScheduleClose(Client* c) { closing_.push_back(c); }

  // --- the stream of writes (server/propagation.h) ---
  // Sinks receive every change from now on; not owned. REQUIRES: a sink is removed before it
  // is destroyed, and not from inside its own Feed.
  void AddWriteSink(WriteSink* sink);
  void RemoveWriteSink(WriteSink* sink);
  // While loading (the AOF replaying its commands through a fake client) nothing is fed.
  void set_loading(bool loading) { loading_ = loading; }
  bool loading() const { return loading_; }
  // Someone listens: handlers check this before building a rewrite, so that without sinks
  // propagation costs one test per command.
  bool propagating() const { return !sinks_.empty() && !loading_; }
  // Queues a command for the sinks as part of the current execution unit (the command running,
  // or the whole EXEC); outside any command it is fed at once. `replicas_only`: FeedReplicasOnly.
  void Propagate(int db, std::vector<std::string> argv, bool replicas_only = false);
  // A key removed by expiry or eviction: DEL, or UNLINK when `lazy` (the lazyfree option).
  void PropagateDeletion(int db, std::string_view key, bool lazy);

  // --- state ---
  Config& config() { return config_; }
  Database& db(int i) { return *dbs_[i]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }
  ServerStats& stats() { return stats_; }
  PubSub& pubsub() { return pubsub_; }
  Tiering& tiering() { return tiering_; }
  RdbPersistence& rdb() { return *rdb_; }

  AofManager& aof() { return *aof_; }
  Replication& replication() { return *replication_; }
  const Replication& replication() const { return *replication_; }

  // --- maxmemory (eviction.cc) ---
  // Evicts keys by maxmemory-policy until used_memory is at most maxmemory. Returns false if
  // it is still over (noeviction, nothing evictable, or out of time for this call).
  bool PerformEvictions();
  // used_memory over maxmemory, or DRAM over dram-maxmemory.
  bool OverMemoryLimit() const;
  // Carries maxmemory-policy into the access clock (LRU seconds or the LFU counter).
  void ApplyEvictionPolicy();
  EvictionPolicy eviction_policy() const { return eviction_policy_; }
  // Entries' clocks hold LFU counters (an *-lfu policy), or LRU seconds.
  bool lfu_policy() const { return lfu_; }
  bool lru_or_lfu_policy() const {
    return lfu_ || eviction_policy_ == EvictionPolicy::kVolatileLru ||
           eviction_policy_ == EvictionPolicy::kAllkeysLru;
  }
  void UpdateAccessClock(int64_t now_ms);
  // Redis shares one object among all keys holding an integer 0..9999 (unless maxmemory is set
  // with an LRU or LFU policy, which needs a clock per key): OBJECT REFCOUNT reports INT_MAX for
  // it, and it has a single access clock, touched by a read of any key holding that integer.
  static constexpr int64_t kSharedIntegers = 10000;
  bool IsSharedInteger(const CompactValue& v) const {
    int64_t n;
    return v.GetInt(&n) && n >= 0 && n < kSharedIntegers &&
           (config_.maxmemory == 0 || !lru_or_lfu_policy());
  }
  // The LRU clock OBJECT IDLETIME and DEBUG OBJECT read for *e: the shared integer's or its own.
  uint32_t AccessClockOf(const Entry* e) const;
  // Runs eviction and decides whether `cmd` may run; replies OOM and returns false if not.
  bool MemoryAllowsCommand(Client* c, Command* cmd);
  // The command writes, or is PING, or is an EXEC of a transaction holding a write: what the
  // MISCONF rule refuses.
  bool CommandMayWrite(Client* c, Command* cmd) const;
  EventLoop& loop() { return loop_; }
  // The configured hz, clamped to 1..500 as Redis does: cron runs per second.
  int64_t effective_hz() const { return std::clamp<int64_t>(config_.hz, 1, 500); }
  // Applies a changed hz to the running loop (CONFIG SET hz).
  void ApplyHz() { loop_.set_cron_period(static_cast<int>(1000 / effective_hz())); }
  int64_t dirty = 0;
  int64_t dirty_before_save = 0;
  int64_t last_save_s = 0;
  int64_t start_time_ms() const { return start_ms_; }
  int tcp_port() const { return bound_port_; }
  const std::string& run_id() const { return run_id_; }
  const std::unordered_map<uint64_t, Client*>& clients() const { return clients_; }
  Client* FindClient(uint64_t id);
  // protected-mode: with no password and the default bind, only loopback and Unix-socket
  // clients are served. `peer` is "ip:port".
  static bool ProtectedModeRefuses(const Config& config, const std::string& peer, bool unix_socket);
  size_t blocked_clients() const { return blocking_.blocked_clients(); }
  Blocking& blocking() { return blocking_; }
  std::vector<Client*>& monitors() { return monitors_; }

  // WATCH registry.
  void Watch(Client* c, int db, std::string_view key);
  void UnwatchAll(Client* c);
  void TouchWatchedKey(int db, std::string_view key);
  // Marks dirty the watchers of keys of `emptied` that exist in it, or in `replaced_with`
  // (-1: none) which is about to take its place (FLUSHDB/FLUSHALL/SWAPDB).
  void TouchAllWatchedKeysInDb(int emptied, int replaced_with = -1);

  // Client pause (CLIENT PAUSE/UNPAUSE).
  void Pause(int64_t until_ms, bool writes_only);
  void Unpause();
  bool paused_for(const Command* cmd) const;
  bool pause_active() const { return pause_until_ms_ != 0; }

  // Slowlog and latency monitor.
  std::deque<SlowlogEntry>& slowlog() { return slowlog_; }
  uint64_t next_slowlog_id = 0;
  std::map<std::string, LatencyEvent>& latency_events() { return latency_events_; }
  void RecordLatency(const char* event, int64_t ms);
  // A snapshot child was forked; the call took `us` (INFO latest_fork_usec, latency "fork").
  void RecordFork(int64_t us) {
    ++stats_.total_forks;
    stats_.latest_fork_us = us;
    RecordLatency("fork", us / 1000);
  }

  // KeyEvents.
  void KeyTouched(int db, std::string_view key) override { TouchWatchedKey(db, key); }
  void KeyExpired(int db, std::string_view key) override;

  // Updates an entry's LRU/LFU access clock (maxmemory-policy decides which).
  void TouchAccessClock(Entry* e);
  // Publishes a keyspace notification if notify-keyspace-events enables `type_class`.
  void NotifyKeyspaceEvent(char type_class, std::string_view event, std::string_view key, int db);

  // Flushes one database (-1: all), reporting to WATCH; returns keys removed. With `async`
  // the keys are destroyed on the background thread.
  size_t Flush(int db, bool async = false);
  // Bytes this process holds in client buffers (INFO mem_clients_normal).
  size_t ClientBufferBytes() const;

  // Active expiry can be switched off by DEBUG SET-ACTIVE-EXPIRE 0.
  bool active_expire_enabled = true;
  // INFO stats: instantaneous rates, sampled by the cron.
  double instantaneous_ops_per_sec() const;
  double instantaneous_input_kbps() const;
  double instantaneous_output_kbps() const;

  // Called by Client.
  void OnClientOutput(Client* c);
  void CheckOutputLimits(Client* c);

 private:
  void Accept(int listen_fd, bool unix_socket);
  void BeforeSleep();
  void Cron();
  void FreeClosedClients();
  // Active expiry over the databases, round robin, within `budget_us`.
  void ActiveExpireCycle(int64_t budget_us);
  void ResumePausedClients();
  void Reject(Client* c, Command* cmd, std::string_view msg);
  // enable-debug-command: yes, or local and the client is on this machine.
  bool ProtectedCommandAllowed(const Client* c) const;
  void FeedMonitors(Client* c, const ArgList& args);
  // After a command ran at the outermost level: feeds what it and the commands it ran queued.
  void PropagateCall(CommandContext& ctx, const ArgList& args, bool dirtied);
  // Feeds the queued commands, wrapped in MULTI ... EXEC when there are several.
  void FlushPendingWrites();
  void FeedSinks(int db, const ArgList& argv, bool replicas_only);

  class Listener;
  struct PendingWrite {
    int db;
    std::vector<std::string> argv;
    bool replicas_only;
  };
  std::vector<WriteSink*> sinks_;
  bool loading_ = false;
  // Commands of the current execution unit waiting to be fed (see Propagate).
  std::vector<PendingWrite> pending_writes_;
  // Nesting of Call: 1 while a command runs, 2 inside EXEC's queued commands.
  int call_depth_ = 0;
  // The clock reading that ended the latest command of the input batch being run, or 0.
  int64_t command_clock_us_ = 0;
  bool in_input_batch_ = false;
  Command* exec_command_ = nullptr;
  Config config_;
  EventLoop loop_;
  std::unique_ptr<AofManager> aof_;
  std::unique_ptr<Replication> replication_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<Database>> dbs_;
  Tiering tiering_{&MemoryTiers::Get()};
  std::unique_ptr<RdbPersistence> rdb_;
  Blocking blocking_{this};
  std::vector<uint32_t> shared_integer_clock_;  // LRU clocks of the shared integers
  EvictionPolicy eviction_policy_ = EvictionPolicy::kNoEviction;
  bool lfu_ = false;
  std::vector<EvictionCandidate> eviction_pool_;
  size_t next_eviction_db_ = 0;
  std::unordered_map<uint64_t, Client*> clients_;
  std::vector<Client*> closing_;
  std::vector<Client*> pending_write_;
  std::vector<Client*> paused_;
  std::vector<Client*> monitors_;
  uint64_t next_client_id_ = 1;
  ServerStats stats_;
  PubSub pubsub_;
  std::map<std::pair<int, std::string>, std::vector<Client*>> watched_;
  int64_t pause_until_ms_ = 0;
  bool pause_writes_only_ = false;
  std::deque<SlowlogEntry> slowlog_;
  std::map<std::string, LatencyEvent> latency_events_;
  int64_t start_ms_ = 0;
  int bound_port_ = 0;
  std::string run_id_;
  int expire_db_cursor_ = 0;
  // Set when an expiry pass ran out of time: before-sleep then runs short extra passes.
  bool expire_backlog_ = false;
  int64_t last_fast_expire_us_ = 0;
  // Rate samples: (time, total) pairs for ops, input and output bytes.
  struct RateSampler {
    static constexpr int kSamples = 16;
    double samples[kSamples] = {};
    int idx = 0;
    int64_t last_time_ms = 0;
    uint64_t last_value = 0;
    void Add(int64_t now_ms, uint64_t value);
    double Average() const;
  };
  RateSampler ops_rate_, in_rate_, out_rate_;
  std::string notify_flags_text_;
  uint32_t notify_mask_ = 0;
};

}  // namespace memkeydb
