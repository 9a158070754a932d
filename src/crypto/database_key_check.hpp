// The start-up proof that the key ring fits the database (SPEC §14: "a lost or wrong key
// is a clear start-up error, never silent garbage"). Each service database that holds
// sealed values has a table data_key_checks (key_id, sealed, retired_at): one known text
// sealed under every key that has ever sealed data there. At start-up every check row
// must open with the ring's key of that id (else: wrong key), and a key missing from the
// ring must have been retired (else: lost key); keys new to the database get their row.
// The re-encryption pass retires keys once nothing it can see is sealed with them.
// Entry points: check_keys_against_database, retire_keys_other_than.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "crypto/field_cipher.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::crypto {

// nullopt when the ring fits; otherwise the reason, for the start-up log (no key bytes).
boost::asio::awaitable<std::optional<std::string>> check_keys_against_database(
    storage::PgPool& pool, const FieldCipher& cipher, Deadline deadline);

// Marks every key but `current` retired: nothing in this database is sealed with them any
// more, so they may leave the ring. Un-retires `current` if needed.
boost::asio::awaitable<storage::PgResult<void>> retire_keys_other_than(storage::PgPool& pool,
                                                                       KeyId current,
                                                                       Deadline deadline);

}  // namespace phonebill::crypto
