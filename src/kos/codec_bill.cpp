// JSON form of the bill inquiry and available-months answers (codec.hpp), and of the
// contract block the product inquiry shares.
#include "kos/codec.hpp"
#include "kos/codec_support.hpp"

namespace phonebill::kos {

using detail::ErrorMark;
using detail::ObjectReader;

namespace detail {

boost::json::value optional_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::string{*text};
}

boost::json::object contract_to_json(const ContractInfo& contract) {
  return {{"contractType", to_text(contract.contract_type)},
          {"startDate", optional_text(contract.start_date)},
          {"endDate", optional_text(contract.end_date)}};
}

std::optional<ContractInfo> parse_contract(ObjectReader& parent, std::string_view field) {
  ErrorMark mark{parent.errors()};
  auto reader = parent.object(field);
  if (!reader) return std::nullopt;
  ContractInfo contract;
  auto type = reader->enumeration("contractType", parse_contract_type, "24_MONTH, 12_MONTH, NONE");
  contract.start_date = reader->date("startDate", Presence::kOptional);
  contract.end_date = reader->date("endDate", Presence::kOptional);
  if (!mark.clean()) return std::nullopt;
  contract.contract_type = *type;
  return contract;
}

}  // namespace detail

namespace {

boost::json::object usage_amount_to_json(const UsageAmount& amount) {
  return {{"used", amount.used}, {"allowance", amount.allowance}};
}

UsageAmount parse_usage_amount(ObjectReader& usage, std::string_view field) {
  UsageAmount amount;
  if (auto reader = usage.object(field)) {
    amount.used = reader->integer_at_least("used", 0).value_or(0);
    amount.allowance = reader->integer_at_least("allowance", kUnlimited).value_or(0);
  }
  return amount;
}

boost::json::value installment_to_json(const std::optional<DeviceInstallment>& installment) {
  if (!installment) return nullptr;
  return boost::json::object{{"deviceName", installment->device_name},
                             {"totalAmount", installment->total_amount},
                             {"monthlyAmount", installment->monthly_amount},
                             {"remainingAmount", installment->remaining_amount},
                             {"remainingMonths", installment->remaining_months}};
}

std::optional<DeviceInstallment> parse_installment(ObjectReader& bill) {
  auto reader = bill.object("installment", Presence::kOptional);
  if (!reader) return std::nullopt;
  DeviceInstallment installment;
  installment.device_name = reader->string("deviceName").value_or("");
  installment.total_amount = reader->money("totalAmount").value_or(0);
  installment.monthly_amount = reader->money("monthlyAmount").value_or(0);
  installment.remaining_amount = reader->money("remainingAmount").value_or(0);
  installment.remaining_months = reader->integer_at_least("remainingMonths", 0).value_or(0);
  return installment;
}

}  // namespace

boost::json::object to_json(const Bill& bill) {
  boost::json::array discounts;
  for (const auto& discount : bill.discounts)
    discounts.push_back(boost::json::object{{"name", discount.name}, {"amount", discount.amount}});
  return {{"lineNumber", bill.line_number},
          {"billingMonth", bill.billing_month.kos_form()},
          {"customerName", bill.customer_name},
          {"productCode", bill.product_code},
          {"productName", bill.product_name},
          {"contractInfo", detail::contract_to_json(bill.contract_info)},
          {"monthlyFee", bill.monthly_fee},
          {"usageFee", bill.usage_fee},
          {"discountAmount", bill.discount_amount},
          {"deviceInstallment", bill.device_installment},
          {"totalAmount", bill.total_amount},
          {"discounts", std::move(discounts)},
          {"usage",
           {{"voiceMinutes", usage_amount_to_json(bill.usage.voice_minutes)},
            {"smsCount", usage_amount_to_json(bill.usage.sms_count)},
            {"dataMb", usage_amount_to_json(bill.usage.data_mb)}}},
          {"terminationFee", bill.termination_fee},
          {"installment", installment_to_json(bill.installment)},
          {"paymentInfo",
           {{"billingDate", bill.payment_info.billing_date},
            {"dueDate", bill.payment_info.due_date},
            {"paymentStatus", to_text(bill.payment_info.payment_status)},
            {"paymentMethod", bill.payment_info.payment_method}}}};
}

std::optional<Bill> parse_bill(const boost::json::value& data, FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  if (!reader.valid()) return std::nullopt;
  Bill bill;
  bill.line_number = reader.line_number("lineNumber").value_or("");
  bill.billing_month = reader.kos_month("billingMonth").value_or(BillingMonth{});
  bill.customer_name = reader.string("customerName").value_or("");
  bill.product_code = reader.product_code("productCode").value_or("");
  bill.product_name = reader.string("productName").value_or("");
  bill.contract_info = detail::parse_contract(reader, "contractInfo").value_or(ContractInfo{});
  bill.monthly_fee = reader.money("monthlyFee").value_or(0);
  bill.usage_fee = reader.money("usageFee").value_or(0);
  bill.discount_amount = reader.money("discountAmount").value_or(0);
  bill.device_installment = reader.money("deviceInstallment").value_or(0);
  bill.total_amount = reader.money("totalAmount").value_or(0);
  if (auto* discounts = reader.array("discounts")) {
    for (std::size_t index = 0; index < discounts->size(); ++index) {
      ObjectReader item{(*discounts)[index], errors,
                        reader.path_of("discounts") + "[" + std::to_string(index) + "]"};
      if (!item.valid()) continue;
      auto name = item.string("name");
      auto amount = item.money("amount");
      if (name && amount) bill.discounts.push_back({*name, *amount});
    }
  }
  if (auto usage = reader.object("usage")) {
    bill.usage.voice_minutes = parse_usage_amount(*usage, "voiceMinutes");
    bill.usage.sms_count = parse_usage_amount(*usage, "smsCount");
    bill.usage.data_mb = parse_usage_amount(*usage, "dataMb");
  }
  bill.termination_fee = reader.money("terminationFee").value_or(0);
  bill.installment = parse_installment(reader);
  if (auto payment = reader.object("paymentInfo")) {
    bill.payment_info.billing_date = payment->date("billingDate").value_or("");
    bill.payment_info.due_date = payment->date("dueDate").value_or("");
    bill.payment_info.payment_status =
        payment->enumeration("paymentStatus", parse_payment_status, "PAID, UNPAID, OVERDUE")
            .value_or(PaymentStatus::kUnpaid);
    bill.payment_info.payment_method = payment->string("paymentMethod").value_or("");
  }
  if (!mark.clean()) return std::nullopt;
  return bill;
}

boost::json::object to_json(const AvailableMonths& months) {
  boost::json::array list;
  for (const auto& month : months.months) list.push_back(boost::json::string{month.kos_form()});
  return {{"lineNumber", months.line_number}, {"months", std::move(list)}};
}

std::optional<AvailableMonths> parse_available_months(const boost::json::value& data,
                                                      FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  AvailableMonths result;
  result.line_number = reader.line_number("lineNumber").value_or("");
  if (auto* months = reader.array("months")) {
    for (std::size_t index = 0; index < months->size(); ++index) {
      const auto& item = (*months)[index];
      std::optional<BillingMonth> month;
      if (item.is_string()) {
        const auto& text = item.get_string();
        month = detail::parse_kos_month(std::string_view{text.data(), text.size()});
      }
      if (month) {
        result.months.push_back(*month);
      } else {
        errors.add(reader.path_of("months") + "[" + std::to_string(index) + "]",
                   "must be a month in the form YYYYMM");
      }
    }
  }
  if (!mark.clean()) return std::nullopt;
  return result;
}

}  // namespace phonebill::kos
