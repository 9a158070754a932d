// A metric family whose samples are read when /metrics is scraped, not kept in a
// prometheus-cpp series: for values another component already counts (a writer's
// totals, a verifier's counters), so /metrics shows them as they are at scrape time and
// with their true type (a counter stays a counter; copying it into a gauge on some other
// request made it neither). Prometheus-free, so services include it cheaply; to_family()
// (scraped_family_render.hpp) turns it into a prometheus::MetricFamily.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace phonebill::http {

struct ScrapedSample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

enum class ScrapedKind { kCounter, kGauge };

struct ScrapedFamily {
  std::string name;  // counters end in _total (Prometheus convention, promtool)
  std::string help;
  ScrapedKind kind = ScrapedKind::kGauge;
  // Called on every scrape, from the thread serving /metrics: must be thread-safe.
  std::function<std::vector<ScrapedSample>()> read;
};

}  // namespace phonebill::http
