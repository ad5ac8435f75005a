#include "documenten/routes.h"

#include <map>
#include <memory>

#include <boost/json.hpp>

#include "core/http/etag.h"
#include "core/json/oas.h"

namespace thorbecke::embedded {
std::string_view documenten_openapi();
std::string_view documenten_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::documenten {

namespace {

using http::Method;
using http::Response;

std::optional<Resource> CollectionOf(std::string_view collection) {
    static const std::map<std::string_view, Resource> kCollections{
        {"/enkelvoudiginformatieobjecten", Resource::kDocument},
        {"/gebruiksrechten", Resource::kGebruiksrechten},
        {"/verzendingen", Resource::kVerzending},
        {"/objectinformatieobjecten", Resource::kLink}};
    auto it = kCollections.find(collection);
    if (it == kCollections.end()) return std::nullopt;
    return it->second;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas) {
    http::AddOpenApiRoutes(
        router, std::string(kApiRoot), embedded::documenten_openapi(), embedded::documenten_openapi_yaml()
    );
    Service* svc = &service;
    const auto& limits = service.limits();
    http::RouteOptions content_body{static_cast<std::size_t>(limits.inline_max_bytes), false};
    // A part travels as multipart/form-data: its bytes plus the form's boundaries and the lock.
    http::RouteOptions part_body{static_cast<std::size_t>(limits.part_bytes + (64 << 10)), true};
    const auto& paths = oas.document().as_object().at("paths").as_object();
    for (const auto& [path_key, item] : paths) {
        std::string path(path_key);
        if (!item.is_object()) continue;
        for (const auto& [method_name, operation] : item.as_object()) {
            auto method = json::OasMethod(method_name);
            if (!method || !operation.is_object()) continue;
            auto op = std::make_shared<Operation>();
            op->scopes = json::OasScopes(operation.as_object());
            std::string route = std::string(kApiRoot) + path;
            std::vector<auth::Grant> grants;
            for (const auto& s : op->scopes) grants.push_back(auth::Grant{std::string(kComponent), s});
            http::Access access = http::Access::AnyOf(std::move(grants));
            using Call = asio::awaitable<Result<Response>> (Service::*)(const Operation&, http::Request&);
            auto add = [&](Resource r, Action a, Call call, http::RouteOptions options = {}) {
                op->resource = r;
                op->action = a;
                router.Add(
                    *method,
                    route,
                    access,
                    [svc, op, call](http::Request& req) -> asio::awaitable<Result<Response>> {
                        co_return co_await (svc->*call)(*op, req);
                    },
                    options
                );
            };
            if (path == "/enkelvoudiginformatieobjecten/_zoek") {
                add(Resource::kDocument, Action::kList, &Service::Search);
            } else if (path == "/document_registreren") {
                // "(documenten.aanmaken & (zaken.…))": the route needs the first; the zaakinformatieobject step
                // checks the Zaken API's scopes itself.
                access = http::Access::Scope(std::string(kComponent), "documenten.aanmaken");
                add(Resource::kDocument, Action::kCreate, &Service::Register, content_body);
            } else if (path == "/documentnummer_reserveren") {
                add(Resource::kDocument, Action::kCreate, &Service::Reserve);
            } else if (path == "/enkelvoudiginformatieobjecten/{uuid}/download") {
                add(Resource::kDocument, Action::kRead, &Service::Download);
            } else if (path == "/enkelvoudiginformatieobjecten/{uuid}/lock") {
                add(Resource::kDocument, Action::kUpdate, &Service::Lock);
            } else if (path == "/enkelvoudiginformatieobjecten/{uuid}/unlock") {
                add(Resource::kDocument, Action::kUpdate, &Service::Unlock);
            } else if (path == "/bestandsdelen/{uuid}") {
                add(Resource::kDocument, Action::kUpdate, &Service::PutPart, part_body);
            } else if (path.starts_with("/enkelvoudiginformatieobjecten/{enkelvoudiginformatieobject_uuid}/audittrail"
                       )) {
                bool one = path.ends_with("/{uuid}");
                op->resource = Resource::kDocument;
                op->action = Action::kRead;
                router.Add(
                    *method,
                    route,
                    access,
                    [svc, op, one](http::Request& req) -> asio::awaitable<Result<Response>> {
                        co_return co_await svc->Audit(*op, req, one);
                    }
                );
            } else {
                bool item_path = path.ends_with("/{uuid}");
                auto resource = CollectionOf(item_path ? std::string_view(path).substr(0, path.size() - 7) : path);
                if (!resource) continue;  // /import/*: not served
                Action action = Action::kList;
                switch (*method) {
                    case Method::kGet:
                        action = item_path ? Action::kRead : Action::kList;
                        break;
                    case Method::kPost:
                        action = Action::kCreate;
                        break;
                    case Method::kPut:
                        action = Action::kUpdate;
                        break;
                    case Method::kPatch:
                        action = Action::kPartialUpdate;
                        break;
                    default:
                        action = Action::kDelete;
                        break;
                }
                bool content = *resource == Resource::kDocument && action != Action::kList && action != Action::kRead &&
                               action != Action::kDelete;
                op->resource = *resource;
                op->action = action;
                router.Add(
                    *method,
                    route,
                    access,
                    [svc, op](http::Request& req) -> asio::awaitable<Result<Response>> {
                        auto r = co_await svc->Handle(*op, req);
                        if (!r || op->action != Action::kRead) co_return r;
                        co_return http::WithETag(req, std::move(*r));
                    },
                    content ? content_body : http::RouteOptions{}
                );
            }
        }
    }
}

}  // namespace thorbecke::documenten
