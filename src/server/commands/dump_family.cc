// DUMP and RESTORE: a key's value as an RDB payload (src/persistence/rdb_value.h) and back.
// The payloads are Redis 7.0's byte for byte, so values move between Redis and memkeydb with
// DUMP on one and RESTORE on the other.

#include <cstdint>
#include <string>

#include "persistence/rdb_value.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/config.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr int kLfuCounterMax = 255;

// rdbcompression, read through the registry so the option may live anywhere in Config.
bool RdbCompression(Server& server) {
  const ConfigRegistry::Option* o = ConfigRegistry::Get().Find("rdbcompression");
  return o == nullptr || o->get(server.config()) == "yes";
}

// DUMP key
void DumpCommand(CommandContext& ctx) {
  Entry* e = ctx.Lookup(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Bulk(rdb::DumpPayload(e->value, RdbCompression(ctx.server())));
}

// The access clock RESTORE gives a key: FREQ sets the LFU counter under an LFU policy, IDLETIME
// backdates the LRU clock under any other; an option the policy does not use is ignored, as
// in Redis. Returns false when neither applies (the new key keeps the clock of a new key).
bool RestoredClock(CommandContext& ctx, int64_t idle_seconds, int64_t freq, uint32_t* clock) {
  if (ctx.server().lfu_policy()) {
    if (freq < 0) return false;
    uint32_t minutes = static_cast<uint32_t>(ctx.now_ms() / 60000) & 0xffff;
    *clock = (minutes << 8) | static_cast<uint32_t>(freq);
    return true;
  }
  if (idle_seconds < 0) return false;
  int64_t at = static_cast<int64_t>(LruClock()) - idle_seconds;
  if (at < 0) at += Entry::kClockMask;
  // Kept modulo the clock's 24 bits, as Redis's bit field keeps it.
  *clock = static_cast<uint32_t>(static_cast<uint64_t>(at)) & Entry::kClockMask;
  return true;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
// Checks in Redis's order: options, an existing key, the TTL, the payload's footer, its body.
void RestoreCommand(CommandContext& ctx) {
  bool replace = false, absttl = false;
  int64_t idle_seconds = -1, freq = -1;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    bool has_value = i + 1 < ctx.argc();
    if (ctx.ArgIs(i, "replace")) {
      replace = true;
    } else if (ctx.ArgIs(i, "absttl")) {
      absttl = true;
    } else if (ctx.ArgIs(i, "idletime") && has_value && freq == -1) {
      if (!ctx.ParseInt(i + 1, &idle_seconds)) return;
      if (idle_seconds < 0) {
        ctx.Error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      ++i;
    } else if (ctx.ArgIs(i, "freq") && has_value && idle_seconds == -1) {
      if (!ctx.ParseInt(i + 1, &freq)) return;
      if (freq < 0 || freq > kLfuCounterMax) {
        ctx.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      ++i;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  if (!replace && ctx.LookupForWrite(key) != nullptr) {
    ctx.Error("BUSYKEY Target key name already exists.");
    return;
  }
  int64_t ttl;
  if (!ctx.ParseInt(2, &ttl)) return;
  if (ttl < 0) {
    ctx.Error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  CompactValue value;
  std::string error;
  if (!rdb::ReadDumpPayload(ctx.arg(3), &value, &error)) {
    ctx.Error(error);
    return;
  }

  Database& db = ctx.db();
  bool deleted = replace && db.Delete(key);
  int64_t expire_at = ttl;
  if (ttl != 0 && !absttl) {
    // Redis adds without an overflow check: a TTL that wraps lands in the past (two's
    // complement, without the undefined behaviour of a signed overflow).
    expire_at = static_cast<int64_t>(static_cast<uint64_t>(ttl) +
                                     static_cast<uint64_t>(ctx.now_ms()));
  }
  // A time already past: the key is not created (and a replaced one is gone), except where
  // expiry is suspended (a replica waits for its primary's DEL).
  if (expire_at != 0 && expire_at <= ctx.now_ms() && !Database::expiry_suspended()) {
    if (deleted) {
      ctx.KeyModified(key);
      ctx.Notify('g', "del", key);
    }
    ctx.reply().Ok();
    return;
  }
  Entry* e = db.Add(key);
  e->value.MoveFrom(&value);
  if (expire_at != 0) db.SetExpire(&e, expire_at);
  uint32_t clock;
  if (RestoredClock(ctx, idle_seconds, freq, &clock)) e->set_clock(clock);
  ctx.KeyModified(key);
  ctx.Notify('g', "restore", key);
  ctx.reply().Ok();
}

constexpr uint32_t kW = kCmdWrite;
constexpr uint32_t kR = kCmdReadonly;

const CommandSpec kDumpCommands[] = {
    {"dump", 2, kR, 1, 1, 1, "generic", "2.6.0",
     "Return a serialized version of the value stored at the specified key.",
     "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
     "Redis objects composing the value and M their average size. For small string values the "
     "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
     "key", DumpCommand},
    {"restore", -4, kW | kCmdDenyOom, 1, 1, 1, "generic", "2.6.0",
     "Create a key using the provided serialized value, previously obtained using DUMP.",
     "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
     "where N is the number of Redis objects composing the value and M their average size. For "
     "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
     "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
     "values into sorted sets is O(log(N)).",
     "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
     RestoreCommand},
    {},
};

}  // namespace

void RegisterDumpCommands() { CommandTable::Get().Register(kDumpCommands); }

}  // namespace memkeydb
