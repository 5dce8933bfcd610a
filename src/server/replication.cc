// Replication, primary side and shared state (server/replication.h). The replica side is in
// replica_link.cc.

#include "server/replication.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "server/aof_manager.h"
#include "server/client.h"
#include "server/server.h"

namespace memkeydb {
namespace {

void AppendBulk(std::string* out, std::string_view s) {
  out->push_back('$');
  out->append(std::to_string(s.size()));
  out->append("\r\n");
  out->append(s.data(), s.size());
  out->append("\r\n");
}

}  // namespace

void Replication::EncodeCommand(std::string* out, const ArgList& argv) {
  out->push_back('*');
  out->append(std::to_string(argv.size()));
  out->append("\r\n");
  for (std::string_view a : argv) AppendBulk(out, a);
}

std::string ReplicaIp(const Client& c) {
  if (c.repl != nullptr && !c.repl->announced_ip.empty()) return c.repl->announced_ip;
  return c.peer().substr(0, c.peer().rfind(':'));
}

ReplicaState& Replication::StateOf(Client* c) {
  if (c->repl == nullptr) c->repl = std::make_unique<ReplicaState>();
  return *c->repl;
}

void Replication::RestoreFromRdb(const std::string& replid, int64_t offset, int stream_db) {
  if (replid.size() != 40 || offset < 0) return;
  if (!ConfiguredReplicaOf().empty()) {
    // A replica restarting: its data continues the primary's history up to `offset`.
    replid_ = replid;
    offset_ = offset;
    master_stream_db_ = stream_db < 0 ? 0 : stream_db;
    have_history_ = true;
    MKDB_LOG(kNotice) << "Using the replication id " << replid_ << " and offset " << offset_
                      << " of the loaded data for a partial resynchronization";
    return;
  }
  // A primary restarting: a new history that continues the saved one, so replicas that had
  // everything up to `offset` can go on without a full sync.
  replid2_ = replid;
  second_offset_ = offset + 1;
  offset_ = offset;
  EnsureBacklog();
  MKDB_LOG(kNotice) << "Restarted primary: replicas of history " << replid
                    << " up to offset " << offset << " can continue";
}

void Replication::Start() {
  server_->AddWriteSink(this);
  no_replicas_since_s_ = NowMs() / 1000;
  std::string of = ConfiguredReplicaOf();
  if (!of.empty()) {
    size_t sp = of.rfind(' ');
    SetPrimary(of.substr(0, sp), std::stoi(of.substr(sp + 1)));
  }
  started_ = true;
  if (is_replica()) ConnectToPrimary();
}

int Replication::stream_db() const {
  if (is_replica()) return master_ != nullptr ? master_->db_index : master_stream_db_;
  return last_db_ < 0 ? 0 : last_db_;
}

// ---------------------------------------------------------------------------------------------
// The stream

void Replication::Feed(int db, const ArgList& argv) {
  // A replica forwards its primary's bytes (MasterApplied); a primary with no backlog has no
  // one to send to and nothing to keep.
  if (is_replica() || backlog_ == nullptr) return;
  encode_buf_.clear();
  if (db != last_db_) {
    std::string n = std::to_string(db);
    EncodeCommand(&encode_buf_, {"SELECT", n});
    last_db_ = db;
  }
  EncodeCommand(&encode_buf_, argv);
  FeedBytes(encode_buf_);
}

void Replication::FeedBytes(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  if (backlog_ != nullptr) backlog_->Append(bytes);
  for (Client* c : replicas_) {
    switch (c->repl->state) {
      case ReplicaSyncState::kWaitBgsaveStart:
        break;  // it gets a snapshot taken later, which already holds this
      case ReplicaSyncState::kOnline:
        SendToReplica(c, bytes);
        break;
      default:
        c->repl->pending.append(bytes.data(), bytes.size());
        server_->CheckOutputLimits(c);
        break;
    }
  }
}

void Replication::SendToReplica(Client* c, std::string_view bytes) {
  c->output().append(bytes.data(), bytes.size());
  repl_output_bytes += bytes.size();
  server_->OnClientOutput(c);
}

void Replication::EnsureBacklog() {
  if (backlog_ != nullptr) return;
  backlog_ = std::make_unique<ReplBacklog>(
      static_cast<size_t>(server_->config().repl_backlog_size), offset_);
  last_db_ = -1;
}

void Replication::FreeBacklog() {
  backlog_.reset();
  last_db_ = -1;
}

void Replication::NewHistory() {
  replid_ = RandomHex(40);
  ClearReplid2();
}

void Replication::ClearReplid2() {
  replid2_ = kNoReplid;
  second_offset_ = -1;
}

void Replication::ShiftReplid() {
  replid2_ = replid_;
  second_offset_ = offset_ + 1;
  replid_ = RandomHex(40);
  MKDB_LOG(kNotice) << "Setting secondary replication ID to " << replid2_
                    << ", valid up to offset: " << second_offset_ << ". New replication ID is "
                    << replid_;
}

// ---------------------------------------------------------------------------------------------
// PSYNC

void Replication::Psync(Client* c, std::string_view replid, std::string_view offset_text,
                        bool sync_command) {
  if (c->has(kClientReplica)) return;  // a second PSYNC on a replica link: ignored, as Redis
  if (is_replica() && !link_up()) {
    c->reply().Error("NOMASTERLINK Can't SYNC while not connected with my master");
    return;
  }
  StateOf(c).old_sync = sync_command;
  if (!sync_command && TryPartial(c, replid, offset_text)) return;
  if (!sync_command && replid != "?") ++sync_partial_err;
  StartFullSync(c);
}

bool Replication::TryPartial(Client* c, std::string_view replid, std::string_view offset_text) {
  int64_t want;
  if (!ParseInt64(offset_text, &want)) return false;
  const char* why = nullptr;
  if (replid != replid_ && (replid != replid2_ || want > second_offset_)) {
    why = "Replication ID mismatch";
  } else if (backlog_ == nullptr || !backlog_->CopyFrom(want, &encode_buf_)) {
    why = "the requested offset is out of the backlog";
  }
  if (why != nullptr) {
    if (replid != "?") {
      MKDB_LOG(kNotice) << "Partial resynchronization not accepted for replica " << c->peer()
                        << ": " << why << " (replica asked for '" << replid << "' offset "
                        << want << ", my replication IDs are '" << replid_ << "' and '"
                        << replid2_ << "', backlog " << (backlog_ ? backlog_->first_offset() : 0)
                        << ".." << offset_ << ")";
    }
    return false;
  }
  encode_buf_.clear();
  backlog_->CopyFrom(want, &encode_buf_);
  c->flags |= kClientReplica;
  c->repl->state = ReplicaSyncState::kOnline;
  c->repl->ack_ms = NowMs();
  replicas_.push_back(c);
  std::string line = c->repl->capa_psync2 ? "+CONTINUE " + replid_ + "\r\n" : "+CONTINUE\r\n";
  c->output().append(line);
  SendToReplica(c, encode_buf_);
  ++sync_partial_ok;
  MKDB_LOG(kNotice) << "Partial resynchronization request from " << c->peer()
                    << " accepted. Sending " << encode_buf_.size()
                    << " bytes of backlog starting from offset " << want << ".";
  return true;
}

void Replication::StartFullSync(Client* c) {
  ++sync_full;
  c->flags |= kClientReplica;
  ReplicaState& r = *c->repl;
  r.state = ReplicaSyncState::kWaitBgsaveStart;
  r.ack_ms = NowMs();
  replicas_.push_back(c);
  MKDB_LOG(kNotice) << "Replica " << c->peer() << " asks for synchronization";
  if (backlog_ == nullptr) {
    // No stream was kept: a new history starts here.
    NewHistory();
    EnsureBacklog();
  }
  const Config& cfg = server_->config();
  bool diskless = cfg.repl_diskless_sync && r.capa_eof && server_->rdb().CanFork();
  if (sync_save_running_ && !sync_save_diskless_ && !diskless) {
    // Join the snapshot being written if another replica's buffer started with it.
    for (Client* other : replicas_) {
      if (other == c || other->repl->state != ReplicaSyncState::kWaitBgsaveEnd) continue;
      r.state = ReplicaSyncState::kWaitBgsaveEnd;
      r.psync_initial_offset = other->repl->psync_initial_offset;
      r.pending = other->repl->pending;
      if (!r.old_sync) {
        c->output().append("+FULLRESYNC " + replid_ + " " +
                           std::to_string(r.psync_initial_offset) + "\r\n");
      }
      server_->OnClientOutput(c);
      MKDB_LOG(kNotice) << "Waiting for end of BGSAVE for SYNC";
      return;
    }
  }
  r.diskless = diskless;
  if (diskless && cfg.repl_diskless_sync_delay > 0 && diskless_wait_since_ms_ == 0) {
    diskless_wait_since_ms_ = NowMs();
  }
  MaybeStartSyncSave();
}

void Replication::MaybeStartSyncSave() {
  if (sync_save_running_ || server_->rdb().bgsave_in_progress() ||
      server_->aof().rewrite_in_progress()) {
    return;
  }
  std::vector<Client*> waiting;
  bool diskless = false;
  for (Client* c : replicas_) {
    if (c->repl->state != ReplicaSyncState::kWaitBgsaveStart) continue;
    waiting.push_back(c);
    diskless = diskless || c->repl->diskless;
  }
  if (waiting.empty()) return;
  const Config& cfg = server_->config();
  if (diskless) {
    // Wait a little for more replicas, so that one child serves them all.
    bool full = cfg.repl_diskless_sync_max_replicas > 0 &&
                static_cast<int64_t>(waiting.size()) >= cfg.repl_diskless_sync_max_replicas;
    if (!full && cfg.repl_diskless_sync_delay > 0 &&
        NowMs() - diskless_wait_since_ms_ < cfg.repl_diskless_sync_delay * 1000) {
      return;
    }
  }
  diskless_wait_since_ms_ = 0;
  // The snapshot is the dataset as of now: the stream after it must start with a SELECT.
  last_db_ = -1;
  std::vector<int> sockets;
  for (Client* c : waiting) {
    ReplicaState& r = *c->repl;
    r.state = ReplicaSyncState::kWaitBgsaveEnd;
    r.diskless = diskless && r.capa_eof;
    r.psync_initial_offset = offset_;
    r.pending.clear();
    if (!r.old_sync) {
      c->output().append("+FULLRESYNC " + replid_ + " " + std::to_string(offset_) + "\r\n");
    }
    if (r.diskless) {
      // The child writes to the socket from now on: the reply must be out before it forks.
      c->Flush();
      int64_t deadline = NowMs() + 1000;
      while (c->pending_output() > 0 && !c->has(kClientCloseAsap) && NowMs() < deadline) {
        struct pollfd p = {c->fd(), POLLOUT, 0};
        poll(&p, 1, 100);
        c->Flush();
      }
      if (c->pending_output() == 0 && !c->has(kClientCloseAsap)) sockets.push_back(c->fd());
    } else {
      server_->OnClientOutput(c);
    }
  }
  if (diskless && sockets.empty()) return;
  sync_save_running_ = true;
  sync_save_diskless_ = diskless;
  MKDB_LOG(kNotice) << "Starting BGSAVE for SYNC with target: "
                    << (diskless ? "replicas sockets" : "disk");
  std::string err = server_->rdb().SaveForSync(
      [this, diskless](bool ok, const std::string& path) { SyncSaveDone(ok, path, diskless); },
      diskless ? sockets : std::vector<int>{});
  if (!err.empty()) {
    MKDB_LOG(kWarning) << "BGSAVE for replication failed: " << err;
    sync_save_running_ = false;
    for (Client* c : waiting) c->CloseAsync();
  }
}

void Replication::SyncSaveDone(bool ok, const std::string& path, bool diskless) {
  sync_save_running_ = false;
  std::vector<Client*> done;
  for (Client* c : replicas_) {
    if (c->repl->state == ReplicaSyncState::kWaitBgsaveEnd) done.push_back(c);
  }
  for (Client* c : done) {
    if (!ok) {
      MKDB_LOG(kWarning) << "SYNC failed. BGSAVE child returned an error";
      c->CloseAsync();
      continue;
    }
    if (diskless) {
      // The replica is loading what it received; the stream starts after its first ACK.
      c->repl->state = ReplicaSyncState::kWaitAck;
      MKDB_LOG(kNotice) << "Streamed RDB transfer with replica " << c->peer()
                        << " succeeded (socket). Waiting for REPLCONF ACK from replica to "
                           "enable streaming";
      continue;
    }
    if (!c->StartBulk(path)) {
      MKDB_LOG(kWarning) << "SYNC failed. Can't open the RDB file for replica " << c->peer();
      c->CloseAsync();
      continue;
    }
    c->repl->state = ReplicaSyncState::kSendBulk;
    server_->OnClientOutput(c);
  }
  // Replicas that arrived during this snapshot get the next one.
  MaybeStartSyncSave();
}

void Replication::BulkSent(Client* c) {
  MKDB_LOG(kNotice) << "Synchronization with replica " << c->peer() << " succeeded";
  PutOnline(c);
}

void Replication::PutOnline(Client* c) {
  ReplicaState& r = *c->repl;
  r.state = ReplicaSyncState::kOnline;
  r.ack_ms = NowMs();
  std::string pending;
  pending.swap(r.pending);
  if (!pending.empty()) SendToReplica(c, pending);
}

void Replication::ReplicaGone(Client* c) {
  auto it = std::find(replicas_.begin(), replicas_.end(), c);
  if (it == replicas_.end()) return;
  replicas_.erase(it);
  MKDB_LOG(kNotice) << "Connection with replica " << c->peer() << " lost.";
  if (replicas_.empty()) no_replicas_since_s_ = NowMs() / 1000;
}

void Replication::DisconnectReplicas() {
  for (Client* c : replicas_) c->CloseAsync();
}

bool Replication::Replconf(Client* c, const std::vector<std::string_view>& args, bool* reply_ok,
                           std::string* error) {
  *reply_ok = true;
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    std::string opt = ToLower(args[i]);
    std::string_view val = args[i + 1];
    if (opt == "listening-port") {
      int64_t port;
      if (!ParseInt64(val, &port)) {
        *error = "ERR value is not an integer or out of range";
        return false;
      }
      StateOf(c).listening_port = static_cast<int>(port);
    } else if (opt == "ip-address") {
      StateOf(c).announced_ip = std::string(val);
    } else if (opt == "capa") {
      ReplicaState& r = StateOf(c);
      if (EqualsIgnoreCase(val, "eof")) r.capa_eof = true;
      if (EqualsIgnoreCase(val, "psync2")) r.capa_psync2 = true;
    } else if (opt == "ack" || opt == "fack") {
      // From a replica: never answered.
      *reply_ok = false;
      if (!c->has(kClientReplica) || opt == "fack") return true;
      int64_t off;
      if (!ParseInt64(val, &off)) return true;
      ReplicaState& r = *c->repl;
      if (off > r.ack_offset) r.ack_offset = off;
      r.ack_ms = NowMs();
      if (r.state == ReplicaSyncState::kWaitAck) {
        MKDB_LOG(kNotice) << "Synchronization with replica " << c->peer() << " succeeded";
        PutOnline(c);
      }
      server_->blocking().WakeWaitingForReplicas();
    } else if (opt == "getack") {
      *reply_ok = false;
      if (c == master_) ack_now_ = true;
    } else if (opt == "rdb-only" || opt == "rdb-filter-only") {
      // redis-cli --rdb: accepted; the sync that follows sends the whole snapshot.
    } else {
      *error = "ERR Unrecognized REPLCONF option: " + std::string(args[i]);
      return false;
    }
  }
  return true;
}

bool Replication::TooFewGoodReplicas() const {
  const Config& cfg = server_->config();
  if (cfg.min_replicas_to_write <= 0 || cfg.min_replicas_max_lag <= 0 || is_replica()) {
    return false;
  }
  int64_t now = NowMs();
  int64_t good = 0;
  for (Client* c : replicas_) {
    if (c->repl->state == ReplicaSyncState::kOnline &&
        (now - c->repl->ack_ms) / 1000 <= cfg.min_replicas_max_lag) {
      ++good;
    }
  }
  return good < cfg.min_replicas_to_write;
}

int Replication::CountAcked(int64_t offset) const {
  int n = 0;
  for (Client* c : replicas_) {
    if (c->repl->state == ReplicaSyncState::kOnline && c->repl->ack_offset >= offset) ++n;
  }
  return n;
}

void Replication::SendPings() {
  const Config& cfg = server_->config();
  int64_t now_s = NowMs() / 1000;
  if (is_replica() || replicas_.empty()) return;
  if (now_s - last_ping_s_ < cfg.repl_ping_replica_period) return;
  last_ping_s_ = now_s;
  static const std::string kPing = "*1\r\n$4\r\nPING\r\n";
  FeedBytes(kPing);
}

void Replication::BeforeSleep() {
  if (!want_acks_) return;
  want_acks_ = false;
  if (is_replica() || backlog_ == nullptr) return;
  static const std::string kGetack = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";
  FeedBytes(kGetack);
}

void Replication::Cron() {
  int64_t now = NowMs();
  const Config& cfg = server_->config();
  // Primary side.
  SendPings();
  for (Client* c : replicas_) {
    ReplicaState& r = *c->repl;
    if (r.state == ReplicaSyncState::kOnline && (now - r.ack_ms) / 1000 > cfg.repl_timeout) {
      MKDB_LOG(kWarning) << "Disconnecting timedout replica: " << c->peer();
      c->CloseAsync();
    }
  }
  MaybeStartSyncSave();
  if (!is_replica() && replicas_.empty() && backlog_ != nullptr && cfg.repl_backlog_ttl > 0 &&
      now / 1000 - no_replicas_since_s_ > cfg.repl_backlog_ttl) {
    // A new history will start with the next replica: forget the old one.
    NewHistory();
    FreeBacklog();
    MKDB_LOG(kNotice) << "Replication backlog freed after " << cfg.repl_backlog_ttl
                      << " seconds without connected replicas.";
  }
  if (backlog_ != nullptr &&
      backlog_->capacity() != static_cast<size_t>(cfg.repl_backlog_size)) {
    backlog_->Resize(static_cast<size_t>(cfg.repl_backlog_size));
  }
  // Replica side.
  ReplicaCron();
}

}  // namespace memkeydb
