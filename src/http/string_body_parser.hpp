// The body half RequestParser and AnswerParser share: Beast's basic_parser with the body
// appended to a std::string (plain, Content-Length or chunked); their heads differ.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace phonebill::http {

template <bool isRequest>
class StringBodyParser : public boost::beast::http::basic_parser<isRequest> {
 protected:
  explicit StringBodyParser(std::string& body) : body_(body) {}

  // The names both parsers' callbacks are declared with.
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;

 private:

  // The base has checked a Content-Length against the body limit before this.
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) body_.reserve(std::size_t(*length));
  }

  std::size_t on_body_impl(string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}

  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& error) override {
    return on_body_impl(body, error);
  }

  void on_finish_impl(error_code&) override {}

  std::string& body_;
};

}  // namespace phonebill::http
