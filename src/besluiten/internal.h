#pragma once
// What the Besluiten API's service files share: paths, small JSON helpers and the state of one write.
// Not part of the component's interface.
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "besluiten/service.h"
#include "core/error.h"

namespace thorbecke::besluiten {

namespace bj = boost::json;

inline constexpr std::string_view kBesluitenPath = "/besluiten/api/v1/besluiten/";
inline constexpr std::string_view kBiosPath = "/besluiten/api/v1/besluitinformatieobjecten/";

//! A string member, "" when absent or not a string.
std::string Member(const bj::object& o, std::string_view key);
//! Whether the array `key` of `o` holds `url`.
bool ListsUrl(const bj::object& o, std::string_view key, std::string_view url);
//! The error with its field names as a part of a composite request names them ("besluit.datum").
Error Prefixed(Error e, std::string_view prefix);
Error Denied(std::string detail = "U heeft geen toestemming om deze actie uit te voeren.");
std::string Lowered(std::string s);

//! A besluit being created or changed.
struct Service::BesluitWrite {
    http::Request& req;
    std::string base;
    const auth::Principal* principal = nullptr;
    std::vector<std::string> scopes = {};
    bool create = true;
    bool partial = false;
    std::string target = {};  // uuid of the besluit changed
    bj::object body = {};     // the request as sent, URLs in stored form
    //! The zaaktype of a zaak of another Zaken API (FetchZaak).
    std::optional<std::string> remote_zaaktype = {};
    BesluitRow row = {};
    std::optional<BesluitRow> before = {};
};

//! A besluitinformatieobject being created.
struct Service::BioWrite {
    http::Request& req;
    std::string base;
    const auth::Principal* principal = nullptr;
    std::vector<std::string> scopes = {};
    std::string besluit = {};           // stored URL
    std::string informatieobject = {};  // stored URL
    //! The informatieobjecttype of a document of another Documenten API (FetchDocument).
    std::optional<std::string> remote_iot = {};
    BioRow row = {};
};

}  // namespace thorbecke::besluiten
