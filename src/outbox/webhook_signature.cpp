// HMAC-SHA256 webhook signatures (see webhook_signature.hpp).
#include "webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <optional>

#include "security/encoding.hpp"

namespace phonebill::outbox {
namespace {

std::string hmac_hex(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string message = std::to_string(unix_seconds);
  message += '.';
  message += body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return security::to_hex(std::string_view{reinterpret_cast<const char*>(digest), length});
}

}  // namespace

std::string sign(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  return "t=" + std::to_string(unix_seconds) + ",v1=" + hmac_hex(secret, unix_seconds, body);
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kValid:
      return "valid";
    case Verdict::kMalformed:
      return "malformed";
    case Verdict::kStale:
      return "stale";
    case Verdict::kMismatch:
      return "mismatch";
    case Verdict::kNoSecret:
      return "no_secret";
  }
  return "unknown";
}

Verdict verify(std::string_view header, std::string_view body,
               const std::vector<std::string>& secrets, std::int64_t now_unix_seconds,
               std::chrono::seconds tolerance) {
  if (secrets.empty()) return Verdict::kNoSecret;
  // t=<digits>,v1=<64 hex>; a receiver may see several v1 (a sender mid-rotation).
  std::optional<std::int64_t> timestamp;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item.starts_with("t=")) {
      std::int64_t value = 0;
      auto digits = item.substr(2);
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty())
        return Verdict::kMalformed;
      timestamp = value;
    } else if (item.starts_with("v1=")) {
      signatures.push_back(item.substr(3));
    }
  }
  if (!timestamp || signatures.empty()) return Verdict::kMalformed;
  auto skew = *timestamp - now_unix_seconds;
  if (skew > tolerance.count() || -skew > tolerance.count()) return Verdict::kStale;
  for (const auto& secret : secrets) {
    auto expected = hmac_hex(secret, *timestamp, body);
    for (auto signature : signatures) {
      if (signature.size() == expected.size() &&
          CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0)
        return Verdict::kValid;
    }
  }
  return Verdict::kMismatch;
}

std::vector<std::string> parse_secret_list(std::string_view text) {
  std::vector<std::string> secrets;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) secrets.emplace_back(item);
  }
  return secrets;
}

}  // namespace phonebill::outbox
