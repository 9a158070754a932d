// Boost.JSON helpers shared by every service: safe parsing of request bodies and a
// reader that checks field types and records each problem as a FieldError, so
// wrong types become VALIDATION_ERROR instead of exceptions. Unknown fields are
// ignored (SPEC §2).
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/validation.hpp"

namespace phonebill {

// Parses text as JSON; nullopt for anything malformed (including trailing garbage
// or nesting deeper than 32 levels, which no request of ours needs).
std::optional<boost::json::value> parse_json(std::string_view text);

// Serialises a value to compact JSON text.
std::string to_json_text(const boost::json::value& value);

// The text as a JSON string, or JSON null when there is none (optional answer fields).
boost::json::value text_or_null(const std::optional<std::string>& text);

enum class Presence { kRequired, kOptional };

class JsonReader {
 public:
  JsonReader(const boost::json::object& object, FieldErrors& errors)
      : object_(object), errors_(errors) {}

  // Each accessor returns nullopt both when the field is absent (an error only if
  // required) and when it has the wrong type (always an error). JSON null counts
  // as absent.
  std::optional<std::string> string(std::string_view field, Presence presence);
  std::optional<std::int64_t> integer(std::string_view field, Presence presence);
  std::optional<double> number(std::string_view field, Presence presence);
  std::optional<bool> boolean(std::string_view field, Presence presence);
  const boost::json::object* object(std::string_view field, Presence presence);
  const boost::json::array* array(std::string_view field, Presence presence);

 private:
  const boost::json::value* find(std::string_view field, Presence presence);
  const boost::json::object& object_;
  FieldErrors& errors_;
};

}  // namespace phonebill
