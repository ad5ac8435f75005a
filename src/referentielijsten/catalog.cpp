#include "referentielijsten/catalog.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/json/json.h"
#include "core/uuid.h"
#include "referentielijsten/embedded.h"

namespace thorbecke::referentielijsten {

namespace bj = boost::json;

std::string_view CollectionName(Kind kind) {
    switch (kind) {
        case Kind::kProcestype:
            return "procestypen";
        case Kind::kResultaat:
            return "resultaten";
        case Kind::kResultaattypeomschrijving:
            return "resultaattypeomschrijvingen";
        case Kind::kCommunicatiekanaal:
            return "communicatiekanalen";
    }
    return "";
}

namespace {

// The domain flags of a resultaat, in the order the API lists them (fixture names; JSON uses camelCase).
constexpr std::array<std::string_view, 14> kDomainFlags = {
    "algemeen_bestuur_en_inrichting_organisatie",
    "bedrijfsvoering_en_personeel",
    "publieke_informatie_en_registratie",
    "burgerzaken",
    "veiligheid",
    "verkeer_en_vervoer",
    "economie",
    "onderwijs",
    "sport_cultuur_en_recreatie",
    "sociaal_domein",
    "volksgezonheid_en_milieu",
    "vhrosv",
    "heffen_belastingen",
    "alle_taakgebieden",
};

// `procestermijnWeergave`: the display label of the procestermijn choice; a blank value displays as itself.
std::string_view ProcestermijnWeergave(std::string_view procestermijn) {
    if (procestermijn == "nihil") return "Nihil";
    if (procestermijn == "bestaansduur_procesobject") return "De bestaans- of geldigheidsduur van het procesobject.";
    if (procestermijn == "ingeschatte_bestaansduur_procesobject") {
        return "De ingeschatte maximale bestaans- of geldigheidsduur van het procesobject.";
    }
    if (procestermijn == "vast_te_leggen_datum") {
        // The trailing space is part of the reference implementation's label.
        return "De tijdens het proces vast te leggen datum waarop de geldigheid van het procesobject komt te "
               "vervallen. ";
    }
    if (procestermijn == "samengevoegd_met_bewaartermijn") {
        return "De procestermijn is samengevoegd met de bewaartermijn.";
    }
    return procestermijn;
}

std::string SnakeToCamel(std::string_view snake) {
    std::string out;
    out.reserve(snake.size());
    bool upper = false;
    for (char c : snake) {
        if (c == '_') {
            upper = true;
        } else {
            out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
            upper = false;
        }
    }
    return out;
}

std::string ItemPath(Kind kind, std::string_view uuid) {
    return fmt::format("{}/{}/{}", kApiRoot, CollectionName(kind), uuid);
}

// Stored JSON: "\u0001<path>", expanded per request to "<base_url><path>".
void AppendUrl(std::string& out, std::string_view path) {
    out += '"';
    out += json::kBaseMarker;
    out += path;
    out += '"';
}

void AppendKey(std::string& out, std::string_view key) {
    out += '"';
    out += key;
    out += "\":";
}

void AppendStringField(std::string& out, std::string_view key, std::string_view value) {
    out += ',';
    AppendKey(out, key);
    json::AppendString(out, value);
}

// Reads the `fields` of one fixture record; the first fault is kept with the record it was found in.
class FieldReader {
  public:
    FieldReader(const bj::object& fields, std::string where) : fields_(fields), where_(std::move(where)) {}

    std::string String(std::string_view key) {
        const bj::value* v = fields_.if_contains(key);
        if (!v || !v->is_string()) {
            Fault(fmt::format("field '{}' is missing or not a string", key));
            return {};
        }
        return Checked(key, std::string(v->get_string()));
    }
    //! Absent or null: empty (the reference implementation's blank or null).
    std::string OptionalString(std::string_view key) {
        const bj::value* v = fields_.if_contains(key);
        if (!v || v->is_null()) return {};
        if (!v->is_string()) {
            Fault(fmt::format("field '{}' is not a string", key));
            return {};
        }
        return Checked(key, std::string(v->get_string()));
    }
    int Int(std::string_view key) {
        const bj::value* v = fields_.if_contains(key);
        if (!v || !v->is_int64() || v->get_int64() < 0 || v->get_int64() > std::numeric_limits<int>::max()) {
            Fault(fmt::format("field '{}' is missing or not a non-negative integer", key));
            return 0;
        }
        return static_cast<int>(v->get_int64());
    }
    std::optional<std::int64_t> OptionalInt(std::string_view key) {
        const bj::value* v = fields_.if_contains(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_int64()) {
            Fault(fmt::format("field '{}' is not an integer", key));
            return std::nullopt;
        }
        return v->get_int64();
    }
    //! Absent: false (the model's default).
    bool Bool(std::string_view key) {
        const bj::value* v = fields_.if_contains(key);
        if (!v) return false;
        if (!v->is_bool()) {
            Fault(fmt::format("field '{}' is not a boolean", key));
            return false;
        }
        return v->get_bool();
    }
    //! The record's uuid in lower case.
    std::string Uuid() {
        std::string uuid = String("uuid");
        if (!IsUuid(uuid)) {
            Fault("field 'uuid' is not a UUID");
            return {};
        }
        std::transform(uuid.begin(), uuid.end(), uuid.begin(), [](char c) {
            return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
        });
        return uuid;
    }

    void Fault(std::string what) {
        if (error_.empty()) error_ = fmt::format("{}: {}", where_, what);
    }
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    // The base marker inside data text would be expanded as if it were a URL.
    std::string Checked(std::string_view key, std::string value) {
        if (value.find(json::kBaseMarkerChar) != std::string::npos) {
            Fault(fmt::format("field '{}' contains a control character", key));
        }
        return value;
    }

    const bj::object& fields_;
    std::string where_;
    std::string error_;
};

Error DataError(std::string_view detail) {
    return Error::Internal(fmt::format("De selectielijstgegevens zijn ongeldig: {}", detail));
}

struct Record {
    std::int64_t pk = 0;
    const bj::object* fields = nullptr;
};

// A fixture file: a JSON array of {"model": <model>, "pk": <int>, "fields": {...}}.
Result<std::vector<Record>> ReadFixtures(const bj::value& doc, std::string_view model) {
    if (!doc.is_array()) return Fail(DataError(fmt::format("{}: not a JSON array", model)));
    std::vector<Record> records;
    records.reserve(doc.get_array().size());
    for (const bj::value& item : doc.get_array()) {
        const bj::object* obj = item.if_object();
        const bj::value* m = obj ? obj->if_contains("model") : nullptr;
        const bj::value* pk = obj ? obj->if_contains("pk") : nullptr;
        const bj::value* fields = obj ? obj->if_contains("fields") : nullptr;
        if (!m || !m->is_string() || m->get_string() != model || !pk || !pk->is_int64() || !fields ||
            !fields->is_object()) {
            return Fail(DataError(fmt::format("{} #{}: not a fixture record of that model", model, records.size())));
        }
        records.push_back(Record{pk->get_int64(), &fields->get_object()});
    }
    return records;
}

Result<bj::value> ParseJson(std::string_view text, std::string_view what) {
    boost::system::error_code ec;
    bj::value doc = bj::parse(text, ec);
    if (ec) return Fail(DataError(fmt::format("{}: {}", what, ec.message())));
    return doc;
}

std::string RenderProcestype(const Procestype& p) {
    std::string out = "{";
    AppendKey(out, "url");
    AppendUrl(out, p.url);
    out += fmt::format(",\"nummer\":{},\"jaar\":{}", p.nummer, p.jaar);
    AppendStringField(out, "naam", p.naam);
    AppendStringField(out, "omschrijving", p.omschrijving);
    AppendStringField(out, "toelichting", p.toelichting);
    AppendStringField(out, "procesobject", p.procesobject);
    out += '}';
    return out;
}

std::string RenderResultaat(const Resultaat& r, const std::array<bool, kDomainFlags.size()>& flags) {
    std::string out = "{";
    AppendKey(out, "url");
    AppendUrl(out, r.url);
    out += ',';
    AppendKey(out, "procesType");
    AppendUrl(out, r.procestype_url);
    out += fmt::format(",\"nummer\":{}", r.nummer);
    AppendStringField(out, "volledigNummer", r.volledig_nummer);
    out += fmt::format(",\"generiek\":{},\"specifiek\":{}", r.generiek, !r.generiek);
    AppendStringField(out, "naam", r.naam);
    AppendStringField(out, "omschrijving", r.omschrijving);
    AppendStringField(out, "herkomst", r.herkomst);
    AppendStringField(out, "waardering", r.waardering);
    AppendStringField(out, "procestermijn", r.procestermijn);
    AppendStringField(out, "procestermijnWeergave", ProcestermijnWeergave(r.procestermijn));
    if (r.bewaartermijn.empty()) {
        out += ",\"bewaartermijn\":null";
    } else {
        AppendStringField(out, "bewaartermijn", r.bewaartermijn);
    }
    AppendStringField(out, "toelichting", r.toelichting);
    for (std::size_t i = 0; i < kDomainFlags.size(); ++i) {
        out += ',';
        AppendKey(out, SnakeToCamel(kDomainFlags[i]));
        out += flags[i] ? "true" : "false";
    }
    AppendStringField(out, "procestermijnOpmerking", r.procestermijn_opmerking);
    out += '}';
    return out;
}

std::string RenderOmschrijving(const Resultaattypeomschrijving& o) {
    std::string out = "{";
    AppendKey(out, "url");
    AppendUrl(out, o.url);
    AppendStringField(out, "omschrijving", o.omschrijving);
    AppendStringField(out, "definitie", o.definitie);
    AppendStringField(out, "opmerking", o.opmerking);
    out += '}';
    return out;
}

}  // namespace

Result<Catalog> Catalog::Parse(
    std::string_view procestypen_json,
    std::string_view resultaten_json,
    std::string_view resultaattypeomschrijvingen_json
) {
    auto pt_doc = ParseJson(procestypen_json, "procestypen");
    if (!pt_doc) return Fail(pt_doc.error());
    auto rs_doc = ParseJson(resultaten_json, "resultaten");
    if (!rs_doc) return Fail(rs_doc.error());
    auto om_doc = ParseJson(resultaattypeomschrijvingen_json, "resultaattypeomschrijvingen");
    if (!om_doc) return Fail(om_doc.error());

    auto pt_records = ReadFixtures(*pt_doc, "selectielijst.procestype");
    if (!pt_records) return Fail(pt_records.error());
    auto rs_records = ReadFixtures(*rs_doc, "selectielijst.resultaat");
    if (!rs_records) return Fail(rs_records.error());
    auto om_records = ReadFixtures(*om_doc, "datamodel.resultaattypeomschrijvinggeneriek");
    if (!om_records) return Fail(om_records.error());

    Catalog catalog;

    // Procestypen, listed by nummer. Numbers repeat across selectielijst years, so jaar breaks the tie.
    struct PtRow {
        std::int64_t pk;
        Procestype p;
    };
    std::vector<PtRow> pts;
    for (const Record& rec : *pt_records) {
        FieldReader f(*rec.fields, fmt::format("procestype pk={}", rec.pk));
        Procestype p;
        p.uuid = f.Uuid();
        p.nummer = f.Int("nummer");
        p.jaar = f.Int("jaar");
        p.naam = f.String("naam");
        p.omschrijving = f.String("omschrijving");
        p.toelichting = f.OptionalString("toelichting");
        p.procesobject = f.OptionalString("procesobject");
        p.url = ItemPath(Kind::kProcestype, p.uuid);
        if (!f.error().empty()) return Fail(DataError(f.error()));
        pts.push_back(PtRow{rec.pk, std::move(p)});
    }
    std::sort(pts.begin(), pts.end(), [](const PtRow& a, const PtRow& b) {
        return std::tie(a.p.nummer, a.p.jaar, a.pk) < std::tie(b.p.nummer, b.p.jaar, b.pk);
    });
    std::map<std::int64_t, std::size_t> pt_by_pk;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (!pt_by_pk.emplace(pts[i].pk, i).second) {
            return Fail(DataError(fmt::format("procestype pk={} occurs twice", pts[i].pk)));
        }
        catalog.procestypen_.push_back(std::move(pts[i].p));
    }

    // Resultaten, in tree order: per procestype, each generiek resultaat followed by its specifieke ones.
    struct RsRow {
        std::int64_t pk;
        std::size_t pt;
        std::optional<std::int64_t> generiek_pk;
        int generiek_nummer = 0;
        Resultaat r;
        std::array<bool, kDomainFlags.size()> flags{};
    };
    std::vector<RsRow> rss;
    std::map<std::int64_t, std::size_t> rs_by_pk;
    for (const Record& rec : *rs_records) {
        FieldReader f(*rec.fields, fmt::format("resultaat pk={}", rec.pk));
        RsRow row;
        row.pk = rec.pk;
        Resultaat& r = row.r;
        r.uuid = f.Uuid();
        std::optional<std::int64_t> pt_pk = f.OptionalInt("proces_type");
        row.generiek_pk = f.OptionalInt("generiek_resultaat");
        r.nummer = f.Int("nummer");
        r.naam = f.String("naam");
        r.omschrijving = f.OptionalString("omschrijving");
        r.herkomst = f.OptionalString("herkomst");
        r.waardering = f.OptionalString("waardering");
        r.procestermijn = f.OptionalString("procestermijn");
        r.bewaartermijn = f.OptionalString("bewaartermijn");
        r.toelichting = f.OptionalString("toelichting");
        r.procestermijn_opmerking = f.OptionalString("procestermijn_opmerking");
        for (std::size_t i = 0; i < kDomainFlags.size(); ++i) row.flags[i] = f.Bool(kDomainFlags[i]);
        auto pt = pt_pk ? pt_by_pk.find(*pt_pk) : pt_by_pk.end();
        if (pt == pt_by_pk.end()) f.Fault("proces_type does not name a procestype");
        if (!f.error().empty()) return Fail(DataError(f.error()));
        row.pt = pt->second;
        r.url = ItemPath(Kind::kResultaat, r.uuid);
        r.procestype_url = catalog.procestypen_[row.pt].url;
        r.generiek = !row.generiek_pk.has_value();
        if (!rs_by_pk.emplace(rec.pk, rss.size()).second) {
            return Fail(DataError(fmt::format("resultaat pk={} occurs twice", rec.pk)));
        }
        rss.push_back(std::move(row));
    }
    for (RsRow& row : rss) {
        int pt_nummer = catalog.procestypen_[row.pt].nummer;
        if (!row.generiek_pk) {
            row.generiek_nummer = row.r.nummer;
            row.r.volledig_nummer = fmt::format("{}.{}", pt_nummer, row.r.nummer);
            continue;
        }
        auto g = rs_by_pk.find(*row.generiek_pk);
        // A specifiek resultaat hangs under a generiek one of the same procestype (one level deep).
        if (g == rs_by_pk.end() || rss[g->second].generiek_pk || rss[g->second].pt != row.pt) {
            return Fail(DataError(fmt::format(
                "resultaat pk={}: generiek_resultaat is not a generiek resultaat "
                "of the same procestype",
                row.pk
            )));
        }
        row.generiek_nummer = rss[g->second].r.nummer;
        row.r.volledig_nummer = fmt::format("{}.{}.{}", pt_nummer, row.generiek_nummer, row.r.nummer);
    }
    std::sort(rss.begin(), rss.end(), [](const RsRow& a, const RsRow& b) {
        int a_specifiek = a.generiek_pk ? a.r.nummer : 0;
        int b_specifiek = b.generiek_pk ? b.r.nummer : 0;
        return std::tie(a.pt, a.generiek_nummer, a_specifiek, a.pk) <
               std::tie(b.pt, b.generiek_nummer, b_specifiek, b.pk);
    });
    catalog.resultaten_of_.resize(catalog.procestypen_.size());
    for (RsRow& row : rss) {
        catalog.resultaten_of_[row.pt].push_back(catalog.resultaten_.size());
        catalog.stored_[Index(Kind::kResultaat)].push_back(RenderResultaat(row.r, row.flags));
        catalog.resultaten_.push_back(std::move(row.r));
    }

    // Generic resultaattypeomschrijvingen, listed by omschrijving.
    for (const Record& rec : *om_records) {
        FieldReader f(*rec.fields, fmt::format("resultaattypeomschrijving pk={}", rec.pk));
        Resultaattypeomschrijving o;
        o.uuid = f.Uuid();
        o.omschrijving = f.String("omschrijving");
        o.definitie = f.OptionalString("definitie");
        o.opmerking = f.OptionalString("opmerking");
        o.url = ItemPath(Kind::kResultaattypeomschrijving, o.uuid);
        if (!f.error().empty()) return Fail(DataError(f.error()));
        catalog.omschrijvingen_.push_back(std::move(o));
    }
    std::stable_sort(
        catalog.omschrijvingen_.begin(),
        catalog.omschrijvingen_.end(),
        [](const Resultaattypeomschrijving& a, const Resultaattypeomschrijving& b) {
            return a.omschrijving < b.omschrijving;
        }
    );

    for (const Procestype& p : catalog.procestypen_)
        catalog.stored_[Index(Kind::kProcestype)].push_back(RenderProcestype(p));
    for (const auto& o : catalog.omschrijvingen_) {
        catalog.stored_[Index(Kind::kResultaattypeomschrijving)].push_back(RenderOmschrijving(o));
    }
    // Communicatiekanalen: the selectielijst has none; the API serves an empty, paginated list.

    catalog.BuildIndexes();
    std::size_t total = catalog.procestypen_.size() + catalog.resultaten_.size() + catalog.omschrijvingen_.size();
    std::size_t indexed = 0;
    for (const auto& index : catalog.by_uuid_) indexed += index.size();
    if (indexed != total) return Fail(DataError("a uuid occurs more than once"));
    return catalog;
}

Result<Catalog> Catalog::LoadEmbedded() {
    return Parse(
        embedded::selectielijst_procestypen(),
        embedded::selectielijst_resultaten(),
        embedded::selectielijst_resultaattypeomschrijvingen()
    );
}

void Catalog::BuildIndexes() {
    for (std::size_t i = 0; i < procestypen_.size(); ++i)
        by_uuid_[Index(Kind::kProcestype)].emplace(procestypen_[i].uuid, i);
    for (std::size_t i = 0; i < resultaten_.size(); ++i)
        by_uuid_[Index(Kind::kResultaat)].emplace(resultaten_[i].uuid, i);
    for (std::size_t i = 0; i < omschrijvingen_.size(); ++i) {
        by_uuid_[Index(Kind::kResultaattypeomschrijving)].emplace(omschrijvingen_[i].uuid, i);
    }
    for (std::size_t i = 0; i < kanalen_.size(); ++i)
        by_uuid_[Index(Kind::kCommunicatiekanaal)].emplace(kanalen_[i].uuid, i);
}

std::optional<std::size_t> Catalog::Find(Kind kind, std::string_view uuid) const {
    if (!IsUuid(uuid)) return std::nullopt;
    // Stored in lower case; a UUID in a URL may come in either case.
    std::string key(uuid);
    for (char& c : key) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    const auto& index = by_uuid_[Index(kind)];
    auto it = index.find(key);
    if (it == index.end()) return std::nullopt;
    return it->second;
}

}  // namespace thorbecke::referentielijsten
