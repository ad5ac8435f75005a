#include "core/http/problem.h"

#include <fmt/format.h>

#include "core/json/json.h"
#include "core/uuid.h"

namespace thorbecke::http {

namespace {

std::string_view TypeName(const Error& e) {
    switch (e.status) {
        case 400:
            return e.invalid_params.empty() ? "ParseError" : "ValidationError";
        case 401:
            return "NotAuthenticated";
        case 403:
            return "PermissionDenied";
        case 404:
            return "NotFound";
        case 405:
            return "MethodNotAllowed";
        case 406:
            return "NotAcceptable";
        case 409:
            return "Conflict";
        case 412:
            return "PreconditionFailed";
        case 413:
            return "RequestEntityTooLarge";
        case 415:
            return "UnsupportedMediaType";
        case 429:
            return "Throttled";
        case 503:
            return "ServiceUnavailable";
        default:
            return "APIException";
    }
}

}  // namespace

Response ProblemResponse(const Error& error, const Request& request) {
    std::string body;
    body.reserve(256);
    body += "{\"type\":";
    json::AppendString(body, fmt::format("{}/ref/fouten/{}/", request.base_url, TypeName(error)));
    body += ",\"code\":";
    json::AppendString(body, error.code.empty() ? "error" : error.code);
    body += ",\"title\":";
    json::AppendString(body, error.title);
    body += fmt::format(",\"status\":{},\"detail\":", error.status);
    json::AppendString(body, error.detail);
    body += ",\"instance\":";
    json::AppendString(body, "urn:uuid:" + NewUuid());
    // 400 always lists its fields (ZGW); other statuses when they name what is at fault (409 of a gate).
    if (error.status == 400 || !error.invalid_params.empty()) {
        body += ",\"invalidParams\":[";
        for (std::size_t i = 0; i < error.invalid_params.size(); ++i) {
            const auto& p = error.invalid_params[i];
            if (i) body += ',';
            body += "{\"name\":";
            json::AppendString(body, p.name);
            body += ",\"code\":";
            json::AppendString(body, p.code);
            body += ",\"reason\":";
            json::AppendString(body, p.reason);
            body += '}';
        }
        body += ']';
    }
    body += '}';
    Response r = Response::Json(error.status, std::move(body));
    r.content_type = "application/problem+json";
    return r;
}

}  // namespace thorbecke::http
