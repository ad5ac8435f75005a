#pragma once
// Dates and durations as ZGW writes them: ISO 8601 dates (YYYY-MM-DD), date-times in UTC, and
// ISO 8601 durations (P1Y2M3DT4H5M6S, P2W).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace thorbecke {

//! Parses a calendar date; rejects impossible dates such as 2023-02-30.
std::optional<std::chrono::year_month_day> ParseDate(std::string_view s);
std::string FormatDate(std::chrono::year_month_day d);
//! Today's date in UTC.
std::chrono::year_month_day Today();
//! Current UTC time as "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string NowIso();
//! Parses an RFC 3339 date-time ("2024-01-02T03:04:05Z", optional fraction, Z or +hh:mm offset).
bool IsDateTime(std::string_view s);

//! An RFC 3339 date-time as the UTC instant "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds), so instants given with
//! different offsets or precision compare correctly as text; nullopt when it is not a date-time.
std::optional<std::string> ToUtcInstant(std::string_view s);

struct Duration {
    long years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0;
    double seconds = 0;
};
std::optional<Duration> ParseDuration(std::string_view s);

}  // namespace thorbecke
