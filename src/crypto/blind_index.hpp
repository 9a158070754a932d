// Blind index (SPEC §14): a keyed hash (libsodium crypto_generichash, BLAKE2b, keyed with
// the ring's blind-index key, never a sealing key) of a normalised value, so "user by
// line" and "history of this line" stay one indexed equality look-up while the column
// shows no line number. The same value and purpose always give the same 32 bytes; a
// different key gives unrelated ones. The index key is not rotated by rotate-data-key:
// changing it means recomputing every index column (docs/security.md).
// Entry point: BlindIndex::compute.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

#include "crypto/key_ring.hpp"

namespace phonebill::crypto {

inline constexpr std::size_t kBlindIndexBytes = 32;

class BlindIndex {
 public:
  // Keeps a reference: the ring must outlive the index.
  explicit BlindIndex(const KeyRing& ring);

  // 32 bytes for `value` under `purpose` ("auth.users.line_number"): purposes keep one
  // column's index from matching another's. Normalise the value first (canonical line).
  std::string compute(std::string_view purpose, std::string_view value) const;
  // compute(purpose, the parts one after another), hashed part by part: a value made of a
  // large part (a bill) costs no concatenated copy.
  std::string compute_parts(std::string_view purpose,
                            std::initializer_list<std::string_view> parts) const;

 private:
  const KeyRing& ring_;
};

}  // namespace phonebill::crypto
