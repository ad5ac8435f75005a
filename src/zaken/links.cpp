// zaken::Links: the Zaken API as the platform's other components use it in-process (a besluit on a zaak
// and its zaakbesluit in one transaction), and the mirror of zaakinformatieobjecten in the Documenten API.
#include <fmt/format.h>

#include "core/audit.h"
#include "core/json/json.h"
#include "core/uuid.h"
#include "zaken/internal.h"
#include "zaken/service.h"

namespace thorbecke::zaken {

using namespace detail;

namespace {

//! The uuid of a zaak URL of this platform: under `base` + the zaken path.
std::optional<std::string> LocalZaakUuid(std::string_view url, std::string_view base) {
    std::string prefix = std::string(base) + std::string(kZakenPath);
    if (!url.starts_with(prefix)) return std::nullopt;
    std::string uuid = Lower(std::string(url.substr(prefix.size())));
    if (!IsUuid(uuid)) return std::nullopt;
    return uuid;
}

}  // namespace

bool Service::IsLocal(std::string_view url, std::string_view base) const {
    return LocalZaakUuid(url, base).has_value();
}

asio::awaitable<Result<std::optional<ZaakFacts>>> Service::Facts(
    storage::Session& s, std::string url, std::string base
) {
    auto uuid = LocalZaakUuid(url, base);
    if (!uuid) co_return std::optional<ZaakFacts>();
    auto z = co_await store_.GetZaak(s, *uuid, false);
    if (!z) co_return Fail(z.error());
    if (!*z) co_return std::optional<ZaakFacts>();
    ZaakFacts facts;
    facts.uuid = (*z)->uuid;
    facts.url = base + std::string(kZakenPath) + (*z)->uuid;
    facts.zaaktype = Full((*z)->zaaktype, base);
    facts.closed = (*z)->einddatum.has_value();
    co_return std::optional<ZaakFacts>(std::move(facts));
}

//! The audit trail entry of a zaakbesluit the Besluiten API added or removed.
asio::awaitable<Status> Service::AuditZaakbesluit(
    storage::Session& s,
    const ZaakRow& zaak,
    const std::string& uuid,
    bool created,
    std::string_view doc,
    const std::string& base,
    const auth::Principal* principal
) {
    const Kind& kind = GetKind(KindId::kZaakbesluit);
    audit::Change change;
    change.bron = kComponent;
    change.actie = created ? "create" : "destroy";
    change.resultaat = created ? 201 : 204;
    change.hoofd_object = std::string(1, json::kBaseMarkerChar) + std::string(kZakenPath) + zaak.uuid;
    change.resource = kind.name;
    change.resource_url = std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, zaak.uuid, uuid);
    change.resource_weergave = fmt::format("{} {}", kind.name, uuid);
    (created ? change.nieuw : change.oud) = doc;
    change.principal = principal;
    audit::Entry entry = audit::Build(change);
    auto stored = co_await store_.InsertAudit(s, entry.uuid, zaak.uuid, entry.json);
    if (!stored) co_return stored;
    co_return co_await Announce(s, change, zaak, base);
}

asio::awaitable<Status> Service::AddBesluit(
    storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
) {
    auto uuid = LocalZaakUuid(zaak, base);
    if (!uuid) co_return Fail(Rule("zaak", "invalid-resource", "De URL wijst niet naar een zaak van dit platform."));
    auto z = co_await store_.GetZaak(s, *uuid, true);
    if (!z) co_return Fail(z.error());
    if (!*z) co_return Fail(Rule("zaak", "does_not_exist", "Ongeldige hyperlink - Object bestaat niet."));
    std::string stored = Stored(besluit, base);
    std::vector<std::string> one{*uuid};
    std::vector<std::string> kinds{"zaakbesluit"};
    auto existing = co_await store_.ObjectsOf(s, one, kinds, false);
    if (!existing) co_return Fail(existing.error());
    for (const auto& o : *existing) {
        if (o.ref == stored) co_return Status{};
    }
    const Kind& kind = GetKind(KindId::kZaakbesluit);
    ObjectRow row;
    row.uuid = NewUuid();
    row.kind = kind.name;
    row.zaak = *uuid;
    row.ref = stored;
    std::string url = std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, *uuid, row.uuid);
    bj::object doc{{"url", url}, {"uuid", row.uuid}, {"besluit", stored}};
    row.doc = json::Serialize(doc);
    std::vector<std::pair<std::string, std::string>> no_keys;
    auto saved = co_await store_.SaveObject(s, row, no_keys, true);
    if (!saved) co_return saved;
    auto trail = co_await AuditZaakbesluit(s, **z, row.uuid, true, row.doc, base, principal);
    if (!trail) co_return trail;
    Changed();
    co_return Status{};
}

asio::awaitable<Status> Service::RemoveBesluit(
    storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
) {
    auto uuid = LocalZaakUuid(zaak, base);
    if (!uuid) co_return Status{};
    std::string stored = Stored(besluit, base);
    std::vector<std::string> one{*uuid};
    std::vector<std::string> kinds{"zaakbesluit"};
    auto existing = co_await store_.ObjectsOf(s, one, kinds, true);
    if (!existing) co_return Fail(existing.error());
    for (const auto& o : *existing) {
        if (o.ref != stored) continue;
        auto z = co_await store_.GetZaak(s, *uuid, false);
        if (!z) co_return Fail(z.error());
        if (!*z) continue;
        auto del = co_await store_.DeleteObject(s, o);
        if (!del) co_return del;
        auto trail = co_await AuditZaakbesluit(s, **z, o.uuid, false, o.doc, base, principal);
        if (!trail) co_return trail;
    }
    Changed();
    co_return Status{};
}

asio::awaitable<Result<std::string>> Service::AddInformatieobject(
    storage::Session& s, http::Request& req, bj::object body
) {
    if (!IsLocal(Full(Str(body, "zaak"), req.base_url), req.base_url)) {
        co_return Fail(Rule("zaak", "bad-url", "De zaak moet een zaak van dit platform zijn."));
    }
    const Kind& kind = GetKind(KindId::kZaakinformatieobject);
    Operation op{&kind, Action::kCreate, ScopesFor(kind, Action::kCreate)};
    Ctx ctx{op, req, req.base_url};
    ctx.principal = req.principal ? &*req.principal : nullptr;
    ctx.create = true;
    ctx.body = std::move(body);
    auto written = co_await WriteIn(s, ctx, std::string());
    if (!written) co_return Fail(written.error());
    Changed();
    co_return co_await RenderWritten(s, ctx);
}

asio::awaitable<Status> Service::UnlinkDocuments(
    storage::Session& s, std::vector<std::string> zaak_uuids, std::string base
) {
    if (!documenten_ || zaak_uuids.empty()) co_return Status{};
    std::vector<std::string> kinds{"zaakinformatieobject"};
    auto zios = co_await store_.ObjectsOf(s, zaak_uuids, kinds, false);
    if (!zios) co_return Fail(zios.error());
    for (const auto& zio : *zios) {
        std::string document = Full(zio.ref, base);
        if (!LocalDocument(document, base)) continue;
        std::string zaak = base + std::string(kZakenPath) + zio.zaak;
        auto gone = co_await documenten_->Unlink(s, document, zaak, base);
        if (!gone) co_return gone;
    }
    co_return Status{};
}

}  // namespace thorbecke::zaken
