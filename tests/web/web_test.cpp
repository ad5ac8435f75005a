// The web foundation without a server: form parsing, template escaping, safe redirect targets, CSRF checks.
#include <gtest/gtest.h>

#include "web/internal.h"
#include "web/web.h"

namespace thorbecke::web {
namespace {

TEST(ParseForm, DecodesPlusPercentAndRepeats) {
    auto form = ParseForm("naam=Jan+de+Vries&thema=a&thema=b%26c&leeg=&vlag&e=%C3%A9");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->Value("naam"), "Jan de Vries");
    EXPECT_EQ(form->All("thema"), (std::vector<std::string>{"a", "b&c"}));
    ASSERT_TRUE(form->Get("leeg"));
    EXPECT_EQ(*form->Get("leeg"), "");
    ASSERT_TRUE(form->Get("vlag"));
    EXPECT_EQ(form->Value("e"), "\xC3\xA9");
    EXPECT_FALSE(form->Get("ontbreekt"));
    EXPECT_EQ(form->Value("ontbreekt"), "");
    EXPECT_EQ(form->fields().size(), 6U);
}

TEST(ParseForm, RefusesMalformedEncoding) {
    for (std::string_view bad : {"a=%", "a=%4", "a=%zz", "a=%C3", "a=%FF", "a=%00", "a=%ED%A0%80", "a=%C0%AF"}) {
        auto form = ParseForm(bad);
        ASSERT_FALSE(form) << bad;
        EXPECT_EQ(form.error().status, 400) << bad;
    }
}

TEST(ParseForm, LimitsSizeAndFieldCount) {
    std::string big(kMaxFormBytes + 1, 'a');
    auto too_big = ParseForm("a=" + big);
    ASSERT_FALSE(too_big);
    EXPECT_EQ(too_big.error().status, 413);
    std::string many;
    for (std::size_t i = 0; i <= kMaxFormFields; ++i) many += "f=1&";
    auto too_many = ParseForm(many);
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error().status, 413);
    std::string enough;
    for (std::size_t i = 0; i < kMaxFormFields; ++i) enough += "f=1&";
    EXPECT_TRUE(ParseForm(enough));
}

TEST(Render, EscapesByDefault) {
    static const std::string kText = "<p title=\"{{t}}\">{{t}}</p>{{{raw}}}";
    AddTemplate("test/escape", kText);
    boost::json::object data{{"t", "<script>alert('x')</script>&\""}, {"raw", "<b>ok</b>"}};
    EXPECT_EQ(
        Render("test/escape", data),
        "<p title=\"&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;&amp;&quot;\">"
        "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;&amp;&quot;</p><b>ok</b>"
    );
}

TEST(Render, ListsNumbersBooleansPartials) {
    static const std::string kItem = "[{{naam}}:{{n}}]";
    static const std::string kList =
        "{{#items}}{{> test/item}}{{/items}}{{^items}}leeg{{/items}}"
        "{{#ja}}J{{/ja}}{{#nee}}N{{/nee}}{{#leeg}}E{{/leeg}}{{#null}}0{{/null}}";
    AddTemplate("test/item", kItem);
    AddTemplate("test/list", kList);
    boost::json::object data{
        {"items",
         boost::json::array{
             boost::json::object{{"naam", "a"}, {"n", 1}}, boost::json::object{{"naam", "b"}, {"n", 2.5}}}},
        {"ja", true},
        {"nee", false},
        {"leeg", ""},
        {"null", nullptr}};
    EXPECT_EQ(Render("test/list", data), "[a:1][b:2.5]J");
    EXPECT_EQ(Render("test/list", boost::json::object{{"items", boost::json::array{}}}), "leeg");
}

TEST(Render, UnknownTemplateThrows) {
    EXPECT_THROW(Render("test/bestaat-niet", {}), std::runtime_error);
}

TEST(IsLocalPath, OnlyPathsOnThisSite) {
    EXPECT_TRUE(IsLocalPath("/"));
    EXPECT_TRUE(IsLocalPath("/algoritmeregister/beheer?x=1"));
    EXPECT_FALSE(IsLocalPath(""));
    EXPECT_FALSE(IsLocalPath("//evil.example"));
    EXPECT_FALSE(IsLocalPath("/\\evil.example"));
    EXPECT_FALSE(IsLocalPath("https://evil.example/"));
    EXPECT_FALSE(IsLocalPath("javascript:alert(1)"));
    EXPECT_FALSE(IsLocalPath("/a\r\nSet-Cookie: x"));
    EXPECT_FALSE(IsLocalPath("/a\\b"));
}

TEST(Cookies, FindsTheSessionCookie) {
    EXPECT_EQ(CookieValue("a=1; thorbecke_sessie=abc; b=2", "thorbecke_sessie"), "abc");
    EXPECT_EQ(CookieValue("xthorbecke_sessie=abc", "thorbecke_sessie"), "");
    EXPECT_EQ(CookieValue("", "thorbecke_sessie"), "");
    EXPECT_EQ(CookieName(true), "__Host-thorbecke_sessie");
    EXPECT_EQ(CookieName(false), "thorbecke_sessie");
}

TEST(Csrf, RefusesMissingOrWrongToken) {
    Context ctx;
    ctx.csrf = "token-1234567890";
    auto good = ParseForm("csrf=token-1234567890");
    auto wrong = ParseForm("csrf=token-1234567891");
    auto missing = ParseForm("x=1");
    EXPECT_FALSE(CheckCsrf(ctx, *good));
    auto refused = CheckCsrf(ctx, *wrong);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    ASSERT_TRUE(CheckCsrf(ctx, *missing));
    // Without a session there is no token to match, not even an empty one.
    Context anonymous;
    auto empty = ParseForm("csrf=");
    ASSERT_TRUE(CheckCsrf(anonymous, *empty));
}

TEST(Page, LayoutAndSecurityHeaders) {
    Context ctx;
    ctx.path = "/x";
    auto r = Page(ctx, "Titel <1>", "<p>inhoud</p>", 200);
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<html lang=\"nl\">"), std::string::npos);
    EXPECT_NE(r.body.find("<title>Titel &lt;1&gt; - Thorbecke</title>"), std::string::npos);
    EXPECT_NE(r.body.find("<main id=\"inhoud\""), std::string::npos);
    EXPECT_NE(r.body.find("<p>inhoud</p>"), std::string::npos);
    EXPECT_NE(r.body.find(AssetUrl("utrecht.css")), std::string::npos);
    bool csp = false;
    for (const auto& [k, v] : r.headers)
        csp = csp || (k == "Content-Security-Policy" && v.find("frame-ancestors 'none'") != std::string::npos);
    EXPECT_TRUE(csp);
}

TEST(RequireAccount, RedirectsWithTerug) {
    Context ctx;
    ctx.path = "/algoritmeregister/beheer?status=concept";
    auto r = RequireAccount(ctx);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303);
    std::string location;
    for (const auto& [k, v] : r->headers) {
        if (k == "Location") location = v;
    }
    EXPECT_EQ(location, "/inloggen?terug=/algoritmeregister/beheer%3Fstatus%3Dconcept");
    ctx.account = accounts::Account{1, "a", "A", "Org", {"redacteur"}};
    EXPECT_FALSE(RequireAccount(ctx));
    EXPECT_FALSE(RequireRole(ctx, "redacteur"));
    auto forbidden = RequireRole(ctx, "goedkeurder");
    ASSERT_TRUE(forbidden);
    EXPECT_EQ(forbidden->status, 403);
}

}  // namespace
}  // namespace thorbecke::web
