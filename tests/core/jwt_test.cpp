#include "core/auth/jwt.h"

#include <gtest/gtest.h>

namespace thorbecke::auth {

TEST(JwtTest, SignedTokenVerifiesOnlyWithItsSecret) {
    std::string token = Sign("demo", "demo-secret", 1700000000, "medewerker-1");
    EXPECT_TRUE(VerifySignature(token, "demo-secret"));
    EXPECT_FALSE(VerifySignature(token, "other-secret"));
    auto claims = DecodeUnverified(token);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->client_id, "demo");
    EXPECT_EQ(claims->user_id, "medewerker-1");
    EXPECT_EQ(claims->iat, 1700000000);
}

TEST(JwtTest, TamperedPayloadFailsVerification) {
    std::string token = Sign("demo", "s", 1);
    auto dot = token.find('.');
    token[dot + 3] = token[dot + 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySignature(token, "s"));
}

TEST(JwtTest, RejectsMalformedTokensAndOtherAlgorithms) {
    EXPECT_FALSE(DecodeUnverified("not-a-token"));
    EXPECT_FALSE(DecodeUnverified("a.b.c"));
    std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(R"({"client_id":"x"})") + ".";
    auto r = DecodeUnverified(none);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 401);
    std::string no_client = Base64UrlEncode(R"({"alg":"HS256"})") + "." + Base64UrlEncode(R"({"iat":1})") + ".x";
    EXPECT_FALSE(DecodeUnverified(no_client));
}

TEST(JwtTest, Base64UrlRoundTrip) {
    for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\xff\x00\x10", 3)}) {
        auto d = Base64UrlDecode(Base64UrlEncode(s));
        ASSERT_TRUE(d);
        EXPECT_EQ(*d, s);
    }
}

}  // namespace thorbecke::auth
