// Signing keys on disk: generated once on first start, kept afterwards, rotated with the
// old key still verifying, retired once nothing it signed can verify.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "security/signing_keys.hpp"
#include "signing_key_files.hpp"

using namespace phonebill;
using namespace phonebill::auth;
namespace fs = std::filesystem;

namespace {

class SigningKeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("auth-keys-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  fs::path directory_;
};

}  // namespace

// The first start generates a key pair (private 0600); the next start loads the same key.
TEST_F(SigningKeyFiles, FirstStartGeneratesThenKeeps) {
  auto first = load_or_create_signing_keys(directory_ / "secrets");
  ASSERT_TRUE(fs::exists(directory_ / "secrets" / "auth-signing-key.pem"));
  ASSERT_TRUE(fs::exists(directory_ / "secrets" / "auth-signing-key.pub.pem"));
  auto permissions = fs::status(directory_ / "secrets" / "auth-signing-key.pem").permissions();
  EXPECT_EQ(permissions & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  auto second = load_or_create_signing_keys(directory_ / "secrets");
  EXPECT_EQ(first.active().key_id(), second.active().key_id());
  EXPECT_EQ(second.keys().size(), 1u);
}

// Rotation: a new active key, the old one still in the ring (and the JWKS).
TEST_F(SigningKeyFiles, RotationKeepsTheOldKeyForVerification) {
  auto before = load_or_create_signing_keys(directory_);
  auto report = rotate_signing_key(directory_, std::chrono::seconds{1800});
  EXPECT_EQ(report.previous_key_id, before.active().key_id());
  auto after = security::SigningKeyRing::load_from_directory(directory_);
  EXPECT_EQ(after.active().key_id(), report.active_key_id);
  EXPECT_NE(report.active_key_id, report.previous_key_id);
  ASSERT_EQ(after.keys().size(), 2u);
  EXPECT_NE(after.find(before.active().key_id()), nullptr);
  EXPECT_TRUE(fs::exists(directory_ / "auth-signing-key.1.pem"));
  EXPECT_TRUE(report.retired_files.empty());
}

// A key rotated out longer ago than the token lifetime is deleted by the next rotation.
TEST_F(SigningKeyFiles, OldRotatedKeysAreRetired) {
  load_or_create_signing_keys(directory_);
  rotate_signing_key(directory_, std::chrono::seconds{1800});
  fs::last_write_time(directory_ / "auth-signing-key.1.pem",
                      fs::file_time_type::clock::now() - std::chrono::hours{1});
  auto report = rotate_signing_key(directory_, std::chrono::seconds{1800});
  EXPECT_EQ(report.retired_files, std::vector<std::string>{"auth-signing-key.1.pem"});
  auto ring = security::SigningKeyRing::load_from_directory(directory_);
  EXPECT_EQ(ring.keys().size(), 2u);  // the new key and the one rotated out just now
  EXPECT_TRUE(fs::exists(directory_ / "auth-signing-key.2.pem"));
}
