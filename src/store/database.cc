#include "store/database.h"

#include <random>

#include "common/clock.h"
#include "common/logging.h"

namespace memkeydb {
namespace {
std::mt19937_64& Rng() {
  static std::mt19937_64 rng(MonotonicUs());
  return rng;
}
}  // namespace

ChangeObserver* Database::change_observer_ = nullptr;
Database::ExpiryMode Database::expiry_mode_ = Database::ExpiryMode::kDelete;
uint32_t Database::access_clock_ = static_cast<uint32_t>(NowMs() / 1000) & Entry::kClockMask;

// Not Clear(): a dying database owes no snapshot anything (the snapshot must be gone first).
Database::~Database() { DestroyAll(); }

void Database::TrackExpire(Entry* e) {
  e->expire_slot()->index = static_cast<uint32_t>(expiring_.size());
  expiring_.push_back(e);
}

void Database::UntrackExpire(Entry* e) {
  uint32_t i = e->expire_slot()->index;
  DCHECK(i < expiring_.size() && expiring_[i] == e);
  Entry* last = expiring_.back();
  expiring_[i] = last;
  last->expire_slot()->index = i;
  expiring_.pop_back();
}

void Database::DestroyEntry(Entry* e) {
  if (e->has_expire()) UntrackExpire(e);
  Entry::Destroy(e);
}

Entry* Database::Find(std::string_view key, int64_t now_ms) {
  Entry* e = table_.Find(key);
  if (e != nullptr && e->has_expire() && e->expire_slot()->at_ms <= now_ms) {
    switch (expiry_mode_) {
      case ExpiryMode::kDelete:
        ExpireNow(e);
        return nullptr;
      case ExpiryMode::kHide:
        return nullptr;
      case ExpiryMode::kKeep:
        break;
    }
  }
  return e;
}

void Database::ExpireNow(Entry* e) {
  BeforeEntryChange(e);
  // Report before destroying: listeners read the key.
  table_.Remove(e->key());
  if (events_ != nullptr) events_->KeyExpired(index_, e->key());
  DestroyEntry(e);
}

Entry* Database::RandomExpiring() {
  if (expiring_.empty()) return nullptr;
  return expiring_[Rng()() % expiring_.size()];
}

Entry* Database::RandomEntry() {
  return table_.Random([]() -> uint64_t { return Rng()(); });
}

Entry* Database::Add(std::string_view key) {
  Entry* e = Entry::Create(key, false);
  e->set_clock(access_clock_);
  e->set_snapshot_bit(snapshot_parity_);
  table_.Insert(e);
  return e;
}

bool Database::Delete(std::string_view key) {
  Entry* e = table_.Remove(key);
  if (e == nullptr) return false;
  BeforeEntryChange(e);
  DestroyEntry(e);
  return true;
}

Entry* Database::Detach(std::string_view key) {
  Entry* e = table_.Remove(key);
  if (e == nullptr) return nullptr;
  BeforeEntryChange(e);
  if (e->has_expire()) UntrackExpire(e);
  return e;
}

void Database::Attach(Entry* e) {
  e->set_snapshot_bit(snapshot_parity_);
  table_.Insert(e);
  if (e->has_expire()) TrackExpire(e);
}

void Database::SetExpire(Entry** e, int64_t at_ms) {
  if (!(*e)->has_expire()) {
    Entry* old = *e;
    Entry* n = Entry::Reshape(old, true);
    table_.Relink(old, n);
    Entry::Destroy(old);
    *e = n;
    n->expire_slot()->at_ms = at_ms;
    TrackExpire(n);
    return;
  }
  (*e)->expire_slot()->at_ms = at_ms;
}

void Database::ClearExpire(Entry** e) {
  if (!(*e)->has_expire()) return;
  UntrackExpire(*e);
  Entry* old = *e;
  Entry* n = Entry::Reshape(old, false);
  table_.Relink(old, n);
  Entry::Destroy(old);
  *e = n;
}

size_t Database::Clear() {
  BeforeDbChange();
  return DestroyAll();
}

size_t Database::DestroyAll() {
  size_t n = table_.size();
  expiring_.clear();
  expiring_.shrink_to_fit();
  table_.Clear([](Entry* e) { Entry::Destroy(e); });
  return n;
}

size_t Database::ClearAsync() {
  BeforeDbChange();
  size_t n = table_.size();
  if (n == 0) return 0;
  expiring_.clear();
  expiring_.shrink_to_fit();
  auto* detached = new HashTable();
  detached->Swap(&table_);
  MemoryTiers::Get().RunInBackground([detached] {
    detached->Clear([](Entry* e) { Entry::Destroy(e); });
    delete detached;
  });
  return n;
}

void Database::SwapContents(Database* other) {
  BeforeDbChange();
  other->BeforeDbChange();
  std::swap(snapshot_parity_, other->snapshot_parity_);
  table_.Swap(&other->table_);
  std::swap(expiring_, other->expiring_);
  std::swap(avg_ttl_ms_, other->avg_ttl_ms_);
}

size_t Database::ActiveExpire(int64_t now_ms, int64_t deadline_us, int keys_per_loop,
                              int stale_percent, bool* out_of_time) {
  if (out_of_time != nullptr) *out_of_time = false;
  if (expiry_mode_ != ExpiryMode::kDelete) return 0;
  size_t expired_total = 0;
  // TTLs may be close to INT64_MAX (EXPIREAT far in the future): sum them as doubles.
  double ttl_sum = 0;
  int64_t ttl_samples = 0;
  while (!expiring_.empty()) {
    int sampled = 0, expired = 0;
    for (int i = 0; i < keys_per_loop && !expiring_.empty(); ++i) {
      Entry* e = expiring_[Rng()() % expiring_.size()];
      ++sampled;
      int64_t ttl = e->expire_slot()->at_ms - now_ms;
      if (ttl <= 0) {
        ExpireNow(e);
        ++expired;
      } else {
        ttl_sum += static_cast<double>(ttl);
        ++ttl_samples;
      }
    }
    expired_total += expired;
    if (expired * 100 <= sampled * stale_percent) break;
    if (MonotonicUs() >= deadline_us) {
      if (out_of_time != nullptr) *out_of_time = true;
      break;
    }
  }
  if (ttl_samples > 0) {
    // Running average weighted like Redis's: mostly the history, a little the new sample.
    auto sample_avg = static_cast<int64_t>(ttl_sum / static_cast<double>(ttl_samples));
    avg_ttl_ms_ = avg_ttl_ms_ == 0 ? sample_avg : (avg_ttl_ms_ / 50) * 49 + sample_avg / 50;
  }
  if (expiring_.empty()) avg_ttl_ms_ = 0;
  return expired_total;
}

}  // namespace memkeydb
