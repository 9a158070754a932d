// Start-up check of the data keys against data_key_checks (database_key_check.hpp).
#include "crypto/database_key_check.hpp"

#include <set>

namespace phonebill::crypto {
namespace {

using storage::pg_params;

constexpr std::string_view kCheckText = "phonebill data key check";
constexpr std::string_view kCheckField = "data_key_checks.sealed";

}  // namespace

boost::asio::awaitable<std::optional<std::string>> check_keys_against_database(
    storage::PgPool& pool, const FieldCipher& cipher, Deadline deadline) {
  auto rows = co_await pool.query(
      "SELECT key_id, sealed, retired_at IS NOT NULL AS retired FROM data_key_checks", pg_params(),
      deadline);
  if (!rows) co_return "cannot read data_key_checks: " + storage::describe(rows.error());
  std::set<KeyId> checked;
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    auto id = KeyId(rows->int64(row, "key_id"));
    checked.insert(id);
    const auto name = std::to_string(id);
    if (cipher.ring().find(id) == nullptr) {
      if (rows->boolean(row, "retired")) continue;
      co_return "data key " + name +
          " has sealed data in this database but is not in the key ring (a lost key: restore "
          "data-key." +
          name + ")";
    }
    auto sealed = from_pg_bytea_text(rows->text(row, "sealed"));
    auto opened = sealed ? cipher.open(*sealed, associated_data(kCheckField, name))
                         : boost::system::result<std::string, OpenError>{OpenError::kMalformed};
    if (!opened || *opened != kCheckText)
      co_return "data key " + name +
          " is not the key that sealed this database's data (a wrong key for this id)";
  }
  for (KeyId id : cipher.ring().ids()) {
    if (checked.contains(id)) continue;
    // Sealed under this id specifically: the check row of key `id` must use key `id`.
    KeyRing only{std::map<KeyId, std::string>{{id, *cipher.ring().find(id)}}, id,
                 cipher.ring().index_key()};
    FieldCipher sealer{only};
    const auto name = std::to_string(id);
    auto inserted = co_await pool.query(
        "INSERT INTO data_key_checks (key_id, sealed) VALUES ($1::integer, $2::bytea) "
        "ON CONFLICT (key_id) DO NOTHING",
        pg_params(name, pg_bytea_text(sealer.seal(kCheckText, associated_data(kCheckField, name)))),
        deadline);
    if (!inserted) co_return "cannot write data_key_checks: " + storage::describe(inserted.error());
  }
  auto current =
      co_await pool.query("UPDATE data_key_checks SET retired_at = NULL WHERE key_id = $1::integer",
                          pg_params(int(cipher.ring().current_id())), deadline);
  if (!current) co_return "cannot write data_key_checks: " + storage::describe(current.error());
  co_return std::nullopt;
}

boost::asio::awaitable<storage::PgResult<void>> retire_keys_other_than(storage::PgPool& pool,
                                                                       KeyId current,
                                                                       Deadline deadline) {
  auto rows = co_await pool.query(
      "UPDATE data_key_checks SET retired_at = CASE WHEN key_id = $1::integer THEN NULL "
      "ELSE coalesce(retired_at, now()) END",
      pg_params(int(current)), deadline);
  if (!rows) co_return rows.error();
  co_return storage::PgResult<void>{};
}

}  // namespace phonebill::crypto
