// A login the password hasher refuses (503) does not count as a failed attempt (issue 12
// item 6). The attempt is reserved before hashing; the refusal must release it, or a
// flood of logins that only ever get 503 would lock the real user. The race is made
// deterministic: the test holds the id's counter row locked while the login passes the
// "queue full?" check, fills the hasher's only slot with another login, then lets go.
#include <libpq-fe.h>

#include <boost/json.hpp>

#include <future>
#include <thread>

#include "auth_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// One libpq session of the test's own on auth's database.
class SqlSession {
 public:
  explicit SqlSession(const std::string& dsn) : connection_(PQconnectdb(dsn.c_str())) {}
  ~SqlSession() { PQfinish(connection_); }
  bool ok() const { return PQstatus(connection_) == CONNECTION_OK; }
  bool run(const std::string& sql) {
    PGresult* result = PQexec(connection_, sql.c_str());
    auto status = PQresultStatus(result);
    PQclear(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }

 private:
  PGconn* connection_;
};

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < limit) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

}  // namespace

TEST_F(AuthTest, HasherRefusalDoesNotCountAsAFailedAttempt) {
  auto user = create_user("flooded");
  // One hasher slot, no queue, and slow hashes, so one login occupies it for a while
  // (the unknown-id check runs against the dummy hash made with these parameters).
  InstanceSettings settings{.name = "auth-one-hasher",
                            .environment = {{"PHONEBILL_PASSWORD_THREADS", "1"},
                                            {"PHONEBILL_PASSWORD_QUEUE_LIMIT", "0"},
                                            {"PHONEBILL_PASSWORD_OPS_LIMIT", "20"},
                                            {"PHONEBILL_PASSWORD_MEMORY_KIB", "65536"}}};
  auto instance = start_instance(settings);

  // Hold the counter row: the real user's login passes the queue check, then waits here.
  SqlSession blocker{database_dsn()};
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE(blocker.run("BEGIN"));
  ASSERT_TRUE(blocker.run("INSERT INTO login_attempts (user_id) VALUES ('" + user +
                          "') ON CONFLICT DO NOTHING"));
  ASSERT_TRUE(
      blocker.run("SELECT 1 FROM login_attempts WHERE user_id = '" + user + "' FOR UPDATE"));
  auto real_login =
      std::async(std::launch::async, [&] { return login(user, kUserPassword, false, instance); });
  ASSERT_TRUE(wait_for(
      [&] {
        return sql_value(
                   "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                   "AND datname = current_database() "
                   "AND query LIKE '%login_attempts%'") != "0";
      },
      10s));

  // Another login takes the only hasher slot (its reservation is committed just before).
  const std::string filler_id = user + "_x";
  auto filler = std::async(std::launch::async,
                           [&] { return login(filler_id, "wrong-password-1", false, instance); });
  ASSERT_TRUE(wait_for(
      [&] {
        return sql_value("SELECT failed_attempts FROM login_attempts WHERE user_id = '" +
                         filler_id + "'") == "1";
      },
      10s));
  std::this_thread::sleep_for(50ms);

  ASSERT_TRUE(blocker.run("ROLLBACK"));
  auto refused = real_login.get();
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.code(), "SERVICE_UNAVAILABLE");
  EXPECT_EQ(filler.get().code(), "AUTH_001");

  // The refused attempt was taken back: nothing counted, nothing locked.
  EXPECT_EQ(sql_value("SELECT coalesce(max(failed_attempts), 0) FROM login_attempts "
                      "WHERE user_id = '" +
                      user + "'"),
            "0");
  auto next = login(user, "wrong-password-1", false, instance);
  EXPECT_EQ(next.details().at("remainingAttempts").to_number<std::int64_t>(), 4) << next.body;
  stop_instance(instance);
}
