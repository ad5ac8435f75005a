#include "core/json/schema.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace thorbecke::json {

namespace {

const char* kDoc = R"({
  "openapi": "3.0.3",
  "components": {"schemas": {
    "Kleur": {"type": "string", "enum": ["rood", "blauw"]},
    "Blank": {"enum": [""]},
    "Sub": {"type": "object", "required": ["naam"], "properties": {"naam": {"type": "string", "minLength": 1, "maxLength": 5}}},
    "Thing": {
      "type": "object",
      "required": ["naam", "kleur"],
      "properties": {
        "naam": {"type": "string", "minLength": 1, "maxLength": 5},
        "kleur": {"allOf": [{"$ref": "#/components/schemas/Kleur"}]},
        "soms": {"oneOf": [{"$ref": "#/components/schemas/Kleur"}, {"$ref": "#/components/schemas/Blank"}]},
        "datum": {"type": "string", "format": "date", "nullable": true},
        "url": {"type": "string", "format": "uri"},
        "duur": {"type": "string", "format": "duration"},
        "nummer": {"type": "integer", "minimum": 1, "maximum": 9},
        "lijst": {"type": "array", "items": {"type": "string", "maxLength": 2}},
        "sub": {"$ref": "#/components/schemas/Sub"},
        "alleenLezen": {"type": "string", "readOnly": true}
      }
    }
  }}
})";

std::vector<InvalidParam> Check(const char* body, bool partial = false) {
    static auto set = SchemaSet::Load(kDoc);
    return set->Validate("Thing", boost::json::parse(body), partial);
}

}  // namespace

TEST(SchemaTest, AcceptsAValidObjectAndIgnoresUnknownFields) {
    EXPECT_TRUE(Check(R"({"naam": "a", "kleur": "rood", "soms": "", "datum": null, "onbekend": 1})").empty());
}

TEST(SchemaTest, ReportsEveryFieldAtFaultWithItsCode) {
    auto errors = Check(R"({"naam": "", "soms": "groen", "datum": "2023-02-30", "url": "niet-een-url", "duur": "P1X",
        "nummer": 10, "lijst": ["abc"], "sub": {}})");
    std::map<std::string, std::string> by_name;
    for (const auto& e : errors) by_name[e.name] = e.code;
    EXPECT_EQ(by_name["kleur"], "required");
    EXPECT_EQ(by_name["naam"], "blank");
    EXPECT_EQ(by_name["soms"], "invalid_choice");
    EXPECT_EQ(by_name["datum"], "invalid");
    EXPECT_EQ(by_name["url"], "invalid");
    EXPECT_EQ(by_name["duur"], "invalid");
    EXPECT_EQ(by_name["nummer"], "max_value");
    EXPECT_EQ(by_name["lijst.0"], "max_length");
    EXPECT_EQ(by_name["sub.naam"], "required");
}

TEST(SchemaTest, WrongTypesAndNulls) {
    auto errors = Check(R"({"naam": 5, "kleur": null, "lijst": "x", "nummer": "1"})");
    std::map<std::string, std::string> by_name;
    for (const auto& e : errors) by_name[e.name] = e.code;
    EXPECT_EQ(by_name["naam"], "invalid");
    EXPECT_EQ(by_name["kleur"], "null");
    EXPECT_EQ(by_name["lijst"], "not_a_list");
    EXPECT_EQ(by_name["nummer"], "invalid");
}

TEST(SchemaTest, PartialSkipsRequiredButChecksGivenFields) {
    EXPECT_TRUE(Check(R"({"naam": "abc"})", true).empty());
    EXPECT_EQ(Check(R"({"naam": "abcdef"})", true).front().code, "max_length");
}

TEST(SchemaTest, ControlCharactersAreRefused) {
    auto errors = Check("{\"naam\": \"a\\u0001\", \"kleur\": \"rood\"}");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors.front().name, "naam");
}

TEST(SchemaTest, UrlCheck) {
    EXPECT_TRUE(IsHttpUrl("https://example.org/a?b=c"));
    EXPECT_FALSE(IsHttpUrl("ftp://example.org/"));
    EXPECT_FALSE(IsHttpUrl("/relative"));
    EXPECT_TRUE(IsEmail("beheer@gemeente.nl"));
    EXPECT_FALSE(IsEmail("beheer@"));
}

}  // namespace thorbecke::json
