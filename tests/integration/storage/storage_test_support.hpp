// Shared by the storage integration tests: a per-suite database from the harness and
// assertions that print a PgError when a PgResult unexpectedly failed.
#pragma once
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <string>

#include "storage/pg_pool.hpp"
#include "storage/pg_result.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

namespace phonebill::storage::testing {

using namespace std::chrono_literals;

// Generous enough for a loaded machine running ASan; tests of timeouts use their own.
inline Deadline test_deadline() { return deadline_after(10s); }

// A fresh database per suite run (STYLE §10); --gtest_repeat gets a new one each time.
template <typename Suite>
class DatabaseSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dsn_ = test_support::create_database(Suite::kDatabasePrefix); }
  static const std::string& dsn() { return dsn_; }

 private:
  static inline std::string dsn_;
};

inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace phonebill::storage::testing

// Ends the coroutine test body when a PgResult holds an error, printing it. The
// expression (often a co_await) is evaluated once.
#define CO_ASSERT_PG_OK(expression)                                     \
  do {                                                                  \
    auto&& phonebill_pg_result = (expression);                          \
    CO_ASSERT_TRUE(phonebill_pg_result)                                 \
        << ::phonebill::storage::describe(phonebill_pg_result.error()); \
  } while (false)
