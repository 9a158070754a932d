// The bill cache's value format (see cached_bill_value.hpp).
#include "cached_bill_value.hpp"

#include <charconv>
#include <cstdint>
#include <memory>

#include "core/epoch_milliseconds.hpp"

namespace phonebill::bill {
namespace {

// The next space- or end-delimited integer of `line` from `position`, which moves past it.
std::optional<std::int64_t> next_integer(std::string_view line, std::size_t& position) {
  std::int64_t value = 0;
  const char* begin = line.data() + position;
  const char* end = line.data() + line.size();
  auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc{} || stop == begin) return std::nullopt;
  position = static_cast<std::size_t>(stop - line.data());
  if (position < line.size()) {
    if (line[position] != ' ') return std::nullopt;
    ++position;
  }
  return value;
}

}  // namespace

std::string encode_cached_bill(const ShownBill& bill, SystemTime cached_at,
                               SystemTime fresh_until) {
  std::string text = std::to_string(epoch_milliseconds(cached_at));
  text.push_back(' ');
  text.append(std::to_string(epoch_milliseconds(fresh_until)));
  text.push_back(' ');
  text.append(std::to_string(bill.total_amount));
  text.push_back('\n');
  text.append(*bill.info_json);
  return text;
}

std::optional<CachedBillValue> decode_cached_bill(std::string text) {
  const auto newline = text.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  const std::string_view line{text.data(), newline};
  std::size_t position = 0;
  auto cached_at = next_integer(line, position);
  auto fresh_until = cached_at ? next_integer(line, position) : std::nullopt;
  auto total = fresh_until ? next_integer(line, position) : std::nullopt;
  // An object after the line, or this is not one of ours.
  if (!total || position != line.size() || text.size() < newline + 3 || text[newline + 1] != '{' ||
      text.back() != '}')
    return std::nullopt;
  text.erase(0, newline + 1);  // the billInfo bytes stay where they are, no copy
  return CachedBillValue{ShownBill{std::make_shared<const std::string>(std::move(text)), *total},
                         from_epoch_milliseconds(*cached_at),
                         from_epoch_milliseconds(*fresh_until)};
}

}  // namespace phonebill::bill
