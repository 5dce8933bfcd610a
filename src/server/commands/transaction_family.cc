// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
//
// Commands sent after MULTI are queued by the pipeline (Server::Execute); a command rejected
// while queuing (unknown, wrong arity) marks the transaction so EXEC answers EXECABORT. WATCH
// registers keys whose modification, expiry or flush makes EXEC answer a null array.

#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/server.h"

namespace memkeydb {
namespace {

void DiscardTransaction(Server& server, Client& c) {
  c.multi_queue.clear();
  c.flags &= ~(kClientMulti | kClientDirtyCas | kClientDirtyExec);
  server.UnwatchAll(&c);
}

// A watched key that was live at WATCH time and has expired since breaks the transaction,
// even if no one has deleted it yet.
bool WatchedKeyExpired(Server& server, Client& c, int64_t now_ms) {
  for (const auto& w : c.watched_keys) {
    if (w.expired_when_watched) continue;
    Entry* e = server.db(w.db).FindRaw(w.key);
    if (e != nullptr && server.db(w.db).IsExpired(e, now_ms)) return true;
  }
  return false;
}

// MULTI
void MultiCommand(CommandContext& ctx) {
  if (ctx.client().has(kClientMulti)) {
    ctx.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client().flags |= kClientMulti;
  ctx.reply().Ok();
}

// DISCARD
void DiscardCommand(CommandContext& ctx) {
  if (!ctx.client().has(kClientMulti)) {
    ctx.Error("ERR DISCARD without MULTI");
    return;
  }
  DiscardTransaction(ctx.server(), ctx.client());
  ctx.reply().Ok();
}

// EXEC
void ExecCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  Server& s = ctx.server();
  if (!c.has(kClientMulti)) {
    ctx.Error("ERR EXEC without MULTI");
    return;
  }
  if (c.has(kClientDirtyExec)) {
    ctx.Error("EXECABORT Transaction discarded because of previous errors.");
    DiscardTransaction(s, c);
    return;
  }
  if (c.has(kClientDirtyCas) || WatchedKeyExpired(s, c, ctx.now_ms())) {
    ctx.reply().NullArray();
    DiscardTransaction(s, c);
    return;
  }
  // Keys are unwatched before running the queue: the transaction's own writes must not
  // mark it dirty.
  s.UnwatchAll(&c);
  std::vector<std::vector<std::string>> queue;
  queue.swap(c.multi_queue);
  c.flags &= ~kClientMulti;
  c.flags |= kClientExecuting;
  ctx.reply().ArrayHeader(queue.size());
  for (const auto& args : queue) {
    ArgList views(args.begin(), args.end());
    Command* cmd = CommandTable::Get().Find(views[0]);
    if (cmd->has_subcommands()) cmd = CommandTable::FindSub(cmd, views[1]);
    s.Call(&c, cmd, views);
  }
  c.flags &= ~(kClientDirtyCas | kClientDirtyExec | kClientExecuting);
}

// WATCH key [key ...]
void WatchCommand(CommandContext& ctx) {
  if (ctx.client().has(kClientMulti)) {
    ctx.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.server().Watch(&ctx.client(), ctx.db_index(), ctx.arg(i));
  }
  ctx.reply().Ok();
}

// UNWATCH
void UnwatchCommand(CommandContext& ctx) {
  ctx.server().UnwatchAll(&ctx.client());
  ctx.client().flags &= ~kClientDirtyCas;
  ctx.reply().Ok();
}

constexpr uint32_t kTxFlags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy;

const CommandSpec kTransactionCommands[] = {
    {"multi", 1, kTxFlags, 0, 0, 0, "transactions", "1.2.0", "Starts a transaction.", "O(1)", "",
     MultiCommand},
    {"exec", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdSkipSlowlog, 0, 0, 0,
     "transactions", "1.2.0", "Executes all commands in a transaction.",
     "Depends on commands in the transaction", "", ExecCommand},
    {"discard", 1, kTxFlags, 0, 0, 0, "transactions", "2.0.0", "Discards a transaction.",
     "O(N), when N is the number of queued commands", "", DiscardCommand},
    {"watch", -2, kTxFlags, 1, -1, 1, "transactions", "2.2.0",
     "Monitors changes to keys to determine the execution of a transaction.",
     "O(1) for every key.", "key [key ...]", WatchCommand},
    {"unwatch", 1, kTxFlags, 0, 0, 0, "transactions", "2.2.0",
     "Forgets about watched keys of a transaction.", "O(1)", "", UnwatchCommand},
    {},
};

}  // namespace

void RegisterTransactionCommands() { CommandTable::Get().Register(kTransactionCommands); }

}  // namespace memkeydb
