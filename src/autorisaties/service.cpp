#include "autorisaties/service.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/notify/outbox.h"
#include "core/uuid.h"

namespace thorbecke::autorisaties {

namespace bj = boost::json;

namespace {

constexpr std::string_view kApplicatiesPath = "/autorisaties/api/v1/applicaties/";
constexpr std::string_view kClientIdExists = "clientId-exists";

//! componentWeergave: the OAS's description of each ComponentEnum value.
std::string_view ComponentWeergave(std::string_view component) {
    static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
        {"ac", "Autorisaties API"},
        {"nrc", "Notificaties API"},
        {"zrc", "Zaken API"},
        {"ztc", "Catalogi API"},
        {"drc", "Documenten API"},
        {"brc", "Besluiten API"},
        {"cmc", "Contactmomenten API"},
        {"kc", "Klanten API"},
        {"vrc", "Verzoeken API"}};
    for (const auto& [key, name] : kNames) {
        if (key == component) return name;
    }
    return "";
}

//! ac-003: the scopes of a component's main resource ("zaken.lezen" for zrc) need the fields that limit them.
struct Limited {
    std::string_view component;
    std::string_view resource;  // scopes starting with "<resource>." are limited
    std::string_view type_field;
    bool max_required;
};
constexpr Limited kLimited[] = {
    {"zrc", "zaken", "zaaktype", true},
    {"drc", "documenten", "informatieobjecttype", true},
    {"brc", "besluiten", "besluittype", false}};

const Limited* LimitsOf(std::string_view component) {
    for (const auto& l : kLimited) {
        if (l.component == component) return &l;
    }
    return nullptr;
}

std::string Text(const bj::object& o, std::string_view key) {
    return json::TextOf(o, key);
}

std::string Url(const std::string& base, const std::string& uuid) {
    return base + std::string(kApplicatiesPath) + uuid;
}

bj::object Render(const auth::Applicatie& a, const std::string& base) {
    bj::object out;
    out["url"] = Url(base, a.uuid);
    bj::array ids;
    for (const auto& id : a.client_ids) ids.emplace_back(id);
    out["clientIds"] = std::move(ids);
    out["label"] = a.label;
    out["heeftAlleAutorisaties"] = a.heeft_alle_autorisaties;
    bj::array autorisaties;
    for (const auto& z : a.autorisaties) {
        bj::object o;
        o["component"] = z.component;
        o["componentWeergave"] = ComponentWeergave(z.component);
        bj::array scopes;
        for (const auto& s : z.scopes) scopes.emplace_back(s);
        o["scopes"] = std::move(scopes);
        // Each component shows the fields of its own variant of the OAS (zrc_AutorisatieBaseSerializer, ...).
        if (const Limited* l = LimitsOf(z.component)) {
            if (l->component == "zrc") o["zaaktype"] = z.zaaktype;
            if (l->component == "drc") o["informatieobjecttype"] = z.informatieobjecttype;
            if (l->component == "brc") o["besluittype"] = z.besluittype;
            if (l->max_required) o["maxVertrouwelijkheidaanduiding"] = z.max_vertrouwelijkheidaanduiding;
        }
        autorisaties.emplace_back(std::move(o));
    }
    out["autorisaties"] = std::move(autorisaties);
    return out;
}

//! An autorisatie of a request (already valid against the OAS), with only the fields of its component.
auth::Autorisatie ParseAutorisatie(const bj::object& o) {
    auth::Autorisatie z;
    z.component = Text(o, "component");
    if (const auto* scopes = o.if_contains("scopes"); scopes && scopes->is_array()) {
        for (const auto& s : scopes->as_array()) {
            if (s.is_string()) z.scopes.emplace_back(s.as_string());
        }
    }
    if (const Limited* l = LimitsOf(z.component)) {
        if (l->component == "zrc") z.zaaktype = Text(o, "zaaktype");
        if (l->component == "drc") z.informatieobjecttype = Text(o, "informatieobjecttype");
        if (l->component == "brc") z.besluittype = Text(o, "besluittype");
        if (l->max_required) z.max_vertrouwelijkheidaanduiding = Text(o, "maxVertrouwelijkheidaanduiding");
    }
    return z;
}

//! ac-003 for the autorisatie at `index`.
void CheckRequiredFields(const auth::Autorisatie& z, std::size_t index, std::vector<InvalidParam>& errors) {
    const Limited* l = LimitsOf(z.component);
    if (!l) return;
    std::string prefix = std::string(l->resource) + ".";
    bool limited =
        std::any_of(z.scopes.begin(), z.scopes.end(), [&](const std::string& s) { return s.starts_with(prefix); });
    if (!limited) return;
    auto required = [&](std::string_view field) {
        errors.push_back(InvalidParam{
            fmt::format("autorisaties.{}.{}", index, field),
            "required",
            fmt::format("Dit veld is vereist als `component` {} is.", z.component)});
    };
    const std::string& type = l->component == "zrc"   ? z.zaaktype
                              : l->component == "drc" ? z.informatieobjecttype
                                                      : z.besluittype;
    if (type.empty()) required(l->type_field);
    if (l->max_required && z.max_vertrouwelijkheidaanduiding.empty()) required("maxVertrouwelijkheidaanduiding");
}

InvalidParam ClientIdTaken(const std::vector<std::string>& ids) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    return InvalidParam{
        "clientIds",
        std::string(kClientIdExists),
        fmt::format("De client ID(s) {} zijn al in gebruik bij een andere applicatie.", list)};
}

std::string Lowered(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

Service::Service(auth::ClientStore& store, const json::SchemaSet& schemas) : store_(store), schemas_(schemas) {
    list_params_ = json::OasQueryParams(schemas_);
}

// ---- Reads ----------------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::List(http::Request& req) {
    std::vector<InvalidParam> errors;
    http::Paging paging;
    std::vector<std::string> client_ids;
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = json::CheckQueryParam(list_params_, "/applicaties", name, value)) {
            errors.push_back(*bad);
            continue;
        }
        auto took = http::TakePageParam(name, value, paging, errors);
        if (!took) co_return Fail(took.error());
        if (*took) continue;
        if (name == "clientIds") {
            // An array in form style without explode: comma-separated; the applicatie must have every one.
            std::string_view rest = value;
            while (!rest.empty()) {
                auto comma = rest.find(',');
                std::string_view one = rest.substr(0, comma);
                if (!one.empty()) client_ids.emplace_back(one);
                rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.ListApplicaties(s, client_ids, paging.page, paging.page_size);
        if (!found) co_return Fail(found.error());
        std::int64_t pages = (found->count + paging.page_size - 1) / paging.page_size;
        if (paging.page > 1 && paging.page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        std::vector<std::string> rendered;
        rendered.reserve(found->rows.size());
        for (const auto& a : found->rows) rendered.push_back(json::Serialize(Render(a, req.base_url)));
        body = http::PageBody(req, found->count, paging.page, pages, rendered);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(200, std::move(body));
}

asio::awaitable<Result<http::Response>> Service::Read(http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.GetApplicatie(s, uuid, false);
        if (!found) co_return Fail(found.error());
        if (!*found) co_return Fail(Error::NotFound());
        body = json::Serialize(Render(**found, req.base_url));
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(200, std::move(body));
}

asio::awaitable<Result<http::Response>> Service::Consumer(http::Request& req) {
    std::vector<InvalidParam> errors;
    std::string client_id;
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = json::CheckQueryParam(list_params_, "/applicaties/consumer", name, value)) {
            errors.push_back(*bad);
        } else if (name == "clientId") {
            client_id = value;
        }
    }
    if (client_id.empty() && errors.empty()) {
        errors.push_back(InvalidParam{"clientId", "required", "Dit veld is vereist."});
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    // One applicatie, as the reference implementation answers (a client id belongs to one applicatie, ac-001).
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::vector<std::string> ids{client_id};
        auto found = co_await store_.ListApplicaties(s, std::move(ids), 1, 1);
        if (!found) co_return Fail(found.error());
        if (found->rows.empty()) co_return Fail(Error::NotFound());
        body = json::Serialize(Render(found->rows.front(), req.base_url));
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(200, std::move(body));
}

// ---- Writes ---------------------------------------------------------------------------------------------------

struct Service::Written {
    bj::object body;  // the request, valid against the OAS
    std::string target;
    auth::Applicatie result = {};
};

asio::awaitable<Status> Service::WriteIn(storage::Session& s, Action action, http::Request& req, Written& w) {
    bool create = action == Action::kCreate;
    bool partial = action == Action::kPartialUpdate;
    const bj::object& in = w.body;
    auth::Applicatie a;
    if (create) {
        a.uuid = NewUuid();
    } else {
        auto found = co_await store_.GetApplicatie(s, w.target, true);
        if (!found) co_return Fail(found.error());
        if (!*found) co_return Fail(Error::NotFound());
        a = std::move(**found);
    }
    // PUT replaces the whole applicatie; PATCH what it names (autorisaties given replace all of them).
    if (const auto* ids = in.if_contains("clientIds"); ids && ids->is_array()) {
        a.client_ids.clear();
        for (const auto& id : ids->as_array()) a.client_ids.emplace_back(id.as_string());
    }
    if (in.contains("label")) a.label = Text(in, "label");
    if (const auto* all = in.if_contains("heeftAlleAutorisaties"); all && all->is_bool()) {
        a.heeft_alle_autorisaties = all->as_bool();
    } else if (!partial) {
        a.heeft_alle_autorisaties = false;
    }
    std::vector<InvalidParam> errors;
    if (const auto* list = in.if_contains("autorisaties"); list && list->is_array()) {
        a.autorisaties.clear();
        for (const auto& item : list->as_array()) {
            a.autorisaties.push_back(ParseAutorisatie(item.as_object()));
            CheckRequiredFields(a.autorisaties.back(), a.autorisaties.size() - 1, errors);  // ac-003
        }
    } else if (!partial) {
        a.autorisaties.clear();
    }

    // ac-001: a client id identifies one applicatie, so it appears once in the request and in no other one.
    std::set<std::string> seen;
    std::vector<std::string> twice;
    for (const auto& id : a.client_ids) {
        if (!seen.insert(id).second) twice.push_back(id);
    }
    if (!twice.empty()) {
        errors.push_back(InvalidParam{
            "clientIds", std::string(kClientIdExists), fmt::format("De client ID {} is dubbel opgegeven.", twice[0])});
    } else {
        std::string except = create ? std::string() : a.uuid;  // named: no temporaries inside co_await (GCC 12)
        auto taken = co_await store_.ClientIdsInUse(s, a.client_ids, std::move(except));
        if (!taken) co_return Fail(taken.error());
        if (!taken->empty()) errors.push_back(ClientIdTaken(*taken));
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    // ac-002: all rights, or autorisaties; not both, not neither.
    if (a.heeft_alle_autorisaties && !a.autorisaties.empty()) {
        co_return Fail(Error::Field(
            "nonFieldErrors",
            "ambiguous-authorizations-specified",
            "Geef ofwel `autorisaties` ofwel `heeftAlleAutorisaties` op, niet beide."
        ));
    }
    if (!a.heeft_alle_autorisaties && a.autorisaties.empty()) {
        co_return Fail(Error::Field(
            "nonFieldErrors", "missing-authorizations", "Geef `autorisaties` of `heeftAlleAutorisaties` op."
        ));
    }

    auto saved = co_await store_.SaveApplicatie(s, a, create);
    if (!saved && saved.error().code == storage::kUniqueViolation) {  // a concurrent request took a client id
        std::vector<InvalidParam> taken{ClientIdTaken(a.client_ids)};
        co_return Fail(Error::Validation(std::move(taken)));
    }
    if (!saved) co_return saved;

    notify::Message m;
    m.kanaal = "autorisaties";
    m.hoofd_object = Url(req.base_url, a.uuid);
    m.resource = "applicatie";
    m.resource_url = m.hoofd_object;
    m.actie = create ? "create" : (partial ? "partial_update" : "update");
    auto published = co_await notify::Publish(s, store_.db().dialect(), m);
    if (!published) co_return published;
    w.result = std::move(a);
    co_return Status{};
}

asio::awaitable<Result<http::Response>> Service::Write(Action action, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) {
        co_return Fail(Error::Field("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    }
    bool partial = action == Action::kPartialUpdate;
    auto errors = schemas_.Validate(partial ? "PatchedApplicatieRequest" : "ApplicatieRequest", *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    Written w{std::move(parsed->as_object()), {}};
    if (action != Action::kCreate) {
        w.target = Lowered(req.PathParam("uuid"));
        if (!IsUuid(w.target)) co_return Fail(Error::NotFound());
    }
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await WriteIn(s, action, req, w);
    });
    if (!st) co_return Fail(st.error());
    bool create = action == Action::kCreate;
    http::Response resp = http::Response::Json(create ? 201 : 200, json::Serialize(Render(w.result, req.base_url)));
    if (create) resp.SetHeader("Location", Url(req.base_url, w.result.uuid));
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::Remove(http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto removed = co_await store_.DeleteApplicatie(s, uuid);
        if (!removed) co_return Fail(removed.error());
        if (!*removed) co_return Fail(Error::NotFound());
        notify::Message m;
        m.kanaal = "autorisaties";
        m.hoofd_object = Url(req.base_url, uuid);
        m.resource = "applicatie";
        m.resource_url = m.hoofd_object;
        m.actie = "destroy";
        co_return co_await notify::Publish(s, store_.db().dialect(), m);
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

}  // namespace thorbecke::autorisaties
