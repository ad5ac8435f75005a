// A registration against Publicatiestandaard 1.0's JSON schema, with one Dutch message per fault so an editor
// knows what to change. Codes: required, max_length, invalid_choice, invalid, unknown.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "algoritmeregister/service.h"

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

//! Characters as JSON Schema counts them (code points), not bytes.
std::size_t CodePoints(std::string_view s) {
    return std::size_t(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool Blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool HasControl(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F;
    });
}

//! "^[0-9]{4}-[0-9]{2}$", and a month that exists.
bool YearMonth(std::string_view s) {
    if (s.size() != 7 || s[4] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    return month >= 1 && month <= 12;
}

//! Links are shown on public pages: only web addresses, so no javascript: or data: link reaches a reader.
bool WebLink(std::string_view s) {
    std::string_view rest;
    if (s.starts_with("https://")) {
        rest = s.substr(8);
    } else if (s.starts_with("http://")) {
        rest = s.substr(7);
    } else {
        return false;
    }
    if (rest.empty() || rest.front() == '/' || s.size() > 2000) return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

std::string Join(const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += i + 1 == values.size() ? " of " : ", ";
        out += "'" + values[i] + "'";
    }
    return out;
}

void CheckString(const Field& f, const bj::value& v, std::vector<InvalidParam>& out) {
    if (!v.is_string()) {
        out.push_back({f.name, "invalid", fmt::format("{}: vul tekst in.", f.label)});
        return;
    }
    std::string_view s = v.as_string();
    if (f.required && Blank(s)) {
        out.push_back({f.name, "required", fmt::format("{} is verplicht.", f.label)});
        return;
    }
    if (HasControl(s)) {
        out.push_back({f.name, "invalid", fmt::format("{} bevat tekens die niet zijn toegestaan.", f.label)});
        return;
    }
    if (f.max_length && CodePoints(s) > std::size_t(*f.max_length)) {
        out.push_back(
            {f.name,
             "max_length",
             fmt::format(
                 "{} mag maximaal {} tekens lang zijn. Nu zijn het er {}.", f.label, *f.max_length, CodePoints(s)
             )}
        );
        return;
    }
    if (!f.pattern.empty() && !YearMonth(s)) {
        out.push_back({f.name, "invalid", fmt::format("{}: schrijf jaar en maand zo: 2023-01 (jjjj-mm).", f.label)});
        return;
    }
    if (f.format == "uri" && !WebLink(s)) {
        out.push_back(
            {f.name,
             "invalid",
             fmt::format("{}: vul een volledig webadres in dat begint met https:// of http://.", f.label)}
        );
    }
}

void CheckField(const Field& f, const bj::value& v, std::vector<InvalidParam>& out) {
    if (f.type == "enum") {
        if (!v.is_string() ||
            std::find(f.permitted_values.begin(), f.permitted_values.end(), std::string_view(v.as_string())) ==
                f.permitted_values.end()) {
            out.push_back({f.name, "invalid_choice", fmt::format("{}: kies {}.", f.label, Join(f.permitted_values))});
        }
        return;
    }
    if (f.type == "const") {
        if (!v.is_string() || v.as_string() != f.const_value) {
            out.push_back({f.name, "invalid", fmt::format("{} moet '{}' zijn.", f.label, f.const_value)});
        }
        return;
    }
    if (f.type == "array") {
        if (!v.is_array()) {
            out.push_back({f.name, "invalid", fmt::format("{}: geef een lijst van thema's.", f.label)});
            return;
        }
        const auto& a = v.as_array();
        if (f.required && a.empty()) {
            out.push_back({f.name, "required", fmt::format("{}: kies minstens één thema.", f.label)});
            return;
        }
        for (const auto& e : a) {
            if (!e.is_string() ||
                std::find(f.permitted_values.begin(), f.permitted_values.end(), std::string_view(e.as_string())) ==
                    f.permitted_values.end()) {
                std::string given = e.is_string() ? std::string(e.as_string()) : std::string("(geen tekst)");
                out.push_back(
                    {f.name,
                     "invalid_choice",
                     fmt::format(
                         "{}: '{}' is geen thema van het register. Kies uit: {}.",
                         f.label,
                         given,
                         Join(f.permitted_values)
                     )}
                );
                return;
            }
        }
        return;
    }
    CheckString(f, v, out);
}

}  // namespace

std::vector<InvalidParam> Validate(const bj::object& fields) {
    std::vector<InvalidParam> out;
    for (const auto& [key, value] : fields) {
        if (!FindField(key)) {
            out.push_back({std::string(key), "unknown", "Dit veld bestaat niet in de Publicatiestandaard 1.0."});
        }
    }
    for (const auto& f : Fields()) {
        const auto* v = fields.if_contains(f.name);
        if (!v || v->is_null()) {
            if (f.required) out.push_back({f.name, "required", fmt::format("{} is verplicht.", f.label)});
            continue;
        }
        CheckField(f, *v, out);
    }
    return out;
}

bj::object Normalise(bj::object fields) {
    bj::object out;
    for (const auto& f : Fields()) {
        auto* v = fields.if_contains(f.name);
        if (!v || v->is_null()) {
            if (f.type == "const") out[f.name] = f.const_value;
            continue;
        }
        if (v->is_string() && f.type == "string") {
            // Spaces and line ends around a text carry nothing; an empty optional text means "not filled in"
            // and is left out, as the standard's documents do.
            std::string_view t = v->as_string();
            auto b = t.find_first_not_of(" \t\r\n");
            if (b == std::string_view::npos) {
                if (!f.required) continue;
                t = {};
            } else {
                t = t.substr(b, t.find_last_not_of(" \t\r\n") - b + 1);
            }
            out[f.name] = t;
            continue;
        }
        if (f.type == "array" && v->is_array()) {
            bj::array unique;
            std::set<std::string> seen;
            for (const auto& e : v->as_array()) {
                if (!e.is_string() || seen.insert(std::string(e.as_string())).second) unique.push_back(e);
            }
            out[f.name] = std::move(unique);
            continue;
        }
        out[f.name] = std::move(*v);
    }
    // Unknown fields are kept so Validate names them.
    for (auto& [key, value] : fields) {
        if (!FindField(key)) out[key] = std::move(value);
    }
    return out;
}

}  // namespace thorbecke::algoritmeregister
