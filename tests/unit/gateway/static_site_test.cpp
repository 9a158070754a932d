// StaticSite over a temporary web root: files, SPA fallback, cache headers, the
// placeholder, and nothing outside the root (symlinks included).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "api_docs.hpp"
#include "static_site.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
namespace fs = std::filesystem;
using test_support::write_file;

namespace {

http::Request get(std::string path) {
  http::Request request;
  request.method = "GET";
  request.path = std::move(path);
  request.trace_id = "0123456789abcdef0123456789abcdef";
  return request;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = test_support::make_temp_directory("static");
    root_ = base_ / "dist";
    write_file(root_ / "index.html", "<html>app</html>");
    write_file(root_ / "assets" / "app-4f3a9c1b.js", "console.log(1)");
    write_file(root_ / "favicon.ico", "icon");
    write_file(root_ / ".env", "SECRET=1");
    write_file(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "escape.txt");
    fs::create_directory_symlink(base_, root_ / "up");
  }
  fs::path base_;
  fs::path root_;
};

}  // namespace

// A file is served with its type; hashed assets are cached for a year, index.html not at all.
TEST_F(StaticSiteTest, ServesFilesWithCacheHeaders) {
  StaticSite site{root_};
  auto asset = site.serve(get("/assets/app-4f3a9c1b.js"));
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.body, "console.log(1)");
  EXPECT_EQ(asset.content_type, "application/javascript; charset=utf-8");
  EXPECT_EQ(asset.header("Cache-Control"), "public, max-age=31536000, immutable");
  auto index = site.serve(get("/"));
  EXPECT_EQ(index.body, "<html>app</html>");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  EXPECT_EQ(site.serve(get("/favicon.ico")).header("Cache-Control"), "public, max-age=300");
}

// App routes fall back to index.html; missing files with an extension are 404.
TEST_F(StaticSiteTest, SpaFallback) {
  StaticSite site{root_};
  auto route = site.serve(get("/bills/result"));
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<html>app</html>");
  EXPECT_EQ(site.serve(get("/missing.js")).status, 404);
}

// Nothing outside the root: traversal, encoded traversal, dot-files, symlinks out.
TEST_F(StaticSiteTest, NeverLeavesTheRoot) {
  StaticSite site{root_};
  for (auto path : {"/../secret.txt", "/%2e%2e/secret.txt", "/escape.txt", "/up/secret.txt",
                    "/.env", "/assets/../../secret.txt", "/..%2fsecret.txt"}) {
    EXPECT_FALSE(site.resolve(path)) << path;
    auto response = site.serve(get(path));
    EXPECT_EQ(response.body.find("outside"), std::string::npos) << path;
    EXPECT_EQ(response.body.find("SECRET"), std::string::npos) << path;
  }
}

// Without a built web app every app route shows the placeholder page.
TEST_F(StaticSiteTest, PlaceholderWithoutWebApp) {
  StaticSite site{base_ / "not-built"};
  auto page = site.serve(get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, placeholder_page());
  EXPECT_EQ(site.serve(get("/login")).body, placeholder_page());
}

// Hashed names and assets/ are recognised; plain names are not.
TEST(StaticAssetTest, HashedAssetNames) {
  EXPECT_TRUE(is_hashed_asset("assets/anything.css"));
  EXPECT_TRUE(is_hashed_asset("index-4f3a9c1b.js"));
  EXPECT_TRUE(is_hashed_asset("app.4f3a9c1b.css"));
  EXPECT_FALSE(is_hashed_asset("index.html"));
  EXPECT_FALSE(is_hashed_asset("favicon.ico"));
  EXPECT_FALSE(is_hashed_asset("my-component.js"));
}

// A build's <file>.gz goes to clients that accept gzip, with Content-Encoding and Vary;
// others, and files without a .gz, get the plain file.
TEST_F(StaticSiteTest, ServesPrecompressedFilesToGzipClients) {
  write_file(root_ / "assets" / "app-4f3a9c1b.js.gz", "GZ-BYTES");
  StaticSite site{root_};
  auto gzip_get = [](std::string path, std::string accept) {
    auto request = get(std::move(path));
    request.headers.emplace_back("accept-encoding", std::move(accept));
    return request;
  };
  auto packed = site.serve(gzip_get("/assets/app-4f3a9c1b.js", "gzip, deflate, br"));
  EXPECT_EQ(packed.body, "GZ-BYTES");
  EXPECT_EQ(packed.header("Content-Encoding"), "gzip");
  EXPECT_EQ(packed.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(packed.content_type, "application/javascript; charset=utf-8");
  auto plain = site.serve(get("/assets/app-4f3a9c1b.js"));
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(plain.header("Content-Encoding"), "");
  EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(site.serve(gzip_get("/assets/app-4f3a9c1b.js", "gzip;q=0")).body, "console.log(1)");
  EXPECT_EQ(site.serve(gzip_get("/", "gzip")).body, "<html>app</html>");  // no index.html.gz
  EXPECT_EQ(site.serve(gzip_get("/favicon.ico", "gzip")).header("Vary"), "");
}

// A build's <file>.br goes to clients that accept Brotli, before the .gz; a client that
// refuses br (q=0) or does not name it gets the gzip copy, and a file with only a .gz
// still gets gzip.
TEST_F(StaticSiteTest, PrefersPrecompressedBrotliToGzip) {
  write_file(root_ / "assets" / "app-4f3a9c1b.js.gz", "GZ-BYTES");
  write_file(root_ / "assets" / "app-4f3a9c1b.js.br", "BR-BYTES");
  write_file(root_ / "assets" / "only-5e6f7a8b.css", "body{}");
  write_file(root_ / "assets" / "only-5e6f7a8b.css.gz", "GZ-CSS");
  StaticSite site{root_};
  auto with_accept = [](std::string path, std::string accept) {
    auto request = get(std::move(path));
    request.headers.emplace_back("accept-encoding", std::move(accept));
    return request;
  };
  auto brotli = site.serve(with_accept("/assets/app-4f3a9c1b.js", "gzip, deflate, br"));
  EXPECT_EQ(brotli.body, "BR-BYTES");
  EXPECT_EQ(brotli.header("Content-Encoding"), "br");
  EXPECT_EQ(brotli.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(brotli.content_type, "application/javascript; charset=utf-8");
  auto refused = site.serve(with_accept("/assets/app-4f3a9c1b.js", "gzip, br;q=0"));
  EXPECT_EQ(refused.body, "GZ-BYTES");
  EXPECT_EQ(refused.header("Content-Encoding"), "gzip");
  EXPECT_EQ(site.serve(with_accept("/assets/app-4f3a9c1b.js", "gzip")).body, "GZ-BYTES");
  EXPECT_EQ(site.serve(with_accept("/assets/app-4f3a9c1b.js", "br")).body, "BR-BYTES");
  EXPECT_EQ(site.serve(with_accept("/assets/app-4f3a9c1b.js", "identity")).body, "console.log(1)");
  auto only_gzip = site.serve(with_accept("/assets/only-5e6f7a8b.css", "br, gzip"));
  EXPECT_EQ(only_gzip.body, "GZ-CSS");
  EXPECT_EQ(only_gzip.header("Content-Encoding"), "gzip");
}

TEST(StaticAssetTest, AcceptEncodingParsing) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.8"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "br"));
  EXPECT_TRUE(accepts_coding("*", "br"));
  EXPECT_FALSE(accepts_coding("gzip, br;q=0", "br"));
  EXPECT_FALSE(accepts_coding("gzip, brotli", "br"));
}

// Requests are answered from memory: with the files gone from disk the site still serves
// them (the handler reads nothing per request) until a refresh sees the change.
TEST_F(StaticSiteTest, ServesFromMemoryWithoutTouchingTheDisk) {
  StaticSite site{root_};
  fs::remove_all(root_);
  EXPECT_EQ(site.serve(get("/assets/app-4f3a9c1b.js")).body, "console.log(1)");
  EXPECT_EQ(site.serve(get("/bills/result")).body, "<html>app</html>");
  EXPECT_TRUE(site.refresh());
  EXPECT_EQ(site.serve(get("/assets/app-4f3a9c1b.js")).status, 404);
  EXPECT_EQ(site.serve(get("/")).body, placeholder_page());
}

// A file changed on disk is served after refresh(); an unchanged tree is not re-read.
TEST_F(StaticSiteTest, RefreshPicksUpChangedFiles) {
  StaticSite site{root_};
  EXPECT_FALSE(site.refresh());
  write_file(root_ / "index.html", "<html>app v2</html>");
  write_file(root_ / "assets" / "new-5e6f7a8b.css", "body{}");
  EXPECT_EQ(site.serve(get("/")).body, "<html>app</html>");  // not yet re-read
  EXPECT_TRUE(site.refresh());
  EXPECT_EQ(site.serve(get("/")).body, "<html>app v2</html>");
  EXPECT_EQ(site.serve(get("/assets/new-5e6f7a8b.css")).body, "body{}");
  EXPECT_FALSE(site.refresh());
}

// FileRefresher re-reads on its own thread, so a deploy shows up within its interval.
TEST_F(StaticSiteTest, RefresherReloadsInTheBackground) {
  StaticSite site{root_};
  FileRefresher refresher{{[&site] { return site.refresh(); }}, std::chrono::milliseconds{50}};
  write_file(root_ / "favicon.ico", "new icon");
  std::string served;
  for (int i = 0; i < 100 && served != "new icon"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    served = site.serve(get("/favicon.ico")).body;
  }
  EXPECT_EQ(served, "new icon");
}

// /api/docs serves the document and the UI's files from memory too (the 1.4 MB bundle was
// read from disk on every request), and picks up a changed document on refresh().
TEST_F(StaticSiteTest, ApiDocsServeFromMemoryAndRefresh) {
  write_file(base_ / "docs" / "openapi.yaml", "openapi: 3.0.3");
  write_file(base_ / "ui" / "swagger-ui-bundle.js", "bundle();");
  ApiDocs docs{base_ / "docs" / "openapi.yaml", base_ / "ui"};
  EXPECT_TRUE(docs.has_swagger_ui());
  fs::remove(base_ / "ui" / "swagger-ui-bundle.js");
  EXPECT_EQ(docs.serve(get("/api/docs/swagger-ui-bundle.js")).body, "bundle();");
  EXPECT_EQ(docs.serve(get("/api/docs/openapi.yaml")).body, "openapi: 3.0.3");
  write_file(base_ / "docs" / "openapi.yaml", "openapi: 3.1.0 # changed");
  EXPECT_TRUE(docs.refresh());
  EXPECT_EQ(docs.serve(get("/api/docs/openapi.yaml")).body, "openapi: 3.1.0 # changed");
  EXPECT_EQ(docs.serve(get("/api/docs/swagger-ui-bundle.js")).status, 404);
  EXPECT_FALSE(docs.has_swagger_ui());
}
