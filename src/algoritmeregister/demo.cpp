// Demo data: the two example registrations the national Algoritmeregister offers as templates
// (../shared/specs/algoritmeregister/examples, copied to data/), in the register's internal field names,
// mapped to Publicatiestandaard 1.0 and released for approval by a demo editor (see LoadDemoData).
#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "algoritmeregister/service.h"
#include "algoritmeregister/store.h"
#include "core/json/json.h"
#include "core/log.h"
#include "core/time.h"

namespace thorbecke::embedded {
std::string_view algoritmeregister_demo_amsterdam();
std::string_view algoritmeregister_demo_tilburg();
}  // namespace thorbecke::embedded

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

// What the examples leave empty but the standard requires. Said plainly rather than invented.
constexpr std::string_view kNotGiven = "Niet ingevuld in het voorbeeld van het Algoritmeregister.";
// The examples give no begin date, and start_date is required as YYYY-MM: the month of the register's template
// snapshot the examples come from (2025-08, see the specs README), not a claim about when the algorithm started.
constexpr std::string_view kTemplateMonth = "2025-08";

std::string Str(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

//! The examples' rich text (div, p, br, ul, ol, li) as plain text: paragraphs and list items on their own
//! lines, entities decoded, blank runs collapsed. The standard's texts are plain strings.
std::string HtmlToText(std::string_view html) {
    std::string out;
    std::size_t i = 0;
    while (i < html.size()) {
        char c = html[i];
        if (c == '<') {
            std::size_t end = html.find('>', i);
            if (end == std::string_view::npos) break;
            std::string tag(html.substr(i + 1, end - i - 1));
            for (auto& ch : tag) ch = char(std::tolower(static_cast<unsigned char>(ch)));
            std::string name = tag.substr(0, tag.find_first_of(" /"));
            if (tag.starts_with("/")) name = tag.substr(1, tag.find_first_of(" >", 1) - 1);
            if (name == "li" && !tag.starts_with("/")) {
                out += "\n- ";
            } else if (name == "p" || name == "div" || name == "br" || name == "ul" || name == "ol" || name == "li") {
                out += '\n';
            }
            i = end + 1;
            continue;
        }
        if (c == '&') {
            std::size_t end = html.find(';', i);
            if (end != std::string_view::npos && end - i <= 8) {
                std::string_view ent = html.substr(i + 1, end - i - 1);
                std::string rep;
                if (ent == "amp")
                    rep = "&";
                else if (ent == "lt")
                    rep = "<";
                else if (ent == "gt")
                    rep = ">";
                else if (ent == "quot")
                    rep = "\"";
                else if (ent == "#39" || ent == "apos")
                    rep = "'";
                else if (ent == "nbsp")
                    rep = " ";
                if (!rep.empty()) {
                    out += rep;
                    i = end + 1;
                    continue;
                }
            }
        }
        out += c;
        ++i;
    }
    // Trim each line, keep at most one empty line between paragraphs.
    std::string result;
    std::size_t pos = 0;
    int blank = 0;
    while (pos <= out.size()) {
        std::size_t nl = out.find('\n', pos);
        if (nl == std::string::npos) nl = out.size();
        std::string_view line(out.data() + pos, nl - pos);
        auto b = line.find_first_not_of(" \t\r");
        auto e = line.find_last_not_of(" \t\r");
        line = b == std::string_view::npos ? std::string_view() : line.substr(b, e - b + 1);
        if (line.empty()) {
            ++blank;
        } else {
            if (!result.empty()) result += blank > 0 ? "\n\n" : "\n";
            result += line;
            blank = 0;
        }
        pos = nl + 1;
    }
    return result;
}

//! The internal publication category names lack the "(Categorie X)" the standard's enum has.
std::string PublicationCategory(const std::string& internal) {
    for (const auto& value : PublicationCategories()) {
        if (value.starts_with(internal)) return value;
    }
    return internal;
}

bool IsWebLink(const std::string& s) {
    return s.starts_with("https://") || s.starts_with("http://");
}

//! One example (internal names) as a Publicatiestandaard 1.0 document.
bj::object ToStandard(const bj::object& in, const std::string& organisation) {
    bj::object out;
    auto text = [&](std::string_view from, std::string_view to, bool html) {
        std::string v = Str(in, from);
        if (html) v = HtmlToText(v);
        if (!v.empty()) out[to] = v;
    };
    auto link = [&](std::string_view from, std::string_view to) {
        // Tilburg's `website` holds a team name, not an address: left out, the standard wants a URL.
        std::string v = Str(in, from);
        if (IsWebLink(v)) out[to] = v;
    };
    text("name", "name", false);
    text("description_short", "description_short", false);
    out["organization"] = Str(in, "organization").empty() ? organisation : Str(in, "organization");
    if (const auto* cat = in.if_contains("category"); cat && cat->is_array()) out["theme"] = *cat;
    text("status", "status", false);
    text("begin_date", "start_date", false);
    text("end_date", "end_date", false);
    text("contact_email", "contact", false);
    link("website", "link");
    out["publication_category"] = PublicationCategory(Str(in, "publication_category"));
    link("url", "source_link");
    text("goal", "purpose_and_impact", true);
    text("proportionality", "considerations", true);
    text("human_intervention", "human_intervention", true);
    text("risks", "risk_management", true);
    text("lawful_basis", "legal_basis", true);
    // The groupings are lists of {title, link}; the standard has room for one of each.
    auto first_of = [&](std::string_view grouping, std::string_view title_to, std::string_view link_to) {
        const auto* g = in.if_contains(grouping);
        if (!g || !g->is_array() || g->as_array().empty() || !g->as_array()[0].is_object()) return;
        const auto& item = g->as_array()[0].as_object();
        if (!title_to.empty() && !Str(item, "title").empty()) out[title_to] = Str(item, "title");
        if (IsWebLink(Str(item, "link"))) out[link_to] = Str(item, "link");
    };
    first_of("lawful_basis_grouping", "legal_basis_title", "legal_basis_link");
    link("process_index_url", "processing_register_link");
    if (const auto* g = in.if_contains("impacttoetsen_grouping"); g && g->is_array()) {
        std::string names;
        for (const auto& item : g->as_array()) {
            if (!item.is_object() || Str(item.as_object(), "title").empty()) continue;
            if (!names.empty()) names += ", ";
            names += Str(item.as_object(), "title");
        }
        if (!names.empty()) out["impact_assessments"] = names;
        first_of("impacttoetsen_grouping", "", "impact_assessment_link");
    }
    text("impacttoetsen", "impact_assessment_explanation", true);
    text("source_data", "data", true);
    first_of("source_data_grouping", "data_source_title", "data_source_link");
    link("source_data_link", "data_source_link");
    text("methods_and_models", "technical_operation", true);
    text("provider", "supplier", false);
    link("publiccode", "source_code_link");
    out["language"] = std::string(kLanguage);  // the examples say "NLD"; the standard's const is "nld"
    out["schema"] = std::string(kSchemaVersion);
    // The example's own id is the identification "as the owner gives it".
    text("id", "source_id", false);
    text("tags", "search_terms", true);

    // Honest defaults for what the examples leave empty but the standard requires.
    for (const auto& f : Fields()) {
        if (!f.required || out.contains(f.name)) continue;
        if (f.name == "start_date") {
            out[f.name] = std::string(kTemplateMonth);
        } else if (f.type == "string") {
            out[f.name] = std::string(kNotGiven);
        }
    }
    return Normalise(std::move(out));
}

struct Example {
    std::string_view organisation;
    std::string_view (*data)();
};

}  // namespace

asio::awaitable<Status> Service::LoadDemoData() {
    static const Example kExamples[] = {
        {"Gemeente Amsterdam", &embedded::algoritmeregister_demo_amsterdam},
        {"Gemeente Tilburg", &embedded::algoritmeregister_demo_tilburg},
    };
    for (const auto& example : kExamples) {
        const std::string organisation(example.organisation);
        bj::value parsed = bj::parse(example.data());
        if (!parsed.is_array() || parsed.as_array().empty() || !parsed.as_array()[0].is_object()) {
            co_return Fail(Error::Internal("Demo: voorbeeld zonder registratie."));
        }
        bj::object fields = ToStandard(parsed.as_array()[0].as_object(), organisation);
        // Loaded once: an organisation with any registration (demo or own) gets none added.
        Store store(db_.dialect());
        storage::AutocommitSession session(db_);
        auto present = co_await store.OrganisationHasRegistrations(session, organisation);
        if (!present) co_return Fail(present.error());
        if (*present) continue;
        // Through the workflow like any registration: written and released for approval by a demo editor of the
        // organisation. Both examples are category B and in use, and come without an assessment, so the gate
        // keeps them from publication until one is recorded: the demo shows the gate rather than bypassing it.
        Actor editor;
        editor.username = "demo";
        editor.display_name = "Demo (voorbeeld uit het Algoritmeregister)";
        editor.organisation = organisation;
        editor.roles.insert(std::string(kRedacteur));
        auto created = co_await Create(editor, std::move(fields));
        if (!created) co_return Fail(created.error());
        auto released = co_await Release(editor, created->lars);
        if (!released) co_return Fail(released.error());
        log::Info(fmt::format("demo: algoritme {} van {} klaargezet voor goedkeuring", created->lars, organisation));
    }
    co_return Status{};
}

}  // namespace thorbecke::algoritmeregister
