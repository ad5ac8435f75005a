#pragma once
// The storage interface every component talks to. Two engines implement it: SQLite (embedded default)
// and PostgreSQL. SQL text is shared: both take `$1, $2, ...` placeholders, TEXT/INTEGER/REAL columns,
// RETURNING and ON CONFLICT. Where the dialects differ, ask `Dialect()` or use the helpers below.
//
// Threading: every call may come from any of the server's IO threads, each running its own io_context.
// The returned awaitable completes on the caller's executor. Engines keep per-thread connections.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"

namespace thorbecke::storage {

namespace asio = boost::asio;

enum class Dialect { kSqlite, kPostgres };

//! A bound parameter. Text is passed as text; integers as 64-bit; null as SQL NULL.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;
using Params = std::vector<Param>;

//! Builds a parameter list. Use it instead of a braced list inside coroutines: GCC 12 rejects or
//! miscompiles initializer lists of non-trivial temporaries that live across a co_await.
template <class... A>
Params MakeParams(A&&... args) {
    Params p;
    p.reserve(sizeof...(A));
    (p.emplace_back(Param(std::forward<A>(args))), ...);
    return p;
}

//! A result set, every value as text (or null). Small and simple: rows are copied out of the engine.
struct Rows {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE

    [[nodiscard]] bool empty() const { return rows.empty(); }
    [[nodiscard]] std::size_t size() const { return rows.size(); }
    //! Text of row r, column c; empty string for NULL.
    [[nodiscard]] const std::string& Text(std::size_t r, std::size_t c) const;
    [[nodiscard]] bool IsNull(std::size_t r, std::size_t c) const { return !rows[r][c].has_value(); }
    [[nodiscard]] std::int64_t Int(std::size_t r, std::size_t c) const;
};

//! Error codes storage engines put in Error::code, so callers can react without knowing the engine.
inline constexpr std::string_view kUniqueViolation = "unique_violation";
inline constexpr std::string_view kForeignKeyViolation = "foreign_key_violation";
inline constexpr std::string_view kUnavailable = "unavailable";  // pool queue full or server down: HTTP 503

//! One connection inside a transaction.
class Session {
  public:
    virtual ~Session() = default;
    virtual asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) = 0;

    //! Runs `fn` once the transaction has committed (never when it rolls back): wakes what waits for the
    //! data, such as the notification dispatcher. On an autocommit session at once.
    virtual void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
    //! For the engines: the callbacks to run now that the commit succeeded.
    std::vector<std::function<void()>> TakeAfterCommit() { return std::exchange(after_commit_, {}); }

  private:
    std::vector<std::function<void()>> after_commit_;
};

class Database;

//! A Session whose statements run on their own, each in autocommit, through the database.
class AutocommitSession final : public Session {
  public:
    explicit AutocommitSession(Database& db) : db_(db) {}
    asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) override;
    void AfterCommit(std::function<void()> fn) override { fn(); }

  private:
    Database& db_;
};

struct PoolStats {
    std::int64_t connections = 0;  // open connections
    std::int64_t busy = 0;         // connections running a statement or transaction
    std::int64_t waiting = 0;      // requests queued for a connection
};

class Database {
  public:
    using TxFn = std::function<asio::awaitable<Status>(Session&)>;

    virtual ~Database() = default;
    [[nodiscard]] virtual Dialect dialect() const = 0;

    //! Runs one statement on its own (autocommit). Prepared once per connection and reused.
    virtual asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) = 0;

    //! Runs `fn` in one transaction: commits when it returns success, rolls back when it returns an error
    //! or throws. Everything a write request does goes through one call, so nothing is ever half-written.
    virtual asio::awaitable<Status> Transaction(TxFn fn) = 0;

    //! Runs `fn` for reads that belong together (one request's). SQLite runs them in one read transaction:
    //! one snapshot, and one round of WAL locking instead of one per statement. PostgreSQL runs them as
    //! pipelined autocommit statements. `fn` must not write.
    virtual asio::awaitable<Status> Read(TxFn fn) = 0;

    //! Runs the versioned migrations of every component, in order, each in its own transaction;
    //! applied versions are recorded in `schema_migrations`. Blocking; called once at start-up.
    virtual Status Migrate(const std::vector<struct Migration>& migrations) = 0;

    [[nodiscard]] virtual PoolStats Stats() const = 0;

    //! A token that stays the same while nothing is committed to the data, by this process or another, so a
    //! rendering made under it may be served again. nullopt where the engine cannot tell cheaply (PostgreSQL:
    //! see storage::ChangeFeed).
    virtual asio::awaitable<Result<std::optional<std::string>>> ChangeToken() { co_return std::nullopt; }
};

//! A schema change. `id` orders and identifies it (e.g. "0001_core"); `sql` may hold several statements.
struct Migration {
    std::string id;
    std::string sqlite_sql;
    std::string postgres_sql;
};

struct Options {
    //! "sqlite:///path/to/file.db" or "sqlite::memory:", or a libpq URL "postgresql://user@host:port/db".
    std::string url;
    int connections_per_thread = 2;  // PostgreSQL
    int max_waiting = 1024;          // PostgreSQL: queued requests beyond this get 503
};

//! A yes/no SQL function of two text arguments that SQLite connections offer, for what PostgreSQL has an
//! extension for (PostGIS's ST_Within: "thorbecke_within"). NULL arguments give NULL. Register before Open().
using SqlitePredicate = bool (*)(std::string_view a, std::string_view b);
void RegisterSqlitePredicate(std::string name, SqlitePredicate fn);

//! Opens the engine named by options.url. Fails with a clear message on a bad URL or unreachable server.
Result<std::unique_ptr<Database>> Open(const Options& options);

//! `column IN (...)` for a list passed as one parameter: a JSON array text on SQLite, a text[] on
//! PostgreSQL. `ListParam` encodes the values to match.
//! Like InList/ListParam, chosen by the values: one value becomes `column = $n` with a plain parameter, which
//! every planner estimates well (PostgreSQL's cached generic plans misjudge `= ANY($n)` and may scan a table).
//! Most lists here hold one value: the object of a detail GET.
std::string InValues(Dialect d, std::string_view column, int param_no, const std::vector<std::string>& values);
Param ValuesParam(Dialect d, const std::vector<std::string>& values);

std::string InList(Dialect d, std::string_view column, int param_no);
Param ListParam(Dialect d, const std::vector<std::string>& values);

}  // namespace thorbecke::storage
