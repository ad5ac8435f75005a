#include "core/http/router.h"

#include <memory>
#include <mutex>
#include <optional>

#include "core/http/openapi_doc.h"
#include "core/http/static_assets.h"
#include "core/log.h"

namespace thorbecke::http {

namespace {

std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        if (path[pos] == '/') {
            ++pos;
            continue;
        }
        std::size_t next = path.find('/', pos);
        if (next == std::string_view::npos) next = path.size();
        out.emplace_back(path.substr(pos, next - pos));
        pos = next;
    }
    return out;
}

bool IsParam(const std::string& seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::Add(Method method, std::string pattern, Access access, Handler handler, RouteOptions options) {
    auto route = std::make_unique<Route>();
    route->method = method;
    route->segments = Split(pattern);
    route->pattern = std::move(pattern);
    route->access = std::move(access);
    route->handler = std::move(handler);
    route->options = options;
    routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path, Request& request) const {
    if (path.size() > 1 && path.back() == '/') {
        for (const auto& prefix : strict_prefixes_) {
            if (path.starts_with(prefix)) return {};
        }
    }
    auto segs = Split(path);
    Match match;
    int best = -1;  // score: literal segments count, +1000 for an exact method (HEAD falls back to GET)
    for (const auto& r : routes_) {
        if (r->segments.size() != segs.size()) continue;
        int literals = 0;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            if (IsParam(r->segments[i])) continue;
            ok = r->segments[i] == segs[i];
            ++literals;
        }
        if (!ok) continue;
        bool exact = r->method == method;
        if (!exact && !(method == Method::kHead && r->method == Method::kGet)) {
            match.path_known = true;
            continue;
        }
        int score = literals + (exact ? 1000 : 0);
        if (score > best) {
            best = score;
            match.route = r.get();
        }
    }
    if (!match.route && !match.path_known) {
        std::size_t longest = 0;
        for (const auto& nf : not_found_) {
            bool under = path == nf.prefix || (path.starts_with(nf.prefix) && path[nf.prefix.size()] == '/');
            if (!under || nf.prefix.size() < longest) continue;
            bool excepted = false;
            for (const auto& e : nf.except) excepted = excepted || path.starts_with(e);
            if (excepted) continue;
            longest = nf.prefix.size();
            match.route = nf.route.get();
        }
        if (match.route) request.path_params.clear();
        return match;
    }
    if (match.route) {
        request.path_params.clear();
        for (std::size_t i = 0; i < segs.size(); ++i) {
            const auto& seg = match.route->segments[i];
            if (IsParam(seg)) request.path_params.emplace(seg.substr(1, seg.size() - 2), segs[i]);
        }
    }
    return match;
}

void AddOpenApiSite(Router& router, OpenApiSite site) {
    struct State {
        const Router* router;
        OpenApiSite site;
        std::once_flag once;
        std::optional<OpenApiDocument> doc;
    };
    auto state = std::make_shared<State>();
    state->router = &router;
    state->site = std::move(site);
    auto document = [state]() -> const OpenApiDocument* {
        std::call_once(state->once, [&state] {
            auto built = OpenApiDocument::Build(state->site.source_json, *state->router, state->site.api_root);
            if (!built) {
                log::Error(
                    "OpenAPI document not built", {{"api", state->site.api_root}, {"error", built.error().detail}}
                );
                return;
            }
            for (const auto& op : built->dropped()) log::Info("OpenAPI: not served", {{"operation", op}});
            for (const auto& op : built->added()) log::Info("OpenAPI: added", {{"operation", op}});
            state->doc = std::move(*built);
        });
        return state->doc ? &*state->doc : nullptr;
    };
    for (bool yaml : {false, true}) {
        for (const auto& path : yaml ? state->site.yaml_paths : state->site.json_paths) {
            router.Add(
                Method::kGet,
                state->site.api_root + path,
                Access::Public(),
                [document, yaml](Request& req) -> asio::awaitable<Result<Response>> {
                    const OpenApiDocument* doc = document();
                    if (!doc) co_return Fail(Error::Internal("De OpenAPI-beschrijving is niet beschikbaar."));
                    Response r = Response::Json(200, yaml ? doc->Yaml(req.base_url) : doc->Json(req.base_url));
                    if (yaml) r.content_type = "application/vnd.oai.openapi; charset=utf-8";
                    // Documentation tools in other origins may read it (NL API Design Rules, /core/publish-openapi).
                    r.SetHeader("Access-Control-Allow-Origin", "*");
                    co_return r;
                }
            );
        }
    }
    if (!state->site.docs_path.empty() && !state->site.json_paths.empty()) {
        std::string spec_url = state->site.api_root + state->site.json_paths.front();
        router.Add(
            Method::kGet,
            state->site.api_root + state->site.docs_path,
            Access::Public(),
            [document, spec_url](Request&) -> asio::awaitable<Result<Response>> {
                const OpenApiDocument* doc = document();
                co_return SwaggerUiPage(doc && !doc->title().empty() ? doc->title() : "API", spec_url);
            }
        );
    }
}

void AddOpenApiRoutes(Router& router, const std::string& api_root, std::string_view json, std::string_view /*yaml*/) {
    AddOpenApiSite(router, OpenApiSite{api_root, json, {"/schema/openapi.json"}, {"/schema/openapi.yaml"}, "/schema"});
}

void Router::AddNotFound(std::string prefix, Handler handler, std::vector<std::string> except) {
    auto route = std::make_unique<Route>();
    route->method = Method::kGet;
    route->pattern = prefix + "/*";
    route->access = Access::Public();
    route->handler = std::move(handler);
    not_found_.push_back(NotFound{std::move(prefix), std::move(except), std::move(route)});
}

}  // namespace thorbecke::http
