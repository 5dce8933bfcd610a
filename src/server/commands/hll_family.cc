// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// An HLL is a plain string value in Redis's HLL format (ds/hyperloglog.h), so GET, SET, COPY and
// RDB carry it unchanged. Every command checks the string before using it, because a client can
// SET any bytes under the key. Commands that touch an HLL first make its value a raw blob
// (MutableString), which is where Redis unshares the string, and then edit it in place; the
// OBJECT ENCODING a client sees afterwards is "raw" as in Redis.
//
// What counts as a modification follows redis-server 7.0: PFADD signals the key (and the
// "pfadd" event) only when a register changed; PFCOUNT of one key rewrites the cached
// cardinality when it was stale, which signals the key but sends no event; PFMERGE always
// signals and sends "pfadd"; PFDEBUG GETREG and TODENSE count a dirty change when they turn a
// sparse value dense but signal nothing.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ds/hyperloglog.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

std::string_view HllView(const Entry* e) {
  // HLL strings are never integers, so the scratch space is not used; it is there for the API.
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = e->value.StringView(scratch);
  int64_t unused;
  return e->value.GetInt(&unused) ? std::string_view() : s;
}

// Redis's isHLLObjectOrReply: another type is WRONGTYPE; a string that is not an HLL (too short,
// bad magic, unknown encoding, a dense one of the wrong size, an integer) gets the HLL's own
// WRONGTYPE text.
bool CheckHll(CommandContext& ctx, const Entry* e) {
  if (e->value.type() != ValueType::kString) {
    ctx.WrongType();
    return false;
  }
  if (!hll::LooksLikeHll(HllView(e))) {
    ctx.Error(hll::kErrNotHll);
    return false;
  }
  return true;
}

// Makes the value a raw blob that can be edited in place and returns its bytes.
char* Unshare(Entry* e) { return e->value.MutableString(e->value.StringLength()); }

size_t SparseMaxBytes(CommandContext& ctx) {
  return static_cast<size_t>(ctx.server().config().hll_sparse_max_bytes);
}

// PFADD key [element [element ...]]
void PfAddCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  int64_t updated = 0;
  if (e == nullptr) {
    e = ctx.db().Add(key);
    hll::CreateEmpty(&e->value);
    ++updated;
  } else {
    if (!CheckHll(ctx, e)) return;
    Unshare(e);
  }
  size_t max_bytes = SparseMaxBytes(ctx);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    int r = hll::Add(&e->value, ctx.arg(i), max_bytes);
    if (r < 0) {
      // Registers already raised stay raised, unsignalled, as in Redis.
      ctx.Error(hll::kErrCorrupt);
      return;
    }
    updated += r;
  }
  if (updated > 0) {
    hll::InvalidateCache(Unshare(e));
    ctx.KeyModified(key, updated);
    ctx.Notify('$', "pfadd", key);
  }
  ctx.reply().Integer(updated > 0 ? 1 : 0);
}

// PFCOUNT key [key ...]
void PfCountCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    // The cardinality of the union, from the registers' maxima; no key is modified.
    uint8_t max[hll::kRegisters] = {};
    for (size_t i = 1; i < ctx.argc(); ++i) {
      const Entry* e = ctx.Lookup(ctx.arg(i));
      if (e == nullptr) continue;
      if (!CheckHll(ctx, e)) return;
      if (!hll::MergeInto(HllView(e), max)) {
        ctx.Error(hll::kErrCorrupt);
        return;
      }
    }
    hll::Histogram h;
    hll::AddRawToHistogram(max, &h);
    ctx.reply().Integer(static_cast<int64_t>(hll::Estimate(h)));
    return;
  }

  std::string_view key = ctx.arg(1);
  Entry* e = ctx.Lookup(key);
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (!CheckHll(ctx, e)) return;
  char* s = Unshare(e);
  std::string_view view(s, e->value.StringLength());
  uint64_t card;
  if (!hll::CachedCardinality(view, &card)) {
    hll::Histogram h;
    if (!hll::AddToHistogram(view, &h)) {
      ctx.Error(hll::kErrCorrupt);
      return;
    }
    card = hll::Estimate(h);
    hll::StoreCardinality(s, card);
    // Redis flags PFCOUNT read-only, yet this rewrites the string: WATCH sees it, no event.
    ctx.KeyModified(key);
  }
  ctx.reply().Integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey [sourcekey ...]]
void PfMergeCommand(CommandContext& ctx) {
  // The destination is a source too: the result is the maximum over all the keys named.
  uint8_t max[hll::kRegisters] = {};
  bool any_dense = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const Entry* e = ctx.Lookup(ctx.arg(i));
    if (e == nullptr) continue;
    if (!CheckHll(ctx, e)) return;
    std::string_view s = HllView(e);
    any_dense |= hll::Encoding(s) == hll::kDense;
    if (!hll::MergeInto(s, max)) {
      ctx.Error(hll::kErrCorrupt);
      return;
    }
  }

  std::string_view key = ctx.arg(1);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    e = ctx.db().Add(key);
    hll::CreateEmpty(&e->value);
  } else {
    Unshare(e);
  }
  // A sparse result stays sparse unless a source was dense (or a register outgrows sparse).
  if (any_dense && !hll::ToDense(&e->value)) {
    ctx.Error(hll::kErrCorrupt);
    return;
  }
  size_t max_bytes = SparseMaxBytes(ctx);
  for (uint32_t i = 0; i < hll::kRegisters; ++i) {
    if (max[i] != 0) hll::SetRegister(&e->value, i, max[i], max_bytes);
  }
  hll::InvalidateCache(Unshare(e));
  ctx.KeyModified(key);
  ctx.Notify('$', "pfadd", key);
  ctx.reply().Ok();
}

// PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key
void PfDebugCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(2);
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    ctx.Error("ERR The specified key does not exist");
    return;
  }
  if (!CheckHll(ctx, e)) return;
  Unshare(e);
  auto view = [&] { return HllView(e); };
  bool sparse = hll::Encoding(view()) == hll::kSparse;

  if (ctx.ArgIs(1, "getreg") || ctx.ArgIs(1, "todense")) {
    bool getreg = ctx.ArgIs(1, "getreg");
    if (sparse) {
      if (!hll::ToDense(&e->value)) {
        ctx.Error(hll::kErrCorrupt);
        return;
      }
      ++ctx.server().dirty;  // an encoding change Redis propagates
    }
    if (!getreg) {
      ctx.reply().Integer(sparse ? 1 : 0);
      return;
    }
    const uint8_t* regs = reinterpret_cast<const uint8_t*>(view().data()) + hll::kHeaderSize;
    ctx.reply().ArrayHeader(hll::kRegisters);
    for (size_t i = 0; i < hll::kRegisters; ++i) {
      ctx.reply().Integer(hll::GetDenseRegister(regs, i));
    }
  } else if (ctx.ArgIs(1, "decode")) {
    if (!sparse) {
      ctx.Error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply().Bulk(hll::DecodeSparse(view()));
  } else if (ctx.ArgIs(1, "encoding")) {
    ctx.reply().SimpleString(sparse ? "sparse" : "dense");
  } else {
    ctx.Error("ERR Unknown PFDEBUG subcommand '" + std::string(ctx.arg(1)) + "'");
  }
}

// Checks the HLL code against itself: dense registers against a plain array, sparse and dense
// encodings of the same elements against each other, and the estimate against the true count.
std::string SelfTest() {
  uint8_t plain[hll::kRegisters];
  uint8_t regs[hll::kDenseSize - hll::kHeaderSize] = {};
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int round = 0; round < 100; ++round) {
    for (size_t i = 0; i < hll::kRegisters; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      plain[i] = static_cast<uint8_t>(x & 0x3f);
      hll::SetDenseRegister(regs, i, plain[i]);
    }
    for (size_t i = 0; i < hll::kRegisters; ++i) {
      if (hll::GetDenseRegister(regs, i) != plain[i]) {
        return "TESTFAILED Register error at " + std::to_string(i);
      }
    }
  }

  CompactValue sparse, dense;
  hll::CreateEmpty(&sparse);
  hll::CreateEmpty(&dense);
  hll::ToDense(&dense);
  const double relative_bound = 5 * 1.04 / 128;  // five standard errors (1.04/sqrt(16384))
  uint64_t checkpoint = 1;
  char scratch[CompactValue::kIntBufSize];
  for (uint64_t n = 1; n <= 1000000; ++n) {
    std::string_view element(reinterpret_cast<const char*>(&n), sizeof(n));
    hll::Add(&sparse, element, hll::kDefaultSparseMaxBytes);
    hll::Add(&dense, element, hll::kDefaultSparseMaxBytes);
    if (n != checkpoint) continue;
    checkpoint *= 10;
    hll::Histogram hs, hd;
    hll::AddToHistogram(sparse.StringView(scratch), &hs);
    hll::AddToHistogram(dense.StringView(scratch), &hd);
    uint64_t a = hll::Estimate(hs), b = hll::Estimate(hd);
    if (a != b) return "TESTFAILED Sparse and dense estimates differ at " + std::to_string(n);
    double error = std::abs(static_cast<double>(b) - static_cast<double>(n));
    double bound = n < 10 ? 1 : relative_bound * static_cast<double>(n);
    if (error > bound) {
      return "TESTFAILED Too big error. card:" + std::to_string(n) +
             " abserr:" + std::to_string(error);
    }
  }
  return "";
}

// PFSELFTEST
void PfSelfTestCommand(CommandContext& ctx) {
  std::string failure = SelfTest();
  if (failure.empty()) {
    ctx.reply().Ok();
  } else {
    ctx.Error("ERR " + failure);
  }
}

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;

const CommandSpec kHllCommands[] = {
    {"pfadd", -2, kWriteOom | kCmdFast, 1, 1, 1, "hyperloglog", "2.8.9",
     "Adds the specified elements to the specified HyperLogLog.", "O(1) to add every element.",
     "key [element [element ...]]", PfAddCommand},
    {"pfcount", -2, kCmdReadonly, 1, -1, 1, "hyperloglog", "2.8.9",
     "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
     "O(1) with a very small average constant time when called with a single key. O(N) with N "
     "being the number of keys, and much bigger constant times, when called with multiple keys.",
     "key [key ...]", PfCountCommand},
    {"pfmerge", -2, kWriteOom, 1, -1, 1, "hyperloglog", "2.8.9",
     "Merge N different HyperLogLogs into a single one.",
     "O(N) to merge N HyperLogLogs, but with high constant times.",
     "destkey sourcekey [sourcekey ...]", PfMergeCommand},
    {"pfdebug", 3, kWriteOom | kCmdAdmin, 2, 2, 1, "hyperloglog", "2.8.9",
     "Internal commands for debugging HyperLogLog values", "N/A", "subcommand key",
     PfDebugCommand},
    {"pfselftest", 1, kCmdAdmin, 0, 0, 0, "hyperloglog", "2.8.9",
     "An internal command for testing HyperLogLog values", "N/A", "", PfSelfTestCommand},
    {},
};

}  // namespace

void RegisterHllCommands() { CommandTable::Get().Register(kHllCommands); }

}  // namespace memkeydb
