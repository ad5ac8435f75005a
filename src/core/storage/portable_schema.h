#pragma once
// Schemas written once for both engines: where they differ only in the identity column, the SQL says {seq}.
#include <string>
#include <string_view>

#include "core/storage/database.h"

namespace thorbecke::storage {

//! A migration whose SQL names identity columns `{seq}`: an INTEGER PRIMARY KEY on SQLite, a BIGINT identity
//! on PostgreSQL.
Migration PortableMigration(std::string id, std::string_view sql);

}  // namespace thorbecke::storage
