#include "server/host/scheduler.h"

#include "server/transport/event_loop.h"

namespace tacit::host {

Scheduler::TimerId LoopScheduler::after(Clock::duration delay, std::function<void()> fn) {
  return loop_.after(delay, std::move(fn));
}

void LoopScheduler::cancel(TimerId id) { loop_.cancel(id); }

}  // namespace tacit::host
