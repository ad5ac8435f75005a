#pragma once
// PostgreSQL engine: libpq in non-blocking pipeline mode, driven by each IO thread's own io_context.
//
// Per io_context a small pool of connections (Options::connections_per_thread), opened lazily on that thread.
// Autocommit queries share a connection: each is sent as prepare (first use) + execute + sync and its results
// come back in order, so several requests can be in flight on one connection without waiting for each
// other's round trip. A transaction takes a connection for itself from BEGIN to COMMIT/ROLLBACK.
//
// Lifetime: destroy the PostgresDatabase when no io_context is running coroutines on it. The io_contexts may
// be destroyed before or after it: each context's connections are closed when that context shuts down.
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include "core/storage/database.h"

namespace thorbecke::storage {

namespace pg {
class Pool;
struct PoolCounters;
}  // namespace pg

class PostgresDatabase final : public Database {
  public:
    explicit PostgresDatabase(Options options);
    ~PostgresDatabase() override;
    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;

    [[nodiscard]] Dialect dialect() const override { return Dialect::kPostgres; }
    asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) override;
    asio::awaitable<Status> Transaction(TxFn fn) override;
    asio::awaitable<Status> Read(TxFn fn) override;
    Status Migrate(const std::vector<Migration>& migrations) override;
    [[nodiscard]] PoolStats Stats() const override;

  private:
    //! The pool of the io_context `ex` belongs to, created on first use.
    std::shared_ptr<pg::Pool> PoolFor(const asio::any_io_executor& ex);

    Options options_;
    std::shared_ptr<pg::PoolCounters> counters_;
    std::mutex mutex_;  // guards pools_
    std::unordered_map<asio::execution_context*, std::shared_ptr<pg::Pool>> pools_;
};

//! Checks the URL and that the server answers (one blocking connection), then returns the engine.
//! Errors: 503 kUnavailable when the server cannot be reached, 500 for a malformed URL or bad options.
Result<std::unique_ptr<Database>> OpenPostgres(const Options& options);

}  // namespace thorbecke::storage
