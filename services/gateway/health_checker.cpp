// Active /readyz checks of every upstream instance, reported to Upstream::report_health.
#include "health_checker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "http/client.hpp"
#include "http/sleep.hpp"

namespace phonebill::gateway {
namespace {

boost::asio::awaitable<void> check_loop(boost::asio::io_context& io, Upstream& upstream,
                                        UpstreamInstance& instance, HealthSettings settings,
                                        std::shared_ptr<std::atomic<bool>> stopped) {
  http::HttpClient client{io,
                          http::ClientOptions{instance.address().host, instance.address().port, 1}};
  while (!*stopped) {
    http::ClientRequest request;
    request.target = "/readyz";
    auto result = co_await client.send(std::move(request),
                                       std::chrono::steady_clock::now() + settings.timeout);
    if (*stopped) break;
    upstream.report_health(instance, result.ok() && result.response->status == 200);
    co_await http::sleep_for(settings.interval);
  }
}

}  // namespace

HealthChecker::HealthChecker(boost::asio::io_context& io, std::vector<Upstream*> upstreams,
                             HealthSettings settings)
    : io_(io),
      upstreams_(std::move(upstreams)),
      settings_(settings),
      stopped_(std::make_shared<std::atomic<bool>>(false)) {}

HealthChecker::~HealthChecker() { stop(); }

void HealthChecker::start() {
  for (auto* upstream : upstreams_)
    for (auto& instance : upstream->instances())
      boost::asio::co_spawn(io_, check_loop(io_, *upstream, *instance, settings_, stopped_),
                            boost::asio::detached);
}

void HealthChecker::stop() { *stopped_ = true; }

}  // namespace phonebill::gateway
