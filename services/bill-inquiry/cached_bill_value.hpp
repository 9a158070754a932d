// The bill cache's value (issue 17 item 3): the times and the total a hit needs on one
// short line, then the billInfo bytes exactly as an answer embeds them, so a hit reads one
// line and never parses or re-renders the bill. bill:v4 adds the bill's document key
// (bill_document_key.hpp, 64 hex digits), so a hit never hashes the bill either:
//   v4 "<cachedAt epoch ms> <freshUntil epoch ms> <totalAmount> <document key>\n<billInfo>"
//   v3 "<cachedAt epoch ms> <freshUntil epoch ms> <totalAmount>\n<billInfo JSON>"
// RedisBillCache seals it like every value. Entry points: encode_cached_bill (v4 when the
// bill has its key), decode_cached_bill (both).
#pragma once
#include <optional>
#include <string>

#include "bill_values.hpp"

namespace phonebill::bill {

struct CachedBillValue {
  ShownBill bill;
  SystemTime cached_at;
  SystemTime fresh_until;
};

std::string encode_cached_bill(const ShownBill& bill, SystemTime cached_at, SystemTime fresh_until);
// nullopt when `text` is not such a value (then it is a miss).
std::optional<CachedBillValue> decode_cached_bill(std::string text);

}  // namespace phonebill::bill
