// A span being recorded: started as the child of a context (or, for a server hop, with
// the context the hop already carries), given attributes and a status, and handed to the
// tracer's queue when it ends (end() or the destructor). A span of an unsampled trace, or
// any span while tracing is off, records nothing and allocates nothing.
// Entry points: Span::child, Span::child_of, Span::for_hop.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "tracing/span_context.hpp"
#include "tracing/span_data.hpp"

namespace phonebill::tracing {

class Span {
 public:
  Span() = default;  // records nothing
  ~Span();
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  // A new span under `parent`, with a new span id; records when tracing is on and the
  // parent is sampled.
  static Span child(std::string name, SpanKind kind, const SpanContext& parent);
  // The same under a traceparent (an invalid or empty one: records nothing).
  static Span child_of(std::string name, SpanKind kind, std::string_view parent_traceparent);
  // A server hop's span: its own context is `own_traceparent` (the id continue_trace gave
  // this hop), its parent the span id of the `incoming_traceparent` it was called with
  // (none: the trace's root).
  static Span for_hop(std::string name, std::string_view own_traceparent,
                      std::string_view incoming_traceparent);

  bool recording() const { return data_ != nullptr; }
  // Empty unless recording.
  const SpanContext& context() const { return context_; }
  // What to send downstream: this span's traceparent when recording, else `fallback` (the
  // caller's own, so an unsampled trace keeps its ids and its 00 flag).
  std::string traceparent_or(std::string_view fallback) const;

  void set_name(std::string name);
  void set_attribute(std::string key, AttributeValue value);
  void set_error(std::string message);
  // Ends it now: timestamps it and queues it (at most once).
  void end();
  // Ends it without sending it (a request not worth a trace: /metrics, /healthz).
  void discard();

 private:
  std::unique_ptr<SpanData> data_;  // null: not recording (or already ended)
  SpanContext context_;
};

}  // namespace phonebill::tracing
