// The completion token of the HTTP client's and server's coroutines: an operation's error
// comes back as a value beside its result (as_tuple), never as an exception, so the I/O
// paths branch on it instead of unwinding.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace phonebill::http {

inline constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace phonebill::http
