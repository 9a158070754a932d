// SPEC §13 logs: product-change's lines about a request carry its requestId, traceId and
// spanId, so an operator goes from a line to the request's trace; the trace is the one
// the change's record keeps (trace_id), i.e. the gateway's.
#include <boost/json.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "product_fixture.hpp"

namespace phonebill::test_support {
namespace {

using ProductLog = ProductChangeTest;

// The log line of `event` whose `key` is `value`, as an object (empty when none).
boost::json::object log_line_where(const std::string& log, const std::string& event,
                                   const std::string& key, const std::string& value) {
  std::istringstream lines{log};
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code error;
    auto parsed = boost::json::parse(line, error);
    if (error || !parsed.is_object()) continue;
    const auto& object = parsed.as_object();
    const auto* name = object.if_contains("event");
    const auto* field = object.if_contains(key);
    if (name && name->is_string() && name->as_string() == event && field && field->is_string() &&
        field->as_string() == value)
      return object;
  }
  return {};
}

bool is_hex(const boost::json::value* value, std::size_t digits) {
  if (value == nullptr || !value->is_string() || value->as_string().size() != digits) return false;
  for (char c : value->as_string())
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

TEST_F(ProductLog, AChangesLogLineCarriesItsRequestsTraceAndSpan) {
  auto bearer = token("log-trace-user", fresh_line());
  auto current = current_plan(bearer);
  ASSERT_FALSE(current.empty());
  auto changed = change(bearer, current, other_kt_plan(current));
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto change_id = changed.text("requestId");
  ASSERT_FALSE(change_id.empty()) << changed.body;
  auto recorded_trace =
      product_sql("SELECT trace_id FROM product_changes WHERE request_id = '" + change_id + "'");
  ASSERT_TRUE(recorded_trace.has_value());
  ASSERT_EQ(recorded_trace->size(), 32u);

  // Info lines reach the log within a second (log::init's buffer and its timer).
  boost::json::object line;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
       line.empty() && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(std::chrono::milliseconds{100}))
    line = log_line_where(service_log(), "product_change", "changeId", change_id);
  ASSERT_FALSE(line.empty()) << "no product_change line for " << change_id;
  ASSERT_TRUE(is_hex(line.if_contains("traceId"), 32)) << boost::json::serialize(line);
  EXPECT_EQ(line.at("traceId").as_string(), *recorded_trace);
  EXPECT_TRUE(is_hex(line.if_contains("spanId"), 16)) << boost::json::serialize(line);
  EXPECT_TRUE(line.contains("requestId")) << boost::json::serialize(line);
  EXPECT_TRUE(line.contains("instance")) << boost::json::serialize(line);
}

// The reconciler settles a change no client waits for: its line joins the trace of the
// request that asked for the change (the record's trace_id), so the operator following
// that request finds how it ended.
TEST_F(ProductLog, AReconciledChangesLineCarriesTheOriginalRequestsTrace) {
  using namespace std::chrono_literals;
  auto bearer = token("log-reconciled-user", fresh_line());
  auto current = current_plan(bearer);
  ASSERT_FALSE(current.empty());
  // KOS applies the change but its answer is lost: the record stays PENDING until a pass.
  set_kos_faults(R"({"latencyMs": 0, "jitterMs": 0,
                     "endpoints": {"product.change": {"timeoutRate": 1.0, "timeoutApplies": true}}})");
  auto reply = change(bearer, current, other_kt_plan(current));
  reset_kos_faults();
  ASSERT_EQ(reply.status, 202) << reply.body;
  auto change_id = reply.text("requestId");
  auto recorded_trace =
      product_sql("SELECT trace_id FROM product_changes WHERE request_id = '" + change_id + "'");
  ASSERT_TRUE(recorded_trace.has_value());
  ASSERT_EQ(recorded_trace->size(), 32u);

  boost::json::object line;
  for (auto until = std::chrono::steady_clock::now() + 30s;
       line.empty() && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(200ms))
    line = log_line_where(service_log(), "change_reconciled", "changeId", change_id);
  ASSERT_FALSE(line.empty()) << "no change_reconciled line for " << change_id;
  EXPECT_EQ(line.at("traceId").as_string(), *recorded_trace) << boost::json::serialize(line);
}

}  // namespace
}  // namespace phonebill::test_support
