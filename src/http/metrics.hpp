// Prometheus metrics of one process (SPEC §2 /metrics). The HTTP server records
// per-route request counts and latencies here; services register their own
// families on registry() (listed once, beside the component that updates them), or as
// ScrapedFamily values read at scrape time. Every process also exports the process_*
// families and phonebill_build_info (SPEC §13).
#pragma once
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/scraped_family.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Prepares the per-route series; called once per route before serving.
  void add_route(const std::string& method, const std::string& pattern);
  // http_requests_total{method,route,status} and http_request_duration_seconds{method,route}.
  // route_index == route count means "unmatched".
  void record_request(std::size_t route_index, int status, double seconds);

  // Connections the server refused or cut (SPEC §2 slow and hostile clients):
  // http_connections_rejected_total{reason="per_address_limit"|"total_limit"},
  // http_connections_timed_out_total{phase="idle"|"head"|"body"|"response"},
  // http_accept_failures_total (EMFILE and friends) and the http_connections_open gauge.
  enum class Rejection { kPerAddressLimit, kTotalLimit };
  enum class TimeoutPhase { kIdle, kHead, kBody, kResponse };
  void record_connection_rejected(Rejection reason);
  void record_connection_timed_out(TimeoutPhase phase);
  void record_accept_failure();
  void set_open_connections(std::size_t count);
  // Current values, for tests and the benchmark.
  double connections_rejected(Rejection reason) const;
  double connections_timed_out(TimeoutPhase phase) const;
  double accept_failures() const;

  // phonebill_instance_info{service, service_instance} 1: which copy this is. One info
  // series rather than a label on every series (Prometheus practice: constant per-target
  // facts are joined in with group_left); not named `instance`, which Prometheus sets
  // itself at scrape time (host:port). Called once by the server.
  void set_instance(const std::string& service, const std::string& instance);

  // A family read on every scrape (see scraped_family.hpp); call before serving.
  void add_scraped(ScrapedFamily family);

  // Prometheus text exposition format of every registered and scraped family, the
  // process_* families and phonebill_build_info.
  std::string render() const;

 private:
  struct RouteSeries;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  std::array<prometheus::Counter*, 2> rejected_{};
  std::array<prometheus::Counter*, 4> timed_out_{};
  prometheus::Counter* accept_failures_ = nullptr;
  prometheus::Gauge* open_connections_ = nullptr;
  std::vector<std::unique_ptr<RouteSeries>> routes_;
  std::unique_ptr<RouteSeries> unmatched_;
  mutable std::mutex scraped_mutex_;
  std::vector<ScrapedFamily> scraped_;  // guarded by scraped_mutex_
};

}  // namespace phonebill::http
