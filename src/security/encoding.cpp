// base64url, SHA-256 and hex for the JWS/JWK code (see encoding.hpp).
#include "security/encoding.hpp"

#include <openssl/sha.h>

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

bool base64url_decode_in_place(std::string& text) {
  const std::size_t size = text.size();
  if (size % 4 == 1) return false;
  auto* data = reinterpret_cast<unsigned char*>(text.data());
  auto value = [&](std::size_t at) { return std::int32_t{kDecodeTable[data[at]]}; };
  std::size_t read = 0;
  std::size_t written = 0;
  // Four characters give three bytes, written behind the characters already read.
  for (; read + 4 <= size; read += 4) {
    const std::int32_t a = value(read), b = value(read + 1), c = value(read + 2),
                       d = value(read + 3);
    if ((a | b | c | d) < 0) return false;
    const auto group = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
    data[written++] = static_cast<unsigned char>(group >> 16);
    data[written++] = static_cast<unsigned char>(group >> 8 & 0xFF);
    data[written++] = static_cast<unsigned char>(group & 0xFF);
  }
  // Two or three characters left give one or two bytes; the bits beyond them must be zero
  // (a canonical encoding).
  const std::size_t rest = size - read;
  if (rest >= 2) {
    const std::int32_t a = value(read), b = value(read + 1), c = rest == 3 ? value(read + 2) : 0;
    if ((a | b | c) < 0) return false;
    const auto group = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
    if ((group & (rest == 2 ? 0xFFFFu : 0xFFu)) != 0) return false;
    data[written++] = static_cast<unsigned char>(group >> 16);
    if (rest == 3) data[written++] = static_cast<unsigned char>(group >> 8 & 0xFF);
  }
  text.resize(written);
  return true;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out{text};
  if (!base64url_decode_in_place(out)) return std::nullopt;
  return out;
}

// SHA-256 runs on every request (the verified-token cache's key is the token's digest):
// OpenSSL's block function uses the CPU's SHA extensions, 5x libsodium's portable code
// (a 530-byte token here: 320 against 1,700 ns; docs/benchmarks.md, issue 17 session 12).
// Its low-level SHA256_Init/Update/Final keep the state on the stack; OpenSSL 3 marks them
// deprecated in favour of EVP, whose one-shot SHA256() fetches the algorithm and whose
// EVP_DigestInit_ex2 (3.0) allocates a provider context on every call, even on a reused
// EVP_MD_CTX (ProxyAllocationTest.CachedTokenCostsNoHashContextOrKeyCopy counts them).
Sha256Digest sha256_digest(std::string_view bytes) {
  static_assert(std::tuple_size_v<Sha256Digest> == SHA256_DIGEST_LENGTH);
  Sha256Digest digest{};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, bytes.data(), bytes.size());
  SHA256_Final(reinterpret_cast<unsigned char*>(digest.data()), &context);
#pragma GCC diagnostic pop
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
