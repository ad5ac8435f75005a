#include "notificaties/routes.h"

#include <memory>
#include <optional>

#include <boost/json.hpp>

#include "core/http/etag.h"
#include "core/json/oas.h"

namespace thorbecke::embedded {
std::string_view notificaties_openapi();
std::string_view notificaties_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::notificaties {

namespace {

using http::Method;
using Endpoint = asio::awaitable<Result<http::Response>> (Service::*)(const Operation&, http::Request&);

//! What an OAS path + method is here; nullopt for what is not served (the experimental /cloudevents).
std::optional<std::pair<Operation, Endpoint>> Classify(std::string_view path, Method m) {
    auto make = [](Action action, Endpoint endpoint) {
        return std::optional<std::pair<Operation, Endpoint>>(std::pair{Operation{action, {}}, endpoint});
    };
    if (path == "/notificaties") return m == Method::kPost ? make(Action::kCreate, &Service::Publish) : std::nullopt;
    bool item = path.ends_with("/{uuid}");
    std::string_view collection = item ? path.substr(0, path.size() - 7) : path;
    bool kanaal = collection == "/kanaal";
    if (!kanaal && collection != "/abonnement") return std::nullopt;
    if (m == Method::kGet) {
        if (kanaal)
            return item ? make(Action::kRead, &Service::ReadKanaal) : make(Action::kList, &Service::ListKanalen);
        return item ? make(Action::kRead, &Service::ReadAbonnement) : make(Action::kList, &Service::ListAbonnementen);
    }
    Endpoint write = kanaal ? &Service::WriteKanaal : &Service::WriteAbonnement;
    if (m == Method::kPost && !item) return make(Action::kCreate, write);
    if (!item) return std::nullopt;
    if (m == Method::kPut) return make(Action::kUpdate, write);
    if (m == Method::kPatch) return make(Action::kPartialUpdate, write);
    if (m == Method::kDelete && !kanaal) return make(Action::kDelete, &Service::RemoveAbonnement);
    return std::nullopt;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas) {
    http::AddOpenApiRoutes(
        router, std::string(kApiRoot), embedded::notificaties_openapi(), embedded::notificaties_openapi_yaml()
    );
    Service* svc = &service;
    for (const auto& operation : json::OasOperations(oas)) {
        auto what = Classify(operation.path, operation.method);
        if (!what) continue;
        auto op = std::make_shared<Operation>(std::move(what->first));
        op->scopes = operation.scopes;
        std::vector<auth::Grant> grants;
        for (const auto& scope : op->scopes) grants.push_back(auth::Grant{std::string(kComponent), scope});
        Endpoint endpoint = what->second;
        router.Add(
            operation.method,
            std::string(kApiRoot) + operation.path,
            http::Access::AnyOf(std::move(grants)),
            [svc, op, endpoint](http::Request& req) -> asio::awaitable<Result<http::Response>> {
                auto answer = co_await (svc->*endpoint)(*op, req);
                // Detail GETs carry an ETag and answer If-None-Match.
                if (!answer || op->action != Action::kRead) co_return answer;
                co_return http::WithETag(req, std::move(*answer));
            }
        );
    }
}

}  // namespace thorbecke::notificaties
