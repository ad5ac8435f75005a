// Lookup against an external Referentielijsten API, through the shared outgoing HTTP(S) client. Answers are
// reference data, so what was found is cached for the lifetime of the lookup; misses are asked again (rare: a
// client's validation error), which keeps the cache bounded by the external server's data.
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/http/client.h"
#include "core/log.h"
#include "referentielijsten/lookup.h"

namespace thorbecke::referentielijsten {

namespace {

namespace bj = boost::json;

// 503: the API could not be reached; 502: it answered, but not usefully.
Error ServiceErrorWithDetail(int status, std::string detail) {
    return Error{
        status,
        "bad-url-service",
        status == 503 ? "De Referentielijsten-API is niet bereikbaar."
                      : "De Referentielijsten-API gaf een ongeldig antwoord.",
        std::move(detail),
        {}};
}

Error ServiceError(int status, std::string_view url, std::string_view what) {
    return ServiceErrorWithDetail(status, fmt::format("Ophalen van {} mislukt: {}.", url, what));
}

// The client's errors: 503 "unreachable" stays 503, anything else (502 "bad-answer") is a bad answer. Its detail
// already reads "Ophalen van <url> mislukt: <what>.".
Error ServiceError(const Error& client_error) {
    return ServiceErrorWithDetail(client_error.status == 503 ? 503 : 502, client_error.detail);
}

http::ClientOptions ToClientOptions(const RemoteOptions& options) {
    http::ClientOptions out;
    out.timeout = options.timeout;
    out.max_body_bytes = options.max_body_bytes;
    out.ca_file = options.ca_file;
    return out;
}

// Reading the external API's JSON: absent or mistyped optional fields read as empty.
std::string Str(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int> Int(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    if (!v || !v->is_int64()) return std::nullopt;
    std::int64_t n = v->get_int64();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) return std::nullopt;
    return static_cast<int>(n);
}

bool Has(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    return v && v->is_string();
}

std::optional<Procestype> ToProcestype(const bj::object& o, std::string_view url, std::string_view id) {
    auto nummer = Int(o, "nummer");
    if (!nummer || !Has(o, "naam")) return std::nullopt;
    Procestype p;
    p.url = url;
    p.uuid = id;
    p.nummer = *nummer;
    p.jaar = Int(o, "jaar").value_or(0);
    p.naam = Str(o, "naam");
    p.omschrijving = Str(o, "omschrijving");
    p.toelichting = Str(o, "toelichting");
    p.procesobject = Str(o, "procesobject");
    return p;
}

std::optional<Resultaat> ToResultaat(const bj::object& o, std::string_view url, std::string_view id) {
    auto nummer = Int(o, "nummer");
    if (!nummer || Str(o, "procesType").empty() || !Has(o, "naam")) return std::nullopt;
    Resultaat r;
    r.url = url;
    r.uuid = id;
    r.procestype_url = Str(o, "procesType");
    r.nummer = *nummer;
    r.volledig_nummer = Str(o, "volledigNummer");
    const bj::value* generiek = o.if_contains("generiek");
    r.generiek = !generiek || !generiek->is_bool() || generiek->get_bool();
    r.naam = Str(o, "naam");
    r.omschrijving = Str(o, "omschrijving");
    r.herkomst = Str(o, "herkomst");
    r.waardering = Str(o, "waardering");
    r.procestermijn = Str(o, "procestermijn");
    r.bewaartermijn = Str(o, "bewaartermijn");  // null reads as empty
    r.toelichting = Str(o, "toelichting");
    r.procestermijn_opmerking = Str(o, "procestermijnOpmerking");
    return r;
}

std::optional<Resultaattypeomschrijving> ToOmschrijving(
    const bj::object& o, std::string_view url, std::string_view id
) {
    if (!Has(o, "omschrijving")) return std::nullopt;
    Resultaattypeomschrijving r;
    r.url = url;
    r.uuid = id;
    r.omschrijving = Str(o, "omschrijving");
    r.definitie = Str(o, "definitie");
    r.opmerking = Str(o, "opmerking");
    return r;
}

template <class T>
class Cache {
  public:
    std::optional<T> Get(const std::string& url) {
        std::lock_guard lock(mutex_);
        auto it = items_.find(url);
        if (it == items_.end()) return std::nullopt;
        return it->second;
    }
    void Put(std::string url, T item) {
        std::lock_guard lock(mutex_);
        items_.insert_or_assign(std::move(url), std::move(item));
    }

  private:
    std::mutex mutex_;  // lookups may run on several threads
    std::unordered_map<std::string, T> items_;
};

class RemoteLookup final : public Lookup {
  public:
    RemoteLookup(std::string api_root, std::unique_ptr<http::HttpClient> client)
        : api_root_(std::move(api_root)), client_(std::move(client)) {}

    asio::awaitable<Result<std::optional<Procestype>>> FindProcestype(std::string_view url, std::string_view) override {
        co_return co_await Find(Kind::kProcestype, url, procestypen_, &ToProcestype);
    }

    asio::awaitable<Result<std::optional<Resultaat>>> FindResultaat(std::string_view url, std::string_view) override {
        co_return co_await Find(Kind::kResultaat, url, resultaten_, &ToResultaat);
    }

    asio::awaitable<Result<std::optional<Resultaattypeomschrijving>>> FindResultaattypeomschrijving(
        std::string_view url, std::string_view
    ) override {
        co_return co_await Find(Kind::kResultaattypeomschrijving, url, omschrijvingen_, &ToOmschrijving);
    }

  private:
    template <class T>
    using Convert = std::optional<T> (*)(const bj::object&, std::string_view, std::string_view);

    template <class T>
    asio::awaitable<Result<std::optional<T>>> Find(
        Kind kind, std::string_view url_view, Cache<T>& cache, Convert<T> convert
    ) {
        auto id = MatchItemUrl(url_view, api_root_, kind);
        if (!id) co_return std::optional<T>();
        std::string url(url_view);
        if (auto hit = cache.Get(url)) co_return hit;

        // MatchItemUrl made sure it is an http(s) URL on the configured server, without query or user info.
        Result<http::ClientAnswer> answer = co_await client_->Get(url);
        if (!answer) co_return Fail(Logged(ServiceError(answer.error())));
        if (answer->status == 404 || answer->status == 410) co_return std::optional<T>();
        if (answer->status != 200) {
            co_return Fail(Logged(ServiceError(502, url, fmt::format("HTTP-status {}", answer->status))));
        }
        boost::system::error_code ec;
        bj::value doc = bj::parse(answer->body, ec);
        if (ec || !doc.is_object()) co_return Fail(Logged(ServiceError(502, url, "antwoord is geen JSON-object")));
        std::optional<T> item = convert(doc.get_object(), url, *id);
        if (!item) co_return Fail(Logged(ServiceError(502, url, "antwoord mist verplichte velden")));
        cache.Put(url, *item);
        co_return item;
    }

    static Error Logged(Error error) {
        log::Warn("referentielijsten: external lookup failed", {{"detail", error.detail}});
        return error;
    }

    std::string api_root_;
    std::unique_ptr<http::HttpClient> client_;
    Cache<Procestype> procestypen_;
    Cache<Resultaat> resultaten_;
    Cache<Resultaattypeomschrijving> omschrijvingen_;
};

}  // namespace

Result<std::unique_ptr<Lookup>> MakeRemoteLookup(std::string external_base_url, RemoteOptions options) {
    auto invalid = [&](std::string_view why) {
        return Fail(Error::Internal(
            fmt::format("Ongeldige URL voor de externe Referentielijsten-API '{}': {}.", external_base_url, why)
        ));
    };
    while (!external_base_url.empty() && external_base_url.back() == '/') external_base_url.pop_back();
    auto parsed = boost::urls::parse_uri(external_base_url);
    if (!parsed) return invalid("geen absolute URL");
    const boost::urls::url_view& u = *parsed;
    if (u.scheme() != "https" && u.scheme() != "http") return invalid("alleen http en https worden ondersteund");
    if (!u.has_authority() || u.encoded_host().empty()) return invalid("host ontbreekt");
    if (u.has_userinfo() || u.has_query() || u.has_fragment()) return invalid("gebruikersnaam, query of fragment");

    auto client = http::MakeHttpClient(ToClientOptions(options));
    if (!client) {
        return Fail(Error::Internal(
            fmt::format("Externe Referentielijsten-API '{}': {}", external_base_url, client.error().detail)
        ));
    }
    return std::unique_ptr<Lookup>(std::make_unique<RemoteLookup>(std::move(external_base_url), std::move(*client)));
}

}  // namespace thorbecke::referentielijsten
