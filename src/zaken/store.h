#pragma once
// Storage of the Zaken API. Zaken have a table of their own with a column for every list filter (indexed),
// so a list at a million zaken costs what it costs at ten thousand. The objects under a zaak (statussen,
// rollen, ...) share one table keyed by zaak and kind; their filterable fields are search keys in an
// indexed key table, which also serves the zaken list filters on rollen. Geometries are searchable through
// PostGIS (PostgreSQL) or an R*Tree plus an exact GEOS test (SQLite).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"
#include "core/storage/where.h"

namespace thorbecke::zaken {

namespace asio = boost::asio;

struct ZaakRow {
    std::int64_t seq = 0;
    std::string uuid;
    std::string identificatie;
    std::string bronorganisatie;
    std::string zaaktype;       // as stored (URLs into this server carry the base-URL marker)
    std::string zaaktype_key;   // what authorisations compare: the zaaktype's uuid, or its URL if not ours
    int vertrouwelijkheid = 0;  // rank, see VertrouwelijkheidRank
    std::string omschrijving;
    std::optional<std::string> registratiedatum, startdatum, einddatum, einddatum_gepland, uiterlijke_einddatum;
    std::optional<std::string> publicatiedatum;
    std::optional<std::string> archiefnominatie, archiefstatus, archiefactiedatum;
    std::optional<std::string> hoofdzaak;                 // uuid
    std::optional<std::string> status, statustype;        // the current status (uuid) and its statustype (stored URL)
    std::optional<std::string> resultaat, resultaattype;  // uuid, stored URL
    std::optional<std::string> geometry;                  // GeoJSON text
    struct Box {
        double minx, miny, maxx, maxy;
    };
    std::optional<Box> bbox;  // of the geometry; set by writers (not read back)
    std::int64_t version = 0;
    std::string doc;  // the response body without derived fields, stored form
};

//! What a zaak's rendering lists of other objects: (kind, uuid) of its rollen, zaakeigenschappen,
//! zaakinformatieobjecten and zaakobjecten in creation order, and its deelzaken.
struct ZaakRelated {
    std::vector<std::pair<std::string, std::string>> objects;
    std::vector<std::string> deelzaken;
};

struct ObjectRow {
    std::int64_t seq = 0;
    std::string uuid;
    std::string kind;
    std::string zaak;  // uuid
    std::string ref;
    std::string attr;
    std::string doc;
};

using storage::NumberPlaceholders;
using storage::Where;

//! SQLite's stand-in for PostGIS's ST_Within on two GeoJSON texts (registered as "thorbecke_within").
bool WithinGeoJson(std::string_view geometry, std::string_view container);

struct ZaakPage {
    std::vector<ZaakRow> rows;
    std::int64_t count = 0;
};

struct ObjectPage {
    std::vector<ObjectRow> rows;
    std::int64_t count = 0;
};

//! One list request on zaken after parsing: conditions, order and, when the filter is only "these
//! zaaktypen up to these vertrouwelijkheden", the same condition on the running totals, which give the
//! count without counting rows.
struct ZaakQuery {
    Where where;
    std::string order = "z.seq";
    std::optional<Where> tally;  // conditions on zaken_tally; nullopt: count rows
    bool no_access = false;      // the caller may see nothing
};

//! The PostgreSQL channel every zaak write notifies, with the zaak's uuid as payload (see storage::ChangeFeed).
inline constexpr std::string_view kChangeChannel = "thorbecke_zaken";

class Store {
  public:
    explicit Store(storage::Database& db) : db_(db) {}
    static std::vector<storage::Migration> Migrations();
    [[nodiscard]] storage::Database& db() { return db_; }
    [[nodiscard]] storage::Dialect dialect() const { return db_.dialect(); }

    // Zaken
    asio::awaitable<Result<std::optional<ZaakRow>>> GetZaak(storage::Session& s, std::string uuid, bool for_update);
    //! A zaak with what its rendering lists, in one statement (the detail GET's only query).
    asio::awaitable<Result<std::optional<std::pair<ZaakRow, ZaakRelated>>>> GetZaakWithRelated(
        storage::Session& s, std::string uuid
    );
    //! What the renderings of a page of zaken list, in two statements whatever the page size.
    asio::awaitable<Result<std::map<std::string, ZaakRelated>>> RelatedOf(
        storage::Session& s, std::vector<std::string> uuids
    );
    asio::awaitable<Result<std::vector<ZaakRow>>> GetZaken(storage::Session& s, std::vector<std::string> uuids);
    asio::awaitable<Status> InsertZaak(storage::Session& s, const ZaakRow& row);
    //! Writes a changed zaak if its version is still `row.version` (then raises it); false if another
    //! write came first.
    asio::awaitable<Result<bool>> UpdateZaak(storage::Session& s, const ZaakRow& before, const ZaakRow& row);
    //! Deletes the zaak, every object under it and their search keys.
    asio::awaitable<Status> DeleteZaak(storage::Session& s, const ZaakRow& row);
    asio::awaitable<Result<ZaakPage>> ListZaken(
        storage::Session& s, const ZaakQuery& q, std::int64_t page, std::int64_t page_size
    );
    asio::awaitable<Result<bool>> IdentificatieTaken(
        storage::Session& s, std::string bronorganisatie, std::string identificatie
    );
    //! Reserved zaaknummers (zaaknummer_reserveren): taken for generation, given to the zaak that names it.
    asio::awaitable<Result<bool>> IdentificatieReserved(
        storage::Session& s, std::string bronorganisatie, std::string identificatie
    );
    asio::awaitable<Status> Reserve(storage::Session& s, std::string bronorganisatie, std::string identificatie);
    asio::awaitable<Status> ReleaseReservation(
        storage::Session& s, std::string bronorganisatie, std::string identificatie
    );
    asio::awaitable<Result<std::vector<std::string>>> Deelzaken(storage::Session& s, std::string uuid);
    //! For a page of zaken: their deelzaken (hoofdzaak uuid -> uuids).
    asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> DeelzakenOf(
        storage::Session& s, std::vector<std::string> uuids
    );

    // Objects under a zaak
    asio::awaitable<Result<std::optional<ObjectRow>>> GetObject(storage::Session& s, std::string uuid, bool for_update);
    asio::awaitable<Status> SaveObject(
        storage::Session& s,
        const ObjectRow& row,
        const std::vector<std::pair<std::string, std::string>>& keys,
        bool insert
    );
    asio::awaitable<Status> DeleteObject(storage::Session& s, const ObjectRow& row);
    //! Replaces the search keys of one object (or of the zaak itself: object = zaak).
    asio::awaitable<Status> ReplaceKeys(
        storage::Session& s, std::string zaak, std::string object, std::vector<std::pair<std::string, std::string>> keys
    );
    //! One page of objects of one kind; `where` conditions may use the zaak as `z`.
    asio::awaitable<Result<ObjectPage>> ListObjects(
        storage::Session& s, std::string kind, const Where& where, std::int64_t page, std::int64_t page_size
    );
    //! Objects of the given kinds under any of the zaken, in creation order.
    asio::awaitable<Result<std::vector<ObjectRow>>> ObjectsOf(
        storage::Session& s, std::vector<std::string> zaak_uuids, std::vector<std::string> kinds, bool with_doc
    );

    // Audit trail
    asio::awaitable<Status> InsertAudit(storage::Session& s, std::string uuid, std::string zaak, std::string doc);
    asio::awaitable<Status> DeleteAudit(storage::Session& s, std::string zaak);
    //! Objects whose search key `name` has one of `values`: (value, object uuid).
    asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> KeyObjects(
        storage::Session& s, std::string name, std::vector<std::string> values
    );
    asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> AuditOf(
        storage::Session& s, std::string zaak, std::string uuid
    );

    //! The next number of a named sequence (identificaties per bronorganisatie and year).
    asio::awaitable<Result<std::int64_t>> NextNumber(storage::Session& s, std::string name);

  private:
    //! PostgreSQL: tells every node (at commit) that what is rendered for this zaak changed.
    asio::awaitable<Status> Notify(storage::Session& s, const std::string& zaak);
    asio::awaitable<Status> Tally(storage::Session& s, const std::string& key, int rank, int delta);
    asio::awaitable<Status> SaveGeometry(storage::Session& s, const ZaakRow& row, bool remove_only);
    storage::Database& db_;
};

}  // namespace thorbecke::zaken
