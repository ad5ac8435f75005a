#include "core/json/oas.h"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "core/json/json.h"

namespace thorbecke::json {

namespace bj = boost::json;

namespace {

const bj::object* Component(const SchemaSet& set, std::string_view name) {
    const auto* comps = set.document().as_object().if_contains("components");
    const auto* schemas = comps && comps->is_object() ? comps->as_object().if_contains("schemas") : nullptr;
    const auto* s = schemas && schemas->is_object() ? schemas->as_object().if_contains(name) : nullptr;
    return s ? s->if_object() : nullptr;
}

//! Follows $ref chains (bounded, against cycles).
const bj::object* Resolve(const SchemaSet& set, const bj::object* s) {
    int hops = 0;
    while (s && hops++ < 10) {
        const auto* ref = s->if_contains("$ref");
        if (!ref || !ref->is_string()) break;
        std::string_view target = ref->as_string();
        s = Component(set, target.substr(target.find_last_of('/') + 1));
    }
    return s;
}

bool Flag(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_bool() && v->as_bool();
}

std::optional<bj::value> Absent(const SchemaSet& set, const bj::object& prop) {
    if (Flag(prop, "nullable")) return bj::value(nullptr);
    if (prop.contains("oneOf")) return bj::value("");  // enum or blank
    const bj::object* target = &prop;
    if (const auto* all = prop.if_contains("allOf"); all && all->is_array() && !all->as_array().empty()) {
        target = Resolve(set, all->as_array().front().if_object());
        if (!target) return std::nullopt;
        if (target->contains("enum")) return bj::value("");
        if (Flag(*target, "nullable")) return bj::value(nullptr);
        return std::nullopt;
    }
    target = Resolve(set, target);
    if (!target || target->contains("properties")) return std::nullopt;
    const auto* type = target->if_contains("type");
    std::string_view t = type && type->is_string() ? std::string_view(type->as_string()) : std::string_view();
    if (t == "array") return bj::value(bj::array());
    if (t == "boolean") return bj::value(false);
    if (t == "object") return bj::value(bj::object());
    if (t != "string") return bj::value(nullptr);
    const auto* min = target->if_contains("minLength");
    bool must_fill = (min && min->is_int64() && min->as_int64() > 0) || target->contains("pattern");
    if (must_fill) return std::nullopt;
    return bj::value("");
}

void Collect(const SchemaSet& set, const bj::object* s, std::vector<OasField>& out, int depth) {
    s = Resolve(set, s);
    if (!s || depth > 8) return;
    if (const auto* all = s->if_contains("allOf"); all && all->is_array()) {
        for (const auto& member : all->as_array()) Collect(set, member.if_object(), out, depth + 1);
    }
    const auto* props = s->if_contains("properties");
    if (!props || !props->is_object()) return;
    for (const auto& [key, prop] : props->as_object()) {
        if (!prop.is_object()) continue;
        auto known = std::find_if(out.begin(), out.end(), [&](const OasField& f) { return f.name == key; });
        if (known != out.end()) continue;
        OasField field{std::string(key), Flag(prop.as_object(), "readOnly"), Absent(set, prop.as_object())};
        out.push_back(std::move(field));
    }
}

}  // namespace

std::vector<OasField> OasFields(const SchemaSet& set, std::string_view schema) {
    std::vector<OasField> out;
    Collect(set, Component(set, schema), out, 0);
    return out;
}

std::vector<std::string> OasChoices(const SchemaSet& set, const bj::value* schema) {
    std::vector<std::string> values;
    const bj::object* s = Resolve(set, schema ? schema->if_object() : nullptr);
    if (s && s->contains("items")) s = Resolve(set, s->at("items").if_object());
    if (s && s->contains("allOf") && s->at("allOf").is_array() && !s->at("allOf").as_array().empty()) {
        s = Resolve(set, s->at("allOf").as_array().front().if_object());
    }
    const auto* e = s ? s->if_contains("enum") : nullptr;
    if (!e || !e->is_array()) return values;
    for (const auto& v : e->as_array()) {
        if (v.is_string()) values.emplace_back(v.as_string());
    }
    return values;
}

std::map<std::string, std::map<std::string, std::vector<std::string>>> OasQueryParams(const SchemaSet& set) {
    std::map<std::string, std::map<std::string, std::vector<std::string>>> out;
    const auto* paths = set.document().as_object().if_contains("paths");
    if (!paths || !paths->is_object()) return out;
    for (const auto& [path, item] : paths->as_object()) {
        const auto* get = item.is_object() ? item.as_object().if_contains("get") : nullptr;
        const auto* list = get && get->is_object() ? get->as_object().if_contains("parameters") : nullptr;
        if (!list || !list->is_array()) continue;
        auto& known = out[std::string(path)];
        for (const auto& param : list->as_array()) {
            if (!param.is_object() || TextOf(param.as_object(), "in") != "query") continue;
            known[TextOf(param.as_object(), "name")] = OasChoices(set, param.as_object().if_contains("schema"));
        }
    }
    return out;
}

std::optional<InvalidParam> CheckQueryParam(
    const std::map<std::string, std::map<std::string, std::vector<std::string>>>& params,
    const std::string& path,
    const std::string& name,
    const std::string& value
) {
    auto endpoint = params.find(path);
    if (endpoint == params.end()) return std::nullopt;
    auto param = endpoint->second.find(name);
    if (param == endpoint->second.end()) {
        return InvalidParam{"nonFieldErrors", "unknown-parameters", "Onbekende query parameter: " + name};
    }
    const auto& allowed = param->second;
    if (value.empty() || allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
        return std::nullopt;
    }
    return InvalidParam{
        name, "invalid_choice", "Selecteer een geldige keuze. " + value + " is geen beschikbare keuze."};
}

std::optional<http::Method> OasMethod(std::string_view key) {
    static constexpr std::pair<std::string_view, http::Method> kMethods[] = {
        {"get", http::Method::kGet},
        {"post", http::Method::kPost},
        {"put", http::Method::kPut},
        {"patch", http::Method::kPatch},
        {"delete", http::Method::kDelete}};
    for (const auto& [name, method] : kMethods) {
        if (name == key) return method;
    }
    return std::nullopt;
}

std::vector<OasOperation> OasOperations(const SchemaSet& set) {
    std::vector<OasOperation> out;
    const auto* paths = set.document().as_object().if_contains("paths");
    if (!paths || !paths->is_object()) return out;
    for (const auto& [path, item] : paths->as_object()) {
        if (!item.is_object()) continue;
        for (const auto& [key, operation] : item.as_object()) {
            auto method = OasMethod(key);
            if (!method || !operation.is_object()) continue;
            out.push_back(OasOperation{std::string(path), *method, OasScopes(operation.as_object())});
        }
    }
    return out;
}

std::string TextOf(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return {};
    return std::string(v->as_string());
}

std::vector<std::string> OasScopes(const bj::object& operation) {
    std::vector<std::string> scopes;
    const auto* security = operation.if_contains("security");
    if (!security || !security->is_array()) return scopes;
    auto is_scope_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    };
    for (const auto& requirement : security->as_array()) {
        if (!requirement.is_object()) continue;
        for (const auto& [scheme, list] : requirement.as_object()) {
            if (!list.is_array()) continue;
            for (const auto& expr : list.as_array()) {
                if (!expr.is_string()) continue;
                std::string_view text = expr.as_string();
                std::size_t i = 0;
                while (i < text.size()) {
                    if (!is_scope_char(text[i])) {
                        ++i;
                        continue;
                    }
                    std::size_t start = i;
                    while (i < text.size() && is_scope_char(text[i])) ++i;
                    std::string scope(text.substr(start, i - start));
                    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
                }
            }
        }
    }
    return scopes;
}

void MarkBase(bj::value& v, std::string_view base) {
    switch (v.kind()) {
        case bj::kind::string: {
            std::string_view text = v.as_string();
            bool ours = text.size() > base.size() && text.starts_with(base) && text[base.size()] == '/';
            if (ours) v = MarkBase(text, base);
            break;
        }
        case bj::kind::array:
            for (auto& item : v.as_array()) MarkBase(item, base);
            break;
        case bj::kind::object:
            for (auto& member : v.as_object()) MarkBase(member.value(), base);
            break;
        default:
            break;
    }
}

std::string MarkBase(std::string_view url, std::string_view base) {
    if (url.size() <= base.size() || !url.starts_with(base) || url[base.size()] != '/') return std::string(url);
    std::string out(1, kBaseMarkerChar);
    out.append(url.substr(base.size()));
    return out;
}

std::string UnmarkBase(std::string_view stored, std::string_view base) {
    if (stored.empty() || stored.front() != kBaseMarkerChar) return std::string(stored);
    std::string out(base);
    out.append(stored.substr(1));
    return out;
}

}  // namespace thorbecke::json
