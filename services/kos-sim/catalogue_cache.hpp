// The plan catalogue held in memory: it changes only when the data is regenerated,
// so GET /api/v1/kos/product/list answers without touching the database, from a
// payload serialised once (this is also the endpoint bench/http-core.sh measures).
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos_sim {

class CatalogueCache {
 public:
  void replace(std::vector<kos::Product> products);
  bool loaded() const;
  std::optional<kos::Product> find(const std::string& product_code) const;
  // The product.list answer (0000 envelope around the cached payload).
  http::Response answer(const http::Request& request, const Clock& clock) const;

 private:
  struct Snapshot {
    std::vector<kos::Product> products;
    std::string data_text;  // serialised {"products": [...]}
  };
  std::shared_ptr<const Snapshot> snapshot() const;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace phonebill::kos_sim
