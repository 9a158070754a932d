// The interposed recv behind peek_counter.hpp: counts calls (with MSG_PEEK, and all), then makes
// the system call itself (libc's recv is recvfrom without an address; going through
// dlsym(RTLD_NEXT) instead would land in the sanitizer's interceptor, which breaks).
#include "peek_counter.hpp"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>

namespace {
std::atomic<bool> counting_peeks_now{false};
std::atomic<long> peeks_counted{0};
std::atomic<bool> counting_receives_now{false};
std::atomic<long> receives_counted{0};
}  // namespace

extern "C" ssize_t recv(int descriptor, void* buffer, size_t length, int flags) {
  if ((flags & MSG_PEEK) != 0 && counting_peeks_now.load(std::memory_order_relaxed))
    peeks_counted.fetch_add(1, std::memory_order_relaxed);
  if (counting_receives_now.load(std::memory_order_relaxed))
    receives_counted.fetch_add(1, std::memory_order_relaxed);
  return ::syscall(SYS_recvfrom, descriptor, buffer, length, flags, nullptr, nullptr);
}

namespace phonebill::http::testing {

void start_counting_peeks() {
  peeks_counted = 0;
  counting_peeks_now = true;
}

long stop_counting_peeks() {
  counting_peeks_now = false;
  return peeks_counted.load();
}

void start_counting_receives() {
  receives_counted = 0;
  counting_receives_now = true;
}

long stop_counting_receives() {
  counting_receives_now = false;
  return receives_counted.load();
}

}  // namespace phonebill::http::testing
