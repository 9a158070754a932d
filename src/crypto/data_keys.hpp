// A service's data-key ring at start-up and the `rotate-data-key` command (SPEC §14,
// docs/security.md "Data protection"): one implementation that every service holding
// sealed data (auth, bill-inquiry, product-change) wires, so they all read the same
// PHONEBILL_DATA_KEYS / PHONEBILL_DATA_KEYS_DIR. Start-up and command-line only: blocking
// file I/O. Entry points: load_data_keys, rotate_data_key_command.
#pragma once
#include <filesystem>
#include <string_view>

#include "core/config.hpp"
#include "crypto/key_ring.hpp"

namespace phonebill::crypto {

// PHONEBILL_DATA_KEYS when set (a Kubernetes Secret as environment), else the files of
// $PHONEBILL_DATA_KEYS_DIR (default <secrets_directory>/data-keys). Only `may_create`
// (a local run) writes a new ring when the directory has none; elsewhere a missing ring
// is an error. Throws DataKeyError naming what is missing or malformed.
KeyRing load_data_keys(const Environment& environment,
                       const std::filesystem::path& secrets_directory, bool may_create);

// `<service> rotate-data-key`: rotates the files of the data-key directory
// ($PHONEBILL_SECRETS_DIR, default .run/secrets, as the services read it), prints what it
// did and what to do next; returns the exit code (0, or 1 with the reason on stderr).
int rotate_data_key_command(const Environment& environment, std::string_view service);

}  // namespace phonebill::crypto
