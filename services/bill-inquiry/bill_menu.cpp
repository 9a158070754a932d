// BillService::menu (SPEC §5): the caller's customer data and the months to choose from —
// cached per line for the month; else KOS's product inquiry (its line codes refuse) and
// available months, falling back to the last months computed locally.
#include <algorithm>

#include "bill_service.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "core/seoul_time.hpp"
#include "kos_codes.hpp"

namespace phonebill::bill {
namespace {

// The menu from what KOS answered (either call may have failed).
BillMenu build_menu(const security::VerifiedToken& caller, const BillingMonth& current,
                    const kos::KosReply<kos::ProductInquiryResult>& product,
                    const kos::KosReply<kos::AvailableMonths>& available) {
  BillMenu menu;
  menu.customer_id = caller.customer_id;
  menu.line_number = caller.line_number;
  if (product.ok()) {
    menu.customer_id = product.data->customer.customer_id;
    menu.customer_name = product.data->customer.customer_name;
  }
  if (available.ok()) {
    menu.available_months = available.data->months;
    menu.months_source = MonthsSource::kKos;
  } else {
    for (int back = 0; back < kMenuFallbackMonths; ++back)
      menu.available_months.push_back(current.plus_months(-back));
    menu.months_source = MonthsSource::kLocal;
  }
  menu.default_month = current;
  const auto& months = menu.available_months;
  if (!months.empty() && std::find(months.begin(), months.end(), current) == months.end())
    menu.default_month = months.front();
  return menu;
}

}  // namespace

boost::asio::awaitable<Result<BillMenu, BillStatus>> BillService::menu(
    security::VerifiedToken caller, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission)) co_return refuse(BillStatus::kForbidden);
  auto current = seoul_month(clock_.now());
  // Customer and months change rarely: cached per line for the month, so opening the
  // menu is not two KOS calls every time.
  auto cached = co_await cache_.load_menu(caller.line_number, current);
  if (cached) co_return std::move(*cached);

  kos::KosCallContext context = kos::call_context_for(info);
  kos::ProductInquiryRequest product_request{caller.line_number, new_request_id_()};
  auto product = co_await kos_.inquire_product(product_request, context);
  if (product.business_error()) {
    if (auto status = menu_product_status(product.code)) co_return refuse(*status);
  }
  auto available = co_await kos_.available_months(caller.line_number, context);
  if (!available.ok()) {
    auto fields = log::request_log_fields(info.http_request_id, info.traceparent);
    fields["line"] = masked_line_number(caller.line_number);
    log::warn("menu_months_fallback", std::move(fields));
  }
  auto menu = build_menu(caller, current, product, available);
  // Only a complete answer from KOS is cached; a fallback is retried next time.
  if (product.ok() && available.ok()) co_await cache_.store_menu(menu, current);
  co_return menu;
}

}  // namespace phonebill::bill
