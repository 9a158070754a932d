// Reading services' /metrics for ops/status: samples, labels, and the summaries.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "ops_status.hpp"
#include "prometheus_text.hpp"

using namespace phonebill::gateway;

// Samples with and without labels are read; comments and garbage are skipped.
TEST(PrometheusTextTest, ParsesSamples) {
  auto samples = parse_prometheus_text(
      "# HELP x y\n# TYPE x counter\nx 3\nkos_circuit_breaker_state{operation=\"bill.inquiry\"} 1\n"
      "cache_requests_total{cache=\"bill\",result=\"hit\"} 85\ngarbage{\nnot a number x\n");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].name, "x");
  EXPECT_EQ(samples[0].value, 3);
  EXPECT_EQ(samples[1].labels.at("operation"), "bill.inquiry");
  EXPECT_EQ(samples[2].value, 85);
  EXPECT_EQ(
      parse_prometheus_text("a 1\nb_cache_requests_total 2\n", {"cache_requests_total"}).size(),
      1u);
}

namespace {

// One series per breaker state, as every service exports them (http/breaker_metrics.hpp).
std::string breaker_series(const std::string& breaker, const std::string& current) {
  std::string text;
  for (const char* state : {"closed", "open", "half_open"})
    text += "phonebill_circuit_breaker_state{breaker=\"" + breaker + "\",state=\"" + state +
            "\"} " + (current == state ? "1" : "0") + "\n";
  return text;
}

}  // namespace

// Breaker states (worst across instances) and cache hit ratios per service.
TEST(PrometheusTextTest, SummarisesBreakersAndCaches) {
  auto samples = parse_prometheus_text(breaker_series("kos.bill.inquiry", "closed") +
                                       breaker_series("kos.bill.inquiry", "open") +
                                       breaker_series("kos.bill.months", "half_open") +
                                       "cache_requests_total{cache=\"bill\",result=\"hit\"} 85\n"
                                       "cache_requests_total{cache=\"bill\",result=\"miss\"} 15\n");
  boost::json::array breakers, caches;
  summarise_service_metrics("bill-inquiry", samples, breakers, caches);
  ASSERT_EQ(breakers.size(), 2u);
  EXPECT_EQ(breakers[0].at("name"), "kos.bill.inquiry");
  EXPECT_EQ(breakers[0].at("state"), "open");
  EXPECT_EQ(breakers[1].at("state"), "half_open");
  ASSERT_EQ(caches.size(), 1u);
  EXPECT_EQ(caches[0].at("hitRatio").as_double(), 0.85);
}

// bill-inquiry's own names: bill_cache_lookups_total{result} with stale and error results
// counted as misses.
TEST(PrometheusTextTest, ReadsBillInquiryNames) {
  auto samples = parse_prometheus_text(breaker_series("kos.bill.inquiry", "closed") +
                                       "bill_cache_lookups_total{result=\"hit\"} 8\n"
                                       "bill_cache_lookups_total{result=\"stale\"} 1\n"
                                       "bill_cache_lookups_total{result=\"miss\"} 1\n");
  boost::json::array breakers, caches;
  summarise_service_metrics("bill-inquiry", samples, breakers, caches);
  ASSERT_EQ(breakers.size(), 1u);
  EXPECT_EQ(breakers[0].at("state"), "closed");
  ASSERT_EQ(caches.size(), 1u);
  EXPECT_EQ(caches[0].at("cache"), "bill");
  EXPECT_EQ(caches[0].at("hitRatio").as_double(), 0.8);
}

// The outbox of two instances of one service (issue 21): the table's gauges are the
// same table seen twice (the largest wins), the counters are each instance's (summed);
// a service without phonebill_outbox_* series shows none.
TEST(PrometheusTextTest, SummarisesTheOutbox) {
  auto samples = parse_prometheus_text(
      "phonebill_outbox_pending_events 7\nphonebill_outbox_dead_letters 2\n"
      "phonebill_outbox_lag_seconds 41.5\nphonebill_outbox_delivered_total 100\n"
      "phonebill_outbox_failed_attempts_total 3\n"
      "phonebill_outbox_pending_events 6\nphonebill_outbox_dead_letters 2\n"
      "phonebill_outbox_lag_seconds 40\nphonebill_outbox_delivered_total 50\n"
      "phonebill_outbox_failed_attempts_total 1\n");
  boost::json::array outbox;
  summarise_outbox("product-change", samples, outbox);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].at("service"), "product-change");
  EXPECT_EQ(outbox[0].at("pendingEvents").as_double(), 7);
  EXPECT_EQ(outbox[0].at("deadLetters").as_double(), 2);
  EXPECT_EQ(outbox[0].at("lagSeconds").as_double(), 41.5);
  EXPECT_EQ(outbox[0].at("delivered").as_double(), 150);
  EXPECT_EQ(outbox[0].at("failedAttempts").as_double(), 4);
  boost::json::array none;
  summarise_outbox("auth", parse_prometheus_text(breaker_series("kos.x", "closed")), none);
  EXPECT_TRUE(none.empty());
}
