// auth's data keys loaded at start-up, and the rotate-data-key command (data_key_files.hpp).
#include "data_key_files.hpp"

#include "crypto/data_keys.hpp"

namespace phonebill::auth {

crypto::KeyRing load_data_keys(const Environment& environment, const AuthConfig& config) {
  return crypto::load_data_keys(environment, config.secrets_directory,
                                config.environment == DeploymentEnvironment::kLocal);
}

int rotate_data_key_command(const Environment& environment) {
  return crypto::rotate_data_key_command(environment, "auth");
}

}  // namespace phonebill::auth
