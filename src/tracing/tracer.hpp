// The process's tracer: the sampler and the span queue every span goes through. There is
// at most one, installed by main (service_tracing.hpp) when PHONEBILL_OTLP_ENDPOINT is set;
// with none installed (the default) tracing is off and a span costs one pointer load.
// Entry points: Tracer, tracer(), install().
#pragma once
#include <cstdint>
#include <functional>

#include "tracing/sampler.hpp"
#include "tracing/span_queue.hpp"

namespace phonebill::tracing {

struct TracerOptions {
  // PHONEBILL_TRACE_SAMPLE_RATIO: the share of new traces recorded (an incoming
  // traceparent's flag decides for requests that carry one).
  double sample_ratio = 0.1;
  // PHONEBILL_TRACE_QUEUE: spans waiting for the exporter; beyond it spans are dropped.
  std::size_t queue_capacity = 4096;
};

class Tracer {
 public:
  // `now_unix_nano` reads the wall clock (tests pass a manual one).
  explicit Tracer(TracerOptions options, std::function<std::uint64_t()> now_unix_nano = {});

  const Sampler& sampler() const { return sampler_; }
  SpanQueue& queue() { return queue_; }
  std::uint64_t now_unix_nano() const { return now_(); }

 private:
  Sampler sampler_;
  SpanQueue queue_;
  std::function<std::uint64_t()> now_;
};

// The installed tracer; nullptr when tracing is off.
Tracer* tracer();
// Installs `installed` (it must outlive every span; nullptr turns tracing off). Call before
// serving: spans started before are not recorded.
void install(Tracer* installed);

}  // namespace phonebill::tracing
