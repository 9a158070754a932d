// ES256 keys: P-256 key pairs (generate, PKCS#8 / SPKI PEM, JWK, JWKS) and the
// SigningKeyRing that auth signs with (one active key, older keys still published and
// accepted until retired). Directory layout: docs/security.md. Entry points:
// SigningKey::generate / from_private_pem / from_public_pem / from_jwk, parse_jwks,
// SigningKeyRing::load_from_directory.
#pragma once
#include <boost/json/object.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY; no OpenSSL header leaks out of src/security

namespace phonebill::security {

// A key file or document that cannot be used (start-up only: main reports it and exits).
class SigningKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One P-256 key: a key pair (can sign) or a public key only (can verify). Immutable and
// cheap to copy (the OpenSSL key is shared); safe to use from any thread.
class SigningKey {
 public:
  // A fresh key pair from the CSPRNG.
  static SigningKey generate();
  // A P-256 private key from PEM: PKCS#8 ("PRIVATE KEY", what `./phonebill up` writes) or
  // SEC 1 ("EC PRIVATE KEY"). nullopt for anything else: another curve or algorithm, an
  // encrypted key (never prompts for a passphrase), garbage.
  static std::optional<SigningKey> from_private_pem(std::string_view pem);
  // A P-256 public key from SPKI PEM ("PUBLIC KEY"); nullopt as above.
  static std::optional<SigningKey> from_public_pem(std::string_view pem);
  // A public key from a JWK object: kty "EC", crv "P-256", x and y (32 bytes each,
  // base64url, a point on the curve); alg, when present, must be "ES256" and use, when
  // present, "sig". Its kid is the JWK's "kid" if present, else the RFC 7638 thumbprint.
  // nullopt for anything else (RSA, private members "d" are ignored, never loaded).
  static std::optional<SigningKey> from_jwk(const boost::json::object& jwk);

  // The key id: RFC 7638 JWK thumbprint (base64url SHA-256, 43 characters) unless the
  // key came from a JWK that named its own kid.
  const std::string& key_id() const { return key_id_; }
  bool has_private_key() const { return has_private_key_; }

  // PKCS#8 PEM of the private key. Throws SigningKeyError for a public-only key.
  std::string private_pem() const;
  // SPKI PEM of the public key.
  std::string public_pem() const;
  // The public JWK: {kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig"}.
  boost::json::object public_jwk() const;

  // Same public key (private parts and kids are not compared).
  bool same_public_key(const SigningKey& other) const;

  // The OpenSSL key, for the JWS code in this library.
  evp_pkey_st* native_handle() const { return key_.get(); }

 private:
  SigningKey(std::shared_ptr<evp_pkey_st> key, bool has_private_key, std::string key_id);
  std::shared_ptr<evp_pkey_st> key_;
  bool has_private_key_ = false;
  std::string key_id_;
};

// {"keys": [public_jwk(), ...]} in the given order.
boost::json::object make_jwks(const std::vector<SigningKey>& keys);

// The usable keys of a JWKS text. Accepts an RFC 7517 document {"keys": [...]} and also
// one wrapped in our success envelope {"success": true, "data": {"keys": [...]}}.
// Entries that are not ES256 P-256 signing keys are skipped; a duplicated kid keeps the
// first. nullopt when the text is not JSON or has no "keys" array.
std::optional<std::vector<SigningKey>> parse_jwks(std::string_view text);

// Writes a private key as PKCS#8 PEM, created with mode 0600 (replacing the file).
// Throws SigningKeyError on I/O failure or for a public-only key.
void save_private_key(const SigningKey& key, const std::filesystem::path& path);
// Writes the SPKI PEM public key (mode 0644). Throws SigningKeyError on I/O failure.
void save_public_key(const SigningKey& key, const std::filesystem::path& path);

// File names in $PHONEBILL_SECRETS_DIR (docs/security.md, "Signing keys").
inline constexpr std::string_view kActiveKeyFile = "auth-signing-key.pem";
inline constexpr std::string_view kActivePublicKeyFile = "auth-signing-key.pub.pem";

// auth's keys: the active key signs every new token; the previous keys (rotated out,
// not yet retired) still verify and stay in the JWKS so that tokens they signed keep
// working until they expire. Immutable after construction; any thread.
class SigningKeyRing {
 public:
  // `active` must have its private key. Keys in `previous` sharing the active key's kid
  // or each other's are dropped.
  explicit SigningKeyRing(SigningKey active, std::vector<SigningKey> previous = {});

  // Loads `<directory>/auth-signing-key.pem` as the active key and every
  // `<directory>/auth-signing-key.<n>.pem` (n a positive integer; newest first by n) as
  // previous keys. Throws SigningKeyError when the active key is missing or unusable, or a
  // previous key file is unusable (a half-done rotation should stop start-up, not
  // silently invalidate tokens). Other files are ignored.
  static SigningKeyRing load_from_directory(const std::filesystem::path& directory);

  const SigningKey& active() const { return keys_.front(); }
  // The active key first, then the previous keys.
  const std::vector<SigningKey>& keys() const { return keys_; }
  // The key with this kid, or nullptr.
  const SigningKey* find(std::string_view key_id) const;
  // The document GET /api/v1/auth/jwks serves: make_jwks(keys()).
  boost::json::object jwks() const { return make_jwks(keys_); }

 private:
  std::vector<SigningKey> keys_;
};

}  // namespace phonebill::security
