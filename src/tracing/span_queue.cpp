// The bounded, dropping span queue (see span_queue.hpp).
#include "tracing/span_queue.hpp"

#include <algorithm>

namespace phonebill::tracing {

SpanQueue::SpanQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

bool SpanQueue::push(SpanData span) {
  {
    std::lock_guard lock{mutex_};
    if (spans_.size() < capacity_) {
      spans_.push_back(std::move(span));
      return true;
    }
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

std::vector<SpanData> SpanQueue::take(std::size_t max) {
  std::vector<SpanData> taken;
  std::lock_guard lock{mutex_};
  auto count = std::min(max, spans_.size());
  taken.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    taken.push_back(std::move(spans_.front()));
    spans_.pop_front();
  }
  return taken;
}

std::size_t SpanQueue::size() const {
  std::lock_guard lock{mutex_};
  return spans_.size();
}

}  // namespace phonebill::tracing
