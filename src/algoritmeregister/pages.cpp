// The register's public pages, the helpers the staff pages share (pages_staff.cpp), and the wiring.
//
// Pages and their accessible names (for the browser tests; keep them stable):
//
// Public (no sign-in):
//   GET /algoritmeregister                         h1 "Algoritmeregister"; search form (GET) with the fields
//       "Zoekwoord" (zoek), "Organisatie" (organisatie, select), "Thema" (thema, select), "Status" (status,
//       select), "Publicatiecategorie" (categorie, select); button "Zoeken"; link "Alle filters wissen";
//       results as h3 links; nav "Paginering" (links "Vorige pagina", "Volgende pagina", "Pagina N");
//       links "Alle algoritmes als JSON-bestand", "Alle algoritmes als CSV-bestand (voor Excel)". ?pagina=N.
//   GET /algoritmeregister/algoritmes/{lars}       h1 = the algorithm's name; h2 per schema category
//       ("Algemene informatie", "Verantwoord gebruik", "Werking"); h2 "Uitkomst van de impacttoets";
//       links "Geschiedenis van dit algoritme", "Alle algoritmes van <organisatie>".
//   GET /algoritmeregister/algoritmes/{lars}/geschiedenis   h1 "Geschiedenis van <naam>".
//   GET /algoritmeregister/organisaties/{slug}     h1 "Algoritmes van <organisatie>".
//
// Staff (signed in; otherwise 303 to /inloggen?terug=...; another organisation's registration: 404):
//   GET /algoritmeregister/beheer                  h1 "Beheer van algoritmes"; link "Nieuwe registratie"
//       (redacteur); table of registrations (links = names).
//   GET/POST /algoritmeregister/beheer/nieuw       h1 "Nieuwe registratie"; button "Opslaan".
//   GET/POST /algoritmeregister/beheer/algoritmes/{lars}/bewerken   h1 "<naam> bewerken"; button "Opslaan".
//       Form labels = the schema's Dutch names + " (verplicht)" for required fields: "Naam (verplicht)",
//       "Korte omschrijving (verplicht)", "Thema (verplicht)" (legend; checkboxes labelled with the theme),
//       "Status (verplicht)" and "Publicatiecategorie (verplicht)" (legends; radio buttons labelled with the
//       values), "Begindatum (verplicht)", "Einddatum", "Contactgegevens (verplicht)", ... Control ids and
//       names are the schema's field names (name, description_short, theme-1.., status-1.., ...).
//       Errors: alert "Verbeter ..." (role alert) with links to the fields; message above each field.
//   GET /algoritmeregister/beheer/algoritmes/{lars}   h1 = name; buttons "Vrijgeven voor goedkeuring"
//       (redacteur, concept), "Publiceren" / "Afwijzen" with "Reden van afwijzen (verplicht)" (goedkeurder,
//       ter-goedkeuring), "Terugtrekken" with "Reden van terugtrekken (verplicht)" (goedkeurder, gepubliceerd);
//       link "Registratie bewerken"; links "IAMA (Impact Assessment Mensenrechten en Algoritmes)" and
//       "Externe toets (bijvoorbeeld een DPIA)". A refused publication shows an alert (role alert) titled
//       "Publiceren kan nog niet" with the missing items as a list.
//   POST .../{lars}/vrijgeven, /publiceren, /afwijzen, /terugtrekken   303 back with a status message.
//   GET .../{lars}/versies/{versie}                h1 "Versie N van <naam>".
//   GET/POST .../{lars}/iama?deel=1|2A|2B|3|4      h1 "IAMA voor <naam>"; table of parts (links "Deel 1" ..
//       "Deel 4", with progress); per question "Antwoord op vraag <nr>" (textarea, the question is its
//       description) and "Uw rol bij vraag <nr>" (textbox with suggested roles, ids antwoord-2A-1-1 /
//       rol-2A-1-1); parts other than 1: fieldset "Is dit deel van toepassing?" with the checkbox "Dit deel is
//       niet van toepassing" and the textarea "Toelichting bij niet van toepassing"; button "Deel <id> opslaan".
//       Without ?deel the first incomplete part. Goedkeurder (when every part is complete): "Conclusie
//       (verplicht)" and button "IAMA goedkeuren" (POST .../iama/goedkeuren). Only redacteuren see the answer
//       form; others see the answers as a list.
//   GET/POST .../{lars}/externe-toets              h1 "Externe toets voor <naam>"; "Soort toets (verplicht)"
//       (select), "Link naar de toets (verplicht)", "Toelichting (verplicht)"; button "Externe toets opslaan";
//       goedkeurder: button "Externe toets goedkeuren" (POST .../externe-toets/goedkeuren).
// Every POST carries the hidden field `csrf`; success answers 303 (PRG) and the next page shows the message
// as a status alert (role status, drawn by the layout). A refused POST answers the page again with the status
// of the refusal (400 field errors, 403, 409) and the values typed.
#include "algoritmeregister/pages.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/http/paging.h"

namespace thorbecke::embedded {
std::string_view ar_veld();
std::string_view ar_foutsamenvatting();
std::string_view ar_melding();
std::string_view ar_paginering();
std::string_view ar_zoeken();
std::string_view ar_algoritme();
std::string_view ar_geschiedenis();
std::string_view ar_organisatie();
std::string_view ar_beheer();
std::string_view ar_formulier();
std::string_view ar_beheer_algoritme();
std::string_view ar_versie();
std::string_view ar_iama();
std::string_view ar_externe_toets();
}  // namespace thorbecke::embedded

namespace thorbecke::algoritmeregister {

namespace json = boost::json;

namespace pages_detail {

std::string FieldView::Anchor() const {
    if ((kind == Kind::kRadio || kind == Kind::kCheckbox) && !options.empty()) return id + "-1";
    return id;
}

json::object FieldData(const FieldView& f) {
    using K = FieldView::Kind;
    json::object o;
    bool group = f.kind == K::kRadio || f.kind == K::kCheckbox;
    o["id"] = f.id;
    o["name"] = f.name;
    o["label"] = f.label;
    o["required"] = f.required;
    o["is_group"] = group;
    o["is_checkboxes"] = f.kind == K::kCheckbox;
    o["is_textarea"] = f.kind == K::kTextarea;
    o["is_select"] = f.kind == K::kSelect;
    o["is_input"] = f.kind == K::kText || f.kind == K::kUrl;
    o["input_type"] = f.kind == K::kUrl ? "url" : "text";
    o["rows"] = f.rows;
    // Sections test truthiness and an empty string is true in mustache: absent values are `false`.
    auto text_or_false = [&o](const char* key, const std::string& v) {
        if (v.empty()) {
            o[key] = false;
        } else {
            o[key] = v;
        }
    };
    std::string description = f.description;
    if (f.maxlength > 0 && f.kind == K::kTextarea) {
        if (!description.empty()) description += " ";
        description += fmt::format("U kunt maximaal {} tekens invullen.", f.maxlength);
    }
    text_or_false("description", description);
    text_or_false("error", f.error);
    o["value"] = f.value;
    text_or_false("list", f.list);
    o["autocomplete"] = false;
    o["empty_option"] = f.empty_option;
    if (f.maxlength > 0) {
        o["maxlength"] = f.maxlength;
    } else {
        o["maxlength"] = false;
    }
    std::string describedby;
    if (!description.empty()) describedby = f.id + "-uitleg";
    if (!f.error.empty()) describedby += (describedby.empty() ? "" : " ") + f.id + "-fout";
    text_or_false("describedby", describedby);
    json::array options;
    int n = 0;
    for (const auto& [value, text] : f.options) {
        ++n;
        options.push_back(json::object{
            {"option_id", fmt::format("{}-{}", f.id, n)},
            {"value", value},
            {"text", text},
            {"checked", f.selected.contains(value)}});
    }
    o["options"] = std::move(options);
    return o;
}

void AddErrorSummary(json::object& data, const std::vector<SummaryItem>& items) {
    data["has_errors"] = !items.empty();
    data["errors_title"] = items.size() == 1 ? std::string("Verbeter de volgende fout")
                                             : fmt::format("Verbeter de volgende {} fouten", items.size());
    json::array errors;
    for (const auto& i : items) {
        errors.push_back(json::object{{"anchor", i.anchor}, {"label", i.label}, {"message", i.message}});
    }
    data["errors"] = std::move(errors);
}

namespace {

constexpr std::array<const char*, 12> kMonths = {
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december"};

// Last Sunday of a month, as days since the epoch.
std::chrono::sys_days LastSunday(std::chrono::year y, std::chrono::month m) {
    using namespace std::chrono;
    return sys_days{year_month_weekday_last{y, m, weekday_last{Sunday}}};
}

struct LocalTime {
    std::chrono::year_month_day date;
    int hour = 0;
    int minute = 0;
};

// Dutch civil time (CET, CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC).
std::optional<LocalTime> ToDutchTime(std::string_view utc) {
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    if (utc.size() < 16) return std::nullopt;
    std::string head(utc.substr(0, 16));
    if (std::sscanf(head.c_str(), "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) return std::nullopt;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    sys_time<minutes> t = sys_days{ymd} + hours{h} + minutes{mi};
    auto summer_start = LastSunday(year{y}, March) + hours{1};
    auto summer_end = LastSunday(year{y}, October) + hours{1};
    t += (t >= summer_start && t < summer_end) ? hours{2} : hours{1};
    auto day_point = floor<days>(t);
    auto rest = t - day_point;
    return LocalTime{
        year_month_day{day_point},
        static_cast<int>(duration_cast<hours>(rest).count()),
        static_cast<int>((rest % hours{1}).count())};
}

}  // namespace

std::string DutchDate(std::string_view utc) {
    auto t = ToDutchTime(utc);
    if (!t) return std::string(utc);
    return fmt::format(
        "{} {} {}",
        static_cast<unsigned>(t->date.day()),
        kMonths[static_cast<unsigned>(t->date.month()) - 1],
        static_cast<int>(t->date.year())
    );
}

std::string DutchDateTime(std::string_view utc) {
    auto t = ToDutchTime(utc);
    if (!t) return std::string(utc);
    return fmt::format("{}, {:02}:{:02}", DutchDate(utc), t->hour, t->minute);
}

std::string DisplayText(const json::value* v) {
    if (v == nullptr || v->is_null()) return {};
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_array()) {
        std::string out;
        for (const auto& e : v->as_array()) {
            if (!out.empty()) out += ", ";
            out += DisplayText(&e);
        }
        return out;
    }
    return json::serialize(*v);
}

json::array CategoriesData(const json::object& fields, bool rich) {
    json::array categories;
    int n = 0;
    for (const auto& category : Categories()) {
        if (category == "Metadata") continue;
        ++n;
        json::array items;
        for (const auto& f : Fields()) {
            if (f.category != category || f.display == "hidden") continue;
            const json::value* v = fields.if_contains(f.name);
            std::string text = DisplayText(v);
            if (text.empty()) continue;
            json::object item{{"label", f.label}, {"text", text}};
            if (rich) {
                bool is_link = f.format == "uri" && (text.starts_with("https://") || text.starts_with("http://"));
                bool is_list = v->is_array();
                item["is_link"] = is_link;
                item["is_list"] = is_list;
                item["is_text"] = !is_link && !is_list;
                item["value"] = text;
                item["multiline"] = f.max_length.value_or(0) >= 400;
                if (is_list) {
                    json::array values;
                    const auto& arr = v->as_array();
                    for (std::size_t i = 0; i < arr.size(); ++i) {
                        values.push_back(json::object{{"text", DisplayText(&arr[i])}, {"last", i + 1 == arr.size()}});
                    }
                    item["values"] = std::move(values);
                }
            }
            items.push_back(std::move(item));
        }
        if (items.empty()) continue;
        categories.push_back(json::object{
            {"id", fmt::format("categorie-{}", n)}, {"title", category}, {"items", std::move(items)}});
    }
    return categories;
}

std::string StateLabel(State s) {
    switch (s) {
        case State::kConcept:
            return "Concept";
        case State::kTerGoedkeuring:
            return "Ter goedkeuring";
        case State::kGepubliceerd:
            return "Gepubliceerd";
        case State::kTeruggetrokken:
            return "Teruggetrokken";
    }
    return "";
}

std::string EventLabel(std::string_view kind) {
    if (kind == "aanmaken") return "Aangemaakt";
    if (kind == "opslaan") return "Opgeslagen";
    if (kind == "vrijgeven") return "Vrijgegeven voor goedkeuring";
    if (kind == "publiceren") return "Gepubliceerd";
    if (kind == "afwijzen") return "Afgewezen";
    if (kind == "terugtrekken") return "Teruggetrokken";
    std::string out(kind);
    std::replace(out.begin(), out.end(), '-', ' ');
    std::replace(out.begin(), out.end(), '_', ' ');
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

std::string RolesText(const std::set<std::string>& roles) {
    std::string out;
    for (const auto& r : roles) {
        if (!out.empty()) out += " en ";
        out += r;
    }
    return out;
}

std::string Trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::int64_t PageParam(const http::Request& req) {
    auto v = req.query.Get("pagina").value_or("");
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || ptr != v.data() + v.size() || n < 1 || n > 1'000'000) return 1;
    return n;
}

std::string PublicUrl(std::string_view lars) {
    return fmt::format("{}/algoritmes/{}", kRoot, http::QueryEncode(lars));
}

std::string StaffUrl(std::string_view lars) {
    return fmt::format("{}/algoritmes/{}", kStaffRoot, http::QueryEncode(lars));
}

}  // namespace pages_detail

namespace {

using namespace pages_detail;
using K = FieldView::Kind;

constexpr std::int64_t kPublicPageSize = 20;
constexpr std::size_t kMaxQueryText = 200;

std::string QueryText(const http::Request& req, std::string_view name) {
    std::string v = Trim(req.query.Get(name).value_or(""));
    if (v.size() > kMaxQueryText) v.resize(kMaxQueryText);
    return v;
}

std::vector<std::pair<std::string, std::string>> Choices(const std::vector<std::string>& values) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(values.size());
    for (const auto& v : values) out.emplace_back(v, v);
    return out;
}

json::object ResultData(const PublishedRecord& r) {
    auto text = [&r](std::string_view key) { return DisplayText(r.fields.if_contains(key)); };
    std::string organisation = text("organization");
    return json::object{
        {"url", PublicUrl(r.lars)},
        {"name", text("name")},
        {"description_short", text("description_short")},
        {"organization", organisation},
        {"organisation_url", fmt::format("{}/organisaties/{}", kRoot, OrganisationSlug(organisation))},
        {"status", text("status")},
        {"publication_category", text("publication_category")}};
}

asio::awaitable<Result<http::Response>> SearchPage(Service& service, http::Request& req, web::Context& ctx) {
    PublicFilter filter;
    filter.zoek = QueryText(req, "zoek");
    filter.organisatie = QueryText(req, "organisatie");
    filter.thema = QueryText(req, "thema");
    filter.status = QueryText(req, "status");
    filter.categorie = QueryText(req, "categorie");
    filter.page = PageParam(req);
    filter.page_size = kPublicPageSize;
    auto organisations = co_await service.Organisations();
    if (!organisations) co_return Fail(organisations.error());
    auto found = co_await service.ListPublished(filter);
    if (!found) co_return Fail(found.error());

    std::vector<std::pair<std::string, std::string>> org_choices;
    for (const auto& o : *organisations) org_choices.emplace_back(o.slug, o.name);
    auto select = [](std::string id,
                     std::string label,
                     const std::string& selected,
                     std::vector<std::pair<std::string, std::string>> options,
                     std::string empty) {
        FieldView f;
        f.kind = K::kSelect;
        f.name = id;
        f.id = std::move(id);
        f.label = std::move(label);
        f.selected.insert(selected);
        f.options = std::move(options);
        f.empty_option = std::move(empty);
        return f;
    };
    std::vector<FieldView> fields;
    FieldView search;
    search.id = search.name = "zoek";
    search.label = "Zoekwoord";
    search.description = "Zoek in de naam, de omschrijving en de organisatie.";
    search.value = filter.zoek;
    search.maxlength = static_cast<int>(kMaxQueryText);
    fields.push_back(std::move(search));
    fields.push_back(select("organisatie", "Organisatie", filter.organisatie, org_choices, "Alle organisaties"));
    fields.push_back(select("thema", "Thema", filter.thema, Choices(Themes()), "Alle thema's"));
    fields.push_back(select("status", "Status", filter.status, Choices(Statuses()), "Alle statussen"));
    fields.push_back(select(
        "categorie", "Publicatiecategorie", filter.categorie, Choices(PublicationCategories()), "Alle categorieën"
    ));
    // The busiest page renders its parts with the parsed (cached) templates rather than as partials, which
    // mustache would parse again on every request.
    std::string fields_html;
    for (const auto& f : fields) fields_html += web::Render("ar-veld", FieldData(f));

    json::array results;
    for (const auto& r : found->items) results.push_back(ResultData(r));
    auto url_for = [&filter](std::int64_t page) {
        std::string url(kRoot);
        char sep = '?';
        auto add = [&](std::string_view name, const std::string& v) {
            if (v.empty()) return;
            url += sep;
            url += name;
            url += '=';
            url += http::QueryEncode(v);
            sep = '&';
        };
        add("zoek", filter.zoek);
        add("organisatie", filter.organisatie);
        add("thema", filter.thema);
        add("status", filter.status);
        add("categorie", filter.categorie);
        if (page > 1) add("pagina", std::to_string(page));
        return url;
    };
    bool filtered = !filter.zoek.empty() || !filter.organisatie.empty() || !filter.thema.empty() ||
                    !filter.status.empty() || !filter.categorie.empty();
    std::string results_title =
        found->total == 1 ? std::string("1 algoritme gevonden") : fmt::format("{} algoritmes gevonden", found->total);
    json::object data{
        {"title", "Algoritmeregister"},
        {"intro",
         "In dit register ziet u welke algoritmes overheden gebruiken, waarvoor en hoe. U leest ook of de "
         "gevolgen vooraf zijn getoetst."},
        {"action", std::string(kRoot)},
        {"fields_html", std::move(fields_html)},
        {"filtered", filtered},
        {"results_title", results_title},
        {"has_results", !results.empty()},
        {"results", std::move(results)},
        {"pagination_html", web::Render("ar-paginering", PaginationData(found->page, found->pages(), url_for))},
        {"show_open_data", true},
        {"open_data_json", fmt::format("{}/open-data/algoritmes.json", kRoot)},
        {"open_data_csv", fmt::format("{}/open-data/algoritmes.csv", kRoot)},
        {"api_url", fmt::format("{}/api/v1/openapi.json", kRoot)}};
    std::string title = "Algoritmeregister";
    if (filter.page > 1) title = fmt::format("Algoritmeregister, pagina {}", filter.page);
    co_return web::Page(ctx, title, web::Render("ar-zoeken", data));
}

asio::awaitable<Result<http::Response>> AlgorithmPage(Service& service, http::Request& req, web::Context& ctx) {
    std::string lars = req.PathParam("lars");
    auto record = co_await service.GetPublished(lars);
    if (!record) co_return Fail(record.error());
    auto text = [&](std::string_view key) { return DisplayText(record->fields.if_contains(key)); };
    std::string name = text("name");
    std::string organisation = text("organization");
    json::object data{
        {"back_url", std::string(kRoot)},
        {"name", name},
        {"lars", record->lars},
        {"description_short", text("description_short")},
        {"organization", organisation},
        {"organisation_url", fmt::format("{}/organisaties/{}", kRoot, OrganisationSlug(organisation))},
        {"published_on", DutchDate(record->gepubliceerd_op)},
        {"categories", CategoriesData(record->fields, true)},
        {"history_url", PublicUrl(record->lars) + "/geschiedenis"},
        {"api_url", fmt::format("{}/api/v1/algoritmes/{}", kRoot, http::QueryEncode(record->lars))}};
    if (record->toetsing) {
        const auto& t = *record->toetsing;
        json::object toetsing;
        auto copy = [&](const char* key) {
            std::string v = DisplayText(t.if_contains(key));
            if (v.empty()) {
                toetsing[key] = false;
            } else {
                toetsing[key] = v;
            }
        };
        copy("soort");
        copy("conclusie");
        copy("toelichting");
        copy("link");
        std::string approved = DisplayText(t.if_contains("goedgekeurd_op"));
        if (approved.empty()) {
            toetsing["goedgekeurd_op"] = false;
        } else {
            toetsing["goedgekeurd_op"] = DutchDate(approved);
        }
        std::string voided = DisplayText(t.if_contains("vervallen_op"));
        if (!voided.empty()) {
            toetsing["toelichting"] =
                fmt::format("Deze toets is vervallen op {}: daarna is de toets gewijzigd.", DutchDate(voided));
        }
        data["toetsing"] = std::move(toetsing);
    } else {
        data["toetsing"] = false;
    }
    co_return web::Page(ctx, name, web::Render("ar-algoritme", data));
}

asio::awaitable<Result<http::Response>> HistoryPage(Service& service, http::Request& req, web::Context& ctx) {
    std::string lars = req.PathParam("lars");
    auto history = co_await service.GetPublishedHistory(lars);
    if (!history) co_return Fail(history.error());
    json::array events;
    for (const auto& e : history->events) {
        events.push_back(json::object{
            {"at", DutchDateTime(e.at)}, {"kind", EventLabel(e.kind)}, {"version", e.version}, {"reason", e.reason}});
    }
    json::array versions;
    // Newest first: that is what a reader looks for.
    for (auto it = history->versions.rbegin(); it != history->versions.rend(); ++it) {
        json::array items;
        for (const auto& category : CategoriesData(it->fields, false)) {
            for (const auto& item : category.as_object().at("items").as_array()) items.push_back(item);
        }
        versions.push_back(json::object{
            {"version", it->version}, {"published_on", DutchDate(it->gepubliceerd_op)}, {"items", std::move(items)}});
    }
    json::object data{
        {"name", history->name},
        {"detail_url", PublicUrl(history->lars)},
        {"has_events", !events.empty()},
        {"events", std::move(events)},
        {"versions", std::move(versions)}};
    co_return web::Page(ctx, "Geschiedenis van " + history->name, web::Render("ar-geschiedenis", data));
}

asio::awaitable<Result<http::Response>> OrganisationPage(Service& service, http::Request& req, web::Context& ctx) {
    std::string slug = req.PathParam("slug");
    auto organisation = co_await service.OrganisationBySlug(slug);
    if (!organisation) co_return Fail(organisation.error());
    if (!*organisation) co_return Fail(Error::NotFound("Deze organisatie heeft geen gepubliceerde algoritmes."));
    PublicFilter filter;
    filter.organisatie = (*organisation)->slug;
    filter.page = PageParam(req);
    filter.page_size = kPublicPageSize;
    auto found = co_await service.ListPublished(filter);
    if (!found) co_return Fail(found.error());
    json::array results;
    for (const auto& r : found->items) results.push_back(ResultData(r));
    std::string base = fmt::format("{}/organisaties/{}", kRoot, http::QueryEncode((*organisation)->slug));
    auto url_for = [&base](std::int64_t page) { return page > 1 ? fmt::format("{}?pagina={}", base, page) : base; };
    const std::string& name = (*organisation)->name;
    json::object data{
        {"back_url", std::string(kRoot)},
        {"organisation", name},
        {"total_text", found->total == 1 ? std::string("1 algoritme") : fmt::format("{} algoritmes", found->total)},
        {"results", std::move(results)},
        {"pagination_html", web::Render("ar-paginering", PaginationData(found->page, found->pages(), url_for))},
        {"search_url", fmt::format("{}?organisatie={}", kRoot, http::QueryEncode((*organisation)->slug))}};
    co_return web::Page(ctx, "Algoritmes van " + name, web::Render("ar-organisatie", data));
}

}  // namespace

void RegisterPages(http::Router& router, web::SessionStore& sessions, Service& service, Assessments& assessments) {
    web::AddTemplate("ar-veld", embedded::ar_veld());
    web::AddTemplate("ar-foutsamenvatting", embedded::ar_foutsamenvatting());
    web::AddTemplate("ar-melding", embedded::ar_melding());
    web::AddTemplate("ar-paginering", embedded::ar_paginering());
    web::AddTemplate("ar-zoeken", embedded::ar_zoeken());
    web::AddTemplate("ar-algoritme", embedded::ar_algoritme());
    web::AddTemplate("ar-geschiedenis", embedded::ar_geschiedenis());
    web::AddTemplate("ar-organisatie", embedded::ar_organisatie());
    web::AddTemplate("ar-beheer", embedded::ar_beheer());
    web::AddTemplate("ar-formulier", embedded::ar_formulier());
    web::AddTemplate("ar-beheer-algoritme", embedded::ar_beheer_algoritme());
    web::AddTemplate("ar-versie", embedded::ar_versie());
    web::AddTemplate("ar-iama", embedded::ar_iama());
    web::AddTemplate("ar-externe-toets", embedded::ar_externe_toets());

    web::AddNavItem({"Algoritmeregister", std::string(kRoot), false});
    web::AddNavItem({"Beheer", std::string(kStaffRoot), true});

    auto page = [&router, &sessions](std::string pattern, auto fn) {
        router.Add(http::Method::kGet, std::move(pattern), http::Access::Public(), web::PageRoute(sessions, fn));
    };
    page(std::string(kRoot), [&service](http::Request& req, web::Context& ctx) {
        return SearchPage(service, req, ctx);
    });
    page(std::string(kRoot) + "/algoritmes/{lars}", [&service](http::Request& req, web::Context& ctx) {
        return AlgorithmPage(service, req, ctx);
    });
    page(std::string(kRoot) + "/algoritmes/{lars}/geschiedenis", [&service](http::Request& req, web::Context& ctx) {
        return HistoryPage(service, req, ctx);
    });
    page(std::string(kRoot) + "/organisaties/{slug}", [&service](http::Request& req, web::Context& ctx) {
        return OrganisationPage(service, req, ctx);
    });
    RegisterStaffPages(router, sessions, service, assessments);
}

}  // namespace thorbecke::algoritmeregister
