// base64url, SHA-256 and hex for the JWS/JWK code (see encoding.hpp).
#include "security/encoding.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace phonebill::security {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Value of a base64url character, or -1.
constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t index = 0; index < kAlphabet.size(); ++index) {
    table[static_cast<unsigned char>(kAlphabet[index])] = static_cast<std::int8_t>(index);
  }
  return table;
}
constexpr auto kDecodeTable = make_decode_table();

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t index = 0;
  auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; index + 3 <= bytes.size(); index += 3) {
    std::uint32_t group = byte(index) << 16 | byte(index + 1) << 8 | byte(index + 2);
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += kAlphabet[group >> 6 & 63];
    out += kAlphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - index;
  if (rest == 1) {
    std::uint32_t group = byte(index) << 16;
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
  } else if (rest == 2) {
    std::uint32_t group = byte(index) << 16 | byte(index + 1) << 8;
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += kAlphabet[group >> 6 & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char character : text) {
    const int value = kDecodeTable[static_cast<unsigned char>(character)];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6 | static_cast<std::uint32_t>(value)) & 0xFFFFFF;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xFF);
    }
  }
  // Leftover bits (2 or 4) must be zero: a canonical encoding.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// libsodium's SHA-256 keeps its state on the stack: OpenSSL 3's one-shot SHA256() and its
// EVP digests fetch the algorithm and allocate a context on every call, which the
// verified-token cache would pay on every request.
Sha256Digest sha256_digest(std::string_view bytes) {
  static_assert(std::tuple_size_v<Sha256Digest> == crypto_hash_sha256_BYTES);
  Sha256Digest digest{};
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return digest;
}

std::string sha256(std::string_view bytes) {
  auto digest = sha256_digest(bytes);
  return std::string(digest.data(), digest.size());
}

std::string to_hex(std::string_view bytes) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char character : bytes) {
    const auto value = static_cast<unsigned char>(character);
    out += kDigits[value >> 4];
    out += kDigits[value & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view text) {
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return std::nullopt;
  std::string bytes(text.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = digit(text[2 * i]);
    const int low = digit(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<char>(high * 16 + low);
  }
  return bytes;
}

}  // namespace phonebill::security
