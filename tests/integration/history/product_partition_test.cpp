// product_changes in monthly partitions (issue 20, db/product/005) against a real
// PostgreSQL with pg_partman, through the service's own store (PgChangeStore): existing
// rows and their guards carried over, one change in flight per line and one request per
// Idempotency-Key still refused when the first row is in another month, every statement
// on one change reading one month of sixty (EXPLAIN ANALYZE of the generic plans), and
// maintenance archiving and dropping a 6-year-old month and nothing newer.
#include <filesystem>

#include "../storage/storage_test_support.hpp"
#include "core/seoul_time.hpp"
#include "history/time_ordered_id.hpp"
#include "partition_test_support.hpp"
#include "product-change/pg_change_store.hpp"
#include "product-change/queries.hpp"
#include "product-change/sealed_changes.hpp"
#include "storage/migrations.hpp"
#include "support/child_process.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using product::ChangeOutcome;
using product::ChangeRecord;
using product::ChangeStatus;
using product::InsertResult;
using product::PgChangeStore;

class ProductPartitionTest : public HistoryPartitionTest {};

// A fixed data-key ring for the store's sealed columns (db/product/006).
const crypto::KeyRing& partition_test_keys() {
  static const crypto::KeyRing ring{
      {{1, std::string(crypto::kKeyBytes, 'p')}}, 1, std::string(crypto::kKeyBytes, 'q')};
  return ring;
}

// Named for its table: the bill history test beside it (one unity file) has its own.
int change_partitions_read(const std::string& plan) {
  return storage::testing::partitions_read(plan, "product_changes");
}

// A change row as SQL values, `months` months back (0: now), in `status`.
std::string change_row(const std::string& id, const std::string& user, const std::string& line,
                       const std::string& status, const std::string& key, int months) {
  const std::string at = months == 0 ? std::string{"now()"}
                                     : "date_trunc('month', now()) - interval '" +
                                           std::to_string(months) + " months' + interval '3 days'";
  return "('" + id + "', '" + user + "', '" + line + "', 'A', 'Plan A', 'B', 'Plan B', '" + status +
         "', " + (key.empty() ? std::string{"NULL"} : "'" + key + "'") + ", '" + line + "|A|B', " +
         at + ", " + at + ")";
}

constexpr std::string_view kInsertChangeSql =
    "INSERT INTO product_changes (request_id, user_id, line_number, previous_product_code, "
    "previous_product_name, target_product_code, target_product_name, status, "
    "idempotency_key, fingerprint, requested_at, updated_at) VALUES ";

// Monthly partitions `from` to `to` months back (pg_partman makes only 4 back itself).
std::string make_months_back(int from, int to) {
  return "SELECT partman.create_partition_time('public.product_changes', "
         "ARRAY(SELECT date_trunc('month', now()) - make_interval(months => m) "
         "FROM generate_series(" +
         std::to_string(to) + ", " + std::to_string(from) + ") m))";
}

ChangeRecord new_change(const std::string& user, const std::string& line,
                        std::optional<std::string> key) {
  ChangeRecord record;
  record.request_id = history::new_time_ordered_id();
  record.user_id = user;
  record.line_number = line;
  record.previous_product_code = "A";
  record.previous_product_name = "Plan A";
  record.target_product_code = "B";
  record.target_product_name = "Plan B";
  record.idempotency_key = std::move(key);
  record.fingerprint = line + "|A|B";
  return record;
}

// Rows written before 005 move into monthly partitions with their guard rows (the ones in
// flight or holding a key) and their ids in product_change_legacy_ids.
CO_TEST_F(ProductPartitionTest, MigrationMovesRowsAndWritesTheirGuards) {
  for (const char* file : {"001_schema.sql", "002_reconcile_lease.sql", "003_domain_outcomes.sql"})
    add_migration("product", file);
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool, std::string{kInsertChangeSql} +
                         change_row("old-done", "u1", "01000000001", "COMPLETED", "k1", 2) + ", " +
                         change_row("old-failed", "u1", "01000000002", "FAILED", "", 3) + ", " +
                         change_row("old-pending", "u2", "01000000003", "PENDING", "", 0));

  add_migration("product", "005_partitioned_changes.sql");
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));

  EXPECT_EQ(co_await scalar(pool, "SELECT relkind FROM pg_class WHERE relname = 'product_changes'"),
            "p");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id || ':' || status, ',' ORDER BY "
                            "request_id) FROM product_changes"),
            "old-done:COMPLETED,old-failed:FAILED,old-pending:PENDING");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM product_changes_default"), "0");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id || ':' || in_flight || ':' || "
                            "coalesce(idempotency_key, '-'), ',' ORDER BY request_id) FROM "
                            "product_change_guards"),
            "old-done:false:k1,old-pending:true:-");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM product_change_legacy_ids"), "3");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT retention FROM partman.part_config WHERE parent_table = "
                            "'public.product_changes'"),
            "5 years");
}

// The first change of a line and the first use of a key lie 13 months back, in another
// partition: the store still refuses a second change in flight and a second use of the
// key, frees the line once the old change settles and the key once released.
CO_TEST_F(ProductPartitionTest, UniquenessHoldsAcrossMonths) {
  add_all_migrations("product");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  PgChangeStore::register_statements(pool);
  product::SealedChanges sealed{partition_test_keys()};
  PgChangeStore store{pool, sealed};
  co_await run(pool, make_months_back(13, 13));
  co_await run(pool, std::string{kInsertChangeSql} +
                         change_row("year-old", "u1", "01011112222", "PENDING", "same-key", 13));
  const std::string old_month = co_await scalar(
      pool, "SELECT tableoid::regclass::text FROM product_changes WHERE request_id = 'year-old'");
  EXPECT_EQ(old_month, co_await scalar(pool,
                                       "SELECT to_char(now() - interval '13 months', "
                                       "'\"product_changes_p\"YYYY_MM')"));

  auto busy = co_await store.insert(new_change("u9", "01011112222", std::nullopt), test_deadline());
  CO_ASSERT_TRUE(busy) << busy.error().detail;
  EXPECT_EQ(*busy, InsertResult::kLineBusy);
  auto taken = co_await store.insert(new_change("u1", "01033334444", "same-key"), test_deadline());
  CO_ASSERT_TRUE(taken) << taken.error().detail;
  EXPECT_EQ(*taken, InsertResult::kKeyTaken);
  auto other_user =
      co_await store.insert(new_change("u2", "01055556666", "same-key"), test_deadline());
  CO_ASSERT_TRUE(other_user) << other_user.error().detail;
  EXPECT_EQ(*other_user, InsertResult::kInserted);
  // Nothing half-written: the refused inserts left no row.
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM product_changes"), "2");

  auto held = co_await store.find_by_key("u1", "same-key", test_deadline());
  CO_ASSERT_TRUE(held && *held);
  EXPECT_EQ((*held)->request_id, "year-old");

  ChangeOutcome completed;
  completed.status = ChangeStatus::kCompleted;
  completed.kos_result_code = "0000";
  auto settled =
      co_await store.settle("year-old", completed, std::nullopt, std::nullopt, test_deadline());
  CO_ASSERT_TRUE(settled && *settled);
  EXPECT_EQ((*settled)->status, ChangeStatus::kCompleted);
  // Found by its id (no time in it): its guard row, kept for the key, names the month.
  auto found = co_await store.find("year-old", test_deadline());
  CO_ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->status, ChangeStatus::kCompleted);
  auto line_free =
      co_await store.insert(new_change("u9", "01011112222", std::nullopt), test_deadline());
  CO_ASSERT_TRUE(line_free);
  EXPECT_EQ(*line_free, InsertResult::kInserted);
  // Still the key's: settling keeps the key held until it is released.
  auto still_taken =
      co_await store.insert(new_change("u1", "01077778888", "same-key"), test_deadline());
  CO_ASSERT_TRUE(still_taken);
  EXPECT_EQ(*still_taken, InsertResult::kKeyTaken);
  CO_ASSERT_TRUE(co_await store.release_key("year-old", test_deadline()));
  auto key_free =
      co_await store.insert(new_change("u1", "01077778888", "same-key"), test_deadline());
  CO_ASSERT_TRUE(key_free);
  EXPECT_EQ(*key_free, InsertResult::kInserted);

  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM product_change_guards WHERE request_id = "
                            "'year-old'"),
            "0");
}

// Sixty months of partitions: each statement the store runs on one change reads one
// month (the look-up by a time-ordered id at most two), the reconciler's claim only the
// months from the oldest change in flight on; the plain "WHERE request_id = $1" of
// before reads every month.
CO_TEST_F(ProductPartitionTest, StatementsOnOneChangeReadOneMonth) {
  add_all_migrations("product");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool, make_months_back(60, 1));
  const int partitions = std::stoi(co_await scalar(
      pool, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'product_changes'::regclass"));
  CO_ASSERT_TRUE(partitions >= 60) << partitions;

  // A settled change 40 months back, and one in flight now with a key.
  co_await run(pool, std::string{kInsertChangeSql} +
                         change_row("settled-old", "u1", "01000000001", "COMPLETED", "", 40));
  const std::string id =
      history::time_ordered_id(std::chrono::system_clock::now(), 0x123, 0x456789);
  co_await run(pool, std::string{kInsertChangeSql} +
                         change_row(id, "u1", "01000000002", "REQUESTED", "key-1", 0));

  auto window = history::id_search_window(id);
  CO_ASSERT_TRUE(window.has_value());
  auto find = co_await generic_plan(pool, product::queries::kFind, "text, timestamptz, timestamptz",
                                    "'" + id + "', '" + iso8601_utc_millis(window->from) + "', '" +
                                        iso8601_utc_millis(window->to) + "'");
  EXPECT_NE(find.find("rows=1 loops=1"), std::string::npos) << find;
  EXPECT_GE(change_partitions_read(find), 1) << find;
  EXPECT_LE(change_partitions_read(find), 2) << find;

  auto by_key =
      co_await generic_plan(pool, product::queries::kFindByKey, "text, text", "'u1', 'key-1'");
  EXPECT_NE(by_key.find("rows=1 loops=1"), std::string::npos) << by_key;
  EXPECT_EQ(change_partitions_read(by_key), 1) << by_key;

  auto settle = co_await generic_plan(
      pool, product::queries::kSettle, "text, text, text, text, text, text, text, text, text, text",
      "'" + id + "', 'PENDING', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL");
  EXPECT_NE(settle.find("rows=1 loops=1"), std::string::npos) << settle;
  EXPECT_EQ(change_partitions_read(settle), 1) << settle;
  EXPECT_EQ(
      co_await scalar(pool, "SELECT status FROM product_changes WHERE request_id = '" + id + "'"),
      "PENDING");

  auto claim =
      co_await generic_plan(pool, product::queries::kClaimNext, "bigint, bigint", "0, 60000");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT reconcile_attempts FROM product_changes WHERE "
                            "request_id = '" +
                                id + "'"),
            "1")
      << claim;
  // This month and the 4 made ahead, the default partition, and the one row updated.
  EXPECT_LE(change_partitions_read(claim), 7) << claim;

  auto release = co_await generic_plan(pool, product::queries::kReleaseClaim, "text, bigint",
                                       "'" + id + "', 1000");
  EXPECT_EQ(change_partitions_read(release), 1) << release;

  auto before = co_await generic_plan(
      pool, "SELECT request_id FROM product_changes WHERE request_id = $1", "text", "'" + id + "'");
  EXPECT_EQ(change_partitions_read(before), partitions) << before;
}

// The clock moved forward: changes 6 years (72 months) and 58 months old in their own
// partitions. One maintenance pass with the 5-year retention archives and drops exactly
// the 6-year-old month (its rows in the archive file) and its guard row, keeps the
// 58-month-old month, and removes the guard of a key past its time but not one in use.
CO_TEST_F(ProductPartitionTest, MaintenanceArchivesSixYearOldMonthAndNothingNewer) {
  add_all_migrations("product");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool, make_months_back(72, 72) + "; " + make_months_back(58, 58));
  co_await run(
      pool, std::string{kInsertChangeSql} +
                change_row("six-years-1", "u1", "01000000001", "COMPLETED", "old-key", 72) + ", " +
                change_row("six-years-2", "u1", "01000000002", "FAILED", "", 72) + ", " +
                change_row("kept-1", "u1", "01000000003", "COMPLETED", "", 58) + ", " +
                change_row("in-flight", "u2", "01000000004", "PENDING", "fresh-key", 0));
  co_await run(pool, std::string{kInsertChangeSql} +
                         "('two-days', 'u3', '01000000005', 'A', 'Plan A', 'B', 'Plan B', "
                         "'COMPLETED', 'stale-key', 'x', now() - interval '2 days', now())");
  const std::string expired = co_await scalar(pool,
                                              "SELECT to_char(now() - interval '72 months', "
                                              "'\"product_changes_p\"YYYY_MM')");
  const std::string database = co_await scalar(pool, "SELECT current_database()");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM " + expired), "2");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM product_change_guards"), "3");

  const fs::path archive = test_support::make_temp_directory("product_archive");
  test_support::ChildProcess pass{
      {.executable = test_support::source_directory() + "/deploy/history-maintenance.sh",
       .arguments = {"--dsn", dsn_, "--archive-dir", archive.string(), "--retention",
                     "public.product_changes=5 years", "--idempotency-ttl", "24 hours"},
       .log_path = (archive / "maintenance.log").string()}};
  EXPECT_EQ(pass.wait_for_exit(std::chrono::seconds{120}), std::optional<int>{0})
      << read_file(archive / "maintenance.log");

  EXPECT_EQ(co_await scalar(pool, "SELECT to_regclass('" + expired + "') IS NULL"), "t");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "product_changes"),
            "in-flight,kept-1,two-days");
  const std::string archived = read_gzip(archive / database / (expired + ".csv.gz"));
  EXPECT_NE(archived.find("six-years-1,"), std::string::npos) << archived;
  EXPECT_NE(archived.find("six-years-2,"), std::string::npos) << archived;
  EXPECT_EQ(archived.find("kept-1"), std::string::npos) << archived;
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "product_change_guards"),
            "in-flight");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM pg_tables WHERE schemaname = "
                            "'history_archive'"),
            "0");
}

}  // namespace
}  // namespace phonebill::storage::testing
