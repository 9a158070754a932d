// Sends the tracer's queued spans to an OTLP/HTTP collector: a background task on the
// service's io_context wakes every interval (or sooner, as soon as a whole batch waits),
// takes up to a batch of spans at a time and
// POSTs them as JSON to <endpoint>/v1/traces over our HttpClient, with a deadline. A batch
// the collector does not take (no answer, non-2xx) is dropped and counted: spans are
// worth less than the requests they describe, so nothing is retried or kept.
// Entry point: OtlpExporter.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tracing/otlp_json.hpp"
#include "tracing/tracer.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::tracing {

struct ExporterOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4318;
  std::string path_prefix;  // the endpoint's path, before /v1/traces
  // PHONEBILL_OTLP_INTERVAL_MS: how often queued spans are sent.
  std::chrono::milliseconds interval{1000};
  std::size_t max_batch = 512;  // spans per POST
  std::chrono::milliseconds timeout{2000};
};

class OtlpExporter {
 public:
  // `tracer` must outlive it.
  OtlpExporter(boost::asio::io_context& io, Tracer& tracer, Resource resource,
               ExporterOptions options);
  ~OtlpExporter();
  OtlpExporter(const OtlpExporter&) = delete;
  OtlpExporter& operator=(const OtlpExporter&) = delete;

  // Starts the background loop on the io_context (it ends with the io_context or stop()).
  void start();
  void stop();
  // Sends everything queued now, batch by batch.
  boost::asio::awaitable<void> flush();

  std::uint64_t exported_spans() const;  // spans a collector took
  std::uint64_t failed_spans() const;    // spans in batches it did not take

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::tracing
