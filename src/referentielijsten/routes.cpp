#include "referentielijsten/routes.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/json/json.h"
#include "referentielijsten/lookup.h"

namespace thorbecke::referentielijsten {

namespace {

using http::Request;
using http::Response;

std::string CollectionPath(Kind kind) {
    return fmt::format("{}/{}", kApiRoot, CollectionName(kind));
}

// The server adds the API-version header for everything under kApiRoot.
Response JsonOk(std::string body) {
    return Response::Json(200, std::move(body));
}

// The handlers do no I/O; this wraps a computed answer in the router's handler type. Nothing is captured by
// reference in the coroutine frame.
asio::awaitable<Result<Response>> Ready(Result<Response> result) {
    co_return result;
}

void AppendItems(
    std::string& out, const Catalog& catalog, Kind kind, std::span<const std::size_t> items, const Request& request
) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        json::AppendExpanded(out, catalog.StoredJson(kind, items[i]), request.base_url);
    }
    out += ']';
}

void AppendPercentEncoded(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
    }
}

// The ZGW pagination rule: the URL of the first page followed by a `page` parameter; page 1 is that URL
// without one. Other parameters (filters) are kept in the order the client gave them.
std::string PageUrl(const Request& request, std::string_view path, std::size_t page) {
    std::string url = request.base_url;
    url += path;
    char separator = '?';
    for (const auto& [name, value] : request.query.items()) {
        if (name == "page") continue;
        url += separator;
        AppendPercentEncoded(url, name);
        url += '=';
        AppendPercentEncoded(url, value);
        separator = '&';
    }
    if (page > 1) url += fmt::format("{}page={}", separator, page);
    return url;
}

// `page`: 1-based; "last" is the last page; empty is page 1. A page that does not exist is a 404, as in the
// reference implementation (Django REST framework's page number pagination).
Result<std::size_t> PageNumber(const Request& request, std::size_t count) {
    const std::size_t pages = count == 0 ? 1 : (count + kPageSize - 1) / kPageSize;
    auto value = request.query.Get("page");
    if (!value || value->empty()) return 1;
    if (*value == "last") return pages;
    std::size_t page = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), page);
    if (ec != std::errc() || end != value->data() + value->size() || page < 1 || page > pages) {
        return Fail(Error::NotFound("Ongeldige pagina."));
    }
    return page;
}

Result<Response> Paginated(
    const Catalog& catalog, Kind kind, std::span<const std::size_t> items, const Request& request
) {
    auto page = PageNumber(request, items.size());
    if (!page) return Fail(page.error());
    const std::string path = CollectionPath(kind);
    const std::size_t first = (*page - 1) * kPageSize;
    const std::size_t last = std::min(items.size(), first + kPageSize);
    std::string body = fmt::format("{{\"count\":{},\"next\":", items.size());
    if (last < items.size()) {
        json::AppendString(body, PageUrl(request, path, *page + 1));
    } else {
        body += "null";
    }
    body += ",\"previous\":";
    if (*page > 1) {
        json::AppendString(body, PageUrl(request, path, *page - 1));
    } else {
        body += "null";
    }
    body += ",\"results\":";
    AppendItems(body, catalog, kind, items.subspan(first, last - first), request);
    body += '}';
    return JsonOk(std::move(body));
}

Result<Response> Detail(const Catalog& catalog, Kind kind, const Request& request) {
    auto index = catalog.Find(kind, request.PathParam("uuid"));
    if (!index) return Fail(Error::NotFound());
    std::string body;
    json::AppendExpanded(body, catalog.StoredJson(kind, *index), request.base_url);
    return JsonOk(std::move(body));
}

// `jaar` is a number filter: django-filter accepts any decimal ("2020", "2020.0", " 2020 "), and one that is
// not a whole year simply matches nothing. Absent or empty: no filter.
Result<std::optional<double>> JaarFilter(const Request& request) {
    auto value = request.query.Get("jaar");
    if (!value) return std::nullopt;
    std::string_view v = *value;
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    if (v.front() == '+') v.remove_prefix(1);
    double number = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(number)) {
        return Fail(Error::Field("jaar", "invalid", "Voer een getal in."));
    }
    return number;
}

Result<Response> ListProcestypen(const Catalog& catalog, const Request& request) {
    auto jaar = JaarFilter(request);
    if (!jaar) return Fail(jaar.error());
    std::vector<std::size_t> items;
    items.reserve(catalog.procestypen().size());
    for (std::size_t i = 0; i < catalog.procestypen().size(); ++i) {
        if (!*jaar || static_cast<double>(catalog.procestypen()[i].jaar) == **jaar) items.push_back(i);
    }
    std::string body;
    body.reserve(64 * 1024);
    AppendItems(body, catalog, Kind::kProcestype, items, request);
    return JsonOk(std::move(body));
}

bool IsUrl(std::string_view value) {
    auto u = boost::urls::parse_uri(value);
    if (!u || !u->has_authority() || u->encoded_host().empty()) return false;
    std::string scheme(u->scheme());
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ftps";
}

// `proces_type` (also `procesType`: the reference implementation un-camelCases filter names) is a procestype
// URL. Not a URL: 400, named as the reference implementation names it in invalidParams. A URL that is not one
// of our procestypen matches nothing.
Result<Response> ListResultaten(const Catalog& catalog, std::span<const std::size_t> all, const Request& request) {
    auto value = request.query.Get("proces_type");
    if (!value) value = request.query.Get("procesType");
    if (!value || value->empty()) return Paginated(catalog, Kind::kResultaat, all, request);
    if (!IsUrl(*value)) return Fail(Error::Field("procesType", "invalid", "Voer een geldige URL in."));
    std::string api_root = request.base_url + std::string(kApiRoot);
    auto id = MatchItemUrl(*value, api_root, Kind::kProcestype);
    auto procestype = id ? catalog.Find(Kind::kProcestype, *id) : std::nullopt;
    if (!procestype) return Paginated(catalog, Kind::kResultaat, {}, request);
    return Paginated(catalog, Kind::kResultaat, catalog.ResultatenOf(*procestype), request);
}

Result<Response> ListOmschrijvingen(const Catalog& catalog, const Request& request) {
    std::vector<std::size_t> items(catalog.Count(Kind::kResultaattypeomschrijving));
    std::iota(items.begin(), items.end(), std::size_t{0});
    std::string body;
    AppendItems(body, catalog, Kind::kResultaattypeomschrijving, items, request);
    return JsonOk(std::move(body));
}

}  // namespace

void RegisterRoutes(http::Router& router, const Catalog& catalog) {
    const Catalog* c = &catalog;
    auto add = [&router](Kind kind, bool detail, http::Handler handler) {
        std::string pattern = CollectionPath(kind);
        if (detail) pattern += "/{uuid}";
        router.Add(http::Method::kGet, std::move(pattern), http::Access::Public(), std::move(handler));
    };

    add(Kind::kProcestype, false, [c](Request& r) { return Ready(ListProcestypen(*c, r)); });
    add(Kind::kProcestype, true, [c](Request& r) { return Ready(Detail(*c, Kind::kProcestype, r)); });

    // The unfiltered resultaten list, as positions, made once.
    auto all = std::make_shared<std::vector<std::size_t>>(catalog.Count(Kind::kResultaat));
    std::iota(all->begin(), all->end(), std::size_t{0});
    add(Kind::kResultaat, false, [c, all](Request& r) { return Ready(ListResultaten(*c, *all, r)); });
    add(Kind::kResultaat, true, [c](Request& r) { return Ready(Detail(*c, Kind::kResultaat, r)); });

    add(Kind::kResultaattypeomschrijving, false, [c](Request& r) { return Ready(ListOmschrijvingen(*c, r)); });
    add(Kind::kResultaattypeomschrijving, true, [c](Request& r) {
        return Ready(Detail(*c, Kind::kResultaattypeomschrijving, r));
    });

    // The selectielijst has no communicatiekanalen: an empty, paginated list; every detail is a 404.
    add(Kind::kCommunicatiekanaal, false, [c](Request& r) {
        return Ready(Paginated(*c, Kind::kCommunicatiekanaal, {}, r));
    });
    add(Kind::kCommunicatiekanaal, true, [c](Request& r) { return Ready(Detail(*c, Kind::kCommunicatiekanaal, r)); });
}

}  // namespace thorbecke::referentielijsten
