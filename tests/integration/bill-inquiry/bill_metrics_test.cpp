// Metric hygiene of the real binaries (SPEC §13): after one bill inquiry through the
// gateway, `promtool check metrics` is clean on bill-inquiry's, the gateway's (admin port)
// and kos-sim's /metrics, and the families the rules and the ops page read are there.
#include <boost/json.hpp>

#include "bill_fixture.hpp"
#include "support/promtool.hpp"

namespace phonebill::test_support {
namespace {

using BillMetrics = BillInquiryTest;

void expect_promtool_clean(const std::string& service, const std::string& text) {
  ASSERT_FALSE(text.empty()) << service << " /metrics did not answer";
  auto verdict = promtool_check_metrics(text);
  if (!verdict.available) GTEST_SKIP() << "promtool (Debian prometheus) is not installed";
  EXPECT_EQ(verdict.exit_code, 0) << service << ":\n" << verdict.output;
  EXPECT_EQ(verdict.output, "") << service;
}

TEST_F(BillMetrics, PromtoolFindsNothingToFix) {
  auto reply = inquire(token("user01", "01012345678"), boost::json::object{});
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_promtool_clean("bill-inquiry", metrics_text(port()));
  expect_promtool_clean("gateway", metrics_text(gateway_admin_port()));
  expect_promtool_clean("kos-sim", metrics_text(kos_port()));
}

TEST_F(BillMetrics, ExportsProcessBuildAndBreakerFamilies) {
  for (auto service_port : {port(), gateway_admin_port(), kos_port()}) {
    auto text = metrics_text(service_port);
    for (const char* family :
         {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ",
          "process_start_time_seconds ", "phonebill_build_info{"})
      EXPECT_NE(text.find(std::string{"\n"} + family), std::string::npos)
          << family << " missing on port " << service_port;
  }
  EXPECT_EQ(
      metric("phonebill_circuit_breaker_state{breaker=\"kos.bill.inquiry\",state=\"closed\"}"),
      1.0);
  EXPECT_EQ(
      gateway_metric(
          "phonebill_circuit_breaker_state{breaker=\"upstream.bill-inquiry\",state=\"closed\"}"),
      1.0);
}

// The history writer's counters are counters, moving as entries are written.
TEST_F(BillMetrics, HistoryCountersAreCounters) {
  auto text = metrics_text(port());
  EXPECT_NE(text.find("# TYPE bill_history_entries_total counter"), std::string::npos) << text;
  double before = metric("bill_history_entries_total");
  auto reply = inquire(token("user01", "01012345678"), boost::json::object{});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_GE(metric("bill_history_entries_total"), before + 1);
}

}  // namespace
}  // namespace phonebill::test_support
