#pragma once
// The Autorisaties API's endpoints, registered from the OAS itself: every path with the scopes its `security`
// entry names (autorisaties.lezen, autorisaties.bijwerken of component `ac`).
#include "autorisaties/service.h"
#include "core/http/router.h"
#include "core/json/schema.h"

namespace thorbecke::autorisaties {

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas);

}  // namespace thorbecke::autorisaties
