#include "catalogi/rules.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace thorbecke::catalogi {

namespace {
std::map<std::string, std::string> Errors(const char* brondatum) {
    std::map<std::string, std::string> out;
    for (const auto& e : CheckBrondatumArchiefprocedure(boost::json::parse(brondatum).as_object())) {
        out[e.name] = e.code;
    }
    return out;
}

//! The ztc-003 error as "name:code", or "" when the afleidingswijze fits.
std::string Ztc003(const char* brondatum, std::string_view procestermijn) {
    auto e = CheckAfleidingswijzeForProcestermijn(boost::json::parse(brondatum).as_object(), procestermijn);
    return e ? e->name + ":" + e->code : std::string();
}
}  // namespace

TEST(RulesTest, RsinElfproef) {
    EXPECT_TRUE(IsValidRsin("002220647"));
    EXPECT_TRUE(IsValidRsin("517439943"));
    EXPECT_FALSE(IsValidRsin("123456789"));
    EXPECT_FALSE(IsValidRsin("12345678"));
    EXPECT_FALSE(IsValidRsin("00222064a"));
}

TEST(RulesTest, Ztc003AfleidingswijzeFollowsProcestermijn) {
    // A rule on the resultaattype as a whole, as the reference reports it: nonFieldErrors.
    EXPECT_EQ(
        Ztc003(R"({"afleidingswijze": "termijn", "procestermijn": "P1Y"})", "nihil"),
        "nonFieldErrors:invalid-afleidingswijze-for-procestermijn"
    );
    EXPECT_EQ(Ztc003(R"({"afleidingswijze": "afgehandeld"})", "nihil"), "");
    EXPECT_EQ(
        Ztc003(R"({"afleidingswijze": "afgehandeld"})", "ingeschatte_bestaansduur_procesobject"),
        "nonFieldErrors:invalid-afleidingswijze-for-procestermijn"
    );
    EXPECT_EQ(Ztc003(R"({"afleidingswijze": "eigenschap"})", ""), "");
}

TEST(RulesTest, Ztc004To008FieldsFitTheAfleidingswijze) {
    auto e = Errors(R"({"afleidingswijze": "ander_datumkenmerk"})");
    EXPECT_EQ(e["brondatumArchiefprocedure.datumkenmerk"], "required");
    EXPECT_EQ(e["brondatumArchiefprocedure.objecttype"], "required");
    EXPECT_EQ(e["brondatumArchiefprocedure.registratie"], "required");
    e = Errors(
        R"({"afleidingswijze": "afgehandeld", "datumkenmerk": "x", "einddatumBekend": true, "procestermijn": "P1Y"})"
    );
    EXPECT_EQ(e["brondatumArchiefprocedure.datumkenmerk"], "must-be-empty");
    EXPECT_EQ(e["brondatumArchiefprocedure.einddatumBekend"], "must-be-empty");
    EXPECT_EQ(e["brondatumArchiefprocedure.procestermijn"], "must-be-empty");
    e = Errors(R"({"afleidingswijze": "termijn"})");
    EXPECT_EQ(e["brondatumArchiefprocedure.procestermijn"], "required");
    EXPECT_TRUE(Errors(R"({"afleidingswijze": "eigenschap", "datumkenmerk": "vervaldatum"})").empty());
}

TEST(RulesTest, ValidityPeriodsOverlapInclusively) {
    EXPECT_TRUE(PeriodsOverlap("2024-01-01", "", "2025-01-01", ""));
    EXPECT_TRUE(PeriodsOverlap("2024-01-01", "2024-12-31", "2024-12-31", ""));
    EXPECT_FALSE(PeriodsOverlap("2024-01-01", "2024-12-30", "2024-12-31", ""));
    EXPECT_FALSE(PeriodsOverlap("2025-01-01", "", "2024-01-01", "2024-12-31"));
}

TEST(RulesTest, PublishedTypesMayOnlyChangeEindeGeldigheid) {
    EXPECT_TRUE(OnlyEindeGeldigheid(boost::json::parse(R"({"eindeGeldigheid": "2025-01-01"})").as_object()));
    EXPECT_FALSE(OnlyEindeGeldigheid(boost::json::parse(R"({"eindeGeldigheid": null, "omschrijving": "x"})").as_object()
    ));
}

}  // namespace thorbecke::catalogi
