#include "core/http/router.h"

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
    if (match.route) {
        request.path_params.clear();
        for (std::size_t i = 0; i < segs.size(); ++i) {
            const auto& seg = match.route->segments[i];
            if (IsParam(seg)) request.path_params.emplace(seg.substr(1, seg.size() - 2), segs[i]);
        }
    }
    return match;
}

void AddOpenApiRoutes(Router& router, const std::string& api_root, std::string_view json, std::string_view yaml) {
    router.Add(
        Method::kGet,
        api_root + "/schema/openapi.yaml",
        Access::Public(),
        [yaml](Request&) -> asio::awaitable<Result<Response>> {
            Response r = Response::Json(200, std::string(yaml));
            r.content_type = "application/vnd.oai.openapi; charset=utf-8";
            co_return r;
        }
    );
    router.Add(
        Method::kGet,
        api_root + "/schema/openapi.json",
        Access::Public(),
        [json](Request&) -> asio::awaitable<Result<Response>> { co_return Response::Json(200, std::string(json)); }
    );
}

}  // namespace thorbecke::http
