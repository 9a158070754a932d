// BlindIndex: BLAKE2b keyed with the ring's index key (blind_index.hpp).
#include "crypto/blind_index.hpp"

#include <sodium.h>

#include "security/password_hasher.hpp"

namespace phonebill::crypto {

BlindIndex::BlindIndex(const KeyRing& ring) : ring_(ring) { security::ensure_sodium_initialized(); }

std::string BlindIndex::compute(std::string_view purpose, std::string_view value) const {
  std::string input;
  input.reserve(purpose.size() + 1 + value.size());
  input.append(purpose);
  input.push_back('\0');
  input.append(value);
  std::string digest(kBlindIndexBytes, '\0');
  const auto& key = ring_.index_key();
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return digest;
}

}  // namespace phonebill::crypto
