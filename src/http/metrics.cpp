// The process's Prometheus registry and the HTTP server's per-route families.
#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <sstream>

#include "http/scraped_family_render.hpp"

namespace phonebill::http {

// Counters per exact status, created on first use and then read without locks.
struct Metrics::RouteSeries {
  std::string method;
  std::string pattern;
  prometheus::Histogram* duration = nullptr;
  std::array<std::atomic<prometheus::Counter*>, 600> by_status{};
};

namespace {
// 0.2 and 3 are the latency objectives' thresholds (SPEC §13, deploy/prometheus/rules):
// the share of requests above them is read from these buckets, not interpolated.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 3, 5, 10};
}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("http_requests_total")
                   .Help("HTTP requests answered, by route and status")
                   .Register(*registry_);
  durations_ = &prometheus::BuildHistogram()
                    .Name("http_request_duration_seconds")
                    .Help("Time from a complete request to its response, by route")
                    .Register(*registry_);
  auto& rejected = prometheus::BuildCounter()
                       .Name("http_connections_rejected_total")
                       .Help("Connections closed at accept: over the per-address or total cap")
                       .Register(*registry_);
  rejected_ = {&rejected.Add({{"reason", "per_address_limit"}}),
               &rejected.Add({{"reason", "total_limit"}})};
  auto& timed_out = prometheus::BuildCounter()
                        .Name("http_connections_timed_out_total")
                        .Help("Connections closed by a deadline, by what the client was doing")
                        .Register(*registry_);
  timed_out_ = {&timed_out.Add({{"phase", "idle"}}), &timed_out.Add({{"phase", "head"}}),
                &timed_out.Add({{"phase", "body"}}), &timed_out.Add({{"phase", "response"}})};
  accept_failures_ = &prometheus::BuildCounter()
                          .Name("http_accept_failures_total")
                          .Help("Failed accepts (EMFILE, ENFILE, ...); each is followed by a pause")
                          .Register(*registry_)
                          .Add({});
  open_connections_ = &prometheus::BuildGauge()
                           .Name("http_connections_open")
                           .Help("Client connections currently open")
                           .Register(*registry_)
                           .Add({});
  unmatched_ = std::make_unique<RouteSeries>();
  unmatched_->method = "ANY";
  unmatched_->pattern = "unmatched";
  unmatched_->duration =
      &durations_->Add({{"method", "ANY"}, {"route", "unmatched"}}, kLatencyBuckets);
}

Metrics::~Metrics() = default;

void Metrics::set_instance(const std::string& service, const std::string& instance) {
  prometheus::BuildGauge()
      .Name("phonebill_instance_info")
      .Help("Which copy of a service this process is (PHONEBILL_INSTANCE); always 1")
      .Register(*registry_)
      .Add({{"service", service}, {"service_instance", instance}})
      .Set(1);
}

void Metrics::add_route(const std::string& method, const std::string& pattern) {
  auto series = std::make_unique<RouteSeries>();
  series->method = method;
  series->pattern = pattern;
  series->duration = &durations_->Add({{"method", method}, {"route", pattern}}, kLatencyBuckets);
  routes_.push_back(std::move(series));
}

void Metrics::record_request(std::size_t route_index, int status, double seconds) {
  RouteSeries& series = route_index < routes_.size() ? *routes_[route_index] : *unmatched_;
  series.duration->Observe(seconds);
  if (status < 100 || status >= 600) status = 500;
  auto* counter = series.by_status[status].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the same series for the same labels, so racing threads agree.
    counter = &requests_->Add(
        {{"method", series.method}, {"route", series.pattern}, {"status", std::to_string(status)}});
    series.by_status[status].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

void Metrics::record_connection_rejected(Rejection reason) {
  rejected_[std::size_t(reason)]->Increment();
}
void Metrics::record_connection_timed_out(TimeoutPhase phase) {
  timed_out_[std::size_t(phase)]->Increment();
}
void Metrics::record_accept_failure() { accept_failures_->Increment(); }
void Metrics::set_open_connections(std::size_t count) { open_connections_->Set(double(count)); }
double Metrics::connections_rejected(Rejection reason) const {
  return rejected_[std::size_t(reason)]->Value();
}
double Metrics::connections_timed_out(TimeoutPhase phase) const {
  return timed_out_[std::size_t(phase)]->Value();
}
double Metrics::accept_failures() const { return accept_failures_->Value(); }

void Metrics::add_scraped(ScrapedFamily family) {
  std::lock_guard lock{scraped_mutex_};
  scraped_.push_back(std::move(family));
}

std::string Metrics::render() const {
  auto families = registry_->Collect();
  {
    std::lock_guard lock{scraped_mutex_};
    for (const auto& family : scraped_) families.push_back(to_family(family));
  }
  for (auto& family : process_families()) families.push_back(std::move(family));
  families.push_back(build_info_family());
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return out.str();
}

}  // namespace phonebill::http
