// A scripted KOS for unit tests (STYLE §8): FakeKosTransport answers each exchange from
// a queue per operation (then from a default), counts calls and keeps the requests, so
// tests drive KosClient, ResilientKosTransport and the services without a network.
// Helpers build the exchanges: answer(code, data), failure(kind), and a sample_bill().
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kos/kos_client.hpp"

namespace phonebill::fakes {

// An envelope answer (any code) with its payload.
kos::KosExchange answer(kos::KosResultCode code, boost::json::value data = nullptr);
// A failed exchange (timeout, transport, 9999 — with its code — ...).
kos::KosExchange failure(kos::KosFailureKind kind);
// A paid bill (by default October 2026's, of line 01012345678) on 5G-PREMIUM-001 (89,000 won).
kos::Bill sample_bill(BillingMonth month = BillingMonth{2026, 10},
                      std::string line = "01012345678");

class FakeKosTransport final : public kos::KosTransport {
 public:
  using Responder = std::function<kos::KosExchange(const kos::KosRequest&)>;

  // Answers the next exchange of `operation` with `exchange` (queued, in order).
  void push(kos::KosOperation operation, kos::KosExchange exchange);
  // Answers every exchange without a queued answer (default: transport failure).
  void set_default(Responder responder);

  boost::asio::awaitable<kos::KosExchange> exchange(kos::KosRequest request,
                                                    kos::KosCallContext context) override;

  int calls(kos::KosOperation operation) const;
  int total_calls() const;
  std::vector<kos::KosRequest> requests() const;

 private:
  mutable std::mutex mutex_;
  std::map<kos::KosOperation, std::deque<kos::KosExchange>> queued_;
  Responder default_;
  std::vector<kos::KosRequest> requests_;
};

}  // namespace phonebill::fakes
