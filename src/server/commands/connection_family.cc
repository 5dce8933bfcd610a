// Connection commands: PING ECHO QUIT RESET AUTH HELLO SELECT.

#include <algorithm>

#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr const char* kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

// Checks credentials against the default user (requirepass). ACL users come later.
bool CheckCredentials(Server& server, std::string_view user, std::string_view pass) {
  const std::string& required = server.config().requirepass;
  if (user != "default") return false;
  return required.empty() || pass == required;
}

// PING [message]
void PingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.Error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  ReplyWriter& w = ctx.reply();
  // A RESP2 subscriber gets the reply in the shape of a pub/sub message.
  if (ctx.client().resp() == 2 && ctx.client().in_pubsub_mode()) {
    w.ArrayHeader(2);
    w.Bulk("pong");
    w.Bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
    return;
  }
  if (ctx.argc() == 2) {
    w.Bulk(ctx.arg(1));
  } else {
    w.SimpleString("PONG");
  }
}

// ECHO message
void EchoCommand(CommandContext& ctx) { ctx.reply().Bulk(ctx.arg(1)); }

// QUIT
void QuitCommand(CommandContext& ctx) {
  ctx.reply().Ok();
  ctx.client().flags |= kClientCloseAfterReply;
}

// RESET
void ResetCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  Server& s = ctx.server();
  c.multi_queue.clear();
  c.flags &= ~(kClientMulti | kClientDirtyCas | kClientDirtyExec | kClientReplyOff |
               kClientReplySkip | kClientReplySkipNext | kClientNoEvict);
  s.UnwatchAll(&c);
  s.pubsub().RemoveClient(&c);
  if (c.has(kClientMonitor)) {
    auto& m = s.monitors();
    m.erase(std::remove(m.begin(), m.end(), &c), m.end());
    c.flags &= ~kClientMonitor;
  }
  c.db_index = 0;
  c.set_resp(2);
  c.set_name("");
  c.authenticated = s.config().requirepass.empty();
  ctx.reply().SimpleString("RESET");
}

// AUTH [username] password
void AuthCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.SyntaxError();
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  std::string_view pass = ctx.arg(ctx.argc() - 1);
  if (ctx.argc() == 2 && ctx.server().config().requirepass.empty()) {
    ctx.Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
    return;
  }
  if (!CheckCredentials(ctx.server(), user, pass)) {
    ctx.Error(kWrongPass);
    return;
  }
  ctx.client().authenticated = true;
  ctx.reply().Ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void HelloCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  int64_t ver = 0;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!ParseInt64(ctx.arg(1), &ver)) {
      ctx.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (ver < 2 || ver > 3) {
      ctx.Error("NOPROTO unsupported protocol version");
      return;
    }
    i = 2;
  }
  std::string_view user, pass, name;
  bool auth = false, setname = false;
  for (; i < ctx.argc(); ++i) {
    size_t left = ctx.argc() - i - 1;
    if (ctx.ArgIs(i, "auth") && left >= 2) {
      auth = true;
      user = ctx.arg(i + 1);
      pass = ctx.arg(i + 2);
      i += 2;
    } else if (ctx.ArgIs(i, "setname") && left >= 1) {
      setname = true;
      name = ctx.arg(i + 1);
      i += 1;
    } else {
      ctx.Error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
      return;
    }
  }
  if (auth) {
    if (!CheckCredentials(ctx.server(), user, pass)) {
      ctx.Error(kWrongPass);
      return;
    }
    c.authenticated = true;
  }
  if (!c.authenticated) {
    ctx.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
    return;
  }
  if (setname) {
    for (unsigned char ch : name) {
      if (ch < '!' || ch > '~') {
        ctx.Error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
    }
    c.set_name(std::string(name));
  }
  if (ver != 0) c.set_resp(static_cast<int>(ver));
  ReplyWriter& w = ctx.reply();
  w.MapHeader(7);
  w.Bulk("server");
  w.Bulk("redis");
  w.Bulk("version");
  w.Bulk("7.0.15");
  w.Bulk("proto");
  w.Integer(c.resp());
  w.Bulk("id");
  w.Integer(static_cast<int64_t>(c.id()));
  w.Bulk("mode");
  w.Bulk("standalone");
  w.Bulk("role");
  w.Bulk("master");
  w.Bulk("modules");
  w.ArrayHeader(0);
}

// SELECT index
void SelectCommand(CommandContext& ctx) {
  int idx;
  if (!ctx.ParseInt32(1, &idx)) return;
  if (idx < 0 || idx >= ctx.server().db_count()) {
    ctx.Error(errors::kDbIndexOutOfRange);
    return;
  }
  ctx.client().db_index = idx;
  ctx.reply().Ok();
}

const CommandSpec kConnectionCommands[] = {
    {"ping", -1, kCmdFast | kCmdSentinel, 0, 0, 0, "connection", "1.0.0",
     "Returns the server's liveliness response.", "O(1)", "[message]", PingCommand},
    {"echo", 2, kCmdFast, 0, 0, 0, "connection", "1.0.0", "Returns the given string.", "O(1)",
     "message", EchoCommand},
    {"quit", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     0, 0, 0, "connection", "1.0.0", "Closes the connection.", "O(1)", "", QuitCommand},
    {"reset", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     0, 0, 0, "connection", "6.2.0", "Resets the connection.", "O(1)", "", ResetCommand},
    {"auth", -2, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     0, 0, 0, "connection", "1.0.0", "Authenticates the connection.",
     "O(N) where N is the number of passwords defined for the user", "[username] password",
     AuthCommand},
    {"hello", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
     0, 0, 0, "connection", "6.0.0", "Handshakes with the Redis server.", "O(1)",
     "[protover [AUTH username password] [SETNAME clientname]]", HelloCommand},
    {"select", 2, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, "connection", "1.0.0",
     "Changes the selected database.", "O(1)", "index", SelectCommand},
    {},
};

}  // namespace

void RegisterConnectionCommands() { CommandTable::Get().Register(kConnectionCommands); }

}  // namespace memkeydb
