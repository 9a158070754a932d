// The OTLP/HTTP JSON exporter's loop (see otlp_exporter.hpp).
#include "tracing/otlp_exporter.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <utility>

#include "core/log.hpp"
#include "http/client.hpp"
#include "http/sleep.hpp"

namespace phonebill::tracing {

struct OtlpExporter::Impl {
  Impl(boost::asio::io_context& io_context, Tracer& span_tracer, Resource span_resource,
       ExporterOptions exporter_options)
      : io(io_context),
        tracer(span_tracer),
        resource(std::move(span_resource)),
        options(std::move(exporter_options)),
        client(io_context, http::ClientOptions{options.host, options.port, 2}) {}

  boost::asio::io_context& io;
  Tracer& tracer;
  Resource resource;
  ExporterOptions options;
  http::HttpClient client;
  std::atomic<bool> stopped{false};
  std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> failed{0};
  bool warned = false;  // one log line per failure streak, not one per batch

  boost::asio::awaitable<void> send(std::vector<SpanData> batch) {
    http::ClientRequest request;
    request.method = "POST";
    request.target = options.path_prefix + "/v1/traces";
    request.content_type = "application/json";
    request.body = encode_traces(resource, batch);
    auto result = co_await client.send(std::move(request), deadline_after(options.timeout));
    bool taken = result.ok() && result.response->status >= 200 && result.response->status < 300;
    if (taken) {
      exported.fetch_add(batch.size(), std::memory_order_relaxed);
      warned = false;
      co_return;
    }
    failed.fetch_add(batch.size(), std::memory_order_relaxed);
    if (!std::exchange(warned, true))
      log::warn("trace_export_failed",
                {{"spans", batch.size()},
                 {"error", result.ok() ? "HTTP " + std::to_string(result.response->status)
                                       : result.error->message}});
  }

  boost::asio::awaitable<void> flush() {
    for (;;) {
      auto batch = tracer.queue().take(options.max_batch);
      if (batch.empty()) co_return;
      co_await send(std::move(batch));
    }
  }

  // Sends every interval, or sooner once a full batch is waiting: under load the queue
  // is drained before it fills (a 1 s interval alone would cap export at the queue's size
  // per second and drop the rest).
  static boost::asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    const auto tick = std::min<std::chrono::steady_clock::duration>(self->options.interval,
                                                                    std::chrono::milliseconds{50});
    auto next = std::chrono::steady_clock::now() + self->options.interval;
    while (!self->stopped.load()) {
      co_await http::sleep_for(tick);
      auto now = std::chrono::steady_clock::now();
      if (now < next && self->tracer.queue().size() < self->options.max_batch) continue;
      co_await self->flush();
      next = std::chrono::steady_clock::now() + self->options.interval;
    }
  }
};

OtlpExporter::OtlpExporter(boost::asio::io_context& io, Tracer& tracer, Resource resource,
                           ExporterOptions options)
    : impl_(std::make_shared<Impl>(io, tracer, std::move(resource), std::move(options))) {}

OtlpExporter::~OtlpExporter() { stop(); }

void OtlpExporter::start() {
  boost::asio::co_spawn(impl_->io, Impl::run(impl_), boost::asio::detached);
}

void OtlpExporter::stop() { impl_->stopped = true; }

boost::asio::awaitable<void> OtlpExporter::flush() {
  auto impl = impl_;
  co_await impl->flush();
}

std::uint64_t OtlpExporter::exported_spans() const { return impl_->exported.load(); }
std::uint64_t OtlpExporter::failed_spans() const { return impl_->failed.load(); }

}  // namespace phonebill::tracing
