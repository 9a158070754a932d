// Safe JSON parsing and JsonReader, the typed field reader that records FieldErrors.
#include "core/json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace phonebill {

boost::json::value text_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

std::optional<boost::json::value> parse_json(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code error;
  auto value = boost::json::parse(text, error, {}, options);
  if (error) return std::nullopt;
  return value;
}

std::string to_json_text(const boost::json::value& value) { return boost::json::serialize(value); }

const boost::json::value* JsonReader::find(std::string_view field, Presence presence) {
  auto* value = object_.if_contains(field);
  if (value == nullptr || value->is_null()) {
    if (presence == Presence::kRequired) errors_.add(std::string{field}, "required");
    return nullptr;
  }
  return value;
}

std::optional<std::string> JsonReader::string(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    errors_.add(std::string{field}, "must be a string");
    return std::nullopt;
  }
  return std::string{value->get_string()};
}

std::optional<std::int64_t> JsonReader::integer(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= std::uint64_t(INT64_MAX))
    return std::int64_t(value->get_uint64());
  if (value->is_double()) {
    double number = value->get_double();
    if (std::trunc(number) == number && std::abs(number) < 9e15) return std::int64_t(number);
  }
  errors_.add(std::string{field}, "must be an integer");
  return std::nullopt;
}

std::optional<double> JsonReader::number(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (value->is_double()) return value->get_double();
  if (value->is_int64()) return double(value->get_int64());
  if (value->is_uint64()) return double(value->get_uint64());
  errors_.add(std::string{field}, "must be a number");
  return std::nullopt;
}

std::optional<bool> JsonReader::boolean(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    errors_.add(std::string{field}, "must be true or false");
    return std::nullopt;
  }
  return value->get_bool();
}

const boost::json::object* JsonReader::object(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    errors_.add(std::string{field}, "must be an object");
    return nullptr;
  }
  return &value->get_object();
}

const boost::json::array* JsonReader::array(std::string_view field, Presence presence) {
  auto* value = find(field, presence);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    errors_.add(std::string{field}, "must be an array");
    return nullptr;
  }
  return &value->get_array();
}

}  // namespace phonebill
