#include "server/test_util.h"

#include <vector>

#include "common/clock.h"
#include "server/command_table.h"

namespace memkeydb {
namespace {
std::string_view Line(std::string_view buf, size_t* pos) {
  size_t end = buf.find("\r\n", *pos);
  if (end == std::string_view::npos) end = buf.size();
  std::string_view line = buf.substr(*pos, end - *pos);
  *pos = end + 2;
  return line;
}
}  // namespace

std::string FormatResp(std::string_view buf, size_t* pos) {
  if (*pos >= buf.size()) return "<no reply>";
  char type = buf[*pos];
  ++*pos;
  std::string_view line = Line(buf, pos);
  switch (type) {
    case '+':
    case '-':
      return std::string(line);
    case ':':
      return "(integer) " + std::string(line);
    case ',':
      return "(double) " + std::string(line);
    case '#':
      return line == "t" ? "(true)" : "(false)";
    case '_':
      return "(nil)";
    case '(':
      return "(big) " + std::string(line);
    case '$':
    case '=': {
      if (line == "-1") return "(nil)";
      size_t n = std::stoul(std::string(line));
      std::string s(buf.substr(*pos, n));
      *pos += n + 2;
      return type == '=' ? s.substr(4) : s;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      if (line == "-1") return "(nil)";
      long n = std::stol(std::string(line));
      std::string out = type == '%' ? "{" : "[";
      for (long i = 0; i < n; ++i) {
        if (i) out += ", ";
        out += FormatResp(buf, pos);
        if (type == '%') out += ": " + FormatResp(buf, pos);
      }
      return out + (type == '%' ? "}" : "]");
    }
  }
  return "<bad reply>";
}

bool CommandTest::Exists(std::string_view key) { return db().Find(key, NowMs()) != nullptr; }

std::string CommandTest::Encoding(std::string_view key) {
  const Entry* e = Find(key);
  return e == nullptr ? "(nil)" : e->value.EncodingName();
}

int64_t CommandTest::Pttl(std::string_view key) {
  const Entry* e = db().Find(key, NowMs());
  if (e == nullptr) return -2;
  if (!e->has_expire()) return -1;
  return e->expire_at() - NowMs();
}

void CommandTest::MakeHash(std::string_view key) {
  // Replaces whatever the key held (HSET alone would fail on a string with WRONGTYPE).
  db().Delete(key);
  Run({"hset", key, "f", "v"});
}

void CommandTest::WatchEvents() {
  server_->config().notify_keyspace_events = "KEA";
  sub_ = server_->CreateFakeClient();
  RunAs(sub_, {"psubscribe", "__keyevent@0__:*"});
}

std::string CommandTest::Received(Client* c) {
  std::string out;
  size_t pos = 0;
  while (pos < c->output().size()) {
    if (!out.empty()) out += " | ";
    out += FormatResp(c->output(), &pos);
  }
  c->output().clear();
  return out;
}

std::vector<std::string> CommandTest::Events() {
  std::vector<std::string> out;
  std::string buf;
  buf.swap(sub_->output());
  size_t pos = 0;
  while (pos < buf.size()) {
    // "[pmessage, <pattern>, __keyevent@0__:<event>, <key>]" -> "<event>:<key>"
    std::string msg = FormatResp(buf, &pos);
    size_t ev = msg.rfind("__keyevent@0__:");
    std::string rest = msg.substr(ev + 15, msg.size() - ev - 16);
    size_t comma = rest.find(", ");
    out.push_back(rest.substr(0, comma) + ":" + rest.substr(comma + 2));
  }
  return out;
}

void CommandTest::SetUp() {
  RegisterAllCommands();
  config_.enable_debug_command = "yes";
  // No save points: FLUSHALL and SHUTDOWN would otherwise write dump.rdb where tests run.
  config_.save_params.clear();
  server_ = std::make_unique<Server>(config_);
  client_ = server_->CreateFakeClient();
}

void CommandTest::TearDown() {
  server_.reset();
}

std::string CommandTest::RunAs(Client* c, const std::vector<std::string>& args) {
  ArgList views(args.begin(), args.end());
  c->output().clear();
  server_->Execute(c, views);
  raw_ = c->output();
  size_t pos = 0;
  std::string r = FormatResp(raw_, &pos);
  c->output().clear();
  return r;
}

std::string CommandTest::Run(std::initializer_list<std::string_view> args) {
  return RunAs(client_, std::vector<std::string>(args.begin(), args.end()));
}

std::string CommandTest::Run(const std::vector<std::string>& args) { return RunAs(client_, args); }

}  // namespace memkeydb
