#pragma once
// Grants limited by type and confidentiality, as the Autorisaties API describes them for the Zaken, Documenten
// and Besluiten APIs: a scope may hold only for resources of one type (a zaaktype, informatieobjecttype or
// besluittype URL, in Grant::zaaktype) and up to a maximum vertrouwelijkheidaanduiding. Components say how a
// type URL is compared and how an aanduiding ranks; this turns a caller's grants into checks and SQL.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/principal.h"
#include "core/storage/where.h"

namespace thorbecke::auth {

struct TypeLimit {
    std::string type_key;  // "": any type
    int max_rank = 0;
};

struct LimitRules {
    std::function<std::string(std::string_view type_url)> key_of;
    std::function<int(std::string_view aanduiding)> rank_of;
    int max_rank = 0;  // the rank of a grant without a maximum
};

//! The limits under which the caller holds any of `scopes` of `component`: empty when it holds none, nullopt
//! when it has all rights (no limit).
std::optional<std::vector<TypeLimit>> TypeLimits(
    const Principal* p, std::string_view component, const std::vector<std::string>& scopes, const LimitRules& rules
);

//! Whether a resource of this type key and rank falls within the limits.
bool WithinLimits(const std::optional<std::vector<TypeLimit>>& limits, std::string_view type_key, int rank);

//! Adds to `w` the condition that keeps rows within the limits; false when no row can be.
bool LimitCondition(
    const std::optional<std::vector<TypeLimit>>& limits,
    std::string_view key_column,
    std::string_view rank_column,
    storage::Where& w
);

}  // namespace thorbecke::auth
