// The rights of the Besluiten API per besluittype (besluiten/access.h): pure functions, no database. What a
// besluit mirrors in the Zaken and Documenten APIs is tested over HTTP against the real components
// (tests/api/test_besluiten.py, tests/api/test_zgw_consistency.py).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "besluiten/access.h"
#include "core/storage/where.h"

namespace thorbecke::besluiten {
namespace {

const std::string kBase = "http://test";
const std::string kBesluittype = kBase + "/catalogi/api/v1/besluittypen/11111111-1111-4111-8111-111111111111";
const std::string kZaaktype = kBase + "/catalogi/api/v1/zaaktypen/22222222-2222-4222-8222-222222222222";

TEST(BesluitenAccess, GrantsByBesluittype) {
    EXPECT_EQ(BesluittypeKey(kBesluittype), "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(
        BesluittypeKey("\x01/catalogi/api/v1/besluittypen/11111111-1111-4111-8111-111111111111"),
        "11111111-1111-4111-8111-111111111111"
    );
    EXPECT_EQ(BesluittypeKey("https://elders/bt/1"), "https://elders/bt/1");

    auth::Principal p;
    p.grants.insert(auth::Grant{"brc", "besluiten.lezen", kBesluittype});
    p.grants.insert(auth::Grant{"zrc", "besluiten.lezen"});  // another component: no right here
    std::vector<std::string> lezen{"besluiten.lezen"}, aanmaken{"besluiten.aanmaken"};
    EXPECT_TRUE(MayAccess(&p, lezen, "11111111-1111-4111-8111-111111111111"));
    EXPECT_FALSE(MayAccess(&p, lezen, "other"));
    EXPECT_FALSE(MayAccess(&p, aanmaken, "11111111-1111-4111-8111-111111111111"));
    EXPECT_FALSE(MayAccess(nullptr, lezen, "x"));
    storage::Where w;
    EXPECT_TRUE(AccessCondition(&p, lezen, w));
    EXPECT_EQ(w.Sql(1), " WHERE (b.besluittype_key = $1)");
    storage::Where none;
    EXPECT_FALSE(AccessCondition(&p, aanmaken, none));

    p.grants.insert(auth::Grant{"brc", "besluiten.lezen"});  // and one for every besluittype
    storage::Where all;
    EXPECT_TRUE(AccessCondition(&p, lezen, all));
    EXPECT_TRUE(all.empty());
    EXPECT_TRUE(MayAccess(&p, lezen, "other"));

    auth::Principal forced;
    forced.grants.insert(auth::Grant{"zrc", "zaken.geforceerd-bijwerken", kZaaktype});
    EXPECT_TRUE(MayChangeClosedZaak(&forced, kZaaktype));
    EXPECT_FALSE(MayChangeClosedZaak(&forced, kZaaktype + "x"));
    EXPECT_FALSE(MayChangeClosedZaak(&p, kZaaktype));
}

}  // namespace
}  // namespace thorbecke::besluiten
