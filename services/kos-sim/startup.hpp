// What kos-sim does before it reports ready: migrate its schema, (re)generate the
// simulated data when the seed, customer count or Seoul month changed, and load the
// catalogue into memory.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "catalogue_cache.hpp"
#include "core/clock.hpp"
#include "kos_sim_config.hpp"
#include "kos_store.hpp"

namespace phonebill::kos_sim {

// True when the data is ready to serve; false after logging why it is not.
boost::asio::awaitable<bool> prepare_data(storage::PgPool& pool, KosStore& store,
                                          CatalogueCache& catalogue, const KosSimConfig& config,
                                          const Clock& clock);

}  // namespace phonebill::kos_sim
