// Fresh 24-byte nonces for sealing (issue 17): drawn from libsodium's generator in bulk,
// a few dozen per draw, into a buffer per thread. libsodium's in-process generator asks
// getpid() on every draw to notice a fork, which was two system calls per answered
// inquiry; a bulk draw pays that once per refill. A fork is still noticed: the child
// throws away every buffer it inherited (pthread_atfork) and goes back to libsodium,
// which refuses (aborts) in a child that did not re-initialise it — so parent and child
// never hand out the same bytes. Entry point: next_nonce.
#pragma once
#include <cstddef>

namespace phonebill::crypto {

inline constexpr std::size_t kNonceSourceBytes = 24;  // XChaCha20-Poly1305's nonce

// Writes kNonceSourceBytes fresh random bytes to `nonce`. Thread-safe; sodium_init() must
// have run (ensure_sodium_initialized()).
void next_nonce(unsigned char* nonce);

}  // namespace phonebill::crypto
