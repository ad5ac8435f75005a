#include "documenten/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"
#include "core/storage/audit_table.h"
#include "core/storage/portable_schema.h"
#include "core/storage/sequence.h"

namespace thorbecke::documenten {

namespace {

constexpr std::string_view kDocumentColumns =
    "uuid, versie, lock_id, bronorganisatie, identificatie, informatieobjecttype, type_key, vertrouwelijkheid, "
    "indicatie";

DocumentRow ToDocument(const storage::Rows& r, std::size_t i) {
    DocumentRow d;
    d.uuid = r.Text(i, 0);
    d.versie = r.Int(i, 1);
    d.lock = r.Text(i, 2);
    d.bronorganisatie = r.Text(i, 3);
    d.identificatie = r.Text(i, 4);
    d.informatieobjecttype = r.Text(i, 5);
    d.type_key = r.Text(i, 6);
    d.vertrouwelijkheid = static_cast<int>(r.Int(i, 7));
    if (!r.IsNull(i, 8)) d.indicatie_gebruiksrecht = r.Int(i, 8) != 0;
    return d;
}

//! A version from the columns versie, begin_registratie, doc, blob_key, blob_size starting at `first`.
VersionRow ToVersion(const storage::Rows& r, std::size_t i, std::size_t first) {
    VersionRow v;
    v.versie = r.Int(i, first);
    v.begin_registratie = r.Text(i, first + 1);
    v.doc = r.Text(i, first + 2);
    if (!r.IsNull(i, first + 3)) v.blob_key = r.Text(i, first + 3);
    v.blob_size = r.Int(i, first + 4);
    return v;
}

storage::Param Indicatie(const std::optional<bool>& v) {
    if (!v) return nullptr;
    return std::int64_t{*v ? 1 : 0};
}

storage::Param OptInt(const std::optional<std::int64_t>& v) {
    if (!v) return nullptr;
    return *v;
}

storage::Param OptText(const std::optional<std::string>& v) {
    if (!v) return nullptr;
    return *v;
}

// {seq}: the identity column of the engine.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE documenten_document (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    versie INTEGER NOT NULL,
    lock_id TEXT NOT NULL DEFAULT '',
    bronorganisatie TEXT NOT NULL,
    identificatie TEXT NOT NULL,
    informatieobjecttype TEXT NOT NULL,
    type_key TEXT NOT NULL,
    vertrouwelijkheid INTEGER NOT NULL,
    vertrouwelijkheidaanduiding TEXT NOT NULL,
    indicatie INTEGER,
    creatiedatum TEXT NOT NULL,
    titel TEXT NOT NULL,
    auteur TEXT NOT NULL,
    beschrijving TEXT NOT NULL,
    status TEXT NOT NULL,
    formaat TEXT NOT NULL,
    bestandsomvang INTEGER,
    UNIQUE (bronorganisatie, identificatie)
);
CREATE INDEX documenten_document_type ON documenten_document (type_key, seq, vertrouwelijkheid);
CREATE INDEX documenten_document_identificatie ON documenten_document (identificatie);
CREATE INDEX documenten_document_creatiedatum ON documenten_document (creatiedatum);
CREATE INDEX documenten_document_titel ON documenten_document (titel);
CREATE INDEX documenten_document_auteur ON documenten_document (auteur);
CREATE INDEX documenten_document_beschrijving ON documenten_document (beschrijving);
CREATE INDEX documenten_document_status ON documenten_document (status);
CREATE INDEX documenten_document_formaat ON documenten_document (formaat);
CREATE INDEX documenten_document_omvang ON documenten_document (bestandsomvang);
CREATE INDEX documenten_document_vertrouwelijkheid ON documenten_document (vertrouwelijkheidaanduiding);
CREATE INDEX documenten_document_lock ON documenten_document (lock_id);
CREATE TABLE documenten_trefwoord (
    document TEXT NOT NULL,
    woord TEXT NOT NULL,
    PRIMARY KEY (document, woord)
);
CREATE INDEX documenten_trefwoord_woord ON documenten_trefwoord (woord, document);
CREATE TABLE documenten_versie (
    document TEXT NOT NULL,
    versie INTEGER NOT NULL,
    begin_registratie TEXT NOT NULL,
    doc TEXT NOT NULL,
    blob_key TEXT,
    blob_size INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document, versie)
);
CREATE INDEX documenten_versie_registratie ON documenten_versie (document, begin_registratie);
CREATE INDEX documenten_versie_blob ON documenten_versie (blob_key);
CREATE TABLE documenten_deel (
    uuid TEXT NOT NULL PRIMARY KEY,
    document TEXT NOT NULL,
    volgnummer INTEGER NOT NULL,
    omvang INTEGER NOT NULL,
    blob_key TEXT
);
CREATE INDEX documenten_deel_document ON documenten_deel (document, volgnummer);
CREATE INDEX documenten_deel_blob ON documenten_deel (blob_key);
CREATE TABLE documenten_object (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    document TEXT NOT NULL,
    k1 TEXT NOT NULL DEFAULT '',
    k2 TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL
);
CREATE INDEX documenten_object_document ON documenten_object (document, kind, seq);
CREATE INDEX documenten_object_k1 ON documenten_object (kind, k1, seq);
CREATE INDEX documenten_object_k2 ON documenten_object (kind, k2, seq);
CREATE UNIQUE INDEX documenten_object_link ON documenten_object (document, k1) WHERE kind = 'objectinformatieobject';
CREATE TABLE documenten_audit (
    seq {seq},
    uuid TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX documenten_audit_document ON documenten_audit (document, seq);
CREATE TABLE documenten_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE documenten_reservering (
    bronorganisatie TEXT NOT NULL,
    identificatie TEXT NOT NULL,
    PRIMARY KEY (bronorganisatie, identificatie)
);
)sql";

}  // namespace

namespace {
const storage::AuditTable kAudit("documenten_audit", "document");
}  // namespace

std::vector<storage::Migration> Store::Migrations() {
    return {storage::PortableMigration("0200_documenten", kSchema)};
}

asio::awaitable<Result<std::optional<DocumentRow>>> Store::GetDocument(
    storage::Session& s, std::string uuid, bool for_update
) {
    std::string sql = fmt::format("SELECT {} FROM documenten_document WHERE uuid = $1", kDocumentColumns);
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<DocumentRow>();
    co_return ToDocument(*r, 0);
}

namespace {

storage::Params DocumentParams(const DocumentRow& d, const DocumentColumns& c) {
    storage::Params p;
    p.emplace_back(d.uuid);
    p.emplace_back(d.versie);
    p.emplace_back(d.lock);
    p.emplace_back(d.bronorganisatie);
    p.emplace_back(d.identificatie);
    p.emplace_back(d.informatieobjecttype);
    p.emplace_back(d.type_key);
    p.emplace_back(std::int64_t{d.vertrouwelijkheid});
    p.emplace_back(c.vertrouwelijkheidaanduiding);
    p.push_back(Indicatie(d.indicatie_gebruiksrecht));
    p.emplace_back(c.creatiedatum);
    p.emplace_back(c.titel);
    p.emplace_back(c.auteur);
    p.emplace_back(c.beschrijving);
    p.emplace_back(c.status);
    p.emplace_back(c.formaat);
    p.push_back(OptInt(c.bestandsomvang));
    return p;
}

asio::awaitable<Status> WriteTrefwoorden(storage::Session& s, std::string uuid, std::vector<std::string> words) {
    auto del = co_await s.Query("DELETE FROM documenten_trefwoord WHERE document = $1", storage::MakeParams(uuid));
    if (!del) co_return Fail(del.error());
    for (const auto& w : words) {
        auto r = co_await s.Query(
            "INSERT INTO documenten_trefwoord (document, woord) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            storage::MakeParams(uuid, w)
        );
        if (!r) co_return Fail(r.error());
    }
    co_return Status{};
}

}  // namespace

asio::awaitable<Status> Store::InsertDocument(storage::Session& s, const DocumentRow& d, const DocumentColumns& c) {
    auto r = co_await s.Query(
        "INSERT INTO documenten_document (uuid, versie, lock_id, bronorganisatie, identificatie, informatieobjecttype, "
        "type_key, vertrouwelijkheid, vertrouwelijkheidaanduiding, indicatie, creatiedatum, titel, auteur, "
        "beschrijving, status, formaat, bestandsomvang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15, $16, $17)",
        DocumentParams(d, c)
    );
    if (!r) co_return Fail(r.error());
    co_return co_await WriteTrefwoorden(s, d.uuid, c.trefwoorden);
}

asio::awaitable<Status> Store::UpdateDocument(storage::Session& s, const DocumentRow& d, const DocumentColumns& c) {
    auto r = co_await s.Query(
        "UPDATE documenten_document SET versie = $2, lock_id = $3, bronorganisatie = $4, identificatie = $5, "
        "informatieobjecttype = $6, type_key = $7, vertrouwelijkheid = $8, vertrouwelijkheidaanduiding = $9, "
        "indicatie = $10, creatiedatum = $11, titel = $12, auteur = $13, beschrijving = $14, status = $15, "
        "formaat = $16, bestandsomvang = $17 WHERE uuid = $1",
        DocumentParams(d, c)
    );
    if (!r) co_return Fail(r.error());
    co_return co_await WriteTrefwoorden(s, d.uuid, c.trefwoorden);
}

asio::awaitable<Status> Store::SetLock(storage::Session& s, std::string uuid, std::string lock) {
    auto r = co_await s.Query(
        "UPDATE documenten_document SET lock_id = $2 WHERE uuid = $1", storage::MakeParams(uuid, lock)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::SetIndicatie(storage::Session& s, std::string uuid, std::optional<bool> value) {
    storage::Params p = storage::MakeParams(uuid);
    p.push_back(Indicatie(value));
    auto r = co_await s.Query("UPDATE documenten_document SET indicatie = $2 WHERE uuid = $1", std::move(p));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<std::string>>> Store::DeleteDocument(storage::Session& s, std::string uuid) {
    std::vector<std::string> keys;
    auto blobs = co_await s.Query(
        "SELECT blob_key FROM documenten_versie WHERE document = $1 AND blob_key IS NOT NULL UNION "
        "SELECT blob_key FROM documenten_deel WHERE document = $1 AND blob_key IS NOT NULL",
        storage::MakeParams(uuid)
    );
    if (!blobs) co_return Fail(blobs.error());
    for (std::size_t i = 0; i < blobs->size(); ++i) keys.push_back(blobs->Text(i, 0));
    for (std::string_view table :
         {"documenten_versie",
          "documenten_deel",
          "documenten_object",
          "documenten_audit",
          "documenten_trefwoord",
          "documenten_document"}) {
        std::string column = table == "documenten_document" ? "uuid" : "document";
        auto r =
            co_await s.Query(fmt::format("DELETE FROM {} WHERE {} = $1", table, column), storage::MakeParams(uuid));
        if (!r) co_return Fail(r.error());
    }
    co_return keys;
}

asio::awaitable<Result<bool>> Store::IdentificatieTaken(
    storage::Session& s,
    std::string bronorganisatie,
    std::string identificatie,
    std::string except_uuid,
    bool include_reserved
) {
    std::string sql =
        "SELECT 1 FROM documenten_document WHERE bronorganisatie = $1 AND identificatie = $2 AND uuid <> $3";
    if (include_reserved) {
        sql += " UNION ALL SELECT 1 FROM documenten_reservering WHERE bronorganisatie = $1 AND identificatie = $2";
    }
    auto r = co_await s.Query(sql, storage::MakeParams(bronorganisatie, identificatie, except_uuid));
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

asio::awaitable<Status> Store::Reserve(storage::Session& s, std::string bronorganisatie, std::string identificatie) {
    auto r = co_await s.Query(
        "INSERT INTO documenten_reservering (bronorganisatie, identificatie) VALUES ($1, $2)",
        storage::MakeParams(bronorganisatie, identificatie)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::InsertVersion(storage::Session& s, std::string document, const VersionRow& v) {
    storage::Params p = storage::MakeParams(document, v.versie, v.begin_registratie, v.doc);
    p.push_back(OptText(v.blob_key));
    p.emplace_back(v.blob_size);
    auto r = co_await s.Query(
        "INSERT INTO documenten_versie (document, versie, begin_registratie, doc, blob_key, blob_size) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        std::move(p)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::optional<VersionRow>>> Store::GetVersion(
    storage::Session& s, std::string document, std::int64_t versie, std::string registratie_op
) {
    constexpr std::string_view kColumns = "v.versie, v.begin_registratie, v.doc, v.blob_key, v.blob_size";
    Result<storage::Rows> r;
    if (versie > 0) {
        r = co_await s.Query(
            fmt::format("SELECT {} FROM documenten_versie v WHERE v.document = $1 AND v.versie = $2", kColumns),
            storage::MakeParams(document, versie)
        );
    } else if (!registratie_op.empty()) {
        r = co_await s.Query(
            fmt::format(
                "SELECT {} FROM documenten_versie v WHERE v.document = $1 AND v.begin_registratie <= $2 "
                "ORDER BY v.begin_registratie DESC, v.versie DESC LIMIT 1",
                kColumns
            ),
            storage::MakeParams(document, registratie_op)
        );
    } else {
        r = co_await s.Query(
            fmt::format(
                "SELECT {} FROM documenten_document d JOIN documenten_versie v ON v.document = d.uuid AND "
                "v.versie = d.versie WHERE d.uuid = $1",
                kColumns
            ),
            storage::MakeParams(document)
        );
    }
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<VersionRow>();
    co_return ToVersion(*r, 0, 0);
}

asio::awaitable<Result<std::optional<std::pair<DocumentRow, VersionRow>>>> Store::GetCurrent(
    storage::Session& s, std::string uuid
) {
    // The identity row's columns, then the version's: one statement (one round trip on PostgreSQL).
    static const std::string kSql =
        "SELECT d.uuid, d.versie, d.lock_id, d.bronorganisatie, d.identificatie, d.informatieobjecttype, "
        "d.type_key, d.vertrouwelijkheid, d.indicatie, v.versie, v.begin_registratie, v.doc, v.blob_key, "
        "v.blob_size FROM documenten_document d JOIN documenten_versie v ON v.document = d.uuid AND "
        "v.versie = d.versie WHERE d.uuid = $1";
    auto r = co_await s.Query(kSql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<std::pair<DocumentRow, VersionRow>>();
    co_return std::make_optional(std::pair{ToDocument(*r, 0), ToVersion(*r, 0, 9)});
}

asio::awaitable<Status> Store::SetVersionContent(
    storage::Session& s,
    std::string document,
    std::int64_t versie,
    std::string doc,
    std::optional<std::string> key,
    std::int64_t size
) {
    storage::Params p = storage::MakeParams(document, versie, doc);
    p.push_back(OptText(key));
    p.emplace_back(size);
    auto r = co_await s.Query(
        "UPDATE documenten_versie SET doc = $3, blob_key = $4, blob_size = $5 WHERE document = $1 AND versie = $2",
        std::move(p)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<bool>> Store::BlobInUse(storage::Session& s, std::string key) {
    auto r = co_await s.Query(
        "SELECT 1 FROM documenten_versie WHERE blob_key = $1 UNION ALL "
        "SELECT 1 FROM documenten_deel WHERE blob_key = $1",
        storage::MakeParams(key)
    );
    if (!r) co_return Fail(r.error());
    co_return !r->empty();
}

namespace {

PartRow ToPart(const storage::Rows& r, std::size_t i) {
    PartRow p;
    p.uuid = r.Text(i, 0);
    p.document = r.Text(i, 1);
    p.volgnummer = r.Int(i, 2);
    p.omvang = r.Int(i, 3);
    if (!r.IsNull(i, 4)) p.blob_key = r.Text(i, 4);
    return p;
}

}  // namespace

asio::awaitable<Status> Store::InsertPart(storage::Session& s, const PartRow& p) {
    auto r = co_await s.Query(
        "INSERT INTO documenten_deel (uuid, document, volgnummer, omvang) VALUES ($1, $2, $3, $4)",
        storage::MakeParams(p.uuid, p.document, p.volgnummer, p.omvang)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<PartRow>>> Store::PartsOf(storage::Session& s, std::string document) {
    auto r = co_await s.Query(
        "SELECT uuid, document, volgnummer, omvang, blob_key FROM documenten_deel WHERE document = $1 "
        "ORDER BY volgnummer",
        storage::MakeParams(document)
    );
    if (!r) co_return Fail(r.error());
    std::vector<PartRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ToPart(*r, i));
    co_return out;
}

asio::awaitable<Result<std::optional<PartRow>>> Store::GetPart(storage::Session& s, std::string uuid, bool for_update) {
    std::string sql = "SELECT uuid, document, volgnummer, omvang, blob_key FROM documenten_deel WHERE uuid = $1";
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<PartRow>();
    co_return ToPart(*r, 0);
}

asio::awaitable<Status> Store::SetPartBlob(storage::Session& s, std::string uuid, std::string key) {
    auto r =
        co_await s.Query("UPDATE documenten_deel SET blob_key = $2 WHERE uuid = $1", storage::MakeParams(uuid, key));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::vector<std::string>>> Store::DeleteParts(storage::Session& s, std::string document) {
    auto r = co_await s.Query(
        "DELETE FROM documenten_deel WHERE document = $1 RETURNING blob_key", storage::MakeParams(document)
    );
    if (!r) co_return Fail(r.error());
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < r->size(); ++i) {
        if (!r->IsNull(i, 0)) keys.push_back(r->Text(i, 0));
    }
    co_return keys;
}

namespace {

ChildRow ToChild(const storage::Rows& r, std::size_t i) {
    return ChildRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5)};
}

constexpr std::string_view kChildColumns = "uuid, kind, document, doc, k1, k2";

}  // namespace

asio::awaitable<Result<std::optional<ChildRow>>> Store::GetChild(
    storage::Session& s, std::string uuid, bool for_update
) {
    std::string sql = fmt::format("SELECT {} FROM documenten_object WHERE uuid = $1", kChildColumns);
    if (for_update && db_.dialect() == storage::Dialect::kPostgres) sql += " FOR UPDATE";
    auto r = co_await s.Query(sql, storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<ChildRow>();
    co_return ToChild(*r, 0);
}

asio::awaitable<Status> Store::PutChild(storage::Session& s, const ChildRow& c) {
    auto r = co_await s.Query(
        "INSERT INTO documenten_object (uuid, kind, document, doc, k1, k2) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (uuid) DO UPDATE SET document = excluded.document, doc = excluded.doc, k1 = excluded.k1, "
        "k2 = excluded.k2",
        storage::MakeParams(c.uuid, c.kind, c.document, c.doc, c.k1, c.k2)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Status> Store::DeleteChild(storage::Session& s, std::string uuid) {
    auto r = co_await s.Query("DELETE FROM documenten_object WHERE uuid = $1", storage::MakeParams(uuid));
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

asio::awaitable<Result<std::int64_t>> Store::CountChildren(
    storage::Session& s, std::string kind, std::string document
) {
    auto r = co_await s.Query(
        "SELECT COUNT(*) FROM documenten_object WHERE document = $1 AND kind = $2", storage::MakeParams(document, kind)
    );
    if (!r) co_return Fail(r.error());
    co_return r->Int(0, 0);
}

asio::awaitable<Result<std::optional<ChildRow>>> Store::FindLink(
    storage::Session& s, std::string document, std::string object
) {
    auto r = co_await s.Query(
        fmt::format(
            "SELECT {} FROM documenten_object WHERE document = $1 AND k1 = $2 AND kind = 'objectinformatieobject'",
            kChildColumns
        ),
        storage::MakeParams(document, object)
    );
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::optional<ChildRow>();
    co_return ToChild(*r, 0);
}

asio::awaitable<Status> Store::InsertAudit(
    storage::Session& s, std::string uuid, std::string document, std::string doc
) {
    co_return co_await kAudit.Insert(s, std::move(uuid), std::move(document), std::move(doc));
}

asio::awaitable<Result<std::vector<std::string>>> Store::AuditOf(
    storage::Session& s, std::string document, std::string uuid
) {
    auto entries = co_await kAudit.Entries(s, std::move(document), std::move(uuid));
    if (!entries) co_return Fail(entries.error());
    std::vector<std::string> out;
    for (auto& [id, doc] : *entries) out.push_back(std::move(doc));
    co_return out;
}

}  // namespace thorbecke::documenten
