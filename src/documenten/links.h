#pragma once
// The Documenten API in-process, for the Zaken and Besluiten APIs of the same platform: a
// zaakinformatieobject or besluitinformatieobject and the objectinformatieobject that mirrors it are written
// in one transaction, so they are always both there or both gone. Callers include this header only.
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::documenten {

//! What other components need to know of a document (its newest version).
struct DocumentFacts {
    std::string uuid;
    std::string informatieobjecttype;  // absolute URL
    std::string status;                // "" when not set
    std::optional<bool> indicatie_gebruiksrecht;
    std::string vertrouwelijkheidaanduiding;
};

class Links {
  public:
    virtual ~Links() = default;
    //! Whether `url` names an enkelvoudiginformatieobject of this platform (base + /documenten/api/v1/...).
    [[nodiscard]] virtual bool IsLocal(std::string_view url, std::string_view base) const = 0;
    //! nullopt when the platform has no such document. Reads in the caller's transaction.
    virtual boost::asio::awaitable<Result<std::optional<DocumentFacts>>> Facts(
        storage::Session& s, std::string url, std::string base
    ) = 0;
    //! Records the objectinformatieobject (object_type "zaak" or "besluit") in the caller's transaction.
    virtual boost::asio::awaitable<Status> Link(
        storage::Session& s, std::string informatieobject, std::string object, std::string object_type, std::string base
    ) = 0;
    //! Removes it; no error when there is none.
    virtual boost::asio::awaitable<Status> Unlink(
        storage::Session& s, std::string informatieobject, std::string object, std::string base
    ) = 0;
};

}  // namespace thorbecke::documenten
