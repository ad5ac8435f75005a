#include "core/auth/clients.h"

#include <chrono>
#include <map>
#include <set>

#include "core/auth/jwt.h"
#include "core/time.h"

namespace thorbecke::auth {

//! A client as last read from the database, kept per IO thread (no locking on the hot path).
struct ClientStore::Cached {
    std::string secret;
    bool all_rights = false;
    std::set<Grant> grants;
    std::chrono::steady_clock::time_point loaded;
    std::uint64_t generation = 0;
};

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
        storage::Migration{"0002_auth_grant_limits", std::string(limits), std::string(limits)}};
}

asio::awaitable<Status> ClientStore::Put(const ClientSpec& spec) {
    generation_.fetch_add(1);
    co_return co_await db_.Transaction([&spec](storage::Session& s) -> asio::awaitable<Status> {
        storage::Params id{spec.client_id};
        auto del = co_await s.Query("DELETE FROM auth_client WHERE client_id = $1", std::move(id));
        if (!del) co_return Fail(del.error());
        // Parameters are built before the co_await: GCC 12 miscompiles braced lists inside coroutine lambdas.
        storage::Params client{
            spec.client_id, spec.secret, spec.label, std::int64_t{spec.all_rights ? 1 : 0}, NowIso()};
        auto ins = co_await s.Query(
            "INSERT INTO auth_client (client_id, secret, label, all_rights, created_at) VALUES ($1, $2, $3, $4, $5)",
            std::move(client)
        );
        if (!ins) co_return Fail(ins.error());
        for (const auto& g : spec.grants) {
            storage::Params grant{spec.client_id, g.component, g.scope, g.zaaktype, g.max_vertrouwelijkheid};
            auto r = co_await s.Query(
                "INSERT INTO auth_grant (client_id, component, scope, zaaktype, max_vertrouwelijkheid) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                std::move(grant)
            );
            if (!r) co_return Fail(r.error());
        }
        co_return Status{};
    });
}

asio::awaitable<Result<bool>> ClientStore::Remove(const std::string& client_id) {
    generation_.fetch_add(1);
    auto r = co_await db_.Query("DELETE FROM auth_client WHERE client_id = $1", storage::MakeParams(client_id));
    if (!r) co_return Fail(r.error());
    co_return r->affected > 0;
}

asio::awaitable<Result<std::vector<ClientSpec>>> ClientStore::List() {
    auto r = co_await db_.Query(
        "SELECT c.client_id, c.label, c.all_rights, g.component, g.scope, g.zaaktype, g.max_vertrouwelijkheid "
        "FROM auth_client c LEFT JOIN auth_grant g ON g.client_id = c.client_id "
        "ORDER BY c.client_id, g.component, g.scope, g.zaaktype",
        storage::MakeParams()
    );
    if (!r) co_return Fail(r.error());
    std::vector<ClientSpec> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        if (out.empty() || out.back().client_id != r->Text(i, 0)) {
            out.push_back(ClientSpec{r->Text(i, 0), {}, r->Text(i, 1), r->Int(i, 2) != 0, {}});
        }
        if (!r->IsNull(i, 3)) {
            out.back().grants.push_back(Grant{r->Text(i, 3), r->Text(i, 4), r->Text(i, 5), r->Text(i, 6)});
        }
    }
    co_return out;
}

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
    bool current = it != cache.end() && it->second.generation == generation_.load();
    auto age = current ? steady_now - it->second.loaded : std::chrono::steady_clock::duration::max();
    // While one request re-reads a client, the others on this thread go on with what it had (if not much
    // older than the cache time): a slow database then stalls one request, not all, and a change still
    // takes effect as soon as that read returns. Changes made through this process are never served stale.
    bool fresh = current && age < ttl;
    bool bridge = current && refreshing.contains(key) && age < ttl + std::chrono::seconds(5);
    if (!fresh && !bridge) {
        std::uint64_t generation = generation_.load();
        refreshing.insert(key);
        auto rows = co_await db_.Query(
            "SELECT c.secret, c.all_rights, g.component, g.scope, g.zaaktype, g.max_vertrouwelijkheid FROM auth_client "
            "c "
            "LEFT JOIN auth_grant g ON g.client_id = c.client_id WHERE c.client_id = $1",
            storage::MakeParams(claims->client_id)
        );
        refreshing.erase(key);
        if (!rows) co_return Fail(rows.error());
        if (rows->empty()) {
            cache.erase(key);
            co_return Fail(Error::Unauthenticated("Client identificatie of JWT-handtekening is ongeldig."));
        }
        Cached entry{rows->Text(0, 0), rows->Int(0, 1) != 0, {}, std::chrono::steady_clock::now(), generation};
        for (std::size_t i = 0; i < rows->size(); ++i) {
            if (!rows->IsNull(i, 2)) {
                entry.grants.insert(Grant{rows->Text(i, 2), rows->Text(i, 3), rows->Text(i, 4), rows->Text(i, 5)});
            }
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
