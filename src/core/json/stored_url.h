#pragma once
// Reading resource URLs, whatever host they were reached by and in stored form too (see json::MarkBase).
// Shared by every component that refers to resources by URL.
#include <optional>
#include <string>
#include <string_view>

namespace thorbecke::json {

//! The uuid (lower case) at the end of a URL whose path ends in `prefix`<uuid>, a trailing slash allowed.
std::optional<std::string> UuidAfter(std::string_view url, std::string_view prefix);

}  // namespace thorbecke::json
