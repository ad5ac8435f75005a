#include "catalogi/model.h"

#include <fmt/format.h>

#include "core/json/json.h"

namespace thorbecke::catalogi {

namespace {

using K = KindId;
using F = FilterOp;

std::vector<Kind> MakeKinds() {
    // Filters follow the OAS of Catalogi 1.3.1 parameter by parameter.
    const Filter status{"status", F::kStatus};
    const Filter geldig{"datumGeldigheid", F::kDatumGeldigheid};
    const Filter zaaktype{"zaaktype", F::kZaaktype, {}, K::kZaaktype};
    const Filter zt_ident{"zaaktypeIdentificatie", F::kZaaktypeIdentificatie};
    const Filter catalogus{"catalogus", F::kCatalogus, {}, K::kCatalogus};

    std::vector<Kind> kinds;
    kinds.push_back(Kind{
        K::kCatalogus,
        "catalogus",
        "catalogussen",
        "Catalogus",
        "CatalogusRequest",
        "",
        false,
        false,
        false,
        {},
        {{"domein", F::kEquals, "attr2"},
         {"domein__in", F::kIn, "attr2"},
         {"rsin", F::kEquals, "attr1"},
         {"rsin__in", F::kIn, "attr1"}},
        "rsin",
        "domein",
        "",
        ""});
    kinds.push_back(Kind{
        K::kZaaktype,
        "zaaktype",
        "zaaktypen",
        "ZaakType",
        "ZaakTypeRequest",
        "PatchedZaakTypeRequest",
        true,
        false,
        true,
        {{"catalogus", K::kCatalogus}, {"besluittypen", K::kBesluittype, true}, {"deelzaaktypen", K::kZaaktype, true}},
        {catalogus,
         geldig,
         {"identificatie", F::kEquals, "identificatie"},
         {"identificatie__icontains", F::kIContains, "identificatie"},
         {"omschrijving__icontains", F::kIContains, "omschrijving"},
         status,
         {"trefwoorden", F::kTrefwoorden}},
        "",
        "",
        "",
        "identificatie"});
    kinds.push_back(Kind{
        K::kStatustype,
        "statustype",
        "statustypen",
        "StatusType",
        "StatusTypeRequest",
        "PatchedStatusTypeRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype}},
        {geldig, status, zaaktype, zt_ident},
        "",
        "",
        "",
        ""});
    kinds.push_back(Kind{
        K::kRoltype,
        "roltype",
        "roltypen",
        "RolType",
        "RolTypeRequest",
        "PatchedRolTypeRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype}},
        {geldig,
         {"omschrijving", F::kIContains, "omschrijving"},
         {"omschrijvingGeneriek", F::kEquals, "attr1"},
         status,
         zaaktype,
         zt_ident},
        "omschrijvingGeneriek",
        "",
        "",
        ""});
    kinds.push_back(Kind{
        K::kResultaattype,
        "resultaattype",
        "resultaattypen",
        "ResultaatType",
        "ResultaatTypeRequest",
        "PatchedResultaatTypeRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype},
         {"besluittypen", K::kBesluittype, true},
         {"informatieobjecttypen", K::kInformatieobjecttype, true}},
        {geldig, status, zaaktype, zt_ident},
        "",
        "",
        "",
        ""});
    kinds.push_back(Kind{
        K::kEigenschap,
        "eigenschap",
        "eigenschappen",
        "Eigenschap",
        "EigenschapRequest",
        "PatchedEigenschapRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype}, {"statustype", K::kStatustype, false, true}},
        {geldig, status, zaaktype, zt_ident},
        "",
        "",
        "",
        ""});
    kinds.push_back(Kind{
        K::kInformatieobjecttype,
        "informatieobjecttype",
        "informatieobjecttypen",
        "InformatieObjectType",
        "InformatieObjectTypeRequest",
        "PatchedInformatieObjectTypeRequest",
        true,
        false,
        true,
        {{"catalogus", K::kCatalogus}},
        {catalogus,
         geldig,
         {"omschrijving", F::kEquals, "omschrijving"},
         {"omschrijving__icontains", F::kIContains, "omschrijving"},
         status,
         {"zaaktype", F::kRelation, "ziot_zaaktype", K::kZaaktype}},
        "",
        "",
        "",
        "omschrijving"});
    kinds.push_back(Kind{
        K::kBesluittype,
        "besluittype",
        "besluittypen",
        "BesluitType",
        "BesluitTypeRequest",
        "PatchedBesluitTypeRequest",
        true,
        false,
        true,
        {{"catalogus", K::kCatalogus}, {"informatieobjecttypen", K::kInformatieobjecttype, true}},
        {catalogus,
         geldig,
         {"informatieobjecttypen", F::kRelation, "informatieobjecttypen", K::kInformatieobjecttype},
         {"omschrijving", F::kEquals, "omschrijving"},
         status,
         {"zaaktypen", F::kRelation, "zaaktype_besluittypen", K::kZaaktype}},
        "",
        "",
        "",
        "omschrijving"});
    kinds.push_back(Kind{
        K::kZaakobjecttype,
        "zaakobjecttype",
        "zaakobjecttypen",
        "ZaakObjectType",
        "ZaakObjectTypeRequest",
        "PatchedZaakObjectTypeRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype}, {"statustype", K::kStatustype, false, true}},
        {{"anderObjecttype", F::kEquals, "attr3"},
         catalogus,
         {"datumBeginGeldigheid", F::kDateEquals, "begin_geldigheid"},
         {"datumEindeGeldigheid", F::kDateEquals, "einde_geldigheid"},
         geldig,
         {"objecttype", F::kEquals, "attr1"},
         {"relatieOmschrijving", F::kEquals, "attr2"},
         status,
         zaaktype,
         zt_ident},
        "objecttype",
        "relatieOmschrijving",
        "anderObjecttype",
        ""});
    kinds.push_back(Kind{
        K::kZaaktypeInformatieobjecttype,
        "zaaktype-informatieobjecttype",
        "zaaktype-informatieobjecttypen",
        "ZaakTypeInformatieObjectType",
        "ZaakTypeInformatieObjectTypeRequest",
        "PatchedZaakTypeInformatieObjectTypeRequest",
        false,
        true,
        true,
        {{"zaaktype", K::kZaaktype},
         {"informatieobjecttype", K::kInformatieobjecttype},
         {"statustype", K::kStatustype, false, true}},
        {{"informatieobjecttype", F::kRelation, "informatieobjecttype", K::kInformatieobjecttype},
         {"richting", F::kEquals, "attr1"},
         status,
         zaaktype},
        "richting",
        "",
        "",
        ""});
    auto incoming = [&kinds](KindId id, std::vector<Incoming> fields) {
        kinds[static_cast<std::size_t>(id)].incoming = std::move(fields);
    };
    incoming(
        K::kCatalogus,
        {{"zaaktypen", K::kZaaktype, "catalogus"},
         {"besluittypen", K::kBesluittype, "catalogus"},
         {"informatieobjecttypen", K::kInformatieobjecttype, "catalogus"}}
    );
    incoming(
        K::kZaaktype,
        {{"statustypen", K::kStatustype, "zaaktype"},
         {"resultaattypen", K::kResultaattype, "zaaktype"},
         {"eigenschappen", K::kEigenschap, "zaaktype"},
         {"roltypen", K::kRoltype, "zaaktype"},
         {"zaakobjecttypen", K::kZaakobjecttype, "zaaktype"}}
    );
    incoming(
        K::kStatustype,
        {{"eigenschappen", K::kEigenschap, "statustype"}, {"zaakobjecttypen", K::kZaakobjecttype, "statustype"}}
    );
    incoming(K::kInformatieobjecttype, {{"besluittypen", K::kBesluittype, "informatieobjecttypen"}});
    incoming(
        K::kBesluittype,
        {{"zaaktypen", K::kZaaktype, "besluittypen"}, {"resultaattypen", K::kResultaattype, "besluittypen"}}
    );
    return kinds;
}

}  // namespace

const std::vector<Kind>& Kinds() {
    static const std::vector<Kind> kinds = MakeKinds();
    return kinds;
}

const Kind& GetKind(KindId id) {
    return Kinds()[static_cast<std::size_t>(id)];
}

const Kind* FindKindByCollection(std::string_view collection) {
    for (const auto& k : Kinds()) {
        if (k.collection == collection) return &k;
    }
    return nullptr;
}

std::string StoredUrl(const Kind& kind, std::string_view uuid) {
    return fmt::format("{}{}/{}/{}", json::kBaseMarkerChar, kApiRoot, kind.collection, uuid);
}

}  // namespace thorbecke::catalogi
