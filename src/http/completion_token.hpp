// The completion token of the HTTP client's and server's coroutines: an operation's error
// comes back as a value beside its result (as_tuple), never as an exception, so the I/O
// paths branch on it instead of unwinding.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace phonebill::http {

inline constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// The same, awaited without a coroutine frame of its own: use_awaitable wraps every
// operation in a small coroutine (a frame from Asio's per-thread cache of two, a malloc
// once that is taken), where a deferred operation is awaited in place (issue 17 item 2).
inline constexpr auto kDeferredTuple = boost::asio::as_tuple(boost::asio::deferred);

}  // namespace phonebill::http
