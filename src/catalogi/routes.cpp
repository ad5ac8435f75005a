#include "catalogi/routes.h"

#include <fmt/format.h>

#include "core/http/etag.h"

namespace thorbecke::embedded {
std::string_view catalogi_openapi();
std::string_view catalogi_openapi_yaml();
}  // namespace thorbecke::embedded

namespace thorbecke::catalogi {

namespace {

using http::Access;
using http::Method;
using http::Response;

}  // namespace

void RegisterRoutes(http::Router& router, Service& service) {
    // ztc-014: clients of the Zaken and Documenten APIs read the catalogue with their own read scope.
    const Access read = Access::AnyOf({{"ztc", "catalogi.lezen"}, {"zrc", "zaken.lezen"}, {"drc", "documenten.lezen"}});
    const Access write = Access::AnyOf({{"ztc", "catalogi.schrijven"}, {"ztc", "catalogi.geforceerd-schrijven"}});
    const Access remove = Access::AnyOf(
        {{"ztc", "catalogi.schrijven"},
         {"ztc", "catalogi.geforceerd-schrijven"},
         {"ztc", "catalogi.geforceerd-verwijderen"}}
    );
    http::AddOpenApiRoutes(
        router, std::string(kApiRoot), embedded::catalogi_openapi(), embedded::catalogi_openapi_yaml()
    );
    Service* svc = &service;
    for (const Kind& kind : Kinds()) {
        const Kind* k = &kind;
        std::string collection = fmt::format("{}/{}", kApiRoot, kind.collection);
        std::string item = collection + "/{uuid}";
        router.Add(Method::kGet, collection, read, [svc, k](http::Request& req) -> asio::awaitable<Result<Response>> {
            auto r = co_await svc->List(*k, req);
            if (!r) co_return Fail(r.error());
            co_return Response::Json(200, std::move(r->body));
        });
        router.Add(Method::kGet, item, read, [svc, k](http::Request& req) -> asio::awaitable<Result<Response>> {
            auto r = co_await svc->Retrieve(*k, req);
            if (!r) co_return Fail(r.error());
            co_return http::WithETag(req, Response::Json(r->status, std::move(r->body)));
        });
        router.Add(Method::kPost, collection, write, [svc, k](http::Request& req) -> asio::awaitable<Result<Response>> {
            auto r = co_await svc->Create(*k, req);
            if (!r) co_return Fail(r.error());
            Response resp = Response::Json(201, std::move(r->body));
            co_return resp;
        });
        if (kind.writable) {
            for (bool partial : {false, true}) {
                router.Add(
                    partial ? Method::kPatch : Method::kPut,
                    item,
                    write,
                    [svc, k, partial](http::Request& req) -> asio::awaitable<Result<Response>> {
                        auto r = co_await svc->Update(*k, req, partial);
                        if (!r) co_return Fail(r.error());
                        co_return Response::Json(200, std::move(r->body));
                    }
                );
            }
            router
                .Add(Method::kDelete, item, remove, [svc, k](http::Request& req) -> asio::awaitable<Result<Response>> {
                    auto r = co_await svc->Delete(*k, req);
                    if (!r) co_return Fail(r.error());
                    co_return Response::NoContent();
                });
        }
        if (kind.publishable) {
            router.Add(
                Method::kPost,
                item + "/publish",
                write,
                [svc, k](http::Request& req) -> asio::awaitable<Result<Response>> {
                    auto r = co_await svc->Publish(*k, req);
                    if (!r) co_return Fail(r.error());
                    co_return Response::Json(200, std::move(r->body));
                }
            );
        }
    }
}

}  // namespace thorbecke::catalogi
