// Argon2id password hashing (SPEC §3) kept off the event loop: each hash takes tens of
// milliseconds of CPU and tens of MiB, so it runs on a small worker pool with a bounded
// queue and the result resumes the calling coroutine on its own executor. Unknown users
// are checked against a precomputed dummy hash so they cost what a wrong password costs.
// Parameters and measured times: docs/security.md. Entry points: PasswordHasher::hash,
// verify, verify_unknown_user, needs_rehash.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "security/password_hash_options.hpp"

namespace phonebill::security {
namespace detail {
struct PasswordPool;  // the worker threads and their job count (password_hasher.cpp)
}

// libsodium's sodium_init(), once per process (thread-safe; later calls are free), with its
// in-process random generator (no system call per random draw).
// Throws std::runtime_error if libsodium cannot initialise.
void ensure_sodium_initialized();

enum class PasswordError {
  kBusy,          // the queue is full: answer 503 and let the client retry
  kShuttingDown,  // the hasher is being destroyed
  kFailed,        // libsodium failed (out of memory for memory_limit)
};
std::string_view to_string(PasswordError error);
std::ostream& operator<<(std::ostream& stream, PasswordError error);
[[noreturn]] void throw_exception_from_error(PasswordError error,
                                             const boost::source_location& location);

struct PasswordCheck {
  bool matches = false;
  // The stored hash used weaker parameters (or another algorithm) than the current
  // options: on a match, hash the password again and store the new hash.
  bool needs_rehash = false;
};

class PasswordHasher {
 public:
  // Starts the workers and computes the dummy hash (one hash's time). Throws
  // ConfigError for options below the minimums.
  explicit PasswordHasher(PasswordHashOptions options = {});
  // Jobs still queued end with kShuttingDown; running ones finish first. The executors
  // of waiting coroutines must still exist (destroy the hasher before the io_context).
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // An encoded Argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") of `password`
  // with a fresh random salt, computed on a worker. Never log the password.
  boost::asio::awaitable<boost::system::result<std::string, PasswordError>> hash(
      std::string password);
  // Whether `password` matches `stored_hash` (a malformed hash never matches).
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify(
      std::string password, std::string stored_hash);
  // The same work as verify() against the dummy hash, always { matches = false }: call it
  // for an unknown user so timing does not tell unknown users from wrong passwords.
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify_unknown_user(
      std::string password);

  // The same as hash() / verify(), on the calling thread (tools, start-up demo data).
  std::string hash_blocking(std::string_view password) const;
  PasswordCheck verify_blocking(std::string_view password, std::string_view stored_hash) const;

  // True when `stored_hash` is not an Argon2id hash with the current parameters.
  bool needs_rehash(std::string_view stored_hash) const;

  const PasswordHashOptions& options() const { return options_; }
  // Jobs queued or running now (metrics).
  std::size_t jobs_in_flight() const;

 private:
  PasswordHashOptions options_;
  std::string dummy_hash_;
  std::shared_ptr<detail::PasswordPool> pool_;
};

}  // namespace phonebill::security
