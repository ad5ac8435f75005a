#include "core/json/json.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

namespace thorbecke::json {

void AppendString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

std::string Quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    AppendString(out, s);
    return out;
}

Result<boost::json::value> Parse(std::string_view body) {
    boost::system::error_code ec;
    boost::json::parse_options opts;
    opts.max_depth = 64;
    auto v = boost::json::parse(body, ec, {}, opts);
    if (ec) {
        Error e = Error::BadRequest("parse_error", fmt::format("JSON parse error - {}", ec.message()));
        e.title = "Malformed request.";
        return Fail(std::move(e));
    }
    return v;
}

void AppendExpanded(std::string& out, std::string_view stored, std::string_view base_url) {
    std::size_t pos = 0;
    while (true) {
        std::size_t hit = stored.find(kBaseMarker, pos);
        if (hit == std::string_view::npos) break;
        out.append(stored.data() + pos, hit - pos);
        out.append(base_url);
        pos = hit + kBaseMarker.size();
    }
    out.append(stored.data() + pos, stored.size() - pos);
}

std::string ExpandBase(std::string_view stored, std::string_view base_url) {
    std::string out;
    out.reserve(stored.size() + 256);
    AppendExpanded(out, stored, base_url);
    return out;
}

namespace {

void SerializeTo(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::null:
            out += "null";
            return;
        case boost::json::kind::bool_:
            out += v.get_bool() ? "true" : "false";
            return;
        case boost::json::kind::int64:
            out += std::to_string(v.get_int64());
            return;
        case boost::json::kind::uint64:
            out += std::to_string(v.get_uint64());
            return;
        case boost::json::kind::double_: {
            char buf[32];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
            out.append(buf, ec == std::errc() ? end : buf);
            return;
        }
        case boost::json::kind::string:
            AppendString(out, v.get_string());
            return;
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ',';
                first = false;
                SerializeTo(out, item);
            }
            out += ']';
            return;
        }
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                AppendString(out, kv.key());
                out += ':';
                SerializeTo(out, kv.value());
            }
            out += '}';
            return;
        }
    }
}

}  // namespace

std::string Serialize(const boost::json::value& v) {
    std::string out;
    SerializeTo(out, v);
    return out;
}

}  // namespace thorbecke::json
