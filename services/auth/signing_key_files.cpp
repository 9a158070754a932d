// Signing keys on disk: created at first start, rotated by `auth rotate-signing-key`.
#include "signing_key_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/log.hpp"

namespace phonebill::auth {
namespace {

namespace fs = std::filesystem;

// n of a rotated-out key's file name auth-signing-key.<n>.pem (n from 1, at most 9 digits),
// as SigningKeyRing::load_from_directory reads them.
std::optional<long> rotated_key_number(std::string_view name) {
  constexpr std::string_view kPrefix = "auth-signing-key.";
  constexpr std::string_view kSuffix = ".pem";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  auto digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty() || digits.size() > 9 || digits.front() == '0') return std::nullopt;
  long number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

// Rotated-out keys with their numbers.
std::vector<std::pair<long, fs::path>> rotated_key_files(const fs::path& directory) {
  std::vector<std::pair<long, fs::path>> files;
  for (const auto& entry : fs::directory_iterator{directory}) {
    if (auto number = rotated_key_number(entry.path().filename().string()))
      files.emplace_back(*number, entry.path());
  }
  return files;
}

// Writes a new key pair as the active key unless one exists. True if ours was installed.
bool install_new_key(const fs::path& directory, const security::SigningKey& key) {
  auto active = directory / security::kActiveKeyFile;
  auto staged = directory / ("auth-signing-key.new." + std::to_string(::getpid()) + ".pem");
  security::save_private_key(key, staged);
  // link() fails with EEXIST when another instance installed its key first.
  int linked = ::link(staged.c_str(), active.c_str());
  int link_error = errno;
  ::unlink(staged.c_str());
  if (linked != 0 && link_error != EEXIST)
    throw security::SigningKeyError("cannot install " + active.string() + ": " +
                                    std::strerror(link_error));
  if (linked != 0) return false;
  security::save_public_key(key, directory / security::kActivePublicKeyFile);
  return true;
}

}  // namespace

security::SigningKeyRing load_or_create_signing_keys(const fs::path& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error)
    throw security::SigningKeyError("cannot create " + directory.string() + ": " + error.message());
  if (!fs::exists(directory / security::kActiveKeyFile)) {
    auto key = security::SigningKey::generate();
    if (install_new_key(directory, key))
      log::info("signing_key_generated", {{"kid", key.key_id()}});
  }
  return security::SigningKeyRing::load_from_directory(directory);
}

RotationReport rotate_signing_key(const fs::path& directory, std::chrono::seconds retire_after) {
  auto current = security::SigningKeyRing::load_from_directory(directory);
  RotationReport report;
  report.previous_key_id = current.active().key_id();

  auto rotated = rotated_key_files(directory);
  long next_number = 1;
  for (const auto& [number, path] : rotated) next_number = std::max(next_number, number + 1);
  auto now = fs::file_time_type::clock::now();
  for (const auto& [number, path] : rotated) {
    // A rotated file's modification time is when it was rotated out (set below).
    if (fs::last_write_time(path) + retire_after < now) {
      fs::remove(path);
      report.retired_files.push_back(path.filename().string());
    }
  }

  auto active = directory / security::kActiveKeyFile;
  auto moved = directory / ("auth-signing-key." + std::to_string(next_number) + ".pem");
  fs::rename(active, moved);
  fs::last_write_time(moved, now);
  auto key = security::SigningKey::generate();
  if (!install_new_key(directory, key))
    throw security::SigningKeyError("another process installed a key during the rotation");
  report.active_key_id = key.key_id();
  return report;
}

}  // namespace phonebill::auth
