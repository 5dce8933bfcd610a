// CommandContext: what a command handler gets — the arguments, the client, its database, the
// reply writer — plus the helpers every family needs (argument parsing that replies Redis's
// error on failure, key-modified signals for WATCH and the dirty counter).
//
// Handlers reply exactly once (one RESP value, possibly an aggregate). Errors go through
// Error() so that INFO errorstats and failed_calls count them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ds/entry.h"
#include "protocol/resp_writer.h"
#include "server/client.h"
#include "store/database.h"

namespace memkeydb {

class Server;
struct Command;

using ArgList = std::vector<std::string_view>;

class CommandContext {
 public:
  CommandContext(Server* server, Client* client, const ArgList* args, const Command* cmd,
                 int64_t now_ms);

  Server& server() { return *server_; }
  Client& client() { return *client_; }
  const Command& command() const { return *cmd_; }
  const ArgList& args() const { return *args_; }
  std::string_view arg(size_t i) const { return (*args_)[i]; }
  size_t argc() const { return args_->size(); }
  ReplyWriter& reply() { return client_->reply(); }
  Database& db();
  int64_t now_ms() const { return now_ms_; }

  // Replies with an error and counts it. `msg` must start with the error code ("ERR ...").
  void Error(std::string_view msg);
  void WrongType();
  void SyntaxError();
  bool failed() const { return failed_; }

  // Parse helpers: on failure they reply with Redis's error and return false.
  bool ParseInt(size_t i, int64_t* out);
  bool ParseInt(std::string_view s, int64_t* out);
  bool ParseUint(size_t i, uint64_t* out);
  // An int argument parsed as Redis's getIntFromObjectOrReply: an int64 first, then int's
  // range, each with its own error unless `custom` replaces both.
  bool ParseInt32(size_t i, int* out, const char* custom = nullptr);
  bool ParseDouble(size_t i, double* out);  // "ERR value is not a valid float"
  // Case-insensitive comparison of argument i with an option name.
  bool ArgIs(size_t i, std::string_view option) const;

  // --- SCAN, HSCAN, SSCAN, ZSCAN ---
  // The cursor at argument i, read as Redis reads it with strtoul (leading zeros, '+' and a
  // wrapping '-' accepted; white space first, trailing bytes and overflow not): "ERR invalid
  // cursor" on failure.
  bool ParseScanCursor(size_t i, uint64_t* cursor);
  struct ScanOptions {
    int64_t count = 10;
    std::string_view pattern;
    bool use_pattern = false;  // a MATCH other than "*"
    std::string_view type;
    bool use_type = false;     // SCAN's TYPE
  };
  // MATCH, COUNT (and with allow_type, TYPE) from argument `first` on; replies Redis's error
  // and returns false on a bad option, a missing value or a COUNT below 1.
  bool ParseScanOptions(size_t first, bool allow_type, ScanOptions* out);

  // HRANDFIELD / ZRANDMEMBER key count [WITHVALUES | WITHSCORES]: the count at argument 2 and
  // whether argument 3 is `with_option`, with Redis's errors (a count of INT64_MIN, or one whose
  // double does not fit, with pairs, is out of range).
  bool ParseRandomCount(std::string_view with_option, int64_t* count, bool* with_pairs);

  // --- keyspace helpers ---
  // The live entry for `key` in the current database, for a read: counts a keyspace hit or
  // miss, refreshes the access clock, and publishes "keymiss" on a miss.
  Entry* Lookup(std::string_view key);
  // Like Lookup but leaves the access clock alone (EXISTS, TYPE, TTL, OBJECT).
  Entry* LookupNoTouch(std::string_view key);
  // For a write: refreshes the access clock, counts nothing.
  Entry* LookupForWrite(std::string_view key) { return LookupForWrite(db(), key); }
  Entry* LookupForWrite(Database& db, std::string_view key);
  // A key was modified: invalidates WATCHes and counts towards the dirty counter.
  void KeyModified(std::string_view key, int64_t dirty = 1) { KeyModifiedIn(db_index(), key, dirty); }
  void KeyModifiedIn(int db, std::string_view key, int64_t dirty = 1);
  // Keyspace notification (notify-keyspace-events); `type_class` is Redis's class letter.
  void Notify(char type_class, std::string_view event, std::string_view key, int db = -1);
  int db_index() const { return client_->db_index; }

  // --- blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK, ...; server/blocking.h) ---
  // Parses a blocking timeout at argument i into an absolute deadline in ms (0: wait forever),
  // replying Redis's error on failure. Seconds may be fractional ("0.1"); milliseconds must be
  // an integer (XREAD BLOCK).
  enum class TimeoutUnit { kSeconds, kMillis };
  bool ParseBlockTimeout(size_t i, TimeoutUnit unit, int64_t* deadline_ms);
  // False inside MULTI/EXEC (and scripts): there a blocking command that finds nothing to serve
  // replies as if its timeout had passed at once.
  bool CanBlock() const;
  // Blocks the client on `keys` of the current database. The handler has found nothing to serve
  // and must not reply. The command runs again (see reprocessing()) each time one of the keys is
  // written to, in the order clients blocked (FIFO per key), until a run replies; or the client
  // gets `on_timeout` once `deadline_ms` passes (0: never), or CLIENT UNBLOCK wakes it.
  // `rewritten` replaces the arguments of later runs (XREAD's "$" becomes the ID it stood for);
  // empty keeps the current ones. Later input from the client waits until it is unblocked.
  // kReplicaCount: WAIT's, the number of replicas that acknowledged its offset.
  enum class TimeoutReply { kNullArray, kNullBulk, kReplicaCount };
  void Block(const std::vector<std::string_view>& keys, int64_t deadline_ms,
             TimeoutReply on_timeout, std::vector<std::string> rewritten = {});
  // True when this run is a blocked client's command running again because a key it waits on
  // was written. If it still finds nothing to serve — or a key now holds another type, where
  // Redis 7.0 keeps waiting rather than erroring — it calls Block again, which keeps the
  // client's place in every queue and its deadline.
  bool reprocessing() const { return reprocessing_; }
  void set_reprocessing(bool v) { reprocessing_ = v; }
  bool blocked() const { return blocked_; }

  // --- the stream of writes (server/propagation.h) ---
  // A command that moved the dirty counter is fed to the sinks as its own arguments, after
  // whatever it queued with AlsoPropagate. Handlers whose effect depends on time, chance or
  // the server's state say what to feed instead. Check propagating() before building
  // arguments: with no sink these calls are skipped, and must cost nothing.
  bool propagating() const;
  // The command is replayed from the AOF being loaded, or applied from our primary: a server
  // wrote its arguments, and Redis applies some forms it refuses from users (XADD/XTRIM's
  // LIMIT without "~", which its own rewrite of an approximate trim keeps).
  bool replaying() const;
  // Feeds `argv` instead of the command's arguments (EXPIRE → PEXPIREAT, BLPOP → LPOP).
  void RewriteForPropagation(std::vector<std::string> argv);
  // Replaces argument i of what is fed (XADD's "*" by the ID chosen); other arguments stay.
  void RewriteArgForPropagation(size_t i, std::string value);
  // Feeds another command first, in database `db` (SPOP's SREMs, XREADGROUP's XCLAIMs). Its
  // own arguments are still fed after, if the command dirtied; PreventPropagation stops that.
  void AlsoPropagate(int db, std::vector<std::string> argv);
  // The command's own arguments are not fed (what AlsoPropagate queued still is).
  void PreventPropagation() { prevent_propagation_ = true; }
  // Feeds the command to replicas even though it changed no data (PUBLISH); not to the AOF.
  void PropagateToReplicas() { force_replicas_ = true; }
  // Feeds the command even though it changed nothing (FLUSHALL of an empty server, which a
  // replica must still apply in case it holds keys the primary does not).
  void ForcePropagation() { force_all_ = true; }
  bool propagation_forced() const { return force_all_; }
  bool propagation_prevented() const { return prevent_propagation_; }
  bool replicas_forced() const { return force_replicas_; }
  // The rewritten arguments, or nullptr to feed the command's own.
  const std::vector<std::string>* propagation_rewrite() const {
    return has_rewrite_ ? &rewrite_ : nullptr;
  }

 private:
  Server* server_;
  Client* client_;
  const ArgList* args_;
  const Command* cmd_;
  int64_t now_ms_;
  bool failed_ = false;
  bool reprocessing_ = false;
  bool blocked_ = false;
  bool prevent_propagation_ = false;
  bool force_replicas_ = false;
  bool force_all_ = false;
  bool has_rewrite_ = false;
  std::vector<std::string> rewrite_;
};

}  // namespace memkeydb
