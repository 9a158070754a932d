// The bounded queue between the request paths that finish spans and the exporter that
// sends them: push never blocks and never grows past its capacity — a span that finds it
// full is dropped and counted (phonebill_trace_spans_dropped_total). Thread-safe.
// Entry point: SpanQueue.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "tracing/span_data.hpp"

namespace phonebill::tracing {

class SpanQueue {
 public:
  explicit SpanQueue(std::size_t capacity);

  // false when full: the span is dropped (and counted).
  bool push(SpanData span);
  // Up to `max` spans, oldest first.
  std::vector<SpanData> take(std::size_t max);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<SpanData> spans_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace phonebill::tracing
