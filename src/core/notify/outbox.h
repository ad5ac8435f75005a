#pragma once
// The transactional outbox of notifications (Notificaties API "Message"). A component that changes data
// writes the notification into `notify_outbox` inside the same database transaction as the change: a
// committed change is always announced, a rolled-back one never. The Notificaties component's dispatcher
// reads the outbox, routes each message to the matching abonnementen and delivers it.
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/audit.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::notify {

namespace asio = boost::asio;

//! One notification, with absolute URLs (as the subscriber receives them).
struct Message {
    std::string kanaal;        // "zaken", "documenten", ...
    std::string hoofd_object;  // URL of the main object (the zaak of a status)
    std::string resource;      // "status"
    std::string resource_url;  // URL of the changed resource
    std::string actie;         // "create", "update", "partial_update", "destroy", or another action
    std::string aanmaakdatum;  // ISO 8601 date-time of the change; empty: now
    std::string source;        // optional: the system or organisation it comes from
    std::vector<std::pair<std::string, std::string>> kenmerken;
};

//! The message announcing the write that `change` records in the audit trail: the same hoofdObject, resource,
//! resourceUrl and actie, its stored URLs expanded against `base_url`. The component adds the kenmerken.
Message FromChange(const audit::Change& change, std::string_view kanaal, std::string_view base_url);

//! The change that announces the removal of a main object (`stored_url`, stored form): its audit trail goes
//! with it, so there is no entry to announce from.
audit::Change RemovalOf(std::string_view resource, std::string stored_url);

//! The body delivered to subscribers: the OAS's Message object.
std::string ToJson(const Message& m);

//! The PostgreSQL channel Publish notifies at commit, so every node's dispatcher wakes at once.
inline constexpr std::string_view kOutboxChannel = "thorbecke_outbox";

//! Tells the dispatcher of this process that messages were committed (see Session::AfterCommit).
class Wakeup {
  public:
    void Notify() { count_.fetch_add(1, std::memory_order_release); }
    [[nodiscard]] std::uint64_t Count() const { return count_.load(std::memory_order_acquire); }

  private:
    std::atomic<std::uint64_t> count_{0};
};

//! The process-wide wake-up that Publish signals after commit.
Wakeup& LocalWakeup();

std::vector<storage::Migration> Migrations();

//! Writes `m` into the outbox inside the caller's transaction `s`.
asio::awaitable<Status> Publish(storage::Session& s, storage::Dialect dialect, const Message& m);

}  // namespace thorbecke::notify
