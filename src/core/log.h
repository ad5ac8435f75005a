#pragma once
// Structured logging: one JSON object per line on stderr. Callers pass only what is safe to log: never
// secrets, tokens or personal data (a BSN in a query string, a user_id claim).
#include <string_view>
#include <utility>
#include <vector>

namespace thorbecke::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetLevel(Level level);
void SetAccessLog(bool enabled);
bool AccessLogEnabled();

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;
void Write(Level level, std::string_view message, const Fields& fields = {});

inline void Info(std::string_view m, const Fields& f = {}) {
    Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, const Fields& f = {}) {
    Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, const Fields& f = {}) {
    Write(Level::kError, m, f);
}

}  // namespace thorbecke::log
