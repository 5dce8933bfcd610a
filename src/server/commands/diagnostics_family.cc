// Diagnostics commands: MONITOR, SLOWLOG and LATENCY. Replies and error texts follow Redis
// 7.0.15.

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <deque>
#include <string>

#include "common/strutil.h"
#include "server/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_internal.h"
#include "server/server.h"

namespace memkeydb {
namespace {

// ---------------------------------------------------------------------------------------------
// MONITOR

// MONITOR
void MonitorCommand(CommandContext& ctx) {
  Client& c = ctx.client();
  // A client already monitoring gets no second registration and, as in Redis, no reply.
  if (c.has(kClientMonitor)) return;
  c.flags |= kClientMonitor;
  ctx.server().monitors().push_back(&c);
  ctx.reply().Ok();
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG

// SLOWLOG GET [count]
void SlowlogGetCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    SubcommandSyntaxError(ctx);
    return;
  }
  int64_t count = 10;
  if (ctx.argc() == 3 && (!ParseInt64(ctx.arg(2), &count) || count < -1)) {
    ctx.Error("ERR count should be greater than or equal to -1");
    return;
  }
  const std::deque<SlowlogEntry>& log = ctx.server().slowlog();
  size_t n = count == -1 ? log.size() : std::min(log.size(), static_cast<size_t>(count));
  ReplyWriter& w = ctx.reply();
  w.ArrayHeader(n);
  // The log is kept newest first.
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    w.ArrayHeader(6);
    w.Integer(static_cast<int64_t>(e.id));
    w.Integer(e.time_s);
    w.Integer(e.duration_us);
    w.ArrayHeader(e.args.size());
    for (const std::string& a : e.args) w.Bulk(a);
    w.Bulk(e.peer);
    w.Bulk(e.name);
  }
}

// SLOWLOG LEN
void SlowlogLenCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().slowlog().size()));
}

// SLOWLOG RESET
void SlowlogResetCommand(CommandContext& ctx) {
  ctx.server().slowlog().clear();
  ctx.reply().Ok();
}

// SLOWLOG HELP
void SlowlogHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "SLOWLOG",
            {
                "GET [<count>]",
                "    Return the <count> most recent slow log entries (default: 10, -1 for all).",
                "    Each entry holds: id, Unix time, duration in microseconds, the arguments,",
                "    the client's address and port, and the client's name.",
                "LEN",
                "    Return the number of entries in the slow log.",
                "RESET",
                "    Empty the slow log.",
            });
}

// ---------------------------------------------------------------------------------------------
// LATENCY

// LATENCY LATEST
void LatencyLatestCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredArray();
  size_t n = 0;
  for (const auto& [name, ev] : events) {
    if (ev.history.empty()) continue;
    const LatencySample& last = ev.history.back();
    w.ArrayHeader(4);
    w.Bulk(name);
    w.Integer(last.time_s);
    w.Integer(last.latency_ms);
    w.Integer(ev.max_ms);
    ++n;
  }
  w.EndDeferredArray(token, n);
}

// LATENCY HISTORY event
void LatencyHistoryCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  auto it = events.find(std::string(ctx.arg(2)));
  ReplyWriter& w = ctx.reply();
  if (it == events.end()) {
    w.ArrayHeader(0);
    return;
  }
  w.ArrayHeader(it->second.history.size());
  for (const LatencySample& s : it->second.history) {
    w.ArrayHeader(2);
    w.Integer(s.time_s);
    w.Integer(s.latency_ms);
  }
}

// LATENCY RESET [event [event ...]]
void LatencyResetCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  int64_t n = 0;
  if (ctx.argc() == 2) {
    n = static_cast<int64_t>(events.size());
    events.clear();
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      n += static_cast<int64_t>(events.erase(std::string(ctx.arg(i))));
  }
  ctx.reply().Integer(n);
}

// LATENCY GRAPH event
// One text line per sample, oldest first: the time and a bar scaled to the largest sample.
void LatencyGraphCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end() || it->second.history.empty()) {
    ctx.Error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
    return;
  }
  const LatencyEvent& ev = it->second;
  int64_t hi = 0, lo = INT64_MAX;
  for (const LatencySample& s : ev.history) {
    hi = std::max(hi, s.latency_ms);
    lo = std::min(lo, s.latency_ms);
  }
  std::string out =
      Format("%s - high %" PRId64 " ms, low %" PRId64 " ms (all time high %" PRId64 " ms)\n",
             it->first.c_str(), hi, lo, ev.max_ms);
  int64_t now_s = ctx.now_ms() / 1000;
  for (const LatencySample& s : ev.history) {
    int width = hi > 0 ? static_cast<int>((s.latency_ms * 50 + hi - 1) / hi) : 0;
    out += Format("%6" PRId64 "s ago %6" PRId64 " ms |", now_s - s.time_s, s.latency_ms);
    out.append(static_cast<size_t>(width), '#');
    out += '\n';
  }
  ctx.reply().Verbatim(out);
}

// LATENCY DOCTOR
void LatencyDoctorCommand(CommandContext& ctx) {
  auto& events = ctx.server().latency_events();
  std::string out;
  if (events.empty()) {
    out =
        "No latency spike has been recorded since the server started (or since the last "
        "LATENCY RESET). Set latency-monitor-threshold to a number of milliseconds to record "
        "events slower than that.\n";
  } else {
    out = Format("Latency spikes recorded for %zu event class(es):\n\n", events.size());
    int i = 1;
    for (const auto& [name, ev] : events) {
      int64_t sum = 0;
      for (const LatencySample& s : ev.history) sum += s.latency_ms;
      int64_t avg = ev.history.empty() ? 0 : sum / static_cast<int64_t>(ev.history.size());
      out += Format("%d. %s: %zu latency spikes (average %" PRId64 "ms, worst %" PRId64 "ms).\n",
                    i++, name.c_str(), ev.history.size(), avg, ev.max_ms);
    }
    out +=
        "\nAdvice: check SLOWLOG GET for the commands behind \"command\" spikes; commands "
        "that work on whole large values or many keys (KEYS, SMEMBERS, DEL of a large key) "
        "are the usual causes.\n";
  }
  ctx.reply().Verbatim(out);
}

void AddHistogram(const Command& cmd, ReplyWriter& w, size_t* n) {
  if (cmd.stats.calls > 0) {
    // Without per-call histograms, all calls go in the power-of-two bucket of their average.
    uint64_t avg = cmd.stats.usec / cmd.stats.calls;
    uint64_t bucket = 1;
    while (bucket < avg && bucket < (1ULL << 62)) bucket <<= 1;
    w.Bulk(cmd.full_name);
    w.MapHeader(2);
    w.Bulk("calls");
    w.Integer(static_cast<int64_t>(cmd.stats.calls));
    w.Bulk("histogram_usec");
    w.MapHeader(1);
    w.Integer(static_cast<int64_t>(bucket));
    w.Integer(static_cast<int64_t>(cmd.stats.calls));
    ++*n;
  }
}

void AddHistograms(const Command& cmd, ReplyWriter& w, size_t* n) {
  AddHistogram(cmd, w, n);
  for (const auto& [name, sub] : cmd.subcommands) AddHistograms(*sub, w, n);
}

// LATENCY HISTOGRAM [command [command ...]]
void LatencyHistogramCommand(CommandContext& ctx) {
  ReplyWriter& w = ctx.reply();
  size_t token = w.BeginDeferredMap();
  size_t n = 0;
  if (ctx.argc() == 2) {
    for (const auto& [name, cmd] : CommandTable::Get().all()) AddHistograms(*cmd, w, &n);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      std::string_view name = ctx.arg(i);
      size_t bar = name.find('|');
      Command* cmd = CommandTable::Get().Find(name.substr(0, bar));
      if (cmd != nullptr && bar != std::string_view::npos) {
        cmd = CommandTable::FindSub(cmd, name.substr(bar + 1));
      }
      if (cmd == nullptr) continue;
      if (cmd->has_subcommands()) {
        AddHistograms(*cmd, w, &n);
      } else {
        AddHistogram(*cmd, w, &n);
      }
    }
  }
  w.EndDeferredMap(token, n);
}

// LATENCY HELP
void LatencyHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx, "LATENCY",
            {
                "DOCTOR",
                "    Return a readable report on the latency events recorded.",
                "GRAPH <event>",
                "    Return a text chart of the samples of <event>.",
                "HISTORY <event>",
                "    Return the (time, latency) samples of <event>.",
                "LATEST",
                "    Return the latest sample of every event.",
                "RESET [<event> ...]",
                "    Forget the samples of the given events (default: of all events).",
                "HISTOGRAM [COMMAND ...]",
                "    Return the latency distribution of the given commands (default: all).",
            });
}

// ---------------------------------------------------------------------------------------------
// The table

const CommandSpec kSlowlogSubcommands[] = {
    {"get", -2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12", "Get the slow log's entries",
     "O(N) where N is the number of entries returned", "[count]", SlowlogGetCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)", "", SlowlogHelpCommand},
    {"len", 2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12", "Get the slow log's length", "O(1)",
     "", SlowlogLenCommand},
    {"reset", 2, kCmdAdmin | kLS, 0, 0, 0, "server", "2.2.12",
     "Clear all entries from the slow log", "O(N) where N is the number of entries in the slowlog",
     "", SlowlogResetCommand},
    {},
};

const CommandSpec kLatencySubcommands[] = {
    {"doctor", 2, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return a human readable latency analysis report.", "O(1)", "", LatencyDoctorCommand},
    {"graph", 3, kAdm, 0, 0, 0, "server", "2.8.13", "Return a latency graph for the event.", "O(1)",
     "event", LatencyGraphCommand},
    {"help", 2, kLS, 0, 0, 0, "server", "2.8.13",
     "Show helpful text about the different subcommands.", "O(1)", "", LatencyHelpCommand},
    {"histogram", -2, kAdm, 0, 0, 0, "server", "7.0.0",
     "Return the cumulative distribution of latencies of a subset of commands or all.",
     "O(N) where N is the number of commands with latency information being retrieved.",
     "[command [command ...]]", LatencyHistogramCommand},
    {"history", 3, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return timestamp-latency samples for the event.", "O(1)", "event", LatencyHistoryCommand},
    {"latest", 2, kAdm, 0, 0, 0, "server", "2.8.13",
     "Return the latest latency samples for all events.", "O(1)", "", LatencyLatestCommand},
    {"reset", -2, kAdm, 0, 0, 0, "server", "2.8.13", "Reset latency data for one or more events.",
     "O(1)", "[event [event ...]]", LatencyResetCommand},
    {},
};

const CommandSpec kDiagnosticsCommands[] = {
    {"monitor", 1, kAdm, 0, 0, 0, "server", "1.0.0",
     "Listen for all requests received by the server in real time", "", "", MonitorCommand},
    {"slowlog", -2, 0, 0, 0, 0, "server", "2.2.12", "A container for slow log commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kSlowlogSubcommands},
    {"latency", -2, 0, 0, 0, 0, "server", "2.8.13", "A container for latency diagnostics commands",
     "Depends on subcommand.", "<subcommand> [<arg> ...]", UnknownSubcommand, kLatencySubcommands},
    {},
};

}  // namespace

void RegisterDiagnosticsCommands() { CommandTable::Get().Register(kDiagnosticsCommands); }

}  // namespace memkeydb
