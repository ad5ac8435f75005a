// The Zaken API's operations: reading one object, writing (create, update, delete) with the rules and the
// audit trail in one transaction.
#include "zaken/service.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/geo/geometry.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"
#include "zaken/internal.h"
#include "zaken/rules.h"

namespace thorbecke::zaken {

using namespace detail;

asio::awaitable<Result<bj::object>> Service::FetchType(
    std::string field, std::string url, std::string base, std::string_view expect_path
) {
    std::string full = Full(url, base);
    auto found = co_await types_.Find(full, base);
    if (!found) co_return Fail(found.error());
    if (!*found) co_return Fail(Rule(field, "bad-url", "De URL kan niet worden opgevraagd."));
    if (full.find(expect_path) == std::string::npos) {
        co_return Fail(Rule(field, "invalid-resource", "De URL wijst niet naar een resource van het verwachte type."));
    }
    auto parsed = json::Parse(**found);
    if (!parsed || !parsed->is_object()) {
        co_return Fail(Rule(field, "invalid-resource", "De URL wijst niet naar een geldige resource."));
    }
    co_return std::move(parsed->as_object());
}

asio::awaitable<Result<http::Response>> Service::Handle(const Operation& op, http::Request& req) {
    switch (op.action) {
        case Action::kList:
            co_return co_await List(op, req);
        case Action::kRead:
            co_return co_await Read(op, req);
        case Action::kCreate:
        case Action::kUpdate:
        case Action::kPartialUpdate:
            co_return co_await Write(op, req);
        case Action::kDelete:
            co_return co_await Remove(op, req);
    }
    co_return Fail(Error::NotFound());
}

// ---- Writing ------------------------------------------------------------------------------------------------

asio::awaitable<Status> Service::WriteAudit(Ctx& ctx, storage::Session& s, std::string_view actie, int status) {
    const Kind& kind = *ctx.op.kind;
    static const std::map<std::string_view, std::string_view> kWeergave{
        {"create", "Object aangemaakt"},
        {"update", "Object bijgewerkt"},
        {"partial_update", "Object deels bijgewerkt"},
        {"destroy", "Object verwijderd"}};
    std::string zaak_uuid = ctx.zaak ? ctx.zaak->uuid : (ctx.zaak_before ? ctx.zaak_before->uuid : std::string());
    std::string resource_path =
        kind.id == KindId::kZaak ? std::string(kZakenPath) + zaak_uuid : ObjectPath(kind, zaak_uuid, ctx.uuid);
    auto parse_or_null = [](const std::string& doc) -> bj::value {
        if (doc.empty()) return nullptr;
        auto v = json::Parse(doc);
        return v ? *v : bj::value(nullptr);
    };
    std::string old_doc, new_doc, weergave;
    if (kind.id == KindId::kZaak) {
        if (ctx.zaak_before) old_doc = ctx.zaak_before->doc;
        if (ctx.zaak && !ctx.deleted) new_doc = ctx.zaak->doc;
        weergave = ctx.zaak ? ctx.zaak->identificatie : ctx.zaak_before->identificatie;
    } else {
        if (ctx.object_before) old_doc = ctx.object_before->doc;
        if (ctx.object && !ctx.deleted) new_doc = ctx.object->doc;
        weergave = fmt::format("{} {}", kind.name, ctx.uuid);
    }
    std::string marker(1, json::kBaseMarkerChar);
    bj::object entry;
    std::string uuid = NewUuid();
    entry["uuid"] = uuid;
    entry["bron"] = "ZRC";
    entry["applicatieId"] = ctx.principal ? ctx.principal->client_id : "";
    entry["applicatieWeergave"] = ctx.principal ? ctx.principal->client_id : "";
    entry["gebruikersId"] = ctx.principal ? ctx.principal->user_id : "";
    entry["gebruikersWeergave"] = ctx.principal ? ctx.principal->user_id : "";
    entry["actie"] = actie;
    entry["actieWeergave"] = kWeergave.contains(actie) ? kWeergave.at(actie) : actie;
    entry["resultaat"] = status;
    entry["hoofdObject"] = marker + std::string(kZakenPath) + zaak_uuid;
    entry["resource"] = kind.name;
    entry["resourceUrl"] = marker + resource_path;
    entry["toelichting"] = std::string(ctx.req.Header("x-audit-toelichting"));
    entry["resourceWeergave"] = weergave;
    entry["aanmaakdatum"] = NowIso();
    bj::object changes;
    changes["oud"] = parse_or_null(old_doc);
    changes["nieuw"] = parse_or_null(new_doc);
    entry["wijzigingen"] = std::move(changes);
    co_return co_await store_.InsertAudit(s, uuid, zaak_uuid, json::Serialize(entry));
}

asio::awaitable<Status> Service::WriteIn(storage::Session& s, Ctx& ctx, const std::string& target) {
    const Kind& kind = *ctx.op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    bool partial = ctx.partial;
    http::Request& req = ctx.req;
    // Every attempt starts from the request: a retried transaction sees fresh state.
    ctx.zaak.reset();
    ctx.zaak_before.reset();
    ctx.object.reset();
    ctx.object_before.reset();
    ctx.keys.clear();
    ctx.input = ctx.body;
    if (is_zaak) {
        if (!ctx.create) {
            auto z = co_await store_.GetZaak(s, target, true);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            ctx.zaak_before = **z;
            if (partial) {
                auto stored = json::Parse((*z)->doc);
                if (!stored) co_return Fail(stored.error());
                bj::object merged = std::move(stored->as_object());
                for (const auto& kv : ctx.body) merged[kv.key()] = kv.value();
                ctx.input = std::move(merged);
            }
        }
        auto prepared = co_await PrepareZaak(ctx, s);
        if (!prepared) co_return prepared;
    } else {
        if (!ctx.create) {
            auto o = co_await store_.GetObject(s, target, true);
            if (!o) co_return Fail(o.error());
            if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
            if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
            ctx.object_before = **o;
            if (partial) {
                auto stored = json::Parse((*o)->doc);
                if (!stored) co_return Fail(stored.error());
                bj::object merged = std::move(stored->as_object());
                for (const auto& kv : ctx.body) merged[kv.key()] = kv.value();
                ctx.input = std::move(merged);
            }
        }
        auto prepared = co_await PrepareObject(ctx, s);
        if (!prepared) co_return prepared;
    }
    std::string_view actie = ctx.create ? "create" : (partial ? "partial_update" : "update");
    co_return co_await WriteAudit(ctx, s, actie, ctx.create ? 201 : 200);
}

asio::awaitable<Result<std::string>> Service::RenderWritten(storage::Session& s, Ctx& ctx) {
    const Kind& kind = *ctx.op.kind;
    if (kind.id == KindId::kZaak) {
        auto z = co_await store_.GetZaak(s, ctx.zaak->uuid, false);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        std::vector<ZaakRow> one(1, std::move(**z));
        auto r = co_await RenderZaken(s, one, ctx.base);
        if (!r) co_return Fail(r.error());
        co_return std::move(r->front());
    }
    auto o = co_await store_.GetObject(s, ctx.uuid, false);
    if (!o) co_return Fail(o.error());
    if (!*o) co_return Fail(Error::NotFound());
    std::vector<ObjectRow> one(1, std::move(**o));
    auto r = co_await RenderObjects(s, kind, one, ctx.base);
    if (!r) co_return Fail(r.error());
    co_return std::move(r->front());
}

asio::awaitable<Result<http::Response>> Service::Write(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    if (is_zaak) {
        auto crs = CheckCrs(req, true);
        if (!crs) co_return Fail(crs.error());
    }
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    bool partial = op.action == Action::kPartialUpdate;
    std::string_view schema = partial ? kind.patch_schema : kind.request_schema;
    auto errors = schemas_.Validate(schema, *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    ToStored(*parsed, req.base_url);

    Ctx ctx{op, req, req.base_url};
    ctx.principal = req.principal ? &*req.principal : nullptr;
    ctx.create = op.action == Action::kCreate;
    ctx.partial = partial;
    ctx.body = std::move(parsed->as_object());
    std::string target = ctx.create ? std::string() : Lower(req.PathParam("uuid"));
    if (!ctx.create && !IsUuid(target)) co_return Fail(Error::NotFound());

    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await WriteIn(s, ctx, target);
    });
    if (!st) co_return Fail(st.error());

    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto r = co_await RenderWritten(s, ctx);
        if (!r) co_return Fail(r.error());
        body = std::move(*r);
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    co_return JsonResponse(ctx.create ? 201 : 200, std::move(body), is_zaak);
}

asio::awaitable<Result<http::Response>> Service::Remove(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    std::string target = Lower(req.PathParam("uuid"));
    if (!IsUuid(target)) co_return Fail(Error::NotFound());
    Ctx ctx{op, req, req.base_url};
    ctx.principal = req.principal ? &*req.principal : nullptr;
    ctx.deleted = true;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        ctx.zaak.reset();
        ctx.zaak_before.reset();
        ctx.object_before.reset();
        std::vector<std::string> forced{std::string(kGeforceerd)};
        if (kind.id == KindId::kZaak) {
            auto z = co_await store_.GetZaak(s, target, true);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            if (!MayAccess(ctx.principal, op.scopes, **z)) co_return Fail(Forbidden());
            ctx.zaak_before = **z;
            ctx.uuid = target;
            // Deelzaken lose their hoofdzaak with it? The standard keeps them: refuse while they exist.
            auto deel = co_await store_.Deelzaken(s, target);
            if (!deel) co_return Fail(deel.error());
            if (!deel->empty()) {
                co_return Fail(Rule("nonFieldErrors", "pending-relations", "De zaak heeft nog deelzaken."));
            }
            auto del = co_await store_.DeleteZaak(s, **z);
            if (!del) co_return del;
            co_return co_await WriteAudit(ctx, s, "destroy", 204);
        }
        auto o = co_await store_.GetObject(s, target, true);
        if (!o) co_return Fail(o.error());
        if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
        if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
        ctx.object_before = **o;
        ctx.uuid = target;
        auto z = co_await store_.GetZaak(s, (*o)->zaak, true);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        if (!MayAccess(ctx.principal, op.scopes, **z)) co_return Fail(Forbidden());
        if ((*z)->einddatum && !MayAccess(ctx.principal, forced, **z)) co_return Fail(Forbidden());
        ctx.zaak_before = **z;
        ctx.zaak = **z;
        auto del = co_await store_.DeleteObject(s, **o);
        if (!del) co_return del;
        if (kind.id == KindId::kResultaat && ctx.zaak->resultaat == target) {
            ctx.zaak->resultaat.reset();
            ctx.zaak->resultaattype.reset();
            auto ok = co_await store_.UpdateZaak(s, *ctx.zaak_before, *ctx.zaak);
            if (!ok) co_return Fail(ok.error());
        }
        co_return co_await WriteAudit(ctx, s, "destroy", 204);
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

Service::Service(Store& store, const json::SchemaSet& schemas, TypeSource& types)
    : store_(store), schemas_(schemas), types_(types) {
    // The expand paths the OAS allows on GET /zaken.
    const auto* paths = schemas_.document().as_object().if_contains("paths");
    const auto* zaken = paths ? paths->as_object().if_contains("/zaken") : nullptr;
    const auto* get = zaken ? zaken->as_object().if_contains("get") : nullptr;
    const auto* params = get ? get->as_object().if_contains("parameters") : nullptr;
    if (params && params->is_array()) {
        for (const auto& p : params->as_array()) {
            if (!p.is_object() || Str(p.as_object(), "name") != "expand") continue;
            const auto* items = p.as_object().at("schema").as_object().if_contains("items");
            const auto* values = items ? items->as_object().if_contains("enum") : nullptr;
            if (values && values->is_array()) {
                for (const auto& v : values->as_array()) expand_choices_.emplace_back(v.as_string());
            }
        }
    }
}

}  // namespace thorbecke::zaken
