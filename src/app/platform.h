#pragma once
// Endpoints of Thorbecke itself rather than of one API: the landing page (in the web pages' layout), health,
// readiness, metrics.
#include <atomic>

#include "core/http/router.h"
#include "core/metrics.h"
#include "core/storage/database.h"
#include "web/web.h"

namespace thorbecke::app {

struct ComponentInfo {
    std::string name;     // "Catalogi API"
    std::string path;     // "/catalogi/api/v1"
    std::string version;  // "1.3.1"
};

void RegisterPlatformRoutes(
    http::Router& router,
    storage::Database& db,
    Metrics& metrics,
    std::vector<ComponentInfo> components,
    const std::atomic<bool>& ready,
    web::SessionStore& sessions
);

}  // namespace thorbecke::app
