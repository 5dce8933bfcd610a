// ReplBacklog: the last bytes of the replication stream, kept so that a replica that lost its
// link can continue from the offset it reached (PSYNC +CONTINUE) instead of a full sync.
//
// A ring of `capacity` bytes. Offsets are those of the stream (INFO master_repl_offset): the
// byte at offset N is the N-th byte ever fed; end_offset() is the offset of the last byte held,
// first_offset() that of the oldest (end_offset() + 1 when empty).
//
// The stream is protocol, not user data at rest: like client buffers it lives in ordinary DRAM
// and is reported as mem_replication_backlog (docs/replication.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {

class ReplBacklog {
 public:
  // An empty backlog whose next byte will be offset `end_offset` + 1.
  ReplBacklog(size_t capacity, int64_t end_offset);

  void Append(std::string_view data);
  // Keeps the newest min(histlen, capacity) bytes.
  void Resize(size_t capacity);

  size_t capacity() const { return buf_.size(); }
  size_t histlen() const { return histlen_; }
  int64_t end_offset() const { return end_offset_; }
  int64_t first_offset() const { return end_offset_ - static_cast<int64_t>(histlen_) + 1; }
  // The bytes from offset `from` to the end, appended to *out. False (nothing appended) if
  // `from` is not in [first_offset(), end_offset() + 1].
  bool CopyFrom(int64_t from, std::string* out) const;

 private:
  std::vector<char> buf_;
  size_t head_ = 0;  // where the next byte goes
  size_t histlen_ = 0;
  int64_t end_offset_;
};

}  // namespace memkeydb
