// The interposed realpath behind realpath_counter.hpp: counts calls, then calls the next
// realpath (the C library's, or the sanitizer's interceptor in front of it).
#include "realpath_counter.hpp"

#include <dlfcn.h>
#include <stdlib.h>

#include <atomic>

namespace {
std::atomic<bool> counting_now{false};
std::atomic<long> counted{0};
}  // namespace

extern "C" char* realpath(const char* path, char* resolved) noexcept {
  using Realpath = char* (*)(const char*, char*);
  static const auto next = reinterpret_cast<Realpath>(::dlsym(RTLD_NEXT, "realpath"));
  if (counting_now.load(std::memory_order_relaxed)) counted.fetch_add(1, std::memory_order_relaxed);
  return next(path, resolved);
}

namespace phonebill::gateway::testing {

void start_counting_realpaths() {
  counted = 0;
  counting_now = true;
}

long stop_counting_realpaths() {
  counting_now = false;
  return counted.load();
}

}  // namespace phonebill::gateway::testing
