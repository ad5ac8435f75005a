#include "core/storage/database.h"

#include <charconv>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/storage/postgres.h"
#include "core/storage/sqlite.h"

namespace thorbecke::storage {

namespace {
const std::string kEmpty;
}

const std::string& Rows::Text(std::size_t r, std::size_t c) const {
    const auto& v = rows[r][c];
    return v ? *v : kEmpty;
}

std::int64_t Rows::Int(std::size_t r, std::size_t c) const {
    const auto& v = rows[r][c];
    if (!v) return 0;
    std::int64_t out = 0;
    std::from_chars(v->data(), v->data() + v->size(), out);
    return out;
}

asio::awaitable<Result<Rows>> AutocommitSession::Query(std::string_view sql, Params params) {
    co_return co_await db_.Query(sql, std::move(params));
}

Result<std::unique_ptr<Database>> Open(const Options& options) {
    std::string_view url = options.url;
    if (url.starts_with("sqlite:")) return OpenSqlite(options);
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return OpenPostgres(options);
    return Fail(Error::Internal(fmt::format(
        "unknown database URL scheme in '{}': use sqlite:///path/file.db or postgresql://user@host:port/db",
        url.substr(0, url.find(':'))
    )));
}

std::string InList(Dialect d, std::string_view column, int param_no) {
    if (d == Dialect::kSqlite) return fmt::format("{} IN (SELECT value FROM json_each(${}))", column, param_no);
    return fmt::format("{} = ANY(${}::text[])", column, param_no);
}

std::string InValues(Dialect d, std::string_view column, int param_no, const std::vector<std::string>& values) {
    if (values.size() == 1) return fmt::format("{} = ${}", column, param_no);
    return InList(d, column, param_no);
}

Param ValuesParam(Dialect d, const std::vector<std::string>& values) {
    if (values.size() == 1) return values.front();
    return ListParam(d, values);
}

Param ListParam(Dialect d, const std::vector<std::string>& values) {
    if (d == Dialect::kSqlite) {
        boost::json::array a;
        for (const auto& v : values) a.emplace_back(v);
        return boost::json::serialize(a);
    }
    // PostgreSQL array literal: every element quoted, backslash and quote escaped.
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char ch : values[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    out += '}';
    return out;
}

}  // namespace thorbecke::storage
