// /api/docs: Swagger UI and the OpenAPI document, served from memory.
#include "api_docs.hpp"

#include "http/api_error.hpp"
#include "static_site.hpp"

namespace phonebill::gateway {
namespace {

namespace fs = std::filesystem;

const char* const kPage = R"(<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>phonebill API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/swagger-initializer.js"></script>
</body>
</html>
)";

const char* const kInitializer = R"(window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/docs/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
)";

const char* const kNoUiPage = R"(<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>phonebill API</title></head>
<body><h1>phonebill API</h1>
<p>Swagger UI is not installed (npm package swagger-ui-dist); the OpenAPI 3 document is at
<a href="/api/docs/openapi.yaml">/api/docs/openapi.yaml</a>.</p></body></html>
)";

}  // namespace

fs::path default_swagger_ui_directory() {
  std::error_code error;
  auto binary = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return binary.parent_path() / "swagger-ui" / "node_modules" / "swagger-ui-dist";
}

ApiDocs::ApiDocs(fs::path openapi_file, fs::path swagger_ui_directory)
    : openapi_name_(openapi_file.filename().string()),
      openapi_(openapi_file.parent_path(),
               [name = openapi_name_](std::string_view relative) { return relative == name; }),
      swagger_ui_(std::move(swagger_ui_directory), [](std::string_view relative) {
        return relative.find('/') == std::string_view::npos;
      }) {}

bool ApiDocs::has_swagger_ui() const { return swagger_ui_.find("swagger-ui-bundle.js") != nullptr; }

bool ApiDocs::refresh() {
  bool document = openapi_.refresh();
  bool ui = swagger_ui_.refresh();
  return document || ui;
}

http::Response ApiDocs::serve(const http::Request& request) const {
  std::string_view path = request.path;
  auto not_found = [&] {
    return http::error_response(request, http::common_error(http::CommonError::kNotFound));
  };
  if (path == "/api/docs" || path == "/api/docs/") {
    auto response =
        http::text_response(has_swagger_ui() ? kPage : kNoUiPage, "text/html; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  }
  auto name = path.substr(std::string_view{"/api/docs/"}.size());
  if (name == "openapi.yaml") {
    auto document = openapi_.find(openapi_name_);
    if (!document) return not_found();
    auto response = http::text_response(document->content, "application/yaml; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  }
  if (name == "swagger-initializer.js") {
    auto response = http::text_response(kInitializer, "application/javascript; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  }
  // Only flat file names of the package: no sub-directories, nothing hidden.
  if (name.empty() || name.find('/') != std::string_view::npos || name.front() == '.')
    return not_found();
  auto file = swagger_ui_.find(name);
  if (!file) return not_found();
  auto response = http::text_response(file->content, std::string{content_type_for(name)});
  response.set_header("Cache-Control", "public, max-age=86400");
  return response;
}

}  // namespace phonebill::gateway
