// An in-memory ProductCache for unit tests: the catalogue and lines by number, with a
// switch for an outage (every lookup kError, nothing stored) and a record of which lines
// were forgotten.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "product_cache.hpp"

namespace phonebill::product::fakes {

class FakeProductCache final : public ProductCache {
 public:
  void set_down(bool down) { down_ = down; }
  std::optional<kos::ProductList> catalogue;
  std::map<std::string, kos::ProductInquiryResult> lines;
  std::vector<std::string> forgotten;

  boost::asio::awaitable<std::optional<kos::ProductList>> load_catalogue(
      CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_catalogue(const kos::ProductList& value) override;
  boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> load_line(
      std::string line_number, CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_line(const kos::ProductInquiryResult& line) override;
  boost::asio::awaitable<bool> forget_line(std::string line_number) override;

 private:
  bool down_ = false;
};

}  // namespace phonebill::product::fakes
