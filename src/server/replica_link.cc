// Replication, replica side (server/replication.h): the link to the primary — connect,
// handshake, PSYNC, the snapshot transfer and load — and the master client it becomes.

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/logging.h"
#include "net/socket.h"
#include "server/aof_manager.h"
#include "server/client.h"
#include "server/replication.h"
#include "server/server.h"
#include "store/database.h"

namespace memkeydb {
namespace {

constexpr int64_t kReconnectMs = 1000;
constexpr size_t kEofMarkLen = 40;

std::string Resp(std::initializer_list<std::string> args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::string out;
  Replication::EncodeCommand(&out, views);
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

// The socket while it is not yet the master client.
class Replication::Link : public IoHandler {
 public:
  Link(Replication* r, int fd) : repl(r), fd(fd) {}
  ~Link() override {
    if (fd >= 0) close(fd);
  }
  void OnIoEvent(uint32_t events) override { repl->LinkEvent(events); }

  Replication* repl;
  int fd;
  std::string in;  // read, not yet consumed
};

// Here, where Link is complete.
Replication::Replication(Server* server)
    : server_(server), replid_(RandomHex(40)), replid2_(kNoReplid) {}
Replication::~Replication() = default;

const char* Replication::link_state_name() const {
  switch (link_state_) {
    case LinkState::kNone: return "none";
    case LinkState::kConnect: return "connect";
    case LinkState::kConnecting: return "connecting";
    case LinkState::kTransfer: return "sync";
    case LinkState::kConnected: return "connected";
    default: return "handshake";
  }
}

int64_t Replication::last_io_seconds_ago() const {
  return last_io_ms_ == 0 ? -1 : (NowMs() - last_io_ms_) / 1000;
}

std::string Replication::SetPrimary(const std::string& host, int port) {
  if (is_replica() && host == primary_host_ && port == primary_port_) {
    return "+OK Already connected to specified master";
  }
  bool was_primary = !is_replica();
  primary_host_ = host;
  primary_port_ = port;
  DropMaster();
  DropLink(nullptr);
  // Sub-replicas resynchronize with us: they learn our new history (or continue it).
  DisconnectReplicas();
  if (was_primary && started_) {
    // Our own history is the one we try to continue with the new primary (PSYNC2).
    have_history_ = true;
    master_stream_db_ = last_db_ < 0 ? 0 : last_db_;
  }
  Database::set_expiry_mode(Database::ExpiryMode::kHide);
  link_down_since_s_ = NowMs() / 1000;
  MKDB_LOG(kNotice) << "Connecting to MASTER " << host << ":" << port;
  if (started_) ConnectToPrimary();
  return "";
}

void Replication::Promote() {
  if (!is_replica()) return;
  DropMaster();
  DropLink(nullptr);
  link_state_ = LinkState::kNone;
  primary_host_.clear();
  primary_port_ = 0;
  Database::set_expiry_mode(Database::ExpiryMode::kDelete);
  // Replicas of the old primary can continue with us: our history is its history so far.
  ShiftReplid();
  EnsureBacklog();
  last_db_ = -1;
  DisconnectReplicas();
  no_replicas_since_s_ = NowMs() / 1000;
  MKDB_LOG(kNotice) << "MASTER MODE enabled (user request)";
}

void Replication::DropLink(const char* why) {
  if (why != nullptr) MKDB_LOG(kWarning) << why;
  if (link_ != nullptr) {
    server_->loop().Unwatch(link_->fd);
    link_.reset();
  }
  if (transfer_fd_ >= 0) {
    close(transfer_fd_);
    transfer_fd_ = -1;
    unlink(transfer_path_.c_str());
  }
  if (is_replica() && master_ == nullptr) {
    link_state_ = LinkState::kConnect;
    next_connect_ms_ = NowMs() + (why != nullptr ? kReconnectMs : 0);
  }
}

void Replication::ConnectToPrimary() {
  struct addrinfo hints = {}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  std::string port = std::to_string(primary_port_);
  int rc = getaddrinfo(primary_host_.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    DropLink(("Unable to connect to MASTER: " + std::string(gai_strerror(rc))).c_str());
    return;
  }
  int fd = -1;
  for (struct addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    DropLink(("Unable to connect to MASTER: " + std::string(strerror(errno))).c_str());
    return;
  }
  SetNoDelay(fd);
  link_ = std::make_unique<Link>(this, fd);
  link_state_ = LinkState::kConnecting;
  last_io_ms_ = NowMs();
  server_->loop().Watch(fd, false, true, link_.get());
  MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync started";
}

bool Replication::LinkSend(const std::string& cmd) {
  size_t sent = 0;
  while (sent < cmd.size()) {
    ssize_t n = write(link_->fd, cmd.data() + sent, cmd.size() - sent);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      // The handshake commands are small and the socket is fresh: a full buffer is a failure.
      DropLink(("Error writing to MASTER: " + std::string(strerror(errno))).c_str());
      return false;
    }
  }
  return true;
}

int Replication::LinkReadLine(std::string* line) {
  size_t eol = link_->in.find("\r\n");
  if (eol == std::string::npos) {
    if (link_->in.size() > 64 * 1024) return -1;
    return 0;
  }
  *line = link_->in.substr(0, eol);
  link_->in.erase(0, eol + 2);
  return 1;
}

void Replication::LinkEvent(uint32_t events) {
  last_io_ms_ = NowMs();
  if (link_state_ == LinkState::kConnecting) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(link_->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      DropLink(("Error condition on socket for SYNC: " + std::string(strerror(err))).c_str());
      return;
    }
    MKDB_LOG(kNotice) << "Non blocking connect for SYNC fired the event.";
    server_->loop().Watch(link_->fd, true, false, link_.get());
    link_state_ = LinkState::kReceivePong;
    LinkSend(Resp({"PING"}));
    return;
  }
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = read(link_->fd, buf, sizeof(buf));
    if (n > 0) {
      repl_input_bytes += static_cast<uint64_t>(n);
      server_->stats().net_input_bytes += static_cast<uint64_t>(n);
      link_->in.append(buf, static_cast<size_t>(n));
      if (link_state_ == LinkState::kTransfer) {
        LinkTransferStep();
        if (link_ == nullptr || link_state_ != LinkState::kTransfer) return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    DropLink(n == 0 ? "MASTER closed the connection during the synchronization"
                    : "I/O error reading from MASTER during the synchronization");
    return;
  }
  if (link_state_ != LinkState::kTransfer) LinkHandshakeStep();
}

void Replication::LinkHandshakeStep() {
  std::string line;
  while (link_ != nullptr && link_state_ != LinkState::kTransfer &&
         link_state_ != LinkState::kConnected) {
    int r = LinkReadLine(&line);
    if (r == 0) return;
    if (r < 0) {
      DropLink("Protocol error from MASTER during the handshake");
      return;
    }
    if (line.empty()) continue;  // a newline the primary sends to keep the link alive
    const Config& cfg = server_->config();
    switch (link_state_) {
      case LinkState::kReceivePong:
        if (line[0] == '-' && !StartsWith(line, "-NOAUTH") && !StartsWith(line, "-NOPERM") &&
            !StartsWith(line, "-ERR operation not permitted")) {
          DropLink(("Error reply to PING from master: '" + line + "'").c_str());
          return;
        }
        MKDB_LOG(kNotice) << "Master replied to PING, replication can continue...";
        if (!cfg.masterauth.empty()) {
          link_state_ = LinkState::kReceiveAuth;
          LinkSend(cfg.masteruser.empty() ? Resp({"AUTH", cfg.masterauth})
                                          : Resp({"AUTH", cfg.masteruser, cfg.masterauth}));
          break;
        }
        [[fallthrough]];
      case LinkState::kReceiveAuth:
        if (link_state_ == LinkState::kReceiveAuth && line[0] == '-') {
          DropLink(("Unable to AUTH to MASTER: " + line).c_str());
          return;
        }
        link_state_ = LinkState::kReceivePort;
        LinkSend(Resp({"REPLCONF", "listening-port", std::to_string(server_->tcp_port())}));
        break;
      case LinkState::kReceivePort:
        if (line[0] == '-') {
          MKDB_LOG(kNotice) << "(Non critical) Master does not understand REPLCONF "
                               "listening-port: "
                            << line;
        }
        link_state_ = LinkState::kReceiveCapa;
        LinkSend(Resp({"REPLCONF", "capa", "eof", "capa", "psync2"}));
        break;
      case LinkState::kReceiveCapa: {
        if (line[0] == '-') {
          MKDB_LOG(kNotice) << "(Non critical) Master does not understand REPLCONF capa: "
                            << line;
        }
        link_state_ = LinkState::kReceivePsync;
        if (have_history_) {
          MKDB_LOG(kNotice) << "Trying a partial resynchronization (request " << replid_ << ":"
                            << offset_ + 1 << ").";
          LinkSend(Resp({"PSYNC", replid_, std::to_string(offset_ + 1)}));
        } else {
          MKDB_LOG(kNotice) << "Partial resynchronization not possible (no cached master)";
          LinkSend(Resp({"PSYNC", "?", "-1"}));
        }
        break;
      }
      case LinkState::kReceivePsync:
        if (StartsWith(line, "+FULLRESYNC")) {
          size_t sp1 = line.find(' '), sp2 = line.find(' ', sp1 + 1);
          if (sp1 == std::string::npos || sp2 == std::string::npos || sp2 - sp1 - 1 != 40) {
            DropLink("Master replied with wrong +FULLRESYNC syntax.");
            return;
          }
          sync_replid_ = line.substr(sp1 + 1, 40);
          sync_offset_ = std::stoll(line.substr(sp2 + 1));
          MKDB_LOG(kNotice) << "Full resync from master: " << sync_replid_ << ":"
                            << sync_offset_;
          transfer_size_ = -2;  // the header has not been read yet
          transfer_read_ = 0;
          eof_mark_.clear();
          transfer_tail_.clear();
          transfer_path_ = server_->config().dir + "/temp-" +
                           std::to_string(NowMs() / 1000) + "." + std::to_string(getpid()) +
                           ".rdb";
          if (server_->config().dir.empty() || server_->config().dir == ".") {
            transfer_path_ = transfer_path_.substr(transfer_path_.find('/') + 1);
          }
          transfer_fd_ = open(transfer_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                              0644);
          if (transfer_fd_ < 0) {
            DropLink(("Opening the temp file needed for MASTER <-> REPLICA synchronization: " +
                      std::string(strerror(errno)))
                         .c_str());
            return;
          }
          link_state_ = LinkState::kTransfer;
          LinkTransferStep();
          return;
        }
        if (StartsWith(line, "+CONTINUE")) {
          std::string id = line.size() > 10 ? line.substr(10) : "";
          MKDB_LOG(kNotice) << "Successful partial resynchronization with master.";
          if (id.size() == 40 && id != replid_) {
            replid2_ = replid_;
            second_offset_ = offset_ + 1;
            replid_ = id;
            MKDB_LOG(kNotice) << "Master replication ID changed to " << replid_;
            DisconnectReplicas();
          }
          EnsureBacklog();
          BecomeConnected(false);
          return;
        }
        if (StartsWith(line, "-NOMASTERLINK") || StartsWith(line, "-LOADING")) {
          DropLink(("Master is currently unable to PSYNC but should be in the future: " + line)
                       .c_str());
          return;
        }
        DropLink(("Unexpected reply to PSYNC from master: " + line).c_str());
        return;
      default:
        return;
    }
  }
}

void Replication::LinkTransferStep() {
  std::string& in = link_->in;
  if (transfer_size_ == -2) {
    // The header: "$<len>" or "$EOF:<mark>", after newlines sent to keep the link alive.
    while (!in.empty() && in[0] == '\n') in.erase(0, 1);
    size_t eol = in.find("\r\n");
    if (eol == std::string::npos) return;
    std::string header = in.substr(0, eol);
    in.erase(0, eol + 2);
    if (header.empty() || header[0] != '$') {
      DropLink(("Bad protocol from MASTER, the first byte is not '$': " + header).c_str());
      return;
    }
    if (StartsWith(header, "$EOF:") && header.size() == 5 + kEofMarkLen) {
      eof_mark_ = header.substr(5);
      transfer_size_ = -1;
      MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF "
                           "to disk";
    } else {
      transfer_size_ = std::stoll(header.substr(1));
      MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync: receiving " << transfer_size_
                        << " bytes from master to disk";
    }
  }
  size_t take = in.size();
  if (transfer_size_ >= 0) {
    take = static_cast<size_t>(std::min<int64_t>(take, transfer_size_ - transfer_read_));
  }
  if (take > 0) {
    size_t off = 0;
    while (off < take) {
      ssize_t n = write(transfer_fd_, in.data() + off, take - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        DropLink(("Write error or short write writing to the DB dump file needed for MASTER <-> "
                  "REPLICA synchronization: " +
                  std::string(strerror(errno)))
                     .c_str());
        return;
      }
      off += static_cast<size_t>(n);
    }
    transfer_read_ += static_cast<int64_t>(take);
    if (transfer_size_ < 0) {
      transfer_tail_.append(in.data(), take);
      if (transfer_tail_.size() > kEofMarkLen) {
        transfer_tail_.erase(0, transfer_tail_.size() - kEofMarkLen);
      }
    }
    in.erase(0, take);
  }
  bool done = transfer_size_ >= 0 ? transfer_read_ == transfer_size_
                                   : transfer_tail_ == eof_mark_;
  if (!done) return;
  if (transfer_size_ < 0 &&
      ftruncate(transfer_fd_, static_cast<off_t>(transfer_read_ - kEofMarkLen)) != 0) {
    DropLink("Error truncating the RDB file received from the master");
    return;
  }
  FinishTransfer();
}

void Replication::FinishTransfer() {
  fsync(transfer_fd_);
  close(transfer_fd_);
  transfer_fd_ = -1;
  MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync: Flushing old data";
  server_->rdb().KillBackgroundSave();
  server_->aof().StopRewrite();
  server_->Flush(-1);
  MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync: Loading DB in memory";
  std::string error;
  // The load keeps expired keys: the primary sends their DEL.
  if (!server_->rdb().LoadFile(transfer_path_, true, false, &error)) {
    MKDB_LOG(kWarning) << "Failed trying to load the MASTER synchronization DB from disk: "
                       << error;
    server_->Flush(-1);
    DropLink("MASTER <-> REPLICA sync failed: the transferred RDB could not be loaded");
    return;
  }
  std::string final_path = server_->config().dbfilename;
  if (rename(transfer_path_.c_str(), final_path.c_str()) != 0) {
    MKDB_LOG(kWarning) << "Failed trying to rename the temp DB into " << final_path << ": "
                       << strerror(errno);
    unlink(transfer_path_.c_str());
  }
  replid_ = sync_replid_;
  offset_ = sync_offset_;
  ClearReplid2();
  FreeBacklog();
  EnsureBacklog();
  have_history_ = true;
  DisconnectReplicas();
  MKDB_LOG(kNotice) << "MASTER <-> REPLICA sync: Finished with success";
  BecomeConnected(true);
  if (server_->config().appendonly) server_->aof().RestartAfterSync();
}

void Replication::BecomeConnected(bool full_sync) {
  // The socket and whatever was read past the handshake or the payload go to the client.
  std::string leftover;
  leftover.swap(link_->in);
  int fd = link_->fd;
  server_->loop().Unwatch(fd);
  link_->fd = -1;
  link_.reset();
  Client* c = server_->AdoptConnection(fd);
  if (c == nullptr) {
    DropLink("Could not register the master connection");
    return;
  }
  c->flags |= kClientMaster;
  c->authenticated = true;
  c->db_index = full_sync ? 0 : master_stream_db_;
  master_ = c;
  master_pending_.clear();
  link_state_ = LinkState::kConnected;
  last_io_ms_ = NowMs();
  SendAck();
  // A primary starts the stream after a diskless sync on an ACK that arrives once it has
  // reaped its child (redis-server notices that in its cron, up to 1/hz later); an ACK sent
  // before that is ignored. A second one a tenth of a second later saves a second's wait.
  if (full_sync) last_ack_ms_ -= 900;
  if (!leftover.empty()) c->InjectInput(leftover);
}

void Replication::MasterApplied(Client* c, std::string_view bytes) {
  if (c != master_) return;
  last_io_ms_ = NowMs();
  if (c->has(kClientMulti)) {
    master_pending_.append(bytes.data(), bytes.size());  // a transaction counts once whole
    return;
  }
  if (master_pending_.empty()) {
    FeedBytes(bytes);  // the common case: one command, forwarded from the input buffer
  } else {
    master_pending_.append(bytes.data(), bytes.size());
    std::string applied;
    applied.swap(master_pending_);
    FeedBytes(applied);
  }
  if (ack_now_) {
    ack_now_ = false;
    SendAck();
  }
}

void Replication::DropMaster() {
  if (master_ == nullptr) return;
  Client* m = master_;
  MasterGone(m);
  m->CloseAsync();
}

void Replication::MasterGone(Client* c) {
  if (c != master_) return;
  master_ = nullptr;
  master_stream_db_ = c->db_index;
  master_pending_.clear();
  have_history_ = true;
  link_down_since_s_ = NowMs() / 1000;
  if (is_replica()) {
    MKDB_LOG(kNotice) << "Connection with master lost. Caching the disconnected master state.";
    link_state_ = LinkState::kConnect;
    next_connect_ms_ = NowMs();
  }
}

void Replication::SendAck() {
  if (master_ == nullptr) return;
  std::string ack = Resp({"REPLCONF", "ACK", std::to_string(offset_)});
  master_->output().append(ack);
  server_->OnClientOutput(master_);
  last_ack_ms_ = NowMs();
}

void Replication::ReplicaCron() {
  if (!is_replica()) return;
  int64_t now = NowMs();
  int64_t timeout_ms = server_->config().repl_timeout * 1000;
  switch (link_state_) {
    case LinkState::kConnect:
      if (now >= next_connect_ms_) ConnectToPrimary();
      break;
    case LinkState::kConnected:
      if (master_ != nullptr && now - last_io_ms_ > timeout_ms) {
        MKDB_LOG(kWarning) << "MASTER timeout: no data nor PING received...";
        DropMaster();
        break;
      }
      if (now - last_ack_ms_ >= 1000) SendAck();
      break;
    case LinkState::kNone:
      break;
    default:
      if (now - last_io_ms_ > timeout_ms) DropLink("Timeout connecting to the MASTER...");
  }
}

}  // namespace memkeydb
