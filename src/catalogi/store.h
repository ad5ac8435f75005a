#pragma once
// Storage of the Catalogi API: one table of objects (every resource kind, with the columns its filters
// need, indexed) and one table of references between them. Derived fields (a zaaktype's statustypen, a
// besluittype's zaaktypen, ...) are read from the reference table in a fixed number of queries per page,
// whatever the page size: no N+1.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "catalogi/model.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::catalogi {

namespace asio = boost::asio;

struct Row {
    std::string uuid;
    KindId kind = KindId::kCatalogus;
    std::string catalogus;  // uuid of the catalogus (empty for a catalogus itself)
    std::string zaaktype;   // uuid of the owning zaaktype (children only)
    bool is_concept = false;
    std::string identificatie;  // version key: zaaktype identificatie, else omschrijving
    std::string omschrijving;
    std::optional<std::string> begin_geldigheid, einde_geldigheid;
    std::string attr1, attr2, attr3;
    std::optional<std::int64_t> volgnummer;
    std::string input;  // the request body as accepted (request form, stored URLs), for PATCH merges
    std::string doc;    // the response body minus derived fields, stored URLs marked
    std::string created_at;
};

struct Link {
    std::string rel;
    std::string dst;  // uuid
};

//! One list request after parsing its query parameters.
struct ListQuery {
    std::vector<std::pair<std::string, storage::Param>> where;  // SQL condition with a single `?` → param
    std::vector<std::string> raw_where;                         // conditions without a parameter
};

struct Page {
    std::vector<Row> rows;
    std::int64_t count = 0;
};

//! Everything needed to render derived fields of a set of rows.
struct Related {
    //! dst uuid → (source kind, source uuid, rel, source omschrijving), sources ordered by creation.
    std::map<std::string, std::vector<std::tuple<std::string, std::string, std::string, std::string>>> incoming;
    //! src uuid → (rel, dst uuid, dst omschrijving) in stored order.
    std::map<std::string, std::vector<std::tuple<std::string, std::string, std::string>>> outgoing;
    //! zaaktype uuid → informatieobjecttype uuids (through zaaktype-informatieobjecttypen), and back.
    std::map<std::string, std::vector<std::string>> zaaktype_iots, iot_zaaktypen;
    //! parent zaaktypen of children: uuid → identificatie
    std::map<std::string, std::string> zaaktype_identificatie;
    //! zaaktype uuid → highest statustype volgnummer
    std::map<std::string, std::int64_t> max_volgnummer;
    //! (kind, catalogus, version key) → (first begin, last end or empty when open-ended)
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::string, std::string>> object_span;
};

//! The PostgreSQL channel every catalogue write notifies (see storage::ChangeFeed).
inline constexpr std::string_view kChangeChannel = "thorbecke_catalogi";

class Store {
  public:
    explicit Store(storage::Database& db) : db_(db) {}
    static std::vector<storage::Migration> Migrations();

    [[nodiscard]] storage::Database& db() { return db_; }

    //! Reads inside a transaction (session) or on their own (nullptr).
    asio::awaitable<Result<std::optional<Row>>> Get(storage::Session* s, std::string_view uuid);
    asio::awaitable<Result<std::vector<Row>>> GetMany(storage::Session* s, const std::vector<std::string>& uuids);
    //! One page of a list, in creation order; rows come without `input` (pages are only rendered).
    asio::awaitable<Result<Page>> List(
        storage::Session* s, const Kind& kind, const ListQuery& q, std::int64_t page, std::int64_t page_size
    );
    asio::awaitable<Result<Related>> LoadRelated(storage::Session* s, const std::vector<Row>& rows);

    //! Creates or replaces an object with its references (one upsert; uuid, kind and creation time stay).
    asio::awaitable<Status> Save(storage::Session& s, const Row& row, const std::vector<Link>& links);
    //! Deletes the object, its links and (for a zaaktype) every child object with their links.
    asio::awaitable<Status> Delete(storage::Session& s, const Row& row);
    //! Marks an object published; for a zaaktype its children follow.
    asio::awaitable<Status> Publish(storage::Session& s, const Row& row);

    //! Removes one reference `src` → `dst` under `rel`, with the referrer's new request and document forms.
    asio::awaitable<Status> Detach(
        storage::Session& s,
        const std::string& src,
        std::string_view rel,
        const std::string& dst,
        const std::string& input,
        const std::string& doc
    );
    //! Objects (other than own children) that refer to uuid: (kind, uuid, rel).
    asio::awaitable<Result<std::vector<std::tuple<std::string, std::string, std::string>>>> Referrers(
        storage::Session& s, const Row& row
    );
    //! Versions of the same type in the same catalogus (same version key), other than `except_uuid`.
    asio::awaitable<Result<std::vector<Row>>> Versions(
        storage::Session& s,
        KindId kind,
        const std::string& catalogus,
        const std::string& key,
        const std::string& except_uuid
    );
    //! Children of a zaaktype of one kind.
    asio::awaitable<Result<std::vector<Row>>> Children(storage::Session* s, KindId kind, const std::string& zaaktype);
    //! The uuids `src` links to under `rel`.
    asio::awaitable<Result<std::vector<std::string>>> Targets(
        storage::Session* s, const std::string& src, std::string_view rel
    );

    //! The catalogue's generation: a number every write raises in its own transaction. A rendering made
    //! when it had value G is valid as long as it still has value G, on every node and in every process.
    asio::awaitable<Result<std::int64_t>> Generation(storage::Session* s);

    //! Next number for generated identificaties (per kind).
    asio::awaitable<Result<std::int64_t>> NextNumber(storage::Session& s, std::string_view name);

  private:
    asio::awaitable<Status> BumpGeneration(storage::Session& s);
    asio::awaitable<Result<storage::Rows>> Run(storage::Session* s, std::string_view sql, storage::Params params);
    storage::Database& db_;
};

}  // namespace thorbecke::catalogi
