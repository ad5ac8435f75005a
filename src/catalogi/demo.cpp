#include "catalogi/demo.h"

#include <fmt/format.h>

#include "core/log.h"

namespace thorbecke::catalogi {

namespace {

// Demo objects are written through the same validation as API requests, addressed by this base URL;
// stored references are relative, so the demo shows the host name the server is actually reached by.
constexpr std::string_view kBase = "http://thorbecke.demo";
// Selectielijst 2020, procestype 5 "Producten en diensten leveren", resultaat "Geleverd" (procestermijn nihil).
constexpr std::string_view kProcestype = "07c3c06a-2049-4e9e-82c5-7c1ff703c642";
constexpr std::string_view kResultaat = "ceb821a2-3b5e-421a-ac49-ebc63d15dc29";
constexpr std::string_view kToegekend = "fb65d251-1518-4185-865f-b8bdcfad07b1";

std::string Url(KindId kind, std::string_view uuid) {
    return fmt::format("{}{}/{}/{}", kBase, kApiRoot, GetKind(kind).collection, uuid);
}

std::string RefUrl(std::string_view collection, std::string_view uuid) {
    return fmt::format("{}/referentielijsten/api/v1/{}/{}", kBase, collection, uuid);
}

struct ZaaktypeSpec {
    std::string_view identificatie, omschrijving, doel, onderwerp, kenmerk;
};

}  // namespace

asio::awaitable<Status> LoadDemoData(Service& service, Store& store) {
    auto existing = co_await store.db().Query(
        "SELECT 1 FROM catalogi_object WHERE kind = 'catalogus' AND attr2 = 'DEMO'", storage::MakeParams()
    );
    if (!existing) co_return Fail(existing.error());
    if (!existing->empty()) co_return Status{};

    std::string base(kBase);
    auto create = [&](KindId kind, std::string body) -> asio::awaitable<Result<std::string>> {
        co_return co_await service.CreateFromJson(GetKind(kind), body, base);
    };

    auto catalogus = co_await create(
        KindId::kCatalogus, R"json({"domein": "DEMO", "rsin": "002220647",
        "naam": "Zaaktypecatalogus gemeente Thorbecke (demo)", "versie": "1", "begindatumVersie": "2026-01-01",
        "contactpersoonBeheerNaam": "Functioneel beheer", "contactpersoonBeheerEmailadres": "beheer@thorbecke.example"})json"
    );
    if (!catalogus) co_return Fail(catalogus.error());
    std::string cat = Url(KindId::kCatalogus, *catalogus);

    auto iot_body = [&](std::string_view omschrijving, std::string_view categorie) {
        return fmt::format(
            R"json({{"catalogus": "{}", "omschrijving": "{}", "vertrouwelijkheidaanduiding": "openbaar",
                "beginGeldigheid": "2026-01-01", "informatieobjectcategorie": "{}", "trefwoord": []}})json",
            cat,
            omschrijving,
            categorie
        );
    };
    auto aanvraag = co_await create(KindId::kInformatieobjecttype, iot_body("Aanvraag", "Aanvraag"));
    if (!aanvraag) co_return Fail(aanvraag.error());
    auto besluitdoc = co_await create(KindId::kInformatieobjecttype, iot_body("Besluit", "Besluit"));
    if (!besluitdoc) co_return Fail(besluitdoc.error());
    for (const auto& u : {*aanvraag, *besluitdoc}) {
        auto st = co_await service.PublishUuid(GetKind(KindId::kInformatieobjecttype), u, base);
        if (!st) co_return st;
    }
    auto besluittype = co_await create(
        KindId::kBesluittype,
        fmt::format(
            R"json({{"catalogus": "{}", "omschrijving": "Besluit op aanvraag", "besluitcategorie": "Vergunning",
            "reactietermijn": "P6W", "publicatieIndicatie": false, "informatieobjecttypen": ["{}"],
            "beginGeldigheid": "2026-01-01"}})json",
            cat,
            Url(KindId::kInformatieobjecttype, *besluitdoc)
        )
    );
    if (!besluittype) co_return Fail(besluittype.error());
    {
        auto st = co_await service.PublishUuid(GetKind(KindId::kBesluittype), *besluittype, base);
        if (!st) co_return st;
    }

    const ZaaktypeSpec specs[] = {
        {"PARKEERVERGUNNING",
         "Aanvragen parkeervergunning",
         "Een bewoner vraagt een parkeervergunning aan.",
         "Parkeervergunning",
         "kenteken"},
        {"MELDING-OPENBARE-RUIMTE",
         "Melding openbare ruimte",
         "Een inwoner meldt een probleem in de openbare ruimte.",
         "Melding",
         "locatie"},
        {"SUBSIDIE-VERENIGING",
         "Subsidieaanvraag vereniging",
         "Een vereniging vraagt subsidie aan.",
         "Subsidie",
         "kvknummer"},
    };
    for (const auto& spec : specs) {
        auto zaaktype = co_await create(
            KindId::kZaaktype,
            fmt::format(
                R"json({{"identificatie": "{}", "omschrijving": "{}", "vertrouwelijkheidaanduiding": "openbaar",
                "doel": "{}", "aanleiding": "Een verzoek van een inwoner of organisatie.", "indicatieInternOfExtern": "extern",
                "handelingInitiator": "Aanvragen", "onderwerp": "{}", "handelingBehandelaar": "Behandelen",
                "doorlooptijd": "P8W", "servicenorm": "P4W", "opschortingEnAanhoudingMogelijk": true,
                "verlengingMogelijk": true, "verlengingstermijn": "P4W", "trefwoorden": ["demo"],
                "publicatieIndicatie": false, "productenOfDiensten": [],
                "selectielijstProcestype": "{}",
                "referentieproces": {{"naam": "Producten en diensten leveren"}}, "verantwoordelijke": "Team Dienstverlening",
                "beginGeldigheid": "2026-01-01", "versiedatum": "2026-01-01", "catalogus": "{}",
                "besluittypen": ["{}"], "gerelateerdeZaaktypen": []}})json",
                spec.identificatie,
                spec.omschrijving,
                spec.doel,
                spec.onderwerp,
                RefUrl("procestypen", kProcestype),
                cat,
                Url(KindId::kBesluittype, *besluittype)
            )
        );
        if (!zaaktype) co_return Fail(zaaktype.error());
        std::string zt = Url(KindId::kZaaktype, *zaaktype);
        int volgnummer = 1;
        for (std::string_view status : {"Ontvangen", "In behandeling", "Afgehandeld"}) {
            auto st = co_await create(
                KindId::kStatustype,
                fmt::format(
                    R"json({{"omschrijving": "{}", "zaaktype": "{}", "volgnummer": {}, "informeren": true}})json",
                    status,
                    zt,
                    volgnummer++
                )
            );
            if (!st) co_return Fail(st.error());
        }
        for (auto [omschrijving, generiek] :
             {std::pair{"Aanvrager", "initiator"}, std::pair{"Behandelaar", "behandelaar"}}) {
            auto rt = co_await create(
                KindId::kRoltype,
                fmt::format(
                    R"json({{"zaaktype": "{}", "omschrijving": "{}", "omschrijvingGeneriek": "{}"}})json",
                    zt,
                    omschrijving,
                    generiek
                )
            );
            if (!rt) co_return Fail(rt.error());
        }
        auto resultaat = co_await create(
            KindId::kResultaattype,
            fmt::format(
                R"json({{"zaaktype": "{}", "omschrijving": "Geleverd", "resultaattypeomschrijving": "{}",
                "selectielijstklasse": "{}", "brondatumArchiefprocedure": {{"afleidingswijze": "afgehandeld"}},
                "besluittypen": ["{}"], "informatieobjecttypen": []}})json",
                zt,
                RefUrl("resultaattypeomschrijvingen", kToegekend),
                RefUrl("resultaten", kResultaat),
                Url(KindId::kBesluittype, *besluittype)
            )
        );
        if (!resultaat) co_return Fail(resultaat.error());
        auto eigenschap = co_await create(
            KindId::kEigenschap,
            fmt::format(
                R"json({{"naam": "{}", "definitie": "Gegeven dat bij de aanvraag hoort", "zaaktype": "{}",
                "specificatie": {{"formaat": "tekst", "lengte": "40", "kardinaliteit": "1", "waardenverzameling": []}}}})json",
                spec.kenmerk,
                zt
            )
        );
        if (!eigenschap) co_return Fail(eigenschap.error());
        auto ziot = co_await create(
            KindId::kZaaktypeInformatieobjecttype,
            fmt::format(
                R"json({{"zaaktype": "{}", "informatieobjecttype": "{}", "volgnummer": 1, "richting": "inkomend"}})json",
                zt,
                Url(KindId::kInformatieobjecttype, *aanvraag)
            )
        );
        if (!ziot) co_return Fail(ziot.error());
        auto published = co_await service.PublishUuid(GetKind(KindId::kZaaktype), *zaaktype, base);
        if (!published) co_return published;
    }
    log::Info("demo data loaded", {{"catalogus", *catalogus}});
    co_return Status{};
}

}  // namespace thorbecke::catalogi
