#pragma once
// The algorithm register's model: the fields of Publicatiestandaard 1.0 (names, Dutch labels, rules and help
// texts from its JSON schema, permitted themes from the register's own field configuration), the workflow
// states, and the shapes the Service hands to its callers (the API routes and the web pages).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace thorbecke::algoritmeregister {

// ---------------------------------------------------------------------------------------------------------
// Fields of the standard

//! One field of Publicatiestandaard 1.0 as its JSON schema describes it.
struct Field {
    std::string name;       // the schema's property name: "description_short"
    std::string label;      // the schema's Dutch `name`: "Korte omschrijving"
    std::string category;   // "Algemene informatie", "Verantwoord gebruik", "Werking", "Metadata"
    std::string display;    // "mandatory", "optional" or "hidden"
    std::string type;       // "string", "array" (theme), "enum" (status, publication_category), "const"
    bool required = false;  // in the schema's `required`
    std::optional<int> max_length;
    std::string pattern;                        // "^[0-9]{4}-[0-9]{2}$" for the dates
    std::string format;                         // "uri" for links
    std::string const_value;                    // language "nld", schema "1.0.0"
    std::vector<std::string> permitted_values;  // enum values; for theme the register's theme list
    std::string description;                    // the schema's description (help text)
    std::string instructions;                   // the schema's instructions (longer help)
    std::string example;
};

//! Every field, in the schema's order.
const std::vector<Field>& Fields();
//! A field by its schema name; nullptr when unknown.
const Field* FindField(std::string_view name);
//! The schema's categories in order of first appearance.
const std::vector<std::string>& Categories();

//! The permitted themes (beheer-config `category.permitted_values`).
const std::vector<std::string>& Themes();
//! The schema's `status` enum: "In ontwikkeling", "In gebruik", "Buiten gebruik".
const std::vector<std::string>& Statuses();
//! The schema's `publication_category` enum.
const std::vector<std::string>& PublicationCategories();
//! The recommended impact assessment names of beheer-config (impacttoetsen_grouping.title.recommended_items).
const std::vector<std::string>& RecommendedAssessments();

inline constexpr std::string_view kCategoryA = "Hoog-risico AI-systeem (Categorie A)";
inline constexpr std::string_view kCategoryB = "Impactvolle algoritmes (Categorie B)";
inline constexpr std::string_view kStatusInGebruik = "In gebruik";
inline constexpr std::string_view kLanguage = "nld";
inline constexpr std::string_view kSchemaVersion = "1.0.0";

//! An organisation's page name: lower case, every run of non-alphanumerics one '-', no '-' at either end
//! ("Gemeente Den Haag" -> "gemeente-den-haag").
std::string OrganisationSlug(std::string_view name);

// ---------------------------------------------------------------------------------------------------------
// Who acts

inline constexpr std::string_view kRedacteur = "redacteur";
inline constexpr std::string_view kGoedkeurder = "goedkeurder";

//! A staff member acting on registrations. Built from an accounts::Account (web pages) or from the
//! auth::Principal a staff token gives (API).
struct Actor {
    std::string username;
    std::string display_name;
    std::string organisation;
    std::set<std::string> roles;

    [[nodiscard]] bool HasRole(std::string_view role) const { return roles.contains(std::string(role)); }

    //! From anything with username, display_name, organisation and roles (accounts::Account).
    template <class Account>
    static Actor From(const Account& a) {
        Actor actor;
        actor.username = a.username;
        actor.display_name = a.display_name;
        actor.organisation = a.organisation;
        actor.roles.insert(a.roles.begin(), a.roles.end());
        return actor;
    }
};

// ---------------------------------------------------------------------------------------------------------
// Workflow

enum class State { kConcept, kTerGoedkeuring, kGepubliceerd, kTeruggetrokken };

//! "concept", "ter-goedkeuring", "gepubliceerd", "teruggetrokken".
std::string_view StateName(State s);
std::optional<State> ParseState(std::string_view s);

//! One saved version of a registration's fields.
struct VersionInfo {
    int number = 0;
    std::string author;       // username
    std::string author_name;  // display name at the time
    std::string created_at;   // UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"
};

struct Version {
    VersionInfo info;
    boost::json::object fields;  // the standard's fields, schema names
};

//! One event in a registration's history.
//! kind: "aanmaken", "opslaan", "vrijgeven", "publiceren", "afwijzen", "terugtrekken" (assessment events
//! may add their own kinds).
struct Event {
    std::string kind;
    int version = 0;    // the version it concerns
    std::string actor;  // username ("demo" for demo data)
    std::string actor_name;
    std::string at;
    std::string reason;  // afwijzen, terugtrekken
};

//! A registration as its organisation's staff see it.
struct Registration {
    std::string lars;
    std::string organisation;
    State state = State::kConcept;
    int version = 0;             // the latest version
    boost::json::object fields;  // the latest version's fields
    std::string created_at;
    std::string updated_at;
    std::string last_author;               // username of the latest version's author
    std::string released_by;               // who released the latest version (ter-goedkeuring), else empty
    std::optional<int> published_version;  // the version that is public now (none when retracted/never)
    std::string published_at;
    std::string published_by;
};

//! A published registration as everyone sees it: the last published version, when it was published and the
//! outcome of its impact assessment (null when none).
struct PublishedRecord {
    std::string lars;
    int version = 0;
    boost::json::object fields;
    std::string gepubliceerd_op;
    std::optional<boost::json::object> toetsing;
};

//! Filters of the public list. Empty strings do not filter. `zoek` matches name, description_short,
//! organization and search_terms (case-insensitive substring). `organisatie` is the exact name or its slug.
struct PublicFilter {
    std::string zoek;
    std::string organisatie;
    std::string thema;
    std::string status;
    std::string categorie;  // publication_category
    std::int64_t page = 1;
    std::int64_t page_size = 20;
};

//! Filter of a staff member's own list (their organisation's registrations).
struct OwnFilter {
    std::optional<State> state;
    std::int64_t page = 1;
    std::int64_t page_size = 100;
};

template <class T>
struct Page {
    std::vector<T> items;
    std::int64_t total = 0;
    std::int64_t page = 1;
    std::int64_t page_size = 20;
    [[nodiscard]] std::int64_t pages() const { return page_size > 0 ? (total + page_size - 1) / page_size : 0; }
};

//! An organisation with published registrations.
struct Organisation {
    std::string name;
    std::string slug;
    std::int64_t count = 0;  // published registrations
};

//! What the public history of an algorithm shows: every version that was published, and the publication and
//! retraction events.
struct PublishedVersion {
    int version = 0;
    std::string gepubliceerd_op;
    boost::json::object fields;
};

struct PublishedHistory {
    std::string lars;
    std::string name;                        // the name of the last published version
    std::vector<PublishedVersion> versions;  // oldest first
    std::vector<Event> events;               // "publiceren" and "terugtrekken", oldest first
};

}  // namespace thorbecke::algoritmeregister
