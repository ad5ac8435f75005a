#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "core/json/json.h"
#include "core/time.h"

namespace thorbecke::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::atomic<bool> g_access{true};

std::string_view LevelName(Level l) {
    switch (l) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
    }
    return "info";
}
}  // namespace

void SetLevel(Level level) {
    g_level = level;
}
void SetAccessLog(bool enabled) {
    g_access = enabled;
}
bool AccessLogEnabled() {
    return g_access;
}

void Write(Level level, std::string_view message, const Fields& fields) {
    if (level < g_level.load()) return;
    std::string line = "{\"time\":";
    json::AppendString(line, NowIso());
    line += ",\"level\":";
    json::AppendString(line, LevelName(level));
    line += ",\"msg\":";
    json::AppendString(line, message);
    for (const auto& [k, v] : fields) {
        line += ',';
        json::AppendString(line, k);
        line += ':';
        json::AppendString(line, v);
    }
    line += "}\n";
    // One fwrite per line: lines from different threads do not interleave.
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace thorbecke::log
