// The IAMA catalogue, read once from the embedded iama.json (converted from the task registry's iama.yaml by
// iama-from-yaml.py), and the recognised kinds of external assessment.
#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "algoritmeregister/assessment.h"

namespace thorbecke::embedded {
std::string_view algoritmeregister_iama();
}  // namespace thorbecke::embedded

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

std::string Str(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

struct Catalogue {
    std::vector<IamaPart> parts;
    bj::object json;

    Catalogue() {
        const bj::object doc = bj::parse(embedded::algoritmeregister_iama()).as_object();
        bj::array parts_json;
        for (const auto& pv : doc.at("parts").as_array()) {
            const auto& p = pv.as_object();
            IamaPart part;
            part.id = Str(p, "id");
            part.title = Str(p, "title");
            part.may_be_not_applicable = p.at("may_be_not_applicable").as_bool();
            bj::array questions_json;
            for (const auto& qv : p.at("questions").as_array()) {
                const auto& q = qv.as_object();
                IamaQuestion question{
                    Str(q, "urn"), Str(q, "number"), part.id, Str(q, "question"), Str(q, "topic"), {}};
                bj::array roles;
                for (const auto& r : q.at("suggested_roles").as_array()) {
                    question.suggested_roles.emplace_back(r.as_string());
                    roles.emplace_back(r.as_string());
                }
                questions_json.push_back(bj::object{
                    {"urn", question.urn},
                    {"nummer", question.number},
                    {"vraag", question.question},
                    {"onderwerp", question.topic},
                    {"voorgestelde_rollen", std::move(roles)}});
                part.questions.push_back(std::move(question));
            }
            parts_json.push_back(bj::object{
                {"deel", part.id},
                {"titel", part.title},
                {"mag_niet_van_toepassing_zijn", part.may_be_not_applicable},
                {"vragen", std::move(questions_json)}});
            parts.push_back(std::move(part));
        }
        json = bj::object{
            {"naam", doc.at("name")},
            {"urn", doc.at("urn")},
            {"bron", doc.at("url")},
            {"delen", std::move(parts_json)}};
    }
};

const Catalogue& Get() {
    static const Catalogue catalogue;
    return catalogue;
}

}  // namespace

const std::vector<IamaPart>& IamaCatalogue() {
    return Get().parts;
}

const IamaQuestion* FindIamaQuestion(std::string_view urn_or_number) {
    for (const auto& part : Get().parts) {
        for (const auto& q : part.questions) {
            if (q.urn == urn_or_number || q.number == urn_or_number) return &q;
        }
    }
    return nullptr;
}

const IamaPart* FindIamaPart(std::string_view id) {
    for (const auto& part : Get().parts) {
        if (part.id == id) return &part;
    }
    return nullptr;
}

boost::json::object IamaCatalogueJson() {
    return Get().json;
}

const std::vector<std::string>& ExternalAssessmentKinds() {
    // The register's own recommended names, plus the EU AI Act's conformity assessment, which category A
    // (high-risk AI) systems need and the 1.0 configuration predates.
    static const std::vector<std::string> kinds = [] {
        std::vector<std::string> out = RecommendedAssessments();
        out.emplace_back("Conformiteitsbeoordeling AI-verordening");
        return out;
    }();
    return kinds;
}

}  // namespace thorbecke::algoritmeregister
