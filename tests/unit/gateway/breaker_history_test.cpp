// The breaker history of the operations page: since, last transitions (newest first,
// bounded), and the transition counts read from the services' counters.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "breaker_history.hpp"
#include "ops_status.hpp"
#include "prometheus_text.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;

namespace {

boost::json::object breaker(const char* name) {
  return boost::json::object{{"service", "bill-inquiry"}, {"name", name}, {"state", "closed"}};
}

}  // namespace

// A breaker seen for the first time has no transitions; its "since" is the first sight.
TEST(BreakerHistoryTest, FirstObservationHasNoTransitions) {
  BreakerHistory history;
  ManualClock clock;
  history.observe("bill-inquiry", "bill.inquiry", "closed", clock.now());
  auto entry = breaker("bill.inquiry");
  history.annotate(entry);
  EXPECT_TRUE(entry.at("lastTransitions").as_array().empty());
  EXPECT_TRUE(entry.at("since").is_string());
}

// Each change of state seen is a transition at the time it was seen, newest first;
// the same state seen again changes nothing.
TEST(BreakerHistoryTest, RecordsChangesNewestFirst) {
  BreakerHistory history;
  ManualClock clock;
  history.observe("bill-inquiry", "bill.inquiry", "closed", clock.now());
  clock.advance(2s);
  history.observe("bill-inquiry", "bill.inquiry", "open", clock.now());
  clock.advance(2s);
  history.observe("bill-inquiry", "bill.inquiry", "open", clock.now());
  clock.advance(30s);
  history.observe("bill-inquiry", "bill.inquiry", "half_open", clock.now());
  auto entry = breaker("bill.inquiry");
  history.annotate(entry);
  const auto& transitions = entry.at("lastTransitions").as_array();
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_EQ(transitions[0].at("from"), "open");
  EXPECT_EQ(transitions[0].at("to"), "half_open");
  EXPECT_EQ(transitions[1].at("from"), "closed");
  EXPECT_EQ(transitions[1].at("to"), "open");
  EXPECT_EQ(entry.at("since"), transitions[0].at("at"));
}

// Only the last kTransitionsKept are kept; other breakers are separate.
TEST(BreakerHistoryTest, KeepsABoundedHistoryPerBreaker) {
  BreakerHistory history;
  ManualClock clock;
  for (int i = 0; i < 25; ++i) {
    history.observe("bill-inquiry", "bill.inquiry", i % 2 ? "open" : "closed", clock.now());
    clock.advance(1s);
  }
  history.observe("bill-inquiry", "bill.months", "closed", clock.now());
  auto flapping = breaker("bill.inquiry");
  auto steady = breaker("bill.months");
  auto unseen = breaker("product.change");
  history.annotate(flapping);
  history.annotate(steady);
  history.annotate(unseen);
  EXPECT_EQ(flapping.at("lastTransitions").as_array().size(), BreakerHistory::kTransitionsKept);
  EXPECT_TRUE(steady.at("lastTransitions").as_array().empty());
  EXPECT_TRUE(unseen.at("since").is_null());
}

// phonebill_circuit_breaker_transitions_total{breaker,to} is summed per breaker and new state.
TEST(BreakerHistoryTest, SummaryCarriesTransitionCounts) {
  auto samples = parse_prometheus_text(
      "phonebill_circuit_breaker_state{breaker=\"kos.bill.inquiry\",state=\"half_open\"} 1\n"
      "phonebill_circuit_breaker_transitions_total{breaker=\"kos.bill.inquiry\",to=\"open\"} 2\n"
      "phonebill_circuit_breaker_transitions_total{breaker=\"kos.bill.inquiry\",to=\"half_open\"} "
      "1\n"
      "phonebill_circuit_breaker_transitions_total{breaker=\"kos.bill.inquiry\",to=\"open\"} 1\n");
  boost::json::array breakers, caches;
  summarise_service_metrics("bill-inquiry", samples, breakers, caches);
  ASSERT_EQ(breakers.size(), 1u);
  const auto& counts = breakers[0].at("transitionCounts").as_object();
  EXPECT_EQ(counts.at("open").as_double(), 3);
  EXPECT_EQ(counts.at("half_open").as_double(), 1);
}
