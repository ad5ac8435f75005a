#pragma once
// multipart/form-data bodies (RFC 7578), as the Documenten API's bestandsdelen PUT sends them. The parts are
// views into the request body: nothing is copied, so a part of many megabytes costs no extra memory.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace thorbecke::http {

struct FormPart {
    std::string name;          // from Content-Disposition
    std::string filename;      // from Content-Disposition; empty when absent
    std::string content_type;  // empty when absent
    std::string_view data;     // view into the body
};

//! Parses `body` given the request's Content-Type header; 400 (code "invalid_multipart") when the header
//! is not multipart/form-data with a boundary, or the body does not follow it.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

}  // namespace thorbecke::http
