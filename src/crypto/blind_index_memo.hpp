// The blind indexes of short values (line numbers) this process computed lately, so a line
// asked for again costs a table look-up instead of a keyed BLAKE2b (issue 17 item 3: a
// cached inquiry hashed its line twice, for the Redis key and the history's line_index,
// about 1 µs each). Bounded and direct-mapped: a slot per hash of (purpose, value), the
// newest value taking it. It holds what the process holds anyway while it serves those
// lines — the line numbers (requests, tokens, history entries carry them) and their indexes
// (sent to Redis and PostgreSQL) — only in memory, never logged or written out
// (docs/security.md "Blind-index memo"). Thread-safe (one mutex: with one I/O thread it
// is never contended). Entry points: BlindIndexMemo::find, remember.
#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::crypto {

inline constexpr std::size_t kBlindIndexBytes = 32;
using BlindIndexDigest = std::array<char, kBlindIndexBytes>;

class BlindIndexMemo {
 public:
  // Values longer than this are not kept (a canonical line number is 11 characters).
  static constexpr std::size_t kMaxValueBytes = 22;
  // Distinct purposes kept; calls with further purposes are not kept.
  static constexpr std::size_t kMaxPurposes = 4;

  // `slots` entries of 64 bytes each, allocated by the first remember().
  explicit BlindIndexMemo(std::size_t slots);
  ~BlindIndexMemo();

  // The digest remembered for (purpose, value), if its slot still holds it.
  std::optional<BlindIndexDigest> find(std::string_view purpose, std::string_view value) const;
  // Keeps `digest` for (purpose, value), replacing whatever its slot held; values or
  // purposes the memo does not keep are ignored.
  void remember(std::string_view purpose, std::string_view value, const BlindIndexDigest& digest);

 private:
  struct Entry;
  // The purpose's number (1-based), or 0 when it has none yet (and, with `add`, no room).
  std::size_t purpose_number(std::string_view purpose, bool add) const;
  std::size_t slot_of(std::size_t purpose, std::string_view value) const;

  const std::size_t slots_;
  mutable std::mutex mutex_;
  mutable std::vector<std::string> purposes_;
  std::unique_ptr<Entry[]> entries_;
};

}  // namespace phonebill::crypto
