#pragma once
// The Zaken API in-process, for the Besluiten and Documenten APIs of the same platform: a besluit on a zaak
// and its zaakbesluit are written in one transaction. Callers include this header only.
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/auth/principal.h"
#include "core/error.h"
#include "core/http/message.h"
#include "core/storage/database.h"

namespace thorbecke::zaken {

struct ZaakFacts {
    std::string uuid;
    std::string url;       // absolute
    std::string zaaktype;  // absolute URL
    bool closed = false;   // has an einddatum
};

class Links {
  public:
    virtual ~Links() = default;
    //! Whether `url` names a zaak of this platform (base + /zaken/api/v1/zaken/...).
    [[nodiscard]] virtual bool IsLocal(std::string_view url, std::string_view base) const = 0;
    //! nullopt when the platform has no such zaak. Reads in the caller's transaction.
    virtual boost::asio::awaitable<Result<std::optional<ZaakFacts>>> Facts(
        storage::Session& s, std::string url, std::string base
    ) = 0;
    //! Records the zaakbesluit for a besluit of this platform that names the zaak (caller's transaction),
    //! with its audit trail entry naming `principal` (the client of the besluit request); a second call for
    //! the same pair changes nothing.
    virtual boost::asio::awaitable<Status> AddBesluit(
        storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
    ) = 0;
    //! Removes it; no error when there is none.
    virtual boost::asio::awaitable<Status> RemoveBesluit(
        storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
    ) = 0;
    //! Creates a zaakinformatieobject in the caller's transaction, with the rules and rights of
    //! POST /zaakinformatieobjecten for the request's client (the Documenten API's document_registreren).
    //! `body` is in stored URL form and names a zaak of this platform; returns the JSON (stored form).
    virtual boost::asio::awaitable<Result<std::string>> AddInformatieobject(
        storage::Session& s, http::Request& req, boost::json::object body
    ) = 0;
};

}  // namespace thorbecke::zaken
