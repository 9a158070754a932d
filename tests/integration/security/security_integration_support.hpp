// Helpers for the security integration tests: the shared coroutine helpers and private
// redis-server (tests/support), and per-test unique Redis names (pub/sub channels are
// server-wide, shared with suites running in parallel).
#pragma once
#include <chrono>
#include <string>

#include "security/random_token.hpp"
#include "security/revocation_set.hpp"
#include "support/coroutine_helpers.hpp"
#include "support/private_redis_server.hpp"

namespace phonebill::security::testing {

using namespace std::chrono_literals;

using test_support::current_io_context;
using test_support::deadline_in;
using test_support::sleep_for;
using test_support::wait_until;
// A redis-server of the test's own, for tests that cut its connections.
using PrivateRedis = test_support::PrivateRedisServer;

// A key prefix and channel no other test or suite uses.
inline RevocationChannel unique_channel() {
  const auto tag = "test:" + generate_token_id() + ":";
  return RevocationChannel{.key_prefix = tag + "revoked:", .channel = tag + "revocations"};
}

}  // namespace phonebill::security::testing
