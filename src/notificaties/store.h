#pragma once
// Storage of the Notificaties API: kanalen (with the kenmerken an abonnement may filter on) and abonnementen
// with, per position, the kanaal they follow and the filters on its kenmerken. The dispatcher
// (dispatcher.h) reads the same tables to route notifications.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::notificaties {

namespace asio = boost::asio;

struct KanaalRow {
    std::string uuid;
    std::string naam;
    std::string documentatie_link;
    std::vector<std::string> filters;  // names of kenmerken
};

//! One kanaal an abonnement follows, with the kenmerk values a notification must have (in the order given).
struct KanaalFilter {
    std::string kanaal;  // the kanaal's naam
    std::vector<std::pair<std::string, std::string>> filters;
};

struct AbonnementRow {
    std::string uuid;
    std::string callback_url;
    std::string auth;       // the Authorization header sent to the callback: never rendered or logged
    std::string client_id;  // the client that made it: only it may read and change it
    std::vector<KanaalFilter> kanalen;
};

class Store {
  public:
    explicit Store(storage::Database& db) : db_(db) {}
    static std::vector<storage::Migration> Migrations();
    [[nodiscard]] storage::Database& db() { return db_; }

    //! All kanalen, or the one named `naam` (empty: all), by naam.
    asio::awaitable<Result<std::vector<KanaalRow>>> ListKanalen(storage::Session& s, std::string naam);
    asio::awaitable<Result<std::optional<KanaalRow>>> GetKanaal(storage::Session& s, std::string uuid);
    asio::awaitable<Result<std::optional<KanaalRow>>> KanaalByNaam(storage::Session& s, std::string naam);
    //! Fails with storage::kUniqueViolation when the naam is taken.
    asio::awaitable<Status> InsertKanaal(storage::Session& s, const KanaalRow& row);
    asio::awaitable<Status> UpdateKanaal(storage::Session& s, const KanaalRow& row);
    //! Inserts the kanaal unless one of that naam exists (any node, at the same time).
    asio::awaitable<Status> InsertKanaalIfMissing(storage::Session& s, const KanaalRow& row);

    //! Abonnementen with their kanalen, oldest first; `client_id` empty: of every client.
    asio::awaitable<Result<std::vector<AbonnementRow>>> ListAbonnementen(storage::Session& s, std::string client_id);
    asio::awaitable<Result<std::optional<AbonnementRow>>> GetAbonnement(storage::Session& s, std::string uuid);
    asio::awaitable<Status> InsertAbonnement(storage::Session& s, const AbonnementRow& row);
    //! Replaces callback, auth and kanalen (the client stays).
    asio::awaitable<Status> UpdateAbonnement(storage::Session& s, const AbonnementRow& row);
    asio::awaitable<Status> DeleteAbonnement(storage::Session& s, std::string uuid);

  private:
    //! `column` is one of this file's, never input.
    asio::awaitable<Result<std::optional<KanaalRow>>> KanaalWhere(
        storage::Session& s, std::string_view column, std::string value
    );
    asio::awaitable<Status> WriteNewKanaal(storage::Session& s, const KanaalRow& row, std::string_view conflict);
    asio::awaitable<Status> WriteKanalen(storage::Session& s, const AbonnementRow& row);
    storage::Database& db_;
};

//! Every abonnement with its callback, auth and kanalen with filters (for routing notifications).
asio::awaitable<Result<std::vector<AbonnementRow>>> AllAbonnementen(Store& store, storage::Session& s);

}  // namespace thorbecke::notificaties
