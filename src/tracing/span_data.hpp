// One finished span as the exporter sends it: ids, name, kind, wall-clock times,
// attributes and status, in OTLP's terms (kind and status codes are OTLP's numbers).
// Attributes never hold personal data (no keys, statement values, tokens or line numbers).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace phonebill::tracing {

// opentelemetry.proto.trace.v1.Span.SpanKind
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3 };
// opentelemetry.proto.trace.v1.Status.StatusCode
enum class StatusCode { kUnset = 0, kOk = 1, kError = 2 };

using AttributeValue = std::variant<std::string, std::int64_t, bool, double>;
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

struct SpanData {
  std::string trace_id;        // 32 hex
  std::string span_id;         // 16 hex
  std::string parent_span_id;  // 16 hex; empty for a trace's root
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  Attributes attributes;
  StatusCode status = StatusCode::kUnset;
  std::string status_message;  // only with kError
};

}  // namespace phonebill::tracing
