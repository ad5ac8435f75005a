#pragma once
// The Besluiten API's endpoints, registered from the OAS itself: every path with the scopes its `security`
// entry names. Operations the OAS does not have (PUT/PATCH of besluitinformatieobjecten) answer 405.
#include "besluiten/service.h"
#include "core/http/router.h"
#include "core/json/schema.h"

namespace thorbecke::besluiten {

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas);

}  // namespace thorbecke::besluiten
