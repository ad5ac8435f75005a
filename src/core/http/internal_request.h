#pragma once
// Requests the platform makes of itself: the bulk loaders' templates and `thorbecke import` go through the
// services exactly as an API client would, as a named client with all rights.
#include <string>

#include "core/http/message.h"

namespace thorbecke::http {

//! A JSON request (coordinates in EPSG:4326, as the Zaken API asks) from `client_id` with all rights, for
//! resources addressed by `base_url`. `body` empty: no content type is set.
Request InternalRequest(Method method, std::string path, std::string body, std::string base_url, std::string client_id);

}  // namespace thorbecke::http
