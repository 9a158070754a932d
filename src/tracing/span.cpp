// Recording one span (see span.hpp).
#include "tracing/span.hpp"

#include "tracing/tracer.hpp"

namespace phonebill::tracing {

Span::~Span() { end(); }

Span::Span(Span&& other) noexcept
    : data_(std::move(other.data_)), context_(std::move(other.context_)) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    data_ = std::move(other.data_);
    context_ = std::move(other.context_);
  }
  return *this;
}

Span Span::child(std::string name, SpanKind kind, const SpanContext& parent) {
  Span span;
  auto* installed = tracer();
  if (installed == nullptr || !parent.sampled || parent.trace_id.empty()) return span;
  span.context_.trace_id = parent.trace_id;
  span.context_.span_id = new_span_id();
  span.context_.sampled = true;
  span.data_ = std::make_unique<SpanData>();
  span.data_->trace_id = parent.trace_id;
  span.data_->span_id = span.context_.span_id;
  span.data_->parent_span_id = parent.span_id;
  span.data_->name = std::move(name);
  span.data_->kind = kind;
  span.data_->start_unix_nano = installed->now_unix_nano();
  return span;
}

Span Span::child_of(std::string name, SpanKind kind, std::string_view parent_traceparent) {
  if (tracer() == nullptr) return Span{};
  auto parent = parse_traceparent(parent_traceparent);
  if (!parent) return Span{};
  return child(std::move(name), kind, *parent);
}

Span Span::for_hop(std::string name, std::string_view own_traceparent,
                   std::string_view incoming_traceparent) {
  Span span;
  auto* installed = tracer();
  if (installed == nullptr) return span;
  auto own = parse_traceparent(own_traceparent);
  if (!own || !own->sampled) return span;
  span.context_ = *own;
  span.data_ = std::make_unique<SpanData>();
  span.data_->trace_id = own->trace_id;
  span.data_->span_id = own->span_id;
  if (auto incoming = parse_traceparent(incoming_traceparent);
      incoming && incoming->trace_id == own->trace_id)
    span.data_->parent_span_id = incoming->span_id;
  span.data_->name = std::move(name);
  span.data_->kind = SpanKind::kServer;
  span.data_->start_unix_nano = installed->now_unix_nano();
  return span;
}

std::string Span::traceparent_or(std::string_view fallback) const {
  if (!data_) return std::string{fallback};
  return context_.traceparent();
}

void Span::set_name(std::string name) {
  if (data_) data_->name = std::move(name);
}

void Span::set_attribute(std::string key, AttributeValue value) {
  if (data_) data_->attributes.emplace_back(std::move(key), std::move(value));
}

void Span::set_error(std::string message) {
  if (!data_) return;
  data_->status = StatusCode::kError;
  data_->status_message = std::move(message);
}

void Span::end() {
  if (!data_) return;
  auto data = std::move(data_);
  auto* installed = tracer();
  if (installed == nullptr) return;
  data->end_unix_nano = installed->now_unix_nano();
  installed->queue().push(std::move(*data));
}

void Span::discard() { data_.reset(); }

}  // namespace phonebill::tracing
