// The partitioned-history tests' shared helpers (see partition_test_support.hpp).
#include "partition_test_support.hpp"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "../storage/storage_test_support.hpp"

namespace phonebill::storage::testing {

namespace net = boost::asio;

net::awaitable<std::string> scalar(PgPool& pool, const std::string& sql) {
  auto rows = co_await pool.query(sql, {}, test_deadline());
  if (!rows) {
    ADD_FAILURE() << sql << ": " << describe(rows.error());
    co_return std::string{};
  }
  if (rows->empty()) co_return std::string{};
  co_return rows->optional_text(0, std::size_t{0}).value_or("");
}

net::awaitable<void> run(PgPool& pool, const std::string& sql) {
  auto lease = co_await pool.acquire(test_deadline());
  if (!lease) {
    ADD_FAILURE() << describe(lease.error());
    co_return;
  }
  auto done = co_await lease->execute_script(sql, test_deadline());
  if (!done) ADD_FAILURE() << sql << ": " << describe(done.error());
}

net::awaitable<std::string> generic_plan(PgPool& pool, std::string_view statement,
                                         const std::string& types, const std::string& arguments) {
  auto lease = co_await pool.acquire(test_deadline());
  if (!lease) co_return describe(lease.error());
  auto prepared = co_await lease->execute_script(
      "SET plan_cache_mode = force_generic_plan; DEALLOCATE ALL; PREPARE probe(" + types + ") AS " +
          std::string{statement},
      test_deadline());
  if (!prepared) co_return describe(prepared.error());
  auto plan = co_await lease->execute_script(
      "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE probe(" + arguments + ")",
      test_deadline());
  if (!plan) co_return describe(plan.error());
  std::string text;
  for (std::size_t row = 0; row < plan->row_count(); ++row)
    text += std::string{plan->text(row, std::size_t{0})} + "\n";
  co_return text;
}

int partitions_read(const std::string& plan, const std::string& table) {
  // "... Scan ... on <table>_p2026_12 <alias> (actual ...": a partition's own name, not
  // an index named after it (<table>_p2026_12_pkey), nor an UPDATE's target list.
  const std::regex scan{"Scan.* on " + table + R"(_(p\d{4}_\d{2}|default)( |$))"};
  int count = 0;
  std::istringstream lines{plan};
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, scan) && line.find("never executed") == std::string::npos) ++count;
  }
  return count;
}

std::string read_gzip(const std::filesystem::path& file) {
  std::string text;
  if (FILE* pipe = ::popen(("gzip -dc '" + file.string() + "'").c_str(), "r")) {
    char buffer[4096];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      text.append(buffer, got);
    ::pclose(pipe);
  }
  return text;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream input{file};
  return {std::istreambuf_iterator<char>{input}, std::istreambuf_iterator<char>{}};
}

}  // namespace phonebill::storage::testing
