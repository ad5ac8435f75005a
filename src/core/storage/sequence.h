#pragma once
// Named counters (a table of name -> value) for numbers that must never be handed out twice, such as the
// generated identificaties of zaken and besluiten. Concurrent writers queue on the counter's row.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::storage {

//! The counter table's schema: `CREATE TABLE <table> (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`.
//! Returns the next number of counter `name` in `table` (1 for a new counter), in the caller's transaction.
//! `table` is a constant of the caller, never input.
boost::asio::awaitable<Result<std::int64_t>> NextInSequence(Session& s, std::string_view table, std::string name);

}  // namespace thorbecke::storage
