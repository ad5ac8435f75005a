#include "notificaties/delivery_store.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/notify/outbox.h"
#include "core/storage/portable_schema.h"

namespace thorbecke::notificaties {

namespace bj = boost::json;
using storage::Dialect;
using storage::MakeParams;

namespace {

// pg_try_advisory_xact_lock key of the fan-out ("Thorbnot"): one node at a time moves the outbox.
constexpr std::int64_t kFanoutLock = 0x54686f72626e6f74;

// Rows per INSERT of deliveries: powers of two, so only a handful of statement texts get prepared.
constexpr std::size_t kInsertChunk = 64;

// A delivery is first in line when it is the oldest pending delivery of its abonnement and hoofdObject: that
// keeps the order per hoofdObject per abonnement, also across nodes. Written as a correlated scalar subquery (one
// probe of the line index per candidate, candidates walked in id order until the LIMIT is reached) rather than
// NOT EXISTS, which PostgreSQL turns into an anti-join over every pending row: with a backlog of thousands that
// made each claim cost the whole backlog.
constexpr std::string_view kFirstInLine =
    "d.id = (SELECT min(e.id) FROM notificaties_delivery e WHERE e.abonnement = d.abonnement "
    "AND e.hoofd_object = d.hoofd_object AND e.state = 'pending')";

//! PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk. The dispatcher's own
//! transactions may: losing one in a crash loses the fan-out together with the outbox rows it removed (they are
//! routed again), a claim (its lease is gone anyway) or a delivery's outcome (it is sent again) — never a
//! notification. The writes that announce (the outbox rows) stay durable with the change they announce.
asio::awaitable<Status> WithoutWaitingForDisk(storage::Session& s, Dialect dialect) {
    if (dialect != Dialect::kPostgres) co_return Status{};
    auto r = co_await s.Query("SET LOCAL synchronous_commit = off", MakeParams());
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

//! `column IN ids` with the ids as one parameter (see IdsParam).
std::string IdIn(Dialect d, std::string_view column, int param_no) {
    if (d == Dialect::kSqlite) return fmt::format("{} IN (SELECT value FROM json_each(${}))", column, param_no);
    return fmt::format("{} = ANY(${}::bigint[])", column, param_no);
}

std::string IdsParam(Dialect d, const std::vector<std::int64_t>& ids) {
    std::string out = d == Dialect::kSqlite ? "[" : "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(ids[i]);
    }
    out += d == Dialect::kSqlite ? "]" : "}";
    return out;
}

std::string CamelKey(std::string_view key) {
    std::string out;
    bool upper = false;
    for (char c : key) {
        if (c == '_') {
            upper = !out.empty();
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

std::string ValueText(const bj::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    return bj::serialize(v);
}

//! The kenmerken of a message as stored in the outbox, keys camelised.
std::map<std::string, std::string> Kenmerken(std::string_view message) {
    std::map<std::string, std::string> out;
    boost::system::error_code ec;
    bj::value v = bj::parse(message, ec);
    if (ec || !v.is_object()) return out;
    const bj::value* k = v.as_object().if_contains("kenmerken");
    if (!k || !k->is_object()) return out;
    for (const auto& [key, value] : k->as_object()) out[CamelKey(key)] = ValueText(value);
    return out;
}

std::vector<std::pair<std::string, std::string>> ParseFilters(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    boost::system::error_code ec;
    bj::value v = bj::parse(text, ec);
    if (ec || !v.is_object()) return out;
    for (const auto& [key, value] : v.as_object()) out.emplace_back(std::string(key), ValueText(value));
    return out;
}

std::optional<std::int64_t> OptInt(const storage::Rows& rows, std::size_t r, std::size_t c) {
    if (rows.IsNull(r, c)) return std::nullopt;
    return rows.Int(r, c);
}

std::optional<std::string> OptText(const storage::Rows& rows, std::size_t r, std::size_t c) {
    if (rows.IsNull(r, c)) return std::nullopt;
    return rows.Text(r, c);
}

struct NewDelivery {
    std::string abonnement;
    std::string hoofd_object;
    std::string message;
};

asio::awaitable<Status> InsertDeliveries(storage::Session& s, const std::vector<NewDelivery>& rows, std::int64_t now) {
    std::size_t at = 0;
    while (at < rows.size()) {
        std::size_t chunk = kInsertChunk;
        while (chunk > rows.size() - at) chunk /= 2;
        std::string sql =
            "INSERT INTO notificaties_delivery (abonnement, hoofd_object, message, state, attempts, next_attempt_at, "
            "window_start, created_at) VALUES ";
        storage::Params params;
        params.reserve(chunk * 3 + 1);
        params.emplace_back(now);
        for (std::size_t i = 0; i < chunk; ++i) {
            const NewDelivery& d = rows[at + i];
            int p = static_cast<int>(params.size()) + 1;
            sql += fmt::format("{}(${}, ${}, ${}, 'pending', 0, $1, $1, $1)", i ? ", " : "", p, p + 1, p + 2);
            params.emplace_back(d.abonnement);
            params.emplace_back(d.hoofd_object);
            params.emplace_back(d.message);
        }
        auto r = co_await s.Query(sql, std::move(params));
        if (!r) co_return Fail(r.error());
        at += chunk;
    }
    co_return Status{};
}

asio::awaitable<Result<bool>> AbonnementExists(storage::Database& db, const std::string& uuid) {
    auto r = co_await db.Query("SELECT 1 FROM notificaties_abonnement WHERE uuid = $1", MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

}  // namespace

bool FiltersMatch(
    const std::vector<std::pair<std::string, std::string>>& filters, const std::map<std::string, std::string>& kenmerken
) {
    for (const auto& [key, value] : filters) {
        auto it = kenmerken.find(CamelKey(key));
        if (it == kenmerken.end()) continue;
        if (value != "*" && value != it->second) return false;
    }
    return true;
}

std::vector<storage::Migration> DeliveryStore::Migrations() {
    // Times are epoch milliseconds. window_start begins the retry window (creation, or a manual retry).
    // The stats row per abonnement counts deliveries (their rows are deleted) and keeps the latest failure.
    const char* sql = R"sql(
CREATE TABLE notificaties_delivery (
    id {seq},
    abonnement TEXT NOT NULL REFERENCES notificaties_abonnement(uuid) ON DELETE CASCADE,
    hoofd_object TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by TEXT,
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at BIGINT,
    window_start BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notificaties_delivery_pending ON notificaties_delivery (id) WHERE state = 'pending';
CREATE INDEX notificaties_delivery_line ON notificaties_delivery (abonnement, hoofd_object, id) WHERE state = 'pending';
CREATE INDEX notificaties_delivery_abonnement ON notificaties_delivery (abonnement, state);
CREATE TABLE notificaties_delivery_stats (
    abonnement TEXT PRIMARY KEY REFERENCES notificaties_abonnement(uuid) ON DELETE CASCADE,
    delivered BIGINT NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    last_error_at BIGINT
);
)sql";
    return {storage::PortableMigration("0501_notificaties_delivery", sql)};
}

asio::awaitable<Result<std::size_t>> DeliveryStore::Fanout(std::size_t batch, std::int64_t now_ms) {
    const Dialect dialect = db_.dialect();
    std::size_t handled = 0;
    auto work = [this, dialect, batch, now_ms, &handled](storage::Session& s) -> asio::awaitable<Status> {
        if (dialect == Dialect::kPostgres) {
            auto relaxed = co_await WithoutWaitingForDisk(s, dialect);
            if (!relaxed) co_return relaxed;
            auto lock = co_await s.Query("SELECT pg_try_advisory_xact_lock($1)", MakeParams(kFanoutLock));
            if (!lock) co_return Fail(lock.error());
            if (lock->Text(0, 0) != "t") co_return Status{};  // another node is at it
        }
        auto outbox = co_await s.Query(
            "SELECT id, kanaal, hoofd_object, message FROM notify_outbox ORDER BY id LIMIT $1",
            MakeParams(static_cast<std::int64_t>(batch))
        );
        if (!outbox) co_return Fail(outbox.error());
        if (outbox->empty()) co_return Status{};

        std::set<std::string> kanaal_set;
        for (std::size_t r = 0; r < outbox->size(); ++r) kanaal_set.insert(outbox->Text(r, 1));
        std::vector<std::string> kanalen(kanaal_set.begin(), kanaal_set.end());
        // All subscriptions to these kanalen in one query.
        std::string sub_sql = "SELECT abonnement, kanaal, filters FROM notificaties_abonnement_kanaal WHERE " +
                              storage::InValues(dialect, "kanaal", 1, kanalen) + " ORDER BY abonnement, position";
        auto subs = co_await s.Query(sub_sql, MakeParams(storage::ValuesParam(dialect, kanalen)));
        if (!subs) co_return Fail(subs.error());
        struct Group {
            std::string abonnement;
            std::vector<std::pair<std::string, std::string>> filters;
        };
        std::map<std::string, std::vector<Group>> groups;  // by kanaal
        for (std::size_t r = 0; r < subs->size(); ++r) {
            groups[subs->Text(r, 1)].push_back(Group{subs->Text(r, 0), ParseFilters(subs->Text(r, 2))});
        }

        std::vector<NewDelivery> rows;
        std::vector<std::int64_t> ids;
        for (std::size_t r = 0; r < outbox->size(); ++r) {
            ids.push_back(outbox->Int(r, 0));
            auto g = groups.find(outbox->Text(r, 1));
            if (g == groups.end()) continue;
            auto kenmerken = Kenmerken(outbox->Text(r, 3));
            std::set<std::string> matched;  // an abonnement gets a message once, however many groups match
            for (const auto& group : g->second) {
                if (FiltersMatch(group.filters, kenmerken)) matched.insert(group.abonnement);
            }
            for (const auto& abonnement : matched) {
                rows.push_back(NewDelivery{abonnement, outbox->Text(r, 2), outbox->Text(r, 3)});
            }
        }
        auto inserted = co_await InsertDeliveries(s, rows, now_ms);
        if (!inserted) co_return inserted;
        std::string del_sql = "DELETE FROM notify_outbox WHERE " + IdIn(dialect, "id", 1);
        auto del = co_await s.Query(del_sql, MakeParams(IdsParam(dialect, ids)));
        if (!del) co_return Fail(del.error());
        if (dialect == Dialect::kPostgres && !rows.empty()) {
            // Other nodes may claim these too: wake them as a publish does.
            auto n = co_await s.Query("SELECT pg_notify($1, '')", MakeParams(std::string(notify::kOutboxChannel)));
            if (!n) co_return Fail(n.error());
        }
        handled = ids.size();
        co_return Status{};
    };
    storage::Database::TxFn fn = work;
    auto st = co_await db_.Transaction(std::move(fn));
    if (!st) co_return Fail(st.error());
    co_return handled;
}

asio::awaitable<Result<std::vector<Delivery>>> DeliveryStore::Claim(
    std::size_t n, std::int64_t now_ms, std::int64_t lease_until, std::string node
) {
    const Dialect dialect = db_.dialect();
    // SKIP LOCKED: two nodes claiming at once each get other rows instead of waiting for each other. SQLite
    // has one writer at a time, so the UPDATE alone is enough there.
    std::string sql = fmt::format(
        "UPDATE notificaties_delivery SET claimed_until = $1, claimed_by = $2 WHERE id IN ("
        "SELECT d.id FROM notificaties_delivery d WHERE d.state = 'pending' AND d.next_attempt_at <= $3 "
        "AND (d.claimed_until IS NULL OR d.claimed_until <= $3) AND {} ORDER BY d.id LIMIT $4{}) "
        "RETURNING id, abonnement, message, attempts, window_start",
        kFirstInLine,
        dialect == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : ""
    );
    Result<storage::Rows> claimed = storage::Rows{};
    auto claim = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto relaxed = co_await WithoutWaitingForDisk(s, dialect);
        if (!relaxed) co_return relaxed;
        claimed = co_await s.Query(sql, MakeParams(lease_until, node, now_ms, static_cast<std::int64_t>(n)));
        if (!claimed) co_return Fail(claimed.error());
        co_return Status{};
    };
    storage::Database::TxFn claim_fn = claim;
    auto claim_st = co_await db_.Transaction(std::move(claim_fn));
    if (!claim_st) co_return Fail(claim_st.error());
    std::vector<Delivery> out;
    if (claimed->empty()) co_return out;
    std::set<std::string> abonnement_set;
    for (std::size_t r = 0; r < claimed->size(); ++r) {
        out.push_back(Delivery{
            claimed->Int(r, 0),
            claimed->Text(r, 1),
            claimed->Text(r, 2),
            claimed->Int(r, 3),
            claimed->Int(r, 4),
            {},
            {}});
        abonnement_set.insert(claimed->Text(r, 1));
    }
    std::vector<std::string> abonnementen(abonnement_set.begin(), abonnement_set.end());
    std::string ab_sql = "SELECT uuid, callback_url, auth FROM notificaties_abonnement WHERE " +
                         storage::InValues(dialect, "uuid", 1, abonnementen);
    auto subs = co_await db_.Query(ab_sql, MakeParams(storage::ValuesParam(dialect, abonnementen)));
    if (!subs) co_return Fail(subs.error());
    std::map<std::string, std::pair<std::string, std::string>> by_uuid;
    for (std::size_t r = 0; r < subs->size(); ++r) {
        by_uuid[subs->Text(r, 0)] = std::pair(subs->Text(r, 1), subs->Text(r, 2));
    }
    // An abonnement deleted meanwhile took its deliveries with it (ON DELETE CASCADE): nothing to send.
    std::erase_if(out, [&](Delivery& d) {
        auto it = by_uuid.find(d.abonnement);
        if (it == by_uuid.end()) return true;
        d.callback_url = it->second.first;
        d.auth = it->second.second;
        return false;
    });
    std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) { return a.id < b.id; });
    co_return out;
}

asio::awaitable<Result<std::optional<std::int64_t>>> DeliveryStore::NextDue() {
    std::string sql = fmt::format(
        "SELECT MIN(CASE WHEN d.claimed_until IS NOT NULL AND d.claimed_until > d.next_attempt_at "
        "THEN d.claimed_until ELSE d.next_attempt_at END) FROM notificaties_delivery d "
        "WHERE d.state = 'pending' AND {}",
        kFirstInLine
    );
    auto r = co_await db_.Query(sql, {});
    if (!r) co_return Fail(r.error());
    if (r->empty() || r->IsNull(0, 0)) co_return std::nullopt;
    co_return r->Int(0, 0);
}

asio::awaitable<Status> DeliveryStore::Record(
    std::vector<std::int64_t> delivered, std::vector<Failure> failures, std::string node
) {
    const Dialect dialect = db_.dialect();
    auto work = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto relaxed = co_await WithoutWaitingForDisk(s, dialect);
        if (!relaxed) co_return relaxed;
        if (!delivered.empty()) {
            // Delivered is delivered, whoever holds the claim now: a node whose lease ran out still removes it.
            std::string sql =
                "DELETE FROM notificaties_delivery WHERE " + IdIn(dialect, "id", 1) + " RETURNING abonnement";
            auto gone = co_await s.Query(sql, MakeParams(IdsParam(dialect, delivered)));
            if (!gone) co_return Fail(gone.error());
            std::map<std::string, std::int64_t> counts;
            for (std::size_t r = 0; r < gone->size(); ++r) ++counts[gone->Text(r, 0)];
            for (const auto& [abonnement, count] : counts) {
                auto up = co_await s.Query(
                    "INSERT INTO notificaties_delivery_stats (abonnement, delivered) VALUES ($1, $2) "
                    "ON CONFLICT (abonnement) DO UPDATE SET delivered = notificaties_delivery_stats.delivered + "
                    "excluded.delivered",
                    MakeParams(abonnement, count)
                );
                if (!up) co_return Fail(up.error());
            }
        }
        for (const Failure& f : failures) {
            storage::Param status = f.status ? storage::Param(*f.status) : storage::Param(nullptr);
            // Only while this node still holds the claim: otherwise another node has taken the delivery over.
            auto up = co_await s.Query(
                "UPDATE notificaties_delivery SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = NULL, "
                "claimed_by = NULL, last_status = $2, last_error = $3, last_attempt_at = $4, "
                "state = $5 WHERE id = $6 AND claimed_by = $7 RETURNING abonnement",
                MakeParams(
                    f.next_attempt_at,
                    status,
                    f.error,
                    f.attempted_at,
                    std::string(f.give_up ? "failed" : "pending"),
                    f.id,
                    node
                )
            );
            if (!up) co_return Fail(up.error());
            if (up->empty()) continue;
            auto stats = co_await s.Query(
                "INSERT INTO notificaties_delivery_stats (abonnement, last_status, last_error, last_error_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (abonnement) DO UPDATE SET last_status = excluded.last_status, "
                "last_error = excluded.last_error, last_error_at = excluded.last_error_at",
                MakeParams(up->Text(0, 0), status, f.error, f.attempted_at)
            );
            if (!stats) co_return Fail(stats.error());
        }
        co_return Status{};
    };
    storage::Database::TxFn fn = work;
    co_return co_await db_.Transaction(std::move(fn));
}

asio::awaitable<Result<std::pair<std::int64_t, std::int64_t>>> DeliveryStore::Totals() {
    auto r = co_await db_.Query(
        "SELECT COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) FROM notificaties_delivery",
        {}
    );
    if (!r) co_return Fail(r.error());
    co_return std::pair(r->Int(0, 0), r->Int(0, 1));
}

asio::awaitable<Result<std::vector<AbonnementStatus>>> DeliveryStore::Summary() {
    auto r = co_await db_.Query(
        "SELECT a.uuid, a.callback_url, "
        "(SELECT COUNT(*) FROM notificaties_delivery d WHERE d.abonnement = a.uuid AND d.state = 'pending'), "
        "(SELECT COUNT(*) FROM notificaties_delivery d WHERE d.abonnement = a.uuid AND d.state = 'failed'), "
        "COALESCE(st.delivered, 0), "
        "(SELECT MIN(d.created_at) FROM notificaties_delivery d WHERE d.abonnement = a.uuid AND d.state = 'pending'), "
        "st.last_status, st.last_error, st.last_error_at "
        "FROM notificaties_abonnement a LEFT JOIN notificaties_delivery_stats st ON st.abonnement = a.uuid "
        "ORDER BY a.created_at, a.uuid",
        {}
    );
    if (!r) co_return Fail(r.error());
    std::vector<AbonnementStatus> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        AbonnementStatus a;
        a.uuid = r->Text(i, 0);
        a.callback_url = r->Text(i, 1);
        a.pending = r->Int(i, 2);
        a.failed = r->Int(i, 3);
        a.delivered = r->Int(i, 4);
        a.oldest_pending = OptInt(*r, i, 5);
        a.last_status = OptInt(*r, i, 6);
        a.last_error = OptText(*r, i, 7);
        a.last_error_at = OptInt(*r, i, 8);
        out.push_back(std::move(a));
    }
    co_return out;
}

asio::awaitable<Result<std::optional<std::vector<Aflevering>>>> DeliveryStore::Afleveringen(
    std::string abonnement, std::size_t limit
) {
    auto known = co_await AbonnementExists(db_, abonnement);
    if (!known) co_return Fail(known.error());
    if (!*known) co_return std::nullopt;
    auto r = co_await db_.Query(
        "SELECT id, state, hoofd_object, message, attempts, next_attempt_at, created_at, last_status, last_error, "
        "last_attempt_at FROM notificaties_delivery WHERE abonnement = $1 ORDER BY id LIMIT $2",
        MakeParams(std::move(abonnement), static_cast<std::int64_t>(limit))
    );
    if (!r) co_return Fail(r.error());
    std::vector<Aflevering> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        Aflevering a;
        a.id = r->Int(i, 0);
        a.state = r->Text(i, 1);
        a.hoofd_object = r->Text(i, 2);
        a.message = r->Text(i, 3);
        a.attempts = r->Int(i, 4);
        a.next_attempt_at = r->Int(i, 5);
        a.created_at = r->Int(i, 6);
        a.last_status = OptInt(*r, i, 7);
        a.last_error = OptText(*r, i, 8);
        a.last_attempt_at = OptInt(*r, i, 9);
        out.push_back(std::move(a));
    }
    co_return out;
}

asio::awaitable<Result<std::optional<std::int64_t>>> DeliveryStore::RetryFailed(
    std::string abonnement, std::int64_t now_ms
) {
    auto known = co_await AbonnementExists(db_, abonnement);
    if (!known) co_return Fail(known.error());
    if (!*known) co_return std::nullopt;
    auto r = co_await db_.Query(
        "UPDATE notificaties_delivery SET state = 'pending', next_attempt_at = $1, window_start = $1, "
        "claimed_until = NULL, claimed_by = NULL WHERE abonnement = $2 AND state = 'failed'",
        MakeParams(now_ms, std::move(abonnement))
    );
    if (!r) co_return Fail(r.error());
    co_return r->affected;
}

}  // namespace thorbecke::notificaties
