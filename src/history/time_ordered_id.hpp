// Time-ordered record ids (issue 20): 32 lower-case hex digits like the random ids
// before them, but the first 12 are the creation time in Unix milliseconds and the 13th
// is the version mark '7' (the UUIDv7 layout), the other 19 random. A history look-up by
// id reads the month from the id and so touches one or two monthly partitions, not all.
// Entry points: new_time_ordered_id, time_ordered_id, time_of_id, id_search_window.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace phonebill::history {

// A fresh id for now (system clock, thread-local random source).
std::string new_time_ordered_id();

// The id for `at` with the given 76 random bits (the top 4 of `random_high` unused):
// deterministic, for tests.
std::string time_ordered_id(SystemTime at, std::uint64_t random_high, std::uint64_t random_low);

// The creation time an id carries; nullopt for anything else (an id from before
// time-ordered ids, malformed input, a time before 2020 or after 2200).
std::optional<SystemTime> time_of_id(std::string_view id);

// Where a record made with `id` can lie in time: its creation time ± one day (the
// record's own timestamp comes from a clock that may differ a little from the one that
// made the id). Bounds for `time >= from AND time < to`.
struct TimeWindow {
  SystemTime from;
  SystemTime to;
};
std::optional<TimeWindow> id_search_window(std::string_view id);

}  // namespace phonebill::history
