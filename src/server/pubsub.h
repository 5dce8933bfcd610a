// PubSub: channel and pattern subscriptions (and shard channels, which on a non-cluster server
// behave like a separate channel namespace), and message delivery into subscribers' output.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace memkeydb {

class Client;
class Server;

class PubSub {
 public:
  // Each returns true if the subscription is new.
  bool Subscribe(Client* c, std::string_view channel, bool shard);
  bool Unsubscribe(Client* c, std::string_view channel, bool shard);
  bool PSubscribe(Client* c, std::string_view pattern);
  bool PUnsubscribe(Client* c, std::string_view pattern);
  // Drops every subscription of a closing client.
  void RemoveClient(Client* c);

  // Delivers to channel subscribers and matching patterns; returns receivers. The server is
  // told of each receiver's new output (flush scheduling, output-buffer limits).
  int64_t Publish(Server* server, std::string_view channel, std::string_view message, bool shard);

  // Introspection (PUBSUB ...).
  std::vector<std::string> Channels(std::string_view pattern, bool shard) const;
  int64_t NumSub(std::string_view channel, bool shard) const;
  int64_t NumPat() const { return static_cast<int64_t>(patterns_.size()); }
  size_t channel_count() const { return channels_.size(); }
  size_t pattern_count() const { return patterns_.size(); }
  size_t shard_channel_count() const { return shard_channels_.size(); }

 private:
  using Subscribers = std::vector<Client*>;
  std::unordered_map<std::string, Subscribers> channels_;
  std::unordered_map<std::string, Subscribers> shard_channels_;
  std::map<std::string, Subscribers> patterns_;
};

}  // namespace memkeydb
