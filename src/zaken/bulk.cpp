#include "zaken/bulk.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <random>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/geo/geometry.h"
#include "core/http/internal_request.h"
#include "core/json/json.h"
#include "core/storage/multi_insert.h"
#include "core/time.h"
#include "zaken/model.h"
#include "zaken/rules.h"

namespace thorbecke::zaken {

namespace bj = boost::json;
using storage::MultiInsert;

namespace {

// The template zaken carry this kenmerk; an --append load finds them (and so its zaaktypen) by it.
constexpr std::string_view kTemplateBron = "thorbecke-zaken-load";
constexpr std::string_view kTemplateKenmerk = "sjabloon";
constexpr std::string_view kBronorganisatie = "002220647";
constexpr std::string_view kTemplateBsn = "111222333";
// Selectielijst 2020, procestype 5 "Producten en diensten leveren" (built into the Referentielijsten API).
constexpr std::string_view kProcestype = "07c3c06a-2049-4e9e-82c5-7c1ff703c642";
constexpr const auto& kVertrouwelijkheid = kVertrouwelijkheidaanduidingen;
constexpr std::array<std::string_view, 8> kOmschrijvingen = {
    "Aanvraag parkeervergunning",
    "Melding openbare ruimte",
    "Aanvraag omgevingsvergunning",
    "Bezwaarschrift",
    "Subsidieaanvraag",
    "Verhuizing binnen de gemeente",
    "Klacht",
    "Evenementenvergunning",
};
// The Netherlands, roughly: where zaken lie.
constexpr double kMinLon = 3.3, kMaxLon = 7.2, kMinLat = 50.7, kMaxLat = 53.5;

std::string Marker() {
    return std::string(1, json::kBaseMarkerChar);
}

std::string ErrorText(const Error& e) {
    std::string text = e.detail.empty() ? e.title : e.detail;
    for (const auto& p : e.invalid_params) text += fmt::format(" [{}: {} {}]", p.name, p.code, p.reason);
    return text;
}

Error LoadError(std::string what, const Error& e) {
    return Error::Internal(fmt::format("{}: {}", what, ErrorText(e)));
}

//! Sets a field the stored document already has (so the document keeps the service's shape and order).
template <class V>
void Set(bj::object& doc, std::string_view key, V&& value) {
    if (auto* v = doc.if_contains(key)) *v = std::forward<V>(value);
}

// ---- Templates --------------------------------------------------------------------------------------------

//! One template zaak as the service stored it, with its first two statussen and its rol.
struct Template {
    ZaakRow zaak;
    bj::object doc;
    std::vector<ObjectRow> statussen;
    std::vector<bj::object> status_docs;
    ObjectRow rol;
    bj::object rol_doc;
    std::vector<std::pair<std::string, std::string>> rol_keys;
    std::string bsn;
};

//! The URLs of one zaaktype of the loader's catalogue.
struct TypeSet {
    std::string zaaktype;
    std::vector<std::string> statustypen;
    std::string roltype;
};

std::string CatalogiUrl(std::string_view collection, std::string_view uuid) {
    return fmt::format("{}/catalogi/api/v1/{}/{}", kBulkBase, collection, uuid);
}

asio::awaitable<Result<std::vector<TypeSet>>> CreateCatalogue(
    CatalogueWriter& w, int zaaktypen, const BulkOptions& o, std::string& catalogus_path
) {
    std::vector<TypeSet> out;
    std::string body = fmt::format(
        R"json({{"domein": "LOAD", "rsin": "{}", "naam": "Catalogus van thorbecke zaken-load", "versie": "1",
        "begindatumVersie": "2019-01-01", "contactpersoonBeheerNaam": "Benchmark"}})json",
        kBronorganisatie
    );
    auto catalogus = co_await w.Create("catalogussen", body);
    if (!catalogus) co_return Fail(LoadError("catalogus", catalogus.error()));
    std::string cat = CatalogiUrl("catalogussen", *catalogus);
    catalogus_path = fmt::format("/catalogi/api/v1/catalogussen/{}", *catalogus);
    auto extras = co_await w.Extras(cat);
    if (!extras) co_return Fail(LoadError("types of other registers", extras.error()));
    bj::array besluittypen;
    for (const auto& b : extras->besluittypen) besluittypen.emplace_back(std::string_view(b));
    std::string besluittypen_json = json::Serialize(besluittypen);
    for (int i = 0; i < zaaktypen; ++i) {
        std::string zt_body = fmt::format(
            R"json({{"identificatie": "LOAD-{:04}", "omschrijving": "{} ({})",
            "vertrouwelijkheidaanduiding": "openbaar", "doel": "Zaken in bulk voor metingen.",
            "aanleiding": "Een verzoek van een inwoner of organisatie.", "indicatieInternOfExtern": "extern",
            "handelingInitiator": "Aanvragen", "onderwerp": "Onderwerp {}", "handelingBehandelaar": "Behandelen",
            "doorlooptijd": "P8W", "servicenorm": "P4W", "opschortingEnAanhoudingMogelijk": true,
            "verlengingMogelijk": true, "verlengingstermijn": "P4W", "trefwoorden": ["load"],
            "publicatieIndicatie": false, "productenOfDiensten": [],
            "selectielijstProcestype": "{}/referentielijsten/api/v1/procestypen/{}",
            "referentieproces": {{"naam": "Producten en diensten leveren"}}, "verantwoordelijke": "Team Benchmark",
            "beginGeldigheid": "2019-01-01", "versiedatum": "2019-01-01", "catalogus": "{}",
            "besluittypen": {}, "gerelateerdeZaaktypen": []}})json",
            i,
            kOmschrijvingen[static_cast<std::size_t>(i) % kOmschrijvingen.size()],
            i,
            i,
            kBulkBase,
            kProcestype,
            cat,
            besluittypen_json
        );
        auto zaaktype = co_await w.Create("zaaktypen", zt_body);
        if (!zaaktype) co_return Fail(LoadError("zaaktype", zaaktype.error()));
        TypeSet t;
        t.zaaktype = CatalogiUrl("zaaktypen", *zaaktype);
        int volgnummer = 1;
        std::array<std::string_view, 3> statussen{"Ontvangen", "In behandeling", "Afgehandeld"};
        for (std::string_view status : statussen) {
            std::string st_body = fmt::format(
                R"json({{"omschrijving": "{}", "zaaktype": "{}", "volgnummer": {}, "informeren": false}})json",
                status,
                t.zaaktype,
                volgnummer++
            );
            auto st = co_await w.Create("statustypen", st_body);
            if (!st) co_return Fail(LoadError("statustype", st.error()));
            t.statustypen.push_back(CatalogiUrl("statustypen", *st));
        }
        std::array<std::pair<std::string_view, std::string_view>, 2> rollen{
            std::pair<std::string_view, std::string_view>{"Aanvrager", "initiator"}, {"Behandelaar", "behandelaar"}};
        for (auto [omschrijving, generiek] : rollen) {
            std::string rt_body = fmt::format(
                R"json({{"zaaktype": "{}", "omschrijving": "{}", "omschrijvingGeneriek": "{}"}})json",
                t.zaaktype,
                omschrijving,
                generiek
            );
            auto rt = co_await w.Create("roltypen", rt_body);
            if (!rt) co_return Fail(LoadError("roltype", rt.error()));
            if (t.roltype.empty()) t.roltype = CatalogiUrl("roltypen", *rt);
        }
        int iot_volgnummer = 1;
        for (const auto& iot : extras->informatieobjecttypen) {
            std::string ziot_body = fmt::format(
                R"json({{"zaaktype": "{}", "informatieobjecttype": "{}", "volgnummer": {}, "richting": "inkomend"}})json",
                t.zaaktype,
                iot,
                iot_volgnummer++
            );
            auto ziot = co_await w.Create("zaaktype-informatieobjecttypen", ziot_body);
            if (!ziot) co_return Fail(LoadError("zaaktype-informatieobjecttype", ziot.error()));
        }
        auto published = co_await w.Publish("zaaktypen", *zaaktype);
        if (!published) co_return Fail(LoadError("publish zaaktype", published.error()));
        out.push_back(std::move(t));
        if (o.progress && (i + 1) % 25 == 0) o.progress(fmt::format("catalogue: {}/{} zaaktypen", i + 1, zaaktypen));
    }
    co_return out;
}

//! POSTs one resource through the Zaken service, as a client with all rights would; its uuid.
}  // namespace

asio::awaitable<Result<std::string>> PostAsLoader(Service& service, KindId kind, std::string scope, std::string body) {
    Operation op;
    op.kind = &GetKind(kind);
    op.action = Action::kCreate;
    op.scopes.push_back(std::move(scope));
    http::Request req = http::InternalRequest(
        http::Method::kPost, ObjectPath(GetKind(kind), "", ""), std::move(body), std::string(kBulkBase), "zaken-load"
    );
    auto r = co_await service.Handle(op, req);
    if (!r) co_return Fail(r.error());
    auto parsed = json::Parse(r->body);
    if (!parsed || !parsed->is_object() || !parsed->as_object().contains("uuid")) {
        co_return Fail(Error::Internal("the service answered without a uuid: " + r->body.substr(0, 200)));
    }
    co_return std::string(parsed->as_object().at("uuid").as_string());
}

namespace {

asio::awaitable<Result<std::string>> Post(Service& service, KindId kind, std::string scope, std::string body) {
    co_return co_await PostAsLoader(service, kind, std::move(scope), std::move(body));
}

asio::awaitable<Status> CreateTemplate(Service& service, const TypeSet& t, std::size_t i) {
    std::string zaak_body = fmt::format(
        R"json({{"zaaktype": "{}", "bronorganisatie": "{}", "verantwoordelijkeOrganisatie": "{}",
        "omschrijving": "Sjabloon van zaken-load {}", "registratiedatum": "2026-01-05", "startdatum": "2026-01-05",
        "einddatumGepland": "2026-03-02", "vertrouwelijkheidaanduiding": "openbaar",
        "zaakgeometrie": {{"type": "Point", "coordinates": [5.1214, 52.0907]}},
        "kenmerken": [{{"kenmerk": "{}", "bron": "{}"}}]}})json",
        t.zaaktype,
        kBronorganisatie,
        kBronorganisatie,
        i,
        kTemplateKenmerk,
        kTemplateBron
    );
    auto zaak = co_await Post(service, KindId::kZaak, "zaken.aanmaken", zaak_body);
    if (!zaak) co_return Fail(LoadError("template zaak", zaak.error()));
    std::string zaak_url = fmt::format("{}{}/zaken/{}", kBulkBase, kApiRoot, *zaak);
    for (std::size_t s = 0; s < 2; ++s) {
        std::string status_body = fmt::format(
            R"json({{"zaak": "{}", "statustype": "{}", "datumStatusGezet": "2026-01-0{}T09:30:00Z"}})json",
            zaak_url,
            t.statustypen[s],
            5 + s
        );
        auto status = co_await Post(service, KindId::kStatus, "zaken.bijwerken", status_body);
        if (!status) co_return Fail(LoadError("template status", status.error()));
    }
    std::string rol_body = fmt::format(
        R"json({{"zaak": "{}", "roltype": "{}", "betrokkeneType": "natuurlijk_persoon",
        "roltoelichting": "Aanvrager van de zaak",
        "betrokkeneIdentificatie": {{"inpBsn": "{}", "geslachtsnaam": "Jansen", "voornamen": "Jan"}}}})json",
        zaak_url,
        t.roltype,
        kTemplateBsn
    );
    auto rol = co_await Post(service, KindId::kRol, "zaken.bijwerken", rol_body);
    if (!rol) co_return Fail(LoadError("template rol", rol.error()));
    co_return Status{};
}

asio::awaitable<Result<std::vector<Template>>> LoadTemplates(Store& store) {
    std::vector<Template> out;
    auto st = co_await store.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await s.Query(
            "SELECT zaak FROM zaken_key WHERE name = $1 AND value = $2",
            storage::MakeParams(std::string("kenmerk__bron"), std::string(kTemplateBron))
        );
        if (!found) co_return Fail(found.error());
        std::vector<std::string> uuids;
        for (std::size_t i = 0; i < found->size(); ++i) uuids.push_back(found->Text(i, 0));
        if (uuids.empty()) co_return Status{};
        auto zaken = co_await store.GetZaken(s, uuids);
        if (!zaken) co_return Fail(zaken.error());
        std::sort(zaken->begin(), zaken->end(), [](const ZaakRow& a, const ZaakRow& b) { return a.seq < b.seq; });
        std::vector<std::string> kinds{"status", "rol"};
        auto objects = co_await store.ObjectsOf(s, uuids, kinds, true);
        if (!objects) co_return Fail(objects.error());
        for (auto& z : *zaken) {
            Template t;
            t.zaak = z;
            auto doc = json::Parse(z.doc);
            if (!doc || !doc->is_object()) co_return Fail(Error::Internal("template zaak " + z.uuid + ": bad doc"));
            t.doc = std::move(doc->as_object());
            bool have_rol = false;
            for (const auto& o : *objects) {
                if (o.zaak != z.uuid) continue;
                auto od = json::Parse(o.doc);
                if (!od || !od->is_object()) continue;
                if (o.kind == "status" && t.statussen.size() < 2) {
                    t.statussen.push_back(o);
                    t.status_docs.push_back(std::move(od->as_object()));
                } else if (o.kind == "rol" && !have_rol) {
                    t.rol = o;
                    t.rol_doc = std::move(od->as_object());
                    have_rol = true;
                }
            }
            if (t.statussen.size() < 2 || !have_rol) {
                co_return Fail(Error::Internal(fmt::format(
                    "template zaak {} lacks its two statussen or its rol (an interrupted load?); remove it or "
                    "load into a fresh database",
                    z.uuid
                )));
            }
            auto* ident = t.rol_doc.if_contains("betrokkeneIdentificatie");
            if (ident && ident->is_object() && ident->as_object().contains("inpBsn"))
                t.bsn = std::string(ident->as_object().at("inpBsn").as_string());
            auto keys = co_await s.Query(
                "SELECT name, value FROM zaken_key WHERE object = $1", storage::MakeParams(t.rol.uuid)
            );
            if (!keys) co_return Fail(keys.error());
            for (std::size_t i = 0; i < keys->size(); ++i) t.rol_keys.emplace_back(keys->Text(i, 0), keys->Text(i, 1));
            out.push_back(std::move(t));
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return out;
}

// ---- Generating zaken ---------------------------------------------------------------------------------------

//! What varies per zaak; documents are built from it once the identificatie is known.
struct Gen {
    std::size_t t = 0;  // template
    std::string uuid, omschrijving;
    int year = 0;
    std::string registratiedatum, startdatum, einddatum_gepland, moment;  // moment: registratie date-time
    int rank = 1;
    bj::value geometry;
    std::string geometry_text;
    ZaakRow::Box bbox{};
    int statussen = 1;
    std::array<std::string, 2> status_uuid, status_moment;
    std::string rol_uuid, bsn;
};

class Random {
  public:
    explicit Random(std::uint64_t seed) : rng_(seed) {}
    std::uint64_t Next() { return rng_(); }
    int Int(int lo, int hi) { return lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1)); }
    double Unit() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
    std::string Uuid() {
        std::uint64_t a = rng_(), b = rng_();
        std::array<unsigned char, 16> bytes{};
        for (int i = 0; i < 8; ++i) {
            bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(a >> (8 * i));
            bytes[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(b >> (8 * i));
        }
        bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
        bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        out.reserve(36);
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
            out += kHex[bytes[i] >> 4];
            out += kHex[bytes[i] & 0x0f];
        }
        return out;
    }
    //! A nine-digit number that passes the elfproef (BSN).
    std::string Bsn() {
        for (;;) {
            std::array<int, 8> d{};
            int total = 0;
            for (int i = 0; i < 8; ++i) {
                d[static_cast<std::size_t>(i)] = Int(0, 9);
                total += d[static_cast<std::size_t>(i)] * (9 - i);
            }
            int last = total % 11;
            if (last > 9 || d[0] == 0) continue;
            std::string out;
            for (int x : d) out += static_cast<char>('0' + x);
            out += static_cast<char>('0' + last);
            if (IsValidBsn(out)) return out;
        }
    }

  private:
    std::mt19937_64 rng_;
};

double Round6(double v) {
    return std::round(v * 1e6) / 1e6;
}

std::string Moment(std::chrono::sys_days day, int minute_of_day, bool fraction) {
    return fmt::format(
        "{}T{:02}:{:02}:00{}Z",
        FormatDate(std::chrono::year_month_day{day}),
        minute_of_day / 60,
        minute_of_day % 60,
        fraction ? ".000000" : ""
    );
}

Result<Gen> Generate(Random& r, std::size_t templates, std::int64_t n) {
    using namespace std::chrono;
    static const sys_days kFirst = sys_days{year{2019} / January / 1};
    static const int kSpan = static_cast<int>((sys_days{year{2026} / June / 30} - kFirst).count());
    Gen g;
    g.t = static_cast<std::size_t>(n) % templates;  // an even spread over the zaaktypen
    g.uuid = r.Uuid();
    g.omschrijving = fmt::format("{} {}", kOmschrijvingen[r.Next() % kOmschrijvingen.size()], n + 1);
    sys_days registratie = kFirst + days{r.Int(0, kSpan)};
    sys_days start = registratie - days{r.Int(0, 14)};
    g.year = static_cast<int>(year_month_day{registratie}.year());
    g.registratiedatum = FormatDate(year_month_day{registratie});
    g.startdatum = FormatDate(year_month_day{start});
    g.einddatum_gepland = FormatDate(year_month_day{start + days{56}});
    int minute = r.Int(8 * 60, 17 * 60);
    g.moment = Moment(registratie, minute, true);
    g.rank = r.Int(1, 8);
    double lon = Round6(kMinLon + r.Unit() * (kMaxLon - kMinLon));
    double lat = Round6(kMinLat + r.Unit() * (kMaxLat - kMinLat));
    bj::object geometry;
    if (r.Int(0, 99) < 85) {
        geometry["type"] = "Point";
        geometry["coordinates"] = bj::array{lon, lat};
    } else {  // a small square: a plot, a street corner
        double side = 0.0005 + r.Unit() * 0.0045;
        double x1 = Round6(lon + side), y1 = Round6(lat + side);
        bj::array ring;
        ring.emplace_back(bj::array{lon, lat});
        ring.emplace_back(bj::array{x1, lat});
        ring.emplace_back(bj::array{x1, y1});
        ring.emplace_back(bj::array{lon, y1});
        ring.emplace_back(bj::array{lon, lat});
        geometry["type"] = "Polygon";
        geometry["coordinates"] = bj::array{std::move(ring)};
    }
    g.geometry = std::move(geometry);
    auto parsed = geo::Geometry::FromGeoJson(g.geometry, "zaakgeometrie");
    if (!parsed) return Fail(parsed.error());
    g.geometry_text = parsed->ToGeoJson();
    auto b = parsed->Bounds();
    g.bbox = ZaakRow::Box{b.minx, b.miny, b.maxx, b.maxy};
    g.statussen = r.Int(1, 2);
    g.status_moment[0] = Moment(registratie, minute + 30, false);
    g.status_moment[1] = Moment(registratie + days{r.Int(1, 20)}, minute, false);
    for (int i = 0; i < g.statussen; ++i) g.status_uuid[static_cast<std::size_t>(i)] = r.Uuid();
    g.rol_uuid = r.Uuid();
    g.bsn = r.Bsn();
    return g;
}

// ---- Writing ------------------------------------------------------------------------------------------------

class Writer {
  public:
    Writer(Store& store, const std::vector<Template>& templates)
        : store_(store), templates_(templates), dialect_(store.dialect()) {}

    //! Writes one batch in one transaction; the number of rows written.
    asio::awaitable<Result<std::int64_t>> Write(const std::vector<Gen>& gens, std::int64_t batch_no) {
        std::int64_t rows = 0;
        auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
            auto r = co_await WriteIn(s, gens, batch_no);
            if (!r) co_return Fail(r.error());
            rows = *r;
            co_return Status{};
        });
        if (!st) co_return Fail(st.error());
        co_return rows;
    }

  private:
    asio::awaitable<Result<std::int64_t>> WriteIn(
        storage::Session& s, const std::vector<Gen>& gens, std::int64_t batch_no
    ) {
        bool sqlite = dialect_ == storage::Dialect::kSqlite;
        if (sqlite) {
            // A larger page cache for this connection: the loader's inserts touch many index pages.
            auto pragma = co_await s.Query("PRAGMA cache_size = -1048576", storage::MakeParams());
            if (!pragma) co_return Fail(pragma.error());
        }
        // Identificaties: reserve a block of the service's own counter per registration year (zrc-002), so the
        // service's generator continues after them.
        std::map<int, std::int64_t> per_year;
        for (const auto& g : gens) ++per_year[g.year];
        std::map<int, std::int64_t> next;
        for (const auto& [y, count] : per_year) {
            std::string name = fmt::format("zaak:{}:{}", kBronorganisatie, y);
            auto r = co_await s.Query(
                "INSERT INTO zaken_counter (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = "
                "zaken_counter.value + excluded.value RETURNING value",
                storage::MakeParams(name, count)
            );
            if (!r) co_return Fail(r.error());
            next[y] = r->Int(0, 0) - count + 1;
        }
        std::int64_t seq = 0;
        if (sqlite) {
            // The R*Tree is keyed by the zaak's seq; this write transaction holds SQLite's only write lock.
            auto r = co_await s.Query("SELECT COALESCE(MAX(seq), 0) FROM zaken_zaak", storage::MakeParams());
            if (!r) co_return Fail(r.error());
            seq = r->Int(0, 0);
        }

        std::string zaak_cols =
            "uuid, identificatie, bronorganisatie, zaaktype, zaaktype_key, vertrouwelijkheid, omschrijving, "
            "registratiedatum, startdatum, einddatum, einddatum_gepland, uiterlijke_einddatum, archiefnominatie, "
            "archiefstatus, archiefactiedatum, hoofdzaak, status, statustype, resultaat, resultaattype, geometry, "
            "version, doc";
        std::string zaak_row = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
        MultiInsert zaken =
            sqlite ? MultiInsert(
                         dialect_, "INSERT INTO zaken_zaak (seq, " + zaak_cols + ") VALUES ", "(?, " + zaak_row + ")"
                     )
                   : MultiInsert(
                         dialect_,
                         "INSERT INTO zaken_zaak (" + zaak_cols + ", geom) VALUES ",
                         "(" + zaak_row + ", ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326))"
                     );
        MultiInsert geo(
            dialect_,
            "INSERT INTO zaken_geo (seq, minx, maxx, miny, maxy) VALUES ",
            "(?, CAST(? AS REAL), CAST(? AS REAL), CAST(? AS REAL), CAST(? AS REAL))"
        );
        MultiInsert objects(
            dialect_, "INSERT INTO zaken_object (uuid, kind, zaak, ref, attr, doc) VALUES ", "(?, ?, ?, ?, ?, ?)"
        );
        MultiInsert keys(dialect_, "INSERT INTO zaken_key (name, value, zaak, object) VALUES ", "(?, ?, ?, ?)");
        MultiInsert tally(
            dialect_,
            "INSERT INTO zaken_tally (zaaktype_key, vertrouwelijkheid, shard, n) VALUES ",
            "(?, ?, ?, ?)",
            " ON CONFLICT (zaaktype_key, vertrouwelijkheid, shard) DO UPDATE SET n = zaken_tally.n + excluded.n"
        );
        std::map<std::pair<std::string, int>, std::int64_t> totals;
        const Kind& status_kind = GetKind(KindId::kStatus);
        const Kind& rol_kind = GetKind(KindId::kRol);
        std::string marker = Marker();

        for (const auto& g : gens) {
            const Template& t = templates_[g.t];
            std::string zaak_url = marker + std::string(kApiRoot) + "/zaken/" + g.uuid;
            std::string ident = NextIdentificatie(fmt::format("ZAAK-{}-", g.year), next[g.year]++);

            // Statussen: the newest is the zaak's status.
            for (int i = 0; i < g.statussen; ++i) {
                auto k = static_cast<std::size_t>(i);
                bj::object doc = t.status_docs[k];
                Set(doc, "url", marker + ObjectPath(status_kind, g.uuid, g.status_uuid[k]));
                Set(doc, "uuid", g.status_uuid[k]);
                Set(doc, "zaak", zaak_url);
                Set(doc, "datumStatusGezet", g.status_moment[k]);
                objects.Add(
                    g.status_uuid[k],
                    t.statussen[k].kind,
                    g.uuid,
                    t.statussen[k].ref,
                    g.status_moment[k],
                    json::Serialize(doc)
                );
            }
            // The rol: a natuurlijk persoon with a BSN of its own.
            {
                bj::object doc = t.rol_doc;
                Set(doc, "url", marker + ObjectPath(rol_kind, g.uuid, g.rol_uuid));
                Set(doc, "uuid", g.rol_uuid);
                Set(doc, "zaak", zaak_url);
                Set(doc, "registratiedatum", g.moment);
                if (auto* ident_obj = doc.if_contains("betrokkeneIdentificatie"); ident_obj && ident_obj->is_object())
                    Set(ident_obj->as_object(), "inpBsn", g.bsn);
                objects.Add(g.rol_uuid, t.rol.kind, g.uuid, t.rol.ref, t.rol.attr, json::Serialize(doc));
                for (const auto& [name, value] : t.rol_keys) {
                    keys.Add(name, value == t.bsn ? g.bsn : value, g.uuid, g.rol_uuid);
                }
            }
            // The zaak.
            ZaakRow z = t.zaak;
            z.uuid = g.uuid;
            z.identificatie = ident;
            z.omschrijving = g.omschrijving;
            z.vertrouwelijkheid = g.rank;
            z.registratiedatum = g.registratiedatum;
            z.startdatum = g.startdatum;
            z.einddatum_gepland = g.einddatum_gepland;
            auto last = static_cast<std::size_t>(g.statussen - 1);
            z.status = g.status_uuid[last];
            z.statustype = t.statussen[last].ref;
            z.geometry = g.geometry_text;
            z.version = 1 + g.statussen;  // created, then raised by every status
            bj::object doc = t.doc;
            Set(doc, "url", zaak_url);
            Set(doc, "uuid", g.uuid);
            Set(doc, "identificatie", ident);
            Set(doc, "omschrijving", g.omschrijving);
            Set(doc, "registratiedatum", g.registratiedatum);
            Set(doc, "startdatum", g.startdatum);
            Set(doc, "einddatumGepland", g.einddatum_gepland);
            Set(doc, "laatstGemuteerd", g.moment);
            Set(doc, "vertrouwelijkheidaanduiding", kVertrouwelijkheid[static_cast<std::size_t>(g.rank - 1)]);
            Set(doc, "zaakgeometrie", g.geometry);
            Set(doc, "kenmerken", bj::array());
            z.doc = json::Serialize(doc);
            auto opt = [](const std::optional<std::string>& v) -> storage::Param {
                if (v) return *v;
                return nullptr;
            };
            if (sqlite) {
                ++seq;
                zaken.Push(seq);
                geo.Add(
                    seq,
                    fmt::format("{}", g.bbox.minx),
                    fmt::format("{}", g.bbox.maxx),
                    fmt::format("{}", g.bbox.miny),
                    fmt::format("{}", g.bbox.maxy)
                );
            }
            zaken.Push(
                z.uuid,
                z.identificatie,
                z.bronorganisatie,
                z.zaaktype,
                z.zaaktype_key,
                std::int64_t{z.vertrouwelijkheid},
                z.omschrijving,
                opt(z.registratiedatum),
                opt(z.startdatum),
                opt(z.einddatum),
                opt(z.einddatum_gepland),
                opt(z.uiterlijke_einddatum),
                opt(z.archiefnominatie),
                opt(z.archiefstatus),
                opt(z.archiefactiedatum),
                opt(z.hoofdzaak),
                opt(z.status),
                opt(z.statustype),
                opt(z.resultaat),
                opt(z.resultaattype),
                opt(z.geometry),
                z.version,
                z.doc
            );
            if (!sqlite) zaken.Push(*z.geometry);  // the PostGIS column
            zaken.EndRow();
            ++totals[{z.zaaktype_key, z.vertrouwelijkheid}];
        }
        // Running totals: one shard per batch, so the keys of one statement are distinct.
        std::int64_t shard = batch_no % 16;
        for (const auto& [key, n] : totals) tally.Add(key.first, std::int64_t{key.second}, shard, n);

        std::int64_t rows =
            static_cast<std::int64_t>(zaken.rows() + geo.rows() + objects.rows() + keys.rows() + tally.rows());
        std::array<MultiInsert*, 5> all{&zaken, &geo, &objects, &keys, &tally};
        for (MultiInsert* m : all) {
            auto st = co_await m->Flush(s);
            if (!st) co_return Fail(st.error());
        }
        co_return rows;
    }

    Store& store_;
    const std::vector<Template>& templates_;
    storage::Dialect dialect_;
};

}  // namespace

asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, CatalogueWriter& catalogue, BulkOptions o
) {
    BulkSummary sum;
    auto say = [&](const std::string& line) {
        if (o.progress) o.progress(line);
    };
    auto existing = co_await store.db().Query("SELECT COALESCE(SUM(n), 0) FROM zaken_tally", storage::MakeParams());
    if (!existing) co_return Fail(existing.error());
    sum.existing = existing->Int(0, 0);
    if (sum.existing > 0 && !o.append) {
        co_return Fail(Error::BadRequest(
            "zaken_exist",
            fmt::format(
                "the database already holds {} zaken; pass --append to add {} more (an earlier load's catalogue "
                "and templates are reused)",
                sum.existing,
                o.zaken
            )
        ));
    }
    auto templates = co_await LoadTemplates(store);
    if (!templates) co_return Fail(templates.error());
    if (templates->empty()) {
        if (o.zaaktypen < 1) co_return Fail(Error::BadRequest("zaaktypen", "--zaaktypen must be at least 1"));
        if (o.zaken < o.zaaktypen) {
            co_return Fail(Error::BadRequest(
                "zaken",
                fmt::format(
                    "--zaken must be at least --zaaktypen ({}): one zaak per zaaktype goes through the Zaken service "
                    "as the template of the others",
                    o.zaaktypen
                )
            ));
        }
        say(fmt::format("creating a catalogue with {} published zaaktypen", o.zaaktypen));
        auto types = co_await CreateCatalogue(catalogue, o.zaaktypen, o, sum.catalogus);
        if (!types) co_return Fail(types.error());
        sum.created_catalogue = true;
        say(fmt::format("writing {} template zaken through the Zaken service", types->size()));
        for (std::size_t i = 0; i < types->size(); ++i) {
            auto st = co_await CreateTemplate(service, (*types)[i], i);
            if (!st) co_return Fail(st.error());
        }
        sum.templates = static_cast<std::int64_t>(types->size());
        templates = co_await LoadTemplates(store);
        if (!templates) co_return Fail(templates.error());
        if (static_cast<std::int64_t>(templates->size()) != sum.templates) {
            co_return Fail(Error::Internal("the template zaken just written cannot be found again"));
        }
    } else {
        say(fmt::format("reusing {} template zaken (and their zaaktypen) of an earlier load", templates->size()));
    }
    for (const auto& t : *templates) {
        std::string zt = t.zaak.zaaktype;
        if (!zt.empty() && zt.front() == json::kBaseMarkerChar) zt.erase(0, 1);
        sum.zaaktypen.push_back(zt);
    }

    std::int64_t bulk = o.zaken - sum.templates;
    std::int64_t batch = std::max(1, o.batch);
    // Another seed for every database state: an appended load does not repeat the uuids of the first.
    Random random(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(sum.existing + sum.templates));
    Writer writer(store, *templates);
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    std::int64_t done = 0, batch_no = 0;
    std::int64_t first = sum.existing + sum.templates;  // numbering of the generated zaken
    say(fmt::format("writing {} zaken in bulk, {} per transaction", bulk, batch));
    while (done < bulk) {
        std::int64_t n = std::min(batch, bulk - done);
        std::vector<Gen> gens;
        gens.reserve(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) {
            auto g = Generate(random, templates->size(), first + done + i);
            if (!g) co_return Fail(LoadError("geometry", g.error()));
            gens.push_back(std::move(*g));
        }
        auto rows = co_await writer.Write(gens, batch_no++);
        if (!rows) co_return Fail(LoadError(fmt::format("after {} zaken", done), rows.error()));
        sum.rows += *rows;
        std::int64_t before = done;
        done += n;
        if (o.progress_every > 0 && (done / o.progress_every != before / o.progress_every || done == bulk)) {
            double s = elapsed();
            say(fmt::format(
                "{}/{} zaken in {:.1f} s: {:.0f} zaken/s, {:.0f} rows/s",
                done,
                bulk,
                s,
                static_cast<double>(done) / std::max(s, 1e-9),
                static_cast<double>(sum.rows) / std::max(s, 1e-9)
            ));
        }
    }
    sum.seconds = elapsed();
    sum.added = sum.templates + bulk;
    sum.total = sum.existing + sum.added;
    co_return sum;
}

asio::awaitable<Result<std::string>> FindRelation(Store& store, std::string zaak, std::string needle) {
    auto r = co_await store.db().Query(
        "SELECT uuid FROM zaken_object WHERE zaak = $1 AND doc LIKE $2 ORDER BY seq",
        storage::MakeParams(std::move(zaak), "%" + needle + "%")
    );
    if (!r) co_return Fail(r.error());
    if (r->empty()) co_return std::string();
    co_return r->Text(0, 0);
}

asio::awaitable<Result<std::pair<std::vector<std::string>, std::int64_t>>> ZakenAfter(
    Store& store, std::int64_t after, std::int64_t limit
) {
    auto r = co_await store.db().Query(
        "SELECT seq, uuid FROM zaken_zaak WHERE seq > $1 ORDER BY seq LIMIT $2", storage::MakeParams(after, limit)
    );
    if (!r) co_return Fail(r.error());
    std::pair<std::vector<std::string>, std::int64_t> out{{}, after};
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.first.push_back(r->Text(i, 1));
        out.second = r->Int(i, 0);
    }
    co_return out;
}

std::string SummaryJson(const BulkSummary& s) {
    bj::object o;
    o["existing"] = s.existing;
    o["added"] = s.added;
    o["templates"] = s.templates;
    o["total"] = s.total;
    o["rows"] = s.rows;
    o["seconds"] = std::round(s.seconds * 10) / 10;
    o["zaken_per_second"] = s.seconds > 0 ? std::round(static_cast<double>(s.added - s.templates) / s.seconds) : 0.0;
    o["created_catalogue"] = s.created_catalogue;
    if (!s.catalogus.empty()) o["catalogus"] = s.catalogus;
    bj::array zt;
    for (const auto& z : s.zaaktypen) zt.emplace_back(std::string_view(z));
    o["zaaktypen"] = std::move(zt);
    return json::Serialize(o);
}

}  // namespace thorbecke::zaken
