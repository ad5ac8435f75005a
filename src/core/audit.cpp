#include "core/audit.h"

#include <map>

#include <boost/json.hpp>

#include "core/json/json.h"
#include "core/time.h"
#include "core/uuid.h"

namespace thorbecke::audit {

namespace bj = boost::json;

namespace {

bj::value ParseOrNull(std::string_view doc) {
    if (doc.empty()) return nullptr;
    auto v = json::Parse(doc);
    return v ? *v : bj::value(nullptr);
}

}  // namespace

Entry Build(const Change& c) {
    static const std::map<std::string_view, std::string_view> kWeergave{
        {"create", "Object aangemaakt"},
        {"update", "Object bijgewerkt"},
        {"partial_update", "Object deels bijgewerkt"},
        {"destroy", "Object verwijderd"}};
    Entry out{NewUuid(), {}};
    std::string client = c.principal ? c.principal->client_id : "";
    std::string user = c.principal ? c.principal->user_id : "";
    bj::object entry;
    entry["uuid"] = out.uuid;
    entry["bron"] = c.bron;
    entry["applicatieId"] = client;
    entry["applicatieWeergave"] = client;
    entry["gebruikersId"] = user;
    entry["gebruikersWeergave"] = user;
    entry["actie"] = c.actie;
    auto weergave = kWeergave.find(c.actie);
    entry["actieWeergave"] = weergave != kWeergave.end() ? weergave->second : c.actie;
    entry["resultaat"] = c.resultaat;
    entry["hoofdObject"] = c.hoofd_object;
    entry["resource"] = c.resource;
    entry["resourceUrl"] = c.resource_url;
    entry["toelichting"] = c.toelichting;
    entry["resourceWeergave"] = c.resource_weergave;
    entry["aanmaakdatum"] = NowIso();
    bj::object changes;
    changes["oud"] = ParseOrNull(c.oud);
    changes["nieuw"] = ParseOrNull(c.nieuw);
    entry["wijzigingen"] = std::move(changes);
    out.json = json::Serialize(entry);
    return out;
}

}  // namespace thorbecke::audit
