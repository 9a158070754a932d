// The OTLP/HTTP JSON encoding of a batch of spans (opentelemetry-proto's JSON mapping:
// resourceSpans → scopeSpans → spans; trace and span ids as lowercase hex, not base64;
// 64-bit integers — times and intValue — as decimal strings; enums as their numbers;
// camelCase field names). Pure, so it is tested byte for byte. Entry point: encode_traces.
#pragma once
#include <string>
#include <vector>

#include "tracing/span_data.hpp"

namespace phonebill::tracing {

// Who sends the spans: the resource's service.name and service.instance.id.
struct Resource {
  std::string service_name;
  std::string service_instance;
  std::string service_version;  // empty: not sent
};

// The body of POST /v1/traces (Content-Type: application/json).
std::string encode_traces(const Resource& resource, const std::vector<SpanData>& spans);

}  // namespace phonebill::tracing
