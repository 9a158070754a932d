// Parses one HTTP request straight into the server's reused Request: method, path, query,
// header fields (names lower-cased) and body, with no Beast message in between.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/detail/rfc7230.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request.hpp"
#include "http/request_head.hpp"
#include "http/string_body_parser.hpp"

namespace phonebill::http {

// Beast's basic_parser with callbacks that write into `request`. Beast's request_parser
// filled a basic_fields (an element and an intrusive-set insertion per field: ~1.8k
// instructions per gateway head) that the server then copied field by field into the
// Request (issue 17 item 2). The framing rules, the header and body limits and their
// errors stay the base's. `request` is a new Request or one clear_keeping_storage left:
// its header fields are overwritten in place, each name and value keeping its room, so a
// head parses without an allocation once the Request has seen one like it.
// One parser per request, as Beast's: construct a new one for the next.
class RequestParser : public StringBodyParser<true> {
 public:
  explicit RequestParser(Request& request)
      : StringBodyParser<true>(request.body), request_(request) {}

 private:
  // Room a new Request's header list gets at once (a reused one has its own): the fields
  // are not counted before they are parsed (Beast's copy reserved their number exactly),
  // and growing the list one doubling at a time is a malloc each. 8 fields, 512 bytes:
  // more room is held by every request waiting on its handler (ClientCallWaitingOnIts-
  // AnswerHoldsNoParser); a longer head grows it once, and the Request keeps that.
  static constexpr std::size_t kExpectedFields = 8;

  void on_request_impl(verb, string_view method, string_view target, int, error_code&) override {
    // The method as sent: Beast's method_string() gave the same text for a known verb.
    request_.method.assign(method.data(), method.size());
    auto split = split_target({target.data(), target.size()});
    request_.path.assign(split.path);
    request_.query.assign(split.query);
    if (request_.headers.capacity() == 0) request_.headers.reserve(kExpectedFields);
  }

  // Never called: this parser reads requests.
  void on_response_impl(int, string_view, int, error_code&) override {}

  // Fields in the order they came. Beast's basic_fields moved a repeated name next to its
  // first occurrence; the order among the fields of one name, the only order HTTP gives a
  // meaning (RFC 9110 §5.3), is the same either way.
  void on_field_impl(field, string_view name, string_view value, error_code&) override {
    auto& headers = request_.headers;
    if (fields_ == headers.size()) headers.emplace_back();
    auto& [lower_name, field_value] = headers[fields_++];
    lower_name.resize(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) lower_name[i] = lower_ascii(name[i]);
    // Trimmed of spaces and tabs as basic_fields stored it.
    auto trimmed = boost::beast::http::detail::trim(value);
    field_value.assign(trimmed.data(), trimmed.size());
  }

  // The previous request's fields beyond this one's go (their storage with them: a
  // shorter head is the rare case). A chunked body's trailer fields, parsed after this,
  // are appended, as basic_fields took them too.
  void on_header_impl(error_code&) override { request_.headers.resize(fields_); }


  Request& request_;
  std::size_t fields_ = 0;  // header fields of this request so far
};

}  // namespace phonebill::http
