#pragma once
// How other components (Catalogi: rules ztc-001, ztc-002, ztc-003) resolve a selectielijst URL that a client
// gave: against the data this server embeds, or against an external Referentielijsten API.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "referentielijsten/catalog.h"

namespace thorbecke::referentielijsten {

namespace asio = boost::asio;

//! Resolves URLs of selectielijst resources. The structs returned carry full URLs. Found: the item; not a
//! resource of that kind (unknown uuid, a 404, a URL not under the API's base): std::nullopt; the API could
//! not be asked (external server unreachable, timed out, answered nonsense): an Error with code
//! "bad-url-service" (status 503 unreachable, 502 bad answer). The string_views must outlive the co_await.
class Lookup {
  public:
    virtual ~Lookup() = default;
    //! url: the full URL a client gave; base_url: this server's base for this request ("http://host:port").
    virtual asio::awaitable<Result<std::optional<Procestype>>> FindProcestype(
        std::string_view url, std::string_view base_url
    ) = 0;
    virtual asio::awaitable<Result<std::optional<Resultaat>>> FindResultaat(
        std::string_view url, std::string_view base_url
    ) = 0;
    virtual asio::awaitable<Result<std::optional<Resultaattypeomschrijving>>> FindResultaattypeomschrijving(
        std::string_view url, std::string_view base_url
    ) = 0;
};

//! Resolves URLs of the form <base_url>/referentielijsten/api/v1/<kind>/<uuid> against the catalog, which
//! must outlive the lookup. Never fails.
std::unique_ptr<Lookup> MakeLocalLookup(const Catalog& catalog);

struct RemoteOptions {
    //! For the whole exchange: name resolution, connect, TLS handshake, request and response.
    std::chrono::milliseconds timeout{10'000};
    //! Larger answers are refused (a single resource is a few kB).
    std::size_t max_body_bytes = 1 << 20;
    //! https: a PEM file of the CA certificates to trust instead of the system's trust store (a private CA).
    std::string ca_file;
};

//! Resolves URLs under external_base_url (the API root, e.g. "https://selectielijst.openzaak.nl/api/v1") by
//! GETting them from that server, http or https (certificate and host name verified; see
//! RemoteOptions::ca_file). Found items are cached for the lifetime of the lookup: they are reference data. The base
//! URL is checked here, so a configuration error surfaces at start-up.
Result<std::unique_ptr<Lookup>> MakeRemoteLookup(std::string external_base_url, RemoteOptions options = {});

//! If `url` names an item of `kind` directly under `api_root` (a base URL plus the API path, e.g.
//! "http://localhost:8000/referentielijsten/api/v1"): the item's identifier (the last path segment). Scheme
//! and host compare case-insensitively and a default port may be written or left out; a query, fragment or
//! user info makes it no match.
std::optional<std::string> MatchItemUrl(std::string_view url, std::string_view api_root, Kind kind);

}  // namespace thorbecke::referentielijsten
