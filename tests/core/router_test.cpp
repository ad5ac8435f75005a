#include "core/http/router.h"

#include <gtest/gtest.h>

namespace thorbecke::http {

namespace {
Handler Noop() {
    return [](Request&) -> asio::awaitable<Result<Response>> { co_return Response::NoContent(); };
}
}  // namespace

TEST(RouterTest, MatchesPathParametersAndPrefersLiterals) {
    Router r;
    r.Add(Method::kGet, "/api/zaaktypen/{uuid}", Access::Public(), Noop());
    r.Add(Method::kGet, "/api/zaaktypen/_zoek", Access::Public(), Noop());
    r.Add(Method::kPost, "/api/zaaktypen/{uuid}/publish", Access::Public(), Noop());
    Request req;
    auto m = r.Find(Method::kGet, "/api/zaaktypen/abc", req);
    ASSERT_TRUE(m.route);
    EXPECT_EQ(req.PathParam("uuid"), "abc");
    m = r.Find(Method::kGet, "/api/zaaktypen/_zoek", req);
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->pattern, "/api/zaaktypen/_zoek");
}

TEST(RouterTest, KnownPathWithOtherMethodIs405AndHeadFallsBackToGet) {
    Router r;
    r.Add(Method::kGet, "/x", Access::Public(), Noop());
    Request req;
    auto m = r.Find(Method::kPost, "/x", req);
    EXPECT_FALSE(m.route);
    EXPECT_TRUE(m.path_known);
    EXPECT_TRUE(r.Find(Method::kHead, "/x", req).route);
    auto none = r.Find(Method::kGet, "/y", req);
    EXPECT_FALSE(none.route);
    EXPECT_FALSE(none.path_known);
}

TEST(RouterTest, NotFoundHandlerCoversItsPrefixButNotItsExceptionsOrKnownPaths) {
    Router r;
    r.Add(Method::kGet, "/site/page", Access::Public(), Noop());
    r.AddNotFound("/site", Noop(), {"/site/api/"});
    r.AddNotFound("/site/deep", Noop());
    Request req;
    auto m = r.Find(Method::kGet, "/site/missing", req);
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->pattern, "/site/*");
    EXPECT_EQ(r.Find(Method::kGet, "/site/deep/x", req).route->pattern, "/site/deep/*");
    EXPECT_FALSE(r.Find(Method::kGet, "/site/api/v1/x", req).route);
    EXPECT_FALSE(r.Find(Method::kGet, "/sitemap", req).route);  // a prefix is a whole path segment
    EXPECT_FALSE(r.Find(Method::kGet, "/other", req).route);
    auto other_method = r.Find(Method::kPost, "/site/page", req);
    EXPECT_FALSE(other_method.route);  // 405 stays 405
    EXPECT_TRUE(other_method.path_known);
    EXPECT_EQ(r.Find(Method::kGet, "/site/page", req).route->pattern, "/site/page");
}

}  // namespace thorbecke::http
