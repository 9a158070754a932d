// The slowest recent requests per route (see slow_requests.hpp).
#include "slow_requests.hpp"

#include <algorithm>

namespace phonebill::gateway {

SlowRequests::SlowRequests(std::size_t routes, std::int64_t window_seconds)
    : window_seconds_(window_seconds), routes_(routes) {}

void SlowRequests::offer(std::size_t route, std::string_view request_id, std::string_view trace_id,
                         int status, double milliseconds, SystemTime at, std::int64_t now_second) {
  if (route >= routes_.size()) return;
  auto& kept = routes_[route];
  // The place to take: a free one, else one that left the window, else the fastest kept
  // if this request was slower.
  std::size_t place = kKept;
  if (kept.size < kKept) {
    place = kept.size++;
  } else {
    for (std::size_t i = 0; i < kKept && place == kKept; ++i)
      if (!in_window(kept.entries[i], now_second)) place = i;
    if (place == kKept) {
      auto fastest = std::min_element(kept.entries.begin(), kept.entries.end(),
                                      [](const SlowRequest& a, const SlowRequest& b) {
                                        return a.milliseconds < b.milliseconds;
                                      });
      if (fastest->milliseconds >= milliseconds) return;
      place = std::size_t(fastest - kept.entries.begin());
    }
  }
  auto& entry = kept.entries[place];
  entry.request_id.assign(request_id);
  entry.trace_id.assign(trace_id);
  entry.status = status;
  entry.milliseconds = milliseconds;
  entry.at = at;
  entry.second = now_second;
}

std::vector<SlowRequest> SlowRequests::slowest(std::size_t route, std::int64_t now_second) const {
  std::vector<SlowRequest> found;
  if (route >= routes_.size()) return found;
  const auto& kept = routes_[route];
  for (std::size_t i = 0; i < kept.size; ++i)
    if (in_window(kept.entries[i], now_second)) found.push_back(kept.entries[i]);
  std::sort(found.begin(), found.end(), [](const SlowRequest& a, const SlowRequest& b) {
    return a.milliseconds > b.milliseconds;
  });
  return found;
}

}  // namespace phonebill::gateway
