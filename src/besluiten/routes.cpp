#include "besluiten/routes.h"

#include <array>
#include <memory>
#include <optional>

#include <boost/json.hpp>

#include "core/http/etag.h"
#include "core/json/oas.h"

namespace thorbecke::embedded {
std::string_view besluiten_openapi();
std::string_view besluiten_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::besluiten {

namespace {

using http::Method;
using Endpoint = asio::awaitable<Result<http::Response>> (Service::*)(const Operation&, http::Request&);

//! The OAS's operation names of the methods served (HEAD is served by GET).
constexpr std::array<std::pair<std::string_view, Method>, 5> kMethods{
    {{"get", Method::kGet},
     {"post", Method::kPost},
     {"put", Method::kPut},
     {"patch", Method::kPatch},
     {"delete", Method::kDelete}}};

//! What an OAS path + method is here: the resource, the action and the service function that serves it;
//! nullopt for what this API does not serve.
std::optional<std::pair<Operation, Endpoint>> Classify(std::string_view path, Method m) {
    if (path == "/besluit_verwerken") {
        if (m != Method::kPost) return std::nullopt;
        return std::pair{Operation{Resource::kBesluit, Action::kCreate, {}}, &Service::Verwerken};
    }
    if (path.starts_with("/besluiten/{besluit_uuid}/audittrail")) {
        return std::pair{Operation{Resource::kBesluit, Action::kRead, {}}, &Service::AuditTrail};
    }
    bool item = path.ends_with("/{uuid}");
    std::string_view collection = item ? path.substr(0, path.size() - 7) : path;
    bool besluit = collection == "/besluiten";
    if (!besluit && collection != "/besluitinformatieobjecten") return std::nullopt;
    Resource resource = besluit ? Resource::kBesluit : Resource::kBesluitInformatieObject;
    auto make = [&](Action action, Endpoint endpoint) {
        return std::optional<std::pair<Operation, Endpoint>>(std::pair{Operation{resource, action, {}}, endpoint});
    };
    if (m == Method::kGet) return item ? make(Action::kRead, &Service::Read) : make(Action::kList, &Service::List);
    if (m == Method::kPost && !item) {
        return besluit ? make(Action::kCreate, &Service::WriteBesluit) : make(Action::kCreate, &Service::CreateBio);
    }
    if (!item) return std::nullopt;
    if (m == Method::kDelete) {
        return besluit ? make(Action::kDelete, &Service::RemoveBesluit) : make(Action::kDelete, &Service::RemoveBio);
    }
    // PUT and PATCH only where the OAS has them (not for besluitinformatieobjecten).
    if (m == Method::kPut) return make(Action::kUpdate, &Service::WriteBesluit);
    if (m == Method::kPatch) return make(Action::kPartialUpdate, &Service::WriteBesluit);
    return std::nullopt;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas) {
    http::AddOpenApiRoutes(
        router, std::string(kApiRoot), embedded::besluiten_openapi(), embedded::besluiten_openapi_yaml()
    );
    Service* svc = &service;
    for (const auto& [path, item] : oas.document().as_object().at("paths").as_object()) {
        if (!item.is_object()) continue;
        for (const auto& [name, method] : kMethods) {
            const auto* operation = item.as_object().if_contains(name);
            if (!operation || !operation->is_object()) continue;
            auto what = Classify(path, method);
            if (!what) continue;
            auto op = std::make_shared<Operation>(std::move(what->first));
            op->scopes = json::OasScopes(operation->as_object());
            Endpoint endpoint = what->second;
            std::vector<auth::Grant> grants;
            for (const auto& scope : op->scopes) grants.push_back(auth::Grant{std::string(kComponent), scope});
            // Detail GETs (and HEADs) carry an ETag and answer If-None-Match (HTTP caching of the standard).
            bool tagged = endpoint == &Service::Read;
            router.Add(
                method,
                std::string(kApiRoot) + std::string(path),
                http::Access::AnyOf(std::move(grants)),
                [svc, op, endpoint, tagged](http::Request& req) -> asio::awaitable<Result<http::Response>> {
                    auto answer = co_await (svc->*endpoint)(*op, req);
                    if (!answer || !tagged) co_return answer;
                    co_return http::WithETag(req, std::move(*answer));
                }
            );
        }
    }
}

}  // namespace thorbecke::besluiten
