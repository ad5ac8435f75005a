#include "catalogi/service.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "catalogi/rules.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/stored_url.h"
#include "core/notify/outbox.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::catalogi {

namespace bj = boost::json;

namespace {

//! The uuid in "<base>/catalogi/api/v1/<collection>/<uuid>", if url is exactly that.
std::optional<std::string> MatchUrl(std::string_view url, std::string_view base, const Kind& kind) {
    std::string prefix = fmt::format("{}{}/{}/", base, kApiRoot, kind.collection);
    if (!url.starts_with(prefix)) return std::nullopt;
    return json::UuidAfter(url, prefix);
}

std::string FullUrl(std::string_view base, const Kind& kind, std::string_view uuid) {
    return fmt::format("{}{}/{}/{}", base, kApiRoot, kind.collection, uuid);
}

bool Forced(const auth::Principal* p, std::string_view scope) {
    return p && p->Has("ztc", scope);
}

std::string StringField(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> OptDate(const bj::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
    return std::string(v->as_string());
}

//! A URL into this server (e.g. the built-in Referentielijsten API) is stored relative to the base URL, so it
//! follows the host name the server is reached by; other URLs are stored as given.
std::string ToStored(std::string_view url, std::string_view base) {
    if (url.starts_with(base) && url.size() > base.size() && url[base.size()] == '/') {
        return std::string(1, json::kBaseMarkerChar) + std::string(url.substr(base.size()));
    }
    return std::string(url);
}

std::string FromStored(std::string_view stored, std::string_view base) {
    if (!stored.empty() && stored.front() == json::kBaseMarkerChar)
        return std::string(base) + std::string(stored.substr(1));
    return std::string(stored);
}

Error RuleError(std::string name, std::string code, std::string reason) {
    return Error::Field(std::move(name), std::move(code), std::move(reason));
}

//! A stored JSON object with `url` taken out of its array field `field`.
std::string WithoutUrl(const std::string& stored, std::string_view field, std::string_view url) {
    bj::value v = bj::parse(stored);
    if (auto* arr = v.as_object().if_contains(field); arr && arr->is_array()) {
        auto& a = arr->as_array();
        for (auto it = a.begin(); it != a.end();) {
            if (it->is_string() && it->as_string() == url)
                it = a.erase(it);
            else
                ++it;
        }
    }
    return bj::serialize(v);
}

//! Whether objects of kind `name` refer to others under `rel` as one of a list (a many-to-many relation).
bool IsListReference(std::string_view name, std::string_view rel) {
    for (const Kind& k : Kinds()) {
        if (k.name != name) continue;
        for (const RefField& f : k.refs) {
            if (f.name == rel) return f.many;
        }
    }
    return false;
}

const bj::object* Schema(const json::SchemaSet& set, std::string_view name) {
    const auto& doc = set.document().as_object();
    auto* comps = doc.if_contains("components");
    auto* schemas = comps ? comps->as_object().if_contains("schemas") : nullptr;
    auto* s = schemas ? schemas->as_object().if_contains(name) : nullptr;
    return s ? s->if_object() : nullptr;
}

//! Default value of an absent optional field in a response: what the reference implementation shows.
std::optional<bj::value> DefaultFor(const json::SchemaSet& set, const bj::object& prop) {
    auto nullable = [](const bj::object& o) {
        auto* n = o.if_contains("nullable");
        return n && n->is_bool() && n->as_bool();
    };
    if (nullable(prop)) return bj::value(nullptr);
    const bj::object* p = &prop;
    if (auto* all = prop.if_contains("allOf"); all && all->is_array() && !all->as_array().empty()) {
        auto* ref = all->as_array()[0].as_object().if_contains("$ref");
        if (ref) {
            std::string_view r = ref->as_string();
            auto* target = Schema(set, r.substr(r.rfind('/') + 1));
            if (!target) return std::nullopt;
            if (target->contains("enum")) return bj::value("");
            return std::nullopt;
        }
    }
    if (prop.contains("oneOf")) return bj::value("");
    auto* t = p->if_contains("type");
    if (!t || !t->is_string()) return std::nullopt;
    std::string_view type = t->as_string();
    if (type == "string") return bj::value("");
    if (type == "array") return bj::value(bj::array());
    if (type == "boolean") return bj::value(false);
    return std::nullopt;
}

void AppendKey(std::string& out, std::string_view key) {
    out += ',';
    json::AppendString(out, key);
    out += ':';
}

void AppendUrls(
    std::string& out,
    std::string_view key,
    std::string_view base,
    const Kind& kind,
    const std::vector<std::string>& uuids
) {
    AppendKey(out, key);
    out += '[';
    for (std::size_t i = 0; i < uuids.size(); ++i) {
        if (i) out += ',';
        json::AppendString(out, FullUrl(base, kind, uuids[i]));
    }
    out += ']';
}

void AppendStrings(std::string& out, std::string_view key, const std::vector<std::string>& values) {
    AppendKey(out, key);
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        json::AppendString(out, values[i]);
    }
    out += ']';
}

void AppendOptString(std::string& out, std::string_view key, const std::string& v) {
    AppendKey(out, key);
    if (v.empty())
        out += "null";
    else
        json::AppendString(out, v);
}

}  // namespace

//! Renderings by request (base URL + target), per IO thread, each valid for one catalogue generation.
//! Lists and details of a catalogue are read far more often than the catalogue changes.
class RenderCache {
  public:
    static RenderCache& Local() {
        thread_local RenderCache cache;
        return cache;
    }
    using Tag = std::pair<int, std::int64_t>;
    std::optional<std::string> Find(const std::string& key, Tag generation) const {
        auto it = entries_.find(key);
        if (it == entries_.end() || it->second.first != generation) return std::nullopt;
        return it->second.second;
    }
    void Put(std::string key, Tag generation, const std::string& body) {
        if (bytes_ + body.size() > kMaxBytes) {
            entries_.clear();
            bytes_ = 0;
        }
        bytes_ += key.size() + body.size();
        entries_.insert_or_assign(std::move(key), std::make_pair(generation, body));
    }

  private:
    static constexpr std::size_t kMaxBytes = 16 * 1024 * 1024;
    std::unordered_map<std::string, std::pair<Tag, std::string>> entries_;
    std::size_t bytes_ = 0;
};

namespace {

//! The kanaal a catalogue resource is announced on: the three types, with their catalogus as kenmerk.
std::string_view KanaalOf(KindId kind) {
    switch (kind) {
        case KindId::kZaaktype:
            return "zaaktypen";
        case KindId::kInformatieobjecttype:
            return "informatieobjecttypen";
        case KindId::kBesluittype:
            return "besluittypen";
        default:
            return {};
    }
}

//! Writes the notification of a change of `row` into the outbox, in the write's transaction.
asio::awaitable<Status> Announce(
    storage::Session& s,
    storage::Dialect dialect,
    const Kind& kind,
    const Row& row,
    std::string_view actie,
    const std::string& base
) {
    std::string_view kanaal = KanaalOf(kind.id);
    if (kanaal.empty()) co_return Status{};
    notify::Message message;
    message.kanaal = kanaal;
    message.hoofd_object = fmt::format("{}/catalogi/api/v1/{}/{}", base, kind.collection, row.uuid);
    message.resource = kind.name;
    message.resource_url = message.hoofd_object;
    message.actie = actie;
    message.kenmerken.emplace_back("catalogus", fmt::format("{}/catalogi/api/v1/catalogussen/{}", base, row.catalogus));
    co_return co_await notify::Publish(s, dialect, message);
}

}  // namespace

struct Service::WriteContext {
    const Kind& kind;
    bj::object input;
    std::optional<Row> existing;
    std::string base;
    const auth::Principal* principal;
    std::optional<bj::object> patch;
    Row row;
    std::vector<Link> links;
    //! Selectielijst URLs that named no resource of the expected kind: (field, URL as given).
    std::vector<std::pair<std::string, std::string>> unresolved;
};

Service::Service(Store& store, const json::SchemaSet& schemas, referentielijsten::Lookup& selectielijst)
    : store_(store), schemas_(schemas), selectielijst_(selectielijst) {
    // Filter values with an enum or boolean type in the OAS are checked, so a typo gives 400, not an empty list.
    const auto* paths = schemas_.document().as_object().if_contains("paths");
    for (const Kind& kind : Kinds()) {
        const bj::value* path = paths ? paths->as_object().if_contains(fmt::format("/{}", kind.collection)) : nullptr;
        const bj::value* get = path ? path->as_object().if_contains("get") : nullptr;
        const bj::value* params = get ? get->as_object().if_contains("parameters") : nullptr;
        if (!params || !params->is_array()) continue;
        for (const auto& p : params->as_array()) {
            const auto* name = p.as_object().if_contains("name");
            const auto* schema = p.as_object().if_contains("schema");
            if (!name || !schema || !schema->is_object()) continue;
            ParamSpec spec;
            if (const auto* e = schema->as_object().if_contains("enum"); e && e->is_array()) {
                for (const auto& c : e->as_array()) {
                    if (c.is_string()) spec.choices.emplace_back(c.as_string());
                }
            }
            const auto* type = schema->as_object().if_contains("type");
            spec.boolean = type && type->is_string() && type->as_string() == "boolean";
            if (!spec.choices.empty() || spec.boolean) param_specs_[{kind.id, std::string(name->as_string())}] = spec;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Reading

asio::awaitable<Result<std::vector<std::string>>> Service::Render(
    storage::Session* s, const std::vector<Row>& rows, std::string_view base
) {
    auto related = co_await store_.LoadRelated(s, rows);
    if (!related) co_return Fail(related.error());
    const Related& rel = *related;
    std::vector<std::string> out;
    out.reserve(rows.size());
    // Objects of `kind` whose `relname` reference points at row: their uuids, or their omschrijvingen.
    auto incoming_field = [&](const Row& row, std::string_view kind, std::string_view relname, bool omschrijvingen) {
        std::vector<std::string> values;
        auto it = rel.incoming.find(row.uuid);
        if (it == rel.incoming.end()) return values;
        for (const auto& [k, src, r, omschrijving] : it->second) {
            if (k == kind && r == relname) values.push_back(omschrijvingen ? omschrijving : src);
        }
        return values;
    };
    auto incoming = [&](const Row& row, std::string_view kind, std::string_view relname) {
        return incoming_field(row, kind, relname, false);
    };
    auto incoming_omschrijving = [&](const Row& row, std::string_view kind, std::string_view relname) {
        return incoming_field(row, kind, relname, true);
    };
    auto outgoing_omschrijving = [&](const Row& row, std::string_view relname) {
        std::vector<std::string> values;
        auto it = rel.outgoing.find(row.uuid);
        if (it == rel.outgoing.end()) return values;
        for (const auto& [r, dst, omschrijving] : it->second) {
            if (r == relname) values.push_back(omschrijving);
        }
        return values;
    };
    auto lookup = [](const auto& map, const std::string& key) {
        auto it = map.find(key);
        return it == map.end() ? typename std::decay_t<decltype(map)>::mapped_type{} : it->second;
    };
    auto span = [&](std::string& o, std::string_view kind, const std::string& catalogus, const std::string& key) {
        auto it = rel.object_span.find({std::string(kind), catalogus, key});
        std::string begin, end;
        if (it != rel.object_span.end()) std::tie(begin, end) = it->second;
        AppendOptString(o, "beginObject", begin);
        AppendOptString(o, "eindeObject", end);
    };
    for (const Row& row : rows) {
        const Kind& kind = GetKind(row.kind);
        std::string o;
        o.reserve(row.doc.size() + 512);
        o += "{\"url\":";
        json::AppendString(o, FullUrl(base, kind, row.uuid));
        if (row.doc.size() > 2) {
            o += ',';
            json::AppendExpanded(o, std::string_view(row.doc).substr(1, row.doc.size() - 2), base);
        }
        if (kind.publishable) {
            AppendKey(o, "concept");
            o += row.is_concept ? "true" : "false";
        }
        if (kind.child_of_zaaktype) {
            AppendKey(o, "zaaktypeIdentificatie");
            json::AppendString(o, lookup(rel.zaaktype_identificatie, row.zaaktype));
            AppendKey(o, "catalogus");
            json::AppendString(o, FullUrl(base, GetKind(KindId::kCatalogus), row.catalogus));
        }
        for (const Incoming& inc : kind.incoming) {
            const Kind& source = GetKind(inc.source);
            AppendUrls(o, inc.field, base, source, incoming(row, source.name, inc.rel));
        }
        // What cannot be said as "objects referring to this one".
        switch (row.kind) {
            case KindId::kZaaktype:
                AppendUrls(
                    o,
                    "informatieobjecttypen",
                    base,
                    GetKind(KindId::kInformatieobjecttype),
                    lookup(rel.zaaktype_iots, row.uuid)
                );
                break;
            case KindId::kStatustype: {
                AppendKey(o, "isEindstatus");
                auto it = rel.max_volgnummer.find(row.zaaktype);
                bool last = it != rel.max_volgnummer.end() && row.volgnummer && *row.volgnummer == it->second;
                o += last ? "true" : "false";
                break;
            }
            case KindId::kResultaattype:
                AppendStrings(o, "besluittypeOmschrijving", outgoing_omschrijving(row, "besluittypen"));
                AppendStrings(
                    o, "informatieobjecttypeOmschrijving", outgoing_omschrijving(row, "informatieobjecttypen")
                );
                break;
            case KindId::kZaakobjecttype:
                AppendUrls(o, "resultaattypen", base, GetKind(KindId::kResultaattype), {});
                break;
            case KindId::kInformatieobjecttype:
                AppendUrls(o, "zaaktypen", base, GetKind(KindId::kZaaktype), lookup(rel.iot_zaaktypen, row.uuid));
                break;
            case KindId::kBesluittype:
                AppendStrings(
                    o, "resultaattypenOmschrijving", incoming_omschrijving(row, "resultaattype", "besluittypen")
                );
                AppendStrings(o, "vastgelegdIn", {});
                break;
            default:
                break;
        }
        // beginObject/eindeObject: the life span of all versions of the type (children: of their zaaktype).
        if (kind.publishable) {
            span(o, kind.name, row.catalogus, row.identificatie);
        } else if (kind.child_of_zaaktype && row.kind != KindId::kZaaktypeInformatieobjecttype) {
            span(o, "zaaktype", row.catalogus, lookup(rel.zaaktype_identificatie, row.zaaktype));
        }
        o += '}';
        out.push_back(std::move(o));
    }
    co_return out;
}

asio::awaitable<Result<Service::CacheTag>> Service::CurrentTag(storage::Session* session) {
    if (feed_) {
        if (auto v = feed_->Version()) co_return CacheTag{1, static_cast<std::int64_t>(*v)};
    }
    auto generation = co_await store_.Generation(session);
    if (!generation) co_return Fail(generation.error());
    co_return CacheTag{0, *generation};
}

asio::awaitable<Result<std::string>> Service::CachedRender(
    std::string key, RenderFn render, storage::Session* session
) {
    auto tag = co_await CurrentTag(session);
    if (!tag) co_return Fail(tag.error());
    if (auto hit = RenderCache::Local().Find(key, *tag)) co_return std::move(*hit);
    std::string body;
    std::function<asio::awaitable<Status>(storage::Session&)> run = [&](storage::Session& s
                                                                    ) -> asio::awaitable<Status> {
        if (tag->first == 0) {
            // The generation of the snapshot itself, which may be newer than the one read above.
            auto snapshot = co_await store_.Generation(&s);
            if (!snapshot) co_return Fail(snapshot.error());
            tag->second = *snapshot;
        }
        auto rendered = co_await render(s);
        if (!rendered) co_return Fail(rendered.error());
        body = std::move(*rendered);
        co_return Status{};
    };
    // Inside a caller's transaction its own connection reads (another could be waiting for this one's locks);
    // otherwise all reads of one request in one go: one snapshot, one round of locking (see Database::Read).
    Status st;
    if (session) {
        st = co_await run(*session);
    } else {
        storage::Database::TxFn fn = run;
        st = co_await store_.db().Read(fn);
    }
    if (!st) co_return Fail(st.error());
    RenderCache::Local().Put(std::move(key), *tag, body);
    co_return body;
}

asio::awaitable<Result<std::string>> Service::RetrieveUuid(
    const Kind& kind, std::string uuid, std::string base_url, std::string path, storage::Session* session
) {
    RenderFn render = [&](storage::Session& s) -> asio::awaitable<Result<std::string>> {
        auto row = co_await store_.Get(&s, uuid);
        if (!row) co_return Fail(row.error());
        if (!*row || (*row)->kind != kind.id) co_return Fail(Error::NotFound());
        std::vector<Row> one(1, std::move(**row));
        auto rendered = co_await Render(&s, one, base_url);
        if (!rendered) co_return Fail(rendered.error());
        co_return std::move(rendered->front());
    };
    std::string key = base_url + path;
    co_return co_await CachedRender(key, render, session);
}

asio::awaitable<Result<Rendered>> Service::Retrieve(const Kind& kind, const http::Request& req) {
    const std::string& uuid = req.PathParam("uuid");
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto body = co_await RetrieveUuid(kind, uuid, req.base_url, req.path, nullptr);
    if (!body) co_return Fail(body.error());
    co_return Rendered{200, std::move(*body)};
}

asio::awaitable<Result<std::optional<std::string>>> Service::FindByUrl(
    std::string url, std::string base_url, storage::Session* session
) {
    std::string root = base_url + std::string(kApiRoot) + "/";
    if (!url.starts_with(root)) co_return std::nullopt;
    std::string_view rest = std::string_view(url).substr(root.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) co_return std::nullopt;
    const Kind* kind = FindKindByCollection(rest.substr(0, slash));
    if (!kind) co_return std::nullopt;
    auto uuid = MatchUrl(url, base_url, *kind);
    if (!uuid) co_return std::nullopt;
    std::string path = FullUrl("", *kind, *uuid);
    auto body = co_await RetrieveUuid(*kind, *uuid, base_url, path, session);
    if (!body) {
        if (body.error().status == 404) co_return std::nullopt;
        co_return Fail(body.error());
    }
    co_return std::move(*body);
}

asio::awaitable<Result<Rendered>> Service::List(const Kind& kind, const http::Request& req) {
    ListQuery q;
    std::vector<InvalidParam> errors;
    http::Paging paging;
    std::optional<std::string> status;
    auto d = store_.db().dialect();
    for (const auto& [name, raw_value] : req.query.items()) {
        auto took = http::TakePageParam(name, raw_value, paging, errors);
        if (!took) co_return Fail(took.error());
        if (*took) continue;
        const Filter* f = nullptr;
        for (const auto& candidate : kind.filters) {
            if (candidate.param == name) f = &candidate;
        }
        if (!f) {
            errors.push_back(
                {"nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)}
            );
            continue;
        }
        std::string value = raw_value;
        if (auto spec = param_specs_.find({kind.id, name}); spec != param_specs_.end()) {
            if (spec->second.boolean) {
                if (value == "true" || value == "True" || value == "1")
                    value = "true";
                else if (value == "false" || value == "False" || value == "0")
                    value = "false";
                else {
                    errors.push_back({name, "invalid", "Kies een geldige waarde: true of false."});
                    continue;
                }
            } else if (std::find(spec->second.choices.begin(), spec->second.choices.end(), value) == spec->second.choices.end()) {
                errors.push_back(
                    {name,
                     "invalid_choice",
                     fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", value)}
                );
                continue;
            }
        }
        auto url_uuid = [&](KindId target) -> std::optional<std::string> {
            if (!json::IsHttpUrl(value)) {
                errors.push_back({name, "invalid", "Voer een geldige URL in."});
                return std::nullopt;
            }
            // A URL that is not one of ours matches nothing.
            return MatchUrl(value, req.base_url, GetKind(target)).value_or("-");
        };
        switch (f->op) {
            case FilterOp::kCatalogus:
                if (auto u = url_uuid(KindId::kCatalogus)) q.where.emplace_back("catalogus = ?", *u);
                break;
            case FilterOp::kZaaktype:
                if (auto u = url_uuid(KindId::kZaaktype)) q.where.emplace_back("zaaktype = ?", *u);
                break;
            case FilterOp::kZaaktypeIdentificatie:
                q.where.emplace_back(
                    "zaaktype IN (SELECT z.uuid FROM catalogi_object z WHERE z.kind = 'zaaktype' AND z.identificatie = "
                    "?)",
                    value
                );
                break;
            case FilterOp::kStatus:
                if (value != "alles" && value != "concept" && value != "definitief") {
                    errors.push_back(
                        {name,
                         "invalid_choice",
                         fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", value)}
                    );
                }
                status = value;
                break;
            case FilterOp::kDatumGeldigheid:
                if (!ParseDate(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige datum in."});
                    break;
                }
                q.where.emplace_back("begin_geldigheid <= ?", value);
                q.where.emplace_back("(einde_geldigheid IS NULL OR einde_geldigheid >= ?)", value);
                break;
            case FilterOp::kDateEquals:
                if (!ParseDate(value)) {
                    errors.push_back({name, "invalid", "Voer een geldige datum in."});
                    break;
                }
                q.where.emplace_back(fmt::format("{} = ?", f->column), value);
                break;
            case FilterOp::kEquals:
                q.where.emplace_back(fmt::format("{} = ?", f->column), value);
                break;
            case FilterOp::kIContains: {
                std::string pattern = "%";
                for (char c : value) {
                    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
                    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                pattern += '%';
                q.where.emplace_back(fmt::format("LOWER({}) LIKE ? ESCAPE '\\'", f->column), pattern);
                break;
            }
            case FilterOp::kIn: {
                std::vector<std::string> values;
                std::size_t pos = 0;
                while (pos <= value.size()) {
                    auto comma = value.find(',', pos);
                    if (comma == std::string::npos) comma = value.size();
                    if (comma > pos) values.push_back(value.substr(pos, comma - pos));
                    pos = comma + 1;
                }
                std::string cond = storage::InValues(d, f->column, 0, values);
                cond.replace(cond.find("$0"), 2, "?");
                q.where.emplace_back(std::move(cond), storage::ValuesParam(d, values));
                break;
            }
            case FilterOp::kTrefwoorden: {
                std::size_t pos = 0;
                while (pos <= value.size()) {
                    auto comma = value.find(',', pos);
                    if (comma == std::string::npos) comma = value.size();
                    if (comma > pos) {
                        q.where.emplace_back(
                            "uuid IN (SELECT src FROM catalogi_link WHERE rel = 'trefwoord' AND dst = ?)",
                            value.substr(pos, comma - pos)
                        );
                    }
                    pos = comma + 1;
                }
                break;
            }
            case FilterOp::kRelation: {
                auto u = url_uuid(*f->url_kind);
                if (!u) break;
                if (f->column == "ziot_zaaktype") {
                    q.where.emplace_back(
                        "uuid IN (SELECT b.dst FROM catalogi_link a JOIN catalogi_link b ON b.src = a.src AND b.rel = "
                        "'informatieobjecttype' WHERE a.rel = 'zaaktype' AND a.dst = ?)",
                        *u
                    );
                } else if (f->column == "zaaktype_besluittypen") {
                    q.where.emplace_back(
                        "uuid IN (SELECT dst FROM catalogi_link WHERE rel = 'besluittypen' AND src = ?)", *u
                    );
                } else {
                    q.where.emplace_back(
                        fmt::format("uuid IN (SELECT src FROM catalogi_link WHERE rel = '{}' AND dst = ?)", f->column),
                        *u
                    );
                }
                break;
            }
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    bool has_status = std::any_of(kind.filters.begin(), kind.filters.end(), [](const Filter& f) {
        return f.op == FilterOp::kStatus;
    });
    if (has_status) {
        // The OAS: without `status`, only published (definitief) objects are listed.
        std::string st = status.value_or("definitief");
        if (st == "concept") q.raw_where.emplace_back("concept = 1");
        if (st == "definitief") q.raw_where.emplace_back("concept = 0");
    }
    auto body = co_await CachedRender(
        req.base_url + req.target,
        [&](storage::Session& s) -> asio::awaitable<Result<std::string>> {
            auto found = co_await store_.List(&s, kind, q, paging.page, paging.page_size);
            if (!found) co_return Fail(found.error());
            std::int64_t pages = (found->count + paging.page_size - 1) / paging.page_size;
            if (paging.page > 1 && paging.page > pages) co_return Fail(Error::NotFound("Ongeldige pagina."));
            auto rendered = co_await Render(&s, found->rows, req.base_url);
            if (!rendered) co_return Fail(rendered.error());
            co_return http::PageBody(req, found->count, paging.page, pages, *rendered);
        }
    );
    if (!body) co_return Fail(body.error());
    co_return Rendered{200, std::move(*body)};
}

// ---------------------------------------------------------------------------------------------------------
// Writing

asio::awaitable<Status> Service::Prepare(WriteContext& ctx, storage::Session& s) {
    const Kind& kind = ctx.kind;
    bj::object& in = ctx.input;
    Row& row = ctx.row;
    std::vector<InvalidParam> errors;
    const bool forced = Forced(ctx.principal, "catalogi.geforceerd-schrijven");

    if (ctx.existing) {
        row = *ctx.existing;
    } else {
        row = Row{};
        row.uuid = NewUuid();
        row.created_at = NowIso();
        row.is_concept = kind.publishable;
    }
    row.kind = kind.id;

    // ztc-009: a published type is not changed, except its eindeGeldigheid (or by a forced correction).
    if (ctx.existing && kind.publishable && !ctx.existing->is_concept && !forced) {
        if (!(ctx.patch && OnlyEindeGeldigheid(*ctx.patch))) {
            co_return Fail(RuleError(
                "nonFieldErrors",
                "non-concept-object",
                fmt::format("Het is niet toegestaan om een gepubliceerd {} te wijzigen.", kind.name)
            ));
        }
    }
    // ztc-010: nor is a concept type related to a published one (again except eindeGeldigheid, or forced).
    if (ctx.existing && kind.publishable && !forced && !(ctx.patch && OnlyEindeGeldigheid(*ctx.patch))) {
        auto unrelated = co_await NotRelatedToPublished(s, *ctx.existing, false);
        if (!unrelated) co_return unrelated;
    }

    // Only fields of the request schema are kept; read-only fields a client sends along are ignored.
    if (const bj::object* req_schema = Schema(schemas_, kind.request_schema)) {
        const auto& props = req_schema->at("properties").as_object();
        for (auto it = in.begin(); it != in.end();) {
            if (!props.contains(it->key()))
                it = in.erase(it);
            else
                ++it;
        }
    }

    // References to other Catalogi resources: resolve, check kind and existence, store in normal form.
    std::map<std::string, std::vector<Row>, std::less<>> refs;
    for (const RefField& f : kind.refs) {
        auto* v = in.if_contains(f.name);
        if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) continue;
        const Kind& target = GetKind(f.target);
        std::vector<std::pair<std::string, bj::value*>> found;  // (uuid, slot)
        auto resolve = [&](bj::value& slot, const std::string& name) {
            if (!slot.is_string()) return;
            auto uuid = MatchUrl(slot.as_string(), ctx.base, target);
            if (!uuid) {
                errors.push_back({name, "no_match", "Ongeldige hyperlink - Geen URL match."});
                return;
            }
            found.emplace_back(*uuid, &slot);
        };
        if (f.many) {
            if (!v->is_array()) continue;
            auto& arr = v->as_array();
            for (std::size_t i = 0; i < arr.size(); ++i) resolve(arr[i], fmt::format("{}.{}", f.name, i));
        } else {
            resolve(*v, std::string(f.name));
        }
        std::vector<std::string> uuids;
        for (const auto& [u, slot] : found) uuids.push_back(u);
        auto rows = co_await store_.GetMany(&s, uuids);
        if (!rows) co_return Fail(rows.error());
        auto& list = refs[std::string(f.name)];
        for (const auto& [u, slot] : found) {
            auto it = std::find_if(rows->begin(), rows->end(), [&](const Row& r) {
                return r.uuid == u && r.kind == f.target;
            });
            if (it == rows->end()) {
                errors.push_back({std::string(f.name), "does_not_exist", "Ongeldige hyperlink - Object bestaat niet."});
                continue;
            }
            *slot = bj::string(StoredUrl(target, u));
            list.push_back(*it);
            ctx.links.push_back(Link{std::string(f.name), u});
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    // Where the object lives: its catalogus, and for children their zaaktype.
    const Row* parent = nullptr;
    if (kind.child_of_zaaktype) {
        parent = &refs["zaaktype"].front();
        row.zaaktype = parent->uuid;
        row.catalogus = parent->catalogus;
        row.is_concept = parent->is_concept;
        bool blocked = !parent->is_concept;
        if (kind.id == KindId::kZaaktypeInformatieobjecttype) {
            // ztc-010: for this relation only when both ends are published.
            auto& iot = refs["informatieobjecttype"];
            blocked = blocked && !iot.empty() && !iot.front().is_concept;
        }
        if (ctx.existing && !ctx.existing->is_concept && kind.id != KindId::kZaaktypeInformatieobjecttype)
            blocked = true;
        if (blocked && !forced) {
            co_return Fail(RuleError(
                "nonFieldErrors",
                kind.id == KindId::kZaaktypeInformatieobjecttype ? "non-concept-relation" : "non-concept-zaaktype",
                "Het is niet toegestaan om objecten van een gepubliceerd zaaktype te wijzigen of toe te voegen."
            ));
        }
    } else if (kind.id != KindId::kCatalogus) {
        row.catalogus = refs["catalogus"].front().uuid;
    }

    // ztc-013: relations stay within one catalogus; statustype references within one zaaktype.
    for (const RefField& f : kind.refs) {
        if (f.name == "catalogus" || (f.name == "zaaktype" && kind.child_of_zaaktype)) continue;
        for (const Row& target : refs[std::string(f.name)]) {
            if (target.catalogus != row.catalogus) {
                errors.push_back(
                    {std::string(f.name),
                     "relations-incorrect-catalogus",
                     "De relatie moet naar een object in dezelfde catalogus verwijzen."}
                );
            } else if (f.same_zaaktype && target.zaaktype != row.zaaktype) {
                errors.push_back(
                    {std::string(f.name),
                     "relations-incorrect-zaaktype",
                     "Het statustype moet bij hetzelfde zaaktype horen."}
                );
            }
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    // Validity period: children take the zaaktype's unless given, and must agree with it.
    if (parent) {
        bj::object parent_input = bj::parse(parent->input).as_object();
        auto* begin = in.if_contains("beginGeldigheid");
        if (!begin || begin->is_null() || (begin->is_string() && begin->as_string().empty())) {
            if (parent->begin_geldigheid) in["beginGeldigheid"] = *parent->begin_geldigheid;
        } else if (begin->is_string() && parent->begin_geldigheid && begin->as_string() != *parent->begin_geldigheid &&
                   begin->as_string() != StringField(parent_input, "versiedatum")) {
            errors.push_back(
                {"beginGeldigheid",
                 "invalid-begin-geldigheid",
                 "beginGeldigheid moet gelijk zijn aan de beginGeldigheid of versiedatum van het zaaktype."}
            );
        }
        auto* end = in.if_contains("eindeGeldigheid");
        if ((!end || end->is_null()) && parent->einde_geldigheid && kind.id != KindId::kZaaktypeInformatieobjecttype) {
            in["eindeGeldigheid"] = *parent->einde_geldigheid;
        }
        if (kind.id == KindId::kZaaktypeInformatieobjecttype) {
            in.erase("beginGeldigheid");
            in.erase("eindeGeldigheid");
        }
    }
    row.begin_geldigheid = OptDate(in, "beginGeldigheid");
    row.einde_geldigheid = OptDate(in, "eindeGeldigheid");
    // Only the zaaktype's parts are held to begin <= einde (as the reference does): a published zaaktype may be
    // closed (eindeGeldigheid only) on any date.
    if (kind.child_of_zaaktype && row.begin_geldigheid && row.einde_geldigheid &&
        *row.einde_geldigheid < *row.begin_geldigheid) {
        errors.push_back({"eindeGeldigheid", "date-mismatch", "eindeGeldigheid mag niet voor beginGeldigheid liggen."});
    }

    // Kind-specific fields and rules.
    row.omschrijving = StringField(in, "omschrijving");
    row.attr1 = kind.attr1.empty() ? "" : StringField(in, kind.attr1);
    row.attr2 = kind.attr2.empty() ? "" : StringField(in, kind.attr2);
    row.attr3.clear();
    row.volgnummer.reset();
    if (auto* vn = in.if_contains("volgnummer"); vn && vn->is_int64()) row.volgnummer = vn->as_int64();
    switch (kind.id) {
        case KindId::kCatalogus:
            if (!IsValidRsin(StringField(in, "rsin"))) {
                errors.push_back({"rsin", "invalid", "Onjuist RSIN: het voldoet niet aan de elfproef."});
            }
            break;
        case KindId::kZaaktype: {
            std::string ident = StringField(in, "identificatie");
            if (ident.empty()) {
                if (ctx.existing && !ctx.existing->identificatie.empty()) {
                    ident = ctx.existing->identificatie;
                } else {
                    auto n = co_await store_.NextNumber(s, "zaaktype");
                    if (!n) co_return Fail(n.error());
                    ident = fmt::format("ZAAKTYPE-{}-{:010}", static_cast<int>(Today().year()), *n);
                }
                in["identificatie"] = ident;
            }
            row.identificatie = ident;
            std::string procestype = StringField(in, "selectielijstProcestype");
            if (!procestype.empty()) {
                auto p = co_await selectielijst_.FindProcestype(procestype, ctx.base);  // ztc-001
                if (!p) co_return Fail(p.error());
                if (!*p) {
                    errors.push_back(
                        {"selectielijstProcestype",
                         "bad-url",
                         "De URL verwijst niet naar een procestype van de selectielijst."}
                    );
                    ctx.unresolved.emplace_back("selectielijstProcestype", procestype);
                }
                in["selectielijstProcestype"] = ToStored(procestype, ctx.base);
            }
            if (auto* tw = in.if_contains("trefwoorden"); tw && tw->is_array()) {
                for (const auto& w : tw->as_array()) {
                    if (w.is_string()) ctx.links.push_back(Link{"trefwoord", std::string(w.as_string())});
                }
            }
            break;
        }
        case KindId::kInformatieobjecttype:
        case KindId::kBesluittype:
            row.identificatie = row.omschrijving;
            break;
        case KindId::kEigenschap:
            row.omschrijving = StringField(in, "naam");
            break;
        case KindId::kZaakobjecttype: {
            auto* ao = in.if_contains("anderObjecttype");
            row.attr3 = ao && ao->is_bool() && ao->as_bool() ? "true" : "false";
            break;
        }
        case KindId::kResultaattype: {
            // ztc-002: omschrijvingGeneriek from the resultaattypeomschrijving; the selectielijstklasse must
            // belong to the zaaktype's procestype and supplies archiefnominatie/archiefactietermijn defaults.
            // Checked in the reference's order: the two URLs (field errors) first; then the fields of
            // brondatumArchiefprocedure (ztc-004 … ztc-008), which alone are reported when wrong; then the rules
            // on the resultaattype as a whole (procestype, ztc-003) as nonFieldErrors.
            std::vector<InvalidParam> url_errors;
            std::string rto_url = StringField(in, "resultaattypeomschrijving");
            auto rto = co_await selectielijst_.FindResultaattypeomschrijving(rto_url, ctx.base);
            if (!rto) co_return Fail(rto.error());
            if (!*rto) {
                url_errors.push_back(
                    {"resultaattypeomschrijving", "bad-url", "De URL verwijst niet naar een resultaattypeomschrijving."}
                );
                ctx.unresolved.emplace_back("resultaattypeomschrijving", rto_url);
            } else {
                in["omschrijvingGeneriek"] = (*rto)->omschrijving;
                in["resultaattypeomschrijving"] = ToStored(rto_url, ctx.base);
            }
            std::string klasse_url = StringField(in, "selectielijstklasse");
            auto klasse = co_await selectielijst_.FindResultaat(klasse_url, ctx.base);
            if (!klasse) co_return Fail(klasse.error());
            if (!*klasse) {
                url_errors.push_back(
                    {"selectielijstklasse", "bad-url", "De URL verwijst niet naar een resultaat van de selectielijst."}
                );
                ctx.unresolved.emplace_back("selectielijstklasse", klasse_url);
            }
            if (!url_errors.empty()) {
                errors.insert(errors.end(), url_errors.begin(), url_errors.end());
                break;
            }
            const auto& k = **klasse;
            in["selectielijstklasse"] = ToStored(klasse_url, ctx.base);
            auto* nominatie = in.if_contains("archiefnominatie");
            if (!nominatie || (nominatie->is_string() && nominatie->as_string().empty())) {
                in["archiefnominatie"] = k.waardering;
            }
            auto* termijn = in.if_contains("archiefactietermijn");
            if ((!termijn || termijn->is_null()) && !k.bewaartermijn.empty())
                in["archiefactietermijn"] = k.bewaartermijn;
            const bj::object* brondatum = nullptr;
            if (auto* b = in.if_contains("brondatumArchiefprocedure"); b && b->is_object()) brondatum = &b->as_object();
            if (brondatum) {
                auto field_errors = CheckBrondatumArchiefprocedure(*brondatum);
                if (!field_errors.empty()) {
                    errors.insert(errors.end(), field_errors.begin(), field_errors.end());
                    break;
                }
            }
            // Compare canonical URLs: the zaaktype's may differ in case or port notation.
            bj::object parent_input = bj::parse(parent->input).as_object();
            std::string zaaktype_procestype =
                FromStored(StringField(parent_input, "selectielijstProcestype"), ctx.base);
            std::optional<referentielijsten::Procestype> procestype;
            if (!zaaktype_procestype.empty()) {
                auto p = co_await selectielijst_.FindProcestype(zaaktype_procestype, ctx.base);
                if (!p) co_return Fail(p.error());
                procestype = std::move(*p);
            }
            if (!procestype || procestype->url != k.procestype_url) {
                errors.push_back(
                    {"nonFieldErrors",
                     "procestype-mismatch",
                     "De selectielijstklasse hoort niet bij het selectielijstProcestype van het zaaktype."}
                );
            }
            if (brondatum) {
                if (auto e = CheckAfleidingswijzeForProcestermijn(*brondatum, k.procestermijn))
                    errors.push_back(std::move(*e));
            }
            break;
        }
        default:
            break;
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));

    // Versions of one type may not overlap in validity within a catalogus.
    if (kind.publishable) {
        auto versions = co_await store_.Versions(s, kind.id, row.catalogus, row.identificatie, row.uuid);
        if (!versions) co_return Fail(versions.error());
        for (const Row& v : *versions) {
            if (PeriodsOverlap(
                    v.begin_geldigheid.value_or(""),
                    v.einde_geldigheid.value_or(""),
                    row.begin_geldigheid.value_or(""),
                    row.einde_geldigheid.value_or("")
                )) {
                co_return Fail(RuleError(
                    "beginGeldigheid",
                    "overlap",
                    fmt::format("Dit {} komt al voor binnen de catalogus en opgegeven geldigheidsperiode.", kind.name)
                ));
            }
        }
    }

    // The stored forms: the accepted request, and the response without derived fields.
    row.input = bj::serialize(in);
    bj::object doc = in;
    if (const bj::object* resp_schema = Schema(schemas_, kind.schema)) {
        for (const auto& [key, prop] : resp_schema->at("properties").as_object()) {
            const auto& p = prop.as_object();
            auto* ro = p.if_contains("readOnly");
            if ((ro && ro->is_bool() && ro->as_bool() && key != "omschrijvingGeneriek") || doc.contains(key)) continue;
            if (auto def = DefaultFor(schemas_, p)) doc[key] = *def;
        }
    }
    // Fields rendered from relations are not stored in the document.
    doc.erase("url");
    doc.erase("concept");
    doc.erase("zaaktypeIdentificatie");
    if (kind.child_of_zaaktype) doc.erase("catalogus");
    row.doc = bj::serialize(doc);
    co_return Status{};
}

asio::awaitable<Result<std::string>> Service::Write(
    const Kind& kind,
    bj::object input,
    const std::optional<Row>& existing,
    const std::string& base_url,
    const auth::Principal* principal,
    std::optional<bj::object> patch
) {
    WriteContext ctx{kind, std::move(input), existing, base_url, principal, std::move(patch), {}, {}, {}};
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        ctx.links.clear();
        ctx.unresolved.clear();
        auto prepared = co_await Prepare(ctx, s);
        if (!prepared) co_return prepared;
        auto saved = co_await store_.Save(s, ctx.row, ctx.links);
        if (!saved) co_return saved;
        std::string_view actie = !ctx.existing ? "create" : (ctx.patch ? "partial_update" : "update");
        co_return co_await Announce(s, store_.db().dialect(), ctx.kind, ctx.row, actie, ctx.base);
    });
    Changed();
    if (!st) {
        if (ctx.unresolved.empty()) co_return Fail(st.error());
        // Outside the transaction: what the unresolved URLs answer decides bad-url or invalid-resource.
        Error classified = co_await ClassifyUnresolved(st.error(), ctx.unresolved);
        co_return Fail(std::move(classified));
    }
    co_return ctx.row.uuid;
}

asio::awaitable<Error> Service::ClassifyUnresolved(
    Error error, const std::vector<std::pair<std::string, std::string>>& unresolved
) {
    if (!reference_client_) co_return error;
    for (InvalidParam& p : error.invalid_params) {
        if (p.code != "bad-url") continue;
        auto it = std::find_if(unresolved.begin(), unresolved.end(), [&](const auto& u) { return u.first == p.name; });
        if (it == unresolved.end()) continue;
        std::string url = it->second;
        auto answer = co_await reference_client_->Get(url);
        if (answer && answer->status == 200) {
            p.code = "invalid-resource";
            p.reason = "De URL wijst niet naar een resource van het verwachte type.";
        }
    }
    co_return error;
}

asio::awaitable<Status> Service::NotRelatedToPublished(storage::Session& s, const Row& row, bool deleting) {
    // The relations the reference implementation guards: a zaaktype's besluittypen (and, for removal, its
    // informatieobjecttypen), a besluittype's informatieobjecttypen (and its zaaktypen), an
    // informatieobjecttype's besluittypen and zaaktypen. A zaaktype-informatieobjecttype is as published as
    // its zaaktype.
    std::vector<std::string> related;
    auto add_targets = [&](const std::vector<std::string>& uuids) {
        related.insert(related.end(), uuids.begin(), uuids.end());
    };
    if (row.kind == KindId::kZaaktype || row.kind == KindId::kBesluittype) {
        std::string_view rel = row.kind == KindId::kZaaktype ? "besluittypen" : "informatieobjecttypen";
        auto targets = co_await store_.Targets(&s, row.uuid, rel);
        if (!targets) co_return Fail(targets.error());
        add_targets(*targets);
    }
    if (row.kind == KindId::kZaaktype && deleting) {
        auto ziots = co_await store_.Children(&s, KindId::kZaaktypeInformatieobjecttype, row.uuid);
        if (!ziots) co_return Fail(ziots.error());
        for (const Row& z : *ziots) {
            auto t = co_await store_.Targets(&s, z.uuid, "informatieobjecttype");
            if (!t) co_return Fail(t.error());
            add_targets(*t);
        }
    }
    if (row.kind == KindId::kInformatieobjecttype || (row.kind == KindId::kBesluittype && deleting)) {
        auto referrers = co_await store_.Referrers(s, row);
        if (!referrers) co_return Fail(referrers.error());
        const std::string_view besluittype = GetKind(KindId::kBesluittype).name;
        const std::string_view ziot = GetKind(KindId::kZaaktypeInformatieobjecttype).name;
        const std::string_view zaaktype = GetKind(KindId::kZaaktype).name;
        for (const auto& [k, src, rel] : *referrers) {
            bool counts = row.kind == KindId::kInformatieobjecttype
                              ? (k == besluittype && rel == "informatieobjecttypen") ||
                                    (k == ziot && rel == "informatieobjecttype")
                              : k == zaaktype && rel == "besluittypen";
            if (counts) related.push_back(src);
        }
    }
    if (related.empty()) co_return Status{};
    auto rows = co_await store_.GetMany(&s, related);
    if (!rows) co_return Fail(rows.error());
    if (std::none_of(rows->begin(), rows->end(), [](const Row& r) { return !r.is_concept; })) co_return Status{};
    const std::string_view action = deleting ? "verwijderen" : "wijzigen";
    co_return Fail(RuleError(
        "nonFieldErrors",
        "non-concept-relation",
        fmt::format(
            "Het is niet toegestaan om een {} te {} dat gerelateerd is aan een gepubliceerd type.",
            GetKind(row.kind).name,
            action
        )
    ));
}

namespace {

//! The reference implementation takes a number where a zaaktype's identificatie (text) is expected, and the
//! VNG suite relies on that when it sets up its zaaktypen: accept an integer there, as its decimal text.
void AcceptNumericIdentificatie(const Kind& kind, bj::object& in) {
    if (kind.id != KindId::kZaaktype) return;
    if (auto* v = in.if_contains("identificatie"); v && v->is_int64()) *v = bj::string(std::to_string(v->as_int64()));
}

Result<bj::object> ParseObject(std::string_view body) {
    auto v = json::Parse(body);
    if (!v) return Fail(v.error());
    if (!v->is_object()) {
        return Fail(Error::Field("nonFieldErrors", "invalid", "Ongeldige data. Verwachtte een dictionary."));
    }
    return std::move(v->as_object());
}

}  // namespace

asio::awaitable<Result<Rendered>> Service::Create(const Kind& kind, const http::Request& req) {
    auto in = ParseObject(req.body);
    if (!in) co_return Fail(in.error());
    AcceptNumericIdentificatie(kind, *in);
    auto problems = schemas_.Validate(kind.request_schema, *in, false);
    if (!problems.empty()) co_return Fail(Error::Validation(std::move(problems)));
    auto uuid = co_await Write(
        kind, std::move(*in), std::nullopt, req.base_url, req.principal ? &*req.principal : nullptr, std::nullopt
    );
    if (!uuid) co_return Fail(uuid.error());
    auto row = co_await store_.Get(nullptr, *uuid);
    if (!row || !*row) co_return Fail(row ? Error::Internal("object vanished after create") : row.error());
    std::vector<Row> one(1, **row);
    auto rendered = co_await Render(nullptr, one, req.base_url);
    if (!rendered) co_return Fail(rendered.error());
    co_return Rendered{201, std::move(rendered->front())};
}

asio::awaitable<Result<Rendered>> Service::Update(const Kind& kind, const http::Request& req, bool partial) {
    const std::string& uuid = req.PathParam("uuid");
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto existing = co_await store_.Get(nullptr, uuid);
    if (!existing) co_return Fail(existing.error());
    if (!*existing || (*existing)->kind != kind.id) co_return Fail(Error::NotFound());
    auto in = ParseObject(req.body);
    if (!in) co_return Fail(in.error());
    AcceptNumericIdentificatie(kind, *in);
    std::optional<bj::object> patch;
    bj::object full;
    if (partial) {
        auto problems =
            schemas_.Validate(kind.patch_schema.empty() ? kind.request_schema : kind.patch_schema, *in, true);
        if (!problems.empty()) co_return Fail(Error::Validation(std::move(problems)));
        // PATCH = the stored request with the given fields replaced, then checked as a whole.
        full = bj::parse(json::ExpandBase((*existing)->input, req.base_url)).as_object();
        for (const auto& [k, v] : *in) full[k] = v;
        patch = *in;
    } else {
        full = std::move(*in);
    }
    auto problems = schemas_.Validate(kind.request_schema, full, false);
    if (!problems.empty()) co_return Fail(Error::Validation(std::move(problems)));
    auto done = co_await Write(
        kind, std::move(full), **existing, req.base_url, req.principal ? &*req.principal : nullptr, std::move(patch)
    );
    if (!done) co_return Fail(done.error());
    auto row = co_await store_.Get(nullptr, uuid);
    if (!row || !*row) co_return Fail(row ? Error::NotFound() : row.error());
    std::vector<Row> one(1, **row);
    auto rendered = co_await Render(nullptr, one, req.base_url);
    if (!rendered) co_return Fail(rendered.error());
    co_return Rendered{200, std::move(rendered->front())};
}

asio::awaitable<Status> Service::Delete(const Kind& kind, const http::Request& req) {
    const std::string& uuid = req.PathParam("uuid");
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    const bool forced = Forced(req.principal ? &*req.principal : nullptr, "catalogi.geforceerd-verwijderen");
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await store_.Get(&s, uuid);
        if (!row) co_return Fail(row.error());
        if (!*row || (*row)->kind != kind.id) co_return Fail(Error::NotFound());
        const Row& r = **row;
        if (!forced && r.kind != KindId::kZaaktypeInformatieobjecttype && !r.is_concept) {
            co_return Fail(RuleError(
                "nonFieldErrors",
                kind.publishable ? "non-concept-object" : "non-concept-zaaktype",
                fmt::format(
                    "Het is niet toegestaan om een gepubliceerd {} te verwijderen.",
                    kind.publishable ? kind.name : "zaaktype"
                )
            ));
        }
        if (!forced && r.kind == KindId::kZaaktypeInformatieobjecttype && !r.is_concept) {
            auto iot = co_await store_.Targets(&s, r.uuid, "informatieobjecttype");
            if (!iot) co_return Fail(iot.error());
            auto iots = co_await store_.GetMany(&s, *iot);
            if (!iots) co_return Fail(iots.error());
            if (!iots->empty() && !iots->front().is_concept) {
                co_return Fail(RuleError(
                    "nonFieldErrors",
                    "non-concept-relation",
                    "Het is niet toegestaan om een relatie tussen gepubliceerde typen te verwijderen."
                ));
            }
        }
        // ztc-010: nor a concept type related to a published one.
        if (!forced && kind.publishable) {
            auto unrelated = co_await NotRelatedToPublished(s, r, true);
            if (!unrelated) co_return unrelated;
        }
        auto referrers = co_await store_.Referrers(s, r);
        if (!referrers) co_return Fail(referrers.error());
        const std::string own_url = StoredUrl(kind, r.uuid);
        for (const auto& [k, src, relname] : *referrers) {
            if (IsListReference(k, relname)) {
                // One of a list of relations (a zaaktype's besluittypen, a besluittype's informatieobjecttypen):
                // the relation goes, the referrer stays.
                auto referrer = co_await store_.Get(&s, src);
                if (!referrer) co_return Fail(referrer.error());
                if (!*referrer) continue;
                std::string input = WithoutUrl((*referrer)->input, relname, own_url);
                std::string doc = WithoutUrl((*referrer)->doc, relname, own_url);
                auto detached = co_await store_.Detach(s, src, relname, r.uuid, input, doc);
                if (!detached) co_return detached;
                continue;
            }
            if (relname == "informatieobjecttype" && k == "zaaktype-informatieobjecttype") {
                // A relation object has no meaning without its informatieobjecttype: it goes too.
                auto zr = co_await store_.Get(&s, src);
                if (!zr) co_return Fail(zr.error());
                if (*zr) {
                    auto d = co_await store_.Delete(s, **zr);
                    if (!d) co_return d;
                }
                continue;
            }
            if (relname == "catalogus") continue;
            co_return Fail(RuleError(
                "nonFieldErrors",
                "in-use",
                fmt::format("Dit object wordt nog gebruikt door een {} ({}) en kan niet verwijderd worden.", k, relname)
            ));
        }
        auto deleted = co_await store_.Delete(s, r);
        if (!deleted) co_return deleted;
        co_return co_await Announce(s, store_.db().dialect(), kind, r, "destroy", req.base_url);
    });
    Changed();
    co_return st;
}

asio::awaitable<Result<Rendered>> Service::Publish(const Kind& kind, const http::Request& req) {
    const std::string& uuid = req.PathParam("uuid");
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto st = co_await PublishUuid(kind, uuid, req.base_url);
    if (!st) co_return Fail(st.error());
    auto row = co_await store_.Get(nullptr, uuid);
    if (!row || !*row) co_return Fail(row ? Error::NotFound() : row.error());
    std::vector<Row> one(1, **row);
    auto rendered = co_await Render(nullptr, one, req.base_url);
    if (!rendered) co_return Fail(rendered.error());
    co_return Rendered{200, std::move(rendered->front())};
}

asio::awaitable<Status> Service::PublishUuid(const Kind& kind, const std::string& uuid, const std::string&) {
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await store_.Get(&s, uuid);
        if (!row) co_return Fail(row.error());
        if (!*row || (*row)->kind != kind.id) co_return Fail(Error::NotFound());
        if (kind.id == KindId::kZaaktype) {
            // ztc-012: every related besluittype and informatieobjecttype must be published first.
            std::vector<InvalidParam> errors;
            auto bts = co_await store_.Targets(&s, uuid, "besluittypen");
            if (!bts) co_return Fail(bts.error());
            auto bt_rows = co_await store_.GetMany(&s, *bts);
            if (!bt_rows) co_return Fail(bt_rows.error());
            for (const Row& bt : *bt_rows) {
                if (bt.is_concept) {
                    errors.push_back(
                        {"nonFieldErrors", "concept-relation", "Alle besluittypen moeten gepubliceerd zijn."}
                    );
                    break;
                }
            }
            auto ziots = co_await store_.Children(&s, KindId::kZaaktypeInformatieobjecttype, uuid);
            if (!ziots) co_return Fail(ziots.error());
            std::vector<std::string> iot_uuids;
            for (const Row& z : *ziots) {
                auto t = co_await store_.Targets(&s, z.uuid, "informatieobjecttype");
                if (!t) co_return Fail(t.error());
                iot_uuids.insert(iot_uuids.end(), t->begin(), t->end());
            }
            auto iot_rows = co_await store_.GetMany(&s, iot_uuids);
            if (!iot_rows) co_return Fail(iot_rows.error());
            for (const Row& iot : *iot_rows) {
                if (iot.is_concept) {
                    errors.push_back(
                        {"nonFieldErrors", "concept-relation", "Alle informatieobjecttypen moeten gepubliceerd zijn."}
                    );
                    break;
                }
            }
            if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
        }
        co_return co_await store_.Publish(s, **row);
    });
    Changed();
    co_return st;
}

asio::awaitable<Result<std::string>> Service::CreateFromJson(
    const Kind& kind, const std::string& body, const std::string& base_url
) {
    auto in = ParseObject(body);
    if (!in) co_return Fail(in.error());
    auto problems = schemas_.Validate(kind.request_schema, *in, false);
    if (!problems.empty()) {
        std::string detail = fmt::format("demo {} is invalid: {}", kind.name, problems.front().name);
        co_return Fail(Error::Validation(std::move(problems), std::move(detail)));
    }
    co_return co_await Write(kind, std::move(*in), std::nullopt, base_url, nullptr, std::nullopt);
}

}  // namespace thorbecke::catalogi
