#pragma once
// The audit trail entry every ZGW API keeps for each write (the OAS's AuditTrail schema): who, what, when
// and the resource before and after. Components store the entry; this builds it the same way for all.
#include <string>
#include <string_view>

#include "core/auth/principal.h"

namespace thorbecke::audit {

struct Change {
    std::string_view bron;          // "zrc", "drc", "brc", ... (the OAS's BronEnum)
    std::string_view actie;         // "create", "update", "partial_update", "destroy", or another action
    int resultaat = 200;            // the HTTP status of the write
    std::string hoofd_object;       // URL (stored form, base-URL marker allowed) of the main object
    std::string_view resource;      // "zaak", "enkelvoudiginformatieobject", ...
    std::string resource_url;       // URL (stored form) of the changed resource
    std::string resource_weergave;  // how the resource is shown to people
    std::string_view toelichting;   // the request's X-Audit-Toelichting
    std::string_view oud;           // stored JSON before (empty: none)
    std::string_view nieuw;         // stored JSON after (empty: none)
    const auth::Principal* principal = nullptr;
};

//! The entry's uuid and its JSON text (stored form).
struct Entry {
    std::string uuid;
    std::string json;
};

Entry Build(const Change& change);

}  // namespace thorbecke::audit
