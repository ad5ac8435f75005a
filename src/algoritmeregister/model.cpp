#include "algoritmeregister/model.h"

#include <stdexcept>

#include <boost/json/parse.hpp>

namespace thorbecke::embedded {
std::string_view algoritmeregister_schema();
std::string_view algoritmeregister_config();
}  // namespace thorbecke::embedded

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

std::string Str(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> Strings(const bj::value* v) {
    std::vector<std::string> out;
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->as_array()) {
        if (e.is_string()) out.emplace_back(e.as_string());
    }
    return out;
}

//! Everything read once from the embedded schema and field configuration (both shipped unchanged).
struct Catalogue {
    std::vector<Field> fields;
    std::vector<std::string> categories;
    std::vector<std::string> themes;
    std::vector<std::string> statuses;
    std::vector<std::string> publication_categories;
    std::vector<std::string> recommended;

    Catalogue() {
        const bj::object schema = bj::parse(embedded::algoritmeregister_schema()).as_object();
        const bj::object config = bj::parse(embedded::algoritmeregister_config()).as_object();
        const auto& cprops = config.at("properties").as_object();
        themes = Strings(cprops.at("category").as_object().if_contains("permitted_values"));
        const auto& title = cprops.at("impacttoetsen_grouping").at("items").at("title").as_object();
        recommended = Strings(title.if_contains("recommended_items"));

        std::vector<std::string> required = Strings(schema.if_contains("required"));
        for (const auto& [key, value] : schema.at("properties").as_object()) {
            const auto& p = value.as_object();
            Field f;
            f.name = std::string(key);
            f.label = Str(p, "name");
            f.category = Str(p, "category");
            f.display = Str(p, "display");
            f.required = std::find(required.begin(), required.end(), f.name) != required.end();
            if (const auto* m = p.if_contains("maxLength"); m && m->is_int64()) f.max_length = int(m->as_int64());
            f.pattern = Str(p, "pattern");
            f.format = Str(p, "format");
            f.description = Str(p, "description");
            f.instructions = Str(p, "instructions");
            f.example = Str(p, "example");
            if (p.contains("enum")) {
                f.type = "enum";
                f.permitted_values = Strings(p.if_contains("enum"));
            } else if (p.contains("const")) {
                f.type = "const";
                f.const_value = Str(p, "const");
            } else {
                f.type = Str(p, "type");
            }
            // The schema leaves themes free; the register offers (and Thorbecke enforces) its fixed list.
            if (f.name == "theme") f.permitted_values = themes;
            if (f.name == "status") statuses = f.permitted_values;
            if (f.name == "publication_category") publication_categories = f.permitted_values;
            if (std::find(categories.begin(), categories.end(), f.category) == categories.end()) {
                categories.push_back(f.category);
            }
            fields.push_back(std::move(f));
        }
    }
};

const Catalogue& TheCatalogue() {
    static const Catalogue c;
    return c;
}

}  // namespace

const std::vector<Field>& Fields() {
    return TheCatalogue().fields;
}

const Field* FindField(std::string_view name) {
    for (const auto& f : TheCatalogue().fields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

const std::vector<std::string>& Categories() {
    return TheCatalogue().categories;
}

const std::vector<std::string>& Themes() {
    return TheCatalogue().themes;
}

const std::vector<std::string>& Statuses() {
    return TheCatalogue().statuses;
}

const std::vector<std::string>& PublicationCategories() {
    return TheCatalogue().publication_categories;
}

const std::vector<std::string>& RecommendedAssessments() {
    return TheCatalogue().recommended;
}

std::string OrganisationSlug(std::string_view name) {
    std::string out;
    bool dash = false;
    for (unsigned char c : name) {
        if (std::isalnum(c) && c < 0x80) {
            if (dash && !out.empty()) out += '-';
            dash = false;
            out += char(std::tolower(c));
        } else {
            dash = true;
        }
    }
    return out;
}

std::string_view StateName(State s) {
    switch (s) {
        case State::kConcept:
            return "concept";
        case State::kTerGoedkeuring:
            return "ter-goedkeuring";
        case State::kGepubliceerd:
            return "gepubliceerd";
        case State::kTeruggetrokken:
            return "teruggetrokken";
    }
    return "concept";
}

std::optional<State> ParseState(std::string_view s) {
    for (State st : {State::kConcept, State::kTerGoedkeuring, State::kGepubliceerd, State::kTeruggetrokken}) {
        if (StateName(st) == s) return st;
    }
    return std::nullopt;
}

}  // namespace thorbecke::algoritmeregister
