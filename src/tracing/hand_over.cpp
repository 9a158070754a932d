// The span context handed to the next Redis/PostgreSQL call (see hand_over.hpp).
#include "tracing/hand_over.hpp"

#include "tracing/tracer.hpp"

namespace phonebill::tracing {
namespace {

thread_local std::optional<SpanContext> t_handed_over;
thread_local std::chrono::steady_clock::time_point t_handed_at;

}  // namespace

void hand_over(std::string_view traceparent) {
  if (tracer() == nullptr) return;
  auto context = parse_traceparent(traceparent);
  if (context && context->sampled) {
    t_handed_over = std::move(context);
    t_handed_at = std::chrono::steady_clock::now();
  } else {
    t_handed_over.reset();
  }
}

std::optional<SpanContext> take_handed_over() {
  if (!t_handed_over) return std::nullopt;
  auto taken = std::move(t_handed_over);
  t_handed_over.reset();
  if (std::chrono::steady_clock::now() - t_handed_at > kFreshFor) return std::nullopt;
  return taken;
}

void clear_handed_over() { t_handed_over.reset(); }

}  // namespace phonebill::tracing
