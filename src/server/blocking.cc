#include "server/blocking.h"

#include <algorithm>

#include "common/clock.h"
#include "server/client.h"
#include "server/command_table.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {
// With no deadline pending, the timer still runs this often (it costs one set lookup).
constexpr int64_t kIdleTimerUs = 1'000'000;
}  // namespace

void Blocking::Start() {
  timer_ = server_->loop().AddTimer(kIdleTimerUs, [this] { return HandleTimeouts(); });
}

void Blocking::Block(Client* c, BlockedState state) {
  for (const std::string& key : state.keys) {
    std::list<Client*>& queue = waiting_[{state.db, key}];
    // BLPOP k k waits once on k.
    if (queue.empty() || queue.back() != c) queue.push_back(c);
  }
  if (state.deadline_ms > 0) {
    deadlines_.insert({state.deadline_ms, c->id()});
    if (timer_ != SIZE_MAX && deadlines_.begin()->second == c->id()) {
      int64_t wait_ms = state.deadline_ms - NowMs();
      server_->loop().RunTimerBy(timer_, MonotonicUs() + std::max<int64_t>(wait_ms, 0) * 1000);
    }
  }
  if (state.keys.empty()) keyless_.insert(c->id());
  c->blocked_state = std::make_unique<BlockedState>(std::move(state));
  c->flags |= kClientBlocked;
  ++blocked_;
}

void Blocking::Remove(Client* c) {
  if (!c->has(kClientBlocked)) return;
  const BlockedState& st = *c->blocked_state;
  for (const std::string& key : st.keys) {
    auto it = waiting_.find({st.db, key});
    if (it == waiting_.end()) continue;
    it->second.remove(c);
    if (it->second.empty()) waiting_.erase(it);
  }
  if (st.deadline_ms > 0) deadlines_.erase({st.deadline_ms, c->id()});
  if (st.keys.empty()) keyless_.erase(c->id());
  c->blocked_state.reset();
  c->flags &= ~kClientBlocked;
  --blocked_;
}

void Blocking::SignalKeySlow(int db, std::string_view key) {
  Key k{db, std::string(key)};
  if (!waiting_.contains(k) || ready_set_.contains(k)) return;
  ready_set_.insert(k);
  ready_.push_back(std::move(k));
}

void Blocking::SignalDb(int db) {
  for (const auto& [key, queue] : waiting_) {
    if (key.first == db) SignalKeySlow(db, key.second);
  }
}

void Blocking::ServeReadyKeys() {
  if (serving_ || (ready_.empty() && resume_.empty())) return;
  serving_ = true;
  while (!ready_.empty() || !resume_.empty()) {
    std::vector<Key> keys;
    keys.swap(ready_);
    ready_set_.clear();
    for (const Key& key : keys) {
      auto it = waiting_.find(key);
      if (it == waiting_.end()) continue;
      // Oldest first. Serving one client may unblock or free others: go by id and re-check.
      std::vector<uint64_t> ids;
      for (Client* c : it->second) ids.push_back(c->id());
      for (uint64_t id : ids) {
        Client* c = server_->FindClient(id);
        if (c == nullptr || !c->has(kClientBlocked) || c->blocked_state->db != key.first) continue;
        const std::vector<std::string>& waited = c->blocked_state->keys;
        if (std::find(waited.begin(), waited.end(), key.second) == waited.end()) continue;
        Rerun(c);
      }
    }
    // Unblocked clients read what they sent while blocked; that may block or signal again.
    std::vector<uint64_t> resume;
    resume.swap(resume_);
    for (uint64_t id : resume) {
      Client* c = server_->FindClient(id);
      if (c != nullptr && !c->has(kClientBlocked | kClientCloseAsap)) c->ProcessInput();
    }
  }
  serving_ = false;
}

void Blocking::Rerun(Client* c) {
  BlockedState* st = c->blocked_state.get();
  std::vector<std::string> args = st->args;  // the handler may rewrite st->args
  ArgList views(args.begin(), args.end());
  int db = c->db_index;
  c->db_index = st->db;
  bool still_blocked = server_->Call(c, const_cast<Command*>(st->cmd), views, true);
  c->db_index = db;
  if (still_blocked) return;
  Remove(c);
  server_->OnClientOutput(c);
  resume_.push_back(c->id());
}

void Blocking::Finish(Client* c) {
  Remove(c);
  server_->OnClientOutput(c);
  resume_.push_back(c->id());
}

int64_t Blocking::HandleTimeouts() {
  int64_t now = NowMs();
  bool any = false;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    Client* c = server_->FindClient(deadlines_.begin()->second);
    if (c == nullptr || !c->has(kClientBlocked)) {  // cannot happen: Remove erases the deadline
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    TimeoutReply(c);
    Finish(c);
    any = true;
  }
  if (any) ServeReadyKeys();
  if (deadlines_.empty()) return kIdleTimerUs;
  return std::max<int64_t>(deadlines_.begin()->first - now, 1) * 1000;
}

bool Blocking::Unblock(Client* c, bool with_error) {
  if (!c->has(kClientBlocked)) return false;
  if (with_error) {
    c->reply().Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    TimeoutReply(c);
  }
  Finish(c);
  return true;
}

void Blocking::TimeoutReply(Client* c) {
  switch (c->blocked_state->on_timeout) {
    case CommandContext::TimeoutReply::kNullBulk:
      c->reply().Null();
      break;
    case CommandContext::TimeoutReply::kReplicaCount:
      c->reply().Integer(server_->replication().CountAcked(c->repl_wait_offset));
      break;
    default:
      c->reply().NullArray();
  }
}

void Blocking::WakeWaitingForReplicas() {
  if (keyless_.empty()) return;
  std::vector<uint64_t> ids(keyless_.begin(), keyless_.end());
  for (uint64_t id : ids) {
    Client* c = server_->FindClient(id);
    if (c != nullptr && c->has(kClientBlocked)) Rerun(c);
  }
}

}  // namespace memkeydb
