#pragma once
// Who may call Thorbecke and with which rights. The store of rights is the Autorisaties API's data:
// applicaties (one or more client ids, a label, all rights or a list of autorisaties per component), kept in
// the database so that every node sees the same. The secrets that sign a client's JWTs are kept apart
// (auth_client): the Autorisaties API does not know them; the CLI sets them (`thorbecke clients`).
// Authentication reads a client's secret and its applicatie's rights in one query and caches them per IO
// thread, for no longer than the data is known to be unchanged.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/auth/principal.h"
#include "core/error.h"
#include "core/storage/change_feed.h"
#include "core/storage/database.h"

namespace thorbecke::auth {

namespace asio = boost::asio;

//! The PostgreSQL channel every write of applicaties or secrets notifies (in its transaction).
inline constexpr std::string_view kAuthChannel = "thorbecke_auth";

//! The rights of an applicatie within one component. Which type field applies depends on the component:
//! zaaktype (zrc), informatieobjecttype (drc), besluittype (brc); maxVertrouwelijkheidaanduiding (zrc, drc).
struct Autorisatie {
    std::string component;
    std::vector<std::string> scopes;
    std::string zaaktype = {};
    std::string informatieobjecttype = {};
    std::string besluittype = {};
    std::string max_vertrouwelijkheidaanduiding = {};
    auto operator<=>(const Autorisatie&) const = default;
};

struct Applicatie {
    std::string uuid;
    std::vector<std::string> client_ids;
    std::string label;
    bool heeft_alle_autorisaties = false;
    std::vector<Autorisatie> autorisaties;
};

struct ApplicatiePage {
    std::vector<Applicatie> rows;
    std::int64_t count = 0;
};

//! The grants an autorisatie gives: one per scope, limited to its type and maximum aanduiding.
std::vector<Grant> GrantsOf(const Autorisatie& a);
//! The autorisaties that give `grants`: grants of one component, type and maximum share one autorisatie.
std::vector<Autorisatie> AutorisatiesOf(const std::vector<Grant>& grants);

//! A client as the CLI sees it: its secret and the rights of its applicatie.
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
    //! Without a change feed (SQLite): how long a node may reuse a client's secret and rights without asking
    //! the database. Changes made through this process take effect at once; changes by another process (the
    //! CLI) within this time. 0: ask the database on every request. With a change feed (PostgreSQL) rights
    //! are reused only while the feed reports no change.
    std::int64_t cache_milliseconds = 1000;
};

class ClientStore {
  public:
    explicit ClientStore(storage::Database& db, AuthOptions options = {}) : db_(db), options_(options) {}

    static std::vector<storage::Migration> Migrations();

    //! PostgreSQL: the feed on kAuthChannel that tells when any node changed rights. Without it (SQLite)
    //! cached rights live for AuthOptions::cache_milliseconds unless this process changed them.
    void SetChangeFeed(storage::ChangeFeed* feed) { feed_ = feed; }
    [[nodiscard]] storage::Database& db() { return db_; }

    // ---- The CLI -------------------------------------------------------------------------------------------
    //! Sets the client's secret and creates or replaces the applicatie of that client id with these rights,
    //! in one transaction.
    asio::awaitable<Status> Put(const ClientSpec& spec);
    //! Sets the secret of a client id (one registered through the Autorisaties API has none).
    asio::awaitable<Status> SetSecret(std::string client_id, std::string secret);
    //! Removes the client's secret and its client id from its applicatie (and the applicatie when that was its
    //! last client id). False when the client id was unknown.
    asio::awaitable<Result<bool>> Remove(const std::string& client_id);
    //! Every known client id (with a secret or in an applicatie), with the rights of its applicatie.
    asio::awaitable<Result<std::vector<ClientSpec>>> List();

    // ---- Applicaties, inside the caller's transaction (the Autorisaties API) -------------------------------
    asio::awaitable<Result<std::optional<Applicatie>>> GetApplicatie(
        storage::Session& s, std::string uuid, bool for_update
    );
    //! The applicatie that has every one of `client_ids` (all applicaties when empty), newest first.
    asio::awaitable<Result<ApplicatiePage>> ListApplicaties(
        storage::Session& s, std::vector<std::string> client_ids, std::int64_t page, std::int64_t page_size
    );
    //! Which of `client_ids` belong to an applicatie other than `except` (a uuid, or "").
    asio::awaitable<Result<std::vector<std::string>>> ClientIdsInUse(
        storage::Session& s, std::vector<std::string> client_ids, std::string except
    );
    //! Writes the applicatie (a new one, or replaces the one with its uuid) with its client ids and autorisaties.
    asio::awaitable<Status> SaveApplicatie(storage::Session& s, const Applicatie& a, bool create);
    asio::awaitable<Result<bool>> DeleteApplicatie(storage::Session& s, std::string uuid);

    //! Checks an `Authorization` header value ("Bearer <jwt>") and returns who is calling.
    //! 401 for a missing, malformed, unsigned, unknown-client or expired token.
    asio::awaitable<Result<Principal>> Authenticate(std::string_view authorization);

  private:
    struct Cached;
    //! Every write of rights or secrets calls this inside its transaction: this process's cache is dropped
    //! now and again at commit, and (PostgreSQL) every node hears of the commit.
    asio::awaitable<Status> Changed(storage::Session& s);
    asio::awaitable<Result<std::vector<Applicatie>>> LoadApplicaties(
        storage::Session& s, std::vector<Applicatie> heads
    );

    storage::Database& db_;
    AuthOptions options_;
    storage::ChangeFeed* feed_ = nullptr;
    //! Bumped on every change made through this store; per-thread cache entries of older generations
    //! are ignored.
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace thorbecke::auth
