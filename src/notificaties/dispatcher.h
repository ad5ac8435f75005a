#pragma once
// The notification dispatcher: moves committed notifications from the outbox to the deliveries of every
// matching abonnement (fan-out) and POSTs them to the subscribers, at least once, in order per hoofdObject per
// abonnement, retrying with exponential backoff for the retry window. Several nodes may share one PostgreSQL:
// deliveries are claimed with a lease (FOR UPDATE SKIP LOCKED), so no two nodes send one at the same time, and
// a crashed node's claims are taken over once their lease has run out.
//
// It runs on a thread and io_context of its own: on SQLite every statement blocks the calling thread (and may
// wait for the write lock), which must not stall the server's IO threads.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/client.h"
#include "core/http/router.h"
#include "core/storage/change_feed.h"
#include "core/storage/database.h"
#include "notificaties/delivery_store.h"

namespace thorbecke::notificaties {

struct DispatcherOptions {
    std::chrono::milliseconds timeout{10'000};           // per POST (the client's deadline)
    std::chrono::milliseconds backoff{1'000};            // after the first failure; doubles per failure
    std::chrono::milliseconds backoff_max{600'000};      // cap of the backoff
    std::chrono::milliseconds retry_window{86'400'000};  // then a delivery is given up: state 'failed'
    std::chrono::milliseconds poll{500};                 // look for work anyway (other processes, retries)
    std::size_t concurrency = 32;                        // POSTs in flight on this node
    std::size_t fanout_batch = 500;                      // outbox rows per fan-out transaction
};

class Dispatcher {
  public:
    //! `client` sends the POSTs (made with the address policy for callbacks); `feed` (PostgreSQL, may be null)
    //! tells of commits to the outbox by other nodes.
    Dispatcher(
        storage::Database& db, http::HttpClient& client, DispatcherOptions options, storage::ChangeFeed* feed = nullptr
    );
    ~Dispatcher();

    //! Starts the dispatcher's thread.
    void Start();
    //! Stops claiming, lets POSTs in flight finish (each within the timeout), records them, joins the thread.
    void Stop();

    //! Deliveries pending and failed as last counted (a few seconds old at most): for the metrics.
    [[nodiscard]] std::int64_t pending() const { return pending_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t failed() const { return failed_.load(std::memory_order_relaxed); }

  private:
    struct Outcome;
    asio::awaitable<void> Run();
    asio::awaitable<void> Deliver(Delivery d);
    asio::awaitable<void> Flush();
    std::int64_t Backoff(std::int64_t failed_attempts);

    storage::Database& db_;
    DeliveryStore store_;
    http::HttpClient& client_;
    DispatcherOptions options_;
    storage::ChangeFeed* feed_;
    std::string node_;
    std::mt19937_64 random_;
    asio::io_context ioc_{1};
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::int64_t> pending_{0};
    std::atomic<std::int64_t> failed_{0};
    // Touched only on the dispatcher's thread.
    std::size_t in_flight_ = 0;
    std::vector<std::int64_t> delivered_;
    std::vector<Failure> failures_;
};

//! The administrator's view: GET /beheer/api/v1/notificaties/abonnementen (per abonnement: pending, failed,
//! delivered, oldest pending, latest error), GET .../abonnementen/{uuid}/afleveringen (pending and failed
//! deliveries) and POST .../abonnementen/{uuid}/afleveringen/opnieuw (failed ones tried again). Only for
//! clients with all rights.
void RegisterAdminRoutes(http::Router& router, DeliveryStore& store);

//! The per-abonnement summary as printed by `thorbecke notificaties status`.
std::string SummaryText(const std::vector<AbonnementStatus>& list);

}  // namespace thorbecke::notificaties
