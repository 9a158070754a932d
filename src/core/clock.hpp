// Time as a dependency: lockouts, token expiry, breakers and cache TTLs read a Clock
// so unit tests can drive them with ManualClock instead of sleeping.
#pragma once
#include <atomic>
#include <chrono>

namespace phonebill {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SystemTime now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when a test says so. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SystemTime start = SystemTime{std::chrono::seconds{1'790'000'000}})
      : now_(start.time_since_epoch().count()) {}
  SystemTime now() const override { return SystemTime{SystemTime::duration{now_.load()}}; }
  void advance(SystemTime::duration by) { now_ += by.count(); }
  void set(SystemTime at) { now_ = at.time_since_epoch().count(); }

 private:
  std::atomic<SystemTime::rep> now_;
};

}  // namespace phonebill
