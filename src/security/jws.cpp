// ES256 signing and verification with raw r||s signatures (see jws.hpp).
#include "security/jws.hpp"

#include <openssl/ecdsa.h>

#include <stdexcept>

#include "security/openssl_handles.hpp"

namespace phonebill::security::detail {
namespace {
constexpr std::size_t kHalf = 32;
}

std::optional<CompactJws> split_compact(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  CompactJws parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                   token.substr(second + 1), token.substr(0, second)};
  if (parts.header.empty() || parts.payload.empty() || parts.signature.empty()) {
    return std::nullopt;
  }
  return parts;
}

std::string es256_sign(evp_pkey_st* key, std::string_view signing_input) {
  MdContextPtr context{EVP_MD_CTX_new()};
  std::size_t der_length = 0;
  if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &der_length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    clear_openssl_errors();
    throw std::runtime_error("ES256 signing failed to start");
  }
  std::string der(der_length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(der.data()), &der_length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    clear_openssl_errors();
    throw std::runtime_error("ES256 signing failed");
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr signature{d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_length))};
  if (!signature) {
    clear_openssl_errors();
    throw std::runtime_error("ES256 signature was not DER");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(signature.get(), &r, &s);
  std::string raw(2 * kHalf, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kHalf) != kHalf || BN_bn2binpad(s, out + kHalf, kHalf) != kHalf) {
    throw std::runtime_error("ES256 signature component too long");
  }
  return raw;
}

bool es256_verify(evp_pkey_st* key, std::string_view signing_input, std::string_view signature) {
  if (signature.size() != 2 * kHalf) return false;
  const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
  BignumPtr r{BN_bin2bn(raw, kHalf, nullptr)};
  BignumPtr s{BN_bin2bn(raw + kHalf, kHalf, nullptr)};
  EcdsaSigPtr parsed{ECDSA_SIG_new()};
  if (!r || !s || !parsed || BN_is_zero(r.get()) || BN_is_zero(s.get())) {
    clear_openssl_errors();
    return false;
  }
  // ECDSA_SIG_set0 takes ownership of r and s.
  if (ECDSA_SIG_set0(parsed.get(), r.get(), s.get()) != 1) {
    clear_openssl_errors();
    return false;
  }
  r.release();
  s.release();
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(parsed.get(), &der);
  if (der_length <= 0) {
    clear_openssl_errors();
    return false;
  }
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner{
      der, [](unsigned char* bytes) { OPENSSL_free(bytes); }};
  MdContextPtr context{EVP_MD_CTX_new()};
  // OpenSSL's verifier rejects r or s >= n itself.
  const bool valid =
      context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(context.get(), der, static_cast<std::size_t>(der_length),
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) == 1;
  clear_openssl_errors();
  return valid;
}

}  // namespace phonebill::security::detail
