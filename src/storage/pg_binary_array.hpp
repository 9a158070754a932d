// One array parameter in PostgreSQL's binary format (what array_recv reads), for
// statements that take a batch as one array per column, `INSERT ... SELECT * FROM
// unnest($1::text[], $2::bytea[], ...)`: the server copies each element as it is, where a
// JSON document or a text-format array is lexed character by character and timestamps
// and hex parsed (issue 17 item 3). Sent with PgLease::execute(name, PgBinaryParams, ...).
// Entry points: PgBinaryArray, PgArrayOf.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace phonebill::storage {

// The element types, by their type OIDs (pg_type.dat): the statement's cast ($1::text[])
// must name the same type, or the server refuses the array ("wrong element type").
enum class PgArrayOf : std::uint32_t {
  kBytea = 17,
  kInt4 = 23,
  kText = 25,
  kTimestamptz = 1184,
};

// A one-dimensional array built element by element, then taken by finish(). The element
// calls must match the type: text() for kText and kBytea (the bytes as they are; text must
// be valid UTF-8 without NUL, as the server checks), int4() for kInt4, timestamptz() for
// kTimestamptz; null() for any.
class PgBinaryArray {
 public:
  // `reserve_bytes`: the elements' bytes expected (each element adds 4 more).
  explicit PgBinaryArray(PgArrayOf element, std::size_t reserve_bytes = 0);

  void text(std::string_view value);
  void int4(std::int32_t value);
  // Microseconds since the Unix epoch (the server stores them since 2000-01-01).
  void timestamptz(std::chrono::sys_time<std::chrono::microseconds> at);
  void null();

  std::size_t size() const { return count_; }
  // The parameter's bytes: the header with the element count, then the elements.
  std::string finish() &&;

 private:
  void append_length(std::int32_t length);

  std::string bytes_;
  std::uint32_t count_ = 0;
  bool has_null_ = false;
};

}  // namespace phonebill::storage
