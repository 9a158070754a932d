// Helpers for the cache integration tests: the shared coroutine helpers and private
// redis-server (tests/support), under the names these suites use.
#pragma once
#include "cache/redis_reply.hpp"
#include "support/coroutine_helpers.hpp"
#include "support/private_redis_server.hpp"

namespace phonebill::cache::testing {

using namespace std::chrono_literals;
using test_support::current_io_context;
using test_support::deadline_in;
using test_support::PrivateRedisServer;
using test_support::sleep_for;
using test_support::wait_until;

}  // namespace phonebill::cache::testing
