// FieldCipher: XChaCha20-Poly1305 IETF sealing in the format-1 layout (field_cipher.hpp).
#include "crypto/field_cipher.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <stdexcept>

#include "crypto/nonce_source.hpp"
#include "security/encoding.hpp"
#include "security/password_hasher.hpp"

namespace phonebill::crypto {
namespace {

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string header_of(KeyId id) {
  return std::string{char(kSealedFormat), char(id >> 8), char(id & 0xff)};
}

}  // namespace

std::string_view to_string(OpenError error) {
  switch (error) {
    case OpenError::kMalformed:
      return "malformed";
    case OpenError::kUnknownKey:
      return "unknown_key";
    case OpenError::kRefused:
      return "refused";
  }
  return "refused";
}

std::ostream& operator<<(std::ostream& stream, OpenError error) {
  return stream << to_string(error);
}

void throw_exception_from_error(OpenError error, const boost::source_location&) {
  throw std::runtime_error("sealed value does not open: " + std::string{to_string(error)});
}

std::string associated_data(std::string_view field, std::string_view row) {
  std::string data;
  data.reserve(field.size() + 1 + row.size());
  data.append(field);
  data.push_back('\0');  // "a.b" + "c" never equals "a.bc" + ""
  data.append(row);
  return data;
}

std::optional<KeyId> sealed_key_id(std::string_view sealed) {
  if (sealed.size() < kSealedOverhead || static_cast<unsigned char>(sealed[0]) != kSealedFormat)
    return std::nullopt;
  return KeyId((static_cast<unsigned char>(sealed[1]) << 8) |
               static_cast<unsigned char>(sealed[2]));
}

FieldCipher::FieldCipher(const KeyRing& ring) : ring_(ring) {
  security::ensure_sodium_initialized();
}

std::string FieldCipher::seal(std::string_view plaintext, std::string_view associated) const {
  std::string sealed;
  seal_into(sealed, plaintext, associated);
  return sealed;
}

void FieldCipher::seal_into(std::string& sealed, std::string_view plaintext,
                            std::string_view associated) const {
  const auto header = header_of(ring_.current_id());
  sealed.resize(kSealedOverhead + plaintext.size());
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  std::copy(header.begin(), header.end(), sealed.begin());
  unsigned char* nonce = out + kSealedHeaderBytes;
  static_assert(kNonceBytes == kNonceSourceBytes);
  next_nonce(nonce);  // from a per-thread bulk draw: no getpid() per seal
  // The header and the caller's text, in a buffer this thread reuses.
  thread_local std::string authenticated;
  authenticated.assign(header);
  authenticated.append(associated);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + kSealedHeaderBytes + kNonceBytes, &written, bytes_of(plaintext), plaintext.size(),
      bytes_of(authenticated), authenticated.size(), nullptr, nonce, bytes_of(ring_.current_key()));
  sealed.resize(kSealedHeaderBytes + kNonceBytes + written);
}

boost::system::result<std::string, OpenError> FieldCipher::open(std::string_view sealed,
                                                                std::string_view associated) const {
  auto id = sealed_key_id(sealed);
  if (!id) return OpenError::kMalformed;
  const std::string* key = ring_.find(*id);
  if (key == nullptr) return OpenError::kUnknownKey;
  const std::string authenticated =
      std::string{sealed.substr(0, kSealedHeaderBytes)} + std::string{associated};
  const auto* nonce = bytes_of(sealed) + kSealedHeaderBytes;
  const auto ciphertext = sealed.substr(kSealedHeaderBytes + kNonceBytes);
  std::string plaintext(ciphertext.size() - kTagBytes, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plaintext.data()),
                                                 &length, nullptr, bytes_of(ciphertext),
                                                 ciphertext.size(), bytes_of(authenticated),
                                                 authenticated.size(), nonce, bytes_of(*key)) != 0)
    return OpenError::kRefused;
  plaintext.resize(length);
  return plaintext;
}

boost::system::result<void, OpenError> FieldCipher::open_in_place(
    std::string& sealed, std::string_view associated) const {
  auto id = sealed_key_id(sealed);
  if (!id) return OpenError::kMalformed;
  const std::string* key = ring_.find(*id);
  if (key == nullptr) return OpenError::kUnknownKey;
  // The header and the caller's text, in a buffer this thread reuses (no allocation per hit).
  thread_local std::string authenticated;
  authenticated.assign(sealed, 0, kSealedHeaderBytes);
  authenticated.append(associated);
  unsigned char nonce[kNonceBytes];
  std::copy_n(bytes_of(sealed) + kSealedHeaderBytes, kNonceBytes, nonce);
  auto* text = reinterpret_cast<unsigned char*>(sealed.data()) + kSealedHeaderBytes + kNonceBytes;
  const std::size_t ciphertext_size = sealed.size() - kSealedHeaderBytes - kNonceBytes;
  unsigned long long length = 0;
  // libsodium decrypts in place when the message and the ciphertext start at one address.
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(text, &length, nullptr, text, ciphertext_size,
                                                 bytes_of(authenticated), authenticated.size(),
                                                 nonce, bytes_of(*key)) != 0)
    return OpenError::kRefused;
  sealed.erase(0, kSealedHeaderBytes + kNonceBytes);
  sealed.resize(length);
  return {};
}

bool FieldCipher::needs_reseal(std::string_view sealed) const {
  auto id = sealed_key_id(sealed);
  return !id || *id != ring_.current_id();
}

std::string pg_bytea_text(std::string_view bytes) { return "\\x" + security::to_hex(bytes); }

std::optional<std::string> from_pg_bytea_text(std::string_view text) {
  if (!text.starts_with("\\x")) return std::nullopt;
  return security::from_hex(text.substr(2));
}

std::string to_text(std::string_view sealed) { return security::base64url_encode(sealed); }

std::optional<std::string> from_text(std::string_view text) {
  return security::base64url_decode(text);
}

bool from_text_in_place(std::string& text) { return security::base64url_decode_in_place(text); }

}  // namespace phonebill::crypto
