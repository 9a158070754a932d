// BlindIndexMemo: recent blind indexes of short values (blind_index_memo.hpp).
#include "crypto/blind_index_memo.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>

namespace phonebill::crypto {

// 64 bytes: one cache line per slot.
struct BlindIndexMemo::Entry {
  std::uint8_t purpose = 0;  // 0: empty
  std::uint8_t size = 0;
  std::array<char, kMaxValueBytes> value{};
  BlindIndexDigest digest{};

  bool holds(std::size_t purpose_number, std::string_view text) const {
    return purpose == purpose_number && size == text.size() &&
           std::equal(text.begin(), text.end(), value.begin());
  }
};
BlindIndexMemo::BlindIndexMemo(std::size_t slots) : slots_(std::max<std::size_t>(slots, 1)) {
  static_assert(sizeof(Entry) <= 64, "one cache line per slot");
}

BlindIndexMemo::~BlindIndexMemo() = default;

std::size_t BlindIndexMemo::purpose_number(std::string_view purpose, bool add) const {
  for (std::size_t index = 0; index < purposes_.size(); ++index)
    if (purposes_[index] == purpose) return index + 1;
  if (!add || purposes_.size() >= kMaxPurposes) return 0;
  purposes_.emplace_back(purpose);
  return purposes_.size();
}

std::size_t BlindIndexMemo::slot_of(std::size_t purpose, std::string_view value) const {
  const auto hash = std::hash<std::string_view>{}(value) ^ (purpose * 0x9e3779b97f4a7c15ULL);
  return hash % slots_;
}

std::optional<BlindIndexDigest> BlindIndexMemo::find(std::string_view purpose,
                                                     std::string_view value) const {
  if (value.empty() || value.size() > kMaxValueBytes) return std::nullopt;
  std::lock_guard lock{mutex_};
  if (!entries_) return std::nullopt;
  const auto number = purpose_number(purpose, false);
  if (number == 0) return std::nullopt;
  const auto& entry = entries_[slot_of(number, value)];
  if (!entry.holds(number, value)) return std::nullopt;
  return entry.digest;
}

void BlindIndexMemo::remember(std::string_view purpose, std::string_view value,
                              const BlindIndexDigest& digest) {
  if (value.empty() || value.size() > kMaxValueBytes) return;
  std::lock_guard lock{mutex_};
  const auto number = purpose_number(purpose, true);
  if (number == 0) return;
  if (!entries_) entries_ = std::make_unique<Entry[]>(slots_);
  auto& entry = entries_[slot_of(number, value)];
  entry.purpose = static_cast<std::uint8_t>(number);
  entry.size = static_cast<std::uint8_t>(value.size());
  std::copy(value.begin(), value.end(), entry.value.begin());
  entry.digest = digest;
}

}  // namespace phonebill::crypto
