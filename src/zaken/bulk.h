#pragma once
// Bulk loading of zaken (`thorbecke zaken-load`), for benchmarks and trials at a realistic size.
//
// One zaak per zaaktype (with two statussen and a rol) goes through the Zaken service itself, as an API
// request would: validation, audit trail, identificatie. These are the templates. Every further zaak is
// written in bulk through the storage layer, in transactions of a few thousand zaken with multi-row INSERTs,
// in exactly the stored form the service writes: the template's documents with the per-zaak fields
// replaced (uuid, identificatie, dates, vertrouwelijkheidaanduiding, geometry, BSN, ...), its search keys,
// its geometry (SQLite: the R*Tree; PostgreSQL: the PostGIS column), the running totals and the
// identificatie counters. Bulk zaken get no audit trail entries: nobody changed them through the API.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "zaken/service.h"
#include "zaken/store.h"

namespace thorbecke::zaken {

//! Types of other registers that the loader's zaaktypen refer to (absolute URLs starting with kBulkBase).
struct CatalogueExtras {
    std::vector<std::string> informatieobjecttypen;  // each becomes a zaaktype-informatieobjecttype
    std::vector<std::string> besluittypen;           // the zaaktype's besluittypen
};

//! Writes the loader's catalogue. The binary implements it with the Catalogi service, so the types are
//! validated and stored as API requests would be.
class CatalogueWriter {
  public:
    virtual ~CatalogueWriter() = default;
    //! Creates a resource of a Catalogi collection ("catalogussen", "zaaktypen", ...) from a JSON body whose
    //! URLs start with kBulkBase; returns its uuid.
    virtual asio::awaitable<Result<std::string>> Create(std::string collection, std::string body) = 0;
    virtual asio::awaitable<Status> Publish(std::string collection, std::string uuid) = 0;
    //! Called once the catalogus exists (its URL starts with kBulkBase): the published informatieobjecttypen
    //! and besluittypen every zaaktype of the load shall allow (`thorbecke zaken-load --documenten/--besluiten`
    //! creates one of each). None by default.
    virtual asio::awaitable<Result<CatalogueExtras>> Extras(std::string catalogus) {
        (void)catalogus;
        co_return CatalogueExtras{};
    }
};

//! The base URL the loader addresses this platform by (stored URLs are relative, so any host serves them).
inline constexpr std::string_view kBulkBase = "http://thorbecke.load";

struct BulkOptions {
    std::int64_t zaken = 0;  // how many zaken to add
    int zaaktypen = 100;     // zaaktypen of a new catalogue (an existing loader catalogue keeps its own)
    std::uint64_t seed = 1;  // the same seed and database state give the same zaken
    int batch = 2000;        // zaken per transaction
    bool append = false;     // add to a database that already holds zaken
    std::int64_t progress_every = 50000;
    std::function<void(const std::string&)> progress;  // receives one line of progress at a time
};

struct BulkSummary {
    std::int64_t existing = 0;  // zaken before the load
    std::int64_t added = 0;     // zaken added (templates included)
    std::int64_t templates = 0;
    std::int64_t total = 0;  // zaken after the load
    std::int64_t rows = 0;   // rows written in bulk, all tables
    double seconds = 0;      // the bulk part
    bool created_catalogue = false;
    std::string catalogus;               // path of the catalogus, when this load created it
    std::vector<std::string> zaaktypen;  // paths (/catalogi/api/v1/zaaktypen/<uuid>), in template order
};

//! Adds `options.zaken` zaken. Refuses when zaken exist unless `options.append`; reuses the templates (and
//! so the zaaktypen) of an earlier load, otherwise creates a catalogue with `options.zaaktypen` published
//! zaaktypen (three statustypen and two roltypen each) and one template zaak per zaaktype.
asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, CatalogueWriter& catalogue, BulkOptions options
);

//! POSTs one resource through the Zaken service as a client with all rights (the loader's templates); returns
//! the uuid of the new resource. `body` names resources by URLs starting with kBulkBase.
asio::awaitable<Result<std::string>> PostAsLoader(Service& service, KindId kind, std::string scope, std::string body);

//! The rows this register writes for a relation object of a zaak (a zaakinformatieobject, a zaakbesluit), which
//! other registers' bulk loaders copy with their own: (table, condition with $1 = the object's uuid).
inline const std::vector<std::pair<std::string, std::string>> kRelationRows = {
    {"zaken_object", "uuid = $1"}, {"zaken_key", "object = $1"}};

//! The uuid of the relation object of zaak `zaak` (uuid) whose document names `needle` (a besluit's uuid, say);
//! "" when there is none.
asio::awaitable<Result<std::string>> FindRelation(Store& store, std::string zaak, std::string needle);

//! Zaken in the order they were written: up to `limit` uuids after position `after`, and the last position.
asio::awaitable<Result<std::pair<std::vector<std::string>, std::int64_t>>> ZakenAfter(
    Store& store, std::int64_t after, std::int64_t limit
);

//! The summary as one JSON object (what `zaken-load` prints on stdout).
std::string SummaryJson(const BulkSummary& summary);

}  // namespace thorbecke::zaken
