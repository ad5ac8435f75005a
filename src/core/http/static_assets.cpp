#include "core/http/static_assets.h"

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "core/incbin.h"

// The files come in through the assembler's .incbin (cmake/swagger-ui.cmake passes the directory): 1.7 MB
// of JavaScript as a C++ array would cost the compiler far more than copying bytes into the object file.
#if !defined(THORBECKE_SWAGGER_UI_DIR) || !defined(THORBECKE_SWAGGER_UI_VERSION)
#error "cmake/swagger-ui.cmake defines THORBECKE_SWAGGER_UI_DIR and THORBECKE_SWAGGER_UI_VERSION"
#endif

THORBECKE_INCBIN(bundle_js, THORBECKE_SWAGGER_UI_DIR "/swagger-ui-bundle.js")
THORBECKE_INCBIN(css, THORBECKE_SWAGGER_UI_DIR "/swagger-ui.css")
THORBECKE_INCBIN(license, THORBECKE_SWAGGER_UI_DIR "/LICENSE")
THORBECKE_INCBIN(notice, THORBECKE_SWAGGER_UI_DIR "/NOTICE")
THORBECKE_INCBIN(favicon32, THORBECKE_SWAGGER_UI_DIR "/favicon-32x32.png")
THORBECKE_INCBIN(favicon16, THORBECKE_SWAGGER_UI_DIR "/favicon-16x16.png")

namespace thorbecke::http {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kVersion = THORBECKE_SWAGGER_UI_VERSION;
constexpr std::string_view kInitScript = "thorbecke-docs.js";

// Starts Swagger UI on the page's element; the document's URL is a data attribute, so the page itself
// carries no script. No validator badge: that would send the document to validator.swagger.io.
constexpr std::string_view kInit = R"(window.addEventListener("load", function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-spec-url"),
    domNode: el,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
)";

struct Asset {
    std::string_view name;
    std::string_view content_type;
    std::string_view data;
};

const std::vector<Asset>& Assets() {
    static const std::vector<Asset> assets = {
        {"swagger-ui-bundle.js",
         "text/javascript; charset=utf-8",
         {thorbecke_asset_bundle_js, thorbecke_asset_bundle_js_size}},
        {"swagger-ui.css", "text/css; charset=utf-8", {thorbecke_asset_css, thorbecke_asset_css_size}},
        {"LICENSE", "text/plain; charset=utf-8", {thorbecke_asset_license, thorbecke_asset_license_size}},
        {"NOTICE", "text/plain; charset=utf-8", {thorbecke_asset_notice, thorbecke_asset_notice_size}},
        {"favicon-32x32.png", "image/png", {thorbecke_asset_favicon32, thorbecke_asset_favicon32_size}},
        {"favicon-16x16.png", "image/png", {thorbecke_asset_favicon16, thorbecke_asset_favicon16_size}},
        {kInitScript, "text/javascript; charset=utf-8", kInit},
    };
    return assets;
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string SwaggerUiUrl(std::string_view file) {
    return fmt::format("/static/swagger-ui/{}/{}", kVersion, file);
}

void AddStaticAssetRoutes(Router& router) {
    router.Add(
        Method::kGet,
        SwaggerUiUrl("{file}"),
        Access::Public(),
        [](Request& req) -> asio::awaitable<Result<Response>> {
            const std::string& name = req.PathParam("file");
            for (const auto& a : Assets()) {
                if (a.name != name) continue;
                Response r;
                r.content_type = std::string(a.content_type);
                r.body = std::string(a.data);
                // The path names the version: a new release is a new URL, so browsers may keep these a year.
                r.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
                r.SetHeader("X-Content-Type-Options", "nosniff");
                co_return r;
            }
            co_return Fail(Error::NotFound());
        }
    );
}

Response SwaggerUiPage(std::string_view title, std::string_view spec_url) {
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = fmt::format(
        R"(<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{0} &mdash; Thorbecke</title>
<link rel="stylesheet" href="{1}">
<link rel="icon" type="image/png" sizes="32x32" href="{2}">
</head>
<body>
<div id="swagger-ui" data-spec-url="{3}"></div>
<noscript><p>Deze pagina toont de OpenAPI-beschrijving met Swagger UI en heeft daarvoor JavaScript nodig.
De beschrijving zelf: <a href="{3}">{3}</a>.</p></noscript>
<footer><p><small>Weergave met Swagger UI {4} (<a href="{5}">licentie</a>, <a href="{6}">NOTICE</a>).</small></p></footer>
<script src="{7}"></script>
<script src="{8}"></script>
</body>
</html>
)",
        HtmlEscape(title),
        SwaggerUiUrl("swagger-ui.css"),
        SwaggerUiUrl("favicon-32x32.png"),
        HtmlEscape(spec_url),
        kVersion,
        SwaggerUiUrl("LICENSE"),
        SwaggerUiUrl("NOTICE"),
        SwaggerUiUrl("swagger-ui-bundle.js"),
        SwaggerUiUrl(kInitScript)
    );
    // Scripts and styles only from this server; Swagger UI sets style attributes and draws SVG data: images.
    // "Try it out" calls the API on this same origin.
    r.SetHeader(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    );
    r.SetHeader("X-Content-Type-Options", "nosniff");
    r.SetHeader("X-Frame-Options", "DENY");
    r.SetHeader("Referrer-Policy", "no-referrer");
    return r;
}

}  // namespace thorbecke::http
