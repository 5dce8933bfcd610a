#include "server/pubsub.h"

#include <algorithm>

#include "common/glob.h"
#include "server/client.h"
#include "server/server.h"

namespace memkeydb {
namespace {
bool AddTo(std::vector<Client*>* v, Client* c) {
  if (std::find(v->begin(), v->end(), c) != v->end()) return false;
  v->push_back(c);
  return true;
}

template <typename Map>
bool RemoveFrom(Map* m, std::string_view name, Client* c) {
  auto it = m->find(std::string(name));
  if (it == m->end()) return false;
  auto& v = it->second;
  auto pos = std::find(v.begin(), v.end(), c);
  if (pos == v.end()) return false;
  v.erase(pos);
  if (v.empty()) m->erase(it);
  return true;
}

void Deliver(Client* c, std::initializer_list<std::string_view> parts) {
  ReplyWriter& w = c->reply();
  w.PushHeader(parts.size());
  for (std::string_view p : parts) w.Bulk(p);
}
}  // namespace

bool PubSub::Subscribe(Client* c, std::string_view channel, bool shard) {
  auto& map = shard ? shard_channels_ : channels_;
  auto& mine = shard ? c->shard_channels : c->channels;
  if (!mine.insert(std::string(channel)).second) return false;
  AddTo(&map[std::string(channel)], c);
  return true;
}

bool PubSub::Unsubscribe(Client* c, std::string_view channel, bool shard) {
  auto& mine = shard ? c->shard_channels : c->channels;
  if (mine.erase(std::string(channel)) == 0) return false;
  return shard ? RemoveFrom(&shard_channels_, channel, c) : RemoveFrom(&channels_, channel, c);
}

bool PubSub::PSubscribe(Client* c, std::string_view pattern) {
  if (!c->patterns.insert(std::string(pattern)).second) return false;
  AddTo(&patterns_[std::string(pattern)], c);
  return true;
}

bool PubSub::PUnsubscribe(Client* c, std::string_view pattern) {
  if (c->patterns.erase(std::string(pattern)) == 0) return false;
  return RemoveFrom(&patterns_, pattern, c);
}

void PubSub::RemoveClient(Client* c) {
  for (const auto& ch : c->channels) RemoveFrom(&channels_, ch, c);
  for (const auto& ch : c->shard_channels) RemoveFrom(&shard_channels_, ch, c);
  for (const auto& p : c->patterns) RemoveFrom(&patterns_, p, c);
  c->channels.clear();
  c->shard_channels.clear();
  c->patterns.clear();
}

int64_t PubSub::Publish(Server* server, std::string_view channel, std::string_view message,
                        bool shard) {
  int64_t receivers = 0;
  auto& map = shard ? shard_channels_ : channels_;
  auto it = map.find(std::string(channel));
  if (it != map.end()) {
    for (Client* c : it->second) {
      Deliver(c, {shard ? "smessage" : "message", channel, message});
      server->OnClientOutput(c);
      ++receivers;
    }
  }
  if (shard) return receivers;
  for (auto& [pattern, clients] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    for (Client* c : clients) {
      Deliver(c, {"pmessage", pattern, channel, message});
      server->OnClientOutput(c);
      ++receivers;
    }
  }
  return receivers;
}

std::vector<std::string> PubSub::Channels(std::string_view pattern, bool shard) const {
  std::vector<std::string> out;
  for (const auto& [name, subs] : shard ? shard_channels_ : channels_) {
    if (pattern.empty() || GlobMatch(pattern, name)) out.push_back(name);
  }
  return out;
}

int64_t PubSub::NumSub(std::string_view channel, bool shard) const {
  const auto& map = shard ? shard_channels_ : channels_;
  auto it = map.find(std::string(channel));
  return it == map.end() ? 0 : static_cast<int64_t>(it->second.size());
}

}  // namespace memkeydb
