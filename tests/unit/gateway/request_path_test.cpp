// Path canonicality and static path mapping: every traversal trick is refused.
#include <gtest/gtest.h>

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
