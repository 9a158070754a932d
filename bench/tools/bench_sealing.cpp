// bench-sealing: the CPU that field encryption adds to one auth login (issue 19 item 2's
// "cost per request"), measured in one run beside what the login already spends: one
// Argon2id verification with the default parameters. A login opens the user's sealed
// name and line (reserve_login_attempt), seals the client IP twice (login history and
// session) and, for "user by line", computes one blind index. Thread CPU time, best of
// five rounds of N repetitions each.
// Usage: bench-sealing [repetitions, default 20000]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "crypto/blind_index.hpp"
#include "crypto/field_cipher.hpp"
#include "security/password_hasher.hpp"

using namespace phonebill;

namespace {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// Best of five rounds: CPU microseconds per call of `work`.
template <typename Work>
double microseconds_per_call(int repetitions, Work&& work) {
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    double started = thread_cpu_seconds();
    for (int i = 0; i < repetitions; ++i) work(i);
    best = std::min(best, (thread_cpu_seconds() - started) * 1e6 / repetitions);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20000;
  crypto::KeyRing ring{std::map<crypto::KeyId, std::string>{{1, std::string(32, 'k')}}, 1,
                       std::string(32, 'i')};
  crypto::FieldCipher cipher{ring};
  crypto::BlindIndex index{ring};
  const auto name_row = crypto::associated_data("auth.users.user_name", "user01");
  const auto line_row = crypto::associated_data("auth.users.line_number", "user01");
  const auto ip_row = crypto::associated_data("auth.login_history.client_ip", "user01");
  const auto name = cipher.seal("홍길동", name_row);
  const auto line = cipher.seal("01012345678", line_row);
  std::size_t sink = 0;

  double open_us = microseconds_per_call(repetitions, [&](int) {
    sink += cipher.open(name, name_row).value().size() + cipher.open(line, line_row).value().size();
  });
  double seal_us = microseconds_per_call(repetitions, [&](int) {
    sink += crypto::pg_bytea_text(cipher.seal("203.0.113.9", ip_row)).size() +
            crypto::pg_bytea_text(cipher.seal("203.0.113.9", ip_row)).size();
  });
  double index_us = microseconds_per_call(repetitions, [&](int) {
    sink += index.compute("auth.users.line_number", "01012345678").size();
  });

  security::PasswordHasher hasher{};
  const auto stored = hasher.hash_blocking("Passw0rd!01");
  double started = thread_cpu_seconds();
  for (int i = 0; i < 5; ++i) sink += hasher.verify_blocking("Passw0rd!01", stored).matches;
  double argon_us = (thread_cpu_seconds() - started) * 1e6 / 5;

  const double sealing_us = open_us + seal_us + index_us;
  std::printf("| work per login | CPU µs |\n|---|---|\n");
  std::printf("| open name + line (2 × XChaCha20-Poly1305) | %.2f |\n", open_us);
  std::printf("| seal 2 client IPs (+ bytea text) | %.2f |\n", seal_us);
  std::printf("| blind index of a line (BLAKE2b) | %.2f |\n", index_us);
  std::printf("| **all sealing work** | **%.2f** |\n", sealing_us);
  std::printf("| Argon2id verify (default parameters) | %.0f |\n", argon_us);
  std::printf("sealing adds %.4f %% to the Argon2id work of a login (sink %zu)\n",
              100.0 * sealing_us / argon_us, sink % 10);
  return 0;
}
