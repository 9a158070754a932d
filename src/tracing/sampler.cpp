// Parent-based ratio sampling (see sampler.hpp).
#include "tracing/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace phonebill::tracing {

Sampler::Sampler(double ratio) : ratio_(std::clamp(std::isnan(ratio) ? 0.0 : ratio, 0.0, 1.0)) {
  // 2^64 * ratio, computed in long double so that 1.0 does not overflow to zero.
  long double scaled = std::ldexp(static_cast<long double>(ratio_), 64);
  threshold_ = scaled >= std::ldexp(1.0L, 64) ? std::numeric_limits<std::uint64_t>::max()
                                              : static_cast<std::uint64_t>(scaled);
}

bool Sampler::sample_root(std::string_view trace_id) const {
  if (ratio_ >= 1.0) return true;
  if (ratio_ <= 0.0) return false;
  // The random low half of the id (W3C level 2 makes its last 7 bytes random).
  std::uint64_t value = 0;
  auto low = trace_id.size() >= 16 ? trace_id.substr(trace_id.size() - 16) : trace_id;
  for (char c : low) {
    int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 0;
    value = (value << 4) | std::uint64_t(digit);
  }
  return value < threshold_;
}

}  // namespace phonebill::tracing
