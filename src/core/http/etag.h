#pragma once
// HTTP caching of ZGW resources (the standard's "HTTP-Caching"): an ETag over the JSON representation, and
// 304 Not Modified when the client's If-None-Match names it.
#include <string>
#include <string_view>

#include "core/http/message.h"

namespace thorbecke::http {

//! A strong ETag of a body. It includes the host part of every URL in it, so equivalent resources reached
//! through different hosts get different tags, as required.
std::string ETag(std::string_view body);

//! The response for a detail GET/HEAD: 304 with the tag when If-None-Match matches, else `response` with
//! an ETag header added.
Response WithETag(const Request& req, Response response);

}  // namespace thorbecke::http
