// Turning tracing on for a service from its environment (see service_tracing.hpp).
#include "tracing/service_tracing.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>

#include "core/base_url.hpp"
#include "http/build_info.hpp"
#include "http/scraped_family.hpp"
#include "http/server.hpp"

namespace phonebill::tracing {

TracingSettings TracingSettings::from_environment(const Environment& environment) {
  TracingSettings settings;
  auto endpoint = environment.string("PHONEBILL_OTLP_ENDPOINT", "");
  if (endpoint.empty()) return settings;
  auto parsed = parse_base_url(
      endpoint,
      BaseUrlRules{
          .scheme = "http", .default_port = 4318, .allow_path = true, .allow_userinfo = false});
  if (!parsed)
    throw ConfigError("PHONEBILL_OTLP_ENDPOINT: " + parsed.error().message() +
                      " (expected http://host:port)");
  settings.enabled = true;
  settings.exporter.host = parsed->host;
  settings.exporter.port = parsed->port;
  settings.exporter.path_prefix = parsed->path;
  settings.exporter.interval =
      environment.milliseconds("PHONEBILL_OTLP_INTERVAL_MS", settings.exporter.interval,
                               std::chrono::milliseconds{10}, std::chrono::milliseconds{60'000});
  settings.tracer.sample_ratio =
      environment.real("PHONEBILL_TRACE_SAMPLE_RATIO", settings.tracer.sample_ratio, 0.0, 1.0);
  settings.tracer.queue_capacity = std::size_t(environment.integer(
      "PHONEBILL_TRACE_QUEUE", std::int64_t(settings.tracer.queue_capacity), 1, 1'000'000));
  return settings;
}

ServiceTracing::ServiceTracing(boost::asio::io_context& io, http::Server& server,
                               TracingSettings settings)
    : tracer_(settings.tracer),
      exporter_(
          io, tracer_,
          Resource{server.options().service_name, server.options().instance, http::build_version()},
          settings.exporter) {
  // One unlabelled sample, read at scrape time.
  auto sample = [](std::function<double()> read) {
    return [read = std::move(read)] {
      std::vector<http::ScrapedSample> samples(1);
      samples[0].value = read();
      return samples;
    };
  };
  auto counter = [&sample](std::string name, std::string help, std::function<double()> read) {
    return http::ScrapedFamily{std::move(name), std::move(help), http::ScrapedKind::kCounter,
                               sample(std::move(read))};
  };
  server.metrics().add_scraped(counter("phonebill_trace_spans_dropped_total",
                                       "Spans dropped because the export queue was full.",
                                       [this] { return double(tracer_.queue().dropped()); }));
  server.metrics().add_scraped(counter("phonebill_trace_spans_exported_total",
                                       "Spans the OTLP collector accepted.",
                                       [this] { return double(exporter_.exported_spans()); }));
  server.metrics().add_scraped(
      counter("phonebill_trace_spans_export_failed_total",
              "Spans in batches the OTLP collector did not accept (dropped).",
              [this] { return double(exporter_.failed_spans()); }));
  server.metrics().add_scraped(http::ScrapedFamily{
      "phonebill_trace_queue_spans", "Spans waiting for the exporter.", http::ScrapedKind::kGauge,
      sample([this] { return double(tracer_.queue().size()); })});
  install(&tracer_);
  exporter_.start();
}

ServiceTracing::~ServiceTracing() {
  install(nullptr);
  exporter_.stop();
}

std::unique_ptr<ServiceTracing> start_tracing(boost::asio::io_context& io, http::Server& server) {
  TracingSettings settings;
  try {
    settings = TracingSettings::from_environment(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << server.options().service_name << ": " << error.what() << '\n';
    std::exit(2);
  }
  if (!settings.enabled) return nullptr;
  return std::make_unique<ServiceTracing>(io, server, std::move(settings));
}

}  // namespace phonebill::tracing
