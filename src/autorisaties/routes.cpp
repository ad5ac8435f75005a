#include "autorisaties/routes.h"

#include <array>
#include <functional>
#include <memory>

#include <boost/json.hpp>

#include "core/http/etag.h"
#include "core/json/oas.h"

namespace thorbecke::embedded {
std::string_view autorisaties_openapi();
std::string_view autorisaties_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::autorisaties {

namespace {

using Endpoint = std::function<asio::awaitable<Result<http::Response>>(Service&, http::Request&)>;

//! The service function of an OAS path + method; empty for what this API does not serve.
Endpoint Classify(std::string_view path, http::Method m) {
    using http::Method;
    if (path == "/applicaties/consumer") {
        if (m == Method::kGet) return &Service::Consumer;
        return {};
    }
    if (path == "/applicaties") {
        if (m == Method::kGet) return &Service::List;
        if (m == Method::kPost) {
            return [](Service& s, http::Request& r) { return s.Write(Action::kCreate, r); };
        }
        return {};
    }
    if (path != "/applicaties/{uuid}") return {};
    switch (m) {
        case Method::kGet:
            return &Service::Read;
        case Method::kPut:
            return [](Service& s, http::Request& r) { return s.Write(Action::kUpdate, r); };
        case Method::kPatch:
            return [](Service& s, http::Request& r) { return s.Write(Action::kPartialUpdate, r); };
        case Method::kDelete:
            return &Service::Remove;
        default:
            return {};
    }
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas) {
    http::AddOpenApiRoutes(
        router, std::string(kApiRoot), embedded::autorisaties_openapi(), embedded::autorisaties_openapi_yaml()
    );
    Service* svc = &service;
    for (const auto& [path, item] : oas.document().as_object().at("paths").as_object()) {
        if (!item.is_object()) continue;
        for (const auto& [name, operation] : item.as_object()) {
            auto method = json::OasMethod(name);
            if (!method || !operation.is_object()) continue;
            Endpoint endpoint = Classify(path, *method);
            if (!endpoint) continue;
            std::vector<auth::Grant> grants;
            for (const auto& scope : json::OasScopes(operation.as_object())) {
                grants.push_back(auth::Grant{std::string(kComponent), scope});
            }
            // Detail GETs (and HEADs) carry an ETag and answer If-None-Match (HTTP caching of the standard).
            bool tagged = *method == http::Method::kGet && path == "/applicaties/{uuid}";
            router.Add(
                *method,
                std::string(kApiRoot) + std::string(path),
                http::Access::AnyOf(std::move(grants)),
                [svc, endpoint, tagged](http::Request& req) -> asio::awaitable<Result<http::Response>> {
                    auto answer = co_await endpoint(*svc, req);
                    if (!answer || !tagged) co_return answer;
                    co_return http::WithETag(req, std::move(*answer));
                }
            );
        }
    }
}

}  // namespace thorbecke::autorisaties
