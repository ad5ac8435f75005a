// The stylesheets of the web pages, bundled at build time (cmake/web-assets.cmake): no CDN, no files beside
// the binary.
#include <fmt/format.h>

#include "core/incbin.h"
#include "web/web.h"

#if !defined(THORBECKE_WEB_UTRECHT_PATH) || !defined(THORBECKE_WEB_THEME_PATH) || !defined(THORBECKE_WEB_OWN_PATH)
#error "cmake/web-assets.cmake defines THORBECKE_WEB_*_PATH and THORBECKE_WEB_*_HASH"
#endif

THORBECKE_INCBIN(utrecht, THORBECKE_WEB_UTRECHT_PATH)
THORBECKE_INCBIN(theme, THORBECKE_WEB_THEME_PATH)
THORBECKE_INCBIN(own, THORBECKE_WEB_OWN_PATH)

namespace thorbecke::web {

namespace {

struct Asset {
    std::string_view name;
    std::string_view hash;
    std::string_view data;
};

const std::vector<Asset>& Assets() {
    static const std::vector<Asset> assets = {
        {"utrecht.css", THORBECKE_WEB_UTRECHT_HASH, {thorbecke_asset_utrecht, thorbecke_asset_utrecht_size}},
        {"theme.css", THORBECKE_WEB_THEME_HASH, {thorbecke_asset_theme, thorbecke_asset_theme_size}},
        {"thorbecke.css", THORBECKE_WEB_OWN_HASH, {thorbecke_asset_own, thorbecke_asset_own_size}},
    };
    return assets;
}

}  // namespace

std::string AssetUrl(std::string_view name) {
    for (const auto& a : Assets()) {
        if (a.name == name) return fmt::format("/static/web/{}/{}", a.hash, a.name);
    }
    return fmt::format("/static/web/onbekend/{}", name);
}

void AddAssetRoutes(http::Router& router) {
    router.Add(
        http::Method::kGet,
        "/static/web/{hash}/{file}",
        http::Access::Public(),
        [](http::Request& req) -> asio::awaitable<Result<http::Response>> {
            const std::string& name = req.PathParam("file");
            const std::string& hash = req.PathParam("hash");
            for (const auto& a : Assets()) {
                // Only the current hash: an old URL must not be cached for a year with new content.
                if (a.name != name || a.hash != hash) continue;
                http::Response r;
                r.content_type = "text/css; charset=utf-8";
                r.body = std::string(a.data);
                r.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
                r.SetHeader("X-Content-Type-Options", "nosniff");
                co_return r;
            }
            co_return Fail(Error::NotFound());
        }
    );
}

}  // namespace thorbecke::web
