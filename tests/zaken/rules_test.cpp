#include "zaken/rules.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace thorbecke::zaken {

namespace {

//! A resultaattype as the Catalogi API serves it, with the given afleidingswijze and extra procedure fields.
boost::json::object Resultaattype(
    std::string_view afleidingswijze,
    const char* archiefactietermijn = "P10Y",
    const char* extra_procedure = "{}",
    const char* archiefnominatie = "vernietigen"
) {
    boost::json::object procedure = boost::json::parse(extra_procedure).as_object();
    procedure["afleidingswijze"] = afleidingswijze;
    boost::json::object r;
    r["archiefnominatie"] = archiefnominatie;
    if (archiefactietermijn) {
        r["archiefactietermijn"] = archiefactietermijn;
    } else {
        r["archiefactietermijn"] = nullptr;
    }
    r["brondatumArchiefprocedure"] = procedure;
    return r;
}

ArchiveFacts Closed(std::string einddatum = "2024-03-15") {
    ArchiveFacts f;
    f.einddatum = std::move(einddatum);
    return f;
}

//! Asserts the error is zrc-021's 400 on nonFieldErrors with code archiefactiedatum-error.
void ExpectArchiefError(const Result<ArchiveOutcome>& r) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().status, 400);
    ASSERT_EQ(r.error().invalid_params.size(), 1u);
    EXPECT_EQ(r.error().invalid_params[0].name, "nonFieldErrors");
    EXPECT_EQ(r.error().invalid_params[0].code, "archiefactiedatum-error");
    EXPECT_FALSE(r.error().invalid_params[0].reason.empty());
}

boost::json::object Json(const char* text) {
    return boost::json::parse(text).as_object();
}

}  // namespace

// --- BSN / RSIN -------------------------------------------------------------------------------------------

TEST(ZakenRulesTest, BsnElfproef) {
    EXPECT_TRUE(IsValidBsn("111222333"));
    EXPECT_TRUE(IsValidBsn("123456782"));
    EXPECT_TRUE(IsValidBsn("999993653"));
    EXPECT_FALSE(IsValidBsn("123456789"));
    EXPECT_FALSE(IsValidBsn("000000000"));
    EXPECT_FALSE(IsValidBsn("11122233"));
    EXPECT_FALSE(IsValidBsn("1112223330"));
    EXPECT_FALSE(IsValidBsn("11122233a"));
    EXPECT_FALSE(IsValidBsn(""));
}

TEST(ZakenRulesTest, RsinElfproef) {
    EXPECT_TRUE(IsValidRsin("002220647"));
    EXPECT_TRUE(IsValidRsin("517439943"));
    EXPECT_FALSE(IsValidRsin("123456789"));
    EXPECT_FALSE(IsValidRsin("12345678"));
    EXPECT_FALSE(IsValidRsin("00222064a"));
}

// --- AddDuration ------------------------------------------------------------------------------------------

TEST(ZakenRulesTest, AddDurationClampsMonthEnds) {
    EXPECT_EQ(AddDuration("2024-01-31", "P1M"), "2024-02-29");  // leap year
    EXPECT_EQ(AddDuration("2023-01-31", "P1M"), "2023-02-28");
    EXPECT_EQ(AddDuration("2024-02-29", "P1Y"), "2025-02-28");
    EXPECT_EQ(AddDuration("2024-02-29", "P4Y"), "2028-02-29");
    EXPECT_EQ(AddDuration("2024-11-30", "P3M"), "2025-02-28");
    EXPECT_EQ(AddDuration("2024-03-31", "P1Y1M"), "2025-04-30");
}

TEST(ZakenRulesTest, AddDurationAddsWeeksAndDaysAfterMonths) {
    EXPECT_EQ(AddDuration("2024-03-15", "P10Y"), "2034-03-15");
    EXPECT_EQ(AddDuration("2024-12-25", "P2W"), "2025-01-08");
    EXPECT_EQ(AddDuration("2023-12-25", "P1Y2M10D"), "2025-03-07");
    // relativedelta: months first (2024-01-31 + 1M = 2024-02-29), then the day.
    EXPECT_EQ(AddDuration("2024-01-31", "P1M1D"), "2024-03-01");
    EXPECT_EQ(AddDuration("2024-02-28", "P1D"), "2024-02-29");
    EXPECT_EQ(AddDuration("2024-02-28", "PT36H"), "2024-02-29");
    EXPECT_EQ(AddDuration("2024-02-28", "PT23H"), "2024-02-28");
}

TEST(ZakenRulesTest, AddDurationRejectsInvalidInput) {
    EXPECT_EQ(AddDuration("2024-02-30", "P1Y"), "");
    EXPECT_EQ(AddDuration("2024-02-01", "1Y"), "");
    EXPECT_EQ(AddDuration("2024-02-01", "P"), "");
}

// --- zrc-021: every afleidingswijze -------------------------------------------------------------------------

TEST(ZakenRulesTest, AfgehandeldUsesEinddatum) {
    auto r = DeriveArchiving(Resultaattype("afgehandeld"), Closed("2024-03-15"));
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->brondatum, "2024-03-15");
    EXPECT_EQ(r->archiefactiedatum, "2034-03-15");
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
    EXPECT_EQ(r->startdatumBewaartermijn, "2024-03-15");

    r = DeriveArchiving(Resultaattype("afgehandeld", "P1Y"), Closed("2024-02-29"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->archiefactiedatum, "2025-02-28");
}

TEST(ZakenRulesTest, TermijnAddsProcestermijnToEinddatum) {
    auto r = DeriveArchiving(
        Resultaattype("termijn", "P5Y", R"({"procestermijn": "P1M"})", "blijvend_bewaren"), Closed("2024-01-31")
    );
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->brondatum, "2024-02-29");
    EXPECT_EQ(r->archiefactiedatum, "2029-02-28");
    EXPECT_EQ(r->archiefnominatie, "blijvend_bewaren");
    EXPECT_EQ(r->startdatumBewaartermijn, "2024-02-29");
}

TEST(ZakenRulesTest, TermijnErrors) {
    ExpectArchiefError(DeriveArchiving(Resultaattype("termijn", "P5Y"), Closed()));
    ExpectArchiefError(DeriveArchiving(Resultaattype("termijn", "P5Y", R"({"procestermijn": null})"), Closed()));
    ExpectArchiefError(DeriveArchiving(Resultaattype("termijn", "P5Y", R"({"procestermijn": "vijf jaar"})"), Closed()));
    // No einddatum: the brondatum cannot be determined, which is no error.
    auto r = DeriveArchiving(Resultaattype("termijn", "P5Y", R"({"procestermijn": "P1Y"})"), Closed(""));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->brondatum);
    EXPECT_FALSE(r->archiefactiedatum);
}

TEST(ZakenRulesTest, EigenschapParsesTheNamedZaakeigenschap) {
    auto type = Resultaattype("eigenschap", "P1Y", R"({"datumkenmerk": "vervaldatum"})");
    auto facts = Closed();
    facts.eigenschappen = {{"vervaldatum", "2025-06-30"}, {"andere", "2099-01-01"}};
    auto r = DeriveArchiving(type, facts);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->brondatum, "2025-06-30");
    EXPECT_EQ(r->archiefactiedatum, "2026-06-30");
    EXPECT_EQ(r->startdatumBewaartermijn, "2025-06-30");

    // ISO date-times count with their date part, and ZGW's eigenschap formats (datum, datum_tijd) too.
    for (const char* waarde :
         {"2025-06-30T23:30:00+02:00",
          "2025-06-30T10:00:00Z",
          "2025-06-30T10:00",
          "20250630",
          "20250630103000",
          " 2025-06-30 "}) {
        facts.eigenschappen["vervaldatum"] = waarde;
        r = DeriveArchiving(type, facts);
        ASSERT_TRUE(r) << waarde;
        EXPECT_EQ(r->brondatum, "2025-06-30") << waarde;
    }
}

TEST(ZakenRulesTest, EigenschapErrors) {
    auto type = Resultaattype("eigenschap", "P1Y", R"({"datumkenmerk": "vervaldatum"})");
    auto facts = Closed();
    ExpectArchiefError(DeriveArchiving(type, facts));  // the zaak has no such eigenschap
    for (const char* waarde : {"morgen", "2025-02-30", "2025-06-30T25:00:00Z", "20251301", "2025/06/30"}) {
        facts.eigenschappen["vervaldatum"] = waarde;
        SCOPED_TRACE(waarde);
        ExpectArchiefError(DeriveArchiving(type, facts));
    }
    ExpectArchiefError(DeriveArchiving(Resultaattype("eigenschap"), facts));  // no datumkenmerk
}

TEST(ZakenRulesTest, EigenschapWithoutValueLeavesArchiefactiedatumEmpty) {
    auto facts = Closed();
    facts.eigenschappen["vervaldatum"] = "";
    auto r = DeriveArchiving(Resultaattype("eigenschap", "P1Y", R"({"datumkenmerk": "vervaldatum"})"), facts);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->brondatum);
    EXPECT_FALSE(r->archiefactiedatum);
    EXPECT_FALSE(r->startdatumBewaartermijn);
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
}

TEST(ZakenRulesTest, AnderDatumkenmerkIsSetByHand) {
    auto r = DeriveArchiving(
        Resultaattype(
            "ander_datumkenmerk",
            "P10Y",
            R"({"datumkenmerk": "overlijdensdatum", "objecttype": "persoon", "registratie": "BRP"})"
        ),
        Closed()
    );
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->brondatum);
    EXPECT_FALSE(r->archiefactiedatum);
    EXPECT_FALSE(r->startdatumBewaartermijn);
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
}

TEST(ZakenRulesTest, ZaakobjectTakesTheLatestDateOfObjectsOfTheType) {
    auto type = Resultaattype("zaakobject", "P2Y", R"({"datumkenmerk": "einddatum", "objecttype": "adres"})");
    auto facts = Closed();
    facts.zaakobjecten = {
        Json(R"({"objectType": "adres", "objectIdentificatie": {"einddatum": "2023-05-01"}})"),
        Json(R"({"objectType": "adres", "object": "https://x/adres/1", "einddatum": "2024-05-01T00:00:00Z"})"),
        Json(R"({"objectType": "pand", "objectIdentificatie": {"einddatum": "2030-01-01"}})"),
        Json(
            R"({"objectType": "overige", "objectTypeOverige": "adres", "objectIdentificatie": {"einddatum": "2020-01-01"}})"
        ),
    };
    auto r = DeriveArchiving(type, facts);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->brondatum, "2024-05-01");
    EXPECT_EQ(r->archiefactiedatum, "2026-05-01");
}

TEST(ZakenRulesTest, ZaakobjectDatesWithoutLeadingZeros) {
    // The VNG suite's woz_waarde zaakobjecten hold "2008-1-1"; the reference's date parser reads those.
    auto type =
        Resultaattype("zaakobject", "P5Y", R"({"datumkenmerk": "waardepeildatum", "objecttype": "woz_waarde"})");
    auto facts = Closed();
    facts.zaakobjecten = {
        Json(R"({"objectType": "woz_waarde", "objectIdentificatie": {"waardepeildatum": "2008-1-1"}})"),
        Json(R"({"objectType": "woz_waarde", "objectIdentificatie": {"waardepeildatum": "2013-1-1"}})"),
    };
    auto r = DeriveArchiving(type, facts);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->brondatum, "2013-01-01");
    EXPECT_EQ(r->archiefactiedatum, "2018-01-01");
    for (const char* bad : {"2013-13-1", "2013-1-32", "2013-1-", "13-1-1", "2013-111-1", "2013-1-1x"}) {
        std::string text =
            fmt::format(R"({{"objectType": "woz_waarde", "objectIdentificatie": {{"waardepeildatum": "{}"}}}})", bad);
        facts.zaakobjecten = {Json(text.c_str())};
        ExpectArchiefError(DeriveArchiving(type, facts));
    }
}

TEST(ZakenRulesTest, ZaakobjectErrors) {
    auto type = Resultaattype("zaakobject", "P2Y", R"({"datumkenmerk": "einddatum", "objecttype": "adres"})");
    auto facts = Closed();
    ExpectArchiefError(DeriveArchiving(type, facts));  // no zaakobjecten at all
    facts.zaakobjecten = {Json(R"({"objectType": "pand", "objectIdentificatie": {"einddatum": "2030-01-01"}})")};
    ExpectArchiefError(DeriveArchiving(type, facts));  // none of the type
    facts.zaakobjecten = {Json(R"({"objectType": "adres", "objectIdentificatie": {"huisnummer": 1}})")};
    ExpectArchiefError(DeriveArchiving(type, facts));  // no such attribute
    facts.zaakobjecten = {Json(R"({"objectType": "adres", "objectIdentificatie": {"einddatum": null}})")};
    ExpectArchiefError(DeriveArchiving(type, facts));
    facts.zaakobjecten = {Json(R"({"objectType": "adres", "objectIdentificatie": {"einddatum": "gisteren"}})")};
    ExpectArchiefError(DeriveArchiving(type, facts));
    facts.zaakobjecten = {Json(R"({"objectType": "adres", "objectIdentificatie": {"einddatum": 20240501}})")};
    ExpectArchiefError(DeriveArchiving(type, facts));
    facts.zaakobjecten = {Json(R"({"objectType": "adres", "objectIdentificatie": {"einddatum": "2024-05-01"}})")};
    ExpectArchiefError(DeriveArchiving(Resultaattype("zaakobject", "P2Y", R"({"datumkenmerk": "einddatum"})"), facts));
    ExpectArchiefError(DeriveArchiving(Resultaattype("zaakobject", "P2Y", R"({"objecttype": "adres"})"), facts));
}

TEST(ZakenRulesTest, HoofdzaakUsesTheEinddatumOfTheHoofdzaak) {
    auto facts = Closed("2024-03-15");
    facts.hoofdzaak_einddatum = "2024-06-01";
    auto r = DeriveArchiving(Resultaattype("hoofdzaak", "P20Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->brondatum, "2024-06-01");
    EXPECT_EQ(r->archiefactiedatum, "2044-06-01");

    // While the hoofdzaak is open the brondatum is not known yet (filled in when the hoofdzaak closes).
    facts.hoofdzaak_einddatum.clear();
    r = DeriveArchiving(Resultaattype("hoofdzaak", "P20Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->brondatum);
    EXPECT_FALSE(r->archiefactiedatum);
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
}

TEST(ZakenRulesTest, GerelateerdeZaakUsesTheLatestEinddatum) {
    auto facts = Closed();
    facts.gerelateerde_zaak_einddatums = {"2024-01-01", "", "2024-07-01"};
    auto r = DeriveArchiving(Resultaattype("gerelateerde_zaak", "P1Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->brondatum, "2024-07-01");
    EXPECT_EQ(r->archiefactiedatum, "2025-07-01");

    facts.gerelateerde_zaak_einddatums = {""};  // all still open
    r = DeriveArchiving(Resultaattype("gerelateerde_zaak", "P1Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->archiefactiedatum);

    facts.gerelateerde_zaak_einddatums.clear();
    ExpectArchiefError(DeriveArchiving(Resultaattype("gerelateerde_zaak", "P1Y"), facts));
}

TEST(ZakenRulesTest, IngangsdatumBesluitUsesTheLatestIngangsdatum) {
    auto facts = Closed();
    facts.besluit_ingangsdatums = {"2024-03-01", "2024-01-01"};
    auto r = DeriveArchiving(Resultaattype("ingangsdatum_besluit", "P3Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->brondatum, "2024-03-01");
    EXPECT_EQ(r->archiefactiedatum, "2027-03-01");

    ExpectArchiefError(DeriveArchiving(Resultaattype("ingangsdatum_besluit", "P3Y"), Closed()));  // no besluiten
}

TEST(ZakenRulesTest, VervaldatumBesluitUsesTheLatestVervaldatum) {
    auto facts = Closed();
    facts.besluit_ingangsdatums = {"2020-01-01", "2020-02-01", "2020-03-01"};
    facts.besluit_vervaldatums = {"2021-01-01", "", "2020-01-01"};
    auto r = DeriveArchiving(Resultaattype("vervaldatum_besluit", "P5Y"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->brondatum, "2021-01-01");
    EXPECT_EQ(r->archiefactiedatum, "2026-01-01");
    EXPECT_EQ(r->startdatumBewaartermijn, "2021-01-01");
}

TEST(ZakenRulesTest, VervaldatumBesluitErrors) {
    ExpectArchiefError(DeriveArchiving(Resultaattype("vervaldatum_besluit", "P5Y"), Closed()));  // no besluiten
    auto facts = Closed();
    facts.besluit_ingangsdatums = {"2020-01-01"};
    ExpectArchiefError(DeriveArchiving(Resultaattype("vervaldatum_besluit", "P5Y"), facts));  // no vervaldatum
    facts.besluit_vervaldatums = {""};
    ExpectArchiefError(DeriveArchiving(Resultaattype("vervaldatum_besluit", "P5Y"), facts));
}

// --- zrc-021: what the zaak already has, and a missing archiefactietermijn ----------------------------------

TEST(ZakenRulesTest, WithoutArchiefactietermijnOnlyTheNominatieIsSet) {
    // Not even the configuration is checked: zrc-021 step 2 applies only when the termijn is filled.
    auto r = DeriveArchiving(Resultaattype("eigenschap", nullptr, R"({"datumkenmerk": "x"})"), Closed());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
    EXPECT_FALSE(r->brondatum);
    EXPECT_FALSE(r->archiefactiedatum);
    EXPECT_FALSE(r->startdatumBewaartermijn);

    boost::json::object no_termijn = Resultaattype("afgehandeld");
    no_termijn.erase("archiefactietermijn");
    r = DeriveArchiving(no_termijn, Closed());
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->archiefactiedatum);
}

TEST(ZakenRulesTest, ValuesTheZaakHasAreKept) {
    auto facts = Closed("2024-03-15");
    facts.archiefnominatie = "blijvend_bewaren";
    auto r = DeriveArchiving(Resultaattype("afgehandeld"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->archiefnominatie, "blijvend_bewaren");
    EXPECT_EQ(r->archiefactiedatum, "2034-03-15");

    facts.startdatum_bewaartermijn = "2024-01-01";
    r = DeriveArchiving(Resultaattype("afgehandeld"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->startdatumBewaartermijn, "2024-01-01");
    EXPECT_EQ(r->brondatum, "2024-03-15");

    // An archiefactiedatum set by hand stays, and nothing is derived (nor checked).
    facts.archiefactiedatum = "2030-01-01";
    r = DeriveArchiving(Resultaattype("eigenschap", "P1Y", R"({"datumkenmerk": "ontbreekt"})"), facts);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->archiefactiedatum, "2030-01-01");
    EXPECT_FALSE(r->brondatum);
    EXPECT_EQ(r->startdatumBewaartermijn, "2024-01-01");
}

TEST(ZakenRulesTest, BrokenConfigurationIsAnError) {
    ExpectArchiefError(DeriveArchiving(Resultaattype("afgehandeld", "tien jaar"), Closed()));
    ExpectArchiefError(DeriveArchiving(Resultaattype("volgens_afspraak"), Closed()));
    ExpectArchiefError(DeriveArchiving(Resultaattype("afgehandeld"), Closed("15-03-2024")));
    auto facts = Closed();
    facts.besluit_ingangsdatums = {"2024-13-01"};
    ExpectArchiefError(DeriveArchiving(Resultaattype("ingangsdatum_besluit"), facts));
}

TEST(ZakenRulesTest, WithoutBrondatumArchiefprocedureNothingIsDerived) {
    boost::json::object type = Resultaattype("afgehandeld");
    type["brondatumArchiefprocedure"] = nullptr;
    auto r = DeriveArchiving(type, Closed());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->archiefnominatie, "vernietigen");
    EXPECT_FALSE(r->archiefactiedatum);
}

// --- zrc-006, zrc-002 ---------------------------------------------------------------------------------------

TEST(ZakenRulesTest, VertrouwelijkheidRanks) {
    EXPECT_EQ(VertrouwelijkheidRank("openbaar"), 1);
    EXPECT_EQ(VertrouwelijkheidRank("beperkt_openbaar"), 2);
    EXPECT_EQ(VertrouwelijkheidRank("intern"), 3);
    EXPECT_EQ(VertrouwelijkheidRank("zaakvertrouwelijk"), 4);
    EXPECT_EQ(VertrouwelijkheidRank("vertrouwelijk"), 5);
    EXPECT_EQ(VertrouwelijkheidRank("confidentieel"), 6);
    EXPECT_EQ(VertrouwelijkheidRank("geheim"), 7);
    EXPECT_EQ(VertrouwelijkheidRank("zeer_geheim"), 8);
    EXPECT_EQ(VertrouwelijkheidRank(""), 0);
    EXPECT_EQ(VertrouwelijkheidRank("Geheim"), 0);
    EXPECT_EQ(VertrouwelijkheidRank("topgeheim"), 0);
}

TEST(ZakenRulesTest, GeneratedIdentificatie) {
    EXPECT_EQ(NextIdentificatie("ZAAK-2026-", 1), "ZAAK-2026-0000000001");
    EXPECT_EQ(NextIdentificatie("ZAAK-2026-", 1234567890), "ZAAK-2026-1234567890");
    EXPECT_EQ(NextIdentificatie("ZAAK-2027-", 42), "ZAAK-2027-0000000042");
}

}  // namespace thorbecke::zaken
