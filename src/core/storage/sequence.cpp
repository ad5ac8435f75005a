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

}  // namespace thorbecke::storage
