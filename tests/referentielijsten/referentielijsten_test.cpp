// Tests of the Referentielijsten component: the embedded selectielijst, the local and remote lookups, and the
// API endpoints (called through the router, without a server).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/http/router.h"
#include "core/json/json.h"
#include "referentielijsten/catalog.h"
#include "referentielijsten/lookup.h"
#include "referentielijsten/routes.h"
#include "support/run_coro.h"

namespace thorbecke::referentielijsten {
namespace {

namespace bj = boost::json;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

constexpr std::string_view kBase = "http://localhost:8000";
// From the fixtures: procestype pk 1 (nummer 1, 2017), its first resultaat (pk 1, generiek, P10Y) and a
// specifiek resultaat (pk 2, under generiek resultaat pk 1, no bewaartermijn).
constexpr std::string_view kProcestype1 = "e1b73b12-b2f6-4c4e-8929-94f84dd2a57d";
constexpr std::string_view kResultaat1 = "6711baff-798b-4c7f-9133-8ad02c8b7c6f";
constexpr std::string_view kResultaat2 = "6d37598e-30f0-4aef-930d-3e1690725d95";
constexpr std::string_view kAfgewezen = "e6a0c939-3404-45b0-88e3-76c94fb80ea7";
constexpr std::string_view kUnknownUuid = "00000000-0000-4000-8000-000000000000";

const Catalog& TheCatalog() {
    static const Catalog catalog = [] {
        auto loaded = Catalog::LoadEmbedded();
        if (!loaded) throw std::runtime_error(loaded.error().detail);
        return std::move(*loaded);
    }();
    return catalog;
}

std::string Url(std::string_view base, Kind kind, std::string_view uuid) {
    return fmt::format("{}{}/{}/{}", base, kApiRoot, CollectionName(kind), uuid);
}

using testing::RunCoro;

// ---- the data --------------------------------------------------------------------------------------------

TEST(CatalogTest, LoadsTheEmbeddedSelectielijst) {
    const Catalog& c = TheCatalog();
    EXPECT_EQ(c.procestypen().size(), 58u);
    EXPECT_EQ(c.resultaten().size(), 346u);
    EXPECT_EQ(c.resultaattypeomschrijvingen().size(), 3u);
    EXPECT_EQ(c.communicatiekanalen().size(), 0u);
    EXPECT_EQ(c.Count(Kind::kProcestype), 58u);
    EXPECT_EQ(c.Count(Kind::kResultaat), 346u);
    EXPECT_EQ(c.Count(Kind::kResultaattypeomschrijving), 3u);
    EXPECT_EQ(c.Count(Kind::kCommunicatiekanaal), 0u);
}

TEST(CatalogTest, ProcestypeFields) {
    const Catalog& c = TheCatalog();
    auto i = c.Find(Kind::kProcestype, kProcestype1);
    ASSERT_TRUE(i);
    const Procestype& p = c.procestypen()[*i];
    EXPECT_EQ(p.uuid, kProcestype1);
    EXPECT_EQ(p.url, fmt::format("/referentielijsten/api/v1/procestypen/{}", kProcestype1));
    EXPECT_EQ(p.nummer, 1);
    EXPECT_EQ(p.jaar, 2017);
    EXPECT_EQ(p.naam, "Instellen en inrichten organisatie");
    EXPECT_EQ(p.procesobject, "De vastgestelde organisatie inrichting");
}

TEST(CatalogTest, ProcestypenAreOrderedByNummerThenJaar) {
    const auto& pts = TheCatalog().procestypen();
    for (std::size_t i = 1; i < pts.size(); ++i) {
        EXPECT_TRUE(std::tie(pts[i - 1].nummer, pts[i - 1].jaar) < std::tie(pts[i].nummer, pts[i].jaar)) << i;
    }
}

TEST(CatalogTest, ResultaatLinksToItsProcestype) {
    const Catalog& c = TheCatalog();
    auto pt = c.Find(Kind::kProcestype, kProcestype1);
    auto r1 = c.Find(Kind::kResultaat, kResultaat1);
    auto r2 = c.Find(Kind::kResultaat, kResultaat2);
    ASSERT_TRUE(pt && r1 && r2);
    const Resultaat& generiek = c.resultaten()[*r1];
    const Resultaat& specifiek = c.resultaten()[*r2];
    EXPECT_EQ(generiek.procestype_url, c.procestypen()[*pt].url);
    EXPECT_TRUE(generiek.generiek);
    EXPECT_EQ(generiek.volledig_nummer, "1.1");
    EXPECT_EQ(generiek.waardering, "vernietigen");
    EXPECT_EQ(generiek.procestermijn, "nihil");
    EXPECT_EQ(generiek.bewaartermijn, "P10Y");
    EXPECT_FALSE(specifiek.generiek);
    EXPECT_EQ(specifiek.volledig_nummer, "1.1.1");
    EXPECT_EQ(specifiek.waardering, "blijvend_bewaren");
    EXPECT_EQ(specifiek.bewaartermijn, "");

    // Every resultaat is listed under its procestype, in list order.
    std::size_t listed = 0;
    for (std::size_t p = 0; p < c.procestypen().size(); ++p) {
        std::size_t previous = 0;
        for (std::size_t r : c.ResultatenOf(p)) {
            EXPECT_EQ(c.resultaten()[r].procestype_url, c.procestypen()[p].url);
            if (listed > 0) {
                EXPECT_GT(r, previous);
            }
            previous = r;
            ++listed;
        }
    }
    EXPECT_EQ(listed, 346u);
    EXPECT_EQ(c.ResultatenOf(*pt).size(), 8u);
    EXPECT_EQ(c.ResultatenOf(*pt).front(), *r1);  // a generiek resultaat precedes its specifieke ones
}

TEST(CatalogTest, FindTakesEitherCaseAndRejectsNonUuids) {
    const Catalog& c = TheCatalog();
    std::string upper(kProcestype1);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(c.Find(Kind::kProcestype, upper), c.Find(Kind::kProcestype, kProcestype1));
    EXPECT_FALSE(c.Find(Kind::kProcestype, kUnknownUuid));
    EXPECT_FALSE(c.Find(Kind::kProcestype, "1"));
    EXPECT_FALSE(c.Find(Kind::kResultaat, kProcestype1));  // a procestype's uuid is no resultaat
}

TEST(CatalogTest, StoredJsonExpandsToTheApiShape) {
    const Catalog& c = TheCatalog();
    auto r = c.Find(Kind::kResultaat, kResultaat2);
    ASSERT_TRUE(r);
    bj::value v = bj::parse(json::ExpandBase(c.StoredJson(Kind::kResultaat, *r), kBase));
    const bj::object& o = v.as_object();
    EXPECT_EQ(o.at("url").as_string(), Url(kBase, Kind::kResultaat, kResultaat2));
    EXPECT_EQ(o.at("procesType").as_string(), Url(kBase, Kind::kProcestype, kProcestype1));
    EXPECT_EQ(o.at("volledigNummer").as_string(), "1.1.1");
    EXPECT_EQ(o.at("generiek").as_bool(), false);
    EXPECT_EQ(o.at("specifiek").as_bool(), true);
    EXPECT_TRUE(o.at("bewaartermijn").is_null());
    EXPECT_EQ(o.at("procestermijn").as_string(), "");
    EXPECT_EQ(o.at("procestermijnWeergave").as_string(), "");
    EXPECT_EQ(o.at("algemeenBestuurEnInrichtingOrganisatie").as_bool(), true);
    EXPECT_EQ(o.at("procestermijnOpmerking").as_string(), "");
    EXPECT_EQ(o.size(), 29u);  // every field of the OAS Resultaat schema
    EXPECT_EQ(o.begin()->key(), "url");

    auto p = c.Find(Kind::kProcestype, kProcestype1);
    bj::value pv = bj::parse(json::ExpandBase(c.StoredJson(Kind::kProcestype, *p), kBase));
    EXPECT_EQ(pv.at("jaar").as_int64(), 2017);
    EXPECT_EQ(pv.as_object().size(), 7u);

    auto r1 = c.Find(Kind::kResultaat, kResultaat1);
    bj::value rv = bj::parse(json::ExpandBase(c.StoredJson(Kind::kResultaat, *r1), kBase));
    EXPECT_EQ(rv.at("bewaartermijn").as_string(), "P10Y");
    EXPECT_EQ(rv.at("procestermijnWeergave").as_string(), "Nihil");
}

TEST(CatalogTest, RejectsBadData) {
    const std::string pt = R"([{"model":"selectielijst.procestype","pk":1,"fields":{
        "uuid":"e1b73b12-b2f6-4c4e-8929-94f84dd2a57d","nummer":1,"naam":"n","omschrijving":"o",
        "toelichting":"t","procesobject":"p","jaar":2017}}])";
    const std::string rs = R"([{"model":"selectielijst.resultaat","pk":1,"fields":{
        "uuid":"6711baff-798b-4c7f-9133-8ad02c8b7c6f","proces_type":1,"nummer":1,"naam":"n","waardering":"vernietigen"}}])";
    const std::string om = "[]";
    ASSERT_TRUE(Catalog::Parse(pt, rs, om));

    EXPECT_FALSE(Catalog::Parse("{", rs, om));
    EXPECT_FALSE(Catalog::Parse(pt, pt, om));  // wrong model
    std::string unknown_pt = rs;
    unknown_pt.replace(unknown_pt.find("\"proces_type\":1"), 15, "\"proces_type\":9");
    EXPECT_FALSE(Catalog::Parse(pt, unknown_pt, om));
    std::string no_naam = rs;
    no_naam.replace(no_naam.find("\"naam\""), 6, "\"name\"");
    EXPECT_FALSE(Catalog::Parse(pt, no_naam, om));
    std::string same_uuid = rs;
    same_uuid.replace(
        same_uuid.find("6711baff-798b-4c7f-9133-8ad02c8b7c6f"), 36, "e1b73b12-b2f6-4c4e-8929-94f84dd2a57d"
    );
    ASSERT_TRUE(Catalog::Parse(pt, same_uuid, om));  // uuids are unique per kind only
    std::string twice = rs;
    twice.pop_back();
    twice += "," + rs.substr(1);
    twice.replace(twice.rfind("\"pk\":1"), 6, "\"pk\":2");
    EXPECT_FALSE(Catalog::Parse(pt, twice, om));  // the same uuid twice
    std::string marker = pt;
    marker.replace(marker.find("\"t\""), 3, "\"\\u0001\"");
    EXPECT_FALSE(Catalog::Parse(marker, rs, om));
}

// ---- URL matching and the local lookup -------------------------------------------------------------------

TEST(MatchItemUrlTest, AcceptsOnlyItemsOfTheKindUnderTheRoot) {
    const std::string root = "http://localhost:8000/referentielijsten/api/v1";
    EXPECT_EQ(MatchItemUrl(root + "/procestypen/abc", root, Kind::kProcestype), "abc");
    EXPECT_EQ(
        MatchItemUrl("HTTP://LocalHost:8000/referentielijsten/api/v1/procestypen/abc", root, Kind::kProcestype), "abc"
    );
    EXPECT_EQ(MatchItemUrl(root + "/procestypen/abc", root + "/", Kind::kProcestype), "abc");
    EXPECT_EQ(
        MatchItemUrl(
            "http://example.org/referentielijsten/api/v1/resultaten/x",
            "http://example.org:80/referentielijsten/api/v1",
            Kind::kResultaat
        ),
        "x"
    );
    EXPECT_FALSE(MatchItemUrl(root + "/resultaten/abc", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypen/", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypen", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypen/abc/", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypen/abc?x=1", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypen/abc#f", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl(root + "/procestypenx/abc", root, Kind::kProcestype));
    EXPECT_FALSE(
        MatchItemUrl("https://localhost:8000/referentielijsten/api/v1/procestypen/abc", root, Kind::kProcestype)
    );
    EXPECT_FALSE(MatchItemUrl("http://localhost:8001/referentielijsten/api/v1/procestypen/abc", root, Kind::kProcestype)
    );
    EXPECT_FALSE(MatchItemUrl("http://other:8000/referentielijsten/api/v1/procestypen/abc", root, Kind::kProcestype));
    EXPECT_FALSE(
        MatchItemUrl("http://u:p@localhost:8000/referentielijsten/api/v1/procestypen/abc", root, Kind::kProcestype)
    );
    EXPECT_FALSE(MatchItemUrl("http://localhost:8000/api/v1/procestypen/abc", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl("not a url", root, Kind::kProcestype));
    EXPECT_FALSE(MatchItemUrl("", root, Kind::kProcestype));
}

class LocalLookupTest : public ::testing::Test {
  protected:
    asio::io_context ctx_;
    std::unique_ptr<Lookup> lookup_ = MakeLocalLookup(TheCatalog());
};

TEST_F(LocalLookupTest, FindsProcestype) {
    auto found = RunCoro(ctx_, lookup_->FindProcestype(Url(kBase, Kind::kProcestype, kProcestype1), kBase));
    ASSERT_TRUE(found);
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->url, Url(kBase, Kind::kProcestype, kProcestype1));
    EXPECT_EQ((*found)->nummer, 1);
    EXPECT_EQ((*found)->jaar, 2017);
}

TEST_F(LocalLookupTest, FindsResultaatAndItsProcestype) {
    auto found = RunCoro(ctx_, lookup_->FindResultaat(Url(kBase, Kind::kResultaat, kResultaat1), kBase));
    ASSERT_TRUE(found && *found);
    const Resultaat& r = **found;
    EXPECT_EQ(r.url, Url(kBase, Kind::kResultaat, kResultaat1));
    EXPECT_EQ(r.procestype_url, Url(kBase, Kind::kProcestype, kProcestype1));
    EXPECT_EQ(r.waardering, "vernietigen");
    EXPECT_EQ(r.procestermijn, "nihil");
    EXPECT_EQ(r.bewaartermijn, "P10Y");
    // The link resolves through the same lookup (ztc-002: the resultaat belongs to the zaaktype's procestype).
    auto procestype = RunCoro(ctx_, lookup_->FindProcestype(r.procestype_url, kBase));
    ASSERT_TRUE(procestype && *procestype);
    EXPECT_EQ((*procestype)->uuid, kProcestype1);
}

TEST_F(LocalLookupTest, FindsResultaattypeomschrijving) {
    auto found = RunCoro(
        ctx_, lookup_->FindResultaattypeomschrijving(Url(kBase, Kind::kResultaattypeomschrijving, kAfgewezen), kBase)
    );
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->omschrijving, "Afgewezen");
    EXPECT_EQ((*found)->url, Url(kBase, Kind::kResultaattypeomschrijving, kAfgewezen));
}

TEST_F(LocalLookupTest, AcceptsEquivalentSpellings) {
    std::string upper_uuid =
        "http://LOCALHOST:8000/referentielijsten/api/v1/procestypen/E1B73B12-B2F6-4C4E-8929-94F84DD2A57D";
    auto found = RunCoro(ctx_, lookup_->FindProcestype(upper_uuid, kBase));
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->url, Url(kBase, Kind::kProcestype, kProcestype1));  // canonical form
    auto default_port = RunCoro(
        ctx_,
        lookup_->FindProcestype(Url("http://example.org", Kind::kProcestype, kProcestype1), "http://example.org:80")
    );
    EXPECT_TRUE(default_port && *default_port);
}

TEST_F(LocalLookupTest, RejectsWrongBaseKindAndUuid) {
    auto none = [&](auto awaitable) {
        auto result = RunCoro(ctx_, std::move(awaitable));
        return result.has_value() && !result->has_value();
    };
    EXPECT_TRUE(none(lookup_->FindProcestype(Url("http://elsewhere:8000", Kind::kProcestype, kProcestype1), kBase)));
    EXPECT_TRUE(none(lookup_->FindProcestype(Url("http://localhost:9000", Kind::kProcestype, kProcestype1), kBase)));
    EXPECT_TRUE(none(lookup_->FindProcestype(Url("https://localhost:8000", Kind::kProcestype, kProcestype1), kBase)));
    EXPECT_TRUE(
        none(lookup_->FindProcestype(fmt::format("{}/catalogi/api/v1/procestypen/{}", kBase, kProcestype1), kBase))
    );
    EXPECT_TRUE(none(lookup_->FindProcestype(Url(kBase, Kind::kResultaat, kResultaat1), kBase)));  // wrong kind
    EXPECT_TRUE(none(lookup_->FindResultaat(Url(kBase, Kind::kResultaat, kProcestype1), kBase))
    );  // uuid of a procestype
    EXPECT_TRUE(none(lookup_->FindResultaat(Url(kBase, Kind::kProcestype, kProcestype1), kBase)));
    EXPECT_TRUE(none(lookup_->FindProcestype(Url(kBase, Kind::kProcestype, kUnknownUuid), kBase)));
    EXPECT_TRUE(none(lookup_->FindProcestype(Url(kBase, Kind::kProcestype, "1"), kBase)));
    EXPECT_TRUE(
        none(lookup_->FindResultaattypeomschrijving(Url(kBase, Kind::kResultaattypeomschrijving, kUnknownUuid), kBase))
    );
    EXPECT_TRUE(none(lookup_->FindProcestype(Url(kBase, Kind::kProcestype, kProcestype1) + "/", kBase)));
    EXPECT_TRUE(none(lookup_->FindProcestype("", kBase)));
}

// ---- the endpoints ---------------------------------------------------------------------------------------

class RoutesTest : public ::testing::Test {
  protected:
    void SetUp() override { RegisterRoutes(router_, TheCatalog()); }

    Result<http::Response> Get(std::string path, std::vector<std::pair<std::string, std::string>> query = {}) {
        http::Request request;
        request.method = http::Method::kGet;
        request.path = path;
        request.base_url = std::string(kBase);
        for (auto& [k, v] : query) request.query.Add(k, v);
        auto match = router_.Find(http::Method::kGet, path, request);
        if (!match.route) return Fail(Error{-1, "no-route", {}, path, {}});
        EXPECT_TRUE(match.route->access.is_public);
        return RunCoro(ctx_, match.route->handler(request));
    }

    static bj::value Body(const Result<http::Response>& r) {
        EXPECT_TRUE(r);
        if (!r) return {};
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->content_type, "application/json");
        return bj::parse(r->body);
    }

    static std::string ListPath(Kind kind) { return fmt::format("{}/{}", kApiRoot, CollectionName(kind)); }

    asio::io_context ctx_;
    http::Router router_;
};

TEST_F(RoutesTest, RegistersEightPublicGetRoutes) {
    EXPECT_EQ(router_.routes().size(), 8u);
    for (const auto& route : router_.routes()) {
        EXPECT_EQ(route->method, http::Method::kGet);
        EXPECT_TRUE(route->access.is_public);
        EXPECT_TRUE(route->pattern.starts_with("/referentielijsten/api/v1/")) << route->pattern;
    }
}

TEST_F(RoutesTest, ProcestypenIsAnUnpaginatedArray) {
    bj::value v = Body(Get(ListPath(Kind::kProcestype)));
    ASSERT_TRUE(v.is_array());
    EXPECT_EQ(v.as_array().size(), 58u);
    EXPECT_EQ(v.as_array()[0].at("url").as_string(), Url(kBase, Kind::kProcestype, kProcestype1));
}

TEST_F(RoutesTest, ProcestypenFilterOnJaar) {
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", "2020"}})).as_array().size(), 29u);
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", "2017"}})).as_array().size(), 29u);
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", "2020.0"}})).as_array().size(), 29u);
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", "2019"}})).as_array().size(), 0u);
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", "2020.5"}})).as_array().size(), 0u);
    EXPECT_EQ(Body(Get(ListPath(Kind::kProcestype), {{"jaar", ""}})).as_array().size(), 58u);
    for (const char* bad : {"abc", "20x", "nan", "inf", "2020-"}) {
        auto r = Get(ListPath(Kind::kProcestype), {{"jaar", bad}});
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().status, 400);
        ASSERT_EQ(r.error().invalid_params.size(), 1u);
        EXPECT_EQ(r.error().invalid_params[0].name, "jaar");
        EXPECT_EQ(r.error().invalid_params[0].code, "invalid");
    }
}

TEST_F(RoutesTest, Details) {
    bj::value p = Body(Get(ListPath(Kind::kProcestype) + "/" + std::string(kProcestype1)));
    EXPECT_EQ(p.at("naam").as_string(), "Instellen en inrichten organisatie");
    bj::value r = Body(Get(ListPath(Kind::kResultaat) + "/" + std::string(kResultaat1)));
    EXPECT_EQ(r.at("procesType").as_string(), Url(kBase, Kind::kProcestype, kProcestype1));
    bj::value o = Body(Get(ListPath(Kind::kResultaattypeomschrijving) + "/" + std::string(kAfgewezen)));
    EXPECT_EQ(o.at("omschrijving").as_string(), "Afgewezen");

    for (Kind kind :
         {Kind::kProcestype, Kind::kResultaat, Kind::kResultaattypeomschrijving, Kind::kCommunicatiekanaal}) {
        for (std::string_view id : {kUnknownUuid, std::string_view("not-a-uuid")}) {
            auto missing = Get(ListPath(kind) + "/" + std::string(id));
            ASSERT_FALSE(missing);
            EXPECT_EQ(missing.error().status, 404);
        }
    }
    auto wrong_kind = Get(ListPath(Kind::kResultaat) + "/" + std::string(kProcestype1));
    ASSERT_FALSE(wrong_kind);
    EXPECT_EQ(wrong_kind.error().status, 404);
}

TEST_F(RoutesTest, ResultatenArePaginated) {
    const std::string path = ListPath(Kind::kResultaat);
    const std::string url = std::string(kBase) + path;
    bj::value first = Body(Get(path));
    EXPECT_EQ(first.at("count").as_int64(), 346);
    EXPECT_EQ(first.at("next").as_string(), url + "?page=2");
    EXPECT_TRUE(first.at("previous").is_null());
    EXPECT_EQ(first.at("results").as_array().size(), 100u);
    EXPECT_EQ(first.at("results").as_array()[0].at("url").as_string(), Url(kBase, Kind::kResultaat, kResultaat1));

    EXPECT_EQ(Body(Get(path, {{"page", "1"}})), first);
    EXPECT_EQ(Body(Get(path, {{"page", ""}})), first);

    bj::value second = Body(Get(path, {{"page", "2"}}));
    EXPECT_EQ(second.at("next").as_string(), url + "?page=3");
    EXPECT_EQ(second.at("previous").as_string(), url);

    bj::value last = Body(Get(path, {{"page", "4"}}));
    EXPECT_TRUE(last.at("next").is_null());
    EXPECT_EQ(last.at("previous").as_string(), url + "?page=3");
    EXPECT_EQ(last.at("results").as_array().size(), 46u);
    EXPECT_EQ(Body(Get(path, {{"page", "last"}})), last);

    for (const char* bad : {"0", "5", "-1", "abc", "1.0"}) {
        auto r = Get(path, {{"page", bad}});
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().status, 404) << bad;
    }

    // All pages together: every resultaat once.
    std::set<std::string> urls;
    for (int page = 1; page <= 4; ++page) {
        bj::value body = Body(Get(path, {{"page", std::to_string(page)}}));
        for (const auto& item : body.at("results").as_array()) {
            urls.insert(std::string(item.at("url").as_string()));
        }
    }
    EXPECT_EQ(urls.size(), 346u);
}

TEST_F(RoutesTest, ResultatenFilterOnProcesType) {
    const std::string path = ListPath(Kind::kResultaat);
    const std::string procestype = Url(kBase, Kind::kProcestype, kProcestype1);
    bj::value v = Body(Get(path, {{"proces_type", procestype}}));
    EXPECT_EQ(v.at("count").as_int64(), 8);
    EXPECT_TRUE(v.at("next").is_null());
    for (const auto& item : v.at("results").as_array()) EXPECT_EQ(item.at("procesType").as_string(), procestype);
    EXPECT_EQ(Body(Get(path, {{"procesType", procestype}})).at("count").as_int64(), 8);

    // Not one of ours: nothing matches.
    EXPECT_EQ(
        Body(Get(path, {{"proces_type", Url("http://elsewhere", Kind::kProcestype, kProcestype1)}}))
            .at("count")
            .as_int64(),
        0
    );
    EXPECT_EQ(
        Body(Get(path, {{"proces_type", Url(kBase, Kind::kProcestype, kUnknownUuid)}})).at("count").as_int64(), 0
    );
    EXPECT_EQ(Body(Get(path, {{"proces_type", Url(kBase, Kind::kResultaat, kResultaat1)}})).at("count").as_int64(), 0);
    // A 2020 procestype has no resultaten in this data.
    auto pt2020 =
        std::find_if(TheCatalog().procestypen().begin(), TheCatalog().procestypen().end(), [](const Procestype& p) {
            return p.jaar == 2020;
        });
    ASSERT_NE(pt2020, TheCatalog().procestypen().end());
    EXPECT_EQ(
        Body(Get(path, {{"proces_type", Url(kBase, Kind::kProcestype, pt2020->uuid)}})).at("count").as_int64(), 0
    );

    auto bad = Get(path, {{"proces_type", "geen url"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().status, 400);
    ASSERT_EQ(bad.error().invalid_params.size(), 1u);
    EXPECT_EQ(bad.error().invalid_params[0].name, "procesType");
    EXPECT_EQ(bad.error().invalid_params[0].code, "invalid");
}

TEST_F(RoutesTest, NextPageKeepsTheFilters) {
    // A filter that matches more than a page does not exist in the data: the other parameters are kept as
    // given, `page` goes last.
    bj::value v = Body(Get(ListPath(Kind::kResultaat), {{"x", "a b/c"}, {"page", "2"}}));
    EXPECT_EQ(v.at("next").as_string(), std::string(kBase) + ListPath(Kind::kResultaat) + "?x=a%20b%2Fc&page=3");
    EXPECT_EQ(v.at("previous").as_string(), std::string(kBase) + ListPath(Kind::kResultaat) + "?x=a%20b%2Fc");
}

TEST_F(RoutesTest, ResultaattypeomschrijvingenIsAnArrayByOmschrijving) {
    bj::value v = Body(Get(ListPath(Kind::kResultaattypeomschrijving)));
    ASSERT_TRUE(v.is_array());
    ASSERT_EQ(v.as_array().size(), 3u);
    EXPECT_EQ(v.as_array()[0].at("omschrijving").as_string(), "Afgewezen");
    EXPECT_EQ(v.as_array()[1].at("omschrijving").as_string(), "Ingetrokken");
    EXPECT_EQ(v.as_array()[2].at("omschrijving").as_string(), "Toegekend");
    EXPECT_EQ(v.as_array()[0].as_object().size(), 4u);
}

TEST_F(RoutesTest, CommunicatiekanalenIsAnEmptyPage) {
    bj::value v = Body(Get(ListPath(Kind::kCommunicatiekanaal)));
    EXPECT_EQ(v, bj::parse(R"({"count":0,"next":null,"previous":null,"results":[]})"));
    EXPECT_EQ(Body(Get(ListPath(Kind::kCommunicatiekanaal), {{"page", "1"}})), v);
    auto page2 = Get(ListPath(Kind::kCommunicatiekanaal), {{"page", "2"}});
    ASSERT_FALSE(page2);
    EXPECT_EQ(page2.error().status, 404);
}

// ---- the remote lookup, against a small HTTP server on loopback that serves this catalog ------------------

// A self-signed certificate for DNS:localhost (valid until 2126), for the https tests.
constexpr std::string_view kTestCert = R"(-----BEGIN CERTIFICATE-----
MIIBljCCATugAwIBAgIUeEq1Ck1UP/kX4AQfVcSesSv1vuMwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNjA2MzMwMFoYDzIxMjYxMTAy
MDYzMzAwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ0Kg6ahd35AgOw/ae0m+lyRdwi2Ska7uIBpxGgrhKFFEo5/vhHyadr
MHSoy1OGn0Yt4DWcqOWkQfilPHaU25XTo2kwZzAdBgNVHQ4EFgQUOKUjHU6IteZv
YvcwDfTKXowxk1YwHwYDVR0jBBgwFoAUOKUjHU6IteZvYvcwDfTKXowxk1YwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SQAwRgIhALHOcgBKJpqxR/Xja52yt6fBvaq8f9Tqb8ZPWlvOQ7pZAiEAz/sgx+Iv
/9C16qvvPfPFiJeWxYjS12slMyLPlUST3PQ=
-----END CERTIFICATE-----
)";
constexpr std::string_view kTestKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgy3T3lR2SuNIxQTbd
iTqMA5bp+tAF0AvIZIGfevgaiCuhRANCAAQ0Kg6ahd35AgOw/ae0m+lyRdwi2Ska
7uIBpxGgrhKFFEo5/vhHyadrMHSoy1OGn0Yt4DWcqOWkQfilPHaU25XT
-----END PRIVATE KEY-----
)";

// Serves this catalog the way an external Referentielijsten API would, over http or (given a TLS context)
// https, on 127.0.0.1. Special ids: "slow" never answers, "broken" is a 500, "garbage" not JSON, "empty" {}.
class FakeServer {
  public:
    explicit FakeServer(asio::io_context& ctx, ssl::context* tls = nullptr)
        : acceptor_(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), tls_(tls) {
        asio::co_spawn(ctx, Accept(), asio::detached);
    }
    [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] std::string base() const { return fmt::format("http://127.0.0.1:{}", port()); }
    int requests = 0;

  private:
    asio::awaitable<void> Accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(acceptor_.get_executor(), Serve(beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    asio::awaitable<void> Serve(beast::tcp_stream stream) {
        if (!tls_) {
            co_await Handle(stream);
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *tls_);
        auto [ec] = co_await tls_stream.async_handshake(ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        co_await Handle(tls_stream);
        co_await tls_stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    }

    template <class Stream>
    asio::awaitable<void> Handle(Stream& stream) {
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> request;
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        ++requests;
        std::string target(request.target());
        bhttp::response<bhttp::string_body> response{bhttp::status::not_found, 11};
        response.set(bhttp::field::content_type, "application/json");
        response.body() = R"({"detail":"Niet gevonden."})";
        if (target.ends_with("/slow")) {
            asio::steady_timer timer(acceptor_.get_executor(), std::chrono::seconds(5));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            co_return;
        }
        if (target.ends_with("/broken")) {
            response.result(bhttp::status::internal_server_error);
        } else if (target.ends_with("/garbage")) {
            response.result(bhttp::status::ok);
            response.body() = "<html>";
        } else if (target.ends_with("/empty")) {
            response.result(bhttp::status::ok);
            response.body() = "{}";
        } else {
            std::string self = fmt::format("{}://{}", tls_ ? "https" : "http", request[bhttp::field::host]);
            for (Kind kind : {Kind::kProcestype, Kind::kResultaat, Kind::kResultaattypeomschrijving}) {
                std::string prefix = fmt::format("{}/{}/", kApiRoot, CollectionName(kind));
                if (!target.starts_with(prefix)) continue;
                if (auto i = TheCatalog().Find(kind, target.substr(prefix.size()))) {
                    response.result(bhttp::status::ok);
                    response.body() = json::ExpandBase(TheCatalog().StoredJson(kind, *i), self);
                }
            }
        }
        response.prepare_payload();
        co_await bhttp::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    }

    tcp::acceptor acceptor_;
    ssl::context* tls_;
};

class RemoteLookupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto made = MakeRemoteLookup(
            server_.base() + std::string(kApiRoot) + "/", RemoteOptions{std::chrono::milliseconds(500), 1 << 20, {}}
        );
        ASSERT_TRUE(made) << made.error().detail;
        lookup_ = std::move(*made);
    }

    std::string Remote(Kind kind, std::string_view id) { return Url(server_.base(), kind, id); }

    asio::io_context ctx_;
    FakeServer server_{ctx_};
    std::unique_ptr<Lookup> lookup_;
};

TEST_F(RemoteLookupTest, FindsAndCaches) {
    auto found = RunCoro(ctx_, lookup_->FindProcestype(Remote(Kind::kProcestype, kProcestype1), kBase));
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->url, Remote(Kind::kProcestype, kProcestype1));
    EXPECT_EQ((*found)->uuid, kProcestype1);
    EXPECT_EQ((*found)->nummer, 1);
    EXPECT_EQ((*found)->jaar, 2017);
    EXPECT_EQ((*found)->naam, "Instellen en inrichten organisatie");
    EXPECT_EQ(server_.requests, 1);

    auto again = RunCoro(ctx_, lookup_->FindProcestype(Remote(Kind::kProcestype, kProcestype1), kBase));
    ASSERT_TRUE(again && *again);
    EXPECT_EQ((*again)->naam, (*found)->naam);
    EXPECT_EQ(server_.requests, 1);  // from the cache
}

TEST_F(RemoteLookupTest, FindsResultaatWithItsProcestype) {
    auto found = RunCoro(ctx_, lookup_->FindResultaat(Remote(Kind::kResultaat, kResultaat2), kBase));
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_TRUE(*found);
    const Resultaat& r = **found;
    EXPECT_EQ(r.procestype_url, Remote(Kind::kProcestype, kProcestype1));
    EXPECT_FALSE(r.generiek);
    EXPECT_EQ(r.volledig_nummer, "1.1.1");
    EXPECT_EQ(r.waardering, "blijvend_bewaren");
    EXPECT_EQ(r.bewaartermijn, "");  // null
    auto generiek = RunCoro(ctx_, lookup_->FindResultaat(Remote(Kind::kResultaat, kResultaat1), kBase));
    ASSERT_TRUE(generiek && *generiek);
    EXPECT_EQ((*generiek)->bewaartermijn, "P10Y");
    EXPECT_EQ((*generiek)->procestermijn, "nihil");

    auto omschrijving = RunCoro(
        ctx_, lookup_->FindResultaattypeomschrijving(Remote(Kind::kResultaattypeomschrijving, kAfgewezen), kBase)
    );
    ASSERT_TRUE(omschrijving && *omschrijving);
    EXPECT_EQ((*omschrijving)->omschrijving, "Afgewezen");
}

TEST_F(RemoteLookupTest, NotFound) {
    auto missing = RunCoro(ctx_, lookup_->FindProcestype(Remote(Kind::kProcestype, kUnknownUuid), kBase));
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
    EXPECT_EQ(server_.requests, 1);

    // Not under the configured base, or the wrong kind: no request at all.
    auto elsewhere =
        RunCoro(ctx_, lookup_->FindProcestype(Url("http://127.0.0.2:1", Kind::kProcestype, kProcestype1), kBase));
    ASSERT_TRUE(elsewhere);
    EXPECT_FALSE(*elsewhere);
    auto wrong_kind = RunCoro(ctx_, lookup_->FindResultaat(Remote(Kind::kProcestype, kProcestype1), kBase));
    ASSERT_TRUE(wrong_kind);
    EXPECT_FALSE(*wrong_kind);
    EXPECT_EQ(server_.requests, 1);
}

TEST_F(RemoteLookupTest, BadAnswersAreErrors) {
    for (const char* id : {"broken", "garbage", "empty"}) {
        auto r = RunCoro(ctx_, lookup_->FindProcestype(Remote(Kind::kProcestype, id), kBase));
        ASSERT_FALSE(r) << id;
        EXPECT_EQ(r.error().status, 502) << id;
        EXPECT_EQ(r.error().code, "bad-url-service");
        EXPECT_NE(r.error().detail.find(Remote(Kind::kProcestype, id)), std::string::npos) << r.error().detail;
    }
}

TEST_F(RemoteLookupTest, TimeOutIsAnError) {
    auto start = std::chrono::steady_clock::now();
    auto r = RunCoro(ctx_, lookup_->FindProcestype(Remote(Kind::kProcestype, "slow"), kBase));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 503);
    EXPECT_EQ(r.error().code, "bad-url-service");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(RemoteLookupTest, HttpsToAPlainServerFailsTheHandshake) {
    std::string base = fmt::format("https://localhost:{}", server_.port());
    auto tls =
        MakeRemoteLookup(base + std::string(kApiRoot), RemoteOptions{std::chrono::milliseconds(2000), 1 << 20, {}});
    ASSERT_TRUE(tls);
    auto r = RunCoro(ctx_, (*tls)->FindProcestype(Url(base, Kind::kProcestype, kProcestype1), kBase));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 502) << r.error().detail;
    EXPECT_EQ(r.error().code, "bad-url-service");
    EXPECT_NE(r.error().detail.find("TLS"), std::string::npos) << r.error().detail;
}

class HttpsLookupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        server_tls_.use_certificate_chain(asio::buffer(kTestCert.data(), kTestCert.size()));
        server_tls_.use_private_key(asio::buffer(kTestKey.data(), kTestKey.size()), ssl::context::pem);
        ca_file_ =
            (std::filesystem::temp_directory_path() / fmt::format("thorbecke-rl-test-{}.pem", ::getpid())).string();
        std::ofstream(ca_file_) << kTestCert;
    }
    void TearDown() override { std::filesystem::remove(ca_file_); }

    Result<std::optional<Procestype>> Find(std::string_view host, std::string ca_file) {
        std::string base = fmt::format("https://{}:{}", host, server_.port());
        auto lookup = MakeRemoteLookup(
            base + std::string(kApiRoot), RemoteOptions{std::chrono::milliseconds(2000), 1 << 20, std::move(ca_file)}
        );
        if (!lookup) return Fail(lookup.error());
        return RunCoro(ctx_, (*lookup)->FindProcestype(Url(base, Kind::kProcestype, kProcestype1), kBase));
    }

    asio::io_context ctx_;
    ssl::context server_tls_{ssl::context::tls_server};
    FakeServer server_{ctx_, &server_tls_};
    std::string ca_file_;
};

TEST_F(HttpsLookupTest, FindsOverTlsWithATrustedCertificate) {
    auto found = Find("localhost", ca_file_);
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->naam, "Instellen en inrichten organisatie");
}

TEST_F(HttpsLookupTest, RefusesAnUntrustedCertificate) {
    auto r = Find("localhost", "");  // the system's trust store does not know the test certificate
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 502);
    EXPECT_NE(r.error().detail.find("TLS"), std::string::npos) << r.error().detail;
    EXPECT_EQ(server_.requests, 0);
}

TEST_F(HttpsLookupTest, RefusesACertificateForAnotherName) {
    auto r = Find("127.0.0.1", ca_file_);  // the certificate names localhost only
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 502);
    EXPECT_EQ(server_.requests, 0);
}

TEST(RemoteLookupUnreachableTest, ClosedPortIsAnError) {
    asio::io_context ctx;
    std::uint16_t port = 0;
    {
        tcp::acceptor probe(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    std::string base = fmt::format("http://127.0.0.1:{}", port);
    auto lookup = MakeRemoteLookup(base + std::string(kApiRoot));
    ASSERT_TRUE(lookup);
    auto r = RunCoro(ctx, (*lookup)->FindProcestype(Url(base, Kind::kProcestype, kProcestype1), kBase));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 503);
    EXPECT_EQ(r.error().code, "bad-url-service");
}

TEST(RemoteLookupConfigTest, RejectsBadBaseUrls) {
    EXPECT_TRUE(MakeRemoteLookup("https://selectielijst.openzaak.nl/api/v1/"));
    EXPECT_TRUE(MakeRemoteLookup("http://[::1]:8080/api/v1"));
    for (const char* bad :
         {"",
          "selectielijst.openzaak.nl/api/v1",
          "ftp://example.org/api/v1",
          "http:///api/v1",
          "http://user@example.org/api/v1",
          "http://example.org/api/v1?x=1"}) {
        EXPECT_FALSE(MakeRemoteLookup(bad)) << bad;
    }
}

}  // namespace
}  // namespace thorbecke::referentielijsten
