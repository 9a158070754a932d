// What product-change does before it reports ready: migrate its schema (db/product), check
// the data-key ring against the database (a wrong or lost key stops the start:
// crypto/database_key_check.hpp) and warm the catalogue cache from KOS (SPEC §6; a KOS outage only
// logs: the first request loads it instead).
#pragma once
#include <boost/asio/awaitable.hpp>

#include "crypto/field_cipher.hpp"
#include "product_config.hpp"
#include "product_service.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::product {

// True when the schema is ready; false after logging why not.
boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, ProductService& service,
                                             const ProductConfig& config,
                                             const crypto::FieldCipher& cipher);

}  // namespace phonebill::product
