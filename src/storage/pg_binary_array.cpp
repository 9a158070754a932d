// PgBinaryArray: array parameters in PostgreSQL's binary format (see pg_binary_array.hpp).
// The layout (src/backend/utils/adt/arrayfuncs.c, array_recv), every integer big-endian:
// int32 dimensions (1), int32 flags (1 when some element is NULL), uint32 element type,
// then per dimension int32 length and int32 lower bound (1); then each element as int32
// byte count (-1: NULL) and the element type's binary form.
#include "storage/pg_binary_array.hpp"

#include <limits>
#include <stdexcept>

namespace phonebill::storage {
namespace {

constexpr std::size_t kHeaderBytes = 5 * 4;
constexpr std::size_t kCountOffset = 3 * 4;
constexpr std::size_t kFlagsOffset = 4;

// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00 UTC).
constexpr std::int64_t kPostgresEpochMicros = 946'684'800'000'000;

void put_big_endian(char* at, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    at[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
}

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  const auto start = out.size();
  out.resize(start + static_cast<std::size_t>(bytes));
  put_big_endian(out.data() + start, value, bytes);
}

}  // namespace

PgBinaryArray::PgBinaryArray(PgArrayOf element, std::size_t reserve_bytes) {
  bytes_.reserve(kHeaderBytes + reserve_bytes);
  append_big_endian(bytes_, 1, 4);  // dimensions
  append_big_endian(bytes_, 0, 4);  // flags, set by finish()
  append_big_endian(bytes_, static_cast<std::uint32_t>(element), 4);
  append_big_endian(bytes_, 0, 4);  // length, set by finish()
  append_big_endian(bytes_, 1, 4);  // lower bound
}

void PgBinaryArray::append_length(std::int32_t length) {
  append_big_endian(bytes_, static_cast<std::uint32_t>(length), 4);
  ++count_;
}

void PgBinaryArray::text(std::string_view value) {
  if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("PgBinaryArray: element over 2 GiB");
  append_length(static_cast<std::int32_t>(value.size()));
  bytes_.append(value);
}

void PgBinaryArray::int4(std::int32_t value) {
  append_length(4);
  append_big_endian(bytes_, static_cast<std::uint32_t>(value), 4);
}

void PgBinaryArray::timestamptz(std::chrono::sys_time<std::chrono::microseconds> at) {
  append_length(8);
  const std::int64_t micros = at.time_since_epoch().count() - kPostgresEpochMicros;
  append_big_endian(bytes_, static_cast<std::uint64_t>(micros), 8);
}

void PgBinaryArray::null() {
  append_length(-1);
  has_null_ = true;
}

std::string PgBinaryArray::finish() && {
  put_big_endian(bytes_.data() + kFlagsOffset, has_null_ ? 1 : 0, 4);
  put_big_endian(bytes_.data() + kCountOffset, count_, 4);
  return std::move(bytes_);
}

}  // namespace phonebill::storage
