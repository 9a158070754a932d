// kos-sim's route table: the six KOS endpoints of SPEC §8 and the fault admin API.
#pragma once
#include <optional>
#include <string>

#include "catalogue_cache.hpp"
#include "core/clock.hpp"
#include "fault_controller.hpp"
#include "http/router.hpp"
#include "kos_store.hpp"

namespace phonebill::kos_sim {

struct KosSimContext {
  KosStore& store;
  FaultController& faults;
  CatalogueCache& catalogue;
  const Clock& clock;
  std::optional<std::string> admin_token;  // non-loopback admin callers must present it
};

http::Router make_routes(KosSimContext& context);

// Handlers, one file per area under handlers/.
void add_bill_routes(http::Router& router, KosSimContext& context);
void add_product_routes(http::Router& router, KosSimContext& context);
void add_admin_routes(http::Router& router, KosSimContext& context);

}  // namespace phonebill::kos_sim
