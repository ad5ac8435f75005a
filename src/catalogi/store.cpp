#include "catalogi/store.h"

#include <fmt/format.h>

namespace thorbecke::catalogi {

namespace {

constexpr std::string_view kColumns =
    "uuid, kind, catalogus, zaaktype, concept, identificatie, omschrijving, begin_geldigheid, einde_geldigheid, "
    "attr1, attr2, attr3, volgnummer, input, doc, created_at";
// Pages are only rendered, never merged into: they leave out the stored request (`input`).
constexpr std::string_view kPageColumns =
    "uuid, kind, catalogus, zaaktype, concept, identificatie, omschrijving, begin_geldigheid, einde_geldigheid, "
    "attr1, attr2, attr3, volgnummer, '' AS input, doc, created_at";

KindId KindFromName(std::string_view name) {
    for (const auto& k : Kinds()) {
        if (k.name == name) return k.id;
    }
    return KindId::kCatalogus;
}

Row ToRow(const storage::Rows& r, std::size_t i) {
    Row row;
    row.uuid = r.Text(i, 0);
    row.kind = KindFromName(r.Text(i, 1));
    row.catalogus = r.Text(i, 2);
    row.zaaktype = r.Text(i, 3);
    row.is_concept = r.Int(i, 4) != 0;
    row.identificatie = r.Text(i, 5);
    row.omschrijving = r.Text(i, 6);
    if (!r.IsNull(i, 7)) row.begin_geldigheid = r.Text(i, 7);
    if (!r.IsNull(i, 8)) row.einde_geldigheid = r.Text(i, 8);
    row.attr1 = r.Text(i, 9);
    row.attr2 = r.Text(i, 10);
    row.attr3 = r.Text(i, 11);
    if (!r.IsNull(i, 12)) row.volgnummer = r.Int(i, 12);
    row.input = r.Text(i, 13);
    row.doc = r.Text(i, 14);
    row.created_at = r.Text(i, 15);
    return row;
}

storage::Param Opt(const std::optional<std::string>& v) {
    if (v) return *v;
    return nullptr;
}

storage::Param Nullable(const std::string& v) {
    if (v.empty()) return nullptr;
    return v;
}

}  // namespace

std::vector<storage::Migration> Store::Migrations() {
    const char* sql = R"sql(
CREATE TABLE catalogi_object (
    uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    catalogus TEXT,
    zaaktype TEXT,
    concept INTEGER NOT NULL DEFAULT 0,
    identificatie TEXT,
    omschrijving TEXT,
    begin_geldigheid TEXT,
    einde_geldigheid TEXT,
    attr1 TEXT,
    attr2 TEXT,
    attr3 TEXT,
    volgnummer INTEGER,
    input TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX catalogi_object_kind_created ON catalogi_object (kind, created_at, uuid);
CREATE INDEX catalogi_object_catalogus ON catalogi_object (kind, catalogus, concept, created_at, uuid);
CREATE INDEX catalogi_object_zaaktype ON catalogi_object (zaaktype, kind);
CREATE INDEX catalogi_object_identificatie ON catalogi_object (kind, identificatie, catalogus);
CREATE INDEX catalogi_object_omschrijving ON catalogi_object (kind, omschrijving);
CREATE INDEX catalogi_object_attr1 ON catalogi_object (kind, attr1);
CREATE INDEX catalogi_object_attr2 ON catalogi_object (kind, attr2);
CREATE TABLE catalogi_link (
    src TEXT NOT NULL,
    rel TEXT NOT NULL,
    position INTEGER NOT NULL,
    dst TEXT NOT NULL,
    PRIMARY KEY (src, rel, position)
);
CREATE INDEX catalogi_link_dst ON catalogi_link (dst, rel);
CREATE TABLE catalogi_counter (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
)sql";
    return {storage::Migration{"0100_catalogi", std::string(sql), std::string(sql)}};
}

asio::awaitable<Result<storage::Rows>> Store::Run(storage::Session* s, std::string_view sql, storage::Params params) {
    if (s) co_return co_await s->Query(sql, std::move(params));
    co_return co_await db_.Query(sql, std::move(params));
}

asio::awaitable<Result<std::optional<Row>>> Store::Get(storage::Session* s, std::string_view uuid) {
    static const std::string sql = fmt::format("SELECT {} FROM catalogi_object WHERE uuid = $1", kColumns);
    auto r = co_await Run(s, sql, storage::MakeParams(std::string(uuid)));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<Row>{};
    co_return std::optional<Row>{ToRow(*r, 0)};
}

asio::awaitable<Result<std::vector<Row>>> Store::GetMany(storage::Session* s, const std::vector<std::string>& uuids) {
    std::vector<Row> out;
    if (uuids.empty()) co_return out;
    auto d = db_.dialect();
    std::string sql =
        fmt::format("SELECT {} FROM catalogi_object WHERE {}", kColumns, storage::InValues(d, "uuid", 1, uuids));
    auto r = co_await Run(s, sql, storage::MakeParams(storage::ValuesParam(d, uuids)));
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToRow(*r, i));
    co_return out;
}

asio::awaitable<Result<Page>> Store::List(
    storage::Session* s, const Kind& kind, const ListQuery& q, std::int64_t page, std::int64_t page_size
) {
    std::string where = "kind = $1";
    storage::Params params{std::string(kind.name)};
    for (const auto& [cond, param] : q.where) {
        params.push_back(param);
        std::string c = cond;
        auto pos = c.find('?');
        while (pos != std::string::npos) {
            c.replace(pos, 1, fmt::format("${}", params.size()));
            pos = c.find('?', pos + 1);
        }
        where += " AND " + c;
    }
    for (const auto& cond : q.raw_where) where += " AND " + cond;
    Page out;
    auto count = co_await Run(s, fmt::format("SELECT COUNT(*) FROM catalogi_object WHERE {}", where), params);
    if (!count) co_return Fail(count.error());
    out.count = count->Int(0, 0);
    if (out.count == 0) co_return out;
    params.push_back(page_size);
    params.push_back((page - 1) * page_size);
    auto r = co_await Run(
        s,
        fmt::format(
            "SELECT {} FROM catalogi_object WHERE {} ORDER BY created_at, uuid LIMIT ${} OFFSET ${}",
            kPageColumns,
            where,
            params.size() - 1,
            params.size()
        ),
        params
    );
    if (!r) co_return Fail(r.error());
    for (std::size_t i = 0; i < r->size(); ++i) out.rows.push_back(ToRow(*r, i));
    co_return out;
}

asio::awaitable<Result<Related>> Store::LoadRelated(storage::Session* s, const std::vector<Row>& rows) {
    Related rel;
    if (rows.empty()) co_return rel;
    auto d = db_.dialect();
    std::vector<std::string> uuids, zaaktypen, iots, parents;
    std::set<std::tuple<std::string, std::string, std::string>> spans;
    bool need_outgoing = false;
    for (const auto& row : rows) {
        uuids.push_back(row.uuid);
        if (row.kind == KindId::kZaaktype) zaaktypen.push_back(row.uuid);
        if (row.kind == KindId::kInformatieobjecttype) iots.push_back(row.uuid);
        if (!row.zaaktype.empty()) parents.push_back(row.zaaktype);
        if (row.kind == KindId::kResultaattype) need_outgoing = true;
        const Kind& k = GetKind(row.kind);
        if (!k.version_key.empty()) spans.emplace(std::string(k.name), row.catalogus, row.identificatie);
    }
    {
        auto r = co_await Run(
            s,
            fmt::format(
                "SELECT l.dst, o.kind, o.uuid, l.rel, o.omschrijving FROM catalogi_link l JOIN catalogi_object o ON "
                "o.uuid = l.src "
                "WHERE {} ORDER BY o.created_at, o.uuid",
                storage::InValues(d, "l.dst", 1, uuids)
            ),
            storage::MakeParams(storage::ValuesParam(d, uuids))
        );
        if (!r) co_return Fail(r.error());
        for (std::size_t i = 0; i < r->size(); ++i) {
            rel.incoming[r->Text(i, 0)].emplace_back(r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), r->Text(i, 4));
        }
    }
    if (need_outgoing) {
        auto r = co_await Run(
            s,
            fmt::format(
                "SELECT l.src, l.rel, l.dst, o.omschrijving FROM catalogi_link l JOIN catalogi_object o ON o.uuid = "
                "l.dst "
                "WHERE {} ORDER BY l.src, l.rel, l.position",
                storage::InValues(d, "l.src", 1, uuids)
            ),
            storage::MakeParams(storage::ValuesParam(d, uuids))
        );
        if (!r) co_return Fail(r.error());
        for (std::size_t i = 0; i < r->size(); ++i) {
            rel.outgoing[r->Text(i, 0)].emplace_back(r->Text(i, 1), r->Text(i, 2), r->Text(i, 3));
        }
    }
    // Zaaktype <-> informatieobjecttype through zaaktype-informatieobjecttypen (the only kind with both links).
    // One indexed query per side: an OR over both sides would scan the whole link table.
    auto add_pair = [&rel](const std::string& zaaktype, const std::string& iot) {
        auto& zi = rel.zaaktype_iots[zaaktype];
        if (std::find(zi.begin(), zi.end(), iot) == zi.end()) zi.push_back(iot);
        auto& iz = rel.iot_zaaktypen[iot];
        if (std::find(iz.begin(), iz.end(), zaaktype) == iz.end()) iz.push_back(zaaktype);
    };
    // `side` is the link whose target is in `uuids`; `other` leads to the other end of the relation.
    auto pairs = [&](std::string_view side, std::string_view other, const std::vector<std::string>& ends
                 ) -> asio::awaitable<Status> {
        if (ends.empty()) co_return Status{};
        std::string sql = fmt::format(
            "SELECT a.dst, b.dst FROM catalogi_link a JOIN catalogi_link b ON b.src = a.src "
            "JOIN catalogi_object o ON o.uuid = a.src WHERE a.rel = '{}' AND b.rel = '{}' AND {} "
            "ORDER BY o.volgnummer, o.created_at",
            side,
            other,
            storage::InValues(d, "a.dst", 1, ends)
        );
        auto r = co_await Run(s, sql, storage::MakeParams(storage::ValuesParam(d, ends)));
        if (!r) co_return Fail(r.error());
        for (std::size_t i = 0; i < r->size(); ++i) {
            if (side == "zaaktype")
                add_pair(r->Text(i, 0), r->Text(i, 1));
            else
                add_pair(r->Text(i, 1), r->Text(i, 0));
        }
        co_return Status{};
    };
    if (auto st = co_await pairs("zaaktype", "informatieobjecttype", zaaktypen); !st) co_return Fail(st.error());
    if (auto st = co_await pairs("informatieobjecttype", "zaaktype", iots); !st) co_return Fail(st.error());
    if (!parents.empty()) {
        auto r = co_await Run(
            s,
            fmt::format(
                "SELECT o.uuid, o.identificatie, (SELECT MAX(c.volgnummer) FROM catalogi_object c WHERE c.zaaktype = "
                "o.uuid AND c.kind = 'statustype') FROM catalogi_object o WHERE {}",
                storage::InValues(d, "o.uuid", 1, parents)
            ),
            storage::MakeParams(storage::ValuesParam(d, parents))
        );
        if (!r) co_return Fail(r.error());
        for (std::size_t i = 0; i < r->size(); ++i) {
            rel.zaaktype_identificatie[r->Text(i, 0)] = r->Text(i, 1);
            // Children share the life span (beginObject/eindeObject) of their zaaktype's versions.
            for (const auto& row : rows) {
                if (row.zaaktype == r->Text(i, 0)) spans.emplace("zaaktype", row.catalogus, r->Text(i, 1));
            }
            if (!r->IsNull(i, 2)) rel.max_volgnummer[r->Text(i, 0)] = r->Int(i, 2);
        }
    }
    if (!spans.empty()) {
        std::vector<std::string> keys;
        for (const auto& [k, c, ident] : spans) keys.push_back(ident);
        auto r = co_await Run(
            s,
            fmt::format(
                "SELECT kind, catalogus, identificatie, MIN(begin_geldigheid), MAX(einde_geldigheid), "
                "SUM(CASE WHEN einde_geldigheid IS NULL THEN 1 ELSE 0 END) FROM catalogi_object "
                "WHERE kind IN ('zaaktype', 'informatieobjecttype', 'besluittype') AND {} "
                "GROUP BY kind, catalogus, identificatie",
                storage::InValues(d, "identificatie", 1, keys)
            ),
            storage::MakeParams(storage::ValuesParam(d, keys))
        );
        if (!r) co_return Fail(r.error());
        for (std::size_t i = 0; i < r->size(); ++i) {
            auto key = std::make_tuple(r->Text(i, 0), r->Text(i, 1), r->Text(i, 2));
            rel.object_span[key] = std::make_pair(r->Text(i, 3), r->Int(i, 5) > 0 ? std::string() : r->Text(i, 4));
        }
    }
    co_return rel;
}

asio::awaitable<Status> Store::Save(storage::Session& s, const Row& row, const std::vector<Link>& links) {
    if (auto bumped = co_await BumpGeneration(s); !bumped) co_return bumped;
    // One statement for both: an object keeps its uuid, kind and creation time.
    static const std::string upsert = fmt::format(
        "INSERT INTO catalogi_object ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "$16) "
        "ON CONFLICT (uuid) DO UPDATE SET catalogus = excluded.catalogus, zaaktype = excluded.zaaktype, "
        "concept = excluded.concept, identificatie = excluded.identificatie, omschrijving = excluded.omschrijving, "
        "begin_geldigheid = excluded.begin_geldigheid, einde_geldigheid = excluded.einde_geldigheid, "
        "attr1 = excluded.attr1, attr2 = excluded.attr2, attr3 = excluded.attr3, volgnummer = excluded.volgnummer, "
        "input = excluded.input, doc = excluded.doc",
        kColumns
    );
    auto r = co_await s.Query(
        upsert,
        storage::MakeParams(
            row.uuid,
            std::string(GetKind(row.kind).name),
            Nullable(row.catalogus),
            Nullable(row.zaaktype),
            std::int64_t{row.is_concept ? 1 : 0},
            row.identificatie,
            row.omschrijving,
            Opt(row.begin_geldigheid),
            Opt(row.einde_geldigheid),
            row.attr1,
            row.attr2,
            row.attr3,
            row.volgnummer ? storage::Param(*row.volgnummer) : storage::Param(nullptr),
            row.input,
            row.doc,
            row.created_at
        )
    );
    if (!r) co_return Fail(r.error());
    auto del = co_await s.Query("DELETE FROM catalogi_link WHERE src = $1", storage::MakeParams(row.uuid));
    if (!del) co_return Fail(del.error());
    std::int64_t pos = 0;
    for (const auto& l : links) {
        auto lr = co_await s.Query(
            "INSERT INTO catalogi_link (src, rel, position, dst) VALUES ($1, $2, $3, $4)",
            storage::MakeParams(row.uuid, l.rel, pos++, l.dst)
        );
        if (!lr) co_return Fail(lr.error());
    }
    if (row.kind == KindId::kZaaktype) {
        // Children carry the catalogus of their zaaktype for filtering.
        auto c = co_await s.Query(
            "UPDATE catalogi_object SET catalogus = $2 WHERE zaaktype = $1",
            storage::MakeParams(row.uuid, row.catalogus)
        );
        if (!c) co_return Fail(c.error());
    }
    co_return Status{};
}

asio::awaitable<Status> Store::Delete(storage::Session& s, const Row& row) {
    if (auto bumped = co_await BumpGeneration(s); !bumped) co_return bumped;
    if (row.kind == KindId::kZaaktype) {
        auto l = co_await s.Query(
            "DELETE FROM catalogi_link WHERE src IN (SELECT uuid FROM catalogi_object WHERE zaaktype = $1)",
            storage::MakeParams(row.uuid)
        );
        if (!l) co_return Fail(l.error());
        auto c = co_await s.Query("DELETE FROM catalogi_object WHERE zaaktype = $1", storage::MakeParams(row.uuid));
        if (!c) co_return Fail(c.error());
    }
    auto l = co_await s.Query("DELETE FROM catalogi_link WHERE src = $1", storage::MakeParams(row.uuid));
    if (!l) co_return Fail(l.error());
    auto o = co_await s.Query("DELETE FROM catalogi_object WHERE uuid = $1", storage::MakeParams(row.uuid));
    if (!o) co_return Fail(o.error());
    co_return Status{};
}

asio::awaitable<Status> Store::Publish(storage::Session& s, const Row& row) {
    if (auto bumped = co_await BumpGeneration(s); !bumped) co_return bumped;
    auto r = co_await s.Query(
        "UPDATE catalogi_object SET concept = 0 WHERE uuid = $1 OR zaaktype = $1", storage::MakeParams(row.uuid)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::Detach(
    storage::Session& s,
    const std::string& src,
    std::string_view rel,
    const std::string& dst,
    const std::string& input,
    const std::string& doc
) {
    if (auto bumped = co_await BumpGeneration(s); !bumped) co_return bumped;
    auto u = co_await s.Query(
        "UPDATE catalogi_object SET input = $1, doc = $2 WHERE uuid = $3", storage::MakeParams(input, doc, src)
    );
    if (!u) co_return Fail(u.error());
    auto l = co_await s.Query(
        "DELETE FROM catalogi_link WHERE src = $1 AND rel = $2 AND dst = $3",
        storage::MakeParams(src, std::string(rel), dst)
    );
    if (!l) co_return Fail(l.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<std::tuple<std::string, std::string, std::string>>>> Store::Referrers(
    storage::Session& s, const Row& row
) {
    auto r = co_await s.Query(
        "SELECT o.kind, o.uuid, l.rel FROM catalogi_link l JOIN catalogi_object o ON o.uuid = l.src "
        "WHERE l.dst = $1 AND (o.zaaktype IS NULL OR o.zaaktype <> $1) AND o.uuid <> $1",
        storage::MakeParams(row.uuid)
    );
    if (!r) co_return Fail(r.error());
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(r->Text(i, 0), r->Text(i, 1), r->Text(i, 2));
    co_return out;
}

asio::awaitable<Result<std::vector<Row>>> Store::Versions(
    storage::Session& s,
    KindId kind,
    const std::string& catalogus,
    const std::string& key,
    const std::string& except_uuid
) {
    if (db_.dialect() == storage::Dialect::kPostgres) {
        // Two concurrent writers of versions of one type must not both pass the overlap check: serialise them
        // on this type until commit. (SQLite's BEGIN IMMEDIATE already serialises all writers.)
        auto locked = co_await s.Query(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            storage::MakeParams(fmt::format("catalogi|{}|{}|{}", GetKind(kind).name, catalogus, key))
        );
        if (!locked) co_return Fail(locked.error());
    }
    static const std::string sql = fmt::format(
        "SELECT {} FROM catalogi_object WHERE kind = $1 AND catalogus = $2 AND identificatie = $3 AND uuid <> $4",
        kColumns
    );
    auto r = co_await s.Query(sql, storage::MakeParams(std::string(GetKind(kind).name), catalogus, key, except_uuid));
    if (!r) co_return Fail(r.error());
    std::vector<Row> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToRow(*r, i));
    co_return out;
}

asio::awaitable<Result<std::vector<Row>>> Store::Children(
    storage::Session* s, KindId kind, const std::string& zaaktype
) {
    static const std::string sql = fmt::format(
        "SELECT {} FROM catalogi_object WHERE zaaktype = $1 AND kind = $2 ORDER BY created_at, uuid", kColumns
    );
    auto r = co_await Run(s, sql, storage::MakeParams(zaaktype, std::string(GetKind(kind).name)));
    if (!r) co_return Fail(r.error());
    std::vector<Row> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToRow(*r, i));
    co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> Store::Targets(
    storage::Session* s, const std::string& src, std::string_view rel
) {
    auto r = co_await Run(
        s,
        "SELECT dst FROM catalogi_link WHERE src = $1 AND rel = $2 ORDER BY position",
        storage::MakeParams(src, std::string(rel))
    );
    if (!r) co_return Fail(r.error());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(r->Text(i, 0));
    co_return out;
}

asio::awaitable<Status> Store::BumpGeneration(storage::Session& s) {
    auto n = co_await NextNumber(s, "generation");
    if (!n) co_return Fail(n.error());
    if (db_.dialect() == storage::Dialect::kPostgres) {
        // Delivered to every listening node when this transaction commits, never if it rolls back.
        auto notified = co_await s.Query("SELECT pg_notify($1, '')", storage::MakeParams(std::string(kChangeChannel)));
        if (!notified) co_return Fail(notified.error());
    }
    co_return Status{};
}

asio::awaitable<Result<std::int64_t>> Store::Generation(storage::Session* s) {
    auto r = co_await Run(s, "SELECT value FROM catalogi_counter WHERE name = 'generation'", {});
    if (!r) co_return Fail(r.error());
    co_return r->empty() ? 0 : r->Int(0, 0);
}

asio::awaitable<Result<std::int64_t>> Store::NextNumber(storage::Session& s, std::string_view name) {
    auto r = co_await s.Query(
        "INSERT INTO catalogi_counter (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = "
        "catalogi_counter.value + 1 RETURNING value",
        storage::MakeParams(std::string(name))
    );
    if (!r) co_return Fail(r.error());
    co_return r->Int(0, 0);
}

}  // namespace thorbecke::catalogi
