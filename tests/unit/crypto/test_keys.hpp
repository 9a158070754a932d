// Fixed keys for the crypto unit tests: recognisable, distinct, never used outside tests.
#pragma once
#include <map>
#include <string>

#include "crypto/key_ring.hpp"

namespace phonebill::crypto::test_keys {

inline std::string key_of(char fill) { return std::string(kKeyBytes, fill); }

// Keys 1 and 2 (current as given) and an index key.
inline KeyRing ring_with(std::map<KeyId, std::string> keys, KeyId current,
                         std::string index = key_of('i')) {
  return KeyRing{std::move(keys), current, std::move(index)};
}

}  // namespace phonebill::crypto::test_keys
