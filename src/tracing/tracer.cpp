// The process's tracer (see tracer.hpp).
#include "tracing/tracer.hpp"

#include <atomic>
#include <chrono>

namespace phonebill::tracing {
namespace {

std::atomic<Tracer*> g_tracer{nullptr};

std::uint64_t system_unix_nano() {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

}  // namespace

Tracer::Tracer(TracerOptions options, std::function<std::uint64_t()> now_unix_nano)
    : sampler_(options.sample_ratio),
      queue_(options.queue_capacity),
      now_(now_unix_nano ? std::move(now_unix_nano)
                         : std::function<std::uint64_t()>{&system_unix_nano}) {}

Tracer* tracer() { return g_tracer.load(std::memory_order_acquire); }

void install(Tracer* installed) { g_tracer.store(installed, std::memory_order_release); }

}  // namespace phonebill::tracing
