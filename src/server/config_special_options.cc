// The options whose values have their own syntax (save, bind, client-output-buffer-limit,
// notify-keyspace-events, dir, dram-pmem-ratio, hz, and some of the ignored ones), each with its
// own get, set and CONFIG REWRITE form.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "common/strutil.h"
#include "server/config_internal.h"

namespace memkeydb {
namespace {

// notify-keyspace-events. Stored as the individual class letters in this order; 'A' stands for
// the first ten. CONFIG GET prints Redis's canonical form (with 'A' when all ten are set).
constexpr std::string_view kEventLetters = "g$lshzxetdnKEm";
constexpr std::string_view kEventAll = "g$lshzxetd";

bool ParseKeyspaceEvents(std::string_view text, std::string* stored) {
  std::set<char> set;
  for (char c : text) {
    if (c == 'A') {
      set.insert(kEventAll.begin(), kEventAll.end());
    } else if (kEventLetters.find(c) != std::string_view::npos) {
      set.insert(c);
    } else {
      return false;
    }
  }
  stored->clear();
  for (char c : kEventLetters) {
    if (set.count(c)) stored->push_back(c);
  }
  return true;
}

std::string DisplayKeyspaceEvents(std::string_view stored) {
  auto has = [&](char c) { return stored.find(c) != std::string_view::npos; };
  std::string out;
  if (std::all_of(kEventAll.begin(), kEventAll.end(), has)) {
    out = "A";
  } else {
    for (char c : std::string_view("g$lshzxetdn")) {
      if (has(c)) out.push_back(c);
    }
  }
  for (char c : std::string_view("KEm")) {
    if (has(c)) out.push_back(c);
  }
  return out;
}

const std::vector<std::string>& DefaultBind() {
  static const auto* bind = new std::vector<std::string>(Config().bind);
  return *bind;
}

constexpr const char* kClientClassNames[3] = {"normal", "slave", "pubsub"};

// dir: stored as an absolute path once set, so that it does not depend on the current directory
// (the server changes into it at start-up and after CONFIG SET, as Redis does).
std::string AbsoluteDir(const Config& c) {
  if (!c.dir.empty() && c.dir[0] == '/') return c.dir;
  char buf[PATH_MAX];
  if (realpath(c.dir.empty() ? "." : c.dir.c_str(), buf) != nullptr) return buf;
  return c.dir;
}

// "%f" with trailing zeros (and a bare trailing point) removed.
std::string FormatPercentile(double v) {
  char buf[512];
  snprintf(buf, sizeof(buf), "%f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

OptionDef SaveOption() {
  auto get = [](const Config& c) {
    std::string out;
    for (size_t i = 0; i < c.save_params.size(); ++i) {
      if (i) out += ' ';
      out += std::to_string(c.save_params[i].first) + " " + std::to_string(c.save_params[i].second);
    }
    return out;
  };
  auto set = [](Config& c, const Args& in) -> std::string {
    Args args = in;
    if (args.size() == 1 && args[0].empty()) args.clear();
    if (args.size() % 2 != 0) return "Invalid save parameters";
    std::vector<std::pair<int64_t, int64_t>> params;
    for (size_t j = 0; j < args.size(); j += 2) {
      long long seconds, changes;
      if (!StrtollWhole(args[j], &seconds) || seconds < 1) return "Invalid save parameters";
      if (!StrtollWhole(args[j + 1], &changes) || changes < 0) return "Invalid save parameters";
      // Redis keeps the change count in an int.
      params.emplace_back(seconds, static_cast<int32_t>(changes));
    }
    c.save_params = std::move(params);
    return "";
  };
  auto rewrite = [](const Config& c) -> std::vector<RewriteLine> {
    // Always written, so that a file without save lines does not fall back to the defaults.
    if (c.save_params.empty()) return {{"save \"\"", true}};
    std::vector<RewriteLine> lines;
    for (const auto& [seconds, changes] : c.save_params) {
      lines.push_back({"save " + std::to_string(seconds) + " " + std::to_string(changes), true});
    }
    return lines;
  };
  return SpecialOption("save", {}, kMultiArg, get, set, rewrite);
}

OptionDef BindOption() {
  auto get = [](const Config& c) { return JoinWithSpaces(c.bind); };
  auto set = [](Config& c, const Args& in) -> std::string {
    if (in.size() > 16) return "Too many bind addresses specified.";
    if (in.size() == 1 && in[0].empty()) {
      c.bind.clear();
    } else {
      c.bind = in;
    }
    return "";
  };
  auto rewrite = [](const Config& c) -> std::vector<RewriteLine> {
    if (c.bind == DefaultBind()) return {};
    return {{"bind " + (c.bind.empty() ? std::string("\"\"") : JoinWithSpaces(c.bind)), true}};
  };
  return SpecialOption("bind", {}, kMultiArg, get, set, rewrite);
}

OptionDef ClientOutputBufferLimitOption() {
  auto get = [](const Config& c) {
    std::string out;
    for (int j = 0; j < 3; ++j) {
      const OutputBufferLimit& l = c.client_output_buffer_limit[j];
      if (j) out += ' ';
      out += std::string(kClientClassNames[j]) + " " +
             std::to_string(static_cast<uint64_t>(l.hard)) + " " +
             std::to_string(static_cast<uint64_t>(l.soft)) + " " + std::to_string(l.soft_seconds);
    }
    return out;
  };
  auto set = [](Config& c, const Args& args) -> std::string {
    if (args.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
    OutputBufferLimit values[3];
    bool given[3] = {false, false, false};
    // Everything is checked before anything is stored: one bad class rejects the whole value.
    for (size_t j = 0; j < args.size(); j += 4) {
      int cls;
      if (EqualsIgnoreCase(args[j], "normal")) {
        cls = static_cast<int>(ClientClass::kNormal);
      } else if (EqualsIgnoreCase(args[j], "slave") || EqualsIgnoreCase(args[j], "replica")) {
        cls = static_cast<int>(ClientClass::kReplica);
      } else if (EqualsIgnoreCase(args[j], "pubsub")) {
        cls = static_cast<int>(ClientClass::kPubSub);
      } else {
        return "Invalid client class specified in buffer limit configuration.";
      }
      uint64_t hard, soft;
      long long seconds_ll;
      bool ok = ParseMemoryValue(args[j + 1], &hard) && ParseMemoryValue(args[j + 2], &soft) &&
                StrtollWhole(args[j + 3], &seconds_ll);
      // Redis keeps the seconds in an int.
      int32_t seconds = static_cast<int32_t>(seconds_ll);
      if (!ok || seconds < 0) {
        return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      }
      values[cls] = {static_cast<int64_t>(hard), static_cast<int64_t>(soft), seconds};
      given[cls] = true;
    }
    for (int j = 0; j < 3; ++j) {
      if (given[j]) c.client_output_buffer_limit[j] = values[j];
    }
    return "";
  };
  auto rewrite = [](const Config& c) -> std::vector<RewriteLine> {
    const Config defaults;
    std::vector<RewriteLine> lines;
    for (int j = 0; j < 3; ++j) {
      const OutputBufferLimit& l = c.client_output_buffer_limit[j];
      const OutputBufferLimit& d = defaults.client_output_buffer_limit[j];
      bool force = l.hard != d.hard || l.soft != d.soft || l.soft_seconds != d.soft_seconds;
      std::string cls =
          j == static_cast<int>(ClientClass::kReplica) ? "replica" : kClientClassNames[j];
      lines.push_back({"client-output-buffer-limit " + cls + " " +
                           FormatMemoryForFile(static_cast<uint64_t>(l.hard)) + " " +
                           FormatMemoryForFile(static_cast<uint64_t>(l.soft)) + " " +
                           std::to_string(l.soft_seconds),
                       force});
    }
    return lines;
  };
  return SpecialOption("client-output-buffer-limit", {}, kMultiArg, get, set, rewrite);
}

OptionDef NotifyKeyspaceEventsOption() {
  auto get = [](const Config& c) { return DisplayKeyspaceEvents(c.notify_keyspace_events); };
  auto set = [](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    std::string stored;
    if (!ParseKeyspaceEvents(args[0], &stored)) {
      return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
    c.notify_keyspace_events = stored;
    return "";
  };
  auto rewrite = [](const Config& c) -> std::vector<RewriteLine> {
    return {{"notify-keyspace-events " + Repr(DisplayKeyspaceEvents(c.notify_keyspace_events)),
             !c.notify_keyspace_events.empty()}};
  };
  return SpecialOption("notify-keyspace-events", {}, 0, get, set, rewrite);
}
OptionDef DirOption() {
  auto set = [](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    char buf[PATH_MAX];
    if (realpath(args[0].c_str(), buf) == nullptr) return ErrnoText(errno);
    struct stat st;
    if (stat(buf, &st) != 0) return ErrnoText(errno);
    if (!S_ISDIR(st.st_mode)) return ErrnoText(ENOTDIR);
    if (access(buf, X_OK) != 0) return ErrnoText(errno);
    c.dir = buf;
    return "";
  };
  auto rewrite = [](const Config& c) -> std::vector<RewriteLine> {
    return {{"dir " + Repr(AbsoluteDir(c)), true}};
  };
  return SpecialOption("dir", {}, 0, AbsoluteDir, set, rewrite);
}

OptionDef DramPmemRatioOption() {
  auto get = [](const Config& c) {
    return std::to_string(c.dram_pmem_ratio[0]) + " " + std::to_string(c.dram_pmem_ratio[1]);
  };
  auto set = [](Config& c, const Args& args) -> std::string {
    if (args.size() != 2) return "wrong number of arguments";
    int64_t parts[2];
    for (int i = 0; i < 2; ++i) {
      if (!ParseInt64(args[i], &parts[i]) || parts[i] < 1 || parts[i] > INT_MAX) {
        return "argument must be two integers between 1 and 2147483647 (DRAM part, far part)";
      }
    }
    c.dram_pmem_ratio[0] = parts[0];
    c.dram_pmem_ratio[1] = parts[1];
    return "";
  };
  auto rewrite = [get](const Config& c) -> std::vector<RewriteLine> {
    Config defaults;
    return {{"dram-pmem-ratio " + get(c), get(c) != get(defaults)}};
  };
  return SpecialOption("dram-pmem-ratio", {}, kMultiArg, get, set, rewrite);
}

// hz: any non-negative value is accepted and clamped to [1, 500], as Redis does.
OptionDef HzOption() {
  OptionDef def = NumOption("hz", {}, 0, {0, INT_MAX}, &Config::hz);
  auto parse = def.option.set;
  def.option.set = [parse](Config& c, const Args& args) {
    std::string err = parse(c, args);
    if (err.empty()) c.hz = std::clamp<int64_t>(c.hz, 1, 500);
    return err;
  };
  return def;
}

// --- special options among the ignored ones ---

OptionDef TlsPortOption() {
  constexpr NumSpec kPort = {0, 65535};
  OptionDef def = NumOption("tls-port", {}, 0, kPort, nullptr, 0);
  auto store = def.option.set;
  def.option.set = [store, kPort](Config& c, const Args& args) -> std::string {
    int64_t port;
    if (args.size() == 1 && ParseNumeric(kPort, args[0], &port).empty() && port != 0) {
      return RefuseTls(true);
    }
    return store(c, args);
  };
  return def;
}

// Redis never makes the replication backlog smaller than 16 KiB.
OptionDef ReplBacklogSizeOption() {
  constexpr int64_t kMinBacklog = 16 * 1024;
  OptionDef def =
      NumOption("repl-backlog-size", {}, 0, {1, LLONG_MAX, kNumMemory}, &Config::repl_backlog_size);
  auto parse = def.option.set;
  def.option.set = [parse](Config& c, const Args& args) -> std::string {
    std::string err = parse(c, args);
    if (err.empty() && c.repl_backlog_size < kMinBacklog) c.repl_backlog_size = kMinBacklog;
    return err;
  };
  return def;
}

std::string ConfiguredReplicaOf() { return ExtraGet("replicaof", ""); }

OptionDef ReplicaOfOption() {
  std::string n = "replicaof";
  auto get = [n](const Config&) { return ExtraGet(n, ""); };
  auto set = [n](Config&, const Args& args) -> std::string {
    if (args.size() != 2) return "wrong number of arguments";
    if (EqualsIgnoreCase(args[0], "no") && EqualsIgnoreCase(args[1], "one")) {
      ExtraValues()[n] = "";
      return "";
    }
    char* end = nullptr;
    long port = strtol(args[1].c_str(), &end, 10);
    if (port < 0 || port > 65535 || *end != '\0') return "Invalid master port";
    ExtraValues()[n] = args[0] + " " + std::to_string(port);
    return "";
  };
  auto rewrite = [get](const Config& c) -> std::vector<RewriteLine> {
    std::string v = get(c);
    if (v.empty()) return {};
    return {{"replicaof " + v, true}};
  };
  return SpecialOption("replicaof", {"slaveof"}, kImmutable | kMultiArg, get, set, rewrite, true);
}

OptionDef OomScoreAdjValuesOption() {
  std::string n = "oom-score-adj-values";
  std::string def_text = "0 200 800";
  auto get = [n, def_text](const Config&) { return ExtraGet(n, def_text); };
  auto set = [n](Config&, const Args& args) -> std::string {
    if (args.size() != 3) return "wrong number of arguments";
    Args values;
    for (const std::string& a : args) {
      long long v;
      if (!StrtollWhole(a, &v) || v < -2000 || v > 2000) {
        return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      }
      values.push_back(std::to_string(v));
    }
    ExtraValues()[n] = JoinWithSpaces(values);
    return "";
  };
  return SpecialOption(n.c_str(), {}, kMultiArg, get, set, SimpleRewriter(n, get, def_text), true);
}

OptionDef LatencyTrackingPercentilesOption() {
  std::string n = "latency-tracking-info-percentiles";
  auto get = [n](const Config&) { return ExtraGet(n, "50 99 99.9"); };
  auto set = [n](Config&, const Args& in) -> std::string {
    Args args = in;
    if (args.size() == 1 && args[0].empty()) args.clear();
    Args values;
    for (const std::string& a : args) {
      double v;
      if (!ParseDouble(a, &v)) return "Invalid latency-tracking-info-percentiles parameters";
      if (v > 100.0 || v < 0.0) {
        return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
      }
      values.push_back(FormatPercentile(v));
    }
    ExtraValues()[n] = JoinWithSpaces(values);
    return "";
  };
  auto rewrite = [get](const Config& c) -> std::vector<RewriteLine> {
    std::string v = get(c);
    return {{"latency-tracking-info-percentiles " + (v.empty() ? std::string("\"\"") : v), true}};
  };
  return SpecialOption(n.c_str(), {}, kMultiArg, get, set, rewrite, true);
}

// shutdown-on-sigint/sigterm: a set of flags, printed in this order ("default" when none).
OptionDef ShutdownOnSignalOption(const char* name) {
  static const EnumSpec kFlags = {
      {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};
  std::string n = name;
  auto get = [n](const Config&) { return ExtraGet(n, "default"); };
  auto set = [n](Config&, const Args& args) -> std::string {
    if (args.empty()) return EnumError(kFlags);
    int flags = 0;
    for (const std::string& a : args) {
      const char* canonical = CanonicalEnumName(kFlags, a);
      if (canonical == nullptr) return EnumError(kFlags);
      for (const EnumName& e : kFlags) {
        if (e.name == canonical) flags |= e.value;
      }
    }
    if ((flags & 1) && (flags & 2)) {
      return "shutdown options SAVE and NOSAVE can't be used simultaneously";
    }
    std::string out;
    for (const EnumName& e : kFlags) {
      if (e.value != 0 && (flags & e.value)) {
        if (!out.empty()) out += ' ';
        out += e.name;
      }
    }
    ExtraValues()[n] = out.empty() ? "default" : out;
    return "";
  };
  return SpecialOption(name, {}, kMultiArg, get, set, SimpleRewriter(n, get, "default"), true);
}

}  // namespace memkeydb
