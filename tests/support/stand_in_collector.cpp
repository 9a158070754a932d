// StandInCollector: see stand_in_collector.hpp.
#include "support/stand_in_collector.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "core/json.hpp"
#include "http/server.hpp"

namespace phonebill::test_support {
namespace {

namespace json = boost::json;

bool is_hex(const json::value* value, std::size_t digits) {
  if (value == nullptr || !value->is_string()) return false;
  const auto& text = value->get_string();
  if (text.size() != digits) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A uint64 written as a decimal string (the proto3 JSON mapping of fixed64).
bool read_nanos(const json::value* value, std::uint64_t& out) {
  if (value == nullptr || !value->is_string() || value->get_string().empty()) return false;
  out = 0;
  for (char c : value->get_string()) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + std::uint64_t(c - '0');
  }
  return true;
}

std::string string_attribute(const json::array& attributes, std::string_view key) {
  for (const auto& attribute : attributes) {
    const auto* object = attribute.if_object();
    if (!object || !object->contains("key") || !object->at("key").is_string() ||
        object->at("key").get_string() != key)
      continue;
    const auto* value = object->if_contains("value");
    if (value && value->is_object() && value->as_object().contains("stringValue"))
      return std::string{value->as_object().at("stringValue").as_string()};
  }
  return {};
}

// The spans of one OTLP JSON body; false when it does not follow the mapping.
bool read_body(const std::string& body, std::vector<ReceivedSpan>& out) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return false;
  const auto* resource_spans = parsed->as_object().if_contains("resourceSpans");
  if (!resource_spans || !resource_spans->is_array()) return false;
  for (const auto& resource_span : resource_spans->as_array()) {
    if (!resource_span.is_object()) return false;
    const auto& object = resource_span.as_object();
    const auto* resource = object.if_contains("resource");
    if (!resource || !resource->is_object() || !resource->as_object().contains("attributes"))
      return false;
    const auto& resource_attributes = resource->as_object().at("attributes");
    if (!resource_attributes.is_array()) return false;
    auto service = string_attribute(resource_attributes.as_array(), "service.name");
    if (service.empty() ||
        string_attribute(resource_attributes.as_array(), "service.instance.id").empty())
      return false;
    const auto* scope_spans = object.if_contains("scopeSpans");
    if (!scope_spans || !scope_spans->is_array()) return false;
    for (const auto& scope_span : scope_spans->as_array()) {
      const auto* spans =
          scope_span.is_object() ? scope_span.as_object().if_contains("spans") : nullptr;
      if (!spans || !spans->is_array()) return false;
      for (const auto& span_value : spans->as_array()) {
        if (!span_value.is_object()) return false;
        const auto& span = span_value.as_object();
        ReceivedSpan received;
        received.service = service;
        if (!is_hex(span.if_contains("traceId"), 32) || !is_hex(span.if_contains("spanId"), 16))
          return false;
        received.trace_id = std::string{span.at("traceId").as_string()};
        received.span_id = std::string{span.at("spanId").as_string()};
        if (span.contains("parentSpanId")) {
          if (!is_hex(span.if_contains("parentSpanId"), 16)) return false;
          received.parent_span_id = std::string{span.at("parentSpanId").as_string()};
        }
        const auto* name = span.if_contains("name");
        const auto* kind = span.if_contains("kind");
        if (!name || !name->is_string() || !kind || !kind->is_int64()) return false;
        received.name = std::string{name->as_string()};
        received.kind = int(kind->as_int64());
        if (!read_nanos(span.if_contains("startTimeUnixNano"), received.start_unix_nano) ||
            !read_nanos(span.if_contains("endTimeUnixNano"), received.end_unix_nano) ||
            received.end_unix_nano < received.start_unix_nano)
          return false;
        if (const auto* attributes = span.if_contains("attributes")) {
          if (!attributes->is_array()) return false;
          for (const auto& attribute : attributes->as_array()) {
            const auto* pair = attribute.if_object();
            if (!pair || !pair->contains("key") || !pair->contains("value")) return false;
            received.attributes.emplace_back(std::string{pair->at("key").as_string()},
                                             json::serialize(pair->at("value")));
          }
        }
        if (const auto* status = span.if_contains("status"); status && status->is_object()) {
          if (const auto* code = status->as_object().if_contains("code"); code && code->is_int64())
            received.status_code = int(code->as_int64());
        }
        out.push_back(std::move(received));
      }
    }
  }
  return true;
}

}  // namespace

std::string ReceivedSpan::attribute(const std::string& key) const {
  for (const auto& [name, value] : attributes)
    if (name == key) return value;
  return {};
}

struct StandInCollector::Impl {
  boost::asio::io_context io{1};
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<ReceivedSpan> spans;
  int refused = 0;
};

StandInCollector::StandInCollector() : impl_(std::make_unique<Impl>()) {
  http::Router router;
  auto* impl = impl_.get();
  router.add("POST", "/v1/traces",
             [impl](http::Request& request) -> boost::asio::awaitable<http::Response> {
               std::vector<ReceivedSpan> received;
               bool valid = request.header("content-type").starts_with("application/json") &&
                            read_body(request.body, received);
               std::lock_guard lock{impl->mutex};
               if (!valid) {
                 ++impl->refused;
                 co_return http::text_response("{}", "application/json", 400);
               }
               for (auto& span : received) impl->spans.push_back(std::move(span));
               co_return http::text_response("{}", "application/json");
             });
  http::ServerOptions options;
  options.access_log = false;
  options.io_threads = 1;
  options.body_limit = 8 * 1024 * 1024;
  impl_->server = std::make_unique<http::Server>(impl_->io, options, std::move(router));
  impl_->port = impl_->server->listen();
  impl_->thread = std::thread([io = &impl_->io] { io->run(); });
}

StandInCollector::~StandInCollector() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

std::string StandInCollector::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<ReceivedSpan> StandInCollector::spans_of(const std::string& trace_id) const {
  std::vector<ReceivedSpan> found;
  std::lock_guard lock{impl_->mutex};
  for (const auto& span : impl_->spans)
    if (span.trace_id == trace_id) found.push_back(span);
  return found;
}

std::vector<ReceivedSpan> StandInCollector::wait_for(
    const std::string& trace_id, const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
    std::chrono::milliseconds timeout) const {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto spans = spans_of(trace_id);
    if (done(spans) || std::chrono::steady_clock::now() >= until) return spans;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

int StandInCollector::refused_bodies() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->refused;
}

std::string describe_trace(const std::vector<ReceivedSpan>& spans) {
  std::map<std::string, std::vector<const ReceivedSpan*>> children;
  std::vector<const ReceivedSpan*> roots;
  for (const auto& span : spans) {
    bool parent_present = std::any_of(spans.begin(), spans.end(), [&](const ReceivedSpan& other) {
      return other.span_id == span.parent_span_id;
    });
    if (span.parent_span_id.empty() || !parent_present)
      roots.push_back(&span);
    else
      children[span.parent_span_id].push_back(&span);
  }
  auto by_start = [](const ReceivedSpan* a, const ReceivedSpan* b) {
    return a->start_unix_nano < b->start_unix_nano;
  };
  std::sort(roots.begin(), roots.end(), by_start);
  for (auto& [parent, list] : children) std::sort(list.begin(), list.end(), by_start);
  std::string text;
  std::function<void(const ReceivedSpan*, int)> print = [&](const ReceivedSpan* span, int depth) {
    char line[512];
    std::snprintf(line, sizeof line, "%*s%s [%s] %s  %.2f ms  (span %s, parent %s)\n", depth * 2,
                  "", span->name.c_str(), span->service.c_str(),
                  span->kind == 2   ? "server"
                  : span->kind == 3 ? "client"
                                    : "internal",
                  span->milliseconds(), span->span_id.c_str(),
                  span->parent_span_id.empty() ? "-" : span->parent_span_id.c_str());
    text += line;
    for (const auto* child : children[span->span_id]) print(child, depth + 1);
  };
  for (const auto* root : roots) print(root, 0);
  return text;
}

}  // namespace phonebill::test_support
