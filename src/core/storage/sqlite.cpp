#include "core/storage/sqlite.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace thorbecke::storage {

namespace {

std::mutex& PredicatesMutex() {
    static std::mutex mu;
    return mu;
}

std::vector<std::pair<std::string, SqlitePredicate>>& Predicates() {
    static std::vector<std::pair<std::string, SqlitePredicate>> all;
    return all;
}

void CallPredicate(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    auto fn = reinterpret_cast<SqlitePredicate>(sqlite3_user_data(ctx));
    if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    auto text = [](sqlite3_value* v) {
        const unsigned char* t = sqlite3_value_text(v);
        return std::string_view(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_value_bytes(v)));
    };
    sqlite3_result_int(ctx, fn(text(argv[0]), text(argv[1])) ? 1 : 0);
}

std::atomic<std::uint64_t> g_next_db_id{1};

Error SqliteError(sqlite3* db, int rc) {
    int ext = sqlite3_extended_errcode(db);
    std::string msg = sqlite3_errmsg(db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error{409, std::string(kUniqueViolation), "Conflict.", msg, {}};
    }
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Error{409, std::string(kForeignKeyViolation), "Conflict.", msg, {}};
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        return Error{503, std::string(kUnavailable), "Tijdelijk niet beschikbaar.", msg, {}};
    }
    return Error::Internal(fmt::format("database error: {}", msg));
}

//! One SQLite connection with its prepared statements, cached by SQL text.
class Connection {
  public:
    explicit Connection(sqlite3* db) : db_(db) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    Result<Rows> Run(std::string_view sql, const Params& params) {
        sqlite3_stmt* stmt = nullptr;
        auto it = statements_.find(sql);
        if (it != statements_.end()) {
            stmt = it->second;
        } else {
            int rc = sqlite3_prepare_v3(
                db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr
            );
            if (rc != SQLITE_OK) return Fail(SqliteError(db_, rc));
            statements_.emplace(std::string(sql), stmt);
        }
        // Placeholders are $1..$N; bind by name so their order in the text does not matter.
        for (std::size_t i = 0; i < params.size(); ++i) {
            char name[16];
            auto n = fmt::format_to_n(name, sizeof(name) - 1, "${}", i + 1);
            *n.out = '\0';
            int idx = sqlite3_bind_parameter_index(stmt, name);
            if (idx == 0) continue;
            const Param& p = params[i];
            if (std::holds_alternative<std::nullptr_t>(p)) {
                sqlite3_bind_null(stmt, idx);
            } else if (const auto* v = std::get_if<std::int64_t>(&p)) {
                sqlite3_bind_int64(stmt, idx, *v);
            } else {
                const auto& s = std::get<std::string>(p);
                sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            }
        }
        Rows out;
        int ncols = sqlite3_column_count(stmt);
        out.columns.reserve(static_cast<std::size_t>(ncols));
        for (int c = 0; c < ncols; ++c) out.columns.emplace_back(sqlite3_column_name(stmt, c));
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            auto& row = out.rows.emplace_back();
            row.reserve(static_cast<std::size_t>(ncols));
            for (int c = 0; c < ncols; ++c) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                    row.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
                }
            }
        }
        Result<Rows> result;
        if (rc != SQLITE_DONE) {
            result = Fail(SqliteError(db_, rc));
        } else {
            out.affected = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db_);
            result = std::move(out);
        }
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return result;
    }

    Status Exec(const std::string& sql) {
        char* err = nullptr;
        int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            return Fail(Error::Internal(fmt::format("database error: {}", msg)));
        }
        return {};
    }

    bool in_transaction = false;

  private:
    sqlite3* db_;
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

class SqliteSession final : public Session {
  public:
    explicit SqliteSession(Connection& c) : conn_(c) {}
    asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) override {
        co_return conn_.Run(sql, params);
    }

  private:
    Connection& conn_;
};

class SqliteDatabase final : public Database {
  public:
    SqliteDatabase(std::string path, bool uri) : path_(std::move(path)), uri_(uri), id_(g_next_db_id++) {}

    ~SqliteDatabase() override {
        std::lock_guard lock(mu_);
        all_.clear();
    }

    Result<Connection*> Acquire() {
        // Connections belong to a thread; a transaction that is suspended keeps its connection, so a
        // second coroutine on the same thread gets another one instead of joining that transaction.
        thread_local std::unordered_map<std::uint64_t, std::vector<Connection*>> per_thread;
        auto& mine = per_thread[id_];
        for (Connection* c : mine) {
            if (!c->in_transaction) return c;
        }
        auto conn = OpenConnection();
        if (!conn) return Fail(conn.error());
        Connection* raw = conn->get();
        {
            std::lock_guard lock(mu_);
            all_.push_back(std::move(*conn));
        }
        mine.push_back(raw);
        return raw;
    }

    Result<std::unique_ptr<Connection>> OpenConnection() {
        sqlite3* db = nullptr;
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        if (uri_) flags |= SQLITE_OPEN_URI;
        int rc = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
            sqlite3_close_v2(db);
            return Fail(Error::Internal(fmt::format("cannot open SQLite database '{}': {}", path_, msg)));
        }
        auto conn = std::make_unique<Connection>(db);
        sqlite3_busy_timeout(db, 10000);
        {
            std::lock_guard lock(PredicatesMutex());
            for (const auto& [name, fn] : Predicates()) {
                sqlite3_create_function_v2(
                    db,
                    name.c_str(),
                    2,
                    SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                    reinterpret_cast<void*>(fn),
                    &CallPredicate,
                    nullptr,
                    nullptr,
                    nullptr
                );
            }
        }
        // WAL: readers never block the writer; NORMAL sync is durable across application crashes.
        auto st = conn->Exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"
        );
        if (!st) return Fail(st.error());
        connections_.fetch_add(1);
        return conn;
    }

    [[nodiscard]] Dialect dialect() const override { return Dialect::kSqlite; }

    asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) override {
        auto conn = Acquire();
        if (!conn) co_return Fail(conn.error());
        auto rows = (*conn)->Run(sql, params);
        if (!sql.starts_with("SELECT") && !sql.starts_with("PRAGMA")) commits_.fetch_add(1);  // a write, most likely
        co_return rows;
    }

    // PRAGMA data_version changes when another connection (of this process or another) commits; this process's
    // own commits are counted as well, since a connection's own do not change its data_version.
    asio::awaitable<Result<std::optional<std::string>>> ChangeToken() override {
        auto conn = Acquire();
        if (!conn) co_return Fail(conn.error());
        auto rows = (*conn)->Run("PRAGMA data_version", {});
        if (!rows) co_return Fail(rows.error());
        co_return fmt::format(
            "{}:{}:{}", static_cast<const void*>(*conn), rows->Text(0, 0), commits_.load(std::memory_order_acquire)
        );
    }

    asio::awaitable<Status> Transaction(TxFn fn) override {
        co_return co_await RunInTransaction(std::move(fn), "BEGIN IMMEDIATE");
    }

    asio::awaitable<Status> Read(TxFn fn) override { co_return co_await RunInTransaction(std::move(fn), "BEGIN"); }

    asio::awaitable<Status> RunInTransaction(TxFn fn, std::string_view begin_sql) {
        auto acquired = Acquire();
        if (!acquired) co_return Fail(acquired.error());
        Connection& conn = **acquired;
        auto begin = conn.Run(begin_sql, {});
        if (!begin) co_return Fail(begin.error());
        conn.in_transaction = true;
        busy_.fetch_add(1);
        SqliteSession session(conn);
        Status result;
        try {
            result = co_await fn(session);
        } catch (...) {
            (void)conn.Run("ROLLBACK", {});
            conn.in_transaction = false;
            busy_.fetch_sub(1);
            throw;
        }
        if (result) {
            auto commit = conn.Run("COMMIT", {});
            if (!commit) {
                (void)conn.Run("ROLLBACK", {});
                result = Fail(commit.error());
            } else if (begin_sql != "BEGIN") {
                commits_.fetch_add(1, std::memory_order_acq_rel);
                for (auto& callback : session.TakeAfterCommit()) callback();
            }
        } else {
            (void)conn.Run("ROLLBACK", {});
        }
        conn.in_transaction = false;
        busy_.fetch_sub(1);
        co_return result;
    }

    Status Migrate(const std::vector<Migration>& migrations) override {
        auto conn = OpenConnection();
        if (!conn) return Fail(conn.error());
        Connection& c = **conn;
        auto st =
            c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
        if (!st) return st;
        for (const auto& m : migrations) {
            auto done = c.Run("SELECT 1 FROM schema_migrations WHERE id = $1", {m.id});
            if (!done) return Fail(done.error());
            if (!done->empty()) continue;
            st = c.Exec("BEGIN IMMEDIATE");
            if (!st) return st;
            st = c.Exec(m.sqlite_sql);
            if (!st) {
                (void)c.Exec("ROLLBACK");
                return Fail(Error::Internal(fmt::format("migration {} failed: {}", m.id, st.error().detail)));
            }
            auto rec = c.Run(
                "INSERT INTO schema_migrations (id, applied_at) VALUES ($1, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                {m.id}
            );
            if (!rec) {
                (void)c.Exec("ROLLBACK");
                return Fail(rec.error());
            }
            st = c.Exec("COMMIT");
            if (!st) return st;
        }
        return {};
    }

    [[nodiscard]] PoolStats Stats() const override { return PoolStats{connections_.load(), busy_.load(), 0}; }

  private:
    std::string path_;
    bool uri_;
    std::uint64_t id_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Connection>> all_;
    std::atomic<std::int64_t> connections_{0};
    std::atomic<std::uint64_t> commits_{0};  // write transactions committed by this process
    std::atomic<std::int64_t> busy_{0};
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const Options& options) {
    // Memory statistics take a global mutex on every allocation, which IO threads would contend for.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
    std::string_view url = options.url;
    if (url == "sqlite::memory:") {
        // A named shared-cache memory database, so that every thread's connection sees the same data.
        static std::atomic<int> n{0};
        auto db =
            std::make_unique<SqliteDatabase>(fmt::format("file:thorbecke_mem_{}?mode=memory&cache=shared", n++), true);
        auto keep = db->Acquire();  // keeps the memory database alive as long as the Database
        if (!keep) return Fail(keep.error());
        return std::unique_ptr<Database>(std::move(db));
    }
    if (!url.starts_with("sqlite://")) return Fail(Error::Internal("SQLite URL must look like sqlite:///path/file.db"));
    std::string path(url.substr(9));
    if (path.empty()) return Fail(Error::Internal("SQLite URL names no file"));
    auto db = std::make_unique<SqliteDatabase>(path, false);
    auto probe = db->OpenConnection();  // fail at start-up, not at the first request
    if (!probe) return Fail(probe.error());
    return std::unique_ptr<Database>(std::move(db));
}

void RegisterSqlitePredicate(std::string name, SqlitePredicate fn) {
    std::lock_guard lock(PredicatesMutex());
    Predicates().emplace_back(std::move(name), fn);
}

}  // namespace thorbecke::storage
