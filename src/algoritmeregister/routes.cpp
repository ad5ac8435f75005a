#include "algoritmeregister/routes.h"

#include <charconv>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/http/paging.h"
#include "core/json/json.h"

namespace thorbecke::embedded {
std::string_view algoritmeregister_openapi();
}  // namespace thorbecke::embedded

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;
using http::Method;
using http::Request;
using http::Response;
using Reply = asio::awaitable<Result<Response>>;

constexpr std::int64_t kDefaultPageSize = 20;
constexpr std::int64_t kMaxPageSize = 100;

Response JsonResponse(int status, const bj::value& v) {
    return Response::Json(status, json::Serialize(v));
}

Result<bj::object> BodyObject(const Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) return Fail(parsed.error());
    if (!parsed->is_object()) {
        return Fail(Error::BadRequest("parse_error", "Stuur een JSON-object."));
    }
    return std::move(parsed->as_object());
}

//! {"reden": "..."} of afwijzen and terugtrekken.
Result<std::string> Reason(const Request& req) {
    auto body = BodyObject(req);
    if (!body) return Fail(body.error());
    const auto* v = body->if_contains("reden");
    if (!v || v->is_null()) return std::string();
    if (!v->is_string()) return Fail(Error::Field("reden", "invalid", "De reden moet tekst zijn."));
    return std::string(v->as_string());
}

Result<int> VersionNumber(const std::string& text) {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1) {
        return Fail(Error::NotFound("Deze versie bestaat niet."));
    }
    return n;
}

bool OneOf(const std::vector<std::string>& values, std::string_view v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

std::string ChoiceReason(const std::vector<std::string>& values) {
    std::string out = "Kies uit: ";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ", ";
        out += "'" + values[i] + "'";
    }
    return out + ".";
}

//! page and pageSize (default 20, at most 100); other names go to `other`.
Result<http::Paging> ReadPaging(
    const Request& req,
    std::vector<InvalidParam>& errors,
    const std::function<void(const std::string&, const std::string&)>& other
) {
    http::Paging paging{1, kDefaultPageSize};
    for (const auto& [name, value] : req.query.items()) {
        auto taken = http::TakePageParam(name, value, paging, errors);
        if (!taken) return Fail(taken.error());
        if (!*taken) other(name, value);
    }
    if (paging.page_size > kMaxPageSize) {
        errors.push_back({"pageSize", "max_value", fmt::format("pageSize is hoogstens {}.", kMaxPageSize)});
    }
    return paging;
}

Result<PublicFilter> ReadPublicFilter(const Request& req) {
    PublicFilter f;
    std::vector<InvalidParam> errors;
    auto paging = ReadPaging(req, errors, [&](const std::string& name, const std::string& value) {
        if (name == "zoek") {
            if (value.size() > 200) errors.push_back({"zoek", "max_length", "Zoek met hoogstens 200 tekens."});
            f.zoek = value;
        } else if (name == "organisatie") {
            f.organisatie = value;
        } else if (name == "thema") {
            if (!value.empty() && !OneOf(Themes(), value)) {
                errors.push_back({"thema", "invalid_choice", ChoiceReason(Themes())});
            }
            f.thema = value;
        } else if (name == "status") {
            if (!value.empty() && !OneOf(Statuses(), value)) {
                errors.push_back({"status", "invalid_choice", ChoiceReason(Statuses())});
            }
            f.status = value;
        } else if (name == "publicatiecategorie") {
            if (!value.empty() && !OneOf(PublicationCategories(), value)) {
                errors.push_back({"publicatiecategorie", "invalid_choice", ChoiceReason(PublicationCategories())});
            }
            f.categorie = value;
        } else {
            errors.push_back({name, "unknown", "Deze parameter bestaat niet."});
        }
    });
    if (!paging) return Fail(paging.error());
    if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
    f.page = paging->page;
    f.page_size = paging->page_size;
    return f;
}

Result<OwnFilter> ReadOwnFilter(const Request& req) {
    OwnFilter f;
    std::vector<InvalidParam> errors;
    auto paging = ReadPaging(req, errors, [&](const std::string& name, const std::string& value) {
        if (name == "toestand") {
            f.state = ParseState(value);
            if (!f.state) {
                errors.push_back(
                    {"toestand",
                     "invalid_choice",
                     "Kies uit: 'concept', 'ter-goedkeuring', 'gepubliceerd', 'teruggetrokken'."}
                );
            }
        } else {
            errors.push_back({name, "unknown", "Deze parameter bestaat niet."});
        }
    });
    if (!paging) return Fail(paging.error());
    if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
    f.page = paging->page;
    f.page_size = paging->page_size;
    return f;
}

template <class T, class Render>
Response PageResponse(const Request& req, const Page<T>& page, Render render) {
    std::vector<std::string> rendered;
    rendered.reserve(page.items.size());
    for (const auto& item : page.items) rendered.push_back(json::Serialize(render(item)));
    return Response::Json(200, http::PageBody(req, page.total, page.page, page.pages(), rendered));
}

//! Answers a workflow action with the registration as it is now.
Reply Answer(asio::awaitable<Result<Registration>> work) {
    auto r = co_await std::move(work);
    if (!r) co_return Fail(r.error());
    co_return JsonResponse(200, RegistrationJson(*r));
}

//! A workflow action or read on the path's registration, as the acting staff member.
using LarsAction = asio::awaitable<Result<Registration>> (Service::*)(const Actor&, std::string);
//! Afwijzen and terugtrekken: with the body's reason.
using ReasonAction = asio::awaitable<Result<Registration>> (Service::*)(const Actor&, std::string, std::string);

http::Handler Act(Service* svc, LarsAction action) {
    return [svc, action](Request& req) -> Reply {
        Actor actor = ActorFromPrincipal(*req.principal);
        auto work = (svc->*action)(actor, req.PathParam("lars"));
        co_return co_await Answer(std::move(work));
    };
}

http::Handler ActWithReason(Service* svc, ReasonAction action) {
    return [svc, action](Request& req) -> Reply {
        auto reden = Reason(req);
        if (!reden) co_return Fail(reden.error());
        Actor actor = ActorFromPrincipal(*req.principal);
        auto work = (svc->*action)(actor, req.PathParam("lars"), std::move(*reden));
        co_return co_await Answer(std::move(work));
    };
}

//! An open data download of every published record, rendered by `render`.
http::Handler Download(
    Service* svc,
    std::string (*render)(const std::vector<PublishedRecord>&),
    std::string content_type,
    std::string filename
) {
    // The whole register is large (tens of MB at 10 000 registrations): rendered once per change of what is
    // published, not per download. The stamp is read before the records, so a body is never older than its stamp.
    struct Cache {
        std::mutex mutex;
        std::int64_t stamp = -1;
        std::shared_ptr<const std::string> body;
    };
    auto cache = std::make_shared<Cache>();
    return [svc, render, content_type, filename, cache](Request& req) -> Reply {
        auto stamp = co_await svc->PublicationStamp();
        if (!stamp) co_return Fail(stamp.error());
        const std::string etag = fmt::format("\"{}\"", *stamp);
        Response r;
        r.SetHeader("ETag", etag);
        if (req.Header("if-none-match") == etag) {
            r.status = 304;
            r.content_type.clear();
            co_return r;
        }
        std::shared_ptr<const std::string> body;
        {
            std::lock_guard lock(cache->mutex);
            if (cache->stamp == *stamp) body = cache->body;
        }
        if (!body) {
            auto all = co_await svc->AllPublished();
            if (!all) co_return Fail(all.error());
            body = std::make_shared<const std::string>(render(*all));
            std::lock_guard lock(cache->mutex);
            if (*stamp > cache->stamp) {
                cache->stamp = *stamp;
                cache->body = body;
            }
        }
        r.status = 200;
        r.content_type = content_type;
        r.body = *body;
        r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
        co_return r;
    };
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service, accounts::AccountStore& accounts) {
    const std::string root(kApiRoot);
    Service* svc = &service;
    // The service checks roles itself (with a reason per action); the token only has to be a staff account's.
    const http::Access staff = accounts::StaffApiAccess(accounts);

    // --- public ---------------------------------------------------------------------------------------------
    router.Add(Method::kGet, root + "/algoritmes", http::Access::Public(), [svc](Request& req) -> Reply {
        auto filter = ReadPublicFilter(req);
        if (!filter) co_return Fail(filter.error());
        auto page = co_await svc->ListPublished(std::move(*filter));
        if (!page) co_return Fail(page.error());
        co_return PageResponse(req, *page, [](const PublishedRecord& r) { return PublishedJson(r); });
    });
    router.Add(Method::kGet, root + "/algoritmes/{lars}", http::Access::Public(), [svc](Request& req) -> Reply {
        auto r = co_await svc->GetPublished(req.PathParam("lars"));
        if (!r) co_return Fail(r.error());
        co_return JsonResponse(200, PublishedJson(*r));
    });
    router.Add(
        Method::kGet,
        root + "/algoritmes/{lars}/geschiedenis",
        http::Access::Public(),
        [svc](Request& req) -> Reply {
            auto h = co_await svc->GetPublishedHistory(req.PathParam("lars"));
            if (!h) co_return Fail(h.error());
            bj::object o;
            o["lars"] = h->lars;
            o["naam"] = h->name;
            bj::array versions;
            for (const auto& v : h->versions) {
                bj::object e;
                e["versie"] = v.version;
                e["gepubliceerd_op"] = v.gepubliceerd_op;
                e["gegevens"] = v.fields;
                versions.push_back(std::move(e));
            }
            o["versies"] = std::move(versions);
            bj::array events;
            for (const auto& e : h->events) events.push_back(EventJson(e, false));
            o["gebeurtenissen"] = std::move(events);
            co_return JsonResponse(200, o);
        }
    );

    // --- staff ----------------------------------------------------------------------------------------------
    router.Add(Method::kPost, root + "/registraties", staff, [svc, root](Request& req) -> Reply {
        auto body = BodyObject(req);
        if (!body) co_return Fail(body.error());
        Actor actor = ActorFromPrincipal(*req.principal);
        auto r = co_await svc->Create(actor, std::move(*body));
        if (!r) co_return Fail(r.error());
        Response resp = JsonResponse(201, RegistrationJson(*r));
        resp.SetHeader("Location", req.base_url + root + "/registraties/" + r->lars);
        co_return resp;
    });
    router.Add(Method::kGet, root + "/registraties", staff, [svc](Request& req) -> Reply {
        auto filter = ReadOwnFilter(req);
        if (!filter) co_return Fail(filter.error());
        Actor actor = ActorFromPrincipal(*req.principal);
        auto page = co_await svc->ListOwn(actor, *filter);
        if (!page) co_return Fail(page.error());
        co_return PageResponse(req, *page, [](const Registration& r) { return RegistrationJson(r); });
    });
    router.Add(Method::kGet, root + "/registraties/{lars}", staff, Act(svc, &Service::Get));
    router.Add(Method::kPut, root + "/registraties/{lars}", staff, [svc](Request& req) -> Reply {
        auto body = BodyObject(req);
        if (!body) co_return Fail(body.error());
        Actor actor = ActorFromPrincipal(*req.principal);
        auto work = svc->Save(actor, req.PathParam("lars"), std::move(*body));
        co_return co_await Answer(std::move(work));
    });
    router.Add(Method::kGet, root + "/registraties/{lars}/versies", staff, [svc](Request& req) -> Reply {
        Actor actor = ActorFromPrincipal(*req.principal);
        auto versions = co_await svc->Versions(actor, req.PathParam("lars"));
        if (!versions) co_return Fail(versions.error());
        bj::array out;
        for (const auto& v : *versions) out.push_back(VersionInfoJson(v));
        co_return JsonResponse(200, out);
    });
    router.Add(Method::kGet, root + "/registraties/{lars}/versies/{versie}", staff, [svc](Request& req) -> Reply {
        auto n = VersionNumber(req.PathParam("versie"));
        if (!n) co_return Fail(n.error());
        Actor actor = ActorFromPrincipal(*req.principal);
        auto v = co_await svc->GetVersion(actor, req.PathParam("lars"), *n);
        if (!v) co_return Fail(v.error());
        bj::object o = VersionInfoJson(v->info);
        o["gegevens"] = v->fields;
        co_return JsonResponse(200, o);
    });
    router.Add(Method::kPost, root + "/registraties/{lars}/vrijgeven", staff, Act(svc, &Service::Release));
    router.Add(Method::kPost, root + "/registraties/{lars}/publiceren", staff, Act(svc, &Service::Publish));
    router.Add(Method::kPost, root + "/registraties/{lars}/afwijzen", staff, ActWithReason(svc, &Service::Reject));
    router.Add(Method::kPost, root + "/registraties/{lars}/terugtrekken", staff, ActWithReason(svc, &Service::Retract));
    router.Add(Method::kGet, root + "/registraties/{lars}/geschiedenis", staff, [svc](Request& req) -> Reply {
        Actor actor = ActorFromPrincipal(*req.principal);
        auto events = co_await svc->History(actor, req.PathParam("lars"));
        if (!events) co_return Fail(events.error());
        bj::array out;
        for (const auto& e : *events) out.push_back(EventJson(e, true));
        co_return JsonResponse(200, out);
    });

    router.RefuseTrailingSlash(root + "/");
    http::AddOpenApiSite(
        router, http::OpenApiSite{root, embedded::algoritmeregister_openapi(), {"/openapi.json"}, {}, ""}
    );

    // --- open data (outside the API: plain downloads) ---------------------------------------------------------
    router.Add(
        Method::kGet,
        "/algoritmeregister/open-data/algoritmes.json",
        http::Access::Public(),
        Download(svc, OpenDataJson, "application/json", "algoritmes.json")
    );
    router.Add(
        Method::kGet,
        "/algoritmeregister/open-data/algoritmes.csv",
        http::Access::Public(),
        Download(svc, OpenDataCsv, "text/csv; charset=utf-8", "algoritmes.csv")
    );
}

}  // namespace thorbecke::algoritmeregister
