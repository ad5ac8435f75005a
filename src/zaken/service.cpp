// The Zaken API's operations: reading one object, writing (create, update, delete) with the rules and the
// audit trail in one transaction.
#include "zaken/service.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/audit.h"
#include "core/geo/geometry.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/notify/outbox.h"
#include "core/time.h"
#include "core/uuid.h"
#include "zaken/internal.h"
#include "zaken/rules.h"

namespace thorbecke::zaken {

using namespace detail;

asio::awaitable<Result<bj::object>> Service::FetchType(
    std::string field, std::string url, std::string base, std::string_view expect_path, storage::Session* session
) {
    std::string full = Full(url, base);
    auto found = co_await types_.Find(full, base, session);
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
    std::string zaak_uuid = ctx.zaak ? ctx.zaak->uuid : (ctx.zaak_before ? ctx.zaak_before->uuid : std::string());
    std::string resource_path =
        kind.id == KindId::kZaak ? std::string(kZakenPath) + zaak_uuid : ObjectPath(kind, zaak_uuid, ctx.uuid);
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
    audit::Change change;
    change.bron = kComponent;
    change.actie = actie;
    change.resultaat = status;
    change.hoofd_object = marker + std::string(kZakenPath) + zaak_uuid;
    change.resource = kind.name;
    change.resource_url = marker + resource_path;
    change.resource_weergave = weergave;
    change.toelichting = ctx.req.Header("x-audit-toelichting");
    change.oud = old_doc;
    change.nieuw = new_doc;
    change.principal = ctx.principal;
    audit::Entry entry = audit::Build(change);
    auto stored = co_await store_.InsertAudit(s, entry.uuid, zaak_uuid, entry.json);
    if (!stored) co_return stored;
    const ZaakRow& zaak = ctx.zaak ? *ctx.zaak : *ctx.zaak_before;
    co_return co_await Announce(s, change, zaak, ctx.base);
}

asio::awaitable<Status> Service::AnnounceRemoval(storage::Session& s, const ZaakRow& zaak, const std::string& base) {
    // The audit trail goes with the zaak (zrc-023); the announcement of its removal does not.
    audit::Change change =
        notify::RemovalOf("zaak", std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak.uuid);
    co_return co_await Announce(s, change, zaak, base);
}

asio::awaitable<Status> Service::Announce(
    storage::Session& s, const audit::Change& change, const ZaakRow& zaak, const std::string& base
) {
    notify::Message message = notify::FromChange(change, "zaken", base);
    message.kenmerken.emplace_back("bronorganisatie", zaak.bronorganisatie);
    message.kenmerken.emplace_back("zaaktype", Full(zaak.zaaktype, base));
    std::string vertrouwelijkheid;
    if (zaak.vertrouwelijkheid > 0) vertrouwelijkheid = kVertrouwelijkheidaanduidingen[zaak.vertrouwelijkheid - 1];
    message.kenmerken.emplace_back("vertrouwelijkheidaanduiding", std::move(vertrouwelijkheid));
    co_return co_await notify::Publish(s, store_.db().dialect(), message);
}

asio::awaitable<Status> Service::FetchReferences(Ctx& ctx) {
    static const std::map<KindId, std::string_view> kReferences{
        {KindId::kZaakinformatieobject, "informatieobject"},
        {KindId::kZaakobject, "object"},
        {KindId::kZaakcontactmoment, "contactmoment"},
        {KindId::kZaakverzoek, "verzoek"}};
    if (!client_) co_return Status{};
    if (ctx.op.kind->id == KindId::kZaak) {
        // zrc-010: the communicatiekanaal is a Referentielijsten communicatiekanaal.
        if (std::string kanaal = Full(Str(ctx.body, "communicatiekanaal"), ctx.base); !kanaal.empty()) {
            auto answer = co_await client_->Get(kanaal);
            if (!answer || answer->status != 200) {
                co_return Fail(Rule("communicatiekanaal", "bad-url", "De URL kan niet worden opgevraagd."));
            }
            auto doc = json::Parse(answer->body);
            if (!doc || !doc->is_object() || !doc->as_object().contains("naam")) {
                co_return Fail(
                    Rule("communicatiekanaal", "invalid-resource", "De URL wijst niet naar een communicatiekanaal.")
                );
            }
        }
        // zrc-022: archiving a zaak needs its documents archived; ask each for its status now, outside the
        // transaction (PrepareZaak checks the answers against the links it finds).
        std::string archiefstatus = Str(ctx.body, "archiefstatus");
        std::string target = Lower(ctx.req.PathParam("uuid"));
        if (!archiefstatus.empty() && archiefstatus != "nog_te_archiveren" && IsUuid(target)) {
            std::vector<ObjectRow> links;
            auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
                std::vector<std::string> one{target};
                std::vector<std::string> kinds{"zaakinformatieobject"};
                auto found = co_await store_.ObjectsOf(s, one, kinds, false);
                if (!found) co_return Fail(found.error());
                links = std::move(*found);
                co_return Status{};
            });
            if (!rd) co_return rd;
            for (const auto& link : links) {
                if (LocalDocument(Full(link.ref, ctx.base), ctx.base)) continue;  // read in the transaction
                auto answer = co_await client_->Get(Full(link.ref, ctx.base));
                if (!answer || answer->status != 200) continue;
                auto doc = json::Parse(answer->body);
                if (doc && doc->is_object() && Str(doc->as_object(), "status") == "gearchiveerd") {
                    ctx.remote["gearchiveerd:" + link.ref] = bj::object();
                }
            }
        }
        // zrc-011: relevante andere zaken of other Zaken APIs must answer (this API's own are looked up).
        if (auto* rel = ctx.body.if_contains("relevanteAndereZaken"); rel && rel->is_array()) {
            for (std::size_t i = 0; i < rel->as_array().size(); ++i) {
                const auto& item = rel->as_array()[i];
                std::string url = item.is_object() ? Str(item.as_object(), "url") : std::string();
                if (url.empty() || url.front() == json::kBaseMarkerChar) continue;
                auto answer = co_await client_->Get(url);
                if (!answer || answer->status != 200) {
                    co_return Fail(Rule(
                        fmt::format("relevanteAndereZaken.{}.url", i), "bad-url", "De URL kan niet worden opgevraagd."
                    ));
                }
                ctx.remote[fmt::format("relevanteAndereZaken.{}", i)] = bj::object();
            }
        }
        co_return Status{};
    }
    auto ref = kReferences.find(ctx.op.kind->id);
    if (ref == kReferences.end()) co_return Status{};
    std::string field(ref->second);
    std::string url = Full(Str(ctx.body, field), ctx.base);
    if (url.empty()) co_return Status{};
    // The platform's own documents and besluiten are read in the transaction that links them (PrepareObject).
    if (ctx.op.kind->id == KindId::kZaakinformatieobject && LocalDocument(url, ctx.base)) co_return Status{};
    if (ctx.op.kind->id == KindId::kZaakobject && LocalBesluit(url, ctx.base)) co_return Status{};
    auto answer = co_await client_->Get(url);
    if (!answer || answer->status != 200) {
        co_return Fail(Rule(field, "bad-url", "De URL kan niet worden opgevraagd."));
    }
    auto doc = json::Parse(answer->body);
    if (!doc || !doc->is_object()) {
        co_return Fail(Rule(field, "invalid-resource", "De URL wijst niet naar een geldige resource."));
    }
    ctx.remote[field] = std::move(doc->as_object());
    co_return Status{};
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
    // A change of a field that may not change is named as such, before the new value's shape is checked
    // (another objectType would otherwise fail on the other variant's fields first).
    if (op.action != Action::kCreate && kind.id != KindId::kZaak && parsed->is_object()) {
        auto fields = ImmutableFields(kind.id);
        bool touched = std::any_of(fields.begin(), fields.end(), [&](std::string_view f) {
            return parsed->as_object().contains(f);
        });
        std::string uuid = Lower(req.PathParam("uuid"));
        if (touched && IsUuid(uuid)) {
            std::optional<ObjectRow> existing;
            auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
                auto o = co_await store_.GetObject(s, uuid, false);
                if (!o) co_return Fail(o.error());
                existing = std::move(*o);
                co_return Status{};
            });
            if (!rd) co_return Fail(rd.error());
            auto before = existing ? json::Parse(existing->doc) : Result<bj::value>(bj::value());
            if (existing && existing->kind == kind.name && before && before->is_object()) {
                bj::value incoming = *parsed;
                ToStored(incoming, req.base_url);
                for (auto f : fields) {
                    auto* v = incoming.as_object().if_contains(f);
                    auto* old = before->as_object().if_contains(f);
                    if (v && (!old || *v != *old)) {
                        co_return Fail(
                            Rule(std::string(f), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
                        );
                    }
                }
            }
        }
    }
    std::string_view schema = partial ? kind.patch_schema : kind.request_schema;
    AssumeUtc(schemas_, schema, parsed->as_object());
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

    auto fetched = co_await FetchReferences(ctx);
    if (!fetched) co_return Fail(fetched.error());
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await WriteIn(s, ctx, target);
    });
    if (!st) co_return Fail(st.error());
    Changed();  // this node's next read must not see the old state

    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto r = co_await RenderWritten(s, ctx);
        if (!r) co_return Fail(r.error());
        body = std::move(*r);
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    http::Response resp = JsonResponse(ctx.create ? 201 : 200, std::move(body), is_zaak);
    if (ctx.create) {
        std::string path = is_zaak ? std::string(kZakenPath) + ctx.zaak->uuid
                                   : ObjectPath(kind, ctx.zaak ? ctx.zaak->uuid : std::string(), ctx.uuid);
        resp.SetHeader("Location", req.base_url + path);
    }
    co_return resp;
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
            // zrc-023: the deelzaken go with their hoofdzaak, everything under them too, and the audit trail
            // of what is destroyed goes with it.
            auto deel = co_await store_.Deelzaken(s, target);
            if (!deel) co_return Fail(deel.error());
            auto deelzaken = co_await store_.GetZaken(s, *deel);
            if (!deelzaken) co_return Fail(deelzaken.error());
            std::vector<std::string> doomed{target};
            for (const auto& d : *deelzaken) doomed.push_back(d.uuid);
            auto unlinked = co_await UnlinkDocuments(s, doomed, ctx.base);
            if (!unlinked) co_return unlinked;
            for (const auto& d : *deelzaken) {
                if (!MayAccess(ctx.principal, op.scopes, d)) co_return Fail(Forbidden());
                auto gone = co_await store_.DeleteZaak(s, d);
                if (!gone) co_return gone;
                auto trail = co_await store_.DeleteAudit(s, d.uuid);
                if (!trail) co_return trail;
                auto announced = co_await AnnounceRemoval(s, d, ctx.base);
                if (!announced) co_return announced;
            }
            auto del = co_await store_.DeleteZaak(s, **z);
            if (!del) co_return del;
            auto trail = co_await store_.DeleteAudit(s, target);
            if (!trail) co_return trail;
            co_return co_await AnnounceRemoval(s, **z, ctx.base);
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
        if (kind.id == KindId::kZaakinformatieobject && LocalDocument(Full((*o)->ref, ctx.base), ctx.base)) {
            // zrc-005: the objectinformatieobject goes in the same transaction.
            std::string zaak = ctx.base + std::string(kZakenPath) + (*o)->zaak;
            auto gone = co_await documenten_->Unlink(s, Full((*o)->ref, ctx.base), zaak, ctx.base);
            if (!gone) co_return gone;
        }
        if (kind.id == KindId::kResultaat && ctx.zaak->resultaat == target) {
            ctx.zaak->resultaat.reset();
            ctx.zaak->resultaattype.reset();
            auto ok = co_await store_.UpdateZaak(s, *ctx.zaak_before, *ctx.zaak);
            if (!ok) co_return Fail(ok.error());
        }
        co_return co_await WriteAudit(ctx, s, "destroy", 204);
    });
    if (!st) co_return Fail(st.error());
    Changed();  // this node's next read must not see the old state
    co_return http::Response::NoContent();
}

Service::Service(Store& store, const json::SchemaSet& schemas, TypeSource& types, http::HttpClient* client)
    : store_(store), schemas_(schemas), types_(types), client_(client) {
    // What each list endpoint accepts, from the OAS: parameter names and their allowed values, so that a
    // typo or an unknown value is a 400, not a silently empty or unfiltered list.
    list_params_ = json::OasQueryParams(schemas_);
    const auto& paths = schemas_.document().as_object().at("paths").as_object();
    if (const auto* zoek = paths.if_contains("/zaken/_zoek")) {
        const auto* body = zoek->as_object().at("post").as_object().if_contains("requestBody");
        const auto* schema =
            body ? body->as_object().at("content").as_object().at("application/json").as_object().if_contains("schema")
                 : nullptr;
        if (schema && schema->is_object()) {
            zoek_schema_ = &schema->as_object();
            auto& known = list_params_["/zaken/_zoek"];
            for (const auto& [name, prop] : schema->as_object().at("properties").as_object()) {
                known[std::string(name)] = json::OasChoices(schemas_, &prop);
            }
            known["page"] = {};
            known["pageSize"] = {};
        }
    }
}

std::optional<InvalidParam> Service::CheckListParam(
    const std::string& path, const std::string& name, const std::string& value, bool list_value
) const {
    auto endpoint = list_params_.find(path);
    if (endpoint == list_params_.end()) return std::nullopt;
    auto param = endpoint->second.find(name);
    if (param == endpoint->second.end()) {
        return InvalidParam{"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)};
    }
    const auto& choices = param->second;
    if (choices.empty() || name == "expand" || name == "ordering") return std::nullopt;
    std::vector<std::string> values;
    if (list_value) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            if (comma > start) values.push_back(value.substr(start, comma - start));
            start = comma + 1;
        }
    } else {
        values.push_back(value);
    }
    for (const auto& v : values) {
        if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
            return InvalidParam{
                name, "invalid_choice", fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", v)};
        }
    }
    return std::nullopt;
}

}  // namespace thorbecke::zaken
