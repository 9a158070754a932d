// Argon2id hashing on the worker pool: hash and verify, rehash detection, the unknown-user
// path, the bounded queue, shutdown, and that the caller resumes on its own executor while
// the event loop keeps running. Small parameters keep the tests fast.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>
#include <thread>

#include "security/password_hasher.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::security {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

PasswordHashOptions fast_options() {
  return PasswordHashOptions{
      .ops_limit = 1, .memory_limit = 8 * 1024 * 1024, .threads = 1, .queue_limit = 8};
}

// The right password matches, a wrong one does not; the hash is an Argon2id string with
// a fresh salt each time.
CO_TEST(PasswordHasherTest, HashThenVerify) {
  PasswordHasher hasher{fast_options()};
  const auto hash = co_await hasher.hash("Passw0rd!01");
  CO_ASSERT_TRUE(hash) << hash.error();
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=8192,t=1,p=1$")) << *hash;
  EXPECT_NE(*hash, *(co_await hasher.hash("Passw0rd!01")));

  const auto right = co_await hasher.verify("Passw0rd!01", *hash);
  CO_ASSERT_TRUE(right);
  EXPECT_TRUE(right->matches);
  EXPECT_FALSE(right->needs_rehash);
  const auto wrong = co_await hasher.verify("Passw0rd!02", *hash);
  CO_ASSERT_TRUE(wrong);
  EXPECT_FALSE(wrong->matches);
  EXPECT_FALSE((co_await hasher.verify("Passw0rd!01", "not a hash"))->matches);
  EXPECT_FALSE((co_await hasher.verify("Passw0rd!01", ""))->matches);
}

// A hash made with weaker parameters still verifies and asks to be rehashed.
CO_TEST(PasswordHasherTest, WeakerHashNeedsRehash) {
  PasswordHasher weak{fast_options()};
  auto stronger_options = fast_options();
  stronger_options.ops_limit = 2;
  stronger_options.memory_limit = 16 * 1024 * 1024;
  PasswordHasher strong{stronger_options};

  const auto old_hash = weak.hash_blocking("Passw0rd!01");
  EXPECT_TRUE(strong.needs_rehash(old_hash));
  EXPECT_FALSE(weak.needs_rehash(old_hash));
  const auto check = co_await strong.verify("Passw0rd!01", old_hash);
  CO_ASSERT_TRUE(check);
  EXPECT_TRUE(check->matches);
  EXPECT_TRUE(check->needs_rehash);
  EXPECT_FALSE((co_await strong.verify("wrong", old_hash))->needs_rehash);
  EXPECT_TRUE(strong.needs_rehash("$argon2i$v=19$m=16384,t=2,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(strong.needs_rehash("garbage"));
}

// An unknown user never matches and costs about what a real check costs.
CO_TEST(PasswordHasherTest, UnknownUserCostsAsMuchAsAWrongPassword) {
  PasswordHasher hasher{fast_options()};
  const auto hash = hasher.hash_blocking("Passw0rd!01");
  auto timed = [](auto&& work) {
    const auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < 3; ++round) work();
    return std::chrono::steady_clock::now() - start;
  };
  const auto wrong_password = timed([&] { hasher.verify_blocking("nope", hash); });
  const auto unknown = co_await hasher.verify_unknown_user("Passw0rd!01");
  CO_ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->matches);
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 3; ++round) co_await hasher.verify_unknown_user("nope");
  const auto unknown_user = std::chrono::steady_clock::now() - start;
  // Loose bound (shared CI cores): the dummy check is real Argon2id work, not a shortcut.
  EXPECT_GT(unknown_user * 4, wrong_password);
}

// The caller resumes on its own thread, and the event loop keeps running meanwhile.
CO_TEST(PasswordHasherTest, RunsOffTheEventLoop) {
  auto options = fast_options();
  options.memory_limit = 32 * 1024 * 1024;
  PasswordHasher hasher{options};
  const auto loop_thread = std::this_thread::get_id();
  int ticks = 0;
  auto ticker = [&ticks]() -> asio::awaitable<void> {
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (;;) {
      timer.expires_after(1ms);
      co_await timer.async_wait(asio::use_awaitable);
      ++ticks;
    }
  };
  // The ticker is cancelled when the hash finishes first (|| operator).
  auto outcome = co_await (hasher.hash("Passw0rd!01") || ticker());
  EXPECT_EQ(std::this_thread::get_id(), loop_thread);
  CO_ASSERT_EQ(outcome.index(), 0u);
  EXPECT_TRUE(std::get<0>(outcome));
  EXPECT_GT(ticks, 0) << "the loop was blocked while hashing";
}

asio::awaitable<void> hash_into(
    PasswordHasher* hasher, std::optional<boost::system::result<std::string, PasswordError>>* out) {
  *out = co_await hasher->hash("Passw0rd!01");
}

// With one worker and no queue, concurrent jobs beyond the first are kBusy at once. (The
// job is made slow so it is still running when the others ask, even on a loaded machine.)
TEST(PasswordHasherPoolTest, FullQueueAnswersBusy) {
  asio::io_context io;
  auto options = fast_options();
  options.queue_limit = 0;
  options.ops_limit = 3;
  options.memory_limit = 64 * 1024 * 1024;
  PasswordHasher hasher{options};
  std::vector<std::optional<boost::system::result<std::string, PasswordError>>> results(3);
  for (auto& result : results) asio::co_spawn(io, hash_into(&hasher, &result), asio::detached);
  io.run();
  int hashed = 0;
  int busy = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result);
    if (*result) ++hashed;
    if (!*result && result->error() == PasswordError::kBusy) ++busy;
  }
  EXPECT_GE(hashed, 1);
  EXPECT_GE(busy, 1);
  EXPECT_EQ(hashed + busy, 3);
  EXPECT_EQ(hasher.jobs_in_flight(), 0u);
}

// Destroying the hasher ends queued jobs with kShuttingDown and still resumes every caller.
TEST(PasswordHasherPoolTest, ShutdownEndsQueuedJobs) {
  asio::io_context io;
  auto hasher = std::make_unique<PasswordHasher>(fast_options());
  std::vector<std::optional<boost::system::result<std::string, PasswordError>>> results(4);
  for (auto& result : results) asio::co_spawn(io, hash_into(hasher.get(), &result), asio::detached);
  io.poll();  // every caller is now waiting on the pool
  hasher.reset();
  io.run();
  int shut_down = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result);
    if (!*result && result->error() == PasswordError::kShuttingDown) ++shut_down;
  }
  EXPECT_GE(shut_down, 3);
}

// Options below libsodium's minimums are a configuration error.
TEST(PasswordHasherPoolTest, RefusesTooWeakOptions) {
  auto options = fast_options();
  options.memory_limit = 1024;
  EXPECT_THROW(PasswordHasher{options}, ConfigError);
  options = fast_options();
  options.ops_limit = 0;
  EXPECT_THROW(PasswordHasher{options}, ConfigError);
}

// Not a test: prints the cost of the default parameters (docs/security.md). Run with
// --gtest_also_run_disabled_tests --gtest_filter='*Measure*'.
TEST(PasswordHasherPoolTest, DISABLED_MeasureParameters) {
  for (auto [ops, mib] : std::vector<std::pair<std::uint64_t, std::size_t>>{
           {2, 19}, {3, 32}, {2, 46}, {3, 46}, {2, 64}, {3, 64}}) {
    PasswordHasher hasher{PasswordHashOptions{.ops_limit = ops, .memory_limit = mib << 20}};
    const auto start = std::chrono::steady_clock::now();
    constexpr int kRounds = 10;
    std::string hash;
    for (int round = 0; round < kRounds; ++round) hash = hasher.hash_blocking("Passw0rd!01");
    const auto hashing = std::chrono::steady_clock::now() - start;
    const auto verify_start = std::chrono::steady_clock::now();
    for (int round = 0; round < kRounds; ++round) hasher.verify_blocking("Passw0rd!01", hash);
    const auto verifying = std::chrono::steady_clock::now() - verify_start;
    std::cout << "t=" << ops << " m=" << mib << "MiB: hash "
              << std::chrono::duration<double, std::milli>(hashing).count() / kRounds
              << " ms, verify "
              << std::chrono::duration<double, std::milli>(verifying).count() / kRounds << " ms\n";
  }
}

}  // namespace
}  // namespace phonebill::security
