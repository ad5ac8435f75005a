#pragma once
// The delivery queue of the Notificaties API: one row per (notification, matching abonnement), written by the
// fan-out from `notify_outbox` and worked off by the dispatcher. A row is deleted once delivered; a row that
// keeps failing past the retry window is kept as 'failed' for the administrator to see and retry.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::notificaties {

namespace asio = boost::asio;

//! A delivery claimed by this node, with what is needed to POST it.
struct Delivery {
    std::int64_t id = 0;
    std::string abonnement;
    std::string message;
    std::int64_t attempts = 0;      // failed attempts before this one
    std::int64_t window_start = 0;  // epoch ms: start of its retry window
    std::string callback_url;
    std::string auth;
};

//! A failed attempt, to be written back.
struct Failure {
    std::int64_t id = 0;
    bool give_up = false;              // past the retry window: state 'failed'
    std::int64_t next_attempt_at = 0;  // epoch ms
    std::optional<std::int64_t> status;
    std::string error;
    std::int64_t attempted_at = 0;
};

struct AbonnementStatus {
    std::string uuid;
    std::string callback_url;
    std::int64_t pending = 0;
    std::int64_t failed = 0;
    std::int64_t delivered = 0;
    std::optional<std::int64_t> oldest_pending;  // epoch ms the oldest pending delivery was created
    // The latest failed attempt (kept after later successes: its time tells whether it is still current).
    std::optional<std::int64_t> last_status;
    std::optional<std::string> last_error;
    std::optional<std::int64_t> last_error_at;
};

struct Aflevering {
    std::int64_t id = 0;
    std::string state;
    std::string hoofd_object;
    std::string message;
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_status;
    std::optional<std::string> last_error;
    std::optional<std::int64_t> last_attempt_at;
};

//! Open Notificaties' rule: every filter of an abonnement whose key is among the message's kenmerken must
//! match its value, or be "*"; keys are compared camelised (verantwoordelijke_organisatie is
//! verantwoordelijkeOrganisatie). A filter on a kenmerk the message lacks does not exclude it.
bool FiltersMatch(
    const std::vector<std::pair<std::string, std::string>>& filters, const std::map<std::string, std::string>& kenmerken
);

class DeliveryStore {
  public:
    explicit DeliveryStore(storage::Database& db) : db_(db) {}

    static std::vector<storage::Migration> Migrations();

    //! Moves up to `batch` outbox rows into deliveries for every matching abonnement, in one transaction.
    //! Returns the number of outbox rows handled; 0 also when another node is fanning out right now.
    asio::awaitable<Result<std::size_t>> Fanout(std::size_t batch, std::int64_t now_ms);

    //! Claims up to `n` due deliveries that are first in line for their (abonnement, hoofdObject), leased to
    //! `node` until `lease_until`; with the abonnement's callback and auth header.
    asio::awaitable<Result<std::vector<Delivery>>> Claim(
        std::size_t n, std::int64_t now_ms, std::int64_t lease_until, std::string node
    );

    //! When the earliest delivery that is first in line becomes due (its next attempt or the end of its lease).
    asio::awaitable<Result<std::optional<std::int64_t>>> NextDue();

    //! Writes back a round of attempts: delivered rows are deleted and counted, failures rescheduled.
    asio::awaitable<Status> Record(
        std::vector<std::int64_t> delivered, std::vector<Failure> failures, std::string node
    );

    //! Pending and failed deliveries in all.
    asio::awaitable<Result<std::pair<std::int64_t, std::int64_t>>> Totals();

    asio::awaitable<Result<std::vector<AbonnementStatus>>> Summary();
    //! Pending and failed deliveries of one abonnement (oldest first, at most `limit`); nullopt: no such abonnement.
    asio::awaitable<Result<std::optional<std::vector<Aflevering>>>> Afleveringen(
        std::string abonnement, std::size_t limit
    );
    //! Makes the failed deliveries of an abonnement pending again, with a fresh retry window. nullopt: unknown.
    asio::awaitable<Result<std::optional<std::int64_t>>> RetryFailed(std::string abonnement, std::int64_t now_ms);

  private:
    storage::Database& db_;
};

}  // namespace thorbecke::notificaties
