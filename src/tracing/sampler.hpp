// Parent-based ratio sampling: a span with a parent follows the parent's sampled flag
// (an incoming traceparent decides for the whole request), and a new trace is sampled
// when its trace id falls under the ratio. The decision depends only on the trace id,
// so two services that start the same trace agree. Entry point: Sampler.
#pragma once
#include <cstdint>
#include <string_view>

namespace phonebill::tracing {

class Sampler {
 public:
  // `ratio` in [0, 1]: 0 samples nothing, 1 everything (values outside are clamped).
  explicit Sampler(double ratio);

  // Whether a new trace with this id (32 hex digits) is recorded.
  bool sample_root(std::string_view trace_id) const;
  double ratio() const { return ratio_; }

 private:
  double ratio_;
  std::uint64_t threshold_;  // the trace id's low 64 bits below this: sampled
};

}  // namespace phonebill::tracing
