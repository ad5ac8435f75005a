#include "besluiten/bulk.h"

#include <cmath>
#include <random>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/http/internal_request.h"
#include "core/json/json.h"

namespace thorbecke::besluiten {

namespace bj = boost::json;

namespace {

constexpr std::string_view kOrganisatie = "002220647";

}  // namespace

asio::awaitable<Result<BulkSummary>> BulkLoad(
    Store& store, Service& service, const ZaakSource& zaken, const FindZaakbesluit& zaakbesluit, BulkOptions o
) {
    BulkSummary sum;
    if (o.besluiten < 1) co_return sum;
    auto existing = co_await store.db().Query("SELECT COUNT(*) FROM besluiten_besluit", storage::MakeParams());
    if (!existing) co_return Fail(existing.error());
    if (existing->Int(0, 0) > 0) {
        co_return Fail(Error::BadRequest("besluiten_exist", "the database already holds besluiten"));
    }
    storage::CyclingKeys next_zaak(zaken);
    auto tpl_zaak = co_await next_zaak.Next();
    if (!tpl_zaak) co_return Fail(tpl_zaak.error());

    // The template, through the service: the besluit, its identificatie and the zaakbesluit.
    std::mt19937_64 rng(o.copy.seed * 0x9E3779B97F4A7C15ULL + 11);
    bj::object body{
        {"verantwoordelijkeOrganisatie", kOrganisatie},
        {"besluittype", o.besluittype},
        {"zaak", o.copy.base + "/zaken/api/v1/zaken/" + *tpl_zaak},
        {"datum", "2026-01-05"},
        {"ingangsdatum", "2026-01-05"},
        {"toelichting", "Een besluit voor metingen."}};
    http::Request req = http::InternalRequest(
        http::Method::kPost, std::string(kApiRoot) + "/besluiten", json::Serialize(body), o.copy.base, "zaken-load"
    );
    Operation op{Resource::kBesluit, Action::kCreate, {"besluiten.aanmaken"}};
    auto created = co_await service.WriteBesluit(op, req);
    if (!created) co_return Fail(storage::LoadError("template besluit", created.error()));
    auto parsed = json::Parse(created->body);
    if (!parsed || !parsed->is_object()) co_return Fail(Error::Internal("POST /besluiten answered no object"));
    const auto& answer = parsed->as_object();
    const auto* uuid_v = answer.if_contains("url");
    const auto* ident_v = answer.if_contains("identificatie");
    if (!uuid_v || !uuid_v->is_string() || !ident_v || !ident_v->is_string()) {
        co_return Fail(Error::Internal("POST /besluiten answered without url or identificatie"));
    }
    std::string tpl_uuid(uuid_v->as_string());
    tpl_uuid = tpl_uuid.substr(tpl_uuid.rfind('/') + 1);
    std::string tpl_ident(ident_v->as_string());
    auto tpl_zb = co_await zaakbesluit(*tpl_zaak, tpl_uuid);
    if (!tpl_zb) co_return Fail(tpl_zb.error());
    if (tpl_zb->empty()) co_return Fail(Error::Internal("the template besluit has no zaakbesluit"));
    if (o.copy.progress)
        o.copy.progress(fmt::format("template besluit {} ({}) with zaakbesluit {}", tpl_uuid, tpl_ident, *tpl_zb));

    storage::TemplateRows rows;
    storage::Dialect d = store.db().dialect();
    auto loaded = co_await store.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto st = co_await rows.Load(s, d, "besluiten_besluit", "uuid = $1", storage::MakeParams(tpl_uuid));
        if (!st) co_return st;
        for (const auto& [table, where] : o.copy.related_rows) {
            st = co_await rows.Load(s, d, table, where, storage::MakeParams(*tpl_zb));
            if (!st) co_return st;
        }
        co_return Status{};
    });
    if (!loaded) co_return Fail(loaded.error());
    if (rows.tables()[0].size() != 1) co_return Fail(Error::Internal("the template besluit's row is not as expected"));
    std::string year = tpl_ident.size() > 12 ? tpl_ident.substr(8, 4) : "2026";  // BESLUIT-<year>-<n>

    std::int64_t bulk = o.besluiten - 1;
    if (o.copy.progress)
        o.copy.progress(fmt::format("writing {} besluiten in bulk, {} per transaction", bulk, o.copy.batch));
    storage::BatchRun run{bulk, o.copy.batch, o.copy.progress_every, "besluiten", o.copy.progress};
    storage::BatchWrite write = [&](storage::Session& s, std::int64_t, std::int64_t n
                                ) -> asio::awaitable<Result<std::int64_t>> {
        auto number = co_await storage::ReserveNumbers(
            s, "besluiten_counter", fmt::format("besluit:{}:{}", kOrganisatie, year), n
        );
        if (!number) co_return Fail(number.error());
        for (std::int64_t i = 0; i < n; ++i) {
            auto zaak = co_await next_zaak.Next();
            if (!zaak) co_return Fail(zaak.error());
            std::vector<std::pair<std::string, std::string>> edits{
                {tpl_uuid, storage::RandomUuid(rng)},
                {*tpl_zb, storage::RandomUuid(rng)},
                {*tpl_zaak, *zaak},
                {tpl_ident, fmt::format("BESLUIT-{}-{:010}", year, *number + i)}};
            rows.Add(edits);
        }
        co_return co_await rows.Flush(s);
    };
    auto done = co_await storage::RunBatches(store.db(), run, write);
    if (!done) co_return Fail(storage::LoadError("besluiten", done.error()));
    sum.rows = done->first;
    sum.seconds = done->second;
    sum.added = o.besluiten;
    co_return sum;
}

std::string SummaryJson(const BulkSummary& s) {
    return json::Serialize(s.Json());
}

}  // namespace thorbecke::besluiten
