#include "core/http/internal_request.h"

#include <utility>

namespace thorbecke::http {

Request InternalRequest(
    Method method, std::string path, std::string body, std::string base_url, std::string client_id
) {
    Request req;
    req.method = method;
    req.target = path;
    req.path = std::move(path);
    if (!body.empty()) req.headers["content-type"] = "application/json";
    req.headers["accept-crs"] = "EPSG:4326";
    req.headers["content-crs"] = "EPSG:4326";
    req.body = std::move(body);
    req.base_url = std::move(base_url);
    auth::Principal principal;
    principal.client_id = std::move(client_id);
    principal.all_rights = true;
    req.principal = std::move(principal);
    return req;
}

}  // namespace thorbecke::http
