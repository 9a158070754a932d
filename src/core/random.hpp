// Randomness as a dependency (STYLE §9): jitter, fault injection and sampling take a
// Random& so unit tests can script the draws. SystemRandom for production,
// SeededRandom for reproducible runs, FixedSequenceRandom to dictate each draw.
#pragma once
#include <cstdint>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace phonebill {

class Random {
 public:
  virtual ~Random() = default;
  // A uniform draw in [0, 1).
  virtual double uniform01() = 0;

  // A uniform draw in [low, high); low when high <= low.
  double uniform(double low, double high) {
    if (high <= low) return low;
    return low + (high - low) * uniform01();
  }
  // A uniform integer in [low, high] (both inclusive); low when high <= low.
  std::int64_t uniform_int(std::int64_t low, std::int64_t high) {
    if (high <= low) return low;
    auto span = double(high - low) + 1.0;
    auto offset = std::int64_t(uniform01() * span);
    return low + (offset > high - low ? high - low : offset);
  }
  // True with the given probability (<= 0 never, >= 1 always).
  bool chance(double probability) {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return uniform01() < probability;
  }
};

// A Mersenne Twister behind a mutex, seeded from std::random_device; safe to share
// between threads.
class SystemRandom final : public Random {
 public:
  SystemRandom() : engine_(std::random_device{}()) {}
  double uniform01() override {
    std::lock_guard lock{mutex_};
    return distribution_(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> distribution_{0.0, 1.0};
};

// The same sequence for the same seed, on every platform (no std distributions,
// whose output is implementation-defined). Not thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  double uniform01() override {
    // The top 53 bits of the 64-bit draw, scaled into [0, 1).
    return double(engine_() >> 11) * (1.0 / 9007199254740992.0);
  }

 private:
  std::mt19937_64 engine_;
};

// Returns the given values in order, starting again after the last; a draw outside
// [0, 1) is clamped into it. An empty sequence always gives 0. Not thread-safe.
class FixedSequenceRandom final : public Random {
 public:
  explicit FixedSequenceRandom(std::vector<double> values) : values_(std::move(values)) {}
  double uniform01() override {
    if (values_.empty()) return 0.0;
    double value = values_[next_ % values_.size()];
    ++next_;
    if (value < 0.0) return 0.0;
    if (value >= 1.0) return 0.9999999999999999;
    return value;
  }
  // How many draws have been taken so far.
  std::size_t draws() const { return next_; }

 private:
  std::vector<double> values_;
  std::size_t next_ = 0;
};

}  // namespace phonebill
