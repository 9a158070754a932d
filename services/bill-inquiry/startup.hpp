// What bill-inquiry does before it reports ready: migrate its schema (db/bill).
#pragma once
#include <boost/asio/awaitable.hpp>

#include "bill_config.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::bill {

// True when the schema is ready; false after logging why not.
boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, const BillConfig& config);

}  // namespace phonebill::bill
