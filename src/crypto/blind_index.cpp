// BlindIndex: BLAKE2b keyed with the ring's index key (blind_index.hpp).
#include "crypto/blind_index.hpp"

#include <sodium.h>

#include "security/password_hasher.hpp"

namespace phonebill::crypto {

BlindIndex::BlindIndex(const KeyRing& ring)
    : ring_(&ring),
      memo_(std::make_unique<BlindIndexMemo>(kMemoSlots)),
      hashes_(std::make_unique<std::atomic<std::uint64_t>>(0)) {
  security::ensure_sodium_initialized();
}

std::string BlindIndex::compute(std::string_view purpose, std::string_view value) const {
  const auto bytes = digest(purpose, value);
  return std::string{bytes.data(), bytes.size()};
}

BlindIndexDigest BlindIndex::digest(std::string_view purpose, std::string_view value) const {
  if (auto remembered = memo_->find(purpose, value)) return *remembered;
  BlindIndexDigest bytes;
  hash_into(purpose, {value}, bytes.data());
  memo_->remember(purpose, value, bytes);
  return bytes;
}

std::string BlindIndex::compute_parts(std::string_view purpose,
                                      std::initializer_list<std::string_view> parts) const {
  if (parts.size() == 1) return compute(purpose, *parts.begin());
  std::string digest(kBlindIndexBytes, '\0');
  hash_into(purpose, parts, digest.data());
  return digest;
}

void BlindIndex::hash_into(std::string_view purpose,
                           std::initializer_list<std::string_view> parts, char* digest) const {
  hashes_->fetch_add(1, std::memory_order_relaxed);
  const auto& key = ring_->index_key();
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
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(digest), kBlindIndexBytes);
}

}  // namespace phonebill::crypto
