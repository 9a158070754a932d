// Path canonicality and static path mapping: every traversal trick is refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/query_string.hpp"
#include "request_path.hpp"

using namespace phonebill::gateway;

// Ordinary paths pass, with encoded UTF-8 and a trailing slash.
TEST(RequestPathTest, CanonicalPathsPass) {
  for (auto path : {"/", "/index.html", "/api/v1/bills/menu", "/assets/app-1a2b3c4d.js",
                    "/bills/%ED%95%9C", "/api/v1/auth/", "/a-b_c~d/e.f"}) {
    EXPECT_TRUE(is_canonical_path(path)) << path;
  }
}

// Dot segments, empty segments, encoded separators and dots, NUL, backslashes and
// control characters are refused, however they are spelled.
TEST(RequestPathTest, TraversalTricksAreRefused) {
  for (auto path : {"",
                    "relative",
                    "/..",
                    "/../etc/passwd",
                    "/a/../../etc/passwd",
                    "/./index.html",
                    "//etc/passwd",
                    "/a//b",
                    "/%2e%2e/etc/passwd",
                    "/%2E%2E/x",
                    "/.%2e/x",
                    "/%2e/x",
                    "/a%2fb",
                    "/a%2F..%2Fb",
                    "/a%5cb",
                    "/a\\b",
                    "/..\\..\\x",
                    "/a%00b",
                    "/a%0ab",
                    "/a%",
                    "/a%2",
                    "/a%zz",
                    "/a%252e%252e/x",
                    "/a b",
                    "/a\x01",
                    "/\xc3\xa9"}) {
    EXPECT_FALSE(is_canonical_path(path)) << path;
  }
}

// Static paths decode to relative names; dot-files and odd names map to nothing.
TEST(RequestPathTest, StaticRelativePaths) {
  EXPECT_EQ(static_relative_path("/"), "");
  EXPECT_EQ(static_relative_path("/assets/app.js"), "assets/app.js");
  EXPECT_EQ(static_relative_path("/%ED%95%9C.txt"), "\xED\x95\x9C.txt");
  EXPECT_EQ(static_relative_path("/assets/"), "assets");
  EXPECT_FALSE(static_relative_path("/.env"));
  EXPECT_FALSE(static_relative_path("/.git/config"));
  EXPECT_FALSE(static_relative_path("/a/../b"));
  EXPECT_FALSE(static_relative_path("/%2e%2e/b"));
}

namespace {

// The check is_canonical_path made before it worked in place (a decoded copy of every
// segment): kept here as the reference the in-place check must agree with.
bool decoded_segment_is_canonical(std::string_view segment) {
  for (char c : segment) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '\\') return false;
  }
  auto decoded = phonebill::http::percent_decode(segment, false);
  if (!decoded) return false;
  for (char c : *decoded) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || c == '%' || byte < 0x20 || byte == 0x7f) return false;
  }
  return segment.find("%2e") == std::string_view::npos &&
         segment.find("%2E") == std::string_view::npos;
}

bool reference_is_canonical_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  auto rest = path.substr(1);
  if (rest.back() == '/') rest.remove_suffix(1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    auto segment = rest.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == ".." ||
        !decoded_segment_is_canonical(segment))
      return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

// Every path of up to four pieces from escapes good and bad, dots, separators and plain
// characters gets the answer the decoding check gave.
TEST(RequestPathTest, InPlaceCheckAgreesWithDecodingEverySegment) {
  const std::vector<std::string> pieces{"a",    ".",    "/",   "%",   "%2",  "%2e", "%2E", "%2f",
                                        "%2F",  "%5c",  "%5C", "%00", "%1f", "%7f", "%7F", "%20",
                                        "%25",  "%41",  "%e2", "%zz", "%g1", "\\",  " ",   "\x7f",
                                        "\x01", "\xc3", "~",   "-",   "2e",  "%%"};
  std::size_t checked = 0;
  std::vector<std::string> layer{""};
  for (int depth = 1; depth <= 3; ++depth) {
    std::vector<std::string> next;
    for (const auto& prefix : layer)
      for (const auto& piece : pieces) next.push_back(prefix + piece);
    for (const auto& body : next) {
      for (const auto& path : {"/" + body, "/x/" + body, "/" + body + "/", "/" + body + "/y"}) {
        ASSERT_EQ(is_canonical_path(path), reference_is_canonical_path(path)) << path;
        ++checked;
      }
    }
    layer = std::move(next);
  }
  EXPECT_GT(checked, 100'000u);
}
