// Allocations on bill-inquiry's cache-hit path (issue 17 item 3), counted with a replaced
// global operator new (hence a binary of its own): the cached value is opened and decoded
// where Redis's reply lies, and a hot bill's history rows never copy the bill.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "bill_document_key.hpp"
#include "bill_metrics.hpp"
#include "bill_sealing.hpp"
#include "core/epoch_milliseconds.hpp"
#include "history_rows.hpp"
#include "redis_bill_cache.hpp"
#include "security/encoding.hpp"
#include "support/allocation_counter.hpp"
#include "written_documents.hpp"

namespace phonebill::bill::testing {
namespace {

using test_support::start_counting_allocations;
using test_support::stop_counting_allocations;

using namespace std::chrono_literals;

crypto::KeyRing test_ring() {
  return crypto::KeyRing{
      {{1, std::string(crypto::kKeyBytes, 'a')}}, 1, std::string(crypto::kKeyBytes, 'i')};
}

// A billInfo about as large as KOS's (1.5-2.5 KB).
ShownBill two_kilobyte_bill() {
  std::string info = R"({"lineNumber":"01012345678","billingMonth":"2026-11","items":")";
  info.append(1900, 'x');
  info.append(R"("})");
  return ShownBill{std::make_shared<const std::string>(std::move(info)), 45000};
}

TEST(BillHitAllocationTest, CachedValueOpensWithoutACopyOfTheBill) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  const auto bill = two_kilobyte_bill();
  const SystemTime now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  const std::string key = "bill:v3:index:202611";
  const auto stored =
      sealed.seal_text(kCacheValueField, key, encode_cached_bill(bill, now, now + 1h));
  std::string reply = stored;  // what RedisClient::get hands over
  // The thread's reused buffers (associated data) are allocated by its first hit only.
  ASSERT_TRUE(open_cached_bill(sealed, key, stored));

  start_counting_allocations();
  auto opened = open_cached_bill(sealed, key, std::move(reply));
  auto count = stop_counting_allocations();

  std::cout << "open a cached bill: " << count.all << " allocations, " << count.large
            << " of 1 KiB or more\n";
  ASSERT_TRUE(opened);
  ASSERT_TRUE(*opened);
  EXPECT_EQ(*(*opened)->bill.info_json, *bill.info_json);
  EXPECT_EQ((*opened)->bill.total_amount, 45000);
  EXPECT_EQ((*opened)->fresh_until, now + 1h);
  // Before: base64url decoded into a copy, opened into another (2 of 2 KB or more).
  EXPECT_EQ(count.large, 0);
  EXPECT_LE(count.all, 2);  // the shared bill's control block (and at most one more)
}

// An answered request for line 01012345678's November 2026 bill, as the hit path records it.
HistoryEntry answered_entry(std::string request_id, BillSource source, SystemTime at,
                            ShownBill bill) {
  HistoryEntry entry;
  entry.request_id = std::move(request_id);
  entry.user_id = "user-1";
  entry.line_number = "01012345678";
  entry.billing_month = BillingMonth::parse("2026-11");
  entry.requested_at = at;
  entry.finished_at = at + 2ms;
  entry.completed = true;
  entry.source = source;
  entry.result_summary = "totalAmount=45000";
  entry.bill = std::move(bill);
  return entry;
}

TEST(BillHitAllocationTest, HotBillHistoryRowsDoNotCopyTheBill) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  WrittenDocuments written{64};
  const auto bill = two_kilobyte_bill();
  // Mid-month: the document is remembered once committed (unambiguous_month).
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  constexpr int kEntries = 32;
  std::vector<HistoryEntry> entries(kEntries);
  std::vector<const HistoryEntry*> batch;
  for (int i = 0; i < kEntries; ++i) {
    auto& entry = entries[i];
    entry = answered_entry("req-" + std::to_string(i), BillSource::kCache, at, bill);
    entry.http_request_id = "http-" + std::to_string(i);
    entry.trace_id = "0af7651916cd43dd8448eb211c80319c";
    batch.push_back(&entry);
  }
  auto first = render_history_batch(batch, sealed, written);
  EXPECT_EQ(first.document_count, 1u);  // one document for the 32 requests
  for (const auto& key : first.to_remember) written.remember(key);

  start_counting_allocations();
  auto again = render_history_batch(batch, sealed, written);
  auto count = stop_counting_allocations();

  std::cout << "history rows of " << kEntries << " hot hits: " << count.all << " allocations, "
            << count.large << " of 1 KiB or more\n";
  EXPECT_EQ(again.document_count, 0u);  // committed already
  EXPECT_EQ(again.requests.size(), first.requests.size());
  // Before: the bill copied into each request's document identity (32 of 2 KB), plus the
  // JSON text grown by doubling. Now only the batch's reserved text is large.
  EXPECT_LE(count.large, 2);
  EXPECT_LT(count.all, kEntries * 12);
}

// A cached bill carries its document key (bill:v4): the history row takes it as it is,
// without hashing the bill again; a bill without one gets the key hashed from its line,
// month and bytes, the same bill_document_key the cache stores.
TEST(HistoryDocumentKeyTest, ACachedBillsKeyIsTakenAsItIs) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  auto remembered_with_prefix = [](const HistoryBatchText& batch, const std::string& prefix) {
    for (const auto& key : batch.to_remember)
      if (key.starts_with(prefix)) return true;
    return false;
  };
  auto bill = two_kilobyte_bill();
  const auto computed = bill_document_key(sealed, "01012345678", "202611", *bill.info_json);
  const auto computed_hex = security::to_hex({computed.data(), computed.size()});

  WrittenDocuments written{64};
  auto plain = answered_entry("req-plain", BillSource::kCache, at, bill);
  auto hashed = render_history_batch({&plain}, sealed, written);
  EXPECT_EQ(hashed.document_count, 1u);
  EXPECT_TRUE(remembered_with_prefix(hashed, computed_hex + "/"));

  DocumentKey carried{};
  carried.fill('k');
  bill.document_key = carried;
  auto cached = answered_entry("req-cached", BillSource::kCache, at, bill);
  auto taken = render_history_batch({&cached}, sealed, written);
  EXPECT_EQ(taken.document_count, 1u);
  EXPECT_TRUE(remembered_with_prefix(taken, security::to_hex(std::string(32, 'k')) + "/"));
  EXPECT_FALSE(remembered_with_prefix(taken, computed_hex));
}

// Counting an answered inquiry finds its series without building a label map (and
// without the metrics mutex) once the series exists.
TEST(BillHitAllocationTest, CountingAnInquiryAllocatesNothing) {
  prometheus::Registry registry;
  BillMetrics metrics{registry};
  metrics.inquiry_answered("CACHE");  // creates the series
  constexpr int kInquiries = 100;
  start_counting_allocations();
  for (int i = 0; i < kInquiries; ++i) metrics.inquiry_answered("CACHE");
  auto count = stop_counting_allocations();
  // Before: Family::Add's label map per call (4 allocations each).
  EXPECT_EQ(count.all, 0);
  metrics.inquiry_answered("KOS");
  metrics.inquiry_answered("SOMETHING_NEW");  // any other source still counts
  bool found = false;
  for (const auto& family : registry.Collect()) {
    if (family.name != "bill_inquiries_total") continue;
    found = true;
    EXPECT_EQ(family.metric.size(), 3u);
    for (const auto& metric : family.metric)
      if (metric.label.at(0).value == "CACHE") EXPECT_EQ(metric.counter.value, kInquiries + 1);
  }
  EXPECT_TRUE(found);
}

std::string text_of(const boost::json::value& value) {
  return std::string{value.as_string().data(), value.as_string().size()};
}

// The opened value of a hex-sealed field.
std::string opened(const crypto::SealedColumns& sealed, const boost::json::value& hex,
                   std::string_view field, std::string_view row) {
  auto bytes = security::from_hex(text_of(hex));
  if (!bytes) return "<not hex>";
  auto plain = sealed.cipher().open(*bytes, crypto::associated_data(field, row));
  return plain ? *plain : "<does not open>";
}

// Item 2: the rows written without boost::json carry the fields the statements read, with
// the values the boost::json rendering gave them (sealed where they were sealed).
TEST(BillHistoryRowsTest, RowsCarryEveryFieldTheStatementsRead) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  WrittenDocuments written{64};
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  HistoryEntry answered = answered_entry("req-1", BillSource::kKos, at, two_kilobyte_bill());
  answered.user_id = "user \"quoted\"\n\x01";
  answered.http_request_id = "http-1";
  answered.trace_id = "trace-1";
  kos::KosAttempt attempt;
  attempt.number = 2;
  attempt.started_at = at;
  attempt.finished_at = at + 1ms;
  attempt.result_code = kos::KosResultCode::kSuccess;
  attempt.result_message = "정상 처리";
  answered.kos_calls.push_back(KosCallRecord{kos::KosOperation::kBillInquiry, attempt});
  HistoryEntry refused;
  refused.request_id = "req-2";
  refused.user_id = "user-2";
  refused.requested_at = at;
  refused.finished_at = at;
  refused.result_code = "INVALID_INPUT";
  refused.result_summary = "bad";
  auto batch = render_history_batch({&answered, &refused}, sealed, written);

  auto requests = boost::json::parse(batch.requests).as_array();
  ASSERT_EQ(requests.size(), 2u);
  const auto& row = requests[0].as_object();
  EXPECT_EQ(text_of(row.at("request_id")), "req-1");
  EXPECT_EQ(text_of(row.at("user_id")), answered.user_id);
  EXPECT_EQ(opened(sealed, row.at("line_number_sealed"), kLineNumberField, "req-1"), "01012345678");
  EXPECT_EQ(text_of(row.at("line_index")),
            sealed.index(kLineIndexPurpose, "01012345678").substr(2));
  EXPECT_EQ(text_of(row.at("billing_month")), "2026-11");
  EXPECT_EQ(text_of(row.at("requested_at")), "2026-11-20T00:00:00.000Z");
  EXPECT_EQ(text_of(row.at("finished_at")), "2026-11-20T00:00:00.002Z");
  EXPECT_EQ(text_of(row.at("status")), "COMPLETED");
  EXPECT_EQ(text_of(row.at("source")), "KOS");
  EXPECT_EQ(text_of(row.at("result_code")), "OK");
  EXPECT_EQ(opened(sealed, row.at("result_summary_sealed"), kResultSummaryField, "req-1"),
            "totalAmount=45000");
  EXPECT_EQ(text_of(row.at("http_request_id")), "http-1");
  EXPECT_EQ(text_of(row.at("trace_id")), "trace-1");
  const auto document_key = text_of(row.at("bill_document"));
  std::string identity = "01012345678";
  identity.push_back('\0');
  identity.append("202611");
  identity.push_back('\0');
  identity.append(*answered.bill->info_json);
  EXPECT_EQ(document_key, sealed.index(kBillDocumentPurpose, identity).substr(2));
  const auto& other = requests[1].as_object();
  EXPECT_EQ(text_of(other.at("status")), "FAILED");
  for (auto name : {"line_number_sealed", "line_index", "billing_month", "source", "bill_document"})
    EXPECT_TRUE(other.at(name).is_null()) << name;

  ASSERT_EQ(batch.document_count, 1u);
  auto documents = boost::json::parse(batch.documents).as_array();
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(text_of(documents[0].at("document_key")), document_key);
  EXPECT_EQ(text_of(documents[0].at("requested_at")), "2026-11-20T00:00:00.000Z");
  EXPECT_EQ(opened(sealed, documents[0].at("bill_sealed"), kBillDocumentField, document_key),
            *answered.bill->info_json);

  ASSERT_EQ(batch.call_count, 1u);
  auto calls = boost::json::parse(batch.calls).as_array();
  ASSERT_EQ(calls.size(), 1u);
  const auto& call = calls[0].as_object();
  EXPECT_EQ(text_of(call.at("request_id")), "req-1");
  EXPECT_EQ(text_of(call.at("operation")), kos::to_string(kos::KosOperation::kBillInquiry));
  EXPECT_EQ(call.at("attempt").as_int64(), 2);
  EXPECT_EQ(text_of(call.at("responded_at")), "2026-11-20T00:00:00.001Z");
  EXPECT_EQ(text_of(call.at("result_code")), kos::to_text(kos::KosResultCode::kSuccess));
  EXPECT_TRUE(call.at("failure").is_null());
  EXPECT_EQ(text_of(call.at("circuit_state")), "closed");
  EXPECT_EQ(opened(sealed, call.at("result_message_sealed"), kKosMessageField,
                   kos_call_row("req-1", kos::to_string(kos::KosOperation::kBillInquiry), 2,
                                epoch_milliseconds(at))),
            "정상 처리");
}

}  // namespace
}  // namespace phonebill::bill::testing
