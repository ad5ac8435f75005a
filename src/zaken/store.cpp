#include "zaken/store.h"

#include <random>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "core/geo/geometry.h"
#include "core/storage/audit_table.h"
#include "core/time.h"

namespace thorbecke::zaken {

namespace {

constexpr std::string_view kZaakColumns =
    "z.seq, z.uuid, z.identificatie, z.bronorganisatie, z.zaaktype, z.zaaktype_key, z.vertrouwelijkheid, "
    "z.omschrijving, z.registratiedatum, z.startdatum, z.einddatum, z.einddatum_gepland, z.uiterlijke_einddatum, "
    "z.archiefnominatie, z.archiefstatus, z.archiefactiedatum, z.hoofdzaak, z.status, z.statustype, z.resultaat, "
    "z.resultaattype, z.geometry, z.version, z.doc, z.publicatiedatum";

std::optional<std::string> Opt(const storage::Rows& r, std::size_t i, std::size_t c) {
    if (r.IsNull(i, c)) return std::nullopt;
    return r.Text(i, c);
}

storage::Param P(const std::optional<std::string>& v) {
    if (v) return *v;
    return nullptr;
}

ZaakRow ToZaak(const storage::Rows& r, std::size_t i) {
    ZaakRow z;
    z.seq = r.Int(i, 0);
    z.uuid = r.Text(i, 1);
    z.identificatie = r.Text(i, 2);
    z.bronorganisatie = r.Text(i, 3);
    z.zaaktype = r.Text(i, 4);
    z.zaaktype_key = r.Text(i, 5);
    z.vertrouwelijkheid = static_cast<int>(r.Int(i, 6));
    z.omschrijving = r.Text(i, 7);
    z.registratiedatum = Opt(r, i, 8);
    z.startdatum = Opt(r, i, 9);
    z.einddatum = Opt(r, i, 10);
    z.einddatum_gepland = Opt(r, i, 11);
    z.uiterlijke_einddatum = Opt(r, i, 12);
    z.archiefnominatie = Opt(r, i, 13);
    z.archiefstatus = Opt(r, i, 14);
    z.archiefactiedatum = Opt(r, i, 15);
    z.hoofdzaak = Opt(r, i, 16);
    z.status = Opt(r, i, 17);
    z.statustype = Opt(r, i, 18);
    z.resultaat = Opt(r, i, 19);
    z.resultaattype = Opt(r, i, 20);
    z.geometry = Opt(r, i, 21);
    z.version = r.Int(i, 22);
    z.doc = r.Text(i, 23);
    z.publicatiedatum = Opt(r, i, 24);
    return z;
}

ObjectRow ToObject(const storage::Rows& r, std::size_t i) {
    return ObjectRow{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Text(i, 6)};
}

// Zaken and their objects. The SQLite and PostgreSQL schemas differ only in identity columns and geometry.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE zaken_zaak (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    identificatie TEXT NOT NULL,
    bronorganisatie TEXT NOT NULL,
    zaaktype TEXT NOT NULL,
    zaaktype_key TEXT NOT NULL,
    vertrouwelijkheid INTEGER NOT NULL,
    omschrijving TEXT NOT NULL DEFAULT '',
    registratiedatum TEXT,
    startdatum TEXT,
    einddatum TEXT,
    einddatum_gepland TEXT,
    uiterlijke_einddatum TEXT,
    archiefnominatie TEXT,
    archiefstatus TEXT,
    archiefactiedatum TEXT,
    hoofdzaak TEXT,
    status TEXT,
    statustype TEXT,
    resultaat TEXT,
    resultaattype TEXT,
    geometry TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    doc TEXT NOT NULL,
    UNIQUE (bronorganisatie, identificatie)
);
CREATE INDEX zaken_zaak_zaaktype ON zaken_zaak (zaaktype_key, seq);
CREATE INDEX zaken_zaak_identificatie ON zaken_zaak (identificatie);
CREATE INDEX zaken_zaak_startdatum ON zaken_zaak (startdatum);
CREATE INDEX zaken_zaak_registratiedatum ON zaken_zaak (registratiedatum);
CREATE INDEX zaken_zaak_einddatum ON zaken_zaak (einddatum);
CREATE INDEX zaken_zaak_einddatum_gepland ON zaken_zaak (einddatum_gepland);
CREATE INDEX zaken_zaak_uiterlijke_einddatum ON zaken_zaak (uiterlijke_einddatum);
CREATE INDEX zaken_zaak_archiefactiedatum ON zaken_zaak (archiefactiedatum);
CREATE INDEX zaken_zaak_archiefnominatie ON zaken_zaak (archiefnominatie, seq);
CREATE INDEX zaken_zaak_archiefstatus ON zaken_zaak (archiefstatus, seq);
CREATE INDEX zaken_zaak_hoofdzaak ON zaken_zaak (hoofdzaak);
CREATE INDEX zaken_zaak_statustype ON zaken_zaak (statustype);
CREATE INDEX zaken_zaak_resultaattype ON zaken_zaak (resultaattype);
CREATE TABLE zaken_object (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    zaak TEXT NOT NULL,
    ref TEXT NOT NULL DEFAULT '',
    attr TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL
);
CREATE INDEX zaken_object_zaak ON zaken_object (zaak, kind, seq);
CREATE INDEX zaken_object_ref ON zaken_object (kind, ref, seq);
CREATE TABLE zaken_key (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    zaak TEXT NOT NULL,
    object TEXT NOT NULL
);
CREATE INDEX zaken_key_value ON zaken_key (name, value);
CREATE INDEX zaken_key_object ON zaken_key (object);
CREATE TABLE zaken_audit (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    zaak TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX zaken_audit_zaak ON zaken_audit (zaak, seq);
CREATE TABLE zaken_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE zaken_tally (
    zaaktype_key TEXT NOT NULL,
    vertrouwelijkheid INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (zaaktype_key, vertrouwelijkheid, shard)
);
)sql";

std::string Schema(std::string_view seq) {
    std::string out(kSchema);
    for (auto pos = out.find("{seq}"); pos != std::string::npos; pos = out.find("{seq}")) out.replace(pos, 5, seq);
    return out;
}

// Counting rows is what makes a list slow at a million zaken; running totals per (zaaktype, rank) answer the
// commonest count. Sharded so that concurrent creations of one zaaktype do not queue on one row.
constexpr int kTallyShards = 16;

}  // namespace

bool WithinGeoJson(std::string_view geometry, std::string_view container) {
    boost::system::error_code ec_a, ec_b;
    auto a = boost::json::parse(geometry, ec_a);
    auto b = boost::json::parse(container, ec_b);
    if (ec_a || ec_b) return false;
    auto ga = geo::Geometry::FromGeoJson(a, "a");
    auto gb = geo::Geometry::FromGeoJson(b, "b");
    if (!ga || !gb) return false;
    auto within = ga->Within(*gb);
    return within && *within;
}

namespace {
const storage::AuditTable kAudit("zaken_audit", "zaak");
}  // namespace

std::vector<storage::Migration> Store::Migrations() {
    std::string sqlite =
        Schema("INTEGER PRIMARY KEY") + "CREATE VIRTUAL TABLE zaken_geo USING rtree(seq, minx, maxx, miny, maxy);\n";
    std::string postgres = "CREATE EXTENSION IF NOT EXISTS postgis;\n" +
                           Schema("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY") +
                           "ALTER TABLE zaken_zaak ADD COLUMN geom geometry(Geometry, 4326);\n"
                           "CREATE INDEX zaken_zaak_geom ON zaken_zaak USING GIST (geom);\n";
    const char* reservations =
        "CREATE TABLE zaken_reservering (bronorganisatie TEXT NOT NULL, identificatie TEXT NOT NULL, "
        "created_at TEXT NOT NULL, PRIMARY KEY (bronorganisatie, identificatie));\n";
    // Ordering by publicatiedatum (an OAS `ordering` value).
    const char* publicatiedatum =
        "ALTER TABLE zaken_zaak ADD COLUMN publicatiedatum TEXT;\n"
        "CREATE INDEX zaken_zaak_publicatiedatum ON zaken_zaak (publicatiedatum);\n";
    return {
        storage::Migration{"0100_zaken", sqlite, postgres},
        storage::Migration{"0101_zaken_reservering", reservations, reservations},
        storage::Migration{"0102_zaken_publicatiedatum", publicatiedatum, publicatiedatum},
        // Lists by zaaktype as a client may see them (zaaktype, vertrouwelijkheid) in creation order, from the
        // index alone.
        storage::Migration{
            "0103_zaken_zaaktype_cover",
            "DROP INDEX zaken_zaak_zaaktype;\n"
            "CREATE INDEX zaken_zaak_zaaktype ON zaken_zaak (zaaktype_key, seq, vertrouwelijkheid);\n",
            "DROP INDEX zaken_zaak_zaaktype;\n"
            "CREATE INDEX zaken_zaak_zaaktype ON zaken_zaak (zaaktype_key, seq) INCLUDE (vertrouwelijkheid);\n"}};
}

asio::awaitable<Result<std::optional<ZaakRow>>> Store::GetZaak(storage::Session& s, std::string uuid, bool for_update) {
    std::string sql = fmt::format("SELECT {} FROM zaken_zaak z WHERE z.uuid = $1", kZaakColumns);
    // PostgreSQL: the row stays locked until the write commits, so concurrent updates queue instead of
    // overwriting each other (SQLite's write transactions are serial already).
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    co_return ToZaak(*r, 0);
}

namespace {

constexpr std::string_view kRenderedKinds = "'rol', 'zaakeigenschap', 'zaakinformatieobject', 'zaakobject'";

//! "kind uuid,kind uuid,..." -> pairs
void SplitPairs(const std::string& text, ZaakRelated& out) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        auto item = std::string_view(text).substr(start, comma - start);
        auto space = item.find(' ');
        if (space != std::string_view::npos) {
            if (item.substr(0, space) == "deelzaak")
                out.deelzaken.emplace_back(item.substr(space + 1));
            else
                out.objects.emplace_back(std::string(item.substr(0, space)), std::string(item.substr(space + 1)));
        }
        start = comma + 1;
    }
}

}  // namespace

asio::awaitable<Result<std::optional<std::pair<ZaakRow, ZaakRelated>>>> Store::GetZaakWithRelated(
    storage::Session& s, std::string uuid
) {
    std::string related;
    if (db_.dialect() == storage::Dialect::kPostgres) {
        related = fmt::format(
            "(SELECT string_agg(o.kind || ' ' || o.uuid, ',' ORDER BY o.seq) FROM zaken_object o WHERE o.zaak = z.uuid "
            "AND o.kind IN ({})), (SELECT string_agg('deelzaak ' || d.uuid, ',' ORDER BY d.seq) FROM zaken_zaak d "
            "WHERE d.hoofdzaak = z.uuid)",
            kRenderedKinds
        );
    } else {
        related = fmt::format(
            "(SELECT group_concat(x, ',') FROM (SELECT o.kind || ' ' || o.uuid AS x FROM zaken_object o WHERE o.zaak = "
            "z.uuid AND o.kind IN ({}) ORDER BY o.seq)), (SELECT group_concat(x, ',') FROM (SELECT 'deelzaak ' || "
            "d.uuid AS x FROM zaken_zaak d WHERE d.hoofdzaak = z.uuid ORDER BY d.seq))",
            kRenderedKinds
        );
    }
    auto r = co_await s.Query(
        fmt::format("SELECT {}, {} FROM zaken_zaak z WHERE z.uuid = $1", kZaakColumns, related),
        storage::MakeParams(uuid)
    );
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    ZaakRelated rel;
    SplitPairs(r->Text(0, 25), rel);
    SplitPairs(r->Text(0, 26), rel);
    co_return std::make_pair(ToZaak(*r, 0), std::move(rel));
}

asio::awaitable<Result<std::map<std::string, ZaakRelated>>> Store::RelatedOf(
    storage::Session& s, std::vector<std::string> uuids
) {
    std::map<std::string, ZaakRelated> out;
    if (uuids.empty()) co_return out;
    auto d = db_.dialect();
    auto objects = co_await s.Query(
        fmt::format(
            "SELECT zaak, kind, uuid FROM zaken_object WHERE {} AND kind IN ({}) ORDER BY seq",
            storage::InValues(d, "zaak", 1, uuids),
            kRenderedKinds
        ),
        storage::MakeParams(storage::ValuesParam(d, uuids))
    );
    if (!objects) co_return Fail(objects.error());
    for (std::size_t i = 0; i < objects->size(); ++i) {
        out[objects->Text(i, 0)].objects.emplace_back(objects->Text(i, 1), objects->Text(i, 2));
    }
    auto deel = co_await DeelzakenOf(s, uuids);
    if (!deel) co_return Fail(deel.error());
    for (auto& [hoofd, uuid] : *deel) out[hoofd].deelzaken.push_back(std::move(uuid));
    co_return out;
}

asio::awaitable<Result<std::vector<ZaakRow>>> Store::GetZaken(storage::Session& s, std::vector<std::string> uuids) {
    std::vector<ZaakRow> out;
    if (uuids.empty()) co_return out;
    auto d = db_.dialect();
    std::string sql =
        fmt::format("SELECT {} FROM zaken_zaak z WHERE {}", kZaakColumns, storage::InValues(d, "z.uuid", 1, uuids));
    auto r = co_await s.Query(sql, storage::MakeParams(storage::ValuesParam(d, uuids)));
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToZaak(*r, i));
    co_return out;
}

asio::awaitable<Status> Store::Notify(storage::Session& s, const std::string& zaak) {
    if (db_.dialect() != storage::Dialect::kPostgres || zaak.empty()) co_return Status{};
    auto r = co_await s.Query("SELECT pg_notify($1, $2)", storage::MakeParams(std::string(kChangeChannel), zaak));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::Tally(storage::Session& s, const std::string& key, int rank, int delta) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    std::int64_t shard = static_cast<std::int64_t>(rng() % kTallyShards);
    auto r = co_await s.Query(
        "INSERT INTO zaken_tally (zaaktype_key, vertrouwelijkheid, shard, n) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (zaaktype_key, vertrouwelijkheid, shard) DO UPDATE SET n = zaken_tally.n + excluded.n",
        storage::MakeParams(key, std::int64_t{rank}, shard, std::int64_t{delta})
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::SaveGeometry(storage::Session& s, const ZaakRow& row, bool remove_only) {
    if (db_.dialect() == storage::Dialect::kPostgres) {
        if (remove_only) co_return Status{};
        auto r = co_await s.Query(
            "UPDATE zaken_zaak SET geom = CASE WHEN $2::text IS NULL THEN NULL "
            "ELSE ST_SetSRID(ST_GeomFromGeoJSON($2::text), 4326) END WHERE uuid = $1",
            storage::MakeParams(row.uuid, P(row.geometry))
        );
        if (!r) co_return Fail(r.error());
        co_return Status{};
    }
    auto del = co_await s.Query("DELETE FROM zaken_geo WHERE seq = $1", storage::MakeParams(row.seq));
    if (!del) co_return Fail(del.error());
    if (remove_only || !row.geometry || !row.bbox) co_return Status{};
    auto ins = co_await s.Query(
        "INSERT INTO zaken_geo (seq, minx, maxx, miny, maxy) VALUES ($1, CAST($2 AS REAL), CAST($3 AS REAL), "
        "CAST($4 AS REAL), CAST($5 AS REAL))",
        storage::MakeParams(
            row.seq,
            fmt::format("{}", row.bbox->minx),
            fmt::format("{}", row.bbox->maxx),
            fmt::format("{}", row.bbox->miny),
            fmt::format("{}", row.bbox->maxy)
        )
    );
    if (!ins) co_return Fail(ins.error());
    co_return Status{};
}

namespace {

storage::Params ZaakParams(const ZaakRow& z) {
    return storage::MakeParams(
        z.uuid,
        z.identificatie,
        z.bronorganisatie,
        z.zaaktype,
        z.zaaktype_key,
        std::int64_t{z.vertrouwelijkheid},
        z.omschrijving,
        P(z.registratiedatum),
        P(z.startdatum),
        P(z.einddatum),
        P(z.einddatum_gepland),
        P(z.uiterlijke_einddatum),
        P(z.archiefnominatie),
        P(z.archiefstatus),
        P(z.archiefactiedatum),
        P(z.hoofdzaak),
        P(z.status),
        P(z.statustype),
        P(z.resultaat),
        P(z.resultaattype),
        P(z.geometry),
        z.doc,
        P(z.publicatiedatum)
    );
}

}  // namespace

asio::awaitable<Status> Store::InsertZaak(storage::Session& s, const ZaakRow& row) {
    auto r = co_await s.Query(
        "INSERT INTO zaken_zaak (uuid, identificatie, bronorganisatie, zaaktype, zaaktype_key, vertrouwelijkheid, "
        "omschrijving, registratiedatum, startdatum, einddatum, einddatum_gepland, uiterlijke_einddatum, "
        "archiefnominatie, archiefstatus, archiefactiedatum, hoofdzaak, status, statustype, resultaat, resultaattype, "
        "geometry, doc, publicatiedatum, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 1) RETURNING seq",
        ZaakParams(row)
    );
    if (!r) co_return Fail(r.error());
    ZaakRow stored = row;
    stored.seq = r->Int(0, 0);
    auto st = co_await SaveGeometry(s, stored, false);
    if (!st) co_return st;
    if (row.hoofdzaak) {
        st = co_await Notify(s, *row.hoofdzaak);  // its list of deelzaken changed
        if (!st) co_return st;
    }
    co_return co_await Tally(s, row.zaaktype_key, row.vertrouwelijkheid, 1);
}

asio::awaitable<Result<bool>> Store::UpdateZaak(storage::Session& s, const ZaakRow& before, const ZaakRow& row) {
    auto params = ZaakParams(row);
    params.push_back(before.version);
    auto r = co_await s.Query(
        "UPDATE zaken_zaak SET identificatie = $2, bronorganisatie = $3, zaaktype = $4, zaaktype_key = $5, "
        "vertrouwelijkheid = $6, omschrijving = $7, registratiedatum = $8, startdatum = $9, einddatum = $10, "
        "einddatum_gepland = $11, uiterlijke_einddatum = $12, archiefnominatie = $13, archiefstatus = $14, "
        "archiefactiedatum = $15, hoofdzaak = $16, status = $17, statustype = $18, resultaat = $19, "
        "resultaattype = $20, geometry = $21, doc = $22, publicatiedatum = $23, version = version + 1 WHERE uuid = $1 "
        "AND version = $24 "
        "RETURNING vertrouwelijkheid",
        std::move(params)
    );
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return false;
    std::vector<std::string> touched{row.uuid, before.hoofdzaak.value_or(""), row.hoofdzaak.value_or("")};
    for (const auto& z : touched) {
        auto st = co_await Notify(s, z);
        if (!st) co_return Fail(st.error());
    }
    if (before.geometry != row.geometry) {
        ZaakRow g = row;
        g.seq = before.seq;
        auto st = co_await SaveGeometry(s, g, false);
        if (!st) co_return Fail(st.error());
    }
    if (before.vertrouwelijkheid != row.vertrouwelijkheid || before.zaaktype_key != row.zaaktype_key) {
        auto st = co_await Tally(s, before.zaaktype_key, before.vertrouwelijkheid, -1);
        if (!st) co_return Fail(st.error());
        st = co_await Tally(s, row.zaaktype_key, row.vertrouwelijkheid, 1);
        if (!st) co_return Fail(st.error());
    }
    co_return true;
}

asio::awaitable<Status> Store::DeleteZaak(storage::Session& s, const ZaakRow& row) {
    for (std::string_view sql :
         {"DELETE FROM zaken_key WHERE zaak = $1",
          "DELETE FROM zaken_object WHERE zaak = $1",
          "DELETE FROM zaken_zaak WHERE uuid = $1"}) {
        auto r = co_await s.Query(sql, storage::MakeParams(row.uuid));
        if (!r) co_return Fail(r.error());
    }
    auto st = co_await SaveGeometry(s, row, true);
    if (!st) co_return st;
    std::vector<std::string> touched{row.uuid, row.hoofdzaak.value_or("")};
    for (const auto& z : touched) {
        st = co_await Notify(s, z);
        if (!st) co_return st;
    }
    co_return co_await Tally(s, row.zaaktype_key, row.vertrouwelijkheid, -1);
}

asio::awaitable<Result<ZaakPage>> Store::ListZaken(
    storage::Session& s, const ZaakQuery& q, std::int64_t page, std::int64_t page_size
) {
    ZaakPage out;
    if (q.no_access) co_return out;
    std::string where = q.where.Sql(1);
    int next = static_cast<int>(q.where.params().size()) + 1;
    storage::Params params = q.where.params();
    params.push_back(page_size);
    params.push_back((page - 1) * page_size);
    auto rows = co_await s.Query(
        fmt::format(
            // Deferred join: the page's rows are found on the indexes alone (a deep page skips index entries,
            // not whole rows), then only those rows are read.
            "SELECT {} FROM zaken_zaak z WHERE z.seq IN (SELECT z.seq FROM zaken_zaak z{} ORDER BY {} LIMIT ${} "
            "OFFSET ${}) ORDER BY {}",
            kZaakColumns,
            where,
            q.order,
            next,
            next + 1,
            q.order
        ),
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    for (std::size_t i = 0; i < rows->size(); ++i) out.rows.push_back(ToZaak(*rows, i));
    // A short first page is its own count; otherwise count (from the running totals when they apply).
    if (page == 1 && static_cast<std::int64_t>(out.rows.size()) < page_size) {
        out.count = static_cast<std::int64_t>(out.rows.size());
        co_return out;
    }
    if (q.tally) {
        auto c = co_await s.Query("SELECT COALESCE(SUM(n), 0) FROM zaken_tally" + q.tally->Sql(1), q.tally->params());
        if (!c) co_return Fail(c.error());
        out.count = c->Int(0, 0);
        co_return out;
    }
    auto c = co_await s.Query("SELECT COUNT(*) FROM zaken_zaak z" + where, q.where.params());
    if (!c) co_return Fail(c.error());
    out.count = c->Int(0, 0);
    co_return out;
}

asio::awaitable<Result<bool>> Store::IdentificatieTaken(
    storage::Session& s, std::string bronorganisatie, std::string identificatie
) {
    auto r = co_await s.Query(
        "SELECT 1 FROM zaken_zaak WHERE bronorganisatie = $1 AND identificatie = $2",
        storage::MakeParams(bronorganisatie, identificatie)
    );
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

asio::awaitable<Result<bool>> Store::IdentificatieReserved(
    storage::Session& s, std::string bronorganisatie, std::string identificatie
) {
    auto r = co_await s.Query(
        "SELECT 1 FROM zaken_reservering WHERE bronorganisatie = $1 AND identificatie = $2",
        storage::MakeParams(bronorganisatie, identificatie)
    );
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

asio::awaitable<Status> Store::Reserve(storage::Session& s, std::string bronorganisatie, std::string identificatie) {
    auto r = co_await s.Query(
        "INSERT INTO zaken_reservering (bronorganisatie, identificatie, created_at) VALUES ($1, $2, $3)",
        storage::MakeParams(bronorganisatie, identificatie, NowIso())
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::ReleaseReservation(
    storage::Session& s, std::string bronorganisatie, std::string identificatie
) {
    auto r = co_await s.Query(
        "DELETE FROM zaken_reservering WHERE bronorganisatie = $1 AND identificatie = $2",
        storage::MakeParams(bronorganisatie, identificatie)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<std::string>>> Store::Deelzaken(storage::Session& s, std::string uuid) {
    auto r =
        co_await s.Query("SELECT uuid FROM zaken_zaak WHERE hoofdzaak = $1 ORDER BY seq", storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(r->Text(i, 0));
    co_return out;
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> Store::DeelzakenOf(
    storage::Session& s, std::vector<std::string> uuids
) {
    std::vector<std::pair<std::string, std::string>> out;
    if (uuids.empty()) co_return out;
    auto d = db_.dialect();
    auto r = co_await s.Query(
        fmt::format(
            "SELECT hoofdzaak, uuid FROM zaken_zaak WHERE {} ORDER BY seq", storage::InValues(d, "hoofdzaak", 1, uuids)
        ),
        storage::MakeParams(storage::ValuesParam(d, uuids))
    );
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(r->Text(i, 0), r->Text(i, 1));
    co_return out;
}

asio::awaitable<Result<std::optional<ObjectRow>>> Store::GetObject(
    storage::Session& s, std::string uuid, bool for_update
) {
    std::string sql = "SELECT seq, uuid, kind, zaak, ref, attr, doc FROM zaken_object WHERE uuid = $1";
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::nullopt;
    co_return ToObject(*r, 0);
}

asio::awaitable<Status> Store::SaveObject(
    storage::Session& s, const ObjectRow& row, const std::vector<std::pair<std::string, std::string>>& keys, bool insert
) {
    if (insert) {
        auto r = co_await s.Query(
            "INSERT INTO zaken_object (uuid, kind, zaak, ref, attr, doc) VALUES ($1, $2, $3, $4, $5, $6)",
            storage::MakeParams(row.uuid, row.kind, row.zaak, row.ref, row.attr, row.doc)
        );
        if (!r) co_return Fail(r.error());
    } else {
        auto r = co_await s.Query(
            "UPDATE zaken_object SET ref = $2, attr = $3, doc = $4 WHERE uuid = $1",
            storage::MakeParams(row.uuid, row.ref, row.attr, row.doc)
        );
        if (!r) co_return Fail(r.error());
    }
    auto notified = co_await Notify(s, row.zaak);
    if (!notified) co_return notified;
    co_return co_await ReplaceKeys(s, row.zaak, row.uuid, keys);
}

asio::awaitable<Status> Store::ReplaceKeys(
    storage::Session& s, std::string zaak, std::string object, std::vector<std::pair<std::string, std::string>> keys
) {
    auto del = co_await s.Query("DELETE FROM zaken_key WHERE object = $1", storage::MakeParams(object));
    if (!del) co_return Fail(del.error());
    for (const auto& [name, value] : keys) {
        auto r = co_await s.Query(
            "INSERT INTO zaken_key (name, value, zaak, object) VALUES ($1, $2, $3, $4)",
            storage::MakeParams(name, value, zaak, object)
        );
        if (!r) co_return Fail(r.error());
    }
    co_return Status{};
}

asio::awaitable<Status> Store::DeleteObject(storage::Session& s, const ObjectRow& row) {
    auto del = co_await s.Query("DELETE FROM zaken_key WHERE object = $1", storage::MakeParams(row.uuid));
    if (!del) co_return Fail(del.error());
    auto r = co_await s.Query("DELETE FROM zaken_object WHERE uuid = $1", storage::MakeParams(row.uuid));
    if (!r) co_return Fail(r.error());
    co_return co_await Notify(s, row.zaak);
}

asio::awaitable<Result<ObjectPage>> Store::ListObjects(
    storage::Session& s, std::string kind, const Where& where, std::int64_t page, std::int64_t page_size
) {
    ObjectPage out;
    Where w = where;
    w.Add("o.kind = ?", storage::MakeParams(kind));
    std::string cond = w.Sql(1);
    int next = static_cast<int>(w.params().size()) + 1;
    storage::Params params = w.params();
    params.push_back(page_size);
    params.push_back((page - 1) * page_size);
    auto rows = co_await s.Query(
        fmt::format(
            "SELECT o.seq, o.uuid, o.kind, o.zaak, o.ref, o.attr, o.doc FROM zaken_object o "
            "JOIN zaken_zaak z ON z.uuid = o.zaak{} ORDER BY o.seq LIMIT ${} OFFSET ${}",
            cond,
            next,
            next + 1
        ),
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    for (std::size_t i = 0; i < rows->size(); ++i) out.rows.push_back(ToObject(*rows, i));
    if (page == 1 && static_cast<std::int64_t>(out.rows.size()) < page_size) {
        out.count = static_cast<std::int64_t>(out.rows.size());
        co_return out;
    }
    auto c =
        co_await s.Query("SELECT COUNT(*) FROM zaken_object o JOIN zaken_zaak z ON z.uuid = o.zaak" + cond, w.params());
    if (!c) co_return Fail(c.error());
    out.count = c->Int(0, 0);
    co_return out;
}

asio::awaitable<Result<std::vector<ObjectRow>>> Store::ObjectsOf(
    storage::Session& s, std::vector<std::string> zaak_uuids, std::vector<std::string> kinds, bool with_doc
) {
    std::vector<ObjectRow> out;
    if (zaak_uuids.empty()) co_return out;
    auto d = db_.dialect();
    auto r = co_await s.Query(
        fmt::format(
            "SELECT seq, uuid, kind, zaak, ref, attr, {} FROM zaken_object WHERE {} AND {} ORDER BY seq",
            with_doc ? "doc" : "''",
            storage::InValues(d, "zaak", 1, zaak_uuids),
            storage::InValues(d, "kind", 2, kinds)
        ),
        storage::MakeParams(storage::ValuesParam(d, zaak_uuids), storage::ValuesParam(d, kinds))
    );
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToObject(*r, i));
    co_return out;
}

asio::awaitable<Status> Store::InsertAudit(storage::Session& s, std::string uuid, std::string zaak, std::string doc) {
    co_return co_await kAudit.Insert(s, std::move(uuid), std::move(zaak), std::move(doc));
}

asio::awaitable<Status> Store::DeleteAudit(storage::Session& s, std::string zaak) {
    co_return co_await kAudit.Delete(s, std::move(zaak));
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> Store::KeyObjects(
    storage::Session& s, std::string name, std::vector<std::string> values
) {
    std::vector<std::pair<std::string, std::string>> out;
    if (values.empty()) co_return out;
    auto d = db_.dialect();
    auto r = co_await s.Query(
        fmt::format(
            "SELECT value, object FROM zaken_key WHERE name = $1 AND {}", storage::InValues(d, "value", 2, values)
        ),
        storage::MakeParams(name, storage::ValuesParam(d, values))
    );
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(r->Text(i, 0), r->Text(i, 1));
    co_return out;
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> Store::AuditOf(
    storage::Session& s, std::string zaak, std::string uuid
) {
    co_return co_await kAudit.Entries(s, std::move(zaak), std::move(uuid));
}

asio::awaitable<Result<std::int64_t>> Store::NextNumber(storage::Session& s, std::string name) {
    auto r = co_await s.Query(
        "INSERT INTO zaken_counter (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = "
        "zaken_counter.value + 1 RETURNING value",
        storage::MakeParams(name)
    );
    if (!r) co_return Fail(r.error());
    co_return r->Int(0, 0);
}

}  // namespace thorbecke::zaken
