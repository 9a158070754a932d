// product-change's start-up (migrations, catalogue warm-up): see startup.hpp.
#include "startup.hpp"

#include "core/log.hpp"
#include "request_ids.hpp"
#include "storage/migrations.hpp"

namespace phonebill::product {

boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, ProductService& service,
                                             const ProductConfig& config) {
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory,
                                          std::chrono::seconds{60}))
    co_return false;
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
