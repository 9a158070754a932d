// HttpJwksSource's rate limit on fetches for unknown kids runs on steady time: an NTP
// step of wall time neither freezes the refetch (step back) nor lets forged kids fetch
// again early (step forward). Auth is a closed loopback port, so each fetch fails at once
// and only the attempt count matters.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "core/clock.hpp"
#include "security/jwks_source.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::security {
namespace {

using namespace std::chrono_literals;

HttpJwksOptions unreachable_auth() {
  HttpJwksOptions options;
  options.base_urls = {"http://127.0.0.1:1"};  // nothing listens on port 1
  options.unknown_key_refresh_interval = 10s;
  options.request_timeout = 2s;
  return options;
}

bool ask(boost::asio::io_context& io, HttpJwksSource& source) {
  return test_support::run_coroutine(io, source.refresh_for_unknown_key("forged-kid"));
}

TEST(JwksRefreshInterval, UnknownKidsFetchAtMostOncePerInterval) {
  boost::asio::io_context io;
  ManualClock clock;
  HttpJwksSource source{io, unreachable_auth(), clock};
  EXPECT_FALSE(ask(io, source));
  EXPECT_FALSE(ask(io, source));
  EXPECT_EQ(source.fetch_attempts(), 1u);
  clock.advance(10s);
  EXPECT_FALSE(ask(io, source));
  EXPECT_EQ(source.fetch_attempts(), 2u);
}

TEST(JwksRefreshInterval, WallClockStepBackDoesNotFreezeTheRefetch) {
  boost::asio::io_context io;
  ManualClock clock;
  HttpJwksSource source{io, unreachable_auth(), clock};
  ask(io, source);
  clock.step_wall(-1h);
  clock.advance(10s);
  ask(io, source);
  EXPECT_EQ(source.fetch_attempts(), 2u);
}

TEST(JwksRefreshInterval, WallClockStepForwardDoesNotAllowAnEarlyRefetch) {
  boost::asio::io_context io;
  ManualClock clock;
  HttpJwksSource source{io, unreachable_auth(), clock};
  ask(io, source);
  clock.step_wall(1h);
  ask(io, source);
  EXPECT_EQ(source.fetch_attempts(), 1u);
}

}  // namespace
}  // namespace phonebill::security
