#include "core/http/etag.h"

#include <functional>

#include <fmt/format.h>

namespace thorbecke::http {

std::string ETag(std::string_view body) {
    return fmt::format("\"{:016x}\"", std::hash<std::string_view>{}(body));
}

namespace {

bool MatchesIfNoneMatch(std::string_view header, std::string_view etag) {
    if (header.empty()) return false;
    if (header.find('*') != std::string_view::npos) return true;
    return header.find(etag) != std::string_view::npos;
}

}  // namespace

Response WithETag(const Request& req, Response response) {
    std::string tag = ETag(response.body);
    if (MatchesIfNoneMatch(req.Header("if-none-match"), tag)) {
        Response not_modified;
        not_modified.status = 304;
        not_modified.content_type.clear();
        not_modified.SetHeader("ETag", tag);
        return not_modified;
    }
    response.SetHeader("ETag", tag);
    return response;
}

}  // namespace thorbecke::http
