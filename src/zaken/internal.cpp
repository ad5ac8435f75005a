// Helpers shared by the Zaken API's service files (see internal.h).
#include "zaken/internal.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/geo/geometry.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"
#include "zaken/rules.h"

namespace thorbecke::zaken::detail {

// ---- URLs -------------------------------------------------------------------------------------------------

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

//! What authorisations compare a zaak's zaaktype by: the zaaktype's uuid when the URL names a Catalogi
//! zaaktype (whatever host it was reached by), else the URL itself.
std::string ZaaktypeKey(std::string_view url) {
    if (auto u = UuidAfter(url, kZaaktypenPath)) return *u;
    return std::string(url);
}

// ---- Authorisation ----------------------------------------------------------------------------------------

std::optional<std::vector<auth::TypeLimit>> Allowed(const auth::Principal* p, const std::vector<std::string>& scopes) {
    static const auth::LimitRules kRules{
        [](std::string_view url) { return ZaaktypeKey(url); }, &VertrouwelijkheidRank, kMaxRank};
    return auth::TypeLimits(p, kComponent, scopes, kRules);
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const std::string& key, int rank) {
    return auth::WithinLimits(Allowed(p, scopes), key, rank);
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const ZaakRow& z) {
    return MayAccess(p, scopes, z.zaaktype_key, z.vertrouwelijkheid);
}

bool AccessCondition(
    const auth::Principal* p,
    const std::vector<std::string>& scopes,
    std::string_view alias,
    Where& w,
    std::string_view key_expr
) {
    std::string key_column = key_expr.empty() ? fmt::format("{}zaaktype_key", alias) : std::string(key_expr);
    std::string rank_column = fmt::format("{}vertrouwelijkheid", alias);
    return auth::LimitCondition(Allowed(p, scopes), key_column, rank_column, w);
}

// ---- JSON helpers -----------------------------------------------------------------------------------------

std::string Str(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> OptStr(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
    return std::string(v->as_string());
}

bool Contains(const bj::object& o, std::string_view key, std::string_view value) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_array()) return false;
    return std::any_of(v->as_array().begin(), v->as_array().end(), [&](const bj::value& x) {
        return x.is_string() && x.as_string() == value;
    });
}

std::string DatePart(std::string_view datetime) {
    return std::string(datetime.substr(0, std::min<std::size_t>(10, datetime.size())));
}

Error Rule(std::string name, std::string code, std::string reason) {
    return Error::Field(std::move(name), std::move(code), std::move(reason));
}

Error Forbidden() {
    Error e = Error::Forbidden();
    e.code = "permission_denied";
    return e;
}

std::string_view BetalingsindicatieWeergave(std::string_view v) {
    if (v == "nvt") return "Er is geen sprake van te betalen, met de zaak gemoeide, kosten.";
    if (v == "nog_niet") return "De met de zaak gemoeide kosten zijn (nog) niet betaald.";
    if (v == "gedeeltelijk") return "De met de zaak gemoeide kosten zijn gedeeltelijk betaald.";
    if (v == "geheel") return "De met de zaak gemoeide kosten zijn geheel betaald.";
    return "";
}

// ---- Response shapes from the OAS -------------------------------------------------------------------------

const bj::object* SchemaObject(const json::SchemaSet& set, std::string_view name) {
    const auto& doc = set.document().as_object();
    auto* comps = doc.if_contains("components");
    auto* schemas = comps ? comps->as_object().if_contains("schemas") : nullptr;
    auto* s = schemas ? schemas->as_object().if_contains(name) : nullptr;
    return s ? s->if_object() : nullptr;
}

const bj::object* Deref(const json::SchemaSet& set, const bj::object* s) {
    for (int i = 0; s && i < 8; ++i) {
        auto* ref = s->if_contains("$ref");
        if (!ref) return s;
        std::string_view r = ref->as_string();
        s = SchemaObject(set, r.substr(r.rfind('/') + 1));
    }
    return s;
}

//! The properties of a response schema in OAS order, polymorphic schemas resolved by `variant` (the
//! discriminator's value) and allOf members concatenated.
void CollectFields(
    const json::SchemaSet& set,
    const bj::object* s,
    std::string_view variant,
    std::vector<std::pair<std::string, const bj::object*>>& out
) {
    s = Deref(set, s);
    if (!s) return;
    if (auto* one = s->if_contains("oneOf"); one && s->contains("discriminator")) {
        auto* mapping = s->at("discriminator").as_object().if_contains("mapping");
        if (mapping && mapping->as_object().contains(variant)) {
            bj::object ref;
            ref["$ref"] = mapping->as_object().at(variant);
            CollectFields(set, Deref(set, &ref), variant, out);
        }
        return;
    }
    if (auto* all = s->if_contains("allOf"); all && all->is_array()) {
        for (const auto& m : all->as_array()) CollectFields(set, m.if_object(), variant, out);
    }
    if (auto* props = s->if_contains("properties"); props && props->is_object()) {
        for (const auto& [k, v] : props->as_object()) {
            if (!v.is_object()) continue;
            bool seen = std::any_of(out.begin(), out.end(), [&](const auto& f) { return f.first == k; });
            if (!seen) out.emplace_back(std::string(k), &v.as_object());
        }
    }
}

void AssumeUtc(const json::SchemaSet& set, std::string_view schema, bj::object& body) {
    std::vector<std::pair<std::string, const bj::object*>> fields;
    CollectFields(set, SchemaObject(set, schema), "", fields);
    for (const auto& [name, prop] : fields) {
        auto* format = prop->if_contains("format");
        if (!format || !format->is_string() || format->as_string() != "date-time") continue;
        auto* v = body.if_contains(name);
        if (!v || !v->is_string()) continue;
        std::string text(v->as_string());
        if (!ToUtcInstant(text) && ToUtcInstant(text + "Z")) *v = text + "Z";
    }
}

bool ReadOnly(const bj::object& prop) {
    auto* ro = prop.if_contains("readOnly");
    return ro && ro->is_bool() && ro->as_bool();
}

//! What a response shows for an optional field that was not given: null, "", [] or nothing.
std::optional<bj::value> DefaultFor(const json::SchemaSet& set, const bj::object& prop) {
    auto nullable = [](const bj::object& o) {
        auto* n = o.if_contains("nullable");
        return n && n->is_bool() && n->as_bool();
    };
    if (nullable(prop)) return bj::value(nullptr);
    if (prop.contains("oneOf")) return bj::value("");
    if (auto* all = prop.if_contains("allOf"); all && all->is_array() && !all->as_array().empty()) {
        auto* target = Deref(set, all->as_array()[0].if_object());
        if (target && target->contains("enum")) return bj::value("");
        if (target && nullable(*target)) return bj::value(nullptr);
        return std::nullopt;  // an absent sub-object stays absent ({} would break its required fields)
    }
    auto* target = Deref(set, &prop);
    if (target && target->contains("properties")) return std::nullopt;
    auto* t = target ? target->if_contains("type") : nullptr;
    std::string_view type = t && t->is_string() ? std::string_view(t->as_string()) : "";
    if (type == "string") {
        // "" would break a minimum length or a pattern: such a field is left out instead.
        auto* min = target->if_contains("minLength");
        if ((min && min->is_int64() && min->as_int64() > 0) || target->contains("pattern")) return std::nullopt;
        return bj::value("");
    }
    if (type == "array") return bj::value(bj::array());
    if (type == "boolean") return bj::value(false);
    if (type == "object") return bj::value(bj::object());
    return bj::value(nullptr);
}

//! Fields a response derives when it is rendered (they change when other objects change).
bool DerivedAtRender(KindId kind, std::string_view field) {
    static const std::set<std::string_view> zaak{
        "deelzaken", "eigenschappen", "rollen", "status", "zaakinformatieobjecten", "zaakobjecten", "resultaat"};
    switch (kind) {
        case KindId::kZaak:
            return zaak.contains(field);
        case KindId::kStatus:
            return field == "indicatieLaatstGezetteStatus" || field == "zaakinformatieobjecten";
        case KindId::kRol:
            return field == "statussen";
        default:
            return false;
    }
}

//! The stored document: every response field in OAS order; given values, computed read-only values, or the
//! default of an absent optional field.
std::string BuildDoc(
    const json::SchemaSet& set,
    const Kind& kind,
    const bj::object& input,
    const std::map<std::string, bj::value>& computed
) {
    std::string variant;
    if (kind.id == KindId::kRol) variant = Str(input, "betrokkeneType");
    if (kind.id == KindId::kZaakobject) variant = Str(input, "objectType");
    std::vector<std::pair<std::string, const bj::object*>> fields;
    CollectFields(set, SchemaObject(set, kind.schema), variant, fields);
    bj::object doc;
    for (const auto& [name, prop] : fields) {
        if (auto it = computed.find(name); it != computed.end()) {
            doc[name] = it->second;
            continue;
        }
        if (DerivedAtRender(kind.id, name)) continue;
        const bj::value* given = ReadOnly(*prop) ? nullptr : input.if_contains(name);
        if (given && given->is_string() && given->as_string().empty() && !DefaultFor(set, *prop)) given = nullptr;
        if (given) {
            doc[name] = *given;
        } else if (auto d = DefaultFor(set, *prop)) {
            doc[name] = std::move(*d);
        }
    }
    return json::Serialize(doc);
}

void AppendField(std::string& out, std::string_view key, std::string_view raw_json) {
    out += ',';
    json::AppendString(out, key);
    out += ':';
    out += raw_json;
}

std::string UrlList(const std::vector<std::string>& urls) {
    std::string out = "[";
    for (std::size_t i = 0; i < urls.size(); ++i) {
        if (i) out += ',';
        json::AppendString(out, urls[i]);
    }
    return out + "]";
}

std::string OptUrl(const std::optional<std::string>& url) {
    if (!url) return "null";
    return json::Quote(*url);
}

//! Crs headers of resources with geometry (the zaak): requests with a body must say their CRS, and only
//! WGS84 is spoken.
Status CheckCrs(const http::Request& req, bool has_body) {
    auto accept = req.Header("accept-crs");
    if (!accept.empty() && accept != "EPSG:4326") {
        Error e{406, "not_acceptable", "CRS niet ondersteund", "CRS-header bevat een onbekende waarde.", {}};
        return Fail(e);
    }
    if (has_body) {
        auto content = req.Header("content-crs");
        if (content.empty()) {
            Error e{412, "precondition_failed", "Precondition failed", "'Content-Crs' header ontbreekt", {}};
            return Fail(e);
        }
        if (content != "EPSG:4326") {
            Error e{406, "not_acceptable", "CRS niet ondersteund", "CRS-header bevat een onbekende waarde.", {}};
            return Fail(e);
        }
    }
    return {};
}

http::Response JsonResponse(int status, std::string body, bool crs) {
    http::Response r = http::Response::Json(status, std::move(body));
    if (crs) r.SetHeader("Content-Crs", "EPSG:4326");
    return r;
}

//! Search keys of a rol: the `rollen` list filters and (prefixed "rol__") those of the `zaken` list.
std::vector<std::string_view> ImmutableFields(KindId kind) {
    switch (kind) {
        case KindId::kResultaat:
            return {"resultaattype"};
        case KindId::kRol:
            return {"roltype"};
        case KindId::kZaakeigenschap:
            return {"eigenschap"};
        case KindId::kZaakobject:
            return {"object", "objectType"};
        case KindId::kZaakinformatieobject:
            return {"informatieobject"};
        default:
            return {};
    }
}

std::string LoaRank(std::string_view level) {
    // DigiD and eHerkenning levels on one scale (eIDAS: laag, substantieel, hoog), so "up to" compares.
    static const std::map<std::string_view, std::string_view> kRanks{
        {"urn:etoegang:core:assurance-class:loa1", "10"},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "20"},
        {"urn:etoegang:core:assurance-class:loa2", "20"},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract", "25"},
        {"urn:etoegang:core:assurance-class:loa2plus", "25"},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard", "30"},
        {"urn:etoegang:core:assurance-class:loa3", "30"},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI", "40"},
        {"urn:etoegang:core:assurance-class:loa4", "40"}};
    auto it = kRanks.find(level);
    return it == kRanks.end() ? std::string("99") : std::string(it->second);
}

std::vector<std::pair<std::string, std::string>> RolKeys(const bj::object& rol) {
    std::vector<std::pair<std::string, std::string>> keys;
    auto add = [&](std::string name, std::string value) {
        if (!value.empty()) keys.emplace_back(std::move(name), std::move(value));
    };
    add("betrokkene", Str(rol, "betrokkene"));
    add("betrokkeneType", Str(rol, "betrokkeneType"));
    add("omschrijving", Str(rol, "omschrijving"));
    add("omschrijvingGeneriek", Str(rol, "omschrijvingGeneriek"));
    // machtiging=eigen: the rol acts for itself (no indicatieMachtiging).
    add("machtiging", Str(rol, "indicatieMachtiging").empty() ? std::string("eigen") : Str(rol, "indicatieMachtiging"));
    if (auto* ctx = rol.if_contains("authenticatieContext"); ctx && ctx->is_object()) {
        std::string loa = Str(ctx->as_object(), "levelOfAssurance");
        if (!loa.empty()) add("machtiging__loa", LoaRank(loa));
    }
    std::string type = Str(rol, "betrokkeneType");
    static const std::map<std::string, std::string> kTypeNames{
        {"natuurlijk_persoon", "natuurlijkPersoon"},
        {"niet_natuurlijk_persoon", "nietNatuurlijkPersoon"},
        {"vestiging", "vestiging"},
        {"organisatorische_eenheid", "organisatorischeEenheid"},
        {"medewerker", "medewerker"}};
    auto* ident = rol.if_contains("betrokkeneIdentificatie");
    auto tn = kTypeNames.find(type);
    if (ident && ident->is_object() && tn != kTypeNames.end()) {
        for (auto p : RolKeyParams()) {
            std::string prefix = "betrokkeneIdentificatie__" + tn->second + "__";
            if (!std::string_view(p).starts_with(prefix)) continue;
            std::string field(p.substr(prefix.size()));
            add(std::string(p), Str(ident->as_object(), field));
        }
    }
    return keys;
}

}  // namespace thorbecke::zaken::detail
