// The stand-in MVNO AP server's routes: POST /events (the webhook the relays call) and
// the loopback-only admin API — GET / DELETE /admin/received (what arrived) and
// GET / PUT / DELETE /admin/faults. Entry point: make_routes.
#pragma once
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "faults.hpp"
#include "http/router.hpp"
#include "receiver.hpp"

namespace phonebill::mvno_ap {

struct MvnoApContext {
  Receiver& receiver;
  Faults& faults;
  const std::vector<std::string>& secrets;
  std::chrono::seconds tolerance;
  const Clock& clock;
  Random& random;
};

http::Router make_routes(MvnoApContext& context);

}  // namespace phonebill::mvno_ap
