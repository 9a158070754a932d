// KeyRing: the data keys checked and loaded from files or environment (key_ring.hpp).
#include "crypto/key_ring.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/log.hpp"
#include "security/encoding.hpp"

namespace phonebill::crypto {
namespace {

namespace fs = std::filesystem;

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// A key id in decimal, 1..65535, no sign or leading zero.
std::optional<KeyId> parse_key_id(std::string_view text) {
  text = trimmed(text);
  if (text.empty() || text.size() > 5 || text.front() == '0') return std::nullopt;
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return std::nullopt;
  return KeyId(value);
}

std::string read_file(const fs::path& path) {
  std::ifstream stream{path, std::ios::binary};
  if (!stream) throw DataKeyError("cannot read " + path.string());
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

std::string key_from_file(const fs::path& path) {
  auto key = parse_key_text(read_file(path));
  if (!key)
    throw DataKeyError(path.string() + " is not a data key (64 hex digits, 256 bits expected)");
  std::error_code error;
  const auto permissions = fs::status(path, error).permissions();
  if (!error && (permissions & fs::perms::others_all) != fs::perms::none)
    log::warn("data_key_file_readable_by_others", {{"file", path.filename().string()}});
  return *key;
}

KeyId current_or_highest(const std::map<KeyId, std::string>& keys,
                         const std::optional<std::string>& named, const std::string& where) {
  if (keys.empty()) throw DataKeyError("no data key in " + where);
  if (!named) return keys.rbegin()->first;
  auto id = parse_key_id(*named);
  if (!id) throw DataKeyError(where + ": the current key id must be 1..65535");
  return *id;
}

}  // namespace

std::optional<std::string> parse_key_text(std::string_view text) {
  text = trimmed(text);
  if (text.size() != 2 * kKeyBytes) return std::nullopt;
  return security::from_hex(text);
}

std::string key_text(std::string_view key) { return security::to_hex(key); }

KeyRing::KeyRing(std::map<KeyId, std::string> sealing_keys, KeyId current, std::string index_key)
    : sealing_keys_(std::move(sealing_keys)), current_(current), index_key_(std::move(index_key)) {
  if (sealing_keys_.count(0) != 0) throw DataKeyError("data key id 0 is reserved");
  for (const auto& [id, key] : sealing_keys_) {
    if (key.size() != kKeyBytes)
      throw DataKeyError("data key " + std::to_string(id) + " is not 256 bits");
  }
  if (!sealing_keys_.contains(current_))
    throw DataKeyError("the current data key " + std::to_string(current_) + " is not in the ring");
  if (index_key_.size() != kKeyBytes) throw DataKeyError("the blind-index key is not 256 bits");
  if (std::any_of(sealing_keys_.begin(), sealing_keys_.end(),
                  [&](const auto& entry) { return entry.second == index_key_; }))
    throw DataKeyError("the blind-index key must differ from every sealing key");
}

KeyRing KeyRing::from_directory(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error))
    throw DataKeyError("no data-key directory " + directory.string());
  std::map<KeyId, std::string> keys;
  for (const auto& entry : fs::directory_iterator{directory}) {
    auto name = entry.path().filename().string();
    // Kubernetes mounts a Secret as symlinks plus ..data/..timestamp entries: skip those.
    if (!name.starts_with(kSealingKeyPrefix) || name == kCurrentKeyFile) continue;
    auto id =
        parse_key_id(std::string_view{name}.substr(std::string_view{kSealingKeyPrefix}.size()));
    if (!id) throw DataKeyError(entry.path().string() + ": data-key.<id> needs an id 1..65535");
    keys.emplace(*id, key_from_file(entry.path()));
  }
  std::optional<std::string> named;
  if (fs::exists(directory / kCurrentKeyFile, error))
    named = read_file(directory / kCurrentKeyFile);
  auto current = current_or_highest(keys, named, directory.string());
  if (!fs::exists(directory / kIndexKeyFile, error))
    throw DataKeyError("no blind-index key " + (directory / kIndexKeyFile).string());
  return KeyRing{std::move(keys), current, key_from_file(directory / kIndexKeyFile)};
}

KeyRing KeyRing::from_environment(const Environment& environment) {
  std::map<KeyId, std::string> keys;
  auto listed = environment.get("PHONEBILL_DATA_KEYS").value_or("");
  std::string_view rest = listed;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trimmed(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) continue;
    auto colon = item.find(':');
    auto id = colon == std::string_view::npos ? std::nullopt : parse_key_id(item.substr(0, colon));
    auto key = id ? parse_key_text(item.substr(colon + 1)) : std::nullopt;
    // Never echo the item: it holds a key.
    if (!id || !key)
      throw DataKeyError("PHONEBILL_DATA_KEYS: each entry is <id 1..65535>:<64 hex digits>");
    if (!keys.emplace(*id, *key).second)
      throw DataKeyError("PHONEBILL_DATA_KEYS: key id " + std::to_string(*id) + " appears twice");
  }
  auto current = current_or_highest(keys, environment.get("PHONEBILL_DATA_KEY_CURRENT"),
                                    "PHONEBILL_DATA_KEYS");
  auto index = parse_key_text(environment.get("PHONEBILL_DATA_INDEX_KEY").value_or(""));
  if (!index) throw DataKeyError("PHONEBILL_DATA_INDEX_KEY must be 64 hex digits (256 bits)");
  return KeyRing{std::move(keys), current, std::move(*index)};
}

fs::path KeyRing::directory_of(const Environment& environment, const fs::path& secrets_directory) {
  return environment.string("PHONEBILL_DATA_KEYS_DIR", (secrets_directory / "data-keys").string());
}

KeyRing KeyRing::load(const Environment& environment, const fs::path& secrets_directory) {
  if (environment.get("PHONEBILL_DATA_KEYS")) return from_environment(environment);
  return from_directory(directory_of(environment, secrets_directory));
}

const std::string* KeyRing::find(KeyId id) const {
  auto found = sealing_keys_.find(id);
  return found == sealing_keys_.end() ? nullptr : &found->second;
}

std::vector<KeyId> KeyRing::ids() const {
  std::vector<KeyId> ids;
  for (const auto& entry : sealing_keys_) ids.push_back(entry.first);
  return ids;
}

}  // namespace phonebill::crypto
