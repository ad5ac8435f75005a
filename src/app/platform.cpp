#include "app/platform.h"

#include <fmt/format.h>

#include "core/json/json.h"

namespace thorbecke::app {

namespace asio = boost::asio;

namespace {

std::string Html(std::string_view s) {
    std::string out;
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
            default:
                out += c;
        }
    }
    return out;
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
    using http::Response;

    router.Add(
        Method::kGet,
        "/",
        Access::Public(),
        [components](http::Request& req) -> asio::awaitable<Result<Response>> {
            std::string rows;
            for (const auto& c : components) {
                rows += fmt::format(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                    Html(c.name),
                    Html(req.base_url + c.path),
                    Html(c.version)
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
<thead><tr><th scope="col">Component</th><th scope="col">Basis-URL</th><th scope="col">Versie</th></tr></thead>
<tbody>
{}</tbody>
</table>
<h2>Beheer</h2>
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

    // Liveness: the process answers. Also the static JSON endpoint the benchmark uses as its ceiling.
    router.Add(Method::kGet, "/healthz", Access::Public(), [](http::Request&) -> asio::awaitable<Result<Response>> {
        co_return Response::Json(200, R"({"status":"ok"})");
    });

    // Readiness: start-up finished and the database answers.
    router.Add(
        Method::kGet,
        "/readyz",
        Access::Public(),
        [&db, &ready](http::Request&) -> asio::awaitable<Result<Response>> {
            if (!ready.load()) co_return Fail(Error::Unavailable("Thorbecke start nog op."));
            auto r = co_await db.Query("SELECT 1", storage::MakeParams());
            if (!r) co_return Fail(Error::Unavailable("De database is niet bereikbaar."));
            co_return Response::Json(200, R"({"status":"ready"})");
        }
    );

    router.Add(
        Method::kGet,
        "/metrics",
        Access::Public(),
        [&metrics](http::Request&) -> asio::awaitable<Result<Response>> {
            Response r;
            r.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r.body = metrics.Render();
            co_return r;
        }
    );
}

}  // namespace thorbecke::app
