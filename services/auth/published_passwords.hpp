// A production deployment must not open any account with a password the project publishes
// (the demo users' ones, printed in the README and by ./phonebill up): at start, auth
// checks every demo account that exists and refuses to serve while one still accepts its
// published password (SPEC §14). Entry point: accounts_with_published_passwords.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "password_hashing.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

// The ids of the demo accounts that accept their published password; nullopt when the
// database or the hasher could not say (start-up then fails too: unknown is not safe).
boost::asio::awaitable<std::optional<std::vector<std::string>>> accounts_with_published_passwords(
    storage::PgPool& pool, PasswordHashing& passwords);

}  // namespace phonebill::auth
