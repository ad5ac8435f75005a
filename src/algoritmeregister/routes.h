#pragma once
// The register's API under /algoritmeregister/api/v1 (NL API Design Rules: kebab-case, problem+json,
// API-Version header, no trailing slash) and its open data downloads under /algoritmeregister/open-data.
#include <string_view>

#include "accounts/accounts.h"
#include "algoritmeregister/opendata.h"
#include "algoritmeregister/service.h"
#include "core/http/router.h"

namespace thorbecke::algoritmeregister {

inline constexpr std::string_view kApiRoot = "/algoritmeregister/api/v1";
inline constexpr std::string_view kApiVersion = "1.0.0";  // openapi.json info.version

void RegisterRoutes(http::Router& router, Service& service, accounts::AccountStore& accounts);

}  // namespace thorbecke::algoritmeregister
