// FakeProductCache: ProductCache in two maps (see fake_product_cache.hpp).
#include "fakes/fake_product_cache.hpp"

namespace phonebill::product::fakes {

boost::asio::awaitable<std::optional<kos::ProductList>> FakeProductCache::load_catalogue(
    CacheLookup& lookup) {
  if (down_) {
    lookup = CacheLookup::kError;
    co_return std::nullopt;
  }
  lookup = catalogue ? CacheLookup::kHit : CacheLookup::kMiss;
  co_return catalogue;
}

boost::asio::awaitable<bool> FakeProductCache::store_catalogue(const kos::ProductList& value) {
  if (down_) co_return false;
  catalogue = value;
  co_return true;
}

boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> FakeProductCache::load_line(
    std::string line_number, CacheLookup& lookup) {
  if (down_) {
    lookup = CacheLookup::kError;
    co_return std::nullopt;
  }
  auto found = lines.find(line_number);
  lookup = found == lines.end() ? CacheLookup::kMiss : CacheLookup::kHit;
  if (found == lines.end()) co_return std::nullopt;
  co_return found->second;
}

boost::asio::awaitable<bool> FakeProductCache::store_line(const kos::ProductInquiryResult& line) {
  if (down_) co_return false;
  lines[line.customer.line_number] = line;
  co_return true;
}

boost::asio::awaitable<bool> FakeProductCache::forget_line(std::string line_number) {
  forgotten.push_back(line_number);
  if (down_) co_return false;
  lines.erase(line_number);
  co_return true;
}

}  // namespace phonebill::product::fakes
