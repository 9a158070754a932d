// Argon2id on a bounded worker pool (see password_hasher.hpp). Jobs run on an
// asio::thread_pool; the result is posted back to the awaiting coroutine's executor, so
// the caller resumes where it was and the event loop never runs a hash.
#include "security/password_hasher.hpp"

#include <sodium.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>
#include <ostream>
#include <stdexcept>

#include "security/random_token.hpp"

namespace phonebill::security {
namespace asio = boost::asio;
template <class T>
using PasswordResult = boost::system::result<T, PasswordError>;

void ensure_sodium_initialized() {
  // libsodium's in-process generator (ChaCha20, per-thread state, keyed from getrandom(); it
  // checks getpid() on every draw and aborts in a forked child) instead of one getrandom()
  // system call per draw: every sealed column takes a fresh 24-byte nonce, several per
  // answered request (src/crypto/nonce_source.hpp draws them in bulk). Set before
  // sodium_init(), which keys it.
  static const bool initialized = [] {
    randombytes_set_implementation(&randombytes_internal_implementation);
    return sodium_init() >= 0;
  }();
  if (!initialized) throw std::runtime_error("libsodium could not initialise");
}

PasswordHashOptions PasswordHashOptions::from_environment(const Environment& environment) {
  PasswordHashOptions options;
  options.ops_limit = static_cast<std::uint64_t>(environment.integer(
      "PHONEBILL_PASSWORD_OPS_LIMIT", static_cast<std::int64_t>(options.ops_limit), 1, 20));
  options.memory_limit =
      static_cast<std::size_t>(environment.integer(
          "PHONEBILL_PASSWORD_MEMORY_KIB", static_cast<std::int64_t>(options.memory_limit / 1024),
          8, 1024 * 1024)) *
      1024;
  options.threads = static_cast<std::size_t>(environment.integer(
      "PHONEBILL_PASSWORD_THREADS", static_cast<std::int64_t>(options.threads), 1, 64));
  options.queue_limit = static_cast<std::size_t>(
      environment.integer("PHONEBILL_PASSWORD_QUEUE_LIMIT",
                          static_cast<std::int64_t>(options.queue_limit), 0, 100'000));
  return options;
}

std::string_view to_string(PasswordError error) {
  switch (error) {
    case PasswordError::kBusy:
      return "busy";
    case PasswordError::kShuttingDown:
      return "shutting_down";
    case PasswordError::kFailed:
      return "failed";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& stream, PasswordError error) {
  return stream << to_string(error);
}

void throw_exception_from_error(PasswordError error, const boost::source_location&) {
  throw std::runtime_error("password hashing: " + std::string{to_string(error)});
}

namespace detail {
struct PasswordPool {
  PasswordPool(std::size_t thread_count, std::size_t limit)
      : threads(thread_count), job_limit(limit) {}
  asio::thread_pool threads;
  const std::size_t job_limit;  // running + queued
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};
};
}  // namespace detail

namespace {

// Runs `work` (returning PasswordResult<T>) on the pool and resumes the caller on its own
// executor with the result; kBusy at once when the pool is full.
template <class T, class Work>
asio::awaitable<PasswordResult<T>> run_on_pool(std::shared_ptr<detail::PasswordPool> pool,
                                               Work work) {
  if (pool->in_flight.fetch_add(1) >= pool->job_limit) {
    pool->in_flight.fetch_sub(1);
    co_return PasswordError::kBusy;
  }
  auto initiation = [pool, work = std::move(work)](auto handler) mutable {
    auto guard = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool->threads, [pool, work = std::move(work), handler = std::move(handler),
                               guard = std::move(guard)]() mutable {
      PasswordResult<T> result =
          pool->stopping.load() ? PasswordResult<T>{PasswordError::kShuttingDown} : work();
      pool->in_flight.fetch_sub(1);
      auto executor = guard.get_executor();
      asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
      guard.reset();
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(PasswordResult<T>)>(
      std::move(initiation), asio::use_awaitable);
}

// Wipes a password copy once it is no longer needed.
void wipe(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHashOptions options) : options_(options) {
  ensure_sodium_initialized();
  if (options_.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      options_.memory_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN || options_.threads == 0) {
    throw ConfigError{"Argon2id needs ops_limit >= 1, memory_limit >= 8 KiB and a thread"};
  }
  // The dummy hash has the real parameters, so checking against it costs the same.
  dummy_hash_ = hash_blocking(random_token(24));
  pool_ = std::make_shared<detail::PasswordPool>(options_.threads,
                                                 options_.threads + options_.queue_limit);
}

PasswordHasher::~PasswordHasher() {
  pool_->stopping.store(true);
  pool_->threads.join();
}

std::string PasswordHasher::hash_blocking(std::string_view password) const {
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), options_.ops_limit,
                            options_.memory_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id hashing failed (out of memory?)");
  }
  return std::string{encoded};
}

PasswordCheck PasswordHasher::verify_blocking(std::string_view password,
                                              std::string_view stored_hash) const {
  // libsodium wants a NUL-terminated hash that fits its buffer.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return {};
  const std::string terminated{stored_hash};
  const bool matches =
      crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
  return PasswordCheck{matches, matches && needs_rehash(stored_hash)};
}

bool PasswordHasher::needs_rehash(std::string_view stored_hash) const {
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string terminated{stored_hash};
  return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), options_.ops_limit,
                                                 options_.memory_limit) != 0;
}

asio::awaitable<PasswordResult<std::string>> PasswordHasher::hash(std::string password) {
  // Named first: g++ 12 miscompiles a lambda temporary inside a co_await expression.
  auto work = [this, password = std::move(password)]() mutable -> PasswordResult<std::string> {
    PasswordResult<std::string> result = PasswordError::kFailed;
    try {
      result = hash_blocking(password);
    } catch (const std::exception&) {
    }
    wipe(password);
    return result;
  };
  co_return co_await run_on_pool<std::string>(pool_, std::move(work));
}

asio::awaitable<PasswordResult<PasswordCheck>> PasswordHasher::verify(std::string password,
                                                                      std::string stored_hash) {
  auto work = [this, password = std::move(password),
               stored_hash = std::move(stored_hash)]() mutable -> PasswordResult<PasswordCheck> {
    auto check = verify_blocking(password, stored_hash);
    wipe(password);
    return check;
  };
  co_return co_await run_on_pool<PasswordCheck>(pool_, std::move(work));
}

asio::awaitable<PasswordResult<PasswordCheck>> PasswordHasher::verify_unknown_user(
    std::string password) {
  auto work = [this, password = std::move(password)]() mutable -> PasswordResult<PasswordCheck> {
    verify_blocking(password, dummy_hash_);
    wipe(password);
    return PasswordCheck{};
  };
  co_return co_await run_on_pool<PasswordCheck>(pool_, std::move(work));
}

std::size_t PasswordHasher::jobs_in_flight() const { return pool_->in_flight.load(); }

}  // namespace phonebill::security
