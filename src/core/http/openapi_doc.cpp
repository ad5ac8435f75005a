#include "core/http/openapi_doc.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"

#ifndef THORBECKE_VERSION
#define THORBECKE_VERSION "0.0.0"
#endif

namespace thorbecke::http {

namespace bj = boost::json;

namespace {

constexpr std::string_view kScheme = "JWT-Claims";

//! "/zaken/{zaak_uuid}/rollen/" -> "/zaken/{}/rollen": parameter names and a trailing slash do not matter
//! to the router, so they do not matter when matching a documented path to a route.
std::string PathKey(std::string_view path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
            auto close = path.find('}', i);
            if (close == std::string_view::npos) break;
            out += "{}";
            i = close;
        } else {
            out += path[i];
        }
    }
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string LowerMethod(Method m) {
    std::string out(MethodName(m));
    for (auto& c : out) c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool IsOperationKey(std::string_view k) {
    return k == "get" || k == "put" || k == "post" || k == "patch" || k == "delete" || k == "head" || k == "options" ||
           k == "trace";
}

//! The security requirement the router enforces for a route.
bj::array Security(const Access& access) {
    bj::array out;
    if (access.is_public) return out;  // [] : no authentication
    std::set<std::string> scopes;
    for (const auto& g : access.any_of) scopes.insert(g.scope);
    if (scopes.empty()) {
        out.push_back(bj::object{{kScheme, bj::array{}}});
        return out;
    }
    // Any one of the scopes suffices: one requirement object per scope.
    for (const auto& s : scopes) out.push_back(bj::object{{kScheme, bj::array{bj::value(s)}}});
    return out;
}

//! A route the source document does not describe: documented minimally rather than left out.
bj::object MinimalOperation(const Route& route, const std::string& path) {
    bj::object op;
    bool oas = path.ends_with("/openapi.json") || path.ends_with("/openapi.yaml");
    op["summary"] = oas ? "Deze OpenAPI-beschrijving" : "Aanvulling van Thorbecke";
    op["description"] = oas ? "De beschrijving van deze API zoals Thorbecke haar implementeert."
                            : "Een operatie die Thorbecke aanbiedt buiten de standaard om.";
    bj::array params;
    for (const auto& seg : route.segments) {
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            params.push_back(bj::object{
                {"name", seg.substr(1, seg.size() - 2)},
                {"in", "path"},
                {"required", true},
                {"schema", bj::object{{"type", "string"}}}});
        }
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    op["responses"] = bj::object{{"200", bj::object{{"description", "OK"}}}};
    return op;
}

// --- YAML ---------------------------------------------------------------------------------------------

bool PlainKey(std::string_view k) {
    if (k.empty()) return false;
    char first = k.front();
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_' || first == '$'))
        return false;
    for (char c : k) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
                  c == '-' || c == '.';
        if (!ok) return false;
    }
    // Words YAML 1.1 reads as booleans or null.
    std::string lower;
    for (char c : k) lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    static const std::set<std::string, std::less<>> kReserved = {
        "y", "n", "yes", "no", "true", "false", "on", "off", "null"};
    return !kReserved.contains(lower);
}

//! A YAML double-quoted scalar. Characters a YAML reader would take as line breaks or refuse as
//! non-printable (C0/C1 controls, DEL, U+2028/U+2029, BOM) are escaped.
void AppendQuoted(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\u{:04x}", c);
        } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[i + 1]));  // C1 control
            ++i;
        } else if (c == 0xe2 && i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
            out += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else if (c == 0xef && i + 2 < s.size() && s[i + 1] == '\xbb' && s[i + 2] == '\xbf') {
            out += "\\ufeff";
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

//! Multi-line text as a literal block (readable descriptions), when the block keeps it exactly.
bool LiteralBlockFits(std::string_view s) {
    if (s.find('\n') == std::string_view::npos || s.front() == ' ' || s.front() == '\n') return false;
    std::size_t start = 0;
    while (start < s.size()) {
        auto end = s.find('\n', start);
        if (end == std::string_view::npos) end = s.size();
        std::string_view line = s.substr(start, end - start);
        if (!line.empty() && line.find_first_not_of(' ') == std::string_view::npos) return false;
        for (char ch : line) {
            auto c = static_cast<unsigned char>(ch);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c == 0xc2 || c == 0xe2 || c == 0xef) return false;
        }
        start = end + 1;
    }
    return true;
}

void AppendLiteralBlock(std::string& out, std::string_view s, int indent) {
    std::size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
    out += '\n';
    std::string_view body = s.substr(0, s.size() - trailing);
    std::size_t start = 0;
    while (start <= body.size()) {
        auto end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        std::string_view line = body.substr(start, end - start);
        if (!line.empty()) out.append(static_cast<std::size_t>(indent), ' ');
        out += line;
        out += '\n';
        start = end + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i) out += '\n';
}

void AppendNumber(std::string& out, double d) {
    // YAML 1.1 readers want a '.' in a float and a sign in its exponent.
    std::string s = fmt::format("{}", d);
    auto e = s.find('e');
    std::string mantissa = s.substr(0, e);
    std::string exponent = e == std::string::npos ? "" : s.substr(e + 1);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    out += mantissa;
    if (!exponent.empty()) {
        out += 'e';
        if (exponent.front() != '-' && exponent.front() != '+') out += '+';
        out += exponent;
    }
}

void AppendYaml(std::string& out, const bj::value& v, int indent);

//! A value after "key:" or "-": scalars on the same line, collections on the next lines.
void AppendYamlChild(std::string& out, const bj::value& v, int indent) {
    if (v.is_object() && !v.as_object().empty()) {
        out += '\n';
        AppendYaml(out, v, indent);
    } else if (v.is_array() && !v.as_array().empty()) {
        out += '\n';
        AppendYaml(out, v, indent);
    } else if (v.is_string() && LiteralBlockFits(v.as_string())) {
        out += ' ';
        AppendLiteralBlock(out, v.as_string(), indent);
    } else {
        out += ' ';
        AppendYaml(out, v, indent);
    }
}

void AppendYaml(std::string& out, const bj::value& v, int indent) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    switch (v.kind()) {
        case bj::kind::object: {
            const auto& o = v.as_object();
            if (o.empty()) {
                out += "{}\n";
                return;
            }
            for (const auto& [k, child] : o) {
                out += pad;
                if (PlainKey(k)) {
                    out += k;
                } else {
                    AppendQuoted(out, k);
                }
                out += ':';
                AppendYamlChild(out, child, indent + 2);
            }
            return;
        }
        case bj::kind::array: {
            const auto& a = v.as_array();
            if (a.empty()) {
                out += "[]\n";
                return;
            }
            for (const auto& item : a) {
                bool nested =
                    (item.is_object() && !item.as_object().empty()) || (item.is_array() && !item.as_array().empty());
                if (nested) {
                    // "- " takes the place of the first line's indentation.
                    std::string inner;
                    AppendYaml(inner, item, indent + 2);
                    out += pad;
                    out += "- ";
                    out.append(inner, static_cast<std::size_t>(indent + 2));
                } else {
                    out += pad;
                    out += '-';
                    AppendYamlChild(out, item, indent + 2);
                }
            }
            return;
        }
        case bj::kind::string:
            AppendQuoted(out, v.as_string());
            break;
        case bj::kind::double_:
            AppendNumber(out, v.as_double());
            break;
        case bj::kind::int64:
            out += std::to_string(v.as_int64());
            break;
        case bj::kind::uint64:
            out += std::to_string(v.as_uint64());
            break;
        case bj::kind::bool_:
            out += v.as_bool() ? "true" : "false";
            break;
        case bj::kind::null:
            out += "null";
            break;
    }
    out += '\n';
}

}  // namespace

std::string_view ThorbeckeVersion() {
    return THORBECKE_VERSION;
}

Result<std::string> JsonToYaml(std::string_view json) {
    auto doc = json::Parse(json);
    if (!doc) return Fail(doc.error());
    std::string out;
    out.reserve(json.size() * 2);
    AppendYaml(out, *doc, 0);
    return out;
}

Result<OpenApiDocument> OpenApiDocument::Build(
    std::string_view source, const Router& router, const std::string& api_root
) {
    auto parsed = json::Parse(source);
    if (!parsed || !parsed->is_object()) return Fail(Error::Internal("OpenAPI document is not a JSON object"));
    bj::object& doc = parsed->as_object();
    OpenApiDocument out;

    // The routes of this API: path key -> method -> route.
    std::map<std::string, std::map<std::string, const Route*>> routes;
    std::map<std::string, std::string> route_paths;  // path key -> path as registered (relative)
    for (const auto& r : router.routes()) {
        if (!r->pattern.starts_with(api_root + "/")) continue;
        std::string rel = r->pattern.substr(api_root.size());
        if (PathKey(rel) == "/schema") continue;  // the HTML documentation page is not an API operation
        routes[PathKey(rel)][LowerMethod(r->method)] = r.get();
        route_paths.emplace(PathKey(rel), rel);
    }

    std::set<std::pair<std::string, std::string>> described;
    bj::object& paths = doc["paths"].is_object() ? doc["paths"].as_object() : doc["paths"].emplace_object();
    std::vector<std::string> empty_paths;
    for (auto& [path, item] : paths) {
        if (!item.is_object()) continue;
        std::string key = PathKey(path);
        auto found = routes.find(key);
        std::vector<std::string> drop;
        for (auto& [method, op] : item.as_object()) {
            if (!IsOperationKey(method) || !op.is_object()) continue;
            const Route* route = nullptr;
            if (found != routes.end()) {
                auto m = found->second.find(method == "head" ? "get" : std::string(method));
                if (m != found->second.end()) route = m->second;
            }
            if (!route) {
                drop.emplace_back(method);
                continue;
            }
            // Routes with their own authenticator (staff tokens) keep the security the document states: the
            // JWT scheme does not apply to them.
            if (!route->access.authenticator || !op.as_object().contains("security"))
                op.as_object()["security"] = Security(route->access);
            described.emplace(key, std::string(method));
        }
        for (const auto& m : drop) {
            item.as_object().erase(m);
            std::string upper = m;
            for (auto& c : upper) c = static_cast<char>(c - 'a' + 'A');
            out.dropped_.push_back(upper + " " + std::string(path));
        }
        bool any = false;
        for (const auto& [k, v] : item.as_object()) any = any || IsOperationKey(k);
        if (!any) empty_paths.emplace_back(path);
    }
    for (const auto& p : empty_paths) paths.erase(p);

    for (const auto& [key, methods] : routes) {
        for (const auto& [method, route] : methods) {
            if (described.contains({key, method})) continue;
            const std::string& rel = route_paths[key];
            bj::object op = MinimalOperation(*route, rel);
            op["security"] = Security(route->access);
            bj::value& item = paths[rel];
            if (!item.is_object()) item.emplace_object();
            item.as_object()[method] = std::move(op);
            std::string upper = method;
            for (auto& c : upper) c = static_cast<char>(c - 'a' + 'A');
            out.added_.push_back(upper + " " + rel);
        }
    }

    // Where the client reached us: the base-URL marker, expanded per request.
    doc["servers"] = bj::array{bj::object{
        {"url", std::string(1, json::kBaseMarkerChar) + api_root}, {"description", "Deze Thorbecke-installatie"}}};

    bj::value& components = doc["components"];
    if (!components.is_object()) components.emplace_object();
    bj::value& schemes = components.as_object()["securitySchemes"];
    if (!schemes.is_object()) schemes.emplace_object();
    schemes.as_object()[kScheme] = bj::object{
        {"type", "http"},
        {"scheme", "bearer"},
        {"bearerFormat", "JWT"},
        {"description",
         "Een JWT ondertekend met HS256 en het secret van de client. Thorbecke controleert de handtekening, "
         "`iat` (met de ingestelde speling) en de rechten van de client_id (Autorisaties API of `thorbecke "
         "clients`)."}};

    bj::value& info = doc["info"];
    if (!info.is_object()) info.emplace_object();
    bj::object& io = info.as_object();
    if (const auto* t = io.if_contains("title"); t && t->is_string()) out.title_ = std::string(t->as_string());
    std::string line = fmt::format(
        "Geserveerd door Thorbecke {}: deze beschrijving bevat precies de operaties die deze installatie aanbiedt.",
        ThorbeckeVersion()
    );
    // A contact URL given as a path ("/") is this installation's: made absolute like the server URL.
    if (auto* contact = io.if_contains("contact"); contact && contact->is_object()) {
        auto* url = contact->as_object().if_contains("url");
        if (url && url->is_string() && url->as_string().starts_with("/")) {
            *url = std::string(1, json::kBaseMarkerChar) + std::string(url->as_string());
        }
    }
    const auto* desc = io.if_contains("description");
    io["description"] = desc && desc->is_string() ? line + "\n\n" + std::string(desc->as_string()) : line;
    io["x-thorbecke"] = bj::object{
        {"implementatie", "Thorbecke"},
        {"versie", ThorbeckeVersion()},
        {"toelichting",
         "Paden, servers en beveiliging volgen de routes van deze server; de schema's komen uit het brondocument."}};

    std::string json_text = json::Serialize(*parsed);
    std::string yaml_text;
    AppendYaml(yaml_text, *parsed, 0);
    out.json_head_ = std::move(json_text);
    out.yaml_head_ = std::move(yaml_text);
    return out;
}

std::string OpenApiDocument::Json(std::string_view base_url) const {
    return json::ExpandBase(json_head_, base_url);
}

std::string OpenApiDocument::Yaml(std::string_view base_url) const {
    return json::ExpandBase(yaml_head_, base_url);
}

}  // namespace thorbecke::http
