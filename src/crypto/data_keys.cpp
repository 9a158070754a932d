// A service's data keys and the rotate-data-key command (data_keys.hpp).
#include "crypto/data_keys.hpp"

#include <iostream>
#include <string>

#include "crypto/key_files.hpp"

namespace phonebill::crypto {

KeyRing load_data_keys(const Environment& environment,
                       const std::filesystem::path& secrets_directory, bool may_create) {
  if (environment.get("PHONEBILL_DATA_KEYS")) return KeyRing::from_environment(environment);
  return load_or_create_key_ring(KeyRing::directory_of(environment, secrets_directory), may_create);
}

int rotate_data_key_command(const Environment& environment, std::string_view service) {
  std::filesystem::path secrets = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  auto directory = KeyRing::directory_of(environment, secrets);
  try {
    auto rotation = rotate_data_key(directory);
    std::cout << "rotated: data key " << rotation.current << " is current in " << directory.string()
              << ", data key " << rotation.previous << " still opens older values\n"
              << "restart every instance of every service that shares these keys: new values"
              << " are sealed with key " << rotation.current
              << " and each one's re-encryption pass re-seals the older ones\n"
              << "remove data-key." << rotation.previous
              << " only after every service logged data_key_pass_done (docs/security.md)\n";
  } catch (const std::exception& error) {
    std::cerr << service << ": " << error.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace phonebill::crypto
