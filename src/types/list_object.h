// The list type: every list is a Quicklist (src/ds/quicklist.h), from one element on. Redis 7.0
// also reports "quicklist" for every list, so OBJECT ENCODING answers the same whatever the size.
// A list takes list-max-listpack-size and list-compress-depth from Limits() when it is created
// and keeps them, as Redis does.
#pragma once

#include "ds/quicklist.h"

namespace memkeydb {

// A new, empty list with the current limits (the caller stores it with
// CompactValue::SetObject(ValueType::kList, ...)).
Quicklist* NewList();

// Registers the list type's ObjectOps (destroy, bytes by tier, rebalance, clone, encoding).
// Idempotent; the list command family calls it when it registers its commands.
void RegisterListObjectOps();

}  // namespace memkeydb
