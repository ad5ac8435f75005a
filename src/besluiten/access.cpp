#include "besluiten/access.h"

#include <algorithm>

#include "core/json/stored_url.h"

namespace thorbecke::besluiten {

namespace {
constexpr std::string_view kBesluittypenPath = "/catalogi/api/v1/besluittypen/";
constexpr std::string_view kComponent = "brc";
}  // namespace

std::string BesluittypeKey(std::string_view url) {
    auto uuid = json::UuidAfter(url, kBesluittypenPath);
    return uuid ? *uuid : std::string(url);
}

std::optional<std::vector<std::string>> AllowedBesluittypen(
    const auth::Principal* p, const std::vector<std::string>& scopes
) {
    if (!p) return std::vector<std::string>{};
    if (p->all_rights) return std::nullopt;
    std::vector<std::string> keys;
    for (const auto& g : p->grants) {
        if (g.component != kComponent || std::find(scopes.begin(), scopes.end(), g.scope) == scopes.end()) continue;
        if (g.zaaktype.empty()) return std::nullopt;  // a grant for every besluittype
        keys.push_back(BesluittypeKey(g.zaaktype));
    }
    return keys;
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, std::string_view key) {
    auto keys = AllowedBesluittypen(p, scopes);
    return !keys || std::find(keys->begin(), keys->end(), key) != keys->end();
}

bool AccessCondition(const auth::Principal* p, const std::vector<std::string>& scopes, storage::Where& w) {
    auto keys = AllowedBesluittypen(p, scopes);
    if (!keys) return true;
    if (keys->empty()) return false;
    std::string cond;
    storage::Params params;
    for (const auto& k : *keys) {
        cond += cond.empty() ? "b.besluittype_key = ?" : " OR b.besluittype_key = ?";
        params.emplace_back(k);
    }
    w.Add(cond, std::move(params));
    return true;
}

bool MayChangeClosedZaak(const auth::Principal* p, std::string_view zaaktype) {
    if (!p) return false;
    if (p->all_rights) return true;
    return std::any_of(p->grants.begin(), p->grants.end(), [&](const auth::Grant& g) {
        return g.component == "zrc" && g.scope == "zaken.geforceerd-bijwerken" &&
               (g.zaaktype.empty() || g.zaaktype == zaaktype);
    });
}

}  // namespace thorbecke::besluiten
