// sleep_for: a coroutine pause on a steady timer, so callers need no Asio timer header.
#include "http/sleep.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace phonebill::http {

boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration) {
  if (duration <= std::chrono::steady_clock::duration::zero()) co_return;
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, duration};
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace phonebill::http
