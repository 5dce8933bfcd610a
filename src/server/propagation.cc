// The server's side of the stream of writes (server/propagation.h): which commands are fed to
// the sinks, grouped how.
//
// An execution unit is one command run from the pipeline, or a whole EXEC, or a blocked client's
// command being served. Everything a unit produces — keys it found expired, what it queued with
// AlsoPropagate, then its own (possibly rewritten) arguments if it moved the dirty counter — is
// fed when the unit ends: as is if it is a single command, wrapped in MULTI ... EXEC otherwise.
// Deletions outside any unit (active expiry, eviction before a command runs) are fed one by one.

#include <algorithm>

#include "server/command_table.h"
#include "server/server.h"

namespace memkeydb {

void Server::AddWriteSink(WriteSink* sink) {
  if (std::find(sinks_.begin(), sinks_.end(), sink) == sinks_.end()) sinks_.push_back(sink);
}

void Server::RemoveWriteSink(WriteSink* sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), sink), sinks_.end());
  if (sinks_.empty()) pending_writes_.clear();
}

void Server::Propagate(int db, std::vector<std::string> argv, bool replicas_only) {
  if (!propagating()) return;
  if (call_depth_ == 0) {
    ArgList views(argv.begin(), argv.end());
    FeedSinks(db, views, replicas_only);
    return;
  }
  pending_writes_.push_back({db, std::move(argv), replicas_only});
}

void Server::PropagateDeletion(int db, std::string_view key, bool lazy) {
  if (!propagating()) return;
  Propagate(db, {lazy ? "UNLINK" : "DEL", std::string(key)});
}

void Server::PropagateCall(CommandContext& ctx, const ArgList& args, bool dirtied) {
  bool forced = ctx.propagation_forced();
  bool own = (dirtied || forced || ctx.replicas_forced()) && !ctx.propagation_prevented() &&
             &ctx.command() != exec_command_;
  if (own) {
    const std::vector<std::string>* rewrite = ctx.propagation_rewrite();
    bool replicas_only = !dirtied && !forced;
    if (call_depth_ == 0 && pending_writes_.empty()) {
      // The common case, a lone command: fed from its arguments without copying them.
      if (rewrite == nullptr) {
        FeedSinks(ctx.db_index(), args, replicas_only);
      } else {
        ArgList views(rewrite->begin(), rewrite->end());
        FeedSinks(ctx.db_index(), views, replicas_only);
      }
      return;
    }
    pending_writes_.push_back(
        {ctx.db_index(),
         rewrite != nullptr ? *rewrite : std::vector<std::string>(args.begin(), args.end()),
         replicas_only});
  }
  if (call_depth_ == 0) FlushPendingWrites();
}

void Server::FlushPendingWrites() {
  if (pending_writes_.empty()) return;
  std::vector<PendingWrite> writes;
  writes.swap(pending_writes_);
  if (!propagating()) return;
  static const ArgList kMulti = {"MULTI"};
  static const ArgList kExec = {"EXEC"};
  std::vector<ArgList> views;
  views.reserve(writes.size());
  for (const PendingWrite& w : writes) views.emplace_back(w.argv.begin(), w.argv.end());
  for (WriteSink* sink : sinks_) {
    bool all = sink->WantsReplicasOnly();
    // What this sink receives of the unit: MULTI takes its first command's database and EXEC
    // its last one's, so a SELECT the sink emits comes before MULTI, never just before EXEC
    // (as Redis 7.0 orders them).
    int first = -1, last = -1, count = 0;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (writes[i].replicas_only && !all) continue;
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i);
      ++count;
    }
    if (count == 0) continue;
    bool wrap = count > 1;
    if (wrap) sink->Feed(writes[first].db, kMulti);
    for (size_t i = 0; i < writes.size(); ++i) {
      if (writes[i].replicas_only && !all) continue;
      sink->Feed(writes[i].db, views[i]);
    }
    if (wrap) sink->Feed(writes[last].db, kExec);
  }
}

void Server::FeedSinks(int db, const ArgList& argv, bool replicas_only) {
  for (WriteSink* sink : sinks_) {
    if (replicas_only && !sink->WantsReplicasOnly()) continue;
    sink->Feed(db, argv);
  }
}

}  // namespace memkeydb
