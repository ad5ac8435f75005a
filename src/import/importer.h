#pragma once
// `thorbecke import`: copies the catalogi, zaken, documenten (with content) and besluiten of another ZGW
// implementation into this platform, through the source's public APIs and this platform's own services
// in-process (the same validation, rules, transactions and audit trail as API requests).
//
// Every object keeps its UUID and identificatie, so a reference into the source is rewritten by swapping the
// source's base URL for this platform's; references elsewhere (selectielijst, BAG, ...) stay as they are.
// Each write is idempotent by UUID: an object that exists already is skipped, so an interrupted import run
// again continues where it stopped (a document whose content upload was cut off is removed and imported
// anew). Objects the services refuse are reported with their fields and the import goes on.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/storage/database.h"
#include "import/source.h"

namespace thorbecke::importer {

struct Options {
    SourceOptions source;
    std::string data_dir;  // documents' content goes to <data_dir>/documenten, as the server keeps it
    std::uint64_t part_bytes = 16ULL << 20;
    std::uint64_t document_max_bytes = 4ULL << 30;
    std::function<void(const std::string&)> progress;  // one line at a time (stderr)
};

struct KindCount {
    std::string kind;         // "zaken", "statussen", ...
    std::int64_t total = -1;  // as the source counts them (-1: unknown)
    std::int64_t created = 0;
    std::int64_t existing = 0;  // already there (an earlier, interrupted run)
    std::int64_t failed = 0;
};

struct Failure {
    std::string kind;
    std::string source_url;
    int status = 0;
    std::string detail;
    std::vector<InvalidParam> invalid_params;
};

struct Summary {
    std::vector<KindCount> kinds;
    std::vector<Failure> failures;
    std::uint64_t content_bytes = 0;
    double seconds = 0;
};

//! Runs the import. Fails only when it cannot go on at all (source unreachable, credentials refused,
//! storage broken); refused objects are in the summary's failures.
Result<Summary> Run(storage::Database& db, const Options& options);

//! The summary as one JSON object (what `thorbecke import` prints on stdout).
std::string SummaryJson(const Summary& summary);

}  // namespace thorbecke::importer
