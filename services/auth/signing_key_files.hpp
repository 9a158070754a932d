// auth's signing keys on disk ($PHONEBILL_SECRETS_DIR, layout in security/signing_keys.hpp):
// the key pair is generated at first start when none is configured, and
// `auth rotate-signing-key` rotates it (the old key keeps verifying until its tokens
// have expired, then is retired). Start-up and command-line only: blocking file I/O.
// Entry points: load_or_create_signing_keys, rotate_signing_key.
#pragma once
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "security/signing_keys.hpp"

namespace phonebill::auth {

// Loads the key ring of `directory`, first generating auth-signing-key.pem (and .pub.pem)
// when it is missing. Instances starting together agree on one key: the new file is
// linked into place only if none appeared meanwhile. Throws security::SigningKeyError.
security::SigningKeyRing load_or_create_signing_keys(const std::filesystem::path& directory);

struct RotationReport {
  std::string previous_key_id;
  std::string active_key_id;
  std::vector<std::string> retired_files;  // rotated-out keys old enough to drop
};

// Moves the active key to auth-signing-key.<n>.pem (n one above the highest), generates a
// new active key, and deletes rotated-out keys that were rotated out more than
// `retire_after` ago (the access-token lifetime plus leeway: nothing they signed still
// verifies). Running instances keep their ring until restarted. Throws SigningKeyError.
RotationReport rotate_signing_key(const std::filesystem::path& directory,
                                  std::chrono::seconds retire_after);

}  // namespace phonebill::auth
