#include "core/auth/limits.h"

#include <algorithm>

#include <fmt/format.h>

namespace thorbecke::auth {

std::optional<std::vector<TypeLimit>> TypeLimits(
    const Principal* p, std::string_view component, const std::vector<std::string>& scopes, const LimitRules& rules
) {
    std::vector<TypeLimit> limits;
    if (!p) return limits;
    if (p->all_rights) return std::nullopt;
    for (const auto& g : p->grants) {
        bool named = g.component == component && std::find(scopes.begin(), scopes.end(), g.scope) != scopes.end();
        if (!named) continue;
        TypeLimit limit;
        limit.type_key = g.zaaktype.empty() ? std::string() : rules.key_of(g.zaaktype);
        limit.max_rank = g.max_vertrouwelijkheid.empty() ? rules.max_rank : rules.rank_of(g.max_vertrouwelijkheid);
        limits.push_back(std::move(limit));
    }
    return limits;
}

bool WithinLimits(const std::optional<std::vector<TypeLimit>>& limits, std::string_view type_key, int rank) {
    if (!limits) return true;
    return std::any_of(limits->begin(), limits->end(), [&](const TypeLimit& l) {
        return (l.type_key.empty() || l.type_key == type_key) && rank <= l.max_rank;
    });
}

bool LimitCondition(
    const std::optional<std::vector<TypeLimit>>& limits,
    std::string_view key_column,
    std::string_view rank_column,
    storage::Where& w
) {
    if (!limits) return true;
    if (limits->empty()) return false;
    std::vector<std::string> alternatives;
    storage::Params params;
    for (const auto& l : *limits) {
        if (l.type_key.empty()) {
            alternatives.push_back(fmt::format("{} <= ?", rank_column));
        } else {
            alternatives.push_back(fmt::format("({} = ? AND {} <= ?)", key_column, rank_column));
            params.emplace_back(l.type_key);
        }
        params.emplace_back(std::int64_t{l.max_rank});
    }
    w.Add(fmt::format("({})", fmt::join(alternatives, " OR ")), std::move(params));
    return true;
}

}  // namespace thorbecke::auth
