#pragma once
// Reads the Catalogi resources other components refer to by URL (zaaktype, informatieobjecttype,
// besluittype, ...). The platform serves them in-process when they are its own, otherwise over HTTP.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke {

class TypeSource {
  public:
    virtual ~TypeSource() = default;
    //! The resource's JSON; nullopt when the URL names no resource there.
    //! Inside a transaction `session` is its connection: reads the source needs go there rather than wait for
    //! another connection that a concurrent transaction may hold.
    virtual boost::asio::awaitable<Result<std::optional<std::string>>> Find(
        std::string url, std::string base_url, storage::Session* session
    ) = 0;
};

}  // namespace thorbecke
