#pragma once
// The Zaken API's endpoints, registered from the OAS itself: every path of the standard resources, each
// with the scopes its `security` entry names.
#include "core/http/router.h"
#include "core/json/schema.h"
#include "zaken/service.h"

namespace thorbecke::zaken {

void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas);

}  // namespace thorbecke::zaken
