// Webhook signatures (issue 21), as Stripe and GitHub sign theirs: the sender puts
// `Phonebill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` on each
// POST; the receiver recomputes it with each secret it holds and refuses a mismatch or
// a timestamp further than the tolerance from its clock (a replayed capture). Secrets
// rotate by overlap: the sender signs with its first (current) secret, the receiver
// accepts any of its list until the old one is dropped. Entry points: sign, verify.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::outbox {

inline constexpr std::string_view kSignatureHeader = "Phonebill-Signature";

// The header value for `body` sent at `unix_seconds` with `secret`.
std::string sign(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

enum class Verdict { kValid, kMalformed, kStale, kMismatch, kNoSecret };
std::string_view to_string(Verdict verdict);

// Whether `header` signs `body` with one of `secrets`, at most `tolerance` away from
// `now_unix_seconds`. Comparisons are constant-time.
Verdict verify(std::string_view header, std::string_view body,
               const std::vector<std::string>& secrets, std::int64_t now_unix_seconds,
               std::chrono::seconds tolerance);

// "a,b,c" → {"a", "b", "c"} without empty items (PHONEBILL_MVNO_AP_SECRETS).
std::vector<std::string> parse_secret_list(std::string_view text);

}  // namespace phonebill::outbox
