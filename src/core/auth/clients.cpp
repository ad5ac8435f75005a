#include "core/auth/clients.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/auth/jwt.h"
#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::auth {

namespace bj = boost::json;

//! A client as last read from the database, kept per IO thread (no locking on the hot path).
struct ClientStore::Cached {
    std::string secret;
    bool all_rights = false;
    std::set<Grant> grants;
    std::chrono::steady_clock::time_point loaded;
    std::uint64_t generation = 0;
    std::optional<std::uint64_t> feed_version;
};

namespace {

//! The column of auth_autorisatie (and the field of the Autorisaties API) that limits a component's scopes
//! to one type; "" for components without one.
std::string_view TypeField(std::string_view component) {
    if (component == "zrc") return "zaaktype";
    if (component == "drc") return "informatieobjecttype";
    if (component == "brc") return "besluittype";
    return "";
}

const std::string& TypeOf(const Autorisatie& a) {
    static const std::string kNone;
    std::string_view field = TypeField(a.component);
    if (field == "zaaktype") return a.zaaktype;
    if (field == "informatieobjecttype") return a.informatieobjecttype;
    if (field == "besluittype") return a.besluittype;
    return kNone;
}

std::vector<std::string> ScopesFromJson(std::string_view text) {
    std::vector<std::string> out;
    auto parsed = json::Parse(text);
    if (!parsed || !parsed->is_array()) return out;
    for (const auto& v : parsed->as_array()) {
        if (v.is_string()) out.emplace_back(v.as_string());
    }
    return out;
}

std::string ScopesToJson(const std::vector<std::string>& scopes) {
    bj::array a;
    for (const auto& s : scopes) a.emplace_back(s);
    return json::Serialize(a);
}

//! Columns of auth_autorisatie in the order ReadAutorisatie takes them, from `first`.
constexpr std::string_view kAutorisatieColumns =
    "component, scopes, zaaktype, informatieobjecttype, besluittype, max_vertrouwelijkheidaanduiding";

Autorisatie ReadAutorisatie(const storage::Rows& r, std::size_t i, std::size_t first) {
    return Autorisatie{
        r.Text(i, first),
        ScopesFromJson(r.Text(i, first + 1)),
        r.Text(i, first + 2),
        r.Text(i, first + 3),
        r.Text(i, first + 4),
        r.Text(i, first + 5)};
}

//! A client's secret and the rights of its applicatie, one row per autorisatie (columns from 2 as
//! ReadAutorisatie takes them).
constexpr std::string_view kClientQuery =
    "SELECT c.secret, a.heeft_alle_autorisaties, z.component, z.scopes, z.zaaktype, z.informatieobjecttype, "
    "z.besluittype, z.max_vertrouwelijkheidaanduiding FROM auth_client c "
    "LEFT JOIN auth_applicatie_client m ON m.client_id = c.client_id "
    "LEFT JOIN auth_applicatie a ON a.uuid = m.applicatie "
    "LEFT JOIN auth_autorisatie z ON z.applicatie = a.uuid WHERE c.client_id = $1";

//! Applicaties without client ids and autorisaties (LoadApplicaties adds them) from rows of
//! (uuid, label, heeft_alle_autorisaties).
std::vector<Applicatie> Heads(const storage::Rows& r) {
    std::vector<Applicatie> out;
    out.reserve(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
        out.push_back(Applicatie{r.Text(i, 0), {}, r.Text(i, 1), r.Int(i, 2) != 0, {}});
    }
    return out;
}

// A uuid (version 4) made by the database, for the rows that the migration turns into applicaties.
constexpr std::string_view kSqliteUuid =
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) "
    "|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || "
    "lower(hex(randomblob(6)))";

//! 0003: clients become applicaties (Autorisaties API); auth_client keeps only the credentials. Every existing
//! client becomes an applicatie of its own; its grants are grouped into autorisaties per component, type and
//! maximum vertrouwelijkheidaanduiding.
std::string ApplicatiesMigration(storage::Dialect d) {
    bool pg = d == storage::Dialect::kPostgres;
    std::string uuid = pg ? std::string("gen_random_uuid()::text") : std::string(kSqliteUuid);
    std::string scopes = pg ? "json_agg(g.scope ORDER BY g.scope)::text" : "json_group_array(g.scope)";
    std::string sql = fmt::format(
        R"sql(
CREATE TABLE auth_applicatie (
    uuid TEXT PRIMARY KEY,
    label TEXT NOT NULL DEFAULT '',
    heeft_alle_autorisaties INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX auth_applicatie_created ON auth_applicatie (created_at);
CREATE TABLE auth_applicatie_client (
    client_id TEXT PRIMARY KEY,
    applicatie TEXT NOT NULL REFERENCES auth_applicatie(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX auth_applicatie_client_applicatie ON auth_applicatie_client (applicatie);
CREATE TABLE auth_autorisatie (
    applicatie TEXT NOT NULL REFERENCES auth_applicatie(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    component TEXT NOT NULL,
    scopes TEXT NOT NULL,
    zaaktype TEXT NOT NULL DEFAULT '',
    informatieobjecttype TEXT NOT NULL DEFAULT '',
    besluittype TEXT NOT NULL DEFAULT '',
    max_vertrouwelijkheidaanduiding TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (applicatie, position)
);
CREATE TABLE auth_migrate_0003 (client_id TEXT PRIMARY KEY, uuid TEXT NOT NULL);
INSERT INTO auth_migrate_0003 (client_id, uuid) SELECT client_id, {0} FROM auth_client;
INSERT INTO auth_applicatie (uuid, label, heeft_alle_autorisaties, created_at)
    SELECT m.uuid, c.label, c.all_rights, c.created_at FROM auth_client c JOIN auth_migrate_0003 m ON m.client_id = c.client_id;
INSERT INTO auth_applicatie_client (client_id, applicatie, position) SELECT client_id, uuid, 0 FROM auth_migrate_0003;
INSERT INTO auth_autorisatie (applicatie, position, component, scopes, zaaktype, informatieobjecttype, besluittype,
        max_vertrouwelijkheidaanduiding)
    SELECT m.uuid,
        ROW_NUMBER() OVER (PARTITION BY g.client_id ORDER BY g.component, g.zaaktype, g.max_vertrouwelijkheid) - 1,
        g.component, {1},
        CASE WHEN g.component = 'zrc' THEN g.zaaktype ELSE '' END,
        CASE WHEN g.component = 'drc' THEN g.zaaktype ELSE '' END,
        CASE WHEN g.component = 'brc' THEN g.zaaktype ELSE '' END,
        g.max_vertrouwelijkheid
    FROM auth_grant g JOIN auth_migrate_0003 m ON m.client_id = g.client_id
        JOIN auth_client c ON c.client_id = g.client_id
    WHERE c.all_rights = 0
    GROUP BY g.client_id, m.uuid, g.component, g.zaaktype, g.max_vertrouwelijkheid;
DROP TABLE auth_migrate_0003;
DROP TABLE auth_grant;
)sql",
        uuid,
        scopes
    );
    if (pg) {
        sql += "ALTER TABLE auth_client DROP COLUMN label, DROP COLUMN all_rights;\n";
    } else {
        sql += R"sql(
CREATE TABLE auth_client_v3 (client_id TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at TEXT NOT NULL);
INSERT INTO auth_client_v3 (client_id, secret, created_at) SELECT client_id, secret, created_at FROM auth_client;
DROP TABLE auth_client;
ALTER TABLE auth_client_v3 RENAME TO auth_client;
)sql";
    }
    return sql;
}

}  // namespace

std::vector<Grant> GrantsOf(const Autorisatie& a) {
    std::vector<Grant> out;
    out.reserve(a.scopes.size());
    std::string max = TypeField(a.component).empty() ? std::string() : a.max_vertrouwelijkheidaanduiding;
    for (const auto& scope : a.scopes) out.push_back(Grant{a.component, scope, TypeOf(a), max});
    return out;
}

std::vector<Autorisatie> AutorisatiesOf(const std::vector<Grant>& grants) {
    std::vector<Autorisatie> out;
    for (const auto& g : grants) {
        std::string_view field = TypeField(g.component);
        std::string type = field.empty() ? std::string() : g.zaaktype;
        std::string max = field.empty() ? std::string() : g.max_vertrouwelijkheid;
        auto same = [&](const Autorisatie& a) {
            return a.component == g.component && TypeOf(a) == type && a.max_vertrouwelijkheidaanduiding == max;
        };
        auto it = std::find_if(out.begin(), out.end(), same);
        if (it == out.end()) {
            Autorisatie a{g.component, {}};
            if (field == "zaaktype") a.zaaktype = type;
            if (field == "informatieobjecttype") a.informatieobjecttype = type;
            if (field == "besluittype") a.besluittype = type;
            a.max_vertrouwelijkheidaanduiding = max;
            out.push_back(std::move(a));
            it = std::prev(out.end());
        }
        if (std::find(it->scopes.begin(), it->scopes.end(), g.scope) == it->scopes.end()) it->scopes.push_back(g.scope);
    }
    return out;
}

std::vector<storage::Migration> ClientStore::Migrations() {
    const char* sql = R"sql(
CREATE TABLE auth_client (
    client_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    all_rights INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE auth_grant (
    client_id TEXT NOT NULL REFERENCES auth_client(client_id) ON DELETE CASCADE,
    component TEXT NOT NULL,
    scope TEXT NOT NULL,
    PRIMARY KEY (client_id, component, scope)
);
)sql";
    // Grants limited to a zaaktype and a maximum vertrouwelijkheidaanduiding (Zaken API authorisations).
    const char* limits = R"sql(
CREATE TABLE auth_grant_v2 (
    client_id TEXT NOT NULL REFERENCES auth_client(client_id) ON DELETE CASCADE,
    component TEXT NOT NULL,
    scope TEXT NOT NULL,
    zaaktype TEXT NOT NULL DEFAULT '',
    max_vertrouwelijkheid TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (client_id, component, scope, zaaktype)
);
INSERT INTO auth_grant_v2 (client_id, component, scope) SELECT client_id, component, scope FROM auth_grant;
DROP TABLE auth_grant;
ALTER TABLE auth_grant_v2 RENAME TO auth_grant;
)sql";
    return {
        storage::Migration{"0001_auth_clients", std::string(sql), std::string(sql)},
        storage::Migration{"0002_auth_grant_limits", std::string(limits), std::string(limits)},
        storage::Migration{
            "0003_auth_applicaties",
            ApplicatiesMigration(storage::Dialect::kSqlite),
            ApplicatiesMigration(storage::Dialect::kPostgres)}};
}

asio::awaitable<Status> ClientStore::Changed(storage::Session& s) {
    generation_.fetch_add(1);
    // Again at commit: a request that read the old rights while the transaction ran must not keep them.
    std::function<void()> at_commit = [this] {
        generation_.fetch_add(1);
        if (feed_) feed_->LocalChange();
    };
    s.AfterCommit(std::move(at_commit));
    if (db_.dialect() != storage::Dialect::kPostgres) co_return Status{};
    auto r = co_await s.Query("SELECT pg_notify($1, '')", storage::MakeParams(std::string(kAuthChannel)));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

// ---- Applicaties ----------------------------------------------------------------------------------------------

asio::awaitable<Result<std::vector<Applicatie>>> ClientStore::LoadApplicaties(
    storage::Session& s, std::vector<Applicatie> heads
) {
    if (heads.empty()) co_return heads;
    std::vector<std::string> uuids;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < heads.size(); ++i) {
        uuids.push_back(heads[i].uuid);
        index[heads[i].uuid] = i;
    }
    storage::Dialect d = db_.dialect();
    auto ids = co_await s.Query(
        "SELECT applicatie, client_id FROM auth_applicatie_client WHERE " +
            storage::InValues(d, "applicatie", 1, uuids) + " ORDER BY applicatie, position",
        storage::MakeParams(storage::ValuesParam(d, uuids))
    );
    if (!ids) co_return Fail(ids.error());
    for (std::size_t i = 0; i < ids->size(); ++i) {
        heads[index[ids->Text(i, 0)]].client_ids.push_back(ids->Text(i, 1));
    }
    auto autorisaties = co_await s.Query(
        fmt::format(
            "SELECT applicatie, {} FROM auth_autorisatie WHERE {} ORDER BY applicatie, position",
            kAutorisatieColumns,
            storage::InValues(d, "applicatie", 1, uuids)
        ),
        storage::MakeParams(storage::ValuesParam(d, uuids))
    );
    if (!autorisaties) co_return Fail(autorisaties.error());
    for (std::size_t i = 0; i < autorisaties->size(); ++i) {
        heads[index[autorisaties->Text(i, 0)]].autorisaties.push_back(ReadAutorisatie(*autorisaties, i, 1));
    }
    co_return heads;
}

asio::awaitable<Result<std::optional<Applicatie>>> ClientStore::GetApplicatie(
    storage::Session& s, std::string uuid, bool for_update
) {
    bool lock = for_update && db_.dialect() == storage::Dialect::kPostgres;
    std::string sql = "SELECT uuid, label, heeft_alle_autorisaties FROM auth_applicatie WHERE uuid = $1";
    if (lock) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    auto full = co_await LoadApplicaties(s, Heads(*r));
    if (!full) co_return Fail(full.error());
    co_return std::move(full->front());
}

asio::awaitable<Result<ApplicatiePage>> ClientStore::ListApplicaties(
    storage::Session& s, std::vector<std::string> client_ids, std::int64_t page, std::int64_t page_size
) {
    std::string where;
    storage::Params params;
    for (const auto& id : client_ids) {
        where += where.empty() ? " WHERE " : " AND ";
        where += fmt::format(
            "EXISTS (SELECT 1 FROM auth_applicatie_client f WHERE f.applicatie = a.uuid AND f.client_id = ${})",
            params.size() + 1
        );
        params.emplace_back(id);
    }
    ApplicatiePage out;
    auto count = co_await s.Query("SELECT COUNT(*) FROM auth_applicatie a" + where, params);
    if (!count) co_return Fail(count.error());
    out.count = count->Int(0, 0);
    std::size_t next = params.size() + 1;
    params.emplace_back(page_size);
    params.emplace_back((page - 1) * page_size);
    auto rows = co_await s.Query(
        fmt::format(
            "SELECT a.uuid, a.label, a.heeft_alle_autorisaties FROM auth_applicatie a{} "
            "ORDER BY a.created_at DESC, a.uuid DESC LIMIT ${} OFFSET ${}",
            where,
            next,
            next + 1
        ),
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    auto full = co_await LoadApplicaties(s, Heads(*rows));
    if (!full) co_return Fail(full.error());
    out.rows = std::move(*full);
    co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> ClientStore::ClientIdsInUse(
    storage::Session& s, std::vector<std::string> client_ids, std::string except
) {
    std::vector<std::string> out;
    if (client_ids.empty()) co_return out;
    storage::Dialect d = db_.dialect();
    auto r = co_await s.Query(
        "SELECT client_id FROM auth_applicatie_client WHERE " + storage::InValues(d, "client_id", 1, client_ids) +
            " AND applicatie <> $2 ORDER BY client_id",
        storage::MakeParams(storage::ValuesParam(d, client_ids), except)
    );
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(r->Text(i, 0));
    co_return out;
}

asio::awaitable<Status> ClientStore::SaveApplicatie(storage::Session& s, const Applicatie& a, bool create) {
    std::int64_t all = a.heeft_alle_autorisaties ? 1 : 0;
    if (create) {
        auto ins = co_await s.Query(
            "INSERT INTO auth_applicatie (uuid, label, heeft_alle_autorisaties, created_at) VALUES ($1, $2, $3, $4)",
            storage::MakeParams(a.uuid, a.label, all, NowIso())
        );
        if (!ins) co_return Fail(ins.error());
    } else {
        auto upd = co_await s.Query(
            "UPDATE auth_applicatie SET label = $2, heeft_alle_autorisaties = $3 WHERE uuid = $1",
            storage::MakeParams(a.uuid, a.label, all)
        );
        if (!upd) co_return Fail(upd.error());
        auto del =
            co_await s.Query("DELETE FROM auth_applicatie_client WHERE applicatie = $1", storage::MakeParams(a.uuid));
        if (!del) co_return Fail(del.error());
        del = co_await s.Query("DELETE FROM auth_autorisatie WHERE applicatie = $1", storage::MakeParams(a.uuid));
        if (!del) co_return Fail(del.error());
    }
    for (std::size_t i = 0; i < a.client_ids.size(); ++i) {
        auto ins = co_await s.Query(
            "INSERT INTO auth_applicatie_client (client_id, applicatie, position) VALUES ($1, $2, $3)",
            storage::MakeParams(a.client_ids[i], a.uuid, static_cast<std::int64_t>(i))
        );
        if (!ins) co_return Fail(ins.error());
    }
    for (std::size_t i = 0; i < a.autorisaties.size(); ++i) {
        const Autorisatie& z = a.autorisaties[i];
        auto ins = co_await s.Query(
            fmt::format(
                "INSERT INTO auth_autorisatie (applicatie, position, {}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                kAutorisatieColumns
            ),
            storage::MakeParams(
                a.uuid,
                static_cast<std::int64_t>(i),
                z.component,
                ScopesToJson(z.scopes),
                z.zaaktype,
                z.informatieobjecttype,
                z.besluittype,
                z.max_vertrouwelijkheidaanduiding
            )
        );
        if (!ins) co_return Fail(ins.error());
    }
    co_return co_await Changed(s);
}

asio::awaitable<Result<bool>> ClientStore::DeleteApplicatie(storage::Session& s, std::string uuid) {
    auto del = co_await s.Query("DELETE FROM auth_applicatie WHERE uuid = $1", storage::MakeParams(uuid));
    if (!del) co_return Fail(del.error());
    auto changed = co_await Changed(s);
    if (!changed) co_return Fail(changed.error());
    co_return del->affected > 0;
}

// ---- The CLI --------------------------------------------------------------------------------------------------

namespace {

asio::awaitable<Status> UpsertSecret(storage::Session& s, const std::string& client_id, const std::string& secret) {
    auto r = co_await s.Query(
        "INSERT INTO auth_client (client_id, secret, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (client_id) DO UPDATE SET secret = excluded.secret",
        storage::MakeParams(client_id, secret, NowIso())
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::string>> ApplicatieOfClient(storage::Session& s, const std::string& client_id) {
    auto r = co_await s.Query(
        "SELECT applicatie FROM auth_applicatie_client WHERE client_id = $1", storage::MakeParams(client_id)
    );
    if (!r) co_return Fail(r.error());
    co_return r->empty() ? std::string() : r->Text(0, 0);
}

}  // namespace

asio::awaitable<Status> ClientStore::Put(const ClientSpec& spec) {
    co_return co_await db_.Transaction([this, &spec](storage::Session& s) -> asio::awaitable<Status> {
        auto secret = co_await UpsertSecret(s, spec.client_id, spec.secret);
        if (!secret) co_return secret;
        auto existing = co_await ApplicatieOfClient(s, spec.client_id);
        if (!existing) co_return Fail(existing.error());
        Applicatie a;
        bool create = existing->empty();
        if (create) {
            a.uuid = NewUuid();
            a.client_ids.push_back(spec.client_id);
        } else {
            auto found = co_await GetApplicatie(s, *existing, true);
            if (!found) co_return Fail(found.error());
            if (!*found) co_return Fail(Error::Internal("applicatie of client vanished"));
            a = std::move(**found);
        }
        a.label = spec.label.empty() ? (create ? spec.client_id : a.label) : spec.label;
        a.heeft_alle_autorisaties = spec.all_rights;
        a.autorisaties = spec.all_rights ? std::vector<Autorisatie>{} : AutorisatiesOf(spec.grants);
        co_return co_await SaveApplicatie(s, a, create);
    });
}

asio::awaitable<Status> ClientStore::SetSecret(std::string client_id, std::string secret) {
    co_return co_await db_.Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto st = co_await UpsertSecret(s, client_id, secret);
        if (!st) co_return st;
        co_return co_await Changed(s);
    });
}

asio::awaitable<Result<bool>> ClientStore::Remove(const std::string& client_id) {
    bool removed = false;
    auto st = co_await db_.Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        removed = false;
        auto del = co_await s.Query("DELETE FROM auth_client WHERE client_id = $1", storage::MakeParams(client_id));
        if (!del) co_return Fail(del.error());
        removed = del->affected > 0;
        auto app = co_await ApplicatieOfClient(s, client_id);
        if (!app) co_return Fail(app.error());
        if (!app->empty()) {
            removed = true;
            auto unlinked = co_await s.Query(
                "DELETE FROM auth_applicatie_client WHERE client_id = $1", storage::MakeParams(client_id)
            );
            if (!unlinked) co_return Fail(unlinked.error());
            // An applicatie without client ids can never be used again: it goes with its last client.
            auto orphan = co_await s.Query(
                "DELETE FROM auth_applicatie WHERE uuid = $1 AND NOT EXISTS "
                "(SELECT 1 FROM auth_applicatie_client WHERE applicatie = $1)",
                storage::MakeParams(*app)
            );
            if (!orphan) co_return Fail(orphan.error());
        }
        co_return co_await Changed(s);
    });
    if (!st) co_return Fail(st.error());
    co_return removed;
}

asio::awaitable<Result<std::vector<ClientSpec>>> ClientStore::List() {
    std::vector<ClientSpec> out;
    auto st = co_await db_.Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto clients = co_await s.Query(
            "SELECT k.client_id, MAX(k.has_secret), MAX(k.applicatie) FROM ("
            "SELECT client_id, 1 AS has_secret, '' AS applicatie FROM auth_client UNION ALL "
            "SELECT client_id, 0 AS has_secret, applicatie FROM auth_applicatie_client) k "
            "GROUP BY k.client_id ORDER BY k.client_id",
            storage::MakeParams()
        );
        if (!clients) co_return Fail(clients.error());
        auto heads =
            co_await s.Query("SELECT uuid, label, heeft_alle_autorisaties FROM auth_applicatie", storage::MakeParams());
        if (!heads) co_return Fail(heads.error());
        auto full = co_await LoadApplicaties(s, Heads(*heads));
        if (!full) co_return Fail(full.error());
        std::map<std::string, const Applicatie*> by_uuid;
        for (const auto& a : *full) by_uuid[a.uuid] = &a;
        for (std::size_t i = 0; i < clients->size(); ++i) {
            ClientSpec spec{clients->Text(i, 0), clients->Int(i, 1) != 0 ? "*" : "", "", false, {}};
            auto it = by_uuid.find(clients->Text(i, 2));
            if (it != by_uuid.end()) {
                spec.label = it->second->label;
                spec.all_rights = it->second->heeft_alle_autorisaties;
                for (const auto& z : it->second->autorisaties) {
                    for (auto& g : GrantsOf(z)) spec.grants.push_back(std::move(g));
                }
            }
            out.push_back(std::move(spec));
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return out;
}

// ---- Authentication -------------------------------------------------------------------------------------------

asio::awaitable<Result<Principal>> ClientStore::Authenticate(std::string_view authorization) {
    if (authorization.empty()) {
        co_return Fail(Error::Unauthenticated("Authenticatiegegevens zijn niet opgegeven."));
    }
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() || !authorization.substr(0, kBearer.size()).starts_with("Bearer")) {
        co_return Fail(Error::Unauthenticated("Gebruik 'Authorization: Bearer <JWT>'."));
    }
    std::string_view token = authorization.substr(kBearer.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    auto claims = DecodeUnverified(token);
    if (!claims) co_return Fail(claims.error());

    using Key = std::pair<const ClientStore*, std::string>;
    thread_local std::map<Key, Cached> cache;
    thread_local std::set<Key> refreshing;
    Key key{this, claims->client_id};
    auto steady_now = std::chrono::steady_clock::now();
    auto ttl = std::chrono::milliseconds(options_.cache_milliseconds);
    auto it = cache.find(key);
    // With a feed (PostgreSQL) an entry holds while the feed reports no change since it was read, and never
    // while the feed cannot tell; without one it holds for the cache time. Changes made through this process
    // (its generation) always end it.
    bool current = it != cache.end() && it->second.generation == generation_.load();
    if (current && feed_) {
        auto version = feed_->Version();
        current = version && it->second.feed_version && *version == *it->second.feed_version;
    }
    auto age = current ? steady_now - it->second.loaded : std::chrono::steady_clock::duration::max();
    // While one request re-reads a client, the others on this thread go on with what it had (if not much
    // older than the cache time): a slow database then stalls one request, not all, and a change still
    // takes effect as soon as that read returns. Known changes are never served stale.
    bool fresh = current && (feed_ || age < ttl);
    bool bridge = current && refreshing.contains(key) && age < ttl + std::chrono::seconds(5);
    if (!fresh && !bridge) {
        std::uint64_t generation = generation_.load();
        std::optional<std::uint64_t> feed_version = feed_ ? feed_->Version() : std::nullopt;
        refreshing.insert(key);
        auto rows = co_await db_.Query(kClientQuery, storage::MakeParams(claims->client_id));
        refreshing.erase(key);
        if (!rows) co_return Fail(rows.error());
        if (rows->empty()) {
            cache.erase(key);
            co_return Fail(Error::Unauthenticated("Client identificatie of JWT-handtekening is ongeldig."));
        }
        Cached entry{
            rows->Text(0, 0), rows->Int(0, 1) != 0, {}, std::chrono::steady_clock::now(), generation, feed_version};
        for (std::size_t i = 0; i < rows->size(); ++i) {
            if (rows->IsNull(i, 2)) continue;
            for (auto& g : GrantsOf(ReadAutorisatie(*rows, i, 2))) entry.grants.insert(std::move(g));
        }
        if (cache.size() > 10000) cache.clear();  // bounded: client ids come from unverified tokens
        it = cache.insert_or_assign(key, std::move(entry)).first;
    }
    const Cached& client = it->second;
    if (!VerifySignature(token, client.secret)) {
        co_return Fail(Error::Unauthenticated("Client identificatie of JWT-handtekening is ongeldig."));
    }
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (claims->exp && *claims->exp < now - options_.leeway_seconds) {
        co_return Fail(Error::Unauthenticated("Het JWT is verlopen."));
    }
    if (claims->iat) {
        if (*claims->iat > now + options_.leeway_seconds) {
            co_return Fail(Error::Unauthenticated("Het JWT is uitgegeven in de toekomst (iat)."));
        }
        if (options_.max_age_seconds > 0 && now - *claims->iat > options_.max_age_seconds) {
            co_return Fail(Error::Unauthenticated("Het JWT is verlopen."));
        }
    }
    Principal p;
    p.client_id = claims->client_id;
    p.user_id = claims->user_id;
    p.all_rights = client.all_rights;
    p.grants = client.grants;
    co_return p;
}

}  // namespace thorbecke::auth
