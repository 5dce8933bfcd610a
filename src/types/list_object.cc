#include "types/list_object.h"

#include "ds/compact_value.h"
#include "types/collection_limits.h"

namespace memkeydb {

namespace {

void DestroyList(void* object) { Quicklist::Destroy(static_cast<Quicklist*>(object)); }

void ListBytesByTier(const void* object, size_t bytes[kNumTiers]) {
  static_cast<const Quicklist*>(object)->BytesByTier(bytes);
}

void RebalanceList(void* object, const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  static_cast<Quicklist*>(object)->Rebalance(rule, stats, census);
}

void* CloneList(const void* object) { return static_cast<const Quicklist*>(object)->Clone(); }

const char* ListEncoding(const void*) { return "quicklist"; }

constexpr ObjectOps kListOps = {DestroyList, ListBytesByTier, RebalanceList, CloneList,
                                ListEncoding};

}  // namespace

Quicklist* NewList() {
  const CollectionLimits& limits = Limits();
  return Quicklist::Create(limits.list_max_listpack_size, limits.list_compress_depth);
}

void RegisterListObjectOps() { RegisterObjectOps(ValueType::kList, &kListOps); }

}  // namespace memkeydb
