// auth's key ring and its directory layout ($PHONEBILL_SECRETS_DIR): the active key in
// auth-signing-key.pem, rotated-out keys in auth-signing-key.<n>.pem until retired
// (docs/security.md, "Signing keys"). Also the PEM file writers.
#include "security/signing_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/log.hpp"

namespace phonebill::security {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream stream{path, std::ios::binary};
  if (!stream) throw SigningKeyError("cannot read " + path.string());
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

SigningKey load_private_key(const fs::path& path) {
  auto key = SigningKey::from_private_pem(read_file(path));
  if (!key) {
    throw SigningKeyError(path.string() + " is not an unencrypted P-256 private key (PEM)");
  }
  std::error_code error;
  const auto permissions = fs::status(path, error).permissions();
  if (!error && (permissions & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    log::warn("signing_key_file_readable_by_others", {{"file", path.filename().string()}});
  }
  return std::move(*key);
}

// Writes `contents` to `path` (replacing it) with `mode`, via a temporary file renamed
// into place so a crash never leaves half a key.
void write_file(const fs::path& path, const std::string& contents, mode_t mode) {
  const auto temporary = path.string() + ".tmp";
  const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (descriptor < 0) {
    throw SigningKeyError("cannot create " + temporary + ": " + std::strerror(errno));
  }
  ::fchmod(descriptor, mode);  // umask may have narrowed it; never widen beyond `mode`
  std::size_t written = 0;
  while (written < contents.size()) {
    const auto result = ::write(descriptor, contents.data() + written, contents.size() - written);
    if (result < 0 && errno == EINTR) continue;
    if (result <= 0) {
      ::close(descriptor);
      ::unlink(temporary.c_str());
      throw SigningKeyError("cannot write " + temporary);
    }
    written += static_cast<std::size_t>(result);
  }
  if (::fsync(descriptor) != 0 || ::close(descriptor) != 0 ||
      ::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw SigningKeyError("cannot write " + path.string());
  }
}

// n of a file named auth-signing-key.<n>.pem (n: 1 to 999999999, no leading zero).
std::optional<long> previous_key_number(std::string_view name) {
  constexpr std::string_view kPrefix = "auth-signing-key.";
  constexpr std::string_view kSuffix = ".pem";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  const auto digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty() || digits.size() > 9 || digits.front() == '0') return std::nullopt;
  long number = 0;
  for (char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    number = number * 10 + (digit - '0');
  }
  return number;
}

}  // namespace

SigningKeyRing::SigningKeyRing(SigningKey active, std::vector<SigningKey> previous) {
  if (!active.has_private_key()) {
    throw SigningKeyError("the active signing key needs its private key");
  }
  keys_.push_back(std::move(active));
  for (auto& key : previous) {
    if (find(key.key_id()) == nullptr) keys_.push_back(std::move(key));
  }
}

const SigningKey* SigningKeyRing::find(std::string_view key_id) const {
  for (const auto& key : keys_) {
    if (key.key_id() == key_id) return &key;
  }
  return nullptr;
}

SigningKeyRing SigningKeyRing::load_from_directory(const fs::path& directory) {
  const auto active_path = directory / kActiveKeyFile;
  if (!fs::exists(active_path)) {
    throw SigningKeyError("no signing key: " + active_path.string() +
                          " is missing (./phonebill up generates it)");
  }
  auto active = load_private_key(active_path);

  std::vector<std::pair<long, fs::path>> previous_paths;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator{directory, error}) {
    if (auto number = previous_key_number(entry.path().filename().string())) {
      previous_paths.emplace_back(*number, entry.path());
    }
  }
  if (error) throw SigningKeyError("cannot list " + directory.string() + ": " + error.message());
  std::sort(previous_paths.begin(), previous_paths.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });

  std::vector<SigningKey> previous;
  for (const auto& [number, path] : previous_paths) previous.push_back(load_private_key(path));
  SigningKeyRing ring{std::move(active), std::move(previous)};
  log::info("signing_keys_loaded",
            {{"activeKid", ring.active().key_id()}, {"verificationKeys", ring.keys().size()}});
  return ring;
}

void save_private_key(const SigningKey& key, const fs::path& path) {
  write_file(path, key.private_pem(), 0600);
}

void save_public_key(const SigningKey& key, const fs::path& path) {
  write_file(path, key.public_pem(), 0644);
}

}  // namespace phonebill::security
