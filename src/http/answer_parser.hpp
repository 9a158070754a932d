// Parses one HTTP answer straight into a ClientResponse: status, the header fields a
// caller keeps (names lower-cased) and body, with no Beast message in between.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/detail/rfc7230.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "http/client_message.hpp"
#include "http/lowercase_field_name.hpp"
#include "http/request.hpp"
#include "http/string_body_parser.hpp"

namespace phonebill::http {

// Beast's basic_parser with callbacks that write into `answer`. Beast's response_parser
// filled a basic_fields (an element and an intrusive-set insertion per field) that the
// client then copied into its ClientResponse (issue 17 item 2). The framing rules (HEAD
// answers with skip(true), a body framed by the end of the stream and need_eof, chunked
// bodies), the body limit and their errors stay the base's. One parser per answer, as
// Beast's: construct a new one for the next.
class AnswerParser : public StringBodyParser<false> {
 public:
  // `keep_header`: ClientRequest::keep_response_header (nullptr: every field);
  // `header_room`: ClientRequest::response_header_room.
  AnswerParser(ClientResponse& answer, bool (*keep_header)(std::string_view lowercase_name),
               std::size_t header_room)
      : StringBodyParser<false>(answer.body),
        answer_(answer),
        keep_header_(keep_header),
        header_room_(header_room) {}

 private:
  // Room the header list gets at once, besides the caller's: an answer's fields are not
  // counted before they are parsed (Beast's copy reserved their number exactly), and
  // growing the list one doubling at a time is a malloc each. 8: a proxied answer's list
  // with the gateway's room (8 + 6 fields of 64 bytes) stays below 1 KiB.
  static constexpr std::size_t kExpectedFields = 8;

  void on_response_impl(int status, string_view, int, error_code&) override {
    answer_.status = status;
    answer_.headers.reserve(kExpectedFields + header_room_);
  }

  // Never called: this parser reads answers.
  void on_request_impl(verb, string_view, string_view, int, error_code&) override {}

  // A field the caller refuses costs no allocation: its name is lower-cased in a stack
  // buffer first, or, for a name Beast knows (it looked each one up already), taken from
  // lowercase_field_name's table (issue 17 item 2: a character at a time cost ~250
  // instructions an answer). Fields in the order they came (basic_fields moved a repeated
  // name next to its first occurrence; the order among one name's fields is the same
  // either way).
  void on_field_impl(field known, string_view name, string_view value, error_code&) override {
    char lowered[64];
    std::string long_name;
    std::string_view lower_name;
    if (known != field::unknown) lower_name = lowercase_field_name(known);
    if (!lower_name.empty() && lower_name.size() == name.size()) {
      // A name Beast knows.
    } else if (name.size() <= sizeof lowered) {
      for (std::size_t i = 0; i < name.size(); ++i) lowered[i] = lower_ascii(name[i]);
      lower_name = std::string_view{lowered, name.size()};
    } else {
      long_name.assign(name.data(), name.size());
      for (auto& c : long_name) c = lower_ascii(c);
      lower_name = long_name;
    }
    if (keep_header_ != nullptr && !keep_header_(lower_name)) return;
    // Trimmed of spaces and tabs as basic_fields stored it.
    auto trimmed = boost::beast::http::detail::trim(value);
    // Each string built in its place in the list: a pair made of two temporaries moved both
    // (two string moves a field, four an answer: issue 17 item 2).
    if (long_name.empty())
      answer_.headers.emplace_back(std::piecewise_construct,
                                   std::forward_as_tuple(lower_name.data(), lower_name.size()),
                                   std::forward_as_tuple(trimmed.data(), trimmed.size()));
    else
      answer_.headers.emplace_back(std::piecewise_construct,
                                   std::forward_as_tuple(std::move(long_name)),
                                   std::forward_as_tuple(trimmed.data(), trimmed.size()));
  }

  // The caller's room after the head's fields, if they outgrew the guess.
  void on_header_impl(error_code&) override {
    auto& headers = answer_.headers;
    if (headers.capacity() < headers.size() + header_room_)
      headers.reserve(headers.size() + header_room_);
  }

  ClientResponse& answer_;
  bool (*keep_header_)(std::string_view lowercase_name);
  std::size_t header_room_;
};

}  // namespace phonebill::http
