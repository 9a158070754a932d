// auth's data keys loaded at start-up, and the rotate-data-key command (data_key_files.hpp).
#include "data_key_files.hpp"

#include <iostream>

#include "crypto/key_files.hpp"

namespace phonebill::auth {

crypto::KeyRing load_data_keys(const Environment& environment, const AuthConfig& config) {
  if (environment.get("PHONEBILL_DATA_KEYS")) return crypto::KeyRing::from_environment(environment);
  const bool local = config.environment == DeploymentEnvironment::kLocal;
  return crypto::load_or_create_key_ring(
      crypto::KeyRing::directory_of(environment, config.secrets_directory), local);
}

int rotate_data_key_command(const Environment& environment) {
  std::filesystem::path secrets = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  auto directory = crypto::KeyRing::directory_of(environment, secrets);
  try {
    auto rotation = crypto::rotate_data_key(directory);
    std::cout << "rotated: data key " << rotation.current << " is current in " << directory.string()
              << ", data key " << rotation.previous << " still opens older values\n"
              << "restart every auth instance: new values are sealed with key " << rotation.current
              << " and the re-encryption pass re-seals the older ones\n"
              << "remove data-key." << rotation.previous
              << " only after data_key_pass_done was logged (docs/security.md)\n";
  } catch (const std::exception& error) {
    std::cerr << "auth: " << error.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace phonebill::auth
