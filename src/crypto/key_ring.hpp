// The data-key ring of field encryption (SPEC §14, docs/security.md "Data protection"):
// versioned 256-bit sealing keys (the id travels with every sealed value), the id of the
// one that seals new values, and the separate blind-index key. Loaded from a directory
// (files, e.g. a mounted Kubernetes Secret) or from environment variables; anything
// missing, malformed or short is a DataKeyError at start-up, never a silent default.
// Entry points: KeyRing::load, KeyRing::from_directory, KeyRing::from_environment.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace phonebill::crypto {

class DataKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using KeyId = std::uint16_t;  // 1..65535; 0 is never a key

inline constexpr std::size_t kKeyBytes = 32;

// File names in the data-key directory: one sealing key per file (64 hex characters),
// the current key's id, and the blind-index key (64 hex characters).
inline constexpr const char* kSealingKeyPrefix = "data-key.";  // data-key.<id>
inline constexpr const char* kCurrentKeyFile = "data-key.current";
inline constexpr const char* kIndexKeyFile = "data-index-key";

// A key's 32 bytes from its text form: 64 hex digits, surrounding whitespace ignored.
// nullopt for anything else (a short or long key is refused, not padded).
std::optional<std::string> parse_key_text(std::string_view text);
// The text form written to files and variables (64 lower-case hex digits).
std::string key_text(std::string_view key);

class KeyRing {
 public:
  // Throws DataKeyError unless `current` is one of `sealing_keys`, every key is 32 bytes
  // and the index key is 32 bytes.
  KeyRing(std::map<KeyId, std::string> sealing_keys, KeyId current, std::string index_key);

  // Files in `directory`: data-key.<id> (every key that may still have sealed something),
  // data-key.current (optional: the highest id otherwise), data-index-key.
  static KeyRing from_directory(const std::filesystem::path& directory);
  // PHONEBILL_DATA_KEYS ("<id>:<hex>,<id>:<hex>"), PHONEBILL_DATA_KEY_CURRENT (optional:
  // the highest id otherwise) and PHONEBILL_DATA_INDEX_KEY.
  static KeyRing from_environment(const Environment& environment);
  // The environment when PHONEBILL_DATA_KEYS is set, else $PHONEBILL_DATA_KEYS_DIR
  // (default <secrets directory>/data-keys).
  static KeyRing load(const Environment& environment,
                      const std::filesystem::path& secrets_directory);
  // Where load() reads files from (when PHONEBILL_DATA_KEYS is not set).
  static std::filesystem::path directory_of(const Environment& environment,
                                            const std::filesystem::path& secrets_directory);

  KeyId current_id() const { return current_; }
  const std::string& current_key() const { return sealing_keys_.at(current_); }
  // The key with this id, nullptr if the ring does not have it.
  const std::string* find(KeyId id) const;
  std::vector<KeyId> ids() const;
  const std::string& index_key() const { return index_key_; }

 private:
  std::map<KeyId, std::string> sealing_keys_;
  KeyId current_ = 0;
  std::string index_key_;
};

}  // namespace phonebill::crypto
