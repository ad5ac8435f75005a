// The standard's rules for writes: zaken (zrc-001 … zrc-023), the objects under them, closing and reopening.
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

asio::awaitable<Status> Service::PrepareZaak(Ctx& ctx, storage::Session& s) {
    bj::object& in = ctx.input;
    const std::string& base = ctx.base;
    std::vector<InvalidParam> errors;
    const std::optional<ZaakRow>& before = ctx.zaak_before;

    // zrc-007: a closed zaak changes only with the forced scope.
    if (before && before->einddatum) {
        std::vector<std::string> forced{std::string(kGeforceerd)};
        if (!MayAccess(ctx.principal, forced, *before)) co_return Fail(Forbidden());
    }

    std::string zaaktype_url = Str(in, "zaaktype");
    if (before) {
        // An update that leaves the identificatie out keeps it (it is never regenerated).
        if (auto* v = in.if_contains("identificatie"); !v || v->is_null()) in["identificatie"] = before->identificatie;
        for (const auto& [field, old] :
             {std::pair<std::string, std::string>{"zaaktype", before->zaaktype},
              {"identificatie", before->identificatie},
              {"bronorganisatie", before->bronorganisatie}}) {
            auto* v = in.if_contains(field);
            if (v && v->is_string() && std::string_view(v->as_string()) != old) {
                co_return Fail(Rule(field, "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden."));
            }
        }
    }
    auto zaaktype = co_await FetchType("zaaktype", zaaktype_url, base, kZaaktypenPath, &s);
    if (!zaaktype) co_return Fail(zaaktype.error());
    ctx.zaaktype = std::move(*zaaktype);
    if (!before) {
        auto* is_concept = ctx.zaaktype.if_contains("concept");
        if (is_concept && is_concept->is_bool() && is_concept->as_bool()) {
            co_return Fail(Rule("zaaktype", "not-published", "Het zaaktype is nog niet gepubliceerd."));
        }
    }

    for (std::string field : {"bronorganisatie", "verantwoordelijkeOrganisatie"}) {
        std::string v = Str(in, field);
        if (!v.empty() && !IsValidRsin(v)) errors.push_back({field, "invalid", "Onjuist RSIN-nummer (elfproef)."});
    }
    if (Str(in, "betalingsindicatie") == "nvt") {
        // zrc-014: nothing to pay, so no payment date; one still stored from before is cleared.
        auto* d = ctx.body.if_contains("laatsteBetaaldatum");
        if (!d || d->is_null()) in["laatsteBetaaldatum"] = nullptr;
        if (d && !d->is_null()) {
            errors.push_back(
                {"laatsteBetaaldatum",
                 "betaling-nvt",
                 "Laatste betaaldatum kan niet gezet worden als er geen betaling nodig is."}
            );
        }
    }
    if (auto* pod = in.if_contains("productenOfDiensten"); pod && pod->is_array()) {
        for (const auto& p : pod->as_array()) {
            if (p.is_string() && !Contains(ctx.zaaktype, "productenOfDiensten", Full(p.as_string(), base))) {
                errors.push_back(
                    {"productenOfDiensten",
                     "invalid-products-services",
                     "Niet alle producten/diensten komen voor in de producten/diensten op het zaaktype."}
                );
                break;
            }
        }
    }
    if (auto* rel = in.if_contains("relevanteAndereZaken"); rel && rel->is_array()) {
        for (std::size_t i = 0; i < rel->as_array().size(); ++i) {
            const auto& item = rel->as_array()[i];
            std::string url = item.is_object() ? Str(item.as_object(), "url") : std::string();
            auto uuid = UuidAfter(url, kZakenPath);
            // A zaak of another Zaken API was fetched before the transaction (FetchReferences).
            bool found = ctx.remote.contains(fmt::format("relevanteAndereZaken.{}", i));
            if (uuid && !url.empty() && url.front() == json::kBaseMarkerChar) {
                auto z = co_await store_.GetZaak(s, *uuid, false);
                if (!z) co_return Fail(z.error());
                found = z->has_value();
            }
            if (!found) {
                errors.push_back(
                    {fmt::format("relevanteAndereZaken.{}.url", i), "bad-url", "De URL kan niet worden opgevraagd."}
                );
            }
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    ZaakRow row = before ? *before : ZaakRow{};
    if (!before) row.uuid = NewUuid();
    ctx.uuid = row.uuid;

    // Hoofdzaak (zrc-013): an existing zaak, not this one, not itself a deelzaak.
    row.hoofdzaak.reset();
    if (auto* h = in.if_contains("hoofdzaak"); h && h->is_string() && !h->as_string().empty()) {
        std::string url(h->as_string());
        auto uuid = UuidAfter(url, kZakenPath);
        if (!uuid || url.front() != json::kBaseMarkerChar) {
            co_return Fail(Rule("hoofdzaak", "no_match", "Ongeldige hyperlink - Onjuiste URL-match."));
        }
        if (*uuid == row.uuid) {
            co_return Fail(Rule("hoofdzaak", "self-forbidden", "Een zaak mag niet zijn eigen hoofdzaak zijn."));
        }
        auto hz = co_await store_.GetZaak(s, *uuid, false);
        if (!hz) co_return Fail(hz.error());
        if (!*hz) co_return Fail(Rule("hoofdzaak", "does_not_exist", "Ongeldige hyperlink - Object bestaat niet."));
        if ((*hz)->hoofdzaak) {
            co_return Fail(Rule("hoofdzaak", "deelzaak-als-hoofdzaak", "Een deelzaak kan geen hoofdzaak zijn."));
        }
        if (before) {
            auto deel = co_await store_.Deelzaken(s, row.uuid);
            if (!deel) co_return Fail(deel.error());
            if (!deel->empty()) {
                co_return Fail(
                    Rule("hoofdzaak", "deelzaak-als-hoofdzaak", "Een zaak met deelzaken kan geen deelzaak zijn.")
                );
            }
        }
        // The hoofdzaak's zaaktype must allow this zaak's zaaktype as deelzaaktype.
        auto hzt = co_await FetchType("hoofdzaak", (*hz)->zaaktype, base, kZaaktypenPath, &s);
        if (hzt && !Contains(*hzt, "deelzaaktypen", Full(zaaktype_url, base))) {
            co_return Fail(Rule(
                "zaaktype",
                "invalid-deelzaaktype",
                "Het zaaktype van de deelzaak komt niet voor in de deelzaaktypen van het zaaktype van de hoofdzaak."
            ));
        }
        row.hoofdzaak = *uuid;
    }

    // Identificatie (zrc-002): given and unique per bronorganisatie, or generated.
    row.bronorganisatie = Str(in, "bronorganisatie");
    if (!before) {
        std::string ident = Str(in, "identificatie");
        if (!ident.empty()) {
            auto taken = co_await store_.IdentificatieTaken(s, row.bronorganisatie, ident);
            if (!taken) co_return Fail(taken.error());
            if (*taken) {
                co_return Fail(Rule(
                    "identificatie",
                    "identificatie-niet-uniek",
                    "Deze identificatie bestaat al voor deze bronorganisatie."
                ));
            }
            // A reserved zaaknummer goes to the zaak that names it.
            auto released = co_await store_.ReleaseReservation(s, row.bronorganisatie, ident);
            if (!released) co_return released;
        } else {
            auto generated = co_await GenerateIdentificatie(s, row.bronorganisatie, Str(in, "registratiedatum"));
            if (!generated) co_return Fail(generated.error());
            ident = *generated;
        }
        row.identificatie = ident;
        in["identificatie"] = ident;
    }

    // Vertrouwelijkheid (zrc-006 and the zaaktype's default).
    std::string vertrouwelijkheid = Str(in, "vertrouwelijkheidaanduiding");
    if (vertrouwelijkheid.empty()) {
        vertrouwelijkheid = Str(ctx.zaaktype, "vertrouwelijkheidaanduiding");
        in["vertrouwelijkheidaanduiding"] = vertrouwelijkheid;
    }
    row.zaaktype = zaaktype_url;
    row.zaaktype_key = ZaaktypeKey(zaaktype_url);
    row.vertrouwelijkheid = VertrouwelijkheidRank(vertrouwelijkheid);
    std::vector<std::string> scopes = ctx.op.scopes;
    if (before && before->einddatum) scopes.push_back(std::string(kGeforceerd));
    if (!MayAccess(ctx.principal, scopes, row) || (before && !MayAccess(ctx.principal, scopes, *before))) {
        co_return Fail(Forbidden());
    }

    // Archiving (zrc-022). Linked documents must be archived first, and that is said before a missing
    // archiefnominatie or archiefactiedatum (as the reference does): each document was asked for its status
    // before the transaction (FetchReferences); one that was not found archived, or linked since, stops the
    // change.
    if (Str(in, "archiefstatus").empty()) in["archiefstatus"] = "nog_te_archiveren";
    if (Str(in, "archiefstatus") != "nog_te_archiveren") {
        if (before) {
            auto uuids = std::vector<std::string>{row.uuid};
            std::vector<std::string> kinds{"zaakinformatieobject"};
            auto zios = co_await store_.ObjectsOf(s, uuids, kinds, false);
            if (!zios) co_return Fail(zios.error());
            bool all_archived = true;
            for (const auto& z : *zios) {
                std::string document = Full(z.ref, ctx.base);
                if (LocalDocument(document, ctx.base)) {
                    auto facts = co_await documenten_->Facts(s, document, ctx.base);
                    if (!facts) co_return Fail(facts.error());
                    if (!*facts || (*facts)->status != "gearchiveerd") all_archived = false;
                } else if (!ctx.remote.contains("gearchiveerd:" + z.ref)) {
                    all_archived = false;
                }
            }
            if (!all_archived) {
                co_return Fail(Rule(
                    "archiefstatus",
                    "documents-not-archived",
                    "Er zijn gerelateerde informatieobjecten waarvan de `status` nog niet gelijk is aan `gearchiveerd`."
                ));
            }
        }
        if (Str(in, "archiefnominatie").empty()) {
            co_return Fail(Rule(
                "archiefnominatie",
                "archiefnominatie-not-set",
                "Moet van een waarde voorzien zijn als de 'Archiefstatus' een waarde heeft anders dan "
                "'nog_te_archiveren'."
            ));
        }
        if (Str(in, "archiefactiedatum").empty()) {
            co_return Fail(Rule(
                "archiefactiedatum",
                "archiefactiedatum-not-set",
                "Moet van een waarde voorzien zijn als de 'Archiefstatus' een waarde heeft anders dan "
                "'nog_te_archiveren'."
            ));
        }
    }

    // Geometry.
    row.geometry.reset();
    row.bbox.reset();
    if (auto* g = in.if_contains("zaakgeometrie"); g && !g->is_null()) {
        auto geometry = geo::Geometry::FromGeoJson(*g, "zaakgeometrie");
        if (!geometry) co_return Fail(geometry.error());
        row.geometry = geometry->ToGeoJson();
        auto b = geometry->Bounds();
        row.bbox = ZaakRow::Box{b.minx, b.miny, b.maxx, b.maxy};
    }

    row.omschrijving = Str(in, "omschrijving");
    if (Str(in, "registratiedatum").empty()) in["registratiedatum"] = FormatDate(Today());
    row.registratiedatum = OptStr(in, "registratiedatum");
    row.startdatum = OptStr(in, "startdatum");
    row.einddatum_gepland = OptStr(in, "einddatumGepland");
    row.uiterlijke_einddatum = OptStr(in, "uiterlijkeEinddatumAfdoening");
    row.publicatiedatum = OptStr(in, "publicatiedatum");
    // Opschorting.eerdereOpschorting: whether the zaak was suspended before.
    if (auto* opschorting = in.if_contains("opschorting"); opschorting && opschorting->is_object()) {
        bool earlier = false;
        if (before) {
            if (auto doc = json::Parse(before->doc); doc && doc->is_object()) {
                auto* old = doc->as_object().if_contains("opschorting");
                if (old && old->is_object()) {
                    for (std::string_view f : {"indicatie", "eerdereOpschorting"}) {
                        auto* v = old->as_object().if_contains(f);
                        earlier = earlier || (v && v->is_bool() && v->as_bool());
                    }
                }
            }
        }
        opschorting->as_object()["eerdereOpschorting"] = earlier;
    }
    row.archiefnominatie = OptStr(in, "archiefnominatie");
    row.archiefstatus = OptStr(in, "archiefstatus");
    row.archiefactiedatum = OptStr(in, "archiefactiedatum");

    std::map<std::string, bj::value> computed;
    computed["url"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + row.uuid;
    computed["uuid"] = row.uuid;
    computed["einddatum"] = row.einddatum ? bj::value(*row.einddatum) : bj::value(nullptr);
    computed["laatstGemuteerd"] = NowIso();
    computed["betalingsindicatieWeergave"] = BetalingsindicatieWeergave(Str(in, "betalingsindicatie"));
    row.doc = BuildDoc(schemas_, *ctx.op.kind, in, computed);
    ctx.zaak = row;

    if (before) {
        auto ok = co_await store_.UpdateZaak(s, *before, row);
        if (!ok) co_return Fail(ok.error());
        if (!*ok) co_return Fail(Error::Conflict("conflict", "De zaak is intussen gewijzigd; probeer het opnieuw."));
    } else {
        auto st = co_await store_.InsertZaak(s, row);
        if (!st) co_return st;
    }
    // Kenmerken and the zaaktype's omschrijving are searchable (kenmerk, kenmerk__bron, zaaktype__omschrijving).
    std::vector<std::pair<std::string, std::string>> keys;
    if (auto o = Str(ctx.zaaktype, "omschrijving"); !o.empty()) keys.emplace_back("zaaktype__omschrijving", o);
    if (auto* k = in.if_contains("kenmerken"); k && k->is_array()) {
        for (const auto& item : k->as_array()) {
            if (!item.is_object()) continue;
            std::string bron = Str(item.as_object(), "bron"), kenmerk = Str(item.as_object(), "kenmerk");
            keys.emplace_back("kenmerk", bron + ":" + kenmerk);
            keys.emplace_back("kenmerk__bron", bron);
        }
    }
    co_return co_await store_.ReplaceKeys(s, row.uuid, row.uuid, keys);
}

namespace {

//! Sets fields of a stored document (a zaak's archiving fields after closing or reopening it).
std::string WithFields(const std::string& doc, const std::vector<std::pair<std::string, bj::value>>& fields) {
    auto parsed = json::Parse(doc);
    if (!parsed || !parsed->is_object()) return doc;
    for (const auto& [k, v] : fields) {
        if (parsed->as_object().contains(k)) parsed->as_object()[k] = v;
    }
    return json::Serialize(*parsed);
}

bj::value OptValue(const std::optional<std::string>& v) {
    return v ? bj::value(*v) : bj::value(nullptr);
}

}  // namespace

asio::awaitable<Status> Service::CloseOrReopen(Ctx& ctx, storage::Session& s, bool eindstatus) {
    ZaakRow& z = *ctx.zaak;
    const std::string& base = ctx.base;
    bool closed = z.einddatum.has_value();
    std::vector<std::string> forced{std::string(kGeforceerd)};
    std::vector<std::string> reopen{std::string(kHeropenen)};
    std::optional<std::string> start_bewaartermijn;
    if (auto doc = json::Parse(z.doc); doc && doc->is_object())
        start_bewaartermijn = OptStr(doc->as_object(), "startdatumBewaartermijn");

    if (!eindstatus) {
        if (!closed) co_return Status{};
        // zrc-008: reopening a closed zaak needs zaken.heropenen; its archiving parameters are cleared.
        if (!MayAccess(ctx.principal, reopen, z)) co_return Fail(Forbidden());
        // A deelzaak does not reopen under a closed hoofdzaak.
        if (z.hoofdzaak) {
            auto h = co_await store_.GetZaak(s, *z.hoofdzaak, false);
            if (!h) co_return Fail(h.error());
            if (*h && (*h)->einddatum) {
                co_return Fail(Rule("nonFieldErrors", "hoofdzaak-closed", "De hoofdzaak van deze deelzaak is gesloten.")
                );
            }
        }
        z.einddatum.reset();
        z.archiefnominatie.reset();
        z.archiefactiedatum.reset();
        start_bewaartermijn.reset();
    } else {
        if (closed && !MayAccess(ctx.principal, forced, z)) co_return Fail(Forbidden());
        if (!z.resultaat) {
            co_return Fail(Rule(
                "nonFieldErrors", "resultaat-does-not-exist", "Een zaak kan niet afgesloten worden zonder resultaat."
            ));
        }
        // A hoofdzaak closes after its deelzaken, each with a resultaat.
        auto deel = co_await store_.Deelzaken(s, z.uuid);
        if (!deel) co_return Fail(deel.error());
        auto deelzaken = co_await store_.GetZaken(s, *deel);
        if (!deelzaken) co_return Fail(deelzaken.error());
        for (const auto& d : *deelzaken) {
            if (!d.einddatum) {
                co_return Fail(Rule("nonFieldErrors", "deelzaken-not-closed", "Alle deelzaken moeten gesloten zijn."));
            }
            if (!d.resultaat) {
                co_return Fail(
                    Rule("nonFieldErrors", "deelzaak-resultaat-does-not-exist", "Een deelzaak heeft geen resultaat.")
                );
            }
        }
        // zrc-007q: every document of a closed zaak says whether usage rights apply.
        if (documenten_) {
            std::vector<std::string> one{z.uuid};
            std::vector<std::string> zio_kind{"zaakinformatieobject"};
            auto zios = co_await store_.ObjectsOf(s, one, zio_kind, false);
            if (!zios) co_return Fail(zios.error());
            for (const auto& zio : *zios) {
                std::string document = Full(zio.ref, base);
                if (!LocalDocument(document, base)) continue;
                auto facts = co_await documenten_->Facts(s, document, base);
                if (!facts) co_return Fail(facts.error());
                if (*facts && !(*facts)->indicatie_gebruiksrecht) {
                    co_return Fail(Rule(
                        "nonFieldErrors",
                        "indicatiegebruiksrecht-unset",
                        "Van elk informatieobject moet de indicatie gebruiksrecht gezet zijn."
                    ));
                }
            }
        }
        z.einddatum = DatePart(Str(ctx.input, "datumStatusGezet"));
        // zrc-021: archiving parameters from the resultaattype.
        auto resultaattype =
            co_await FetchType("resultaattype", z.resultaattype.value_or(""), base, "/resultaattypen/", &s);
        if (!resultaattype) co_return Fail(resultaattype.error());
        ArchiveFacts facts;
        facts.einddatum = *z.einddatum;
        facts.archiefnominatie = z.archiefnominatie.value_or("");
        facts.archiefactiedatum = z.archiefactiedatum.value_or("");
        facts.startdatum_bewaartermijn = start_bewaartermijn.value_or("");
        std::vector<std::string> one{z.uuid};
        std::vector<std::string> kinds{"zaakeigenschap", "zaakobject"};
        auto objects = co_await store_.ObjectsOf(s, one, kinds, true);
        if (!objects) co_return Fail(objects.error());
        for (const auto& o : *objects) {
            auto doc = json::Parse(o.doc);
            if (!doc || !doc->is_object()) continue;
            if (o.kind == "zaakeigenschap") {
                facts.eigenschappen[Str(doc->as_object(), "naam")] = Str(doc->as_object(), "waarde");
                continue;
            }
            // A zaakobject that names a besluit of this platform: its datumkenmerk is an attribute of that
            // besluit (the reference reads the object the URL names).
            bj::object zaakobject = std::move(doc->as_object());
            std::string object = Full(Str(zaakobject, "object"), base);
            auto* ident = zaakobject.if_contains("objectIdentificatie");
            bool identified = ident && ident->is_object() && !ident->as_object().empty();
            if (!object.empty() && !identified && LocalBesluit(object, base)) {
                auto besluit = co_await besluiten_->Facts(s, object, base);
                if (!besluit) co_return Fail(besluit.error());
                if (*besluit) {
                    bj::object attributes;
                    const besluiten::BesluitFacts& b = **besluit;
                    if (!b.datum.empty()) attributes["datum"] = b.datum;
                    if (!b.ingangsdatum.empty()) attributes["ingangsdatum"] = b.ingangsdatum;
                    if (!b.vervaldatum.empty()) attributes["vervaldatum"] = b.vervaldatum;
                    zaakobject["objectIdentificatie"] = std::move(attributes);
                }
            }
            facts.zaakobjecten.push_back(std::move(zaakobject));
        }
        if (z.hoofdzaak) {
            auto h = co_await store_.GetZaak(s, *z.hoofdzaak, false);
            if (!h) co_return Fail(h.error());
            if (*h) facts.hoofdzaak_einddatum = (*h)->einddatum.value_or("");
        }
        if (auto doc = json::Parse(z.doc); doc && doc->is_object()) {
            if (auto* rel = doc->as_object().if_contains("relevanteAndereZaken"); rel && rel->is_array()) {
                for (const auto& r : rel->as_array()) {
                    auto uuid = r.is_object() ? UuidAfter(Str(r.as_object(), "url"), kZakenPath) : std::nullopt;
                    if (!uuid) continue;
                    auto other = co_await store_.GetZaak(s, *uuid, false);
                    if (!other) co_return Fail(other.error());
                    if (*other) facts.gerelateerde_zaak_einddatums.push_back((*other)->einddatum.value_or(""));
                }
            }
        }
        // zrc-021 ingangsdatum_besluit / vervaldatum_besluit: the zaak's besluiten in this platform.
        if (besluiten_) {
            auto besluiten = co_await besluiten_->OfZaak(s, base + std::string(kZakenPath) + z.uuid, base);
            if (!besluiten) co_return Fail(besluiten.error());
            for (const auto& b : *besluiten) {
                if (!b.ingangsdatum.empty()) facts.besluit_ingangsdatums.push_back(b.ingangsdatum);
                if (!b.vervaldatum.empty()) facts.besluit_vervaldatums.push_back(b.vervaldatum);
            }
        }
        auto outcome = DeriveArchiving(*resultaattype, facts);
        if (!outcome) co_return Fail(outcome.error());
        if (!outcome->archiefnominatie.empty()) z.archiefnominatie = outcome->archiefnominatie;
        if (outcome->archiefactiedatum) z.archiefactiedatum = outcome->archiefactiedatum;
        if (outcome->startdatumBewaartermijn) start_bewaartermijn = outcome->startdatumBewaartermijn;
        // Deelzaken whose brondatum is the hoofdzaak's einddatum get their archiving dates now.
        for (const auto& d : *deelzaken) {
            auto rt = co_await FetchType("resultaattype", d.resultaattype.value_or(""), base, "/resultaattypen/", &s);
            if (!rt) continue;  // a type that cannot be read leaves the deelzaak as it is
            auto* proc = rt->if_contains("brondatumArchiefprocedure");
            if (!proc || !proc->is_object() || Str(proc->as_object(), "afleidingswijze") != "hoofdzaak") continue;
            std::optional<std::string> deel_start;
            if (auto doc = json::Parse(d.doc); doc && doc->is_object())
                deel_start = OptStr(doc->as_object(), "startdatumBewaartermijn");
            ArchiveFacts deel_facts;
            deel_facts.einddatum = d.einddatum.value_or("");
            deel_facts.hoofdzaak_einddatum = *z.einddatum;
            deel_facts.archiefnominatie = d.archiefnominatie.value_or("");
            deel_facts.archiefactiedatum = d.archiefactiedatum.value_or("");
            deel_facts.startdatum_bewaartermijn = deel_start.value_or("");
            auto deel_outcome = DeriveArchiving(*rt, deel_facts);
            if (!deel_outcome) co_return Fail(deel_outcome.error());
            ZaakRow after = d;
            if (!deel_outcome->archiefnominatie.empty()) after.archiefnominatie = deel_outcome->archiefnominatie;
            if (deel_outcome->archiefactiedatum) after.archiefactiedatum = deel_outcome->archiefactiedatum;
            if (deel_outcome->startdatumBewaartermijn) deel_start = deel_outcome->startdatumBewaartermijn;
            after.doc = WithFields(
                d.doc,
                {{"archiefnominatie", OptValue(after.archiefnominatie)},
                 {"archiefactiedatum", OptValue(after.archiefactiedatum)},
                 {"startdatumBewaartermijn", OptValue(deel_start)}}
            );
            auto updated = co_await store_.UpdateZaak(s, d, after);
            if (!updated) co_return Fail(updated.error());
        }
    }
    z.doc = WithFields(
        z.doc,
        {{"einddatum", OptValue(z.einddatum)},
         {"archiefnominatie", OptValue(z.archiefnominatie)},
         {"archiefactiedatum", OptValue(z.archiefactiedatum)},
         {"startdatumBewaartermijn", OptValue(start_bewaartermijn)},
         {"laatstGemuteerd", bj::value(NowIso())}}
    );
    co_return Status{};
}

asio::awaitable<Status> Service::PrepareObject(Ctx& ctx, storage::Session& s) {
    const Kind& kind = *ctx.op.kind;
    bj::object& in = ctx.input;
    const std::string& base = ctx.base;

    // The zaak the object belongs to.
    std::string zaak_uuid;
    if (kind.nested) {
        zaak_uuid = Lower(ctx.req.PathParam("zaak_uuid"));
        if (kind.id == KindId::kZaakeigenschap && in.contains("zaak")) {
            auto given = UuidAfter(Str(in, "zaak"), kZakenPath);
            if (!given || *given != zaak_uuid) {
                co_return Fail(Rule("zaak", "no_match", "De zaak in de URL en in het verzoek verschillen."));
            }
        }
    } else {
        std::string url = Str(in, kind.zaak_field);
        auto uuid = UuidAfter(url, kZakenPath);
        if (!uuid || url.empty() || url.front() != json::kBaseMarkerChar) {
            co_return Fail(Rule(std::string(kind.zaak_field), "no_match", "Ongeldige hyperlink - Onjuiste URL-match."));
        }
        zaak_uuid = *uuid;
    }
    if (ctx.object_before) {
        if (zaak_uuid != ctx.object_before->zaak) {
            co_return Fail(
                Rule(std::string(kind.zaak_field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
            );
        }
        if (!kind.ref_field.empty() && kind.id == KindId::kZaakinformatieobject &&
            Str(in, kind.ref_field) != ctx.object_before->ref) {
            co_return Fail(
                Rule(std::string(kind.ref_field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
            );
        }
    }
    auto found = co_await store_.GetZaak(s, zaak_uuid, true);
    if (!found) co_return Fail(found.error());
    if (!*found) {
        if (kind.nested) co_return Fail(Error::NotFound());
        co_return Fail(
            Rule(std::string(kind.zaak_field), "does_not_exist", "Ongeldige hyperlink - Object bestaat niet.")
        );
    }
    ctx.zaak_before = **found;
    ctx.zaak = **found;
    ZaakRow& zaak = *ctx.zaak;
    if (!MayAccess(ctx.principal, ctx.op.scopes, zaak)) co_return Fail(Forbidden());

    if (ctx.object_before) {
        if (auto fields = ImmutableFields(kind.id); !fields.empty()) {
            auto before_doc = json::Parse(ctx.object_before->doc);
            for (auto field : fields) {
                if (before_doc && before_doc->is_object() && Str(in, field) != Str(before_doc->as_object(), field)) {
                    co_return Fail(
                        Rule(std::string(field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
                    );
                }
            }
        }
    }

    ObjectRow row = ctx.object_before ? *ctx.object_before : ObjectRow{};
    if (!ctx.object_before) row.uuid = NewUuid();
    row.kind = std::string(kind.name);
    row.zaak = zaak_uuid;
    ctx.uuid = row.uuid;
    std::map<std::string, bj::value> computed;
    std::optional<std::string> instant;  // statussen: datumStatusGezet in UTC, for ordering
    computed["url"] = std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, zaak_uuid, row.uuid);
    computed["uuid"] = row.uuid;

    // Types must belong to the zaak's zaaktype (zrc-016, zrc-018, zrc-019, zrc-020).
    auto type_of = [&](std::string_view list_field) -> asio::awaitable<Result<bj::object>> {
        auto zaaktype = co_await FetchType("zaaktype", zaak.zaaktype, base, kZaaktypenPath, &s);
        if (!zaaktype) co_return Fail(zaaktype.error());
        std::string url = Str(in, kind.ref_field);
        if (!Contains(*zaaktype, list_field, Full(url, base))) {
            co_return Fail(Rule(
                "nonFieldErrors",
                "zaaktype-mismatch",
                fmt::format("De referentie hoort niet bij het zaaktype van de zaak ({}).", kind.ref_field)
            ));
        }
        std::string field(kind.ref_field);
        co_return co_await FetchType(field, url, base, "/catalogi/api/v1/", &s);
    };

    switch (kind.id) {
        case KindId::kStatus: {
            auto statustype = co_await type_of("statustypen");
            if (!statustype) co_return Fail(statustype.error());
            auto* eind = statustype->if_contains("isEindstatus");
            bool eindstatus = eind && eind->is_bool() && eind->as_bool();
            // zaken.aanmaken sets the first status only; later ones need zaken.statussen.toevoegen (or, to
            // reopen a closed zaak, zaken.heropenen: checked in CloseOrReopen).
            if (zaak.status && !zaak.einddatum) {
                std::vector<std::string> more{"zaken.statussen.toevoegen"};
                if (!MayAccess(ctx.principal, more, zaak)) co_return Fail(Forbidden());
            }
            // Instants compare in UTC, whatever offset or precision the client wrote.
            instant = ToUtcInstant(Str(in, "datumStatusGezet")).value_or(Str(in, "datumStatusGezet"));
            std::vector<std::string> one{zaak_uuid};
            std::vector<std::string> kinds{"status"};
            auto existing = co_await store_.ObjectsOf(s, one, kinds, false);
            if (!existing) co_return Fail(existing.error());
            for (const auto& other : *existing) {
                if (other.uuid != row.uuid && other.attr == *instant) {
                    co_return Fail(
                        Rule("nonFieldErrors", "unique", "De velden zaak, datumStatusGezet moeten een unieke set zijn.")
                    );
                }
            }
            // gezetdoor: a rol of this zaak.
            if (std::string by = Str(in, "gezetdoor"); !by.empty()) {
                auto rol = UuidAfter(by, "/zaken/api/v1/rollen/");
                bool ok = false;
                if (rol && by.front() == json::kBaseMarkerChar) {
                    auto found_rol = co_await store_.GetObject(s, *rol, false);
                    if (!found_rol) co_return Fail(found_rol.error());
                    ok = *found_rol && (*found_rol)->kind == "rol" && (*found_rol)->zaak == zaak_uuid;
                }
                if (!ok) co_return Fail(Rule("nonFieldErrors", "zaak-mismatch", "De rol hoort niet bij de zaak."));
                ctx.keys.emplace_back("gezetdoor", by);
            }
            // The newest status (by datumStatusGezet) is the zaak's status.
            bool newest = true;
            if (zaak.status) {
                for (const auto& other : *existing) {
                    if (other.uuid == *zaak.status) newest = *instant >= other.attr;
                }
            }
            if (newest) {
                zaak.status = row.uuid;
                zaak.statustype = Str(in, "statustype");
            }
            auto st = co_await CloseOrReopen(ctx, s, eindstatus);
            if (!st) co_return st;
            break;
        }
        case KindId::kResultaat: {
            auto rt = co_await type_of("resultaattypen");
            if (!rt) co_return Fail(rt.error());
            if (zaak.resultaat && *zaak.resultaat != row.uuid) {
                co_return Fail(Rule("zaak", "unique", "Deze zaak heeft al een resultaat."));
            }
            zaak.resultaat = row.uuid;
            zaak.resultaattype = Str(in, "resultaattype");
            break;
        }
        case KindId::kRol: {
            auto roltype = co_await type_of("roltypen");
            if (!roltype) co_return Fail(roltype.error());
            computed["omschrijving"] = Str(*roltype, "omschrijving");
            computed["omschrijvingGeneriek"] = Str(*roltype, "omschrijvingGeneriek");
            std::string registered;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    registered = Str(d->as_object(), "registratiedatum");
            }
            computed["registratiedatum"] = registered.empty() ? NowIso() : registered;
            auto* ident = in.if_contains("betrokkeneIdentificatie");
            bool identified = ident && ident->is_object() && !ident->as_object().empty();
            if (Str(in, "betrokkene").empty() && !identified) {
                co_return Fail(Rule(
                    "nonFieldErrors",
                    "invalid-betrokkene",
                    "betrokkene of betrokkeneIdentificatie moet opgegeven worden."
                ));
            }
            if (identified) {
                std::string bsn = Str(ident->as_object(), "inpBsn");
                if (!bsn.empty() && !IsValidBsn(bsn)) {
                    co_return Fail(Rule("betrokkeneIdentificatie.inpBsn", "invalid", "Onjuist BSN (elfproef)."));
                }
            }
            // A zaak has at most one initiator.
            if (Str(*roltype, "omschrijvingGeneriek") == "initiator") {
                std::vector<std::string> one{zaak_uuid};
                std::vector<std::string> kinds{"rol"};
                auto rollen = co_await store_.ObjectsOf(s, one, kinds, true);
                if (!rollen) co_return Fail(rollen.error());
                for (const auto& other : *rollen) {
                    auto d = json::Parse(other.doc);
                    if (other.uuid != row.uuid && d && d->is_object() &&
                        Str(d->as_object(), "omschrijvingGeneriek") == "initiator") {
                        co_return Fail(Rule("roltype", "max-occurences", "Een zaak mag maximaal één initiator hebben.")
                        );
                    }
                }
            }
            bj::object with_type = in;
            with_type["omschrijving"] = computed["omschrijving"];
            with_type["omschrijvingGeneriek"] = computed["omschrijvingGeneriek"];
            ctx.keys = RolKeys(with_type);
            break;
        }
        case KindId::kZaakeigenschap: {
            auto eigenschap = co_await type_of("eigenschappen");
            if (!eigenschap) co_return Fail(eigenschap.error());
            computed["naam"] = Str(*eigenschap, "naam");
            computed["zaak"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak_uuid;
            break;
        }
        case KindId::kZaakinformatieobject: {
            // The platform's own documents are read here, in the transaction that links them.
            if (std::string document = Full(Str(in, "informatieobject"), base); LocalDocument(document, base)) {
                auto facts = co_await documenten_->Facts(s, document, base);
                if (!facts) co_return Fail(facts.error());
                if (!*facts) {
                    co_return Fail(Rule("informatieobject", "bad-url", "De URL kan niet worden opgevraagd."));
                }
                ctx.remote["informatieobject"] = bj::object{{"informatieobjecttype", (*facts)->informatieobjecttype}};
            }
            // zrc-017: the document's informatieobjecttype must be one the zaaktype allows.
            if (auto doc = ctx.remote.find("informatieobject"); doc != ctx.remote.end()) {
                auto zaaktype = co_await FetchType("zaaktype", zaak.zaaktype, base, kZaaktypenPath, &s);
                if (!zaaktype) co_return Fail(zaaktype.error());
                std::string iot = Str(doc->second, "informatieobjecttype");
                if (!Contains(*zaaktype, "informatieobjecttypen", Full(iot, base)) &&
                    !Contains(*zaaktype, "informatieobjecttypen", iot)) {
                    co_return Fail(Rule(
                        "nonFieldErrors",
                        "missing-zaaktype-informatieobjecttype-relation",
                        "Het informatieobjecttype hoort niet bij het zaaktype van de zaak."
                    ));
                }
            }
            if (!ctx.object_before) {
                std::vector<std::string> one{zaak_uuid};
                std::vector<std::string> kinds{"zaakinformatieobject"};
                auto existing = co_await store_.ObjectsOf(s, one, kinds, false);
                if (!existing) co_return Fail(existing.error());
                for (const auto& o : *existing) {
                    if (o.ref == Str(in, "informatieobject")) {
                        co_return Fail(Rule(
                            "nonFieldErrors", "unique", "De velden zaak, informatieobject moeten een unieke set zijn."
                        ));
                    }
                }
            }
            computed["aardRelatieWeergave"] = "Hoort bij, omgekeerd: kent";
            std::string registered;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    registered = Str(d->as_object(), "registratiedatum");
            }
            computed["registratiedatum"] = registered.empty() ? NowIso() : registered;
            break;
        }
        case KindId::kKlantcontact: {
            if (Str(in, "identificatie").empty()) {
                auto n = co_await store_.NextNumber(s, "klantcontact");
                if (!n) co_return Fail(n.error());
                in["identificatie"] = NextIdentificatie("KC-", *n);  // 13 characters: the OAS allows 14
            }
            break;
        }
        case KindId::kZaakobject: {
            if (auto zot = OptStr(in, "zaakobjecttype")) {
                auto zaaktype = co_await FetchType("zaaktype", zaak.zaaktype, base, kZaaktypenPath, &s);
                if (!zaaktype) co_return Fail(zaaktype.error());
                auto t = co_await FetchType("zaakobjecttype", *zot, base, "/zaakobjecttypen/", &s);
                if (!t) co_return Fail(t.error());
                if (Str(*t, "zaaktype") != Full(zaak.zaaktype, base)) {
                    co_return Fail(Rule(
                        "zaakobjecttype",
                        "invalid-zaakobjecttype-for-zaaktype",
                        "Het zaakobjecttype hoort niet bij het zaaktype van de zaak."
                    ));
                }
            }
            bool overige = Str(in, "objectType") == "overige";
            auto* definitie = in.if_contains("objectTypeOverigeDefinitie");
            bool has_definitie = definitie && definitie->is_object();
            if (overige && Str(in, "objectTypeOverige").empty() && !has_definitie) {
                co_return Fail(Rule(
                    "nonFieldErrors",
                    "missing-object-type-overige",
                    "Als `objectType` de waarde \"overige\" heeft, moet `objectTypeOverige` van een waarde voorzien "
                    "zijn."
                ));
            }
            if (!overige && (!Str(in, "objectTypeOverige").empty() || has_definitie)) {
                co_return Fail(Rule(
                    "nonFieldErrors",
                    "invalid-object-type-overige-usage",
                    "Als `objectType` niet \"overige\" is, mag `objectTypeOverige` niet van een waarde voorzien zijn."
                ));
            }
            auto* oi = in.if_contains("objectIdentificatie");
            bool has_identificatie = oi && oi->is_object() && !oi->as_object().empty();
            if (Str(in, "object").empty() && !has_identificatie) {
                co_return Fail(Rule(
                    "nonFieldErrors", "invalid-zaakobject", "object of objectIdentificatie moet een waarde bevatten."
                ));
            }
            // A besluit of this platform must exist (other objects were fetched in FetchReferences).
            if (std::string object = Full(Str(in, "object"), base); !object.empty() && LocalBesluit(object, base)) {
                auto besluit = co_await besluiten_->Facts(s, object, base);
                if (!besluit) co_return Fail(besluit.error());
                if (!*besluit) co_return Fail(Rule("object", "bad-url", "De URL kan niet worden opgevraagd."));
            }
            break;
        }
        case KindId::kSubstatus: {
            // The status must be one of this zaak's.
            auto status_uuid = UuidAfter(Str(in, "status"), "/zaken/api/v1/statussen/");
            if (in.contains("status") && !in.at("status").is_null() && !Str(in, "status").empty()) {
                bool ok = false;
                if (status_uuid) {
                    auto st = co_await store_.GetObject(s, *status_uuid, false);
                    if (!st) co_return Fail(st.error());
                    ok = *st && (*st)->kind == "status" && (*st)->zaak == zaak_uuid;
                }
                if (!ok) {
                    co_return Fail(Rule("status", "invalid-status", "De status hoort niet bij de zaak."));
                }
            }
            if (Str(in, "tijdstip").empty()) in["tijdstip"] = NowIso();
            break;
        }
        case KindId::kZaaknotitie: {
            std::string created;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    created = Str(d->as_object(), "aanmaakdatum");
            }
            computed["aanmaakdatum"] = created.empty() ? NowIso() : created;
            computed["wijzigingsdatum"] = NowIso();
            // Absent choices take the reference implementation's defaults (the enums have no blank).
            if (Str(in, "status").empty()) in["status"] = "concept";
            if (Str(in, "notitieType").empty()) in["notitieType"] = "intern";
            break;
        }
        default:
            break;
    }
    // zrc-007: objects of a closed zaak change only with the forced scope (statussen: see CloseOrReopen).
    // Checked once the request itself is found valid, so that an invalid one is a 400 first, as the reference
    // answers (e.g. a second resultaat: `unique`); a refusal here rolls back the transaction.
    std::vector<std::string> forced{std::string(kGeforceerd)};
    if (ctx.zaak_before->einddatum && kind.id != KindId::kStatus && !MayAccess(ctx.principal, forced, zaak)) {
        co_return Fail(Forbidden());
    }
    if (!kind.key_fields.empty()) {
        ctx.keys.clear();
        for (auto field : kind.key_fields) {
            auto it = computed.find(std::string(field));
            std::string v =
                it != computed.end() && it->second.is_string() ? std::string(it->second.as_string()) : Str(in, field);
            if (!v.empty()) ctx.keys.emplace_back(std::string(field), v);
        }
    }

    row.ref = kind.ref_field.empty() ? std::string() : Str(in, kind.ref_field);
    row.attr = instant ? *instant : (kind.attr_field.empty() ? std::string() : Str(in, kind.attr_field));
    row.doc = BuildDoc(schemas_, kind, in, computed);
    ctx.object = row;
    auto st = co_await store_.SaveObject(s, row, ctx.keys, !ctx.object_before);
    if (!st) co_return st;
    if (kind.id == KindId::kZaakinformatieobject && !ctx.object_before) {
        // zrc-005: the Documenten API's objectinformatieobject is written in the same transaction.
        if (std::string document = Full(row.ref, base); LocalDocument(document, base)) {
            std::string zaak_url = base + std::string(kZakenPath) + zaak.uuid;
            auto linked = co_await documenten_->Link(s, document, zaak_url, "zaak", base);
            if (!linked) co_return linked;
        }
    }
    if (zaak.status != ctx.zaak_before->status || zaak.resultaat != ctx.zaak_before->resultaat ||
        zaak.doc != ctx.zaak_before->doc) {
        auto ok = co_await store_.UpdateZaak(s, *ctx.zaak_before, zaak);
        if (!ok) co_return Fail(ok.error());
        if (!*ok) co_return Fail(Error::Conflict("conflict", "De zaak is intussen gewijzigd; probeer het opnieuw."));
    }
    co_return Status{};
}

}  // namespace thorbecke::zaken
