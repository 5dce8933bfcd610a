#include "server/command_context.h"

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
  server_->dirty += dirty;
}

void CommandContext::Notify(char type_class, std::string_view event, std::string_view key,
                            int db) {
  server_->NotifyKeyspaceEvent(type_class, event, key, db < 0 ? client_->db_index : db);
}

}  // namespace memkeydb
