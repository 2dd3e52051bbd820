// A flag shared between the dispatcher and the work a request started; long
// work polls it and stops early.
#pragma once

#include <atomic>
#include <memory>

namespace tacit::rpc {

class CancellationToken {
 public:
  CancellationToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  bool cancelled() const { return flag_->load(std::memory_order_relaxed); }
  void cancel() const { flag_->store(true, std::memory_order_relaxed); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace tacit::rpc
