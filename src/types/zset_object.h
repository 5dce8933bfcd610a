// ZSetObject: a sorted set — members with double scores, ordered by (score, member).
//
// Two encodings, as OBJECT ENCODING names them:
//   listpack  member, score, member, score, ... in one Redis-format listpack, ordered. Scores are
//             written as Redis 7.0 writes them (an integral score within +-2^52 as an integer,
//             anything else as its "%.17g" text, "inf"/"-inf" spelled out; -0 is stored as 0), so the blob is
//             byte-identical to Redis's.
//   skiplist  the large encoding: one ZNode per element (user data: score and member inline),
//             found by member through a ChainedTable and kept in order by a ZIndex (an
//             order-statistic B+tree of node pointers, metadata). Rank, select, and range
//             bounds by score or lex are O(log n).
// A set converts from listpack to skiplist when it would exceed zset-max-listpack-entries
// elements or hold a member longer than zset-max-listpack-value bytes (Limits()); never back,
// except that the *STORE commands build their result in the encoding its final size calls for.
//
// Elements are addressed by rank (0 is the smallest) for every range operation; the command
// layer turns scores, lex bounds and negative indexes into rank intervals [lo, hi).
//
// The object header and the index are metadata (DRAM); the listpack blob and every ZNode are
// user data, moved between tiers by Rebalance with exact accounting.
// REQUIRES: main thread, like all user data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ds/chained_table.h"
#include "ds/listpack.h"
#include "memory/move_rule.h"
#include "memory/tier.h"
#include "types/zset_index.h"

namespace memkeydb {

struct ZNodeTableTraits {
  static ZNode* Next(const ZNode* n) { return n->next; }
  static ZNode*& NextRef(ZNode* n) { return n->next; }
  static void SetNext(ZNode* n, ZNode* next) { n->next = next; }
  static std::string_view Key(const ZNode* n) { return n->member(); }
  static void Destroy(ZNode* n) { ZNode::Destroy(n); }
};
using ZNodeTable = ChainedTable<ZNode, ZNodeTableTraits>;

// A score interval; min/max may be +-inf.
struct ZScoreRange {
  double min = 0, max = 0;
  bool min_ex = false, max_ex = false;
  bool BelowMin(double s) const { return min_ex ? s <= min : s < min; }
  bool AboveMax(double s) const { return max_ex ? s >= max : s > max; }
};

// A lex interval: "-" and "+" are the open ends.
struct ZLexRange {
  std::string min, max;
  bool min_ex = false, max_ex = false;
  // "-" as min: nothing is below it; "+" as min: everything is. Likewise for max.
  bool min_is_minus = false, min_is_plus = false;
  bool max_is_plus = false, max_is_minus = false;
  bool BelowMin(std::string_view m) const;
  bool AboveMax(std::string_view m) const;
};

// Redis 7.0's text for a score in a listpack: integers within +-2^52 as integers (-0 too
// becomes "0"), else "%.17g" (and inf/-inf/nan).
size_t ScoreToString(double score, char* buf, size_t len);

class ZSetObject {
 public:
  enum class Encoding : uint8_t { kListpack, kSkiplist };
  // ZADD's options.
  enum AddFlag : int { kNx = 1, kXx = 2, kGt = 4, kLt = 8, kIncr = 16 };
  enum class AddResult { kNan, kAdded, kUpdated, kUnchanged, kSkipped };

  // An empty set in the encoding `skiplist` asks for.
  explicit ZSetObject(bool skiplist = false);
  ~ZSetObject();
  ZSetObject(const ZSetObject&) = delete;
  ZSetObject& operator=(const ZSetObject&) = delete;

  // Creates a set for `size_hint` elements of up to `value_len_hint` bytes, in the encoding
  // Redis's zsetTypeCreate would choose.
  static ZSetObject* Create(size_t size_hint, size_t value_len_hint);
  // A listpack set holding `lp` (RDB loading adopts a validated blob). REQUIRES: lp holds
  // member/score pairs in (score, member) order, distinct members, scores as ScoreToString or
  // listpack integers would write them, within the listpack limits.
  static ZSetObject* AdoptListpack(Listpack lp);

  Encoding encoding() const { return skiplist_ ? Encoding::kSkiplist : Encoding::kListpack; }
  const char* EncodingName() const { return skiplist_ ? "skiplist" : "listpack"; }
  size_t size() const;

  // ZADD semantics for one element: `score` is the new score or, with kIncr, the increment.
  // *new_score receives the resulting score (kAdded, kUpdated, kUnchanged).
  AddResult Add(std::string_view member, double score, int flags, double* new_score);
  // Inserts a member known to be absent.
  void InsertNew(std::string_view member, double score);
  bool Remove(std::string_view member);
  std::optional<double> Score(std::string_view member) const;
  // 0-based ascending rank of member.
  std::optional<size_t> Rank(std::string_view member) const;

  // Rank bounds: the first rank inside the range, and one past the last rank inside it.
  size_t LowerRank(const ZScoreRange& r) const;
  size_t UpperRank(const ZScoreRange& r) const;
  size_t LowerRank(const ZLexRange& r) const;
  size_t UpperRank(const ZLexRange& r) const;

  // Visits ranks [lo, hi) ascending (or descending from hi-1 with `rev`), stopping when `fn`
  // returns false. The member view is valid only during the call.
  using Visitor = std::function<bool(std::string_view member, double score)>;
  void ForRange(size_t lo, size_t hi, bool rev, const Visitor& fn) const;
  // The element at `rank`. REQUIRES: rank < size().
  std::pair<std::string, double> At(size_t rank) const;
  // Removes ranks [lo, hi).
  void RemoveRange(size_t lo, size_t hi);

  // One ZSCAN step over the skiplist encoding's member table (a listpack is scanned whole by
  // the caller with ForRange).
  uint64_t Scan(uint64_t cursor, const Visitor& fn) const;

  // Leaves the listpack encoding for good.
  void ConvertToSkiplist();
  // Converts to listpack if the set is within the limits (the *STORE commands' results).
  void ConvertToListpackIfFits();

  // ObjectOps.
  void BytesByTier(size_t bytes[kNumTiers]) const;
  void Rebalance(const MoveRule& rule, MoveStats* stats, TierCensus* census);
  ZSetObject* Clone() const;

  // The listpack, for byte-level checks. REQUIRES: listpack encoding.
  const Listpack& listpack() const { return lp_; }

 private:
  // Listpack helpers: the offset of member's element, or kNone.
  size_t LpFind(std::string_view member) const;
  static double LpScore(const Listpack& lp, size_t pos);
  void LpInsert(std::string_view member, double score);
  void SlInsert(std::string_view member, double score);
  void MaybeConvert(std::string_view member);
  template <typename Pred>
  size_t CountWhile(const Pred& pred) const;

  bool skiplist_ = false;
  Listpack lp_;
  ZNodeTable* table_ = nullptr;  // skiplist encoding only
  ZIndex* index_ = nullptr;
  size_t node_bytes_[kNumTiers] = {0, 0};
};

// Registers the sorted-set ObjectOps (idempotent).
void RegisterZSetObjectOps();

}  // namespace memkeydb
