// RequestParser and AnswerParser against Beast's own request_parser and response_parser:
// the same bytes give the same method, target, fields, body, keep-alive and errors,
// whole or in pieces; and a reused Request's fields are refilled in place.
#include <gtest/gtest.h>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "http/answer_parser.hpp"
#include "http/request_parser.hpp"

using namespace phonebill::http;
namespace bhttp = boost::beast::http;

namespace {

// What a parser made of some bytes, in the terms the server and client read it in.
struct Parsed {
  boost::system::error_code error;  // the first error that is not need_more
  bool header_done = false;
  bool done = false;
  bool keep_alive = false;
  bool upgrade = false;
  bool chunked = false;
  std::size_t consumed = 0;
  int status = 0;
  std::string method;
  std::string path;
  std::string query;
  HeaderList headers;  // names lower-cased, sorted by name (stable: per-name order kept)
  std::string body;
};

bool operator==(const Parsed& a, const Parsed& b) {
  return a.error == b.error && a.header_done == b.header_done && a.done == b.done &&
         a.keep_alive == b.keep_alive && a.upgrade == b.upgrade && a.chunked == b.chunked &&
         a.consumed == b.consumed && a.status == b.status && a.method == b.method &&
         a.path == b.path && a.query == b.query && a.headers == b.headers && a.body == b.body;
}

std::ostream& operator<<(std::ostream& out, const Parsed& parsed) {
  out << "{error=" << parsed.error.message() << " header_done=" << parsed.header_done
      << " done=" << parsed.done << " keep_alive=" << parsed.keep_alive
      << " consumed=" << parsed.consumed << " status=" << parsed.status << " " << parsed.method
      << " " << parsed.path << "?" << parsed.query << " headers=[";
  for (const auto& [name, value] : parsed.headers) out << name << ": '" << value << "', ";
  return out << "] body='" << parsed.body << "'}";
}

// Beast's basic_fields kept a repeated name next to its first occurrence; the parsers
// here keep arrival order. Sorted stably by name, both lists must be the same.
void sort_by_name(HeaderList& headers) {
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::string lowered(std::string_view name) {
  std::string lower{name};
  for (auto& c : lower) c = lower_ascii(c);
  return lower;
}

// Feeds `bytes` to `parser` as the server and client do: `piece` bytes arrive at a time
// into a buffer, and whatever the buffer holds is offered until the message is done or an
// error other than need_more comes; at the end of the bytes, `eof` tells the parser the
// stream ended (an answer framed by the close).
template <class Parser>
void feed(Parser& parser, const std::string& bytes, std::size_t piece, bool eof, Parsed& parsed) {
  parser.eager(true);
  std::string buffer;
  std::size_t arrived = 0;
  while (!parser.is_done()) {
    if (!buffer.empty()) {
      boost::system::error_code error;
      auto used = parser.put(boost::asio::buffer(buffer), error);
      buffer.erase(0, used);
      parsed.consumed += used;
      if (parser.is_done()) break;
      if (error && error != bhttp::error::need_more) {
        parsed.error = error;
        break;
      }
    }
    if (arrived == bytes.size()) {
      if (eof && parser.got_some()) parser.put_eof(parsed.error);
      break;
    }
    auto more = std::min(piece, bytes.size() - arrived);
    buffer.append(bytes, arrived, more);
    arrived += more;
  }
  parsed.header_done = parser.is_header_done();
  parsed.done = parser.is_done();
  if (parsed.header_done) {
    parsed.keep_alive = parser.keep_alive();
    parsed.upgrade = parser.upgrade();
    parsed.chunked = parser.chunked();
  }
}

struct Limits {
  std::uint32_t header = 8192;
  std::uint64_t body = 1 << 20;
};

Parsed parse_with_beast(const std::string& bytes, std::size_t piece, Limits limits = {}) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits.header);
  parser.body_limit(limits.body);
  Parsed parsed;
  feed(parser, bytes, piece, false, parsed);
  if (!parsed.header_done) return parsed;
  const auto& message = parser.get();
  parsed.method = std::string{message.method_string()};
  auto target = split_target({message.target().data(), message.target().size()});
  parsed.path = target.path;
  parsed.query = target.query;
  for (const auto& field : message)
    parsed.headers.emplace_back(lowered(field.name_string()), std::string{field.value()});
  sort_by_name(parsed.headers);
  if (parsed.done) parsed.body = message.body();
  return parsed;
}

Parsed parse_with_ours(const std::string& bytes, std::size_t piece, Limits limits = {}) {
  Request request;
  RequestParser parser{request};
  parser.header_limit(limits.header);
  parser.body_limit(limits.body);
  Parsed parsed;
  feed(parser, bytes, piece, false, parsed);
  if (!parsed.header_done) return parsed;
  parsed.method = request.method;
  parsed.path = request.path;
  parsed.query = request.query;
  parsed.headers = request.headers;
  sort_by_name(parsed.headers);
  if (parsed.done) parsed.body = request.body;
  return parsed;
}

// Requests whose handling the old path (Beast's parser, then a copy) defined.
const std::vector<std::string>& sample_requests() {
  static const std::vector<std::string> requests{
      "GET /items/7?q=1&r=2 HTTP/1.1\r\nHost: x\r\nX-Mixed-CASE:  v1 \r\nAccept: */*\r\n"
      "x-mixed-case: v2\r\nAUTHORIZATION: Bearer abc\r\nX-Mixed-Case:\tv3\t\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: after\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
      "GET / HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n\tthree\r\nAccept: a\r\n\r\n",
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "GET / HTTP/1.0\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Spaces:    \r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "HELLO THERE\r\n\r\n",
      "GET / HTTP/1.1\nHost: x\n\n",
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",  // pipelined
      "PATCH /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",  // a method Beast has no verb for
  };
  return requests;
}

TEST(RequestParser, ParsesAsBeastsRequestParserDid) {
  int with_fields = 0, with_body = 0, refused = 0;  // the comparisons are not vacuous
  for (const auto& bytes : sample_requests()) {
    for (std::size_t piece : {bytes.size(), std::size_t(7), std::size_t(1)}) {
      auto expected = parse_with_beast(bytes, piece);
      auto parsed = parse_with_ours(bytes, piece);
      EXPECT_EQ(parsed, expected) << "pieces of " << piece << ": " << bytes;
      with_fields += !parsed.headers.empty();
      with_body += !parsed.body.empty();
      refused += bool(parsed.error);
    }
  }
  EXPECT_GE(with_fields, 30);
  EXPECT_GE(with_body, 6);
  EXPECT_GE(refused, 12);
}

TEST(RequestParser, KeepsBeastsLimits) {
  Limits small{64, 4};
  std::vector<std::string> over{
      "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
  };
  for (const auto& bytes : over) {
    for (std::size_t piece : {bytes.size(), std::size_t(1)}) {
      auto expected = parse_with_beast(bytes, piece, small);
      auto parsed = parse_with_ours(bytes, piece, small);
      EXPECT_TRUE(expected.error == bhttp::error::header_limit ||
                  expected.error == bhttp::error::body_limit)
          << expected;
      EXPECT_EQ(parsed, expected) << "pieces of " << piece << ": " << bytes;
    }
  }
}

// The fields handlers read: names lower-cased, values trimmed, repeats all kept in the
// order they came, a chunked body joined with its trailer fields after the head's.
TEST(RequestParser, FillsTheRequest) {
  Request request;
  RequestParser parser{request};
  std::string bytes =
      "POST /api/v1/echo?x=1 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1\r\n"
      "Transfer-Encoding: chunked\r\nx-forwarded-for:  2.2.2.2 \r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\nServer-Timing: total;dur=1\r\n\r\n";
  boost::system::error_code error;
  parser.eager(true);
  auto used = parser.put(boost::asio::buffer(bytes), error);
  ASSERT_FALSE(error) << error.message();
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(used, bytes.size());
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/api/v1/echo");
  EXPECT_EQ(request.query, "x=1");
  HeaderList expected{{"host", "x"},
                      {"x-forwarded-for", "1.1.1.1"},
                      {"transfer-encoding", "chunked"},
                      {"x-forwarded-for", "2.2.2.2"},
                      {"server-timing", "total;dur=1"}};
  EXPECT_EQ(request.headers, expected);
  EXPECT_EQ(request.body, "abcde");
  EXPECT_TRUE(parser.keep_alive());
}

// A reused Request (clear_keeping_storage) gets the next head's fields written over the
// previous ones, each name and value in the storage it had: fewer fields shorten the list,
// more extend it.
TEST(RequestParser, RefillsAReusedRequestInPlace) {
  Request request;
  auto parse = [&request](const std::string& bytes) {
    RequestParser parser{request};
    parser.eager(true);
    boost::system::error_code error;
    parser.put(boost::asio::buffer(bytes), error);
    return !error && parser.is_done();
  };
  std::string long_value(200, 'v');
  ASSERT_TRUE(parse("GET /a HTTP/1.1\r\nAuthorization: " + long_value +
                    "\r\nUser-Agent: " + long_value + "\r\nAccept: */*\r\n\r\n"));
  ASSERT_EQ(request.headers.size(), 3u);
  const char* first_value = request.headers[0].second.data();
  const char* second_value = request.headers[1].second.data();
  auto* list = request.headers.data();
  clear_keeping_storage(request);
  ASSERT_TRUE(parse("GET /b HTTP/1.1\r\nAuthorization: Bearer token\r\nHOST: y\r\n\r\n"));
  HeaderList expected{{"authorization", "Bearer token"}, {"host", "y"}};
  EXPECT_EQ(request.headers, expected);
  EXPECT_EQ(request.headers.data(), list);
  EXPECT_EQ(request.headers[0].second.data(), first_value);
  EXPECT_EQ(request.headers[1].second.data(), second_value);
  clear_keeping_storage(request);
  ASSERT_TRUE(parse("GET /c HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"));
  HeaderList more{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  EXPECT_EQ(request.headers, more);
  EXPECT_EQ(request.path, "/c");
}

// clear_keeping_storage leaves a request as a new one, but for its strings' room and its
// header fields (the next head's overwrite them); a large body's buffer is let go.
TEST(RequestParser, ClearKeepingStorageEmptiesEveryMember) {
  Request request;
  std::string long_text(100, 'x');
  request.method = "PATCH" + long_text;
  request.path = "/a" + long_text;
  request.query = "q=1" + long_text;
  request.headers = {{"host", "h"}};
  request.body = "b" + long_text;
  request.path_parameters = {{"id", "1"}};
  request.route = "/r" + long_text;
  request.request_id = "id" + long_text;
  request.traceparent = "tp" + long_text;
  request.trace_id = "ti" + long_text;
  request.remote_address = "ra" + long_text;
  request.deadline = std::chrono::steady_clock::now();
  request.user_id = "u" + long_text;
  request.upstream = "up" + long_text;
  const char* path_storage = request.path.data();
  const char* body_storage = request.body.data();
  clear_keeping_storage(request);
  Request fresh;
  fresh.headers = request.headers;
  EXPECT_EQ(request.headers, (HeaderList{{"host", "h"}}));
  for (const auto* text : {&request.method, &request.path, &request.query, &request.body,
                           &request.route, &request.request_id, &request.traceparent,
                           &request.trace_id, &request.remote_address, &request.user_id,
                           &request.upstream}) {
    EXPECT_TRUE(text->empty());
    EXPECT_GE(text->capacity(), 100u);
  }
  EXPECT_EQ(request.path.data(), path_storage);
  EXPECT_EQ(request.body.data(), body_storage);
  EXPECT_TRUE(request.path_parameters.empty());
  EXPECT_EQ(request.deadline, fresh.deadline);
  EXPECT_EQ(request.deadline, phonebill::Deadline{});

  request.body.assign(64 * 1024, 'b');  // an upload's buffer is not kept
  clear_keeping_storage(request);
  EXPECT_TRUE(request.body.empty());
  EXPECT_LE(request.body.capacity(), 4096u);
}

// Every field Beast knows has its name lower-cased in the table, in Beast's spelling;
// unknown has none.
TEST(AnswerParser, LowercaseFieldNames) {
  EXPECT_EQ(lowercase_field_name(bhttp::field::unknown), "");
  for (std::size_t i = 1; i <= std::size_t(bhttp::field::xref); ++i) {
    auto known = static_cast<bhttp::field>(i);
    auto spelled = bhttp::to_string(known);
    EXPECT_EQ(lowercase_field_name(known), lowered(spelled)) << spelled;
  }
  EXPECT_EQ(lowercase_field_name(bhttp::field::content_type), "content-type");
  EXPECT_EQ(lowercase_field_name(bhttp::field::www_authenticate), "www-authenticate");
}

// Known and unknown names in any case come out lower-cased (known ones from the table).
TEST(AnswerParser, LowerCasesKnownAndUnknownNames) {
  ClientResponse response;
  AnswerParser parser{response, nullptr, 0};
  std::string bytes =
      "HTTP/1.1 200 OK\r\nCONTENT-TYPE: a/b\r\nEtag: \"1\"\r\nwww-AUTHENTICATE: Basic\r\n"
      "X-Unknown-THING: v\r\nContent-Length: 0\r\n\r\n";
  boost::system::error_code error;
  parser.eager(true);
  parser.put(boost::asio::buffer(bytes), error);
  ASSERT_FALSE(error) << error.message();
  HeaderList expected{{"content-type", "a/b"},
                      {"etag", "\"1\""},
                      {"www-authenticate", "Basic"},
                      {"x-unknown-thing", "v"},
                      {"content-length", "0"}};
  EXPECT_EQ(response.headers, expected);
}

// Keep-alive as the server decides it: the parser's, over every Connection field.
TEST(RequestParser, DecidesKeepAlive) {
  auto keep_alive = [](const std::string& bytes) {
    return parse_with_ours(bytes, bytes.size()).keep_alive;
  };
  EXPECT_TRUE(keep_alive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_FALSE(keep_alive("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
  EXPECT_FALSE(keep_alive("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n"));
  EXPECT_FALSE(keep_alive("GET / HTTP/1.0\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(keep_alive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
}

// --- answers ---

bool keep_some(std::string_view name) { return name != "server" && name != "set-cookie"; }

struct AnswerCase {
  std::string bytes;
  bool head = false;  // the request was HEAD: skip(true)
  bool eof = false;   // the upstream closes after the bytes
};

Parsed answer_with_beast(const AnswerCase& answer, std::size_t piece,
                         bool (*keep)(std::string_view), std::uint64_t body_limit) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  if (answer.head) parser.skip(true);
  Parsed parsed;
  feed(parser, answer.bytes, piece, answer.eof, parsed);
  if (!parsed.header_done) return parsed;
  const auto& message = parser.get();
  parsed.status = int(message.result_int());
  for (const auto& field : message) {
    auto name = lowered(field.name_string());
    if (keep == nullptr || keep(name))
      parsed.headers.emplace_back(name, std::string{field.value()});
  }
  sort_by_name(parsed.headers);
  if (parsed.done) parsed.body = message.body();
  return parsed;
}

Parsed answer_with_ours(const AnswerCase& answer, std::size_t piece, bool (*keep)(std::string_view),
                        std::uint64_t body_limit) {
  ClientResponse response;
  AnswerParser parser{response, keep, 3};
  parser.body_limit(body_limit);
  if (answer.head) parser.skip(true);
  Parsed parsed;
  feed(parser, answer.bytes, piece, answer.eof, parsed);
  if (!parsed.header_done) return parsed;
  parsed.status = response.status;
  parsed.headers = response.headers;
  sort_by_name(parsed.headers);
  if (parsed.done) parsed.body = response.body;
  return parsed;
}

TEST(AnswerParser, ParsesAsBeastsResponseParserDid) {
  std::vector<AnswerCase> answers{
      {"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\n"
       "Content-TYPE: text/plain\r\nset-cookie: b=2\r\nX-Spaced:  v \r\n\r\nok"},
      {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", false, true},
      {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n", true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nX-T: 1\r\n\r\n"},
      {"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"},
      {"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"},
      {"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc"},
      {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc"},
      {"HTTP/1.1 502 Bad Gateway\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n" + std::string(64, 'x')},  // over
      {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + std::string(64, 'y'), false, true},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", false, true},  // cut short
      {"NOT HTTP\r\n\r\n"},
  };
  int with_fields = 0, with_body = 0, refused = 0;  // the comparisons are not vacuous
  for (const auto& answer : answers) {
    for (std::size_t piece : {answer.bytes.size(), std::size_t(5), std::size_t(1)}) {
      for (auto keep : {static_cast<bool (*)(std::string_view)>(nullptr), &keep_some}) {
        auto expected = answer_with_beast(answer, piece, keep, 32);
        auto parsed = answer_with_ours(answer, piece, keep, 32);
        EXPECT_EQ(parsed, expected) << "pieces of " << piece << ": " << answer.bytes;
        with_fields += !parsed.headers.empty();
        with_body += !parsed.body.empty();
        refused += bool(parsed.error);
      }
    }
  }
  EXPECT_GE(with_fields, 40);
  EXPECT_GE(with_body, 20);
  EXPECT_GE(refused, 6);
}

// Fields in the order they came, the refused ones left out, room for the caller's own.
TEST(AnswerParser, FillsTheAnswer) {
  ClientResponse response;
  AnswerParser parser{response, &keep_some, 5};
  std::string bytes =
      "HTTP/1.1 201 Created\r\nServer: x\r\nX-B: 1\r\nContent-Length: 2\r\nX-A: 2\r\n"
      "x-b: 3\r\n\r\n{}";
  boost::system::error_code error;
  parser.eager(true);
  parser.put(boost::asio::buffer(bytes), error);
  ASSERT_FALSE(error) << error.message();
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(response.status, 201);
  HeaderList expected{{"x-b", "1"}, {"content-length", "2"}, {"x-a", "2"}, {"x-b", "3"}};
  EXPECT_EQ(response.headers, expected);
  EXPECT_GE(response.headers.capacity(), response.headers.size() + 5);
  EXPECT_EQ(response.body, "{}");
}

}  // namespace
