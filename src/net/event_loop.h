// EventLoop: a single-threaded epoll loop with a periodic timer and a before-sleep hook.
//
// The server's work happens in three places: I/O handlers (read requests, run commands),
// before_sleep (flush pending replies, fast expiry) and the cron (hz times a second).
// REQUIRES: everything runs on the thread that calls Run().
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace memkeydb {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // `events` is the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP).
  virtual void OnIoEvent(uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool ok() const { return epfd_ >= 0; }
  // Registers or changes interest in fd. readable/writable select EPOLLIN/EPOLLOUT.
  bool Watch(int fd, bool readable, bool writable, IoHandler* handler);
  void Unwatch(int fd);

  void set_before_sleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  // `fn` runs every `period_ms` (changeable at runtime, e.g. CONFIG SET hz).
  void set_cron(int period_ms, std::function<void()> fn) {
    cron_period_ms_ = period_ms;
    cron_ = std::move(fn);
  }
  void set_cron_period(int period_ms) { cron_period_ms_ = period_ms; }
  // A timer that sets its own pace: `fn` runs after `first_delay_us`, and returns the delay in
  // microseconds until its next run (the tier controller runs every few ms while rebalancing,
  // every memory-ratio-check-period otherwise).
  // Returns the timer's id.
  size_t AddTimer(int64_t first_delay_us, std::function<int64_t()> fn);
  // Makes timer `id` run no later than `at_us` (monotonic), e.g. for a deadline that just
  // became the earliest.
  void RunTimerBy(size_t id, int64_t at_us) {
    if (at_us < timers_[id].next_us) timers_[id].next_us = at_us;
  }

  void Run();
  void Stop() { stop_ = true; }
  // Wakes the loop early on its next wait (e.g. when work was queued from a handler).
  void RequestImmediateTick() { immediate_ = true; }

 private:
  int epfd_ = -1;
  bool stop_ = false;
  bool immediate_ = false;
  int cron_period_ms_ = 100;
  int64_t next_cron_us_ = 0;
  std::function<void()> before_sleep_;
  std::function<void()> cron_;
  struct Timer {
    int64_t next_us;
    std::function<int64_t()> fn;
  };
  std::vector<Timer> timers_;
};

}  // namespace memkeydb
