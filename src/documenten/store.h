#pragma once
// The Documenten API's tables. A document is one identity row (uuid, lock, current version and the columns
// the list filters use, indexed) and one row per version (its JSON and its content's blob key), so a list
// reads the current versions through the identity table without scanning history. Content lives in a
// storage::BlobStore; rows keep only keys and sizes.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::documenten {

namespace asio = boost::asio;

//! The identity of a document, with the current version's filter columns.
struct DocumentRow {
    std::string uuid;
    std::int64_t versie = 1;
    std::string lock;  // "" when unlocked
    std::string bronorganisatie;
    std::string identificatie;
    std::string informatieobjecttype;  // stored URL form
    std::string type_key;              // what grants compare (see TypeKey)
    int vertrouwelijkheid = 0;         // rank 1..8
    std::optional<bool> indicatie_gebruiksrecht;
};

//! The current version's searchable values, written to the identity row with every version.
struct DocumentColumns {
    std::string vertrouwelijkheidaanduiding;
    std::string creatiedatum;
    std::string titel;
    std::string auteur;
    std::string beschrijving;
    std::string status;
    std::string formaat;
    std::optional<std::int64_t> bestandsomvang;
    std::vector<std::string> trefwoorden;
};

struct VersionRow {
    std::int64_t versie = 0;
    std::string begin_registratie;  // UTC instant, comparable as text
    std::string doc;                // stored JSON of the version's fields
    std::optional<std::string> blob_key;
    std::int64_t blob_size = 0;
};

struct PartRow {
    std::string uuid;
    std::string document;
    std::int64_t volgnummer = 0;
    std::int64_t omvang = 0;
    std::optional<std::string> blob_key;
};

//! A gebruiksrecht, verzending or objectinformatieobject: the document it belongs to and its JSON.
//! k1/k2 are the kind's filter columns: gebruiksrechten startdatum/einddatum (UTC instants), verzendingen
//! aardRelatie/betrokkene, objectinformatieobjecten object/objectType.
struct ChildRow {
    std::string uuid;
    std::string kind;
    std::string document;
    std::string doc;
    std::string k1;
    std::string k2;
};

class Store {
  public:
    explicit Store(storage::Database& db) : db_(db) {}
    static std::vector<storage::Migration> Migrations();
    storage::Database& db() { return db_; }

    // ---- documents ----
    asio::awaitable<Result<std::optional<DocumentRow>>> GetDocument(
        storage::Session& s, std::string uuid, bool for_update
    );
    asio::awaitable<Status> InsertDocument(storage::Session& s, const DocumentRow& d, const DocumentColumns& c);
    asio::awaitable<Status> UpdateDocument(storage::Session& s, const DocumentRow& d, const DocumentColumns& c);
    asio::awaitable<Status> SetLock(storage::Session& s, std::string uuid, std::string lock);
    asio::awaitable<Status> SetIndicatie(storage::Session& s, std::string uuid, std::optional<bool> value);
    //! Removes the document, its versions, parts, children and audit trail; returns the blob keys it held.
    asio::awaitable<Result<std::vector<std::string>>> DeleteDocument(storage::Session& s, std::string uuid);
    //! Whether another document (or, with include_reserved, a reservation) has the identificatie.
    asio::awaitable<Result<bool>> IdentificatieTaken(
        storage::Session& s,
        std::string bronorganisatie,
        std::string identificatie,
        std::string except_uuid,
        bool include_reserved
    );
    asio::awaitable<Status> Reserve(storage::Session& s, std::string bronorganisatie, std::string identificatie);

    // ---- versions ----
    asio::awaitable<Status> InsertVersion(storage::Session& s, std::string document, const VersionRow& v);
    //! versie > 0: that version; else registratie_op non-empty: the last that began at or before it; else the
    //! current one (by the identity row's versie).
    asio::awaitable<Result<std::optional<VersionRow>>> GetVersion(
        storage::Session& s, std::string document, std::int64_t versie, std::string registratie_op
    );
    asio::awaitable<Status> SetVersionContent(
        storage::Session& s,
        std::string document,
        std::int64_t versie,
        std::string doc,
        std::optional<std::string> key,
        std::int64_t size
    );
    //! A document with its current version, in one statement (the detail GET's only query).
    asio::awaitable<Result<std::optional<std::pair<DocumentRow, VersionRow>>>> GetCurrent(
        storage::Session& s, std::string uuid
    );
    //! Whether any version or part still refers to the blob.
    asio::awaitable<Result<bool>> BlobInUse(storage::Session& s, std::string key);

    // ---- parts (bestandsdelen) ----
    asio::awaitable<Status> InsertPart(storage::Session& s, const PartRow& p);
    asio::awaitable<Result<std::vector<PartRow>>> PartsOf(storage::Session& s, std::string document);
    asio::awaitable<Result<std::optional<PartRow>>> GetPart(storage::Session& s, std::string uuid, bool for_update);
    asio::awaitable<Status> SetPartBlob(storage::Session& s, std::string uuid, std::string key);
    //! Removes the document's parts; returns their blob keys.
    asio::awaitable<Result<std::vector<std::string>>> DeleteParts(storage::Session& s, std::string document);

    // ---- gebruiksrechten, verzendingen, objectinformatieobjecten ----
    asio::awaitable<Result<std::optional<ChildRow>>> GetChild(storage::Session& s, std::string uuid, bool for_update);
    //! Inserts or replaces.
    asio::awaitable<Status> PutChild(storage::Session& s, const ChildRow& c);
    asio::awaitable<Status> DeleteChild(storage::Session& s, std::string uuid);
    asio::awaitable<Result<std::int64_t>> CountChildren(storage::Session& s, std::string kind, std::string document);
    //! The objectinformatieobject of a document and object (stored URL forms).
    asio::awaitable<Result<std::optional<ChildRow>>> FindLink(
        storage::Session& s, std::string document, std::string object
    );

    // ---- audit trail ----
    asio::awaitable<Status> InsertAudit(storage::Session& s, std::string uuid, std::string document, std::string doc);
    asio::awaitable<Result<std::vector<std::string>>> AuditOf(
        storage::Session& s, std::string document, std::string uuid
    );

  private:
    storage::Database& db_;
};

//! The child kinds and their table columns.
inline constexpr std::string_view kKindGebruiksrechten = "gebruiksrechten";
inline constexpr std::string_view kKindVerzending = "verzending";
inline constexpr std::string_view kKindLink = "objectinformatieobject";

}  // namespace thorbecke::documenten
