// Allocations on bill-inquiry's cache-hit path (issue 17 item 3), counted with a replaced
// global operator new (hence a binary of its own): the cached value is opened and decoded
// where Redis's reply lies, and a hot bill's history rows never copy the bill.
#include <gtest/gtest.h>

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
#include "storage/pg_binary_array.hpp"
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

// The bytes of a statement's parameters, all arrays.
std::size_t parameter_bytes(const storage::PgBinaryParams& params) {
  std::size_t bytes = 0;
  for (const auto& value : params.values) bytes += value.size();
  return bytes;
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
  EXPECT_EQ(parameter_bytes(again.requests), parameter_bytes(first.requests));
  // Before: the bill copied into each request's document identity (32 of 2 KB), plus the
  // JSON text grown by doubling. Now only the batch's arrays, each reserved once, are large:
  // at most one per column, whatever the number of entries.
  EXPECT_LE(count.large, 14);
  EXPECT_LT(count.all, kEntries * 12);
}

// Issue 17 item 3: a hot hit's history row allocates nothing of its own — its line index
// comes as an array (from the memo once the line was seen), its document is looked up by
// its key's bytes — so a batch's allocations do not grow with its rows. Before: the line
// index and the document key as strings, the key's hex and its "hex/month" text, about
// four per row.
TEST(BillHitAllocationTest, HotHitHistoryRowsAllocateNothingPerRow) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  WrittenDocuments written{64};
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  auto bill = two_kilobyte_bill();
  // As a bill:v4 cached copy carries it (a bill without one is hashed, 2 KB, per row).
  bill.document_key = bill_document_key(sealed, "01012345678", "202611", *bill.info_json);
  auto allocations_for = [&](int rows) {
    std::vector<HistoryEntry> entries(rows);
    std::vector<const HistoryEntry*> batch;
    for (int i = 0; i < rows; ++i) {
      entries[i] = answered_entry("0192f3a47b5c7d8e9f001122334455" + std::to_string(10 + i % 90),
                                  BillSource::kCache, at, bill);
      entries[i].user_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
      entries[i].http_request_id = "5f1c0d9e8b7a46352413f2e1d0c9b8a7";
      entries[i].trace_id = "0af7651916cd43dd8448eb211c80319c";
      batch.push_back(&entries[i]);
    }
    auto first = render_history_batch(batch, sealed, written);
    for (const auto& document : first.to_remember) written.remember(document);
    start_counting_allocations();
    auto hot = render_history_batch(batch, sealed, written);
    auto count = stop_counting_allocations();
    EXPECT_EQ(hot.document_count, 0u);
    return count.all;
  };
  const long small = allocations_for(32);
  const long large = allocations_for(96);
  std::cout << "hot history rows: " << small << " allocations for 32, " << large << " for 96\n";
  EXPECT_LE(large - small, 4) << "allocations that grow with the rows";  // before: ~250
}

// A cached bill carries its document key (bill:v4): the history row takes it as it is,
// without hashing the bill again; a bill without one gets the key hashed from its line,
// month and bytes, the same bill_document_key the cache stores.
TEST(HistoryDocumentKeyTest, ACachedBillsKeyIsTakenAsItIs) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  auto remembered = [](const HistoryBatchParams& batch, const DocumentKey& key) {
    for (const auto& document : batch.to_remember)
      if (document.key == key) return true;
    return false;
  };
  auto bill = two_kilobyte_bill();
  const auto computed = bill_document_key(sealed, "01012345678", "202611", *bill.info_json);

  WrittenDocuments written{64};
  auto plain = answered_entry("req-plain", BillSource::kCache, at, bill);
  auto hashed = render_history_batch({&plain}, sealed, written);
  EXPECT_EQ(hashed.document_count, 1u);
  EXPECT_TRUE(remembered(hashed, computed));

  DocumentKey carried{};
  carried.fill('k');
  bill.document_key = carried;
  auto cached = answered_entry("req-cached", BillSource::kCache, at, bill);
  auto taken = render_history_batch({&cached}, sealed, written);
  EXPECT_EQ(taken.document_count, 1u);
  EXPECT_TRUE(remembered(taken, carried));
  EXPECT_FALSE(remembered(taken, computed));
}

// What PostgreSQL receives for a hot hit's request row, the work it parses per row: the
// JSON rendering sent about 806 bytes for this row (names, quotes, hex twice the sealed
// bytes' size, timestamps as text); the binary arrays send each value as it is, with a
// 4-byte length: 413.
TEST(BillHitAllocationTest, HotHitRequestRowsAreSentAsTheirBytes) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  WrittenDocuments written{64};
  const SystemTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
  constexpr int kEntries = 32;
  std::vector<HistoryEntry> entries;
  std::vector<const HistoryEntry*> batch;
  entries.reserve(kEntries);
  for (int i = 0; i < kEntries; ++i) {
    // Ids, user and trace ids of production's length.
    entries.push_back(answered_entry("0192f3a47b5c7d8e9f00112233445566", BillSource::kCache, at,
                                     two_kilobyte_bill()));
    entries.back().user_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    entries.back().http_request_id = "5f1c0d9e8b7a46352413f2e1d0c9b8a7";
    entries.back().trace_id = "0af7651916cd43dd8448eb211c80319c";
    batch.push_back(&entries.back());
  }
  auto first = render_history_batch(batch, sealed, written);
  for (const auto& key : first.to_remember) written.remember(key);
  auto hot = render_history_batch(batch, sealed, written);
  ASSERT_EQ(hot.document_count, 0u);
  const auto per_row = parameter_bytes(hot.requests) / kEntries;
  std::cout << "a hot hit's request row: " << per_row << " bytes sent\n";
  EXPECT_LT(per_row, 450u);
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

std::uint64_t big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char byte : bytes) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

// A binary-format array parameter read back (storage/pg_binary_array.cpp has the layout):
// its elements' bytes, nullopt for NULL; an unexpected header fails the test.
using Elements = std::vector<std::optional<std::string>>;
Elements elements_of(std::string_view array, storage::PgArrayOf type) {
  Elements elements;
  EXPECT_GE(array.size(), 20u);
  if (array.size() < 20) return elements;
  EXPECT_EQ(big_endian(array.substr(0, 4)), 1u);  // one dimension
  EXPECT_EQ(big_endian(array.substr(8, 4)), static_cast<std::uint32_t>(type));
  const auto count = big_endian(array.substr(12, 4));
  EXPECT_EQ(big_endian(array.substr(16, 4)), 1u);  // lower bound
  std::size_t at = 20;
  bool has_null = false;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto length = static_cast<std::int32_t>(big_endian(array.substr(at, 4)));
    at += 4;
    if (length < 0) {
      elements.emplace_back();
      has_null = true;
      continue;
    }
    elements.emplace_back(std::string{array.substr(at, static_cast<std::size_t>(length))});
    at += static_cast<std::size_t>(length);
  }
  EXPECT_EQ(at, array.size());
  EXPECT_EQ(big_endian(array.substr(4, 4)), has_null ? 1u : 0u);
  return elements;
}

// The columns of one statement's parameters, read back.
std::vector<Elements> columns_of(const storage::PgBinaryParams& params,
                                 std::initializer_list<storage::PgArrayOf> types) {
  std::vector<Elements> columns;
  EXPECT_EQ(params.values.size(), types.size());
  auto type = types.begin();
  for (const auto& value : params.values) {
    if (type == types.end()) break;
    columns.push_back(elements_of(value, *type++));
  }
  return columns;
}

// A timestamptz element as the time it stands for (microseconds since 2000-01-01 UTC).
SystemTime time_of(const std::optional<std::string>& element) {
  if (!element || element->size() != 8) return SystemTime{};
  const auto micros = static_cast<std::int64_t>(big_endian(*element)) + 946'684'800'000'000;
  return SystemTime{std::chrono::microseconds{micros}};
}

// The opened value of a sealed field.
std::string opened(const crypto::SealedColumns& sealed, const std::optional<std::string>& bytes,
                   std::string_view field, std::string_view row) {
  if (!bytes) return "<null>";
  auto plain = sealed.cipher().open(*bytes, crypto::associated_data(field, row));
  return plain ? *plain : "<does not open>";
}

std::string hex_of(std::string_view bytes) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  for (char byte : bytes) {
    text.push_back(kDigits[static_cast<unsigned char>(byte) >> 4]);
    text.push_back(kDigits[static_cast<unsigned char>(byte) & 15]);
  }
  return text;
}

// Item 2: the rows carry the columns the statements read, with the values the former JSON
// rendering gave them (sealed where they were sealed), now one binary array per column.
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

  using storage::PgArrayOf;
  constexpr auto kText = PgArrayOf::kText;
  constexpr auto kBytea = PgArrayOf::kBytea;
  constexpr auto kTime = PgArrayOf::kTimestamptz;
  // kInsertRequests' columns, in its order.
  auto rows = columns_of(batch.requests, {kText, kText, kBytea, kBytea, kText, kTime, kTime, kText,
                                          kText, kText, kBytea, kBytea, kText, kText});
  ASSERT_EQ(rows.size(), 14u);
  for (const auto& column : rows) ASSERT_EQ(column.size(), 2u);
  auto cell = [&](std::size_t column, std::size_t row) { return rows[column][row]; };
  EXPECT_EQ(cell(0, 0), "req-1");
  EXPECT_EQ(cell(1, 0), answered.user_id);  // as it is: nothing escaped
  EXPECT_EQ(opened(sealed, cell(2, 0), kLineNumberField, "req-1"), "01012345678");
  ASSERT_TRUE(cell(3, 0));
  EXPECT_EQ(hex_of(*cell(3, 0)), sealed.index(kLineIndexPurpose, "01012345678").substr(2));
  EXPECT_EQ(cell(4, 0), "2026-11");
  EXPECT_EQ(time_of(cell(5, 0)), at);
  EXPECT_EQ(time_of(cell(6, 0)), at + 2ms);
  EXPECT_EQ(cell(7, 0), "COMPLETED");
  EXPECT_EQ(cell(8, 0), "KOS");
  EXPECT_EQ(cell(9, 0), "OK");
  EXPECT_EQ(opened(sealed, cell(10, 0), kResultSummaryField, "req-1"), "totalAmount=45000");
  EXPECT_EQ(cell(12, 0), "http-1");
  EXPECT_EQ(cell(13, 0), "trace-1");
  ASSERT_TRUE(cell(11, 0));
  const auto document_key = hex_of(*cell(11, 0));
  std::string identity = "01012345678";
  identity.push_back('\0');
  identity.append("202611");
  identity.push_back('\0');
  identity.append(*answered.bill->info_json);
  EXPECT_EQ(document_key, sealed.index(kBillDocumentPurpose, identity).substr(2));
  EXPECT_EQ(cell(7, 1), "FAILED");
  EXPECT_EQ(cell(9, 1), "INVALID_INPUT");
  for (std::size_t column : {2, 3, 4, 8, 11}) EXPECT_FALSE(cell(column, 1)) << column;

  ASSERT_EQ(batch.document_count, 1u);
  auto documents = columns_of(batch.documents, {kBytea, kTime, kBytea});
  ASSERT_EQ(documents.size(), 3u);
  for (const auto& column : documents) ASSERT_EQ(column.size(), 1u);
  ASSERT_TRUE(documents[0][0]);
  EXPECT_EQ(hex_of(*documents[0][0]), document_key);
  EXPECT_EQ(time_of(documents[1][0]), at);
  EXPECT_EQ(opened(sealed, documents[2][0], kBillDocumentField, document_key),
            *answered.bill->info_json);

  ASSERT_EQ(batch.call_count, 1u);
  auto calls = columns_of(
      batch.calls, {kText, kText, PgArrayOf::kInt4, kTime, kTime, kText, kBytea, kText, kText});
  ASSERT_EQ(calls.size(), 9u);
  for (const auto& column : calls) ASSERT_EQ(column.size(), 1u);
  EXPECT_EQ(calls[0][0], "req-1");
  EXPECT_EQ(calls[1][0], kos::to_string(kos::KosOperation::kBillInquiry));
  ASSERT_TRUE(calls[2][0]);
  EXPECT_EQ(big_endian(*calls[2][0]), 2u);
  EXPECT_EQ(time_of(calls[3][0]), at);
  EXPECT_EQ(time_of(calls[4][0]), at + 1ms);
  EXPECT_EQ(calls[5][0], kos::to_text(kos::KosResultCode::kSuccess));
  EXPECT_FALSE(calls[7][0]);
  EXPECT_EQ(calls[8][0], "closed");
  EXPECT_EQ(opened(sealed, calls[6][0], kKosMessageField,
                   kos_call_row("req-1", kos::to_string(kos::KosOperation::kBillInquiry), 2,
                                epoch_milliseconds(at))),
            "정상 처리");
}

// Times are stored to the millisecond, as the JSON rendering wrote them: the request id's
// time and the KOS call's sealing row use milliseconds too.
TEST(BillHistoryRowsTest, TimesAreStoredToTheMillisecond) {
  auto ring = test_ring();
  crypto::SealedColumns sealed{ring};
  WrittenDocuments written{64};
  const SystemTime at =
      SystemTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}} + 1234567us;
  HistoryEntry entry = answered_entry("req-1", BillSource::kCache, at, two_kilobyte_bill());
  entry.finished_at = at + 999us;
  auto batch = render_history_batch({&entry}, sealed, written);
  ASSERT_EQ(batch.requests.values.size(), 14u);
  const auto requested = elements_of(batch.requests.values[5], storage::PgArrayOf::kTimestamptz);
  const auto finished = elements_of(batch.requests.values[6], storage::PgArrayOf::kTimestamptz);
  ASSERT_EQ(requested.size(), 1u);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(time_of(requested[0]), at - 567us);
  EXPECT_EQ(time_of(finished[0]), at - 567us + 1ms);
}

}  // namespace
}  // namespace phonebill::bill::testing
