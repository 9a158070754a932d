// kos-sim's database access: lookups, the idempotent change, data (re)generation.
#include "kos_store.hpp"

#include "core/json.hpp"
#include "kos_rules.hpp"
#include "queries.hpp"

namespace phonebill::kos_sim {

using kos::KosResultCode;
using storage::PgRows;

namespace {

// Builds statement parameters outside the co_await expression: GCC 12 miscompiles
// braced initializer lists inside co_await ("array used as initializer").
template <typename... Values>
storage::PgParams params(Values&&... values) {
  storage::PgParams list;
  list.reserve(sizeof...(Values));
  (list.emplace_back(std::forward<Values>(values)), ...);
  return list;
}

std::optional<kos::LineStatus> line_status_of(const PgRows& rows) {
  if (rows.empty()) return std::nullopt;
  return kos::parse_line_status(rows.text(0, "line_status"));
}

kos::ContractInfo contract_of(const PgRows& rows) {
  kos::ContractInfo contract;
  contract.contract_type =
      kos::parse_contract_type(rows.text(0, "contract_type")).value_or(kos::ContractType::kNone);
  contract.start_date = rows.optional_text(0, "contract_start_date");
  contract.end_date = rows.optional_text(0, "contract_end_date");
  return contract;
}

std::vector<kos::Discount> discounts_of(std::string_view text) {
  std::vector<kos::Discount> discounts;
  auto parsed = parse_json(text);
  if (!parsed || !parsed->is_array()) return discounts;
  for (const auto& item : parsed->get_array()) {
    if (!item.is_object()) continue;
    const auto& object = item.get_object();
    kos::Discount discount;
    if (auto* name = object.if_contains("name"); name && name->is_string())
      discount.name = std::string{name->get_string()};
    if (auto* amount = object.if_contains("amount"); amount && amount->is_int64())
      discount.amount = amount->get_int64();
    discounts.push_back(std::move(discount));
  }
  return discounts;
}

kos::Bill bill_of(const PgRows& rows, const std::string& line_number) {
  kos::Bill bill;
  bill.line_number = line_number;
  bill.billing_month = BillingMonth::parse(rows.text(0, "billing_month")).value_or(BillingMonth{});
  bill.customer_name = std::string{rows.text(0, "customer_name")};
  bill.product_code = std::string{rows.text(0, "product_code")};
  bill.product_name = std::string{rows.text(0, "product_name")};
  bill.contract_info = contract_of(rows);
  bill.monthly_fee = rows.int64(0, "monthly_fee");
  bill.usage_fee = rows.int64(0, "usage_fee");
  bill.discount_amount = rows.int64(0, "discount_total");
  bill.device_installment = rows.int64(0, "device_installment");
  bill.total_amount = rows.int64(0, "total_amount");
  bill.discounts = discounts_of(rows.text(0, "discounts"));
  bill.usage.voice_minutes = {rows.int64(0, "voice_used_minutes"),
                              rows.int64(0, "voice_allowance_minutes")};
  bill.usage.sms_count = {rows.int64(0, "sms_used"), rows.int64(0, "sms_allowance")};
  bill.usage.data_mb = {rows.int64(0, "data_used_mb"), rows.int64(0, "data_allowance_mb")};
  bill.termination_fee = rows.int64(0, "termination_fee");
  auto device = rows.optional_text(0, "device_name");
  // Months before the device was bought carry no instalment block.
  if (device && (bill.device_installment > 0 || rows.int64(0, "installment_remaining") > 0)) {
    kos::DeviceInstallment installment;
    installment.device_name = *device;
    installment.total_amount = rows.int64(0, "installment_total");
    installment.monthly_amount = rows.int64(0, "installment_monthly");
    installment.remaining_amount = rows.int64(0, "installment_remaining");
    installment.remaining_months = rows.int64(0, "installment_remaining_months");
    bill.installment = std::move(installment);
  }
  bill.payment_info.billing_date = std::string{rows.text(0, "billing_date")};
  bill.payment_info.due_date = std::string{rows.text(0, "due_date")};
  bill.payment_info.payment_status = kos::parse_payment_status(rows.text(0, "payment_status"))
                                         .value_or(kos::PaymentStatus::kUnpaid);
  bill.payment_info.payment_method = std::string{rows.text(0, "payment_method")};
  return bill;
}

kos::Product product_of(const PgRows& rows, std::size_t row) {
  kos::Product product;
  product.product_code = std::string{rows.text(row, "product_code")};
  product.product_name = std::string{rows.text(row, "product_name")};
  product.operator_code = std::string{rows.text(row, "operator_code")};
  product.network_type = std::string{rows.text(row, "network_type")};
  product.monthly_fee = rows.int64(row, "monthly_fee");
  product.data_allowance_gb = rows.int64(row, "data_allowance_gb");
  product.voice_allowance_minutes = rows.int64(row, "voice_allowance_minutes");
  product.sms_allowance = rows.int64(row, "sms_allowance");
  product.status =
      kos::parse_product_status(rows.text(row, "status")).value_or(kos::ProductStatus::kActive);
  product.description = std::string{rows.text(row, "description")};
  return product;
}

kos::OrderInfo order_of(const PgRows& rows) {
  kos::OrderInfo order;
  order.request_id = std::string{rows.text(0, "request_id")};
  order.status =
      kos::parse_order_status(rows.text(0, "status")).value_or(kos::OrderStatus::kFailed);
  order.line_number = rows.optional_text(0, "line_number");
  order.current_product_code = rows.optional_text(0, "current_product_code");
  order.target_product_code = rows.optional_text(0, "target_product_code");
  order.previous_product_code = rows.optional_text(0, "previous_product_code");
  order.kos_order_number = rows.optional_text(0, "kos_order_number");
  order.effective_date = rows.optional_text(0, "effective_date");
  order.result_code = kos::parse_result_code(rows.text(0, "result_code"));
  if (order.result_code)
    order.result_message = std::string{kos::default_message(*order.result_code)};
  order.created_at = rows.optional_text(0, "created_at");
  return order;
}

// The stored outcome of an order, as the change endpoint answers it.
ChangeOutcome outcome_of(const kos::OrderInfo& order) {
  ChangeOutcome outcome;
  outcome.code = order.result_code.value_or(KosResultCode::kSystemError);
  if (order.status == kos::OrderStatus::kCompleted) {
    kos::ProductChangeResult result;
    result.request_id = order.request_id;
    result.kos_order_number = order.kos_order_number.value_or("");
    result.line_number = order.line_number.value_or("");
    result.previous_product_code = order.previous_product_code.value_or("");
    result.new_product_code = order.target_product_code.value_or("");
    result.effective_date = order.effective_date.value_or("");
    result.processed_at = order.created_at.value_or("");
    outcome.result = std::move(result);
  }
  return outcome;
}

}  // namespace

KosStore::KosStore(storage::PgPool& pool) : pool_(pool) {}

void KosStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kFindBillName, queries::kFindBill);
  pool.register_statement(queries::kAvailableMonthsName, queries::kAvailableMonths);
  pool.register_statement(queries::kProductInquiryName, queries::kProductInquiry);
  pool.register_statement(queries::kCatalogueName, queries::kCatalogue);
  pool.register_statement(queries::kFindOrderName, queries::kFindOrder);
  pool.register_statement(queries::kChangeProductName, queries::kChangeProduct);
  pool.register_statement(queries::kEnsureGeneratedName, queries::kEnsureGenerated);
}

boost::asio::awaitable<PgResult<BillLookup>> KosStore::find_bill(std::string line_number,
                                                                 BillingMonth month,
                                                                 Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kFindBillName, params(line_number, month.kos_form()),
                                     deadline);
  if (!rows) co_return rows.error();
  BillLookup lookup;
  bool bill_exists = !rows->empty() && !rows->is_null(0, "billing_month");
  lookup.code = bill_inquiry_result(line_status_of(*rows), bill_exists);
  if (lookup.code == KosResultCode::kSuccess) lookup.bill = bill_of(*rows, line_number);
  co_return lookup;
}

boost::asio::awaitable<PgResult<MonthsLookup>> KosStore::available_months(std::string line_number,
                                                                          Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kAvailableMonthsName, params(line_number), deadline);
  if (!rows) co_return rows.error();
  MonthsLookup lookup;
  lookup.months.line_number = line_number;
  if (rows->empty()) {
    lookup.code = KosResultCode::kBillLineNotFound;
    co_return lookup;
  }
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    if (rows->is_null(row, "billing_month")) continue;
    if (auto month = BillingMonth::parse(rows->text(row, "billing_month")))
      lookup.months.months.push_back(*month);
  }
  co_return lookup;
}

boost::asio::awaitable<PgResult<ProductLookup>> KosStore::product_inquiry(std::string line_number,
                                                                          Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kProductInquiryName, params(line_number), deadline);
  if (!rows) co_return rows.error();
  ProductLookup lookup;
  bool product_exists = !rows->empty() && !rows->is_null(0, "product_code");
  lookup.code = product_inquiry_result(line_status_of(*rows), product_exists);
  if (lookup.code != KosResultCode::kSuccess) co_return lookup;
  kos::ProductInquiryResult result;
  result.customer.customer_id = std::string{rows->text(0, "customer_id")};
  result.customer.customer_name = std::string{rows->text(0, "customer_name")};
  result.customer.line_number = line_number;
  result.customer.line_status = *line_status_of(*rows);
  result.current_product = product_of(*rows, 0);
  result.contract_info = contract_of(*rows);
  lookup.result = std::move(result);
  co_return lookup;
}

boost::asio::awaitable<PgResult<std::vector<kos::Product>>> KosStore::catalogue(Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kCatalogueName, storage::PgParams{}, deadline);
  if (!rows) co_return rows.error();
  std::vector<kos::Product> products;
  for (std::size_t row = 0; row < rows->row_count(); ++row)
    products.push_back(product_of(*rows, row));
  co_return products;
}

boost::asio::awaitable<PgResult<kos::OrderInfo>> KosStore::find_order(std::string request_id,
                                                                      Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kFindOrderName, params(request_id), deadline);
  if (!rows) co_return rows.error();
  if (rows->empty()) {
    kos::OrderInfo order;
    order.request_id = std::move(request_id);
    order.status = kos::OrderStatus::kNotFound;
    co_return order;
  }
  co_return order_of(*rows);
}

boost::asio::awaitable<PgResult<ChangeOutcome>> KosStore::change_product(
    kos::ProductChangeRequest request, Deadline deadline) {
  // One statement: db/kos/004_change_product.sql locks the line, applies the rules of
  // KOS (2001…2005) and stores the order, idempotently on the request id.
  auto rows =
      co_await pool_.execute(queries::kChangeProductName,
                             params(request.request_id, request.line_number,
                                    request.current_product_code, request.target_product_code),
                             deadline);
  if (!rows) co_return rows.error();
  co_return outcome_of(order_of(*rows));
}

boost::asio::awaitable<PgResult<GenerationState>> KosStore::ensure_generated(int customers,
                                                                             int seed,
                                                                             BillingMonth anchor,
                                                                             Deadline deadline) {
  auto rows = co_await pool_.execute(
      queries::kEnsureGeneratedName,
      params(std::to_string(customers), std::to_string(seed), anchor.kos_form()), deadline);
  if (!rows) co_return rows.error();
  GenerationState state;
  state.seed = int(rows->int64(0, "seed"));
  state.customers = int(rows->int64(0, "customer_count"));
  state.anchor_month = std::string{rows->text(0, "anchor_month")};
  state.lines = rows->int64(0, "line_count");
  state.bills = rows->int64(0, "bill_count");
  state.duration_ms = rows->int64(0, "duration_ms");
  state.generated_at = std::string{rows->text(0, "generated_at")};
  co_return state;
}

}  // namespace phonebill::kos_sim
