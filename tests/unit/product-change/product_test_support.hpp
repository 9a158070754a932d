// What the product-change unit tests share: a service wired in-process to fakes (KOS over
// FakeKosTransport, FakeProductCache, FakeChangeStore) on a ManualClock, a small
// catalogue, lines, callers, and KOS answers to script.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <string>
#include <vector>

#include "change_input.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "fakes/fake_change_store.hpp"
#include "fakes/fake_kos_transport.hpp"
#include "fakes/fake_product_cache.hpp"
#include "kos/codec.hpp"
#include "product_service.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::product::testing {

using namespace std::chrono_literals;
using kos::KosFailureKind;
using kos::KosOperation;
using kos::KosResultCode;

inline constexpr char kLine[] = "01012345678";
inline constexpr char kUser[] = "user01";

inline kos::Product plan(std::string code, std::string operator_code, std::int64_t fee,
                         kos::ProductStatus status = kos::ProductStatus::kActive) {
  kos::Product product;
  product.product_code = std::move(code);
  product.product_name = product.product_code + " 플랜";
  product.operator_code = std::move(operator_code);
  product.network_type = "5G";
  product.monthly_fee = fee;
  product.data_allowance_gb = 100;
  product.voice_allowance_minutes = 300;
  product.sms_allowance = 100;
  product.status = status;
  return product;
}

inline kos::ProductList catalogue() {
  return kos::ProductList{{plan("5G-PREMIUM-001", "KT", 89000),
                           plan("5G-STANDARD-001", "KT", 69000), plan("LTE-BASIC-001", "KT", 39000),
                           plan("3G-OLD-001", "KT", 29000, kos::ProductStatus::kDiscontinued),
                           plan("SKT-5G-STD-001", "SKT", 55000)}};
}

inline kos::ProductInquiryResult line_on(const std::string& code,
                                         kos::LineStatus status = kos::LineStatus::kActive,
                                         const std::string& line = kLine) {
  kos::ProductInquiryResult result;
  result.customer = kos::Customer{"C1", "홍길동", line, status};
  for (const auto& product : catalogue().products)
    if (product.product_code == code) result.current_product = product;
  return result;
}

inline security::VerifiedToken caller(std::vector<std::string> permissions = {"PRODUCT_CHANGE"},
                                      const std::string& user = kUser,
                                      const std::string& line = kLine) {
  security::VerifiedToken token;
  token.user_id = user;
  token.line_number = line;
  token.permissions = std::move(permissions);
  return token;
}

inline ChangeInput change_input(std::string current, std::string target,
                                std::optional<std::string> key = std::nullopt) {
  return ChangeInput{std::nullopt, std::move(current), std::move(target), std::move(key)};
}

inline kos::ProductChangeResult kos_changed(const std::string& request_id,
                                            const std::string& previous,
                                            const std::string& target) {
  return kos::ProductChangeResult{request_id,   "KOS2026112500000001",      kLine, previous, target,
                                  "2026-12-01", "2026-11-25T10:00:00+09:00"};
}

// KOS's answer to a change: 0000 with the order for whatever request it was sent.
inline phonebill::fakes::FakeKosTransport::Responder change_applied() {
  return [](const kos::KosRequest& request) {
    if (request.operation != KosOperation::kProductChange)
      return phonebill::fakes::failure(KosFailureKind::kTransport);
    auto parsed = parse_json(request.body);
    const auto& body = parsed->as_object();
    auto id = std::string{body.at("requestId").as_string()};
    auto previous = std::string{body.at("currentProductCode").as_string()};
    auto target = std::string{body.at("targetProductCode").as_string()};
    return phonebill::fakes::answer(KosResultCode::kSuccess,
                                    kos::to_json(kos_changed(id, previous, target)));
  };
}

class ProductServiceTest : public ::testing::Test {
 public:  // the tests' helper functions use the fakes too
  ProductServiceTest() { cache.catalogue = catalogue(); }

  // The line cached as being on `code` (no KOS inquiry needed).
  void line_cached_on(const std::string& code, kos::LineStatus status = kos::LineStatus::kActive) {
    cache.lines[kLine] = line_on(code, status);
  }

  template <typename T>
  T run(boost::asio::awaitable<T> body) {
    return test_support::run_coroutine(io, std::move(body));
  }

  Result<ChangeRecord, ProductStatus> change(ChangeInput input,
                                             security::VerifiedToken token = caller()) {
    return run(service.change(std::move(token), std::move(input), info()));
  }

  RequestInfo info() const {
    return RequestInfo{"http-1", {}, {}, deadline_after(10s, clock.steady_now())};
  }

  boost::asio::io_context io;
  ManualClock clock;
  phonebill::fakes::FakeKosTransport transport;
  kos::KosClient kos{transport};
  fakes::FakeProductCache cache;
  fakes::FakeChangeStore store{clock};
  ProductService service{kos, cache, store, clock, std::chrono::hours{24}};
};

}  // namespace phonebill::product::testing
