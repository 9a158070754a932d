// OTLP/HTTP JSON encoding of spans (see otlp_json.hpp).
#include "tracing/otlp_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace phonebill::tracing {
namespace {

namespace json = boost::json;

json::object any_value(const AttributeValue& value) {
  json::object encoded;
  if (auto* text = std::get_if<std::string>(&value)) {
    encoded["stringValue"] = *text;
  } else if (auto* integer = std::get_if<std::int64_t>(&value)) {
    encoded["intValue"] = std::to_string(*integer);  // int64 → JSON string (proto3 mapping)
  } else if (auto* flag = std::get_if<bool>(&value)) {
    encoded["boolValue"] = *flag;
  } else {
    encoded["doubleValue"] = std::get<double>(value);
  }
  return encoded;
}

json::object key_value(std::string_view key, const AttributeValue& value) {
  return json::object{{"key", key}, {"value", any_value(value)}};
}

json::array attributes(const Attributes& list) {
  json::array encoded;
  encoded.reserve(list.size());
  for (const auto& [key, value] : list) encoded.push_back(key_value(key, value));
  return encoded;
}

json::object span(const SpanData& data) {
  json::object encoded;
  encoded["traceId"] = data.trace_id;
  encoded["spanId"] = data.span_id;
  if (!data.parent_span_id.empty()) encoded["parentSpanId"] = data.parent_span_id;
  encoded["name"] = data.name;
  encoded["kind"] = int(data.kind);
  encoded["startTimeUnixNano"] = std::to_string(data.start_unix_nano);
  encoded["endTimeUnixNano"] = std::to_string(data.end_unix_nano);
  encoded["attributes"] = attributes(data.attributes);
  json::object status;
  if (data.status != StatusCode::kUnset) status["code"] = int(data.status);
  if (data.status == StatusCode::kError && !data.status_message.empty())
    status["message"] = data.status_message;
  encoded["status"] = std::move(status);
  return encoded;
}

}  // namespace

std::string encode_traces(const Resource& resource, const std::vector<SpanData>& spans) {
  Attributes resource_attributes{{"service.name", resource.service_name},
                                 {"service.instance.id", resource.service_instance}};
  if (!resource.service_version.empty())
    resource_attributes.emplace_back("service.version", resource.service_version);
  json::array encoded_spans;
  encoded_spans.reserve(spans.size());
  for (const auto& one : spans) encoded_spans.push_back(span(one));
  json::object scope_spans{{"scope", json::object{{"name", "phonebill"}}},
                           {"spans", std::move(encoded_spans)}};
  json::object resource_spans{
      {"resource", json::object{{"attributes", attributes(resource_attributes)}}},
      {"scopeSpans", json::array{std::move(scope_spans)}}};
  json::object body{{"resourceSpans", json::array{std::move(resource_spans)}}};
  return json::serialize(body);
}

}  // namespace phonebill::tracing
