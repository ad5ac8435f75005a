// Zaaknummer reservations and the composite endpoints (several writes in one transaction).
#include "zaken/service.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/geo/geometry.h"
#include "core/http/paging.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/storage/sequence.h"
#include "core/time.h"
#include "core/uuid.h"
#include "zaken/internal.h"
#include "zaken/rules.h"

namespace thorbecke::zaken {

using namespace detail;

// ---- Zaaknummers and composite actions (experimental endpoints of the OAS) -------------------------------------

asio::awaitable<Result<std::string>> Service::GenerateIdentificatie(
    storage::Session& s, std::string bronorganisatie, std::string registratiedatum
) {
    std::string year = DatePart(registratiedatum.empty() ? NowIso() : registratiedatum).substr(0, 4);
    // Numbers given by hand and reserved ones are skipped.
    storage::IdentificatieTaken taken = [&](const std::string& candidate) -> asio::awaitable<Result<bool>> {
        auto used = co_await store_.IdentificatieTaken(s, bronorganisatie, candidate);
        if (!used || *used) co_return used;
        co_return co_await store_.IdentificatieReserved(s, bronorganisatie, candidate);
    };
    std::string counter = fmt::format("zaak:{}:{}", bronorganisatie, year);
    std::string prefix = fmt::format("ZAAK-{}-", year);
    co_return co_await storage::NextIdentificatie(s, "zaken_counter", std::move(counter), std::move(prefix), taken);
}

std::vector<std::string> Service::ScopesFor(const Kind& kind, Action action) const {
    std::string path =
        kind.nested ? fmt::format("/zaken/{{zaak_uuid}}/{}", kind.collection) : fmt::format("/{}", kind.collection);
    std::string_view method = "get";
    switch (action) {
        case Action::kList:
            break;
        case Action::kRead:
            path += "/{uuid}";
            break;
        case Action::kCreate:
            method = "post";
            break;
        case Action::kUpdate:
            path += "/{uuid}";
            method = "put";
            break;
        case Action::kPartialUpdate:
            path += "/{uuid}";
            method = "patch";
            break;
        case Action::kDelete:
            path += "/{uuid}";
            method = "delete";
            break;
    }
    const auto* paths = schemas_.document().as_object().if_contains("paths");
    const auto* item = paths ? paths->as_object().if_contains(path) : nullptr;
    const auto* op = item ? item->as_object().if_contains(method) : nullptr;
    return op && op->is_object() ? json::OasScopes(op->as_object()) : std::vector<std::string>{};
}

asio::awaitable<Result<http::Response>> Service::Reserve(const Operation& op, http::Request& req) {
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    auto errors = schemas_.Validate("ReserveZaakIdentificatieRequest", *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    const auto& in = parsed->as_object();
    std::string bron = Str(in, "bronorganisatie");
    if (!IsValidRsin(bron)) co_return Fail(Rule("bronorganisatie", "invalid", "Onjuist RSIN-nummer (elfproef)."));
    auto* aantal_value = in.if_contains("aantal");
    std::int64_t aantal = aantal_value && aantal_value->is_int64() ? aantal_value->as_int64() : 1;
    if (aantal < 1 || aantal > 100) {
        co_return Fail(Rule("aantal", "invalid", "Het aantal moet tussen 1 en 100 liggen."));
    }
    // Reserving is creating: the caller needs zaken.aanmaken (for some zaaktype).
    auto allowed = Allowed(req.principal ? &*req.principal : nullptr, op.scopes);
    if (allowed && allowed->empty()) co_return Fail(Forbidden());
    std::vector<std::string> numbers;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        numbers.clear();
        for (std::int64_t i = 0; i < aantal; ++i) {
            auto n = co_await GenerateIdentificatie(s, bron, "");
            if (!n) co_return Fail(n.error());
            auto r = co_await store_.Reserve(s, bron, *n);
            if (!r) co_return r;
            numbers.push_back(*n);
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    std::string body;
    if (aantal_value) {
        body = "[";
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            if (i) body += ',';
            body += "{\"zaaknummer\":" + json::Quote(numbers[i]) + "}";
        }
        body += "]";
    } else {
        body = "{\"zaaknummer\":" + json::Quote(numbers.front()) + "}";
    }
    co_return JsonResponse(201, std::move(body), false);
}

asio::awaitable<Result<http::Response>> Service::RunComposite(
    const Operation& /*op: the route's scopes; each step checks its own*/, http::Request& req, Composite which
) {
    auto crs = CheckCrs(req, true);
    if (!crs) co_return Fail(crs.error());
    auto parsed = json::Parse(req.body);
    if (!parsed) co_return Fail(parsed.error());
    if (!parsed->is_object()) co_return Fail(Rule("nonFieldErrors", "invalid", "Verwachtte een JSON-object."));
    static const std::map<Composite, std::string_view> kSchemas{
        {Composite::kRegistreren, "ZaakRegistrerenRequest"},
        {Composite::kBijwerken, "ZaakBijwerkenRequest"},
        {Composite::kOpschorten, "ZaakOpschortenRequest"},
        {Composite::kVerlengen, "ZaakVerlengenRequest"},
        {Composite::kAfsluiten, "ZaakAfsluitenRequest"}};
    auto errors = schemas_.Validate(kSchemas.at(which), *parsed, false);
    if (!errors.empty()) co_return Fail(Error::Validation(std::move(errors)));
    ToStored(*parsed, req.base_url);
    const bj::object& in = parsed->as_object();
    std::string target;
    if (which != Composite::kRegistreren) {
        target = Lower(req.PathParam("uuid"));
        if (!IsUuid(target)) co_return Fail(Error::NotFound());
    }

    // The steps, in the order the writes happen; each with the scopes of its own endpoint.
    struct Step {
        std::string key;
        int index;  // position in a list, or -1
        Operation op;
        bj::object body;
    };
    std::vector<Step> steps;
    auto add = [&](std::string key, int index, KindId kind, Action action, bj::object body) {
        const Kind& k = GetKind(kind);
        steps.push_back(Step{std::move(key), index, Operation{&k, action, ScopesFor(k, action)}, std::move(body)});
    };
    auto obj = [&](std::string_view key) {
        auto* v = in.if_contains(key);
        return v && v->is_object() ? v->as_object() : bj::object();
    };
    auto list = [&](std::string_view key, KindId kind) {
        auto* v = in.if_contains(key);
        if (!v || !v->is_array()) return;
        for (std::size_t i = 0; i < v->as_array().size(); ++i) {
            const auto& item = v->as_array()[i];
            add(std::string(key),
                static_cast<int>(i),
                kind,
                Action::kCreate,
                item.is_object() ? item.as_object() : bj::object());
        }
    };
    if (which == Composite::kRegistreren) {
        add("zaak", -1, KindId::kZaak, Action::kCreate, obj("zaak"));
        list("rollen", KindId::kRol);
        list("zaakinformatieobjecten", KindId::kZaakinformatieobject);
        list("zaakobjecten", KindId::kZaakobject);
    } else {
        if (in.contains("zaak")) add("zaak", -1, KindId::kZaak, Action::kPartialUpdate, obj("zaak"));
        if (which == Composite::kBijwerken) list("rollen", KindId::kRol);
        if (which == Composite::kAfsluiten) add("resultaat", -1, KindId::kResultaat, Action::kCreate, obj("resultaat"));
    }
    add("status", -1, KindId::kStatus, Action::kCreate, obj("status"));

    // What the steps refer to in other APIs is fetched before the transaction.
    std::vector<std::map<std::string, bj::object>> remote(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        Ctx probe{steps[i].op, req, req.base_url};
        probe.body = steps[i].body;
        auto fetched = co_await FetchReferences(probe);
        if (!fetched) {
            Error e = fetched.error();
            std::string prefix = steps[i].index < 0 ? steps[i].key : fmt::format("{}.{}", steps[i].key, steps[i].index);
            for (auto& p : e.invalid_params) p.name = prefix + "." + p.name;
            co_return Fail(std::move(e));
        }
        remote[i] = std::move(probe.remote);
    }
    std::vector<std::unique_ptr<Ctx>> done;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        done.clear();
        std::string zaak_uuid = target;
        for (auto& step : steps) {
            auto ctx = std::make_unique<Ctx>(Ctx{step.op, req, req.base_url});
            ctx->principal = req.principal ? &*req.principal : nullptr;
            ctx->create = step.op.action == Action::kCreate;
            ctx->partial = step.op.action == Action::kPartialUpdate;
            ctx->body = step.body;
            ctx->remote = remote[static_cast<std::size_t>(&step - steps.data())];
            bool is_zaak = step.op.kind->id == KindId::kZaak;
            if (!is_zaak) {
                ctx->body["zaak"] = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak_uuid;
            }
            // Named first: GCC 12 mishandles temporaries inside co_await expressions.
            std::string step_target = is_zaak ? zaak_uuid : std::string();
            auto r = co_await WriteIn(s, *ctx, step_target);
            if (!r) {
                // Name the field within the composite request ("rollen.0.roltype").
                Error e = r.error();
                std::string prefix = step.index < 0 ? step.key : fmt::format("{}.{}", step.key, step.index);
                for (auto& p : e.invalid_params) p.name = prefix + "." + p.name;
                co_return Fail(std::move(e));
            }
            if (is_zaak) zaak_uuid = ctx->zaak->uuid;
            done.push_back(std::move(ctx));
        }
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    Changed();  // this node's next read must not see the old state

    std::string body;
    auto rd = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        std::map<std::string, std::vector<std::string>> lists;
        std::map<std::string, std::string> singles;
        for (std::size_t i = 0; i < done.size(); ++i) {
            auto r = co_await RenderWritten(s, *done[i]);
            if (!r) co_return Fail(r.error());
            if (steps[i].index < 0)
                singles[steps[i].key] = std::move(*r);
            else
                lists[steps[i].key].push_back(std::move(*r));
        }
        // A zaak that was not changed is still shown.
        if (!singles.contains("zaak") && !target.empty()) {
            auto z = co_await store_.GetZaakWithRelated(s, target);
            if (!z) co_return Fail(z.error());
            if (*z) singles["zaak"] = RenderZaak((*z)->first, (*z)->second, req.base_url);
        }
        body = "{";
        bool first = true;
        auto key = [&](std::string_view k) {
            if (!first) body += ',';
            first = false;
            json::AppendString(body, k);
            body += ':';
        };
        for (const auto& [k, v] : singles) {
            key(k);
            body += v;
        }
        for (std::string_view k : {"rollen", "zaakinformatieobjecten", "zaakobjecten"}) {
            bool wanted = which == Composite::kRegistreren || (which == Composite::kBijwerken && k == "rollen");
            if (!wanted) continue;
            key(k);
            body += '[';
            const auto& items = lists[std::string(k)];
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i) body += ',';
                body += items[i];
            }
            body += ']';
        }
        body += "}";
        co_return Status{};
    });
    if (!rd) co_return Fail(rd.error());
    co_return JsonResponse(which == Composite::kRegistreren ? 201 : 200, std::move(body), true);
}

}  // namespace thorbecke::zaken
