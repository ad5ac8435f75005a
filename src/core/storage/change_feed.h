#pragma once
// Lets a process trust what it keeps in memory without asking the database on every request: a version
// number that grows whenever the data behind a channel may have changed, in this process or another one.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace thorbecke::storage {

class ChangeFeed {
  public:
    virtual ~ChangeFeed() = default;
    //! Grows whenever a change may have happened. nullopt: the feed cannot tell right now (for example its
    //! connection is down); ask the database instead.
    [[nodiscard]] virtual std::optional<std::uint64_t> Version() const = 0;
    //! A writer in this process committed: its own next request must not see the old state, even before
    //! the database's notification has come back. Counts as a change of every key.
    virtual void LocalChange() = 0;
    //! For data cached per key (a zaak by its uuid): the version at which `key` last changed as far as the
    //! feed knows — a notification whose payload is the key, or a change of everything (start, reconnect,
    //! LocalChange, forgetting old keys). A rendering made when Version() was V stays valid while
    //! KeyVersion(key) < V. nullopt: the feed cannot tell right now.
    [[nodiscard]] virtual std::optional<std::uint64_t> KeyVersion(std::string_view key) const = 0;
};

//! PostgreSQL: a thread of its own holds one connection that LISTENs on `channel`; writers NOTIFY in their
//! transaction, so every node hears of every commit (PostgreSQL delivers notifications at commit). While
//! that connection is down, Version() is nullopt; on reconnect the version jumps, so nothing cached from
//! before the gap is trusted.
std::unique_ptr<ChangeFeed> StartPostgresChangeFeed(std::string url, std::string channel);

}  // namespace thorbecke::storage
