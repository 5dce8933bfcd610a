// Looking up sorted sets from command handlers: shared by the sorted-set and geo families.
#pragma once

#include <string_view>

#include "server/command_context.h"
#include "types/zset_object.h"

namespace memkeydb {

inline ZSetObject* ZOf(Entry* e) { return static_cast<ZSetObject*>(e->value.object()); }
inline bool IsZSet(const Entry* e) { return e->value.type() == ValueType::kZSet; }

// The sorted set at `key` for a read; nullptr when missing. *wrong is set, after WRONGTYPE was
// replied, when the key holds another type.
inline ZSetObject* ReadZSet(CommandContext& ctx, std::string_view key, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) return nullptr;
  if (!IsZSet(e)) {
    ctx.WrongType();
    *wrong = true;
    return nullptr;
  }
  return ZOf(e);
}

}  // namespace memkeydb
