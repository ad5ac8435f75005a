#include "notificaties/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"
#include "core/time.h"

namespace thorbecke::notificaties {

namespace {

namespace bj = boost::json;

// The dispatcher (delivery_store.cpp) reads these tables as they are: keep them in step.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE notificaties_kanaal (uuid TEXT PRIMARY KEY, naam TEXT NOT NULL UNIQUE, documentatie_link TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL);
CREATE TABLE notificaties_abonnement (uuid TEXT PRIMARY KEY, callback_url TEXT NOT NULL, auth TEXT NOT NULL,
    client_id TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
CREATE TABLE notificaties_abonnement_kanaal (abonnement TEXT NOT NULL REFERENCES notificaties_abonnement(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL, kanaal TEXT NOT NULL, filters TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (abonnement, position));
CREATE INDEX notificaties_abonnement_kanaal_naam ON notificaties_abonnement_kanaal (kanaal);
)sql";

constexpr std::string_view kKanaalColumns = "uuid, naam, documentatie_link, filters";

std::string FiltersText(const std::vector<std::string>& names) {
    bj::array a;
    for (const auto& n : names) a.emplace_back(n);
    return json::Serialize(a);
}

std::vector<std::string> FilterNames(const std::string& text) {
    std::vector<std::string> names;
    auto parsed = json::Parse(text);
    if (!parsed || !parsed->is_array()) return names;
    for (const auto& v : parsed->as_array()) {
        if (v.is_string()) names.emplace_back(v.as_string());
    }
    return names;
}

std::string FilterMapText(const std::vector<std::pair<std::string, std::string>>& filters) {
    bj::object o;
    for (const auto& [k, v] : filters) o[k] = v;
    return json::Serialize(o);
}

std::vector<std::pair<std::string, std::string>> FilterMap(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> filters;
    auto parsed = json::Parse(text);
    if (!parsed || !parsed->is_object()) return filters;
    for (const auto& kv : parsed->as_object()) {
        if (kv.value().is_string()) filters.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    }
    return filters;
}

KanaalRow ToKanaal(const storage::Rows& r, std::size_t i) {
    return KanaalRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), FilterNames(r.Text(i, 3))};
}

// Rows of abonnement a LEFT JOIN its kanalen k, ordered by abonnement and position.
std::vector<AbonnementRow> ToAbonnementen(const storage::Rows& r) {
    std::vector<AbonnementRow> out;
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (out.empty() || out.back().uuid != r.Text(i, 0)) {
            out.push_back(AbonnementRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), {}});
        }
        if (!r.IsNull(i, 4)) out.back().kanalen.push_back(KanaalFilter{r.Text(i, 4), FilterMap(r.Text(i, 5))});
    }
    return out;
}

constexpr std::string_view kAbonnementSelect =
    "SELECT a.uuid, a.callback_url, a.auth, a.client_id, k.kanaal, k.filters "
    "FROM notificaties_abonnement a LEFT JOIN notificaties_abonnement_kanaal k ON k.abonnement = a.uuid ";

}  // namespace

std::vector<storage::Migration> Store::Migrations() {
    std::string sql(kSchema);
    return {storage::Migration{"0500_notificaties", sql, sql}};
}

asio::awaitable<Result<std::vector<KanaalRow>>> Store::ListKanalen(storage::Session& s, std::string naam) {
    std::string sql = "SELECT " + std::string(kKanaalColumns) + " FROM notificaties_kanaal";
    storage::Params params;
    if (!naam.empty()) {
        sql += " WHERE naam = $1";
        params = storage::MakeParams(std::move(naam));
    }
    sql += " ORDER BY naam";
    auto r = co_await s.Query(sql, std::move(params));
    if (!r) co_return Fail(r.error());
    std::vector<KanaalRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToKanaal(*r, i));
    co_return out;
}

asio::awaitable<Result<std::optional<KanaalRow>>> Store::KanaalWhere(
    storage::Session& s, std::string_view column, std::string value
) {
    std::string sql = fmt::format("SELECT {} FROM notificaties_kanaal WHERE {} = $1", kKanaalColumns, column);
    auto r = co_await s.Query(sql, storage::MakeParams(std::move(value)));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    co_return ToKanaal(*r, 0);
}

asio::awaitable<Result<std::optional<KanaalRow>>> Store::GetKanaal(storage::Session& s, std::string uuid) {
    co_return co_await KanaalWhere(s, "uuid", std::move(uuid));
}

asio::awaitable<Result<std::optional<KanaalRow>>> Store::KanaalByNaam(storage::Session& s, std::string naam) {
    co_return co_await KanaalWhere(s, "naam", std::move(naam));
}

asio::awaitable<Status> Store::InsertKanaal(storage::Session& s, const KanaalRow& row) {
    co_return co_await WriteNewKanaal(s, row, "");
}

asio::awaitable<Status> Store::InsertKanaalIfMissing(storage::Session& s, const KanaalRow& row) {
    co_return co_await WriteNewKanaal(s, row, " ON CONFLICT (naam) DO NOTHING");
}

asio::awaitable<Status> Store::WriteNewKanaal(storage::Session& s, const KanaalRow& row, std::string_view conflict) {
    std::string sql = fmt::format(
        "INSERT INTO notificaties_kanaal (uuid, naam, documentatie_link, filters, created_at) "
        "VALUES ($1, $2, $3, $4, $5){}",
        conflict
    );
    auto r = co_await s.Query(
        sql, storage::MakeParams(row.uuid, row.naam, row.documentatie_link, FiltersText(row.filters), NowIso())
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::UpdateKanaal(storage::Session& s, const KanaalRow& row) {
    auto r = co_await s.Query(
        "UPDATE notificaties_kanaal SET naam = $2, documentatie_link = $3, filters = $4 WHERE uuid = $1",
        storage::MakeParams(row.uuid, row.naam, row.documentatie_link, FiltersText(row.filters))
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<AbonnementRow>>> Store::ListAbonnementen(
    storage::Session& s, std::string client_id
) {
    std::string sql(kAbonnementSelect);
    storage::Params params;
    if (!client_id.empty()) {
        sql += "WHERE a.client_id = $1 ";
        params = storage::MakeParams(std::move(client_id));
    }
    sql += "ORDER BY a.created_at, a.uuid, k.position";
    auto r = co_await s.Query(sql, std::move(params));
    if (!r) co_return Fail(r.error());
    co_return ToAbonnementen(*r);
}

asio::awaitable<Result<std::optional<AbonnementRow>>> Store::GetAbonnement(storage::Session& s, std::string uuid) {
    std::string sql = std::string(kAbonnementSelect) + "WHERE a.uuid = $1 ORDER BY k.position";
    auto r = co_await s.Query(sql, storage::MakeParams(std::move(uuid)));
    if (!r) co_return Fail(r.error());
    auto rows = ToAbonnementen(*r);
    if (rows.empty()) co_return std::nullopt;
    co_return std::move(rows.front());
}

asio::awaitable<Status> Store::WriteKanalen(storage::Session& s, const AbonnementRow& row) {
    std::int64_t position = 0;
    for (const auto& k : row.kanalen) {
        auto r = co_await s.Query(
            "INSERT INTO notificaties_abonnement_kanaal (abonnement, position, kanaal, filters) VALUES ($1, $2, $3, "
            "$4)",
            storage::MakeParams(row.uuid, position++, k.kanaal, FilterMapText(k.filters))
        );
        if (!r) co_return Fail(r.error());
    }
    co_return Status{};
}

asio::awaitable<Status> Store::InsertAbonnement(storage::Session& s, const AbonnementRow& row) {
    auto r = co_await s.Query(
        "INSERT INTO notificaties_abonnement (uuid, callback_url, auth, client_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        storage::MakeParams(row.uuid, row.callback_url, row.auth, row.client_id, NowIso())
    );
    if (!r) co_return Fail(r.error());
    co_return co_await WriteKanalen(s, row);
}

asio::awaitable<Status> Store::UpdateAbonnement(storage::Session& s, const AbonnementRow& row) {
    auto r = co_await s.Query(
        "UPDATE notificaties_abonnement SET callback_url = $2, auth = $3 WHERE uuid = $1",
        storage::MakeParams(row.uuid, row.callback_url, row.auth)
    );
    if (!r) co_return Fail(r.error());
    auto cleared = co_await s.Query(
        "DELETE FROM notificaties_abonnement_kanaal WHERE abonnement = $1", storage::MakeParams(row.uuid)
    );
    if (!cleared) co_return Fail(cleared.error());
    co_return co_await WriteKanalen(s, row);
}

asio::awaitable<Status> Store::DeleteAbonnement(storage::Session& s, std::string uuid) {
    // The kanalen (and the dispatcher's deliveries) go with it: ON DELETE CASCADE.
    auto r =
        co_await s.Query("DELETE FROM notificaties_abonnement WHERE uuid = $1", storage::MakeParams(std::move(uuid)));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<AbonnementRow>>> AllAbonnementen(Store& store, storage::Session& s) {
    co_return co_await store.ListAbonnementen(s, std::string());
}

}  // namespace thorbecke::notificaties
