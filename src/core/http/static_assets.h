#pragma once
// Files served as they are: the Swagger UI viewer (swagger-ui-dist from npm, Apache-2.0) bundled into the
// binary at build time, so the API documentation pages need no CDN and no files beside the binary.
#include <string>
#include <string_view>

#include "core/http/router.h"

namespace thorbecke::http {

//! Text for HTML: <, >, &, " and ' as entities.
std::string HtmlEscape(std::string_view s);

//! The URL path of a Swagger UI file, e.g. StaticUrl("swagger-ui.css") -> "/static/swagger-ui/5.35.0/swagger-ui.css".
//! The version is part of the path, so the files can be cached for a year.
std::string SwaggerUiUrl(std::string_view file);

//! GET /static/swagger-ui/<version>/<file>: the viewer, its licence and Thorbecke's start-up script for it.
void AddStaticAssetRoutes(Router& router);

//! The HTML page that shows the OpenAPI document at `spec_url` (a path on this server) with Swagger UI.
//! No inline script: the page works under its own strict Content-Security-Policy.
Response SwaggerUiPage(std::string_view title, std::string_view spec_url);

}  // namespace thorbecke::http
