// When a connection's current wait must end: the deadline the server's and the client's
// watchdogs read, so no operation on the connection arms a timer of its own.
#pragma once
#include <atomic>
#include <chrono>

namespace phonebill::http {

// Moved by the connection's owner (a relaxed store, so the hot path arms no timer), read
// by a watchdog on another thread that closes the connection once it has passed.
class ConnectionDeadline {
 public:
  ConnectionDeadline& operator=(std::chrono::steady_clock::time_point at) {
    ticks_.store(at.time_since_epoch().count(), std::memory_order_relaxed);
    return *this;
  }
  bool passed(std::chrono::steady_clock::time_point now) const {
    return now.time_since_epoch().count() >= ticks_.load(std::memory_order_relaxed);
  }
  std::chrono::steady_clock::time_point at() const {
    return std::chrono::steady_clock::time_point{
        std::chrono::steady_clock::duration{ticks_.load(std::memory_order_relaxed)}};
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> ticks_{0};
};

}  // namespace phonebill::http
