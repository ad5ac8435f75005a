#include "core/storage/sequence.h"

#include <fmt/format.h>

namespace thorbecke::storage {

boost::asio::awaitable<Result<std::int64_t>> NextInSequence(Session& s, std::string_view table, std::string name) {
    std::string sql = fmt::format(
        "INSERT INTO {0} (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = {0}.value + 1 "
        "RETURNING value",
        table
    );
    auto r = co_await s.Query(sql, MakeParams(std::move(name)));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return Fail(Error::Internal(fmt::format("counter {} gave no value", table)));
    co_return r->Int(0, 0);
}

boost::asio::awaitable<Result<std::string>> NextIdentificatie(
    Session& s, std::string_view table, std::string name, std::string prefix, const IdentificatieTaken& taken
) {
    // Numbers given by hand may collide with generated ones; a thousand in a row means something is wrong.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        auto n = co_await NextInSequence(s, table, name);
        if (!n) co_return Fail(n.error());
        std::string candidate = fmt::format("{}{:010}", prefix, *n);
        auto in_use = co_await taken(candidate);
        if (!in_use) co_return Fail(in_use.error());
        if (!*in_use) co_return candidate;
    }
    co_return Fail(Error::Internal(fmt::format("no free identificatie after {}", prefix)));
}

}  // namespace thorbecke::storage
