#pragma once
#include <string>
#include <string_view>

namespace thorbecke {

//! A random (version 4) UUID in lower-case canonical text form.
std::string NewUuid();
//! True for canonical 8-4-4-4-12 hex text (either case).
bool IsUuid(std::string_view s);

}  // namespace thorbecke
