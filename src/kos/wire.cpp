// Wire text of the KOS status enums (wire.hpp).
#include "kos/wire.hpp"

#include <utility>

namespace phonebill::kos {
namespace {

template <class Enum, std::size_t N>
std::string_view text_of(const std::pair<Enum, std::string_view> (&table)[N], Enum value) {
  for (const auto& [entry, text] : table)
    if (entry == value) return text;
  return {};
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_of(const std::pair<Enum, std::string_view> (&table)[N],
                             std::string_view text) {
  for (const auto& [entry, entry_text] : table)
    if (entry_text == text) return entry;
  return std::nullopt;
}

constexpr std::pair<LineStatus, std::string_view> kLineStatuses[] = {
    {LineStatus::kActive, "ACTIVE"},
    {LineStatus::kSuspended, "SUSPENDED"},
    {LineStatus::kTerminated, "TERMINATED"},
};
constexpr std::pair<ProductStatus, std::string_view> kProductStatuses[] = {
    {ProductStatus::kActive, "ACTIVE"},
    {ProductStatus::kDiscontinued, "DISCONTINUED"},
};
constexpr std::pair<PaymentStatus, std::string_view> kPaymentStatuses[] = {
    {PaymentStatus::kPaid, "PAID"},
    {PaymentStatus::kUnpaid, "UNPAID"},
    {PaymentStatus::kOverdue, "OVERDUE"},
};
constexpr std::pair<ContractType, std::string_view> kContractTypes[] = {
    {ContractType::kTwentyFourMonths, "24_MONTH"},
    {ContractType::kTwelveMonths, "12_MONTH"},
    {ContractType::kNone, "NONE"},
};
constexpr std::pair<OrderStatus, std::string_view> kOrderStatuses[] = {
    {OrderStatus::kCompleted, "COMPLETED"},
    {OrderStatus::kFailed, "FAILED"},
    {OrderStatus::kNotFound, "NOT_FOUND"},
};

}  // namespace

std::string_view to_text(LineStatus status) { return text_of(kLineStatuses, status); }
std::string_view to_text(ProductStatus status) { return text_of(kProductStatuses, status); }
std::string_view to_text(PaymentStatus status) { return text_of(kPaymentStatuses, status); }
std::string_view to_text(ContractType type) { return text_of(kContractTypes, type); }
std::string_view to_text(OrderStatus status) { return text_of(kOrderStatuses, status); }

std::optional<LineStatus> parse_line_status(std::string_view text) {
  return parse_of(kLineStatuses, text);
}
std::optional<ProductStatus> parse_product_status(std::string_view text) {
  return parse_of(kProductStatuses, text);
}
std::optional<PaymentStatus> parse_payment_status(std::string_view text) {
  return parse_of(kPaymentStatuses, text);
}
std::optional<ContractType> parse_contract_type(std::string_view text) {
  return parse_of(kContractTypes, text);
}
std::optional<OrderStatus> parse_order_status(std::string_view text) {
  return parse_of(kOrderStatuses, text);
}

}  // namespace phonebill::kos
