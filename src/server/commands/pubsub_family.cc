// Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
//
// Shard channels on a server without cluster mode are a namespace of their own: SPUBLISH
// reaches SSUBSCRIBE subscribers only, and patterns never match them.

#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/server.h"

namespace memkeydb {
namespace {

void Confirm(Client& c, std::string_view kind, const std::string* channel, size_t count) {
  ReplyWriter& w = c.reply();
  w.PushHeader(3);
  w.Bulk(kind);
  if (channel != nullptr) {
    w.Bulk(*channel);
  } else {
    w.Null();
  }
  w.Integer(static_cast<int64_t>(count));
}

// SUBSCRIBE channel [channel ...] / SSUBSCRIBE shardchannel [shardchannel ...]
void SubscribeGeneric(CommandContext& ctx, bool shard) {
  Client& c = ctx.client();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string channel(ctx.arg(i));
    ctx.server().pubsub().Subscribe(&c, channel, shard);
    Confirm(c, shard ? "ssubscribe" : "subscribe", &channel,
            shard ? c.shard_channels.size() : c.subscription_count() - c.shard_channels.size());
  }
}

// Count Redis reports after a (un)subscription: shard channels are counted apart.
size_t ClassicCount(const Client& c) { return c.channels.size() + c.patterns.size(); }

// UNSUBSCRIBE [channel [channel ...]] / SUNSUBSCRIBE [shardchannel [shardchannel ...]]
void UnsubscribeGeneric(CommandContext& ctx, bool shard) {
  Client& c = ctx.client();
  PubSub& ps = ctx.server().pubsub();
  const char* kind = shard ? "sunsubscribe" : "unsubscribe";
  auto count = [&] { return shard ? c.shard_channels.size() : ClassicCount(c); };
  if (ctx.argc() == 1) {
    std::set<std::string> all = shard ? c.shard_channels : c.channels;
    if (all.empty()) Confirm(c, kind, nullptr, count());
    for (const std::string& ch : all) {
      ps.Unsubscribe(&c, ch, shard);
      Confirm(c, kind, &ch, count());
    }
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string ch(ctx.arg(i));
    ps.Unsubscribe(&c, ch, shard);
    Confirm(c, kind, &ch, count());
  }
}

void SubscribeCommand(CommandContext& ctx) { SubscribeGeneric(ctx, false); }
void SSubscribeCommand(CommandContext& ctx) { SubscribeGeneric(ctx, true); }
void UnsubscribeCommand(CommandContext& ctx) { UnsubscribeGeneric(ctx, false); }
void SUnsubscribeCommand(CommandContext& ctx) { UnsubscribeGeneric(ctx, true); }

// PSUBSCRIBE pattern [pattern ...]
void PSubscribeCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string p(ctx.arg(i));
    ctx.server().pubsub().PSubscribe(&c, p);
    Confirm(c, "psubscribe", &p, ClassicCount(c));
  }
}

// PUNSUBSCRIBE [pattern [pattern ...]]
void PUnsubscribeCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  PubSub& ps = ctx.server().pubsub();
  if (ctx.argc() == 1) {
    std::set<std::string> all = c.patterns;
    if (all.empty()) Confirm(c, "punsubscribe", nullptr, ClassicCount(c));
    for (const std::string& p : all) {
      ps.PUnsubscribe(&c, p);
      Confirm(c, "punsubscribe", &p, ClassicCount(c));
    }
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string p(ctx.arg(i));
    ps.PUnsubscribe(&c, p);
    Confirm(c, "punsubscribe", &p, ClassicCount(c));
  }
}

// PUBLISH channel message / SPUBLISH shardchannel message
void PublishGeneric(CommandContext& ctx, bool shard) {
  int64_t n = ctx.server().pubsub().Publish(&ctx.server(), ctx.arg(1), ctx.arg(2), shard);
  ++ctx.server().stats().pubsub_messages;
  ctx.reply().Integer(n);
  // Not data, so not for the AOF; replicas' subscribers must see it (Redis 7.0 outside a cluster).
  ctx.PropagateToReplicas();
}
void PublishCommand(CommandContext& ctx) { PublishGeneric(ctx, false); }
void SPublishCommand(CommandContext& ctx) { PublishGeneric(ctx, true); }

// PUBSUB CHANNELS [pattern] / PUBSUB SHARDCHANNELS [pattern]
void ChannelsGeneric(CommandContext& ctx, bool shard) {
  if (ctx.argc() > 3) {
    ctx.Error("ERR wrong number of arguments for '" + ctx.command().full_name + "' command");
    return;
  }
  std::vector<std::string> names =
      ctx.server().pubsub().Channels(ctx.argc() == 3 ? ctx.arg(2) : "", shard);
  ctx.reply().ArrayHeader(names.size());
  for (const auto& n : names) ctx.reply().Bulk(n);
}
void PubsubChannelsCommand(CommandContext& ctx) { ChannelsGeneric(ctx, false); }
void PubsubShardChannelsCommand(CommandContext& ctx) { ChannelsGeneric(ctx, true); }

// PUBSUB NUMSUB [channel ...] / PUBSUB SHARDNUMSUB [shardchannel ...]
void NumSubGeneric(CommandContext& ctx, bool shard) {
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    w.Bulk(ctx.arg(i));
    w.Integer(ctx.server().pubsub().NumSub(ctx.arg(i), shard));
  }
}
void PubsubNumSubCommand(CommandContext& ctx) { NumSubGeneric(ctx, false); }
void PubsubShardNumSubCommand(CommandContext& ctx) { NumSubGeneric(ctx, true); }

// PUBSUB NUMPAT
void PubsubNumPatCommand(CommandContext& ctx) { ctx.reply().Integer(ctx.server().pubsub().NumPat()); }

// PUBSUB HELP
void PubsubHelpCommand(CommandContext& ctx) {
  static const char* kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help."};
  ctx.reply().ArrayHeader(std::size(kLines));
  for (const char* l : kLines) ctx.reply().SimpleString(l);
}

constexpr uint32_t kSubFlags = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;

const CommandSpec kPubsubSubcommands[] = {
    {"channels", -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "2.8.0",
     "Returns the active channels.", "O(N)", "[pattern]", PubsubChannelsCommand},
    {"numsub", -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "2.8.0",
     "Returns a count of subscribers to channels.", "O(N)", "[channel [channel ...]]",
     PubsubNumSubCommand},
    {"numpat", 2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "2.8.0",
     "Returns a count of unique pattern subscriptions.", "O(1)", "", PubsubNumPatCommand},
    {"shardchannels", -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "7.0.0",
     "Returns the active shard channels.", "O(N)", "[pattern]", PubsubShardChannelsCommand},
    {"shardnumsub", -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "7.0.0",
     "Returns the count of subscribers of shard channels.", "O(N)",
     "[shardchannel [shardchannel ...]]", PubsubShardNumSubCommand},
    {"help", 2, kCmdLoading | kCmdStale, 0, 0, 0, "pubsub", "6.2.0",
     "Returns helpful text about the different subcommands.", "O(1)", "", PubsubHelpCommand},
    {},
};

const CommandSpec kPubSubCommands[] = {
    {"subscribe", -2, kSubFlags, 0, 0, 0, "pubsub", "2.0.0",
     "Listens for messages published to channels.", "O(N)", "channel [channel ...]",
     SubscribeCommand},
    {"unsubscribe", -1, kSubFlags, 0, 0, 0, "pubsub", "2.0.0",
     "Stops listening to messages posted to channels.", "O(N)", "[channel [channel ...]]",
     UnsubscribeCommand},
    {"psubscribe", -2, kSubFlags, 0, 0, 0, "pubsub", "2.0.0",
     "Listens for messages published to channels that match one or more patterns.", "O(N)",
     "pattern [pattern ...]", PSubscribeCommand},
    {"punsubscribe", -1, kSubFlags, 0, 0, 0, "pubsub", "2.0.0",
     "Stops listening to messages published to channels that match one or more patterns.",
     "O(N+M)", "[pattern [pattern ...]]", PUnsubscribeCommand},
    {"ssubscribe", -2, kSubFlags, 1, -1, 1, "pubsub", "7.0.0",
     "Listens for messages published to shard channels.", "O(N)",
     "shardchannel [shardchannel ...]", SSubscribeCommand},
    {"sunsubscribe", -1, kSubFlags, 1, -1, 1, "pubsub", "7.0.0",
     "Stops listening to messages posted to shard channels.", "O(N)",
     "[shardchannel [shardchannel ...]]", SUnsubscribeCommand},
    {"publish", 3, kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 0, 0, 0,
     "pubsub", "2.0.0", "Posts a message to a channel.", "O(N+M)", "channel message",
     PublishCommand},
    {"spublish", 3, kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 1, 1, 1,
     "pubsub", "7.0.0", "Post a message to a shard channel", "O(N)", "shardchannel message",
     SPublishCommand},
    {"pubsub", -2, 0, 0, 0, 0, "pubsub", "2.8.0", "A container for Pub/Sub commands.",
     "Depends on subcommand.", "", nullptr, kPubsubSubcommands},
    {},
};

}  // namespace

void RegisterPubSubCommands() { CommandTable::Get().Register(kPubSubCommands); }

}  // namespace memkeydb
