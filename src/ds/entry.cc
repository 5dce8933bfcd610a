#include "ds/entry.h"

#include <new>

#include "memory/memory_tiers.h"

namespace memkeydb {
namespace {
size_t EntrySize(size_t key_len, bool with_expire) {
  return sizeof(Entry) + (with_expire ? sizeof(Entry::ExpireSlot) : 0) + key_len;
}
}  // namespace

Entry* Entry::Create(std::string_view key, bool with_expire) {
  Tier tier;
  void* mem =
      MemoryTiers::Get().Allocate(EntrySize(key.size(), with_expire), Placement::kMetadata, &tier);
  Entry* e = new (mem) Entry;  // CompactValue's constructor zeroes the slot
  e->next = nullptr;
  e->key_len = static_cast<uint32_t>(key.size());
  e->meta = with_expire ? kExpireBit : 0;
  if (with_expire) *e->expire_slot() = ExpireSlot{-1, 0, 0};
  if (!key.empty()) std::memcpy(const_cast<char*>(e->key_data()), key.data(), key.size());
  return e;
}

void Entry::Destroy(Entry* e) {
  e->~Entry();
  MemoryTiers::Get().Free(e, Tier::kDram);
}

Entry* Entry::Reshape(Entry* e, bool with_expire) {
  Entry* n = Create(e->key(), with_expire);
  n->value.MoveFrom(&e->value);
  n->meta = (e->meta & ~kExpireBit) | (with_expire ? kExpireBit : 0);
  n->next = e->next;
  if (with_expire && e->has_expire()) *n->expire_slot() = *e->expire_slot();
  return n;
}

size_t Entry::AllocatedBytes() const {
  return MemoryTiers::Get().UsableSize(this, Tier::kDram);
}

}  // namespace memkeydb
