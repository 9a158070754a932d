// Internal to the KOS codec: a JSON object reader that reports problems under the
// field's full path ("usage.dataMb.used"), plus the shape checks shared by requests,
// payloads and path parameters. Not part of the library's interface.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/billing_month.hpp"
#include "core/json.hpp"
#include "core/validation.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos::detail {

inline constexpr std::string_view kLineNumberReason = "must be 11 digits starting with 010";
inline constexpr std::string_view kRequestIdReason =
    "must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-'";
inline constexpr std::string_view kProductCodeReason =
    "must be 1 to 40 characters of letters, digits, '_' or '-'";

bool is_valid_request_id(std::string_view text);
bool is_valid_product_code(std::string_view text);
// YYYY-MM-DD naming a real calendar date.
bool is_valid_date(std::string_view text);
// YYYYMM (KOS form only).
std::optional<BillingMonth> parse_kos_month(std::string_view text);

class ObjectReader {
 public:
  // Reads `value` as the object found at `path` ("" for the whole body); anything else
  // is reported once, under the path (or "body").
  ObjectReader(const boost::json::value& value, FieldErrors& errors, std::string path = {});

  bool valid() const { return object_ != nullptr; }
  // "field" at the top level, "path.field" below it.
  std::string path_of(std::string_view field) const;
  void add_error(std::string_view field, std::string_view reason);

  std::optional<std::string> string(std::string_view field,
                                    Presence presence = Presence::kRequired);
  std::optional<std::int64_t> integer(std::string_view field,
                                      Presence presence = Presence::kRequired);
  // An integer that must be >= minimum.
  std::optional<std::int64_t> integer_at_least(std::string_view field, std::int64_t minimum,
                                               Presence presence = Presence::kRequired);
  // Money: an integer number of KRW, >= 0.
  std::optional<std::int64_t> money(std::string_view field) { return integer_at_least(field, 0); }
  std::optional<bool> boolean(std::string_view field, Presence presence = Presence::kRequired);
  std::optional<double> number(std::string_view field, Presence presence = Presence::kRequired);
  const boost::json::array* array(std::string_view field, Presence presence = Presence::kRequired);
  // The raw value of any type; JSON null counts as absent.
  const boost::json::value* value(std::string_view field, Presence presence = Presence::kRequired);
  // A nested object's reader; nullopt when absent (an error if required) or invalid.
  std::optional<ObjectReader> object(std::string_view field,
                                     Presence presence = Presence::kRequired);

  std::optional<std::string> line_number(std::string_view field);
  std::optional<BillingMonth> kos_month(std::string_view field);
  std::optional<std::string> request_id(std::string_view field);
  std::optional<std::string> product_code(std::string_view field);
  std::optional<std::string> date(std::string_view field, Presence presence = Presence::kRequired);

  // A string converted by parse (returning std::optional<Enum>); `allowed` lists the
  // accepted texts for the error reason.
  template <class Parse>
  auto enumeration(std::string_view field, Parse parse, std::string_view allowed,
                   Presence presence = Presence::kRequired) -> decltype(parse(field)) {
    auto text = string(field, presence);
    if (!text) return std::nullopt;
    auto parsed = parse(*text);
    if (!parsed) add_error(field, std::string{"must be one of "} + std::string{allowed});
    return parsed;
  }

  FieldErrors& errors() { return errors_; }

 private:
  // Runs one JsonReader accessor against a scratch error list and copies its errors
  // over with this reader's path.
  template <class Read>
  auto read(Read read_with);

  const boost::json::object* object_ = nullptr;
  FieldErrors& errors_;
  std::string path_;
};

// Counts errors so a parse function can tell whether it added any.
class ErrorMark {
 public:
  explicit ErrorMark(const FieldErrors& errors) : errors_(errors), count_(errors.list().size()) {}
  bool clean() const { return errors_.list().size() == count_; }

 private:
  const FieldErrors& errors_;
  std::size_t count_;
};

// Payload pieces shared by the bill and product answers (codec_bill.cpp).
boost::json::object contract_to_json(const ContractInfo& contract);
std::optional<ContractInfo> parse_contract(ObjectReader& parent, std::string_view field);

// A JSON string, or null for an absent optional.
boost::json::value optional_text(const std::optional<std::string>& text);

}  // namespace phonebill::kos::detail
