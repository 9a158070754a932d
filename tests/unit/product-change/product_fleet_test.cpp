// Two ProductService instances sharing one cache and one fill lock, as two product-change
// processes share Redis (SPEC §7): concurrent misses of a line's customer and plan make
// one KOS product inquiry for the whole fleet (and one per process without the lock).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fakes/fake_fill_lock.hpp"
#include "product_test_support.hpp"

namespace phonebill::product::testing {
namespace {

// KOS that takes 30 ms to give the fake's answer, so that misses overlap.
class SlowKos final : public kos::KosTransport {
 public:
  explicit SlowKos(kos::KosTransport& inner) : inner_(inner) {}
  boost::asio::awaitable<kos::KosExchange> exchange(kos::KosRequest request,
                                                    kos::KosCallContext context) override {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, 30ms};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return co_await inner_.exchange(std::move(request), std::move(context));
  }

 private:
  kos::KosTransport& inner_;
};

class ProductFleetTest : public ProductServiceTest {
 protected:
  ProductFleetTest() {
    transport.set_default([](const kos::KosRequest&) {
      return phonebill::fakes::answer(KosResultCode::kSuccess,
                                      kos::to_json(line_on("5G-STANDARD-001")));
    });
  }

  // The menu asked `per_instance` times at once on each of two instances; how many
  // answered.
  int burst(bool shared_lock, int per_instance) {
    resilience::FleetCoalescing fleet{shared_lock ? &lock : nullptr, {}, {}, {}};
    fleet.options.first_poll = 2ms;
    ProductService first{slow_kos, cache, store, clock, std::chrono::hours{24}, fleet};
    ProductService second{slow_kos, cache, store, clock, std::chrono::hours{24}, fleet};
    int answered = 0;
    auto who = caller();  // (g++ 12: no default braced argument inside a coroutine)
    for (auto* instance : {&first, &second}) {
      for (int i = 0; i < per_instance; ++i) {
        boost::asio::co_spawn(
            io,
            [&, instance]() -> boost::asio::awaitable<void> {
              auto menu = co_await instance->menu(who, info());
              if (menu && menu->current_product.product_code == "5G-STANDARD-001") ++answered;
            },
            boost::asio::detached);
      }
    }
    io.run();
    io.restart();
    return answered;
  }

  SlowKos slow{transport};
  kos::KosClient slow_kos{slow};
  phonebill::fakes::FakeFillLock lock{clock};
};

// 4 + 4 concurrent menu misses for one line on two instances: one KOS product inquiry.
TEST_F(ProductFleetTest, ConcurrentLineMissesOnTwoInstancesMakeOneKosCall) {
  EXPECT_EQ(burst(true, 4), 8);
  EXPECT_EQ(transport.calls(KosOperation::kProductInquiry), 1);
  EXPECT_FALSE(lock.held("product:line:" + std::string{kLine}));
}

// Without the fleet lock, one KOS call per instance (the in-process single flight alone).
TEST_F(ProductFleetTest, WithoutTheLockEachInstanceCallsKosOnce) {
  EXPECT_EQ(burst(false, 4), 8);
  EXPECT_EQ(transport.calls(KosOperation::kProductInquiry), 2);
}

}  // namespace
}  // namespace phonebill::product::testing
