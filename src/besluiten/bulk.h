#pragma once
// Bulk loading of besluiten (`thorbecke zaken-load --besluiten N`), for benchmarks at a realistic size.
//
// One template besluit on a zaak goes through the Besluiten service itself (validation, identificatie, the
// zaakbesluit in the Zaken API, audit trail). Every further besluit is a copy of the rows that request wrote,
// written in bulk with the per-besluit values replaced: uuids, identificatie (a block of the service's own
// counter), the zaak it is about. Bulk besluiten get no audit trail entries: nobody changed them.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "besluiten/service.h"
#include "besluiten/store.h"
#include "core/error.h"
#include "core/storage/row_copies.h"

namespace thorbecke::besluiten {

//! The zaken besluiten belong to, in a stable order (see storage::KeySource).
using ZaakSource = storage::KeySource;
//! The uuid of the relation object the Zaken API wrote on zaak `zaak` for the besluit `besluit` (uuids).
using FindZaakbesluit = std::function<asio::awaitable<Result<std::string>>(std::string zaak, std::string besluit)>;

struct BulkOptions {
    std::int64_t besluiten = 0;
    std::string besluittype;  // absolute URL (base + /catalogi/...), published, a besluittype of every zaaktype
    //! related_rows: what the Zaken API writes for a zaakbesluit (zaken/bulk.h: kRelationRows).
    storage::CopyOptions copy;
};

using BulkSummary = storage::CopySummary;

//! Adds `options.besluiten` besluiten, besluit i about the i-th zaak of `zaken` (cycling when there are fewer
//! zaken). The database must hold no besluiten yet.
asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, const ZaakSource& zaken, const FindZaakbesluit& zaakbesluit, BulkOptions options
);

std::string SummaryJson(const BulkSummary& summary);

}  // namespace thorbecke::besluiten
