// Hands a request's span context to the Redis or PostgreSQL call made next on this thread.
// Why not a thread-local "current span": those clients are called from deep in domain
// code that knows nothing of spans, and a coroutine may resume on another thread after
// any co_await, so a current span would be some other request's by then. Instead the
// code that knows the context hands it over right before the call; the client takes it
// (and clears it) at the call's synchronous start, which runs on the same thread before
// anything suspends. A call nobody handed a context to makes no span. A context nobody
// took (the call answered from memory, or returned before reaching Redis) must not be
// taken by an unrelated call the thread runs next: it is only good for kFreshFor after
// the hand-over — the synchronous path to the client takes microseconds — so a late taker
// gets nothing (at worst a missing span, not a wrong one, unless it runs within that
// time). No-op while tracing is off. Entry points: hand_over, take_handed_over.
#pragma once
#include <chrono>
#include <optional>
#include <string_view>

#include "tracing/span_context.hpp"

namespace phonebill::tracing {

// How long a handed-over context waits for its call.
inline constexpr std::chrono::microseconds kFreshFor{2000};

// `traceparent`: the span the next Redis/PostgreSQL call belongs under (unsampled or
// invalid: nothing is handed over).
void hand_over(std::string_view traceparent);
// The context handed over on this thread within kFreshFor, if any; clears it.
std::optional<SpanContext> take_handed_over();
// Forgets what was handed over on this thread and not taken.
void clear_handed_over();

}  // namespace phonebill::tracing
