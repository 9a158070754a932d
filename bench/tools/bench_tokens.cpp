// bench-tokens: signs one access token per line with auth's signing key, so each
// simulated user of a benchmark owns its own line (bench/bill.sh, bench/product.sh).
// Usage: bench-tokens <secrets dir> <lines file> <tokens file> <permission>[,<permission>...]
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/clock.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"

using namespace phonebill;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench-tokens <secrets dir> <lines file> <tokens file> "
                 "<permission>[,<permission>...]\n";
    return 2;
  }
  std::vector<std::string> permissions;
  std::istringstream listed{argv[4]};
  for (std::string permission; std::getline(listed, permission, ',');)
    if (!permission.empty()) permissions.push_back(permission);
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
    claims.permissions = permissions;
    tokens << signer.sign(claims).token << '\n';
    ++count;
  }
  std::cout << count << " tokens\n";
  return 0;
}
