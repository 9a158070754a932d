// product-bench-tokens: signs one access token (PRODUCT_CHANGE) per line for bench/product.sh,
// with auth's signing key, so each simulated user owns its own line.
// Usage: product-bench-tokens <secrets dir> <lines file> <tokens file>
#include <fstream>
#include <iostream>

#include "core/clock.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"

using namespace phonebill;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: product-bench-tokens <secrets dir> <lines file> <tokens file>\n";
    return 2;
  }
  auto keys = security::SigningKeyRing::load_from_directory(argv[1]);
  SystemClock clock;
  security::TokenSignerOptions options;
  options.lifetime = std::chrono::hours{1};
  security::TokenSigner signer{keys, options, clock};
  std::ifstream lines{argv[2]};
  std::ofstream tokens{argv[3]};
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    security::AccessTokenClaims claims;
    claims.user_id = "bench" + std::to_string(count);
    claims.session_id = "bench-session-" + std::to_string(count);
    claims.customer_id = "C" + std::to_string(count);
    claims.line_number = line;
    claims.permissions = {"BILL_INQUIRY", "PRODUCT_CHANGE"};
    tokens << signer.sign(claims).token << '\n';
    ++count;
  }
  std::cout << count << " tokens\n";
  return 0;
}
