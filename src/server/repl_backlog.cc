#include "server/repl_backlog.h"

#include <algorithm>
#include <cstring>

namespace memkeydb {

ReplBacklog::ReplBacklog(size_t capacity, int64_t end_offset)
    : buf_(std::max<size_t>(capacity, 1)), end_offset_(end_offset) {}

void ReplBacklog::Append(std::string_view data) {
  end_offset_ += static_cast<int64_t>(data.size());
  size_t cap = buf_.size();
  if (data.size() >= cap) {
    // Only the newest `cap` bytes survive.
    std::memcpy(buf_.data(), data.data() + data.size() - cap, cap);
    head_ = 0;
    histlen_ = cap;
    return;
  }
  size_t first = std::min(data.size(), cap - head_);
  std::memcpy(buf_.data() + head_, data.data(), first);
  std::memcpy(buf_.data(), data.data() + first, data.size() - first);
  head_ = (head_ + data.size()) % cap;
  histlen_ = std::min(cap, histlen_ + data.size());
}

bool ReplBacklog::CopyFrom(int64_t from, std::string* out) const {
  if (from < first_offset() || from > end_offset_ + 1) return false;
  size_t len = static_cast<size_t>(end_offset_ + 1 - from);
  size_t cap = buf_.size();
  size_t start = (head_ + cap - len) % cap;  // len <= histlen_ <= cap
  size_t first = std::min(len, cap - start);
  out->append(buf_.data() + start, first);
  out->append(buf_.data(), len - first);
  return true;
}

void ReplBacklog::Resize(size_t capacity) {
  capacity = std::max<size_t>(capacity, 1);
  if (capacity == buf_.size()) return;
  std::string keep;
  size_t len = std::min(histlen_, capacity);
  CopyFrom(end_offset_ + 1 - static_cast<int64_t>(len), &keep);
  buf_.assign(capacity, 0);
  std::memcpy(buf_.data(), keep.data(), keep.size());
  histlen_ = keep.size();
  head_ = keep.size() % capacity;
}

}  // namespace memkeydb
