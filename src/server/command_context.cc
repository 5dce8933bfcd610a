#include "server/command_context.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/strutil.h"
#include "server/errors.h"
#include "server/server.h"

namespace memkeydb {

CommandContext::CommandContext(Server* server, Client* client, const ArgList* args,
                               const Command* cmd, int64_t now_ms)
    : server_(server), client_(client), args_(args), cmd_(cmd), now_ms_(now_ms) {}

Database& CommandContext::db() { return server_->db(client_->db_index); }

void CommandContext::Error(std::string_view msg) {
  failed_ = true;
  server_->stats().CountError(msg);
  client_->reply().Error(msg);
}

void CommandContext::WrongType() { Error(errors::kWrongType); }
void CommandContext::SyntaxError() { Error(errors::kSyntax); }

bool CommandContext::ParseInt(std::string_view s, int64_t* out) {
  if (memkeydb::ParseInt64(s, out)) return true;
  Error(errors::kNotInteger);
  return false;
}

bool CommandContext::ParseInt(size_t i, int64_t* out) { return ParseInt(arg(i), out); }

bool CommandContext::ParseInt32(size_t i, int* out, const char* custom) {
  int64_t v;
  if (!memkeydb::ParseInt64(arg(i), &v)) {
    Error(custom != nullptr ? custom : errors::kNotInteger);
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    Error(custom != nullptr
              ? custom
              : "ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool CommandContext::ParseUint(size_t i, uint64_t* out) {
  if (memkeydb::ParseUint64(arg(i), out)) return true;
  Error(errors::kNotInteger);
  return false;
}

bool CommandContext::ParseDouble(size_t i, double* out) {
  if (memkeydb::ParseDouble(arg(i), out)) return true;
  Error(errors::kNotFloat);
  return false;
}

bool CommandContext::ArgIs(size_t i, std::string_view option) const {
  return i < argc() && EqualsIgnoreCase(arg(i), option);
}

Entry* CommandContext::LookupNoTouch(std::string_view key) {
  Entry* e = db().Find(key, now_ms_);
  if (e == nullptr) {
    ++server_->stats().keyspace_misses;
    Notify('m', "keymiss", key);
  } else {
    ++server_->stats().keyspace_hits;
  }
  return e;
}

Entry* CommandContext::Lookup(std::string_view key) {
  Entry* e = LookupNoTouch(key);
  if (e != nullptr) server_->TouchAccessClock(e);
  return e;
}

Entry* CommandContext::LookupForWrite(Database& db, std::string_view key) {
  Entry* e = db.Find(key, now_ms_);
  if (e != nullptr) server_->TouchAccessClock(e);
  return e;
}

void CommandContext::KeyModifiedIn(int db, std::string_view key, int64_t dirty) {
  server_->TouchWatchedKey(db, key);
  server_->blocking().SignalKey(db, key);
  server_->dirty += dirty;
}

bool CommandContext::ParseScanCursor(size_t i, uint64_t* cursor) {
  std::string buf(arg(i));
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(buf.c_str(), &end, 10);
  if ((!buf.empty() && std::isspace(static_cast<unsigned char>(buf[0]))) || *end != '\0' ||
      errno == ERANGE) {
    Error("ERR invalid cursor");
    return false;
  }
  *cursor = v;
  return true;
}

bool CommandContext::ParseScanOptions(size_t first, bool allow_type, ScanOptions* out) {
  for (size_t i = first; i < argc(); i += 2) {
    bool has_value = i + 1 < argc();
    if (ArgIs(i, "count") && has_value) {
      if (!ParseInt(i + 1, &out->count)) return false;
      if (out->count < 1) {
        SyntaxError();
        return false;
      }
    } else if (ArgIs(i, "match") && has_value) {
      out->pattern = arg(i + 1);
      out->use_pattern = out->pattern != "*";
    } else if (allow_type && ArgIs(i, "type") && has_value) {
      out->type = arg(i + 1);
      out->use_type = true;
    } else {
      SyntaxError();
      return false;
    }
  }
  return true;
}

bool CommandContext::ParseRandomCount(std::string_view with_option, int64_t* count,
                                      bool* with_pairs) {
  if (!ParseInt(2, count)) return false;
  if (*count == INT64_MIN) {
    Error("ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    return false;
  }
  if (argc() > 4 || (argc() == 4 && !ArgIs(3, with_option))) {
    SyntaxError();
    return false;
  }
  *with_pairs = argc() == 4;
  // Twice the count must still fit (the reply holds both halves of each pair).
  if (*with_pairs && (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2)) {
    Error("ERR value is out of range");
    return false;
  }
  return true;
}

bool CommandContext::ParseBlockTimeout(size_t i, TimeoutUnit unit, int64_t* deadline_ms) {
  int64_t ms;
  if (unit == TimeoutUnit::kSeconds) {
    long double secs;
    if (!ParseLongDouble(arg(i), &secs)) {
      Error("ERR timeout is not a float or out of range");
      return false;
    }
    long double scaled = std::ceil(secs * 1000.0L);
    // Redis converts without a range check; what does not fit comes out negative on x86.
    constexpr long double kLimit = 9223372036854775807.0L;
    ms = scaled >= kLimit || std::isnan(scaled) ? INT64_MIN : static_cast<int64_t>(scaled);
  } else if (!memkeydb::ParseInt64(arg(i), &ms)) {
    Error("ERR timeout is not an integer or out of range");
    return false;
  }
  if (ms < 0) {
    Error("ERR timeout is negative");
    return false;
  }
  // A deadline past the end of time waits forever, as a zero timeout does.
  *deadline_ms = ms == 0 || ms > INT64_MAX - now_ms_ ? 0 : now_ms_ + ms;
  return true;
}

bool CommandContext::CanBlock() const {
  return !client_->has(kClientMulti | kClientExecuting);
}

void CommandContext::Block(const std::vector<std::string_view>& keys, int64_t deadline_ms,
                           TimeoutReply on_timeout, std::vector<std::string> rewritten) {
  blocked_ = true;
  if (reprocessing_) {
    // Still waiting: same queues, same deadline; only the arguments may be refreshed.
    if (!rewritten.empty()) client_->blocked_state->args = std::move(rewritten);
    return;
  }
  BlockedState state;
  state.cmd = cmd_;
  if (rewritten.empty()) {
    state.args.assign(args_->begin(), args_->end());
  } else {
    state.args = std::move(rewritten);
  }
  state.db = db_index();
  state.keys.assign(keys.begin(), keys.end());
  state.deadline_ms = deadline_ms;
  state.on_timeout = on_timeout;
  server_->blocking().Block(client_, std::move(state));
}

bool CommandContext::propagating() const { return server_->propagating(); }

bool CommandContext::replaying() const {
  return server_->loading() || client_->has(kClientMaster);
}

void CommandContext::RewriteForPropagation(std::vector<std::string> argv) {
  rewrite_ = std::move(argv);
  has_rewrite_ = true;
}

void CommandContext::RewriteArgForPropagation(size_t i, std::string value) {
  if (!has_rewrite_) {
    rewrite_.assign(args_->begin(), args_->end());
    has_rewrite_ = true;
  }
  if (i >= rewrite_.size()) rewrite_.resize(i + 1);
  rewrite_[i] = std::move(value);
}

void CommandContext::AlsoPropagate(int db, std::vector<std::string> argv) {
  if (server_->propagating()) server_->Propagate(db, std::move(argv));
}

void CommandContext::Notify(char type_class, std::string_view event, std::string_view key,
                            int db) {
  server_->NotifyKeyspaceEvent(type_class, event, key, db < 0 ? client_->db_index : db);
}

}  // namespace memkeydb
