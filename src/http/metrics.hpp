// Prometheus metrics of one process (SPEC §2 /metrics). The HTTP server records
// per-route request counts and latencies here; services register their own
// families on registry() (listed once, beside the component that updates them).
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Registry;
class Counter;
class Histogram;
template <typename T> class Family;
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

  // Prometheus text exposition format of every registered family.
  std::string render() const;

 private:
  struct RouteSeries;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  std::vector<std::unique_ptr<RouteSeries>> routes_;
  std::unique_ptr<RouteSeries> unmatched_;
};

}  // namespace phonebill::http
