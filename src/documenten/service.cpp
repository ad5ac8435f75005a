// The Documenten API's enkelvoudiginformatieobjecten: create, read (any version), list and search, update as
// a new version, lock and unlock, delete, the audit trail and reserved document numbers.
#include "documenten/service.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/audit.h"
#include "core/auth/limits.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/nl/vertrouwelijkheid.h"
#include "core/notify/outbox.h"
#include "core/storage/sequence.h"
#include "core/time.h"
#include "core/uuid.h"
#include "documenten/internal.h"
#include "zaken/links.h"

namespace thorbecke::documenten {

using namespace detail;

// ---- helpers ------------------------------------------------------------------------------------------------

namespace detail {

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string TypeKey(std::string_view url) {
    auto id = UuidAfter(url, kTypesPath);
    return id ? *id : std::string(url);
}

int Rank(std::string_view aanduiding) {
    return nl::VertrouwelijkheidRank(aanduiding);
}

auth::LimitRules Limits() {
    return auth::LimitRules{
        [](std::string_view url) { return TypeKey(url); }, [](std::string_view a) { return Rank(a); }, kMaxRank};
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const std::string& key, int rank) {
    return auth::WithinLimits(auth::TypeLimits(p, kComponent, scopes, Limits()), key, rank);
}

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const DocumentRow& d) {
    return MayAccess(p, scopes, d.type_key, d.vertrouwelijkheid);
}

bool AccessCondition(const auth::Principal* p, const std::vector<std::string>& scopes, storage::Where& w) {
    auto limits = auth::TypeLimits(p, kComponent, scopes, Limits());
    return auth::LimitCondition(limits, "d.type_key", "d.vertrouwelijkheid", w);
}

Error Rule(std::string name, std::string code, std::string reason) {
    return Error::Field(std::move(name), std::move(code), std::move(reason));
}

http::Response JsonResponse(int status, std::string body) {
    return http::Response::Json(status, std::move(body));
}

std::string DocumentUrl(std::string_view base, std::string_view uuid) {
    return fmt::format("{}{}{}", base, kDocumentsPath, uuid);
}

}  // namespace detail

namespace {

//! A lock id as the reference implementation writes them: a uuid4 in hex.
std::string NewLockId() {
    std::string id = NewUuid();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return id;
}

//! drc-005: the statuses of documents in the making do not apply to received ones.
Status ReceivedRule(const bj::object& doc) {
    const auto* ontvangst = doc.if_contains("ontvangstdatum");
    std::string status = json::TextOf(doc, "status");
    if (!ontvangst || !ontvangst->is_string() || (status != "in_bewerking" && status != "ter_vaststelling")) return {};
    return Fail(Rule(
        "status",
        "invalid_for_received",
        "De statuswaarden `in_bewerking` en `ter_vaststelling` zijn niet van toepassing op ontvangen "
        "informatieobjecten."
    ));
}

const auth::Principal* PrincipalOf(const http::Request& req) {
    return req.principal ? &*req.principal : nullptr;
}

DocumentColumns ColumnsOf(const bj::object& doc) {
    DocumentColumns c;
    c.vertrouwelijkheidaanduiding = json::TextOf(doc, "vertrouwelijkheidaanduiding");
    c.creatiedatum = json::TextOf(doc, "creatiedatum");
    c.titel = json::TextOf(doc, "titel");
    c.auteur = json::TextOf(doc, "auteur");
    c.beschrijving = json::TextOf(doc, "beschrijving");
    c.status = json::TextOf(doc, "status");
    c.formaat = json::TextOf(doc, "formaat");
    if (const auto* size = doc.if_contains("bestandsomvang"); size && size->is_int64())
        c.bestandsomvang = size->as_int64();
    if (const auto* words = doc.if_contains("trefwoorden"); words && words->is_array()) {
        for (const auto& w : words->as_array()) {
            if (w.is_string()) c.trefwoorden.emplace_back(w.as_string());
        }
    }
    return c;
}

//! Splits a comma-separated parameter value.
std::vector<std::string> SplitList(std::string_view value) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        if (comma > start) out.emplace_back(value.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::string Like(std::string_view text) {
    std::string out = "%";
    for (char c : Lower(std::string(text))) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

}  // namespace

Service::Service(
    Store& store,
    const json::SchemaSet& schemas,
    TypeSource& types,
    storage::BlobStore& blobs,
    ContentLimits limits,
    http::HttpClient* client
)
    : store_(store), schemas_(schemas), types_(types), blobs_(blobs), limits_(limits), client_(client) {
    // What each GET accepts, from the OAS: a typo is a 400, not a silently unfiltered list.
    list_params_ = json::OasQueryParams(schemas_);
}

std::optional<InvalidParam> Service::CheckListParam(
    const std::string& path, const std::string& name, const std::string& value
) const {
    // Lists of values (ordering, expand) are checked where they are read.
    if (name == "ordering" || name == "expand") return json::CheckQueryParam(list_params_, path, name, "");
    return json::CheckQueryParam(list_params_, path, name, value);
}

asio::awaitable<Result<http::Response>> Service::Handle(const Operation& op, http::Request& req) {
    if (op.resource != Resource::kDocument) {
        switch (op.action) {
            case Action::kList:
                co_return co_await ListChildren(op, req);
            case Action::kRead:
                co_return co_await ReadChild(op, req);
            case Action::kDelete:
                co_return co_await DeleteChild(op, req);
            default:
                co_return co_await WriteChild(op, req);
        }
    }
    switch (op.action) {
        case Action::kList: {
            bj::object params;
            co_return co_await ListDocuments(op, req, params, false);
        }
        case Action::kRead:
            co_return co_await ReadDocument(op, req);
        case Action::kDelete:
            co_return co_await DeleteDocument(op, req);
        default:
            co_return co_await WriteDocument(op, req);
    }
}

// ---- reading ----------------------------------------------------------------------------------------------

asio::awaitable<Result<std::string>> Service::RenderDocument(
    storage::Session& s, const DocumentRow& row, const VersionRow& version, const std::string& base
) {
    auto parsed = json::Parse(version.doc);
    if (!parsed || !parsed->is_object()) co_return Fail(Error::Internal("stored document unreadable"));
    bj::object& doc = parsed->as_object();
    std::string url = DocumentUrl(base, row.uuid);
    doc["url"] = url;
    if (version.blob_key) {
        doc["inhoud"] = fmt::format("{}/download?versie={}", url, version.versie);
    } else {
        doc["inhoud"] = nullptr;
    }
    if (row.indicatie_gebruiksrecht) {
        doc["indicatieGebruiksrecht"] = *row.indicatie_gebruiksrecht;
    } else {
        doc["indicatieGebruiksrecht"] = nullptr;
    }
    doc["locked"] = !row.lock.empty();
    bj::array parts_json;
    const auto* size = doc.if_contains("bestandsomvang");
    bool pending =
        !version.blob_key && version.versie == row.versie && size && size->is_int64() && size->as_int64() > 0;
    std::string parts_text = "[]";
    if (pending) {
        auto parts = co_await store_.PartsOf(s, row.uuid);
        if (!parts) co_return Fail(parts.error());
        parts_text = PartsJson(*parts, "", base);
    }
    auto parts_value = json::Parse(parts_text);
    if (parts_value) doc["bestandsdelen"] = std::move(*parts_value);
    co_return json::ExpandBase(json::Serialize(doc), base);
}

Result<Service::VersionQuery> Service::WhichVersion(const http::Request& req, const std::string& path) const {
    VersionQuery which;
    std::vector<InvalidParam> errors;
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = CheckListParam(path, name, value)) {
            errors.push_back(*bad);
        } else if (name == "versie") {
            bool number = !value.empty() && value.size() < 12 &&
                          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            which.versie = number ? std::stoll(value) : 0;
            if (which.versie <= 0) errors.push_back({"versie", "invalid", "Vul een geldig nummer in."});
        } else if (name == "registratieOp") {
            auto instant = ToUtcInstant(value);
            if (!instant) instant = ToUtcInstant(value + "Z");  // without an offset: UTC, as for writes
            if (!instant) errors.push_back({"registratieOp", "invalid", "Vul een geldige datum/tijd in."});
            if (instant) which.registratie_op = *instant;
        } else if (name == "expand") {
            for (const auto& v : SplitList(value)) {
                if (v != "informatieobjecttype") errors.push_back({"expand", "invalid_choice", "Ongeldige keuze."});
            }
        }
    }
    if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
    return which;
}

asio::awaitable<Result<http::Response>> Service::ReadDocument(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto which = WhichVersion(req, "/enkelvoudiginformatieobjecten/{uuid}");
    if (!which) co_return Fail(which.error());
    std::int64_t versie = which->versie;
    std::string registratie_op = which->registratie_op;
    const auth::Principal* principal = PrincipalOf(req);
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::optional<DocumentRow> row;
        std::optional<VersionRow> version;
        if (versie == 0 && registratie_op.empty()) {
            auto current = co_await store_.GetCurrent(s, uuid);  // the common case: one statement
            if (!current) co_return Fail(current.error());
            if (!*current) co_return Fail(Error::NotFound());
            row = std::move((*current)->first);
            version = std::move((*current)->second);
        } else {
            auto found = co_await store_.GetDocument(s, uuid, false);
            if (!found) co_return Fail(found.error());
            if (!*found) co_return Fail(Error::NotFound());
            row = std::move(**found);
        }
        if (!MayAccess(principal, op.scopes, *row)) co_return Fail(Error::Forbidden());
        if (!version) {
            auto old = co_await store_.GetVersion(s, uuid, versie, registratie_op);
            if (!old) co_return Fail(old.error());
            if (!*old) co_return Fail(Error::NotFound());
            version = std::move(**old);
        }
        auto rendered = co_await RenderDocument(s, *row, *version, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        body = std::move(*rendered);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    if (req.query.Has("expand")) {
        std::map<std::string, std::string> types;
        auto expanded = co_await Expand(std::move(body), req.base_url, types);
        body = std::move(expanded);
    }
    co_return JsonResponse(200, std::move(body));
}

asio::awaitable<std::string> Service::Expand(
    std::string rendered, std::string base, std::map<std::string, std::string>& types
) {
    auto parsed = json::Parse(rendered);
    if (!parsed || !parsed->is_object()) co_return rendered;
    std::string url = json::TextOf(parsed->as_object(), "informatieobjecttype");
    auto known = types.find(url);
    if (known == types.end()) {
        auto found = co_await types_.Find(url, base, nullptr);
        std::string text = found && *found ? **found : std::string();
        known = types.emplace(url, std::move(text)).first;
    }
    bj::object expand;
    if (auto type = json::Parse(known->second); !known->second.empty() && type) {
        expand["informatieobjecttype"] = std::move(*type);
    }
    parsed->as_object()["_expand"] = std::move(expand);
    co_return json::Serialize(*parsed);
}

asio::awaitable<Result<http::Response>> Service::Search(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    const auto& paths = schemas_.document().as_object().at("paths").as_object();
    const auto& schema = paths.at("/enkelvoudiginformatieobjecten/_zoek")
                             .at("post")
                             .at("requestBody")
                             .at("content")
                             .at("application/json")
                             .at("schema")
                             .as_object();
    auto errors = schemas_.ValidateAgainst(schema, *parsed);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    for (const auto& [name, value] : req.query.items()) {
        if (name != "page" && name != "pageSize" && name != "expand") {
            co_return Fail(Error::Validation({InvalidParam{
                "nonFieldErrors", "unknown-parameters", fmt::format("Onbekende query parameter: {}", name)}}));
        }
    }
    co_return co_await ListDocuments(op, req, parsed->as_object(), true);
}

asio::awaitable<Result<http::Response>> Service::ListDocuments(
    const Operation& op, http::Request& req, const bj::object& search, bool is_search
) {
    storage::Where w;
    std::vector<InvalidParam> errors;
    http::Paging paging;
    std::string order = "d.seq";
    auto add_text = [&](std::string_view column, const std::string& value) {
        w.Add(fmt::format("d.{} = ?", column), storage::MakeParams(value));
    };
    auto add_contains = [&](std::string_view column, const std::string& value) {
        w.Add(fmt::format("LOWER(d.{}) LIKE ? ESCAPE '\\'", column), storage::MakeParams(Like(value)));
    };
    bool expand = false;
    if (is_search) {
        if (const auto* ids = search.if_contains("uuid__in"); ids && ids->is_array()) {
            std::vector<std::string> uuids;
            for (const auto& id : ids->as_array()) {
                if (id.is_string()) uuids.push_back(Lower(std::string(id.as_string())));
            }
            if (uuids.empty()) {
                w.Add("1 = 0");
            } else {
                std::string in = "d.uuid IN (";
                storage::Params ps;
                for (std::size_t i = 0; i < uuids.size(); ++i) {
                    in += i ? ", ?" : "?";
                    ps.emplace_back(uuids[i]);
                }
                w.Add(in + ")", std::move(ps));
            }
        }
        if (auto v = json::TextOf(search, "bronorganisatie"); !v.empty()) add_text("bronorganisatie", v);
        if (auto v = json::TextOf(search, "identificatie"); !v.empty()) add_text("identificatie", v);
        if (const auto* e = search.if_contains("expand"); e && e->is_array() && !e->as_array().empty()) expand = true;
    }
    for (const auto& [name, value] : req.query.items()) {
        auto taken = http::TakePageParam(name, value, paging, errors);
        if (!taken) co_return Fail(taken.error());
        if (*taken) continue;
        if (is_search) {
            if (name == "expand") expand = true;
            continue;
        }
        if (auto bad = CheckListParam("/enkelvoudiginformatieobjecten", name, value)) {
            errors.push_back(*bad);
            continue;
        }
        const auto& choices = list_params_["/enkelvoudiginformatieobjecten"][name];
        if (name == "expand") {
            for (const auto& v : SplitList(value)) {
                if (v != "informatieobjecttype") errors.push_back({"expand", "invalid_choice", "Ongeldige keuze."});
            }
            expand = true;
        } else if (name == "ordering") {
            std::string clauses;
            for (const auto& v : SplitList(value)) {
                if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
                    errors.push_back({"ordering", "invalid_choice", fmt::format("{} is geen geldige keuze.", v)});
                    continue;
                }
                bool desc = v.front() == '-';
                std::string field = desc ? v.substr(1) : v;
                clauses += fmt::format("d.{} {}, ", field, desc ? "DESC" : "ASC");
            }
            order = clauses + "d.seq";
        } else if (name == "bronorganisatie" || name == "identificatie" || name == "vertrouwelijkheidaanduiding") {
            add_text(name, value);
        } else if (name == "auteur" || name == "beschrijving" || name == "titel") {
            add_contains(name, value);
        } else if (name == "creatiedatum__gte" || name == "creatiedatum__lte") {
            if (!ParseDate(value)) {
                errors.push_back({name, "invalid", "Vul een geldige datum in."});
                continue;
            }
            w.Add(fmt::format("d.creatiedatum {} ?", name.ends_with("gte") ? ">=" : "<="), storage::MakeParams(value));
        } else if (name == "informatieobjecttype") {
            w.Add("d.type_key = ?", storage::MakeParams(TypeKey(value)));
        } else if (name == "locked") {
            if (value != "true" && value != "false") {
                errors.push_back({name, "invalid", "Vul een geldige booleaanse waarde in."});
                continue;
            }
            w.Add(value == "true" ? "d.lock_id <> ''" : "d.lock_id = ''");
        } else if (name == "trefwoorden") {
            // every word given
            for (const auto& word : SplitList(value)) {
                w.Add(
                    "EXISTS (SELECT 1 FROM documenten_trefwoord t WHERE t.document = d.uuid AND t.woord = ?)",
                    storage::MakeParams(word)
                );
            }
        } else if (name == "trefwoorden__overlap") {
            auto words = SplitList(value);
            if (words.empty()) continue;
            std::string in;
            storage::Params ps;
            for (const auto& word : words) {
                in += in.empty() ? "?" : ", ?";
                ps.emplace_back(word);
            }
            w.Add(
                fmt::format(
                    "EXISTS (SELECT 1 FROM documenten_trefwoord t WHERE t.document = d.uuid AND t.woord IN ({}))", in
                ),
                std::move(ps)
            );
        } else if (name == "objectinformatieobjecten__object") {
            w.Add(
                "EXISTS (SELECT 1 FROM documenten_object o WHERE o.kind = 'objectinformatieobject' AND "
                "o.document = d.uuid AND o.k1 = ?)",
                storage::MakeParams(json::MarkBase(value, req.base_url))
            );
        } else if (name == "objectinformatieobjecten__objectType") {
            w.Add(
                "EXISTS (SELECT 1 FROM documenten_object o WHERE o.kind = 'objectinformatieobject' AND "
                "o.document = d.uuid AND o.k2 = ?)",
                storage::MakeParams(value)
            );
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    const auth::Principal* principal = PrincipalOf(req);
    bool visible = AccessCondition(principal, op.scopes, w);
    std::int64_t offset = (paging.page - 1) * paging.page_size;
    std::vector<std::string> rendered;
    std::int64_t total = 0;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::int64_t count = 0;
        rendered.clear();
        if (visible) {
            std::string where = w.Sql(1);
            auto counted =
                co_await s.Query(fmt::format("SELECT COUNT(*) FROM documenten_document d {}", where), w.params());
            if (!counted) co_return Fail(counted.error());
            count = counted->Int(0, 0);
            storage::Params params = w.params();
            int n = static_cast<int>(params.size());
            params.emplace_back(paging.page_size);
            params.emplace_back(offset);
            auto rows = co_await s.Query(
                fmt::format(
                    "SELECT d.uuid, d.versie, d.lock_id, d.bronorganisatie, d.identificatie, d.informatieobjecttype, "
                    "d.type_key, d.vertrouwelijkheid, d.indicatie, v.begin_registratie, v.doc, v.blob_key, "
                    "v.blob_size FROM documenten_document d JOIN documenten_versie v ON v.document = d.uuid AND "
                    "v.versie = d.versie {} ORDER BY {} LIMIT ${} OFFSET ${}",
                    where,
                    order,
                    n + 1,
                    n + 2
                ),
                std::move(params)
            );
            if (!rows) co_return Fail(rows.error());
            for (std::size_t i = 0; i < rows->size(); ++i) {
                DocumentRow row;
                row.uuid = rows->Text(i, 0);
                row.versie = rows->Int(i, 1);
                row.lock = rows->Text(i, 2);
                row.bronorganisatie = rows->Text(i, 3);
                row.identificatie = rows->Text(i, 4);
                row.informatieobjecttype = rows->Text(i, 5);
                row.type_key = rows->Text(i, 6);
                row.vertrouwelijkheid = static_cast<int>(rows->Int(i, 7));
                if (!rows->IsNull(i, 8)) row.indicatie_gebruiksrecht = rows->Int(i, 8) != 0;
                VersionRow version;
                version.versie = row.versie;
                version.begin_registratie = rows->Text(i, 9);
                version.doc = rows->Text(i, 10);
                if (!rows->IsNull(i, 11)) version.blob_key = rows->Text(i, 11);
                version.blob_size = rows->Int(i, 12);
                auto one = co_await RenderDocument(s, row, version, req.base_url);
                if (!one) co_return Fail(one.error());
                rendered.push_back(std::move(*one));
            }
        }
        if (offset > 0 && offset >= count) co_return Fail(Error::NotFound("Ongeldige pagina."));
        total = count;
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    if (expand) {
        std::map<std::string, std::string> types;  // one fetch per informatieobjecttype of the page
        for (auto& one : rendered) {
            auto expanded = co_await Expand(std::move(one), req.base_url, types);
            one = std::move(expanded);
        }
    }
    std::int64_t pages = std::max<std::int64_t>(1, (total + paging.page_size - 1) / paging.page_size);
    co_return JsonResponse(200, http::PageBody(req, total, paging.page, pages, rendered));
}

// ---- writing ----------------------------------------------------------------------------------------------

asio::awaitable<Result<bj::object>> Service::FetchType(std::string url, std::string base, storage::Session* s) {
    std::string full = json::UnmarkBase(url, base);
    auto found = co_await types_.Find(full, base, s);
    if (!found) co_return Fail(found.error());
    if (!*found) co_return Fail(Rule("informatieobjecttype", "bad-url", "De URL kan niet worden opgevraagd."));
    auto parsed = json::Parse(**found);
    bool shaped = parsed && parsed->is_object() && parsed->as_object().contains("vertrouwelijkheidaanduiding") &&
                  parsed->as_object().contains("catalogus");
    if (!shaped || full.find("/informatieobjecttypen/") == std::string::npos) {
        co_return Fail(
            Rule("informatieobjecttype", "invalid-resource", "De URL wijst niet naar een informatieobjecttype.")
        );
    }
    const auto* draft = parsed->as_object().if_contains("concept");
    if (draft && draft->is_bool() && draft->as_bool()) {
        co_return Fail(Rule("informatieobjecttype", "not-published", "Het informatieobjecttype is niet gepubliceerd."));
    }
    co_return std::move(parsed->as_object());
}

asio::awaitable<Result<std::string>> Service::GenerateIdentificatie(
    storage::Session& s, std::string bronorganisatie, std::string creatiedatum
) {
    std::string year = creatiedatum.size() >= 4 ? creatiedatum.substr(0, 4) : NowIso().substr(0, 4);
    storage::IdentificatieTaken taken = [&](const std::string& candidate) -> asio::awaitable<Result<bool>> {
        co_return co_await store_.IdentificatieTaken(s, bronorganisatie, candidate, "", true);
    };
    std::string counter = fmt::format("DOCUMENT-{}-{}", bronorganisatie, year);
    std::string prefix = fmt::format("DOCUMENT-{}-", year);
    co_return co_await storage::NextIdentificatie(
        s, "documenten_counter", std::move(counter), std::move(prefix), taken
    );
}

asio::awaitable<Status> Service::WriteAudit(
    storage::Session& s,
    const http::Request& req,
    const DocumentRow& document,
    std::string_view actie,
    int resultaat,
    std::string_view resource,
    std::string resource_url,
    std::string weergave,
    std::string_view oud,
    std::string_view nieuw
) {
    audit::Change change;
    change.bron = kComponent;
    change.actie = actie;
    change.resultaat = resultaat;
    change.hoofd_object = std::string(1, json::kBaseMarkerChar) + std::string(kDocumentsPath) + document.uuid;
    change.resource = resource;
    change.resource_url = std::move(resource_url);
    change.resource_weergave = std::move(weergave);
    change.toelichting = req.Header("x-audit-toelichting");
    change.oud = oud;
    change.nieuw = nieuw;
    change.principal = PrincipalOf(req);
    audit::Entry entry = audit::Build(change);
    auto stored = co_await store_.InsertAudit(s, entry.uuid, document.uuid, entry.json);
    if (!stored) co_return stored;
    // Locking is not among the kanaal's actions: only changes of the document and its relations are announced.
    if (actie == "lock" || actie == "unlock") co_return Status{};
    co_return co_await Announce(s, change, document, req.base_url);
}

asio::awaitable<Status> Service::Announce(
    storage::Session& s, const audit::Change& change, const DocumentRow& document, const std::string& base
) {
    notify::Message message = notify::FromChange(change, "documenten", base);
    message.kenmerken.emplace_back("bronorganisatie", document.bronorganisatie);
    message.kenmerken.emplace_back("informatieobjecttype", json::UnmarkBase(document.informatieobjecttype, base));
    std::string vertrouwelijkheid;
    if (document.vertrouwelijkheid > 0) {
        vertrouwelijkheid = nl::kVertrouwelijkheidaanduidingen[document.vertrouwelijkheid - 1];
    }
    message.kenmerken.emplace_back("vertrouwelijkheidaanduiding", std::move(vertrouwelijkheid));
    co_return co_await notify::Publish(s, store_.db().dialect(), message);
}

asio::awaitable<Status> Service::AuditDocument(
    storage::Session& s,
    const http::Request& req,
    const DocumentRow& document,
    std::string_view actie,
    int resultaat,
    std::string weergave,
    std::string_view oud,
    std::string_view nieuw
) {
    std::string url = std::string(1, json::kBaseMarkerChar) + std::string(kDocumentsPath) + document.uuid;
    co_return co_await WriteAudit(
        s, req, document, actie, resultaat, "enkelvoudiginformatieobject", url, std::move(weergave), oud, nieuw
    );
}

asio::awaitable<Result<DocumentRow>> Service::Writable(
    storage::Session& s, const std::string& uuid, const http::Request& req, const std::vector<std::string>& scopes
) {
    auto row = co_await store_.GetDocument(s, uuid, true);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return Fail(Error::NotFound());
    if (!MayAccess(PrincipalOf(req), scopes, **row)) co_return Fail(Error::Forbidden());
    co_return std::move(**row);
}

asio::awaitable<Result<http::Response>> Service::WriteDocument(
    const Operation& op, http::Request& req, const AfterWrite* after
) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    bool create = op.action == Action::kCreate;
    bool partial = op.action == Action::kPartialUpdate;
    std::string_view schema = create ? "EnkelvoudigInformatieObjectCreateLockRequest"
                                     : (partial ? "PatchedEnkelvoudigInformatieObjectWithLockRequest"
                                                : "EnkelvoudigInformatieObjectWithLockRequest");
    auto errors = schemas_.Validate(schema, *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    Ctx ctx{op, req, req.base_url};
    ctx.principal = PrincipalOf(req);
    ctx.create = create;
    ctx.partial = partial;
    ctx.uuid = create ? NewUuid() : Lower(req.PathParam("uuid"));
    if (!IsUuid(ctx.uuid)) co_return Fail(Error::NotFound());

    // drc-005: a received document is past editing (checked again on the merged state of a PATCH).
    if (auto received = ReceivedRule(parsed->as_object()); !received) co_return Fail(received.error());
    // Content first, outside any transaction: large content is decoded and written off the event loop.
    Content content;
    content.given = parsed->as_object().contains("inhoud");
    auto stored = co_await StoreInline(parsed->as_object().if_contains("inhoud"));
    if (!stored) co_return Fail(stored.error());
    content.blob = *stored;
    parsed->as_object().erase("inhoud");
    json::MarkBase(*parsed, req.base_url);
    ctx.body = std::move(parsed->as_object());
    if (!content.blob) {
        // An empty document (bestandsomvang 0 without inhoud) has the empty blob as its content.
        const auto* size = ctx.body.if_contains("bestandsomvang");
        if (size && size->is_int64() && size->as_int64() == 0) {
            auto writer = blobs_.Create();
            if (!writer) co_return Fail(writer.error());
            auto empty = (*writer)->Commit();
            if (!empty) co_return Fail(empty.error());
            if (auto held = Hold(empty->key); !held) co_return Fail(held.error());
            content.blob = *empty;
        }
    }
    if (content.blob) {
        if (const auto* size = ctx.body.if_contains("bestandsomvang");
            size && size->is_int64() && static_cast<std::uint64_t>(size->as_int64()) != content.blob->size) {
            Release(content.blob->key);
            co_await ForgetBlob(content.blob->key);
            co_return Fail(
                Rule("nonFieldErrors", "file-size", "De grootte van de inhoud komt niet overeen met `bestandsomvang`.")
            );
        }
        ctx.body["bestandsomvang"] = static_cast<std::int64_t>(content.blob->size);
    }
    if (const auto* size = ctx.body.if_contains("bestandsomvang");
        size && size->is_int64() && static_cast<std::uint64_t>(size->as_int64()) > limits_.document_max_bytes) {
        // (inline content is bounded before: this is an upload in parts, no blob yet)
        co_return Fail(Rule(
            "bestandsomvang",
            "max_value",
            fmt::format("Een document mag niet groter zijn dan {} bytes.", limits_.document_max_bytes)
        ));
    }
    if (std::string type = json::TextOf(ctx.body, "informatieobjecttype"); !type.empty()) {
        auto fetched = co_await FetchType(type, req.base_url, nullptr);
        if (!fetched) {
            if (content.blob) {
                Release(content.blob->key);
                co_await ForgetBlob(content.blob->key);
            }
            co_return Fail(fetched.error());
        }
        ctx.type = std::move(*fetched);
    }
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto written = co_await WriteDocumentIn(s, ctx, content);
        if (!written || !after) co_return written;
        std::string url = DocumentUrl(req.base_url, ctx.uuid);
        co_return co_await (*after)(s, url);
    });
    if (content.blob) Release(content.blob->key);
    if (!st) {
        if (content.blob) co_await ForgetBlob(content.blob->key);
        co_return Fail(st.error());
    }
    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await store_.GetDocument(s, ctx.uuid, false);
        if (!row) co_return Fail(row.error());
        if (!*row) co_return Fail(Error::NotFound());
        auto version = co_await store_.GetVersion(s, ctx.uuid, 0, "");
        if (!version) co_return Fail(version.error());
        if (!*version) co_return Fail(Error::NotFound());
        auto rendered = co_await RenderDocument(s, **row, **version, req.base_url);
        if (!rendered) co_return Fail(rendered.error());
        body = std::move(*rendered);
        if (ctx.create) {
            // The creator learns the lock of an upload in parts (Open Zaak answers it on every create).
            body.pop_back();
            body += ",\"lock\":" + json::Quote((*row)->lock) + "}";
        }
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    http::Response resp = JsonResponse(create ? 201 : 200, std::move(body));
    if (create) resp.SetHeader("Location", DocumentUrl(req.base_url, ctx.uuid));
    co_return resp;
}

asio::awaitable<Status> Service::WriteDocumentIn(storage::Session& s, Ctx& ctx, Content& content) {
    ctx.before.reset();
    ctx.before_doc.clear();
    bj::object input = ctx.body;
    std::optional<VersionRow> current;
    if (!ctx.create) {
        auto row = co_await store_.GetDocument(s, ctx.uuid, true);
        if (!row) co_return Fail(row.error());
        if (!*row) co_return Fail(Error::NotFound());
        ctx.before = **row;
        if (!MayAccess(ctx.principal, ctx.op.scopes, **row)) co_return Fail(Error::Forbidden());
        // drc-009: only the holder of the lock changes a document.
        if (ctx.before->lock.empty()) {
            co_return Fail(Rule("nonFieldErrors", "unlocked", "Een ontgrendeld document kan niet bijgewerkt worden."));
        }
        std::string lock = json::TextOf(ctx.body, "lock");
        if (!ctx.body.contains("lock")) {
            co_return Fail(Rule("nonFieldErrors", "missing-lock-id", "Het lock-id moet opgegeven worden."));
        }
        if (lock != ctx.before->lock) {
            co_return Fail(Rule("nonFieldErrors", "incorrect-lock-id", "Het lock-id is niet correct."));
        }
        auto version = co_await store_.GetVersion(s, ctx.uuid, 0, "");
        if (!version) co_return Fail(version.error());
        if (!*version) co_return Fail(Error::NotFound());
        current = **version;
        ctx.before_doc = current->doc;
        auto old = json::Parse(current->doc);
        if (!old || !old->is_object()) co_return Fail(Error::Internal("stored document unreadable"));
        if (ctx.partial) {
            bj::object merged = std::move(old->as_object());
            for (const auto& kv : ctx.body) merged[kv.key()] = kv.value();
            input = std::move(merged);
        } else if (!input.contains("vertrouwelijkheidaanduiding") || json::TextOf(input, "vertrouwelijkheidaanduiding").empty()) {
            input["vertrouwelijkheidaanduiding"] = old->as_object()["vertrouwelijkheidaanduiding"];
        }
        if (auto received = ReceivedRule(input); !received) co_return Fail(received.error());
    }
    input.erase("lock");
    if (ctx.type.empty()) {
        auto fetched = co_await FetchType(json::TextOf(input, "informatieobjecttype"), ctx.base, &s);
        if (!fetched) co_return Fail(fetched.error());
        ctx.type = std::move(*fetched);
    }
    // drc-007: the type's vertrouwelijkheidaanduiding when none is given.
    if (json::TextOf(input, "vertrouwelijkheidaanduiding").empty()) {
        input["vertrouwelijkheidaanduiding"] = json::TextOf(ctx.type, "vertrouwelijkheidaanduiding");
    }
    // drc-006: gebruiksrechten decide the indicatie, not the client.
    std::optional<bool> indicatie = ctx.before ? ctx.before->indicatie_gebruiksrecht : std::nullopt;
    if (const auto* given = ctx.body.if_contains("indicatieGebruiksrecht")) {
        std::int64_t rights = 0;
        if (!ctx.create) {
            auto n = co_await store_.CountChildren(s, std::string(kKindGebruiksrechten), ctx.uuid);
            if (!n) co_return Fail(n.error());
            rights = *n;
        }
        bool yes = given->is_bool() && given->as_bool();
        if (yes && rights == 0) {
            co_return Fail(Rule(
                "indicatieGebruiksrecht",
                "missing-gebruiksrechten",
                "De indicatie moet op 'ja' gezet worden door `gebruiksrechten` aan te maken, dit kan niet direct op "
                "deze resource."
            ));
        }
        if (!yes && rights > 0) {
            co_return Fail(Rule(
                "indicatieGebruiksrecht",
                "existing-gebruiksrechten",
                "De indicatie kan niet weggehaald worden of ongespecifieerd zijn als er Gebruiksrechten gedefinieerd "
                "zijn."
            ));
        }
        if (given->is_bool()) {
            indicatie = given->as_bool();
        } else {
            indicatie.reset();
        }
    }
    // Identificatie: generated when empty (DOCUMENT-<year>-<number>), unique per bronorganisatie.
    std::string bron = json::TextOf(input, "bronorganisatie");
    std::string identificatie = json::TextOf(input, "identificatie");
    if (identificatie.empty()) {
        if (ctx.before && ctx.before->bronorganisatie == bron) {
            identificatie = ctx.before->identificatie;
        } else {
            auto generated = co_await GenerateIdentificatie(s, bron, json::TextOf(input, "creatiedatum"));
            if (!generated) co_return Fail(generated.error());
            identificatie = *generated;
        }
        input["identificatie"] = identificatie;
    } else {
        auto taken = co_await store_.IdentificatieTaken(s, bron, identificatie, ctx.uuid, false);
        if (!taken) co_return Fail(taken.error());
        if (*taken) {
            co_return Fail(Rule(
                "identificatie",
                "identificatie-niet-uniek",
                fmt::format("Deze identificatie ({}) bestaat al voor deze bronorganisatie", identificatie)
            ));
        }
    }
    // Content of the new version: new inline content, an upload in parts to start, or (PATCH) what was there.
    std::optional<std::string> blob_key;
    std::int64_t blob_size = 0;
    const auto* size_value = ctx.body.if_contains("bestandsomvang");
    std::optional<std::int64_t> size;
    if (size_value && size_value->is_int64()) size = size_value->as_int64();
    bool upload = false;
    if (content.blob) {
        blob_key = content.blob->key;
        blob_size = static_cast<std::int64_t>(content.blob->size);
    } else if (size && *size > 0) {
        bool same = ctx.partial && !content.given && current && current->blob_key && current->blob_size == *size;
        if (same) {
            blob_key = current->blob_key;
            blob_size = current->blob_size;
        } else {
            upload = true;
        }
    } else if (ctx.partial && current && !content.given) {
        blob_key = current->blob_key;
        blob_size = current->blob_size;
    }
    if (!blob_key && !upload) {
        // A PATCH that keeps an unfinished upload's size starts its parts again (as the reference does).
        const auto* kept = input.if_contains("bestandsomvang");
        if (!size && kept && kept->is_int64() && kept->as_int64() > 0) {
            size = kept->as_int64();
            upload = true;
        } else {
            input["bestandsomvang"] = size ? bj::value(*size) : bj::value(nullptr);
        }
    }
    // drc-001 rights: the caller must hold the scope for the (new) type and aanduiding.
    std::string vertrouwelijkheid = json::TextOf(input, "vertrouwelijkheidaanduiding");
    DocumentRow row;
    row.uuid = ctx.uuid;
    row.versie = ctx.before ? ctx.before->versie + 1 : 1;
    row.lock = ctx.before ? ctx.before->lock : std::string();
    row.bronorganisatie = bron;
    row.identificatie = identificatie;
    row.informatieobjecttype = json::TextOf(input, "informatieobjecttype");
    row.type_key = TypeKey(row.informatieobjecttype);
    row.vertrouwelijkheid = Rank(vertrouwelijkheid);
    row.indicatie_gebruiksrecht = indicatie;
    if (!MayAccess(ctx.principal, ctx.op.scopes, row)) co_return Fail(Error::Forbidden());
    if (upload && row.lock.empty()) row.lock = NewLockId();
    std::string now = NowIso();
    std::map<std::string, bj::value> computed;
    computed["versie"] = row.versie;
    computed["beginRegistratie"] = now;
    bj::object doc;
    for (const auto& field : json::OasFields(schemas_, "EnkelvoudigInformatieObject")) {
        if (auto it = computed.find(field.name); it != computed.end()) {
            doc[field.name] = it->second;
        } else if (const auto* v = field.read_only ? nullptr : input.if_contains(field.name)) {
            doc[field.name] = *v;
        } else if (field.read_only) {
            doc[field.name] = nullptr;  // filled in when rendered
        } else if (field.absent) {
            doc[field.name] = *field.absent;
        }
    }
    ctx.doc = json::Serialize(doc);
    VersionRow version{row.versie, now, ctx.doc, blob_key, blob_size};
    DocumentColumns columns = ColumnsOf(doc);
    if (ctx.create) {
        auto ins = co_await store_.InsertDocument(s, row, columns);
        if (!ins) {
            if (ins.error().code == storage::kUniqueViolation) {
                co_return Fail(Rule(
                    "identificatie",
                    "identificatie-niet-uniek",
                    fmt::format("Deze identificatie ({}) bestaat al voor deze bronorganisatie", identificatie)
                ));
            }
            co_return ins;
        }
    } else {
        auto upd = co_await store_.UpdateDocument(s, row, columns);
        if (!upd) co_return upd;
    }
    auto ver = co_await store_.InsertVersion(s, ctx.uuid, version);
    if (!ver) co_return ver;
    // A new version ends an unfinished upload of the previous one.
    auto dropped = co_await store_.DeleteParts(s, ctx.uuid);
    if (!dropped) co_return Fail(dropped.error());
    if (upload) {
        auto parts = co_await CreateParts(s, ctx.uuid, *size);
        if (!parts) co_return parts;
    }
    ctx.row = row;
    std::string_view actie = ctx.create ? "create" : (ctx.partial ? "partial_update" : "update");
    co_return co_await AuditDocument(
        s, ctx.req, row, actie, ctx.create ? 201 : 200, json::TextOf(doc, "titel"), ctx.before_doc, ctx.doc
    );
}

asio::awaitable<Result<http::Response>> Service::DeleteDocument(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    std::vector<std::string> keys;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        keys.clear();
        auto row = co_await Writable(s, uuid, req, op.scopes);
        if (!row) co_return Fail(row.error());
        // drc-008: the relations go first.
        auto links = co_await store_.CountChildren(s, std::string(kKindLink), uuid);
        if (!links) co_return Fail(links.error());
        if (*links > 0) {
            co_return Fail(Rule(
                "nonFieldErrors",
                "pending-relations",
                "Alle relaties met het document moeten verwijderd zijn voordat het document verwijderd wordt."
            ));
        }
        auto gone = co_await store_.DeleteDocument(s, uuid);
        if (!gone) co_return Fail(gone.error());
        keys = std::move(*gone);
        audit::Change change = notify::RemovalOf(
            "enkelvoudiginformatieobject", std::string(1, json::kBaseMarkerChar) + std::string(kDocumentsPath) + uuid
        );
        co_return co_await Announce(s, change, *row, req.base_url);
    });
    if (!st) co_return Fail(st.error());
    co_await ForgetBlobs(keys);
    co_return http::Response::NoContent();
}

// ---- lock, unlock -----------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Lock(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    std::string lock = NewLockId();
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await Writable(s, uuid, req, op.scopes);
        if (!row) co_return Fail(row.error());
        if (!row->lock.empty()) {
            co_return Fail(Rule("nonFieldErrors", "existing-lock", "Het document is al vergrendeld."));
        }
        auto set = co_await store_.SetLock(s, uuid, lock);
        if (!set) co_return set;
        co_return co_await AuditDocument(s, req, *row, "lock", 200, row->identificatie, "", "");
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, "{\"lock\":" + json::Quote(lock) + "}");
}

asio::awaitable<Result<http::Response>> Service::Unlock(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    std::string lock;
    if (!req.body.empty()) {
        auto parsed = json::Parse(req.body);
        if (!parsed) co_return Fail(parsed.error());
        if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
        auto errors = schemas_.Validate("UnlockEnkelvoudigInformatieObjectRequest", *parsed, true);
        if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
        lock = json::TextOf(parsed->as_object(), "lock");
    }
    const auth::Principal* principal = PrincipalOf(req);
    std::vector<std::string> keys;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        keys.clear();
        auto row = co_await Writable(s, uuid, req, op.scopes);
        if (!row) co_return Fail(row.error());
        std::vector<std::string> forced_scope(1, std::string(kForcedUnlock));
        bool forced = MayAccess(principal, forced_scope, *row);
        auto parts = co_await store_.PartsOf(s, uuid);
        if (!parts) co_return Fail(parts.error());
        if (!forced) {
            if (lock != row->lock) {
                co_return Fail(Rule("nonFieldErrors", "incorrect-lock-id", "Het lock-id is niet correct."));
            }
            if (!parts->empty()) {
                co_return Fail(Rule("nonFieldErrors", "incomplete-upload", "De bestandsdelen zijn niet compleet."));
            }
        }
        if (!parts->empty()) {
            // A forced unlock abandons the upload: the version has no content.
            auto dropped = co_await store_.DeleteParts(s, uuid);
            if (!dropped) co_return Fail(dropped.error());
            keys = std::move(*dropped);
            auto version = co_await store_.GetVersion(s, uuid, 0, "");
            if (!version) co_return Fail(version.error());
            if (*version) {
                auto doc = json::Parse((*version)->doc);
                if (doc && doc->is_object()) {
                    doc->as_object()["bestandsomvang"] = nullptr;
                    auto set = co_await store_.SetVersionContent(
                        s, uuid, (*version)->versie, json::Serialize(*doc), std::nullopt, 0
                    );
                    if (!set) co_return set;
                }
            }
        }
        auto set = co_await store_.SetLock(s, uuid, "");
        if (!set) co_return set;
        co_return co_await AuditDocument(s, req, *row, "unlock", 204, row->identificatie, "", "");
    });
    if (!st) co_return Fail(st.error());
    co_await ForgetBlobs(keys);
    co_return http::Response::NoContent();
}

// ---- audit trail, reservations ----------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::Audit(const Operation& op, http::Request& req, bool one) {
    std::string document = Lower(req.PathParam("enkelvoudiginformatieobject_uuid"));
    std::string uuid = one ? Lower(req.PathParam("uuid")) : std::string();
    if (!IsUuid(document) || (one && !IsUuid(uuid))) co_return Fail(Error::NotFound());
    const auth::Principal* principal = PrincipalOf(req);
    std::string body;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await store_.GetDocument(s, document, false);
        if (!row) co_return Fail(row.error());
        // drc-008c: the trail goes with its document.
        if (!*row) co_return Fail(Error::NotFound());
        bool allowed = MayAccess(principal, op.scopes, **row);
        if (!allowed) co_return Fail(Error::Forbidden());
        auto entries = co_await store_.AuditOf(s, document, uuid);
        if (!entries) co_return Fail(entries.error());
        if (one) {
            if (entries->empty()) co_return Fail(Error::NotFound());
            body = json::ExpandBase(entries->front(), req.base_url);
            co_return Status{};
        }
        body = "[";
        for (std::size_t i = 0; i < entries->size(); ++i) {
            if (i) body += ',';
            json::AppendExpanded(body, (*entries)[i], req.base_url);
        }
        body += "]";
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    co_return JsonResponse(200, std::move(body));
}

asio::awaitable<Result<http::Response>> Service::Reserve(const Operation& op, http::Request& req) {
    (void)op;
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    auto errors = schemas_.Validate("ReservedDocumentRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    std::string bron = json::TextOf(parsed->as_object(), "bronorganisatie");
    std::int64_t aantal = 1;
    if (const auto* n = parsed->as_object().if_contains("aantal"); n && n->is_int64()) aantal = n->as_int64();
    if (aantal > 100)
        co_return Fail(Rule("aantal", "max_value", "Zorg ervoor dat dit veld kleiner of gelijk is aan 100."));
    std::vector<std::string> numbers;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        numbers.clear();
        for (std::int64_t i = 0; i < aantal; ++i) {
            auto id = co_await GenerateIdentificatie(s, bron, NowIso().substr(0, 10));
            if (!id) co_return Fail(id.error());
            auto r = co_await store_.Reserve(s, bron, *id);
            if (!r) co_return r;
            numbers.push_back(*id);
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    auto one = [](const std::string& id) { return "{\"identificatie\":" + json::Quote(id) + "}"; };
    if (numbers.size() == 1) co_return JsonResponse(201, one(numbers.front()));
    std::string body = "[";
    for (std::size_t i = 0; i < numbers.size(); ++i) body += (i ? "," : "") + one(numbers[i]);
    body += "]";
    co_return JsonResponse(201, std::move(body));
}

}  // namespace thorbecke::documenten

namespace thorbecke::documenten {

asio::awaitable<Result<http::Response>> Service::Register(const Operation& /*op*/, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    auto errors = schemas_.Validate("DocumentRegistrerenRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    if (!zaken_) co_return Fail(Error::Unavailable("De Zaken API van dit platform is niet beschikbaar."));
    boost::json::value link = parsed->as_object().at("zaakinformatieobject");
    json::MarkBase(link, req.base_url);
    // The document step is a create with the document's own scope; the zaakinformatieobject step checks the
    // Zaken API's scopes of its own endpoint.
    Operation create{Resource::kDocument, Action::kCreate, {"documenten.aanmaken"}};
    req.body = json::Serialize(parsed->as_object().at("enkelvoudiginformatieobject"));
    std::string zio;
    AfterWrite after = [&](storage::Session& s, const std::string& document) -> asio::awaitable<Status> {
        bj::object body = link.as_object();
        body["informatieobject"] = json::MarkBase(document, req.base_url);
        auto r = co_await zaken_->AddInformatieobject(s, req, std::move(body));
        if (!r) {
            Error e = r.error();
            for (auto& p : e.invalid_params) p.name = "zaakinformatieobject." + p.name;
            co_return Fail(std::move(e));
        }
        zio = std::move(*r);
        co_return Status{};
    };
    auto written = co_await WriteDocument(create, req, &after);
    if (!written) {
        Error e = written.error();
        for (auto& p : e.invalid_params) {
            if (!p.name.starts_with("zaakinformatieobject.")) p.name = "enkelvoudiginformatieobject." + p.name;
        }
        co_return Fail(std::move(e));
    }
    std::string body = "{\"enkelvoudiginformatieobject\":" + written->body + ",\"zaakinformatieobject\":";
    body += json::ExpandBase(zio, req.base_url);
    body += "}";
    http::Response resp = JsonResponse(201, std::move(body));
    for (const auto& [k, v] : written->headers) {
        if (k == "Location") resp.SetHeader(k, v);
    }
    co_return resp;
}

}  // namespace thorbecke::documenten
