#include "core/http/paging.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "core/json/json.h"

namespace thorbecke::http {

std::string QueryEncode(std::string_view v) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == ':' || c == '/') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

Result<std::int64_t> ParsePageNumber(std::string_view name, std::string_view value) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || p != value.data() + value.size() || n < 1) {
        if (name == "page") return Fail(Error::NotFound("Ongeldige pagina."));
        return Fail(Error::Field(std::string(name), "invalid", "Een geldig getal is vereist."));
    }
    if (name == "pageSize" && n > kMaxPageSize) n = kMaxPageSize;
    return n;
}

Result<bool> TakePageParam(
    std::string_view name, std::string_view value, Paging& paging, std::vector<InvalidParam>& errors
) {
    if (name != "page" && name != "pageSize") return false;
    auto n = ParsePageNumber(name, value);
    if (!n) {
        if (name == "page") return Fail(n.error());
        errors.push_back(n.error().invalid_params.front());
        return true;
    }
    (name == "page" ? paging.page : paging.page_size) = *n;
    return true;
}

std::string PageBody(
    const Request& req,
    std::int64_t count,
    std::int64_t page,
    std::int64_t pages,
    const std::vector<std::string>& rendered
) {
    auto page_url = [&](std::int64_t p) {
        std::string url = req.base_url + req.path;
        char sep = '?';
        for (const auto& [name, value] : req.query.items()) {
            if (name == "page") continue;
            url += sep;
            url += QueryEncode(name) + "=" + QueryEncode(value);
            sep = '&';
        }
        url += fmt::format("{}page={}", sep, p);
        return url;
    };
    std::string body = fmt::format("{{\"count\":{},\"next\":", count);
    if (page < pages)
        json::AppendString(body, page_url(page + 1));
    else
        body += "null";
    body += ",\"previous\":";
    if (page > 1)
        json::AppendString(body, page_url(page - 1));
    else
        body += "null";
    body += ",\"results\":[";
    for (std::size_t i = 0; i < rendered.size(); ++i) {
        if (i) body += ',';
        body += rendered[i];
    }
    body += "]}";
    return body;
}

}  // namespace thorbecke::http
