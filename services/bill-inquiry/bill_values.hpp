// The plain values bill-inquiry's use cases answer with (SPEC §5), rendered to JSON only
// at the edge (bill_views.hpp): the menu, an inquiry's answer and where it came from.
// Entry points: BillMenu, InquiryAnswer, BillSource.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_month.hpp"
#include "core/clock.hpp"
#include "kos/wire.hpp"

namespace phonebill::bill {

// Where an inquiry's bill came from: a fresh cached copy, KOS itself, or the last good
// copy because KOS could not answer.
enum class BillSource { kCache, kKos, kStaleCache };
std::string_view to_string(BillSource source);  // "CACHE", "KOS", "STALE_CACHE"

// A bill as shown (SPEC §5 billInfo): its billInfo JSON bytes, rendered once (bill_views'
// shown_bill, from KOS's answer) or read as the cache holds them, then shared, immutable,
// by the answer, the history entry and the cache: the hit path never parses or re-renders
// the bill (issue 17). Plus the one value the domain reads of it.
// The key of its bill document (bill_document_key.hpp): 32 bytes, kept inline so copying
// a ShownBill allocates nothing.
using DocumentKey = std::array<char, 32>;

struct ShownBill {
  std::shared_ptr<const std::string> info_json;  // never null
  std::int64_t total_amount = 0;
  // Carried by a cached copy (bill:v4); otherwise computed where a history row needs it.
  // Not part of the bill's identity (equality), only a memo of a hash of it.
  std::optional<DocumentKey> document_key;

  bool operator==(const ShownBill& other) const {
    return total_amount == other.total_amount && *info_json == *other.info_json;
  }
};

struct InquiryAnswer {
  std::string request_id;
  BillSource source = BillSource::kKos;
  std::optional<SystemTime> cached_at;  // CACHE and STALE_CACHE
  ShownBill bill;
};

// Where the menu's months came from: KOS, or the last months computed locally.
enum class MonthsSource { kKos, kLocal };

struct BillMenu {
  std::string customer_id;
  std::string line_number;
  std::optional<std::string> customer_name;    // absent when KOS's product inquiry failed
  std::vector<BillingMonth> available_months;  // newest first
  BillingMonth default_month;
  MonthsSource months_source = MonthsSource::kKos;

  bool operator==(const BillMenu&) const = default;
};

}  // namespace phonebill::bill
