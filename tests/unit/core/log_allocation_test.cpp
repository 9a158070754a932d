// An access line allocates nothing once its thread's buffers have grown (issue 17 item 2):
// the fields rendered into a reused string, the time text kept per thread, the line
// copied into the sink's buffer. Before, every line allocated its time text
// (iso8601_utc_millis's 24-character string, past the small-string buffer).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/log.hpp"
#include "core/request_log.hpp"
#include "support/allocation_counter.hpp"

namespace phonebill::log {
namespace {

TEST(LogAllocationTest, AnAccessLineAllocatesNothingOnceWarm) {
  // The lines go to /dev/null; the buffer (64 KiB) is written out once or twice.
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  ::dup2(null, STDOUT_FILENO);
  init("log-allocation-test", "info");
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto line = [&](int i) {
    thread_local std::string fields;
    fields.clear();
    append_request_ids(fields, "5ebe9ba99ee56e30df19225fb80bfbab", traceparent);
    append_field(fields, "method", std::string_view{"GET"});
    append_field(fields, "route", std::string_view{"/api/v1/bills/**"});
    append_field(fields, "status", std::int64_t{200});
    append_field(fields, "latencyMs", 0.150605 * i);
    append_field(fields, "remote", std::string_view{"127.0.0.1"});
    append_field(fields, "bytesIn", std::uint64_t{0});
    append_field(fields, "bytesOut", std::uint64_t{105});
    append_field(fields, "userAgent", std::string_view{"Mozilla/5.0 (X11; Linux x86_64) \"q\""});
    append_field(fields, "upstreamMs", 0.1433 * i);
    append_field(fields, "user", std::string_view{"bench"});
    write_rendered(Level::kInfo, "access", fields);
  };
  for (int i = 0; i < 10; ++i) line(1000 + i);  // the longest numbers: buffers at full size
  constexpr int kLines = 1000;  // ~450 KB: the buffer is written several times on the way
  test_support::start_counting_allocations();
  for (int i = 0; i < kLines; ++i) line(i);
  const auto counted = test_support::stop_counting_allocations();
  flush();
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(null);
  EXPECT_EQ(counted.all, 0) << "operator new calls for " << kLines << " access lines";
}

}  // namespace
}  // namespace phonebill::log
