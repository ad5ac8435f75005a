#include <gtest/gtest.h>

#include <string>

#include "core/http/multipart.h"

namespace thorbecke::http {
namespace {

const std::string kType = "multipart/form-data; boundary=----grens";

std::string Body(std::string payload) {
    return "------grens\r\n"
           "Content-Disposition: form-data; name=\"lock\"\r\n\r\n"
           "abc123\r\n"
           "------grens\r\n"
           "Content-Disposition: form-data; name=\"inhoud\"; filename=\"deel 1.bin\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n" +
           payload +
           "\r\n"
           "------grens--\r\n";
}

TEST(Multipart, PartsAreViewsIntoTheBody) {
    std::string payload("bin\0ary\r\n--not-a-boundary", 25);
    std::string body = Body(payload);
    auto parts = ParseMultipart(kType, body);
    ASSERT_TRUE(parts) << parts.error().detail;
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].name, "lock");
    EXPECT_EQ((*parts)[0].data, "abc123");
    EXPECT_EQ((*parts)[1].name, "inhoud");
    EXPECT_EQ((*parts)[1].filename, "deel 1.bin");
    EXPECT_EQ((*parts)[1].content_type, "application/octet-stream");
    EXPECT_EQ((*parts)[1].data, payload);
    EXPECT_GE((*parts)[1].data.data(), body.data());
    EXPECT_LT((*parts)[1].data.data(), body.data() + body.size());
}

TEST(Multipart, QuotedBoundaryAndEmptyPart) {
    std::string body = "--b\r\nContent-Disposition: form-data; name=\"inhoud\"\r\n\r\n\r\n--b--";
    auto parts = ParseMultipart("multipart/form-data; boundary=\"b\"", body);
    ASSERT_TRUE(parts) << parts.error().detail;
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_TRUE((*parts)[0].data.empty());
}

TEST(Multipart, RejectsWhatIsNotMultipart) {
    EXPECT_FALSE(ParseMultipart("application/json", "{}"));
    EXPECT_FALSE(ParseMultipart("multipart/form-data", Body("x")));  // no boundary
    auto wrong = ParseMultipart("multipart/form-data; boundary=anders", Body("x"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().status, 400);
    EXPECT_EQ(wrong.error().code, "invalid_multipart");
}

TEST(Multipart, RejectsTruncatedBodies) {
    std::string body = Body("inhoud");
    for (std::size_t cut : {std::size_t{5}, std::size_t{30}, body.size() - 20}) {
        EXPECT_FALSE(ParseMultipart(kType, body.substr(0, cut))) << cut;
    }
    std::string nameless = "------grens\r\nContent-Type: text/plain\r\n\r\nx\r\n------grens--";
    EXPECT_FALSE(ParseMultipart(kType, nameless));
}

}  // namespace
}  // namespace thorbecke::http
