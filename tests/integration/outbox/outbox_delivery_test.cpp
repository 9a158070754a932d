// Delivery to a healthy and to an absent receiver (issue 21 "Must show"): every event
// type arrives exactly once; during a receiver outage nothing is lost and afterwards
// every line's events arrive in the order they were written; two relays on one table
// never send one event twice. The outage lasts OUTBOX_OUTAGE_SECONDS (default 6; the
// 60 s run: bench/outbox_outage.sh).
#include <boost/json.hpp>

#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "core/json.hpp"
#include "outbox/outbox_event.hpp"
#include "outbox_fixture.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;
using OutboxDelivery = OutboxTest;

std::int64_t number(const boost::json::object& object, const char* key) {
  auto* value = object.if_contains(key);
  return value && value->is_number() ? value->to_number<std::int64_t>() : -1;
}

// The ids of `events` (a /admin/received "events" array) in arrival order.
std::vector<std::string> ids_of(const boost::json::object& snapshot) {
  std::vector<std::string> ids;
  for (const auto& event : snapshot.at("events").as_array())
    ids.emplace_back(event.at("id").as_string());
  return ids;
}

std::vector<std::string> split_lines(const std::optional<std::string>& text) {
  std::vector<std::string> items;
  if (!text) return items;
  std::string rest = *text;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find(',', start);
    if (end == std::string::npos) end = rest.size();
    if (end > start) items.push_back(rest.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

// Every type, once each where one is expected: changes completed, failed and pending
// (then completed by the reconciler), the notification after each completion, bill
// inquiries completed and failed, and bill-inquiry's breaker opening and closing.
TEST_F(OutboxDelivery, EveryEventTypeIsDeliveredExactlyOnce) {
  auto product_start = product_sql("SELECT now()::text").value_or("-infinity");
  auto bill_start = bill_sql("SELECT now()::text").value_or("-infinity");
  auto completed_line = fresh_line();
  auto completed_bearer = token("outbox-a", completed_line);
  auto plan = current_plan(completed_bearer);
  auto completed = change(completed_bearer, plan, other_plan(plan));
  ASSERT_EQ(completed.status, 200) << completed.body;

  auto failed_line = fresh_line();
  auto failed_bearer = token("outbox-b", failed_line);
  plan = current_plan(failed_bearer);
  ASSERT_EQ(call("GET", "/api/v1/products/available", failed_bearer).status, 200);
  set_kos_faults(R"({"endpoints": {"product.change": {"errorRate": 1.0}}})");
  auto failed = change(failed_bearer, plan, other_plan(plan));
  EXPECT_EQ(failed.status, 503) << failed.body;
  reset_kos_faults();

  auto pending_line = fresh_line();
  auto pending_bearer = token("outbox-c", pending_line);
  plan = current_plan(pending_bearer);
  set_kos_faults(R"({"endpoints": {"product.change": {"timeoutRate": 1.0}}})");
  auto pending = change(pending_bearer, plan, other_plan(plan));
  EXPECT_EQ(pending.status, 202) << pending.body;
  reset_kos_faults();

  EXPECT_EQ(inquiry(completed_bearer, completed_line).status, 200);
  auto no_bill = token("outbox-d", "01099990001");
  EXPECT_EQ(inquiry(no_bill, "01099990001").status, 404);

  // bill-inquiry's breaker (3 failures, 1 s open, 1 trial): open it, then close it.
  set_kos_faults(R"({"outage": true})");
  for (int i = 0; i < 2; ++i) {
    auto line = fresh_line();
    EXPECT_EQ(inquiry(token("outbox-e", line), line).status, 503);
  }
  reset_kos_faults();
  std::this_thread::sleep_for(1200ms);
  auto recovery_line = fresh_line();
  EXPECT_EQ(inquiry(token("outbox-f", recovery_line), recovery_line).status, 200);

  const std::vector<std::pair<std::string, std::int64_t>> expected{
      {"product.change.completed", 2},  // the direct one, and the pending one reconciled
      {"customer.notification.requested", 2},
      {"product.change.failed", 1},
      {"product.change.pending", 1},
      {"bill.inquiry.completed", 2},
      {"bill.inquiry.failed", 3},  // no bill, and the two during the outage
      {"kos.circuit.opened", 1},
      {"kos.circuit.closed", 1},
  };
  bool all = eventually(
      [&] {
        for (const auto& [type, count] : expected)
          if (number(received(type), "count") < count) return false;
        return true;
      },
      30s);
  auto snapshot = received();
  EXPECT_TRUE(all) << to_json_text(snapshot);
  for (const auto& [type, count] : expected)
    EXPECT_EQ(number(received(type), "count"), count) << type;
  EXPECT_EQ(number(snapshot, "duplicates"), 0);
  for (const auto& event : snapshot.at("events").as_array())
    EXPECT_EQ(event.at("copies").to_number<std::int64_t>(), 1) << to_json_text(event);
  // Nothing this test wrote is left behind, and the tables hold exactly what arrived.
  auto since = [](const std::string& start) {
    return " FROM outbox_events WHERE created_at >= '" + start + "'";
  };
  EXPECT_TRUE(eventually(
      [&] {
        return product_sql("SELECT count(*)" + since(product_start) +
                           " AND status <> 'DELIVERED'") == "0" &&
               bill_sql("SELECT count(*)" + since(bill_start) + " AND status <> 'DELIVERED'") ==
                   "0";
      },
      5s));
  auto stored = std::stoll(product_sql("SELECT count(*)" + since(product_start)).value_or("0")) +
                std::stoll(bill_sql("SELECT count(*)" + since(bill_start)).value_or("0"));
  EXPECT_EQ(stored, number(snapshot, "total"));
  // The completed change's events say what happened, with the line masked.
  auto notifications = received("customer.notification.requested", masked(completed_line));
  ASSERT_EQ(notifications.at("events").as_array().size(), 1u);
  const auto& notification = notifications.at("events").as_array()[0].at("event").as_object();
  EXPECT_EQ(notification.at("requestId").as_string(), completed.text("requestId"));
  EXPECT_EQ(to_json_text(snapshot).find(completed_line), std::string::npos)
      << "a line number in clear reached the receiver";
}

// The receiver answers 503 for the whole outage: the relays keep retrying (backoff ≤ 1 s
// here), nothing is lost, and once it is back each line's events arrive in the order
// they were written.
TEST_F(OutboxDelivery, ReceiverOutageLosesNothingAndKeepsLineOrder) {
  int outage_seconds = 6;
  if (const char* text = std::getenv("OUTBOX_OUTAGE_SECONDS")) outage_seconds = std::atoi(text);
  auto before = number(received(), "total");
  auto start = product_sql("SELECT now()::text").value_or("-infinity");
  set_receiver_faults(R"({"outage": true})");
  auto started = std::chrono::steady_clock::now();

  auto line = fresh_line();
  auto bearer = token("outage-a", line);
  auto plan = current_plan(bearer);
  // Three changes back and forth on one line: six events that must stay in order.
  for (int i = 0; i < 3; ++i) {
    auto next = other_plan(plan);
    auto reply = change(bearer, plan, next);
    ASSERT_EQ(reply.status, 200) << reply.body;
    plan = next;
  }
  auto other_line = fresh_line();
  auto other_bearer = token("outage-b", other_line);
  EXPECT_EQ(inquiry(other_bearer, other_line).status, 200);
  EXPECT_EQ(inquiry(other_bearer, other_line).status, 200);

  std::this_thread::sleep_until(started + std::chrono::seconds{outage_seconds});
  EXPECT_EQ(number(received(), "total"), before) << "delivered during the outage";
  // Each line's head was tried again and again; the events behind it wait their turn.
  auto retried = product_sql("SELECT max(attempts) FROM outbox_events WHERE status = 'PENDING'");
  EXPECT_TRUE(retried && std::stoi(*retried) >= 2) << retried.value_or("none pending");
  EXPECT_EQ(product_sql("SELECT count(*) FROM outbox_events WHERE status = 'DEAD' AND created_at "
                        ">= '" +
                        start + "'"),
            "0");
  reset_receiver_faults();
  auto back = std::chrono::steady_clock::now();

  EXPECT_TRUE(eventually([&] { return number(received(), "total") == before + 8; }, 20s))
      << to_json_text(received());
  RecordProperty("drained_ms", int(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - back)
                                       .count()));
  // Per line, arrival order is the order of the outbox's sequence.
  auto arrived = ids_of(received({}, masked(line)));
  // Both services' bodies are sealed (db/product/007, db/bill/004): a line's events by
  // their order key.
  auto written = split_lines(
      product_sql("SELECT string_agg(event_id, ',' ORDER BY sequence) FROM outbox_events WHERE "
                  "order_key = '" +
                  outbox::line_order_key(line) + "'"));
  EXPECT_EQ(arrived.size(), 6u);
  EXPECT_EQ(arrived, written);
  auto bills = ids_of(received("bill.inquiry.completed", masked(other_line)));
  auto bill_order = split_lines(
      bill_sql("SELECT string_agg(event_id, ',' ORDER BY sequence) FROM outbox_events WHERE "
               "order_key = '" +
               outbox::line_order_key(other_line) + "'"));
  EXPECT_EQ(bills, bill_order);
  EXPECT_EQ(number(received(), "duplicates"), 0);
}

// A second product-change on the same database: both relays claim from one table while
// 400 events (40 keys × 10) are due at once. Each arrives once, each key in order.
TEST_F(OutboxDelivery, TwoRelaysNeverDeliverOneEventTwice) {
  start_second_product();
  auto before = number(received(), "total");
  auto inserted = product_sql(R"SQL(
    WITH made AS (
      INSERT INTO outbox_events (event_id, event_type, order_key, body)
      SELECT id, 'test.load', 'test-key:' || (n % 40),
             jsonb_build_object('id', id, 'type', 'test.load', 'line', NULL,
                                'data', jsonb_build_object('key', n % 40, 'n', n))
      FROM (SELECT n, md5('two-relays-' || n) AS id FROM generate_series(1, 400) AS n) AS s
      ORDER BY n
      RETURNING 1)
    SELECT count(*) FROM made)SQL");
  ASSERT_EQ(inserted, "400");
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(eventually([&] { return number(received(), "total") == before + 400; }, 60s));
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("events_per_second", int(400 / elapsed));
  auto snapshot = received("test.load");
  EXPECT_EQ(number(snapshot, "count"), 400);
  EXPECT_EQ(number(received(), "duplicates"), 0);
  std::map<std::int64_t, std::int64_t> last_of_key;
  for (const auto& event : snapshot.at("events").as_array()) {
    EXPECT_EQ(event.at("copies").to_number<std::int64_t>(), 1);
    const auto& data = event.at("event").at("data");
    auto key = data.at("key").to_number<std::int64_t>();
    auto n = data.at("n").to_number<std::int64_t>();
    EXPECT_GT(n, last_of_key[key]) << "key " << key << " out of order";
    last_of_key[key] = n;
  }
  // All delivered (and marked), none twice.
  EXPECT_EQ(product_sql("SELECT count(*) FROM outbox_events WHERE event_type = 'test.load' AND "
                        "status = 'DELIVERED'"),
            "400");
}

}  // namespace
}  // namespace phonebill::test_support
