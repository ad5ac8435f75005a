#include "referentielijsten/lookup.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace thorbecke::referentielijsten {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// The port a URL talks to: written, or the scheme's default; 0 for an unknown scheme without one.
std::uint16_t EffectivePort(const boost::urls::url_view& u) {
    if (u.has_port() && !u.port().empty()) return u.port_number();
    if (EqualsIgnoreCase(u.scheme(), "http")) return 80;
    if (EqualsIgnoreCase(u.scheme(), "https")) return 443;
    return 0;
}

class LocalLookup final : public Lookup {
  public:
    explicit LocalLookup(const Catalog& catalog) : catalog_(catalog) {}

    asio::awaitable<Result<std::optional<Procestype>>> FindProcestype(std::string_view url, std::string_view base_url)
        override {
        auto index = Locate(url, base_url, Kind::kProcestype);
        if (!index) co_return std::optional<Procestype>();
        Procestype p = catalog_.procestypen()[*index];
        p.url = Absolute(base_url, p.url);
        co_return p;
    }

    asio::awaitable<Result<std::optional<Resultaat>>> FindResultaat(std::string_view url, std::string_view base_url)
        override {
        auto index = Locate(url, base_url, Kind::kResultaat);
        if (!index) co_return std::optional<Resultaat>();
        Resultaat r = catalog_.resultaten()[*index];
        r.url = Absolute(base_url, r.url);
        r.procestype_url = Absolute(base_url, r.procestype_url);
        co_return r;
    }

    asio::awaitable<Result<std::optional<Resultaattypeomschrijving>>> FindResultaattypeomschrijving(
        std::string_view url, std::string_view base_url
    ) override {
        auto index = Locate(url, base_url, Kind::kResultaattypeomschrijving);
        if (!index) co_return std::optional<Resultaattypeomschrijving>();
        Resultaattypeomschrijving o = catalog_.resultaattypeomschrijvingen()[*index];
        o.url = Absolute(base_url, o.url);
        co_return o;
    }

  private:
    static std::string Absolute(std::string_view base_url, std::string_view path) {
        std::string out(base_url);
        while (!out.empty() && out.back() == '/') out.pop_back();
        out += path;
        return out;
    }

    std::optional<std::size_t> Locate(std::string_view url, std::string_view base_url, Kind kind) const {
        auto id = MatchItemUrl(url, Absolute(base_url, kApiRoot), kind);
        if (!id) return std::nullopt;
        return catalog_.Find(kind, *id);
    }

    const Catalog& catalog_;
};

}  // namespace

std::optional<std::string> MatchItemUrl(std::string_view url, std::string_view api_root, Kind kind) {
    auto u = boost::urls::parse_uri(url);
    auto root = boost::urls::parse_uri(api_root);
    if (!u || !root) return std::nullopt;
    if (!u->has_authority() || u->has_userinfo() || u->has_query() || u->has_fragment()) return std::nullopt;
    if (!EqualsIgnoreCase(u->scheme(), root->scheme()) || !EqualsIgnoreCase(u->encoded_host(), root->encoded_host()) ||
        EffectivePort(*u) != EffectivePort(*root)) {
        return std::nullopt;
    }
    std::string_view root_path = root->encoded_path();
    while (!root_path.empty() && root_path.back() == '/') root_path.remove_suffix(1);
    std::string_view path = u->encoded_path();
    std::string_view collection = CollectionName(kind);
    if (!path.starts_with(root_path)) return std::nullopt;
    path.remove_prefix(root_path.size());
    if (path.size() < collection.size() + 2 || path[0] != '/' || path.substr(1, collection.size()) != collection ||
        path[collection.size() + 1] != '/') {
        return std::nullopt;
    }
    path.remove_prefix(collection.size() + 2);
    if (path.empty() || path.find('/') != std::string_view::npos) return std::nullopt;
    return std::string(path);
}

std::unique_ptr<Lookup> MakeLocalLookup(const Catalog& catalog) {
    return std::make_unique<LocalLookup>(catalog);
}

}  // namespace thorbecke::referentielijsten
