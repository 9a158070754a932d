// The data-key directory on disk (layout in key_ring.hpp): created for local runs when
// nothing is configured, and rotated by `auth rotate-data-key`. Start-up and command-line
// only: blocking file I/O. Entry points: load_or_create_key_ring, rotate_data_key.
#pragma once
#include <filesystem>

#include "crypto/key_ring.hpp"

namespace phonebill::crypto {

// The ring in `directory`; when the directory has no data key yet and `may_create`,
// first writes a new one (data-key.1, data-key.current, data-index-key, mode 0600).
// Instances starting together agree on one ring: it is built beside the directory and
// renamed into place, and a loser loads the winner's. Throws DataKeyError.
KeyRing load_or_create_key_ring(const std::filesystem::path& directory, bool may_create);

struct DataKeyRotation {
  KeyId previous = 0;
  KeyId current = 0;
};

// Adds data-key.<highest + 1> and makes it current (data-key.current replaced by rename).
// Older keys stay: values they sealed stay readable until the re-encryption pass has
// moved them. Running instances keep their ring until restarted. Throws DataKeyError.
DataKeyRotation rotate_data_key(const std::filesystem::path& directory);

}  // namespace phonebill::crypto
