// BillService's reads of past inquiries (SPEC §5): one inquiry by id (owner only) and the
// caller's history page, filtered and paged by src/history's rules.
#include "bill_service.hpp"

namespace phonebill::bill {

boost::asio::awaitable<Result<HistoryRecord, BillStatus>> BillService::find_inquiry(
    security::VerifiedToken caller, std::string request_id, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission)) co_return refuse(BillStatus::kForbidden);
  auto found = co_await store_.find(request_id, info.deadline);
  if (!found) co_return found.error();
  // Another user's request is answered like a missing one: ids reveal nothing.
  if (!*found || (*found)->user_id != caller.user_id) co_return refuse(BillStatus::kNotFound);
  co_return std::move(**found);
}

boost::asio::awaitable<Result<HistoryPage, BillStatus>> BillService::history(
    security::VerifiedToken caller, history::HistoryQuery query, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission)) co_return refuse(BillStatus::kForbidden);
  static const history::HistoryStatuses kStatuses{
      [](std::string_view status) { return status == "COMPLETED" || status == "FAILED"; },
      "must be COMPLETED or FAILED"};
  FieldErrors errors;
  auto filter = history::validate_history_query(query, caller.user_id, kStatuses, errors);
  if (!errors.empty()) co_return refuse(BillStatus::kInvalidInput, std::move(errors));
  if (filter.line_number && *filter.line_number != caller.line_number)
    co_return refuse(BillStatus::kLineNotOwned);
  co_return co_await store_.list(std::move(filter), info.deadline);
}

}  // namespace phonebill::bill
