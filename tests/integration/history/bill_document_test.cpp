// The bill stored once (issue 17 item 3, db/bill/005) against a real PostgreSQL with
// pg_partman, through bill-inquiry's own store (PgHistoryStore) and re-encryption pass:
// requests that showed the same bill write one sealed document and a request row each,
// every row reads back complete by id; an entry sent twice fails its batch; another
// version of the bill makes another document; a key rotation re-seals the documents
// before the old key is retired; a maintenance pass drops an expired month's documents
// with its requests.
#include <filesystem>

#include "../storage/storage_test_support.hpp"
#include "bill-inquiry/bill_data_key_pass.hpp"
#include "bill-inquiry/bill_views.hpp"
#include "bill-inquiry/pg_history_store.hpp"
#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "crypto/reseal_pass.hpp"
#include "history/time_ordered_id.hpp"
#include "outbox/outbox_store.hpp"
#include "partition_test_support.hpp"
#include "storage/migrations.hpp"
#include "support/child_process.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using bill::HistoryEntry;
using bill::PgHistoryStore;

class BillDocumentTest : public HistoryPartitionTest {
 protected:
  net::awaitable<void> migrate(PgPool& pool) {
    add_all_migrations("bill");
    CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
    PgHistoryStore::register_statements(pool);
  }
};

const crypto::KeyRing& first_keys() {
  static const crypto::KeyRing ring{
      {{1, std::string(crypto::kKeyBytes, 'a')}}, 1, std::string(crypto::kKeyBytes, 'i')};
  return ring;
}

// The ring after rotate-data-key: key 2 current, key 1 still there to open old values.
const crypto::KeyRing& rotated_keys() {
  static const crypto::KeyRing ring{
      {{1, std::string(crypto::kKeyBytes, 'a')}, {2, std::string(crypto::kKeyBytes, 'b')}},
      2,
      std::string(crypto::kKeyBytes, 'i')};
  return ring;
}

// Only the new key: what the ring holds once the old one was retired and removed.
const crypto::KeyRing& second_key_only() {
  static const crypto::KeyRing ring{
      {{2, std::string(crypto::kKeyBytes, 'b')}}, 2, std::string(crypto::kKeyBytes, 'i')};
  return ring;
}

constexpr const char* kDocumentLine = "01055556666";

kos::Bill a_bill(std::int64_t total) {
  kos::Bill bill;
  bill.line_number = kDocumentLine;
  bill.billing_month = BillingMonth{2026, 10};
  bill.customer_name = "김문서";
  bill.product_code = "5G-PREMIUM-001";
  bill.product_name = "5G 프리미엄 플랜";
  bill.monthly_fee = 89000;
  bill.total_amount = total;
  bill.payment_info =
      kos::PaymentInfo{"2026-11-01", "2026-11-25", kos::PaymentStatus::kPaid, "자동이체"};
  return bill;
}

// A completed inquiry that showed `bill` at `at`.
HistoryEntry shown(const kos::Bill& bill, SystemTime at) {
  HistoryEntry entry;
  entry.request_id = history::time_ordered_id(at, std::rand() & 0xfff, std::rand());
  entry.user_id = "u-doc";
  entry.line_number = kDocumentLine;
  entry.billing_month = bill.billing_month;
  entry.requested_at = at;
  entry.finished_at = at;
  entry.completed = true;
  entry.source = bill::BillSource::kCache;
  entry.result_summary = "totalAmount=" + std::to_string(bill.total_amount);
  entry.bill = bill::shown_bill(bill);
  return entry;
}

net::awaitable<bool> write_batch(PgHistoryStore& store, const std::vector<HistoryEntry>& entries) {
  std::vector<const HistoryEntry*> batch;
  for (const auto& entry : entries) batch.push_back(&entry);
  auto written = co_await store.insert_batch(batch, test_deadline());
  if (!written) ADD_FAILURE() << describe(written.error());
  co_return bool(written);
}

// The request read back by id is complete: its line, summary and the bill it showed.
net::awaitable<void> expect_reads_back(PgHistoryStore& store, const HistoryEntry& entry) {
  auto found = co_await store.find(entry.request_id, test_deadline());
  CO_ASSERT_TRUE(found.has_value()) << entry.request_id;
  CO_ASSERT_TRUE(found->has_value()) << entry.request_id << " not found";
  const auto& record = **found;
  EXPECT_EQ(record.line_number, entry.line_number);
  EXPECT_EQ(record.result_summary, entry.result_summary);
  EXPECT_EQ(record.status, "COMPLETED");
  CO_ASSERT_TRUE(record.bill_info.has_value()) << entry.request_id;
  EXPECT_EQ(*record.bill_info, *entry.bill->info_json);
}

// Two inquiries of one cached bill (and a third by a restarted process, which has not
// remembered the document): one document, three request rows, each read back complete;
// the request rows hold no bill of their own, the document no clear amount.
CO_TEST_F(BillDocumentTest, TheSameBillShownTwiceIsStoredOnce) {
  PgPool pool{co_await net::this_coro::executor, options()};
  co_await migrate(pool);
  crypto::SealedColumns sealed{first_keys()};
  PgHistoryStore store{pool, sealed};
  const auto now = std::chrono::system_clock::now();
  std::vector<HistoryEntry> first{shown(a_bill(89000), now)};
  std::vector<HistoryEntry> second{shown(a_bill(89000), now + std::chrono::milliseconds{5})};
  CO_ASSERT_TRUE(co_await write_batch(store, first));
  CO_ASSERT_TRUE(co_await write_batch(store, second));
  PgHistoryStore restarted{pool, sealed};
  std::vector<HistoryEntry> third{shown(a_bill(89000), now + std::chrono::milliseconds{9})};
  CO_ASSERT_TRUE(co_await write_batch(restarted, third));

  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents"), "1");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests"), "3");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(DISTINCT bill_document) FROM bill_inquiry_requests "
                            "WHERE bill IS NULL AND bill_sealed IS NULL"),
            "1");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents_default"), "0");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM bill_documents WHERE position('89000'::bytea IN "
                            "bill_sealed) > 0"),
            "0");
  for (const auto* entry : {&first[0], &second[0], &third[0]})
    co_await expect_reads_back(store, *entry);
}

// A request row is never skipped silently (the insert has no ON CONFLICT, docs/
// decisions.md "History rows as binary arrays"): an entry sent again, which the
// group-commit writer never does, fails its whole batch on the primary key, so none of
// that batch's requests counts as recorded; the first batch's row stays as it was, and
// the next batch writes the other request (its document again: the failed commit made
// the store forget what it had written).
CO_TEST_F(BillDocumentTest, AnEntrySentAgainFailsItsBatch) {
  PgPool pool{co_await net::this_coro::executor, options()};
  co_await migrate(pool);
  crypto::SealedColumns sealed{first_keys()};
  PgHistoryStore store{pool, sealed};
  const auto now = std::chrono::system_clock::now();
  std::vector<HistoryEntry> first{shown(a_bill(89000), now)};
  CO_ASSERT_TRUE(co_await write_batch(store, first));
  std::vector<HistoryEntry> later{shown(a_bill(89000), now + std::chrono::milliseconds{4})};
  std::vector<const HistoryEntry*> again{&first[0], &later[0]};
  auto written = co_await store.insert_batch(again, test_deadline());
  CO_ASSERT_FALSE(written.has_value());
  EXPECT_TRUE(written.error().is_unique_violation()) << describe(written.error());
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests"), "1");

  CO_ASSERT_TRUE(co_await write_batch(store, later));
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests"), "2");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents"), "1");
  co_await expect_reads_back(store, first[0]);
  co_await expect_reads_back(store, later[0]);
}

// Another version of the bill for the same line and month (KOS corrected an amount) is
// another document; each request reads back the version it showed. Within one batch a
// bill shown twice is still one document.
CO_TEST_F(BillDocumentTest, AnotherVersionOfTheBillIsAnotherDocument) {
  PgPool pool{co_await net::this_coro::executor, options()};
  co_await migrate(pool);
  crypto::SealedColumns sealed{first_keys()};
  PgHistoryStore store{pool, sealed};
  const auto now = std::chrono::system_clock::now();
  std::vector<HistoryEntry> batch{shown(a_bill(89000), now),
                                  shown(a_bill(91500), now + std::chrono::milliseconds{3}),
                                  shown(a_bill(89000), now + std::chrono::milliseconds{6})};
  CO_ASSERT_TRUE(co_await write_batch(store, batch));
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents"), "2");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests"), "3");
  for (const auto& entry : batch) co_await expect_reads_back(store, entry);
}

// rotate-data-key: the pass re-seals every document under the new key (their key stays
// their associated data), then retires the old key; read with the new key alone, every
// request still shows its bill.
CO_TEST_F(BillDocumentTest, RotationResealsTheDocuments) {
  PgPool pool{co_await net::this_coro::executor, options()};
  co_await migrate(pool);
  bill::BillDataKeyPass::register_statements(pool);
  outbox::OutboxStore::register_statements(pool);
  crypto::SealedColumns before{first_keys()};
  PgHistoryStore store{pool, before};
  const auto now = std::chrono::system_clock::now();
  std::vector<HistoryEntry> batch{shown(a_bill(89000), now),
                                  shown(a_bill(91500), now + std::chrono::milliseconds{3})};
  CO_ASSERT_TRUE(co_await write_batch(store, batch));
  co_await run(pool,
               "INSERT INTO data_key_checks (key_id, sealed) VALUES (1, '\\x00'), (2, '\\x00')");

  crypto::SealedColumns rotated{rotated_keys()};
  outbox::OutboxStore outbox{pool, rotated};
  bill::BillDataKeyPass pass{pool, rotated, outbox, crypto::ResealOptions{.batch_size = 1}};
  auto report = co_await pass.pass().run();
  CO_ASSERT_PG_OK(report);
  EXPECT_TRUE(report->finished);
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM bill_documents WHERE substring(bill_sealed "
                            "FROM 2 FOR 2) = '" +
                                crypto::key_id_bytes(2) + "'::bytea"),
            "2");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT retired_at IS NOT NULL FROM data_key_checks "
                            "WHERE key_id = 1"),
            "t");
  crypto::SealedColumns after{second_key_only()};
  PgHistoryStore reader{pool, after};
  for (const auto& entry : batch) co_await expect_reads_back(reader, entry);
}

// The clock moved forward: requests 26 and 22 months old and the documents they showed.
// The maintenance pass, given only the requests' retention (24 months), archives and
// drops the expired month of both tables and keeps the newer month's requests readable.
CO_TEST_F(BillDocumentTest, AnExpiredMonthsDocumentsAreDroppedWithItsRequests) {
  PgPool pool{co_await net::this_coro::executor, options()};
  co_await migrate(pool);
  crypto::SealedColumns sealed{first_keys()};
  PgHistoryStore store{pool, sealed};
  const auto now = std::chrono::system_clock::now();
  const auto expired_at = now - std::chrono::hours{24 * (26 * 30 + 15)};
  const auto kept_at = now - std::chrono::hours{24 * (22 * 30 + 15)};
  std::vector<HistoryEntry> expired{shown(a_bill(89000), expired_at)};
  std::vector<HistoryEntry> kept{shown(a_bill(89000), kept_at)};
  CO_ASSERT_TRUE(co_await write_batch(store, expired));
  CO_ASSERT_TRUE(co_await write_batch(store, kept));
  for (const char* table : {"bill_inquiry_requests", "bill_documents"})
    co_await run(pool, std::string{"SELECT partman.partition_data_time('public."} + table +
                           "', p_batch_count => 100)");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents"), "2");
  const std::string expired_documents = co_await scalar(
      pool, "SELECT tableoid::regclass::text FROM bill_documents ORDER BY month_start LIMIT 1");
  EXPECT_EQ(expired_documents,
            co_await scalar(pool, "SELECT to_char(date_trunc('month', '" +
                                      iso8601_utc_millis(expired_at) +
                                      "'::timestamptz), '\"bill_documents_p\"YYYY_MM')"));

  const fs::path archive = test_support::make_temp_directory("document_archive");
  test_support::ChildProcess pass{
      {.executable = test_support::source_directory() + "/deploy/history-maintenance.sh",
       .arguments = {"--dsn", dsn_, "--archive-dir", archive.string(), "--retention",
                     "public.bill_inquiry_requests=24 months"},
       .log_path = (archive / "maintenance.log").string()}};
  EXPECT_EQ(pass.wait_for_exit(std::chrono::seconds{120}), std::optional<int>{0})
      << read_file(archive / "maintenance.log");

  EXPECT_EQ(co_await scalar(pool, "SELECT to_regclass('" + expired_documents + "') IS NULL"), "t");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_documents"), "1");
  EXPECT_EQ(co_await scalar(pool, "SELECT string_agg(request_id, ',') FROM bill_inquiry_requests"),
            kept[0].request_id);
  co_await expect_reads_back(store, kept[0]);
}

}  // namespace
}  // namespace phonebill::storage::testing
