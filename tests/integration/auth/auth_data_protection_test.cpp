// Personal data at rest (SPEC §14, issue 19): a dump of auth's database shows no demo
// user's name or line and no client IP in clear; "user by line" goes through the blind
// index; clear rows from before the upgrade are sealed while auth serves; rotation keeps
// old and new rows readable and lets the old key go after the pass; a wrong or lost key
// stops the start.
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "auth_fixture.hpp"
#include "crypto/key_ring.hpp"
#include "pg_user_store.hpp"
#include "sealed_fields.hpp"
#include "storage/pg_pool.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct DemoValues {
  std::string user_id, name, line;
};
const std::vector<DemoValues> kDemoUsers = {{"user01", "홍길동", "01012345678"},
                                            {"user02", "김영희", "01087654321"},
                                            {"user03", "이철수", "01055554444"},
                                            {"admin", "박관리", "01099998888"}};

// Every row of every table of the database as text (query_to_xml: bytea as base64), the
// way a pg_dump or a backup would carry it.
std::string dump_tables(const std::string& dsn) {
  return AuthTest::sql_value(
      "SELECT string_agg(query_to_xml(format('SELECT * FROM %I.%I', table_schema, table_name),"
      " false, false, '')::text, E'\\n') FROM information_schema.tables"
      " WHERE table_schema IN ('public', 'history_archive') AND table_type = 'BASE TABLE'",
      dsn);
}

// Polls `sql` on `dsn` until it yields `expected` (up to 60 s).
bool eventually(const std::string& sql, const std::string& expected, const std::string& dsn) {
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (AuthTest::sql_value(sql, dsn) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  return false;
}

std::string me_field(const std::string& access, const std::string& key, std::size_t instance) {
  auto me = AuthTest::get("/api/v1/auth/me", access, instance);
  EXPECT_EQ(me.status, 200) << me.body;
  return me.text(key);
}

// The first bytes of a sealed column: version 1 and the key id, as hex.
std::string key_prefix(int key) {
  char text[16];
  std::snprintf(text, sizeof text, "01%04x", key);
  return text;
}

}  // namespace

// The must-show dump check, for auth: demo names and lines, and login IPs, only sealed.
TEST_F(AuthTest, DumpOfTheAuthDatabaseHasNoNameLineOrAddressInClear) {
  auto tokens = login_ok("user01", "Passw0rd!01");
  EXPECT_EQ(me_field(tokens.access, "userName", 0), "홍길동");
  EXPECT_EQ(me_field(tokens.access, "lineNumber", 0), "01012345678");
  auto user = create_user("dumped");
  login_ok(user, kUserPassword);
  auto history = get("/api/v1/auth/login-history?size=10", tokens.access);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.data().at("items").as_array().at(0).at("clientIp"), "127.0.0.1");

  auto dump = dump_tables(database_dsn());
  // Column elements of users, login_history and sessions: every table was dumped.
  ASSERT_NE(dump.find("<user_name_sealed>"), std::string::npos) << "the dump missed tables";
  ASSERT_NE(dump.find("<client_ip_sealed>"), std::string::npos) << "the dump missed tables";
  ASSERT_NE(dump.find("<current_jti>"), std::string::npos) << "the dump missed tables";
  ASSERT_NE(dump.find("<user_id>user01</user_id>"), std::string::npos);  // ids stay clear
  for (const auto& demo : kDemoUsers) {
    EXPECT_EQ(dump.find(demo.name), std::string::npos) << demo.user_id << "'s name in clear";
    EXPECT_EQ(dump.find(demo.line), std::string::npos) << demo.user_id << "'s line in clear";
  }
  EXPECT_EQ(dump.find("테스트 사용자"), std::string::npos);
  EXPECT_EQ(dump.find("01011112222"), std::string::npos);
  EXPECT_EQ(dump.find("127.0.0.1"), std::string::npos) << "a client IP in clear";
}

// "User by line": the blind index finds the user; the column holds no line number.
TEST_F(AuthTest, UserByLineGoesThroughTheBlindIndex) {
  auto ring = crypto::KeyRing::from_directory(fs::path{secrets_directory()} / "data-keys");
  auth::SealedFields sealed{ring};
  boost::asio::io_context io;
  storage::PgPool pool{io, {database_dsn(), 1}};
  auth::PgUserStore::register_statements(pool);
  auth::PgUserStore users{pool, sealed};
  auto found = run_coroutine(
      io, users.find_users_by_line("01087654321", deadline_after(std::chrono::seconds{10})));
  ASSERT_TRUE(found) << storage::describe(found.error());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).user_id, "user02");
  EXPECT_EQ(found->at(0).user_name, "김영희");
  auto none = run_coroutine(
      io, users.find_users_by_line("01000000000", deadline_after(std::chrono::seconds{10})));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(sql_value("SELECT count(*) FROM users WHERE line_index IS NULL"), "0");
}

// A database written before db/auth/004 (clear names, lines, IPs) upgrades in place: auth
// serves the clear rows at once and its pass seals them in batches.
TEST_F(AuthTest, ClearRowsFromBeforeTheUpgradeAreSealedWhileServing) {
  auto dsn = create_database("auth_upgrade");
  auto old_migrations = make_temp_directory("auth-migrations-003");
  for (const char* file :
       {"001_schema.sql", "002_revocation_outbox.sql", "003_partitioned_history.sql"})
    fs::copy_file(fs::path{source_directory()} / "db/auth" / file, old_migrations / file);
  // The old schema, as the previous release left it: the start stops at the key check
  // (its table does not exist yet), after migrating 001-003 and before any demo user.
  auto old_start = run_to_exit(
      InstanceSettings{.name = "auth-003",
                       .database_dsn = dsn,
                       .environment = {{"PHONEBILL_MIGRATIONS_DIR", old_migrations.string()}}});
  ASSERT_NE(old_start.status, 0);
  ASSERT_EQ(sql_value("SELECT count(*) FROM users", dsn), "0");
  auto hash = sql_value("SELECT password_hash FROM users WHERE user_id = 'user01'");
  ASSERT_EQ(sql_value("INSERT INTO users (user_id, password_hash, user_name, customer_id,"
                      " line_number, permissions) VALUES ('olduser', '" +
                          hash +
                          "', '이순신', 'C000000077', '01033334444', '{BILL_INQUIRY}')"
                          " RETURNING 1",
                      dsn),
            "1");
  ASSERT_EQ(sql_value("INSERT INTO login_history (attempted_at, user_id, client_ip, user_agent,"
                      " result, reason, request_id) VALUES (now() - interval '1 minute', 'olduser',"
                      " '198.51.100.23', 'old-agent', 'SUCCESS', 'SUCCESS', 'req-old')"
                      " RETURNING 1",
                      dsn),
            "1");

  auto upgraded = start_instance(InstanceSettings{.name = "auth-upgraded", .database_dsn = dsn});
  ASSERT_TRUE(
      eventually("SELECT count(*) FROM users WHERE user_name IS NOT NULL"
                 " OR line_number IS NOT NULL OR line_index IS NULL",
                 "0", dsn));
  ASSERT_TRUE(
      eventually("SELECT count(*) FROM login_history WHERE client_ip IS NOT NULL", "0", dsn));
  auto tokens = login_ok("olduser", "Passw0rd!01", upgraded);
  EXPECT_EQ(me_field(tokens.access, "userName", upgraded), "이순신");
  EXPECT_EQ(me_field(tokens.access, "lineNumber", upgraded), "01033334444");
  auto history = get("/api/v1/auth/login-history?size=10", tokens.access, upgraded);
  ASSERT_EQ(history.status, 200) << history.body;
  const auto& items = history.data().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].at("clientIp"), "198.51.100.23");
  auto dump = dump_tables(dsn);
  for (const char* clear : {"이순신", "01033334444", "198.51.100.23", "01012345678"})
    EXPECT_EQ(dump.find(clear), std::string::npos) << clear << " in clear";
  stop_instance(upgraded);
}

// Rotate, read old and new rows, re-encrypt, remove the old key: everything still reads.
TEST_F(AuthTest, RotationReencryptsAndTheOldKeyCanGo) {
  auto dsn = create_database("auth_rotation");
  auto secrets = make_temp_directory("auth-rotation-secrets");
  InstanceSettings settings{.name = "auth-rotation",
                            .database_dsn = dsn,
                            .environment = {{"PHONEBILL_SECRETS_DIR", secrets.string()}}};
  auto first = start_instance(settings);
  login_ok("user02", "Passw0rd!02", first);
  stop_instance(first);
  ASSERT_EQ(sql_value("SELECT count(*) FROM users WHERE encode(substring(user_name_sealed FROM 1"
                      " FOR 3), 'hex') <> '" +
                          key_prefix(1) + "'",
                      dsn),
            "0");

  auto rotated = run_to_exit(settings, {"rotate-data-key"});
  ASSERT_EQ(rotated.status, 0) << rotated.log;
  EXPECT_NE(rotated.log.find("data key 2 is current"), std::string::npos) << rotated.log;

  auto second = start_instance(settings);
  // Old rows (key 1) read at once; new ones are sealed with key 2.
  auto old_tokens = login_ok("user02", "Passw0rd!02", second);
  EXPECT_EQ(me_field(old_tokens.access, "userName", second), "김영희");
  ASSERT_TRUE(
      eventually("SELECT count(*) FROM users WHERE encode(substring(user_name_sealed"
                 " FROM 1 FOR 3), 'hex') <> '" +
                     key_prefix(2) +
                     "'"
                     " OR encode(substring(line_number_sealed FROM 1 FOR 3), 'hex') <> '" +
                     key_prefix(2) + "'",
                 "0", dsn));
  ASSERT_TRUE(
      eventually("SELECT count(*) FROM login_history WHERE encode(substring("
                 "client_ip_sealed FROM 1 FOR 3), 'hex') <> '" +
                     key_prefix(2) + "'",
                 "0", dsn));
  ASSERT_TRUE(
      eventually("SELECT count(*) FROM data_key_checks WHERE key_id = 1"
                 " AND retired_at IS NOT NULL",
                 "1", dsn));
  stop_instance(second);

  fs::remove(secrets / "data-keys" / "data-key.1");
  auto third = start_instance(settings);
  for (const auto& demo : kDemoUsers) {
    if (demo.user_id == "user03" || demo.user_id == "admin") continue;
    auto tokens =
        login_ok(demo.user_id, demo.user_id == "user01" ? "Passw0rd!01" : "Passw0rd!02", third);
    EXPECT_EQ(me_field(tokens.access, "userName", third), demo.name);
    EXPECT_EQ(me_field(tokens.access, "lineNumber", third), demo.line);
  }
  // user02's logins under key 1 (re-sealed) and key 2 all open without key 1.
  auto tokens = login_ok("user02", "Passw0rd!02", third);
  auto history = get("/api/v1/auth/login-history?size=50", tokens.access, third);
  ASSERT_EQ(history.status, 200) << history.body;
  const auto& items = history.data().at("items").as_array();
  EXPECT_EQ(items.size(), 4u);
  for (const auto& item : items) EXPECT_EQ(item.at("clientIp"), "127.0.0.1");
  stop_instance(third);
}

// A key that does not fit the database stops the start with a clear reason.
TEST_F(AuthTest, WrongOrLostDataKeyStopsTheStart) {
  auto dsn = create_database("auth_wrong_key");
  auto secrets = make_temp_directory("auth-wrong-key-secrets");
  InstanceSettings settings{.name = "auth-wrong-key",
                            .database_dsn = dsn,
                            .environment = {{"PHONEBILL_SECRETS_DIR", secrets.string()}}};
  stop_instance(start_instance(settings));
  auto keys = secrets / "data-keys";
  auto original = keys / "data-key.1";
  fs::rename(original, keys / "saved-key");

  std::ofstream{original} << std::string(64, '7') << '\n';  // same id, other bytes
  auto wrong = run_to_exit(settings);
  EXPECT_NE(wrong.status, 0);
  EXPECT_NE(wrong.log.find("data_keys_refused"), std::string::npos) << wrong.log;
  EXPECT_NE(wrong.log.find("wrong key"), std::string::npos) << wrong.log;
  EXPECT_EQ(wrong.log.find(std::string(64, '7')), std::string::npos) << "a key in the log";

  fs::remove(original);
  std::ofstream{keys / "data-key.2"} << std::string(64, '8') << '\n';
  std::ofstream{keys / "data-key.current"} << "2\n";
  auto lost = run_to_exit(settings);
  EXPECT_NE(lost.status, 0);
  EXPECT_NE(lost.log.find("lost key"), std::string::npos) << lost.log;

  fs::remove_all(keys);
  settings.environment.emplace_back("PHONEBILL_ENVIRONMENT", "production");
  auto missing = run_to_exit(settings);
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.log.find("data_keys_failed"), std::string::npos) << missing.log;
}

}  // namespace phonebill::test_support
