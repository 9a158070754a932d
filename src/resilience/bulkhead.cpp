// Bulkhead: a counting admission gate; see bulkhead.hpp for the contract.
#include "resilience/bulkhead.hpp"

#include <algorithm>

namespace phonebill::resilience {

Bulkhead::Slot& Bulkhead::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    bulkhead_ = other.bulkhead_;
    other.bulkhead_ = nullptr;
  }
  return *this;
}

void Bulkhead::Slot::release() {
  if (bulkhead_ != nullptr) {
    bulkhead_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    bulkhead_ = nullptr;
  }
}

Bulkhead::Bulkhead(std::string name, int max_concurrent)
    : name_(std::move(name)), max_concurrent_(std::max(1, max_concurrent)) {}

Bulkhead::Slot Bulkhead::try_enter() {
  Slot slot;
  int current = in_flight_.load(std::memory_order_relaxed);
  do {
    if (current >= max_concurrent_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return slot;
    }
  } while (!in_flight_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
  admitted_.fetch_add(1, std::memory_order_relaxed);
  int peak = peak_.load(std::memory_order_relaxed);
  while (current + 1 > peak && !peak_.compare_exchange_weak(peak, current + 1)) {
  }
  slot.bulkhead_ = this;
  return slot;
}

BulkheadCounters Bulkhead::counters() const {
  return BulkheadCounters{admitted_.load(), rejected_.load(), in_flight_.load(), peak_.load()};
}

}  // namespace phonebill::resilience
