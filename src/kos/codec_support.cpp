// Path-aware JSON reading and the shape checks of the KOS codec (codec_support.hpp).
#include "kos/codec_support.hpp"

#include <algorithm>
#include <chrono>

#include "core/line_number.hpp"

namespace phonebill::kos::detail {
namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_valid_request_id(std::string_view text) {
  if (text.empty() || text.size() > 100) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_ascii_alnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

bool is_valid_product_code(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '_' || c == '-'; });
}

bool is_valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  auto year_text = text.substr(0, 4), month_text = text.substr(5, 2), day_text = text.substr(8, 2);
  if (!all_digits(year_text) || !all_digits(month_text) || !all_digits(day_text)) return false;
  int year = std::stoi(std::string{year_text});
  unsigned month = unsigned(std::stoi(std::string{month_text}));
  unsigned day = unsigned(std::stoi(std::string{day_text}));
  return std::chrono::year_month_day{std::chrono::year{year}, std::chrono::month{month},
                                     std::chrono::day{day}}
      .ok();
}

std::optional<BillingMonth> parse_kos_month(std::string_view text) {
  if (text.size() != 6 || !all_digits(text)) return std::nullopt;
  return BillingMonth::parse(text);
}

ObjectReader::ObjectReader(const boost::json::value& value, FieldErrors& errors, std::string path)
    : errors_(errors), path_(std::move(path)) {
  if (value.is_object()) {
    object_ = &value.get_object();
  } else {
    errors_.add(path_.empty() ? "body" : path_, "must be an object");
  }
}

std::string ObjectReader::path_of(std::string_view field) const {
  if (path_.empty()) return std::string{field};
  return path_ + "." + std::string{field};
}

void ObjectReader::add_error(std::string_view field, std::string_view reason) {
  errors_.add(path_of(field), std::string{reason});
}

template <class Read>
auto ObjectReader::read(Read read_with) {
  using Result = decltype(read_with(std::declval<JsonReader&>()));
  if (object_ == nullptr) return Result{};
  FieldErrors scratch;
  JsonReader reader{*object_, scratch};
  auto result = read_with(reader);
  for (const auto& error : scratch.list()) errors_.add(path_of(error.field), error.reason);
  return result;
}

std::optional<std::string> ObjectReader::string(std::string_view field, Presence presence) {
  return read([&](JsonReader& reader) { return reader.string(field, presence); });
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view field, Presence presence) {
  return read([&](JsonReader& reader) { return reader.integer(field, presence); });
}

std::optional<std::int64_t> ObjectReader::integer_at_least(std::string_view field,
                                                           std::int64_t minimum,
                                                           Presence presence) {
  auto value = integer(field, presence);
  if (value && *value < minimum) {
    add_error(field, "must be at least " + std::to_string(minimum));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ObjectReader::boolean(std::string_view field, Presence presence) {
  return read([&](JsonReader& reader) { return reader.boolean(field, presence); });
}

std::optional<double> ObjectReader::number(std::string_view field, Presence presence) {
  return read([&](JsonReader& reader) { return reader.number(field, presence); });
}

const boost::json::array* ObjectReader::array(std::string_view field, Presence presence) {
  return read([&](JsonReader& reader) { return reader.array(field, presence); });
}

const boost::json::value* ObjectReader::value(std::string_view field, Presence presence) {
  if (object_ == nullptr) return nullptr;
  auto* found = object_->if_contains(field);
  if (found == nullptr || found->is_null()) {
    if (presence == Presence::kRequired) add_error(field, "required");
    return nullptr;
  }
  return found;
}

std::optional<ObjectReader> ObjectReader::object(std::string_view field, Presence presence) {
  auto* found = value(field, presence);
  if (found == nullptr) return std::nullopt;
  ObjectReader nested{*found, errors_, path_of(field)};
  if (!nested.valid()) return std::nullopt;
  return nested;
}

std::optional<std::string> ObjectReader::line_number(std::string_view field) {
  auto text = string(field);
  if (!text) return std::nullopt;
  auto canonical = normalize_line_number(*text);
  if (!canonical) add_error(field, kLineNumberReason);
  return canonical;
}

std::optional<BillingMonth> ObjectReader::kos_month(std::string_view field) {
  auto text = string(field);
  if (!text) return std::nullopt;
  auto month = parse_kos_month(*text);
  if (!month) add_error(field, "must be a month in the form YYYYMM");
  return month;
}

std::optional<std::string> ObjectReader::request_id(std::string_view field) {
  auto text = string(field);
  if (text && !is_valid_request_id(*text)) {
    add_error(field, kRequestIdReason);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ObjectReader::product_code(std::string_view field) {
  auto text = string(field);
  if (text && !is_valid_product_code(*text)) {
    add_error(field, kProductCodeReason);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ObjectReader::date(std::string_view field, Presence presence) {
  auto text = string(field, presence);
  if (text && !is_valid_date(*text)) {
    add_error(field, "must be a date in the form YYYY-MM-DD");
    return std::nullopt;
  }
  return text;
}

}  // namespace phonebill::kos::detail
