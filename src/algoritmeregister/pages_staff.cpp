// The register's staff pages: the overview of the organisation's registrations, the registration forms, the
// workflow actions, the IAMA per part with its sign-off and the external assessment. The Service and the
// Assessments decide every rule (roles, organisation, states, the gate); these pages show their answers next to
// the fields or as an alert, and answer every successful POST with a 303 (POST-redirect-GET) and a message.
#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "algoritmeregister/pages.h"
#include "core/http/paging.h"

namespace thorbecke::algoritmeregister {

namespace json = boost::json;

namespace pages_detail {
namespace {

using K = FieldView::Kind;

constexpr int kReasonMaxLength = 2000;
constexpr int kAnswerMaxLength = 20000;
constexpr int kConclusionMaxLength = 5000;
constexpr int kExplanationMaxLength = 5000;

// Field errors by field name (the first message per field), and the ones no field of the form shows.
struct FieldErrors {
    std::map<std::string, std::string, std::less<>> by_field;
    std::vector<SummaryItem> other;

    void Add(const std::string& field, std::string message) { by_field.try_emplace(field, std::move(message)); }
    [[nodiscard]] std::string For(std::string_view field) const {
        auto it = by_field.find(field);
        return it == by_field.end() ? std::string() : it->second;
    }
    [[nodiscard]] bool empty() const { return by_field.empty() && other.empty(); }
};

// The error summary of a form: its fields' errors in the form's order, then the others.
std::vector<SummaryItem> Summary(const std::vector<FieldView>& fields, const FieldErrors& errors) {
    std::vector<SummaryItem> items;
    for (const auto& f : fields) {
        if (!f.error.empty()) items.push_back({f.Anchor(), f.label, f.error});
    }
    for (const auto& o : errors.other) items.push_back(o);
    return items;
}

// A refusal (an Error that is no field error) as the alert of templates/ar-melding.mustache.
void AddRefusal(json::object& data, std::string title, const Error& e, bool links_to_assessments = false) {
    data["refusal"] = true;
    data["refusal_title"] = std::move(title);
    data["refusal_detail"] = e.detail.empty() ? e.title : e.detail;
    json::array items;
    for (const auto& p : e.invalid_params) items.push_back(json::object{{"reason", p.reason}});
    data["has_refusal_items"] = !items.empty();
    data["refusal_items"] = std::move(items);
    data["refusal_links"] = links_to_assessments;
}

// The part of an invalid_params name before the first '.' or '[' ("theme.0" -> "theme").
std::string BaseName(std::string_view name) {
    auto end = name.find_first_of(".[");
    return std::string(name.substr(0, end));
}

std::string ErrorTitle(std::string_view title, bool has_errors) {
    return has_errors ? fmt::format("Fout: {}", title) : std::string(title);
}

// A staff POST's form, when someone is signed in (with `role`, unless empty), the body is a well-formed form and
// it carries the session's CSRF token; otherwise the answer to give (a redirect to sign in, a 403 or 400 page).
tl::expected<web::Form, http::Response> CheckPost(web::Context& ctx, const http::Request& req, std::string_view role) {
    auto refused = role.empty() ? web::RequireAccount(ctx) : web::RequireRole(ctx, role);
    if (refused) return tl::unexpected(std::move(*refused));
    auto form = web::ParseForm(req.body);
    if (!form) return tl::unexpected(web::ErrorPage(ctx, form.error()));
    if (auto r = web::CheckCsrf(ctx, *form)) return tl::unexpected(std::move(*r));
    return std::move(*form);
}

// The end of a successful POST: the message for the next page and a 303 to `location` (POST-redirect-GET).
asio::awaitable<Result<http::Response>> Done(web::Context& ctx, std::string message, std::string location) {
    auto st = co_await ctx.sessions->SetMessage(ctx, std::move(message));
    if (!st) co_return Fail(st.error());
    co_return web::Redirect(ctx, std::move(location));
}

// --- registration form -----------------------------------------------------------------------------------

// Fields the form shows: every field of the standard but the organisation (always the signed-in account's) and
// the hidden metadata.
bool OnForm(const Field& f) {
    return f.display != "hidden" && f.name != "organization";
}

std::string FieldDescription(const Field& f) {
    std::string d = f.description;
    if (!f.pattern.empty()) d += " Schrijf het als jaar en maand, bijvoorbeeld 2023-01.";
    if (f.format == "uri") d += " Begin het adres met https://.";
    return d;
}

std::vector<FieldView> RegistrationFields(const json::object& values, const FieldErrors& errors) {
    std::vector<FieldView> out;
    for (const auto& f : Fields()) {
        if (!OnForm(f)) continue;
        FieldView v;
        v.id = f.name;
        v.name = f.name;
        v.label = f.label;
        v.description = FieldDescription(f);
        v.required = f.required;
        v.error = errors.For(f.name);
        const json::value* current = values.if_contains(f.name);
        if (f.name == "theme") {
            v.kind = K::kCheckbox;
            for (const auto& t : Themes()) v.options.emplace_back(t, t);
            if (current != nullptr && current->is_array()) {
                for (const auto& t : current->as_array()) {
                    if (t.is_string()) v.selected.insert(std::string(t.as_string()));
                }
            }
        } else if (!f.permitted_values.empty()) {
            v.kind = K::kRadio;
            for (const auto& p : f.permitted_values) v.options.emplace_back(p, p);
            v.selected.insert(DisplayText(current));
        } else {
            v.value = DisplayText(current);
            int max = f.max_length.value_or(0);
            if (f.format == "uri") {
                v.kind = K::kUrl;
            } else if (max >= 399) {
                v.kind = K::kTextarea;
                v.rows = max >= 2000 ? 8 : 4;
            } else {
                v.kind = K::kText;
            }
            v.maxlength = f.pattern.empty() ? max : 7;
        }
        out.push_back(std::move(v));
    }
    return out;
}

// The form's values as a registration: starts from `previous` (keeps the fields the form does not show) and
// leaves out empty fields, so that a missing required field is reported as such.
json::object FieldsFromForm(const web::Form& form, const json::object* previous, const std::string& organisation) {
    json::object fields = previous != nullptr ? *previous : json::object{};
    for (const auto& f : Fields()) {
        if (!OnForm(f)) continue;
        fields.erase(f.name);
        if (f.name == "theme") {
            json::array themes;
            for (const auto& t : form.All("theme")) {
                if (!t.empty()) themes.emplace_back(t);
            }
            if (!themes.empty()) fields[f.name] = std::move(themes);
            continue;
        }
        std::string v = Trim(form.Value(f.name));
        if (!v.empty()) fields[f.name] = v;
    }
    fields["organization"] = organisation;
    return fields;
}

FieldErrors ErrorsOf(const Error& e, const std::vector<FieldView>& fields) {
    FieldErrors errors;
    for (const auto& p : e.invalid_params) {
        std::string base = BaseName(p.name);
        bool shown = std::any_of(fields.begin(), fields.end(), [&](const FieldView& f) { return f.name == base; });
        if (shown) {
            errors.Add(base, p.reason);
        } else {
            const Field* known = FindField(base);
            errors.other.push_back({"formulier", known != nullptr ? known->label : p.name, p.reason});
        }
    }
    if (errors.empty()) errors.other.push_back({"formulier", "Formulier", e.detail.empty() ? e.title : e.detail});
    return errors;
}

http::Response FormPage(
    const web::Context& ctx,
    const std::string& heading,
    const std::string& action,
    const std::string& back_url,
    const std::string& back_text,
    const json::object& values,
    const FieldErrors& errors,
    const Error* refusal,
    int status
) {
    auto fields = RegistrationFields(values, errors);
    json::array sections;
    int n = 0;
    for (const auto& category : Categories()) {
        json::array section_fields;
        for (const auto& v : fields) {
            const Field* f = FindField(v.name);
            if (f != nullptr && f->category == category) section_fields.push_back(FieldData(v));
        }
        if (section_fields.empty()) continue;
        ++n;
        sections.push_back(json::object{
            {"section_id", fmt::format("deel-{}", n)},
            {"section_title", category},
            {"fields", std::move(section_fields)}});
    }
    json::object data{
        {"heading", heading},
        {"action", action},
        {"back_url", back_url},
        {"back_text", back_text},
        {"csrf", ctx.csrf},
        {"organisation", ctx.account ? ctx.account->organisation : std::string()},
        {"sections", std::move(sections)}};
    auto summary = Summary(fields, errors);
    AddErrorSummary(data, summary);
    if (refusal != nullptr) {
        // Shown before any save (GET while the registration awaits approval) or after a refused save.
        bool before = ctx.request != nullptr && ctx.request->method == http::Method::kGet;
        AddRefusal(data, before ? "U kunt deze registratie nu niet bewerken" : "Opslaan is niet gelukt", *refusal);
    }
    return web::Page(ctx, ErrorTitle(heading, !summary.empty()), web::Render("ar-formulier", data), status);
}

std::string RegistrationName(const Registration& r) {
    std::string name = DisplayText(r.fields.if_contains("name"));
    return name.empty() ? fmt::format("Registratie {}", r.lars) : name;
}

Actor ActorOf(const web::Context& ctx) {
    return Actor::From(*ctx.account);
}

// --- overview --------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Overview(
    Service& service, Assessments&, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
    Actor actor = ActorOf(ctx);
    OwnFilter filter;
    filter.page = PageParam(req);
    filter.page_size = 50;
    auto list = co_await service.ListOwn(actor, filter);
    if (!list) co_return Fail(list.error());
    json::array items;
    for (const auto& r : list->items) {
        items.push_back(json::object{
            {"url", StaffUrl(r.lars)},
            {"title", RegistrationName(r)},
            {"state_label", StateLabel(r.state)},
            {"version", r.version},
            {"public_label",
             r.published_version ? fmt::format("Ja, versie {}", *r.published_version) : std::string("Nee")},
            {"updated", DutchDateTime(r.updated_at)}});
    }
    auto url_for = [](std::int64_t page) {
        return page > 1 ? fmt::format("{}?pagina={}", kStaffRoot, page) : std::string(kStaffRoot);
    };
    json::object data{
        {"account_name", actor.display_name},
        {"account_roles", RolesText(actor.roles)},
        {"organisation", actor.organisation},
        {"can_create", actor.HasRole(kRedacteur)},
        {"new_url", fmt::format("{}/nieuw", kStaffRoot)},
        {"has_items", !items.empty()},
        {"items", std::move(items)},
        {"pagination", PaginationData(list->page, list->pages(), url_for)}};
    co_return web::Page(ctx, "Beheer van algoritmes", web::Render("ar-beheer", data));
}

// --- new / edit ------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> NewForm(Service&, Assessments&, http::Request&, web::Context& ctx) {
    if (auto r = web::RequireRole(ctx, kRedacteur)) co_return std::move(*r);
    json::object values;
    co_return FormPage(
        ctx,
        "Nieuwe registratie",
        fmt::format("{}/nieuw", kStaffRoot),
        std::string(kStaffRoot),
        "Terug naar het overzicht",
        values,
        FieldErrors{},
        nullptr,
        200
    );
}

asio::awaitable<Result<http::Response>> NewSubmit(
    Service& service, Assessments&, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, kRedacteur);
    if (!form) co_return std::move(form.error());
    Actor actor = ActorOf(ctx);
    json::object fields = FieldsFromForm(*form, nullptr, actor.organisation);
    auto created = co_await service.Create(actor, fields);
    std::string action = fmt::format("{}/nieuw", kStaffRoot);
    if (!created) {
        const Error& e = created.error();
        if (e.status == 400) {
            auto errors = ErrorsOf(e, RegistrationFields(fields, FieldErrors{}));
            co_return FormPage(
                ctx,
                "Nieuwe registratie",
                action,
                std::string(kStaffRoot),
                "Terug naar het overzicht",
                fields,
                errors,
                nullptr,
                400
            );
        }
        co_return FormPage(
            ctx,
            "Nieuwe registratie",
            action,
            std::string(kStaffRoot),
            "Terug naar het overzicht",
            fields,
            FieldErrors{},
            &e,
            e.status
        );
    }
    std::string message = "De registratie is opgeslagen als concept.";
    std::string location = StaffUrl(created->lars);
    co_return co_await Done(ctx, message, location);
}

asio::awaitable<Result<http::Response>> EditForm(
    Service& service, Assessments&, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireRole(ctx, kRedacteur)) co_return std::move(*r);
    std::string lars = req.PathParam("lars");
    Actor actor = ActorOf(ctx);
    auto reg = co_await service.Get(actor, lars);
    if (!reg) co_return Fail(reg.error());
    std::string heading = RegistrationName(*reg) + " bewerken";
    std::optional<Error> refusal;
    int status = 200;
    if (reg->state == State::kTerGoedkeuring) {
        refusal = Error::Conflict(
            "invalid-state",
            "De registratie ligt ter goedkeuring. U kunt haar pas weer bewerken als een goedkeurder haar heeft "
            "afgewezen of gepubliceerd."
        );
    }
    co_return FormPage(
        ctx,
        heading,
        StaffUrl(lars) + "/bewerken",
        StaffUrl(lars),
        "Terug naar de registratie",
        reg->fields,
        FieldErrors{},
        refusal ? &*refusal : nullptr,
        status
    );
}

asio::awaitable<Result<http::Response>> EditSubmit(
    Service& service, Assessments&, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, kRedacteur);
    if (!form) co_return std::move(form.error());
    Actor actor = ActorOf(ctx);
    std::string lars = req.PathParam("lars");
    auto reg = co_await service.Get(actor, lars);
    if (!reg) co_return Fail(reg.error());
    json::object fields = FieldsFromForm(*form, &reg->fields, actor.organisation);
    auto saved = co_await service.Save(actor, lars, fields);
    std::string heading = RegistrationName(*reg) + " bewerken";
    std::string action = StaffUrl(lars) + "/bewerken";
    if (!saved) {
        const Error& e = saved.error();
        if (e.status == 404) co_return Fail(e);
        if (e.status == 400) {
            auto errors = ErrorsOf(e, RegistrationFields(fields, FieldErrors{}));
            co_return FormPage(
                ctx, heading, action, StaffUrl(lars), "Terug naar de registratie", fields, errors, nullptr, 400
            );
        }
        co_return FormPage(
            ctx, heading, action, StaffUrl(lars), "Terug naar de registratie", fields, FieldErrors{}, &e, e.status
        );
    }
    std::string message = fmt::format("De wijzigingen zijn opgeslagen als versie {}.", saved->version);
    std::string location = StaffUrl(lars);
    co_return co_await Done(ctx, message, location);
}

// --- the registration and its workflow -------------------------------------------------------------------

struct DetailExtras {
    std::optional<Error> refusal;
    std::string refusal_title;
    bool refusal_links = false;
    std::string reason_value;  // the reden typed in the form that failed
    std::string reason_error;
    std::string reason_form;  // "afwijzen" or "terugtrekken"
};

std::string AssessmentText(const IamaState* iama, const std::optional<ExternalAssessment>* external) {
    if (iama != nullptr && iama->sign_off) {
        return fmt::format(
            "De IAMA is goedgekeurd door {} op {}.", iama->sign_off->by_name, DutchDate(iama->sign_off->at)
        );
    }
    if (external != nullptr && *external && (*external)->approval) {
        return fmt::format(
            "De externe toets ({}) is goedgekeurd door {} op {}.",
            (*external)->soort,
            (*external)->approval->by_name,
            DutchDate((*external)->approval->at)
        );
    }
    std::string text = "Er is nog geen goedgekeurde impacttoets.";
    if (iama != nullptr) {
        int answered = 0, total = 0;
        for (const auto& p : iama->parts) {
            answered += p.answered;
            total += p.total;
        }
        text += fmt::format(" In de IAMA zijn {} van de {} vragen beantwoord.", answered, total);
    }
    text +=
        " Een algoritme in publicatiecategorie A of B met de status In gebruik kan pas worden gepubliceerd als "
        "de IAMA of een externe toets is goedgekeurd.";
    return text;
}

FieldView ReasonField(const std::string& form, const DetailExtras& extras) {
    FieldView f;
    f.kind = K::kTextarea;
    f.id = form + "-reden";
    f.name = "reden";
    f.label = form == "afwijzen" ? "Reden van afwijzen" : "Reden van terugtrekken";
    f.description = form == "afwijzen" ? "De redacteur ziet deze reden in de geschiedenis."
                                       : "Deze reden komt in de geschiedenis van de registratie.";
    f.required = true;
    f.maxlength = kReasonMaxLength;
    f.rows = 3;
    if (extras.reason_form == form) {
        f.value = extras.reason_value;
        f.error = extras.reason_error;
    }
    return f;
}

asio::awaitable<Result<http::Response>> DetailPage(
    Service& service,
    Assessments& assessments,
    web::Context& ctx,
    const std::string& lars,
    const DetailExtras& extras,
    int status
) {
    Actor actor = ActorOf(ctx);
    auto reg = co_await service.Get(actor, lars);
    if (!reg) co_return Fail(reg.error());
    auto versions = co_await service.Versions(actor, lars);
    if (!versions) co_return Fail(versions.error());
    auto history = co_await service.History(actor, lars);
    if (!history) co_return Fail(history.error());
    auto iama = co_await assessments.GetIama(actor, lars);
    auto external = co_await assessments.GetExternal(actor, lars);

    bool redacteur = actor.HasRole(kRedacteur);
    bool goedkeurder = actor.HasRole(kGoedkeurder);
    bool can_edit = redacteur && reg->state != State::kTerGoedkeuring;
    bool can_release = redacteur && reg->state == State::kConcept;
    bool can_publish = goedkeurder && reg->state == State::kTerGoedkeuring;
    bool can_retract = goedkeurder && reg->state == State::kGepubliceerd;
    std::string no_action;
    if (reg->state == State::kTerGoedkeuring) {
        no_action = "De registratie ligt bij een goedkeurder. U kunt haar nu niet bewerken.";
    } else if (reg->state == State::kConcept) {
        no_action = "Er is nu niets voor u te doen. Een redacteur moet de registratie eerst vrijgeven.";
    } else {
        no_action = "Er is nu niets voor u te doen.";
    }

    json::array version_rows;
    for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
        version_rows.push_back(json::object{
            {"number", it->number},
            {"url", fmt::format("{}/versies/{}", StaffUrl(lars), it->number)},
            {"at", DutchDateTime(it->created_at)},
            {"by", it->author_name.empty() ? it->author : it->author_name}});
    }
    json::array events;
    for (auto it = history->rbegin(); it != history->rend(); ++it) {
        events.push_back(json::object{
            {"at", DutchDateTime(it->at)},
            {"kind", EventLabel(it->kind)},
            {"version", it->version},
            {"by", it->actor_name.empty() ? it->actor : it->actor_name},
            {"reason", it->reason}});
    }
    std::string last_author = reg->last_author;
    if (!versions->empty()) {
        const auto& latest = versions->back();
        if (!latest.author_name.empty()) last_author = latest.author_name;
    }
    const IamaState* iama_state = iama ? &*iama : nullptr;
    std::optional<ExternalAssessment> none;
    const std::optional<ExternalAssessment>* external_state = external ? &*external : &none;
    json::object data{
        {"back_url", std::string(kStaffRoot)},
        {"title", RegistrationName(*reg)},
        {"lars", reg->lars},
        {"csrf", ctx.csrf},
        {"state_label", StateLabel(reg->state)},
        {"version", reg->version},
        {"updated", DutchDateTime(reg->updated_at)},
        {"last_author", last_author},
        {"published", reg->published_version.has_value()},
        {"published_version", reg->published_version.value_or(0)},
        {"published_at", DutchDateTime(reg->published_at)},
        {"published_by", reg->published_by},
        {"public_url", PublicUrl(reg->lars)},
        {"publication_category", DisplayText(reg->fields.if_contains("publication_category"))},
        {"status", DisplayText(reg->fields.if_contains("status"))},
        {"has_actions", can_edit || can_release || can_publish || can_retract},
        {"no_action_text", no_action},
        {"can_edit", can_edit},
        {"edit_url", StaffUrl(lars) + "/bewerken"},
        {"can_release", can_release},
        {"release_url", StaffUrl(lars) + "/vrijgeven"},
        {"can_publish", can_publish},
        {"publish_url", StaffUrl(lars) + "/publiceren"},
        {"can_reject", can_publish},
        {"reject_url", StaffUrl(lars) + "/afwijzen"},
        {"reject_field", FieldData(ReasonField("afwijzen", extras))},
        {"can_retract", can_retract},
        {"retract_url", StaffUrl(lars) + "/terugtrekken"},
        {"retract_field", FieldData(ReasonField("terugtrekken", extras))},
        {"assessment_text", AssessmentText(iama_state, external_state)},
        {"iama_url", StaffUrl(lars) + "/iama"},
        {"external_url", StaffUrl(lars) + "/externe-toets"},
        {"versions", std::move(version_rows)},
        {"events", std::move(events)}};
    if (extras.refusal) AddRefusal(data, extras.refusal_title, *extras.refusal, extras.refusal_links);
    std::vector<SummaryItem> summary;
    if (!extras.reason_error.empty()) {
        summary.push_back(
            {extras.reason_form + "-reden",
             extras.reason_form == "afwijzen" ? "Reden van afwijzen" : "Reden van terugtrekken",
             extras.reason_error}
        );
    }
    AddErrorSummary(data, summary);
    std::string title = ErrorTitle(RegistrationName(*reg), !summary.empty() || extras.refusal.has_value());
    co_return web::Page(ctx, title, web::Render("ar-beheer-algoritme", data), status);
}

asio::awaitable<Result<http::Response>> Detail(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
    const std::string& lars = req.PathParam("lars");
    DetailExtras none;
    co_return co_await DetailPage(service, assessments, ctx, lars, none, 200);
}

enum class Action { kRelease, kPublish, kReject, kRetract };

asio::awaitable<Result<http::Response>> WorkflowAction(
    Service& service, Assessments& assessments, Action action, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, {});
    if (!form) co_return std::move(form.error());
    Actor actor = ActorOf(ctx);
    std::string lars = req.PathParam("lars");
    std::string reden = Trim(form->Value("reden"));
    DetailExtras extras;
    if (action == Action::kReject || action == Action::kRetract) {
        extras.reason_form = action == Action::kReject ? "afwijzen" : "terugtrekken";
        extras.reason_value = reden;
        if (reden.empty()) {
            extras.reason_error = action == Action::kReject ? "Vul in waarom u de registratie afwijst."
                                                            : "Vul in waarom u de registratie terugtrekt.";
            co_return co_await DetailPage(service, assessments, ctx, lars, extras, 400);
        }
    }
    Result<Registration> done = Fail(Error::Internal("no action"));
    std::string message;
    switch (action) {
        case Action::kRelease:
            done = co_await service.Release(actor, lars);
            extras.refusal_title = "Vrijgeven is niet gelukt";
            message = "De registratie is vrijgegeven. Een goedkeurder kan haar nu publiceren.";
            break;
        case Action::kPublish:
            done = co_await service.Publish(actor, lars);
            extras.refusal_title = "Publiceren kan nog niet";
            message = "De registratie is gepubliceerd. Iedereen kan haar nu zien.";
            break;
        case Action::kReject:
            done = co_await service.Reject(actor, lars, reden);
            extras.refusal_title = "Afwijzen is niet gelukt";
            message = "De registratie is afgewezen. Zij is weer een concept.";
            break;
        case Action::kRetract:
            done = co_await service.Retract(actor, lars, reden);
            extras.refusal_title = "Terugtrekken is niet gelukt";
            message = "De registratie is teruggetrokken. Zij is niet meer openbaar.";
            break;
    }
    if (!done) {
        const Error& e = done.error();
        if (e.status == 404) co_return Fail(e);
        // A field error on the reason goes next to the field; anything else is an alert.
        if (e.status == 400 && !extras.reason_form.empty() && !e.invalid_params.empty() &&
            BaseName(e.invalid_params.front().name) == "reden") {
            extras.reason_error = e.invalid_params.front().reason;
        } else {
            extras.refusal = e;
            extras.refusal_links = e.code == "assessment-required";
        }
        int status = e.status;
        co_return co_await DetailPage(service, assessments, ctx, lars, extras, status);
    }
    std::string location = StaffUrl(lars);
    co_return co_await Done(ctx, message, location);
}

// The workflow actions as page handlers (the action is a template argument, so every route has one signature).
template <Action A>
asio::awaitable<Result<http::Response>> Workflow(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    return WorkflowAction(service, assessments, A, req, ctx);
}

asio::awaitable<Result<http::Response>> VersionPage(
    Service& service, Assessments&, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
    std::string lars = req.PathParam("lars");
    const std::string& text = req.PathParam("versie");
    int number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || ptr != text.data() + text.size() || number < 1) co_return Fail(Error::NotFound());
    Actor actor = ActorOf(ctx);
    auto version = co_await service.GetVersion(actor, lars, number);
    if (!version) co_return Fail(version.error());
    std::string name = DisplayText(version->fields.if_contains("name"));
    json::object data{
        {"back_url", StaffUrl(lars)},
        {"number", number},
        {"title", name},
        {"at", DutchDateTime(version->info.created_at)},
        {"by", version->info.author_name.empty() ? version->info.author : version->info.author_name},
        {"categories", CategoriesData(version->fields, false)}};
    co_return web::Page(ctx, fmt::format("Versie {} van {}", number, name), web::Render("ar-versie", data));
}

// --- IAMA ------------------------------------------------------------------------------------------------

std::string Sanitize(std::string_view number) {
    std::string out(number);
    std::replace(out.begin(), out.end(), '.', '-');
    return out;
}

const IamaAnswer* FindAnswer(const IamaState& state, std::string_view number) {
    for (const auto& a : state.answers) {
        if (a.number == number) return &a;
    }
    return nullptr;
}

const IamaNotApplicable* FindNotApplicable(const IamaState& state, std::string_view deel) {
    for (const auto& n : state.not_applicable) {
        if (n.deel == deel) return &n;
    }
    return nullptr;
}

std::string ProgressText(const IamaPartProgress& p) {
    if (p.not_applicable) return "Niet van toepassing";
    if (p.answered == p.total) return fmt::format("Klaar: alle {} vragen beantwoord", p.total);
    return fmt::format("{} van {} vragen beantwoord", p.answered, p.total);
}

// What the IAMA form shows after a failed POST: the values typed and the errors.
struct IamaPosted {
    std::string deel;
    const web::Form* form = nullptr;
    FieldErrors errors;
    std::string conclusion;
    std::string conclusion_error;
    std::optional<Error> refusal;
    std::string refusal_title;
};

asio::awaitable<Result<http::Response>> IamaPage(
    Service& service,
    Assessments& assessments,
    web::Context& ctx,
    const std::string& lars,
    std::string deel,
    const IamaPosted* posted,
    int status
) {
    Actor actor = ActorOf(ctx);
    auto reg = co_await service.Get(actor, lars);
    if (!reg) co_return Fail(reg.error());
    auto iama = co_await assessments.GetIama(actor, lars);
    if (!iama) co_return Fail(iama.error());
    if (deel.empty()) {
        deel = "1";
        for (const auto& p : iama->parts) {
            if (!p.complete()) {
                deel = p.deel;
                break;
            }
        }
    }
    const IamaPart* part = FindIamaPart(deel);
    if (part == nullptr) co_return Fail(Error::NotFound("Dit deel van de IAMA bestaat niet."));
    std::string base = StaffUrl(lars) + "/iama";
    bool editable = actor.HasRole(kRedacteur);
    const web::Form* form = posted != nullptr && posted->deel == deel ? posted->form : nullptr;
    FieldErrors no_errors;
    const FieldErrors& errors = posted != nullptr ? posted->errors : no_errors;
    auto typed = [form](const std::string& name, std::string stored) {
        return form != nullptr ? form->Value(name) : stored;
    };

    json::array parts;
    for (const auto& p : IamaCatalogue()) {
        std::string progress;
        for (const auto& pr : iama->parts) {
            if (pr.deel == p.id) progress = ProgressText(pr);
        }
        parts.push_back(json::object{
            {"id", p.id},
            {"part_title", p.title},
            {"url", fmt::format("{}?deel={}", base, http::QueryEncode(p.id))},
            {"current", p.id == deel},
            {"progress", progress}});
    }

    std::vector<FieldView> views;  // in page order, for the error summary
    json::object part_data{{"id", part->id}, {"part_title", part->title}, {"can_edit", editable}, {"action", base}};
    const IamaNotApplicable* na = FindNotApplicable(*iama, part->id);
    part_data["not_applicable"] = na != nullptr;
    part_data["not_applicable_reason"] = na != nullptr ? na->toelichting : std::string();
    if (part->may_be_not_applicable) {
        FieldView check;
        check.kind = K::kCheckbox;
        check.id = "niet-van-toepassing";
        check.name = "niet_van_toepassing";
        check.label = "Is dit deel van toepassing?";
        check.options = {{"ja", "Dit deel is niet van toepassing"}};
        bool checked = form != nullptr ? form->Value("niet_van_toepassing") == "ja" : na != nullptr;
        if (checked) check.selected.insert("ja");
        check.error = errors.For("niet_van_toepassing");
        FieldView explanation;
        explanation.kind = K::kTextarea;
        explanation.id = "toelichting";
        explanation.name = "toelichting";
        explanation.label = "Toelichting bij niet van toepassing";
        explanation.description = "Vul dit in als dit deel niet van toepassing is. Leg uit waarom.";
        explanation.maxlength = kExplanationMaxLength;
        explanation.rows = 3;
        explanation.value = typed("toelichting", na != nullptr ? na->toelichting : std::string());
        explanation.error = errors.For("toelichting");
        part_data["not_applicable_field"] = FieldData(check);
        part_data["explanation_field"] = FieldData(explanation);
        views.push_back(check);
        views.push_back(explanation);
    } else {
        part_data["not_applicable_field"] = false;
        part_data["explanation_field"] = false;
    }
    json::array questions;
    for (const auto& q : part->questions) {
        const IamaAnswer* a = FindAnswer(*iama, q.number);
        FieldView answer;
        answer.kind = K::kTextarea;
        answer.id = "antwoord-" + Sanitize(q.number);
        answer.name = "antwoord-" + q.number;
        answer.label = "Antwoord op vraag " + q.number;
        answer.description = q.question;  // read out with the field (aria-describedby)
        answer.maxlength = kAnswerMaxLength;
        answer.rows = 5;
        answer.value = typed(answer.name, a != nullptr ? a->antwoord : std::string());
        answer.error = errors.For(answer.name);
        FieldView role;
        role.kind = K::kText;
        role.id = "rol-" + Sanitize(q.number);
        role.name = "rol-" + q.number;
        role.label = "Uw rol bij vraag " + q.number;
        role.description = "In welke rol beantwoordt u deze vraag? Kies een rol uit de lijst of typ zelf een rol.";
        role.maxlength = 200;
        role.list = "rollen-" + Sanitize(q.number);
        role.value = typed(role.name, a != nullptr ? a->rol : std::string());
        role.error = errors.For(role.name);
        json::array roles;
        for (const auto& r : q.suggested_roles) roles.emplace_back(r);
        json::object qd{
            {"number", q.number},
            {"topic", q.topic},
            {"question", q.question},
            {"list_id", role.list},
            {"roles", std::move(roles)},
            {"answer_field", FieldData(answer)},
            {"role_field", FieldData(role)}};
        if (a != nullptr) {
            qd["answer"] = a->antwoord;
            qd["answered_by"] = fmt::format(
                "Beantwoord door {} als {} op {}.",
                a->author_name.empty() ? a->author : a->author_name,
                a->rol,
                DutchDateTime(a->at)
            );
        } else {
            qd["answer"] = false;
            qd["answered_by"] = false;
        }
        questions.push_back(std::move(qd));
        views.push_back(answer);
        views.push_back(role);
    }
    part_data["questions"] = std::move(questions);

    // Sign-off.
    std::string sign_off_text;
    bool voided_before = !iama->sign_offs.empty() && !iama->sign_offs.back().valid();
    if (iama->sign_off) {
        sign_off_text = fmt::format(
            "De IAMA is goedgekeurd door {} op {}.", iama->sign_off->by_name, DutchDateTime(iama->sign_off->at)
        );
    } else if (iama->complete) {
        sign_off_text =
            "Alle delen zijn af. Een goedkeurder die zelf geen antwoorden schreef, kan de IAMA nu "
            "goedkeuren.";
    } else {
        sign_off_text = "De IAMA is nog niet af. Als alle delen af zijn, kan een goedkeurder haar goedkeuren.";
    }
    if (!iama->sign_off && voided_before) {
        sign_off_text += " De vorige goedkeuring is vervallen, omdat de IAMA daarna is gewijzigd.";
    }
    FieldView conclusion;
    conclusion.kind = K::kTextarea;
    conclusion.id = "conclusie";
    conclusion.name = "conclusie";
    conclusion.label = "Conclusie";
    conclusion.description = "Wat is de uitkomst van de IAMA? Deze conclusie wordt openbaar bij het algoritme.";
    conclusion.required = true;
    conclusion.maxlength = kConclusionMaxLength;
    conclusion.rows = 5;
    if (posted != nullptr) {
        conclusion.value = posted->conclusion;
        conclusion.error = posted->conclusion_error;
    }
    bool can_sign_off = actor.HasRole(kGoedkeurder) && iama->complete && !iama->sign_off;
    if (can_sign_off) views.push_back(conclusion);

    json::object data{
        {"back_url", StaffUrl(lars)},
        {"title", RegistrationName(*reg)},
        {"csrf", ctx.csrf},
        {"parts", std::move(parts)},
        {"part", std::move(part_data)},
        {"sign_off_text", sign_off_text},
        {"can_sign_off", can_sign_off},
        {"sign_off_action", base + "/goedkeuren"},
        {"conclusion_field", FieldData(conclusion)}};
    if (iama->sign_off && !iama->sign_off->conclusie.empty()) {
        data["sign_off_conclusion"] = iama->sign_off->conclusie;
    } else {
        data["sign_off_conclusion"] = false;
    }
    auto summary = Summary(views, errors);
    AddErrorSummary(data, summary);
    if (posted != nullptr && posted->refusal) AddRefusal(data, posted->refusal_title, *posted->refusal);
    std::string title = ErrorTitle(
        fmt::format("IAMA deel {} voor {}", part->id, RegistrationName(*reg)),
        !summary.empty() || (posted != nullptr && posted->refusal)
    );
    co_return web::Page(ctx, title, web::Render("ar-iama", data), status);
}

asio::awaitable<Result<http::Response>> IamaGet(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
    std::string deel(req.query.Get("deel").value_or(""));
    const std::string& lars = req.PathParam("lars");
    co_return co_await IamaPage(service, assessments, ctx, lars, deel, nullptr, 200);
}

asio::awaitable<Result<http::Response>> IamaSave(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, {});
    if (!form) co_return std::move(form.error());
    Actor actor = ActorOf(ctx);
    std::string lars = req.PathParam("lars");
    std::string deel = form->Value("deel");
    const IamaPart* part = FindIamaPart(deel);
    if (part == nullptr) co_return Fail(Error::NotFound("Dit deel van de IAMA bestaat niet."));
    auto iama = co_await assessments.GetIama(actor, lars);
    if (!iama) co_return Fail(iama.error());

    IamaPosted posted;
    posted.deel = deel;
    posted.form = &*form;
    // Only what changed is sent: an unchanged answer keeps its author and time.
    std::vector<IamaAnswerInput> answers;
    std::vector<std::string> sent_numbers;
    for (const auto& q : part->questions) {
        std::string antwoord = Trim(form->Value("antwoord-" + q.number));
        std::string rol = Trim(form->Value("rol-" + q.number));
        const IamaAnswer* a = FindAnswer(*iama, q.number);
        if (a == nullptr && antwoord.empty()) continue;
        if (a != nullptr && a->antwoord == antwoord && a->rol == rol) continue;
        if (!antwoord.empty() && rol.empty()) {
            posted.errors.Add("rol-" + q.number, "Vul in in welke rol u deze vraag beantwoordt.");
        }
        answers.push_back(IamaAnswerInput{q.urn, antwoord, rol, a != nullptr ? a->opmerkingen : std::string()});
        sent_numbers.push_back(q.number);
    }
    std::optional<std::vector<IamaNotApplicableInput>> not_applicable;
    int own_index = -1;
    if (part->may_be_not_applicable) {
        bool checked = form->Value("niet_van_toepassing") == "ja";
        std::string toelichting = Trim(form->Value("toelichting"));
        std::vector<IamaNotApplicableInput> set;
        for (const auto& n : iama->not_applicable) {
            if (n.deel != part->id) set.push_back({n.deel, n.toelichting});
        }
        if (checked) {
            if (toelichting.empty())
                posted.errors.Add("toelichting", "Leg uit waarom dit deel niet van toepassing is.");
            own_index = static_cast<int>(set.size());
            set.push_back({part->id, toelichting});
        }
        not_applicable = std::move(set);
    }
    if (!posted.errors.empty()) {
        co_return co_await IamaPage(service, assessments, ctx, lars, deel, &posted, 400);
    }
    auto saved = co_await assessments.SaveAnswers(actor, lars, std::move(answers), std::move(not_applicable));
    if (!saved) {
        const Error& e = saved.error();
        if (e.status == 404) co_return Fail(e);
        if (e.status == 400) {
            // "antwoorden.<i>.<veld>" and "niet_van_toepassing.<i>.<veld>" back to the form's fields.
            for (const auto& p : e.invalid_params) {
                std::string_view name = p.name;
                auto parse_index = [](std::string_view rest, std::string& field) -> int {
                    auto dot = rest.find('.');
                    std::string_view idx = rest.substr(0, dot);
                    field = dot == std::string_view::npos ? std::string() : std::string(rest.substr(dot + 1));
                    int i = -1;
                    std::from_chars(idx.data(), idx.data() + idx.size(), i);
                    return i;
                };
                std::string field;
                if (name.starts_with("antwoorden.")) {
                    int i = parse_index(name.substr(11), field);
                    if (i >= 0 && static_cast<std::size_t>(i) < sent_numbers.size()) {
                        std::string prefix = field == "rol" ? "rol-" : "antwoord-";
                        posted.errors.Add(prefix + sent_numbers[static_cast<std::size_t>(i)], p.reason);
                        continue;
                    }
                } else if (name.starts_with("niet_van_toepassing.")) {
                    int i = parse_index(name.substr(20), field);
                    if (i == own_index) {
                        posted.errors.Add("toelichting", p.reason);
                        continue;
                    }
                }
                posted.errors.other.push_back({"deel", "Deel " + deel, p.reason});
            }
            if (posted.errors.empty()) posted.errors.other.push_back({"deel", "Deel " + deel, e.detail});
            co_return co_await IamaPage(service, assessments, ctx, lars, deel, &posted, 400);
        }
        posted.refusal = e;
        posted.refusal_title = "Opslaan is niet gelukt";
        int status = e.status;
        co_return co_await IamaPage(service, assessments, ctx, lars, deel, &posted, status);
    }
    std::string message = fmt::format("Deel {} van de IAMA is opgeslagen.", deel);
    std::string location = fmt::format("{}/iama?deel={}", StaffUrl(lars), http::QueryEncode(deel));
    co_return co_await Done(ctx, message, location);
}

asio::awaitable<Result<http::Response>> IamaSignOff(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, {});
    if (!form) co_return std::move(form.error());
    std::string lars = req.PathParam("lars");
    std::string first_open_part;  // the page shows the first part that is not complete
    IamaPosted posted;
    posted.conclusion = Trim(form->Value("conclusie"));
    if (posted.conclusion.empty()) {
        posted.conclusion_error = "Vul de conclusie van de IAMA in.";
        posted.errors.Add("conclusie", posted.conclusion_error);
        co_return co_await IamaPage(service, assessments, ctx, lars, first_open_part, &posted, 400);
    }
    Actor actor = ActorOf(ctx);
    auto signed_off = co_await assessments.SignOff(actor, lars, posted.conclusion);
    if (!signed_off) {
        const Error& e = signed_off.error();
        if (e.status == 404) co_return Fail(e);
        if (e.status == 400 && !e.invalid_params.empty() && BaseName(e.invalid_params.front().name) == "conclusie") {
            posted.conclusion_error = e.invalid_params.front().reason;
            posted.errors.Add("conclusie", posted.conclusion_error);
        } else {
            posted.refusal = e;
            posted.refusal_title = "Goedkeuren is niet gelukt";
        }
        int status = e.status;
        co_return co_await IamaPage(service, assessments, ctx, lars, first_open_part, &posted, status);
    }
    std::string message = "De IAMA is goedgekeurd.";
    std::string location = StaffUrl(lars) + "/iama";
    co_return co_await Done(ctx, message, location);
}

// --- external assessment ---------------------------------------------------------------------------------

struct ExternalPosted {
    ExternalAssessmentInput input;
    FieldErrors errors;
    std::optional<Error> refusal;
    std::string refusal_title;
};

std::vector<FieldView> ExternalFields(const ExternalAssessmentInput& values, const FieldErrors& errors) {
    std::vector<FieldView> out(3);
    out[0].kind = K::kSelect;
    out[0].id = out[0].name = "soort";
    out[0].label = "Soort toets";
    out[0].description = "Welke toets is uitgevoerd?";
    out[0].required = true;
    for (const auto& k : ExternalAssessmentKinds()) out[0].options.emplace_back(k, k);
    out[0].selected.insert(values.soort);
    out[0].empty_option = "Kies een soort toets";
    out[1].kind = K::kUrl;
    out[1].id = out[1].name = "link";
    out[1].label = "Link naar de toets";
    out[1].description = "Het adres waar de toets of de uitkomst staat. Begin het adres met https://.";
    out[1].required = true;
    out[1].maxlength = 500;
    out[1].value = values.link;
    out[2].kind = K::kTextarea;
    out[2].id = out[2].name = "toelichting";
    out[2].label = "Toelichting";
    out[2].description = "Wat was de uitkomst van de toets? Deze tekst wordt openbaar bij het algoritme.";
    out[2].required = true;
    out[2].maxlength = kExplanationMaxLength;
    out[2].rows = 5;
    out[2].value = values.toelichting;
    for (auto& f : out) f.error = errors.For(f.name);
    return out;
}

asio::awaitable<Result<http::Response>> ExternalPage(
    Service& service,
    Assessments& assessments,
    web::Context& ctx,
    const std::string& lars,
    const ExternalPosted* posted,
    int status
) {
    Actor actor = ActorOf(ctx);
    auto reg = co_await service.Get(actor, lars);
    if (!reg) co_return Fail(reg.error());
    auto external = co_await assessments.GetExternal(actor, lars);
    if (!external) co_return Fail(external.error());
    ExternalAssessmentInput values;
    if (posted != nullptr) {
        values = posted->input;
    } else if (*external) {
        values = {(*external)->soort, (*external)->link, (*external)->toelichting};
    }
    FieldErrors no_errors;
    auto fields = ExternalFields(values, posted != nullptr ? posted->errors : no_errors);
    json::array field_data;
    for (const auto& f : fields) field_data.push_back(FieldData(f));
    std::string base = StaffUrl(lars) + "/externe-toets";
    json::object data{
        {"back_url", StaffUrl(lars)},
        {"title", RegistrationName(*reg)},
        {"csrf", ctx.csrf},
        {"action", base},
        {"approve_action", base + "/goedkeuren"},
        {"fields", std::move(field_data)},
        {"can_edit", actor.HasRole(kRedacteur)},
        {"can_approve", actor.HasRole(kGoedkeurder) && *external && !(*external)->approval}};
    if (*external) {
        const auto& x = **external;
        std::string approval_text;
        if (x.approval) {
            approval_text =
                fmt::format("Goedgekeurd door {} op {}.", x.approval->by_name, DutchDateTime(x.approval->at));
        } else if (!x.approvals.empty()) {
            approval_text =
                "Nog niet opnieuw goedgekeurd. De vorige goedkeuring is vervallen, omdat de toets daarna "
                "is gewijzigd.";
        } else {
            approval_text = "Nog niet goedgekeurd.";
        }
        data["external"] = json::object{
            {"soort", x.soort},
            {"link", x.link},
            {"toelichting", x.toelichting},
            {"entered",
             fmt::format("Door {} op {}.", x.author_name.empty() ? x.author : x.author_name, DutchDateTime(x.at))},
            {"approval_text", approval_text}};
    } else {
        data["external"] = false;
    }
    auto summary = Summary(fields, posted != nullptr ? posted->errors : no_errors);
    AddErrorSummary(data, summary);
    if (posted != nullptr && posted->refusal) AddRefusal(data, posted->refusal_title, *posted->refusal);
    std::string title = ErrorTitle(
        "Externe toets voor " + RegistrationName(*reg), !summary.empty() || (posted != nullptr && posted->refusal)
    );
    co_return web::Page(ctx, title, web::Render("ar-externe-toets", data), status);
}

asio::awaitable<Result<http::Response>> ExternalGet(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
    const std::string& lars = req.PathParam("lars");
    co_return co_await ExternalPage(service, assessments, ctx, lars, nullptr, 200);
}

asio::awaitable<Result<http::Response>> ExternalSave(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, {});
    if (!form) co_return std::move(form.error());
    std::string lars = req.PathParam("lars");
    ExternalPosted posted;
    posted.input = {Trim(form->Value("soort")), Trim(form->Value("link")), Trim(form->Value("toelichting"))};
    ExternalAssessmentInput input = posted.input;
    Actor actor = ActorOf(ctx);
    auto saved = co_await assessments.PutExternal(actor, lars, std::move(input));
    if (!saved) {
        const Error& e = saved.error();
        if (e.status == 404) co_return Fail(e);
        if (e.status == 400) {
            for (const auto& p : e.invalid_params) {
                std::string base = BaseName(p.name);
                if (base == "soort" || base == "link" || base == "toelichting") {
                    posted.errors.Add(base, p.reason);
                } else {
                    posted.errors.other.push_back({"soort", p.name, p.reason});
                }
            }
            if (posted.errors.empty()) posted.errors.other.push_back({"soort", "Formulier", e.detail});
        } else {
            posted.refusal = e;
            posted.refusal_title = "Opslaan is niet gelukt";
        }
        int status = e.status;
        co_return co_await ExternalPage(service, assessments, ctx, lars, &posted, status);
    }
    std::string message = "De externe toets is opgeslagen.";
    std::string location = StaffUrl(lars) + "/externe-toets";
    co_return co_await Done(ctx, message, location);
}

asio::awaitable<Result<http::Response>> ExternalApprove(
    Service& service, Assessments& assessments, http::Request& req, web::Context& ctx
) {
    auto form = CheckPost(ctx, req, {});
    if (!form) co_return std::move(form.error());
    std::string lars = req.PathParam("lars");
    Actor actor = ActorOf(ctx);
    auto approved = co_await assessments.ApproveExternal(actor, lars);
    if (!approved) {
        const Error& e = approved.error();
        if (e.status == 404) co_return Fail(e);
        ExternalPosted posted;
        auto current = co_await assessments.GetExternal(actor, lars);
        if (current && *current) posted.input = {(*current)->soort, (*current)->link, (*current)->toelichting};
        posted.refusal = e;
        posted.refusal_title = "Goedkeuren is niet gelukt";
        int status = e.status;
        co_return co_await ExternalPage(service, assessments, ctx, lars, &posted, status);
    }
    std::string message = "De externe toets is goedgekeurd.";
    std::string location = StaffUrl(lars) + "/externe-toets";
    co_return co_await Done(ctx, message, location);
}

}  // namespace

void RegisterStaffPages(http::Router& router, web::SessionStore& sessions, Service& service, Assessments& assessments) {
    using StaffPage =
        asio::awaitable<Result<http::Response>> (*)(Service&, Assessments&, http::Request&, web::Context&);
    struct StaffRoute {
        http::Method method;
        std::string_view pattern;  // under /algoritmeregister/beheer
        StaffPage page;
    };
    using M = http::Method;
    const StaffRoute routes[] = {
        {M::kGet, "", Overview},
        {M::kGet, "/nieuw", NewForm},
        {M::kPost, "/nieuw", NewSubmit},
        {M::kGet, "/algoritmes/{lars}", Detail},
        {M::kGet, "/algoritmes/{lars}/bewerken", EditForm},
        {M::kPost, "/algoritmes/{lars}/bewerken", EditSubmit},
        {M::kPost, "/algoritmes/{lars}/vrijgeven", Workflow<Action::kRelease>},
        {M::kPost, "/algoritmes/{lars}/publiceren", Workflow<Action::kPublish>},
        {M::kPost, "/algoritmes/{lars}/afwijzen", Workflow<Action::kReject>},
        {M::kPost, "/algoritmes/{lars}/terugtrekken", Workflow<Action::kRetract>},
        {M::kGet, "/algoritmes/{lars}/versies/{versie}", VersionPage},
        {M::kGet, "/algoritmes/{lars}/iama", IamaGet},
        {M::kPost, "/algoritmes/{lars}/iama", IamaSave},
        {M::kPost, "/algoritmes/{lars}/iama/goedkeuren", IamaSignOff},
        {M::kGet, "/algoritmes/{lars}/externe-toets", ExternalGet},
        {M::kPost, "/algoritmes/{lars}/externe-toets", ExternalSave},
        {M::kPost, "/algoritmes/{lars}/externe-toets/goedkeuren", ExternalApprove},
    };
    // Forms post application/x-www-form-urlencoded bodies.
    http::RouteOptions form_options;
    form_options.form_urlencoded = true;
    for (const auto& r : routes) {
        web::PageHandler handler = [&service, &assessments, page = r.page](http::Request& req, web::Context& ctx) {
            return page(service, assessments, req, ctx);
        };
        router.Add(
            r.method,
            std::string(kStaffRoot) + std::string(r.pattern),
            http::Access::Public(),
            web::PageRoute(sessions, std::move(handler)),
            r.method == M::kPost ? form_options : http::RouteOptions{}
        );
    }
}

}  // namespace pages_detail

}  // namespace thorbecke::algoritmeregister
