// Replication commands: PSYNC, SYNC, REPLCONF, REPLICAOF / SLAVEOF, ROLE, WAIT. The machinery
// is server/replication.h; replies and error texts follow Redis 7.0.15.

#include <string>
#include <vector>

#include "common/logging.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// PSYNC replid offset
void PsyncCommand(CommandContext& ctx) {
  if (ctx.client().has(kClientMaster)) return;
  ctx.server().replication().Psync(&ctx.client(), ctx.arg(1), ctx.arg(2), false);
}

// SYNC: the old full synchronisation, without +FULLRESYNC (redis-cli --rdb uses it).
void SyncCommand(CommandContext& ctx) {
  if (ctx.client().has(kClientMaster)) return;
  ctx.server().replication().Psync(&ctx.client(), "?", "-1", true);
}

// REPLCONF <option> <value> [<option> <value> ...]
void ReplconfCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.SyntaxError();
    return;
  }
  std::vector<std::string_view> args(ctx.args().begin(), ctx.args().end());
  bool reply_ok = true;
  std::string error;
  if (!ctx.server().replication().Replconf(&ctx.client(), args, &reply_ok, &error)) {
    ctx.Error(error);
    return;
  }
  if (reply_ok) ctx.reply().Ok();
}

// REPLICAOF host port | NO ONE (and SLAVEOF)
void ReplicaofCommand(CommandContext& ctx) {
  Replication& repl = ctx.server().replication();
  if (ctx.ArgIs(1, "no") && ctx.ArgIs(2, "one")) {
    if (repl.is_replica()) {
      repl.Promote();
      MKDB_LOG(kNotice) << "MASTER MODE enabled (user request from '" << ctx.client().peer()
                        << "')";
    }
    ctx.reply().Ok();
    return;
  }
  if (ctx.client().has(kClientReplica)) {
    ctx.Error("ERR Command is not valid when client is a replica.");
    return;
  }
  int64_t port;
  if (!ctx.ParseInt(2, &port) || port < 0 || port > 65535) {
    ctx.Error("ERR Invalid master port");
    return;
  }
  std::string status = repl.SetPrimary(std::string(ctx.arg(1)), static_cast<int>(port));
  if (!status.empty()) {
    ctx.reply().SimpleString(status.substr(1));
    return;
  }
  MKDB_LOG(kNotice) << "REPLICAOF " << ctx.arg(1) << ":" << port << " enabled (user request from '"
                    << ctx.client().peer() << "')";
  ctx.reply().Ok();
}

// ROLE
void RoleCommand(CommandContext& ctx) {
  Replication& repl = ctx.server().replication();
  ReplyWriter& w = ctx.reply();
  if (!repl.is_replica()) {
    std::vector<Client*> online;
    for (Client* c : repl.replicas()) {
      if (c->repl->state == ReplicaSyncState::kOnline) online.push_back(c);
    }
    w.ArrayHeader(3);
    w.Bulk("master");
    w.Integer(repl.offset());
    w.ArrayHeader(online.size());
    for (Client* c : online) {
      w.ArrayHeader(3);
      w.Bulk(ReplicaIp(*c));
      w.Bulk(std::to_string(c->repl->listening_port));
      w.Bulk(std::to_string(c->repl->ack_offset));
    }
    return;
  }
  w.ArrayHeader(5);
  w.Bulk("slave");
  w.Bulk(repl.primary_host());
  w.Integer(repl.primary_port());
  w.Bulk(repl.link_state_name());
  w.Integer(repl.master_client() != nullptr || repl.link_up() ? repl.offset() : -1);
}

// WAIT numreplicas timeout
void WaitCommand(CommandContext& ctx) {
  Server& server = ctx.server();
  Replication& repl = server.replication();
  Client& c = ctx.client();
  if (repl.is_replica()) {
    ctx.Error(
        "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
        "if a replica is configured to be writable (which is not the default) writes to "
        "replicas are just local and are not propagated.");
    return;
  }
  int64_t want, timeout;
  if (!ctx.ParseInt(1, &want)) return;
  if (!ctx.ParseInt(2, &timeout)) return;
  if (timeout < 0) {
    ctx.Error("ERR timeout is negative");
    return;
  }
  if (!ctx.reprocessing()) c.repl_wait_offset = repl.offset();
  int acked = repl.CountAcked(c.repl_wait_offset);
  if (acked >= want || c.has(kClientMulti) || c.has(kClientExecuting)) {
    ctx.reply().Integer(acked);
    return;
  }
  ctx.Block({}, timeout > 0 ? ctx.now_ms() + timeout : 0,
            CommandContext::TimeoutReply::kReplicaCount);
  repl.RequestAcks();
}

constexpr uint32_t kRepl = kCmdAdmin | kCmdNoScript;

const CommandSpec kReplicationCommands[] = {
    {"psync", -3, kRepl | kCmdNoMulti, 0, 0, 0, "server", "2.8.0",
     "Internal command used for replication", "", "replicationid offset", PsyncCommand},
    {"sync", 1, kRepl | kCmdNoMulti, 0, 0, 0, "server", "1.0.0",
     "Internal command used for replication", "", "", SyncCommand},
    {"replconf", -1, kRepl | kCmdLoading | kCmdStale | kCmdAllowBusy, 0, 0, 0, "server",
     "3.0.0", "An internal command for configuring the replication stream", "O(1)", "",
     ReplconfCommand},
    {"replicaof", 3, kRepl | kCmdStale, 0, 0, 0, "server", "5.0.0",
     "Make the server a replica of another instance, or promote it as master.", "O(1)",
     "host port", ReplicaofCommand},
    {"slaveof", 3, kRepl | kCmdStale, 0, 0, 0, "server", "1.0.0",
     "Make the server a replica of another instance, or promote it as master.", "O(1)",
     "host port", ReplicaofCommand},
    {"role", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, "server", "2.8.12",
     "Return the role of the instance in the context of replication", "O(1)", "", RoleCommand},
    {"wait", 3, kCmdNoScript, 0, 0, 0, "generic", "3.0.0",
     "Wait for the synchronous replication of all the write commands sent in the context of "
     "the current connection",
     "O(1)", "numreplicas timeout", WaitCommand},
    {},
};

}  // namespace

void RegisterReplicationCommands() { CommandTable::Get().Register(kReplicationCommands); }

}  // namespace memkeydb
