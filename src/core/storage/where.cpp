#include "core/storage/where.h"

#include <fmt/format.h>

namespace thorbecke::storage {

std::string NumberPlaceholders(std::string_view sql, int first) {
    std::string out;
    out.reserve(sql.size() + 16);
    for (char c : sql) {
        if (c == '?')
            out += fmt::format("${}", first++);
        else
            out += c;
    }
    return out;
}

std::string Where::Sql(int first_param) const {
    if (conditions_.empty()) return {};
    std::string text = " WHERE ";
    for (std::size_t i = 0; i < conditions_.size(); ++i) {
        if (i) text += " AND ";
        text += "(" + conditions_[i] + ")";
    }
    return NumberPlaceholders(text, first_param);
}

}  // namespace thorbecke::storage
