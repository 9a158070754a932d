// When a process has gone quiet after a burst (issue 17 item 4): counts the requests its
// servers start and finish, and tells the servers' deadline sweeps once per quiet period
// that none has started or finished for kQuietPeriod and none is in flight: the moment to
// give the burst's memory back (Server: the per-thread caches, the idle pooled upstream
// connections' read buffers, the allocator's free pages). Entry point: server_requests.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace phonebill::http {

// How long requests must have stopped before memory goes back. Long against the gaps
// within a burst of keep-alive traffic (milliseconds), so a busy server never releases
// and a loaded one rarely; short against what an operator watches (RSS after a spike).
// Taking it too early costs little anyway: the caches refill with one malloc per object.
inline constexpr std::chrono::milliseconds kQuietPeriod{1000};

class QuietPeriod {
 public:
  using Clock = std::chrono::steady_clock;

  // Per request: one uncontended atomic add each (with one I/O thread, the only kind).
  void request_started() noexcept { started_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() noexcept { finished_.fetch_add(1, std::memory_order_relaxed); }

  // Called by each sweep tick (any number of servers, any thread): true once per quiet
  // period, when the counts have not moved between two looks at least kQuietPeriod apart
  // and no request is in flight. Nothing is due before the first request.
  bool just_became_quiet(Clock::time_point now) {
    // Finished before started: a request that starts in between cannot look finished.
    auto finished = finished_.load(std::memory_order_acquire);
    auto started = started_.load(std::memory_order_acquire);
    std::lock_guard lock{mutex_};
    if (started != seen_started_ || finished != seen_finished_) {
      seen_started_ = started;
      seen_finished_ = finished;
      moved_at_ = now;
      released_ = false;
      return false;
    }
    if (released_ || started != finished || now - moved_at_ < kQuietPeriod) return false;
    released_ = true;
    return true;
  }

 private:
  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> finished_{0};
  std::mutex mutex_;  // the sweeps' view below
  std::uint64_t seen_started_ = 0;
  std::uint64_t seen_finished_ = 0;
  Clock::time_point moved_at_{};  // when a sweep last saw the counts move
  bool released_ = true;          // this quiet period's release is done (or nothing ran)
};

// The requests of every server in this process: the caches and pools they use are shared
// (per thread, per process), so one server quiet while another is busy is not quiet.
inline constinit QuietPeriod server_requests;

}  // namespace phonebill::http
