// P-256 keys: PEM in and out, JWK and JWKS round trips, what is refused, and the key
// ring's directory layout (active key, rotated keys, retirement by deleting the file).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>

#include "security/encoding.hpp"
#include "security/signing_keys.hpp"

namespace phonebill::security {
namespace {

namespace fs = std::filesystem;

// PEM of an OpenSSL key written with `write` (private keys in various encodings).
template <class Write>
std::string pem_of(EVP_PKEY* key, Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(write(bio, key), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

std::string pkcs8_pem(EVP_PKEY* key) {
  return pem_of(key, [](BIO* bio, EVP_PKEY* k) {
    return PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "phonebill-keys-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TemporaryDirectory() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_text(const fs::path& path, const std::string& text) { std::ofstream{path} << text; }

// A generated key survives PKCS#8 and SPKI PEM and keeps its kid.
TEST(SigningKeyTest, PemRoundTripKeepsTheKey) {
  const auto key = SigningKey::generate();
  ASSERT_TRUE(key.has_private_key());
  EXPECT_NE(key.private_pem().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(key.public_pem().find("-----BEGIN PUBLIC KEY-----"), std::string::npos);

  const auto reloaded = SigningKey::from_private_pem(key.private_pem());
  ASSERT_TRUE(reloaded);
  EXPECT_TRUE(reloaded->same_public_key(key));
  EXPECT_EQ(reloaded->key_id(), key.key_id());

  const auto public_only = SigningKey::from_public_pem(key.public_pem());
  ASSERT_TRUE(public_only);
  EXPECT_FALSE(public_only->has_private_key());
  EXPECT_EQ(public_only->key_id(), key.key_id());
  EXPECT_THROW(public_only->private_pem(), SigningKeyError);
  EXPECT_FALSE(SigningKey::generate().same_public_key(key));
}

// `openssl ecparam -genkey` style SEC 1 keys load too.
TEST(SigningKeyTest, LoadsSec1PrivateKeys) {
  const auto key = SigningKey::generate();
  const auto sec1 = pem_of(key.native_handle(), [](BIO* bio, EVP_PKEY* k) {
    return PEM_write_bio_PrivateKey_traditional(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  });
  ASSERT_NE(sec1.find("EC PRIVATE KEY"), std::string::npos);
  const auto loaded = SigningKey::from_private_pem(sec1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->key_id(), key.key_id());
}

// Other curves, RSA, encrypted keys and garbage are refused (and nothing prompts).
TEST(SigningKeyTest, RefusesKeysThatAreNotPlainP256) {
  EVP_PKEY* p384 = EVP_EC_gen("P-384");
  EVP_PKEY* rsa = EVP_RSA_gen(1024);
  ASSERT_TRUE(p384 && rsa);
  EXPECT_FALSE(SigningKey::from_private_pem(pkcs8_pem(p384)));
  EXPECT_FALSE(SigningKey::from_private_pem(pkcs8_pem(rsa)));
  EXPECT_FALSE(SigningKey::from_public_pem(
      pem_of(rsa, [](BIO* bio, EVP_PKEY* k) { return PEM_write_bio_PUBKEY(bio, k); })));
  EVP_PKEY_free(p384);
  EVP_PKEY_free(rsa);

  const auto key = SigningKey::generate();
  const auto encrypted = pem_of(key.native_handle(), [](BIO* bio, EVP_PKEY* k) {
    char passphrase[] = "correct horse";
    return PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_256_cbc(), passphrase,
                                         sizeof passphrase - 1, nullptr, nullptr);
  });
  EXPECT_FALSE(SigningKey::from_private_pem(encrypted));
  EXPECT_FALSE(SigningKey::from_private_pem(key.public_pem()));
  EXPECT_FALSE(SigningKey::from_public_pem(key.private_pem()));
  EXPECT_FALSE(SigningKey::from_private_pem("-----BEGIN PRIVATE KEY-----\ngarbage\n"));
  EXPECT_FALSE(SigningKey::from_private_pem(""));
}

// The public JWK has every member a verifier expects, the kid is the RFC 7638
// thumbprint, and the JWK loads back as the same public key.
TEST(SigningKeyTest, JwkRoundTrip) {
  const auto key = SigningKey::generate();
  const auto jwk = key.public_jwk();
  EXPECT_EQ(jwk.at("kty"), "EC");
  EXPECT_EQ(jwk.at("crv"), "P-256");
  EXPECT_EQ(jwk.at("alg"), "ES256");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("kid").as_string(), key.key_id());
  EXPECT_FALSE(jwk.contains("d"));
  const std::string x{jwk.at("x").as_string()};
  const std::string y{jwk.at("y").as_string()};
  EXPECT_EQ(base64url_decode(x)->size(), 32u);
  const std::string canonical =
      R"({"crv":"P-256","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})";
  EXPECT_EQ(key.key_id(), base64url_encode(sha256(canonical)));

  const auto loaded = SigningKey::from_jwk(jwk);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->same_public_key(key));
  EXPECT_FALSE(loaded->has_private_key());
  EXPECT_EQ(loaded->key_id(), key.key_id());

  auto without_kid = jwk;
  without_kid.erase("kid");
  EXPECT_EQ(SigningKey::from_jwk(without_kid)->key_id(), key.key_id());
  auto own_kid = jwk;
  own_kid["kid"] = "2026-11";
  EXPECT_EQ(SigningKey::from_jwk(own_kid)->key_id(), "2026-11");
}

// A JWK for another algorithm, curve, use, or a point off the curve is refused.
TEST(SigningKeyTest, JwkRefusesWhatIsNotAnEs256SigningKey) {
  const auto jwk = SigningKey::generate().public_jwk();
  auto changed = [&](std::string_view member, boost::json::value value) {
    auto copy = jwk;
    copy[member] = std::move(value);
    return SigningKey::from_jwk(copy);
  };
  EXPECT_FALSE(changed("kty", "RSA"));
  EXPECT_FALSE(changed("crv", "P-384"));
  EXPECT_FALSE(changed("alg", "HS256"));
  EXPECT_FALSE(changed("use", "enc"));
  EXPECT_FALSE(changed("x", "AAAA"));
  EXPECT_FALSE(changed("kid", 7));
  // Flip the last bit of y: the point is no longer on the curve.
  auto y = *base64url_decode(jwk.at("y").as_string());
  y.back() = static_cast<char>(y.back() ^ 1);
  EXPECT_FALSE(changed("y", boost::json::string{base64url_encode(y)}));
}

// make_jwks and parse_jwks agree; the success envelope is accepted; unusable entries and
// duplicate kids are skipped; non-JWKS text is refused.
TEST(JwksTest, RoundTripAndTolerance) {
  const auto first = SigningKey::generate();
  const auto second = SigningKey::generate();
  auto document = make_jwks({first, second});
  auto parsed = parse_jwks(boost::json::serialize(document));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].key_id(), first.key_id());
  EXPECT_TRUE((*parsed)[1].same_public_key(second));

  auto& keys = document["keys"].as_array();
  keys.push_back(boost::json::object{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}});
  keys.push_back(first.public_jwk());
  keys.push_back(42);
  const boost::json::object envelope{{"success", true}, {"data", document}};
  parsed = parse_jwks(boost::json::serialize(envelope));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 2u);

  EXPECT_FALSE(parse_jwks("not json"));
  EXPECT_FALSE(parse_jwks(R"({"keys": {}})"));
  EXPECT_FALSE(parse_jwks(R"([1, 2])"));
  EXPECT_TRUE(parse_jwks(R"({"keys": []})")->empty());
}

// The ring: the active key signs; previous keys verify; duplicates collapse.
TEST(SigningKeyRingTest, ActiveKeyFirstThenPreviousKeys) {
  const auto active = SigningKey::generate();
  const auto previous = SigningKey::generate();
  SigningKeyRing ring{active, {previous, active, previous}};
  ASSERT_EQ(ring.keys().size(), 2u);
  EXPECT_EQ(ring.active().key_id(), active.key_id());
  EXPECT_NE(ring.find(previous.key_id()), nullptr);
  EXPECT_EQ(ring.find("no-such-kid"), nullptr);
  EXPECT_EQ(ring.jwks().at("keys").as_array().size(), 2u);
  EXPECT_THROW(SigningKeyRing{*SigningKey::from_public_pem(active.public_pem())}, SigningKeyError);
}

// auth-signing-key.pem is active, auth-signing-key.<n>.pem are previous keys (highest n
// first); the public file and other names are ignored.
TEST(SigningKeyRingTest, LoadsTheSecretsDirectoryLayout) {
  TemporaryDirectory directory;
  const auto active = SigningKey::generate();
  const auto rotated_once = SigningKey::generate();
  const auto rotated_twice = SigningKey::generate();
  save_private_key(active, directory.path() / "auth-signing-key.pem");
  save_public_key(active, directory.path() / "auth-signing-key.pub.pem");
  save_private_key(rotated_once, directory.path() / "auth-signing-key.1.pem");
  save_private_key(rotated_twice, directory.path() / "auth-signing-key.2.pem");
  write_text(directory.path() / "auth-signing-key.01.pem", "ignored");
  write_text(directory.path() / "db-phonebill_auth.password", "secret");

  const auto ring = SigningKeyRing::load_from_directory(directory.path());
  ASSERT_EQ(ring.keys().size(), 3u);
  EXPECT_EQ(ring.active().key_id(), active.key_id());
  EXPECT_EQ(ring.keys()[1].key_id(), rotated_twice.key_id());
  EXPECT_EQ(ring.keys()[2].key_id(), rotated_once.key_id());

  struct stat info {};
  ASSERT_EQ(::stat((directory.path() / "auth-signing-key.pem").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// No active key, or an unreadable rotated key, stops start-up.
TEST(SigningKeyRingTest, RefusesAnIncompleteDirectory) {
  TemporaryDirectory directory;
  EXPECT_THROW(SigningKeyRing::load_from_directory(directory.path()), SigningKeyError);
  save_private_key(SigningKey::generate(), directory.path() / "auth-signing-key.pem");
  EXPECT_NO_THROW(SigningKeyRing::load_from_directory(directory.path()));
  write_text(directory.path() / "auth-signing-key.3.pem", "-----BEGIN PRIVATE KEY-----\n");
  EXPECT_THROW(SigningKeyRing::load_from_directory(directory.path()), SigningKeyError);
}

// The key `./phonebill up` writes (openssl genpkey, PKCS#8) is what we load.
TEST(SigningKeyRingTest, LoadsAnOpensslGeneratedKey) {
  TemporaryDirectory directory;
  const auto path = directory.path() / "auth-signing-key.pem";
  const auto command = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                       path.string() + " 2>/dev/null";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "no openssl command";
  const auto ring = SigningKeyRing::load_from_directory(directory.path());
  EXPECT_TRUE(ring.active().has_private_key());
}

}  // namespace
}  // namespace phonebill::security
