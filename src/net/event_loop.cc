#include "net/event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "common/clock.h"
#include "common/logging.h"

namespace memkeydb {

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::Watch(int fd, bool readable, bool writable, IoHandler* handler) {
  epoll_event ev{};
  ev.events = (readable ? uint32_t{EPOLLIN} : 0u) | (writable ? uint32_t{EPOLLOUT} : 0u);
  ev.data.ptr = handler;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0) return true;
  if (errno == ENOENT) return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0;
  return false;
}

void EventLoop::Unwatch(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

size_t EventLoop::AddTimer(int64_t first_delay_us, std::function<int64_t()> fn) {
  timers_.push_back({MonotonicUs() + first_delay_us, std::move(fn)});
  return timers_.size() - 1;
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  next_cron_us_ = MonotonicUs() + cron_period_ms_ * 1000;
  while (!stop_) {
    if (before_sleep_) before_sleep_();
    if (stop_) break;
    int64_t now = MonotonicUs();
    int timeout_ms = 0;
    if (!immediate_) {
      int64_t next_us = next_cron_us_;
      for (const Timer& t : timers_) next_us = t.next_us < next_us ? t.next_us : next_us;
      int64_t wait_us = next_us - now;
      timeout_ms = wait_us <= 0 ? 0 : static_cast<int>((wait_us + 999) / 1000);
    }
    immediate_ = false;
    int n = epoll_wait(epfd_, events, kMaxEvents, timeout_ms);
    if (n < 0 && errno != EINTR) {
      MKDB_LOG(kWarning) << "epoll_wait failed: errno " << errno;
    }
    for (int i = 0; i < n; ++i) {
      static_cast<IoHandler*>(events[i].data.ptr)->OnIoEvent(events[i].events);
    }
    now = MonotonicUs();
    if (now >= next_cron_us_) {
      if (cron_) cron_();
      next_cron_us_ = now + cron_period_ms_ * 1000;
    }
    for (Timer& t : timers_) {
      if (now < t.next_us) continue;
      t.next_us = MonotonicUs() + t.fn();
    }
  }
}

}  // namespace memkeydb
