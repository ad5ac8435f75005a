#include "core/nl/identifiers.h"

namespace thorbecke::nl {

bool PassesElfproef(std::string_view s) {
    if (s.size() != 9) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) {
        char c = s[i];
        if (c < '0' || c > '9') return false;
        int weight = i == 8 ? -1 : static_cast<int>(9 - i);
        sum += weight * (c - '0');
    }
    return sum % 11 == 0;
}

}  // namespace thorbecke::nl
