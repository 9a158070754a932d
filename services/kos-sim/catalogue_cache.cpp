// The plan catalogue in memory, so the product list never touches the database.
#include "catalogue_cache.hpp"

#include <boost/json/serialize.hpp>

#include "kos/codec.hpp"

namespace phonebill::kos_sim {

void CatalogueCache::replace(std::vector<kos::Product> products) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->data_text = boost::json::serialize(kos::to_json(kos::ProductList{products}));
  snapshot->products = std::move(products);
  std::lock_guard lock{mutex_};
  snapshot_ = std::move(snapshot);
}

std::shared_ptr<const CatalogueCache::Snapshot> CatalogueCache::snapshot() const {
  std::lock_guard lock{mutex_};
  return snapshot_;
}

bool CatalogueCache::loaded() const { return snapshot() != nullptr; }

std::optional<kos::Product> CatalogueCache::find(const std::string& product_code) const {
  auto current = snapshot();
  if (!current) return std::nullopt;
  for (const auto& product : current->products)
    if (product.product_code == product_code) return product;
  return std::nullopt;
}

http::Response CatalogueCache::answer(const http::Request& request, const Clock& clock) const {
  auto current = snapshot();
  // The envelope's shape stays the codec's: render it with a null payload, then put
  // the cached payload text where the null is.
  auto envelope =
      kos::make_envelope(kos::KosResultCode::kSuccess, nullptr, clock.now(), request.trace_id);
  auto text = boost::json::serialize(kos::to_json(envelope));
  static constexpr std::string_view kNullData = "\"data\":null";
  auto at = text.find(kNullData);
  if (current && at != std::string::npos)
    text.replace(at, kNullData.size(), "\"data\":" + current->data_text);
  return http::text_response(std::move(text), "application/json");
}

}  // namespace phonebill::kos_sim
