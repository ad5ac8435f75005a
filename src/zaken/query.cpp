// Reading: detail GETs, lists with the OAS filters, _zoek and the audit trail.
#include "zaken/service.h"

#include <unordered_map>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/geo/geometry.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"
#include "zaken/internal.h"
#include "zaken/rules.h"

namespace thorbecke::zaken {

using namespace detail;

namespace {

//! Renderings of zaken per IO thread, each with the change-feed version it was made at (see Read).
class ZaakCache {
  public:
    struct Entry {
        std::uint64_t version;
        std::string token;
        std::string body;
        std::string zaaktype_key;
        int rank;
    };
    static ZaakCache& Local() {
        thread_local ZaakCache cache;
        return cache;
    }
    //! The entry, if the zaak has not changed since it was made (changed_at: the feed's KeyVersion).
    const Entry* Find(const std::string& key, std::uint64_t changed_at) const {
        auto it = entries_.find(key);
        if (it == entries_.end() || changed_at > it->second.version) return nullptr;
        return &it->second;
    }
    //! The entry, if nothing was committed since it was made (same change token).
    const Entry* FindByToken(const std::string& key, const std::string& token) const {
        auto it = entries_.find(key);
        if (it == entries_.end() || it->second.token != token) return nullptr;
        return &it->second;
    }
    void Put(const std::string& key, Entry entry) {
        if (bytes_ > kMaxBytes) {
            entries_.clear();
            bytes_ = 0;
        }
        bytes_ += key.size() + entry.body.size();
        entries_.insert_or_assign(key, std::move(entry));
    }

  private:
    static constexpr std::size_t kMaxBytes = 32 * 1024 * 1024;
    std::unordered_map<std::string, Entry> entries_;
    std::size_t bytes_ = 0;
};

}  // namespace

// ---- Reading ------------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Read(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    bool is_zaak = kind.id == KindId::kZaak;
    if (is_zaak) {
        auto crs = CheckCrs(req, false);
        if (!crs) co_return Fail(crs.error());
    }
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::vector<std::string> expand;
    if (auto e = req.query.Get("expand"); e && is_zaak) {
        auto parsed = ParseExpand(*e);
        if (!parsed) co_return Fail(parsed.error());
        expand = std::move(*parsed);
    }
    // A zaak that has not changed since this thread last rendered it is served from memory (the change feed
    // tells, per zaak, across nodes); the caller's rights are checked on every request all the same.
    std::string cache_key = req.base_url + uuid;
    std::optional<std::uint64_t> version;  // PostgreSQL: the feed's version when rendering began
    std::optional<std::string> token;      // SQLite: the data's change token (any commit changes it)
    if (is_zaak && expand.empty()) {
        const ZaakCache::Entry* hit = nullptr;
        if (feed_) {
            version = feed_->Version();
            auto changed = feed_->KeyVersion(uuid);
            if (version && changed)
                hit = ZaakCache::Local().Find(cache_key, *changed);
            else
                version.reset();
        } else {
            auto t = co_await store_.db().ChangeToken();
            if (!t) co_return Fail(t.error());
            token = std::move(*t);
            if (token) hit = ZaakCache::Local().FindByToken(cache_key, *token);
        }
        if (hit) {
            if (!MayAccess(principal, op.scopes, hit->zaaktype_key, hit->rank)) co_return Fail(Forbidden());
            co_return JsonResponse(200, hit->body, true);
        }
        // One statement: no transaction needed around it.
        storage::AutocommitSession session(store_.db());
        auto z = co_await store_.GetZaakWithRelated(session, uuid);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, (*z)->first)) co_return Fail(Forbidden());
        std::string rendered = RenderZaak((*z)->first, (*z)->second, req.base_url);
        if (version || token) {
            ZaakCache::Local().Put(
                cache_key,
                ZaakCache::Entry{
                    version.value_or(0),
                    token.value_or(""),
                    rendered,
                    (*z)->first.zaaktype_key,
                    (*z)->first.vertrouwelijkheid}
            );
        }
        co_return JsonResponse(200, std::move(rendered), true);
    }
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        if (is_zaak) {
            auto z = co_await store_.GetZaakWithRelated(s, uuid);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            if (!MayAccess(principal, op.scopes, (*z)->first)) co_return Fail(Forbidden());
            body = RenderZaak((*z)->first, (*z)->second, req.base_url);
            if (!expand.empty()) {
                auto e =
                    co_await Expand(s, std::move(body), (*z)->first, expand, req.base_url, principal, op.scopes, 0);
                if (!e) co_return Fail(e.error());
                body = std::move(*e);
            }
            co_return Status{};
        }
        auto o = co_await store_.GetObject(s, uuid, false);
        if (!o) co_return Fail(o.error());
        if (!*o || (*o)->kind != kind.name) co_return Fail(Error::NotFound());
        if (kind.nested && Lower(req.PathParam("zaak_uuid")) != (*o)->zaak) co_return Fail(Error::NotFound());
        auto z = co_await store_.GetZaak(s, (*o)->zaak, false);
        if (!z) co_return Fail(z.error());
        if (!*z) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, **z)) co_return Fail(Forbidden());
        std::vector<ObjectRow> one(1, std::move(**o));
        auto r = co_await RenderObjects(s, kind, one, req.base_url);
        if (!r) co_return Fail(r.error());
        body = std::move(r->front());
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), is_zaak);
}

asio::awaitable<Result<http::Response>> Service::List(const Operation& op, http::Request& req) {
    const Kind& kind = *op.kind;
    if (kind.id == KindId::kZaak) {
        auto crs = CheckCrs(req, false);
        if (!crs) co_return Fail(crs.error());
        bj::object params;
        for (const auto& [name, value] : req.query.items()) params[name] = value;
        co_return co_await ListZaken(op, req, params, false);
    }
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    Where where;
    std::vector<InvalidParam> errors;
    http::Paging paging;
    if (!kind.paginated) paging.page_size = 100000;  // unpaginated lists: a zaak's objects, all of them
    bool nothing = !AccessCondition(principal, op.scopes, "z.", where);
    std::string nested_zaak = kind.nested ? Lower(req.PathParam("zaak_uuid")) : std::string();
    if (kind.nested) where.Add("o.zaak = ?", storage::MakeParams(nested_zaak));
    std::string oas_path =
        kind.nested ? fmt::format("/zaken/{{zaak_uuid}}/{}", kind.collection) : fmt::format("/{}", kind.collection);
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = CheckListParam(oas_path, name, value, false)) {
            errors.push_back(*bad);
            continue;
        }
        if (kind.paginated) {
            auto took = http::TakePageParam(name, value, paging, errors);
            if (!took) co_return Fail(took.error());
            if (*took) continue;
        }
        const Filter* f = nullptr;
        for (const auto& c : kind.filters) {
            if (c.param == name) f = &c;
        }
        if (!f) {
            errors.push_back(
                {"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)}
            );
            continue;
        }
        switch (f->op) {
            case ChildFilter::kZaak: {
                if (!json::IsHttpUrl(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige URL in."});
                    break;
                }
                where.Add("o.zaak = ?", storage::MakeParams(UuidAfter(value, kZakenPath).value_or("-")));
                break;
            }
            case ChildFilter::kRef:
                if (!json::IsHttpUrl(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige URL in."});
                    break;
                }
                where.Add("o.ref = ?", storage::MakeParams(Stored(value, req.base_url)));
                break;
            case ChildFilter::kAttr:
                where.Add("o.attr = ?", storage::MakeParams(value));
                break;
            case ChildFilter::kKey: {
                static const std::vector<std::pair<std::string_view, std::string_view>> kSuffixes{
                    {"__icontains", "LOWER(k.value) LIKE ?"},
                    {"__gte", "k.value >= ?"},
                    {"__gt", "k.value > ?"},
                    {"__lte", "k.value <= ?"},
                    {"__lt", "k.value < ?"}};
                std::string key = name, compare = "k.value = ?", operand = value;
                if (name == "machtiging__loa") {
                    // "up to this level of assurance": keys hold the level's rank.
                    compare = "k.value <= ?";
                    operand = LoaRank(value);
                    where.Add(
                        "o.uuid IN (SELECT k.object FROM zaken_key k WHERE k.name = ? AND " + compare + ")",
                        storage::MakeParams(key, operand)
                    );
                    break;
                }
                for (const auto& [suffix, sql] : kSuffixes) {
                    if (!std::string_view(name).ends_with(suffix)) continue;
                    key = name.substr(0, name.size() - suffix.size());
                    compare = sql;
                    if (suffix == "__icontains") operand = "%" + Lower(value) + "%";
                    break;
                }
                where.Add(
                    "o.uuid IN (SELECT k.object FROM zaken_key k WHERE k.name = ? AND " + compare + ")",
                    storage::MakeParams(key, operand)
                );
                break;
            }
            case ChildFilter::kLaatstGezet:
                if (value == "true" || value == "True" || value == "1")
                    where.Add("z.status = o.uuid");
                else if (value == "false" || value == "False" || value == "0")
                    where.Add("(z.status IS NULL OR z.status <> o.uuid)");
                else
                    errors.push_back({name, "invalid", "Kies een geldige waarde: true of false."});
                break;
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        ObjectPage found;
        if (kind.nested) {
            // The objects of one zaak: that zaak's rights decide (403), not a silently empty list.
            auto z = co_await store_.GetZaak(s, nested_zaak, false);
            if (!z) co_return Fail(z.error());
            if (!*z) co_return Fail(Error::NotFound());
            if (!MayAccess(principal, op.scopes, **z)) co_return Fail(Forbidden());
        }
        if (!nothing) {
            std::string kind_name(kind.name);
            auto r = co_await store_.ListObjects(s, kind_name, where, paging.page, paging.page_size);
            if (!r) co_return Fail(r.error());
            found = std::move(*r);
        }
        std::int64_t pages = (found.count + paging.page_size - 1) / paging.page_size;
        if (paging.page > 1 && paging.page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        auto rendered = co_await RenderObjects(s, kind, found.rows, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        if (kind.paginated) {
            body = http::PageBody(req, found.count, paging.page, pages, *rendered);
        } else {
            body = "[";
            for (std::size_t i = 0; i < rendered->size(); ++i) {
                if (i) body += ',';
                body += (*rendered)[i];
            }
            body += "]";
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), false);
}

asio::awaitable<Result<http::Response>> Service::Search(const Operation& op, http::Request& req) {
    auto crs = CheckCrs(req, true);
    if (!crs) co_return Fail(crs.error());
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    if (zoek_schema_) {
        auto errors = schemas_.ValidateAgainst(*zoek_schema_, *parsed);
        if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    }
    bj::object params = std::move(parsed->as_object());
    for (const auto& [name, value] : req.query.items()) {
        if (name == "page" || name == "pageSize") params[name] = value;
    }
    co_return co_await ListZaken(op, req, params, true);
}

asio::awaitable<Result<http::Response>> Service::ListZaken(
    const Operation& op, http::Request& req, const bj::object& params, bool search
) {
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    ZaakQuery q;
    std::vector<InvalidParam> errors;
    http::Paging paging;
    std::optional<std::string> zaaktype_key;
    bool only_zaaktype = true;
    Where tally;
    AccessCondition(principal, op.scopes, "", tally);
    std::optional<std::string> within;
    bool by_key = false;  // a filter on a search key (a rol's BSN, a kenmerk): a few zaken at most
    std::vector<std::string> expand;

    auto as_text = [](const bj::value& v) -> std::string {
        if (v.is_string()) return std::string(v.as_string());
        if (v.is_array()) {
            std::string out;
            for (const auto& x : v.as_array()) {
                if (!out.empty()) out += ',';
                if (x.is_string()) out += std::string(x.as_string());
            }
            return out;
        }
        if (v.is_bool()) return v.as_bool() ? "true" : "false";
        if (v.is_int64()) return std::to_string(v.as_int64());
        return {};
    };
    auto split = [](const std::string& v) {
        std::vector<std::string> out;
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            if (comma == std::string::npos) comma = v.size();
            if (comma > start) out.push_back(v.substr(start, comma - start));
            start = comma + 1;
        }
        return out;
    };
    auto date_ok = [&](const std::string& name, const std::string& v) {
        if (ParseDate(v)) return true;
        errors.push_back({name, "invalid", "Voer een geldige datum in."});
        return false;
    };
    auto in_list = [&](std::string column, const std::vector<std::string>& values) {
        std::string marks;
        storage::Params ps;
        for (const auto& v : values) {
            if (!marks.empty()) marks += ", ";
            marks += "?";
            ps.push_back(v);
        }
        if (values.empty()) {
            q.where.Add("1 = 0");
            return;
        }
        q.where.Add(column + " IN (" + marks + ")", std::move(ps));
    };
    static const std::map<std::string, std::string, std::less<>> kDateColumns{
        {"startdatum", "startdatum"},
        {"registratiedatum", "registratiedatum"},
        {"einddatum", "einddatum"},
        {"einddatumGepland", "einddatum_gepland"},
        {"uiterlijkeEinddatumAfdoening", "uiterlijke_einddatum"},
        {"archiefactiedatum", "archiefactiedatum"}};
    static const std::map<std::string, std::string, std::less<>> kOrdering{
        {"startdatum", "z.startdatum"},
        {"einddatum", "z.einddatum"},
        {"publicatiedatum", "z.publicatiedatum"},
        {"archiefactiedatum", "z.archiefactiedatum"},
        {"registratiedatum", "z.registratiedatum"},
        {"identificatie", "z.identificatie"}};

    std::string oas_path = search ? "/zaken/_zoek" : "/zaken";
    for (const auto& [key, raw] : params) {
        std::string name(key);
        std::string value = as_text(raw);
        if (auto bad = CheckListParam(oas_path, name, value, raw.is_array() || name.ends_with("__in"))) {
            errors.push_back(*bad);
            continue;
        }
        auto took = http::TakePageParam(name, value, paging, errors);
        if (!took) co_return Fail(took.error());
        if (*took) continue;
        if (name == "expand") {
            auto e = ParseExpand(value);
            if (!e) {
                errors.push_back(e.error().invalid_params.front());
                continue;
            }
            expand = std::move(*e);
            continue;
        }
        if (name == "zaaktype") {
            zaaktype_key = ZaaktypeKey(value);
            q.where.Add("z.zaaktype_key = ?", storage::MakeParams(*zaaktype_key));
            continue;
        }
        only_zaaktype = false;
        if (name == "zaakgeometrie" && search) {
            auto* w = raw.is_object() ? raw.as_object().if_contains("within") : nullptr;
            if (!w) {
                errors.push_back({"zaakgeometrie.within", "required", "Dit veld is vereist."});
                continue;
            }
            auto g = geo::Geometry::FromGeoJson(*w, "zaakgeometrie.within");
            if (!g) {
                for (auto& e : g.error().invalid_params) errors.push_back(e);
                continue;
            }
            within = g->ToGeoJson();
            auto box = g->Bounds();
            if (store_.dialect() == storage::Dialect::kPostgres) {
                // Planned on its own (OFFSET 0 keeps the subquery apart): the GiST index finds the zaken in the
                // polygon first, whatever the other conditions; a generic plan cannot estimate a polygon parameter.
                q.where.Add(
                    "z.seq IN (SELECT g.seq FROM zaken_zaak g WHERE ST_Within(g.geom, "
                    "ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326)) OFFSET 0)",
                    storage::MakeParams(*within)
                );
            } else {
                // The R*Tree narrows the candidates to boxes that meet the polygon's box; GEOS decides exactly.
                q.where.Add(
                    "z.seq IN (SELECT g.seq FROM zaken_geo g WHERE g.maxx >= CAST(? AS REAL) AND g.minx <= CAST(? AS "
                    "REAL) AND g.maxy >= CAST(? AS REAL) AND g.miny <= CAST(? AS REAL)) AND "
                    "thorbecke_within(z.geometry, ?)",
                    storage::MakeParams(
                        fmt::format("{}", box.minx),
                        fmt::format("{}", box.maxx),
                        fmt::format("{}", box.miny),
                        fmt::format("{}", box.maxy),
                        *within
                    )
                );
            }
            continue;
        }
        if (name == "ordering") {
            std::string order;
            for (const auto& o : split(value)) {
                bool desc = o.starts_with('-');
                auto it = kOrdering.find(desc ? o.substr(1) : o);
                if (it == kOrdering.end()) {
                    errors.push_back(
                        {name,
                         "invalid_choice",
                         fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", o)}
                    );
                    continue;
                }
                order += it->second + (desc ? " DESC, " : ", ");
            }
            q.order = order + "z.seq";
            continue;
        }
        if (name == "uuid__in") {
            std::vector<std::string> uuids;
            for (auto& u : split(value)) uuids.push_back(Lower(u));
            in_list("z.uuid", uuids);
            continue;
        }
        if (name == "zaaktype__in" || name == "zaaktype__not_in") {
            std::vector<std::string> keys;
            for (const auto& u : split(value)) keys.push_back(ZaaktypeKey(u));
            if (name == "zaaktype__in") {
                in_list("z.zaaktype_key", keys);
            } else {
                for (const auto& k : keys) q.where.Add("z.zaaktype_key <> ?", storage::MakeParams(k));
            }
            continue;
        }
        if (name == "omschrijving") {
            q.where.Add("LOWER(z.omschrijving) LIKE ?", storage::MakeParams("%" + Lower(value) + "%"));
            continue;
        }
        if (name == "zaaktype__omschrijving") {
            q.where.Add(
                "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = 'zaaktype__omschrijving' AND LOWER(k.value) "
                "LIKE ?)",
                storage::MakeParams("%" + Lower(value) + "%")
            );
            continue;
        }
        if (name == "identificatie" || name == "bronorganisatie") {
            q.where.Add(fmt::format("z.{} = ?", name), storage::MakeParams(value));
            continue;
        }
        if (name == "identificatie__icontains") {
            q.where.Add("LOWER(z.identificatie) LIKE ?", storage::MakeParams("%" + Lower(value) + "%"));
            continue;
        }
        if (name == "bronorganisatie__in") {
            in_list("z.bronorganisatie", split(value));
            continue;
        }
        if (name == "archiefnominatie" || name == "archiefstatus") {
            q.where.Add(fmt::format("z.{} = ?", name), storage::MakeParams(value));
            continue;
        }
        if (name == "archiefnominatie__in" || name == "archiefstatus__in") {
            in_list("z." + name.substr(0, name.size() - 4), split(value));
            continue;
        }
        if (name == "status__statustype") {
            q.where.Add("z.statustype = ?", storage::MakeParams(Stored(value, req.base_url)));
            continue;
        }
        if (name == "resultaat__resultaattype") {
            q.where.Add("z.resultaattype = ?", storage::MakeParams(Stored(value, req.base_url)));
            continue;
        }
        if (name == "maximaleVertrouwelijkheidaanduiding") {
            int rank = VertrouwelijkheidRank(value);
            if (rank == 0) {
                errors.push_back(
                    {name,
                     "invalid_choice",
                     fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", value)}
                );
                continue;
            }
            q.where.Add("z.vertrouwelijkheid <= ?", storage::MakeParams(std::int64_t{rank}));
            continue;
        }
        if (name == "kenmerk" || name == "kenmerk__bron") {
            by_key = by_key || name == "kenmerk";
            q.where.Add(
                "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = ? AND k.value = ?)",
                storage::MakeParams(name, value)
            );
            continue;
        }
        if (name == "rol__machtiging__loa") {
            q.where.Add(
                "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = 'machtiging__loa' AND k.value <= ?)",
                storage::MakeParams(LoaRank(value))
            );
            continue;
        }
        if (name.starts_with("rol__")) {
            std::string rest = name.substr(5);
            auto keys = RolKeyParams();
            bool known =
                rest == "betrokkeneType" || std::find(keys.begin(), keys.end(), std::string_view(rest)) != keys.end();
            if (known) {
                // A person's, organisation's or establishment's number names a few zaken; a roltype or a
                // medewerker may name many.
                by_key = by_key || rest == "betrokkene" ||
                         rest.starts_with("betrokkeneIdentificatie__natuurlijkPersoon") ||
                         rest.starts_with("betrokkeneIdentificatie__nietNatuurlijkPersoon") ||
                         rest.starts_with("betrokkeneIdentificatie__vestiging");
                q.where.Add(
                    "z.uuid IN (SELECT k.zaak FROM zaken_key k WHERE k.name = ? AND k.value = ?)",
                    storage::MakeParams(rest, value)
                );
                continue;
            }
        }
        // Date filters: exact, ranges and isnull.
        std::string field = name, op_suffix;
        if (auto pos = name.find("__"); pos != std::string::npos) {
            field = name.substr(0, pos);
            op_suffix = name.substr(pos + 2);
        }
        if (auto col = kDateColumns.find(field); col != kDateColumns.end()) {
            std::string c = "z." + col->second;
            if (op_suffix == "isnull") {
                bool yes = value == "true" || value == "True" || value == "1";
                q.where.Add(c + (yes ? " IS NULL" : " IS NOT NULL"));
                continue;
            }
            static const std::map<std::string, std::string, std::less<>> kOps{
                {"", "="}, {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
            auto o = kOps.find(op_suffix);
            if (o != kOps.end()) {
                if (date_ok(name, value)) q.where.Add(c + " " + o->second + " ?", storage::MakeParams(value));
                continue;
            }
        }
        errors.push_back({"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)});
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    // What the caller may see, as one condition in the query. For one zaaktype the grants reduce to one
    // maximum vertrouwelijkheid (a condition the planner estimates well, on the covering index); with a
    // polygon the spatial index must drive, and with a search key (a BSN) its index must: the zaaktype column is
    // then named in a way no index serves (without statistics SQLite would walk every zaak of the granted
    // zaaktypen, 100 000 at a million zaken, for the one or two a BSN has).
    if (zaaktype_key) {
        if (auto allowed = Allowed(principal, op.scopes)) {
            int rank = 0;
            for (const auto& limit : *allowed) {
                if (limit.type_key.empty() || limit.type_key == *zaaktype_key) rank = std::max(rank, limit.max_rank);
            }
            if (rank == 0) q.no_access = true;
            q.where.Add("z.vertrouwelijkheid <= ?", storage::MakeParams(std::int64_t{rank}));
        }
    } else {
        std::string_view key_expr;
        if (within || by_key)
            key_expr = store_.dialect() == storage::Dialect::kPostgres ? "(z.zaaktype_key || '')" : "+z.zaaktype_key";
        q.no_access = !AccessCondition(principal, op.scopes, "z.", q.where, key_expr);
    }
    if (only_zaaktype && q.order == "z.seq") {
        if (zaaktype_key) tally.Add("zaaktype_key = ?", storage::MakeParams(*zaaktype_key));
        q.tally = std::move(tally);
    }
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.ListZaken(s, q, paging.page, paging.page_size);
        if (!found) co_return Fail(found.error());
        std::int64_t pages = (found->count + paging.page_size - 1) / paging.page_size;
        if (paging.page > 1 && paging.page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
        auto rendered = co_await RenderZaken(s, found->rows, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        for (std::size_t i = 0; i < rendered->size() && !expand.empty(); ++i) {
            auto e = co_await Expand(
                s, std::move((*rendered)[i]), found->rows[i], expand, req.base_url, principal, op.scopes, 0
            );
            if (!e) co_return Fail(e.error());
            (*rendered)[i] = std::move(*e);
        }
        body = http::PageBody(req, found->count, paging.page, pages, *rendered);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), true);
}

asio::awaitable<Result<http::Response>> Service::Audit(const Operation& op, http::Request& req, bool one) {
    std::string zaak_uuid = Lower(req.PathParam("zaak_uuid"));
    std::string uuid = one ? Lower(req.PathParam("uuid")) : std::string();
    if (!IsUuid(zaak_uuid) || (one && !IsUuid(uuid))) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto z = co_await store_.GetZaak(s, zaak_uuid, false);
        if (!z) co_return Fail(z.error());
        // The trail outlives a deleted zaak; the zaak's rights apply while it exists.
        if (*z && !MayAccess(principal, op.scopes, **z) && !(principal && principal->all_rights)) {
            co_return Fail(Forbidden());
        }
        auto entries = co_await store_.AuditOf(s, zaak_uuid, uuid);
        if (!entries) co_return Fail(entries.error());
        if (one) {
            if (entries->empty()) co_return Fail(Error::NotFound());
            body = json::ExpandBase(entries->front().second, req.base_url);
            co_return Status{};
        }
        if (!*z && entries->empty()) co_return Fail(Error::NotFound());
        body = "[";
        for (std::size_t i = 0; i < entries->size(); ++i) {
            if (i) body += ',';
            json::AppendExpanded(body, (*entries)[i].second, req.base_url);
        }
        body += "]";
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body), false);
}

}  // namespace thorbecke::zaken
