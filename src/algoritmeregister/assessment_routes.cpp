#include "algoritmeregister/assessment_routes.h"

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "algoritmeregister/service.h"
#include "core/json/json.h"

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;
using http::Method;

bj::value Person(const std::string& username, const std::string& name) {
    return bj::object{{"gebruikersnaam", username}, {"naam", name}};
}

bj::object ApprovalJson(const Approval& a, bool external) {
    bj::object o{{"door", Person(a.by, a.by_name)}, {"tijdstip", a.at}};
    if (external) {
        o["soort"] = a.kind;
        o["link"] = a.link;
        o["toelichting"] = a.conclusie;
    } else {
        o["conclusie"] = a.conclusie;
    }
    o["vervallen"] = !a.valid();
    o["vervallen_op"] = a.valid() ? bj::value(nullptr) : bj::value(a.voided_at);
    o["vervallen_door"] = a.valid() ? bj::value(nullptr) : bj::value(a.voided_by);
    return o;
}

bj::value OptionalApproval(const std::optional<Approval>& a, bool external) {
    if (!a) return nullptr;
    return ApprovalJson(*a, external);
}

//! The acting staff member, as the staff token's authenticator loaded them (with their display name).
Result<Actor> ActorOf(const http::Request& req) {
    if (!req.principal) return Fail(Error::Unauthenticated("Log in met een token van een medewerker."));
    return ActorFromPrincipal(*req.principal);
}

Result<bj::object> BodyObject(const http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) return Fail(parsed.error());
    if (!parsed->is_object()) {
        return Fail(Error::Validation({{"nonFieldErrors", "invalid", "De inhoud moet een JSON-object zijn."}}));
    }
    return std::move(parsed->as_object());
}

//! A string member: absent or null gives "", another type a fault.
std::string Member(
    const bj::object& o, std::string_view key, const std::string& name, std::vector<InvalidParam>& faults
) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (!v->is_string()) {
        faults.push_back({name, "invalid", "Dit veld moet tekst zijn."});
        return {};
    }
    return std::string(v->as_string());
}

http::Response Ok(const bj::object& body) {
    return http::Response::Json(200, json::Serialize(body));
}

//! A service call on one registration, as the acting staff member.
template <class T>
using Call = std::function<asio::awaitable<Result<T>>(const Actor&, std::string lars)>;
//! Reads the request (its faults: 400, before anything else) into the call to make.
template <class T>
using Parse = std::function<Result<Call<T>>(http::Request&)>;

//! A staff endpoint on the path's registration: `parse`, then the call as the acting staff member; `json`
//! renders its answer (200).
template <class T>
http::Handler StaffEndpoint(Parse<T> parse, bj::object (*json)(const T&)) {
    return [parse = std::move(parse), json](http::Request& req) -> asio::awaitable<Result<http::Response>> {
        auto call = parse(req);
        if (!call) co_return Fail(call.error());
        auto actor = ActorOf(req);
        if (!actor) co_return Fail(actor.error());
        auto r = co_await (*call)(*actor, req.PathParam("lars"));
        if (!r) co_return Fail(r.error());
        co_return Ok(json(*r));
    };
}

//! An endpoint without a body: `call` as it is.
template <class T>
Parse<T> NoBody(Call<T> call) {
    return [call = std::move(call)](http::Request&) -> Result<Call<T>> { return call; };
}

}  // namespace

boost::json::object IamaStateJson(const IamaState& st) {
    bj::array parts;
    for (const auto& p : st.parts) {
        const auto* part = FindIamaPart(p.deel);
        bj::array open;
        for (const auto& n : p.open) open.emplace_back(n);
        parts.push_back(bj::object{
            {"deel", p.deel},
            {"titel", part ? part->title : std::string()},
            {"beantwoord", p.answered},
            {"totaal", p.total},
            {"niet_van_toepassing", p.not_applicable},
            {"open_vragen", std::move(open)},
            {"compleet", p.complete()}});
    }
    bj::array answers;
    for (const auto& a : st.answers) {
        answers.push_back(bj::object{
            {"vraag", a.vraag},
            {"nummer", a.number},
            {"antwoord", a.antwoord},
            {"rol", a.rol},
            {"opmerkingen", a.opmerkingen},
            {"auteur", Person(a.author, a.author_name)},
            {"tijdstip", a.at}});
    }
    bj::array nvt;
    for (const auto& n : st.not_applicable) {
        nvt.push_back(bj::object{
            {"deel", n.deel},
            {"toelichting", n.toelichting},
            {"auteur", Person(n.author, n.author_name)},
            {"tijdstip", n.at}});
    }
    bj::array sign_offs;
    for (const auto& a : st.sign_offs) sign_offs.push_back(ApprovalJson(a, false));
    return bj::object{
        {"lars", st.lars},
        {"compleet", st.complete},
        {"goedgekeurd", st.complete && st.sign_off.has_value()},
        {"delen", std::move(parts)},
        {"antwoorden", std::move(answers)},
        {"niet_van_toepassing", std::move(nvt)},
        {"goedkeuring", OptionalApproval(st.sign_off, false)},
        {"goedkeuringen", std::move(sign_offs)}};
}

boost::json::object ExternalAssessmentJson(const ExternalAssessment& e) {
    bj::array approvals;
    for (const auto& a : e.approvals) approvals.push_back(ApprovalJson(a, true));
    return bj::object{
        {"lars", e.lars},
        {"soort", e.soort},
        {"link", e.link},
        {"toelichting", e.toelichting},
        {"vastgelegd_door", Person(e.author, e.author_name)},
        {"tijdstip", e.at},
        {"goedgekeurd", e.approval.has_value()},
        {"goedkeuring", OptionalApproval(e.approval, true)},
        {"goedkeuringen", std::move(approvals)}};
}

namespace {

//! PATCH /registraties/{lars}/iama: {antwoorden: [{vraag, antwoord, rol, opmerkingen}], niet_van_toepassing:
//! [{deel, toelichting}]}.
Result<Call<IamaState>> ParseAnswers(Assessments* svc, http::Request& req) {
    auto body = BodyObject(req);
    if (!body) return Fail(body.error());
    std::vector<InvalidParam> faults;
    std::vector<IamaAnswerInput> answers;
    if (const auto* list = body->if_contains("antwoorden"); list && !list->is_null()) {
        if (!list->is_array()) {
            faults.push_back({"antwoorden", "invalid", "Dit veld moet een lijst zijn."});
        } else {
            for (std::size_t i = 0; i < list->as_array().size(); ++i) {
                const auto& item = list->as_array()[i];
                std::string prefix = "antwoorden." + std::to_string(i) + ".";
                if (!item.is_object()) {
                    faults.push_back(
                        {"antwoorden." + std::to_string(i), "invalid", "Elk antwoord moet een object zijn."}
                    );
                    continue;
                }
                const auto& o = item.as_object();
                IamaAnswerInput a;
                a.vraag = Member(o, "vraag", prefix + "vraag", faults);
                a.antwoord = Member(o, "antwoord", prefix + "antwoord", faults);
                a.rol = Member(o, "rol", prefix + "rol", faults);
                a.opmerkingen = Member(o, "opmerkingen", prefix + "opmerkingen", faults);
                answers.push_back(std::move(a));
            }
        }
    }
    std::optional<std::vector<IamaNotApplicableInput>> nvt;
    if (const auto* list = body->if_contains("niet_van_toepassing"); list && !list->is_null()) {
        if (!list->is_array()) {
            faults.push_back({"niet_van_toepassing", "invalid", "Dit veld moet een lijst zijn."});
        } else {
            nvt.emplace();
            for (std::size_t i = 0; i < list->as_array().size(); ++i) {
                const auto& item = list->as_array()[i];
                std::string prefix = "niet_van_toepassing." + std::to_string(i) + ".";
                if (!item.is_object()) {
                    faults.push_back(
                        {"niet_van_toepassing." + std::to_string(i), "invalid", "Elk deel moet een object zijn."}
                    );
                    continue;
                }
                IamaNotApplicableInput n;
                n.deel = Member(item.as_object(), "deel", prefix + "deel", faults);
                n.toelichting = Member(item.as_object(), "toelichting", prefix + "toelichting", faults);
                nvt->push_back(std::move(n));
            }
        }
    }
    if (!faults.empty()) return Fail(Error::Validation(std::move(faults)));
    return Call<IamaState>([svc, answers = std::move(answers), nvt = std::move(nvt)](
                               const Actor& actor, std::string lars
                           ) { return svc->SaveAnswers(actor, std::move(lars), answers, nvt); });
}

}  // namespace

void RegisterAssessmentRoutes(
    http::Router& router, Assessments& assessments, accounts::AccountStore& accounts, const std::string& api_root
) {
    Assessments* svc = &assessments;
    // Any staff token passes the route; the service checks the role, so a refusal says which role is needed.
    const http::Access staff = accounts::StaffApiAccess(accounts);
    const std::string lars_root = api_root + "/registraties/{lars}";

    router.Add(
        Method::kGet,
        api_root + "/iama-vragen",
        http::Access::Public(),
        [](http::Request&) -> asio::awaitable<Result<http::Response>> { co_return Ok(IamaCatalogueJson()); }
    );

    router.Add(
        Method::kGet,
        lars_root + "/iama",
        staff,
        StaffEndpoint<IamaState>(
            NoBody<IamaState>([svc](const Actor& a, std::string lars) { return svc->GetIama(a, std::move(lars)); }),
            IamaStateJson
        )
    );
    router.Add(
        Method::kPatch,
        lars_root + "/iama",
        staff,
        StaffEndpoint<IamaState>([svc](http::Request& req) { return ParseAnswers(svc, req); }, IamaStateJson)
    );
    router.Add(
        Method::kPost,
        lars_root + "/iama/goedkeuren",
        staff,
        StaffEndpoint<IamaState>(
            [svc](http::Request& req) -> Result<Call<IamaState>> {
                auto body = BodyObject(req);
                if (!body) return Fail(body.error());
                std::vector<InvalidParam> faults;
                std::string conclusie = Member(*body, "conclusie", "conclusie", faults);
                if (!faults.empty()) return Fail(Error::Validation(std::move(faults)));
                return Call<IamaState>([svc, conclusie](const Actor& a, std::string lars) {
                    return svc->SignOff(a, std::move(lars), conclusie);
                });
            },
            IamaStateJson
        )
    );

    Call<ExternalAssessment> get_external =
        [svc](const Actor& a, std::string lars) -> asio::awaitable<Result<ExternalAssessment>> {
        auto e = co_await svc->GetExternal(a, std::move(lars));
        if (!e) co_return Fail(e.error());
        if (!*e) co_return Fail(Error::NotFound("Er is nog geen externe toets vastgelegd."));
        co_return std::move(**e);
    };
    router.Add(
        Method::kGet,
        lars_root + "/externe-toets",
        staff,
        StaffEndpoint<ExternalAssessment>(NoBody(get_external), ExternalAssessmentJson)
    );
    router.Add(
        Method::kPut,
        lars_root + "/externe-toets",
        staff,
        StaffEndpoint<ExternalAssessment>(
            [svc](http::Request& req) -> Result<Call<ExternalAssessment>> {
                auto body = BodyObject(req);
                if (!body) return Fail(body.error());
                std::vector<InvalidParam> faults;
                ExternalAssessmentInput input;
                input.soort = Member(*body, "soort", "soort", faults);
                input.link = Member(*body, "link", "link", faults);
                input.toelichting = Member(*body, "toelichting", "toelichting", faults);
                if (!faults.empty()) return Fail(Error::Validation(std::move(faults)));
                return Call<ExternalAssessment>([svc, input](const Actor& a, std::string lars) {
                    return svc->PutExternal(a, std::move(lars), input);
                });
            },
            ExternalAssessmentJson
        )
    );
    router.Add(
        Method::kPost,
        lars_root + "/externe-toets/goedkeuren",
        staff,
        StaffEndpoint<ExternalAssessment>(
            NoBody<ExternalAssessment>([svc](const Actor& a, std::string lars) {
                return svc->ApproveExternal(a, std::move(lars));
            }),
            ExternalAssessmentJson
        )
    );
}

}  // namespace thorbecke::algoritmeregister
