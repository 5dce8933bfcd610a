// memkeydb-loadgen: an open-loop, fixed-rate latency load generator for Redis-protocol servers.
//
// The total rate R is spread over C connections. Global request g is due at start + g/R and goes
// to connection g % C, so connection k sends request i at start + k/R + i*C/R. A request is sent
// as soon as it is due, whether or not earlier replies have arrived (pipelining), and its latency
// runs from its DUE time to the moment its reply has been read. Measuring from the due time rather
// than the send time keeps a slow server (or a late client) from hiding its own delay: the
// "coordinated omission" a closed-loop client suffers from.
//
// One thread, epoll, non-blocking sockets, raw RESP2. The wait between sends sleeps until the next
// due time (epoll_pwait2, or a timerfd where that is missing) because the client shares a small
// machine with the server under test; it never spins.
//
// Output: one JSON line on stdout; progress and errors on stderr. Exit 1 on connection errors,
// 2 on bad arguments.

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kDrainNs = 2 * kNsPerSec;  // how long to wait for replies after the last send
constexpr int64_t kLateNs = 100'000;         // a send this late is reported: the client fell behind
constexpr size_t kReadBufSize = 64 * 1024;
constexpr uint64_t kMaxKeyspace = 1'000'000'000'000;  // keys have 12 digits
constexpr uint32_t kTimerTag = UINT32_MAX;            // epoll data of the fallback timerfd

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Fail(const std::string& msg) {
  fprintf(stderr, "memkeydb-loadgen: %s\n", msg.c_str());
  exit(1);
}

// ---------------------------------------------------------------------------------------------
// Arguments

enum class CommandMix { kGet, kSet, kMixed };

struct Options {
  std::string host = "127.0.0.1";
  int port = -1;
  double rate = 0;  // requests per second over all connections
  double duration_s = 10;
  double warmup_s = 2;
  int connections = 50;
  CommandMix mix = CommandMix::kGet;
  uint64_t keyspace = 1'000'000;
  uint64_t data_size = 100;
  uint64_t seed = 0;
  bool seed_given = false;
};

constexpr char kUsage[] =
    "usage: memkeydb-loadgen --port P --rate R [--host 127.0.0.1] [--duration 10] [--warmup 2]\n"
    "                        [--connections 50] [--command get|set|mixed] [--keyspace 1000000]\n"
    "                        [--data-size 100] [--seed N]\n";

[[noreturn]] void UsageError(const std::string& msg) {
  fprintf(stderr, "memkeydb-loadgen: %s\n%s", msg.c_str(), kUsage);
  exit(2);
}

uint64_t ParseUint(const std::string& flag, const std::string& s, uint64_t lo, uint64_t hi) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) {
    UsageError(flag + " wants an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "], got '" + s + "'");
  }
  return v;
}

// Seconds and rates: finite, and positive unless allow_zero.
double ParseDouble(const std::string& flag, const std::string& s, bool allow_zero) {
  char* end = nullptr;
  errno = 0;
  double v = strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0 ||
      (v == 0 && !allow_zero)) {
    UsageError(flag + (allow_zero ? " wants a number >= 0" : " wants a number > 0") + ", got '" +
               s + "'");
  }
  return v;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      fputs(kUsage, stdout);
      exit(0);
    }
    std::string value;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);  // --flag=value
      flag.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      UsageError("missing value for " + flag);
    }

    if (flag == "--host") {
      if (value.empty()) UsageError("--host is empty");
      o.host = value;
    } else if (flag == "--port") {
      o.port = static_cast<int>(ParseUint(flag, value, 1, 65535));
    } else if (flag == "--rate") {
      o.rate = ParseDouble(flag, value, false);
    } else if (flag == "--duration") {
      o.duration_s = ParseDouble(flag, value, false);
    } else if (flag == "--warmup") {
      o.warmup_s = ParseDouble(flag, value, true);
    } else if (flag == "--connections") {
      o.connections = static_cast<int>(ParseUint(flag, value, 1, 10'000));
    } else if (flag == "--command") {
      if (value == "get") {
        o.mix = CommandMix::kGet;
      } else if (value == "set") {
        o.mix = CommandMix::kSet;
      } else if (value == "mixed") {
        o.mix = CommandMix::kMixed;
      } else {
        UsageError("--command wants get, set or mixed, got '" + value + "'");
      }
    } else if (flag == "--keyspace") {
      o.keyspace = ParseUint(flag, value, 1, kMaxKeyspace);
    } else if (flag == "--data-size") {
      o.data_size = ParseUint(flag, value, 0, 512ull << 20);  // Redis' proto-max-bulk-len
    } else if (flag == "--seed") {
      o.seed = ParseUint(flag, value, 0, UINT64_MAX);
      o.seed_given = true;
    } else {
      UsageError("unknown argument '" + flag + "'");
    }
  }
  if (o.port < 0) UsageError("--port is required");
  if (o.rate <= 0) UsageError("--rate is required");
  if (!o.seed_given) {
    o.seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// RESP2 replies

enum class ParseResult { kComplete, kIncomplete, kInvalid };

// Parses one reply at the front of `in`: simple string, error, integer or bulk string (including
// the null bulk $-1). On kComplete sets *len to its size in bytes and *is_error for '-' replies.
ParseResult ParseReply(std::string_view in, size_t* len, bool* is_error) {
  size_t eol = in.find("\r\n");
  if (eol == std::string_view::npos) return ParseResult::kIncomplete;
  *is_error = false;
  switch (in[0]) {
    case '-':
      *is_error = true;
      [[fallthrough]];
    case '+':
    case ':':
      *len = eol + 2;
      return ParseResult::kComplete;
    case '$': {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(in.data() + 1, in.data() + eol, n);
      if (ec != std::errc() || end != in.data() + eol || n < -1) return ParseResult::kInvalid;
      if (n == -1) {
        *len = eol + 2;
        return ParseResult::kComplete;
      }
      size_t total = eol + 2 + static_cast<size_t>(n) + 2;
      if (in.size() < total) return ParseResult::kIncomplete;
      if (in.substr(total - 2, 2) != "\r\n") return ParseResult::kInvalid;
      *len = total;
      return ParseResult::kComplete;
    }
    default:
      return ParseResult::kInvalid;
  }
}

// ---------------------------------------------------------------------------------------------
// Connections

struct Connection {
  int fd = -1;
  std::string out;  // requests not yet written; out[out_pos..] is pending
  size_t out_pos = 0;
  bool want_write = false;  // EPOLLOUT registered
  bool dirty = false;       // has new requests since the last flush
  std::string in;           // bytes of a reply not yet complete
  std::deque<int64_t> due;  // due times of requests awaiting a reply, in send order
};

int Connect(const Options& o) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(o.host.c_str(), std::to_string(o.port).c_str(), &hints, &res);
  if (rc != 0) Fail("cannot resolve " + o.host + ": " + gai_strerror(rc));
  int fd = -1;
  int err = 0;
  for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {  // blocking: setup is not timed
      err = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    Fail("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " + strerror(err));
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// ---------------------------------------------------------------------------------------------
// The run

class LoadGen {
 public:
  explicit LoadGen(const Options& o) : o_(o), rng_(o.seed) {
    set_value_ =
        "$" + std::to_string(o.data_size) + "\r\n" + std::string(o.data_size, 'x') + "\r\n";
    uint64_t expected = static_cast<uint64_t>(o.rate * o.duration_s * 1.01) + 16;
    samples_.reserve(std::min<uint64_t>(expected, 200'000'000));
  }

  void Run();
  void PrintReport() const;

 private:
  int64_t DueNs(uint64_t g) const {
    return start_ + static_cast<int64_t>(std::llround(static_cast<double>(g) * 1e9 / o_.rate));
  }
  void AppendRequest(Connection& c);
  void Flush(int idx);
  void SetWriteInterest(int idx, bool on);
  void ReadReplies(int idx);
  void Wait(int64_t deadline);

  const Options& o_;
  std::mt19937_64 rng_;
  std::string set_value_;  // "$D\r\nxxx...\r\n"
  std::vector<Connection> conns_;
  std::vector<int> dirty_;
  int epfd_ = -1;
  int timerfd_ = -1;  // only where epoll_pwait2 is missing
  std::vector<epoll_event> events_;

  int64_t start_ = 0;
  int64_t measure_start_ = 0;  // requests due before this are warmup
  int64_t send_end_ = 0;       // no request is due at or after this
  uint64_t outstanding_ = 0;   // all requests awaiting a reply, warmup included
  int64_t last_reply_ = 0;     // when the last measured reply arrived
  int64_t max_send_lag_ = 0;   // how late the client itself sent a measured request
  uint64_t late_sends_ = 0;    // measured requests sent over kLateNs after their due time

  uint64_t sent_ = 0;  // measured requests issued
  uint64_t errors_ = 0;
  std::vector<int64_t> samples_;  // latency of measured replies, ns
};

void LoadGen::AppendRequest(Connection& c) {
  // Uniform over [0, keyspace); ten percent writes in the mixed workload.
  uint64_t key = std::uniform_int_distribution<uint64_t>(0, o_.keyspace - 1)(rng_);
  bool is_set = o_.mix == CommandMix::kSet || (o_.mix == CommandMix::kMixed &&
                                               std::uniform_int_distribution<int>(0, 9)(rng_) == 0);
  char key_arg[48];
  int n = snprintf(key_arg, sizeof(key_arg), "$16\r\nkey:%012llu\r\n",
                   static_cast<unsigned long long>(key));
  if (is_set) {
    c.out += "*3\r\n$3\r\nSET\r\n";
    c.out.append(key_arg, n);
    c.out += set_value_;
  } else {
    c.out += "*2\r\n$3\r\nGET\r\n";
    c.out.append(key_arg, n);
  }
}

void LoadGen::SetWriteInterest(int idx, bool on) {
  Connection& c = conns_[idx];
  if (c.want_write == on) return;
  c.want_write = on;
  epoll_event ev{};
  ev.events = on ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
  ev.data.u32 = static_cast<uint32_t>(idx);
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev) != 0)
    Fail(std::string("epoll_ctl: ") + strerror(errno));
}

// Writes as much of the output buffer as the socket takes; the rest waits for EPOLLOUT.
void LoadGen::Flush(int idx) {
  Connection& c = conns_[idx];
  while (c.out_pos < c.out.size()) {
    ssize_t n = write(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos);
    if (n > 0) {
      c.out_pos += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      SetWriteInterest(idx, true);
      return;
    } else {
      Fail("write to connection " + std::to_string(idx) + ": " + strerror(errno));
    }
  }
  c.out.clear();
  c.out_pos = 0;
  SetWriteInterest(idx, false);
}

void LoadGen::ReadReplies(int idx) {
  static char buf[kReadBufSize];
  Connection& c = conns_[idx];
  for (;;) {
    ssize_t n = read(c.fd, buf, sizeof(buf));
    if (n == 0) Fail("server closed connection " + std::to_string(idx));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      Fail("read from connection " + std::to_string(idx) + ": " + strerror(errno));
    }
    int64_t now = NowNs();  // every reply completed by this read arrived now
    // Parse straight from the read buffer unless a partial reply is carried over.
    std::string_view data(buf, static_cast<size_t>(n));
    if (!c.in.empty()) {
      c.in.append(buf, static_cast<size_t>(n));
      data = c.in;
    }
    size_t pos = 0;
    for (;;) {
      size_t len = 0;
      bool is_error = false;
      ParseResult r = ParseReply(data.substr(pos), &len, &is_error);
      if (r == ParseResult::kIncomplete) break;
      if (r == ParseResult::kInvalid) {
        Fail("unexpected reply on connection " + std::to_string(idx) + ": '" +
             std::string(data.substr(pos, 40)) + "'");
      }
      if (c.due.empty()) Fail("reply without a request on connection " + std::to_string(idx));
      int64_t due = c.due.front();
      c.due.pop_front();
      outstanding_--;
      pos += len;
      if (due >= measure_start_) {
        samples_.push_back(now - due);
        errors_ += is_error;
        last_reply_ = now;
      }
    }
    std::string rest(data.substr(pos));  // copy first: data may point into c.in
    c.in = std::move(rest);
  }
}

// Sleeps until `deadline` or until a socket is ready, then serves the ready sockets.
void LoadGen::Wait(int64_t deadline) {
  int64_t wait_ns = std::max<int64_t>(deadline - NowNs(), 0);
  int n;
  if (timerfd_ < 0) {
    timespec ts{static_cast<time_t>(wait_ns / kNsPerSec), static_cast<long>(wait_ns % kNsPerSec)};
    n = epoll_pwait2(epfd_, events_.data(), static_cast<int>(events_.size()), &ts, nullptr);
  } else {
    // Absolute CLOCK_MONOTONIC deadline; steady_clock is CLOCK_MONOTONIC on Linux.
    itimerspec its{};
    int64_t at = std::max<int64_t>(deadline, 1);
    its.it_value = {static_cast<time_t>(at / kNsPerSec), static_cast<long>(at % kNsPerSec)};
    timerfd_settime(timerfd_, TFD_TIMER_ABSTIME, &its, nullptr);
    n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), -1);
  }
  if (n < 0) {
    if (errno == EINTR) return;
    Fail(std::string("epoll wait: ") + strerror(errno));
  }
  for (int i = 0; i < n; i++) {
    const epoll_event& ev = events_[i];
    if (ev.data.u32 == kTimerTag) {
      uint64_t ticks;
      (void)!read(timerfd_, &ticks, sizeof(ticks));
      continue;
    }
    int idx = static_cast<int>(ev.data.u32);
    if (ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ReadReplies(idx);  // read reports the error
    if (ev.events & EPOLLOUT) Flush(idx);
  }
}

void LoadGen::Run() {
  // A sleeping thread normally wakes up to 50 us late; that would be charged to the server.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) Fail(std::string("epoll_create1: ") + strerror(errno));
  conns_.resize(o_.connections);
  for (int i = 0; i < o_.connections; i++) {
    conns_[i].fd = Connect(o_);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, conns_[i].fd, &ev) != 0) {
      Fail(std::string("epoll_ctl: ") + strerror(errno));
    }
  }
  events_.resize(o_.connections + 1);

  // Probe epoll_pwait2 (Linux 5.11); fall back to a timerfd for sub-millisecond wake-ups.
  timespec zero{};
  if (epoll_pwait2(epfd_, events_.data(), 1, &zero, nullptr) < 0 && errno == ENOSYS) {
    timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timerfd_ < 0) Fail(std::string("timerfd_create: ") + strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = kTimerTag;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, timerfd_, &ev);
  }

  start_ = NowNs();
  measure_start_ = start_ + static_cast<int64_t>(o_.warmup_s * kNsPerSec);
  send_end_ = measure_start_ + static_cast<int64_t>(o_.duration_s * kNsPerSec);
  const int64_t drain_end = send_end_ + kDrainNs;
  uint64_t next = 0;  // global index of the next request
  int64_t next_due = DueNs(next);

  for (;;) {
    int64_t now = NowNs();
    // Issue everything that is due; a connection's batch goes out in one write below.
    while (next_due <= now && next_due < send_end_) {
      int idx = static_cast<int>(next % static_cast<uint64_t>(o_.connections));
      Connection& c = conns_[idx];
      AppendRequest(c);
      c.due.push_back(next_due);
      outstanding_++;
      if (next_due >= measure_start_) {
        sent_++;
        max_send_lag_ = std::max(max_send_lag_, now - next_due);
        late_sends_ += now - next_due > kLateNs;
      }
      if (!c.dirty) {
        c.dirty = true;
        dirty_.push_back(idx);
      }
      next_due = DueNs(++next);
    }
    for (int idx : dirty_) {
      conns_[idx].dirty = false;
      if (!conns_[idx].want_write) Flush(idx);  // else EPOLLOUT will carry it
    }
    dirty_.clear();

    bool sending = next_due < send_end_;
    if (!sending && (outstanding_ == 0 || now >= drain_end)) break;
    Wait(sending ? next_due : drain_end);
  }

  for (Connection& c : conns_) close(c.fd);
  if (timerfd_ >= 0) close(timerfd_);
  close(epfd_);
}

void LoadGen::PrintReport() const {
  std::vector<int64_t> s = samples_;
  std::sort(s.begin(), s.end());
  // Nearest-rank percentile, in microseconds.
  auto pct = [&s](double p) -> double {
    if (s.empty()) return 0;
    size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(s.size())));
    return static_cast<double>(s[std::clamp<size_t>(rank, 1, s.size()) - 1]) / 1e3;
  };
  double mean_us = 0;
  for (int64_t v : s) mean_us += static_cast<double>(v);
  if (!s.empty()) mean_us /= static_cast<double>(s.size()) * 1e3;

  // The measured window runs until the last measured reply when replies trail the schedule, so an
  // overloaded server is not credited with replies that arrived during the drain.
  int64_t window = std::max(send_end_, last_reply_) - measure_start_;
  double achieved = static_cast<double>(s.size()) * 1e9 / static_cast<double>(window);
  uint64_t completed = s.size();

  // Sends the client itself made late (a slow wake-up, or the client saturated) are charged to the
  // latency too; say how many so a reader can tell.
  fprintf(stderr,
          "memkeydb-loadgen: %llu of %llu requests sent over %lld us late, at most %.1f us\n",
          static_cast<unsigned long long>(late_sends_), static_cast<unsigned long long>(sent_),
          static_cast<long long>(kLateNs / 1000), max_send_lag_ / 1e3);
  printf(
      "{\"rate_target\":%.10g,\"rate_achieved\":%.1f,\"sent\":%llu,\"completed\":%llu,"
      "\"errors\":%llu,\"missing\":%llu,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
      "\"p999_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f,\"late_sends\":%llu,\"seed\":%llu}\n",
      o_.rate, achieved, static_cast<unsigned long long>(sent_),
      static_cast<unsigned long long>(completed), static_cast<unsigned long long>(errors_),
      static_cast<unsigned long long>(sent_ - completed), pct(0.50), pct(0.90), pct(0.99),
      pct(0.999), s.empty() ? 0.0 : static_cast<double>(s.back()) / 1e3, mean_us,
      static_cast<unsigned long long>(late_sends_), static_cast<unsigned long long>(o_.seed));
  fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  fprintf(stderr,
          "memkeydb-loadgen: %s:%d rate %.10g/s over %d connections, %gs + %gs warmup, seed %llu\n",
          o.host.c_str(), o.port, o.rate, o.connections, o.duration_s, o.warmup_s,
          static_cast<unsigned long long>(o.seed));
  LoadGen gen(o);
  gen.Run();
  gen.PrintReport();
  return 0;
}
