// KOS protection across the fleet (SPEC §7), with two real bill-inquiry processes on one
// Redis and one bill database, a real kos-sim (200 ms per answer, so misses overlap) and
// tokens signed here: a cold burst of 1,000 requests over 100 keys split across both
// instances makes about 100 KOS calls (counted at kos-sim); with a budget of B calls/s
// the calls KOS gets in every second stay ≤ B (counted by the history's timestamps);
// a lock left by a holder that died frees by its ttl and the instances go on; each
// instance's near cache answers a hot bill without Redis for its hold, and no longer.
// Client concurrency is bounded (100 in flight) so it runs on 2 cores under sanitizers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "cache/redis_client.hpp"
#include "core/billing_month.hpp"
#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/sealed_columns.hpp"
#include "http/client.hpp"
#include "storage/pg_pool.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/kos_sim_process.hpp"
#include "support/service_environment.hpp"
#include "support/stand_in_auth.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

struct Answer {
  int status = 0;  // 0: no answer
  std::chrono::microseconds elapsed{0};
  std::string source;
  std::string cached_at;  // of a CACHE or STALE_CACHE answer
  std::string bill_info;  // the billInfo as sent
  std::string error_code;
  std::string retry_after;
};

struct Suite {
  std::string log_directory;
  std::string kos_database;
  std::string bill_database;
  std::uint16_t kos_port = 0;
  std::unique_ptr<ChildProcess> kos;
  std::unique_ptr<StandInAuth> auth;
  std::array<std::uint16_t, 2> bill_ports{};
  std::array<std::unique_ptr<ChildProcess>, 2> bills;
  EnvironmentMap bill_settings;  // the overrides the running instances were started with
  int starts = 0;
};

Suite& suite() {
  static Suite instance;
  return instance;
}

std::string scrape(std::uint16_t port) {
  asio::io_context io;
  http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port}};
  auto result = run_coroutine(
      io, client.send(http::ClientRequest{"GET", "/metrics", ""}, deadline_after(5s)));
  return result.ok() ? result.response->body : std::string{};
}

// The sum of the series of `family` whose labels contain `label`.
double metric_sum(const std::string& text, const std::string& family, const std::string& label) {
  double total = 0;
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(family + "{", 0) != 0 || line.find(label) == std::string::npos) continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

// Bill inquiries kos-sim has answered so far (its own per-route request counter).
double kos_bill_calls() {
  return metric_sum(scrape(suite().kos_port), "http_requests_total",
                    "route=\"/api/v1/kos/bill/inquiry\"");
}

std::string sql_text(const std::string& dsn, const std::string& sql) {
  asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{dsn, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{}, deadline_after(10s)));
  if (!result) {
    ADD_FAILURE() << storage::describe(result.error());
    return {};
  }
  if (result->empty()) return {};
  return result->optional_text(0, std::size_t{0}).value_or("");
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in{text};
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

void stop_instances() {
  for (auto& bill : suite().bills) {
    if (!bill) continue;
    EXPECT_EQ(bill->stop(15s), 0) << "bill-inquiry did not shut down cleanly; log:\n"
                                  << bill->read_log();
    bill.reset();
  }
}

// Both instances running with `settings` on top of the common ones (restarted if they
// run with others).
void ensure_instances(const EnvironmentMap& settings) {
  auto& s = suite();
  if (s.bills[0] && s.bills[0]->is_running() && s.bills[1] && s.bills[1]->is_running() &&
      s.bill_settings == settings)
    return;
  stop_instances();
  // The near cache is off (each test flushes Redis and expects the next look-up to miss),
  // but for the test of the near cache itself.
  // Redis deadlines of 1 s instead of 100-250 ms: on a shared 2-core machine under the
  // sanitizers a Redis reply can take longer, and a command given up makes the instance
  // call KOS directly — correct, but it would blur the count this suite asserts.
  EnvironmentMap overrides{{"PHONEBILL_ACCESS_LOG", "false"},
                           {"PHONEBILL_SHUTDOWN_GRACE_MS", "2000"},
                           {"PHONEBILL_KOS_RETRY_BASE_DELAY_MS", "20"},
                           {"PHONEBILL_KOS_FLEET_REDIS_TIMEOUT_MS", "1000"},
                           {"PHONEBILL_BILL_REDIS_TIMEOUT_MS", "1000"},
                           {"PHONEBILL_BILL_NEAR_CACHE_MS", "0"},
                           // kos-sim answers in 200 ms here: a budget grant with less time
                           // left would be a call that times out (504) after KOS did the work.
                           {"PHONEBILL_KOS_RETRY_MINIMUM_ATTEMPT_MS", "300"}};
  for (const auto& [name, value] : settings) overrides[name] = value;
  for (int i = 0; i < 2; ++i) {
    ChildProcessOptions options;
    options.executable = build_directory() + "/services/bill-inquiry/bill-inquiry";
    overrides["PHONEBILL_INSTANCE"] = "bill-" + std::to_string(i + 1);
    options.environment = service_environment("bill-inquiry",
                                              {{"PORT", std::to_string(s.bill_ports[i])},
                                               {"DATABASE_URL", s.bill_database},
                                               {"REDIS_URL", redis_url()},
                                               {"KOS_SIM_URL", loopback_url(s.kos_port)},
                                               {"AUTH_URL", s.auth->url()},
                                               {"SECRETS_DIR", s.log_directory + "/secrets"}},
                                              overrides);
    options.log_path = s.log_directory + "/bill-inquiry-" + std::to_string(i + 1) + "-" +
                       std::to_string(s.starts++) + ".log";
    s.bills[i] = std::make_unique<ChildProcess>(options);
  }
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(wait_for_http_ok(s.bill_ports[i], "/readyz", 60s))
        << "bill-inquiry " << i + 1 << " did not become ready; log:\n"
        << s.bills[i]->read_log();
  s.bill_settings = settings;
}

class BillFleetTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    auto& s = suite();
    if (s.kos) return;
    s.log_directory = make_temp_directory("bill-fleet").string();
    s.kos_port = find_free_port();
    s.kos_database = create_database("kosfleet");
    s.kos = start_kos_sim({.port = s.kos_port,
                           .database_url = s.kos_database,
                           .log_path = s.log_directory + "/kos-sim.log",
                           .latency = 200ms});
    s.auth = std::make_unique<StandInAuth>();
    s.bill_database = create_database("billfleet");
    s.bill_ports = {find_free_port(), find_free_port()};
    if (!wait_for_http_ok(s.kos_port, "/readyz", 180s))
      ADD_FAILURE() << "kos-sim did not become ready; log:\n" << s.kos->read_log();
  }

  static void TearDownTestSuite() {
    stop_instances();
    if (suite().kos) suite().kos->stop(10s);
    suite().kos.reset();
    suite().auth.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(suite().kos && suite().kos->is_running()) << "kos-sim is not running";
    flush_redis();
  }

  // `lines` active lines that have a bill for each of the `months` months before the
  // current one (so every key is answered with a bill, and a fill follows each call).
  static std::vector<std::string> lines_with_bills(int lines, int months) {
    auto current = seoul_month(std::chrono::system_clock::now());
    std::string wanted;
    for (int back = 1; back <= months; ++back)
      wanted +=
          (back > 1 ? "," : "") + std::string{"'"} + current.plus_months(-back).kos_form() + "'";
    auto text = sql_text(
        suite().kos_database,
        "SELECT string_agg(line_number, ',' ORDER BY line_number) FROM (SELECT b.line_number "
        "FROM bills b JOIN lines l USING (line_number) WHERE l.status = 'ACTIVE' AND "
        "b.line_number NOT LIKE '0109999%' AND b.billing_month IN (" +
            wanted + ") GROUP BY b.line_number HAVING count(*) = " + std::to_string(months) +
            " ORDER BY b.line_number LIMIT " + std::to_string(lines) + ") t");
    return split(text);
  }

  struct Request {
    int instance = 0;
    std::string bearer;
    std::string body;
  };

  // Sends every request, at most `in_flight` at once, and returns the answers in order.
  static std::vector<Answer> send_all(const std::vector<Request>& requests, int in_flight) {
    asio::io_context io;
    std::array<std::unique_ptr<http::HttpClient>, 2> clients;
    for (int i = 0; i < 2; ++i)
      clients[i] = std::make_unique<http::HttpClient>(
          io, http::ClientOptions{"127.0.0.1", suite().bill_ports[i], std::size_t(in_flight)});
    std::vector<Answer> answers(requests.size());
    std::size_t next = 0;
    for (int worker = 0; worker < in_flight; ++worker) {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            while (next < requests.size()) {
              auto index = next++;
              const auto& request = requests[index];
              http::ClientRequest sent{"POST", "/api/v1/bills/inquiry", request.body};
              sent.headers.emplace_back("Authorization", "Bearer " + request.bearer);
              auto sent_at = std::chrono::steady_clock::now();
              auto result =
                  co_await clients[request.instance]->send(std::move(sent), deadline_after(30s));
              auto& answer = answers[index];
              answer.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - sent_at);
              if (!result.ok()) continue;
              answer.status = result.response->status;
              answer.retry_after = std::string{result.response->header("retry-after")};
              auto json = parse_json(result.response->body);
              if (!json || !json->is_object()) continue;
              if (auto* data = json->as_object().if_contains("data"); data && data->is_object())
              {
                if (auto* source = data->as_object().if_contains("source"))
                  answer.source = std::string{source->as_string()};
                if (auto* cached_at = data->as_object().if_contains("cachedAt"))
                  answer.cached_at = boost::json::serialize(*cached_at);
                if (auto* bill_info = data->as_object().if_contains("billInfo"))
                  answer.bill_info = boost::json::serialize(*bill_info);
              }
              if (auto* error = json->as_object().if_contains("error"); error && error->is_object())
                answer.error_code = std::string{error->as_object().at("code").as_string()};
            }
          },
          asio::detached);
    }
    io.run();
    return answers;
  }

  static std::string inquiry_body(const BillingMonth& month) {
    return boost::json::serialize(boost::json::object{{"inquiryMonth", month.api_form()}});
  }

  static BillingMonth months_back(int back) {
    return seoul_month(std::chrono::system_clock::now()).plus_months(-back);
  }

  static double cold_burst(const std::string& label);

  static double both_instances(const std::string& family, const std::string& label) {
    return metric_sum(scrape(suite().bill_ports[0]), family, label) +
           metric_sum(scrape(suite().bill_ports[1]), family, label);
  }
};

// The cold burst: 1,000 concurrent requests over 100 keys (25 lines × 4 months), each
// key's 10 requests split 5/5 across the two instances and sent together; the KOS bill
// calls it cost (counted at kos-sim), with what was seen printed.
double BillFleetTest::cold_burst(const std::string& label) {
  auto lines = lines_with_bills(25, 4);
  EXPECT_EQ(lines.size(), 25u) << "kos-sim has too few lines with four past bills";
  if (lines.size() != 25u) return -1;
  std::map<std::string, std::string> bearers;
  for (const auto& line : lines)
    bearers[line] = suite().auth->sign("u" + line, line, {"BILL_INQUIRY"});
  std::vector<Request> requests;
  for (int key = 0; key < 100; ++key) {
    const auto& line = lines[key % 25];
    auto body = inquiry_body(months_back(1 + key / 25));
    for (int copy = 0; copy < 10; ++copy)
      requests.push_back(Request{copy % 2, bearers[line], body});
  }

  auto before = kos_bill_calls();
  auto started = std::chrono::steady_clock::now();
  auto answers = send_all(requests, 100);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  auto calls = kos_bill_calls() - before;

  std::map<std::string, int> sources;
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.status, 200) << answer.error_code;
    ++sources[answer.source];
  }
  std::string roles;
  for (const char* role : {"holder", "filled", "taken_over", "direct", "gave_up"})
    roles += std::string{" "} + role + " " +
             std::to_string(
                 int(both_instances("kos_coalesced_total", "role=\"" + std::string{role} + "\"")));
  std::cout << "[ fleet    ] " << label << ": 1000 requests over 100 keys on 2 instances: " << calls
            << " KOS bill calls in " << took.count() << " ms (KOS " << sources["KOS"] << ", CACHE "
            << sources["CACHE"] << " answers; coalesced misses by role:" << roles << ")\n";
  return calls;
}

// Cold burst with the fill lock: about one KOS call per key — not one per instance (200)
// nor one per request (1,000).
TEST_F(BillFleetTest, ColdBurstOverTwoInstancesMakesOneKosCallPerKey) {
  ensure_instances({});
  auto calls = cold_burst("fill lock");
  EXPECT_GE(calls, 100);
  EXPECT_LE(calls, 110) << "misses of one key on two instances must make one KOS call";
}

// The same burst with cross-instance coalescing switched off (what each instance did
// before: coalescing inside its own process only) costs about two calls per key — so the
// bound above is the lock's doing.
TEST_F(BillFleetTest, ColdBurstWithoutTheFillLockCostsACallPerInstance) {
  ensure_instances({{"PHONEBILL_KOS_COALESCE_ENABLED", "false"}});
  auto calls = cold_burst("in-process only");
  EXPECT_GE(calls, 150);
  EXPECT_LE(calls, 200);
}

// A budget of 10 bill calls/s and a cold burst of 60 distinct keys over both instances:
// in no second does KOS get more than 10 (by the timestamps the history records); the
// calls over budget wait for a later window, and those that cannot within the 3 s
// inquiry timeout are refused 503 KOS_UNAVAILABLE with Retry-After.
TEST_F(BillFleetTest, BudgetCapsKosCallsPerSecondAcrossInstances) {
  constexpr int kBudget = 10;
  ensure_instances({{"PHONEBILL_KOS_BUDGET_BILL_INQUIRY_PER_SECOND", std::to_string(kBudget)}});
  auto lines = lines_with_bills(20, 3);
  ASSERT_EQ(lines.size(), 20u);
  std::vector<Request> requests;
  for (int key = 0; key < 60; ++key) {
    const auto& line = lines[key % 20];
    requests.push_back(Request{key % 2, suite().auth->sign("b" + line, line, {"BILL_INQUIRY"}),
                               inquiry_body(months_back(1 + key / 20))});
  }
  // Start 100 ms into a wall-clock second (Redis's windows), so that a call granted at
  // the end of one window is not sent in the next.
  auto now = std::chrono::system_clock::now();
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(now) + 100ms);
  auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() -
               50;
  auto before = kos_bill_calls();
  auto answers = send_all(requests, 60);
  auto calls = kos_bill_calls() - before;

  int answered = 0;
  for (const auto& answer : answers) {
    if (answer.status == 200) {
      ++answered;
      continue;
    }
    EXPECT_EQ(answer.status, 503);
    EXPECT_EQ(answer.error_code, "KOS_UNAVAILABLE");
    EXPECT_FALSE(answer.retry_after.empty());
  }
  auto per_second = split(
      sql_text(suite().bill_database,
               "SELECT string_agg(c::text, ',' ORDER BY s) FROM (SELECT date_trunc('second', "
               "requested_at) s, count(*) c FROM bill_kos_calls WHERE result_code IS NOT NULL AND "
               "requested_at >= to_timestamp(" +
                   std::to_string(since) + " / 1000.0) GROUP BY 1) t"));
  std::string shown;
  int recorded = 0;
  for (const auto& count : per_second) {
    shown += " " + count;
    recorded += std::stoi(count);
    EXPECT_LE(std::stoi(count), kBudget) << "KOS got more than the budget in one second";
  }
  auto waited = both_instances("kos_budget_total", "verdict=\"waited\"");
  auto refused = both_instances("kos_budget_total", "verdict=\"refused\"");
  std::cout << "[ fleet    ] budget " << kBudget << "/s, 60 cold misses on 2 instances: KOS calls "
            << "per second:" << shown << " (" << calls << " at kos-sim; " << answered
            << " answered, " << waited << " waited for a window, " << refused << " refused)\n";
  EXPECT_EQ(recorded, calls);
  EXPECT_GE(answered, 2 * kBudget) << "the budget let too few calls through";
  EXPECT_GE(waited, 1);
  EXPECT_EQ(answered, calls);
}

// A lock left behind by a holder that died (set by hand, 1.5 s ttl): both instances wait
// for it, and once the ttl frees the key exactly one of them calls KOS; both answer.
TEST_F(BillFleetTest, LockOfADeadHolderFreesByItsTtl) {
  ensure_instances({});
  auto line = lines_with_bills(1, 1).at(0);
  auto month = months_back(1);
  {
    asio::io_context io;
    cache::RedisClient redis{io, redis_url()};
    // The fill lock's key is the cache key: the line by its blind index (bill_sealing.hpp).
    auto ring = crypto::KeyRing::from_directory(suite().log_directory + "/secrets/data-keys");
    crypto::SealedColumns sealed{ring};
    auto key = "lock:bill:v3:" + sealed.index_text("bill.cache.line_number", line) + ":" +
               month.kos_form();
    auto set = run_coroutine(io, redis.set(key, "dead-holder", 1500ms, deadline_after(5s)));
    ASSERT_TRUE(set);
  }
  // The ttl runs from here: the wait is measured from the lock's setting, not from the
  // requests' start (the steps between take a while on a loaded machine).
  auto lock_set = std::chrono::steady_clock::now();
  auto bearer = suite().auth->sign("d" + line, line, {"BILL_INQUIRY"});
  const std::string taken_over = "role=\"taken_over\"";
  auto taken_over_before = both_instances("kos_coalesced_total", taken_over);
  auto before = kos_bill_calls();
  auto started = std::chrono::steady_clock::now();
  auto answers = send_all(
      {Request{0, bearer, inquiry_body(month)}, Request{1, bearer, inquiry_body(month)}}, 2);
  auto finished = std::chrono::steady_clock::now();
  auto took = finished - started;
  for (const auto& answer : answers) EXPECT_EQ(answer.status, 200) << answer.error_code;
  EXPECT_EQ(kos_bill_calls() - before, 1);
  EXPECT_GE(finished - lock_set, 1400ms) << "nobody waited for the lock";
  EXPECT_LT(took, 4s);
  EXPECT_EQ(both_instances("kos_coalesced_total", taken_over) - taken_over_before, 1);
}

// What the fill lock adds to a miss nobody else is asking for: 40 cold misses one after
// another on one instance, with the lock and without; the medians are printed (the
// holder's extra work is three Redis round trips: SET NX PX, a second look at the cache,
// the release script). kos-sim answers in 200 ms ± 0, so the difference is ours.
TEST_F(BillFleetTest, FillLockAddsLittleToAMiss) {
  auto lines = lines_with_bills(25, 4);
  ASSERT_EQ(lines.size(), 25u);
  std::vector<Request> requests;
  for (int key = 0; key < 40; ++key) {
    const auto& line = lines[key % 25];
    requests.push_back(Request{0, suite().auth->sign("l" + line, line, {"BILL_INQUIRY"}),
                               inquiry_body(months_back(1 + key / 25))});
  }
  auto median_miss = [&](const EnvironmentMap& settings) {
    ensure_instances(settings);
    flush_redis();
    send_all({requests.front()}, 1);  // a connection and a warm path first
    flush_redis();
    auto answers = send_all(requests, 1);
    std::vector<std::chrono::microseconds> latencies;
    for (const auto& answer : answers) {
      EXPECT_EQ(answer.status, 200);
      EXPECT_EQ(answer.source, "KOS");
      latencies.push_back(answer.elapsed);
    }
    std::sort(latencies.begin(), latencies.end());
    return latencies[latencies.size() / 2];
  };
  auto with_lock = median_miss({});
  auto without = median_miss({{"PHONEBILL_KOS_COALESCE_ENABLED", "false"}});
  std::cout << "[ fleet    ] median cold miss: " << with_lock.count() / 1000.0 << " ms with the "
            << "fill lock, " << without.count() / 1000.0 << " ms without: +"
            << (with_lock - without).count() / 1000.0 << " ms\n";
  EXPECT_LT(with_lock - without, 50ms);
}

// The near cache (issue 17 item 3) on both instances: once each has read a fresh bill
// from Redis it answers that line and month from what it holds — the same billInfo bytes
// and cachedAt, no Redis look-up, no KOS call — even with Redis emptied under it; after
// its hold (3 s here) it reads the shared cache again, finds nothing and asks KOS once.
TEST_F(BillFleetTest, EachInstanceAnswersAHotBillFromItsNearCacheForItsHoldOnly) {
  ensure_instances({{"PHONEBILL_BILL_NEAR_CACHE_MS", "3000"}});
  auto line = lines_with_bills(1, 1).at(0);
  auto bearer = suite().auth->sign("n" + line, line, {"BILL_INQUIRY"});
  auto body = inquiry_body(months_back(1));
  auto first = send_all({Request{0, bearer, body}}, 1).at(0);
  ASSERT_EQ(first.status, 200) << first.error_code;
  EXPECT_EQ(first.source, "KOS");
  auto read = send_all({Request{0, bearer, body}, Request{1, bearer, body}}, 1);
  auto held_since = std::chrono::steady_clock::now();
  for (const auto& answer : read) {
    ASSERT_EQ(answer.status, 200) << answer.error_code;
    EXPECT_EQ(answer.source, "CACHE");
    EXPECT_EQ(answer.bill_info, first.bill_info);
  }
  const auto cached_at = read.at(0).cached_at;
  EXPECT_FALSE(cached_at.empty());

  flush_redis();  // the shared copy is gone; each instance still holds its own
  auto before = kos_bill_calls();
  std::vector<Request> hot;
  for (int i = 0; i < 10; ++i) hot.push_back(Request{i % 2, bearer, body});
  auto answers = send_all(hot, 2);
  ASSERT_LT(std::chrono::steady_clock::now() - held_since, 3s) << "too slow to test the hold";
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.status, 200) << answer.error_code;
    EXPECT_EQ(answer.source, "CACHE");
    EXPECT_EQ(answer.cached_at, cached_at);
    EXPECT_EQ(answer.bill_info, first.bill_info);
  }
  EXPECT_EQ(kos_bill_calls() - before, 0) << "a held bill must not cost a KOS call";

  std::this_thread::sleep_until(held_since + 3100ms);
  auto after_hold = send_all({Request{0, bearer, body}, Request{1, bearer, body}}, 2);
  for (const auto& answer : after_hold) {
    EXPECT_EQ(answer.status, 200) << answer.error_code;
    EXPECT_EQ(answer.bill_info, first.bill_info);
  }
  auto calls = kos_bill_calls() - before;
  EXPECT_GE(calls, 1) << "after its hold an instance must read the shared cache again";
  EXPECT_LE(calls, 2);
}

}  // namespace
}  // namespace phonebill::test_support
