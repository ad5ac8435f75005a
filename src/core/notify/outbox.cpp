#include "core/notify/outbox.h"

#include <boost/json.hpp>

#include "core/json/oas.h"
#include "core/storage/portable_schema.h"
#include "core/time.h"

namespace thorbecke::notify {

namespace bj = boost::json;

Message FromChange(const audit::Change& change, std::string_view kanaal, std::string_view base_url) {
    Message m;
    m.kanaal = kanaal;
    m.hoofd_object = json::UnmarkBase(change.hoofd_object, base_url);
    m.resource = change.resource;
    m.resource_url = json::UnmarkBase(change.resource_url, base_url);
    m.actie = change.actie;
    m.aanmaakdatum = NowIso();
    return m;
}

audit::Change RemovalOf(std::string_view resource, std::string stored_url) {
    audit::Change change;
    change.actie = "destroy";
    change.resource = resource;
    change.resource_url = stored_url;
    change.hoofd_object = std::move(stored_url);
    return change;
}

std::string ToJson(const Message& m) {
    bj::object o;
    o["kanaal"] = m.kanaal;
    if (!m.source.empty()) o["source"] = m.source;
    o["hoofdObject"] = m.hoofd_object;
    o["resource"] = m.resource;
    o["resourceUrl"] = m.resource_url;
    o["actie"] = m.actie;
    o["aanmaakdatum"] = m.aanmaakdatum.empty() ? NowIso() : m.aanmaakdatum;
    bj::object kenmerken;
    for (const auto& [k, v] : m.kenmerken) kenmerken[k] = v;
    o["kenmerken"] = std::move(kenmerken);
    return bj::serialize(o);
}

Wakeup& LocalWakeup() {
    static Wakeup wakeup;
    return wakeup;
}

std::vector<storage::Migration> Migrations() {
    // hoofd_object (the URL's path: see OrderKey) is kept beside the message: deliveries are ordered by it.
    const char* sql = R"sql(
CREATE TABLE notify_outbox (
    id {seq},
    kanaal TEXT NOT NULL,
    hoofd_object TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
)sql";
    return {storage::PortableMigration("0004_notify_outbox", sql)};
}

namespace {

//! What deliveries are ordered by: the hoofdObject's URL without scheme and host, so that one object reached by
//! two names (an internal and a public host, a restarted node on another port) is still one sequence.
std::string OrderKey(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::string(url);
    auto path = url.find('/', scheme + 3);
    return path == std::string_view::npos ? std::string("/") : std::string(url.substr(path));
}

}  // namespace

asio::awaitable<Status> Publish(storage::Session& s, storage::Dialect dialect, const Message& m) {
    std::string body = ToJson(m);
    auto params = storage::MakeParams(m.kanaal, OrderKey(m.hoofd_object), std::move(body), NowIso());
    auto r = co_await s.Query(
        "INSERT INTO notify_outbox (kanaal, hoofd_object, message, created_at) VALUES ($1, $2, $3, $4)",
        std::move(params)
    );
    if (!r) co_return Fail(r.error());
    if (dialect == storage::Dialect::kPostgres) {
        // Delivered at commit to every node listening; a rollback drops it.
        auto n = co_await s.Query("SELECT pg_notify($1, '')", storage::MakeParams(std::string(kOutboxChannel)));
        if (!n) co_return Fail(n.error());
    }
    s.AfterCommit([] { LocalWakeup().Notify(); });
    co_return Status{};
}

}  // namespace thorbecke::notify
