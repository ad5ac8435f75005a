// The Besluiten API's reads: detail GETs, lists with the OAS filters, the audit trail, and what the other
// components of the platform ask of it (besluiten::Links).
#include <fmt/format.h>

#include "besluiten/access.h"
#include "besluiten/internal.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/json/stored_url.h"
#include "core/uuid.h"

namespace thorbecke::besluiten {

Service::Service(Store& store, const json::SchemaSet& schemas, TypeSource& types, http::HttpClient* client)
    : store_(store), schemas_(schemas), types_(types), client_(client) {}

std::optional<InvalidParam> Service::UnknownParam(std::string_view path, std::string_view name) const {
    // The OAS says what a list accepts: anything else is a 400 rather than an unfiltered list.
    const auto* item = schemas_.document().as_object().at("paths").as_object().if_contains(path);
    const auto* get = item && item->is_object() ? item->as_object().if_contains("get") : nullptr;
    const auto* params = get && get->is_object() ? get->as_object().if_contains("parameters") : nullptr;
    if (params && params->is_array()) {
        for (const auto& p : params->as_array()) {
            if (p.is_object() && Member(p.as_object(), "in") == "query" && Member(p.as_object(), "name") == name) {
                return std::nullopt;
            }
        }
    }
    return InvalidParam{"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)};
}

asio::awaitable<Result<http::Response>> Service::Read(const Operation& op, http::Request& req) {
    std::string uuid = Lowered(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::string besluit_uuid = uuid;
        std::string doc;
        if (op.resource == Resource::kBesluitInformatieObject) {
            auto bio = co_await store_.GetBio(s, uuid);
            if (!bio) co_return Fail(bio.error());
            if (!*bio) co_return Fail(Error::NotFound());
            besluit_uuid = (*bio)->besluit;
            doc = std::move((*bio)->doc);
        }
        auto b = co_await store_.GetBesluit(s, besluit_uuid, false);
        if (!b) co_return Fail(b.error());
        if (!*b) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, (*b)->besluittype_key)) co_return Fail(Denied());
        body = json::ExpandBase(doc.empty() ? (*b)->doc : doc, req.base_url);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(200, std::move(body));
}

asio::awaitable<Result<http::Response>> Service::List(const Operation& op, http::Request& req) {
    bool besluiten = op.resource == Resource::kBesluit;
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    storage::Where where;
    std::vector<InvalidParam> errors;
    http::Paging paging;
    bool nothing = !AccessCondition(principal, op.scopes, where);
    std::string oas_path = besluiten ? "/besluiten" : "/besluitinformatieobjecten";
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = UnknownParam(oas_path, name)) {
            errors.push_back(*bad);
            continue;
        }
        if (besluiten) {
            auto took = http::TakePageParam(name, value, paging, errors);
            if (!took) co_return Fail(took.error());
            if (*took) continue;
        }
        if (name == "identificatie") {
            where.Add("b.identificatie = ?", storage::MakeParams(value));
        } else if (name == "verantwoordelijkeOrganisatie") {
            where.Add("b.organisatie = ?", storage::MakeParams(value));
        } else if (!json::IsHttpUrl(value)) {
            errors.push_back({name, "invalid", "Voer een geldige URL in."});
        } else if (name == "besluit") {
            // Only besluiten of this API have besluitinformatieobjecten here.
            std::string stored = json::MarkBase(value, req.base_url);
            auto uuid =
                stored.starts_with(json::kBaseMarkerChar) ? json::UuidAfter(stored, kBesluitenPath) : std::nullopt;
            where.Add("o.besluit = ?", storage::MakeParams(uuid.value_or("-")));
        } else if (name == "informatieobject") {
            where.Add("o.informatieobject = ?", storage::MakeParams(json::MarkBase(value, req.base_url)));
        } else if (name == "besluittype" || name == "zaak") {
            where.Add(fmt::format("b.{} = ?", name), storage::MakeParams(json::MarkBase(value, req.base_url)));
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        if (!besluiten) {
            body = "[";
            if (!nothing) {
                auto rows = co_await store_.ListBios(s, where);
                if (!rows) co_return Fail(rows.error());
                for (std::size_t i = 0; i < rows->size(); ++i) {
                    if (i) body += ',';
                    json::AppendExpanded(body, (*rows)[i].doc, req.base_url);
                }
            }
            body += "]";
            co_return Status{};
        }
        BesluitPage found;
        if (!nothing) {
            auto r = co_await store_.ListBesluiten(s, where, paging.page, paging.page_size);
            if (!r) co_return Fail(r.error());
            found = std::move(*r);
        }
        std::int64_t pages = (found.count + paging.page_size - 1) / paging.page_size;
        if (paging.page > 1 && paging.page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        std::vector<std::string> rendered;
        rendered.reserve(found.rows.size());
        for (const auto& row : found.rows) rendered.push_back(json::ExpandBase(row.doc, req.base_url));
        body = http::PageBody(req, found.count, paging.page, pages, rendered);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::Json(200, std::move(body));
}

asio::awaitable<Result<http::Response>> Service::AuditTrail(const Operation& op, http::Request& req) {
    std::string besluit_uuid = Lowered(req.PathParam("besluit_uuid"));
    // The detail route has the entry's uuid as path parameter, the list route none.
    bool one = req.path_params.contains("uuid");
    std::string entry = one ? Lowered(req.PathParam("uuid")) : std::string();
    if (!IsUuid(besluit_uuid) || (one && !IsUuid(entry))) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::vector<std::pair<std::string, std::string>> entries;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        // The trail goes with its besluit (brc-009 of the standard): none without it.
        auto b = co_await store_.GetBesluit(s, besluit_uuid, false);
        if (!b) co_return Fail(b.error());
        if (!*b) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, (*b)->besluittype_key)) co_return Fail(Denied());
        auto found = co_await store_.AuditOf(s, besluit_uuid, entry);
        if (!found) co_return Fail(found.error());
        entries = std::move(*found);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    if (one && entries.empty()) co_return Fail(Error::NotFound());
    if (one) co_return http::Response::Json(200, json::ExpandBase(entries.front().second, req.base_url));
    std::string body = "[";
    for (const auto& [uuid, doc] : entries) {
        if (body.size() > 1) body += ',';
        json::AppendExpanded(body, doc, req.base_url);
    }
    body += "]";
    co_return http::Response::Json(200, std::move(body));
}

// ---- besluiten::Links ---------------------------------------------------------------------------------------

bool Service::IsLocal(std::string_view url, std::string_view base) const {
    if (!url.starts_with(base)) return false;
    std::string_view rest = url.substr(base.size());
    return rest.starts_with(kBesluitenPath) && IsUuid(rest.substr(kBesluitenPath.size()));
}

namespace {

BesluitFacts ToFacts(const BesluitRow& row, const std::string& base) {
    BesluitFacts f;
    f.uuid = row.uuid;
    f.url = base + std::string(kBesluitenPath) + row.uuid;
    f.besluittype = json::UnmarkBase(row.besluittype, base);
    f.zaak = json::UnmarkBase(row.zaak, base);
    auto doc = json::Parse(row.doc);
    if (doc && doc->is_object()) {
        f.datum = Member(doc->as_object(), "datum");
        f.ingangsdatum = Member(doc->as_object(), "ingangsdatum");
        f.vervaldatum = Member(doc->as_object(), "vervaldatum");
    }
    return f;
}

}  // namespace

asio::awaitable<Result<std::optional<BesluitFacts>>> Service::Facts(
    storage::Session& s, std::string url, std::string base
) {
    if (!IsLocal(url, base)) co_return std::nullopt;
    std::string uuid = Lowered(url.substr(base.size() + kBesluitenPath.size()));
    auto b = co_await store_.GetBesluit(s, uuid, false);
    if (!b) co_return Fail(b.error());
    if (!*b) co_return std::nullopt;
    co_return ToFacts(**b, base);
}

asio::awaitable<Result<std::vector<BesluitFacts>>> Service::OfZaak(
    storage::Session& s, std::string zaak, std::string base
) {
    auto rows = co_await store_.BesluitenOfZaak(s, json::MarkBase(zaak, base));
    if (!rows) co_return Fail(rows.error());
    std::vector<BesluitFacts> out;
    out.reserve(rows->size());
    for (const auto& row : *rows) out.push_back(ToFacts(row, base));
    co_return out;
}

}  // namespace thorbecke::besluiten
