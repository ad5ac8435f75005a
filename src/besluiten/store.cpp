#include "besluiten/store.h"

#include <array>

#include <fmt/format.h>

#include "core/storage/audit_table.h"
#include "core/storage/portable_schema.h"
#include "core/storage/sequence.h"

namespace thorbecke::besluiten {

namespace {

constexpr std::string_view kBesluitColumns =
    "b.uuid, b.identificatie, b.organisatie, b.besluittype, b.besluittype_key, b.zaak, b.doc";

BesluitRow ToBesluit(const storage::Rows& r, std::size_t i) {
    return BesluitRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Text(i, 6)};
}

BioRow ToBio(const storage::Rows& r, std::size_t i) {
    return BioRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3)};
}

// {seq}: the identity column (see storage::PortableMigration). A besluitinformatieobject names its besluit by uuid;
// both go together (a besluit is deleted with its besluitinformatieobjecten, in one transaction).
constexpr std::string_view kSchema = R"sql(
CREATE TABLE besluiten_besluit (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    identificatie TEXT NOT NULL,
    organisatie TEXT NOT NULL,
    besluittype TEXT NOT NULL,
    besluittype_key TEXT NOT NULL,
    zaak TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL,
    UNIQUE (organisatie, identificatie)
);
CREATE INDEX besluiten_besluit_identificatie ON besluiten_besluit (identificatie);
CREATE INDEX besluiten_besluit_besluittype ON besluiten_besluit (besluittype, seq);
CREATE INDEX besluiten_besluit_key ON besluiten_besluit (besluittype_key, seq);
CREATE INDEX besluiten_besluit_zaak ON besluiten_besluit (zaak, seq);
CREATE TABLE besluiten_bio (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    besluit TEXT NOT NULL,
    informatieobject TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (besluit, informatieobject)
);
CREATE INDEX besluiten_bio_informatieobject ON besluiten_bio (informatieobject, seq);
CREATE TABLE besluiten_audit (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    besluit TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX besluiten_audit_besluit ON besluiten_audit (besluit, seq);
CREATE TABLE besluiten_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
)sql";

}  // namespace

namespace {
const storage::AuditTable kAudit("besluiten_audit", "besluit");
}  // namespace

std::vector<storage::Migration> Store::Migrations() {
    std::vector<storage::Migration> out;
    out.push_back(storage::PortableMigration("0300_besluiten", kSchema));
    return out;
}

asio::awaitable<Result<std::optional<BesluitRow>>> Store::GetBesluit(
    storage::Session& s, std::string uuid, bool for_update
) {
    std::string sql = fmt::format("SELECT {} FROM besluiten_besluit b WHERE b.uuid = $1", kBesluitColumns);
    // PostgreSQL: concurrent writes of one besluit queue on the row (SQLite's writers are serial already).
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    co_return ToBesluit(*r, 0);
}

asio::awaitable<Status> Store::InsertBesluit(storage::Session& s, const BesluitRow& row) {
    auto r = co_await s.Query(
        "INSERT INTO besluiten_besluit (uuid, identificatie, organisatie, besluittype, besluittype_key, zaak, doc) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        storage::MakeParams(
            row.uuid, row.identificatie, row.organisatie, row.besluittype, row.besluittype_key, row.zaak, row.doc
        )
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::UpdateBesluit(storage::Session& s, const BesluitRow& row) {
    auto r = co_await s.Query(
        "UPDATE besluiten_besluit SET zaak = $2, doc = $3 WHERE uuid = $1",
        storage::MakeParams(row.uuid, row.zaak, row.doc)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::DeleteBesluit(storage::Session& s, std::string uuid) {
    static constexpr std::array<std::string_view, 3> kStatements{
        "DELETE FROM besluiten_bio WHERE besluit = $1",
        "DELETE FROM besluiten_audit WHERE besluit = $1",
        "DELETE FROM besluiten_besluit WHERE uuid = $1"};
    for (std::string_view sql : kStatements) {
        auto r = co_await s.Query(sql, storage::MakeParams(uuid));
        if (!r) co_return Fail(r.error());
    }
    co_return Status{};
}

asio::awaitable<Result<bool>> Store::IdentificatieTaken(
    storage::Session& s, std::string organisatie, std::string identificatie
) {
    auto r = co_await s.Query(
        "SELECT 1 FROM besluiten_besluit WHERE organisatie = $1 AND identificatie = $2",
        storage::MakeParams(organisatie, identificatie)
    );
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

asio::awaitable<Result<BesluitPage>> Store::ListBesluiten(
    storage::Session& s, const storage::Where& where, std::int64_t page, std::int64_t page_size
) {
    BesluitPage out;
    std::string cond = where.Sql(1);
    int next = static_cast<int>(where.params().size()) + 1;
    storage::Params params = where.params();
    params.push_back(page_size);
    params.push_back((page - 1) * page_size);
    auto rows = co_await s.Query(
        fmt::format(
            "SELECT {} FROM besluiten_besluit b{} ORDER BY b.seq DESC LIMIT ${} OFFSET ${}",
            kBesluitColumns,
            cond,
            next,
            next + 1
        ),
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    for (std::size_t i = 0; i < rows->size(); ++i) out.rows.push_back(ToBesluit(*rows, i));
    if (page == 1 && static_cast<std::int64_t>(out.rows.size()) < page_size) {
        out.count = static_cast<std::int64_t>(out.rows.size());
        co_return out;
    }
    auto c = co_await s.Query("SELECT COUNT(*) FROM besluiten_besluit b" + cond, where.params());
    if (!c) co_return Fail(c.error());
    out.count = c->Int(0, 0);
    co_return out;
}

asio::awaitable<Result<std::vector<BesluitRow>>> Store::BesluitenOfZaak(storage::Session& s, std::string zaak) {
    auto r = co_await s.Query(
        fmt::format("SELECT {} FROM besluiten_besluit b WHERE b.zaak = $1 ORDER BY b.seq", kBesluitColumns),
        storage::MakeParams(zaak)
    );
    if (!r) co_return Fail(r.error());
    std::vector<BesluitRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToBesluit(*r, i));
    co_return out;
}

asio::awaitable<Result<std::optional<BioRow>>> Store::GetBio(storage::Session& s, std::string uuid) {
    auto r = co_await s.Query(
        "SELECT uuid, besluit, informatieobject, doc FROM besluiten_bio WHERE uuid = $1", storage::MakeParams(uuid)
    );
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    co_return ToBio(*r, 0);
}

asio::awaitable<Status> Store::InsertBio(storage::Session& s, const BioRow& row) {
    auto r = co_await s.Query(
        "INSERT INTO besluiten_bio (uuid, besluit, informatieobject, doc) VALUES ($1, $2, $3, $4)",
        storage::MakeParams(row.uuid, row.besluit, row.informatieobject, row.doc)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::DeleteBio(storage::Session& s, std::string uuid) {
    auto r = co_await s.Query("DELETE FROM besluiten_bio WHERE uuid = $1", storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<bool>> Store::BioExists(storage::Session& s, std::string besluit, std::string informatieobject) {
    auto r = co_await s.Query(
        "SELECT 1 FROM besluiten_bio WHERE besluit = $1 AND informatieobject = $2",
        storage::MakeParams(besluit, informatieobject)
    );
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

asio::awaitable<Result<std::vector<BioRow>>> Store::ListBios(storage::Session& s, const storage::Where& where) {
    auto r = co_await s.Query(
        "SELECT o.uuid, o.besluit, o.informatieobject, o.doc FROM besluiten_bio o "
        "JOIN besluiten_besluit b ON b.uuid = o.besluit" +
            where.Sql(1) + " ORDER BY o.seq",
        where.params()
    );
    if (!r) co_return Fail(r.error());
    std::vector<BioRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToBio(*r, i));
    co_return out;
}

asio::awaitable<Status> Store::InsertAudit(
    storage::Session& s, std::string uuid, std::string besluit, std::string doc
) {
    co_return co_await kAudit.Insert(s, std::move(uuid), std::move(besluit), std::move(doc));
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> Store::AuditOf(
    storage::Session& s, std::string besluit, std::string uuid
) {
    co_return co_await kAudit.Entries(s, std::move(besluit), std::move(uuid));
}

}  // namespace thorbecke::besluiten
