#include "zaken/rules.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/nl/identifiers.h"

namespace thorbecke::zaken {

namespace bj = boost::json;
using std::chrono::year_month_day;

namespace {

bool AllDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

//! "HH:MM[:SS[.f]]" followed by nothing, "Z" or an offset (±hh[:mm]), as dateutil accepts after the date.
bool IsTimeOfDay(std::string_view t) {
    auto two = [&](std::size_t pos, int max) {
        if (pos + 2 > t.size() || !AllDigits(t.substr(pos, 2))) return false;
        return (t[pos] - '0') * 10 + (t[pos + 1] - '0') <= max;
    };
    if (!two(0, 23) || t.size() < 5 || t[2] != ':' || !two(3, 59)) return false;
    std::size_t i = 5;
    if (i < t.size() && t[i] == ':') {
        if (!two(i + 1, 60)) return false;
        i += 3;
        if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
            std::size_t start = ++i;
            while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
            if (i == start) return false;
        }
    }
    std::string_view zone = t.substr(i);
    if (zone.empty() || zone == "Z" || zone == "z") return true;
    if (zone[0] != '+' && zone[0] != '-') return false;
    zone.remove_prefix(1);
    if (zone.size() == 2 || zone.size() == 4) return AllDigits(zone);
    return zone.size() == 5 && zone[2] == ':' && AllDigits(zone.substr(0, 2)) && AllDigits(zone.substr(3));
}

//! A date as a zaakeigenschap or zaakobject may hold it: YYYY-MM-DD, an ISO date-time (the date part counts,
//! as the reference implementation takes `.date()` of what it parses), or ZGW's eigenschap formats YYYYMMDD
//! (formaat `datum`) and YYYYMMDDHHMMSS (formaat `datum_tijd`).
std::optional<year_month_day> ParseDateValue(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    // Month and day may come without a leading zero ("2008-1-1", as the VNG suite's zaakobjecten hold them;
    // the reference's date parser reads those too).
    if (auto first = s.find('-'); first == 4 && s.size() < 10) {
        auto second = s.find('-', 5);
        if (second != std::string_view::npos && second > 5 && second <= 7 && s.size() - second - 1 >= 1 &&
            s.size() - second - 1 <= 2 && AllDigits(s.substr(0, 4)) && AllDigits(s.substr(5, second - 5)) &&
            AllDigits(s.substr(second + 1))) {
            std::string month(s.substr(5, second - 5)), day(s.substr(second + 1));
            return ParseDate(fmt::format("{}-{:0>2}-{:0>2}", s.substr(0, 4), month, day));
        }
    }
    if (s.size() == 10) return ParseDate(s);
    if (s.size() > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ')) {
        if (!IsTimeOfDay(s.substr(11))) return std::nullopt;
        return ParseDate(s.substr(0, 10));
    }
    if ((s.size() == 8 || s.size() == 14) && AllDigits(s)) {
        std::string iso = fmt::format("{}-{}-{}", s.substr(0, 4), s.substr(4, 2), s.substr(6, 2));
        if (s.size() == 14) {
            std::string time = fmt::format("{}:{}:{}", s.substr(8, 2), s.substr(10, 2), s.substr(12, 2));
            if (!IsTimeOfDay(time)) return std::nullopt;
        }
        return ParseDate(iso);
    }
    return std::nullopt;
}

Error ArchiefError(std::string reason) {
    return Error::Field("nonFieldErrors", std::string(kArchiefactiedatumError), std::move(reason));
}

std::string StringField(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return {};
    return std::string(v->as_string());
}

//! The latest of a list of stored dates; "" entries are skipped. An unreadable date is an error.
Result<std::optional<year_month_day>> Latest(const std::vector<std::string>& dates, std::string_view what) {
    std::optional<year_month_day> best;
    for (const auto& d : dates) {
        if (d.empty()) continue;
        auto parsed = ParseDate(d);
        if (!parsed) return Fail(ArchiefError(fmt::format("Geen geldige datum in {}: {}", what, d)));
        if (!best || *parsed > *best) best = parsed;
    }
    return best;
}

//! zrc-021 step 2.1: the brondatum per afleidingswijze; nullopt when it cannot be determined (which is no
//! error); an Error when the zaak does not fit the configuration. The checks and messages follow the
//! reference implementation (Open Zaak, zaken/brondatum.py), whose StatusSerializer answers every such
//! case with a 400 on "nonFieldErrors" with code "archiefactiedatum-error".
Result<std::optional<year_month_day>> Brondatum(const bj::object& procedure, const ArchiveFacts& facts) {
    const std::string afleidingswijze = StringField(procedure, "afleidingswijze");
    const std::string datumkenmerk = StringField(procedure, "datumkenmerk");
    const std::string objecttype = StringField(procedure, "objecttype");
    const std::string procestermijn = StringField(procedure, "procestermijn");
    const std::optional<year_month_day> einddatum = ParseDate(facts.einddatum);
    if (!facts.einddatum.empty() && !einddatum) {
        return Fail(ArchiefError("Geen geldige einddatum van de zaak: " + facts.einddatum));
    }

    if (afleidingswijze.empty()) {
        // No brondatumArchiefprocedure configured: nothing to derive from, so no brondatum (zrc-021's "kan niet
        // bepaald worden"). The Catalogi API requires afleidingswijze, so this only happens with foreign data.
        return std::optional<year_month_day>{};
    }
    if (afleidingswijze == "afgehandeld") return einddatum;

    if (afleidingswijze == "hoofdzaak") {
        // The OAS (status_create): for deelzaken the brondatum is filled in once the hoofdzaak is closed.
        if (facts.hoofdzaak_einddatum.empty()) return std::optional<year_month_day>{};
        auto d = ParseDate(facts.hoofdzaak_einddatum);
        if (!d) return Fail(ArchiefError("Geen geldige einddatum van de hoofdzaak: " + facts.hoofdzaak_einddatum));
        return d;
    }

    if (afleidingswijze == "eigenschap") {
        if (datumkenmerk.empty()) {
            return Fail(ArchiefError(
                "Geen datumkenmerk aanwezig om de eigenschap te achterhalen voor het bepalen van de brondatum."
            ));
        }
        auto it = facts.eigenschappen.find(datumkenmerk);
        if (it == facts.eigenschappen.end()) {
            return Fail(ArchiefError(fmt::format(
                "Geen eigenschap gevonden die overeenkomt met het datumkenmerk \"{}\" voor het bepalen van de "
                "brondatum.",
                datumkenmerk
            )));
        }
        // archiveren.md: an eigenschap that exists but is empty leaves the brondatum undetermined.
        if (it->second.empty()) return std::optional<year_month_day>{};
        auto d = ParseDateValue(it->second);
        if (!d) {
            return Fail(
                ArchiefError(fmt::format("Geen geldige datumwaarde in eigenschap \"{}\": {}", datumkenmerk, it->second))
            );
        }
        return d;
    }

    if (afleidingswijze == "ander_datumkenmerk") {
        // zrc-021: "Zaak.archiefactiedatum MOET handmatig afgeleid en gezet worden".
        return std::optional<year_month_day>{};
    }

    if (afleidingswijze == "zaakobject") {
        if (objecttype.empty()) {
            return Fail(ArchiefError(
                "Geen objecttype aanwezig om het zaakobject te achterhalen voor het bepalen van de brondatum."
            ));
        }
        if (datumkenmerk.empty()) {
            return Fail(ArchiefError(
                "Geen datumkenmerk aanwezig om het attribuut van het zaakobject te achterhalen voor het bepalen "
                "van de brondatum."
            ));
        }
        std::optional<year_month_day> best;
        for (const auto& zaakobject : facts.zaakobjecten) {
            if (StringField(zaakobject, "objectType") != objecttype &&
                StringField(zaakobject, "objectTypeOverige") != objecttype) {
                continue;
            }
            const bj::value* value = nullptr;
            if (auto* ident = zaakobject.if_contains("objectIdentificatie"); ident && ident->is_object()) {
                value = ident->as_object().if_contains(datumkenmerk);
            }
            if (!value || value->is_null()) value = zaakobject.if_contains(datumkenmerk);
            if (!value || value->is_null()) {
                return Fail(ArchiefError(
                    fmt::format("{} geen geldig attribuut voor ZaakObject van type {}", datumkenmerk, objecttype)
                ));
            }
            std::optional<year_month_day> d;
            if (value->is_string()) d = ParseDateValue(value->as_string());
            if (!d) {
                return Fail(ArchiefError(fmt::format(
                    "Geen geldige datumwaarde in attribuut \"{}\": {}",
                    datumkenmerk,
                    value->is_string() ? std::string(value->as_string()) : bj::serialize(*value)
                )));
            }
            if (!best || *d > *best) best = d;
        }
        // zrc-021: "gebruik de maximale waarde".
        if (best) return best;
        return Fail(ArchiefError(fmt::format(
            "Geen attribuut gevonden die overeenkomt met het datumkenmerk \"{}\" voor het bepalen van de brondatum.",
            datumkenmerk
        )));
    }

    if (afleidingswijze == "termijn") {
        if (!einddatum) return std::optional<year_month_day>{};
        if (procestermijn.empty()) {
            return Fail(ArchiefError("Geen procestermijn aanwezig voor het bepalen van de brondatum."));
        }
        auto duration = ParseDuration(procestermijn);
        if (!duration) return Fail(ArchiefError("Geen geldige periode in procestermijn: " + procestermijn));
        return std::optional<year_month_day>{AddDuration(*einddatum, *duration)};
    }

    if (afleidingswijze == "gerelateerde_zaak") {
        if (facts.gerelateerde_zaak_einddatums.empty()) {
            return Fail(ArchiefError("Geen gerelateerde zaken aan zaak gekoppeld om brondatum uit af te leiden."));
        }
        // The latest einddatum of the gerelateerde zaken; none closed yet: not determined.
        return Latest(facts.gerelateerde_zaak_einddatums, "einddatum van gerelateerde zaak");
    }

    if (afleidingswijze == "ingangsdatum_besluit") {
        if (facts.besluit_ingangsdatums.empty()) {
            return Fail(ArchiefError("Geen besluiten aan zaak gekoppeld om brondatum uit af te leiden."));
        }
        return Latest(facts.besluit_ingangsdatums, "ingangsdatum van besluit");
    }

    if (afleidingswijze == "vervaldatum_besluit") {
        if (facts.besluit_ingangsdatums.empty() && facts.besluit_vervaldatums.empty()) {
            return Fail(ArchiefError("Geen besluiten aan zaak gekoppeld om brondatum uit af te leiden."));
        }
        auto latest = Latest(facts.besluit_vervaldatums, "vervaldatum van besluit");
        if (!latest) return latest;
        if (!*latest) {
            return Fail(ArchiefError("Besluit.vervaldatum moet gezet worden voordat de zaak kan worden afgesloten"));
        }
        return latest;
    }

    return Fail(ArchiefError(fmt::format("Onbekende \"Afleidingswijze\": {}", afleidingswijze)));
}

}  // namespace

bool IsValidBsn(std::string_view bsn) {
    return nl::IsValidBsn(bsn);
}

bool IsValidRsin(std::string_view rsin) {
    return nl::IsValidRsin(rsin);
}

year_month_day AddDuration(year_month_day date, const Duration& duration) {
    using namespace std::chrono;
    // Years and months together, then clamp the day to the month's length (relativedelta semantics).
    year_month ym = year_month{date.year(), date.month()} + years{duration.years} + months{duration.months};
    year_month_day_last last{ym.year(), month_day_last{ym.month()}};
    day d = std::min(date.day(), last.day());
    sys_days result = sys_days{year_month_day{ym.year(), ym.month(), d}};
    double seconds =
        static_cast<double>(duration.hours) * 3600.0 + static_cast<double>(duration.minutes) * 60.0 + duration.seconds;
    long whole_days = duration.weeks * 7 + duration.days + static_cast<long>(seconds / 86400.0);
    result += days{whole_days};
    return year_month_day{result};
}

std::string AddDuration(std::string_view date, std::string_view iso_duration) {
    auto d = ParseDate(date);
    auto duration = ParseDuration(iso_duration);
    if (!d || !duration) return {};
    return FormatDate(AddDuration(*d, *duration));
}

Result<ArchiveOutcome> DeriveArchiving(const bj::object& resultaattype, const ArchiveFacts& facts) {
    ArchiveOutcome out;
    // zrc-021 step 1: a zaak without archiefnominatie takes the resultaattype's.
    out.archiefnominatie =
        facts.archiefnominatie.empty() ? StringField(resultaattype, "archiefnominatie") : facts.archiefnominatie;
    if (!facts.archiefactiedatum.empty()) out.archiefactiedatum = facts.archiefactiedatum;
    if (!facts.startdatum_bewaartermijn.empty()) out.startdatumBewaartermijn = facts.startdatum_bewaartermijn;

    // The OAS: archiefactiedatum "wordt automatisch berekend … indien nog leeg". A zaak that has one keeps it
    // and nothing is derived (as in the reference implementation, which then also skips all checks).
    if (out.archiefactiedatum) return out;

    // zrc-021 step 2 applies only "indien Resultaat.Resultaattype.archiefactietermijn gevuld is".
    const std::string termijn_text = StringField(resultaattype, "archiefactietermijn");
    if (termijn_text.empty()) return out;
    auto termijn = ParseDuration(termijn_text);
    if (!termijn) return Fail(ArchiefError("Geen geldige archiefactietermijn: " + termijn_text));

    static const bj::object kEmpty;
    const bj::object* procedure = &kEmpty;
    if (auto* p = resultaattype.if_contains("brondatumArchiefprocedure"); p && p->is_object()) {
        procedure = &p->as_object();
    }
    auto brondatum = Brondatum(*procedure, facts);
    if (!brondatum) return Fail(std::move(brondatum.error()));
    // "Indien de archiefactiedatum niet bepaald kan worden, dan MAG er geen datum gezet worden."
    if (!*brondatum) return out;

    out.brondatum = FormatDate(**brondatum);
    // zrc-021 step 2.2.
    out.archiefactiedatum = FormatDate(AddDuration(**brondatum, *termijn));
    // zrc-026: startdatumBewaartermijn marks the end of the procestermijn, i.e. the brondatum. Filled only
    // when still empty, for either archiefnominatie (as the reference implementation does).
    if (!out.startdatumBewaartermijn) out.startdatumBewaartermijn = out.brondatum;
    return out;
}

std::string NextIdentificatie(std::string_view prefix_year, std::int64_t n) {
    return fmt::format("{}{:010}", prefix_year, n);
}

}  // namespace thorbecke::zaken
