// product-change's start-up (migrations, catalogue warm-up): see startup.hpp.
#include "startup.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "request_ids.hpp"
#include "storage/migrations.hpp"

namespace phonebill::product {

boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, ProductService& service,
                                             const ProductConfig& config,
                                             const crypto::FieldCipher& cipher) {
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory,
                                          std::chrono::seconds{60}))
    co_return false;
  auto refused = co_await crypto::check_keys_against_database(
      pool, cipher, deadline_after(std::chrono::seconds{60}));
  if (refused) {
    log::error("data_keys_refused", {{"reason", *refused}});
    co_return false;
  }
  RequestInfo info{new_request_id(), {}, {}, deadline_after(std::chrono::seconds{10})};
  bool warmed = co_await service.warm_catalogue(info);
  if (warmed) {
    log::info("catalogue_warmed", {});
  } else {
    log::warn("catalogue_warm_failed", {});
  }
  co_return true;
}

}  // namespace phonebill::product
