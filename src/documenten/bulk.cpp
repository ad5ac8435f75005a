#include "documenten/bulk.h"

#include <cmath>
#include <random>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/auth/jwt.h"
#include "core/http/internal_request.h"
#include "core/json/json.h"
#include "core/storage/row_copies.h"

namespace thorbecke::documenten {

namespace bj = boost::json;

namespace {

constexpr std::string_view kBronorganisatie = "002220647";

//! Content number k: a small text, every one of the same length (so bestandsomvang is the template's).
std::string Content(std::int64_t k) {
    return fmt::format("Thorbecke zaken-load: een klein document, inhoud nummer {:08}.\n", k);
}

std::string Base64(std::string_view data) {
    std::string out = auth::Base64UrlEncode(data);
    for (char& c : out) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    while (out.size() % 4) out += '=';
    return out;
}

std::string Field(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, storage::BlobStore& blobs, const ZaakSource& zaken, BulkOptions o
) {
    BulkSummary sum;
    auto say = [&](const std::string& line) {
        if (o.copy.progress) o.copy.progress(line);
    };
    if (o.documenten < 1) co_return sum;
    auto existing = co_await store.db().Query("SELECT COUNT(*) FROM documenten_document", storage::MakeParams());
    if (!existing) co_return Fail(existing.error());
    if (existing->Int(0, 0) > 0) {
        co_return Fail(Error::BadRequest("documenten_exist", "the database already holds documents"));
    }
    auto first = co_await zaken(0, 1);
    if (!first) co_return Fail(first.error());
    if (first->keys.empty()) co_return Fail(Error::BadRequest("zaken", "documents need zaken to belong to"));

    // The distinct contents, each stored once.
    std::vector<std::string> keys;
    int contents = std::max(1, o.contents);
    for (int k = 0; k < contents; ++k) {
        auto w = blobs.Create();
        if (!w) co_return Fail(w.error());
        std::string text = Content(k);
        if (auto st = (*w)->Write(text); !st) co_return Fail(st.error());
        auto info = (*w)->Commit();
        if (!info) co_return Fail(info.error());
        keys.push_back(info->key);
    }
    sum.blobs = contents;
    say(fmt::format("{} distinct contents in the blob store", contents));

    // The template, through the service: document, content, zaakinformatieobject, objectinformatieobject.
    std::mt19937_64 rng(o.copy.seed * 0x9E3779B97F4A7C15ULL + 7);
    std::string titel = fmt::format("Sjabloon van zaken-load {:016x}", rng());
    std::string zaak_url = o.copy.base + "/zaken/api/v1/zaken/" + first->keys.front();
    bj::object eio{
        {"bronorganisatie", kBronorganisatie},
        {"creatiedatum", "2026-01-05"},
        {"titel", titel},
        {"auteur", "Benchmark"},
        {"taal", "nld"},
        {"informatieobjecttype", o.informatieobjecttype},
        {"vertrouwelijkheidaanduiding", "openbaar"},
        {"formaat", "text/plain"},
        {"bestandsnaam", "document.txt"},
        {"beschrijving", "Een document voor metingen."},
        {"inhoud", Base64(Content(0))}};
    bj::object body{{"enkelvoudiginformatieobject", eio}, {"zaakinformatieobject", bj::object{{"zaak", zaak_url}}}};
    http::Request req = http::InternalRequest(
        http::Method::kPost,
        std::string(kApiRoot) + "/documentregistreren",
        json::Serialize(body),
        o.copy.base,
        "zaken-load"
    );
    Operation op{Resource::kDocument, Action::kCreate, {"documenten.aanmaken"}};
    auto created = co_await service.Register(op, req);
    if (!created) co_return Fail(storage::LoadError("template document", created.error()));
    auto parsed = json::Parse(created->body);
    if (!parsed || !parsed->is_object()) co_return Fail(Error::Internal("documentregistreren answered no object"));
    const auto& answer = parsed->as_object();
    const auto* doc_v = answer.if_contains("enkelvoudiginformatieobject");
    const auto* zio_v = answer.if_contains("zaakinformatieobject");
    if (!doc_v || !doc_v->is_object() || !zio_v || !zio_v->is_object()) {
        co_return Fail(Error::Internal("documentregistreren answered without the two objects"));
    }
    std::string tpl_uuid = Field(doc_v->as_object(), "url");
    tpl_uuid = tpl_uuid.substr(tpl_uuid.rfind('/') + 1);
    std::string tpl_ident = Field(doc_v->as_object(), "identificatie");
    std::string tpl_zio = Field(zio_v->as_object(), "uuid");
    std::string tpl_zaak = first->keys.front();
    say(fmt::format("template document {} ({}) with zaakinformatieobject {}", tpl_uuid, tpl_ident, tpl_zio));

    // Its rows, in every table the request wrote to (audit trails and notifications aside).
    storage::TemplateRows rows;
    std::string tpl_oio;
    std::string tpl_key;
    storage::Dialect d = store.db().dialect();
    auto loaded = co_await store.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto p = [&] { return storage::MakeParams(tpl_uuid); };
        if (auto st = co_await rows.Load(s, d, "documenten_document", "uuid = $1", p()); !st) co_return st;
        if (auto st = co_await rows.Load(s, d, "documenten_versie", "document = $1", p()); !st) co_return st;
        if (auto st = co_await rows.Load(s, d, "documenten_trefwoord", "document = $1", p()); !st) co_return st;
        if (auto st = co_await rows.Load(s, d, "documenten_object", "document = $1", p()); !st) co_return st;
        for (const auto& [table, where] : o.copy.related_rows) {
            if (auto st = co_await rows.Load(s, d, table, where, storage::MakeParams(tpl_zio)); !st) co_return st;
        }
        co_return Status{};
    });
    if (!loaded) co_return Fail(loaded.error());
    const auto& tables = rows.tables();
    if (tables[0].size() != 1 || tables[1].size() != 1 || tables[3].size() != 1) {
        co_return Fail(Error::Internal("the template document's rows are not as expected"));
    }
    tpl_key = tables[1].Value(0, "blob_key");
    tpl_oio = tables[3].Value(0, "uuid");
    std::string year = tpl_ident.size() > 13 ? tpl_ident.substr(9, 4) : "2026";  // DOCUMENT-<year>-<n>

    // The copies: document i (1 …) belongs to the i-th zaak after the template's.
    std::int64_t bulk = o.documenten - 1;
    storage::CyclingKeys next_zaak(zaken);
    auto skip = co_await next_zaak.Next();
    if (!skip) co_return Fail(skip.error());
    say(fmt::format("writing {} documents in bulk, {} per transaction", bulk, o.copy.batch));
    storage::BatchRun run{bulk, o.copy.batch, o.copy.progress_every, "documents", o.copy.progress};
    storage::BatchWrite write = [&](storage::Session& s, std::int64_t done, std::int64_t n
                                ) -> asio::awaitable<Result<std::int64_t>> {
        auto number = co_await storage::ReserveNumbers(
            s, "documenten_counter", fmt::format("DOCUMENT-{}-{}", kBronorganisatie, year), n
        );
        if (!number) co_return Fail(number.error());
        for (std::int64_t i = 0; i < n; ++i) {
            auto zaak = co_await next_zaak.Next();
            if (!zaak) co_return Fail(zaak.error());
            std::int64_t index = done + i + 1;
            std::vector<std::pair<std::string, std::string>> edits{
                {tpl_uuid, storage::RandomUuid(rng)},
                {tpl_zio, storage::RandomUuid(rng)},
                {tpl_oio, storage::RandomUuid(rng)},
                {tpl_zaak, *zaak},
                {tpl_ident, fmt::format("DOCUMENT-{}-{:010}", year, *number + i)},
                {titel, fmt::format("Document {} van zaken-load", index)},
                {tpl_key, keys[static_cast<std::size_t>(index % contents)]}};
            rows.Add(edits);
        }
        co_return co_await rows.Flush(s);
    };
    auto done = co_await storage::RunBatches(store.db(), run, write);
    if (!done) co_return Fail(storage::LoadError("documents", done.error()));
    sum.copies.rows = done->first;
    sum.copies.seconds = done->second;
    sum.copies.added = o.documenten;
    co_return sum;
}

std::string SummaryJson(const BulkSummary& s) {
    bj::object o = s.copies.Json();
    o["blobs"] = s.blobs;
    return json::Serialize(o);
}

}  // namespace thorbecke::documenten
