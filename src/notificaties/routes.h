#pragma once
#include "core/http/router.h"
#include "core/json/schema.h"
#include "notificaties/service.h"

namespace thorbecke::notificaties {

//! The Notificaties API's operations under /notificaties/api/v1, each with the scopes its OAS names
//! (component nrc), and the OAS documents themselves.
void RegisterRoutes(http::Router& router, Service& service, const json::SchemaSet& oas);

}  // namespace thorbecke::notificaties
