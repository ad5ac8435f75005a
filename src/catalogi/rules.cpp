#include "catalogi/rules.h"

#include <boost/json.hpp>

#include "core/nl/identifiers.h"

namespace thorbecke::catalogi {

namespace bj = boost::json;

bool IsValidRsin(std::string_view rsin) {
    return nl::IsValidRsin(rsin);
}

namespace {

bool HasValue(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return false;
    if (v->is_string()) return !v->as_string().empty();
    if (v->is_bool()) return v->as_bool();
    return true;
}

}  // namespace

std::vector<InvalidParam> CheckBrondatumArchiefprocedure(const bj::object& b) {
    std::vector<InvalidParam> out;
    auto* aw = b.if_contains("afleidingswijze");
    if (!aw || !aw->is_string()) return out;  // the schema check reports a missing afleidingswijze
    std::string_view a = aw->as_string();
    const std::string prefix = "brondatumArchiefprocedure.";
    auto must = [&](std::string_view field, bool required) {
        bool has = HasValue(b, field);
        if (required && !has) {
            out.push_back(
                {prefix + std::string(field),
                 "required",
                 "Dit veld is vereist voor afleidingswijze '" + std::string(a) + "'."}
            );
        } else if (!required && has) {
            out.push_back(
                {prefix + std::string(field),
                 "must-be-empty",
                 "Dit veld moet leeg zijn voor afleidingswijze '" + std::string(a) + "'."}
            );
        }
    };
    // ztc-004 … ztc-008
    must("datumkenmerk", a == "eigenschap" || a == "zaakobject" || a == "ander_datumkenmerk");
    if (a == "afgehandeld" || a == "termijn") must("einddatumBekend", false);
    must("objecttype", a == "zaakobject" || a == "ander_datumkenmerk");
    must("registratie", a == "ander_datumkenmerk");
    must("procestermijn", a == "termijn");
    return out;
}

std::optional<InvalidParam> CheckAfleidingswijzeForProcestermijn(const bj::object& b, std::string_view procestermijn) {
    auto* aw = b.if_contains("afleidingswijze");
    if (!aw || !aw->is_string()) return std::nullopt;
    std::string_view a = aw->as_string();
    if (procestermijn == "nihil" && a != "afgehandeld") {
        return InvalidParam{
            "nonFieldErrors",
            "invalid-afleidingswijze-for-procestermijn",
            "Afleidingswijze moet 'afgehandeld' zijn bij procestermijn 'nihil'."};
    }
    if (procestermijn == "ingeschatte_bestaansduur_procesobject" && a != "termijn") {
        return InvalidParam{
            "nonFieldErrors",
            "invalid-afleidingswijze-for-procestermijn",
            "Afleidingswijze moet 'termijn' zijn bij procestermijn 'ingeschatte_bestaansduur_procesobject'."};
    }
    return std::nullopt;
}

bool PeriodsOverlap(
    std::string_view begin_a, std::string_view end_a, std::string_view begin_b, std::string_view end_b
) {
    // ISO dates compare as text. Validity runs from begin up to and including end.
    bool a_before_b = !end_a.empty() && end_a < begin_b;
    bool b_before_a = !end_b.empty() && end_b < begin_a;
    return !a_before_b && !b_before_a;
}

bool OnlyEindeGeldigheid(const bj::object& patch) {
    for (const auto& [k, v] : patch) {
        if (k != "eindeGeldigheid") return false;
    }
    return true;
}

}  // namespace thorbecke::catalogi
