// The Argon2id cost and the worker pool's size of a PasswordHasher, apart from the
// hasher so that configuration headers need no Asio.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/config.hpp"

namespace phonebill::security {

struct PasswordHashOptions {
  // Argon2id passes and memory (crypto_pwhash_str's opslimit / memlimit): about 50 ms
  // per hash on an idle core of the 2-core dev machine, 70 ms under load (measured:
  // docs/security.md). Minimums: 1 pass, 8 KiB.
  std::uint64_t ops_limit = 3;
  std::size_t memory_limit = 46 * 1024 * 1024;
  // Worker threads, and jobs allowed to wait for one; a job beyond that is kBusy at once
  // (so a login flood turns into fast 503s, not a growing queue of 100 ms jobs).
  std::size_t threads = 2;
  std::size_t queue_limit = 64;

  // PHONEBILL_PASSWORD_OPS_LIMIT, PHONEBILL_PASSWORD_MEMORY_KIB,
  // PHONEBILL_PASSWORD_THREADS, PHONEBILL_PASSWORD_QUEUE_LIMIT. Throws ConfigError.
  static PasswordHashOptions from_environment(const Environment& environment);
};

}  // namespace phonebill::security
