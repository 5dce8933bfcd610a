// The CLIENT command family: ID, SETNAME, GETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, REPLY,
// NO-EVICT, UNBLOCK, the client-side caching stubs (TRACKING, TRACKINGINFO, GETREDIR, CACHING)
// and HELP. Replies and error texts follow Redis 7.0.15.

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <string>
#include <vector>

#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/server.h"

namespace memkeydb {
namespace {

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

// As Redis classifies them (a MONITOR client is "normal" too).
ClientType TypeOf(const Client& c) {
  if (c.has(kClientMaster)) return ClientType::kMaster;
  if (c.has(kClientReplica)) return ClientType::kReplica;
  return c.in_pubsub_mode() ? ClientType::kPubSub : ClientType::kNormal;
}

void UnknownClientType(CommandContext& ctx, std::string_view name) {
  ctx.Error("ERR Unknown client type '" + std::string(name) + "'");
}

std::string ClientFlagsText(const Client& c) {
  std::string f;
  if (c.has(kClientReplica)) f += 'S';
  if (c.has(kClientMaster)) f += 'M';
  if (c.has(kClientMonitor)) f += 'O';
  if (c.in_pubsub_mode()) f += 'P';
  if (c.has(kClientMulti)) f += 'x';
  if (c.has(kClientBlocked)) f += 'b';
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
  Client* target = ctx.server().FindClient(static_cast<uint64_t>(id));
  bool with_error = ctx.argc() == 4 && ctx.ArgIs(3, "error");
  bool done = target != nullptr && ctx.server().blocking().Unblock(target, with_error);
  ctx.reply().Integer(done ? 1 : 0);
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
// The table

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

const CommandSpec kClientCommands[] = {
    {"client", -2, 0, 0, 0, 0, "connection", "2.4.0", "A container for client connection commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kClientSubcommands},
    {},
};

}  // namespace

void RegisterClientCommands() { CommandTable::Get().Register(kClientCommands); }

}  // namespace memkeydb
