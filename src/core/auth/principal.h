#pragma once
// The authenticated caller of a request, as the auth middleware establishes it from the JWT.
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace thorbecke::auth {

//! One grant: a scope within a component ("ztc", "catalogi.lezen").
struct Grant {
    std::string component;
    std::string scope;
    auto operator<=>(const Grant&) const = default;
};

struct Principal {
    std::string client_id;
    std::string user_id;  // `user_id` claim: the person behind the client; never logged
    bool all_rights = false;
    std::set<Grant> grants;

    [[nodiscard]] bool Has(std::string_view component, std::string_view scope) const {
        return all_rights || grants.contains(Grant{std::string(component), std::string(scope)});
    }
};

}  // namespace thorbecke::auth
