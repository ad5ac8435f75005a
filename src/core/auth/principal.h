#pragma once
// The authenticated caller of a request, as the auth middleware establishes it from the JWT.
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace thorbecke::auth {

//! One grant: a scope within a component ("ztc", "catalogi.lezen"). Grants of the Zaken API (and later the
//! Documenten and Besluiten APIs) may be limited to one zaaktype (its URL) and to objects up to a maximum
//! vertrouwelijkheidaanduiding, as the Autorisaties API describes them; empty means no such limit.
struct Grant {
    std::string component;
    std::string scope;
    std::string zaaktype = {};
    std::string max_vertrouwelijkheid = {};
    auto operator<=>(const Grant&) const = default;
};

struct Principal {
    std::string client_id;
    std::string user_id;              // `user_id` claim: the person behind the client; never logged
    std::string organisation;         // staff accounts: the organisation they act for; empty for ZGW clients
    std::string user_representation;  // how the person is named (staff: display name); never logged
    bool all_rights = false;
    std::set<Grant> grants;

    [[nodiscard]] bool Has(std::string_view component, std::string_view scope) const {
        if (all_rights) return true;
        for (const auto& g : grants) {
            if (g.component == component && g.scope == scope) return true;
        }
        return false;
    }
};

}  // namespace thorbecke::auth
