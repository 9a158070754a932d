// Static hosting of the web app: SPA fallback, caching of hashed assets, Brotli and gzip.
#include "static_site.hpp"

#include "core/text_list.hpp"
#include "http/api_error.hpp"
#include "request_path.hpp"

namespace phonebill::gateway {
namespace {

namespace fs = std::filesystem;

bool is_hex_or_alnum_hash(std::string_view text) {
  if (text.size() < 8) return false;
  bool has_digit = false;
  for (char c : text) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 c == '_' || c == '-';
    if (!alnum) return false;
    if (c >= '0' && c <= '9') has_digit = true;
  }
  return has_digit;
}

// Types worth compressing; images and fonts are compressed already.
bool is_compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/javascript") ||
         content_type.starts_with("application/json") || content_type.starts_with("image/svg") ||
         content_type.starts_with("application/yaml") ||
         content_type.starts_with("application/manifest");
}

}  // namespace

bool accepts_coding(std::string_view accept_encoding, std::string_view wanted) {
  // Comma-separated codings with optional parameters: "gzip, deflate, br;q=0.5".
  for (auto item : split_list(accept_encoding)) {
    auto semicolon = item.find(';');
    auto coding = trim_blanks(item.substr(0, semicolon));
    if (coding != wanted && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    // Only an explicit q=0 (in any spelling: 0, 0.0, 0.000) refuses it.
    auto parameters = item.substr(semicolon + 1);
    auto q = parameters.find("q=");
    if (q == std::string_view::npos) return true;
    auto value = parameters.substr(q + 2);
    bool zero = !value.empty() && value.front() == '0';
    for (std::size_t i = 1; zero && i < value.size() && value[i] != ' ' && value[i] != ';'; ++i)
      zero = value[i] == '.' || value[i] == '0';
    return !zero;
  }
  return false;
}

std::string_view content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  auto extension = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "js" || extension == "mjs") return "application/javascript; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "json" || extension == "map") return "application/json";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  if (extension == "jpg" || extension == "jpeg") return "image/jpeg";
  if (extension == "gif") return "image/gif";
  if (extension == "webp") return "image/webp";
  if (extension == "ico") return "image/x-icon";
  if (extension == "woff2") return "font/woff2";
  if (extension == "woff") return "font/woff";
  if (extension == "txt") return "text/plain; charset=utf-8";
  if (extension == "yaml" || extension == "yml") return "application/yaml; charset=utf-8";
  if (extension == "webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

bool is_hashed_asset(std::string_view relative_path) {
  if (relative_path.starts_with("assets/")) return true;
  auto slash = relative_path.rfind('/');
  auto name = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  auto stem = name.substr(0, dot);
  auto separator = stem.find_last_of("-.");
  return separator != std::string_view::npos && is_hex_or_alnum_hash(stem.substr(separator + 1));
}

StaticSite::StaticSite(fs::path root) : files_(std::move(root)) {}

std::shared_ptr<const MemoryFile> StaticSite::lookup(std::string_view request_path,
                                                     std::string& relative) const {
  auto checked = static_relative_path(request_path);
  if (!checked) return nullptr;
  relative = std::move(*checked);
  while (!relative.empty() && relative.back() == '/') relative.pop_back();
  if (!relative.empty())
    if (auto file = files_.find(relative)) return file;
  // A directory: its index.html.
  relative = relative.empty() ? "index.html" : relative + "/index.html";
  return files_.find(relative);
}

std::optional<fs::path> StaticSite::resolve(std::string_view request_path) const {
  std::string relative;
  auto file = lookup(request_path, relative);
  if (!file) return std::nullopt;
  return file->real_path;
}

http::Response StaticSite::serve(const http::Request& request) const {
  auto not_found = [&] {
    return http::error_response(request, http::common_error(http::CommonError::kNotFound));
  };
  std::string relative;
  if (auto file = lookup(request.path, relative)) {
    auto content_type = content_type_for(relative);
    bool compressible = is_compressible(content_type);
    // The web build writes <file>.br and <file>.gz beside each compressible file
    // (web/scripts/precompress.mjs): sent as they are to clients that take them, Brotli
    // first, so nothing is compressed per request.
    std::shared_ptr<const MemoryFile> packed;
    std::string_view coding;
    if (compressible) {
      auto accept = request.header("accept-encoding");
      for (std::string_view candidate : {"br", "gzip"}) {
        if (!accepts_coding(accept, candidate)) continue;
        auto extension = candidate == "br" ? ".br" : ".gz";
        if ((packed = files_.find(relative + extension))) {
          coding = candidate;
          break;
        }
      }
    }
    auto response =
        http::text_response(packed ? packed->content : file->content, std::string{content_type});
    if (packed) response.set_header("Content-Encoding", std::string{coding});
    if (compressible) response.set_header("Vary", "Accept-Encoding");
    bool index = relative == "index.html" || relative.ends_with("/index.html");
    response.set_header("Cache-Control", index ? "no-cache"
                                         : is_hashed_asset(relative)
                                             ? "public, max-age=31536000, immutable"
                                             : "public, max-age=300");
    return response;
  }
  // App routes (no extension in the last segment) fall back to the app's index.html.
  auto last_slash = request.path.rfind('/');
  auto last = std::string_view{request.path}.substr(last_slash + 1);
  if (!is_canonical_path(request.path) || last.find('.') != std::string_view::npos)
    return not_found();
  if (auto index = files_.find("index.html")) {
    auto response = http::text_response(index->content, "text/html; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  }
  auto response = http::text_response(placeholder_page(), "text/html; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
  return response;
}

const std::string& placeholder_page() {
  static const std::string kPage = R"(<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>phonebill</title>
<style>
  body { font-family: "Noto Sans KR", system-ui, sans-serif; margin: 0; color: #1a202c;
         display: flex; min-height: 100vh; align-items: center; justify-content: center; }
  main { max-width: 28rem; padding: 2rem; border-radius: 12px; box-shadow: 0 1px 4px #0002; }
  h1 { color: #3182CE; font-size: 1.5rem; margin-top: 0; }
  a { color: #3182CE; }
</style>
</head>
<body>
<main>
  <h1>phonebill</h1>
  <p>웹 화면을 준비하고 있습니다. 잠시 후 다시 이용해주세요.</p>
  <p>The web app is not built yet. The API is available: see <a href="/api/docs">/api/docs</a>.</p>
</main>
</body>
</html>
)";
  return kPage;
}

}  // namespace phonebill::gateway
