// The bill cache's value format (see cached_bill_value.hpp).
#include "cached_bill_value.hpp"

#include <charconv>
#include <cstdint>
#include <memory>

#include "core/epoch_milliseconds.hpp"
#include "security/encoding.hpp"

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

// Exactly 64 lower-case hex digits: the 32 bytes of a document key. Read in place
// (security::from_hex would return a new string): a hit allocates nothing for it.
std::optional<DocumentKey> read_document_key(std::string_view hex) {
  DocumentKey key{};
  if (hex.size() != key.size() * 2) return std::nullopt;
  auto digit = [](char character) -> int {
    if (character >= '0' && character <= '9') return character - '0';
    if (character >= 'a' && character <= 'f') return character - 'a' + 10;
    return -1;
  };
  for (std::size_t index = 0; index < key.size(); ++index) {
    const int high = digit(hex[2 * index]);
    const int low = digit(hex[2 * index + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    key[index] = static_cast<char>(high << 4 | low);
  }
  return key;
}

}  // namespace

std::string encode_cached_bill(const ShownBill& bill, SystemTime cached_at,
                               SystemTime fresh_until) {
  std::string text = std::to_string(epoch_milliseconds(cached_at));
  text.push_back(' ');
  text.append(std::to_string(epoch_milliseconds(fresh_until)));
  text.push_back(' ');
  text.append(std::to_string(bill.total_amount));
  if (bill.document_key) {
    text.push_back(' ');
    text.append(security::to_hex({bill.document_key->data(), bill.document_key->size()}));
  }
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
  if (!total) return std::nullopt;
  std::optional<DocumentKey> document_key;
  if (position != line.size()) {  // v4: the document key
    document_key = read_document_key(line.substr(position));
    if (!document_key) return std::nullopt;
  }
  // An object after the line, or this is not one of ours.
  if (text.size() < newline + 3 || text[newline + 1] != '{' || text.back() != '}')
    return std::nullopt;
  text.erase(0, newline + 1);  // the billInfo bytes move to the front, into no new string
  return CachedBillValue{
      ShownBill{std::make_shared<const std::string>(std::move(text)), *total, document_key},
      from_epoch_milliseconds(*cached_at), from_epoch_milliseconds(*fresh_until)};
}

}  // namespace phonebill::bill
