#pragma once
// The Referentielijsten API endpoints (GET only, public: reference data needs no authorisation).
#include "core/http/router.h"
#include "referentielijsten/catalog.h"

namespace thorbecke::referentielijsten {

//! Registers the list and detail endpoints under kApiRoot. The catalog must outlive the router.
void RegisterRoutes(http::Router& router, const Catalog& catalog);

}  // namespace thorbecke::referentielijsten
