// accounts_with_published_passwords: each demo id's stored hash against its demo password.
#include "published_passwords.hpp"

#include "core/deadline.hpp"
#include "demo_users.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::auth {

using namespace std::chrono_literals;

boost::asio::awaitable<std::optional<std::vector<std::string>>> accounts_with_published_passwords(
    storage::PgPool& pool, PasswordHashing& passwords) {
  std::vector<std::string> found;
  for (auto& demo : demo_users()) {
    auto rows = co_await pool.query("SELECT password_hash FROM users WHERE user_id = $1",
                                    storage::pg_params(demo.user_id), phonebill::deadline_after(30s));
    if (!rows) co_return std::nullopt;
    if (rows->empty()) continue;
    auto check = co_await passwords.verify(demo.password, std::string{rows->text(0, 0)});
    if (!check) co_return std::nullopt;
    if (check->matches) found.push_back(demo.user_id);
  }
  co_return found;
}

}  // namespace phonebill::auth
