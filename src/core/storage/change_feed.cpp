#include "core/storage/change_feed.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "core/log.h"

namespace thorbecke::storage {

namespace {

//! The version at which each key last changed, and a floor below which everything counts as changed.
class KeyVersions {
  public:
    std::uint64_t Get(std::string_view key) const {
        std::shared_lock lock(mutex_);
        auto it = keys_.find(std::string(key));
        return it == keys_.end() ? floor_ : std::max(floor_, it->second);
    }
    void Set(std::string key, std::uint64_t version) {
        std::unique_lock lock(mutex_);
        // Bounded: forgetting the keys is safe, it only raises the floor.
        if (keys_.size() >= kMaxKeys) {
            keys_.clear();
            floor_ = version;
        }
        keys_[std::move(key)] = version;
    }
    void SetAll(std::uint64_t version) {
        std::unique_lock lock(mutex_);
        keys_.clear();
        floor_ = version;
    }

  private:
    static constexpr std::size_t kMaxKeys = 200'000;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> keys_;
    std::uint64_t floor_ = 0;
};

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

    void LocalChange() override { keys_.SetAll(version_.fetch_add(1, std::memory_order_acq_rel) + 1); }

    [[nodiscard]] std::optional<std::uint64_t> KeyVersion(std::string_view key) const override {
        if (!healthy_.load(std::memory_order_acquire)) return std::nullopt;
        return keys_.Get(key);
    }

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
            keys_.SetAll(version_.fetch_add(1, std::memory_order_acq_rel) + 1);
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
                // A payload names what changed (a zaak's uuid): only that key's cached renderings go.
                if (n->extra && n->extra[0] != '\0') {
                    keys_.Set(n->extra, version_.fetch_add(1, std::memory_order_acq_rel) + 1);
                    changed = false;
                }
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
    KeyVersions keys_;
    std::thread thread_;
};

}  // namespace

std::unique_ptr<ChangeFeed> StartPostgresChangeFeed(std::string url, std::string channel) {
    return std::make_unique<PostgresChangeFeed>(std::move(url), std::move(channel));
}

}  // namespace thorbecke::storage
