#include "server/client.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/clock.h"
#include "common/logging.h"
#include "server/command_table.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {
// Bytes read per read(2) call when no large argument is pending (Redis reads 16 KiB too).
constexpr size_t kReadChunk = 16 * 1024;
// A large bulk argument is read in pieces of at most this size, so a length announced by the
// client never makes us allocate more than it has actually sent plus this.
constexpr size_t kMaxReadAhead = 1 << 20;
// An output buffer larger than this is released once fully written.
constexpr size_t kKeepOutputCapacity = 64 * 1024;
}  // namespace

Client::Client(Server* server, int fd, uint64_t id)
    : server_(server), fd_(fd), id_(id), writer_(&out_, 2) {
  created_ms = last_interaction_ms = NowMs();
  RequestParser::Limits limits;
  limits.max_bulk_len = server->config().proto_max_bulk_len;
  parser_.set_limits(limits);
  authenticated = server->config().requirepass.empty();
}

Client::~Client() {
  if (fd_ >= 0) close(fd_);
  if (bulk_fd_ >= 0) close(bulk_fd_);
  free(in_);
}

void Client::OnIoEvent(uint32_t events) {
  if (has(kClientCloseAsap)) return;
  // Writes first: replies produced by this read must wait for before-sleep, which writes the
  // AOF (and fsyncs it under appendfsync always) before they go out.
  if (events & EPOLLOUT) Flush();
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !has(kClientCloseAsap)) HandleReadable();
}

void Client::EnsureReadSpace(size_t want) {
  // Drop consumed bytes first: either nothing is left, or the unconsumed tail is moved down
  // (the parser keeps offsets relative to in_pos_, so moving is safe).
  if (in_pos_ == in_len_) {
    in_pos_ = in_len_ = 0;
  } else if (in_pos_ > 0 && (in_cap_ - in_len_ < want || in_pos_ >= in_cap_ / 2)) {
    std::memmove(in_, in_ + in_pos_, in_len_ - in_pos_);
    in_len_ -= in_pos_;
    in_pos_ = 0;
  }
  if (in_cap_ - in_len_ >= want) return;
  size_t cap = std::max(in_cap_ * 2, in_len_ + want);
  char* p = static_cast<char*>(realloc(in_, cap));
  if (p == nullptr) {
    MKDB_LOG(kWarning) << "Out of memory growing the query buffer of client id=" << id_;
    abort();
  }
  in_ = p;
  in_cap_ = cap;
}

void Client::HandleReadable() {
  size_t want = kReadChunk;
  size_t wanted = parser_.BytesWanted();
  if (wanted > want) want = std::min(wanted, kMaxReadAhead);
  EnsureReadSpace(want);
  // While a large bulk is pending, read no further than its end (as Redis does): the query
  // buffer limit is checked before parsing, and the bulk counts against it until complete, so
  // reading into the next argument in the same call would count both.
  size_t room = parser_.InLargeBulk() ? std::min(wanted, kMaxReadAhead) : in_cap_ - in_len_;
  ssize_t n = read(fd_, in_ + in_len_, room);
  if (n == 0) {
    CloseAsync();
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      MKDB_LOG(kVerbose) << "Reading from client: " << strerror(errno);
      CloseAsync();
    }
    return;
  }
  in_len_ += static_cast<size_t>(n);
  server_->stats().net_input_bytes += static_cast<uint64_t>(n);
  ++server_->stats().total_reads_processed;
  last_interaction_ms = NowMs();
  size_t unparsed = input_buffered() - parser_.parsed_prefix();
  if (static_cast<int64_t>(unparsed) > server_->config().client_query_buffer_limit) {
    MKDB_LOG(kWarning) << "Closing client that reached max query buffer length: id=" << id_
                       << " addr=" << peer_ << " qbuf=" << input_buffered();
    ++server_->stats().client_qbuf_limit_disconnections;
    CloseAsync();
    return;
  }
  ProcessInput();
}

Command* Client::FindCommand(std::string_view name) {
  if (looked_up_ != nullptr && name.size() == looked_up_len_ &&
      memcmp(name.data(), looked_up_name_, name.size()) == 0) {
    return looked_up_;
  }
  Command* cmd = CommandTable::Get().Find(name);
  if (cmd != nullptr && name.size() <= sizeof(looked_up_name_)) {
    looked_up_ = cmd;
    looked_up_len_ = static_cast<uint8_t>(name.size());
    memcpy(looked_up_name_, name.data(), name.size());
  }
  return cmd;
}

void Client::ProcessInput() {
  // CONFIG SET proto-max-bulk-len applies to connected clients too.
  parser_.set_limits({server_->config().proto_max_bulk_len});
  server_->BeginInputBatch();
  while (in_pos_ < in_len_ &&
         !has(kClientCloseAsap | kClientCloseAfterReply | kClientPaused | kClientBlocked)) {
    parser_.set_authenticated(authenticated);
    size_t consumed = 0;
    RequestParser::Result r = parser_.Parse(in_ + in_pos_, in_len_ - in_pos_, &consumed);
    if (r == RequestParser::Result::kNeedMore) break;
    if (r == RequestParser::Result::kError) {
      MKDB_LOG(kVerbose) << "Protocol error (" << parser_.error() << ") from client: id=" << id_
                         << " addr=" << peer_;
      writer_.Error("ERR " + parser_.error());
      flags |= kClientCloseAfterReply;
      in_pos_ = in_len_;
      break;
    }
    if (!parser_.args().empty()) {
      if (!server_->Execute(this, parser_.args())) {
        parser_.Reset();
        break;  // paused: the command stays in the buffer and runs on unpause
      }
    }
    in_pos_ += consumed;
    if (has(kClientMaster)) {
      server_->replication().MasterApplied(this, std::string_view(in_ + in_pos_ - consumed, consumed));
    }
  }
  server_->EndInputBatch();
  if (pending_output() > 0 || has(kClientCloseAfterReply)) server_->OnClientOutput(this);
}

bool Client::Flush() {
  for (;;) {
    if (!FlushOutput()) return false;
    if (out_sent_ < out_.size()) return true;  // the socket is full
    if (bulk_fd_ < 0) break;
    out_.clear();
    out_sent_ = 0;
    int r = SendBulk();
    if (r < 0) {
      MKDB_LOG(kWarning) << "Error sending the RDB to replica " << peer_ << ": " << strerror(errno);
      CloseAsync();
      return false;
    }
    if (r == 0) {
      if (!write_watch_) {
        server_->loop().Watch(fd_, true, true, this);
        write_watch_ = true;
      }
      return true;
    }
    close(bulk_fd_);
    bulk_fd_ = -1;
    server_->replication().BulkSent(this);  // appends the stream held back meanwhile
  }
  ++server_->stats().total_writes_processed;
  out_sent_ = 0;
  if (out_.capacity() > kKeepOutputCapacity) {
    std::string().swap(out_);
  } else {
    out_.clear();
  }
  if (write_watch_) {
    server_->loop().Watch(fd_, true, false, this);
    write_watch_ = false;
  }
  if (has(kClientCloseAfterReply)) CloseAsync();
  return true;
}

bool Client::StartBulk(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return false;
  }
  bulk_fd_ = fd;
  bulk_size_ = static_cast<uint64_t>(st.st_size);
  bulk_sent_ = 0;
  out_ += "$" + std::to_string(bulk_size_) + "\r\n";
  return true;
}

int Client::SendBulk() {
  while (bulk_sent_ < bulk_size_) {
    off_t off = static_cast<off_t>(bulk_sent_);
    ssize_t n = sendfile(fd_, bulk_fd_, &off, std::min<uint64_t>(bulk_size_ - bulk_sent_, 1 << 20));
    if (n > 0) {
      bulk_sent_ += static_cast<uint64_t>(n);
      server_->stats().net_output_bytes += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    return -1;
  }
  return 1;
}

void Client::InjectInput(std::string_view data) {
  EnsureReadSpace(data.size());
  std::memcpy(in_ + in_len_, data.data(), data.size());
  in_len_ += data.size();
  ProcessInput();
}

// Writes out_ until it is sent or the socket is full. False if the connection failed.
bool Client::FlushOutput() {
  while (out_sent_ < out_.size()) {
    ssize_t n = write(fd_, out_.data() + out_sent_, out_.size() - out_sent_);
    if (n > 0) {
      out_sent_ += static_cast<size_t>(n);
      server_->stats().net_output_bytes += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!write_watch_) {
        server_->loop().Watch(fd_, true, true, this);
        write_watch_ = true;
      }
      // Move the unsent tail down once most of the buffer is sent, so it does not grow forever.
      if (out_sent_ > out_.size() / 2) {
        out_.erase(0, out_sent_);
        out_sent_ = 0;
      }
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    MKDB_LOG(kVerbose) << "Error writing to client: " << strerror(errno);
    CloseAsync();
    return false;
  }
  return true;
}

int Client::ReleaseSocket() {
  int fd = fd_;
  if (fd >= 0) server_->loop().Unwatch(fd);
  fd_ = -1;
  CloseAsync();
  return fd;
}

void Client::CloseAsync() {
  if (has(kClientCloseAsap)) return;
  flags |= kClientCloseAsap;
  server_->ScheduleClose(this);
}

}  // namespace memkeydb
