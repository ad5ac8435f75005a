#include "core/json/stored_url.h"

#include <algorithm>
#include <cctype>

#include "core/uuid.h"

namespace thorbecke::json {

std::optional<std::string> UuidAfter(std::string_view url, std::string_view prefix) {
    auto pos = url.find(prefix);
    if (pos == std::string_view::npos) return std::nullopt;
    auto rest = url.substr(pos + prefix.size());
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (!IsUuid(rest)) return std::nullopt;
    std::string out(rest);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

}  // namespace thorbecke::json
