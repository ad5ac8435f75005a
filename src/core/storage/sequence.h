#pragma once
// Named counters (a table of name -> value) for numbers that must never be handed out twice, such as the
// generated identificaties of zaken and besluiten. Concurrent writers queue on the counter's row.
#include <cstdint>
#include <functional>
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

//! Whether a generated identificatie is in use already (given by hand, or reserved).
using IdentificatieTaken = std::function<boost::asio::awaitable<Result<bool>>(const std::string&)>;

//! A generated identificatie "<prefix><number of ten digits>" (ZAAK-2026-0000000001, ...): the next number of
//! counter `name` in `table`, skipping numbers `taken` says are in use.
boost::asio::awaitable<Result<std::string>> NextIdentificatie(
    Session& s, std::string_view table, std::string name, std::string prefix, const IdentificatieTaken& taken
);

}  // namespace thorbecke::storage
