#pragma once
#include <memory>

#include "core/storage/database.h"

namespace thorbecke::storage {

//! The embedded engine: one database file in WAL mode, one connection per thread (readers run in
//! parallel), writers serialised by SQLite's own lock with a busy timeout.
Result<std::unique_ptr<Database>> OpenSqlite(const Options& options);

}  // namespace thorbecke::storage
