#include "zaken/model.h"

#include <algorithm>

#include <fmt/format.h>

namespace thorbecke::zaken {

namespace {

using K = KindId;
using F = ChildFilter;

std::vector<Filter> NotitieFilters() {
    std::vector<Filter> out{{"gerelateerdAan", F::kZaak}};
    for (std::string_view p :
         {"aangemaaktDoor",
          "aangemaaktDoor__icontains",
          "aanmaakdatum",
          "aanmaakdatum__gt",
          "aanmaakdatum__gte",
          "aanmaakdatum__lt",
          "aanmaakdatum__lte",
          "notitieType",
          "onderwerp",
          "onderwerp__icontains",
          "status",
          "tekst",
          "tekst__icontains",
          "wijzigingsdatum",
          "wijzigingsdatum__gt",
          "wijzigingsdatum__gte",
          "wijzigingsdatum__lt",
          "wijzigingsdatum__lte"}) {
        out.push_back({p, F::kKey});
    }
    return out;
}

std::vector<Kind> MakeKinds() {
    std::vector<Filter> rol_filters{{"zaak", F::kZaak}, {"roltype", F::kRef}, {"betrokkeneType", F::kAttr}};
    for (auto p : RolKeyParams()) rol_filters.push_back({p, F::kKey});
    // Descriptors follow the OAS of Zaken 1.5.1 resource by resource.
    return {
        Kind{K::kZaak, "zaak", "zaken", "Zaak", "ZaakRequest", "PatchedZaakRequest", false, true, "zaaktype", "", {}},
        Kind{
            K::kStatus,
            "status",
            "statussen",
            "Status",
            "StatusRequest",
            "",
            false,
            true,
            "statustype",
            "datumStatusGezet",
            {{"zaak", F::kZaak}, {"statustype", F::kRef}, {"indicatieLaatstGezetteStatus", F::kLaatstGezet}}},
        Kind{
            K::kResultaat,
            "resultaat",
            "resultaten",
            "Resultaat",
            "ResultaatRequest",
            "PatchedResultaatRequest",
            false,
            true,
            "resultaattype",
            "",
            {{"zaak", F::kZaak}, {"resultaattype", F::kRef}}},
        Kind{K::kRol, "rol", "rollen", "Rol", "RolRequest", "", false, true, "roltype", "betrokkeneType", rol_filters},
        Kind{
            K::kZaakeigenschap,
            "zaakeigenschap",
            "zaakeigenschappen",
            "ZaakEigenschap",
            "ZaakEigenschapRequest",
            "PatchedZaakEigenschapRequest",
            true,
            false,
            "eigenschap",
            "",
            {}},
        Kind{
            K::kZaakobject,
            "zaakobject",
            "zaakobjecten",
            "ZaakObject",
            "ZaakObjectRequest",
            "PatchedZaakObjectRequest",
            false,
            true,
            "object",
            "objectType",
            {{"zaak", F::kZaak}, {"object", F::kRef}, {"objectType", F::kAttr}}},
        Kind{
            K::kZaakinformatieobject,
            "zaakinformatieobject",
            "zaakinformatieobjecten",
            "ZaakInformatieObject",
            "ZaakInformatieObjectRequest",
            "PatchedZaakInformatieObjectRequest",
            false,
            false,
            "informatieobject",
            "",
            {{"zaak", F::kZaak}, {"informatieobject", F::kRef}},
            "zaak",
            {"status"}},  // Status.zaakinformatieobjecten lists those that name the status
        Kind{
            K::kKlantcontact,
            "klantcontact",
            "klantcontacten",
            "KlantContact",
            "KlantContactRequest",
            "",
            false,
            true,
            "",
            "",
            {{"zaak", F::kZaak}}},
        Kind{
            K::kZaakcontactmoment,
            "zaakcontactmoment",
            "zaakcontactmomenten",
            "ZaakContactMoment",
            "ZaakContactMomentRequest",
            "",
            false,
            false,
            "contactmoment",
            "",
            {{"zaak", F::kZaak}, {"contactmoment", F::kRef}}},
        Kind{
            K::kZaakverzoek,
            "zaakverzoek",
            "zaakverzoeken",
            "ZaakVerzoek",
            "ZaakVerzoekRequest",
            "",
            false,
            false,
            "verzoek",
            "",
            {{"zaak", F::kZaak}, {"verzoek", F::kRef}}},
        Kind{
            K::kZaakbesluit,
            "zaakbesluit",
            "besluiten",
            "ZaakBesluit",
            "ZaakBesluitRequest",
            "",
            true,
            false,
            "besluit",
            "",
            {}},
        Kind{
            K::kSubstatus,
            "substatus",
            "substatussen",
            "SubStatus",
            "SubStatusRequest",
            "",
            false,
            true,
            "status",
            "tijdstip",
            {{"zaak", F::kZaak},
             {"status", F::kRef},
             {"doelgroep", F::kKey},
             {"tijdstip__gt", F::kKey},
             {"tijdstip__gte", F::kKey},
             {"tijdstip__lt", F::kKey},
             {"tijdstip__lte", F::kKey}},
            "zaak",
            {"doelgroep", "tijdstip"}},
        Kind{
            K::kZaaknotitie,
            "zaaknotitie",
            "zaaknotities",
            "ZaakNotitie",
            "ZaakNotitieRequest",
            "PatchedZaakNotitieRequest",
            false,
            true,
            "",
            "",
            NotitieFilters(),
            "gerelateerdAan",
            {"aangemaaktDoor", "aanmaakdatum", "notitieType", "onderwerp", "status", "tekst", "wijzigingsdatum"}},
    };
}

}  // namespace

std::vector<std::string_view> RolKeyParams() {
    return {
        "betrokkene",
        "omschrijving",
        "omschrijvingGeneriek",
        "machtiging",
        "machtiging__loa",
        "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn",
        "betrokkeneIdentificatie__natuurlijkPersoon__anpIdentificatie",
        "betrokkeneIdentificatie__natuurlijkPersoon__inpA_nummer",
        "betrokkeneIdentificatie__nietNatuurlijkPersoon__innNnpId",
        "betrokkeneIdentificatie__nietNatuurlijkPersoon__annIdentificatie",
        "betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer",
        "betrokkeneIdentificatie__nietNatuurlijkPersoon__vestigingsNummer",
        "betrokkeneIdentificatie__vestiging__vestigingsNummer",
        "betrokkeneIdentificatie__vestiging__kvkNummer",
        "betrokkeneIdentificatie__medewerker__identificatie",
        "betrokkeneIdentificatie__organisatorischeEenheid__identificatie",
    };
}

const std::vector<Kind>& Kinds() {
    static const std::vector<Kind> kinds = MakeKinds();
    return kinds;
}

const Kind& GetKind(KindId id) {
    return Kinds()[static_cast<std::size_t>(id)];
}

std::string ObjectPath(const Kind& kind, std::string_view zaak_uuid, std::string_view uuid) {
    if (kind.nested) return fmt::format("{}/zaken/{}/{}/{}", kApiRoot, zaak_uuid, kind.collection, uuid);
    return fmt::format("{}/{}/{}", kApiRoot, kind.collection, uuid);
}

}  // namespace thorbecke::zaken
