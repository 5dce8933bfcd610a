// The stream of writes: every change to the dataset, as commands that reproduce it exactly
// when replayed in order — what the AOF appends and what replicas receive.
//
// A command is propagated when it changed the dataset (the dirty counter moved while it ran),
// as its own arguments unless it asked for others: commands whose effect depends on time or
// chance are rewritten into deterministic ones (EXPIRE → PEXPIREAT, SPOP → SREM, a served BLPOP
// → LPOP, XADD * → XADD with the ID chosen, ...), as Redis 7.0 does. Keys deleted by expiry or
// eviction are propagated as DEL (UNLINK with the lazyfree option). Several commands that come
// from one (a whole EXEC, a command plus the expiry of a key it met) arrive wrapped in
// MULTI ... EXEC, so a consumer applies all of them or none.
//
// Some commands reach replicas but not the AOF (PUBLISH: it changes no data, but subscribers of
// a replica must see the message). A sink receives those only if WantsReplicasOnly() says so
// (a replica link); the AOF keeps the default and never sees them. Each sink gets MULTI ... EXEC
// around a unit when it receives more than one command of it, so the AOF sees a transaction of
// one SET and one PUBLISH as the lone SET (as Redis 7.0 writes it when no replica is attached).
//
// Nothing is fed while the server is loading (Server::set_loading), so commands replayed from
// the AOF are not appended to it again.
#pragma once

#include <string_view>
#include <vector>

namespace memkeydb {

using ArgList = std::vector<std::string_view>;

// A consumer of the stream of writes (the AOF, replication). Sinks emit SELECT themselves
// when a command's database differs from the previous one they received.
class WriteSink {
 public:
  virtual ~WriteSink() = default;
  // One command that ran in database `db`. The arguments are only valid during the call.
  virtual void Feed(int db, const ArgList& argv) = 0;
  // True for a replica link: it is also fed, through Feed, the commands meant for replicas
  // only (PUBLISH). The AOF keeps the default.
  virtual bool WantsReplicasOnly() const { return false; }
};

}  // namespace memkeydb
