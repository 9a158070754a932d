// Static hosting of the web app's build folder (SPEC §4): files under the root, SPA
// fallback to index.html for app routes, long-lived caching for hashed assets and
// no-cache for index.html, a placeholder page while no web app is built, and the
// build's precompressed <file>.gz for clients that accept gzip. Nothing outside
// the root is ever served: paths are checked (request_path.hpp), then resolved with
// symlinks followed and compared against the real root. Entry point: StaticSite::serve.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/response.hpp"

namespace phonebill::gateway {

// "application/javascript; charset=utf-8" etc. by extension; octet-stream if unknown.
std::string_view content_type_for(std::string_view file_name);
// True when an Accept-Encoding value admits gzip ("gzip", "*", not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);
// True for names a bundler gives content hashes ("index-4f3a9c1b.js", "app.4f3a9c1b.css")
// and anything under "assets/": those never change, so browsers may keep them a year.
bool is_hashed_asset(std::string_view relative_path);

class StaticSite {
 public:
  // `root` need not exist yet (then every app route gets the placeholder page).
  explicit StaticSite(std::filesystem::path root);

  // The real file a request path names inside the root, or nullopt (not there, not a
  // regular file, outside the root after resolving symlinks, or a refused path).
  std::optional<std::filesystem::path> resolve(std::string_view request_path) const;

  // The answer for GET/HEAD `request_path`: the file, index.html for app routes (no
  // extension in the last segment) that name no file, the placeholder when there is no
  // index.html, else 404 NOT_FOUND (an error response for `request`).
  http::Response serve(const http::Request& request) const;

 private:
  std::filesystem::path root_;
};

// A self-contained HTML page shown at / until the web app is built.
const std::string& placeholder_page();

}  // namespace phonebill::gateway
