#pragma once
// The Besluiten API in-process, for the Zaken and Documenten APIs of the same platform (the archiving rules
// read a zaak's besluiten; objectinformatieobjecten check their besluit). Callers include this header only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::besluiten {

struct BesluitFacts {
    std::string uuid;
    std::string url;          // absolute
    std::string besluittype;  // absolute URL
    std::string zaak;         // absolute URL; "" when none
    std::string datum;
    std::string ingangsdatum;
    std::string vervaldatum;  // "" when none
};

class Links {
  public:
    virtual ~Links() = default;
    //! Whether `url` names a besluit of this platform (base + /besluiten/api/v1/besluiten/...).
    [[nodiscard]] virtual bool IsLocal(std::string_view url, std::string_view base) const = 0;
    //! nullopt when the platform has no such besluit. Reads in the caller's transaction.
    virtual boost::asio::awaitable<Result<std::optional<BesluitFacts>>> Facts(
        storage::Session& s, std::string url, std::string base
    ) = 0;
    //! The besluiten whose `zaak` is this zaak (absolute URL), oldest first.
    virtual boost::asio::awaitable<Result<std::vector<BesluitFacts>>> OfZaak(
        storage::Session& s, std::string zaak, std::string base
    ) = 0;
};

}  // namespace thorbecke::besluiten
