// Internal: tokens that passed every check, keyed by SHA-256 of their text, kept until
// they expire, so a client's repeated token costs a hash and a map lookup instead of an
// ECDSA verification. Bounded: when full, expired entries at the front go first, then the
// oldest. Thread-safe. Entry points: find, insert.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/light_mutex.hpp"
#include "security/access_token.hpp"

namespace phonebill::security {

class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(std::size_t capacity) : capacity_(capacity) {}

  // The token cached under `digest` if it is still usable at `now` (expires_at + `leeway`
  // not yet passed); an expired entry is dropped.
  std::optional<VerifiedToken> find(std::string_view digest, SystemTime now,
                                    SystemTime::duration leeway);
  // find(), copying a hit into `into` by assignment: its strings and permission list keep
  // their storage, so a caller that reuses one VerifiedToken pays no allocation on a hit
  // (issue 17 item 2). False on a miss (`into` is then unchanged).
  bool find_into(std::string_view digest, SystemTime now, SystemTime::duration leeway,
                 VerifiedToken& into);
  // Remembers `token` under `digest`, evicting if full. No effect with capacity 0.
  void insert(std::string digest, VerifiedToken token, SystemTime now, SystemTime::duration leeway);
  std::size_t size() const;

 private:
  struct Entry {
    VerifiedToken token;
    std::list<std::string>::iterator position;
  };
  // Drops expired entries from the front, then the oldest until there is room for one.
  void make_room(SystemTime now, SystemTime::duration leeway);

  // Looked up by string_view: a hit copies no key (issue 17, one malloc per request).
  // The key is a SHA-256 digest, whose leading bytes are already evenly spread: they are
  // the hash, rather than hashing all 32 bytes again on every request (issue 17 item 2).
  // Only verified tokens get in, so no client can pick keys that share a bucket.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      std::size_t hash = 0;
      std::memcpy(&hash, key.data(), std::min(key.size(), sizeof hash));
      return hash;
    }
  };

  const std::size_t capacity_;
  mutable LightMutex mutex_;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
  std::list<std::string> insertion_order_;  // oldest first
};

}  // namespace phonebill::security
