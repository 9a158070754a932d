// Request coalescing (SPEC §5, §7): concurrent callers asking for the same key share one
// execution of the fetch — the first runs it, the others wait for its result. Works
// across the threads of a multi-threaded io_context (a mutex guards the table; each
// waiter waits on a thread-safe concurrent_channel). A fetch that throws settles the
// flight too: every waiter gets the same exception and the key is free for the next
// caller (else they would all hang). Entry point: SingleFlight::run.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace phonebill::resilience {

template <typename T>
class SingleFlight {
 public:
  struct Outcome {
    std::shared_ptr<const T> value;
    bool leader = false;  // true for the caller that ran the fetch
  };

  // Runs `fetch()` unless a call for `key` is in flight, in which case it waits for that
  // call's result. When the fetch throws, its caller and every waiter get that exception.
  template <typename Fetch>
  boost::asio::awaitable<Outcome> run(const std::string& key, Fetch fetch) {
    using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
    std::shared_ptr<Flight> flight;
    std::shared_ptr<Channel> channel;
    {
      std::lock_guard lock{mutex_};
      auto found = flights_.find(key);
      if (found != flights_.end()) {
        flight = found->second;
        channel = std::make_shared<Channel>(co_await boost::asio::this_coro::executor, 1);
        flight->waiters.push_back(channel);
      } else {
        flight = std::make_shared<Flight>();
        flights_.emplace(key, flight);
      }
    }
    if (channel) {
      co_await channel->async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (flight->failure) std::rethrow_exception(flight->failure);
      co_return Outcome{flight->value, false};
    }
    std::shared_ptr<const T> value;
    std::exception_ptr failure;
    try {
      value = std::make_shared<const T>(co_await fetch());
    } catch (...) {
      failure = std::current_exception();
    }
    std::vector<std::shared_ptr<Channel>> waiters;
    {
      std::lock_guard lock{mutex_};
      flight->value = value;
      flight->failure = failure;
      waiters.swap(flight->waiters);
      flights_.erase(key);
    }
    for (auto& waiter : waiters) waiter->try_send(boost::system::error_code{});
    if (failure) std::rethrow_exception(failure);
    co_return Outcome{value, true};
  }

  std::size_t in_flight() const {
    std::lock_guard lock{mutex_};
    return flights_.size();
  }

 private:
  struct Flight {
    std::shared_ptr<const T> value;
    std::exception_ptr failure;  // set instead of value when the fetch threw
    std::vector<std::shared_ptr<
        boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>>>
        waiters;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace phonebill::resilience
