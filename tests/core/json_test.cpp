#include "core/json/json.h"

#include <gtest/gtest.h>

namespace thorbecke::json {

TEST(JsonTest, EscapesControlCharactersQuotesAndBackslashes) {
    EXPECT_EQ(Quote("a\"b\\c\nd\x01"), R"("a\"b\\c\nd\u0001")");
    EXPECT_EQ(Quote("Zaaktype é"), "\"Zaaktype é\"");
}

TEST(JsonTest, ExpandsBaseMarkerEverywhere) {
    std::string stored = R"({"a":"\u0001/x","b":["\u0001/y"]})";
    EXPECT_EQ(ExpandBase(stored, "http://h:1"), R"({"a":"http://h:1/x","b":["http://h:1/y"]})");
    EXPECT_EQ(ExpandBase("no marker", "http://h"), "no marker");
}

TEST(JsonTest, ParseErrorIsA400ParseError) {
    auto v = Parse("{\"a\":");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().status, 400);
    EXPECT_EQ(v.error().code, "parse_error");
    EXPECT_TRUE(Parse("{\"a\":1}"));
}

}  // namespace thorbecke::json
