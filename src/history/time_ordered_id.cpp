// Time-ordered record ids (see time_ordered_id.hpp).
#include "history/time_ordered_id.hpp"

#include <chrono>
#include <random>

namespace phonebill::history {
namespace {

using std::chrono::milliseconds;

constexpr char kDigits[] = "0123456789abcdef";
constexpr char kVersionMark = '7';
// Plausible creation times: 2020-01-01 to 2200-01-01 in Unix milliseconds. A random id
// from before this scheme passes the version mark and this range about one time in 800:
// a look-up that misses in the window it derives falls back to the store's legacy ids.
constexpr std::int64_t kEarliestMs = 1'577'836'800'000;
constexpr std::int64_t kLatestMs = 7'258'118'400'000;

void append_hex(std::string& out, std::uint64_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out.push_back(kDigits[(value >> shift) & 0xF]);
}

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  return -1;
}

std::uint64_t next_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

}  // namespace

std::string time_ordered_id(SystemTime at, std::uint64_t random_high, std::uint64_t random_low) {
  const auto ms = std::chrono::duration_cast<milliseconds>(at.time_since_epoch()).count();
  std::string id;
  id.reserve(32);
  append_hex(id, static_cast<std::uint64_t>(ms), 12);
  id.push_back(kVersionMark);
  append_hex(id, random_high, 3);
  append_hex(id, random_low, 16);
  return id;
}

std::string new_time_ordered_id() {
  return time_ordered_id(std::chrono::system_clock::now(), next_random(), next_random());
}

std::optional<SystemTime> time_of_id(std::string_view id) {
  if (id.size() != 32 || id[12] != kVersionMark) return std::nullopt;
  std::int64_t ms = 0;
  for (std::size_t index = 0; index < id.size(); ++index) {
    const int value = hex_value(id[index]);
    if (value < 0) return std::nullopt;
    if (index < 12) ms = ms * 16 + value;
  }
  if (ms < kEarliestMs || ms >= kLatestMs) return std::nullopt;
  return SystemTime{std::chrono::duration_cast<SystemTime::duration>(milliseconds{ms})};
}

std::optional<TimeWindow> id_search_window(std::string_view id) {
  auto created = time_of_id(id);
  if (!created) return std::nullopt;
  constexpr auto kSlack = std::chrono::hours{24};
  return TimeWindow{*created - kSlack, *created + kSlack};
}

}  // namespace phonebill::history
