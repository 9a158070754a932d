// Monthly history partitions against a real PostgreSQL with pg_partman (issue 20): the
// migrations move existing rows into partitions, a look-up by id reads one or two
// partitions out of 25+ (counted in EXPLAIN ANALYZE of the service's own statements),
// and a maintenance pass over 26-month-old data archives and drops exactly the expired
// month, configurable per table, and touches nothing newer.
#include <filesystem>

#include "../storage/storage_test_support.hpp"
#include "bill-inquiry/queries.hpp"
#include "core/seoul_time.hpp"
#include "history/time_ordered_id.hpp"
#include "partition_test_support.hpp"
#include "storage/migrations.hpp"
#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;

// Partitions of bill_inquiry_requests a plan read.
int partitions_read(const std::string& plan) {
  return storage::testing::partitions_read(plan, "bill_inquiry_requests");
}

constexpr std::string_view kInsertRequestSql =
    "INSERT INTO bill_inquiry_requests (request_id, user_id, requested_at, finished_at, "
    "status, result_code, result_summary) ";

// Rows written before 002 stay, now in monthly partitions (none in the default one);
// the KOS-call ids carry on; the legacy ids are recorded for the look-up.
CO_TEST_F(HistoryPartitionTest, BillMigrationMovesExistingRowsIntoMonthlyPartitions) {
  add_migration("bill", "001_schema.sql");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool, std::string{kInsertRequestSql} +
                         "VALUES ('before-1', 'u1', now() - interval '3 months', now(), "
                         "'COMPLETED', 'OK', 's'), ('before-2', 'u1', now(), now(), 'FAILED', "
                         "'KOS_TIMEOUT', 's')");
  co_await run(pool,
               "INSERT INTO bill_kos_calls (request_id, operation, attempt, requested_at, "
               "responded_at, circuit_state) VALUES ('before-1', 'bill.inquiry', 1, now() - "
               "interval '3 months', now(), 'closed')");

  add_all_migrations("bill");
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));

  EXPECT_EQ(co_await scalar(pool,
                            "SELECT relkind FROM pg_class WHERE relname = "
                            "'bill_inquiry_requests'"),
            "p");
  EXPECT_EQ(co_await scalar(pool, "SELECT relkind FROM pg_class WHERE relname = 'bill_kos_calls'"),
            "p");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "bill_inquiry_requests"),
            "before-1,before-2");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests_default"), "0");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_legacy_ids"), "2");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM partman.part_config WHERE retention IS "
                            "NOT NULL AND retention_schema = 'history_archive'"),
            "3");  // requests, KOS calls, bill documents (db/bill/005)
  EXPECT_EQ(co_await scalar(pool,
                            "INSERT INTO bill_kos_calls (request_id, operation, attempt, "
                            "requested_at, responded_at, circuit_state) VALUES ('after', "
                            "'bill.inquiry', 1, now(), now(), 'closed') RETURNING id"),
            "2");
  // Created ahead: next month's partition is there before any row needs it.
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT to_regclass(to_char(now() + interval '3 months', "
                            "'\"bill_inquiry_requests_p\"YYYY_MM')) IS NOT NULL"),
            "t");
}

// The same for auth's login history and permission-check log.
CO_TEST_F(HistoryPartitionTest, AuthMigrationMovesExistingRowsIntoMonthlyPartitions) {
  add_migration("auth", "001_schema.sql");
  add_migration("auth", "002_revocation_outbox.sql");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool,
               "INSERT INTO login_history (attempted_at, user_id, client_ip, user_agent, result, "
               "reason, request_id) VALUES (now() - interval '2 months', 'u1', '127.0.0.1', 'ua', "
               "'SUCCESS', 'SUCCESS', 'r1'), (now(), 'u1', '127.0.0.1', 'ua', 'FAILURE', "
               "'INVALID_CREDENTIALS', 'r2');"
               "INSERT INTO permission_checks (checked_at, user_id, session_id, service_type, "
               "granted, request_id) VALUES (now(), 'u1', 's1', 'BILL_INQUIRY', true, 'r3')");

  add_all_migrations("auth");
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));

  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(relkind::text, ',' ORDER BY relname) FROM "
                            "pg_class WHERE relname IN ('login_history', "
                            "'permission_checks')"),
            "p,p");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "login_history"),
            "r1,r2");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM login_history_default"), "0");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM permission_checks"), "1");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT retention FROM partman.part_config WHERE parent_table "
                            "= 'public.login_history'"),
            "12 months");
}

// With 25+ monthly partitions, the look-up by a time-ordered id reads at most the two
// months of its window, an id from before time-ordered ids reads the one partition
// bill_inquiry_legacy_ids points at, and an unknown id reads none; the plain
// "WHERE request_id = $1" of before reads every partition.
CO_TEST_F(HistoryPartitionTest, LookUpByIdReadsOnlyTheMonthsItsIdAllows) {
  add_all_migrations("bill");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(pool,
               "SELECT partman.create_partition_time('public.bill_inquiry_requests', "
               "ARRAY(SELECT generate_series(date_trunc('month', now()) - interval '24 months', "
               "now(), interval '1 month')))");
  const int partitions =
      std::stoi(co_await scalar(pool,
                                "SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                "'bill_inquiry_requests'::regclass"));
  CO_ASSERT_TRUE(partitions >= 29) << partitions;

  const auto ten_months_ago = std::chrono::system_clock::now() - std::chrono::hours{24 * 300};
  const std::string id = history::time_ordered_id(ten_months_ago, 0x123, 0x456789);
  const std::string at = iso8601_utc_millis(ten_months_ago);
  co_await run(pool, std::string{kInsertRequestSql} + "VALUES ('" + id + "', 'u1', '" + at +
                         "', now(), 'COMPLETED', 'OK', 's')");
  const std::string legacy_id = "0123456789abcdef0123456789abcdef";  // random, as before 002
  co_await run(pool, std::string{kInsertRequestSql} + "VALUES ('" + legacy_id +
                         "', 'u1', now() - interval '5 months', now(), 'COMPLETED', 'OK', 's');"
                         "INSERT INTO bill_inquiry_legacy_ids SELECT request_id, requested_at "
                         "FROM bill_inquiry_requests WHERE request_id = '" +
                         legacy_id + "'");

  auto window = history::id_search_window(id);
  CO_ASSERT_TRUE(window.has_value());
  CO_ASSERT_FALSE(history::id_search_window(legacy_id).has_value());
  const std::string arguments = "'" + id + "', '" + iso8601_utc_millis(window->from) + "', '" +
                                iso8601_utc_millis(window->to) + "'";
  auto by_time = co_await generic_plan(pool, bill::queries::kFindRequest,
                                       "text, timestamptz, timestamptz", arguments);
  EXPECT_NE(by_time.find("rows=1 loops=1"), std::string::npos) << by_time;
  EXPECT_GE(partitions_read(by_time), 1) << by_time;
  EXPECT_LE(partitions_read(by_time), 2) << by_time;

  auto legacy =
      co_await generic_plan(pool, bill::queries::kFindLegacyRequest, "text", "'" + legacy_id + "'");
  EXPECT_NE(legacy.find("rows=1 loops=1"), std::string::npos) << legacy;
  EXPECT_EQ(partitions_read(legacy), 1) << legacy;

  auto unknown = co_await generic_plan(pool, bill::queries::kFindLegacyRequest, "text",
                                       "'ffffffffffffffffffffffffffffffff'");
  EXPECT_EQ(partitions_read(unknown), 0) << unknown;

  auto before = co_await generic_plan(
      pool, "SELECT request_id FROM bill_inquiry_requests WHERE request_id = $1", "text",
      "'" + id + "'");
  EXPECT_EQ(partitions_read(before), partitions) << before;
}

// The clock moved forward: rows 26 and 22 months old (and KOS calls 14 and 10 months
// old) in their own partitions. One maintenance pass archives and drops exactly the
// months past their retention (24 and 12 months) — their rows in the archive file, the
// MANIFEST line — and leaves every newer row; a retention configured shorter (21 months)
// takes the next month on the next pass.
CO_TEST_F(HistoryPartitionTest, MaintenanceArchivesAndDropsExactlyTheExpiredMonths) {
  add_all_migrations("bill");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));
  co_await run(
      pool,
      std::string{kInsertRequestSql} +
          "SELECT 'old-' || g, 'u1', date_trunc('month', now()) - interval '26 months' + "
          "interval '3 days', now(), 'FAILED', 'X', E'two\\nlines, \"quoted\"' "
          "FROM generate_series(1, 3) g;" +
          std::string{kInsertRequestSql} +
          "SELECT 'kept-' || g, 'u1', date_trunc('month', now()) - interval '22 months' + "
          "interval '3 days', now(), 'COMPLETED', 'OK', 's' FROM generate_series(1, 4) g;" +
          std::string{kInsertRequestSql} +
          "SELECT 'new-' || g, 'u1', now(), now(), 'COMPLETED', 'OK', 's' "
          "FROM generate_series(1, 2) g;"
          "INSERT INTO bill_kos_calls (request_id, operation, attempt, requested_at, "
          "responded_at, circuit_state) SELECT 'call-' || m, 'bill.inquiry', 1, "
          "date_trunc('month', now()) - make_interval(months => m) + interval '3 days', now(), "
          "'closed' FROM unnest(ARRAY[14, 10]) m");
  // From the default partitions into monthly ones, one table per transaction (pg_partman's
  // temporary table lives until the commit).
  co_await run(pool,
               "SELECT partman.partition_data_time('public.bill_inquiry_requests', "
               "p_batch_count => 100)");
  co_await run(pool,
               "SELECT partman.partition_data_time('public.bill_kos_calls', "
               "p_batch_count => 100)");
  const std::string expired = co_await scalar(pool,
                                              "SELECT to_char(now() - interval '26 months', "
                                              "'\"bill_inquiry_requests_p\"YYYY_MM')");
  const std::string next_expired = co_await scalar(pool,
                                                   "SELECT to_char(now() - interval '22 months', "
                                                   "'\"bill_inquiry_requests_p\"YYYY_MM')");
  const std::string database = co_await scalar(pool, "SELECT current_database()");
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM " + expired), "3");

  const fs::path archive = test_support::make_temp_directory("history_archive");
  auto maintain = [&](const std::string& retention) {
    test_support::ChildProcess pass{
        {.executable = test_support::source_directory() + "/deploy/history-maintenance.sh",
         .arguments = {"--dsn", dsn_, "--archive-dir", archive.string(), "--retention", retention},
         .log_path = (archive / "maintenance.log").string()}};
    return pass.wait_for_exit(std::chrono::seconds{120});
  };
  auto exit_code = maintain("public.bill_inquiry_requests=24 months");
  EXPECT_EQ(exit_code, std::optional<int>{0}) << read_file(archive / "maintenance.log");

  EXPECT_EQ(co_await scalar(pool, "SELECT to_regclass('" + expired + "') IS NULL"), "t");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "bill_inquiry_requests"),
            "kept-1,kept-2,kept-3,kept-4,new-1,new-2");
  EXPECT_EQ(co_await scalar(pool, "SELECT string_agg(request_id, ',') FROM bill_kos_calls"),
            "call-10");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT count(*) FROM pg_tables WHERE schemaname = "
                            "'history_archive'"),
            "0");
  const std::string archived = read_gzip(archive / database / (expired + ".csv.gz"));
  for (const char* row : {"old-1,", "old-2,", "old-3,"})
    EXPECT_NE(archived.find(row), std::string::npos) << row << " not in\n" << archived;
  EXPECT_NE(archived.find("\"two\nlines, \"\"quoted\"\"\""), std::string::npos) << archived;
  EXPECT_EQ(archived.find("kept-"), std::string::npos);
  const std::string manifest = read_file(archive / database / "MANIFEST");
  EXPECT_NE(manifest.find("\t" + expired + "\t3\t"), std::string::npos) << manifest;

  // Shorter retention from configuration: the 22-month-old month goes next, nothing else.
  exit_code = maintain("public.bill_inquiry_requests=21 months");
  EXPECT_EQ(exit_code, std::optional<int>{0}) << read_file(archive / "maintenance.log");
  EXPECT_EQ(co_await scalar(pool,
                            "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM "
                            "bill_inquiry_requests"),
            "new-1,new-2");
  EXPECT_TRUE(fs::exists(archive / database / (next_expired + ".csv.gz")));

  // A retention that is no interval stops the pass before anything is detached.
  exit_code = maintain("public.bill_inquiry_requests=soon");
  EXPECT_NE(exit_code, std::optional<int>{0});
  EXPECT_EQ(co_await scalar(pool, "SELECT count(*) FROM bill_inquiry_requests"), "2");
}

}  // namespace
}  // namespace phonebill::storage::testing
