// Client: one connection's state — socket, input buffer and parser, output buffer and reply
// writer, selected database, protocol version, transaction and pub/sub state.
//
// A client with fd == -1 is a "fake" client: used by tests (Run({...}) fixtures), and later by
// AOF loading and scripting. Its replies accumulate in output() for the caller to read.
//
// Lifetime: owned by the Server. Closing is deferred (CloseAsync) so that no handler touches a
// freed client: the server frees closed clients in before-sleep.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <cstddef>
#include <vector>

#include "net/event_loop.h"
#include "protocol/resp_parser.h"
#include "protocol/resp_writer.h"

namespace memkeydb {

class Server;
struct Command;

enum ClientFlag : uint32_t {
  kClientMulti = 1 << 0,
  kClientDirtyCas = 1 << 1,       // a WATCHed key changed: EXEC fails
  kClientDirtyExec = 1 << 2,      // a command failed to queue: EXECABORT
  kClientCloseAfterReply = 1 << 3,
  kClientCloseAsap = 1 << 4,
  kClientMonitor = 1 << 5,
  kClientReplyOff = 1 << 6,
  kClientReplySkipNext = 1 << 7,
  kClientReplySkip = 1 << 8,
  kClientNoEvict = 1 << 9,
  kClientUnixSocket = 1 << 10,
  kClientPendingWrite = 1 << 11,
  kClientPaused = 1 << 12,        // waiting for CLIENT PAUSE to end, input left unprocessed
  kClientProtected = 1 << 13,     // never closed by timeout or buffer limits (fake clients)
  kClientBlocked = 1 << 14,       // waiting in a blocking command (blocked_state says on what)
  kClientExecuting = 1 << 15,     // running EXEC's queue: blocking commands must not block
  kClientReplica = 1 << 16,       // a replica of ours (after PSYNC/SYNC): it receives the stream
  kClientMaster = 1 << 17,        // our primary: its commands run without replies
};

struct BlockedState;
struct ReplicaState;

class Client : public IoHandler {
 public:
  Client(Server* server, int fd, uint64_t id);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- identity ---
  uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  bool fake() const { return fd_ < 0; }
  const std::string& peer() const { return peer_; }
  const std::string& local() const { return local_; }
  void set_addresses(std::string peer, std::string local) {
    peer_ = std::move(peer);
    local_ = std::move(local);
  }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  std::string lib_name, lib_ver;

  // --- state ---
  uint32_t flags = 0;
  bool has(uint32_t f) const { return (flags & f) != 0; }
  int db_index = 0;
  int resp() const { return writer_.resp(); }
  void set_resp(int v) { writer_.set_resp(v); }
  bool authenticated = false;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  const Command* last_command = nullptr;
  // The command the client named last, by its exact bytes: clients repeat one command name
  // (pipelines, benchmarks, loops), and comparing a few bytes is cheaper than a table lookup.
  Command* FindCommand(std::string_view name);

  // Transaction state.
  std::vector<std::vector<std::string>> multi_queue;
  struct WatchedKey {
    int db;
    std::string key;
    bool expired_when_watched;  // a key that expires after WATCH breaks the transaction
  };
  std::vector<WatchedKey> watched_keys;  // mirrored in Server's registry

  // Set while blocked (server/blocking.h).
  std::unique_ptr<BlockedState> blocked_state;
  // WAIT: the stream offset its replicas must acknowledge.
  int64_t repl_wait_offset = 0;
  // A replica of ours: its synchronisation state (server/replication.h).
  std::unique_ptr<ReplicaState> repl;

  // Pub/Sub state.
  std::set<std::string> channels, patterns, shard_channels;
  size_t subscription_count() const {
    return channels.size() + patterns.size() + shard_channels.size();
  }
  bool in_pubsub_mode() const { return subscription_count() > 0; }

  // --- I/O ---
  ReplyWriter& reply() { return writer_; }
  std::string& output() { return out_; }
  size_t pending_output() const { return out_.size() - out_sent_; }
  size_t input_buffered() const { return in_len_ - in_pos_; }
  size_t input_capacity() const { return in_cap_; }
  size_t output_capacity() const { return out_.capacity(); }
  // Output-buffer-limit soft-limit tracking: when the soft limit was first exceeded (0 = not).
  int64_t soft_limit_since_ms = 0;

  void OnIoEvent(uint32_t events) override;
  // Reads what the socket has and runs every complete command.
  void HandleReadable();
  // Writes pending replies; registers for writability if the socket is full.
  // Returns false if the connection failed.
  bool Flush();
  // Processes buffered input (after a pause ends, or after a read).
  void ProcessInput();
  void CloseAsync();
  // Sends the file at `path` ("$<size>\r\n" + its bytes) after the pending output and before
  // anything added later; Replication::BulkSent is called once it is out. False if the file
  // cannot be opened.
  bool StartBulk(const std::string& path);
  // Bytes that arrived for this client by another way (the rest of a replication handshake
  // read): buffered as if read from the socket, then processed.
  void InjectInput(std::string_view data);

  // Hands the socket to someone else (a full-sync transfer): stops watching it, and the client
  // is closed without closing the socket. Returns the socket.
  int ReleaseSocket();

 private:
  Server* server_;
  Command* looked_up_ = nullptr;  // FindCommand's cache: the command named looked_up_name_
  uint8_t looked_up_len_ = 0;
  char looked_up_name_[23] = {};
  int fd_;
  uint64_t id_;
  std::string peer_, local_, name_;
  void EnsureReadSpace(size_t want);
  // Input buffer: bytes [in_pos_, in_len_) are unprocessed.
  char* in_ = nullptr;
  size_t in_cap_ = 0;
  size_t in_len_ = 0;
  size_t in_pos_ = 0;
  RequestParser parser_;
  std::string out_;
  size_t out_sent_ = 0;
  ReplyWriter writer_;
  bool write_watch_ = false;
  // A file being sent (StartBulk): -1 when none.
  int bulk_fd_ = -1;
  uint64_t bulk_size_ = 0;
  uint64_t bulk_sent_ = 0;
  bool FlushOutput();
  // Sends some of the bulk: 1 done, 0 the socket is full, -1 failed.
  int SendBulk();
};

}  // namespace memkeydb
