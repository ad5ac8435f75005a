#pragma once
// Bulk loading of documents (`thorbecke zaken-load --documenten N`), for benchmarks at a realistic size.
//
// One template document goes through the Documenten service itself (documentregistreren: the document, its
// content in the blob store, the zaakinformatieobject in the Zaken API and the objectinformatieobject that
// mirrors it, with audit trail entries). Every further document is a copy of the rows that request wrote,
// written in bulk (multi-row INSERTs, a few thousand documents per transaction) with the per-document values
// replaced: uuids, identificatie (a block of the service's own counter), titel, the zaak it belongs to and
// its content (one of `contents` distinct texts of equal length, written to the blob store once each: the
// store keeps equal content once). Bulk documents get no audit trail entries: nobody changed them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/blob_store.h"
#include "core/storage/row_copies.h"
#include "documenten/service.h"
#include "documenten/store.h"

namespace thorbecke::documenten {

//! The zaken documents belong to, in a stable order (see storage::KeySource).
using ZaakSource = storage::KeySource;

struct BulkOptions {
    std::int64_t documenten = 0;
    std::string informatieobjecttype;  // absolute URL (base + /catalogi/...), published, allowed by every zaaktype
    int contents = 1000;               // distinct contents
    //! related_rows: what the Zaken API writes for a zaakinformatieobject (zaken/bulk.h: kRelationRows).
    storage::CopyOptions copy;
};

struct BulkSummary {
    storage::CopySummary copies;
    std::int64_t blobs = 0;  // distinct contents written
};

//! Adds `options.documenten` documents, document i linked to the i-th zaak of `zaken` (cycling when there are
//! fewer zaken). The database must hold no documents yet.
asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, storage::BlobStore& blobs, const ZaakSource& zaken, BulkOptions options
);

std::string SummaryJson(const BulkSummary& summary);

}  // namespace thorbecke::documenten
