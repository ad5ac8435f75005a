#pragma once
// What the Zaken API's service files share: URL and JSON helpers, the authorisation checks, response shapes
// from the OAS, and the state of one write (Service::Ctx). Not part of the component's interface.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "core/auth/limits.h"
#include "core/auth/principal.h"
#include "core/error.h"
#include "core/http/message.h"
#include "core/json/oas.h"
#include "core/json/schema.h"
#include "core/json/stored_url.h"
#include "zaken/model.h"
#include "zaken/service.h"
#include "zaken/store.h"

namespace thorbecke::zaken {

namespace bj = boost::json;

namespace detail {

inline constexpr std::string_view kZakenPath = "/zaken/api/v1/zaken/";
inline constexpr std::string_view kZaaktypenPath = "/catalogi/api/v1/zaaktypen/";
inline constexpr std::string_view kGeforceerd = "zaken.geforceerd-bijwerken";
inline constexpr std::string_view kHeropenen = "zaken.heropenen";
inline constexpr int kMaxRank = 8;
// ---- URLs -------------------------------------------------------------------------------------------------
//! URLs into this server are stored relative to the base URL (see json::MarkBase), everywhere in a document.
inline void ToStored(bj::value& v, std::string_view base) {
    json::MarkBase(v, base);
}
inline std::string Stored(std::string_view url, std::string_view base) {
    return json::MarkBase(url, base);
}
inline std::string Full(std::string_view stored, std::string_view base) {
    return json::UnmarkBase(stored, base);
}
using json::UuidAfter;
std::string Lower(std::string s);
//! What authorisations compare a zaak's zaaktype by: the zaaktype's uuid when the URL names a Catalogi
//! zaaktype (whatever host it was reached by), else the URL itself.
std::string ZaaktypeKey(std::string_view url);
// ---- Authorisation ----------------------------------------------------------------------------------------
//! The limits under which the caller holds any of `scopes` (zaaktype key, maximum rank); nullopt: no limit
//! at all.
std::optional<std::vector<auth::TypeLimit>> Allowed(const auth::Principal* p, const std::vector<std::string>& scopes);
bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const std::string& key, int rank);
bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const ZaakRow& z);
//! The SQL condition that keeps a list to what the caller may see (columns prefixed with `alias`); false
//! when it may see nothing.
//! key_expr: how to name the zaaktype column instead (an expression that keeps the planner off its index,
//! when another index must drive the query).
bool AccessCondition(
    const auth::Principal* p,
    const std::vector<std::string>& scopes,
    std::string_view alias,
    Where& w,
    std::string_view key_expr = {}
);
// ---- JSON helpers -----------------------------------------------------------------------------------------
std::string Str(const bj::object& o, std::string_view key);
std::optional<std::string> OptStr(const bj::object& o, std::string_view key);
bool Contains(const bj::object& o, std::string_view key, std::string_view value);
std::string DatePart(std::string_view datetime);
Error Rule(std::string name, std::string code, std::string reason);
Error Forbidden();
std::string_view BetalingsindicatieWeergave(std::string_view v);
// ---- Response shapes from the OAS -------------------------------------------------------------------------
const bj::object* SchemaObject(const json::SchemaSet& set, std::string_view name);
const bj::object* Deref(const json::SchemaSet& set, const bj::object* s);
//! The properties of a response schema in OAS order, polymorphic schemas resolved by `variant` (the
//! discriminator's value) and allOf members concatenated.
void CollectFields(
    const json::SchemaSet& set,
    const bj::object* s,
    std::string_view variant,
    std::vector<std::pair<std::string, const bj::object*>>& out
);
bool ReadOnly(const bj::object& prop);
//! Date-times sent without an offset (as the VNG test suite and many clients do; the reference accepts them)
//! are read as UTC: each top-level date-time field of `schema` that lacks one gets "Z".
void AssumeUtc(const json::SchemaSet& set, std::string_view schema, bj::object& body);
//! What a response shows for an optional field that was not given: null, "", [] or nothing (nullopt: the
//! field is left out).
std::optional<bj::value> DefaultFor(const json::SchemaSet& set, const bj::object& prop);
//! Fields a response derives when it is rendered (they change when other objects change).
bool DerivedAtRender(KindId kind, std::string_view field);
//! The stored document: every response field in OAS order; given values, computed read-only values, or the
//! default of an absent optional field.
std::string BuildDoc(
    const json::SchemaSet& set,
    const Kind& kind,
    const bj::object& input,
    const std::map<std::string, bj::value>& computed
);
void AppendField(std::string& out, std::string_view key, std::string_view raw_json);
std::string UrlList(const std::vector<std::string>& urls);
std::string OptUrl(const std::optional<std::string>& url);
//! Crs headers of resources with geometry (the zaak): requests with a body must say their CRS, and only
//! WGS84 is spoken.
Status CheckCrs(const http::Request& req, bool has_body);
http::Response JsonResponse(int status, std::string body, bool crs);
//! Search keys of a rol: the `rollen` list filters and (prefixed "rol__") those of the `zaken` list.
//! Fields an object keeps for life: a change is refused with `wijzigen-niet-toegelaten`, as the reference
//! implementation does.
std::vector<std::string_view> ImmutableFields(KindId kind);
//! A level of assurance (DigiD / eHerkenning URN) as a two-digit rank; "99" for an unknown one.
std::string LoaRank(std::string_view level);
std::vector<std::pair<std::string, std::string>> RolKeys(const bj::object& rol);

}  // namespace detail

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
    //! Resources of other APIs the request refers to, fetched before the transaction: field -> JSON.
    std::map<std::string, bj::object> remote = {};
};

}  // namespace thorbecke::zaken
