#include "zaken/service.h"

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

namespace thorbecke::zaken {

namespace bj = boost::json;

namespace {

constexpr std::string_view kZakenPath = "/zaken/api/v1/zaken/";
constexpr std::string_view kZaaktypenPath = "/catalogi/api/v1/zaaktypen/";
constexpr std::string_view kGeforceerd = "zaken.geforceerd-bijwerken";
constexpr std::string_view kHeropenen = "zaken.heropenen";
constexpr int kMaxRank = 8;

// ---- URLs -------------------------------------------------------------------------------------------------

//! URLs into this server are stored relative to the base URL (see json::kBaseMarker), everywhere in a document.
void ToStored(bj::value& v, std::string_view base) {
    if (auto* s = v.if_string()) {
        std::string_view text = *s;
        if (text.starts_with(base) && text.size() > base.size() && text[base.size()] == '/') {
            std::string stored = std::string(1, json::kBaseMarkerChar) + std::string(text.substr(base.size()));
            *s = stored;
        }
    } else if (auto* a = v.if_array()) {
        for (auto& item : *a) ToStored(item, base);
    } else if (auto* o = v.if_object()) {
        for (auto& kv : *o) ToStored(kv.value(), base);
    }
}

std::string Stored(std::string_view url, std::string_view base) {
    bj::value v(url);
    ToStored(v, base);
    return std::string(v.as_string());
}

std::string Full(std::string_view stored, std::string_view base) {
    if (!stored.empty() && stored.front() == json::kBaseMarkerChar)
        return std::string(base) + std::string(stored.substr(1));
    return std::string(stored);
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

//! The uuid at the end of a URL whose path ends in `prefix`<uuid> (any host; stored form included).
std::optional<std::string> UuidAfter(std::string_view url, std::string_view prefix) {
    auto pos = url.find(prefix);
    if (pos == std::string_view::npos) return std::nullopt;
    auto rest = url.substr(pos + prefix.size());
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (!IsUuid(rest)) return std::nullopt;
    return Lower(std::string(rest));
}

//! What authorisations compare a zaak's zaaktype by: the zaaktype's uuid when the URL names a Catalogi
//! zaaktype (whatever host it was reached by), else the URL itself.
std::string ZaaktypeKey(std::string_view url) {
    if (auto u = UuidAfter(url, kZaaktypenPath)) return *u;
    return std::string(url);
}

// ---- Authorisation ----------------------------------------------------------------------------------------

//! The (zaaktype key, maximum rank) pairs the caller holds for any of `scopes`; nullopt: no limit at all.
std::optional<std::vector<std::pair<std::string, int>>> Allowed(
    const auth::Principal* p, const std::vector<std::string>& scopes
) {
    if (!p) return std::vector<std::pair<std::string, int>>{};
    if (p->all_rights) return std::nullopt;
    std::vector<std::pair<std::string, int>> out;
    for (const auto& g : p->grants) {
        if (g.component != kComponent) continue;
        if (std::find(scopes.begin(), scopes.end(), g.scope) == scopes.end()) continue;
        int rank = g.max_vertrouwelijkheid.empty() ? kMaxRank : VertrouwelijkheidRank(g.max_vertrouwelijkheid);
        out.emplace_back(g.zaaktype.empty() ? std::string() : ZaaktypeKey(g.zaaktype), rank);
    }
    return out;
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const std::string& key, int rank) {
    auto allowed = Allowed(p, scopes);
    if (!allowed) return true;
    return std::any_of(allowed->begin(), allowed->end(), [&](const auto& a) {
        return (a.first.empty() || a.first == key) && rank <= a.second;
    });
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const ZaakRow& z) {
    return MayAccess(p, scopes, z.zaaktype_key, z.vertrouwelijkheid);
}

//! The SQL condition that keeps a list to what the caller may see (columns prefixed with `alias`); false
//! when it may see nothing.
bool AccessCondition(
    const auth::Principal* p, const std::vector<std::string>& scopes, std::string_view alias, Where& w
) {
    auto allowed = Allowed(p, scopes);
    if (!allowed) return true;
    if (allowed->empty()) return false;
    std::string cond;
    storage::Params params;
    for (const auto& [key, rank] : *allowed) {
        if (!cond.empty()) cond += " OR ";
        if (key.empty()) {
            cond += fmt::format("{}vertrouwelijkheid <= ?", alias);
        } else {
            cond += fmt::format("({0}zaaktype_key = ? AND {0}vertrouwelijkheid <= ?)", alias);
            params.push_back(key);
        }
        params.push_back(std::int64_t{rank});
    }
    w.Add(cond, std::move(params));
    return true;
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

bool ReadOnly(const bj::object& prop) {
    auto* ro = prop.if_contains("readOnly");
    return ro && ro->is_bool() && ro->as_bool();
}

//! What a response shows for an optional field that was not given: null, "", [] or nothing.
bj::value DefaultFor(const json::SchemaSet& set, const bj::object& prop) {
    auto nullable = [](const bj::object& o) {
        auto* n = o.if_contains("nullable");
        return n && n->is_bool() && n->as_bool();
    };
    if (nullable(prop)) return nullptr;
    if (prop.contains("oneOf")) return bj::value("");
    if (auto* all = prop.if_contains("allOf"); all && all->is_array() && !all->as_array().empty()) {
        auto* target = Deref(set, all->as_array()[0].if_object());
        if (target && target->contains("enum")) return bj::value("");
        if (target && nullable(*target)) return nullptr;
        return bj::object();
    }
    auto* target = Deref(set, &prop);
    auto* t = target ? target->if_contains("type") : nullptr;
    std::string_view type = t && t->is_string() ? std::string_view(t->as_string()) : "";
    if (type == "string") return bj::value("");
    if (type == "array") return bj::array();
    if (type == "boolean") return false;
    if (type == "object") return bj::object();
    return nullptr;
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
        if (ReadOnly(*prop)) {
            doc[name] = DefaultFor(set, *prop);
            continue;
        }
        if (auto* v = input.if_contains(name))
            doc[name] = *v;
        else
            doc[name] = DefaultFor(set, *prop);
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
std::vector<std::pair<std::string, std::string>> RolKeys(const bj::object& rol) {
    std::vector<std::pair<std::string, std::string>> keys;
    auto add = [&](std::string name, std::string value) {
        if (!value.empty()) keys.emplace_back(std::move(name), std::move(value));
    };
    add("betrokkene", Str(rol, "betrokkene"));
    add("betrokkeneType", Str(rol, "betrokkeneType"));
    add("omschrijving", Str(rol, "omschrijving"));
    add("omschrijvingGeneriek", Str(rol, "omschrijvingGeneriek"));
    add("machtiging", Str(rol, "indicatieMachtiging"));
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

}  // namespace

// =========================================================================================================

struct Service::Ctx {
    const Operation& op;
    http::Request& req;
    std::string base;
    const auth::Principal* principal = nullptr;
    bool create = false;
    bool partial = false;
    bj::object input = {};  // the request merged over what is stored (stored URL form)
    bj::object body = {};   // the request as sent (stored URL form)
    std::optional<ZaakRow> zaak = {}, zaak_before = {};
    std::optional<ObjectRow> object = {}, object_before = {};
    bj::object zaaktype = {};
    std::vector<std::pair<std::string, std::string>> keys = {};
    std::string uuid = {};  // of the object written
    bool deleted = false;
};

Service::Service(Store& store, const json::SchemaSet& schemas, TypeSource& types)
    : store_(store), schemas_(schemas), types_(types) {
    // The expand paths the OAS allows on GET /zaken.
    const auto* paths = schemas_.document().as_object().if_contains("paths");
    const auto* zaken = paths ? paths->as_object().if_contains("/zaken") : nullptr;
    const auto* get = zaken ? zaken->as_object().if_contains("get") : nullptr;
    const auto* params = get ? get->as_object().if_contains("parameters") : nullptr;
    if (params && params->is_array()) {
        for (const auto& p : params->as_array()) {
            if (!p.is_object() || Str(p.as_object(), "name") != "expand") continue;
            const auto* items = p.as_object().at("schema").as_object().if_contains("items");
            const auto* values = items ? items->as_object().if_contains("enum") : nullptr;
            if (values && values->is_array()) {
                for (const auto& v : values->as_array()) expand_choices_.emplace_back(v.as_string());
            }
        }
    }
}

Result<std::vector<std::string>> Service::ParseExpand(std::string_view value) const {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        std::string item(value.substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        if (std::find(expand_choices_.begin(), expand_choices_.end(), item) == expand_choices_.end()) {
            return Fail(Rule(
                "expand",
                "invalid_choice",
                fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", item)
            ));
        }
        out.push_back(item);
    }
    return out;
}

asio::awaitable<Result<bj::value>> Service::ExpandObjects(
    storage::Session& s,
    const ZaakRow& zaak,
    const Kind& kind,
    std::vector<std::string> rest,
    const std::string& base,
    bool single
) {
    std::vector<ObjectRow> rows;
    if (single) {
        const auto& uuid = kind.id == KindId::kStatus ? zaak.status : zaak.resultaat;
        if (!uuid) co_return bj::value(nullptr);
        auto o = co_await store_.GetObject(s, *uuid, false);
        if (!o) co_return Fail(o.error());
        if (!*o) co_return bj::value(nullptr);
        rows.push_back(std::move(**o));
    } else {
        std::vector<std::string> one{zaak.uuid};
        std::vector<std::string> kinds{std::string(kind.name)};
        auto found = co_await store_.ObjectsOf(s, one, kinds, true);
        if (!found) co_return Fail(found.error());
        rows = std::move(*found);
    }
    auto rendered = co_await RenderObjects(s, kind, rows, base);
    if (!rendered) co_return Fail(rendered.error());
    bj::array out;
    for (const auto& text : *rendered) {
        auto v = json::Parse(text);
        if (!v || !v->is_object()) continue;
        bj::object obj = std::move(v->as_object());
        if (!rest.empty()) {
            // The one type a zaak object refers to (statustype, resultaattype, roltype, eigenschap).
            bj::object sub;
            for (const auto& field : rest) {
                std::string url = Str(obj, field);
                if (url.empty()) continue;
                auto t = co_await types_.Find(url, base);
                if (!t) co_return Fail(t.error());
                if (*t) {
                    auto tv = json::Parse(**t);
                    if (tv) sub[field] = std::move(*tv);
                }
            }
            obj["_expand"] = std::move(sub);
        }
        out.push_back(std::move(obj));
    }
    if (single) co_return out.empty() ? bj::value(nullptr) : out.front();
    co_return bj::value(std::move(out));
}

asio::awaitable<Result<std::string>> Service::Expand(
    storage::Session& s,
    std::string rendered,
    const ZaakRow& row,
    std::vector<std::string> paths,
    const std::string& base,
    const auth::Principal* principal,
    const std::vector<std::string>& scopes,
    int depth
) {
    if (paths.empty()) co_return rendered;
    auto parsed = json::Parse(rendered);
    if (!parsed || !parsed->is_object()) co_return rendered;
    // first segment -> the rest of each path below it
    std::map<std::string, std::vector<std::string>> groups;
    for (const auto& p : paths) {
        auto dot = p.find('.');
        auto& rest = groups[p.substr(0, dot)];
        if (dot != std::string::npos) rest.push_back(p.substr(dot + 1));
    }
    bj::object expanded;
    for (auto& [key, rest] : groups) {
        if (key == "zaaktype") {
            auto t = co_await types_.Find(Full(row.zaaktype, base), base);
            if (!t) co_return Fail(t.error());
            expanded[key] = *t ? json::Parse(**t).value_or(bj::value(nullptr)) : bj::value(nullptr);
        } else if (key == "hoofdzaak" || key == "deelzaken") {
            std::vector<ZaakRow> zaken;
            if (key == "hoofdzaak") {
                if (row.hoofdzaak) {
                    auto h = co_await store_.GetZaak(s, *row.hoofdzaak, false);
                    if (!h) co_return Fail(h.error());
                    if (*h) zaken.push_back(std::move(**h));
                }
            } else {
                auto uuids = co_await store_.Deelzaken(s, row.uuid);
                if (!uuids) co_return Fail(uuids.error());
                auto found = co_await store_.GetZaken(s, *uuids);
                if (!found) co_return Fail(found.error());
                zaken = std::move(*found);
            }
            // Only what the caller may see of the related zaken.
            std::erase_if(zaken, [&](const ZaakRow& z) { return !MayAccess(principal, scopes, z); });
            auto texts = co_await RenderZaken(s, zaken, base);
            if (!texts) co_return Fail(texts.error());
            bj::array items;
            for (std::size_t i = 0; i < zaken.size(); ++i) {
                std::string text = (*texts)[i];
                if (depth < 1) {
                    auto nested = co_await Expand(s, text, zaken[i], rest, base, principal, scopes, depth + 1);
                    if (!nested) co_return Fail(nested.error());
                    text = std::move(*nested);
                }
                auto v = json::Parse(text);
                if (v) items.push_back(std::move(*v));
            }
            if (key == "hoofdzaak")
                expanded[key] = items.empty() ? bj::value(nullptr) : items.front();
            else
                expanded[key] = std::move(items);
        } else {
            static const std::map<std::string, std::pair<KindId, bool>, std::less<>> kObjects{
                {"status", {KindId::kStatus, true}},
                {"resultaat", {KindId::kResultaat, true}},
                {"rollen", {KindId::kRol, false}},
                {"eigenschappen", {KindId::kZaakeigenschap, false}},
                {"zaakinformatieobjecten", {KindId::kZaakinformatieobject, false}},
                {"zaakobjecten", {KindId::kZaakobject, false}}};
            auto it = kObjects.find(key);
            if (it == kObjects.end()) continue;
            auto v = co_await ExpandObjects(s, row, GetKind(it->second.first), rest, base, it->second.second);
            if (!v) co_return Fail(v.error());
            expanded[key] = std::move(*v);
        }
    }
    parsed->as_object()["_expand"] = std::move(expanded);
    co_return json::Serialize(*parsed);
}

asio::awaitable<Result<bj::object>> Service::FetchType(
    std::string field, std::string url, std::string base, std::string_view expect_path
) {
    std::string full = Full(url, base);
    auto found = co_await types_.Find(full, base);
    if (!found) co_return Fail(found.error());
    if (!*found) co_return Fail(Rule(field, "bad-url", "De URL kan niet worden opgevraagd."));
    if (full.find(expect_path) == std::string::npos) {
        co_return Fail(Rule(field, "invalid-resource", "De URL wijst niet naar een resource van het verwachte type."));
    }
    auto parsed = json::Parse(**found);
    if (!parsed || !parsed->is_object()) {
        co_return Fail(Rule(field, "invalid-resource", "De URL wijst niet naar een geldige resource."));
    }
    co_return std::move(parsed->as_object());
}

asio::awaitable<Result<http::Response>> Service::Handle(const Operation& op, http::Request& req) {
    switch (op.action) {
        case Action::kList:
            co_return co_await List(op, req);
        case Action::kRead:
            co_return co_await Read(op, req);
        case Action::kCreate:
        case Action::kUpdate:
        case Action::kPartialUpdate:
            co_return co_await Write(op, req);
        case Action::kDelete:
            co_return co_await Remove(op, req);
    }
    co_return Fail(Error::NotFound());
}

// ---- Rendering ----------------------------------------------------------------------------------------------

std::string Service::RenderZaak(const ZaakRow& z, const ZaakRelated& related, const std::string& base) {
    std::map<std::string_view, std::vector<std::string>> urls;
    for (const auto& [kind_name, uuid] : related.objects) {
        for (const auto& kind : Kinds()) {
            if (kind.name == kind_name) urls[kind.name].push_back(base + ObjectPath(kind, z.uuid, uuid));
        }
    }
    std::vector<std::string> deelzaken;
    for (const auto& d : related.deelzaken) deelzaken.push_back(fmt::format("{}{}{}", base, kZakenPath, d));
    std::string text = json::ExpandBase(z.doc, base);
    if (!text.empty() && text.back() == '}') text.pop_back();
    auto object_url = [&](KindId kind, const std::optional<std::string>& uuid) -> std::optional<std::string> {
        if (!uuid) return std::nullopt;
        return base + ObjectPath(GetKind(kind), "", *uuid);
    };
    AppendField(text, "deelzaken", UrlList(deelzaken));
    AppendField(text, "eigenschappen", UrlList(urls["zaakeigenschap"]));
    AppendField(text, "rollen", UrlList(urls["rol"]));
    AppendField(text, "status", OptUrl(object_url(KindId::kStatus, z.status)));
    AppendField(text, "zaakinformatieobjecten", UrlList(urls["zaakinformatieobject"]));
    AppendField(text, "zaakobjecten", UrlList(urls["zaakobject"]));
    AppendField(text, "resultaat", OptUrl(object_url(KindId::kResultaat, z.resultaat)));
    text += '}';
    return text;
}

asio::awaitable<Result<std::vector<std::string>>> Service::RenderZaken(
    storage::Session& s, const std::vector<ZaakRow>& rows, const std::string& base
) {
    std::vector<std::string> uuids;
    for (const auto& r : rows) uuids.push_back(r.uuid);
    auto related = co_await store_.RelatedOf(s, uuids);
    if (!related) co_return Fail(related.error());
    std::vector<std::string> out;
    for (const auto& z : rows) out.push_back(RenderZaak(z, (*related)[z.uuid], base));
    co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> Service::RenderObjects(
    storage::Session& s, const Kind& kind, const std::vector<ObjectRow>& rows, const std::string& base
) {
    std::map<std::string, std::string> current_status;  // zaak uuid -> status uuid
    if (kind.id == KindId::kStatus && !rows.empty()) {
        std::vector<std::string> zaken;
        for (const auto& r : rows) zaken.push_back(r.zaak);
        auto found = co_await store_.GetZaken(s, zaken);
        if (!found) co_return Fail(found.error());
        for (const auto& z : *found) current_status[z.uuid] = z.status.value_or("");
    }
    std::vector<std::string> out;
    for (const auto& r : rows) {
        std::string text = json::ExpandBase(r.doc, base);
        if (kind.id == KindId::kStatus || kind.id == KindId::kRol) {
            if (!text.empty() && text.back() == '}') text.pop_back();
            if (kind.id == KindId::kStatus) {
                AppendField(text, "indicatieLaatstGezetteStatus", current_status[r.zaak] == r.uuid ? "true" : "false");
                AppendField(text, "zaakinformatieobjecten", "[]");
            } else {
                AppendField(text, "statussen", "[]");
            }
            text += '}';
        }
        out.push_back(std::move(text));
    }
    co_return out;
}

// ---- Reading ------------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Read(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    if (is_zaak) {
        auto crs = CheckCrs(req, false);
        if (!crs) co_return Fail(crs.error());
    }
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::vector<std::string> expand;
    if (auto e = req.query.Get("expand"); e && is_zaak) {
        auto parsed = ParseExpand(*e);
        if (!parsed) co_return Fail(parsed.error());
        expand = std::move(*parsed);
    }
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        if (is_zaak) {
            auto z = co_await store_.GetZaakWithRelated(s, uuid);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            if (!MayAccess(principal, op.scopes, (*z)->first)) co_return Fail(Forbidden());
            body = RenderZaak((*z)->first, (*z)->second, req.base_url);
            if (!expand.empty()) {
                auto e =
                    co_await Expand(s, std::move(body), (*z)->first, expand, req.base_url, principal, op.scopes, 0);
                if (!e) co_return Fail(e.error());
                body = std::move(*e);
            }
            co_return Status{};
        }
        auto o = co_await store_.GetObject(s, uuid, false);
        if (!o) co_return Fail(o.error());
        if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
        if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
        auto z = co_await store_.GetZaak(s, (*o)->zaak, false);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, **z)) co_return Fail(Forbidden());
        std::vector<ObjectRow> one(1, std::move(**o));
        auto r = co_await RenderObjects(s, kind, one, req.base_url);
        if (!r) co_return Fail(r.error());
        body = std::move(r->front());
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), is_zaak);
}

asio::awaitable<Result<http::Response>> Service::List(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    if (kind.id == KindId::kZaak) {
        auto crs = CheckCrs(req, false);
        if (!crs) co_return Fail(crs.error());
        bj::object params;
        for (const auto& [name, value] : req.query.items()) params[name] = value;
        co_return co_await ListZaken(op, req, params, false);
    }
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    Where where;
    std::vector<InvalidParam> errors;
    std::int64_t page = 1, page_size = kind.paginated ? http::kPageSize : 100000;
    bool nothing = !AccessCondition(principal, op.scopes, "z.", where);
    if (kind.nested) where.Add("o.zaak = ?", storage::MakeParams(Lower(req.PathParam("zaak_uuid"))));
    for (const auto& [name, value] : req.query.items()) {
        if (kind.paginated && (name == "page" || name == "pageSize")) {
            auto n = http::ParsePageNumber(name, value);
            if (!n) {
                if (name == "page") co_return Fail(n.error());
                errors.push_back(n.error().invalid_params.front());
                continue;
            }
            (name == "page" ? page : page_size) = *n;
            continue;
        }
        const Filter* f = nullptr;
        for (const auto& c : kind.filters) {
            if (c.param == name) f = &c;
        }
        if (!f) {
            errors.push_back(
                {"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)}
            );
            continue;
        }
        switch (f->op) {
            case ChildFilter::kZaak: {
                if (!json::IsHttpUrl(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige URL in."});
                    break;
                }
                where.Add("o.zaak = ?", storage::MakeParams(UuidAfter(value, kZakenPath).value_or("-")));
                break;
            }
            case ChildFilter::kRef:
                if (!json::IsHttpUrl(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige URL in."});
                    break;
                }
                where.Add("o.ref = ?", storage::MakeParams(Stored(value, req.base_url)));
                break;
            case ChildFilter::kAttr:
                where.Add("o.attr = ?", storage::MakeParams(value));
                break;
            case ChildFilter::kKey: {
                static const std::vector<std::pair<std::string_view, std::string_view>> kSuffixes{
                    {"__icontains", "LOWER(k.value) LIKE ?"},
                    {"__gte", "k.value >= ?"},
                    {"__gt", "k.value > ?"},
                    {"__lte", "k.value <= ?"},
                    {"__lt", "k.value < ?"}};
                std::string key = name, compare = "k.value = ?", operand = value;
                for (const auto& [suffix, sql] : kSuffixes) {
                    if (!std::string_view(name).ends_with(suffix)) continue;
                    key = name.substr(0, name.size() - suffix.size());
                    compare = sql;
                    if (suffix == "__icontains") operand = "%" + Lower(value) + "%";
                    break;
                }
                where.Add(
                    "o.uuid IN (SELECT k.object FROM zaken_key k WHERE k.name = ? AND " + compare + ")",
                    storage::MakeParams(key, operand)
                );
                break;
            }
            case ChildFilter::kLaatstGezet:
                if (value == "true" || value == "True" || value == "1")
                    where.Add("z.status = o.uuid");
                else if (value == "false" || value == "False" || value == "0")
                    where.Add("(z.status IS NULL OR z.status <> o.uuid)");
                else
                    errors.push_back({name, "invalid", "Kies een geldige waarde: true of false."});
                break;
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        ObjectPage found;
        if (!nothing) {
            std::string kind_name(kind.name);
            auto r = co_await store_.ListObjects(s, kind_name, where, page, page_size);
            if (!r) co_return Fail(r.error());
            found = std::move(*r);
        }
        std::int64_t pages = (found.count + page_size - 1) / page_size;
        if (page > 1 && page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        auto rendered = co_await RenderObjects(s, kind, found.rows, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        if (kind.paginated) {
            body = http::PageBody(req, found.count, page, pages, *rendered);
        } else {
            body = "[";
            for (std::size_t i = 0; i < rendered->size(); ++i) {
                if (i) body += ',';
                body += (*rendered)[i];
            }
            body += "]";
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), false);
}

asio::awaitable<Result<http::Response>> Service::Search(const Operation& op, http::Request& req) {
    auto crs = CheckCrs(req, true);
    if (!crs) co_return Fail(crs.error());
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    bj::object params = std::move(parsed->as_object());
    for (const auto& [name, value] : req.query.items()) {
        if (name == "page" || name == "pageSize") params[name] = value;
    }
    co_return co_await ListZaken(op, req, params, true);
}

asio::awaitable<Result<http::Response>> Service::ListZaken(
    const Operation& op, http::Request& req, const bj::object& params, bool search
) {
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    ZaakQuery q;
    std::vector<InvalidParam> errors;
    std::int64_t page = 1, page_size = http::kPageSize;
    std::optional<std::string> zaaktype_key;
    bool only_zaaktype = true;
    Where tally;
    q.no_access = !AccessCondition(principal, op.scopes, "z.", q.where);
    AccessCondition(principal, op.scopes, "", tally);
    std::optional<std::string> within;
    std::vector<std::string> expand;

    auto as_text = [](const bj::value& v) -> std::string {
        if (v.is_string()) return std::string(v.as_string());
        if (v.is_array()) {
            std::string out;
            for (const auto& x : v.as_array()) {
                if (!out.empty()) out += ',';
                if (x.is_string()) out += std::string(x.as_string());
            }
            return out;
        }
        if (v.is_bool()) return v.as_bool() ? "true" : "false";
        if (v.is_int64()) return std::to_string(v.as_int64());
        return {};
    };
    auto split = [](const std::string& v) {
        std::vector<std::string> out;
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            if (comma == std::string::npos) comma = v.size();
            if (comma > start) out.push_back(v.substr(start, comma - start));
            start = comma + 1;
        }
        return out;
    };
    auto date_ok = [&](const std::string& name, const std::string& v) {
        if (ParseDate(v)) return true;
        errors.push_back({name, "invalid", "Voer een geldige datum in."});
        return false;
    };
    auto in_list = [&](std::string column, const std::vector<std::string>& values) {
        std::string marks;
        storage::Params ps;
        for (const auto& v : values) {
            if (!marks.empty()) marks += ", ";
            marks += "?";
            ps.push_back(v);
        }
        if (values.empty()) {
            q.where.Add("1 = 0");
            return;
        }
        q.where.Add(column + " IN (" + marks + ")", std::move(ps));
    };
    static const std::map<std::string, std::string, std::less<>> kDateColumns{
        {"startdatum", "startdatum"},
        {"registratiedatum", "registratiedatum"},
        {"einddatum", "einddatum"},
        {"einddatumGepland", "einddatum_gepland"},
        {"uiterlijkeEinddatumAfdoening", "uiterlijke_einddatum"},
        {"archiefactiedatum", "archiefactiedatum"}};
    static const std::map<std::string, std::string, std::less<>> kOrdering{
        {"startdatum", "z.startdatum"},
        {"einddatum", "z.einddatum"},
        {"publicatiedatum", "z.registratiedatum"},
        {"archiefactiedatum", "z.archiefactiedatum"},
        {"registratiedatum", "z.registratiedatum"},
        {"identificatie", "z.identificatie"}};

    for (const auto& [key, raw] : params) {
        std::string name(key);
        std::string value = as_text(raw);
        if (name == "page" || name == "pageSize") {
            auto n = http::ParsePageNumber(name, value);
            if (!n) {
                if (name == "page") co_return Fail(n.error());
                errors.push_back(n.error().invalid_params.front());
                continue;
            }
            (name == "page" ? page : page_size) = *n;
            continue;
        }
        if (name == "expand") {
            auto e = ParseExpand(value);
            if (!e) {
                errors.push_back(e.error().invalid_params.front());
                continue;
            }
            expand = std::move(*e);
            continue;
        }
        if (name == "zaaktype") {
            zaaktype_key = ZaaktypeKey(value);
            q.where.Add("z.zaaktype_key = ?", storage::MakeParams(*zaaktype_key));
            continue;
        }
        only_zaaktype = false;
        if (name == "zaakgeometrie" && search) {
            auto* w = raw.is_object() ? raw.as_object().if_contains("within") : nullptr;
            if (!w) {
                errors.push_back({"zaakgeometrie.within", "required", "Dit veld is vereist."});
                continue;
            }
            auto g = geo::Geometry::FromGeoJson(*w, "zaakgeometrie.within");
            if (!g) {
                for (auto& e : g.error().invalid_params) errors.push_back(e);
                continue;
            }
            within = g->ToGeoJson();
            auto box = g->Bounds();
            if (store_.dialect() == storage::Dialect::kPostgres) {
                q.where.Add(
                    "ST_Within(z.geom, ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326))", storage::MakeParams(*within)
                );
            } else {
                // The R*Tree narrows the candidates to boxes that meet the polygon's box; GEOS decides exactly.
                q.where.Add(
                    "z.seq IN (SELECT g.seq FROM zaken_geo g WHERE g.maxx >= CAST(? AS REAL) AND g.minx <= CAST(? AS "
                    "REAL) AND g.maxy >= CAST(? AS REAL) AND g.miny <= CAST(? AS REAL)) AND "
                    "thorbecke_within(z.geometry, ?)",
                    storage::MakeParams(
                        fmt::format("{}", box.minx),
                        fmt::format("{}", box.maxx),
                        fmt::format("{}", box.miny),
                        fmt::format("{}", box.maxy),
                        *within
                    )
                );
            }
            continue;
        }
        if (name == "ordering") {
            std::string order;
            for (const auto& o : split(value)) {
                bool desc = o.starts_with('-');
                auto it = kOrdering.find(desc ? o.substr(1) : o);
                if (it == kOrdering.end()) {
                    errors.push_back(
                        {name,
                         "invalid_choice",
                         fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", o)}
                    );
                    continue;
                }
                order += it->second + (desc ? " DESC, " : ", ");
            }
            q.order = order + "z.seq";
            continue;
        }
        if (name == "uuid__in") {
            std::vector<std::string> uuids;
            for (auto& u : split(value)) uuids.push_back(Lower(u));
            in_list("z.uuid", uuids);
            continue;
        }
        if (name == "zaaktype__in" || name == "zaaktype__not_in") {
            std::vector<std::string> keys;
            for (const auto& u : split(value)) keys.push_back(ZaaktypeKey(u));
            if (name == "zaaktype__in") {
                in_list("z.zaaktype_key", keys);
            } else {
                for (const auto& k : keys) q.where.Add("z.zaaktype_key <> ?", storage::MakeParams(k));
            }
            continue;
        }
        if (name == "identificatie" || name == "bronorganisatie" || name == "omschrijving") {
            q.where.Add(fmt::format("z.{} = ?", name), storage::MakeParams(value));
            continue;
        }
        if (name == "identificatie__icontains") {
            q.where.Add("LOWER(z.identificatie) LIKE ?", storage::MakeParams("%" + Lower(value) + "%"));
            continue;
        }
        if (name == "bronorganisatie__in") {
            in_list("z.bronorganisatie", split(value));
            continue;
        }
        if (name == "archiefnominatie" || name == "archiefstatus") {
            q.where.Add(fmt::format("z.{} = ?", name), storage::MakeParams(value));
            continue;
        }
        if (name == "archiefnominatie__in" || name == "archiefstatus__in") {
            in_list("z." + name.substr(0, name.size() - 4), split(value));
            continue;
        }
        if (name == "status__statustype") {
            q.where.Add("z.statustype = ?", storage::MakeParams(Stored(value, req.base_url)));
            continue;
        }
        if (name == "resultaat__resultaattype") {
            q.where.Add("z.resultaattype = ?", storage::MakeParams(Stored(value, req.base_url)));
            continue;
        }
        if (name == "maximaleVertrouwelijkheidaanduiding") {
            int rank = VertrouwelijkheidRank(value);
            if (rank == 0) {
                errors.push_back(
                    {name,
                     "invalid_choice",
                     fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", value)}
                );
                continue;
            }
            q.where.Add("z.vertrouwelijkheid <= ?", storage::MakeParams(std::int64_t{rank}));
            continue;
        }
        if (name == "kenmerk" || name == "kenmerk__bron") {
            q.where.Add(
                "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = ? AND k.value = ?)",
                storage::MakeParams(name, value)
            );
            continue;
        }
        if (name.starts_with("rol__")) {
            std::string rest = name.substr(5);
            auto keys = RolKeyParams();
            bool known =
                rest == "betrokkeneType" || std::find(keys.begin(), keys.end(), std::string_view(rest)) != keys.end();
            if (known) {
                q.where.Add(
                    "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = ? AND k.value = ?)",
                    storage::MakeParams(rest, value)
                );
                continue;
            }
        }
        // Date filters: exact, ranges and isnull.
        std::string field = name, op_suffix;
        if (auto pos = name.find("__"); pos != std::string::npos) {
            field = name.substr(0, pos);
            op_suffix = name.substr(pos + 2);
        }
        if (auto col = kDateColumns.find(field); col != kDateColumns.end()) {
            std::string c = "z." + col->second;
            if (op_suffix == "isnull") {
                bool yes = value == "true" || value == "True" || value == "1";
                q.where.Add(c + (yes ? " IS NULL" : " IS NOT NULL"));
                continue;
            }
            static const std::map<std::string, std::string, std::less<>> kOps{
                {"", "="}, {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
            auto o = kOps.find(op_suffix);
            if (o != kOps.end()) {
                if (date_ok(name, value)) q.where.Add(c + " " + o->second + " ?", storage::MakeParams(value));
                continue;
            }
        }
        errors.push_back({"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)});
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    if (only_zaaktype && q.order == "z.seq") {
        if (zaaktype_key) tally.Add("zaaktype_key = ?", storage::MakeParams(*zaaktype_key));
        q.tally = std::move(tally);
    }
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.ListZaken(s, q, page, page_size);
        if (!found) co_return Fail(found.error());
        std::int64_t pages = (found->count + page_size - 1) / page_size;
        if (page > 1 && page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        auto rendered = co_await RenderZaken(s, found->rows, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        for (std::size_t i = 0; i < rendered->size() && !expand.empty(); ++i) {
            auto e = co_await Expand(
                s, std::move((*rendered)[i]), found->rows[i], expand, req.base_url, principal, op.scopes, 0
            );
            if (!e) co_return Fail(e.error());
            (*rendered)[i] = std::move(*e);
        }
        body = http::PageBody(req, found->count, page, pages, *rendered);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), true);
}

asio::awaitable<Result<http::Response>> Service::Audit(const Operation& op, http::Request& req, bool one) {
    std::string zaak_uuid = Lower(req.PathParam("zaak_uuid"));
    std::string uuid = one ? Lower(req.PathParam("uuid")) : std::string();
    if (!IsUuid(zaak_uuid) || (one && !IsUuid(uuid))) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto z = co_await store_.GetZaak(s, zaak_uuid, false);
        if (!z) co_return Fail(z.error());
        // The trail outlives a deleted zaak; the zaak's rights apply while it exists.
        if (*z && !MayAccess(principal, op.scopes, **z) && !(principal && principal->all_rights)) {
            co_return Fail(Forbidden());
        }
        auto entries = co_await store_.AuditOf(s, zaak_uuid, uuid);
        if (!entries) co_return Fail(entries.error());
        if (one) {
            if (entries->empty()) co_return Fail(Error::NotFound());
            body = json::ExpandBase(entries->front().second, req.base_url);
            co_return Status{};
        }
        if (!*z && entries->empty()) co_return Fail(Error::NotFound());
        body = "[";
        for (std::size_t i = 0; i < entries->size(); ++i) {
            if (i) body += ',';
            json::AppendExpanded(body, (*entries)[i].second, req.base_url);
        }
        body += "]";
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), false);
}

// ---- Writing ------------------------------------------------------------------------------------------------

asio::awaitable<Status> Service::WriteAudit(Ctx& ctx, storage::Session& s, std::string_view actie, int status) {
    const Kind& kind = *ctx.op.kind;
    static const std::map<std::string_view, std::string_view> kWeergave{
        {"create", "Object aangemaakt"},
        {"update", "Object bijgewerkt"},
        {"partial_update", "Object deels bijgewerkt"},
        {"destroy", "Object verwijderd"}};
    std::string zaak_uuid = ctx.zaak ? ctx.zaak->uuid : (ctx.zaak_before ? ctx.zaak_before->uuid : std::string());
    std::string resource_path =
        kind.id == KindId::kZaak ? std::string(kZakenPath) + zaak_uuid : ObjectPath(kind, zaak_uuid, ctx.uuid);
    auto parse_or_null = [](const std::string& doc) -> bj::value {
        if (doc.empty()) return nullptr;
        auto v = json::Parse(doc);
        return v ? *v : bj::value(nullptr);
    };
    std::string old_doc, new_doc, weergave;
    if (kind.id == KindId::kZaak) {
        if (ctx.zaak_before) old_doc = ctx.zaak_before->doc;
        if (ctx.zaak && !ctx.deleted) new_doc = ctx.zaak->doc;
        weergave = ctx.zaak ? ctx.zaak->identificatie : ctx.zaak_before->identificatie;
    } else {
        if (ctx.object_before) old_doc = ctx.object_before->doc;
        if (ctx.object && !ctx.deleted) new_doc = ctx.object->doc;
        weergave = fmt::format("{} {}", kind.name, ctx.uuid);
    }
    std::string marker(1, json::kBaseMarkerChar);
    bj::object entry;
    std::string uuid = NewUuid();
    entry["uuid"] = uuid;
    entry["bron"] = "ZRC";
    entry["applicatieId"] = ctx.principal ? ctx.principal->client_id : "";
    entry["applicatieWeergave"] = ctx.principal ? ctx.principal->client_id : "";
    entry["gebruikersId"] = ctx.principal ? ctx.principal->user_id : "";
    entry["gebruikersWeergave"] = ctx.principal ? ctx.principal->user_id : "";
    entry["actie"] = actie;
    entry["actieWeergave"] = kWeergave.contains(actie) ? kWeergave.at(actie) : actie;
    entry["resultaat"] = status;
    entry["hoofdObject"] = marker + std::string(kZakenPath) + zaak_uuid;
    entry["resource"] = kind.name;
    entry["resourceUrl"] = marker + resource_path;
    entry["toelichting"] = std::string(ctx.req.Header("x-audit-toelichting"));
    entry["resourceWeergave"] = weergave;
    entry["aanmaakdatum"] = NowIso();
    bj::object changes;
    changes["oud"] = parse_or_null(old_doc);
    changes["nieuw"] = parse_or_null(new_doc);
    entry["wijzigingen"] = std::move(changes);
    co_return co_await store_.InsertAudit(s, uuid, zaak_uuid, json::Serialize(entry));
}

asio::awaitable<Status> Service::WriteIn(storage::Session& s, Ctx& ctx, const std::string& target) {
    const Kind& kind = *ctx.op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    bool partial = ctx.partial;
    http::Request& req = ctx.req;
    // Every attempt starts from the request: a retried transaction sees fresh state.
    ctx.zaak.reset();
    ctx.zaak_before.reset();
    ctx.object.reset();
    ctx.object_before.reset();
    ctx.keys.clear();
    ctx.input = ctx.body;
    if (is_zaak) {
        if (!ctx.create) {
            auto z = co_await store_.GetZaak(s, target, true);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            ctx.zaak_before = **z;
            if (partial) {
                auto stored = json::Parse((*z)->doc);
                if (!stored) co_return Fail(stored.error());
                bj::object merged = std::move(stored->as_object());
                for (const auto& kv : ctx.body) merged[kv.key()] = kv.value();
                ctx.input = std::move(merged);
            }
        }
        auto prepared = co_await PrepareZaak(ctx, s);
        if (!prepared) co_return prepared;
    } else {
        if (!ctx.create) {
            auto o = co_await store_.GetObject(s, target, true);
            if (!o) co_return Fail(o.error());
            if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
            if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
            ctx.object_before = **o;
            if (partial) {
                auto stored = json::Parse((*o)->doc);
                if (!stored) co_return Fail(stored.error());
                bj::object merged = std::move(stored->as_object());
                for (const auto& kv : ctx.body) merged[kv.key()] = kv.value();
                ctx.input = std::move(merged);
            }
        }
        auto prepared = co_await PrepareObject(ctx, s);
        if (!prepared) co_return prepared;
    }
    std::string_view actie = ctx.create ? "create" : (partial ? "partial_update" : "update");
    co_return co_await WriteAudit(ctx, s, actie, ctx.create ? 201 : 200);
}

asio::awaitable<Result<std::string>> Service::RenderWritten(storage::Session& s, Ctx& ctx) {
    const Kind& kind = *ctx.op.kind;
    if (kind.id == KindId::kZaak) {
        auto z = co_await store_.GetZaak(s, ctx.zaak->uuid, false);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        std::vector<ZaakRow> one(1, std::move(**z));
        auto r = co_await RenderZaken(s, one, ctx.base);
        if (!r) co_return Fail(r.error());
        co_return std::move(r->front());
    }
    auto o = co_await store_.GetObject(s, ctx.uuid, false);
    if (!o) co_return Fail(o.error());
    if (!*o) co_return Fail(Error::NotFound());
    std::vector<ObjectRow> one(1, std::move(**o));
    auto r = co_await RenderObjects(s, kind, one, ctx.base);
    if (!r) co_return Fail(r.error());
    co_return std::move(r->front());
}

asio::awaitable<Result<http::Response>> Service::Write(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    if (is_zaak) {
        auto crs = CheckCrs(req, true);
        if (!crs) co_return Fail(crs.error());
    }
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    bool partial = op.action == Action::kPartialUpdate;
    std::string_view schema = partial ? kind.patch_schema : kind.request_schema;
    auto errors = schemas_.Validate(schema, *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    ToStored(*parsed, req.base_url);

    Ctx ctx{op, req, req.base_url};
    ctx.principal = req.principal ? &*req.principal : nullptr;
    ctx.create = op.action == Action::kCreate;
    ctx.partial = partial;
    ctx.body = std::move(parsed->as_object());
    std::string target = ctx.create ? std::string() : Lower(req.PathParam("uuid"));
    if (!ctx.create && !IsUuid(target)) co_return Fail(Error::NotFound());

    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await WriteIn(s, ctx, target);
    });
    if (!st) co_return Fail(st.error());

    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto r = co_await RenderWritten(s, ctx);
        if (!r) co_return Fail(r.error());
        body = std::move(*r);
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    co_return JsonResponse(ctx.create ? 201 : 200, std::move(body), is_zaak);
}

asio::awaitable<Status> Service::PrepareZaak(Ctx& ctx, storage::Session& s) {
    bj::object& in = ctx.input;
    const std::string& base = ctx.base;
    std::vector<InvalidParam> errors;
    const std::optional<ZaakRow>& before = ctx.zaak_before;

    // zrc-007: a closed zaak changes only with the forced scope.
    if (before && before->einddatum) {
        std::vector<std::string> forced{std::string(kGeforceerd)};
        if (!MayAccess(ctx.principal, forced, *before)) co_return Fail(Forbidden());
    }

    std::string zaaktype_url = Str(in, "zaaktype");
    if (before) {
        for (const auto& [field, old] :
             {std::pair<std::string, std::string>{"zaaktype", before->zaaktype},
              {"identificatie", before->identificatie},
              {"bronorganisatie", before->bronorganisatie}}) {
            auto* v = in.if_contains(field);
            if (v && v->is_string() && std::string_view(v->as_string()) != old) {
                co_return Fail(Rule(field, "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden."));
            }
        }
    }
    auto zaaktype = co_await FetchType("zaaktype", zaaktype_url, base, kZaaktypenPath);
    if (!zaaktype) co_return Fail(zaaktype.error());
    ctx.zaaktype = std::move(*zaaktype);
    if (!before) {
        auto* is_concept = ctx.zaaktype.if_contains("concept");
        if (is_concept && is_concept->is_bool() && is_concept->as_bool()) {
            co_return Fail(Rule("zaaktype", "not-published", "Het zaaktype is nog niet gepubliceerd."));
        }
    }

    for (std::string field : {"bronorganisatie", "verantwoordelijkeOrganisatie"}) {
        std::string v = Str(in, field);
        if (!v.empty() && !IsValidRsin(v)) errors.push_back({field, "invalid", "Onjuist RSIN-nummer (elfproef)."});
    }
    if (Str(in, "betalingsindicatie") == "nvt") {
        auto* d = in.if_contains("laatsteBetaaldatum");
        if (d && !d->is_null()) {
            errors.push_back(
                {"laatsteBetaaldatum",
                 "betaling-nvt",
                 "Laatste betaaldatum kan niet gezet worden als er geen betaling nodig is."}
            );
        }
    }
    if (auto* pod = in.if_contains("productenOfDiensten"); pod && pod->is_array()) {
        for (const auto& p : pod->as_array()) {
            if (p.is_string() && !Contains(ctx.zaaktype, "productenOfDiensten", Full(p.as_string(), base))) {
                errors.push_back(
                    {"productenOfDiensten",
                     "invalid-products-services",
                     "Niet alle producten/diensten komen voor in de producten/diensten op het zaaktype."}
                );
                break;
            }
        }
    }
    if (auto* rel = in.if_contains("relevanteAndereZaken"); rel && rel->is_array()) {
        for (std::size_t i = 0; i < rel->as_array().size(); ++i) {
            const auto& item = rel->as_array()[i];
            std::string url = item.is_object() ? Str(item.as_object(), "url") : std::string();
            auto uuid = UuidAfter(url, kZakenPath);
            bool found = false;
            if (uuid && !url.empty() && url.front() == json::kBaseMarkerChar) {
                auto z = co_await store_.GetZaak(s, *uuid, false);
                if (!z) co_return Fail(z.error());
                found = z->has_value();
            }
            if (!found) {
                errors.push_back(
                    {fmt::format("relevanteAndereZaken.{}.url", i), "bad-url", "De URL kan niet worden opgevraagd."}
                );
            }
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    ZaakRow row = before ? *before : ZaakRow{};
    if (!before) row.uuid = NewUuid();
    ctx.uuid = row.uuid;

    // Hoofdzaak (zrc-013): an existing zaak, not this one, not itself a deelzaak.
    row.hoofdzaak.reset();
    if (auto* h = in.if_contains("hoofdzaak"); h && h->is_string() && !h->as_string().empty()) {
        std::string url(h->as_string());
        auto uuid = UuidAfter(url, kZakenPath);
        if (!uuid || url.front() != json::kBaseMarkerChar) {
            co_return Fail(Rule("hoofdzaak", "no_match", "Ongeldige hyperlink - Onjuiste URL-match."));
        }
        if (*uuid == row.uuid) {
            co_return Fail(Rule("hoofdzaak", "self-forbidden", "Een zaak mag niet zijn eigen hoofdzaak zijn."));
        }
        auto hz = co_await store_.GetZaak(s, *uuid, false);
        if (!hz) co_return Fail(hz.error());
        if (!*hz) co_return Fail(Rule("hoofdzaak", "does_not_exist", "Ongeldige hyperlink - Object bestaat niet."));
        if ((*hz)->hoofdzaak) {
            co_return Fail(Rule("hoofdzaak", "deelzaak-als-hoofdzaak", "Een deelzaak kan geen hoofdzaak zijn."));
        }
        if (before) {
            auto deel = co_await store_.Deelzaken(s, row.uuid);
            if (!deel) co_return Fail(deel.error());
            if (!deel->empty()) {
                co_return Fail(
                    Rule("hoofdzaak", "deelzaak-als-hoofdzaak", "Een zaak met deelzaken kan geen deelzaak zijn.")
                );
            }
        }
        // The hoofdzaak's zaaktype must allow this zaak's zaaktype as deelzaaktype.
        auto hzt = co_await FetchType("hoofdzaak", (*hz)->zaaktype, base, kZaaktypenPath);
        if (hzt && !Contains(*hzt, "deelzaaktypen", Full(zaaktype_url, base))) {
            co_return Fail(Rule(
                "zaaktype",
                "invalid-deelzaaktype",
                "Het zaaktype van de deelzaak komt niet voor in de deelzaaktypen van het zaaktype van de hoofdzaak."
            ));
        }
        row.hoofdzaak = *uuid;
    }

    // Identificatie (zrc-002): given and unique per bronorganisatie, or generated.
    row.bronorganisatie = Str(in, "bronorganisatie");
    if (!before) {
        std::string ident = Str(in, "identificatie");
        if (!ident.empty()) {
            auto taken = co_await store_.IdentificatieTaken(s, row.bronorganisatie, ident);
            if (!taken) co_return Fail(taken.error());
            if (*taken) {
                co_return Fail(Rule(
                    "identificatie",
                    "identificatie-niet-uniek",
                    "Deze identificatie bestaat al voor deze bronorganisatie."
                ));
            }
            // A reserved zaaknummer goes to the zaak that names it.
            auto released = co_await store_.ReleaseReservation(s, row.bronorganisatie, ident);
            if (!released) co_return released;
        } else {
            auto generated = co_await GenerateIdentificatie(s, row.bronorganisatie, Str(in, "registratiedatum"));
            if (!generated) co_return Fail(generated.error());
            ident = *generated;
        }
        row.identificatie = ident;
        in["identificatie"] = ident;
    }

    // Vertrouwelijkheid (zrc-006 and the zaaktype's default).
    std::string vertrouwelijkheid = Str(in, "vertrouwelijkheidaanduiding");
    if (vertrouwelijkheid.empty()) {
        vertrouwelijkheid = Str(ctx.zaaktype, "vertrouwelijkheidaanduiding");
        in["vertrouwelijkheidaanduiding"] = vertrouwelijkheid;
    }
    row.zaaktype = zaaktype_url;
    row.zaaktype_key = ZaaktypeKey(zaaktype_url);
    row.vertrouwelijkheid = VertrouwelijkheidRank(vertrouwelijkheid);
    std::vector<std::string> scopes = ctx.op.scopes;
    if (before && before->einddatum) scopes.push_back(std::string(kGeforceerd));
    if (!MayAccess(ctx.principal, scopes, row) || (before && !MayAccess(ctx.principal, scopes, *before))) {
        co_return Fail(Forbidden());
    }

    // Archiving (zrc-022).
    if (Str(in, "archiefstatus").empty()) in["archiefstatus"] = "nog_te_archiveren";
    if (Str(in, "archiefstatus") != "nog_te_archiveren") {
        if (Str(in, "archiefnominatie").empty()) {
            co_return Fail(Rule(
                "archiefnominatie",
                "archiefnominatie-not-set",
                "Moet van een waarde voorzien zijn als de 'Archiefstatus' een waarde heeft anders dan "
                "'nog_te_archiveren'."
            ));
        }
        if (Str(in, "archiefactiedatum").empty()) {
            co_return Fail(Rule(
                "archiefactiedatum",
                "archiefactiedatum-not-set",
                "Moet van een waarde voorzien zijn als de 'Archiefstatus' een waarde heeft anders dan "
                "'nog_te_archiveren'."
            ));
        }
        // Linked documents must be archived first; this platform cannot confirm that of any document yet.
        if (before) {
            auto uuids = std::vector<std::string>{row.uuid};
            std::vector<std::string> kinds{"zaakinformatieobject"};
            auto zios = co_await store_.ObjectsOf(s, uuids, kinds, false);
            if (!zios) co_return Fail(zios.error());
            if (!zios->empty()) {
                co_return Fail(Rule(
                    "archiefstatus",
                    "documents-not-archived",
                    "Er zijn gerelateerde informatieobjecten waarvan de `status` nog niet gelijk is aan `gearchiveerd`."
                ));
            }
        }
    }

    // Geometry.
    row.geometry.reset();
    row.bbox.reset();
    if (auto* g = in.if_contains("zaakgeometrie"); g && !g->is_null()) {
        auto geometry = geo::Geometry::FromGeoJson(*g, "zaakgeometrie");
        if (!geometry) co_return Fail(geometry.error());
        row.geometry = geometry->ToGeoJson();
        auto b = geometry->Bounds();
        row.bbox = ZaakRow::Box{b.minx, b.miny, b.maxx, b.maxy};
    }

    row.omschrijving = Str(in, "omschrijving");
    if (Str(in, "registratiedatum").empty()) in["registratiedatum"] = FormatDate(Today());
    row.registratiedatum = OptStr(in, "registratiedatum");
    row.startdatum = OptStr(in, "startdatum");
    row.einddatum_gepland = OptStr(in, "einddatumGepland");
    row.uiterlijke_einddatum = OptStr(in, "uiterlijkeEinddatumAfdoening");
    row.archiefnominatie = OptStr(in, "archiefnominatie");
    row.archiefstatus = OptStr(in, "archiefstatus");
    row.archiefactiedatum = OptStr(in, "archiefactiedatum");

    std::map<std::string, bj::value> computed;
    computed["url"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + row.uuid;
    computed["uuid"] = row.uuid;
    computed["einddatum"] = row.einddatum ? bj::value(*row.einddatum) : bj::value(nullptr);
    computed["laatstGemuteerd"] = NowIso();
    computed["betalingsindicatieWeergave"] = BetalingsindicatieWeergave(Str(in, "betalingsindicatie"));
    row.doc = BuildDoc(schemas_, *ctx.op.kind, in, computed);
    ctx.zaak = row;

    if (before) {
        auto ok = co_await store_.UpdateZaak(s, *before, row);
        if (!ok) co_return Fail(ok.error());
        if (!*ok) co_return Fail(Error::Conflict("conflict", "De zaak is intussen gewijzigd; probeer het opnieuw."));
    } else {
        auto st = co_await store_.InsertZaak(s, row);
        if (!st) co_return st;
    }
    // Kenmerken are searchable (kenmerk, kenmerk__bron).
    std::vector<std::pair<std::string, std::string>> keys;
    if (auto* k = in.if_contains("kenmerken"); k && k->is_array()) {
        for (const auto& item : k->as_array()) {
            if (!item.is_object()) continue;
            std::string bron = Str(item.as_object(), "bron"), kenmerk = Str(item.as_object(), "kenmerk");
            keys.emplace_back("kenmerk", bron + ":" + kenmerk);
            keys.emplace_back("kenmerk__bron", bron);
        }
    }
    co_return co_await store_.ReplaceKeys(s, row.uuid, row.uuid, keys);
}

namespace {

//! Sets fields of a stored document (a zaak's archiving fields after closing or reopening it).
std::string WithFields(const std::string& doc, const std::vector<std::pair<std::string, bj::value>>& fields) {
    auto parsed = json::Parse(doc);
    if (!parsed || !parsed->is_object()) return doc;
    for (const auto& [k, v] : fields) {
        if (parsed->as_object().contains(k)) parsed->as_object()[k] = v;
    }
    return json::Serialize(*parsed);
}

bj::value OptValue(const std::optional<std::string>& v) {
    return v ? bj::value(*v) : bj::value(nullptr);
}

}  // namespace

asio::awaitable<Status> Service::CloseOrReopen(Ctx& ctx, storage::Session& s, bool eindstatus) {
    ZaakRow& z = *ctx.zaak;
    const std::string& base = ctx.base;
    bool closed = z.einddatum.has_value();
    std::vector<std::string> forced{std::string(kGeforceerd)};
    std::vector<std::string> reopen{std::string(kHeropenen), std::string(kGeforceerd)};
    std::optional<std::string> start_bewaartermijn;
    if (auto doc = json::Parse(z.doc); doc && doc->is_object())
        start_bewaartermijn = OptStr(doc->as_object(), "startdatumBewaartermijn");

    if (!eindstatus) {
        if (!closed) co_return Status{};
        // zrc-008: reopening a closed zaak needs zaken.heropenen; its archiving parameters are cleared.
        if (!MayAccess(ctx.principal, reopen, z)) co_return Fail(Forbidden());
        z.einddatum.reset();
        z.archiefnominatie.reset();
        z.archiefactiedatum.reset();
        start_bewaartermijn.reset();
    } else {
        if (closed && !MayAccess(ctx.principal, forced, z)) co_return Fail(Forbidden());
        if (!z.resultaat) {
            co_return Fail(Rule(
                "nonFieldErrors", "resultaat-does-not-exist", "Een zaak kan niet afgesloten worden zonder resultaat."
            ));
        }
        z.einddatum = DatePart(Str(ctx.input, "datumStatusGezet"));
        // zrc-021: archiving parameters from the resultaattype.
        auto resultaattype =
            co_await FetchType("resultaattype", z.resultaattype.value_or(""), base, "/resultaattypen/");
        if (!resultaattype) co_return Fail(resultaattype.error());
        ArchiveFacts facts;
        facts.einddatum = *z.einddatum;
        facts.archiefnominatie = z.archiefnominatie.value_or("");
        facts.archiefactiedatum = z.archiefactiedatum.value_or("");
        facts.startdatum_bewaartermijn = start_bewaartermijn.value_or("");
        std::vector<std::string> one{z.uuid};
        std::vector<std::string> kinds{"zaakeigenschap", "zaakobject"};
        auto objects = co_await store_.ObjectsOf(s, one, kinds, true);
        if (!objects) co_return Fail(objects.error());
        for (const auto& o : *objects) {
            auto doc = json::Parse(o.doc);
            if (!doc || !doc->is_object()) continue;
            if (o.kind == "zaakeigenschap")
                facts.eigenschappen[Str(doc->as_object(), "naam")] = Str(doc->as_object(), "waarde");
            else
                facts.zaakobjecten.push_back(doc->as_object());
        }
        if (z.hoofdzaak) {
            auto h = co_await store_.GetZaak(s, *z.hoofdzaak, false);
            if (!h) co_return Fail(h.error());
            if (*h) facts.hoofdzaak_einddatum = (*h)->einddatum.value_or("");
        }
        if (auto doc = json::Parse(z.doc); doc && doc->is_object()) {
            if (auto* rel = doc->as_object().if_contains("relevanteAndereZaken"); rel && rel->is_array()) {
                for (const auto& r : rel->as_array()) {
                    auto uuid = r.is_object() ? UuidAfter(Str(r.as_object(), "url"), kZakenPath) : std::nullopt;
                    if (!uuid) continue;
                    auto other = co_await store_.GetZaak(s, *uuid, false);
                    if (!other) co_return Fail(other.error());
                    if (*other) facts.gerelateerde_zaak_einddatums.push_back((*other)->einddatum.value_or(""));
                }
            }
        }
        auto outcome = DeriveArchiving(*resultaattype, facts);
        if (!outcome) co_return Fail(outcome.error());
        if (!outcome->archiefnominatie.empty()) z.archiefnominatie = outcome->archiefnominatie;
        if (outcome->archiefactiedatum) z.archiefactiedatum = outcome->archiefactiedatum;
        if (outcome->startdatumBewaartermijn) start_bewaartermijn = outcome->startdatumBewaartermijn;
    }
    z.doc = WithFields(
        z.doc,
        {{"einddatum", OptValue(z.einddatum)},
         {"archiefnominatie", OptValue(z.archiefnominatie)},
         {"archiefactiedatum", OptValue(z.archiefactiedatum)},
         {"startdatumBewaartermijn", OptValue(start_bewaartermijn)},
         {"laatstGemuteerd", bj::value(NowIso())}}
    );
    co_return Status{};
}

asio::awaitable<Status> Service::PrepareObject(Ctx& ctx, storage::Session& s) {
    const Kind& kind = *ctx.op.kind;
    bj::object& in = ctx.input;
    const std::string& base = ctx.base;

    // The zaak the object belongs to.
    std::string zaak_uuid;
    if (kind.nested) {
        zaak_uuid = Lower(ctx.req.PathParam("zaak_uuid"));
        if (kind.id == KindId::kZaakeigenschap && in.contains("zaak")) {
            auto given = UuidAfter(Str(in, "zaak"), kZakenPath);
            if (!given || *given != zaak_uuid) {
                co_return Fail(Rule("zaak", "no_match", "De zaak in de URL en in het verzoek verschillen."));
            }
        }
    } else {
        std::string url = Str(in, kind.zaak_field);
        auto uuid = UuidAfter(url, kZakenPath);
        if (!uuid || url.empty() || url.front() != json::kBaseMarkerChar) {
            co_return Fail(Rule(std::string(kind.zaak_field), "no_match", "Ongeldige hyperlink - Onjuiste URL-match."));
        }
        zaak_uuid = *uuid;
    }
    if (ctx.object_before) {
        if (zaak_uuid != ctx.object_before->zaak) {
            co_return Fail(
                Rule(std::string(kind.zaak_field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
            );
        }
        if (!kind.ref_field.empty() && kind.id == KindId::kZaakinformatieobject &&
            Str(in, kind.ref_field) != ctx.object_before->ref) {
            co_return Fail(
                Rule(std::string(kind.ref_field), "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
            );
        }
    }
    auto found = co_await store_.GetZaak(s, zaak_uuid, true);
    if (!found) co_return Fail(found.error());
    if (!*found) {
        if (kind.nested) co_return Fail(Error::NotFound());
        co_return Fail(
            Rule(std::string(kind.zaak_field), "does_not_exist", "Ongeldige hyperlink - Object bestaat niet.")
        );
    }
    ctx.zaak_before = **found;
    ctx.zaak = **found;
    ZaakRow& zaak = *ctx.zaak;
    if (!MayAccess(ctx.principal, ctx.op.scopes, zaak)) co_return Fail(Forbidden());
    // zrc-007: objects of a closed zaak change only with the forced scope (statussen: see CloseOrReopen).
    std::vector<std::string> forced{std::string(kGeforceerd)};
    if (zaak.einddatum && kind.id != KindId::kStatus && !MayAccess(ctx.principal, forced, zaak)) {
        co_return Fail(Forbidden());
    }

    ObjectRow row = ctx.object_before ? *ctx.object_before : ObjectRow{};
    if (!ctx.object_before) row.uuid = NewUuid();
    row.kind = std::string(kind.name);
    row.zaak = zaak_uuid;
    ctx.uuid = row.uuid;
    std::map<std::string, bj::value> computed;
    computed["url"] = std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, zaak_uuid, row.uuid);
    computed["uuid"] = row.uuid;

    // Types must belong to the zaak's zaaktype (zrc-016, zrc-018, zrc-019, zrc-020).
    auto type_of = [&](std::string_view list_field) -> asio::awaitable<Result<bj::object>> {
        auto zaaktype = co_await FetchType("zaaktype", zaak.zaaktype, base, kZaaktypenPath);
        if (!zaaktype) co_return Fail(zaaktype.error());
        std::string url = Str(in, kind.ref_field);
        if (!Contains(*zaaktype, list_field, Full(url, base))) {
            co_return Fail(Rule(
                "nonFieldErrors",
                "zaaktype-mismatch",
                fmt::format("De referentie hoort niet bij het zaaktype van de zaak ({}).", kind.ref_field)
            ));
        }
        std::string field(kind.ref_field);
        co_return co_await FetchType(field, url, base, "/catalogi/api/v1/");
    };

    switch (kind.id) {
        case KindId::kStatus: {
            auto statustype = co_await type_of("statustypen");
            if (!statustype) co_return Fail(statustype.error());
            auto* eind = statustype->if_contains("isEindstatus");
            bool eindstatus = eind && eind->is_bool() && eind->as_bool();
            // The newest status (by datumStatusGezet) is the zaak's status.
            bool newest = true;
            if (zaak.status) {
                auto current = co_await store_.GetObject(s, *zaak.status, false);
                if (!current) co_return Fail(current.error());
                if (*current) newest = Str(in, "datumStatusGezet") >= (*current)->attr;
            }
            if (newest) {
                zaak.status = row.uuid;
                zaak.statustype = Str(in, "statustype");
            }
            auto st = co_await CloseOrReopen(ctx, s, eindstatus);
            if (!st) co_return st;
            break;
        }
        case KindId::kResultaat: {
            auto rt = co_await type_of("resultaattypen");
            if (!rt) co_return Fail(rt.error());
            if (zaak.resultaat && *zaak.resultaat != row.uuid) {
                co_return Fail(Rule("zaak", "unique", "Deze zaak heeft al een resultaat."));
            }
            zaak.resultaat = row.uuid;
            zaak.resultaattype = Str(in, "resultaattype");
            break;
        }
        case KindId::kRol: {
            auto roltype = co_await type_of("roltypen");
            if (!roltype) co_return Fail(roltype.error());
            computed["omschrijving"] = Str(*roltype, "omschrijving");
            computed["omschrijvingGeneriek"] = Str(*roltype, "omschrijvingGeneriek");
            std::string registered;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    registered = Str(d->as_object(), "registratiedatum");
            }
            computed["registratiedatum"] = registered.empty() ? NowIso() : registered;
            if (auto* ident = in.if_contains("betrokkeneIdentificatie"); ident && ident->is_object()) {
                std::string bsn = Str(ident->as_object(), "inpBsn");
                if (!bsn.empty() && !IsValidBsn(bsn)) {
                    co_return Fail(Rule("betrokkeneIdentificatie.inpBsn", "invalid", "Onjuist BSN (elfproef)."));
                }
            }
            bj::object with_type = in;
            with_type["omschrijving"] = computed["omschrijving"];
            with_type["omschrijvingGeneriek"] = computed["omschrijvingGeneriek"];
            ctx.keys = RolKeys(with_type);
            break;
        }
        case KindId::kZaakeigenschap: {
            auto eigenschap = co_await type_of("eigenschappen");
            if (!eigenschap) co_return Fail(eigenschap.error());
            computed["naam"] = Str(*eigenschap, "naam");
            computed["zaak"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak_uuid;
            break;
        }
        case KindId::kZaakinformatieobject: {
            if (!ctx.object_before) {
                std::vector<std::string> one{zaak_uuid};
                std::vector<std::string> kinds{"zaakinformatieobject"};
                auto existing = co_await store_.ObjectsOf(s, one, kinds, false);
                if (!existing) co_return Fail(existing.error());
                for (const auto& o : *existing) {
                    if (o.ref == Str(in, "informatieobject")) {
                        co_return Fail(Rule(
                            "nonFieldErrors", "unique", "De velden zaak, informatieobject moeten een unieke set zijn."
                        ));
                    }
                }
            }
            computed["aardRelatieWeergave"] = "Hoort bij, omgekeerd: kent";
            std::string registered;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    registered = Str(d->as_object(), "registratiedatum");
            }
            computed["registratiedatum"] = registered.empty() ? NowIso() : registered;
            break;
        }
        case KindId::kKlantcontact: {
            if (Str(in, "identificatie").empty()) {
                auto n = co_await store_.NextNumber(s, "klantcontact");
                if (!n) co_return Fail(n.error());
                in["identificatie"] = NextIdentificatie("KLANTCONTACT-", *n);
            }
            break;
        }
        case KindId::kZaakobject: {
            if (auto zot = OptStr(in, "zaakobjecttype")) {
                auto zaaktype = co_await FetchType("zaaktype", zaak.zaaktype, base, kZaaktypenPath);
                if (!zaaktype) co_return Fail(zaaktype.error());
                auto t = co_await FetchType("zaakobjecttype", *zot, base, "/zaakobjecttypen/");
                if (!t) co_return Fail(t.error());
                if (Str(*t, "zaaktype") != Full(zaak.zaaktype, base)) {
                    co_return Fail(Rule(
                        "zaakobjecttype",
                        "invalid-zaakobjecttype-for-zaaktype",
                        "Het zaakobjecttype hoort niet bij het zaaktype van de zaak."
                    ));
                }
            }
            if (Str(in, "objectType") == "overige" && Str(in, "objectTypeOverige").empty() &&
                !in.contains("objectTypeOverigeDefinitie")) {
                co_return Fail(
                    Rule("objectTypeOverige", "required", "Bij objectType 'overige' is objectTypeOverige vereist.")
                );
            }
            break;
        }
        case KindId::kSubstatus: {
            // The status must be one of this zaak's.
            auto status_uuid = UuidAfter(Str(in, "status"), "/zaken/api/v1/statussen/");
            if (in.contains("status") && !in.at("status").is_null() && !Str(in, "status").empty()) {
                bool ok = false;
                if (status_uuid) {
                    auto st = co_await store_.GetObject(s, *status_uuid, false);
                    if (!st) co_return Fail(st.error());
                    ok = *st && (*st)->kind == "status" && (*st)->zaak == zaak_uuid;
                }
                if (!ok) {
                    co_return Fail(Rule("status", "invalid-status", "De status hoort niet bij de zaak."));
                }
            }
            if (Str(in, "tijdstip").empty()) in["tijdstip"] = NowIso();
            break;
        }
        case KindId::kZaaknotitie: {
            std::string created;
            if (ctx.object_before) {
                if (auto d = json::Parse(ctx.object_before->doc); d && d->is_object())
                    created = Str(d->as_object(), "aanmaakdatum");
            }
            computed["aanmaakdatum"] = created.empty() ? NowIso() : created;
            computed["wijzigingsdatum"] = NowIso();
            // Absent choices take the reference implementation's defaults (the enums have no blank).
            if (Str(in, "status").empty()) in["status"] = "concept";
            if (Str(in, "notitieType").empty()) in["notitieType"] = "intern";
            break;
        }
        default:
            break;
    }
    if (!kind.key_fields.empty()) {
        ctx.keys.clear();
        for (auto field : kind.key_fields) {
            auto it = computed.find(std::string(field));
            std::string v =
                it != computed.end() && it->second.is_string() ? std::string(it->second.as_string()) : Str(in, field);
            if (!v.empty()) ctx.keys.emplace_back(std::string(field), v);
        }
    }

    row.ref = kind.ref_field.empty() ? std::string() : Str(in, kind.ref_field);
    row.attr = kind.attr_field.empty() ? std::string() : Str(in, kind.attr_field);
    row.doc = BuildDoc(schemas_, kind, in, computed);
    ctx.object = row;
    auto st = co_await store_.SaveObject(s, row, ctx.keys, !ctx.object_before);
    if (!st) co_return st;
    if (zaak.status != ctx.zaak_before->status || zaak.resultaat != ctx.zaak_before->resultaat ||
        zaak.doc != ctx.zaak_before->doc) {
        auto ok = co_await store_.UpdateZaak(s, *ctx.zaak_before, zaak);
        if (!ok) co_return Fail(ok.error());
        if (!*ok) co_return Fail(Error::Conflict("conflict", "De zaak is intussen gewijzigd; probeer het opnieuw."));
    }
    co_return Status{};
}

asio::awaitable<Result<http::Response>> Service::Remove(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    std::string target = Lower(req.PathParam("uuid"));
    if (!IsUuid(target)) co_return Fail(Error::NotFound());
    Ctx ctx{op, req, req.base_url};
    ctx.principal = req.principal ? &*req.principal : nullptr;
    ctx.deleted = true;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        ctx.zaak.reset();
        ctx.zaak_before.reset();
        ctx.object_before.reset();
        std::vector<std::string> forced{std::string(kGeforceerd)};
        if (kind.id == KindId::kZaak) {
            auto z = co_await store_.GetZaak(s, target, true);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            if (!MayAccess(ctx.principal, op.scopes, **z)) co_return Fail(Forbidden());
            ctx.zaak_before = **z;
            ctx.uuid = target;
            // Deelzaken lose their hoofdzaak with it? The standard keeps them: refuse while they exist.
            auto deel = co_await store_.Deelzaken(s, target);
            if (!deel) co_return Fail(deel.error());
            if (!deel->empty()) {
                co_return Fail(Rule("nonFieldErrors", "pending-relations", "De zaak heeft nog deelzaken."));
            }
            auto del = co_await store_.DeleteZaak(s, **z);
            if (!del) co_return del;
            co_return co_await WriteAudit(ctx, s, "destroy", 204);
        }
        auto o = co_await store_.GetObject(s, target, true);
        if (!o) co_return Fail(o.error());
        if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
        if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
        ctx.object_before = **o;
        ctx.uuid = target;
        auto z = co_await store_.GetZaak(s, (*o)->zaak, true);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        if (!MayAccess(ctx.principal, op.scopes, **z)) co_return Fail(Forbidden());
        if ((*z)->einddatum && !MayAccess(ctx.principal, forced, **z)) co_return Fail(Forbidden());
        ctx.zaak_before = **z;
        ctx.zaak = **z;
        auto del = co_await store_.DeleteObject(s, **o);
        if (!del) co_return del;
        if (kind.id == KindId::kResultaat && ctx.zaak->resultaat == target) {
            ctx.zaak->resultaat.reset();
            ctx.zaak->resultaattype.reset();
            auto ok = co_await store_.UpdateZaak(s, *ctx.zaak_before, *ctx.zaak);
            if (!ok) co_return Fail(ok.error());
        }
        co_return co_await WriteAudit(ctx, s, "destroy", 204);
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

// ---- Zaaknummers and composite actions (experimental endpoints of the OAS) -------------------------------------

asio::awaitable<Result<std::string>> Service::GenerateIdentificatie(
    storage::Session& s, std::string bronorganisatie, std::string registratiedatum
) {
    std::string year = DatePart(registratiedatum.empty() ? NowIso() : registratiedatum).substr(0, 4);
    std::string prefix = fmt::format("ZAAK-{}-", year);
    for (int attempt = 0; attempt < 1000; ++attempt) {
        std::string sequence = fmt::format("zaak:{}:{}", bronorganisatie, year);
        auto n = co_await store_.NextNumber(s, sequence);
        if (!n) co_return Fail(n.error());
        std::string candidate = NextIdentificatie(prefix, *n);
        auto taken = co_await store_.IdentificatieTaken(s, bronorganisatie, candidate);
        if (!taken) co_return Fail(taken.error());
        auto reserved = co_await store_.IdentificatieReserved(s, bronorganisatie, candidate);
        if (!reserved) co_return Fail(reserved.error());
        if (!*taken && !*reserved) co_return candidate;
    }
    co_return Fail(Error::Internal("no free zaak identificatie found"));
}

std::vector<std::string> Service::ScopesFor(const Kind& kind, Action action) const {
    std::string path =
        kind.nested ? fmt::format("/zaken/{{zaak_uuid}}/{}", kind.collection) : fmt::format("/{}", kind.collection);
    std::string_view method = "get";
    switch (action) {
        case Action::kList:
            break;
        case Action::kRead:
            path += "/{uuid}";
            break;
        case Action::kCreate:
            method = "post";
            break;
        case Action::kUpdate:
            path += "/{uuid}";
            method = "put";
            break;
        case Action::kPartialUpdate:
            path += "/{uuid}";
            method = "patch";
            break;
        case Action::kDelete:
            path += "/{uuid}";
            method = "delete";
            break;
    }
    const auto* paths = schemas_.document().as_object().if_contains("paths");
    const auto* item = paths ? paths->as_object().if_contains(path) : nullptr;
    const auto* op = item ? item->as_object().if_contains(method) : nullptr;
    return op && op->is_object() ? SecurityScopes(op->as_object()) : std::vector<std::string>{};
}

asio::awaitable<Result<http::Response>> Service::Reserve(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    auto errors = schemas_.Validate("ReserveZaakIdentificatieRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    const auto& in = parsed->as_object();
    std::string bron = Str(in, "bronorganisatie");
    if (!IsValidRsin(bron)) co_return Fail(Rule("bronorganisatie", "invalid", "Onjuist RSIN-nummer (elfproef)."));
    auto* aantal_value = in.if_contains("aantal");
    std::int64_t aantal = aantal_value && aantal_value->is_int64() ? aantal_value->as_int64() : 1;
    if (aantal < 1 || aantal > 100) {
        co_return Fail(Rule("aantal", "invalid", "Het aantal moet tussen 1 en 100 liggen."));
    }
    // Reserving is creating: the caller needs zaken.aanmaken (for some zaaktype).
    auto allowed = Allowed(req.principal ? &*req.principal : nullptr, op.scopes);
    if (allowed && allowed->empty()) co_return Fail(Forbidden());
    std::vector<std::string> numbers;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        numbers.clear();
        for (std::int64_t i = 0; i < aantal; ++i) {
            auto n = co_await GenerateIdentificatie(s, bron, "");
            if (!n) co_return Fail(n.error());
            auto r = co_await store_.Reserve(s, bron, *n);
            if (!r) co_return r;
            numbers.push_back(*n);
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    std::string body;
    if (aantal_value) {
        body = "[";
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            if (i) body += ',';
            body += "{\"zaaknummer\":" + json::Quote(numbers[i]) + "}";
        }
        body += "]";
    } else {
        body = "{\"zaaknummer\":" + json::Quote(numbers.front()) + "}";
    }
    co_return JsonResponse(201, std::move(body), false);
}

asio::awaitable<Result<http::Response>> Service::RunComposite(
    const Operation& /*op: the route's scopes; each step checks its own*/, http::Request& req, Composite which
) {
    auto crs = CheckCrs(req, true);
    if (!crs) co_return Fail(crs.error());
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    static const std::map<Composite, std::string_view> kSchemas{
        {Composite::kRegistreren, "ZaakRegistrerenRequest"},
        {Composite::kBijwerken, "ZaakBijwerkenRequest"},
        {Composite::kOpschorten, "ZaakOpschortenRequest"},
        {Composite::kVerlengen, "ZaakVerlengenRequest"},
        {Composite::kAfsluiten, "ZaakAfsluitenRequest"}};
    auto errors = schemas_.Validate(kSchemas.at(which), *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    ToStored(*parsed, req.base_url);
    const bj::object& in = parsed->as_object();
    std::string target;
    if (which != Composite::kRegistreren) {
        target = Lower(req.PathParam("uuid"));
        if (!IsUuid(target)) co_return Fail(Error::NotFound());
    }

    // The steps, in the order the writes happen; each with the scopes of its own endpoint.
    struct Step {
        std::string key;
        int index;  // position in a list, or -1
        Operation op;
        bj::object body;
    };
    std::vector<Step> steps;
    auto add = [&](std::string key, int index, KindId kind, Action action, bj::object body) {
        const Kind& k = GetKind(kind);
        steps.push_back(Step{std::move(key), index, Operation{&k, action, ScopesFor(k, action)}, std::move(body)});
    };
    auto obj = [&](std::string_view key) {
        auto* v = in.if_contains(key);
        return v && v->is_object() ? v->as_object() : bj::object();
    };
    auto list = [&](std::string_view key, KindId kind) {
        auto* v = in.if_contains(key);
        if (!v || !v->is_array()) return;
        for (std::size_t i = 0; i < v->as_array().size(); ++i) {
            const auto& item = v->as_array()[i];
            add(std::string(key),
                static_cast<int>(i),
                kind,
                Action::kCreate,
                item.is_object() ? item.as_object() : bj::object());
        }
    };
    if (which == Composite::kRegistreren) {
        add("zaak", -1, KindId::kZaak, Action::kCreate, obj("zaak"));
        list("rollen", KindId::kRol);
        list("zaakinformatieobjecten", KindId::kZaakinformatieobject);
        list("zaakobjecten", KindId::kZaakobject);
    } else {
        if (in.contains("zaak")) add("zaak", -1, KindId::kZaak, Action::kPartialUpdate, obj("zaak"));
        if (which == Composite::kBijwerken) list("rollen", KindId::kRol);
        if (which == Composite::kAfsluiten) add("resultaat", -1, KindId::kResultaat, Action::kCreate, obj("resultaat"));
    }
    add("status", -1, KindId::kStatus, Action::kCreate, obj("status"));

    std::vector<std::unique_ptr<Ctx>> done;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        done.clear();
        std::string zaak_uuid = target;
        for (auto& step : steps) {
            auto ctx = std::make_unique<Ctx>(Ctx{step.op, req, req.base_url});
            ctx->principal = req.principal ? &*req.principal : nullptr;
            ctx->create = step.op.action == Action::kCreate;
            ctx->partial = step.op.action == Action::kPartialUpdate;
            ctx->body = step.body;
            bool is_zaak = step.op.kind->id == KindId::kZaak;
            if (!is_zaak) {
                ctx->body["zaak"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak_uuid;
            }
            // Named first: GCC 12 mishandles temporaries inside co_await expressions.
            std::string step_target = is_zaak ? zaak_uuid : std::string();
            auto r = co_await WriteIn(s, *ctx, step_target);
            if (!r) {
                // Name the field within the composite request ("rollen.0.roltype").
                Error e = r.error();
                std::string prefix = step.index < 0 ? step.key : fmt::format("{}.{}", step.key, step.index);
                for (auto& p : e.invalid_params) p.name = prefix + "." + p.name;
                co_return Fail(std::move(e));
            }
            if (is_zaak) zaak_uuid = ctx->zaak->uuid;
            done.push_back(std::move(ctx));
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());

    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::map<std::string, std::vector<std::string>> lists;
        std::map<std::string, std::string> singles;
        for (std::size_t i = 0; i < done.size(); ++i) {
            auto r = co_await RenderWritten(s, *done[i]);
            if (!r) co_return Fail(r.error());
            if (steps[i].index < 0)
                singles[steps[i].key] = std::move(*r);
            else
                lists[steps[i].key].push_back(std::move(*r));
        }
        // A zaak that was not changed is still shown.
        if (!singles.contains("zaak") && !target.empty()) {
            auto z = co_await store_.GetZaakWithRelated(s, target);
            if (!z) co_return Fail(z.error());
            if (*z) singles["zaak"] = RenderZaak((*z)->first, (*z)->second, req.base_url);
        }
        body = "{";
        bool first = true;
        auto key = [&](std::string_view k) {
            if (!first) body += ',';
            first = false;
            json::AppendString(body, k);
            body += ':';
        };
        for (const auto& [k, v] : singles) {
            key(k);
            body += v;
        }
        for (std::string_view k : {"rollen", "zaakinformatieobjecten", "zaakobjecten"}) {
            bool wanted = which == Composite::kRegistreren || (which == Composite::kBijwerken && k == "rollen");
            if (!wanted) continue;
            key(k);
            body += '[';
            const auto& items = lists[std::string(k)];
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i) body += ',';
                body += items[i];
            }
            body += ']';
        }
        body += "}";
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    co_return JsonResponse(which == Composite::kRegistreren ? 201 : 200, std::move(body), true);
}

}  // namespace thorbecke::zaken
