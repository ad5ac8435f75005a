#pragma once
#include "catalogi/service.h"
#include "core/http/router.h"

namespace thorbecke::catalogi {

//! Registers every operation of the Catalogi API under /catalogi/api/v1.
void RegisterRoutes(http::Router& router, Service& service);

}  // namespace thorbecke::catalogi
