// Tracing for one service, the way every main turns it on: when PHONEBILL_OTLP_ENDPOINT is
// set (a base URL, http://host:port[/prefix]; spans go to <it>/v1/traces) it installs the
// process's tracer (PHONEBILL_TRACE_SAMPLE_RATIO, default 0.1; PHONEBILL_TRACE_QUEUE,
// default 4096 spans) and starts the exporter (PHONEBILL_OTLP_INTERVAL_MS, default 1000),
// and adds its counters to the server's /metrics. Unset: tracing stays off (no tracer, a
// span costs one pointer load). Entry point: start_tracing.
#pragma once
#include <memory>

#include "core/config.hpp"
#include "tracing/otlp_exporter.hpp"
#include "tracing/tracer.hpp"

namespace boost::asio {
class io_context;
}
namespace phonebill::http {
class Server;
}

namespace phonebill::tracing {

struct TracingSettings {
  bool enabled = false;  // PHONEBILL_OTLP_ENDPOINT set
  TracerOptions tracer;
  ExporterOptions exporter;

  // Throws ConfigError naming the variable on a bad value.
  static TracingSettings from_environment(const Environment& environment);
};

class ServiceTracing {
 public:
  ServiceTracing(boost::asio::io_context& io, http::Server& server, TracingSettings settings);
  ~ServiceTracing();  // uninstalls the tracer

  Tracer& tracer() { return tracer_; }
  OtlpExporter& exporter() { return exporter_; }

 private:
  Tracer tracer_;
  OtlpExporter exporter_;
};

// From the process environment; nullptr when tracing is off. A bad setting ends the
// process with exit code 2 and a message on stderr, like the services' other settings.
std::unique_ptr<ServiceTracing> start_tracing(boost::asio::io_context& io, http::Server& server);

}  // namespace phonebill::tracing
