// auth's data keys (docs/security.md "Data protection"): PHONEBILL_DATA_KEYS when set (a
// Kubernetes Secret as environment), else the files of $PHONEBILL_DATA_KEYS_DIR (default
// <secrets directory>/data-keys). Only a local run creates a ring when none exists; in
// production a missing ring is a start-up error. `auth rotate-data-key` adds a new
// current key. Both are crypto/data_keys.hpp's, with auth's settings.
// Entry points: load_data_keys, rotate_data_key_command.
#pragma once
#include "auth_config.hpp"
#include "crypto/key_ring.hpp"

namespace phonebill::auth {

// Throws crypto::DataKeyError naming what is missing or malformed.
crypto::KeyRing load_data_keys(const Environment& environment, const AuthConfig& config);

// `auth rotate-data-key`: rotates the files of the data-key directory, prints what it
// did and what to do next; the exit code (0, or 1 with the reason on stderr).
int rotate_data_key_command(const Environment& environment);

}  // namespace phonebill::auth
