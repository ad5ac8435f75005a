#pragma once
// The audit trail table every ZGW component keeps: (seq, uuid, <owner>, doc), one row per entry, read per
// owner (the zaak, document or besluit) in the order written. Table and column names are the component's
// constants, never input.
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::storage {

class AuditTable {
  public:
    AuditTable(std::string table, std::string owner_column)
        : table_(std::move(table)), owner_(std::move(owner_column)) {}

    boost::asio::awaitable<Status> Insert(Session& s, std::string uuid, std::string owner, std::string doc) const;
    //! The owner's entries (uuid, doc) in the order written; with `uuid`, only that entry.
    boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> Entries(
        Session& s, std::string owner, std::string uuid
    ) const;
    boost::asio::awaitable<Status> Delete(Session& s, std::string owner) const;

  private:
    std::string table_, owner_;
};

}  // namespace thorbecke::storage
