#include "app/platform.h"

#include <fmt/format.h>

#include "core/http/static_assets.h"
#include "core/json/json.h"

namespace thorbecke::embedded {
std::string_view beheer_openapi();
}  // namespace thorbecke::embedded

namespace thorbecke::app {

namespace asio = boost::asio;
using http::Response;

namespace {

constexpr std::string_view kBeheerRoot = "/beheer/api/v1";

Response Health() {
    return Response::Json(200, R"({"status":"ok"})");
}

asio::awaitable<Result<Response>> Readiness(storage::Database& db, const std::atomic<bool>& ready) {
    if (!ready.load()) co_return Fail(Error::Unavailable("Thorbecke start nog op."));
    auto r = co_await db.Query("SELECT 1", storage::MakeParams());
    if (!r) co_return Fail(Error::Unavailable("De database is niet bereikbaar."));
    co_return Response::Json(200, R"({"status":"ready"})");
}

Response MetricsText(Metrics& metrics) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics.Render();
    return r;
}

//! The security headers the NL API Design Rules ask of API responses (/core/transport/security-headers).
Response Secured(Response r) {
    r.SetHeader("Cache-Control", "no-store");
    r.SetHeader("Content-Security-Policy", "frame-ancestors 'none'");
    r.SetHeader("X-Content-Type-Options", "nosniff");
    r.SetHeader("X-Frame-Options", "DENY");
    return r;
}

}  // namespace

void RegisterPlatformRoutes(
    http::Router& router,
    storage::Database& db,
    Metrics& metrics,
    std::vector<ComponentInfo> components,
    const std::atomic<bool>& ready
) {
    using http::Access;
    using http::Method;
    const http::Router* routes = &router;

    router.Add(
        Method::kGet,
        "/",
        Access::Public(),
        [components, routes](http::Request& req) -> asio::awaitable<Result<Response>> {
            std::string rows;
            for (const auto& c : components) {
                // A documentation page where the API has one (the ZGW APIs; not Referentielijsten).
                http::Request probe;
                std::string docs = c.path + "/schema/";
                std::string link = routes->Find(Method::kGet, docs, probe).route
                                       ? fmt::format("<a href=\"{}\">documentatie</a>", http::HtmlEscape(docs))
                                       : std::string("&mdash;");
                rows += fmt::format(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                    http::HtmlEscape(c.name),
                    http::HtmlEscape(req.base_url + c.path),
                    http::HtmlEscape(c.version),
                    link
                );
            }
            Response r;
            r.content_type = "text/html; charset=utf-8";
            r.body = fmt::format(
                R"(<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thorbecke</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}}
table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}}code{{font-size:.9em}}</style>
</head>
<body>
<main>
<h1>Thorbecke</h1>
<p>Gedeelde bouwstenen voor gemeenten, provincies, waterschappen en ministeries: de API's voor Zaakgericht Werken bij de bron.</p>
<h2>Componenten</h2>
<table>
<thead><tr><th scope="col">Component</th><th scope="col">Basis-URL</th><th scope="col">Versie</th><th scope="col">API-documentatie</th></tr></thead>
<tbody>
{}</tbody>
</table>
<h2>Beheer</h2>
<p>De Beheer API (<code>/beheer/api/v1</code>, volgens de NL API Design Rules):
<a href="/beheer/api/v1/schema">documentatie</a>, <a href="/beheer/api/v1/openapi.json">openapi.json</a>.</p>
<ul>
<li><a href="/healthz">/healthz</a> &mdash; leeft het proces</li>
<li><a href="/readyz">/readyz</a> &mdash; klaar voor verkeer (database bereikbaar)</li>
<li><a href="/metrics">/metrics</a> &mdash; Prometheus-metrieken</li>
</ul>
</main>
</body>
</html>
)",
                rows
            );
            co_return r;
        }
    );

    // Infrastructure probes at fixed, unversioned paths (load balancers, Kubernetes, Prometheus, the benchmark):
    // kept lean. The Beheer API below serves the same under its versioned root.
    // Liveness: the process answers. Also the static JSON endpoint the benchmark uses as its ceiling.
    router.Add(Method::kGet, "/healthz", Access::Public(), [](http::Request&) -> asio::awaitable<Result<Response>> {
        co_return Health();
    });

    // Readiness: start-up finished and the database answers.
    router.Add(
        Method::kGet,
        "/readyz",
        Access::Public(),
        [&db, &ready](http::Request&) -> asio::awaitable<Result<Response>> { co_return co_await Readiness(db, ready); }
    );

    router.Add(
        Method::kGet,
        "/metrics",
        Access::Public(),
        [&metrics](http::Request&) -> asio::awaitable<Result<Response>> { co_return MetricsText(metrics); }
    );

    // The Beheer API: Thorbecke's own endpoints after the NL API Design Rules (versioned root, API-Version
    // header, problem+json, no trailing slashes), described by src/app/beheer-openapi.json.
    const std::string root(kBeheerRoot);
    router.Add(
        Method::kGet,
        root + "/health",
        Access::Public(),
        [](http::Request&) -> asio::awaitable<Result<Response>> { co_return Secured(Health()); }
    );
    router.Add(
        Method::kGet,
        root + "/readiness",
        Access::Public(),
        [&db, &ready](http::Request&) -> asio::awaitable<Result<Response>> {
            auto r = co_await Readiness(db, ready);
            if (!r) co_return Fail(r.error());
            co_return Secured(std::move(*r));
        }
    );
    router.Add(
        Method::kGet,
        root + "/metrics",
        Access::Public(),
        [&metrics](http::Request&) -> asio::awaitable<Result<Response>> { co_return Secured(MetricsText(metrics)); }
    );
    router.RefuseTrailingSlash(root + "/");
    http::AddOpenApiSite(
        router, http::OpenApiSite{root, embedded::beheer_openapi(), {"/openapi.json"}, {"/openapi.yaml"}, "/schema"}
    );
    // The Swagger UI files the documentation pages use.
    http::AddStaticAssetRoutes(router);
}

}  // namespace thorbecke::app
