#include "core/storage/change_feed.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/log.h"

namespace thorbecke::storage {

namespace {

class PostgresChangeFeed final : public ChangeFeed {
  public:
    PostgresChangeFeed(std::string url, std::string channel) : url_(std::move(url)), channel_(std::move(channel)) {
        thread_ = std::thread([this] { Run(); });
    }

    ~PostgresChangeFeed() override {
        stop_ = true;
        thread_.join();
    }

    [[nodiscard]] std::optional<std::uint64_t> Version() const override {
        if (!healthy_.load(std::memory_order_acquire)) return std::nullopt;
        return version_.load(std::memory_order_acquire);
    }

    void LocalChange() override { version_.fetch_add(1, std::memory_order_acq_rel); }

  private:
    void Run() {
        bool warned = false;
        while (!stop_) {
            PGconn* conn = PQconnectdb(url_.c_str());
            bool listening = false;
            if (PQstatus(conn) == CONNECTION_OK) {
                char* ident = PQescapeIdentifier(conn, channel_.c_str(), channel_.size());
                PGresult* r = PQexec(conn, (std::string("LISTEN ") + (ident ? ident : "")).c_str());
                listening = ident && PQresultStatus(r) == PGRES_COMMAND_OK;
                PQclear(r);
                PQfreemem(ident);
            }
            if (!listening) {
                if (!warned) log::Warn("change feed: cannot listen; renderings are checked against the database");
                warned = true;
                PQfinish(conn);
                Sleep(std::chrono::seconds(1));
                continue;
            }
            warned = false;
            // Whatever happened while we were not listening: trust nothing cached before now.
            version_.fetch_add(1, std::memory_order_acq_rel);
            healthy_.store(true, std::memory_order_release);
            Listen(conn);
            healthy_.store(false, std::memory_order_release);
            PQfinish(conn);
        }
    }

    void Listen(PGconn* conn) {
        auto last_check = std::chrono::steady_clock::now();
        while (!stop_) {
            pollfd pfd{PQsocket(conn), POLLIN, 0};
            int ready = ::poll(&pfd, 1, 200);
            if (ready < 0) return;
            if (ready > 0 && !PQconsumeInput(conn)) return;  // connection lost
            bool changed = false;
            while (PGnotify* n = PQnotifies(conn)) {
                changed = true;
                PQfreemem(n);
            }
            if (changed) version_.fetch_add(1, std::memory_order_acq_rel);
            // A silent network failure shows no EOF: ask the server now and then.
            if (std::chrono::steady_clock::now() - last_check > std::chrono::seconds(5)) {
                last_check = std::chrono::steady_clock::now();
                PGresult* r = PQexec(conn, "SELECT 1");
                bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
                PQclear(r);
                if (!ok) return;
            }
            if (PQstatus(conn) != CONNECTION_OK) return;
        }
    }

    void Sleep(std::chrono::milliseconds d) {
        auto until = std::chrono::steady_clock::now() + d;
        while (!stop_ && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    std::string url_;
    std::string channel_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> healthy_{false};
    std::atomic<std::uint64_t> version_{0};
    std::thread thread_;
};

}  // namespace

std::unique_ptr<ChangeFeed> StartPostgresChangeFeed(std::string url, std::string channel) {
    return std::make_unique<PostgresChangeFeed>(std::move(url), std::move(channel));
}

}  // namespace thorbecke::storage
