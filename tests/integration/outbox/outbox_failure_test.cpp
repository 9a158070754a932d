// The outbox when things go wrong (issue 21 "Must show"): the stand-in refuses forged,
// tampered and stale signatures (and takes the previous secret during a rotation);
// product-change killed with -9 after committing a change but before delivering its
// events delivers them after the restart; an event retried past its dead-letter age
// becomes a dead letter, shows on /metrics and the ops page, and an admin re-drives it
// through the gateway (POST /api/v1/admin/events/{id}/redeliver, SPEC §2 errors).
#include <signal.h>

#include <boost/json.hpp>

#include <thread>

#include "core/json.hpp"
#include "gateway_fixture.hpp"
#include "outbox/outbox_event.hpp"
#include "outbox/webhook_signature.hpp"
#include "outbox_fixture.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;
using OutboxFailure = OutboxTest;

std::int64_t count_of(const boost::json::object& snapshot, const char* key) {
  auto* value = snapshot.if_contains(key);
  return value && value->is_number() ? value->to_number<std::int64_t>() : -1;
}

std::int64_t refused(const char* reason) {
  auto snapshot = OutboxTest::received();
  auto* value = snapshot.at("refused").as_object().if_contains(reason);
  return value ? value->to_number<std::int64_t>() : 0;
}

Reply post_event(const std::string& body, const std::string& signature, const std::string& id) {
  http::HeaderList headers{{"Idempotency-Key", id}};
  if (!signature.empty()) headers.emplace_back("Phonebill-Signature", signature);
  return http_call(OutboxTest::mvno_port(), "POST", "/events", std::move(headers), body);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(OutboxFailure, ForgedSignatureIsRefusedByTheStandIn) {
  const std::string id = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";
  const std::string body = R"({"id":")" + id + R"(","type":"test.forged"})";
  auto before = count_of(received(), "total");
  auto mismatches = refused("mismatch"), stales = refused("stale"),
       malformed = refused("malformed");

  auto forged = post_event(body, outbox::sign("not-the-secret", now_seconds(), body), id);
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_EQ(refused("mismatch"), mismatches + 1);
  auto tampered_body = R"({"id":")" + id + R"(","type":"test.tampered"})";
  auto tampered = post_event(tampered_body, outbox::sign(kCurrentSecret, now_seconds(), body), id);
  EXPECT_EQ(tampered.status, 401);
  EXPECT_EQ(refused("mismatch"), mismatches + 2);
  auto stale = post_event(body, outbox::sign(kCurrentSecret, now_seconds() - 600, body), id);
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(refused("stale"), stales + 1);
  EXPECT_EQ(post_event(body, "", id).status, 401);
  EXPECT_EQ(refused("malformed"), malformed + 1);
  EXPECT_EQ(count_of(received(), "total"), before) << "a refused event was recorded";

  // During a rotation the previous secret still signs; the current one of course does.
  EXPECT_EQ(post_event(body, outbox::sign(kOldSecret, now_seconds(), body), id).status, 200);
  EXPECT_EQ(post_event(body, outbox::sign(kCurrentSecret, now_seconds(), body), id).status, 200);
  auto snapshot = received("test.forged");
  EXPECT_EQ(count_of(snapshot, "count"), 1);
  EXPECT_EQ(count_of(snapshot, "duplicates"), 1);
}

// The change is committed (its events with it) while the receiver is down; product-change
// dies by SIGKILL before any delivery succeeded; the restarted one delivers them.
TEST_F(OutboxFailure, KilledBetweenCommitAndDeliveryDeliversAfterRestart) {
  set_receiver_faults(R"({"outage": true})");
  auto line = fresh_line();
  auto bearer = token("killed", line);
  auto plan = current_plan(bearer);
  auto reply = change(bearer, plan, other_plan(plan));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto request_id = reply.text("requestId");
  // Bodies are sealed (db/product/007): the change's events by its fresh line's order key.
  EXPECT_EQ(product_sql("SELECT count(*) FROM outbox_events WHERE order_key = '" +
                        outbox::line_order_key(line) + "' AND status = 'PENDING'"),
            "2");
  kill_and_restart_product();
  reset_receiver_faults();
  EXPECT_TRUE(eventually([&] { return count_of(received({}, masked(line)), "count") == 2; }, 20s))
      << to_json_text(received({}, masked(line)));
  auto snapshot = received({}, masked(line));
  const auto& events = snapshot.at("events").as_array();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("type").as_string(), "product.change.completed");
  EXPECT_EQ(events[1].at("type").as_string(), "customer.notification.requested");
  EXPECT_EQ(events[0].at("event").at("requestId").as_string(), request_id);
  EXPECT_EQ(count_of(received(), "duplicates"), 0);
}

// Dead after the first failure (dead-letter age 1 ms): both events of the change die
// while the receiver is down; /metrics counts them; the admin API re-drives one.
TEST_F(OutboxFailure, DeadLetterIsShownAndRedrivenByAnAdmin) {
  kill_and_restart_product({{"PHONEBILL_OUTBOX_DEAD_AFTER_MS", "1"}});
  set_receiver_faults(R"({"outage": true})");
  auto line = fresh_line();
  auto bearer = token("dead", line);
  auto plan = current_plan(bearer);
  auto reply = change(bearer, plan, other_plan(plan));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto dead_count = [&] {
    return product_sql(
        "SELECT count(*) FROM outbox_events WHERE status = 'DEAD' AND order_key = '" +
        outbox::line_order_key(line) + "'");
  };
  ASSERT_TRUE(eventually([&] { return dead_count() == "2"; }, 15s)) << product_log();
  EXPECT_TRUE(eventually(
      [&] {
        auto metrics = http_call(product_port(), "GET", "/metrics");
        return metrics.body.find("phonebill_outbox_dead_letters 2") != std::string::npos;
      },
      5s));
  reset_receiver_faults();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(count_of(received({}, masked(line)), "count"), 0) << "a dead letter was sent";

  auto completed_id = product_sql(
      "SELECT event_id FROM outbox_events WHERE event_type = 'product.change.completed' AND "
      "order_key = '" +
      outbox::line_order_key(line) + "'");
  ASSERT_TRUE(completed_id);
  auto admin = token("admin", line, {"ADMIN"});
  auto path = "/api/v1/admin/events/" + *completed_id + "/redeliver";
  EXPECT_EQ(call("POST", path, token("user", line)).status, 403);
  EXPECT_EQ(call("POST", path, "").status, 401);
  auto bad = call("POST", "/api/v1/admin/events/not-an-id/redeliver", admin);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error_code(), "VALIDATION_ERROR");
  auto unknown = call("POST", "/api/v1/admin/events/" + std::string(32, 'a') + "/redeliver", admin);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.error_code(), "NOT_FOUND");
  // product-change holds it: the gateway asks bill-inquiry first, then product-change.
  auto redriven = call("POST", path, admin);
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(redriven.text("status"), "PENDING");
  EXPECT_TRUE(eventually(
      [&] { return count_of(received("product.change.completed", masked(line)), "count") == 1; },
      10s));
  auto again = call("POST", path, admin);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.error_code(), "EVENT_NOT_DEAD");
  EXPECT_EQ(dead_count(), "1");
  // The ops page shows the dead letter left.
  EXPECT_TRUE(eventually(
      [&] {
        auto status = call("GET", "/api/v1/ops/status", admin);
        if (status.status != 200 || !status.json.is_object()) return false;
        const auto* outbox = status.json.at("data").as_object().if_contains("outbox");
        if (!outbox || !outbox->is_array()) return false;
        for (const auto& entry : outbox->as_array())
          if (entry.at("service").as_string() == "product-change" &&
              entry.at("deadLetters").to_number<double>() == 1.0)
            return true;
        return false;
      },
      10s));
  // Put the service back as the other tests expect it.
  kill_and_restart_product();
}

}  // namespace
}  // namespace phonebill::test_support
