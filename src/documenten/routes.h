#pragma once
// The Documenten API's endpoints, registered from the OAS itself: each with the scopes its `security` names.
// Bodies that may carry content get the configured larger limits.
#include "core/http/router.h"
#include "core/json/schema.h"
#include "documenten/service.h"

namespace thorbecke::documenten {

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas);

}  // namespace thorbecke::documenten
