// Internal: drives a hiredis async context from Asio, the way hiredis's own
// adapters/libevent.h drives it from libevent. Entry point: attach_asio_adapter(); from
// then on hiredis calls the five hooks and our handlers call redisAsyncHandleRead/Write.
#pragma once
#include <boost/asio/any_io_executor.hpp>

struct redisAsyncContext;

namespace phonebill::cache::detail {

// Watches the context's socket on `executor`, which must serialise its handlers (a strand
// or a one-thread io_context): hiredis is not thread-safe, so after attaching, the caller
// too must touch the context only there. Arms read and write, so a pending non-blocking
// connect completes. The socket stays hiredis's: cleanup releases it without closing.
// Returns false if the context already has an event library or its fd cannot be watched.
bool attach_asio_adapter(redisAsyncContext* context, const boost::asio::any_io_executor& executor);

}  // namespace phonebill::cache::detail
