// KOS-Order's wire types (SPEC §8): the request and response payloads of the six
// endpoints, as plain structs shared by kos-sim and the KOS clients. JSON shapes and
// validation live in codec.hpp; result codes in result_code.hpp; documentation of
// every field in docs/kos-sim.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_month.hpp"
#include "kos/result_code.hpp"

namespace phonebill::kos {

// KOS's "unlimited" allowance (the API shows it as "무제한").
inline constexpr std::int64_t kUnlimited = -1;

enum class LineStatus { kActive, kSuspended, kTerminated };
enum class ProductStatus { kActive, kDiscontinued };
enum class PaymentStatus { kPaid, kUnpaid, kOverdue };
enum class ContractType { kTwentyFourMonths, kTwelveMonths, kNone };
// kNotFound: KOS holds no order for the requestId (it never arrived, or was rejected
// before processing: 9001, 9999, outage).
enum class OrderStatus { kCompleted, kFailed, kNotFound };

// Wire text of each status: ACTIVE / SUSPENDED / TERMINATED, ACTIVE / DISCONTINUED,
// PAID / UNPAID / OVERDUE, 24_MONTH / 12_MONTH / NONE, COMPLETED / FAILED / NOT_FOUND.
std::string_view to_text(LineStatus status);
std::string_view to_text(ProductStatus status);
std::string_view to_text(PaymentStatus status);
std::string_view to_text(ContractType type);
std::string_view to_text(OrderStatus status);
std::optional<LineStatus> parse_line_status(std::string_view text);
std::optional<ProductStatus> parse_product_status(std::string_view text);
std::optional<PaymentStatus> parse_payment_status(std::string_view text);
std::optional<ContractType> parse_contract_type(std::string_view text);
std::optional<OrderStatus> parse_order_status(std::string_view text);

// ---- Requests --------------------------------------------------------------------

// POST /api/v1/kos/bill/inquiry
struct BillInquiryRequest {
  std::string line_number;  // canonical 01012345678
  BillingMonth billing_month;
  std::string request_id;

  bool operator==(const BillInquiryRequest&) const = default;
};

// POST /api/v1/kos/product/inquiry
struct ProductInquiryRequest {
  std::string line_number;
  std::string request_id;

  bool operator==(const ProductInquiryRequest&) const = default;
};

// POST /api/v1/kos/product/change; KOS is idempotent on request_id.
struct ProductChangeRequest {
  std::string line_number;
  std::string current_product_code;
  std::string target_product_code;
  std::string request_id;

  bool operator==(const ProductChangeRequest&) const = default;
};

// ---- Bill (bill inquiry answer) ----------------------------------------------------

struct Discount {
  std::string name;  // e.g. 선택약정할인
  std::int64_t amount = 0;

  bool operator==(const Discount&) const = default;
};

// Usage against allowance; allowance kUnlimited for unlimited plans.
struct UsageAmount {
  std::int64_t used = 0;
  std::int64_t allowance = 0;

  bool operator==(const UsageAmount&) const = default;
};

struct Usage {
  UsageAmount voice_minutes;
  UsageAmount sms_count;
  UsageAmount data_mb;

  bool operator==(const Usage&) const = default;
};

struct ContractInfo {
  ContractType contract_type = ContractType::kNone;
  std::optional<std::string> start_date;  // YYYY-MM-DD; absent for kNone
  std::optional<std::string> end_date;    // YYYY-MM-DD, the last day of the contract

  bool operator==(const ContractInfo&) const = default;
};

// The device bought on instalment with the line, as of the bill's month.
struct DeviceInstallment {
  std::string device_name;
  std::int64_t total_amount = 0;      // the device's instalment price
  std::int64_t monthly_amount = 0;    // the regular monthly instalment
  std::int64_t remaining_amount = 0;  // still owed after this bill
  std::int64_t remaining_months = 0;  // instalments left after this bill

  bool operator==(const DeviceInstallment&) const = default;
};

struct PaymentInfo {
  std::string billing_date;  // YYYY-MM-DD
  std::string due_date;      // YYYY-MM-DD
  PaymentStatus payment_status = PaymentStatus::kUnpaid;
  std::string payment_method;  // 자동이체 / 신용카드 / 지로

  bool operator==(const PaymentInfo&) const = default;
};

// total_amount = monthly_fee + usage_fee - discount_amount + device_installment, and
// discount_amount is the sum of discounts.
struct Bill {
  std::string line_number;
  BillingMonth billing_month;
  std::string customer_name;
  std::string product_code;  // the plan billed that month
  std::string product_name;
  ContractInfo contract_info;
  std::int64_t monthly_fee = 0;
  std::int64_t usage_fee = 0;
  std::int64_t discount_amount = 0;
  std::int64_t device_installment = 0;  // charged on this bill
  std::int64_t total_amount = 0;
  std::vector<Discount> discounts;
  Usage usage;
  std::int64_t termination_fee = 0;  // what ending the contract that month would cost
  std::optional<DeviceInstallment> installment;
  PaymentInfo payment_info;

  bool operator==(const Bill&) const = default;
};

// GET /api/v1/kos/bill/available-months/{lineNumber}
struct AvailableMonths {
  std::string line_number;
  std::vector<BillingMonth> months;  // newest first

  bool operator==(const AvailableMonths&) const = default;
};

// ---- Products ----------------------------------------------------------------------

struct Product {
  std::string product_code;
  std::string product_name;
  std::string operator_code;  // KT / SKT / LGU
  std::string network_type;   // 5G / LTE / 3G
  std::int64_t monthly_fee = 0;
  std::int64_t data_allowance_gb = 0;        // kUnlimited or GB per month
  std::int64_t voice_allowance_minutes = 0;  // kUnlimited or minutes
  std::int64_t sms_allowance = 0;            // kUnlimited or messages
  ProductStatus status = ProductStatus::kActive;
  std::string description;

  bool operator==(const Product&) const = default;
};

// GET /api/v1/kos/product/list: the whole catalogue, discontinued plans included.
struct ProductList {
  std::vector<Product> products;

  bool operator==(const ProductList&) const = default;
};

struct Customer {
  std::string customer_id;
  std::string customer_name;
  std::string line_number;
  LineStatus line_status = LineStatus::kActive;

  bool operator==(const Customer&) const = default;
};

// POST /api/v1/kos/product/inquiry answer. A SUSPENDED line is answered (0000) with
// its status, so callers can show it and refuse a change themselves.
struct ProductInquiryResult {
  Customer customer;
  Product current_product;
  ContractInfo contract_info;

  bool operator==(const ProductInquiryResult&) const = default;
};

// POST /api/v1/kos/product/change answer (0000 only; failures carry no data).
struct ProductChangeResult {
  std::string request_id;
  std::string kos_order_number;
  std::string line_number;
  std::string previous_product_code;  // the line's plan before the change
  std::string new_product_code;
  std::string effective_date;  // YYYY-MM-DD, the 1st of next month (Seoul)
  std::string processed_at;    // ISO-8601 with offset

  bool operator==(const ProductChangeResult&) const = default;
};

// GET /api/v1/kos/product/change/{requestId}: the order's outcome, for reconciliation.
// kNotFound carries only request_id; kFailed has no order number or effective date.
struct OrderInfo {
  std::string request_id;
  OrderStatus status = OrderStatus::kNotFound;
  std::optional<std::string> line_number;
  std::optional<std::string> current_product_code;  // as sent
  std::optional<std::string> target_product_code;
  std::optional<std::string> previous_product_code;  // the line's actual plan before
  std::optional<std::string> kos_order_number;
  std::optional<std::string> effective_date;
  std::optional<KosResultCode> result_code;  // 0000 or the 2001…2005 it failed with
  std::optional<std::string> result_message;
  std::optional<std::string> created_at;

  bool operator==(const OrderInfo&) const = default;
};

}  // namespace phonebill::kos
