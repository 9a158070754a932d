// Internal: unique_ptr owners for the OpenSSL objects this library creates, and the
// error-queue hygiene every failing OpenSSL call needs. Not installed for other libraries.
#pragma once
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace phonebill::security::detail {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BignumFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
struct MdContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumFree>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;
using MdContextPtr = std::unique_ptr<EVP_MD_CTX, MdContextFree>;

// A read-only memory BIO over `bytes` (which must outlive it).
inline BioPtr memory_bio(std::string_view bytes) {
  return BioPtr{BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()))};
}

// Everything written to a memory BIO, as a string.
inline std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string{};
}

// Drops this thread's queued OpenSSL errors after a failure we report our own way, so
// they neither pile up nor show up against a later, unrelated call.
inline void clear_openssl_errors() { ERR_clear_error(); }

}  // namespace phonebill::security::detail
