// Time and timers for the host, injectable: the server runs on the event
// loop's clock (LoopScheduler); tests drive a ManualScheduler whose clock
// moves only when told, so restart and give-up behaviour is checked without
// waiting. Everything runs on one thread (the loop's).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace tacit::transport {
class EventLoop;
}

namespace tacit::host {

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;
  virtual ~Scheduler() = default;
  virtual Clock::time_point now() const = 0;
  // Runs `fn` once, `delay` from now, unless cancelled first.
  virtual TimerId after(Clock::duration delay, std::function<void()> fn) = 0;
  virtual void cancel(TimerId id) = 0;
};

class LoopScheduler final : public Scheduler {
 public:
  explicit LoopScheduler(transport::EventLoop& loop) : loop_(loop) {}
  Clock::time_point now() const override { return Clock::now(); }
  TimerId after(Clock::duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;

 private:
  transport::EventLoop& loop_;
};

// A clock that stands still until advance(); timers fire, in time order,
// from inside advance().
class ManualScheduler final : public Scheduler {
 public:
  Clock::time_point now() const override { return now_; }
  TimerId after(Clock::duration delay, std::function<void()> fn) override {
    TimerId id = next_++;
    timers_.emplace(std::make_pair(now_ + delay, id), std::move(fn));
    return id;
  }
  void cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it)
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
  }
  void advance(Clock::duration by) {
    const auto until = now_ + by;
    while (!timers_.empty() && timers_.begin()->first.first <= until) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = until;
  }
  size_t pending() const { return timers_.size(); }

 private:
  Clock::time_point now_{};
  TimerId next_ = 1;
  std::map<std::pair<Clock::time_point, TimerId>, std::function<void()>> timers_;
};

}  // namespace tacit::host
