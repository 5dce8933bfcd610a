#include "ds/compact_value.h"

#include "common/logging.h"
#include "common/strutil.h"
#include "memory/memory_tiers.h"

namespace memkeydb {
namespace {
const ObjectOps* g_object_ops[static_cast<int>(ValueType::kStream) + 1] = {};

// Capacity to reserve when a string grows to `len` by modification: doubling below 1 MiB, then
// 1 MiB steps, so appends are amortised O(1) without doubling huge strings.
size_t GrowthCapacity(size_t len) {
  constexpr size_t kMiB = 1 << 20;
  return len < kMiB ? len * 2 : len + kMiB;
}
}  // namespace

void RegisterObjectOps(ValueType type, const ObjectOps* ops) {
  g_object_ops[static_cast<int>(type)] = ops;
}

const ObjectOps* GetObjectOps(ValueType type) { return g_object_ops[static_cast<int>(type)]; }

const char* TypeName(ValueType t) {
  switch (t) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kStream: return "stream";
    case ValueType::kNone: break;
  }
  return "none";
}

const char* CompactValue::EncodingName() const {
  if (form() == kObject) {
    const ObjectOps* ops = GetObjectOps(type());
    return ops != nullptr ? ops->encoding(LoadPtr()) : "unknown";
  }
  switch (string_encoding()) {
    case StringEncoding::kInt: return "int";
    case StringEncoding::kEmbStr: return "embstr";
    case StringEncoding::kRaw: return "raw";
  }
  return "raw";
}

ValueType CompactValue::type() const {
  switch (form()) {
    case kEmpty: return ValueType::kNone;
    case kObject: return static_cast<ValueType>(bytes_[14]);
    default: return ValueType::kString;
  }
}

void CompactValue::Reset() {
  Form f = form();
  if (f == kBlob) {
    MemoryTiers::Get().Free(LoadPtr(), tier());
  } else if (f == kObject) {
    const ObjectOps* ops = GetObjectOps(type());
    DCHECK(ops != nullptr);
    ops->destroy(LoadPtr());
  }
  std::memset(bytes_, 0, sizeof(bytes_));
}

void CompactValue::MoveFrom(CompactValue* other) {
  if (other == this) return;
  Reset();
  std::memcpy(bytes_, other->bytes_, sizeof(bytes_));
  std::memset(other->bytes_, 0, sizeof(bytes_));
}

void CompactValue::CopyStringFrom(const CompactValue& other) {
  DCHECK(other.type() == ValueType::kString);
  if (&other == this) return;
  Reset();
  if (other.form() != kBlob) {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));  // inline and int forms own nothing
    return;
  }
  uint64_t n = other.BlobLength();
  Tier t;
  void* p = MemoryTiers::Get().Allocate(n, Placement::kUserData, &t);
  std::memcpy(p, other.LoadPtr(), n);
  StorePtr(p);
  SetBlobLength(n);
  set_tag(kBlob, t == Tier::kFar, other.string_encoding());
}

void CompactValue::CopyFrom(const CompactValue& other) {
  if (other.form() != kObject) {
    CopyStringFrom(other);
    return;
  }
  if (&other == this) return;
  ValueType t = other.type();
  SetObject(t, GetObjectOps(t)->clone(other.LoadPtr()));
}

void CompactValue::SetInt(int64_t v) {
  Reset();
  std::memcpy(bytes_, &v, sizeof(v));
  set_tag(kInt, false, StringEncoding::kInt);
}

void CompactValue::SetString(std::string_view s, bool allow_int) {
  int64_t n;
  if (allow_int && s.size() <= 20 && ParseInt64(s, &n)) {
    SetInt(n);
    return;
  }
  Reset();
  if (s.size() <= kInlineMax) {
    if (!s.empty()) std::memcpy(bytes_, s.data(), s.size());
    bytes_[14] = static_cast<uint8_t>(s.size());
    set_tag(kInline, false, StringEncoding::kEmbStr);
    return;
  }
  Tier t;
  void* p = MemoryTiers::Get().Allocate(s.size(), Placement::kUserData, &t);
  std::memcpy(p, s.data(), s.size());
  StorePtr(p);
  SetBlobLength(s.size());
  set_tag(kBlob, t == Tier::kFar,
          s.size() <= kEmbStrMax ? StringEncoding::kEmbStr : StringEncoding::kRaw);
}

size_t CompactValue::StringLength() const {
  switch (form()) {
    case kInline: return bytes_[14];
    case kBlob: return BlobLength();
    case kInt: {
      int64_t v;
      GetInt(&v);
      char buf[kIntBufSize];
      return FormatInt64(v, buf);
    }
    default: return 0;
  }
}

std::string_view CompactValue::StringView(char* scratch) const {
  switch (form()) {
    case kInline: return {reinterpret_cast<const char*>(bytes_), bytes_[14]};
    case kBlob: return {static_cast<const char*>(LoadPtr()), BlobLength()};
    case kInt: {
      int64_t v;
      GetInt(&v);
      return {scratch, FormatInt64(v, scratch)};
    }
    default: return {};
  }
}

char* CompactValue::MutableString(size_t new_len) {
  MemoryTiers& mem = MemoryTiers::Get();
  if (form() == kBlob) {
    char* p = static_cast<char*>(LoadPtr());
    size_t old_len = BlobLength();
    Tier t = tier();
    if (new_len > mem.UsableSize(p, t)) {
      p = static_cast<char*>(mem.Reallocate(p, GrowthCapacity(new_len), Placement::kUserData, &t));
      StorePtr(p);
    }
    if (new_len > old_len) std::memset(p + old_len, 0, new_len - old_len);
    SetBlobLength(new_len);
    set_tag(kBlob, t == Tier::kFar, StringEncoding::kRaw);
    return p;
  }
  // Inline, int or empty: copy the current bytes into a fresh blob.
  char scratch[kIntBufSize];
  std::string_view cur = StringView(scratch);
  size_t keep = cur.size() < new_len ? cur.size() : new_len;
  Tier t;
  size_t cap = new_len > cur.size() && !cur.empty() ? GrowthCapacity(new_len) : new_len;
  char* p = static_cast<char*>(mem.Allocate(cap, Placement::kUserData, &t));
  if (keep) std::memcpy(p, cur.data(), keep);
  if (new_len > keep) std::memset(p + keep, 0, new_len - keep);
  Reset();
  StorePtr(p);
  SetBlobLength(new_len);
  set_tag(kBlob, t == Tier::kFar, StringEncoding::kRaw);
  return p;
}

void CompactValue::SetObject(ValueType type, void* object) {
  Reset();
  StorePtr(object);
  bytes_[14] = static_cast<uint8_t>(type);
  set_tag(kObject, false, StringEncoding::kRaw);
}

size_t CompactValue::ExternalBytes() const {
  size_t bytes[kNumTiers] = {0, 0};
  ExternalBytesByTier(bytes);
  return bytes[0] + bytes[1];
}

void CompactValue::ExternalBytesByTier(size_t bytes[kNumTiers]) const {
  switch (form()) {
    case kBlob:
      bytes[static_cast<int>(tier())] += MemoryTiers::Get().UsableSize(LoadPtr(), tier());
      break;
    case kObject:
      if (const ObjectOps* ops = GetObjectOps(type())) ops->bytes_by_tier(LoadPtr(), bytes);
      break;
    default: break;
  }
}

void CompactValue::Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census) {
  if (form() == kBlob) {
    Tier t = tier();
    void* p = MemoryTiers::Get().MoveBlock(LoadPtr(), BlobLength(), rule, &t, stats, census);
    StorePtr(p);
    set_tag(kBlob, t == Tier::kFar, string_encoding());
  } else if (form() == kObject) {
    if (const ObjectOps* ops = GetObjectOps(type())) ops->rebalance(LoadPtr(), rule, stats, census);
  }
}

}  // namespace memkeydb
