// Data keys on disk: created once for local runs, rotated by `auth rotate-data-key`.
#include "crypto/key_files.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "security/password_hasher.hpp"

namespace phonebill::crypto {
namespace {

namespace fs = std::filesystem;

std::string new_key() {
  security::ensure_sodium_initialized();
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

// Writes `text` to a new file (O_EXCL, mode 0600) and syncs it.
void write_new_file(const fs::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw DataKeyError("cannot create " + path.string() + ": " + std::strerror(errno));
  bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written) throw DataKeyError("cannot write " + path.string());
}

bool has_data_key(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) return false;
  for (const auto& entry : fs::directory_iterator{directory, error}) {
    auto name = entry.path().filename().string();
    if (name.starts_with(kSealingKeyPrefix) && name != kCurrentKeyFile) return true;
  }
  return false;
}

}  // namespace

KeyRing load_or_create_key_ring(const fs::path& directory, bool may_create) {
  if (!has_data_key(directory)) {
    if (!may_create)
      throw DataKeyError("no data key in " + directory.string() +
                         " (generate them: docs/security.md, Data protection)");
    std::error_code error;
    fs::create_directories(directory.parent_path(), error);
    auto staged = directory;
    staged += ".new." + std::to_string(::getpid());
    fs::remove_all(staged, error);
    fs::create_directory(staged, error);
    if (error) throw DataKeyError("cannot create " + staged.string() + ": " + error.message());
    fs::permissions(staged, fs::perms::owner_all, error);
    write_new_file(staged / (std::string{kSealingKeyPrefix} + "1"), key_text(new_key()) + "\n");
    write_new_file(staged / kCurrentKeyFile, "1\n");
    write_new_file(staged / kIndexKeyFile, key_text(new_key()) + "\n");
    // rename() replaces a missing or empty directory and fails when another instance
    // has put its ring there first: then that ring is the one.
    if (::rename(staged.c_str(), directory.c_str()) != 0) {
      int rename_error = errno;
      fs::remove_all(staged, error);
      if (rename_error != ENOTEMPTY && rename_error != EEXIST)
        throw DataKeyError("cannot install " + directory.string() + ": " +
                           std::strerror(rename_error));
    }
  }
  return KeyRing::from_directory(directory);
}

DataKeyRotation rotate_data_key(const fs::path& directory) {
  auto ring = KeyRing::from_directory(directory);
  auto ids = ring.ids();
  if (ids.back() == 65535) throw DataKeyError("no data key id left above 65535");
  DataKeyRotation rotation{ring.current_id(), KeyId(ids.back() + 1)};
  write_new_file(directory / (std::string{kSealingKeyPrefix} + std::to_string(rotation.current)),
                 key_text(new_key()) + "\n");
  // Hidden (a leading dot): a leftover is never read as a key file.
  auto staged = directory / (std::string{"."} + kCurrentKeyFile + ".new");
  std::error_code error;
  fs::remove(staged, error);
  write_new_file(staged, std::to_string(rotation.current) + "\n");
  if (::rename(staged.c_str(), (directory / kCurrentKeyFile).c_str()) != 0)
    throw DataKeyError("cannot replace " + (directory / kCurrentKeyFile).string() + ": " +
                       std::strerror(errno));
  return rotation;
}

}  // namespace phonebill::crypto
