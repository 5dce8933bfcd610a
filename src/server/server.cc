#include "server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "common/clock.h"
#include "common/glob.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"
#include "net/socket.h"
#include "persistence/snapshot.h"
#include "server/aof_manager.h"
#include "server/command_table.h"
#include "server/errors.h"
#include "server/replication.h"

namespace memkeydb {
namespace {

// Commands a RESP2 client in subscribed mode may still run.
bool AllowedInPubSubMode(const std::string& name) {
  static const char* kAllowed[] = {"ping",       "subscribe",  "ssubscribe", "unsubscribe",
                                   "sunsubscribe", "psubscribe", "punsubscribe", "quit",
                                   "reset"};
  for (const char* a : kAllowed) {
    if (name == a) return true;
  }
  return false;
}

// Commands that run immediately inside MULTI instead of being queued.
bool RunsInsideMulti(const std::string& name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" ||
         name == "quit" || name == "reset";
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return out;
}

// notify-keyspace-events flag bits.
enum NotifyFlag : uint32_t {
  kNotifyKeyspace = 1 << 0,   // K
  kNotifyKeyevent = 1 << 1,   // E
  kNotifyGeneric = 1 << 2,    // g
  kNotifyString = 1 << 3,     // $
  kNotifyList = 1 << 4,       // l
  kNotifySet = 1 << 5,        // s
  kNotifyHash = 1 << 6,       // h
  kNotifyZset = 1 << 7,       // z
  kNotifyExpired = 1 << 8,    // x
  kNotifyEvicted = 1 << 9,    // e
  kNotifyStream = 1 << 10,    // t
  kNotifyKeyMiss = 1 << 11,   // m
  kNotifyModule = 1 << 12,    // d
  kNotifyNew = 1 << 13,       // n
};

uint32_t NotifyBit(char c) {
  switch (c) {
    case 'K': return kNotifyKeyspace;
    case 'E': return kNotifyKeyevent;
    case 'g': return kNotifyGeneric;
    case '$': return kNotifyString;
    case 'l': return kNotifyList;
    case 's': return kNotifySet;
    case 'h': return kNotifyHash;
    case 'z': return kNotifyZset;
    case 'x': return kNotifyExpired;
    case 'e': return kNotifyEvicted;
    case 't': return kNotifyStream;
    case 'm': return kNotifyKeyMiss;
    case 'd': return kNotifyModule;
    case 'n': return kNotifyNew;
    case 'A':
      return kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
             kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule;
  }
  return 0;
}

// --- Inline snapshot hook (persistence/snapshot.h) ---
// Before a command that may write runs, the live snapshot emits each of its keys it still owes,
// so the handler only changes keys already out. PFCOUNT is flagged read-only but refreshes the
// cardinality cache kept in the value's bytes: its keys go out first too, so the snapshot holds
// the bytes of the snapshot moment. Keys of a command whose movable-key arguments are malformed
// (it will fail) are taken to be every argument: emitting early is always safe.
void EmitKeysBeforeWrite(InlineSnapshot* snapshot, int db, const Command* cmd,
                         const ArgList& args) {
  if (!cmd->is(kCmdWrite) && cmd->full_name != "pfcount") return;
  std::vector<size_t> keys;
  if (!FindCommandKeys(*cmd, args, &keys)) {
    for (size_t i = 1; i < args.size(); ++i) snapshot->BeforeKeyChange(db, args[i]);
    return;
  }
  for (size_t i : keys) snapshot->BeforeKeyChange(db, args[i]);
}

}  // namespace

std::string RandomHex(size_t n) {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (char& c : s) c = kHex[rd() & 15];
  return s;
}


void ServerStats::CountError(std::string_view msg) {
  size_t sp = msg.find(' ');
  std::string code(msg.substr(0, sp == std::string_view::npos ? msg.size() : sp));
  ++total_error_replies;
  // Redis keeps at most 128 distinct error codes in errorstats.
  if (error_counts.count(code) || error_counts.size() < 128) ++error_counts[code];
}

// A listening socket registered with the loop.
class Server::Listener : public IoHandler {
 public:
  Listener(Server* server, int fd, bool unix_socket)
      : server_(server), fd_(fd), unix_(unix_socket) {}
  ~Listener() override { close(fd_); }
  void OnIoEvent(uint32_t) override { server_->Accept(fd_, unix_); }
  int fd() const { return fd_; }

 private:
  Server* server_;
  int fd_;
  bool unix_;
};

Server::Server(Config config) : config_(std::move(config)) {
  RegisterAllCommands();
  start_ms_ = NowMs();
  last_save_s = start_ms_ / 1000;
  run_id_ = RandomHex(40);
  UpdateAccessClock(start_ms_);
  shared_integer_clock_.assign(kSharedIntegers, Database::access_clock());
  for (int i = 0; i < config_.databases; ++i) {
    dbs_.push_back(std::make_unique<Database>(i));
    dbs_.back()->set_events(this);
  }
  ApplyEvictionPolicy();
  ApplyCollectionLimits(config_);
  rdb_ = std::make_unique<RdbPersistence>(this);
  aof_ = std::make_unique<AofManager>(this);
  replication_ = std::make_unique<Replication>(this);
  exec_command_ = CommandTable::Get().Find("exec");
}

Server::~Server() {
  aof_->Shutdown();
  RemoveWriteSink(replication_.get());
  std::vector<Client*> all;
  for (auto& [id, c] : clients_) all.push_back(c);
  for (Client* c : all) FreeClient(c);
  listeners_.clear();
}

bool Server::Start() {
  if (!loop_.ok()) {
    MKDB_LOG(kWarning) << "Failed creating the event loop: " << strerror(errno);
    return false;
  }
  std::string tier_error = tiering_.Apply(config_);
  if (!tier_error.empty()) {
    MKDB_LOG(kWarning) << "Cannot start: " << tier_error;
    return false;
  }
  MKDB_LOG(kNotice) << tiering_.Describe();
  if (config_.port != 0) {
    for (const std::string& addr_in : config_.bind) {
      bool optional = !addr_in.empty() && addr_in[0] == '-';
      std::string addr = optional ? addr_in.substr(1) : addr_in;
      std::string err;
      int fd = ListenTcp(addr, static_cast<int>(config_.port), static_cast<int>(config_.tcp_backlog),
                         &err);
      if (fd < 0) {
        if (optional) continue;
        MKDB_LOG(kWarning) << err;
        MKDB_LOG(kWarning) << "Failed listening on port " << config_.port << " (tcp), aborting.";
        return false;
      }
      listeners_.push_back(std::make_unique<Listener>(this, fd, false));
    }
    bound_port_ = static_cast<int>(config_.port);
  }
  if (!config_.unixsocket.empty()) {
    std::string err;
    int fd = ListenUnix(config_.unixsocket, static_cast<int>(config_.unixsocketperm),
                        static_cast<int>(config_.tcp_backlog), &err);
    if (fd < 0) {
      MKDB_LOG(kWarning) << err;
      return false;
    }
    listeners_.push_back(std::make_unique<Listener>(this, fd, true));
  }
  if (listeners_.empty()) {
    MKDB_LOG(kWarning) << "Configured to not listen anywhere, exiting.";
    return false;
  }
  for (auto& l : listeners_) loop_.Watch(l->fd(), true, false, l.get());
  loop_.set_before_sleep([this] { BeforeSleep(); });
  loop_.set_cron(static_cast<int>(1000 / effective_hz()),
                 [this] { Cron(); });
  loop_.AddTimer(0, [this] { return tiering_.Tick(dbs_, config_.memory_ratio_check_period); });
  blocking_.Start();
  return aof_->LoadAndOpenOnStart();
}

// ---------------------------------------------------------------------------------------------
// Clients

void Server::Accept(int listen_fd, bool unix_socket) {
  // Accept a bounded batch per event so a connection flood cannot starve other clients.
  for (int i = 0; i < 1000; ++i) {
    std::string peer, local, err;
    int fd = AcceptConnection(listen_fd, unix_socket, &peer, &local, &err);
    if (fd < 0) {
      if (!err.empty()) MKDB_LOG(kWarning) << "Accepting client connection: " << err;
      return;
    }
    ++stats_.total_connections_received;
    if (static_cast<int64_t>(clients_.size()) >= config_.maxclients) {
      static const char kMsg[] = "-ERR max number of clients reached\r\n";
      ssize_t ignored = write(fd, kMsg, sizeof(kMsg) - 1);
      (void)ignored;
      close(fd);
      ++stats_.rejected_connections;
      continue;
    }
    if (ProtectedModeRefuses(config_, peer, unix_socket)) {
      static const char kDenied[] =
          "-DENIED memkeydb is in protected mode: protected-mode is on, no password is set for "
          "the default user and the server listens on every interface, so only loopback "
          "connections are served. Set a password (requirepass), bind to specific addresses, "
          "or turn protected mode off (CONFIG SET protected-mode no from the loopback "
          "interface, or --protected-mode no) if the server is not reachable from untrusted "
          "networks.\r\n";
      ssize_t ignored = write(fd, kDenied, sizeof(kDenied) - 1);
      (void)ignored;
      close(fd);
      ++stats_.rejected_connections;
      continue;
    }
    if (!unix_socket) {
      SetNoDelay(fd);
      if (config_.tcp_keepalive > 0) SetKeepAlive(fd, static_cast<int>(config_.tcp_keepalive));
    }
    Client* c = new Client(this, fd, next_client_id_++);
    if (unix_socket) peer = local = config_.unixsocket + ":0";  // how Redis names them
    c->set_addresses(peer, local);
    if (unix_socket) c->flags |= kClientUnixSocket;
    clients_[c->id()] = c;
    if (!loop_.Watch(fd, true, false, c)) {
      MKDB_LOG(kWarning) << "Error registering fd event for the new client: " << strerror(errno);
      FreeClient(c);
    }
  }
}

Client* Server::AdoptConnection(int fd) {
  SetNoDelay(fd);
  if (config_.tcp_keepalive > 0) SetKeepAlive(fd, static_cast<int>(config_.tcp_keepalive));
  Client* c = new Client(this, fd, next_client_id_++);
  auto name = [fd](bool peer) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                  : getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    if (rc != 0) return std::string("?:0");
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
      port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
      port = ntohs(a->sin6_port);
    }
    return std::string(host) + ":" + std::to_string(port);
  };
  c->set_addresses(name(true), name(false));
  clients_[c->id()] = c;
  if (!loop_.Watch(fd, true, false, c)) {
    FreeClient(c);
    return nullptr;
  }
  return c;
}

Client* Server::CreateFakeClient() {
  Client* c = new Client(this, -1, next_client_id_++);
  c->flags |= kClientProtected;
  c->authenticated = true;
  clients_[c->id()] = c;
  return c;
}

Client* Server::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

void Server::FreeClient(Client* c) {
  if (c->fd() >= 0) loop_.Unwatch(c->fd());
  if (c->has(kClientReplica)) replication_->ReplicaGone(c);
  if (c->has(kClientMaster)) replication_->MasterGone(c);
  pubsub_.RemoveClient(c);
  UnwatchAll(c);
  auto drop = [c](std::vector<Client*>& v) { v.erase(std::remove(v.begin(), v.end(), c), v.end()); };
  drop(monitors_);
  drop(pending_write_);
  drop(paused_);
  blocking_.Remove(c);
  clients_.erase(c->id());
  delete c;
}

void Server::FreeClosedClients() {
  // A client may be scheduled twice (closed while already closing); free each once.
  std::vector<Client*> closing;
  closing.swap(closing_);
  std::sort(closing.begin(), closing.end());
  closing.erase(std::unique(closing.begin(), closing.end()), closing.end());
  for (Client* c : closing) FreeClient(c);
}

void Server::OnClientOutput(Client* c) {
  if (c->fake() || c->has(kClientPendingWrite)) return;
  c->flags |= kClientPendingWrite;
  pending_write_.push_back(c);
  CheckOutputLimits(c);
}

void Server::CheckOutputLimits(Client* c) {
  if (c->fake() || c->has(kClientCloseAsap)) return;
  if (c->has(kClientMaster)) return;
  ClientClass cls = c->has(kClientReplica) ? ClientClass::kReplica
                    : c->in_pubsub_mode() ? ClientClass::kPubSub
                                          : ClientClass::kNormal;
  const OutputBufferLimit& lim = config_.client_output_buffer_limit[static_cast<int>(cls)];
  // A replica's stream held back during its full sync counts as output, as in Redis.
  auto used = static_cast<int64_t>(c->pending_output() + (c->repl ? c->repl->pending.size() : 0));
  bool hard = lim.hard > 0 && used >= lim.hard;
  bool soft = false;
  if (lim.soft > 0 && used >= lim.soft) {
    int64_t now = NowMs();
    if (c->soft_limit_since_ms == 0) {
      c->soft_limit_since_ms = now;
    } else if ((now - c->soft_limit_since_ms) / 1000 >= lim.soft_seconds) {
      soft = true;
    }
  } else {
    c->soft_limit_since_ms = 0;
  }
  if (hard || soft) {
    MKDB_LOG(kWarning) << "Client id=" << c->id() << " addr=" << c->peer()
                       << " scheduled to be closed ASAP for overcoming of output buffer limits.";
    ++stats_.client_outbuf_limit_disconnections;
    c->CloseAsync();
  }
}

size_t Server::ClientBufferBytes() const {
  size_t n = 0;
  for (const auto& [id, c] : clients_) n += c->input_capacity() + c->output_capacity();
  return n;
}

// ---------------------------------------------------------------------------------------------
// The command pipeline

bool Server::ProtectedModeRefuses(const Config& config, const std::string& peer,
                                  bool unix_socket) {
  if (!config.protected_mode || !config.requirepass.empty() || unix_socket) return false;
  // Only the default bind (every interface) is protected; an explicit bind is a choice.
  const std::vector<std::string> kDefaultBind = {"*", "-::*"};
  if (config.bind != kDefaultBind) return false;
  return peer.rfind("127.", 0) != 0 && peer.rfind("::1:", 0) != 0;
}

bool Server::ProtectedCommandAllowed(const Client* c) const {
  const std::string& mode = config_.enable_debug_command;
  if (mode == "yes") return true;
  if (mode != "local") return false;
  const std::string& peer = c->peer();
  return c->fake() || c->has(kClientUnixSocket) || peer.rfind("127.", 0) == 0 ||
         peer.rfind("::1:", 0) == 0;
}

void Server::Reject(Client* c, Command* cmd, std::string_view msg_in) {
  if (cmd != nullptr) ++cmd->stats.rejected_calls;
  std::string exec_abort;
  std::string_view msg = msg_in;
  if (cmd != nullptr && cmd->full_name == "exec") {
    // A rejected EXEC (in a transaction or not) ends any transaction, naming why.
    std::string_view reason = msg.substr(0, 4) == "ERR " ? msg.substr(4) : msg;
    exec_abort = "EXECABORT Transaction discarded because of: " + std::string(reason);
    msg = exec_abort;
    c->multi_queue.clear();
    c->flags &= ~(kClientMulti | kClientDirtyCas | kClientDirtyExec);
    UnwatchAll(c);
  } else if (c->has(kClientMulti)) {
    c->flags |= kClientDirtyExec;
  }
  stats_.CountError(msg);
  c->reply().Error(msg);
}

bool Server::Execute(Client* c, const ArgList& args) {
  size_t reply_start = c->output().size();
  bool replica_local_write = false;  // a write by a replica's own client (replica-read-only no)

  if (!c->fake() && (EqualsIgnoreCase(args[0], "post") || EqualsIgnoreCase(args[0], "host:"))) {
    // A browser or HTTP client talking to us (cross-protocol scripting): drop the connection
    // without a word, including replies still queued, as Redis does.
    MKDB_LOG(kWarning) << "Possible SECURITY ATTACK detected. It looks like somebody is sending "
                          "POST or Host: commands to memkeydb. Connection from "
                       << c->peer() << " aborted.";
    c->output().clear();
    c->CloseAsync();
    return true;
  }
  Command* cmd = c->FindCommand(args[0]);
  if (cmd != nullptr && cmd->has_subcommands() && args.size() >= 2) {
    Command* sub = CommandTable::FindSub(cmd, args[1]);
    if (sub == nullptr) {
      std::string_view sub_name = args[1].substr(0, args[1].find('\0'));
      std::string msg = "ERR unknown subcommand '" + std::string(sub_name.substr(0, 128)) +
                        "'. Try " + Upper(cmd->full_name) + " HELP.";
      Reject(c, cmd, msg);
      cmd = nullptr;
      goto done;
    }
    cmd = sub;
  }
  if (cmd == nullptr) {
    // Redis prints these with C's %s: each argument stops at its first NUL byte, the name at
    // 128 bytes, and the arguments together at about 128 bytes.
    auto cstr = [](std::string_view a, size_t max) {
      a = a.substr(0, a.find('\0'));
      return std::string(a.substr(0, max));
    };
    std::string shown;
    for (size_t i = 1; i < args.size() && shown.size() < 128; ++i) {
      shown += "'" + cstr(args[i], 128 - shown.size()) + "' ";
    }
    std::string msg = "ERR unknown command '" + cstr(args[0], 128) +
                      "', with args beginning with: " + shown;
    Reject(c, nullptr, msg);
    goto done;
  }
  {
    int arity = cmd->spec->arity;
    auto argc = static_cast<int>(args.size());
    if ((arity > 0 && argc != arity) || argc < -arity) {
      Reject(c, cmd, "ERR wrong number of arguments for '" + cmd->full_name + "' command");
      goto done;
    }
  }
  if (!c->authenticated && !cmd->is(kCmdNoAuth)) {
    Reject(c, cmd, errors::kNoAuth);
    goto done;
  }
  if ((cmd->is(kCmdProtected) || (cmd->parent && cmd->parent->is(kCmdProtected))) &&
      !ProtectedCommandAllowed(c)) {
    Reject(c, cmd,
           "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
           "\"local\", you can run it from a local connection, otherwise you need to set this "
           "option in the configuration file, and then restart the server.");
    goto done;
  }
  if (c->has(kClientMulti) && cmd->is(kCmdNoMulti)) {
    Reject(c, cmd, "ERR Command not allowed inside a transaction");
    goto done;
  }
  if (replication_->is_replica() && !c->has(kClientMaster)) {
    // A replica's own clients: stale data, and writes on a read-only replica.
    if (!replication_->link_up() && !config_.replica_serve_stale_data && !cmd->is(kCmdStale)) {
      Reject(c, cmd,
             "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
      goto done;
    }
    replica_local_write = CommandMayWrite(c, cmd) && cmd->full_name != "ping";
    if (config_.replica_read_only && replica_local_write) {
      Reject(c, cmd, "READONLY You can't write against a read only replica.");
      goto done;
    }
  }
  if (c->has(kClientMaster)) {
    // The primary's stream is applied as it comes: no memory, disk or quorum checks.
    Database::set_expiry_mode(Database::ExpiryMode::kKeep);
    Call(c, cmd, args);
    Database::set_expiry_mode(Database::ExpiryMode::kHide);
    goto done;
  }
  if (!MemoryAllowsCommand(c, cmd)) goto done;
  if (!c->fake() && rdb_->WritesDenied() && CommandMayWrite(c, cmd)) {
    Reject(c, cmd, errors::kMisconf);
    goto done;
  }
  if (cmd->is(kCmdWrite)) {
    std::string why;
    if (aof_->WritesDenied(&why)) {
      Reject(c, cmd, why);
      goto done;
    }
  }
  // The quorum test first: without min-replicas-to-write it is one comparison.
  if (!c->fake() && replication_->TooFewGoodReplicas() && CommandMayWrite(c, cmd) &&
      cmd->full_name != "ping") {
    Reject(c, cmd, "NOREPLICAS Not enough good replicas to write.");
    goto done;
  }
  if (c->resp() == 2 && c->in_pubsub_mode() && !AllowedInPubSubMode(cmd->full_name)) {
    Reject(c, cmd,
           "ERR Can't execute '" + cmd->full_name +
               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
               "this context");
    goto done;
  }
  if (c->has(kClientMulti) && !RunsInsideMulti(cmd->parent ? cmd->parent->full_name : cmd->full_name)) {
    c->multi_queue.emplace_back(args.begin(), args.end());
    c->reply().SimpleString("QUEUED");
    goto done;
  }
  if (!c->fake() && paused_for(cmd)) {
    if (!c->has(kClientPaused)) {
      c->flags |= kClientPaused;
      paused_.push_back(c);
    }
    return false;
  }
  if (replica_local_write) {
    // A replica hides expired keys from its clients, but a write must not find a key hidden
    // that is still in the table (it would add it twice): as Redis's write lookups on a
    // replica, it deletes the expired keys it meets.
    Database::set_expiry_mode(Database::ExpiryMode::kDelete);
    Call(c, cmd, args);
    Database::set_expiry_mode(Database::ExpiryMode::kHide);
  } else {
    Call(c, cmd, args);
  }

done:
  // Decided after the command ran, so CLIENT REPLY ON is answered and OFF/SKIP are not.
  if (c->has(kClientMaster) && c->output().size() > reply_start &&
      c->output()[reply_start] == '-') {
    // The primary's stream should never fail here: a replica that diverges says so loudly.
    std::string_view err(c->output().data() + reply_start + 1,
                         std::min<size_t>(c->output().size() - reply_start - 1, 200));
    MKDB_LOG(kWarning) << "== CRITICAL == This replica is sending an error to its master: '"
                       << err.substr(0, err.find('\r')) << "' after processing the command '"
                       << args[0] << "'";
  }
  if (c->has(kClientReplyOff) || c->has(kClientReplySkip) || c->has(kClientMaster)) {
    c->output().resize(reply_start);
  }
  c->flags &= ~kClientReplySkip;
  if (c->has(kClientReplySkipNext)) {
    c->flags &= ~kClientReplySkipNext;
    c->flags |= kClientReplySkip;
  }
  // Keys this command (or transaction) wrote to wake the clients waiting on them.
  blocking_.ServeReadyKeys();
  return true;
}

bool Server::CommandMayWrite(Client* c, Command* cmd) const {
  const std::string& name = cmd->parent ? cmd->parent->full_name : cmd->full_name;
  // As Redis: PING too, so a primary's pings tell it its replica cannot persist.
  if (cmd->is(kCmdWrite) || name == "ping") return true;
  if (name != "exec") return false;
  for (const auto& queued : c->multi_queue) {
    Command* q = queued.empty() ? nullptr : CommandTable::Get().Find(queued[0]);
    if (q != nullptr && q->is(kCmdWrite)) return true;
  }
  return false;
}

bool Server::PrepareForShutdown(bool save, bool nosave, bool force) {
  if (rdb_->bgsave_in_progress()) {
    MKDB_LOG(kWarning) << "There is a child saving an .rdb. Killing it!";
    rdb_->KillBackgroundSave();
  }
  if (save || (!nosave && !config_.save_params.empty())) {
    MKDB_LOG(kNotice) << "Saving the final RDB snapshot before exiting.";
    if (!rdb_->Save()) {
      if (!force) {
        MKDB_LOG(kWarning) << "Error trying to save the DB, can't exit.";
        return false;
      }
      MKDB_LOG(kWarning) << "Error trying to save the DB. Exit anyway.";
    }
  }
  return true;
}

void Server::CloseListeningSockets() { listeners_.clear(); }

bool Server::MemoryAllowsCommand(Client* c, Command* cmd) {
  // A replica holds what its primary holds: the primary evicts (replica-ignore-maxmemory).
  if (replication_->is_replica() && config_.replica_ignore_maxmemory) return true;
  bool over = !PerformEvictions();
  bool far_full = tiering_.RefusesWrites(config_);
  if (!over && !far_full) return true;
  // As Redis decides: commands that may grow memory, EXEC of a transaction holding one, and
  // anything queued in MULTI (queuing itself takes memory) except leaving it.
  bool reject = cmd->is(kCmdDenyOom);
  const std::string& name = cmd->parent ? cmd->parent->full_name : cmd->full_name;
  if (name == "exec") {
    for (const auto& queued : c->multi_queue) {
      Command* q = queued.empty() ? nullptr : CommandTable::Get().Find(queued[0]);
      if (q != nullptr && q->is(kCmdDenyOom)) reject = true;
    }
  }
  if (c->has(kClientMulti) && name != "exec" && name != "discard" && name != "quit" &&
      name != "reset") {
    reject = true;
  }
  if (!reject) return true;
  const char* why = "OOM command not allowed when far memory is full (pmem-full-policy oom).";
  if (over) {
    bool total = config_.maxmemory > 0 && MemoryTiers::Get().used_total() > config_.maxmemory;
    why = total ? "OOM command not allowed when used memory > 'maxmemory'."
                : "OOM command not allowed when used DRAM > 'dram-maxmemory'.";
  }
  Reject(c, cmd, why);
  return false;
}

bool Server::Call(Client* c, Command* cmd, const ArgList& args, bool reprocessing) {
  if (!monitors_.empty() && !cmd->is(kCmdSkipMonitor) && !cmd->is(kCmdAdmin)) FeedMonitors(c, args);
  // One clock reading gives the command's "now" and its start, and the reading that ends a
  // command starts the next one of the same input batch: at a million commands a second each
  // reading (23 ns here) is a visible share of the CPU. A wall-clock step during the command
  // shows as a zero duration, never a negative one.
  int64_t start = in_input_batch_ && command_clock_us_ != 0 ? command_clock_us_ : NowUs();
  int64_t now = start / 1000;
  UpdateAccessClock(now);
  CommandContext ctx(this, c, &args, cmd, now);
  ctx.set_reprocessing(reprocessing);
  if (InlineSnapshot* snapshot = InlineSnapshot::current(); snapshot != nullptr) [[unlikely]] {
    EmitKeysBeforeWrite(snapshot, c->db_index, cmd, args);  // inline snapshot hook
  }
  int64_t dirty_before = dirty;
  ++call_depth_;
  cmd->spec->handler(ctx);
  --call_depth_;
  if (propagating()) PropagateCall(ctx, args, dirty != dirty_before);
  command_clock_us_ = NowUs();
  int64_t duration = std::max<int64_t>(0, command_clock_us_ - start);
  ++cmd->stats.calls;
  cmd->stats.usec += static_cast<uint64_t>(duration);
  if (ctx.failed()) ++cmd->stats.failed_calls;
  ++stats_.total_commands_processed;
  c->last_command = cmd;

  if (config_.slowlog_log_slower_than >= 0 && duration >= config_.slowlog_log_slower_than &&
      !cmd->is(kCmdSkipSlowlog)) {
    SlowlogEntry e;
    e.id = next_slowlog_id++;
    e.time_s = NowMs() / 1000;
    e.duration_us = duration;
    // Like Redis: at most 32 arguments, each cut to 128 bytes, with a note of what was cut.
    size_t shown = std::min<size_t>(args.size(), 32);
    for (size_t i = 0; i < shown; ++i) {
      if (shown < args.size() && i == shown - 1) {
        e.args.push_back("... (" + std::to_string(args.size() - shown + 1) + " more arguments)");
        break;
      }
      std::string_view a = args[i];
      if (a.size() > 128) {
        e.args.push_back(std::string(a.substr(0, 128)) + "... (" +
                         std::to_string(a.size() - 128) + " more bytes)");
      } else {
        e.args.emplace_back(a);
      }
    }
    e.peer = c->peer();
    e.name = c->name();
    slowlog_.push_front(std::move(e));
    while (static_cast<int64_t>(slowlog_.size()) > config_.slowlog_max_len) slowlog_.pop_back();
  }
  if (config_.latency_monitor_threshold > 0 &&
      duration / 1000 >= config_.latency_monitor_threshold) {
    RecordLatency(cmd->is(kCmdFast) ? "fast-command" : "command", duration / 1000);
  }
  return ctx.blocked();
}

void Server::FeedMonitors(Client* c, const ArgList& args) {
  int64_t us = NowUs();
  char head[96];
  std::string where = c->has(kClientUnixSocket) ? "unix:" + config_.unixsocket
                      : c->fake()              ? "lua"
                                               : c->peer();
  snprintf(head, sizeof(head), "%lld.%06lld [%d ", static_cast<long long>(us / 1000000),
           static_cast<long long>(us % 1000000), c->db_index);
  std::string line = std::string(head) + where + "]";
  for (std::string_view a : args) line += " " + Repr(a);
  for (Client* m : monitors_) {
    m->reply().SimpleString(line);
    OnClientOutput(m);
  }
}

void Server::RecordLatency(const char* event, int64_t ms) {
  LatencyEvent& ev = latency_events_[event];
  int64_t now_s = NowMs() / 1000;
  if (!ev.history.empty() && ev.history.back().time_s == now_s) {
    ev.history.back().latency_ms = std::max(ev.history.back().latency_ms, ms);
  } else {
    ev.history.push_back({now_s, ms});
    if (ev.history.size() > 160) ev.history.pop_front();
  }
  ev.max_ms = std::max(ev.max_ms, ms);
}

// ---------------------------------------------------------------------------------------------
// Keyspace events, WATCH

void Server::KeyExpired(int db, std::string_view key) {
  ++stats_.expired_keys;
  PropagateDeletion(db, key, config_.lazyfree_lazy_expire);
  TouchWatchedKey(db, key);
  NotifyKeyspaceEvent('x', "expired", key, db);
}

void Server::NotifyKeyspaceEvent(char type_class, std::string_view event, std::string_view key,
                                 int db) {
  if (config_.notify_keyspace_events.empty()) return;
  if (notify_flags_text_ != config_.notify_keyspace_events) {
    notify_flags_text_ = config_.notify_keyspace_events;
    notify_mask_ = 0;
    for (char ch : notify_flags_text_) notify_mask_ |= NotifyBit(ch);
  }
  if (!(notify_mask_ & NotifyBit(type_class))) return;
  std::string dbs = std::to_string(db);
  if (notify_mask_ & kNotifyKeyspace) {
    std::string channel = "__keyspace@" + dbs + "__:";
    channel.append(key);
    pubsub_.Publish(this, channel, event, false);
  }
  if (notify_mask_ & kNotifyKeyevent) {
    std::string channel = "__keyevent@" + dbs + "__:";
    channel.append(event);
    pubsub_.Publish(this, channel, key, false);
  }
}

void Server::Watch(Client* c, int db, std::string_view key) {
  for (const auto& w : c->watched_keys) {
    if (w.db == db && w.key == key) return;
  }
  Entry* e = dbs_[db]->FindRaw(key);
  bool expired = e != nullptr && dbs_[db]->IsExpired(e, NowMs());
  c->watched_keys.push_back({db, std::string(key), expired});
  watched_[{db, std::string(key)}].push_back(c);
}

void Server::UnwatchAll(Client* c) {
  for (const auto& w : c->watched_keys) {
    auto it = watched_.find({w.db, w.key});
    if (it == watched_.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    if (v.empty()) watched_.erase(it);
  }
  c->watched_keys.clear();
}

void Server::TouchWatchedKey(int db, std::string_view key) {
  if (watched_.empty()) return;
  auto it = watched_.find({db, std::string(key)});
  if (it == watched_.end()) return;
  for (Client* c : it->second) c->flags |= kClientDirtyCas;
}

void Server::TouchAllWatchedKeysInDb(int emptied, int replaced_with) {
  for (auto& [dbkey, clients] : watched_) {
    if (dbkey.first != emptied) continue;
    bool exists = dbs_[emptied]->FindRaw(dbkey.second) != nullptr ||
                  (replaced_with >= 0 && dbs_[replaced_with]->FindRaw(dbkey.second) != nullptr);
    if (!exists) continue;
    for (Client* c : clients) c->flags |= kClientDirtyCas;
  }
}

size_t Server::Flush(int db, bool async) {
  size_t removed = 0;
  for (int i = 0; i < db_count(); ++i) {
    if (db >= 0 && i != db) continue;
    TouchAllWatchedKeysInDb(i);
    removed += async ? dbs_[i]->ClearAsync() : dbs_[i]->Clear();
  }
  dirty += static_cast<int64_t>(removed);
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Pause

void Server::Pause(int64_t until_ms, bool writes_only) {
  // A new pause never shortens or weakens one in force (Redis's rule).
  if (pause_until_ms_ != 0) {
    until_ms = std::max(until_ms, pause_until_ms_);
    writes_only = writes_only && pause_writes_only_;
  }
  pause_until_ms_ = until_ms;
  pause_writes_only_ = writes_only;
}

void Server::Unpause() {
  pause_until_ms_ = 0;
  ResumePausedClients();
}

bool Server::paused_for(const Command* cmd) const {
  if (pause_until_ms_ == 0) return false;
  if (!pause_writes_only_) return true;
  // WRITE pause: writes and commands that may write (EVAL, PUBLISH...) wait.
  return cmd->is(kCmdWrite) || cmd->is(kCmdMayReplicate);
}

void Server::ResumePausedClients() {
  std::vector<Client*> paused;
  paused.swap(paused_);
  for (Client* c : paused) {
    c->flags &= ~kClientPaused;
    if (!c->has(kClientCloseAsap)) c->ProcessInput();
  }
}

// ---------------------------------------------------------------------------------------------
// The loop's hooks

void Server::ActiveExpireCycle(int64_t budget_us) {
  int64_t now = NowMs();
  int64_t deadline = MonotonicUs() + budget_us;
  int effort = static_cast<int>(std::clamp<int64_t>(config_.active_expire_effort, 1, 10)) - 1;
  int keys_per_loop = 20 + 20 / 4 * effort;
  int stale = 10 - effort;
  expire_backlog_ = false;
  for (int n = 0; n < db_count(); ++n) {
    if (MonotonicUs() >= deadline) {
      expire_backlog_ = true;
      break;
    }
    Database& db = *dbs_[expire_db_cursor_];
    expire_db_cursor_ = (expire_db_cursor_ + 1) % db_count();
    if (db.expires() == 0) continue;
    bool out_of_time = false;
    db.ActiveExpire(now, deadline, keys_per_loop, stale, &out_of_time);
    expire_backlog_ |= out_of_time;
  }
}

void Server::BeforeSleep() {
  blocking_.ServeReadyKeys();
  replication_->BeforeSleep();
  if (expire_backlog_ && active_expire_enabled && !replication_->is_replica()) {
    int64_t now_us = MonotonicUs();
    if (now_us - last_fast_expire_us_ >= 2000) {  // at most one 1 ms slice per 2 ms
      last_fast_expire_us_ = now_us;
      ActiveExpireCycle(1000);
    }
  }
  // The AOF is written (and under appendfsync always, fsynced) before any reply goes out.
  aof_->BeforeSleep();
  std::vector<Client*> pending;
  pending.swap(pending_write_);
  for (Client* c : pending) {
    c->flags &= ~kClientPendingWrite;
    if (c->has(kClientCloseAsap)) continue;
    c->Flush();
  }
  FreeClosedClients();
}

void Server::RateSampler::Add(int64_t now_ms, uint64_t value) {
  if (last_time_ms != 0 && now_ms > last_time_ms) {
    samples[idx] = static_cast<double>(value - last_value) * 1000.0 /
                   static_cast<double>(now_ms - last_time_ms);
    idx = (idx + 1) % kSamples;
  }
  last_time_ms = now_ms;
  last_value = value;
}

double Server::RateSampler::Average() const {
  double sum = 0;
  for (double s : samples) sum += s;
  return sum / kSamples;
}

double Server::instantaneous_ops_per_sec() const { return ops_rate_.Average(); }
double Server::instantaneous_input_kbps() const { return in_rate_.Average() / 1024; }
double Server::instantaneous_output_kbps() const { return out_rate_.Average() / 1024; }

volatile int Server::pending_shutdown_signal = 0;

void Server::Cron() {
  int64_t now = NowMs();
  if (pending_shutdown_signal != 0) {
    MKDB_LOG(kWarning) << "Received " << (pending_shutdown_signal == SIGINT ? "SIGINT" : "SIGTERM")
                       << " scheduling shutdown...";
    pending_shutdown_signal = 0;
    if (PrepareForShutdown(false, false, false)) {
      RequestShutdown();
      return;
    }
    MKDB_LOG(kWarning) << "SIGTERM received but errors trying to shut down the server, check "
                          "the logs for more information";
  }
  rdb_->Cron();

  UpdateAccessClock(now);
  ops_rate_.Add(now, stats_.total_commands_processed);
  in_rate_.Add(now, stats_.net_input_bytes);
  out_rate_.Add(now, stats_.net_output_bytes);

  if (pause_until_ms_ != 0 && now >= pause_until_ms_) Unpause();

  // Active expiry: slices of at most 5 ms from the cron (a quarter of its period at most);
  // when that is not enough, before-sleep adds 1 ms slices, so expiring many keys never blocks
  // clients for long.
  replication_->Cron();
  // A replica's keys expire when its primary says so (DEL in the stream).
  if (active_expire_enabled && !replication_->is_replica()) {
    int64_t budget_us = std::min<int64_t>(5000, 250000 / effective_hz());
    ActiveExpireCycle(budget_us);
  }

  // Incremental rehashing and shrinking: about a millisecond per database that needs it.
  for (auto& db : dbs_) {
    db->table().MaybeShrink();
    if (db->table().rehashing()) db->table().RehashFor(1000);
  }

  aof_->Cron();

  // Idle clients (timeout) and soft output-buffer limits that depend on elapsed time.
  for (auto& [id, c] : clients_) {
    if (c->fake() || c->has(kClientCloseAsap)) continue;
    if (config_.timeout > 0 && !c->in_pubsub_mode() &&
        !c->has(kClientMonitor | kClientBlocked | kClientReplica | kClientMaster) &&
        (now - c->last_interaction_ms) / 1000 > config_.timeout) {
      MKDB_LOG(kVerbose) << "Closing idle client";
      c->CloseAsync();
      continue;
    }
    if (c->pending_output() > 0 || c->has(kClientReplica)) CheckOutputLimits(c);
  }
}

}  // namespace memkeydb
