// Metric hygiene of every process's /metrics (SPEC §13): families read at scrape time keep
// their type and current value, every process exports process_* and phonebill_build_info,
// and breaker states are one series per state.
#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include <atomic>

#include "http/breaker_metrics.hpp"
#include "http/metrics.hpp"
#include "support/promtool.hpp"

namespace phonebill::http {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A scraped counter is a counter, and shows the value at the time of each scrape, with no
// other request needed to copy it (bill_history_*_total used to move only on /readyz).
TEST(MetricsTest, ScrapedCountersAreCountersReadAtScrapeTime) {
  Metrics metrics;
  std::atomic<int> written{3};
  metrics.add_scraped({"widget_writes_total", "Widgets written", ScrapedKind::kCounter, [&written] {
                         return std::vector<ScrapedSample>{{{}, double(written)}};
                       }});
  auto first = metrics.render();
  EXPECT_TRUE(contains(first, "# TYPE widget_writes_total counter\n")) << first;
  EXPECT_TRUE(contains(first, "\nwidget_writes_total 3\n")) << first;
  written = 5;
  EXPECT_TRUE(contains(metrics.render(), "\nwidget_writes_total 5\n"));
}

TEST(MetricsTest, ExportsProcessFamiliesAndBuildInfo) {
  auto text = Metrics{}.render();
  EXPECT_TRUE(contains(text, "# TYPE process_cpu_seconds_total counter\n")) << text;
  for (const char* gauge : {"process_resident_memory_bytes", "process_open_fds",
                            "process_start_time_seconds", "process_max_fds"})
    EXPECT_TRUE(contains(text, std::string{"# TYPE "} + gauge + " gauge\n")) << gauge;
  EXPECT_TRUE(contains(text, "phonebill_build_info{version=\"")) << text;
  EXPECT_TRUE(contains(text, "commit=\"")) << text;
  // The start time is this process's, a little in the past, not the epoch.
  auto at = text.find("\nprocess_start_time_seconds ");
  ASSERT_NE(at, std::string::npos);
  double start = std::stod(text.substr(at + 28));
  double now = double(std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  EXPECT_GT(start, now - 3600);
  EXPECT_LE(start, now + 1);
  // At least stdin, stdout and stderr are open.
  at = text.find("\nprocess_open_fds ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stod(text.substr(at + 18)), 3);
}

TEST(MetricsTest, BreakerStateIsOneSeriesPerState) {
  Metrics metrics;
  BreakerMetrics breakers{metrics.registry()};
  breakers.set_state("kos.bill.inquiry", "closed");
  breakers.set_state("kos.bill.inquiry", "open");
  breakers.count_transition("kos.bill.inquiry", "open");
  auto text = metrics.render();
  EXPECT_TRUE(contains(
      text, "phonebill_circuit_breaker_state{breaker=\"kos.bill.inquiry\",state=\"open\"} 1\n"))
      << text;
  EXPECT_TRUE(contains(
      text, "phonebill_circuit_breaker_state{breaker=\"kos.bill.inquiry\",state=\"closed\"} 0\n"));
  EXPECT_TRUE(contains(
      text,
      "phonebill_circuit_breaker_state{breaker=\"kos.bill.inquiry\",state=\"half_open\"} 0\n"));
  EXPECT_TRUE(contains(text,
                       "phonebill_circuit_breaker_transitions_total{breaker=\"kos.bill."
                       "inquiry\",to=\"open\"} 1\n"));
}

// Everything a process exports by itself (routes, connections, process_*, build info, a
// breaker, a scraped counter) passes `promtool check metrics`.
TEST(MetricsTest, PromtoolFindsNothingToFix) {
  Metrics metrics;
  metrics.add_route("GET", "/api/v1/bills/history");
  metrics.record_request(0, 200, 0.01);
  metrics.set_instance("bill-inquiry", "bill-inquiry-2");
  BreakerMetrics breakers{metrics.registry()};
  breakers.set_state("kos.bill.inquiry", "closed");
  breakers.count_transition("kos.bill.inquiry", "open");
  metrics.add_scraped({"widget_writes_total", "Widgets written", ScrapedKind::kCounter, [] {
                         return std::vector<ScrapedSample>{{{}, 1}};
                       }});
  auto verdict = test_support::promtool_check_metrics(metrics.render());
  if (!verdict.available) GTEST_SKIP() << "promtool (Debian prometheus) is not installed";
  EXPECT_EQ(verdict.exit_code, 0) << verdict.output;
  EXPECT_EQ(verdict.output, "");
}

}  // namespace
}  // namespace phonebill::http
