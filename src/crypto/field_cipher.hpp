// Field encryption (SPEC §14): one value sealed with XChaCha20-Poly1305 IETF (libsodium)
// under the ring's current key, bound to its place by associated data, so a sealed value
// copied to another row, column or key fails to open instead of reading as someone else's.
//
// Sealed form (format 1), bytes:
//   [0]      format version, 0x01
//   [1..2]   key id, big-endian (which ring key sealed it)
//   [3..26]  24-byte random nonce
//   [27..]   ciphertext (the plaintext's length) + 16-byte Poly1305 tag
// 43 bytes over the plaintext. The authenticated associated data is the 3 header bytes,
// then the caller's associated_data() text ("<field>\0<row identity>").
// Stored as bytea in PostgreSQL (pg_bytea_text / from_pg_bytea_text below, text protocol)
// and as base64url text elsewhere (to_text / from_text). docs/security.md has the rules.
// Entry points: FieldCipher::seal, open, needs_reseal; associated_data.
#pragma once
#include <boost/system/result.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/key_ring.hpp"

namespace phonebill::crypto {

inline constexpr unsigned char kSealedFormat = 0x01;
inline constexpr std::size_t kSealedHeaderBytes = 3;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kSealedOverhead = kSealedHeaderBytes + kNonceBytes + kTagBytes;

enum class OpenError {
  kMalformed,   // not a format-1 sealed value (too short, other version)
  kUnknownKey,  // sealed by a key this ring does not have (lost, or not yet deployed)
  kRefused,     // the tag does not verify: tampered, moved to another row, or a wrong key
};
std::string_view to_string(OpenError error);
std::ostream& operator<<(std::ostream& stream, OpenError error);
[[noreturn]] void throw_exception_from_error(OpenError error,
                                             const boost::source_location& location);

// The associated data of one field of one row: `field` names table and column
// ("auth.users.user_name"), `row` is the row's identity (its key, as text).
std::string associated_data(std::string_view field, std::string_view row);

// The id of the key that sealed `sealed`; nullopt if it is not a format-1 value.
std::optional<KeyId> sealed_key_id(std::string_view sealed);

class FieldCipher {
 public:
  // Keeps a reference: the ring must outlive the cipher.
  explicit FieldCipher(const KeyRing& ring);

  // A new sealed value under the current key, with a fresh random nonce.
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;
  // The same into `sealed`, whose capacity is reused (a writer sealing row after row).
  void seal_into(std::string& sealed, std::string_view plaintext,
                 std::string_view associated_data) const;
  // The plaintext, or why not. Never returns unauthenticated bytes.
  boost::system::result<std::string, OpenError> open(std::string_view sealed,
                                                     std::string_view associated_data) const;
  // The same, where `sealed` lies (issue 17: a cache hit allocates no second copy of a
  // value): on success `sealed` holds the plaintext; on failure its bytes are unspecified.
  boost::system::result<void, OpenError> open_in_place(std::string& sealed,
                                                       std::string_view associated_data) const;
  // True when `sealed` was sealed by a key other than the current one (or is malformed):
  // the re-encryption pass seals it again.
  bool needs_reseal(std::string_view sealed) const;

  const KeyRing& ring() const { return ring_; }

 private:
  const KeyRing& ring_;
};

// PostgreSQL's text form of a bytea value ("\x" + hex), for text-protocol parameters.
std::string pg_bytea_text(std::string_view bytes);
// The bytes of a bytea column read in text form ("\x" + hex); nullopt for anything else.
std::optional<std::string> from_pg_bytea_text(std::string_view text);

// base64url (no padding) of a sealed value, for JSON and Redis values.
std::string to_text(std::string_view sealed);
std::optional<std::string> from_text(std::string_view text);
// from_text where `text` lies: false (bytes unspecified) when it is not base64url.
bool from_text_in_place(std::string& text);

}  // namespace phonebill::crypto
