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
    const std::atomic<bool>& ready,
    web::SessionStore& sessions
) {
    using http::Access;
    using http::Method;
    const http::Router* routes = &router;

    // The landing page, in the web pages' layout (NL Design System, no inline style or script).
    auto landing = web::PageRoute(
        sessions,
        [components, routes](http::Request& req, web::Context& ctx) -> asio::awaitable<Result<Response>> {
            std::string rows;
            for (const auto& c : components) {
                // A documentation page where the API has one (the ZGW APIs; not Referentielijsten).
                http::Request probe;
                std::string docs = c.path + "/schema/";
                std::string link =
                    routes->Find(Method::kGet, docs, probe).route
                        ? fmt::format("<a class=\"utrecht-link\" href=\"{}\">documentatie</a>", http::HtmlEscape(docs))
                        : std::string("&mdash;");
                rows += fmt::format(
                    "<tr class=\"utrecht-table__row\"><td class=\"utrecht-table__cell\">{}</td>"
                    "<td class=\"utrecht-table__cell\"><code>{}</code></td>"
                    "<td class=\"utrecht-table__cell\">{}</td><td class=\"utrecht-table__cell\">{}</td></tr>\n",
                    http::HtmlEscape(c.name),
                    http::HtmlEscape(req.base_url + c.path),
                    http::HtmlEscape(c.version),
                    link
                );
            }
            std::string body = fmt::format(
                R"(<h1 class="utrecht-heading-1">Thorbecke</h1>
<p class="utrecht-paragraph">Gedeelde bouwstenen voor gemeenten, provincies, waterschappen en ministeries: de API's voor Zaakgericht Werken bij de bron.</p>
<h2 class="utrecht-heading-2">Websites</h2>
<ul class="utrecht-unordered-list">
<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/algoritmeregister">Algoritmeregister</a> &mdash; de algoritmes die overheden gebruiken, met hun toetsing</li>
<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/inloggen">Inloggen</a> &mdash; voor medewerkers die registraties bijhouden of goedkeuren</li>
</ul>
<h2 class="utrecht-heading-2" id="componenten">Componenten</h2>
<div class="utrecht-table-container thorbecke-table-wrapper" role="region" aria-labelledby="componenten" tabindex="0">
<table class="utrecht-table">
<thead class="utrecht-table__header"><tr class="utrecht-table__row"><th class="utrecht-table__header-cell" scope="col">Component</th><th class="utrecht-table__header-cell" scope="col">Basis-URL</th><th class="utrecht-table__header-cell" scope="col">Versie</th><th class="utrecht-table__header-cell" scope="col">API-documentatie</th></tr></thead>
<tbody class="utrecht-table__body">
{}</tbody>
</table>
</div>
<h2 class="utrecht-heading-2">Beheer</h2>
<p class="utrecht-paragraph">De Beheer API (<code>/beheer/api/v1</code>, volgens de NL API Design Rules):
<a class="utrecht-link" href="/beheer/api/v1/schema">documentatie</a>, <a class="utrecht-link" href="/beheer/api/v1/openapi.json">openapi.json</a>.</p>
<ul class="utrecht-unordered-list">
<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/healthz">/healthz</a> &mdash; leeft het proces</li>
<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/readyz">/readyz</a> &mdash; klaar voor verkeer (database bereikbaar)</li>
<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/metrics">/metrics</a> &mdash; Prometheus-metrieken</li>
</ul>
)",
                rows
            );
            co_return web::Page(ctx, "Thorbecke", std::move(body));
        }
    );
    router.Add(Method::kGet, "/", Access::Public(), std::move(landing));

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
