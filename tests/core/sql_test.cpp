#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/storage/database.h"

namespace thorbecke::storage {

TEST(SqlTest, OneValueIsAPlainComparisonSeveralAreAList) {
    EXPECT_EQ(InValues(Dialect::kPostgres, "uuid", 2, {"a"}), "uuid = $2");
    EXPECT_EQ(InValues(Dialect::kPostgres, "uuid", 2, {"a", "b"}), "uuid = ANY($2::text[])");
    EXPECT_EQ(InValues(Dialect::kSqlite, "uuid", 1, {"a", "b"}), "uuid IN (SELECT value FROM json_each($1))");
    EXPECT_EQ(std::get<std::string>(ValuesParam(Dialect::kPostgres, {"a"})), "a");
    EXPECT_EQ(std::get<std::string>(ValuesParam(Dialect::kPostgres, {"a", "b\"c"})), R"({"a","b\"c"})");
    EXPECT_EQ(std::get<std::string>(ValuesParam(Dialect::kSqlite, {"a", "b"})), R"(["a","b"])");
}

TEST(SqlTest, InValuesSelectsTheSameRowsEitherWay) {
    auto db = Open(Options{"sqlite::memory:"});
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->Migrate({Migration{
        "0001_t", "CREATE TABLE t (k TEXT); INSERT INTO t VALUES ('a'), ('b'), ('c');", ""}}));
    auto count = [&](std::vector<std::string> values) {
        boost::asio::io_context ioc;
        auto fut = boost::asio::co_spawn(
            ioc,
            [&]() -> boost::asio::awaitable<Result<Rows>> {
                std::string sql = "SELECT COUNT(*) FROM t WHERE " + InValues(Dialect::kSqlite, "k", 1, values);
                co_return co_await (*db)->Query(sql, MakeParams(ValuesParam(Dialect::kSqlite, values)));
            },
            boost::asio::use_future
        );
        ioc.run();
        auto rows = fut.get();
        return rows ? rows->Int(0, 0) : -1;
    };
    EXPECT_EQ(count({"a"}), 1);
    EXPECT_EQ(count({"a", "c", "x"}), 2);
}

}  // namespace thorbecke::storage
