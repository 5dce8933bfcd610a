// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//
// The bit algorithms live in ds/bitops.h; this file is the keyspace side: argument order and
// errors as redis-server 7.0 has them, creating and growing the string a write needs, and the
// notifications. Writes go through CompactValue::MutableString, which makes the value "raw" as
// Redis's unsharing does, even when the write changes no byte.

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strutil.h"
#include "ds/bitops.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {
namespace {

bool IsString(const Entry* e) { return e->value.type() == ValueType::kString; }

uint64_t MaxBulkLen(CommandContext& ctx) {
  return static_cast<uint64_t>(ctx.server().config().proto_max_bulk_len);
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The string at `key` made writable and at least `min_len` bytes long (zero-filled growth),
// created if missing. Returns nullptr after replying WRONGTYPE. *len receives the new length;
// *grew tells whether the key was created or lengthened, which by itself counts as a change.
uint8_t* WritableBits(CommandContext& ctx, std::string_view key, uint64_t min_len, size_t* len,
                      bool* grew) {
  Entry* e = ctx.LookupForWrite(key);
  if (e == nullptr) {
    e = ctx.db().Add(key);
  } else if (!IsString(e)) {
    ctx.WrongType();
    return nullptr;
  }
  size_t cur = e->value.StringLength();
  *grew = e->value.empty() || min_len > cur;
  *len = cur > min_len ? cur : static_cast<size_t>(min_len);
  return reinterpret_cast<uint8_t*>(e->value.MutableString(*len));
}

// Reads the string at `key` for a bit command. Returns false after replying WRONGTYPE; a missing
// key gives true with *e == nullptr.
bool ReadBits(CommandContext& ctx, std::string_view key, const Entry** e) {
  *e = ctx.Lookup(key);
  if (*e != nullptr && !IsString(*e)) {
    ctx.WrongType();
    return false;
  }
  return true;
}

// Parses BYTE | BIT at argument i.
bool ParseUnit(CommandContext& ctx, size_t i, bitops::RangeUnit* unit) {
  if (ctx.ArgIs(i, "byte")) {
    *unit = bitops::RangeUnit::kByte;
  } else if (ctx.ArgIs(i, "bit")) {
    *unit = bitops::RangeUnit::kBit;
  } else {
    ctx.SyntaxError();
    return false;
  }
  return true;
}

// SETBIT key offset value
void SetBitCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  uint64_t offset;
  if (!bitops::ParseBitOffset(ctx.arg(2), false, 0, MaxBulkLen(ctx), &offset)) {
    ctx.Error(bitops::kErrBitOffset);
    return;
  }
  int bit;
  if (!bitops::ParseBitValue(ctx.arg(3), &bit)) {
    ctx.Error(bitops::kErrBitValue);
    return;
  }
  size_t len;
  bool grew;
  uint8_t* p = WritableBits(ctx, key, bitops::BytesForWrite(offset, 1), &len, &grew);
  if (p == nullptr) return;
  int old = bitops::GetBit(p, len, offset);
  // Like Redis 7.0, rewriting a bit with its own value is not a modification (no event, no
  // dirty), unless the string had to be created or grown for it.
  if (grew || old != bit) {
    bitops::SetBit(p, offset, bit);
    ctx.KeyModified(key);
    ctx.Notify('$', "setbit", key);
  }
  ctx.reply().Integer(old);
}

// GETBIT key offset
void GetBitCommand(CommandContext& ctx) {
  uint64_t offset;
  if (!bitops::ParseBitOffset(ctx.arg(2), false, 0, MaxBulkLen(ctx), &offset)) {
    ctx.Error(bitops::kErrBitOffset);
    return;
  }
  const Entry* e;
  if (!ReadBits(ctx, ctx.arg(1), &e)) return;
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = e->value.StringView(scratch);
  ctx.reply().Integer(bitops::GetBit(Bytes(s), s.size(), offset));
}

// BITCOUNT key [start end [BYTE | BIT]]
void BitCountCommand(CommandContext& ctx) {
  // Redis looks the key up first: a missing key counts 0 whatever the other arguments are.
  const Entry* e;
  if (!ReadBits(ctx, ctx.arg(1), &e)) return;
  if (e == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  int64_t start = 0, end = -1;
  bitops::RangeUnit unit = bitops::RangeUnit::kByte;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    if (!ctx.ParseInt(2, &start) || !ctx.ParseInt(3, &end)) return;
    // Redis answers an inverted all-negative range before it reads the unit, so even a bad
    // unit gets 0 here.
    if (start < 0 && end < 0 && start > end) {
      ctx.reply().Integer(0);
      return;
    }
    if (ctx.argc() == 5 && !ParseUnit(ctx, 4, &unit)) return;
  } else if (ctx.argc() != 2) {
    ctx.SyntaxError();
    return;
  }
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = e->value.StringView(scratch);
  ctx.reply().Integer(static_cast<int64_t>(bitops::BitCount(Bytes(s), s.size(), start, end, unit)));
}

// BITPOS key bit [start [end [BYTE | BIT]]]
void BitPosCommand(CommandContext& ctx) {
  int64_t bit;
  if (!ctx.ParseInt(2, &bit)) return;
  if (bit != 0 && bit != 1) {
    ctx.Error(bitops::kErrBitPosBit);
    return;
  }
  const Entry* e;
  if (!ReadBits(ctx, ctx.arg(1), &e)) return;
  if (e == nullptr) {
    // A missing key is an endless run of zeros.
    ctx.reply().Integer(bit ? -1 : 0);
    return;
  }
  int64_t start = 0;
  std::optional<int64_t> end;
  bitops::RangeUnit unit = bitops::RangeUnit::kByte;
  size_t argc = ctx.argc();
  if (argc >= 4 && argc <= 6) {
    // Redis's order: start, then the unit, then end.
    if (!ctx.ParseInt(3, &start)) return;
    if (argc == 6 && !ParseUnit(ctx, 5, &unit)) return;
    if (argc >= 5) {
      int64_t v;
      if (!ctx.ParseInt(4, &v)) return;
      end = v;
    }
  } else if (argc != 3) {
    ctx.SyntaxError();
    return;
  }
  char scratch[CompactValue::kIntBufSize];
  std::string_view s = e->value.StringView(scratch);
  ctx.reply().Integer(bitops::BitPos(Bytes(s), s.size(), static_cast<int>(bit), start, end, unit));
}

// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
void BitOpCommand(CommandContext& ctx) {
  bitops::Op op;
  if (!bitops::ParseOp(ctx.arg(1), &op)) {
    ctx.SyntaxError();
    return;
  }
  if (op == bitops::Op::kNot && ctx.argc() != 4) {
    ctx.Error(bitops::kErrBitopNot);
    return;
  }
  size_t nsrc = ctx.argc() - 3;
  std::vector<std::string_view> srcs(nsrc);
  std::vector<std::array<char, CompactValue::kIntBufSize>> scratch(nsrc);
  for (size_t i = 0; i < nsrc; ++i) {
    const Entry* e;
    if (!ReadBits(ctx, ctx.arg(3 + i), &e)) return;
    if (e != nullptr) srcs[i] = e->value.StringView(scratch[i].data());
  }
  std::string result;
  bitops::BitOp(op, srcs, &result);

  std::string_view dest = ctx.arg(2);
  Entry* d = ctx.LookupForWrite(dest);
  if (!result.empty()) {
    // Stored like SET stores (any old type and TTL go), but always "raw" as in Redis.
    if (d == nullptr) d = ctx.db().Add(dest);
    d->value.Reset();
    std::memcpy(d->value.MutableString(result.size()), result.data(), result.size());
    if (d->has_expire()) ctx.db().ClearExpire(&d);
    ctx.KeyModified(dest);
    ctx.Notify('$', "set", dest);
  } else if (d != nullptr) {
    // An empty result is not stored: the destination is deleted instead.
    ctx.db().Delete(dest);
    ctx.KeyModified(dest);
    ctx.Notify('g', "del", dest);
  }
  ctx.reply().Integer(static_cast<int64_t>(result.size()));
}

struct FieldOp {
  enum Kind { kGet, kSet, kIncrBy } kind;
  bitops::BitfieldType type;
  uint64_t offset;
  int64_t value;  // SET value or INCRBY increment
  bitops::Overflow overflow;
};

// Parses BITFIELD's subcommands from argument 2 on. Returns false after replying the error.
bool ParseFieldOps(CommandContext& ctx, std::vector<FieldOp>* ops) {
  bitops::Overflow overflow = bitops::Overflow::kWrap;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    size_t remaining = ctx.argc() - i - 1;
    FieldOp op{};
    if (ctx.ArgIs(i, "get") && remaining >= 2) {
      op.kind = FieldOp::kGet;
    } else if (ctx.ArgIs(i, "set") && remaining >= 3) {
      op.kind = FieldOp::kSet;
    } else if (ctx.ArgIs(i, "incrby") && remaining >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (ctx.ArgIs(i, "overflow") && remaining >= 1) {
      if (!bitops::ParseOverflow(ctx.arg(++i), &overflow)) {
        ctx.Error(bitops::kErrOverflowType);
        return false;
      }
      continue;
    } else {
      ctx.SyntaxError();
      return false;
    }
    if (!bitops::ParseBitfieldType(ctx.arg(i + 1), &op.type)) {
      ctx.Error(bitops::kErrBitfieldType);
      return false;
    }
    if (!bitops::ParseBitOffset(ctx.arg(i + 2), true, op.type.bits, MaxBulkLen(ctx), &op.offset)) {
      ctx.Error(bitops::kErrBitOffset);
      return false;
    }
    if (op.kind != FieldOp::kGet && !ctx.ParseInt(i + 3, &op.value)) return false;
    op.overflow = overflow;
    ops->push_back(op);
    i += op.kind == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

void BitfieldGeneric(CommandContext& ctx, bool readonly_command) {
  std::string_view key = ctx.arg(1);
  std::vector<FieldOp> ops;
  if (!ParseFieldOps(ctx, &ops)) return;
  uint64_t min_len = 0;
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) continue;
    uint64_t need = bitops::BytesForWrite(op.offset, op.type.bits);
    if (need > min_len) min_len = need;
  }
  ReplyWriter& w = ctx.reply();

  if (min_len == 0) {
    // Only GETs: a read that never creates the key.
    const Entry* e;
    if (!ReadBits(ctx, key, &e)) return;
    char scratch[CompactValue::kIntBufSize];
    std::string_view s = e ? e->value.StringView(scratch) : std::string_view();
    w.ArrayHeader(ops.size());
    for (const FieldOp& op : ops) {
      w.Integer(bitops::GetField(Bytes(s), s.size(), op.offset, op.type));
    }
    return;
  }
  if (readonly_command) {
    ctx.Error(bitops::kErrBitfieldRo);
    return;
  }
  // Like Redis, the string grows to hold every write before any runs, even writes that OVERFLOW
  // FAIL later refuses.
  size_t len;
  bool grew;
  uint8_t* p = WritableBits(ctx, key, min_len, &len, &grew);
  if (p == nullptr) return;
  // As in Redis 7.0, a write counts as a change (dirty, and the reason for the event) only when
  // it alters the field's value, or when the string had to be created or grown.
  int64_t changes = 0;
  w.ArrayHeader(ops.size());
  for (const FieldOp& op : ops) {
    int64_t old = bitops::GetField(p, len, op.offset, op.type);
    int64_t result;
    switch (op.kind) {
      case FieldOp::kGet:
        w.Integer(old);
        break;
      case FieldOp::kSet:
        if (bitops::SetWithOverflow(op.value, op.type, op.overflow, &result)) {
          bitops::SetField(p, op.offset, op.type, result);
          if (grew || result != old) ++changes;
          w.Integer(old);
        } else {
          w.Null();
        }
        break;
      case FieldOp::kIncrBy:
        if (bitops::IncrWithOverflow(old, op.value, op.type, op.overflow, &result)) {
          bitops::SetField(p, op.offset, op.type, result);
          if (grew || result != old) ++changes;
          w.Integer(result);
        } else {
          w.Null();
        }
        break;
    }
  }
  if (changes > 0) {
    ctx.KeyModified(key, changes);
    ctx.Notify('$', "setbit", key);
  }
}

// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
//     <SET encoding offset value | INCRBY encoding offset increment> [...]]
void BitfieldCommand(CommandContext& ctx) { BitfieldGeneric(ctx, false); }

// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
void BitfieldRoCommand(CommandContext& ctx) { BitfieldGeneric(ctx, true); }

constexpr uint32_t kWriteOom = kCmdWrite | kCmdDenyOom;

const CommandSpec kBitmapCommands[] = {
    {"setbit", 4, kWriteOom, 1, 1, 1, "bitmap", "2.2.0",
     "Sets or clears the bit at offset in the string value stored at key", "O(1)",
     "key offset value", SetBitCommand},
    {"getbit", 3, kCmdReadonly | kCmdFast, 1, 1, 1, "bitmap", "2.2.0",
     "Returns the bit value at offset in the string value stored at key", "O(1)", "key offset",
     GetBitCommand},
    {"bitcount", -2, kCmdReadonly, 1, 1, 1, "bitmap", "2.6.0", "Count set bits in a string", "O(N)",
     "key [start end [BYTE | BIT]]", BitCountCommand},
    {"bitpos", -3, kCmdReadonly, 1, 1, 1, "bitmap", "2.8.7",
     "Find first bit set or clear in a string", "O(N)", "key bit [start [end [BYTE | BIT]]]",
     BitPosCommand},
    {"bitop", -4, kWriteOom, 2, -1, 1, "bitmap", "2.6.0",
     "Perform bitwise operations between strings", "O(N)",
     "<AND | OR | XOR | NOT> destkey key [key ...]", BitOpCommand},
    {"bitfield", -2, kWriteOom, 1, 1, 1, "bitmap", "3.2.0",
     "Perform arbitrary bitfield integer operations on strings",
     "O(1) for each subcommand specified",
     "key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value | "
     "INCRBY encoding offset increment> [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] "
     "<SET encoding offset value | INCRBY encoding offset increment> ...]]",
     BitfieldCommand},
    {"bitfield_ro", -2, kCmdReadonly | kCmdFast, 1, 1, 1, "bitmap", "6.0.0",
     "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
     "O(1) for each subcommand specified", "key [GET encoding offset [GET encoding offset ...]]",
     BitfieldRoCommand},
    {},
};

}  // namespace

void RegisterBitmapCommands() { CommandTable::Get().Register(kBitmapCommands); }

}  // namespace memkeydb
