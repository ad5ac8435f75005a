#include "core/time.h"

#include <charconv>
#include <cstdio>

#include <fmt/format.h>

namespace thorbecke {

namespace {

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace

std::optional<std::chrono::year_month_day> ParseDate(std::string_view s) {
    int y, m, d;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return std::nullopt;
    std::chrono::year_month_day ymd{
        std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

std::string FormatDate(std::chrono::year_month_day d) {
    return fmt::format(
        "{:04}-{:02}-{:02}",
        static_cast<int>(d.year()),
        static_cast<unsigned>(d.month()),
        static_cast<unsigned>(d.day())
    );
}

std::chrono::year_month_day Today() {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

std::string NowIso() {
    auto now = std::chrono::system_clock::now();
    auto days = std::chrono::floor<std::chrono::days>(now);
    std::chrono::year_month_day ymd{days};
    std::chrono::hh_mm_ss tod{std::chrono::duration_cast<std::chrono::microseconds>(now - days)};
    return fmt::format(
        "{}T{:02}:{:02}:{:02}.{:06}Z",
        FormatDate(ymd),
        tod.hours().count(),
        tod.minutes().count(),
        tod.seconds().count(),
        tod.subseconds().count()
    );
}

bool IsDateTime(std::string_view s) {
    if (s.size() < 20 || !ParseDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return false;
    int h, mi, se;
    if (!Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, se)) {
        return false;
    }
    if (h > 23 || mi > 59 || se > 60) return false;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i == s.size()) return false;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
    int oh, om;
    return (s[i] == '+' || s[i] == '-') && i + 6 == s.size() && Digits(s, i + 1, 2, oh) && s[i + 3] == ':' &&
           Digits(s, i + 4, 2, om);
}

std::optional<std::string> ToUtcInstant(std::string_view s) {
    if (!IsDateTime(s)) return std::nullopt;
    auto date = ParseDate(s.substr(0, 10));
    int h = 0, mi = 0, se = 0;
    Digits(s, 11, 2, h);
    Digits(s, 14, 2, mi);
    Digits(s, 17, 2, se);
    std::size_t i = 19;
    long micros = 0;
    if (s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 6) {
                micros = micros * 10 + (s[i] - '0');
                ++digits;
            }
            ++i;
        }
        for (; digits < 6; ++digits) micros *= 10;
    }
    long offset_minutes = 0;
    if (s[i] == '+' || s[i] == '-') {
        int oh = 0, om = 0;
        Digits(s, i + 1, 2, oh);
        Digits(s, i + 4, 2, om);
        offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    using namespace std::chrono;
    auto t = sys_days(*date) + hours(h) + minutes(mi) + seconds(se) + microseconds(micros) - minutes(offset_minutes);
    auto days = floor<std::chrono::days>(t);
    hh_mm_ss tod{duration_cast<microseconds>(t - days)};
    return fmt::format(
        "{}T{:02}:{:02}:{:02}.{:06}Z",
        FormatDate(year_month_day{days}),
        tod.hours().count(),
        tod.minutes().count(),
        tod.seconds().count(),
        tod.subseconds().count()
    );
}

std::optional<Duration> ParseDuration(std::string_view s) {
    // P[nY][nM][nW][nD][T[nH][nM][n[.f]S]] with at least one component.
    if (s.size() < 2 || s[0] != 'P') return std::nullopt;
    Duration d;
    bool time = false, any = false;
    std::size_t i = 1;
    while (i < s.size()) {
        if (s[i] == 'T') {
            if (time) return std::nullopt;
            time = true;
            ++i;
            if (i == s.size()) return std::nullopt;
            continue;
        }
        std::size_t start = i;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ',')) ++i;
        if (i == start || i == s.size()) return std::nullopt;
        std::string num(s.substr(start, i - start));
        bool frac = num.find_first_of(".,") != std::string::npos;
        char unit = s[i++];
        long whole = 0;
        if (!frac) {
            auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), whole);
            if (ec != std::errc() || p != num.data() + num.size()) return std::nullopt;
        }
        if (frac && !(time && unit == 'S')) return std::nullopt;
        if (!time) {
            if (unit == 'Y')
                d.years = whole;
            else if (unit == 'M')
                d.months = whole;
            else if (unit == 'W')
                d.weeks = whole;
            else if (unit == 'D')
                d.days = whole;
            else
                return std::nullopt;
        } else {
            if (unit == 'H')
                d.hours = whole;
            else if (unit == 'M')
                d.minutes = whole;
            else if (unit == 'S') {
                for (char& c : num)
                    if (c == ',') c = '.';
                d.seconds = std::strtod(num.c_str(), nullptr);
            } else
                return std::nullopt;
        }
        any = true;
    }
    if (!any) return std::nullopt;
    return d;
}

}  // namespace thorbecke
