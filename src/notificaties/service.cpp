// The Notificaties API: kanalen, abonnementen (with the check that the callback answers) and publishing.
#include "notificaties/service.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/notify/outbox.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::notificaties {

namespace {

namespace bj = boost::json;

constexpr std::string_view kKanaalPath = "/kanaal/";
constexpr std::string_view kAbonnementPath = "/abonnement/";

//! The kanalen this platform publishes on, with the kenmerken of their messages (rules/scopes-kanalen).
struct OwnKanaal {
    std::string_view naam;
    std::string_view documentatie;
    std::array<std::string_view, 3> filters;
};
constexpr std::array<OwnKanaal, 7> kOwnKanalen{{
    {"zaken",
     "https://github.com/VNG-Realisatie/zaken-api",
     {"bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"}},
    {"documenten",
     "https://github.com/VNG-Realisatie/documenten-api",
     {"bronorganisatie", "informatieobjecttype", "vertrouwelijkheidaanduiding"}},
    {"besluiten", "https://github.com/VNG-Realisatie/besluiten-api", {"verantwoordelijke_organisatie", "besluittype"}},
    {"autorisaties", "https://github.com/VNG-Realisatie/autorisaties-api", {}},
    {"zaaktypen", "https://github.com/VNG-Realisatie/catalogi-api", {"catalogus"}},
    {"informatieobjecttypen", "https://github.com/VNG-Realisatie/catalogi-api", {"catalogus"}},
    {"besluittypen", "https://github.com/VNG-Realisatie/catalogi-api", {"catalogus"}},
}};

std::string Lowered(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string Url(const http::Request& req, std::string_view collection, std::string_view uuid) {
    return fmt::format("{}{}{}{}", req.base_url, kApiRoot, collection, uuid);
}

bj::object RenderKanaal(const http::Request& req, const KanaalRow& k) {
    bj::object o;
    o["url"] = Url(req, kKanaalPath, k.uuid);
    o["naam"] = k.naam;
    o["documentatieLink"] = k.documentatie_link;
    bj::array filters;
    for (const auto& f : k.filters) filters.emplace_back(f);
    o["filters"] = std::move(filters);
    return o;
}

// `auth` is writeOnly: never part of an answer.
bj::object RenderAbonnement(const http::Request& req, const AbonnementRow& a) {
    bj::object o;
    o["url"] = Url(req, kAbonnementPath, a.uuid);
    o["callbackUrl"] = a.callback_url;
    bj::array kanalen;
    for (const auto& k : a.kanalen) {
        bj::object group;
        bj::object filters;
        for (const auto& [key, value] : k.filters) filters[key] = value;
        group["filters"] = std::move(filters);
        group["naam"] = k.kanaal;
        kanalen.emplace_back(std::move(group));
    }
    o["kanalen"] = std::move(kanalen);
    // The experimental CloudEvents delivery is not offered (refused on input).
    o["sendCloudevents"] = false;
    o["cloudeventFilters"] = bj::array();
    return o;
}

std::string Text(const bj::object& o, std::string_view key) {
    return json::TextOf(o, key);
}

//! A map of kenmerken: an object of strings of at most 1000 characters (the OAS's additionalProperties,
//! which the schema validation does not check).
Result<std::vector<std::pair<std::string, std::string>>> StringMap(const bj::value* v, const std::string& field) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!v || v->is_null()) return out;
    if (!v->is_object()) return Fail(Error::Field(field, "invalid", "Verwachtte een object van kenmerken."));
    for (const auto& kv : v->as_object()) {
        if (!kv.value().is_string()) {
            return Fail(Error::Field(field, "invalid", fmt::format("De waarde van '{}' moet een tekst zijn.", kv.key()))
            );
        }
        if (kv.value().as_string().size() > 1000) {
            return Fail(Error::Field(field, "max_length", "Een waarde mag niet meer dan 1000 tekens bevatten."));
        }
        out.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    }
    return out;
}

Result<std::vector<KanaalFilter>> ParseKanalen(const bj::value& v) {
    std::vector<KanaalFilter> out;
    if (v.is_null()) return out;
    for (const auto& item : v.as_array()) {  // the schema said: an array of objects with a naam
        const auto& group = item.as_object();
        auto filters = StringMap(group.if_contains("filters"), "filters");
        if (!filters) return Fail(filters.error());
        out.push_back(KanaalFilter{Text(group, "naam"), std::move(*filters)});
    }
    return out;
}

std::vector<std::string> Strings(const bj::value* v) {
    std::vector<std::string> out;
    if (!v || !v->is_array()) return out;
    for (const auto& x : v->as_array()) {
        if (x.is_string()) out.emplace_back(x.as_string());
    }
    return out;
}

Result<bj::object> ParseObject(const std::string& body) {
    auto parsed = json::Parse(body);
    if (!parsed) return Fail(parsed.error());
    if (!parsed->is_object()) return Fail(Error::Field("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    return std::move(parsed->as_object());
}

bool MayUse(const http::Request& req, const AbonnementRow& a) {
    // As the reference implementation: an abonnement belongs to the client that made it.
    return req.principal && (req.principal->all_rights || req.principal->client_id == a.client_id);
}

Error NotYours() {
    return Error::Forbidden("Dit abonnement is van een andere applicatie.");
}

template <class T>
using Reader = std::function<asio::awaitable<Result<T>>(storage::Session&)>;

//! One read of the store, in a read transaction.
template <class T>
asio::awaitable<Result<T>> ReadOne(storage::Database& db, const Reader<T>& read) {
    T value{};
    storage::Database::TxFn work = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto got = co_await read(s);
        if (!got) co_return Fail(got.error());
        value = std::move(*got);
        co_return Status{};
    };
    auto st = co_await db.Read(work);
    if (!st) co_return Fail(st.error());
    co_return value;
}

Error CallbackRefused(std::string reason) {
    return Error::Field("callbackUrl", "invalid-callback-url", std::move(reason));
}

}  // namespace

Service::Service(Store& store, const json::SchemaSet& schemas, http::HttpClient& callbacks)
    : store_(store), schemas_(schemas), callbacks_(callbacks), query_params_(json::OasQueryParams(schemas)) {
    // Lists whose GET names no parameter accept none.
    query_params_.try_emplace("/abonnement");
    query_params_.try_emplace("/kanaal");
}

asio::awaitable<Status> Service::EnsureKanalen() {
    storage::Database::TxFn work = [this](storage::Session& s) -> asio::awaitable<Status> {
        for (const auto& own : kOwnKanalen) {
            KanaalRow row;
            row.uuid = NewUuid();
            row.naam = own.naam;
            row.documentatie_link = own.documentatie;
            for (auto f : own.filters) {
                if (!f.empty()) row.filters.emplace_back(f);
            }
            auto st = co_await store_.InsertKanaalIfMissing(s, row);
            if (!st) co_return st;
        }
        co_return Status{};
    };
    co_return co_await store_.db().Transaction(work);
}

// ---- Kanalen ------------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::ListKanalen(const Operation&, http::Request& req) {
    std::string naam;
    std::vector<InvalidParam> errors;
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = json::CheckQueryParam(query_params_, "/kanaal", name, value)) {
            errors.push_back(*bad);
        } else if (name == "naam") {
            naam = value;
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    bool filtered = req.query.Has("naam");
    if (filtered && naam.empty()) co_return http::Response::Json(200, "[]");
    Reader<std::vector<KanaalRow>> read = [&](storage::Session& s) { return store_.ListKanalen(s, naam); };
    auto rows = co_await ReadOne(store_.db(), read);
    if (!rows) co_return Fail(rows.error());
    bj::array out;
    for (const auto& k : *rows) out.emplace_back(RenderKanaal(req, k));
    co_return http::Response::Json(200, json::Serialize(out));
}

asio::awaitable<Result<http::Response>> Service::ReadKanaal(const Operation&, http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    Reader<std::optional<KanaalRow>> read = [&](storage::Session& s) { return store_.GetKanaal(s, uuid); };
    auto row = co_await ReadOne(store_.db(), read);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return Fail(Error::NotFound());
    co_return http::Response::Json(200, json::Serialize(RenderKanaal(req, **row)));
}

asio::awaitable<Result<http::Response>> Service::WriteKanaal(const Operation& op, http::Request& req) {
    auto body = ParseObject(req.body);
    if (!body) co_return Fail(body.error());
    const bool create = op.action == Action::kCreate;
    const bool partial = op.action == Action::kPartialUpdate;
    bj::value checked(*body);
    auto errors = schemas_.Validate(partial ? "PatchedKanaal" : "Kanaal", checked, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string target;
    if (!create) {
        target = Lowered(req.PathParam("uuid"));
        if (!IsUuid(target)) co_return Fail(Error::NotFound());
    }
    KanaalRow row;
    storage::Database::TxFn work = [&](storage::Session& s) -> asio::awaitable<Status> {
        row = KanaalRow{};
        if (create) {
            row.uuid = NewUuid();
            row.naam = Text(*body, "naam");
        } else {
            auto before = co_await store_.GetKanaal(s, target);
            if (!before) co_return Fail(before.error());
            if (!*before) co_return Fail(Error::NotFound());
            row = std::move(**before);
            // Abonnementen and messages name the kanaal: its naam stays (IsImmutable in the reference).
            if (body->contains("naam") && Text(*body, "naam") != row.naam) {
                co_return Fail(Error::Field("naam", "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden."));
            }
        }
        if (!partial || body->contains("documentatieLink")) row.documentatie_link = Text(*body, "documentatieLink");
        if (!partial || body->contains("filters")) row.filters = Strings(body->if_contains("filters"));
        if (!create) co_return co_await store_.UpdateKanaal(s, row);
        auto taken = co_await store_.KanaalByNaam(s, row.naam);
        if (!taken) co_return Fail(taken.error());
        Error unique = Error::Field("naam", "unique", "Er bestaat al een kanaal met eenzelfde naam.");
        if (*taken) co_return Fail(unique);
        auto inserted = co_await store_.InsertKanaal(s, row);
        // Another request took the naam after the check.
        if (!inserted && inserted.error().code == storage::kUniqueViolation) co_return Fail(unique);
        co_return inserted;
    };
    auto st = co_await store_.db().Transaction(work);
    if (!st) co_return Fail(st.error());
    http::Response resp = http::Response::Json(create ? 201 : 200, json::Serialize(RenderKanaal(req, row)));
    if (create) resp.SetHeader("Location", Url(req, kKanaalPath, row.uuid));
    co_return resp;
}

// ---- Abonnementen -------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::ListAbonnementen(const Operation&, http::Request& req) {
    std::vector<InvalidParam> errors;
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = json::CheckQueryParam(query_params_, "/abonnement", name, value)) errors.push_back(*bad);
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    // A client sees its own abonnementen; one with all rights sees every one.
    const bool everyone = req.principal && req.principal->all_rights;
    std::string client = req.principal ? req.principal->client_id : std::string();
    if (!everyone && client.empty()) co_return http::Response::Json(200, "[]");
    if (everyone) client.clear();
    Reader<std::vector<AbonnementRow>> read = [&](storage::Session& s) { return store_.ListAbonnementen(s, client); };
    auto rows = co_await ReadOne(store_.db(), read);
    if (!rows) co_return Fail(rows.error());
    bj::array out;
    for (const auto& a : *rows) out.emplace_back(RenderAbonnement(req, a));
    co_return http::Response::Json(200, json::Serialize(out));
}

asio::awaitable<Result<http::Response>> Service::ReadAbonnement(const Operation&, http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    Reader<std::optional<AbonnementRow>> read = [&](storage::Session& s) { return store_.GetAbonnement(s, uuid); };
    auto row = co_await ReadOne(store_.db(), read);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return Fail(Error::NotFound());
    if (!MayUse(req, **row)) co_return Fail(NotYours());
    co_return http::Response::Json(200, json::Serialize(RenderAbonnement(req, **row)));
}

asio::awaitable<Status> Service::CheckKanalen(storage::Session& s, const std::vector<KanaalFilter>& kanalen) {
    for (const auto& group : kanalen) {
        auto kanaal = co_await store_.KanaalByNaam(s, group.kanaal);
        if (!kanaal) co_return Fail(kanaal.error());
        if (!*kanaal) co_return Fail(Error::Field("naam", "kanaal_naam", "Kanaal met deze naam bestaat niet."));
        // A filter on a kenmerk the kanaal's messages do not carry would never match.
        const auto& allowed = (*kanaal)->filters;
        for (const auto& [key, value] : group.filters) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                co_return Fail(Error::Field(
                    "filters",
                    "inconsistent-abonnement-filters",
                    fmt::format("Het kanaal '{}' kent geen filter '{}'.", group.kanaal, key)
                ));
            }
        }
    }
    co_return Status{};
}

asio::awaitable<Status> Service::CheckCallback(std::string url, std::string auth, std::string abonnement_url) {
    // The test message of the reference implementation, about the abonnement itself.
    notify::Message test;
    test.kanaal = "test";
    test.hoofd_object = abonnement_url;
    test.resource = "abonnement";
    test.resource_url = abonnement_url;
    test.actie = "create";
    test.aanmaakdatum = NowIso();
    http::ClientRequest request;
    request.url = std::move(url);
    if (!auth.empty()) request.headers.emplace_back("Authorization", std::move(auth));
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = notify::ToJson(test);
    auto answer = co_await callbacks_.Send(std::move(request));
    if (!answer) {
        const Error& e = answer.error();
        if (e.code == "forbidden-address") {
            co_return Fail(CallbackRefused(
                "De callback URL wijst naar een intern of gereserveerd netwerkadres; dat is niet toegestaan "
                "(zie --notificaties-allowed-hosts)."
            ));
        }
        if (e.code == "invalid-url") co_return Fail(CallbackRefused("De callback URL is geen bruikbare http(s)-URL."));
        co_return Fail(
            CallbackRefused(fmt::format("De opgegeven callback URL kan geen notificaties ontvangen: {}", e.detail))
        );
    }
    if (answer->status < 200 || answer->status > 299) {
        co_return Fail(CallbackRefused(fmt::format(
            "De opgegeven callback URL kan geen notificaties ontvangen: een testnotificatie kreeg HTTP {}.",
            answer->status
        )));
    }
    co_return Status{};
}

asio::awaitable<Result<http::Response>> Service::WriteAbonnement(const Operation& op, http::Request& req) {
    auto body = ParseObject(req.body);
    if (!body) co_return Fail(body.error());
    const bool create = op.action == Action::kCreate;
    const bool partial = op.action == Action::kPartialUpdate;
    bj::value checked(*body);
    auto errors = schemas_.Validate(partial ? "PatchedAbonnement" : "Abonnement", checked, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    // CloudEvents (experimental in the standard) are not delivered here: say so rather than ignore it.
    const auto* cloudevents = body->if_contains("sendCloudevents");
    if (cloudevents && cloudevents->is_bool() && cloudevents->as_bool()) {
        co_return Fail(Error::Field("sendCloudevents", "not-supported", "CloudEvents worden niet ondersteund."));
    }
    const auto* ce_filters = body->if_contains("cloudeventFilters");
    if (ce_filters && ce_filters->is_array() && !ce_filters->as_array().empty()) {
        co_return Fail(Error::Field("cloudeventFilters", "not-supported", "CloudEvents worden niet ondersteund."));
    }
    std::optional<std::vector<KanaalFilter>> kanalen;
    if (const auto* given = body->if_contains("kanalen")) {
        auto parsed = ParseKanalen(*given);
        if (!parsed) co_return Fail(parsed.error());
        kanalen = std::move(*parsed);
    }
    // The auth value becomes a header line of every delivery.
    std::string auth = Text(*body, "auth");
    if (auth.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        co_return Fail(Error::Field("auth", "invalid", "De autorisatie header mag geen regelovergang bevatten."));
    }

    AbonnementRow row;
    bool check_callback = create;
    if (create) {
        row.uuid = NewUuid();
        row.client_id = req.principal ? req.principal->client_id : std::string();
    } else {
        row.uuid = Lowered(req.PathParam("uuid"));
        if (!IsUuid(row.uuid)) co_return Fail(Error::NotFound());
    }
    // Before any lock: the kanalen and, when the destination or its credentials change, the callback.
    storage::Database::TxFn work = [&](storage::Session& s) -> asio::awaitable<Status> {
        if (!create) {
            auto before = co_await store_.GetAbonnement(s, row.uuid);
            if (!before) co_return Fail(before.error());
            if (!*before) co_return Fail(Error::NotFound());
            if (!MayUse(req, **before)) co_return Fail(NotYours());
            row = std::move(**before);
        }
        if (!kanalen) co_return Status{};
        co_return co_await CheckKanalen(s, *kanalen);
    };
    auto read = co_await store_.db().Read(work);
    if (!read) co_return Fail(read.error());
    std::string callback = partial && !body->contains("callbackUrl") ? row.callback_url : Text(*body, "callbackUrl");
    if (!partial || body->contains("auth")) {
        check_callback = check_callback || auth != row.auth;
        row.auth = auth;
    }
    check_callback = check_callback || callback != row.callback_url;
    row.callback_url = callback;
    if (kanalen) {
        row.kanalen = std::move(*kanalen);
    } else if (!partial) {
        row.kanalen.clear();
    }
    if (check_callback) {
        auto checked_callback = co_await CheckCallback(row.callback_url, row.auth, Url(req, kAbonnementPath, row.uuid));
        if (!checked_callback) co_return Fail(checked_callback.error());
    }
    storage::Database::TxFn write = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto kanalen_ok = co_await CheckKanalen(s, row.kanalen);
        if (!kanalen_ok) co_return kanalen_ok;
        if (create) co_return co_await store_.InsertAbonnement(s, row);
        auto still = co_await store_.GetAbonnement(s, row.uuid);
        if (!still) co_return Fail(still.error());
        if (!*still) co_return Fail(Error::NotFound());
        co_return co_await store_.UpdateAbonnement(s, row);
    };
    auto st = co_await store_.db().Transaction(write);
    if (!st) co_return Fail(st.error());
    http::Response resp = http::Response::Json(create ? 201 : 200, json::Serialize(RenderAbonnement(req, row)));
    if (create) resp.SetHeader("Location", Url(req, kAbonnementPath, row.uuid));
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::RemoveAbonnement(const Operation&, http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    storage::Database::TxFn work = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto before = co_await store_.GetAbonnement(s, uuid);
        if (!before) co_return Fail(before.error());
        if (!*before) co_return Fail(Error::NotFound());
        if (!MayUse(req, **before)) co_return Fail(NotYours());
        co_return co_await store_.DeleteAbonnement(s, uuid);
    };
    auto st = co_await store_.db().Transaction(work);
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

// ---- Notificaties -------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Publish(const Operation&, http::Request& req) {
    auto body = ParseObject(req.body);
    if (!body) co_return Fail(body.error());
    bj::value checked(*body);
    auto errors = schemas_.Validate("Message", checked);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    auto kenmerken = StringMap(body->if_contains("kenmerken"), "kenmerken");
    if (!kenmerken) co_return Fail(kenmerken.error());
    notify::Message message;
    message.kanaal = Text(*body, "kanaal");
    message.source = Text(*body, "source");
    message.hoofd_object = Text(*body, "hoofdObject");
    message.resource = Text(*body, "resource");
    message.resource_url = Text(*body, "resourceUrl");
    message.actie = Text(*body, "actie");
    message.aanmaakdatum = Text(*body, "aanmaakdatum");
    message.kenmerken = std::move(*kenmerken);
    storage::Database::TxFn work = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto kanaal = co_await store_.KanaalByNaam(s, message.kanaal);
        if (!kanaal) co_return Fail(kanaal.error());
        if (!*kanaal) co_return Fail(Error::Field("kanaal", "message_kanaal", "Kanaal met deze naam bestaat niet."));
        // As the reference implementation: the kenmerken are the kanaal's filters, or a part or a superset of them.
        std::set<std::string> wanted((*kanaal)->filters.begin(), (*kanaal)->filters.end());
        std::set<std::string> given;
        for (const auto& [key, value] : message.kenmerken) given.insert(key);
        if (!std::includes(given.begin(), given.end(), wanted.begin(), wanted.end()) &&
            !std::includes(wanted.begin(), wanted.end(), given.begin(), given.end())) {
            co_return Fail(Error::Field(
                "kenmerken", "kenmerken_inconsistent", "De kenmerken passen niet bij de filters van het kanaal."
            ));
        }
        co_return co_await notify::Publish(s, store_.db().dialect(), message);
    };
    auto st = co_await store_.db().Transaction(work);
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(201, notify::ToJson(message));
}

}  // namespace thorbecke::notificaties
