#pragma once
// Clients (applications) that may call Thorbecke, their shared JWT secrets and their rights. Stored in
// the database so that every node sees the same clients; managed with `thorbecke clients ...` until the
// Autorisaties API takes over that job.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/auth/principal.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::auth {

namespace asio = boost::asio;

struct ClientSpec {
    std::string client_id;
    std::string secret;
    std::string label;
    bool all_rights = false;
    std::vector<Grant> grants;
};

struct AuthOptions {
    //! Tokens whose `iat` lies further in the future than this are refused (clock skew between machines).
    std::int64_t leeway_seconds = 300;
    //! Tokens older than this (by `iat`) are refused; 0 disables the check.
    std::int64_t max_age_seconds = 0;
    //! How long a node may reuse a client's secret and grants without asking the database. Changes made
    //! through this process take effect at once; changes by another process (the CLI, another node)
    //! within this time. 0: ask the database on every request.
    std::int64_t cache_milliseconds = 1000;
};

class ClientStore {
  public:
    explicit ClientStore(storage::Database& db, AuthOptions options = {}) : db_(db), options_(options) {}

    static std::vector<storage::Migration> Migrations();

    //! Adds or replaces a client with its grants, in one transaction.
    asio::awaitable<Status> Put(const ClientSpec& spec);
    asio::awaitable<Result<bool>> Remove(const std::string& client_id);
    asio::awaitable<Result<std::vector<ClientSpec>>> List();

    //! Checks an `Authorization` header value ("Bearer <jwt>") and returns who is calling.
    //! 401 for a missing, malformed, unsigned, unknown-client or expired token.
    asio::awaitable<Result<Principal>> Authenticate(std::string_view authorization);

  private:
    struct Cached;
    storage::Database& db_;
    AuthOptions options_;
    //! Bumped on every change made through this store; per-thread cache entries of older generations
    //! are ignored.
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace thorbecke::auth
