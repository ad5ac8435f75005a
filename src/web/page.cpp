#include <fmt/format.h>

#include "core/log.h"
#include "web/internal.h"
#include "web/web.h"

namespace thorbecke::web {

namespace bj = boost::json;

namespace {

std::vector<NavItem>& Nav() {
    static std::vector<NavItem> nav;
    return nav;
}

std::string_view PathOnly(std::string_view target) {
    auto q = target.find_first_of("?#");
    return target.substr(0, q);
}

void AddSessionHeaders(const Context& ctx, http::Response& r) {
    for (const auto& c : ctx.set_cookies) r.SetHeader("Set-Cookie", c);
    // Pages for a signed-in person, and pages that carry a session's token or message, are never stored by the
    // browser or a proxy; every page differs by cookie.
    if (ctx.account || !ctx.session_key.empty() || !ctx.set_cookies.empty()) {
        r.SetHeader("Cache-Control", "no-store");
    }
    r.SetHeader("Vary", "Cookie");
}

}  // namespace

void AddNavItem(NavItem item) {
    Nav().push_back(std::move(item));
}

void SecurityHeaders(http::Response& r) {
    // data: images: the Utrecht CSS draws checkbox and radio marks as inline SVG.
    r.SetHeader(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    );
    r.SetHeader("X-Content-Type-Options", "nosniff");
    r.SetHeader("Referrer-Policy", "same-origin");
    r.SetHeader("X-Frame-Options", "DENY");
}

http::Response Page(const Context& ctx, std::string_view title, std::string body_html, int status) {
    bj::array nav;
    std::string_view current = PathOnly(ctx.path);
    for (const auto& item : Nav()) {
        if (item.staff_only && !ctx.account) continue;
        if (item.signed_out_only && ctx.account) continue;
        nav.push_back(bj::object{{"label", item.label}, {"href", item.href}, {"current", current == item.href}});
    }
    bj::object data{
        {"title", title},
        {"css", bj::array{AssetUrl("utrecht.css"), AssetUrl("theme.css"), AssetUrl("thorbecke.css")}},
        {"nav", std::move(nav)},
        {"has_nav", !Nav().empty()},
        {"csrf", ctx.csrf},
        {"message", ctx.message},
        {"body", std::move(body_html)}};
    if (ctx.account) {
        data["account"] = bj::object{
            {"name", ctx.account->display_name},
            {"organisation", ctx.account->organisation},
            {"username", ctx.account->username}};
    }
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = Render("layout", data);
    SecurityHeaders(r);
    AddSessionHeaders(ctx, r);
    return r;
}

http::Response Redirect(const Context& ctx, std::string location) {
    http::Response r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.SetHeader("Location", std::move(location));
    SecurityHeaders(r);
    AddSessionHeaders(ctx, r);
    return r;
}

http::Response ErrorPage(const Context& ctx, const Error& error) {
    std::string title;
    std::string text;
    switch (error.status) {
        case 404:
            title = "Pagina niet gevonden";
            text = "Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.";
            break;
        case 401:
        case 403:
            title = "Geen toegang";
            text = error.detail.empty() ? "U heeft geen toegang tot deze pagina." : error.detail;
            break;
        case 400:
        case 409:
        case 413:
        case 415:
            title = error.title.empty() ? "Er ging iets mis" : error.title;
            text = error.detail;
            break;
        default:
            // The detail of a server error may name internals: it goes to the log, not the page.
            title = "Er ging iets mis";
            text = "Er ging iets mis bij het maken van deze pagina. Probeer het later opnieuw.";
            if (error.status >= 500) {
                log::Error("web page failed", {{"path", std::string(PathOnly(ctx.path))}, {"error", error.detail}});
            }
    }
    if (error.code == "csrf") title = error.title;
    bj::object data{{"title", title}, {"text", text}, {"status", std::to_string(error.status)}};
    return Page(ctx, title, Render("fout", data), error.status >= 400 ? error.status : 500);
}

http::Handler PageRoute(SessionStore& sessions, PageHandler fn) {
    auto shared = std::make_shared<PageHandler>(std::move(fn));
    return [&sessions, shared](http::Request& req) -> asio::awaitable<Result<http::Response>> {
        auto begun = co_await sessions.Begin(req);
        if (!begun) {
            Context bare;
            bare.request = &req;
            bare.path = req.path;
            co_return ErrorPage(bare, begun.error());
        }
        Context& ctx = *begun;
        const PageHandler& handler = *shared;
        auto result = co_await handler(req, ctx);
        if (!result) co_return ErrorPage(ctx, result.error());
        http::Response& r = *result;
        bool has_csp = false;
        for (const auto& [k, v] : r.headers) has_csp = has_csp || k == "Content-Security-Policy";
        if (!has_csp) {
            SecurityHeaders(r);
            AddSessionHeaders(ctx, r);
        }
        co_return std::move(r);
    };
}

void AddNotFoundPages(
    http::Router& router, SessionStore& sessions, std::string prefix, std::vector<std::string> except
) {
    auto page = PageRoute(sessions, [](http::Request&, Context&) -> asio::awaitable<Result<http::Response>> {
        co_return Fail(Error::NotFound());
    });
    router.AddNotFound(std::move(prefix), std::move(page), std::move(except));
}

bool IsLocalPath(std::string_view target) {
    // "/x" only: not "//host" or "/\host" (browsers read both as another host), no scheme, no control characters.
    if (target.empty() || target.front() != '/') return false;
    if (target.size() > 1 && (target[1] == '/' || target[1] == '\\')) return false;
    for (char c : target) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '\\') return false;
    }
    return target.size() <= 2000;
}

}  // namespace thorbecke::web
