// Rendering zaken and their objects as the OAS shows them, and `expand`.
#include "zaken/service.h"

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

// ---- Rendering ----------------------------------------------------------------------------------------------

std::string Service::RenderZaak(const ZaakRow& z, const ZaakRelated& related, const std::string& base) {
    std::map<std::string_view, std::vector<std::string>> urls;
    for (const auto& [kind_name, uuid] : related.objects) {
        for (const auto& kind : Kinds()) {
            if (kind.name == kind_name) urls[kind.name].push_back(base + ObjectPath(kind, z.uuid, uuid));
        }
    }
    std::vector<std::string> deelzaken;
    for (const auto& d : related.deelzaken) deelzaken.push_back(fmt::format("{}{}{}", base, kZakenPath, d));
    std::string text = json::ExpandBase(z.doc, base);
    if (!text.empty() && text.back() == '}') text.pop_back();
    auto object_url = [&](KindId kind, const std::optional<std::string>& uuid) -> std::optional<std::string> {
        if (!uuid) return std::nullopt;
        return base + ObjectPath(GetKind(kind), "", *uuid);
    };
    AppendField(text, "deelzaken", UrlList(deelzaken));
    AppendField(text, "eigenschappen", UrlList(urls["zaakeigenschap"]));
    AppendField(text, "rollen", UrlList(urls["rol"]));
    AppendField(text, "status", OptUrl(object_url(KindId::kStatus, z.status)));
    AppendField(text, "zaakinformatieobjecten", UrlList(urls["zaakinformatieobject"]));
    AppendField(text, "zaakobjecten", UrlList(urls["zaakobject"]));
    AppendField(text, "resultaat", OptUrl(object_url(KindId::kResultaat, z.resultaat)));
    text += '}';
    return text;
}

asio::awaitable<Result<std::vector<std::string>>> Service::RenderZaken(
    storage::Session& s, const std::vector<ZaakRow>& rows, const std::string& base
) {
    std::vector<std::string> uuids;
    for (const auto& r : rows) uuids.push_back(r.uuid);
    auto related = co_await store_.RelatedOf(s, uuids);
    if (!related) co_return Fail(related.error());
    std::vector<std::string> out;
    for (const auto& z : rows) out.push_back(RenderZaak(z, (*related)[z.uuid], base));
    co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> Service::RenderObjects(
    storage::Session& s, const Kind& kind, const std::vector<ObjectRow>& rows, const std::string& base
) {
    std::map<std::string, std::string> current_status;  // zaak uuid -> status uuid
    // Lists derived from objects that point here: a status's zaakinformatieobjecten (by their `status`), a
    // rol's statussen (by their `gezetdoor`); stored URL -> URLs, one query per page.
    std::map<std::string, std::vector<std::string>> pointing;
    if ((kind.id == KindId::kStatus || kind.id == KindId::kRol) && !rows.empty()) {
        std::vector<std::string> stored;
        for (const auto& r : rows)
            stored.push_back(std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, "", r.uuid));
        std::string key = kind.id == KindId::kStatus ? "status" : "gezetdoor";
        const Kind& source = GetKind(kind.id == KindId::kStatus ? KindId::kZaakinformatieobject : KindId::kStatus);
        auto found = co_await store_.KeyObjects(s, key, stored);
        if (!found) co_return Fail(found.error());
        for (const auto& [value, object] : *found) pointing[value].push_back(base + ObjectPath(source, "", object));
    }
    if (kind.id == KindId::kStatus && !rows.empty()) {
        std::vector<std::string> zaken;
        for (const auto& r : rows) zaken.push_back(r.zaak);
        auto found = co_await store_.GetZaken(s, zaken);
        if (!found) co_return Fail(found.error());
        for (const auto& z : *found) current_status[z.uuid] = z.status.value_or("");
    }
    std::vector<std::string> out;
    for (const auto& r : rows) {
        std::string text = json::ExpandBase(r.doc, base);
        if (kind.id == KindId::kStatus || kind.id == KindId::kRol) {
            const auto& urls = pointing[std::string(1, json::kBaseMarkerChar) + ObjectPath(kind, "", r.uuid)];
            if (!text.empty() && text.back() == '}') text.pop_back();
            if (kind.id == KindId::kStatus) {
                AppendField(text, "indicatieLaatstGezetteStatus", current_status[r.zaak] == r.uuid ? "true" : "false");
                AppendField(text, "zaakinformatieobjecten", UrlList(urls));
            } else {
                AppendField(text, "statussen", UrlList(urls));
            }
            text += '}';
        }
        out.push_back(std::move(text));
    }
    co_return out;
}

Result<std::vector<std::string>> Service::ParseExpand(std::string_view value) const {
    // The expand paths the OAS allows on GET /zaken (read from the OAS with the other list parameters).
    std::vector<std::string> choices;
    if (auto endpoint = list_params_.find("/zaken"); endpoint != list_params_.end()) {
        if (auto param = endpoint->second.find("expand"); param != endpoint->second.end()) choices = param->second;
    }
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        std::string item(value.substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        if (std::find(choices.begin(), choices.end(), item) == choices.end()) {
            return Fail(Rule(
                "expand",
                "invalid_choice",
                fmt::format("Selecteer een geldige keuze. {} is geen beschikbare keuze.", item)
            ));
        }
        out.push_back(item);
    }
    return out;
}

asio::awaitable<Result<bj::value>> Service::ExpandObjects(
    storage::Session& s,
    const ZaakRow& zaak,
    const Kind& kind,
    std::vector<std::string> rest,
    const std::string& base,
    bool single
) {
    std::vector<ObjectRow> rows;
    if (single) {
        const auto& uuid = kind.id == KindId::kStatus ? zaak.status : zaak.resultaat;
        if (!uuid) co_return bj::value(nullptr);
        auto o = co_await store_.GetObject(s, *uuid, false);
        if (!o) co_return Fail(o.error());
        if (!*o) co_return bj::value(nullptr);
        rows.push_back(std::move(**o));
    } else {
        std::vector<std::string> one{zaak.uuid};
        std::vector<std::string> kinds{std::string(kind.name)};
        auto found = co_await store_.ObjectsOf(s, one, kinds, true);
        if (!found) co_return Fail(found.error());
        rows = std::move(*found);
    }
    auto rendered = co_await RenderObjects(s, kind, rows, base);
    if (!rendered) co_return Fail(rendered.error());
    bj::array out;
    for (const auto& text : *rendered) {
        auto v = json::Parse(text);
        if (!v || !v->is_object()) continue;
        bj::object obj = std::move(v->as_object());
        if (!rest.empty()) {
            // The one type a zaak object refers to (statustype, resultaattype, roltype, eigenschap).
            bj::object sub;
            for (const auto& field : rest) {
                std::string url = Str(obj, field);
                if (url.empty()) continue;
                auto t = co_await types_.Find(url, base, &s);
                if (!t) co_return Fail(t.error());
                if (*t) {
                    auto tv = json::Parse(**t);
                    if (tv) sub[field] = std::move(*tv);
                }
            }
            obj["_expand"] = std::move(sub);
        }
        out.push_back(std::move(obj));
    }
    if (single) co_return out.empty() ? bj::value(nullptr) : out.front();
    co_return bj::value(std::move(out));
}

asio::awaitable<Result<std::string>> Service::Expand(
    storage::Session& s,
    std::string rendered,
    const ZaakRow& row,
    std::vector<std::string> paths,
    const std::string& base,
    const auth::Principal* principal,
    const std::vector<std::string>& scopes,
    int depth
) {
    if (paths.empty()) co_return rendered;
    auto parsed = json::Parse(rendered);
    if (!parsed || !parsed->is_object()) co_return rendered;
    // first segment -> the rest of each path below it
    std::map<std::string, std::vector<std::string>> groups;
    for (const auto& p : paths) {
        auto dot = p.find('.');
        auto& rest = groups[p.substr(0, dot)];
        if (dot != std::string::npos) rest.push_back(p.substr(dot + 1));
    }
    bj::object expanded;
    for (auto& [key, rest] : groups) {
        if (key == "zaaktype") {
            std::string zaaktype_url = Full(row.zaaktype, base);
            auto t = co_await types_.Find(zaaktype_url, base, &s);
            if (!t) co_return Fail(t.error());
            expanded[key] = *t ? json::Parse(**t).value_or(bj::value(nullptr)) : bj::value(nullptr);
        } else if (key == "hoofdzaak" || key == "deelzaken") {
            std::vector<ZaakRow> zaken;
            if (key == "hoofdzaak") {
                if (row.hoofdzaak) {
                    auto h = co_await store_.GetZaak(s, *row.hoofdzaak, false);
                    if (!h) co_return Fail(h.error());
                    if (*h) zaken.push_back(std::move(**h));
                }
            } else {
                auto uuids = co_await store_.Deelzaken(s, row.uuid);
                if (!uuids) co_return Fail(uuids.error());
                auto found = co_await store_.GetZaken(s, *uuids);
                if (!found) co_return Fail(found.error());
                zaken = std::move(*found);
            }
            // Only what the caller may see of the related zaken.
            std::erase_if(zaken, [&](const ZaakRow& z) { return !MayAccess(principal, scopes, z); });
            auto texts = co_await RenderZaken(s, zaken, base);
            if (!texts) co_return Fail(texts.error());
            bj::array items;
            for (std::size_t i = 0; i < zaken.size(); ++i) {
                std::string text = (*texts)[i];
                if (depth < 1) {
                    auto nested = co_await Expand(s, text, zaken[i], rest, base, principal, scopes, depth + 1);
                    if (!nested) co_return Fail(nested.error());
                    text = std::move(*nested);
                }
                auto v = json::Parse(text);
                if (v) items.push_back(std::move(*v));
            }
            if (key == "hoofdzaak")
                expanded[key] = items.empty() ? bj::value(nullptr) : items.front();
            else
                expanded[key] = std::move(items);
        } else {
            static const std::map<std::string, std::pair<KindId, bool>, std::less<>> kObjects{
                {"status", {KindId::kStatus, true}},
                {"resultaat", {KindId::kResultaat, true}},
                {"rollen", {KindId::kRol, false}},
                {"eigenschappen", {KindId::kZaakeigenschap, false}},
                {"zaakinformatieobjecten", {KindId::kZaakinformatieobject, false}},
                {"zaakobjecten", {KindId::kZaakobject, false}}};
            auto it = kObjects.find(key);
            if (it == kObjects.end()) continue;
            auto v = co_await ExpandObjects(s, row, GetKind(it->second.first), rest, base, it->second.second);
            if (!v) co_return Fail(v.error());
            expanded[key] = std::move(*v);
        }
    }
    parsed->as_object()["_expand"] = std::move(expanded);
    co_return json::Serialize(*parsed);
}

}  // namespace thorbecke::zaken
