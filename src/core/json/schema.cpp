#include "core/json/schema.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::json {

namespace bj = boost::json;

namespace {

class Validator {
  public:
    Validator(const bj::value& doc, std::vector<InvalidParam>& out) : doc_(doc), out_(out) {}

    const bj::object* Resolve(const bj::object* schema) const {
        // Follow $ref and single-member allOf wrappers (how the ZGW OAS attaches enums and sub-objects).
        for (int depth = 0; schema && depth < 16; ++depth) {
            if (auto* ref = schema->if_contains("$ref")) {
                std::string_view r = ref->as_string();
                if (!r.starts_with("#/")) return nullptr;
                const bj::value* v = &doc_;
                std::size_t pos = 2;
                while (pos <= r.size()) {
                    std::size_t next = r.find('/', pos);
                    if (next == std::string_view::npos) next = r.size();
                    auto key = r.substr(pos, next - pos);
                    auto* obj = v->if_object();
                    if (!obj) return nullptr;
                    v = obj->if_contains(key);
                    if (!v) return nullptr;
                    pos = next + 1;
                }
                schema = v->if_object();
                continue;
            }
            return schema;
        }
        return schema;
    }

    static bool Nullable(const bj::object& s) {
        auto* n = s.if_contains("nullable");
        return n && n->is_bool() && n->as_bool();
    }

    void Add(const std::string& name, std::string code, std::string reason) {
        out_.push_back(InvalidParam{name.empty() ? "nonFieldErrors" : name, std::move(code), std::move(reason)});
    }

    // Returns true if valid (used by oneOf to try branches silently).
    bool Check(const bj::object* raw_schema, const bj::value& v, const std::string& name, bool partial_top) {
        const bj::object* s = Resolve(raw_schema);
        if (!s) return true;
        bool nullable = Nullable(*raw_schema) || Nullable(*s);
        if (auto* all = s->if_contains("allOf"); all && all->is_array() && !all->as_array().empty()) {
            if (v.is_null() && nullable) return true;
            // Every member applies (a polymorphic resource: its base fields plus those of its type).
            bool ok = true;
            for (const auto& member : all->as_array()) ok &= Check(member.if_object(), v, name, partial_top);
            return ok;
        }
        if (auto* one = s->if_contains("oneOf"); one && one->is_array()) {
            if (v.is_null() && nullable) return true;
            if (auto* disc = s->if_contains("discriminator"); disc && disc->is_object() && v.is_object()) {
                return CheckDiscriminated(disc->as_object(), v, name, partial_top);
            }
            std::vector<InvalidParam> first_errors;
            bool first = true;
            for (const auto& branch : one->as_array()) {
                std::vector<InvalidParam> errs;
                Validator sub(doc_, errs);
                if (sub.Check(branch.if_object(), v, name, partial_top)) return true;
                if (first) first_errors = std::move(errs);
                first = false;
            }
            for (auto& e : first_errors) out_.push_back(std::move(e));
            return false;
        }
        if (v.is_null()) {
            if (nullable) return true;
            Add(name, "null", "Dit veld mag niet leeg zijn.");
            return false;
        }
        std::string_view type;
        if (auto* t = s->if_contains("type"); t && t->is_string()) type = t->as_string();
        if (type.empty() && s->contains("enum")) type = "string";

        if (type == "string") return CheckString(*s, v, name);
        if (type == "integer" || type == "number") return CheckNumber(*s, v, name, type == "integer");
        if (type == "boolean") {
            if (!v.is_bool()) {
                Add(name, "invalid", "Must be a valid boolean.");
                return false;
            }
            return true;
        }
        if (type == "array") {
            auto* a = v.if_array();
            if (!a) {
                Add(name,
                    "not_a_list",
                    fmt::format("Verwachtte een lijst met items, maar kreeg type \"{}\".", KindName(v)));
                return false;
            }
            if (auto* mx = s->if_contains("maxItems");
                mx && mx->is_int64() && static_cast<std::int64_t>(a->size()) > mx->as_int64()) {
                Add(name,
                    "max_length",
                    fmt::format("Zorg ervoor dat dit veld niet meer dan {} elementen bevat.", mx->as_int64()));
                return false;
            }
            bool ok = true;
            auto* items = s->if_contains("items");
            if (items && items->is_object()) {
                for (std::size_t i = 0; i < a->size(); ++i) {
                    ok &= Check(&items->as_object(), (*a)[i], Join(name, std::to_string(i)), false);
                }
            }
            return ok;
        }
        if (type == "object" || s->contains("properties")) {
            auto* o = v.if_object();
            if (!o) {
                Add(name,
                    "invalid",
                    "Ongeldige data. Verwachtte een dictionary, kreeg een " + std::string(KindName(v)) + ".");
                return false;
            }
            bool ok = true;
            if (!partial_top) {
                if (auto* req = s->if_contains("required"); req && req->is_array()) {
                    // Missing fields are named in the order of `properties` (the reference's field order,
                    // which clients read invalidParams[0] by), not in the order of `required`.
                    std::vector<std::string_view> missing;
                    for (const auto& r : req->as_array()) {
                        if (r.is_string() && !o->contains(r.as_string())) missing.push_back(r.as_string());
                    }
                    auto* props = s->if_contains("properties");
                    auto position = [&](std::string_view field) {
                        std::size_t i = 0;
                        if (props && props->is_object()) {
                            for (const auto& kv : props->as_object()) {
                                if (kv.key() == field) return i;
                                ++i;
                            }
                        }
                        return i;
                    };
                    std::stable_sort(missing.begin(), missing.end(), [&](std::string_view a, std::string_view b) {
                        return position(a) < position(b);
                    });
                    for (auto field : missing) {
                        Add(Join(name, field), "required", "Dit veld is vereist.");
                        ok = false;
                    }
                }
            }
            if (auto* props = s->if_contains("properties"); props && props->is_object()) {
                for (const auto& [key, sub] : props->as_object()) {
                    auto* field = o->if_contains(key);
                    if (!field || !sub.is_object()) continue;
                    if (auto* ro = sub.as_object().if_contains("readOnly"); ro && ro->is_bool() && ro->as_bool())
                        continue;
                    ok &= Check(&sub.as_object(), *field, Join(name, key), false);
                }
            }
            return ok;
        }
        return true;
    }

  private:
    //! oneOf with a discriminator: the branch is chosen by the value of one property (betrokkeneType,
    //! objectType, type), so errors come from that branch only.
    bool CheckDiscriminated(const bj::object& disc, const bj::value& v, const std::string& name, bool partial_top) {
        auto* prop = disc.if_contains("propertyName");
        auto* mapping = disc.if_contains("mapping");
        if (!prop || !prop->is_string() || !mapping || !mapping->is_object()) return true;
        std::string_view key = prop->as_string();
        const auto& o = v.as_object();
        auto* value = o.if_contains(key);
        if (!value) {
            if (partial_top) return true;
            Add(Join(name, key), "required", "Dit veld is vereist.");
            return false;
        }
        if (!value->is_string() || !mapping->as_object().contains(value->as_string())) {
            Add(Join(name, key),
                "invalid_choice",
                fmt::format(
                    "\"{}\" is een ongeldige keuze.", value->is_string() ? std::string_view(value->as_string()) : ""
                ));
            return false;
        }
        bj::object ref;
        ref["$ref"] = mapping->as_object().at(value->as_string());
        return Check(&ref, v, name, partial_top);
    }

    static std::string Join(const std::string& base, std::string_view key) {
        if (base.empty()) return std::string(key);
        return base + "." + std::string(key);
    }

    static std::string_view KindName(const bj::value& v) {
        switch (v.kind()) {
            case bj::kind::string:
                return "str";
            case bj::kind::array:
                return "list";
            case bj::kind::object:
                return "dict";
            case bj::kind::bool_:
                return "bool";
            case bj::kind::null:
                return "NoneType";
            case bj::kind::double_:
                return "float";
            default:
                return "int";
        }
    }

    bool CheckString(const bj::object& s, const bj::value& v, const std::string& name) {
        auto* str = v.if_string();
        if (!str) {
            Add(name, "invalid", "Geen geldige string.");
            return false;
        }
        std::string_view text = *str;
        for (char c : text) {
            auto u = static_cast<unsigned char>(c);
            if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                Add(name, "invalid", "Controletekens zijn niet toegestaan.");
                return false;
            }
        }
        if (auto* e = s.if_contains("enum"); e && e->is_array()) {
            for (const auto& opt : e->as_array()) {
                if (opt.is_string() && opt.as_string() == text) return true;
            }
            Add(name, "invalid_choice", fmt::format("\"{}\" is een ongeldige keuze.", text));
            return false;
        }
        std::size_t chars = Utf8Length(text);
        auto* mn = s.if_contains("minLength");
        if (mn && mn->is_int64() && static_cast<std::int64_t>(chars) < mn->as_int64()) {
            if (chars == 0) {
                Add(name, "blank", "Dit veld mag niet leeg zijn.");
            } else {
                Add(name,
                    "min_length",
                    fmt::format("Zorg ervoor dat dit veld minimaal {} karakters bevat.", mn->as_int64()));
            }
            return false;
        }
        if (auto* mx = s.if_contains("maxLength");
            mx && mx->is_int64() && static_cast<std::int64_t>(chars) > mx->as_int64()) {
            Add(name,
                "max_length",
                fmt::format("Zorg ervoor dat dit veld niet meer dan {} karakters bevat.", mx->as_int64()));
            return false;
        }
        std::string_view format;
        if (auto* f = s.if_contains("format"); f && f->is_string()) format = f->as_string();
        if (text.empty()) return true;  // blank optional strings carry no format
        if (format == "date" && !ParseDate(text)) {
            Add(name, "invalid", "Datum heeft het verkeerde formaat. Gebruik een van deze formaten: YYYY-MM-DD.");
            return false;
        }
        if (format == "date-time" && !IsDateTime(text)) {
            Add(name,
                "invalid",
                "Datetime heeft een ongeldig formaat, gebruik 1 van de volgende formaten: "
                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
            return false;
        }
        if (format == "uri" && !IsHttpUrl(text)) {
            Add(name, "invalid", "Voer een geldige URL in.");
            return false;
        }
        if (format == "duration" && !ParseDuration(text)) {
            Add(name, "invalid", "Ongeldig formaat voor duration. Gebruik een ISO 8601 duur, bijvoorbeeld P1Y2M10D.");
            return false;
        }
        if (format == "email" && !IsEmail(text)) {
            Add(name, "invalid", "Voer een geldig e-mailadres in.");
            return false;
        }
        if (format == "uuid" && !IsUuid(text)) {
            Add(name, "invalid", "Voer een geldige UUID in.");
            return false;
        }
        return true;
    }

    bool CheckNumber(const bj::object& s, const bj::value& v, const std::string& name, bool integer) {
        double x;
        if (v.is_int64()) {
            x = static_cast<double>(v.as_int64());
        } else if (v.is_uint64()) {
            x = static_cast<double>(v.as_uint64());
        } else if (v.is_double() && !integer) {
            x = v.as_double();
        } else {
            Add(name, "invalid", "Een geldig getal is vereist.");
            return false;
        }
        if (auto* mn = s.if_contains("minimum"); mn && mn->is_number() && x < mn->to_number<double>()) {
            Add(name,
                "min_value",
                fmt::format("Zorg ervoor dat deze waarde groter is dan of gelijk is aan {}.", mn->to_number<double>()));
            return false;
        }
        if (auto* mx = s.if_contains("maximum"); mx && mx->is_number() && x > mx->to_number<double>()) {
            Add(name,
                "max_value",
                fmt::format("Zorg ervoor dat deze waarde kleiner is dan of gelijk is aan {}.", mx->to_number<double>())
            );
            return false;
        }
        return true;
    }

    static std::size_t Utf8Length(std::string_view s) {
        std::size_t n = 0;
        for (char c : s) {
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
        }
        return n;
    }

    const bj::value& doc_;
    std::vector<InvalidParam>& out_;
};

}  // namespace

Result<SchemaSet> SchemaSet::Load(std::string_view openapi_json) {
    boost::system::error_code ec;
    auto v = bj::parse(openapi_json, ec);
    if (ec || !v.is_object()) return Fail(Error::Internal("embedded OpenAPI document is not valid JSON"));
    SchemaSet set;
    set.doc_ = std::make_shared<bj::value>(std::move(v));
    return set;
}

std::vector<InvalidParam> SchemaSet::Validate(std::string_view schema_name, const bj::value& value, bool partial)
    const {
    std::vector<InvalidParam> out;
    const bj::value* schemas = nullptr;
    if (auto* comps = doc_->as_object().if_contains("components"); comps && comps->is_object()) {
        schemas = comps->as_object().if_contains("schemas");
    }
    const bj::value* schema = schemas && schemas->is_object() ? schemas->as_object().if_contains(schema_name) : nullptr;
    if (!schema || !schema->is_object()) {
        out.push_back(InvalidParam{"nonFieldErrors", "invalid", fmt::format("unknown schema {}", schema_name)});
        return out;
    }
    Validator validator(*doc_, out);
    validator.Check(&schema->as_object(), value, "", partial);
    return out;
}

bool IsHttpUrl(std::string_view s) {
    auto u = boost::urls::parse_absolute_uri(s);
    if (!u) return false;
    auto scheme = u->scheme();
    if (scheme != "http" && scheme != "https") return false;
    return u->has_authority() && !u->host().empty();
}

bool IsEmail(std::string_view s) {
    auto at = s.find('@');
    if (at == 0 || at == std::string_view::npos || at != s.rfind('@')) return false;
    auto domain = s.substr(at + 1);
    auto dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
           s.find_first_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace thorbecke::json

namespace thorbecke::json {

std::vector<InvalidParam> SchemaSet::ValidateAgainst(const bj::object& schema, const bj::value& value) const {
    std::vector<InvalidParam> out;
    Validator validator(*doc_, out);
    validator.Check(&schema, value, "", false);
    return out;
}

}  // namespace thorbecke::json
