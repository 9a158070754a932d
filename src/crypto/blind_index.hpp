// Blind index (SPEC §14): a keyed hash (libsodium crypto_generichash, BLAKE2b, keyed with
// the ring's blind-index key, never a sealing key) of a normalised value, so "user by
// line" and "history of this line" stay one indexed equality look-up while the column
// shows no line number. The same value and purpose always give the same 32 bytes; a
// different key gives unrelated ones. The index key is not rotated by rotate-data-key:
// changing it means recomputing every index column (docs/security.md).
// Short values (line numbers) are remembered per instance (BlindIndexMemo), so a line
// asked for again is not hashed again.
// Entry point: BlindIndex::compute.
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/blind_index_memo.hpp"
#include "crypto/key_ring.hpp"

namespace phonebill::crypto {

class BlindIndex {
 public:
  // Slots of the memo of short values (64 bytes each: 128 KiB, allocated on first use).
  static constexpr std::size_t kMemoSlots = 2048;

  // Keeps a reference: the ring must outlive the index.
  explicit BlindIndex(const KeyRing& ring);

  // 32 bytes for `value` under `purpose` ("auth.users.line_number"): purposes keep one
  // column's index from matching another's. Normalise the value first (canonical line).
  std::string compute(std::string_view purpose, std::string_view value) const;
  // The same 32 bytes, in an array (no allocation).
  BlindIndexDigest digest(std::string_view purpose, std::string_view value) const;
  // compute(purpose, the parts one after another), hashed part by part: a value made of a
  // large part (a bill) costs no concatenated copy.
  std::string compute_parts(std::string_view purpose,
                            std::initializer_list<std::string_view> parts) const;

  // Keyed hashes computed so far by this instance (the memo's answers not counted).
  std::uint64_t hashes_computed() const { return hashes_->load(std::memory_order_relaxed); }

 private:
  void hash_into(std::string_view purpose, std::initializer_list<std::string_view> parts,
                 char* digest) const;

  const KeyRing* ring_;
  std::unique_ptr<BlindIndexMemo> memo_;
  std::unique_ptr<std::atomic<std::uint64_t>> hashes_;
};

}  // namespace phonebill::crypto
