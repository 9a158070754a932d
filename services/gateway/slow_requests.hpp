// The slowest recent requests of each route (SPEC §4 ops page, issue 18 item 5): when a
// route's p99 jumps, the operator sees which requests made it — their request id and
// trace id, to follow in the logs and the trace store. Bounded: at most kKept requests per
// route, each forgotten once it is older than the window; offering a request that is not
// among the slowest costs a scan of kKept entries and copies nothing. Not thread-safe:
// TrafficStats calls it under its own lock. Entry point: SlowRequests.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace phonebill::gateway {

struct SlowRequest {
  std::string request_id;
  std::string trace_id;
  int status = 0;
  double milliseconds = 0;
  SystemTime at;            // when it was answered (wall time, for the page)
  std::int64_t second = 0;  // steady second it was answered (the window)
};

class SlowRequests {
 public:
  static constexpr std::size_t kKept = 5;

  SlowRequests(std::size_t routes, std::int64_t window_seconds);

  // Keeps the request if it is among the kKept slowest of its route in the window.
  void offer(std::size_t route, std::string_view request_id, std::string_view trace_id, int status,
             double milliseconds, SystemTime at, std::int64_t now_second);
  // The route's kept requests still in the window, slowest first.
  std::vector<SlowRequest> slowest(std::size_t route, std::int64_t now_second) const;

 private:
  struct Kept {
    std::array<SlowRequest, kKept> entries;
    std::size_t size = 0;
  };
  bool in_window(const SlowRequest& entry, std::int64_t now_second) const {
    return entry.second > now_second - window_seconds_ && entry.second <= now_second;
  }

  std::int64_t window_seconds_;
  std::vector<Kept> routes_;
};

}  // namespace phonebill::gateway
