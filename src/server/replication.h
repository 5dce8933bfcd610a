// Replication: memkeydb as a PSYNC2 primary and as a replica, on the wire as Redis 7.0.
//
// The stream. Every change reaches the stream of writes (server/propagation.h); Replication is
// a WriteSink that encodes each command once as RESP (with SELECT when the database changes),
// appends it to the backlog (server/repl_backlog.h) and to every replica's output. The stream
// offset (master_repl_offset) counts its bytes. A replica does not produce a stream of its own:
// it forwards, byte for byte, what its primary sent once each command has been applied, so a
// chain of replicas shares one replication id and one offset space.
//
// Identity (PSYNC2). replid names a history; replid2 and second_repl_offset name the history
// this one continues (after a promotion or a change of primary), up to which offset. A replica
// asking "PSYNC <id> <offset>" continues (+CONTINUE) if <id> is replid, or replid2 with
// <offset> <= second_repl_offset, and the backlog still holds <offset>; otherwise it gets
// +FULLRESYNC <replid> <offset> and a snapshot.
//
// Primary side, per replica (a Client with kClientReplica and a ReplicaState):
//   kWaitBgsaveStart  asked for a full sync; waits for a snapshot to start
//   kWaitBgsaveEnd    +FULLRESYNC sent; the snapshot is being written; the stream buffers
//   kSendBulk         the RDB file is being sent (disk-based sync)
//   kWaitAck          the diskless transfer ended; the stream starts after its first ACK
//   kOnline           the stream flows to its output
// Disk-based syncs share one snapshot file among the replicas waiting when it starts; a replica
// that arrives while one is being written joins it if another replica's buffer can be copied.
// Diskless syncs (repl-diskless-sync) wait repl-diskless-sync-delay seconds for more replicas,
// then a forked child writes "$EOF:<mark>" + RDB + <mark> to every socket. Without fork (the
// inline snapshot of the file backend) a sync is disk-based.
//
// Replica side (REPLICAOF host port): a non-blocking state machine connects, sends PING, AUTH
// (masterauth, masteruser), REPLCONF listening-port and capa eof psync2, then PSYNC with the
// cached history (its own replid/offset). A full sync reads the payload into a temporary file,
// loads it (keeping logically expired keys: the primary will send their DEL) and turns the
// socket into the master client, whose commands run without replies and whose applied bytes
// move the offset, are forwarded to sub-replicas and acknowledged (REPLCONF ACK, every second
// and on GETACK).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/event_loop.h"
#include "server/propagation.h"
#include "server/repl_backlog.h"

namespace memkeydb {

class Server;
class Client;

// The replid2 of a history that continues no other.
inline constexpr char kNoReplid[] = "0000000000000000000000000000000000000000";

enum class ReplicaSyncState : uint8_t { kWaitBgsaveStart, kWaitBgsaveEnd, kSendBulk, kWaitAck, kOnline };

// What a primary knows about one of its replicas.
struct ReplicaState {
  ReplicaSyncState state = ReplicaSyncState::kWaitBgsaveStart;
  bool diskless = false;           // the snapshot it waits for goes to its socket
  bool capa_eof = false, capa_psync2 = false;
  bool old_sync = false;           // came with SYNC: no +FULLRESYNC line before the payload
  int listening_port = 0;
  std::string announced_ip;
  int64_t psync_initial_offset = 0;  // offset its full sync starts after
  int64_t ack_offset = 0;
  int64_t ack_ms = 0;                // when its last ACK arrived
  std::string pending;               // stream held back until its snapshot has been sent
};

// The address a replica is reported under (INFO slaveN, ROLE): the ip it announced, or the
// one it connects from.
std::string ReplicaIp(const Client& c);

class Replication : public WriteSink {
 public:
  explicit Replication(Server* server);
  ~Replication() override;
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  // Start-up: the history found in the loaded RDB file (aux fields), and replicaof.
  void RestoreFromRdb(const std::string& replid, int64_t offset, int stream_db);
  void Start();

  // One command as RESP, appended to *out (the stream's encoding and the handshake's).
  static void EncodeCommand(std::string* out, const ArgList& argv);

  // --- the stream (WriteSink) ---
  void Feed(int db, const ArgList& argv) override;
  bool WantsReplicasOnly() const override { return true; }

  // --- identity ---
  const std::string& replid() const { return replid_; }
  const std::string& replid2() const { return replid2_; }
  int64_t offset() const { return offset_; }
  int64_t second_offset() const { return second_offset_; }
  const ReplBacklog* backlog() const { return backlog_.get(); }
  // For the RDB aux fields: the database the stream last selected.
  int stream_db() const;

  // --- primary side ---
  // PSYNC replid offset / SYNC (`args` empty): replies and attaches `c` as a replica.
  void Psync(Client* c, std::string_view replid, std::string_view offset, bool sync_command);
  // REPLCONF options from a replica or a client. Returns false with *error set on a bad option.
  bool Replconf(Client* c, const std::vector<std::string_view>& args, bool* reply_ok,
                std::string* error);
  // A replica client is being freed.
  void ReplicaGone(Client* c);
  // The disk snapshot has been sent to replica `c`.
  void BulkSent(Client* c);
  // min-replicas-to-write: the write must be refused.
  bool TooFewGoodReplicas() const;
  // WAIT: replicas that acknowledged `offset`.
  int CountAcked(int64_t offset) const;
  // WAIT is waiting: ask the replicas for an ACK before the loop sleeps.
  void RequestAcks() { want_acks_ = true; }
  size_t replica_count() const { return replicas_.size(); }
  const std::vector<Client*>& replicas() const { return replicas_; }

  // --- replica side ---
  bool is_replica() const { return !primary_host_.empty(); }
  // REPLICAOF host port; "" or the error.
  std::string SetPrimary(const std::string& host, int port);
  // REPLICAOF NO ONE: becomes a primary, keeping the history as replid2 so that the other
  // replicas can continue with it.
  void Promote();
  const std::string& primary_host() const { return primary_host_; }
  int primary_port() const { return primary_port_; }
  bool link_up() const { return link_state_ == LinkState::kConnected; }
  bool sync_in_progress() const { return link_state_ == LinkState::kTransfer; }
  // The ROLE state word: connect, connecting, handshake, sync, connected.
  const char* link_state_name() const;
  int64_t last_io_seconds_ago() const;
  int64_t link_down_since_s() const { return link_down_since_s_; }
  int64_t transfer_size() const { return transfer_size_; }
  int64_t transfer_read() const { return transfer_read_; }
  // The master client applied a whole command (`bytes` as received); outside MULTI the
  // accumulated bytes are committed: offset, backlog, sub-replicas.
  void MasterApplied(Client* c, std::string_view bytes);
  // The master client is being freed: the link is down; its history is kept for a PSYNC.
  void MasterGone(Client* c);
  // REPLCONF GETACK from the primary: ACK at once.
  void SendAck();
  Client* master_client() const { return master_; }

  // --- both ---
  void Cron();         // every cron tick
  void BeforeSleep();  // GETACKs for WAIT
  // Stats for INFO.
  uint64_t sync_full = 0, sync_partial_ok = 0, sync_partial_err = 0;
  uint64_t repl_input_bytes = 0, repl_output_bytes = 0;

 private:
  enum class LinkState : uint8_t {
    kNone, kConnect, kConnecting, kReceivePong, kReceiveAuth, kReceivePort, kReceiveCapa,
    kReceivePsync, kTransfer, kConnected
  };
  class Link;

  // Primary side.
  void EnsureBacklog();
  void FreeBacklog();
  // Appends encoded stream bytes: offset, backlog, replicas.
  void FeedBytes(std::string_view bytes);
  void SendToReplica(Client* c, std::string_view bytes);
  bool TryPartial(Client* c, std::string_view replid, std::string_view offset_text);
  void StartFullSync(Client* c);
  // Starts a snapshot for the replicas waiting for one (if none is running).
  void MaybeStartSyncSave();
  void SyncSaveDone(bool ok, const std::string& path, bool diskless);
  void PutOnline(Client* c);
  void SendPings();
  void ShiftReplid();  // new replid, the old one as replid2 up to the current offset
  void NewHistory();   // new replid continuing nothing (no replid2)
  void ClearReplid2();
  // A fresh ReplicaState for a client that speaks REPLCONF or PSYNC (kept if it has one).
  static ReplicaState& StateOf(Client* c);
  // Ends the link's master client (its history is kept for a PSYNC).
  void DropMaster();

  // Replica side.
  void ConnectToPrimary();
  void DropLink(const char* why);
  void LinkEvent(uint32_t events);
  bool LinkSend(const std::string& cmd);
  // Reads one line of the handshake: 1 done, 0 need more, -1 failed.
  int LinkReadLine(std::string* line);
  void LinkHandshakeStep();
  void LinkTransferStep();
  void FinishTransfer();
  // The link's socket becomes the master client.
  void BecomeConnected(bool full_sync);
  void ReplicaCron();
  void DisconnectReplicas();

  Server* server_;
  std::string replid_, replid2_;
  int64_t offset_ = 0;
  int64_t second_offset_ = -1;
  std::unique_ptr<ReplBacklog> backlog_;
  int last_db_ = -1;  // the database the stream last selected (-1: SELECT next time)
  std::string encode_buf_;
  std::vector<Client*> replicas_;
  int64_t no_replicas_since_s_ = 0;
  int64_t last_ping_s_ = 0;
  bool want_acks_ = false;
  bool sync_save_running_ = false;
  bool sync_save_diskless_ = false;
  int64_t diskless_wait_since_ms_ = 0;

  std::string primary_host_;
  int primary_port_ = 0;
  LinkState link_state_ = LinkState::kNone;
  std::unique_ptr<Link> link_;
  Client* master_ = nullptr;
  bool started_ = false;       // Start() ran: the loop exists
  bool have_history_ = false;  // PSYNC replid_ offset_+1 rather than PSYNC ? -1
  bool ack_now_ = false;       // GETACK: ACK once the command has been applied
  std::string master_pending_;      // applied bytes of an open MULTI
  int64_t link_down_since_s_ = 0;
  int64_t last_io_ms_ = 0;
  int64_t last_ack_ms_ = 0;
  int64_t next_connect_ms_ = 0;
  int master_stream_db_ = 0;        // the master client's database to restore on CONTINUE
  // Transfer.
  std::string sync_replid_;
  int64_t sync_offset_ = 0;
  int transfer_fd_ = -1;
  std::string transfer_path_;
  int64_t transfer_size_ = -1;   // -1: EOF-marked
  int64_t transfer_read_ = 0;
  std::string eof_mark_;
  std::string transfer_tail_;    // last bytes read (to find the EOF mark)
};

}  // namespace memkeydb
