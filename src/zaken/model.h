#pragma once
// The resources of the Zaken API: the zaak and the objects that hang under it (statussen, rollen, ...).
// One table of descriptors drives storage, list filters and routes; the OAS drives validation and which
// scopes every endpoint needs. Where the standard makes resources differ, rules in service.cpp do.
#include <string>
#include <string_view>
#include <vector>

namespace thorbecke::zaken {

enum class KindId {
    kZaak,
    kStatus,
    kResultaat,
    kRol,
    kZaakeigenschap,
    kZaakobject,
    kZaakinformatieobject,
    kKlantcontact,
    kZaakcontactmoment,
    kZaakverzoek,
    kZaakbesluit,
    kSubstatus,  // Open Zaak's experimental endpoints, part of the OAS this platform serves
    kZaaknotitie,
};

//! How a list parameter of a child resource filters.
enum class ChildFilter {
    kZaak,         // the zaak's URL
    kRef,          // the `ref` column: the resource's main reference (statustype, roltype, informatieobject, ...)
    kAttr,         // the `attr` column
    kKey,          // an indexed search key (rollen: betrokkeneIdentificatie fields, ...)
    kLaatstGezet,  // statussen: indicatieLaatstGezetteStatus
};

struct Filter {
    std::string_view param;
    ChildFilter op;
};

struct Kind {
    KindId id;
    std::string_view name;        // "status": stored kind, audit `resource`
    std::string_view collection;  // "statussen"; nested kinds: "zaakeigenschappen" under /zaken/{zaak_uuid}/
    std::string_view schema;      // response schema
    std::string_view request_schema;
    std::string_view patch_schema;  // empty: no PATCH
    bool nested = false;            // lives under /zaken/{zaak_uuid}/
    bool paginated = false;         // list answers a page, not a plain array
    std::string_view ref_field;     // request field stored in the `ref` column
    std::string_view attr_field;    // request field stored in the `attr` column
    std::vector<Filter> filters;
    std::string_view zaak_field = "zaak";        // the request field that names the zaak
    std::vector<std::string_view> key_fields{};  // fields stored as search keys (kKey filters)
};

const std::vector<Kind>& Kinds();
const Kind& GetKind(KindId id);

inline constexpr std::string_view kApiRoot = "/zaken/api/v1";
inline constexpr std::string_view kComponent = "zrc";

//! Path of an object below the API root: "/zaken/api/v1/statussen/<uuid>", nested ones under their zaak.
std::string ObjectPath(const Kind& kind, std::string_view zaak_uuid, std::string_view uuid);

//! The rol fields (betrokkeneIdentificatie by betrokkeneType, ...) that `rollen` and `zaken` lists filter on.
std::vector<std::string_view> RolKeyParams();

}  // namespace thorbecke::zaken
