#include "core/storage/audit_table.h"

#include <fmt/format.h>

namespace thorbecke::storage {

boost::asio::awaitable<Status> AuditTable::Insert(Session& s, std::string uuid, std::string owner, std::string doc)
    const {
    auto r = co_await s.Query(
        fmt::format("INSERT INTO {} (uuid, {}, doc) VALUES ($1, $2, $3)", table_, owner_),
        MakeParams(std::move(uuid), std::move(owner), std::move(doc))
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> AuditTable::Entries(
    Session& s, std::string owner, std::string uuid
) const {
    std::string sql = fmt::format("SELECT uuid, doc FROM {} WHERE {} = $1", table_, owner_);
    Params params = MakeParams(std::move(owner));
    if (!uuid.empty()) {
        sql += " AND uuid = $2";
        params.emplace_back(std::move(uuid));
    }
    sql += " ORDER BY seq";
    auto r = co_await s.Query(sql, std::move(params));
    if (!r) co_return Fail(r.error());
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(r->Text(i, 0), r->Text(i, 1));
    co_return out;
}

boost::asio::awaitable<Status> AuditTable::Delete(Session& s, std::string owner) const {
    auto r =
        co_await s.Query(fmt::format("DELETE FROM {} WHERE {} = $1", table_, owner_), MakeParams(std::move(owner)));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

}  // namespace thorbecke::storage
