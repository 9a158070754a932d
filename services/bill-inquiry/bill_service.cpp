// BillService's inquiry (see bill_service.hpp): validate → ownership → cache (fresh:
// CACHE) → one coalesced KOS call per key in this process, and per key in the fleet
// through the fill lock (ok: KOS, cached; another instance's fill: CACHE) → on KOS
// failure the stale copy (STALE_CACHE) or the KOS refusal → history committed → answer.
#include "bill_service.hpp"

#include "bill_metrics.hpp"
#include "bill_views.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "core/seoul_time.hpp"
#include "http/sleep.hpp"
#include "kos/kos_refusal.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "kos_codes.hpp"
#include "resilience/single_flight.hpp"
#include "tracing/hand_over.hpp"

namespace phonebill::bill {

struct BillService::Fetched {
  kos::KosReply<kos::Bill> reply;    // KOS's answer (unset when `filled` is)
  std::optional<CachedBill> filled;  // the fresh copy another instance's call cached
};

struct BillService::Flights {
  resilience::SingleFlight<Fetched> bills;
};

std::optional<BillingMonth> validate_month(const std::optional<std::string>& input,
                                           const BillingMonth& current, FieldErrors& errors) {
  if (!input) return current;
  auto month = BillingMonth::parse(*input);
  if (!month) {
    errors.add("inquiryMonth", "must be YYYY-MM or YYYYMM");
    return std::nullopt;
  }
  if (*month > current) {
    errors.add("inquiryMonth", "must not be in the future");
    return std::nullopt;
  }
  if (current.months_since(*month) >= kInquirableMonths) {
    errors.add("inquiryMonth", "must be within the last 24 months");
    return std::nullopt;
  }
  return month;
}

BillService::BillService(kos::KosClient& kos, BillCache& cache, HistoryWriter& writer,
                         HistoryStore& store, const Clock& clock, RequestIdSource new_request_id,
                         FleetCoalescing fleet)
    : kos_(kos),
      cache_(cache),
      writer_(writer),
      store_(store),
      clock_(clock),
      new_request_id_(std::move(new_request_id)),
      fleet_(std::move(fleet)),
      flights_(std::make_unique<Flights>()) {
  if (!fleet_.pause)
    fleet_.pause = [](std::chrono::milliseconds delay) { return http::sleep_for(delay); };
  if (!fleet_.now) fleet_.now = [this] { return clock_.steady_now(); };
}

BillService::~BillService() = default;

boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> BillService::inquire(
    const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info) {
  auto entry = start_entry(caller, info);
  auto answer = co_await answer_inquiry(caller, input, info, entry);
  finish_entry(entry, answer);
  std::string_view source = answer ? to_string(answer->source) : "FAILED";
  bool durable = co_await writer_.write(entry);
  if (metrics_) metrics_->inquiry_answered(durable ? source : std::string_view{"FAILED"});
  // No answer without its history (SPEC §5): a crash must not lose an answered request.
  if (!durable) co_return refuse(BillStatus::kStorageUnavailable);
  co_return answer;
}

HistoryEntry BillService::start_entry(const security::VerifiedToken& caller,
                                      const RequestInfo& info) const {
  HistoryEntry entry;
  entry.request_id = new_request_id_();
  entry.user_id = caller.user_id;
  entry.requested_at = clock_.now();
  entry.http_request_id = info.http_request_id;
  entry.trace_id = info.trace_id;
  return entry;
}

void BillService::finish_entry(HistoryEntry& entry,
                               const Result<InquiryAnswer, BillStatus>& answer) const {
  entry.finished_at = clock_.now();
  entry.completed = answer.has_value();
  if (!answer) {
    entry.result_code = std::string{to_string(answer.error().status)};
    entry.result_summary = std::string{describe(answer.error().status)};
  }
}

Result<BillService::Target, BillStatus> BillService::inquiry_target(
    const security::VerifiedToken& caller, const InquiryInput& input) const {
  FieldErrors errors;
  std::string line = caller.line_number;
  if (input.line_number) {
    auto normalized = normalize_line_number(*input.line_number);
    if (!normalized) {
      errors.add("lineNumber", "must be 01012345678 or 010-1234-5678");
    } else {
      line = *normalized;
    }
  }
  auto month = validate_month(input.inquiry_month, seoul_month(clock_.now()), errors);
  if (!errors.empty()) return refuse(BillStatus::kInvalidInput, std::move(errors));
  return Target{std::move(line), *month};
}

boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> BillService::answer_inquiry(
    const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info,
    HistoryEntry& entry) {
  if (!caller.has_permission(kBillInquiryPermission)) co_return refuse(BillStatus::kForbidden);
  auto target = inquiry_target(caller, input);
  if (!target) co_return target.error();
  entry.line_number = target->line_number;
  entry.billing_month = target->month;
  if (target->line_number != caller.line_number) co_return refuse(BillStatus::kLineNotOwned);

  tracing::hand_over(info.traceparent);  // the cache read's span joins this request's trace
  auto cached = co_await cache_.load(target->line_number, target->month);
  if (metrics_) metrics_->cache_lookup(cached.lookup);
  if (cached.copy && cached.copy->fresh)
    co_return answered(entry, cached.copy->bill, BillSource::kCache, cached.copy->cached_at);
  co_return co_await answer_from_kos(*target, std::move(cached.copy), info, entry);
}

boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> BillService::answer_from_kos(
    const Target& target, std::optional<CachedBill> stale, const RequestInfo& info,
    HistoryEntry& entry) {
  // Concurrent misses of one line and month share one KOS call (SPEC §5), in this
  // process and across the fleet; only the caller that made it records its attempts.
  auto request_id = entry.request_id;
  auto key = bill_key(target.line_number, target.month);
  auto flight = co_await flights_->bills.run(
      key, [&]() { return fetch_across_fleet(target, request_id, info); });
  if (const auto& filled = flight.value->filled)
    co_return answered(entry, filled->bill, BillSource::kCache, filled->cached_at);
  const auto& reply = flight.value->reply;
  if (flight.leader) {
    for (const auto& attempt : reply.attempts)
      entry.kos_calls.push_back(KosCallRecord{kos::KosOperation::kBillInquiry, attempt});
  }
  if (reply.ok())
    co_return answered(entry, shown_bill(*reply.data), BillSource::kKos, std::nullopt);
  if (reply.business_error()) co_return refuse(bill_inquiry_status(reply.code));
  if (!reply.failure) co_return refuse(BillStatus::kInternal);
  if (stale) co_return answered(entry, stale->bill, BillSource::kStaleCache, stale->cached_at);
  auto fields = log::request_log_fields(info.http_request_id, info.traceparent);
  fields["failure"] = kos::to_string(reply.failure->kind);
  fields["line"] = masked_line_number(target.line_number);
  log::warn("kos_inquiry_failed", std::move(fields));
  co_return kos::kos_refusal<BillStatus>(*reply.failure);
}

boost::asio::awaitable<BillService::Fetched> BillService::fetch_across_fleet(Target target,
                                                                             std::string request_id,
                                                                             RequestInfo info) {
  // (A co_await inside a braced initialiser is miscompiled by g++ 12: await first.)
  auto fetch = [&]() -> boost::asio::awaitable<Fetched> {
    Fetched fetched;
    fetched.reply = co_await fetch_bill(target, request_id, info);
    co_return fetched;
  };
  if (fleet_.lock == nullptr) co_return co_await fetch();
  auto probe = [&]() -> boost::asio::awaitable<std::optional<Fetched>> {
    auto read = co_await cache_.load(target.line_number, target.month);
    if (!read.copy || !read.copy->fresh) co_return std::nullopt;
    Fetched filled;
    filled.filled = std::move(read.copy);
    co_return filled;
  };
  tracing::hand_over(info.traceparent);  // the fill lock's first command
  auto outcome = co_await resilience::coalesce_across_fleet<Fetched>(
      *fleet_.lock, fleet_.options, cache_.fleet_key(target.line_number, target.month),
      info.deadline, fetch, probe, fleet_.pause, fleet_.now);
  if (kos_observer_) kos_observer_->on_coalesced(kos::KosOperation::kBillInquiry, outcome.role);
  if (outcome.value) co_return std::move(*outcome.value);
  Fetched timed_out;
  timed_out.reply.failure = kos::fleet_fill_timed_out();
  co_return timed_out;
}

boost::asio::awaitable<kos::KosReply<kos::Bill>> BillService::fetch_bill(Target target,
                                                                         std::string request_id,
                                                                         RequestInfo info) {
  // The KOS transport queues a burst of misses for a place and bounds the wait by the
  // deadline; a refusal comes back as a kBulkheadFull failure like any other.
  kos::KosCallContext context = kos::call_context_for(info);
  kos::BillInquiryRequest request{target.line_number, target.month, request_id};
  auto reply = co_await kos_.inquire_bill(request, context);
  if (reply.ok()) {
    bool current = target.month == seoul_month(clock_.now());
    tracing::hand_over(info.traceparent);
    co_await cache_.store(target.line_number, target.month, shown_bill(*reply.data), current);
  }
  co_return reply;
}

InquiryAnswer BillService::answered(HistoryEntry& entry, const ShownBill& bill, BillSource source,
                                    std::optional<SystemTime> cached_at) const {
  entry.bill = bill;
  entry.source = source;
  entry.result_summary = "totalAmount=" + std::to_string(bill.total_amount);
  return InquiryAnswer{entry.request_id, source, cached_at, bill};
}

}  // namespace phonebill::bill
