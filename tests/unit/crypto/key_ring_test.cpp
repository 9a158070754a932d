// The data-key ring: loaded from a directory or the environment, refused loudly when a
// key is missing, short or malformed; created once for local runs; rotated on disk.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "crypto/field_cipher.hpp"
#include "crypto/key_files.hpp"
#include "crypto/key_ring.hpp"
#include "test_keys.hpp"

namespace phonebill::crypto {
namespace {

namespace fs = std::filesystem;
using test_keys::key_of;

const std::string kHexA(64, 'a');  // 32 bytes of 0xaa
const std::string kHexB(64, 'b');
const std::string kHexI(64, 'c');

class KeyRingFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("crypto-keys-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream{directory_ / name} << text;
  }
  // The DataKeyError message of from_directory, "" when it loads.
  std::string refusal() {
    try {
      KeyRing::from_directory(directory_);
    } catch (const DataKeyError& error) {
      return error.what();
    }
    return "";
  }
  fs::path directory_;
};

TEST(KeyTextTest, AcceptsExactly64HexDigits) {
  EXPECT_EQ(parse_key_text(kHexA + "\n"), std::string(32, char(0xaa)));
  EXPECT_EQ(parse_key_text(std::string(62, 'a')), std::nullopt);  // short
  EXPECT_EQ(parse_key_text(std::string(66, 'a')), std::nullopt);  // long
  EXPECT_EQ(parse_key_text(std::string(63, 'a') + "g"), std::nullopt);
  EXPECT_EQ(parse_key_text(""), std::nullopt);
  EXPECT_EQ(key_text(std::string(32, char(0xaa))), kHexA);
}

TEST_F(KeyRingFiles, LoadsKeysCurrentAndIndex) {
  write("data-key.1", kHexA + "\n");
  write("data-key.2", kHexB);
  write("data-index-key", kHexI);
  auto highest = KeyRing::from_directory(directory_);
  EXPECT_EQ(highest.current_id(), 2);  // no data-key.current: the highest id
  EXPECT_EQ(highest.ids(), (std::vector<KeyId>{1, 2}));
  write("data-key.current", "1\n");
  auto named = KeyRing::from_directory(directory_);
  EXPECT_EQ(named.current_id(), 1);
  EXPECT_EQ(named.current_key(), std::string(32, char(0xaa)));
  EXPECT_EQ(named.index_key(), std::string(32, char(0xcc)));
}

TEST_F(KeyRingFiles, RefusesMissingShortOrWrongKeys) {
  EXPECT_NE(refusal().find("no data key"), std::string::npos);
  write("data-key.1", kHexA);
  EXPECT_NE(refusal().find("data-index-key"), std::string::npos);
  write("data-index-key", std::string(40, 'c'));  // 160 bits
  EXPECT_NE(refusal().find("64 hex digits"), std::string::npos);
  write("data-index-key", kHexA);  // the same bytes as a sealing key
  EXPECT_NE(refusal().find("must differ"), std::string::npos);
  write("data-index-key", kHexI);
  EXPECT_EQ(refusal(), "");
  write("data-key.current", "3");  // names a key the ring does not have
  EXPECT_NE(refusal().find("not in the ring"), std::string::npos);
  write("data-key.current", "1");
  write("data-key.x", kHexB);
  EXPECT_NE(refusal().find("needs an id"), std::string::npos);
  fs::remove(directory_ / "data-key.x");
  write("data-key.2", "short");
  EXPECT_NE(refusal().find("not a data key"), std::string::npos);
  // The message names the file, never its contents.
  EXPECT_EQ(refusal().find("short"), std::string::npos);
}

TEST(KeyRingEnvironmentTest, LoadsFromVariables) {
  auto environment = Environment::from_map({{"PHONEBILL_DATA_KEYS", "1:" + kHexA + ", 2:" + kHexB},
                                            {"PHONEBILL_DATA_KEY_CURRENT", "1"},
                                            {"PHONEBILL_DATA_INDEX_KEY", kHexI}});
  auto ring = KeyRing::load(environment, "/nonexistent");
  EXPECT_EQ(ring.current_id(), 1);
  EXPECT_EQ(ring.ids(), (std::vector<KeyId>{1, 2}));
}

TEST(KeyRingEnvironmentTest, RefusesBadVariablesWithoutEchoingKeys) {
  auto refusal = [](std::map<std::string, std::string> values) -> std::string {
    try {
      KeyRing::from_environment(Environment::from_map(std::move(values)));
    } catch (const DataKeyError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_NE(refusal({{"PHONEBILL_DATA_INDEX_KEY", kHexI}}).find("no data key"), std::string::npos);
  auto short_key =
      refusal({{"PHONEBILL_DATA_KEYS", "1:abcdef"}, {"PHONEBILL_DATA_INDEX_KEY", kHexI}});
  EXPECT_NE(short_key.find("PHONEBILL_DATA_KEYS"), std::string::npos);
  EXPECT_EQ(short_key.find("abcdef"), std::string::npos);
  EXPECT_NE(refusal({{"PHONEBILL_DATA_KEYS", "1:" + kHexA + ",1:" + kHexB},
                     {"PHONEBILL_DATA_INDEX_KEY", kHexI}})
                .find("twice"),
            std::string::npos);
  EXPECT_NE(refusal({{"PHONEBILL_DATA_KEYS", "1:" + kHexA}}).find("PHONEBILL_DATA_INDEX_KEY"),
            std::string::npos);
}

TEST(KeyRingEnvironmentTest, WithoutVariablesReadsTheSecretsDirectory) {
  auto environment = Environment::from_map({});
  EXPECT_EQ(KeyRing::directory_of(environment, "/run/secrets"), "/run/secrets/data-keys");
  auto moved = Environment::from_map({{"PHONEBILL_DATA_KEYS_DIR", "/mnt/keys"}});
  EXPECT_EQ(KeyRing::directory_of(moved, "/run/secrets"), "/mnt/keys");
}

TEST_F(KeyRingFiles, CreatesOnceForLocalRunsOnly) {
  auto keys = directory_ / "data-keys";
  EXPECT_THROW(load_or_create_key_ring(keys, false), DataKeyError);
  auto first = load_or_create_key_ring(keys, true);
  EXPECT_EQ(first.current_id(), 1);
  auto permissions = fs::status(keys / "data-key.1").permissions();
  EXPECT_EQ(permissions & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  auto second = load_or_create_key_ring(keys, true);
  EXPECT_EQ(second.current_key(), first.current_key());
  EXPECT_EQ(second.index_key(), first.index_key());
}

// rotate, read old and new, remove the old key once re-sealed: still readable.
TEST_F(KeyRingFiles, RotationAddsACurrentKeyAndKeepsTheOld) {
  auto keys = directory_ / "data-keys";
  auto before = load_or_create_key_ring(keys, true);
  const auto row = associated_data("auth.users.user_name", "user01");
  auto old_value = FieldCipher{before}.seal("홍길동", row);

  auto rotation = rotate_data_key(keys);
  EXPECT_EQ(rotation.previous, 1);
  EXPECT_EQ(rotation.current, 2);
  auto after = KeyRing::from_directory(keys);
  EXPECT_EQ(after.current_id(), 2);
  EXPECT_EQ(after.index_key(), before.index_key());
  FieldCipher cipher{after};
  auto new_value = cipher.seal("김영희", row);
  EXPECT_EQ(cipher.open(old_value, row).value(), "홍길동");
  EXPECT_EQ(cipher.open(new_value, row).value(), "김영희");
  auto resealed = cipher.seal(cipher.open(old_value, row).value(), row);

  fs::remove(keys / "data-key.1");
  auto without_old = KeyRing::from_directory(keys);
  EXPECT_EQ(FieldCipher{without_old}.open(resealed, row).value(), "홍길동");
  EXPECT_EQ(FieldCipher{without_old}.open(new_value, row).value(), "김영희");
  EXPECT_EQ(rotate_data_key(keys).current, 3);
}

}  // namespace
}  // namespace phonebill::crypto
