// BlindIndex: BLAKE2b keyed with the ring's index key (blind_index.hpp).
#include "crypto/blind_index.hpp"

#include <sodium.h>

#include "security/password_hasher.hpp"

namespace phonebill::crypto {

BlindIndex::BlindIndex(const KeyRing& ring) : ring_(ring) { security::ensure_sodium_initialized(); }

std::string BlindIndex::compute(std::string_view purpose, std::string_view value) const {
  return compute_parts(purpose, {value});
}

std::string BlindIndex::compute_parts(std::string_view purpose,
                                      std::initializer_list<std::string_view> parts) const {
  const auto& key = ring_.index_key();
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                          kBlindIndexBytes);
  auto update = [&state](std::string_view bytes) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
  };
  update(purpose);
  update(std::string_view{"\0", 1});
  for (auto part : parts) update(part);
  std::string digest(kBlindIndexBytes, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(digest.data()), digest.size());
  return digest;
}

}  // namespace phonebill::crypto
