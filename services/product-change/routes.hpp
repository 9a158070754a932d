// product-change's route table (SPEC §6) and what its handlers share.
#pragma once
#include "http/router.hpp"
#include "product_service.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::product {

struct ProductContext {
  ProductService& service;
  security::TokenVerifier& verifier;
};

http::Router make_routes(ProductContext& context);

}  // namespace phonebill::product
