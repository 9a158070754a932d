// next_nonce: nonces from a per-thread buffer refilled in bulk (see nonce_source.hpp).
#include "crypto/nonce_source.hpp"

#include <pthread.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>

namespace phonebill::crypto {
namespace {

// 42 nonces per draw: one getpid() (and one ChaCha20 block run) per 42 seals.
constexpr std::size_t kNoncesPerDraw = 42;

// Bumped in a forked child: every buffer it inherited is stale from then on.
std::atomic<std::uint64_t> fork_generation{0};

void after_fork_in_child() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

[[maybe_unused]] const bool fork_handler_installed = [] {
  return pthread_atfork(nullptr, nullptr, &after_fork_in_child) == 0;
}();

struct NonceBuffer {
  std::array<unsigned char, kNoncesPerDraw * kNonceSourceBytes> bytes;
  std::size_t next = kNoncesPerDraw;  // empty until the first draw
  std::uint64_t generation = 0;
};

}  // namespace

void next_nonce(unsigned char* nonce) {
  thread_local NonceBuffer buffer;
  const auto generation = fork_generation.load(std::memory_order_relaxed);
  if (buffer.next == kNoncesPerDraw || buffer.generation != generation) {
    randombytes_buf(buffer.bytes.data(), buffer.bytes.size());
    buffer.next = 0;
    buffer.generation = generation;
  }
  // A nonce need not be secret (it is stored next to the ciphertext), only never repeated.
  std::memcpy(nonce, buffer.bytes.data() + buffer.next * kNonceSourceBytes, kNonceSourceBytes);
  ++buffer.next;
}

}  // namespace phonebill::crypto
