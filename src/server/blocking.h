// Blocking: clients waiting in BLPOP, BZPOPMIN, XREAD BLOCK and the like.
//
// A blocking command that finds nothing to serve calls CommandContext::Block; the client then
// sits in a FIFO queue per key it waits on, and stops reading further commands. Every write to
// a key (CommandContext::KeyModified) marks the key ready if anyone waits on it. After each
// top-level command — so after EXEC as a whole, never inside it — and in before-sleep, the
// server serves ready keys: for each ready key, the clients waiting on it run their command
// again, oldest first. A run that replies unblocks its client; a run that still finds nothing
// calls Block again and keeps its place. Serving can make other keys ready (BLMOVE pushes to its
// destination); they are served in the same pass.
//
// Running the command again, rather than handing it the pushed value, keeps each command's
// semantics in one place (its handler) and makes every way a key can gain data — a push, a
// RENAME, a MOVE, a SWAPDB, a transaction — wake waiters the same way.
//
// Deadlines: a timer runs at the earliest deadline; an expired client gets its command's
// timeout reply (a null array or a null bulk). CLIENT UNBLOCK ends a wait with that reply or
// with an UNBLOCKED error.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/command_context.h"

namespace memkeydb {

class Server;
struct Command;

// What a blocked client waits for; owned by the client while it is blocked.
struct BlockedState {
  const Command* cmd = nullptr;
  std::vector<std::string> args;  // the command to run again
  int db = 0;
  std::vector<std::string> keys;
  int64_t deadline_ms = 0;  // 0: none
  CommandContext::TimeoutReply on_timeout = CommandContext::TimeoutReply::kNullArray;
};

class Blocking {
 public:
  explicit Blocking(Server* server) : server_(server) {}

  // Blocks `c` (not blocked yet) with `state`.
  void Block(Client* c, BlockedState state);
  // Removes `c` from every queue and clears its state (it was served, timed out, unblocked by
  // CLIENT UNBLOCK, or is being freed). Does not reply or resume its input.
  void Remove(Client* c);
  // A key was written: if anyone waits on it, it is served after the current command.
  void SignalKey(int db, std::string_view key) {
    if (!waiting_.empty()) SignalKeySlow(db, key);
  }
  // Every waited-on key of database `db` (SWAPDB, FLUSHDB: contents replaced wholesale).
  void SignalDb(int db);
  // Serves ready keys until none is left. Re-entrant calls return at once (the outer pass
  // picks up what they would have served).
  void ServeReadyKeys();
  // Times out clients whose deadline passed; returns the microseconds until the next deadline
  // (a long wait when there is none).
  int64_t HandleTimeouts();
  // CLIENT UNBLOCK: ends c's wait with its timeout reply, or with an UNBLOCKED error; then its
  // pending input runs. False if c was not blocked.
  bool Unblock(Client* c, bool with_error);

  size_t blocked_clients() const { return blocked_; }
  // Runs again the commands of the clients blocked on no key (WAIT): an acknowledgement
  // arrived.
  void WakeWaitingForReplicas();

  // Keys some client waits on (INFO blocked_keys... not in 7.0; for tests).
  size_t waited_keys() const { return waiting_.size(); }
  // Called once the loop exists: registers the deadline timer.
  void Start();

 private:
  using Key = std::pair<int, std::string>;
  void SignalKeySlow(int db, std::string_view key);
  // Runs c's command again; unblocks c if it replied.
  void Rerun(Client* c);
  // Replies, unblocks and resumes c.
  void Finish(Client* c);
  // The reply of a wait that ended without being served (timeout, CLIENT UNBLOCK).
  void TimeoutReply(Client* c);

  Server* server_;
  std::map<Key, std::list<Client*>> waiting_;
  std::vector<Key> ready_;
  std::vector<uint64_t> resume_;  // unblocked clients whose pending input must run
  std::set<Key> ready_set_;
  std::set<uint64_t> keyless_;  // clients blocked on no key (WAIT), by id
  std::set<std::pair<int64_t, uint64_t>> deadlines_;  // (deadline ms, client id)
  size_t blocked_ = 0;
  bool serving_ = false;
  size_t timer_ = SIZE_MAX;
};

}  // namespace memkeydb
