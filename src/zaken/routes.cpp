#include "zaken/routes.h"

#include <map>
#include <memory>

#include <fmt/format.h>

#include <boost/json.hpp>
#include "core/http/etag.h"
#include "core/json/oas.h"

namespace thorbecke::embedded {
std::string_view zaken_openapi();
std::string_view zaken_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::zaken {

namespace bj = boost::json;

namespace {

using http::Access;
using http::Method;
using http::Response;

Access ScopeAccess(const std::vector<std::string>& scopes) {
    std::vector<auth::Grant> grants;
    for (const auto& s : scopes) grants.push_back(auth::Grant{std::string(kComponent), s});
    return Access::AnyOf(std::move(grants));
}

std::optional<Method> MethodOf(std::string_view m) {
    if (m == "get") return Method::kGet;
    if (m == "post") return Method::kPost;
    if (m == "put") return Method::kPut;
    if (m == "patch") return Method::kPatch;
    if (m == "delete") return Method::kDelete;
    return std::nullopt;  // head: served by GET
}

//! Which kind and action an OAS path + method is; nullopt for endpoints outside the standard resources.
std::optional<std::pair<const Kind*, Action>> Classify(std::string_view path, Method m) {
    bool item = path.ends_with("/{uuid}");
    std::string_view collection_path = item ? path.substr(0, path.size() - 7) : path;
    for (const auto& kind : Kinds()) {
        std::string expect =
            kind.nested ? fmt::format("/zaken/{{zaak_uuid}}/{}", kind.collection) : fmt::format("/{}", kind.collection);
        if (collection_path != expect) continue;
        if (!item) {
            if (m == Method::kGet) return std::pair{&kind, Action::kList};
            if (m == Method::kPost) return std::pair{&kind, Action::kCreate};
            return std::nullopt;
        }
        switch (m) {
            case Method::kGet:
                return std::pair{&kind, Action::kRead};
            case Method::kPut:
                return std::pair{&kind, Action::kUpdate};
            case Method::kPatch:
                return std::pair{&kind, Action::kPartialUpdate};
            case Method::kDelete:
                return std::pair{&kind, Action::kDelete};
            default:
                return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas) {
    http::AddOpenApiRoutes(router, std::string(kApiRoot), embedded::zaken_openapi(), embedded::zaken_openapi_yaml());
    Service* svc = &service;
    const auto& paths = oas.document().as_object().at("paths").as_object();
    for (const auto& [path, item] : paths) {
        if (!item.is_object()) continue;
        for (const auto& [method_name, operation] : item.as_object()) {
            auto method = MethodOf(method_name);
            if (!method || !operation.is_object()) continue;
            auto op = std::make_shared<Operation>();
            op->scopes = json::OasScopes(operation.as_object());
            std::string route = std::string(kApiRoot) + std::string(path);
            Access access = ScopeAccess(op->scopes);
            if (path == "/zaken/_zoek" && *method == Method::kPost) {
                op->kind = &GetKind(KindId::kZaak);
                op->action = Action::kList;
                router.Add(*method, route, access, [svc, op](http::Request& req) -> asio::awaitable<Result<Response>> {
                    co_return co_await svc->Search(*op, req);
                });
                continue;
            }
            if (path == "/reserveer_zaaknummer" || path == "/zaaknummer_reserveren") {
                op->kind = &GetKind(KindId::kZaak);
                op->action = Action::kCreate;
                router.Add(*method, route, access, [svc, op](http::Request& req) -> asio::awaitable<Result<Response>> {
                    co_return co_await svc->Reserve(*op, req);
                });
                continue;
            }
            static const std::map<std::string_view, Service::Composite> kComposites{
                {"/zaak_registreren", Service::Composite::kRegistreren},
                {"/zaak_bijwerken/{uuid}", Service::Composite::kBijwerken},
                {"/zaak_opschorten/{uuid}", Service::Composite::kOpschorten},
                {"/zaak_verlengen/{uuid}", Service::Composite::kVerlengen},
                {"/zaak_afsluiten/{uuid}", Service::Composite::kAfsluiten}};
            if (auto c = kComposites.find(path); c != kComposites.end()) {
                op->kind = &GetKind(KindId::kZaak);
                op->action = Action::kCreate;
                Service::Composite which = c->second;
                router.Add(
                    *method,
                    route,
                    access,
                    [svc, op, which](http::Request& req) -> asio::awaitable<Result<Response>> {
                        co_return co_await svc->RunComposite(*op, req, which);
                    }
                );
                continue;
            }
            if (path.starts_with("/zaken/{zaak_uuid}/audittrail")) {
                bool one = path.ends_with("/{uuid}");
                op->kind = &GetKind(KindId::kZaak);
                op->action = Action::kRead;
                router.Add(
                    *method,
                    route,
                    access,
                    [svc, op, one](http::Request& req) -> asio::awaitable<Result<Response>> {
                        co_return co_await svc->Audit(*op, req, one);
                    }
                );
                continue;
            }
            auto what = Classify(path, *method);
            if (!what) continue;
            op->kind = what->first;
            op->action = what->second;
            router.Add(*method, route, access, [svc, op](http::Request& req) -> asio::awaitable<Result<Response>> {
                auto r = co_await svc->Handle(*op, req);
                if (!r || op->action != Action::kRead) co_return r;
                co_return http::WithETag(req, std::move(*r));
            });
        }
    }
}

}  // namespace thorbecke::zaken
