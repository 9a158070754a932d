#include "fuzz_targets.hpp"

#include <string_view>

#include "core/billing_month.hpp"
#include "core/json.hpp"
#include "core/line_number.hpp"
#include "fault_settings.hpp"
#include "kos/codec.hpp"

namespace phonebill::fuzz {
namespace {
std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
}  // namespace

void parse_kos_requests(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  (void)kos::parse_bill_inquiry_request(*body, errors);
  (void)kos::parse_product_inquiry_request(*body, errors);
  if (auto change = kos::parse_product_change_request(*body, errors)) (void)kos::to_json(*change);
  (void)errors.to_json();
}

void parse_kos_answers(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  if (auto envelope = kos::parse_envelope(*body, errors)) {
    (void)kos::parse_bill(envelope->data, errors);
    (void)kos::parse_product_list(envelope->data, errors);
    (void)kos::parse_product_inquiry_result(envelope->data, errors);
    (void)kos::parse_order_info(envelope->data, errors);
    if (auto months = kos::parse_available_months(envelope->data, errors)) (void)kos::to_json(*months);
  }
  (void)kos::parse_bill(*body, errors);
  (void)kos::parse_product_change_result(*body, errors);
}

void parse_fault_settings(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  if (auto settings = kos_sim::parse_fault_settings(*body, errors)) {
    // What GET shows must parse back to the same settings.
    FieldErrors again;
    auto round_trip = kos_sim::parse_fault_settings(kos_sim::to_json(*settings), again);
    if (!round_trip || !(*round_trip == *settings)) __builtin_trap();
  }
}

void parse_line_and_month(const std::uint8_t* data, std::size_t size) {
  auto text = text_of(data, size);
  if (auto line = normalize_line_number(text)) {
    if (line->size() != 11 || normalize_line_number(dashed_line_number(*line)) != line) __builtin_trap();
  }
  (void)masked_line_number(text);
  if (auto month = BillingMonth::parse(text)) {
    if (BillingMonth::parse(month->api_form()) != month || BillingMonth::parse(month->kos_form()) != month)
      __builtin_trap();
  }
}

}  // namespace phonebill::fuzz
