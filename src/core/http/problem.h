#pragma once
// Error responses as application/problem+json with the ZGW error shape
// (type, code, title, status, detail, instance, invalidParams).
#include "core/error.h"
#include "core/http/message.h"

namespace thorbecke::http {

Response ProblemResponse(const Error& error, const Request& request);

}  // namespace thorbecke::http
