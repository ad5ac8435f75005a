// The resources that hang on a document: gebruiksrechten (drc-006: they decide the document's
// indicatieGebruiksrecht), verzendingen and objectinformatieobjecten (drc-002 … drc-004: the mirror of a
// zaakinformatieobject or besluitinformatieobject), and the Links interface through which this platform's
// Zaken and Besluiten APIs write that mirror in their own transaction.
#include <algorithm>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "besluiten/links.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/time.h"
#include "core/uuid.h"
#include "documenten/internal.h"
#include "zaken/links.h"

namespace thorbecke::documenten {

using namespace detail;

namespace {

struct ChildKind {
    Resource resource;
    std::string_view kind;        // stored kind
    std::string_view collection;  // path segment
    std::string_view schema;
    std::string_view request_schema;
    std::string_view patch_schema;
    bool paginated;
};

const ChildKind& KindOf(Resource r) {
    static const std::array<ChildKind, 3> kKinds{{
        {Resource::kGebruiksrechten,
         kKindGebruiksrechten,
         "gebruiksrechten",
         "Gebruiksrechten",
         "GebruiksrechtenRequest",
         "PatchedGebruiksrechtenRequest",
         false},
        {Resource::kVerzending,
         kKindVerzending,
         "verzendingen",
         "Verzending",
         "VerzendingRequest",
         "PatchedVerzendingRequest",
         true},
        {Resource::kLink,
         kKindLink,
         "objectinformatieobjecten",
         "ObjectInformatieObject",
         "ObjectInformatieObjectRequest",
         "",
         false},
    }};
    for (const auto& k : kKinds) {
        if (k.resource == r) return k;
    }
    return kKinds[0];
}

std::string ChildPath(const ChildKind& k, std::string_view uuid) {
    return fmt::format("{}/{}/{}", kApiRoot, k.collection, uuid);
}

//! The filter columns of a child (see ChildRow).
std::pair<std::string, std::string> Keys(const ChildKind& k, const bj::object& doc) {
    if (k.resource == Resource::kGebruiksrechten) {
        auto start = ToUtcInstant(json::TextOf(doc, "startdatum"));
        auto end = ToUtcInstant(json::TextOf(doc, "einddatum"));
        return {start.value_or(""), end.value_or("")};
    }
    if (k.resource == Resource::kVerzending) return {json::TextOf(doc, "aardRelatie"), json::TextOf(doc, "betrokkene")};
    return {json::TextOf(doc, "object"), json::TextOf(doc, "objectType")};
}

//! A Dutch postcode as the OAS pattern has it: ^[1-9][0-9]{3} ?[A-Z]{2}$ (the schema validator skips patterns).
bool IsPostcode(std::string_view v) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (v.size() != 6 && !(v.size() == 7 && v[4] == ' ')) return false;
    std::string_view letters = v.substr(v.size() - 2);
    return v[0] >= '1' && v[0] <= '9' && digit(v[1]) && digit(v[2]) && digit(v[3]) && upper(letters[0]) &&
           upper(letters[1]);
}

bool Filled(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return false;
    if (v->is_string()) return !v->as_string().empty();
    if (v->is_bool()) return v->as_bool();
    if (v->is_object()) {
        return std::any_of(v->as_object().begin(), v->as_object().end(), [](const auto& kv) {
            return !kv.value().is_null() && !(kv.value().is_string() && kv.value().as_string().empty());
        });
    }
    return true;
}

//! What `expand` asks of a gebruiksrecht or verzending: its document (0: nothing, 1: the document, 2: and the
//! document's informatieobjecttype); values outside the OAS enum are refused.
Result<int> ExpandDepth(const http::Request& req) {
    int depth = 0;
    for (const auto& [name, value] : req.query.items()) {
        if (name != "expand") continue;
        std::size_t start = 0;
        while (start <= value.size()) {
            auto comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            std::string_view one = std::string_view(value).substr(start, comma - start);
            if (one == "informatieobject") {
                depth = std::max(depth, 1);
            } else if (one == "informatieobject.informatieobjecttype") {
                depth = 2;
            } else if (!one.empty()) {
                return Fail(Rule("expand", "invalid_choice", fmt::format("{} is geen geldige keuze.", one)));
            }
            start = comma + 1;
        }
    }
    return depth;
}

std::string RenderChild(const ChildRow& row, const std::string& base) {
    return json::ExpandBase(row.doc, base);
}

}  // namespace

// ---- objects of other APIs ----------------------------------------------------------------------------------

//! drc-002: the object must be a zaak or besluit (or verzoek) that answers. Local objects are looked up in the
//! transaction; for remote ones this also asks their API whether the relation is there (drc-004), leaving
//! "yes"/"no" in `remote_check` ("" for local objects).
asio::awaitable<Status> Service::CheckObject(http::Request& req, const bj::object& body, std::string& remote_check) {
    remote_check.clear();
    std::string object = json::TextOf(body, "object");
    std::string type = json::TextOf(body, "objectType");
    if (!object.empty() && object.front() == json::kBaseMarkerChar) co_return Status{};
    if (!client_) {
        remote_check = "yes";
        co_return Status{};
    }
    auto answer = co_await client_->Get(object);
    if (!answer || answer->status != 200)
        co_return Fail(Rule("object", "bad-url", "De URL kan niet worden opgevraagd."));
    auto doc = json::Parse(answer->body);
    std::string_view marker = type == "zaak" ? "zaaktype" : (type == "besluit" ? "besluittype" : "");
    bool shaped = doc && doc->is_object() && (marker.empty() || doc->as_object().contains(marker));
    if (!shaped) co_return Fail(Rule("object", "invalid-resource", "De URL wijst niet naar een " + type + "."));
    if (type != "zaak" && type != "besluit") {
        remote_check = "yes";
        co_return Status{};
    }
    // Its API's {type}informatieobjecten must list this document with it.
    std::string segment = type == "zaak" ? "/zaken/" : "/besluiten/";
    auto at = object.rfind(segment);
    if (at == std::string::npos)
        co_return Fail(Rule("object", "invalid-resource", "De URL wijst niet naar een " + type + "."));
    std::string document = json::UnmarkBase(json::TextOf(body, "informatieobject"), req.base_url);
    std::string query = fmt::format(
        "{}/{}informatieobjecten?{}={}&informatieobject={}",
        object.substr(0, at),
        type,
        type,
        http::QueryEncode(object),
        http::QueryEncode(document)
    );
    auto relations = co_await client_->Get(query);
    if (!relations || relations->status != 200) {
        co_return Fail(Rule("nonFieldErrors", "relation-lookup-error", "De relatie kon niet worden opgevraagd."));
    }
    auto list = json::Parse(relations->body);
    bool found =
        list && ((list->is_array() && !list->as_array().empty()) ||
                 (list->is_object() && list->as_object().contains("results") &&
                  list->as_object().at("results").is_array() && !list->as_object().at("results").as_array().empty()));
    remote_check = found ? "yes" : "no";
    co_return Status{};
}

// ---- reading ----------------------------------------------------------------------------------------------

asio::awaitable<Status> Service::ExpandChildren(
    storage::Session& s,
    std::vector<std::string>& rendered,
    const std::vector<std::string>& documents,
    int depth,
    const std::string& base
) {
    if (depth == 0) co_return Status{};
    for (std::size_t i = 0; i < rendered.size(); ++i) {
        auto row = co_await store_.GetDocument(s, documents[i], false);
        if (!row) co_return Fail(row.error());
        std::optional<VersionRow> version;
        if (*row) {
            auto found = co_await store_.GetVersion(s, documents[i], 0, "");
            if (!found) co_return Fail(found.error());
            version = std::move(*found);
        }
        std::string document = "null";
        if (*row && version) {
            auto one = co_await RenderDocument(s, **row, *version, base);
            if (!one) co_return Fail(one.error());
            document = std::move(*one);
        }
        // "…}" + ",\"_expand\":{\"informatieobject\":…}}"
        rendered[i].pop_back();
        rendered[i] += ",\"_expand\":{\"informatieobject\":" + document + "}}";
    }
    co_return Status{};
}

asio::awaitable<void> Service::ExpandTypes(std::vector<std::string>& rendered, const std::string& base) {
    std::map<std::string, std::string> types;
    for (auto& one : rendered) {
        auto parsed = json::Parse(one);
        if (!parsed || !parsed->is_object()) continue;
        auto* expand = parsed->as_object().if_contains("_expand");
        auto* document = expand && expand->is_object() ? expand->as_object().if_contains("informatieobject") : nullptr;
        if (!document || !document->is_object()) continue;
        auto expanded = co_await Expand(json::Serialize(*document), base, types);
        auto inner = json::Parse(expanded);
        if (inner) *document = std::move(*inner);
        one = json::Serialize(*parsed);
    }
}

asio::awaitable<Result<http::Response>> Service::ListChildren(const Operation& op, http::Request& req) {
    const ChildKind& k = KindOf(op.resource);
    std::string path = "/" + std::string(k.collection);
    storage::Where w;
    w.Add("o.kind = ?", storage::MakeParams(std::string(k.kind)));
    std::vector<InvalidParam> errors;
    http::Paging paging;
    for (const auto& [name, value] : req.query.items()) {
        if (k.paginated) {
            auto taken = http::TakePageParam(name, value, paging, errors);
            if (!taken) co_return Fail(taken.error());
            if (*taken) continue;
        }
        if (auto bad = CheckListParam(path, name, value)) {
            errors.push_back(*bad);
            continue;
        }
        if (name == "expand") continue;
        if (name == "informatieobject") {
            auto uuid = UuidAfter(value, kDocumentsPath);
            w.Add("o.document = ?", storage::MakeParams(uuid.value_or("-")));
        } else if (name == "object") {
            w.Add("o.k1 = ?", storage::MakeParams(json::MarkBase(value, req.base_url)));
        } else if (name == "aardRelatie") {
            w.Add("o.k1 = ?", storage::MakeParams(value));
        } else if (name == "betrokkene") {
            w.Add("o.k2 = ?", storage::MakeParams(json::MarkBase(value, req.base_url)));
        } else if (name.starts_with("startdatum__") || name.starts_with("einddatum__")) {
            auto instant = ToUtcInstant(value);
            if (!instant) instant = ToUtcInstant(value + "Z");  // without an offset: UTC, as for writes
            if (!instant) {
                errors.push_back({name, "invalid", "Vul een geldige datum/tijd in."});
                continue;
            }
            std::string column = name.starts_with("start") ? "o.k1" : "o.k2";
            std::string_view op_name = std::string_view(name).substr(name.find("__") + 2);
            std::string_view cmp = op_name == "lt" ? "<" : op_name == "lte" ? "<=" : op_name == "gt" ? ">" : ">=";
            w.Add(fmt::format("{0} <> '' AND {0} {1} ?", column, cmp), storage::MakeParams(*instant));
        }
    }
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    auto depth = ExpandDepth(req);
    if (!depth) co_return Fail(depth.error());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    bool visible = AccessCondition(principal, op.scopes, w);
    std::vector<std::string> rendered;
    std::int64_t count = 0;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        rendered.clear();
        if (visible) {
            std::string from = "FROM documenten_object o JOIN documenten_document d ON d.uuid = o.document " + w.Sql(1);
            storage::Params params = w.params();
            std::string limit;
            if (k.paginated) {
                auto counted = co_await s.Query("SELECT COUNT(*) " + from, w.params());
                if (!counted) co_return Fail(counted.error());
                count = counted->Int(0, 0);
                int n = static_cast<int>(params.size());
                limit = fmt::format(" LIMIT ${} OFFSET ${}", n + 1, n + 2);
                params.emplace_back(paging.page_size);
                params.emplace_back((paging.page - 1) * paging.page_size);
            }
            auto rows =
                co_await s.Query("SELECT o.doc, o.document " + from + " ORDER BY o.seq" + limit, std::move(params));
            if (!rows) co_return Fail(rows.error());
            std::vector<std::string> documents;
            for (std::size_t i = 0; i < rows->size(); ++i) {
                rendered.push_back(json::ExpandBase(rows->Text(i, 0), req.base_url));
                documents.push_back(rows->Text(i, 1));
            }
            auto expanded = co_await ExpandChildren(s, rendered, documents, *depth, req.base_url);
            if (!expanded) co_return expanded;
        }
        std::int64_t offset = (paging.page - 1) * paging.page_size;
        if (k.paginated && offset > 0 && offset >= count) co_return Fail(Error::NotFound("Ongeldige pagina."));
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    if (*depth == 2) co_await ExpandTypes(rendered, req.base_url);
    if (k.paginated) {
        std::int64_t pages = std::max<std::int64_t>(1, (count + paging.page_size - 1) / paging.page_size);
        co_return JsonResponse(200, http::PageBody(req, count, paging.page, pages, rendered));
    }
    std::string body = "[";
    for (std::size_t i = 0; i < rendered.size(); ++i) body += (i ? "," : "") + rendered[i];
    co_return JsonResponse(200, body + "]");
}

asio::awaitable<Result<http::Response>> Service::ReadChild(const Operation& op, http::Request& req) {
    const ChildKind& k = KindOf(op.resource);
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    for (const auto& [name, value] : req.query.items()) {
        if (auto bad = CheckListParam("/" + std::string(k.collection) + "/{uuid}", name, value)) {
            co_return Fail(Error::Validation({*bad}));
        }
    }
    auto depth = ExpandDepth(req);
    if (!depth) co_return Fail(depth.error());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::vector<std::string> one;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto child = co_await store_.GetChild(s, uuid, false);
        if (!child) co_return Fail(child.error());
        if (!*child || (*child)->kind != k.kind) co_return Fail(Error::NotFound());
        auto row = co_await store_.GetDocument(s, (*child)->document, false);
        if (!row) co_return Fail(row.error());
        if (*row && !MayAccess(principal, op.scopes, **row)) co_return Fail(Error::Forbidden());
        one.assign(1, RenderChild(**child, req.base_url));
        std::vector<std::string> documents(1, (*child)->document);
        co_return co_await ExpandChildren(s, one, documents, *depth, req.base_url);
    });
    if (!st) co_return Fail(st.error());
    if (*depth == 2) co_await ExpandTypes(one, req.base_url);
    co_return JsonResponse(200, std::move(one.front()));
}

// ---- writing ----------------------------------------------------------------------------------------------

asio::awaitable<Result<http::Response>> Service::WriteChild(const Operation& op, http::Request& req) {
    const ChildKind& k = KindOf(op.resource);
    bool create = op.action == Action::kCreate;
    bool partial = op.action == Action::kPartialUpdate;
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    if (k.resource == Resource::kGebruiksrechten) {
        // A date-time without offset (as the VNG test suite sends them) is read as UTC.
        for (std::string_view field : {"startdatum", "einddatum"}) {
            auto* v = parsed->as_object().if_contains(field);
            if (!v || !v->is_string()) continue;
            std::string text(v->as_string());
            if (!ToUtcInstant(text) && ToUtcInstant(text + "Z")) *v = text + "Z";
        }
    }
    auto errors = schemas_.Validate(partial ? k.patch_schema : k.request_schema, *parsed, partial);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    json::MarkBase(*parsed, req.base_url);
    bj::object body = std::move(parsed->as_object());
    std::string uuid = create ? NewUuid() : Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    // Verzending: exactly one way to reach the betrokkene (as the reference implementation demands).
    if (k.resource == Resource::kVerzending && !partial) {
        int channels = 0;
        for (std::string_view f :
             {"binnenlandsCorrespondentieadres",
              "buitenlandsCorrespondentieadres",
              "correspondentiePostadres",
              "telefoonnummer",
              "emailadres",
              "mijnOverheid",
              "faxnummer"}) {
            channels += Filled(body, f) ? 1 : 0;
        }
        if (channels != 1) {
            co_return Fail(Rule(
                "nonFieldErrors", "invalid-address", "Een verzending moet precies één correspondentieadres hebben."
            ));
        }
    }
    if (k.resource == Resource::kVerzending) {
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kPostcodes{
            {{"binnenlandsCorrespondentieadres", "postcode"}, {"correspondentiePostadres", "postadresPostcode"}}};
        for (const auto& [group, field] : kPostcodes) {
            const auto* address = body.if_contains(group);
            if (!address || !address->is_object()) continue;
            std::string code = json::TextOf(address->as_object(), field);
            if (!code.empty() && !IsPostcode(code)) {
                co_return Fail(
                    Rule(fmt::format("{}.{}", group, field), "invalid", "Voer een geldige postcode in (1234 AB).")
                );
            }
        }
    }
    std::string remote_check;
    if (k.resource == Resource::kLink) {
        auto checked = co_await CheckObject(req, body, remote_check);
        if (!checked) co_return Fail(checked.error());
    }
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::string rendered;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        bj::object input = body;
        std::optional<ChildRow> before;
        if (!create) {
            auto found = co_await store_.GetChild(s, uuid, true);
            if (!found) co_return Fail(found.error());
            if (!*found || (*found)->kind != k.kind) co_return Fail(Error::NotFound());
            before = **found;
            if (partial) {
                auto old = json::Parse(before->doc);
                if (!old || !old->is_object()) co_return Fail(Error::Internal("stored object unreadable"));
                bj::object merged = std::move(old->as_object());
                for (const auto& kv : body) merged[kv.key()] = kv.value();
                input = std::move(merged);
            }
        }
        auto document = UuidAfter(json::TextOf(input, "informatieobject"), kDocumentsPath);
        bool local = !json::TextOf(input, "informatieobject").empty() &&
                     json::TextOf(input, "informatieobject").front() == json::kBaseMarkerChar;
        std::optional<DocumentRow> row;
        if (document && local) {
            auto found = co_await store_.GetDocument(s, *document, true);
            if (!found) co_return Fail(found.error());
            row = std::move(*found);
        }
        if (!row) {
            co_return Fail(Rule("informatieobject", "does_not_exist", "Het informatieobject bestaat niet."));
        }
        if (!MayAccess(principal, op.scopes, *row)) co_return Fail(Error::Forbidden());
        if (before && before->document != row->uuid) {
            co_return Fail(Rule("informatieobject", "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden."));
        }
        if (k.resource == Resource::kLink) {
            std::string object = json::TextOf(input, "object");
            std::string type = json::TextOf(input, "objectType");
            if (remote_check.empty()) {
                // A local zaak or besluit must exist (drc-002).
                std::string full = json::UnmarkBase(object, req.base_url);
                bool exists = false;
                bool right_kind = type == "zaak" ? full.find("/zaken/api/v1/zaken/") != std::string::npos
                                                 : full.find("/besluiten/api/v1/besluiten/") != std::string::npos;
                if (!right_kind) {
                    co_return Fail(Rule("object", "invalid-resource", "De URL wijst niet naar een " + type + "."));
                }
                if (type == "zaak" && zaken_) {
                    auto facts = co_await zaken_->Facts(s, full, req.base_url);
                    if (!facts) co_return Fail(facts.error());
                    exists = facts->has_value();
                } else if (type == "besluit" && besluiten_) {
                    auto facts = co_await besluiten_->Facts(s, full, req.base_url);
                    if (!facts) co_return Fail(facts.error());
                    exists = facts->has_value();
                }
                if (!exists) co_return Fail(Rule("object", "bad-url", "De URL kan niet worden opgevraagd."));
            }
            auto existing = co_await store_.FindLink(s, row->uuid, object);
            if (!existing) co_return Fail(existing.error());
            if (*existing) {
                co_return Fail(
                    Rule("nonFieldErrors", "unique", "De velden object en informatieobject moeten een unieke set zijn.")
                );
            }
            // drc-004: the zaak or besluit must know the relation first. For this platform's own objects the
            // mirror is written with the zaakinformatieobject, so its absence means there is none.
            if (remote_check != "yes") {
                co_return Fail(Rule(
                    "nonFieldErrors",
                    "inconsistent-relation",
                    "De relatie tussen object en informatieobject bestaat niet in de bron."
                ));
            }
        }
        std::string url = std::string(1, json::kBaseMarkerChar) + ChildPath(k, uuid);
        bj::object doc;
        for (const auto& field : json::OasFields(schemas_, k.schema)) {
            if (field.name == "url") {
                doc["url"] = url;
            } else if (const auto* v = input.if_contains(field.name)) {
                doc[field.name] = *v;
            } else if (field.absent) {
                doc[field.name] = *field.absent;
            }
        }
        auto [k1, k2] = Keys(k, doc);
        ChildRow child{uuid, std::string(k.kind), row->uuid, json::Serialize(doc), k1, k2};
        auto put = co_await store_.PutChild(s, child);
        if (!put) co_return put;
        if (k.resource == Resource::kGebruiksrechten && create && row->indicatie_gebruiksrecht != true) {
            // drc-006c: the first gebruiksrecht sets the indicatie, without a new version.
            auto set = co_await store_.SetIndicatie(s, row->uuid, true);
            if (!set) co_return set;
        }
        rendered = RenderChild(child, req.base_url);
        std::string_view actie = create ? "create" : (partial ? "partial_update" : "update");
        co_return co_await WriteAudit(
            s,
            req,
            *row,
            actie,
            create ? 201 : 200,
            k.kind,
            url,
            fmt::format("{} {}", k.kind, uuid),
            before ? std::string_view(before->doc) : std::string_view(),
            child.doc
        );
    });
    if (!st) co_return Fail(st.error());
    http::Response resp = JsonResponse(create ? 201 : 200, std::move(rendered));
    if (create) resp.SetHeader("Location", req.base_url + ChildPath(k, uuid));
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::DeleteChild(const Operation& op, http::Request& req) {
    const ChildKind& k = KindOf(op.resource);
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    // A remote object's relation must be gone from its API first (Open Zaak: remote-relation-exists).
    std::optional<ChildRow> target;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.GetChild(s, uuid, false);
        if (!found) co_return Fail(found.error());
        if (!*found || (*found)->kind != k.kind) co_return Fail(Error::NotFound());
        target = std::move(**found);
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    if (k.resource == Resource::kLink) {
        auto doc = json::Parse(target->doc);
        bj::object body = doc && doc->is_object() ? doc->as_object() : bj::object();
        std::string remote_check;
        bool local = !target->k1.empty() && target->k1.front() == json::kBaseMarkerChar;
        if (!local && client_) {
            auto checked = co_await CheckObject(req, body, remote_check);
            // An object that no longer answers has no relation left; a failed lookup of the relation is an error.
            bool object_gone = !checked && !checked.error().invalid_params.empty() &&
                               checked.error().invalid_params.front().name == "object";
            if (!checked && !object_gone) co_return Fail(checked.error());
        }
        if (local || remote_check == "yes") {
            co_return Fail(Rule(
                "nonFieldErrors",
                "remote-relation-exists",
                "De relatie bestaat nog in de bron; deze relatie kan niet verwijderd worden."
            ));
        }
    }
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto found = co_await store_.GetChild(s, uuid, true);
        if (!found) co_return Fail(found.error());
        if (!*found || (*found)->kind != k.kind) co_return Fail(Error::NotFound());
        auto row = co_await store_.GetDocument(s, (*found)->document, true);
        if (!row) co_return Fail(row.error());
        if (*row && !MayAccess(principal, op.scopes, **row)) co_return Fail(Error::Forbidden());
        auto del = co_await store_.DeleteChild(s, uuid);
        if (!del) co_return del;
        if (k.resource == Resource::kGebruiksrechten && *row) {
            auto left = co_await store_.CountChildren(s, std::string(kKindGebruiksrechten), (*row)->uuid);
            if (!left) co_return Fail(left.error());
            if (*left == 0) {
                // drc-006d: without gebruiksrechten the indicatie is unknown again.
                auto set = co_await store_.SetIndicatie(s, (*row)->uuid, std::nullopt);
                if (!set) co_return set;
            }
        }
        if (!*row) co_return Status{};
        std::string url = std::string(1, json::kBaseMarkerChar) + ChildPath(k, uuid);
        co_return co_await WriteAudit(
            s, req, **row, "destroy", 204, k.kind, url, fmt::format("{} {}", k.kind, uuid), (*found)->doc, ""
        );
    });
    if (!st) co_return Fail(st.error());
    co_return http::Response::NoContent();
}

// ---- Links: this platform's Zaken and Besluiten APIs --------------------------------------------------------

bool Service::IsLocal(std::string_view url, std::string_view base) const {
    return url.starts_with(base) && url.substr(base.size()).starts_with(kDocumentsPath) &&
           UuidAfter(url, kDocumentsPath).has_value();
}

asio::awaitable<Result<std::optional<DocumentFacts>>> Service::Facts(
    storage::Session& s, std::string url, std::string base
) {
    auto uuid = UuidAfter(url, kDocumentsPath);
    if (!uuid) co_return std::optional<DocumentFacts>();
    auto row = co_await store_.GetDocument(s, *uuid, false);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return std::optional<DocumentFacts>();
    auto version = co_await store_.GetVersion(s, *uuid, 0, "");
    if (!version) co_return Fail(version.error());
    DocumentFacts facts;
    facts.uuid = *uuid;
    facts.informatieobjecttype = json::UnmarkBase((*row)->informatieobjecttype, base);
    facts.indicatie_gebruiksrecht = (*row)->indicatie_gebruiksrecht;
    if (*version) {
        auto doc = json::Parse((*version)->doc);
        if (doc && doc->is_object()) {
            facts.status = json::TextOf(doc->as_object(), "status");
            facts.vertrouwelijkheidaanduiding = json::TextOf(doc->as_object(), "vertrouwelijkheidaanduiding");
        }
    }
    co_return facts;
}

asio::awaitable<Status> Service::Link(
    storage::Session& s, std::string informatieobject, std::string object, std::string object_type, std::string base
) {
    auto uuid = UuidAfter(informatieobject, kDocumentsPath);
    if (!uuid) co_return Fail(Rule("informatieobject", "does_not_exist", "Het informatieobject bestaat niet."));
    auto document = co_await store_.GetDocument(s, *uuid, false);
    if (!document) co_return Fail(document.error());
    if (!*document) co_return Fail(Rule("informatieobject", "does_not_exist", "Het informatieobject bestaat niet."));
    std::string stored_object = json::MarkBase(object, base);
    auto existing = co_await store_.FindLink(s, *uuid, stored_object);
    if (!existing) co_return Fail(existing.error());
    if (*existing) co_return Status{};
    const ChildKind& k = KindOf(Resource::kLink);
    std::string id = NewUuid();
    bj::object doc;
    doc["url"] = std::string(1, json::kBaseMarkerChar) + ChildPath(k, id);
    doc["informatieobject"] = std::string(1, json::kBaseMarkerChar) + std::string(kDocumentsPath) + *uuid;
    doc["object"] = stored_object;
    doc["objectType"] = object_type;
    ChildRow child{id, std::string(kKindLink), *uuid, json::Serialize(doc), stored_object, object_type};
    co_return co_await store_.PutChild(s, child);
}

asio::awaitable<Status> Service::Unlink(
    storage::Session& s, std::string informatieobject, std::string object, std::string base
) {
    auto uuid = UuidAfter(informatieobject, kDocumentsPath);
    if (!uuid) co_return Status{};
    auto existing = co_await store_.FindLink(s, *uuid, json::MarkBase(object, base));
    if (!existing) co_return Fail(existing.error());
    if (!*existing) co_return Status{};
    co_return co_await store_.DeleteChild(s, (*existing)->uuid);
}

}  // namespace thorbecke::documenten
