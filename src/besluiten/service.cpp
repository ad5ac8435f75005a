// The Besluiten API's writes: besluiten (create, update, delete), besluitinformatieobjecten (create, delete)
// and besluit_verwerken, each with its rules, mirror and audit trail entry in one transaction.
#include "besluiten/service.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "besluiten/access.h"
#include "besluiten/internal.h"
#include "core/audit.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/json/stored_url.h"
#include "core/nl/identifiers.h"
#include "core/notify/outbox.h"
#include "core/storage/sequence.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::besluiten {

// ---- Helpers shared with query.cpp --------------------------------------------------------------------------

std::string Member(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool ListsUrl(const bj::object& o, std::string_view key, std::string_view url) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_array()) return false;
    const auto& items = v->as_array();
    return std::any_of(items.begin(), items.end(), [&](const bj::value& x) {
        return x.is_string() && std::string_view(x.as_string()) == url;
    });
}

Error Prefixed(Error e, std::string_view prefix) {
    for (auto& p : e.invalid_params) p.name = std::string(prefix) + p.name;
    return e;
}

Error Denied(std::string detail) {
    return Error::Forbidden(std::move(detail));
}

std::string Lowered(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

namespace {

constexpr std::string_view kClosedZaak = "Je mag geen gegevens aanpassen van een gesloten zaak.";

std::string_view VervalredenWeergave(std::string_view v) {
    if (v == "tijdelijk") return "Besluit met tijdelijke werking";
    if (v == "ingetrokken_overheid") return "Besluit ingetrokken door overheid";
    if (v == "ingetrokken_belanghebbende") return "Besluit ingetrokken o.v.v. belanghebbende";
    return "";
}

//! A nullable date of the request: null when absent, null or "".
bj::value OptionalDate(const bj::object& in, std::string_view key) {
    auto* v = in.if_contains(key);
    if (v && v->is_string() && !v->as_string().empty()) return *v;
    return nullptr;
}

std::string Marker() {
    return std::string(1, json::kBaseMarkerChar);
}

}  // namespace

// ---- Shared steps -------------------------------------------------------------------------------------------

asio::awaitable<Result<bj::object>> Service::FetchType(
    storage::Session& s, std::string field, std::string url, std::string base, std::string_view collection
) {
    std::string full = json::UnmarkBase(url, base);
    auto found = co_await types_.Find(full, base, &s);
    if (!found) co_return Fail(found.error());
    if (!*found) co_return Fail(Error::Field(field, "bad-url", "De URL kan niet worden opgevraagd."));
    auto parsed = json::Parse(**found);
    std::string expect = fmt::format("/{}/", collection);
    if (!parsed || !parsed->is_object() || full.find(expect) == std::string::npos) {
        co_return Fail(
            Error::Field(field, "invalid-resource", "De URL wijst niet naar een resource van het verwachte type.")
        );
    }
    co_return std::move(parsed->as_object());
}

asio::awaitable<Result<std::string>> Service::GenerateIdentificatie(
    storage::Session& s, std::string organisatie, std::string year
) {
    storage::IdentificatieTaken taken = [&](const std::string& candidate) -> asio::awaitable<Result<bool>> {
        co_return co_await store_.IdentificatieTaken(s, organisatie, candidate);
    };
    std::string counter = fmt::format("besluit:{}:{}", organisatie, year);
    std::string prefix = fmt::format("BESLUIT-{}-", year);
    co_return co_await storage::NextIdentificatie(s, "besluiten_counter", std::move(counter), std::move(prefix), taken);
}

asio::awaitable<Status> Service::WriteAudit(
    storage::Session& s,
    const http::Request& req,
    std::string_view resource,
    std::string_view actie,
    int status,
    const BesluitRow& besluit,
    std::string resource_path,
    std::string_view old_doc,
    std::string_view new_doc
) {
    audit::Change change;
    change.bron = kComponent;
    change.actie = actie;
    change.resultaat = status;
    change.hoofd_object = Marker() + std::string(kBesluitenPath) + besluit.uuid;
    change.resource = resource;
    change.resource_url = Marker() + resource_path;
    // How the reference implementation shows them: the besluit by its identificatie, a relation by both ends.
    change.resource_weergave =
        resource == "besluit"
            ? besluit.identificatie
            : fmt::format("({}) - {}", besluit.identificatie, resource_path.substr(resource_path.rfind('/') + 1));
    change.toelichting = req.Header("x-audit-toelichting");
    change.oud = old_doc;
    change.nieuw = new_doc;
    change.principal = req.principal ? &*req.principal : nullptr;
    audit::Entry entry = audit::Build(change);
    auto stored = co_await store_.InsertAudit(s, entry.uuid, besluit.uuid, entry.json);
    if (!stored) co_return stored;
    co_return co_await Announce(s, change, besluit, req.base_url);
}

asio::awaitable<Status> Service::Announce(
    storage::Session& s, const audit::Change& change, const BesluitRow& besluit, const std::string& base
) {
    notify::Message message = notify::FromChange(change, "besluiten", base);
    message.kenmerken.emplace_back("verantwoordelijke_organisatie", besluit.organisatie);
    message.kenmerken.emplace_back("besluittype", json::UnmarkBase(besluit.besluittype, base));
    co_return co_await notify::Publish(s, store_.db().dialect(), message);
}

// ---- Besluiten ----------------------------------------------------------------------------------------------

asio::awaitable<Status> Service::FetchZaak(BesluitWrite& w) {
    std::string zaak = json::UnmarkBase(Member(w.body, "zaak"), w.base);
    if (zaak.empty() || (zaken_ && zaken_->IsLocal(zaak, w.base))) co_return Status{};
    if (!client_) co_return Fail(Error::Field("zaak", "bad-url", "De URL kan niet worden opgevraagd."));
    auto answer = co_await client_->Get(zaak);
    if (!answer || answer->status != 200) {
        co_return Fail(Error::Field("zaak", "bad-url", "De URL kan niet worden opgevraagd."));
    }
    auto doc = json::Parse(answer->body);
    std::string zaaktype = doc && doc->is_object() ? Member(doc->as_object(), "zaaktype") : std::string();
    if (zaaktype.empty()) {
        co_return Fail(Error::Field("zaak", "invalid-resource", "De URL wijst niet naar een zaak."));
    }
    w.remote_zaaktype = zaaktype;
    co_return Status{};
}

asio::awaitable<Status> Service::WriteBesluitIn(storage::Session& s, BesluitWrite& w) {
    const std::string& base = w.base;
    // Every attempt starts from the request: a retried transaction sees fresh state.
    w.before.reset();
    bj::object in = w.body;
    if (!w.create) {
        auto b = co_await store_.GetBesluit(s, w.target, true);
        if (!b) co_return Fail(b.error());
        if (!*b) co_return Fail(Error::NotFound());
        w.before = std::move(**b);
        if (!MayAccess(w.principal, w.scopes, w.before->besluittype_key)) co_return Fail(Denied());
        auto stored = json::Parse(w.before->doc);
        if (!stored || !stored->is_object()) co_return Fail(Error::Internal("stored besluit is not an object"));
        if (w.partial) {
            bj::object merged = std::move(stored->as_object());
            for (const auto& kv : w.body) merged[kv.key()] = kv.value();
            in = std::move(merged);
        } else if (!in.contains("identificatie")) {
            in["identificatie"] = w.before->identificatie;
        }
        // brc-001, brc-002: what identifies a besluit and its type stay as they are.
        const std::array<std::pair<std::string_view, const std::string*>, 3> fixed{
            std::pair<std::string_view, const std::string*>{"identificatie", &w.before->identificatie},
            {"verantwoordelijkeOrganisatie", &w.before->organisatie},
            {"besluittype", &w.before->besluittype}};
        for (const auto& [field, old] : fixed) {
            if (Member(in, field) != *old) {
                co_return Fail(
                    Error::Field(std::string(field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
                );
            }
        }
    }

    std::vector<InvalidParam> errors;
    std::string organisatie = Member(in, "verantwoordelijkeOrganisatie");
    if (!nl::IsValidRsin(organisatie)) {
        errors.push_back({"verantwoordelijkeOrganisatie", "invalid", "Onjuist RSIN-nummer (elfproef)."});
    }
    std::string datum = Member(in, "datum");
    if (auto d = ParseDate(datum); d && *d > Today()) {
        errors.push_back({"datum", "future_not_allowed", "Deze datum mag niet in de toekomst zijn."});
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    // brc-001: a published besluittype of a Catalogi API.
    std::string besluittype = Member(in, "besluittype");
    auto type = co_await FetchType(s, "besluittype", besluittype, base, "besluittypen");
    if (!type) co_return Fail(type.error());
    if (w.create) {
        auto* is_concept = type->if_contains("concept");
        if (is_concept && is_concept->is_bool() && is_concept->as_bool()) {
            co_return Fail(Error::Field("besluittype", "not-published", "Het besluittype is nog niet gepubliceerd."));
        }
    }
    std::string key = BesluittypeKey(besluittype);
    if (w.create && !MayAccess(w.principal, w.scopes, key)) co_return Fail(Denied());

    // The zaak: one of this platform (zaken_) or of another Zaken API (fetched before), whose zaaktype
    // lists the besluittype (brc-007 of the standard, "zaaktype-mismatch").
    std::string zaak = Member(in, "zaak");
    std::string old_zaak = w.before ? w.before->zaak : std::string();
    bool zaak_changed = zaak != old_zaak;
    std::string old_full = json::UnmarkBase(old_zaak, base);
    if (!old_zaak.empty() && zaken_ && zaken_->IsLocal(old_full, base)) {
        auto facts = co_await zaken_->Facts(s, old_full, base);
        if (!facts) co_return Fail(facts.error());
        if (*facts && (*facts)->closed && !MayChangeClosedZaak(w.principal, (*facts)->zaaktype)) {
            co_return Fail(Denied(std::string(kClosedZaak)));
        }
    }
    if (!zaak.empty() && zaak_changed) {
        std::string full = json::UnmarkBase(zaak, base);
        std::string zaaktype;
        if (zaken_ && zaken_->IsLocal(full, base)) {
            auto facts = co_await zaken_->Facts(s, full, base);
            if (!facts) co_return Fail(facts.error());
            if (!*facts) co_return Fail(Error::Field("zaak", "bad-url", "De URL kan niet worden opgevraagd."));
            if ((*facts)->closed && !MayChangeClosedZaak(w.principal, (*facts)->zaaktype)) {
                co_return Fail(Denied(std::string(kClosedZaak)));
            }
            zaaktype = (*facts)->zaaktype;
        } else if (w.remote_zaaktype) {
            zaaktype = *w.remote_zaaktype;
        } else {
            co_return Fail(Error::Field("zaak", "bad-url", "De URL kan niet worden opgevraagd."));
        }
        auto zt = co_await FetchType(s, "zaak", zaaktype, base, "zaaktypen");
        if (!zt) co_return Fail(zt.error());
        if (!ListsUrl(*zt, "besluittypen", json::UnmarkBase(besluittype, base))) {
            co_return Fail(Error::Field(
                "nonFieldErrors", "zaaktype-mismatch", "De referentie hoort niet bij het zaaktype van de zaak."
            ));
        }
    }

    // brc-002: a given identificatie is unique within the organisatie; none given: one is generated.
    std::string identificatie = Member(in, "identificatie");
    if (w.create) {
        if (!identificatie.empty()) {
            auto taken = co_await store_.IdentificatieTaken(s, organisatie, identificatie);
            if (!taken) co_return Fail(taken.error());
            if (*taken) {
                co_return Fail(Error::Field(
                    "identificatie",
                    "identificatie-niet-uniek",
                    "Deze identificatie bestaat al voor deze verantwoordelijke organisatie."
                ));
            }
        } else {
            std::string year = datum.size() >= 4 ? datum.substr(0, 4) : FormatDate(Today()).substr(0, 4);
            auto generated = co_await GenerateIdentificatie(s, organisatie, year);
            if (!generated) co_return Fail(generated.error());
            identificatie = std::move(*generated);
        }
    }

    BesluitRow row;
    row.uuid = w.before ? w.before->uuid : NewUuid();
    row.identificatie = identificatie;
    row.organisatie = organisatie;
    row.besluittype = besluittype;
    row.besluittype_key = key;
    row.zaak = zaak;
    bj::object doc;
    doc["url"] = Marker() + std::string(kBesluitenPath) + row.uuid;
    doc["identificatie"] = identificatie;
    doc["verantwoordelijkeOrganisatie"] = organisatie;
    doc["besluittype"] = besluittype;
    doc["zaak"] = zaak;
    doc["datum"] = datum;
    doc["toelichting"] = Member(in, "toelichting");
    doc["bestuursorgaan"] = Member(in, "bestuursorgaan");
    doc["ingangsdatum"] = Member(in, "ingangsdatum");
    doc["vervaldatum"] = OptionalDate(in, "vervaldatum");
    std::string vervalreden = Member(in, "vervalreden");
    doc["vervalreden"] = vervalreden;
    doc["vervalredenWeergave"] = VervalredenWeergave(vervalreden);
    doc["publicatiedatum"] = OptionalDate(in, "publicatiedatum");
    doc["verzenddatum"] = OptionalDate(in, "verzenddatum");
    doc["uiterlijkeReactiedatum"] = OptionalDate(in, "uiterlijkeReactiedatum");
    row.doc = json::Serialize(doc);
    if (w.create) {
        auto inserted = co_await store_.InsertBesluit(s, row);
        // A concurrent request took the identificatie after it was checked.
        if (!inserted && inserted.error().code == storage::kUniqueViolation) {
            co_return Fail(Error::Field(
                "identificatie",
                "identificatie-niet-uniek",
                "Deze identificatie bestaat al voor deze verantwoordelijke organisatie."
            ));
        }
        if (!inserted) co_return inserted;
    } else {
        auto updated = co_await store_.UpdateBesluit(s, row);
        if (!updated) co_return updated;
    }

    // brc-006 of the standard: the zaak of this platform lists the besluit (zaakbesluit), in this transaction.
    if (zaken_ && zaak_changed) {
        std::string besluit_url = base + std::string(kBesluitenPath) + row.uuid;
        if (!old_zaak.empty() && zaken_->IsLocal(old_full, base)) {
            auto removed = co_await zaken_->RemoveBesluit(s, old_full, besluit_url, base, w.principal);
            if (!removed) co_return removed;
        }
        std::string new_full = json::UnmarkBase(zaak, base);
        if (!zaak.empty() && zaken_->IsLocal(new_full, base)) {
            auto added = co_await zaken_->AddBesluit(s, new_full, besluit_url, base, w.principal);
            if (!added) co_return added;
        }
    }
    w.row = row;
    std::string_view actie = w.create ? "create" : (w.partial ? "partial_update" : "update");
    std::string old_doc = w.before ? w.before->doc : std::string();
    std::string path = std::string(kBesluitenPath) + row.uuid;
    int status = w.create ? 201 : 200;
    co_return co_await WriteAudit(s, w.req, "besluit", actie, status, row, path, old_doc, row.doc);
}

asio::awaitable<Result<http::Response>> Service::WriteBesluit(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) {
        co_return Fail(Error::Field("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    }
    bool partial = op.action == Action::kPartialUpdate;
    auto errors = schemas_.Validate(partial ? "PatchedBesluitRequest" : "BesluitRequest", *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    json::MarkBase(*parsed, req.base_url);

    BesluitWrite w{req, req.base_url};
    w.principal = req.principal ? &*req.principal : nullptr;
    w.scopes = op.scopes;
    w.create = op.action == Action::kCreate;
    w.partial = partial;
    w.body = std::move(parsed->as_object());
    if (!w.create) {
        w.target = Lowered(req.PathParam("uuid"));
        if (!IsUuid(w.target)) co_return Fail(Error::NotFound());
    }
    auto fetched = co_await FetchZaak(w);
    if (!fetched) co_return Fail(fetched.error());
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await WriteBesluitIn(s, w);
    });
    if (!st) co_return Fail(st.error());
    http::Response resp = http::Response::Json(w.create ? 201 : 200, json::ExpandBase(w.row.doc, req.base_url));
    if (w.create) resp.SetHeader("Location", req.base_url + std::string(kBesluitenPath) + w.row.uuid);
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::RemoveBesluit(const Operation& op, http::Request& req) {
    std::string target = Lowered(req.PathParam("uuid"));
    if (!IsUuid(target)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    const std::string& base = req.base_url;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto b = co_await store_.GetBesluit(s, target, true);
        if (!b) co_return Fail(b.error());
        if (!*b) co_return Fail(Error::NotFound());
        const BesluitRow& besluit = **b;
        if (!MayAccess(principal, op.scopes, besluit.besluittype_key)) co_return Fail(Denied());
        std::string besluit_url = base + std::string(kBesluitenPath) + besluit.uuid;
        std::string zaak = json::UnmarkBase(besluit.zaak, base);
        bool local_zaak = zaken_ && !zaak.empty() && zaken_->IsLocal(zaak, base);
        if (local_zaak) {
            auto facts = co_await zaken_->Facts(s, zaak, base);
            if (!facts) co_return Fail(facts.error());
            if (*facts && (*facts)->closed && !MayChangeClosedZaak(principal, (*facts)->zaaktype)) {
                co_return Fail(Denied(std::string(kClosedZaak)));
            }
            auto removed = co_await zaken_->RemoveBesluit(s, zaak, besluit_url, base, principal);
            if (!removed) co_return removed;
        }
        // brc-009 of the standard: its besluitinformatieobjecten (and the objectinformatieobjecten that mirror
        // them) and its audit trail go with it.
        if (documenten_) {
            storage::Where w;
            w.Add("o.besluit = ?", storage::MakeParams(besluit.uuid));
            auto bios = co_await store_.ListBios(s, w);
            if (!bios) co_return Fail(bios.error());
            for (const auto& bio : *bios) {
                std::string io = json::UnmarkBase(bio.informatieobject, base);
                if (!documenten_->IsLocal(io, base)) continue;
                auto unlinked = co_await documenten_->Unlink(s, io, besluit_url, base);
                if (!unlinked) co_return unlinked;
            }
        }
        auto deleted = co_await store_.DeleteBesluit(s, besluit.uuid);
        if (!deleted) co_return deleted;
        audit::Change change = notify::RemovalOf("besluit", Marker() + std::string(kBesluitenPath) + besluit.uuid);
        co_return co_await Announce(s, change, besluit, base);
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

// ---- Besluitinformatieobjecten ------------------------------------------------------------------------------

asio::awaitable<Status> Service::FetchDocument(BioWrite& w) {
    std::string url = json::UnmarkBase(w.informatieobject, w.base);
    if (url.empty() || (documenten_ && documenten_->IsLocal(url, w.base))) co_return Status{};
    if (!client_) co_return Fail(Error::Field("informatieobject", "bad-url", "De URL kan niet worden opgevraagd."));
    auto answer = co_await client_->Get(url);
    if (!answer || answer->status != 200) {
        co_return Fail(Error::Field("informatieobject", "bad-url", "De URL kan niet worden opgevraagd."));
    }
    auto doc = json::Parse(answer->body);
    std::string iot = doc && doc->is_object() ? Member(doc->as_object(), "informatieobjecttype") : std::string();
    if (iot.empty()) {
        co_return Fail(
            Error::Field("informatieobject", "invalid-resource", "De URL wijst niet naar een informatieobject.")
        );
    }
    w.remote_iot = iot;
    co_return Status{};
}

asio::awaitable<Status> Service::CreateBioIn(storage::Session& s, BioWrite& w) {
    const std::string& base = w.base;
    auto uuid = json::UuidAfter(w.besluit, kBesluitenPath);
    if (w.besluit.empty() || w.besluit.front() != json::kBaseMarkerChar || !uuid) {
        co_return Fail(Error::Field("besluit", "no_match", "Ongeldige hyperlink - Onjuiste URL-match."));
    }
    auto b = co_await store_.GetBesluit(s, *uuid, true);
    if (!b) co_return Fail(b.error());
    if (!*b) co_return Fail(Error::Field("besluit", "does_not_exist", "Ongeldige hyperlink - Object bestaat niet."));
    const BesluitRow& besluit = **b;
    if (!MayAccess(w.principal, w.scopes, besluit.besluittype_key)) co_return Fail(Denied());

    // brc-003: the document exists (this platform's, or fetched before from another Documenten API).
    std::string io = json::UnmarkBase(w.informatieobject, base);
    bool local = documenten_ && documenten_->IsLocal(io, base);
    std::string iot;
    if (local) {
        auto facts = co_await documenten_->Facts(s, io, base);
        if (!facts) co_return Fail(facts.error());
        if (!*facts) {
            co_return Fail(Error::Field("informatieobject", "bad-url", "De URL kan niet worden opgevraagd."));
        }
        iot = (*facts)->informatieobjecttype;
    } else if (w.remote_iot) {
        iot = *w.remote_iot;
    } else {
        co_return Fail(Error::Field("informatieobject", "bad-url", "De URL kan niet worden opgevraagd."));
    }
    // brc-008 of the standard: the besluittype allows the document's informatieobjecttype.
    auto type = co_await FetchType(s, "besluit", besluit.besluittype, base, "besluittypen");
    if (!type) co_return Fail(type.error());
    if (!ListsUrl(*type, "informatieobjecttypen", iot)) {
        co_return Fail(Error::Field(
            "nonFieldErrors",
            "missing-besluittype-informatieobjecttype-relation",
            "Het informatieobjecttype hoort niet bij het besluittype van het besluit."
        ));
    }
    auto exists = co_await store_.BioExists(s, besluit.uuid, w.informatieobject);
    if (!exists) co_return Fail(exists.error());
    if (*exists) {
        co_return Fail(
            Error::Field("nonFieldErrors", "unique", "De velden besluit, informatieobject moeten een unieke set zijn.")
        );
    }

    BioRow row;
    row.uuid = NewUuid();
    row.besluit = besluit.uuid;
    row.informatieobject = w.informatieobject;
    bj::object doc;
    doc["url"] = Marker() + std::string(kBiosPath) + row.uuid;
    doc["informatieobject"] = w.informatieobject;
    doc["besluit"] = Marker() + std::string(kBesluitenPath) + besluit.uuid;
    row.doc = json::Serialize(doc);
    auto inserted = co_await store_.InsertBio(s, row);
    if (!inserted && inserted.error().code == storage::kUniqueViolation) {  // a concurrent request was first
        co_return Fail(
            Error::Field("nonFieldErrors", "unique", "De velden besluit, informatieobject moeten een unieke set zijn.")
        );
    }
    if (!inserted) co_return inserted;
    // brc-005: the objectinformatieobject of this platform's document, in this transaction.
    if (local) {
        std::string besluit_url = base + std::string(kBesluitenPath) + besluit.uuid;
        std::string object_type = "besluit";
        auto linked = co_await documenten_->Link(s, io, besluit_url, object_type, base);
        if (!linked) co_return linked;
    }
    w.row = row;
    std::string path = std::string(kBiosPath) + row.uuid;
    co_return co_await WriteAudit(s, w.req, "besluitinformatieobject", "create", 201, besluit, path, "", row.doc);
}

asio::awaitable<Result<http::Response>> Service::CreateBio(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) {
        co_return Fail(Error::Field("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    }
    auto errors = schemas_.Validate("BesluitInformatieObjectRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    json::MarkBase(*parsed, req.base_url);
    BioWrite w{req, req.base_url};
    w.principal = req.principal ? &*req.principal : nullptr;
    w.scopes = op.scopes;
    w.besluit = Member(parsed->as_object(), "besluit");
    w.informatieobject = Member(parsed->as_object(), "informatieobject");
    auto fetched = co_await FetchDocument(w);
    if (!fetched) co_return Fail(fetched.error());
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await CreateBioIn(s, w);
    });
    if (!st) co_return Fail(st.error());
    http::Response resp = http::Response::Json(201, json::ExpandBase(w.row.doc, req.base_url));
    resp.SetHeader("Location", req.base_url + std::string(kBiosPath) + w.row.uuid);
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::RemoveBio(const Operation& op, http::Request& req) {
    std::string target = Lowered(req.PathParam("uuid"));
    if (!IsUuid(target)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    const std::string& base = req.base_url;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto bio = co_await store_.GetBio(s, target);
        if (!bio) co_return Fail(bio.error());
        if (!*bio) co_return Fail(Error::NotFound());
        auto b = co_await store_.GetBesluit(s, (*bio)->besluit, true);
        if (!b) co_return Fail(b.error());
        if (!*b) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, (*b)->besluittype_key)) co_return Fail(Denied());
        auto deleted = co_await store_.DeleteBio(s, target);
        if (!deleted) co_return deleted;
        std::string io = json::UnmarkBase((*bio)->informatieobject, base);
        if (documenten_ && documenten_->IsLocal(io, base)) {
            std::string besluit_url = base + std::string(kBesluitenPath) + (*b)->uuid;
            auto unlinked = co_await documenten_->Unlink(s, io, besluit_url, base);
            if (!unlinked) co_return unlinked;
        }
        std::string path = std::string(kBiosPath) + target;
        co_return co_await WriteAudit(s, req, "besluitinformatieobject", "destroy", 204, **b, path, (*bio)->doc, "");
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

// ---- besluit_verwerken --------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Verwerken(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) {
        co_return Fail(Error::Field("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    }
    auto errors = schemas_.Validate("BesluitVerwerkenRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    json::MarkBase(*parsed, req.base_url);
    const bj::object& body = parsed->as_object();
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;

    BesluitWrite besluit{req, req.base_url};
    besluit.principal = principal;
    besluit.scopes = op.scopes;
    besluit.body = body.at("besluit").as_object();
    auto fetched = co_await FetchZaak(besluit);
    if (!fetched) co_return Fail(Prefixed(fetched.error(), "besluit."));
    std::vector<BioWrite> bios;
    const auto& items = body.at("besluitinformatieobjecten").as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        BioWrite bio{req, req.base_url};
        bio.principal = principal;
        bio.scopes = op.scopes;
        bio.informatieobject = Member(items[i].as_object(), "informatieobject");
        auto got = co_await FetchDocument(bio);
        if (!got) co_return Fail(Prefixed(got.error(), fmt::format("besluitinformatieobjecten.{}.", i)));
        bios.push_back(std::move(bio));
    }
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto written = co_await WriteBesluitIn(s, besluit);
        if (!written) co_return Fail(Prefixed(written.error(), "besluit."));
        for (std::size_t i = 0; i < bios.size(); ++i) {
            bios[i].besluit = Marker() + std::string(kBesluitenPath) + besluit.row.uuid;
            auto created = co_await CreateBioIn(s, bios[i]);
            if (!created) co_return Fail(Prefixed(created.error(), fmt::format("besluitinformatieobjecten.{}.", i)));
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    std::string out =
        "{\"besluit\":" + json::ExpandBase(besluit.row.doc, req.base_url) + ",\"besluitinformatieobjecten\":[";
    for (std::size_t i = 0; i < bios.size(); ++i) {
        if (i) out += ',';
        json::AppendExpanded(out, bios[i].row.doc, req.base_url);
    }
    out += "]}";
    http::Response resp = http::Response::Json(201, std::move(out));
    resp.SetHeader("Location", req.base_url + std::string(kBesluitenPath) + besluit.row.uuid);
    co_return resp;
}

}  // namespace thorbecke::besluiten
