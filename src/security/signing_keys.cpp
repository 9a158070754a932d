// P-256 keys with OpenSSL 3's EVP API: generation, PEM, JWK/JWKS and RFC 7638 key ids.
// The key ring (rotation, key directory) is in signing_key_ring.cpp.
#include "security/signing_keys.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <set>

#include "core/json.hpp"
#include "security/encoding.hpp"
#include "security/openssl_handles.hpp"

namespace phonebill::security {
namespace {

using detail::clear_openssl_errors;

constexpr std::size_t kCoordinateBytes = 32;
constexpr std::size_t kMaxPemBytes = 64 * 1024;
constexpr std::size_t kMaxJwksBytes = 1024 * 1024;
constexpr std::size_t kMaxKeyIdLength = 256;

// DER of SubjectPublicKeyInfo for an uncompressed P-256 point, up to the point itself:
// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 04 || x || y } }.
constexpr std::array<unsigned char, 26> kSpkiPrefix = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

// Never prompt on a terminal for an encrypted key's passphrase: fail instead.
int refuse_passphrase(char*, int, int, void*) { return -1; }

bool is_p256(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_is_a(key, "EC") != 1) return false;
  std::array<char, 64> group{};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                     &length) != 1) {
    clear_openssl_errors();
    return false;
  }
  const std::string_view name{group.data(), length};
  return name == "prime256v1" || name == "P-256" || name == "secp256r1";
}

// The public point's coordinates, 32 bytes each, big-endian.
std::pair<std::string, std::string> public_coordinates(EVP_PKEY* key) {
  BIGNUM* x_raw = nullptr;
  BIGNUM* y_raw = nullptr;
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x_raw);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y_raw);
  detail::BignumPtr x{x_raw};
  detail::BignumPtr y{y_raw};
  if (!x || !y) {
    clear_openssl_errors();
    throw SigningKeyError("EC key without a public point");
  }
  std::string x_bytes(kCoordinateBytes, '\0');
  std::string y_bytes(kCoordinateBytes, '\0');
  BN_bn2binpad(x.get(), reinterpret_cast<unsigned char*>(x_bytes.data()), kCoordinateBytes);
  BN_bn2binpad(y.get(), reinterpret_cast<unsigned char*>(y_bytes.data()), kCoordinateBytes);
  return {std::move(x_bytes), std::move(y_bytes)};
}

// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
std::string thumbprint(EVP_PKEY* key) {
  const auto [x, y] = public_coordinates(key);
  const std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" + base64url_encode(x) +
                                R"(","y":")" + base64url_encode(y) + R"("})";
  return base64url_encode(sha256(canonical));
}

std::shared_ptr<evp_pkey_st> share(detail::PkeyPtr key) {
  return std::shared_ptr<evp_pkey_st>(key.release(), EVP_PKEY_free);
}

const boost::json::string* string_member(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value != nullptr ? value->if_string() : nullptr;
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<evp_pkey_st> key, bool has_private_key, std::string key_id)
    : key_(std::move(key)), has_private_key_(has_private_key), key_id_(std::move(key_id)) {}

SigningKey SigningKey::generate() {
  detail::PkeyPtr key{EVP_EC_gen("P-256")};
  if (!key) {
    clear_openssl_errors();
    throw SigningKeyError("could not generate a P-256 key");
  }
  auto key_id = thumbprint(key.get());
  return SigningKey{share(std::move(key)), true, std::move(key_id)};
}

std::optional<SigningKey> SigningKey::from_private_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemBytes) return std::nullopt;
  auto bio = detail::memory_bio(pem);
  detail::PkeyPtr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr)};
  if (!key || !is_p256(key.get())) {
    clear_openssl_errors();
    return std::nullopt;
  }
  auto key_id = thumbprint(key.get());
  return SigningKey{share(std::move(key)), true, std::move(key_id)};
}

std::optional<SigningKey> SigningKey::from_public_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemBytes) return std::nullopt;
  auto bio = detail::memory_bio(pem);
  detail::PkeyPtr key{PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr)};
  if (!key || !is_p256(key.get())) {
    clear_openssl_errors();
    return std::nullopt;
  }
  auto key_id = thumbprint(key.get());
  return SigningKey{share(std::move(key)), false, std::move(key_id)};
}

std::optional<SigningKey> SigningKey::from_jwk(const boost::json::object& jwk) {
  const auto* kty = string_member(jwk, "kty");
  const auto* crv = string_member(jwk, "crv");
  const auto* x_text = string_member(jwk, "x");
  const auto* y_text = string_member(jwk, "y");
  if (kty == nullptr || *kty != "EC" || crv == nullptr || *crv != "P-256" || x_text == nullptr ||
      y_text == nullptr) {
    return std::nullopt;
  }
  if (const auto* alg = jwk.if_contains("alg"); alg != nullptr) {
    if (!alg->is_string() || alg->get_string() != "ES256") return std::nullopt;
  }
  if (const auto* use = jwk.if_contains("use"); use != nullptr) {
    if (!use->is_string() || use->get_string() != "sig") return std::nullopt;
  }
  std::string key_id;
  if (const auto* kid = jwk.if_contains("kid"); kid != nullptr) {
    if (!kid->is_string() || kid->get_string().empty() ||
        kid->get_string().size() > kMaxKeyIdLength) {
      return std::nullopt;
    }
    key_id = kid->get_string();
  }
  const auto x = base64url_decode(*x_text);
  const auto y = base64url_decode(*y_text);
  if (!x || !y || x->size() != kCoordinateBytes || y->size() != kCoordinateBytes) {
    return std::nullopt;
  }
  // d2i_PUBKEY decodes the point, which rejects one that is not on the curve.
  std::string der(reinterpret_cast<const char*>(kSpkiPrefix.data()), kSpkiPrefix.size());
  der += '\x04';
  der += *x;
  der += *y;
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  detail::PkeyPtr key{d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()))};
  if (!key || !is_p256(key.get())) {
    clear_openssl_errors();
    return std::nullopt;
  }
  if (key_id.empty()) key_id = thumbprint(key.get());
  return SigningKey{share(std::move(key)), false, std::move(key_id)};
}

std::string SigningKey::private_pem() const {
  if (!has_private_key_) throw SigningKeyError("public-only key has no private PEM");
  detail::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    clear_openssl_errors();
    throw SigningKeyError("could not encode the private key");
  }
  return detail::bio_contents(bio.get());
}

std::string SigningKey::public_pem() const {
  detail::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    clear_openssl_errors();
    throw SigningKeyError("could not encode the public key");
  }
  return detail::bio_contents(bio.get());
}

boost::json::object SigningKey::public_jwk() const {
  const auto [x, y] = public_coordinates(key_.get());
  return boost::json::object{{"kty", "EC"},
                             {"crv", "P-256"},
                             {"x", base64url_encode(x)},
                             {"y", base64url_encode(y)},
                             {"kid", key_id_},
                             {"alg", "ES256"},
                             {"use", "sig"}};
}

bool SigningKey::same_public_key(const SigningKey& other) const {
  const bool same = EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
  clear_openssl_errors();
  return same;
}

boost::json::object make_jwks(const std::vector<SigningKey>& keys) {
  boost::json::array entries;
  for (const auto& key : keys) entries.push_back(key.public_jwk());
  return boost::json::object{{"keys", std::move(entries)}};
}

std::optional<std::vector<SigningKey>> parse_jwks(std::string_view text) {
  if (text.size() > kMaxJwksBytes) return std::nullopt;
  auto document = parse_json(text);
  if (!document || !document->is_object()) return std::nullopt;
  const boost::json::object* holder = &document->get_object();
  if (!holder->contains("keys")) {
    const auto* data = holder->if_contains("data");
    if (data == nullptr || !data->is_object()) return std::nullopt;
    holder = &data->get_object();
  }
  const auto* keys = holder->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return std::nullopt;
  std::vector<SigningKey> result;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : keys->get_array()) {
    if (!entry.is_object()) continue;
    auto key = SigningKey::from_jwk(entry.get_object());
    if (!key || !seen.insert(key->key_id()).second) continue;
    result.push_back(std::move(*key));
  }
  return result;
}

}  // namespace phonebill::security
