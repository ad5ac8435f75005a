#include "core/geo/geometry.h"

#include <atomic>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace thorbecke::geo {

namespace {

Result<Geometry> Parse(std::string_view text, std::string_view field = "zaakgeometrie") {
    return Geometry::FromGeoJson(boost::json::parse(text), field);
}

Geometry Must(std::string_view text) {
    auto g = Parse(text);
    EXPECT_TRUE(g.has_value()) << text << ": " << (g ? "" : g.error().detail);
    if (!g) throw std::runtime_error("parse failed");
    return std::move(*g);
}

// A 10x10 square with its corner at (0,0), and one with a 2x2 hole in the middle.
constexpr const char* kSquare = R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]})";
constexpr const char* kDonut =
    R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]})";

// The compact GeoJSON of every kind, as ToGeoJson must give it back.
const std::vector<std::string> kEveryKind = {
    R"({"type":"Point","coordinates":[5.1,52.1]})",
    R"({"type":"MultiPoint","coordinates":[[5.1,52.1],[4.9,52.37]]})",
    R"({"type":"LineString","coordinates":[[5.1,52.1],[4.9,52.37],[4.3,52.08]]})",
    R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3],[4,5]]]})",
    R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]})",
    R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})",
    R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},)"
    R"({"type":"LineString","coordinates":[[0,0],[1,1]]},)"
    R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[-3.5,0.1]}]}]})",
};

}  // namespace

TEST(GeoTest, ParsesEveryKindAndWritesTheSameGeoJsonBack) {
    for (const auto& text : kEveryKind) {
        Geometry g = Must(text);
        EXPECT_EQ(g.ToGeoJson(), text);
    }
}

TEST(GeoTest, WritesCompactGeoJsonWithShortestRoundTripNumbers) {
    // Whitespace, extra members (bbox, crs) and integer/double spellings do not survive; values do.
    Geometry g = Must(R"({ "type" : "Point", "bbox": [1,2,3,4], "coordinates" : [ 0.1, 1e2 ] })");
    EXPECT_EQ(g.ToGeoJson(), R"({"type":"Point","coordinates":[0.1,100]})");

    Geometry precise = Must(R"({"type":"Point","coordinates":[5.123456789012345,-52.00000000000001]})");
    std::string text = precise.ToGeoJson();
    EXPECT_EQ(text, R"({"type":"Point","coordinates":[5.123456789012345,-52.00000000000001]})");
    auto back = boost::json::parse(text).at("coordinates").as_array();
    EXPECT_EQ(back[0].as_double(), 5.123456789012345);
    EXPECT_EQ(back[1].as_double(), -52.00000000000001);
}

TEST(GeoTest, WkbRoundTripsEveryKind) {
    for (const auto& text : kEveryKind) {
        Geometry g = Must(text);
        std::string wkb = g.ToWkb();
        ASSERT_GE(wkb.size(), 21u);
        EXPECT_EQ(wkb[0], '\x01') << "little endian";
        auto back = Geometry::FromWkb(wkb);
        ASSERT_TRUE(back.has_value()) << back.error().detail;
        EXPECT_EQ(back->ToGeoJson(), text);
        EXPECT_EQ(back->ToWkb(), wkb);
    }
}

TEST(GeoTest, WkbOfAPointIsTheStandardEncoding) {
    Geometry g = Must(R"({"type":"Point","coordinates":[1,2]})");
    // byte order 1, type 1 (Point), x = 1.0, y = 2.0 (little endian IEEE 754): what ST_AsBinary gives.
    const std::string expected(
        "\x01\x01\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\xf0\x3f"
        "\x00\x00\x00\x00\x00\x00\x00\x40",
        21
    );
    EXPECT_EQ(g.ToWkb(), expected);

    // Big endian input reads as well.
    const std::string big(
        "\x00\x00\x00\x00\x01"
        "\x3f\xf0\x00\x00\x00\x00\x00\x00"
        "\x40\x00\x00\x00\x00\x00\x00\x00",
        21
    );
    auto from_big = Geometry::FromWkb(big);
    ASSERT_TRUE(from_big.has_value());
    EXPECT_EQ(from_big->ToGeoJson(), R"({"type":"Point","coordinates":[1,2]})");
}

TEST(GeoTest, BadWkbIsAnErrorNotACrash) {
    for (std::string bad :
         {std::string(),
          std::string("\x01\x01\x00", 3),
          std::string("garbage, not wkb at all"),
          std::string("\x01\x63\x00\x00\x00", 5)}) {
        auto g = Geometry::FromWkb(bad);
        ASSERT_FALSE(g.has_value());
        EXPECT_EQ(g.error().status, 500);
        EXPECT_NE(g.error().detail.find("WKB lezen mislukt: "), std::string::npos) << g.error().detail;
        EXPECT_EQ(g.error().detail.find("onbekende GEOS-fout"), std::string::npos) << "GEOS' own message is kept";
    }
    // A truncated polygon.
    std::string wkb = Must(kSquare).ToWkb();
    auto cut = Geometry::FromWkb(std::string_view(wkb).substr(0, wkb.size() - 3));
    EXPECT_FALSE(cut.has_value());

    // POINT EMPTY (NaN NaN) and POINT(NaN 1) are refused: a Geometry is never empty and always finite.
    const std::string empty_point(
        "\x01\x01\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\xf8\x7f"
        "\x00\x00\x00\x00\x00\x00\xf8\x7f",
        21
    );
    EXPECT_FALSE(Geometry::FromWkb(empty_point).has_value());
    const std::string nan_point(
        "\x01\x01\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\xf8\x7f"
        "\x00\x00\x00\x00\x00\x00\xf0\x3f",
        21
    );
    EXPECT_FALSE(Geometry::FromWkb(nan_point).has_value());
    // An empty MultiPoint.
    EXPECT_FALSE(Geometry::FromWkb(std::string("\x01\x04\x00\x00\x00\x00\x00\x00\x00", 9)).has_value());
}

TEST(GeoTest, Bounds) {
    EXPECT_EQ(Must(kSquare).Bounds(), (BBox{0, 0, 10, 10}));
    EXPECT_EQ(Must(R"({"type":"Point","coordinates":[5.1,52.1]})").Bounds(), (BBox{5.1, 52.1, 5.1, 52.1}));
    EXPECT_EQ(
        Must(R"({"type":"MultiLineString","coordinates":[[[-1,2],[3,-4]],[[7,0],[0,8]]]})").Bounds(),
        (BBox{-1, -4, 7, 8})
    );
    EXPECT_EQ(Must(kEveryKind.back()).Bounds(), (BBox{-3.5, 0, 1, 2}));
}

TEST(GeoTest, WithinAsPostgisStWithin) {
    Geometry square = Must(kSquare);
    auto within = [&](const char* text) { return Must(text).Within(square).value(); };
    EXPECT_TRUE(within(R"({"type":"Point","coordinates":[5,5]})"));
    EXPECT_FALSE(within(R"({"type":"Point","coordinates":[11,5]})"));
    // On the boundary: not within (the interiors do not meet), as ST_Within.
    EXPECT_FALSE(within(R"({"type":"Point","coordinates":[10,5]})"));
    EXPECT_FALSE(within(R"({"type":"Point","coordinates":[0,0]})"));
    // A line along the boundary only is not within; one that touches it from inside is.
    EXPECT_FALSE(within(R"({"type":"LineString","coordinates":[[0,0],[10,0]]})"));
    EXPECT_TRUE(within(R"({"type":"LineString","coordinates":[[0,0],[5,5]]})"));
    EXPECT_FALSE(within(R"({"type":"LineString","coordinates":[[5,5],[15,5]]})"));
    EXPECT_TRUE(within(R"({"type":"MultiPoint","coordinates":[[1,1],[9,9]]})"));
    EXPECT_FALSE(within(R"({"type":"MultiPoint","coordinates":[[1,1],[19,9]]})"));
    // A polygon is within itself.
    EXPECT_TRUE(square.Within(square).value());
    EXPECT_TRUE(within(R"({"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]})"));
    EXPECT_FALSE(square.Within(Must(R"({"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]})")).value());
    // A real-world one: a point in Utrecht within a box around it.
    EXPECT_TRUE(Must(R"({"type":"Point","coordinates":[5.1,52.1]})")
                    .Within(Must(R"({"type":"Polygon","coordinates":[[[5,52],[5.2,52],[5.2,52.2],[5,52.2],[5,52]]]})"))
                    .value());
}

TEST(GeoTest, WithinAPolygonWithAHole) {
    Geometry donut = Must(kDonut);
    EXPECT_TRUE(Must(R"({"type":"Point","coordinates":[2,2]})").Within(donut).value());
    EXPECT_FALSE(Must(R"({"type":"Point","coordinates":[5,5]})").Within(donut).value()) << "in the hole";
    EXPECT_FALSE(Must(R"({"type":"Point","coordinates":[4,5]})").Within(donut).value()) << "on the hole's edge";
    EXPECT_FALSE(Must(R"({"type":"LineString","coordinates":[[1,5],[9,5]]})").Within(donut).value()) << "crosses it";
    EXPECT_TRUE(Must(R"({"type":"LineString","coordinates":[[1,1],[9,1]]})").Within(donut).value());
    EXPECT_TRUE(Must(R"({"type":"LineString","coordinates":[[1,5],[9,5]]})").Intersects(donut).value());
    EXPECT_FALSE(Must(R"({"type":"Point","coordinates":[5,5]})").Intersects(donut).value());
}

TEST(GeoTest, Intersects) {
    Geometry square = Must(kSquare);
    EXPECT_TRUE(Must(R"({"type":"Point","coordinates":[10,5]})").Intersects(square).value()) << "boundary counts";
    EXPECT_FALSE(Must(R"({"type":"Point","coordinates":[11,5]})").Intersects(square).value());
    EXPECT_TRUE(Must(R"({"type":"LineString","coordinates":[[-5,5],[15,5]]})").Intersects(square).value());
    // GeometryCollections work for intersects.
    Geometry gc = Must(kEveryKind.back());
    EXPECT_TRUE(gc.Intersects(square).value());
    EXPECT_TRUE(square.Intersects(gc).value());
    EXPECT_FALSE(gc.Intersects(Must(R"({"type":"Point","coordinates":[100,100]})")).value());
}

// The answers PostGIS 3.3.2 (GEOS 3.11.1) gives for the same ST_Within calls.
TEST(GeoTest, WithinGeometryCollectionsAsPostgis) {
    Geometry triangle = Must(R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[5,10],[0,0]]]})");
    auto within = [](const char* a, const Geometry& b) { return Must(a).Within(b).value(); };
    EXPECT_TRUE(within(
        R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2,1]},)"
        R"({"type":"LineString","coordinates":[[1,1],[3,1]]}]})",
        triangle
    ));
    EXPECT_TRUE(within(
        R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2,1]},)"
        R"({"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}]})",
        triangle
    ));
    EXPECT_FALSE(within(
        R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2,1]},)"
        R"({"type":"Point","coordinates":[50,50]}]})",
        triangle
    ));
    EXPECT_FALSE(
        within(R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]})", triangle)
    ) << "on the boundary";
    // Two halves side by side: GEOS 3.11 (and so PostGIS) says a polygon across the seam is not within.
    Geometry halves = Must(R"({"type":"GeometryCollection","geometries":[)"
                           R"({"type":"Polygon","coordinates":[[[0,0],[5,0],[5,10],[0,10],[0,0]]]},)"
                           R"({"type":"Polygon","coordinates":[[[5,0],[10,0],[10,10],[5,10],[5,0]]]}]})");
    EXPECT_FALSE(within(R"({"type":"Polygon","coordinates":[[[1,1],[9,1],[9,2],[1,2],[1,1]]]})", halves));
    EXPECT_TRUE(within(R"({"type":"Point","coordinates":[1,2]})", halves));
}

TEST(GeoTest, SelfIntersectingPolygonsDoNotCrash) {
    // A bow tie is accepted (as by PostGIS); predicates on it answer or fail cleanly.
    Geometry bowtie = Must(R"({"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]})");
    auto r = Must(R"({"type":"Point","coordinates":[8,5]})").Within(bowtie);
    if (r) {
        EXPECT_TRUE(*r);
    }
    (void)bowtie.Intersects(Must(kSquare));
}

TEST(GeoTest, MovesOwnership) {
    Geometry a = Must(kSquare);
    Geometry b = std::move(a);
    Geometry c = Must(R"({"type":"Point","coordinates":[1,1]})");
    c = std::move(b);
    EXPECT_EQ(c.Bounds(), (BBox{0, 0, 10, 10}));
    std::vector<Geometry> many;
    for (int i = 0; i < 100; ++i) many.push_back(Must(kDonut));
    EXPECT_EQ(many.back().ToGeoJson(), kDonut);
}

// Every kind of bad input: one invalid_params entry with the caller's field name and code "invalid".
TEST(GeoTest, RejectsBadGeoJsonWithAFieldError) {
    struct Case {
        const char* json;
        const char* where;  // part of the reason that says where
    };
    const std::vector<Case> cases = {
        {R"(null)", ""},
        {R"("Point")", ""},
        {R"([1,2])", ""},
        {R"({})", "type"},
        {R"({"coordinates":[1,2]})", "type"},
        {R"({"type":null,"coordinates":[1,2]})", "type"},
        {R"({"type":"point","coordinates":[1,2]})", "type"},
        {R"({"type":"Circle","coordinates":[1,2]})", "type"},
        {R"({"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}})", "type"},
        {R"({"type":"Point"})", "coordinates"},
        {R"({"type":"Point","coordinates":null})", "coordinates"},
        {R"({"type":"Point","coordinates":[]})", "coordinates"},
        {R"({"type":"Point","coordinates":[1]})", "coordinates"},
        {R"({"type":"Point","coordinates":[1,2,3]})", "coordinates"},
        {R"({"type":"Point","coordinates":["1",2]})", "coordinates[0]"},
        {R"({"type":"Point","coordinates":[1,null]})", "coordinates[1]"},
        {R"({"type":"Point","coordinates":[1,true]})", "coordinates[1]"},
        {R"({"type":"Point","coordinates":[[1,2]]})", "coordinates"},
        {R"({"type":"Point","coordinates":{"x":1,"y":2}})", "coordinates"},
        {R"({"type":"MultiPoint","coordinates":[]})", "coordinates"},
        {R"({"type":"MultiPoint","coordinates":[1,2]})", "coordinates[0]"},
        {R"({"type":"MultiPoint","coordinates":[[1,2],[3]]})", "coordinates[1]"},
        {R"({"type":"LineString","coordinates":[]})", "coordinates"},
        {R"({"type":"LineString","coordinates":[[1,2]]})", "coordinates"},
        {R"({"type":"LineString","coordinates":[[1,2],[3,"4"]]})", "coordinates[1][1]"},
        {R"({"type":"LineString","coordinates":[1,2]})", "coordinates[0]"},
        {R"({"type":"MultiLineString","coordinates":[]})", "coordinates"},
        {R"({"type":"MultiLineString","coordinates":[[]]})", "coordinates[0]"},
        {R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2]]]})", "coordinates[1]"},
        {R"({"type":"Polygon","coordinates":[]})", "coordinates"},
        {R"({"type":"Polygon","coordinates":[[]]})", "coordinates[0]"},
        {R"({"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]})", "coordinates[0]"},
        {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})", "coordinates[0]"},
        {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})", "coordinates[0]"},
        {R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1.5]]]})",
         "coordinates[1]"},
        {R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[1,1]]]})", "coordinates[1]"},
        {R"({"type":"MultiPolygon","coordinates":[]})", "coordinates"},
        {R"({"type":"MultiPolygon","coordinates":[[]]})", "coordinates[0]"},
        {R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,9]]]]})",
         "coordinates[1][0]"},
        {R"({"type":"MultiPolygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})", "coordinates[0][0]"},
        {R"({"type":"GeometryCollection"})", "geometries"},
        {R"({"type":"GeometryCollection","geometries":[]})", "geometries"},
        {R"({"type":"GeometryCollection","geometries":{}})", "geometries"},
        {R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Point"}]})",
         "geometries[1].coordinates"},
        {R"({"type":"GeometryCollection","geometries":[{"type":"Pt","coordinates":[1,2]}]})", "geometries[0].type"},
        {R"({"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]})",
         "geometries[0].geometries"},
        {R"({"type":"GeometryCollection","geometries":[3]})", "geometries[0]"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.json);
        auto g = Parse(c.json, "zaakgeometrie.within");
        ASSERT_FALSE(g.has_value());
        const Error& e = g.error();
        EXPECT_EQ(e.status, 400);
        EXPECT_EQ(e.code, "invalid");
        ASSERT_EQ(e.invalid_params.size(), 1u);
        EXPECT_EQ(e.invalid_params[0].name, "zaakgeometrie.within");
        EXPECT_EQ(e.invalid_params[0].code, "invalid");
        EXPECT_FALSE(e.invalid_params[0].reason.empty());
        if (*c.where) {
            EXPECT_NE(e.invalid_params[0].reason.find(std::string("(") + c.where + ")"), std::string::npos)
                << e.invalid_params[0].reason;
        }
    }
}

TEST(GeoTest, ReasonsAreDutchAndSayWhere) {
    auto unclosed = Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})");
    ASSERT_FALSE(unclosed.has_value());
    EXPECT_EQ(
        unclosed.error().invalid_params[0].reason,
        "Een ring moet gesloten zijn: de eerste en de laatste positie moeten gelijk zijn (coordinates[0])."
    );
    EXPECT_EQ(unclosed.error().invalid_params[0].name, "zaakgeometrie");

    auto short_ring = Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})");
    EXPECT_EQ(
        short_ring.error().invalid_params[0].reason, "Een ring moet uit minstens 4 posities bestaan (coordinates[0])."
    );
    auto bad_type = Parse(R"({"type":"Circle","coordinates":[1,2]})");
    EXPECT_EQ(
        bad_type.error().invalid_params[0].reason,
        "\"Circle\" is geen geldig geometrietype; toegestaan zijn Point, MultiPoint, LineString, MultiLineString, "
        "Polygon, MultiPolygon en GeometryCollection (type)."
    );
}

TEST(GeoTest, RejectsNonFiniteCoordinates) {
    // JSON text cannot carry NaN or infinity, but a value built in code can.
    for (double bad :
         {std::numeric_limits<double>::quiet_NaN(),
          std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity()}) {
        boost::json::value v = {{"type", "Point"}, {"coordinates", {1.0, bad}}};
        auto g = Geometry::FromGeoJson(v, "zaakgeometrie");
        ASSERT_FALSE(g.has_value());
        EXPECT_EQ(g.error().invalid_params.at(0).name, "zaakgeometrie");
        EXPECT_EQ(g.error().invalid_params.at(0).code, "invalid");
        EXPECT_NE(g.error().invalid_params[0].reason.find("(coordinates[1])"), std::string::npos);
    }
    // Numbers beyond double's range parse as infinity in Boost.JSON and are refused too.
    auto huge = Parse(R"({"type":"Point","coordinates":[1e999,0]})");
    EXPECT_FALSE(huge.has_value());
}

TEST(GeoTest, AcceptsIntegerAndLargeCoordinates) {
    Geometry g = Must(R"({"type":"Point","coordinates":[-9223372036854775808,18446744073709551615]})");
    EXPECT_EQ(g.Bounds().minx, -9223372036854775808.0);
    EXPECT_EQ(g.Bounds().maxy, 18446744073709551615.0);
}

TEST(GeoTest, RejectsDeeplyNestedCollections) {
    std::string text = R"({"type":"Point","coordinates":[1,2]})";
    for (int i = 0; i < 30; ++i) text = R"({"type":"GeometryCollection","geometries":[)" + text + "]}";
    boost::json::parse_options opts;
    opts.max_depth = 1000;
    auto g = Geometry::FromGeoJson(boost::json::parse(text, {}, opts), "zaakgeometrie");
    ASSERT_FALSE(g.has_value());
    EXPECT_EQ(g.error().invalid_params.at(0).code, "invalid");
}

TEST(GeoTest, ManyThreadsAtOnce) {
    constexpr int kThreads = 8;
    constexpr int kRounds = 300;
    std::atomic<int> failures{0};
    // Each thread has its own geometries: GEOS caches envelopes lazily, so even const calls on one Geometry
    // from two threads at once race (seen as a leak under ASan). One made here is destroyed on another thread.
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Geometry mine = Must(kSquare);
            Geometry donut = Must(kDonut);
            for (int i = 0; i < kRounds; ++i) {
                double x = (i + t) % 12;
                std::string text =
                    R"({"type":"Point","coordinates":[)" + std::to_string(x) + "," + std::to_string(2.5) + "]}";
                auto p = Parse(text);
                if (!p) {
                    ++failures;
                    continue;
                }
                bool expect_within = x > 0 && x < 10;
                if (p->Within(mine).value_or(!expect_within) != expect_within) ++failures;
                if (p->Within(donut).value_or(!expect_within) != expect_within) ++failures;
                auto back = Geometry::FromWkb(p->ToWkb());
                if (!back || back->ToGeoJson() != p->ToGeoJson()) ++failures;
                auto bad = Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})");
                if (bad || bad.error().invalid_params.size() != 1) ++failures;
                auto gc = Must(kEveryKind.back());
                if (!gc.Within(mine).has_value()) ++failures;
            }
        });
    }
    // Made here, destroyed on another thread.
    std::thread([g = Must(kSquare)]() mutable { Geometry moved = std::move(g); }).join();
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
}

}  // namespace thorbecke::geo
