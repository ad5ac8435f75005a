#include "algoritmeregister/opendata.h"

#include "core/json/json.h"

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

bj::value OrNull(const std::string& s) {
    return s.empty() ? bj::value(nullptr) : bj::value(s);
}

// The outcome's keys as PublicOutcome gives them, in the CSV's column order.
constexpr std::string_view kOutcomeKeys[] = {
    "soort", "conclusie", "toelichting", "link", "goedgekeurd_op", "vervallen_op"};

//! One CSV field: quoted when it holds a comma, quote or line end (RFC 4180), quotes doubled.
void AppendCsv(std::string& out, std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string FieldText(const bj::value* v) {
    if (!v || v->is_null()) return {};
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_array()) {
        std::string joined;
        for (const auto& e : v->as_array()) {
            if (!joined.empty()) joined += '|';
            if (e.is_string()) joined += e.as_string();
        }
        return joined;
    }
    return json::Serialize(*v);
}

}  // namespace

bj::object PublishedJson(const PublishedRecord& r) {
    bj::object o;
    o["lars"] = r.lars;
    for (const auto& f : Fields()) {
        if (const auto* v = r.fields.if_contains(f.name)) o[f.name] = *v;
    }
    o["versie"] = r.version;
    o["gepubliceerd_op"] = r.gepubliceerd_op;
    if (r.toetsing) {
        o["toetsing"] = *r.toetsing;
    } else {
        o["toetsing"] = nullptr;
    }
    return o;
}

bj::object RegistrationJson(const Registration& r) {
    bj::object o;
    o["lars"] = r.lars;
    o["organisatie"] = r.organisation;
    o["toestand"] = std::string(StateName(r.state));
    o["versie"] = r.version;
    o["gegevens"] = r.fields;
    o["aangemaakt_op"] = r.created_at;
    o["gewijzigd_op"] = r.updated_at;
    o["laatste_auteur"] = r.last_author;
    o["vrijgegeven_door"] = OrNull(r.released_by);
    if (r.published_version) {
        o["gepubliceerde_versie"] = *r.published_version;
    } else {
        o["gepubliceerde_versie"] = nullptr;
    }
    o["gepubliceerd_op"] = OrNull(r.published_at);
    o["gepubliceerd_door"] = OrNull(r.published_by);
    return o;
}

bj::object VersionInfoJson(const VersionInfo& v) {
    bj::object o;
    o["versie"] = v.number;
    o["auteur"] = v.author;
    o["auteur_naam"] = v.author_name;
    o["aangemaakt_op"] = v.created_at;
    return o;
}

bj::object EventJson(const Event& e, bool with_actor) {
    bj::object o;
    o["soort"] = e.kind;
    o["versie"] = e.version;
    o["op"] = e.at;
    if (with_actor) {
        o["door"] = e.actor;
        o["door_naam"] = e.actor_name;
    }
    o["reden"] = OrNull(e.reason);
    return o;
}

std::string OpenDataJson(const std::vector<PublishedRecord>& records) {
    std::string out = "[";
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i) out += ',';
        out += json::Serialize(PublishedJson(records[i]));
    }
    out += ']';
    return out;
}

std::vector<std::string> OpenDataCsvColumns() {
    std::vector<std::string> cols{"lars"};
    for (const auto& f : Fields()) cols.push_back(f.name);
    cols.emplace_back("versie");
    cols.emplace_back("gepubliceerd_op");
    for (auto k : kOutcomeKeys) cols.push_back("toetsing_" + std::string(k));
    return cols;
}

std::string OpenDataCsv(const std::vector<PublishedRecord>& records) {
    std::string out;
    const auto cols = OpenDataCsvColumns();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) out += ',';
        AppendCsv(out, cols[i]);
    }
    out += "\r\n";
    for (const auto& r : records) {
        AppendCsv(out, r.lars);
        for (const auto& f : Fields()) {
            out += ',';
            AppendCsv(out, FieldText(r.fields.if_contains(f.name)));
        }
        out += ',';
        out += std::to_string(r.version);
        out += ',';
        AppendCsv(out, r.gepubliceerd_op);
        for (auto k : kOutcomeKeys) {
            out += ',';
            AppendCsv(out, r.toetsing ? FieldText(r.toetsing->if_contains(k)) : std::string());
        }
        out += "\r\n";
    }
    return out;
}

}  // namespace thorbecke::algoritmeregister
